package chokepoint

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

var evalPassages = []Passage{
	{DocID: "d", Index: 0, Text: "Russia lacks processing capacity. It has ore."},
	{DocID: "d", Index: 1, Text: "China dominates refining."},
	{DocID: "d", Index: 2, Text: "Elites are “sanctioned” by the U.S."},
}

func cite(id, excerpt string) Citation { return Citation{PassageID: id, Excerpt: excerpt} }

func TestEvaluate(t *testing.T) {
	answers := map[string]Answer{
		"first":        {Citations: []Citation{cite("d#0", "Russia lacks processing capacity."), cite("d#1", "China dominates refining.")}},
		"second":       {Citations: []Citation{cite("d#1", "China dominates refining."), cite("d#2", "Elites are “sanctioned”")}},
		"passage only": {Citations: []Citation{cite("d#0", "It has ore.")}, More: []Citation{cite("d#1", "China dominates refining."), cite("d#0", "Russia lacks processing capacity.")}},
		"abstains":     {Abstained: true},
		"off answered": {Citations: []Citation{cite("d#1", "China dominates refining.")}},
	}
	ask := func(_ context.Context, q string) (Answer, error) { return answers[q], nil }
	cases := []EvalCase{
		{ID: "a", Question: "first", Gold: []string{"lacks  PROCESSING"}},
		{ID: "b", Question: "second", Gold: []string{"It has ore", `are "sanctioned"`}},
		{ID: "c", Question: "passage only", Gold: []string{"processing capacity"}},
		{ID: "d", Question: "abstains", Gold: []string{"dominates"}},
		{ID: "e", Question: "abstains", Abstain: true},
		{ID: "f", Question: "off answered", Abstain: true},
		{ID: "a2", Question: "first", Gold: []string{"lacks processing"}, Base: "a"},
		{ID: "a3", Question: "second", Gold: []string{"lacks processing"}, Base: "a"},
	}
	rep, err := Evaluate(context.Background(), ask, evalPassages, cases)
	if err != nil {
		t.Fatal(err)
	}
	var ranks []int
	for _, r := range rep.Cases {
		ranks = append(ranks, r.Rank)
	}
	if want := []int{1, 2, 0, 0, 0, 0, 1, 0}; !equal(ranks, want) {
		t.Errorf("Evaluate ranks = %v, want %v", ranks, want)
	}
	if got := rep.Cases[2].PassageRank; got != 1 {
		t.Errorf("PassageRank of a cited passage holding the gold = %d, want 1", got)
	}
	var more []int
	for _, r := range rep.Cases {
		more = append(more, r.MoreRank)
	}
	// Only c's answer shows no gold and holds it further on, in its third
	// excerpt (the second of More); a's and b's are shown, so not counted.
	if want := []int{0, 0, 3, 0, 0, 0, 0, 0}; !equal(more, want) {
		t.Errorf("MoreRank = %v, want %v", more, want)
	}
	want := EvalReport{Answerable: 6, OffTopic: 2, Top1: 2, Top3: 3, PassageTop3: 4, AbstainRight: 1, AbstainWrong: 1, Perturbed: 2, Agree: 1}
	got := rep
	got.Cases, got.ExcerptMedian, got.MeanQuoted = nil, 0, 0
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Evaluate report = %+v\nwant %+v", got, want)
	}
	// Excerpts shown for answerable cases: 33, 25 | 25, 23 | 11 | 33, 25 | 25, 23.
	if rep.ExcerptMedian != 25 {
		t.Errorf("ExcerptMedian = %d, want 25", rep.ExcerptMedian)
	}
	if want := float64(33+25+25+23+11+33+25+25+23) / 5; rep.MeanQuoted != want {
		t.Errorf("MeanQuoted = %v, want %v", rep.MeanQuoted, want)
	}
	if !rep.Cases[4].Pass(3) || rep.Cases[5].Pass(3) || !rep.Cases[1].Pass(3) || rep.Cases[1].Pass(1) {
		t.Errorf("Pass: off-topic abstained %v, off-topic answered %v, rank 2 within 3 %v, within 1 %v",
			rep.Cases[4].Pass(3), rep.Cases[5].Pass(3), rep.Cases[1].Pass(3), rep.Cases[1].Pass(1))
	}
}

func equal(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestEvaluateRejectsBadQuestionSets(t *testing.T) {
	ask := func(context.Context, string) (Answer, error) { return Answer{}, nil }
	for _, c := range [][]EvalCase{
		{{ID: "q", Question: "q", Gold: []string{"nowhere in the corpus"}}},
		{{ID: "q", Question: "q"}},
		{{ID: "q", Question: " ", Abstain: true}},
		{{ID: "q", Question: "q", Gold: []string{"  "}}},
		{{ID: "q", Question: "q", Abstain: true}, {ID: "q", Question: "q", Abstain: true}},
		{{ID: "q", Question: "q", Abstain: true, Base: "later"}, {ID: "later", Question: "x", Abstain: true}},
	} {
		if _, err := Evaluate(context.Background(), ask, evalPassages, c); err == nil || !strings.Contains(err.Error(), "q") {
			t.Errorf("Evaluate(%+v) error = %v, want one naming the case", c, err)
		}
	}
}

func TestPassagesHolding(t *testing.T) {
	for _, tc := range []struct {
		phrase string
		want   int
	}{
		{"russia LACKS", 1},
		{"are \"sanctioned\" by", 1},
		{"s", 3},
		{"absent", 0},
	} {
		if got := PassagesHolding(evalPassages, tc.phrase); got != tc.want {
			t.Errorf("PassagesHolding(%q) = %d, want %d", tc.phrase, got, tc.want)
		}
	}
}

func TestBaselineAnswer(t *testing.T) {
	hits := []Hit{
		{Passage: Passage{DocID: "d", Index: 3, Section: "S", Text: "whole passage one"}, Title: "T", Score: 2},
		{Passage: Passage{DocID: "d", Index: 1, Text: "whole passage two"}, Title: "T", Score: 1},
	}
	a := BaselineAnswer("q", hits, 1)
	if a.Abstained || len(a.Citations) != 1 || a.Citations[0].Excerpt != "whole passage one" || a.Citations[0].PassageID != "d#3" {
		t.Errorf("BaselineAnswer = %+v", a)
	}
	if a := BaselineAnswer("q", nil, 3); !a.Abstained {
		t.Errorf("BaselineAnswer(no hits) did not abstain")
	}
}

func TestBestSentenceAnswer(t *testing.T) {
	hits := []Hit{{Passage: Passage{DocID: "d", Index: 0, Text: "China has ore. Russia lacks processing capacity. Russia has ore too."}}}
	analyze := func(s string) []Token {
		var out []Token
		for _, f := range strings.Fields(strings.ToLower(strings.Trim(s, "?"))) {
			out = append(out, Token{Term: strings.Trim(f, ".?")})
		}
		return out
	}
	a := BestSentenceAnswer("does russia lack processing?", hits, 3, analyze)
	if len(a.Citations) != 1 {
		t.Fatalf("BestSentenceAnswer gave %d citations, want 1", len(a.Citations))
	}
	c := a.Citations[0]
	if c.Excerpt != "Russia lacks processing capacity." || !c.TrimmedStart || !c.TrimmedEnd {
		t.Errorf("BestSentenceAnswer excerpt = %q (trimmed %v %v), want the sentence with most question terms, trimmed both sides",
			c.Excerpt, c.TrimmedStart, c.TrimmedEnd)
	}
}
