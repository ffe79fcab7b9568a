package chokepoint

import (
	"context"
	"strings"
	"testing"
)

func TestEvaluate(t *testing.T) {
	passages := []Passage{
		{DocID: "d", Index: 0, Text: "Russia lacks processing capacity."},
		{DocID: "d", Index: 1, Text: "China dominates refining."},
		{DocID: "d", Index: 2, Text: "Elites are sanctioned."},
	}
	answers := map[string]Answer{
		"good":      {Citations: []Citation{{PassageID: "d#0", Excerpt: "Russia lacks"}, {PassageID: "d#2", Excerpt: "Elites"}}},
		"bad first": {Citations: []Citation{{PassageID: "d#1", Excerpt: "China"}, {PassageID: "d#0", Excerpt: "Russia"}}},
		"abstains":  {Abstained: true},
	}
	ask := func(_ context.Context, q string) (Answer, error) { return answers[q], nil }
	cases := []EvalCase{
		{Question: "good", Cite: []string{"lacks processing", "d#2"}},
		{Question: "bad first", Cite: []string{"d#0"}},
		{Question: "abstains", Abstain: true},
		{Question: "abstains", Cite: []string{"sanctioned"}},
	}
	rep, err := Evaluate(context.Background(), ask, passages, cases)
	if err != nil {
		t.Fatal(err)
	}
	var pass []bool
	for _, r := range rep.Cases {
		pass = append(pass, r.Pass)
	}
	if want := []bool{true, false, true, false}; !equalBools(pass, want) {
		t.Errorf("Evaluate passes = %v, want %v", pass, want)
	}
	if rep.Passed != 2 || rep.FirstOK != 2 || rep.AbstainOK != 1 || rep.FalseAbstain != 1 {
		t.Errorf("Evaluate report = %+v", rep)
	}
	// wanted 4 cite passages (2+1+1), found 2+1+0.
	if rep.Recall != 0.75 {
		t.Errorf("Recall = %v, want 0.75", rep.Recall)
	}
	if rep.MeanQuoted != float64(len("Russia lacks")+len("Elites")+len("China")+len("Russia"))/2 {
		t.Errorf("MeanQuoted = %v", rep.MeanQuoted)
	}
}

func equalBools(a, b []bool) bool {
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
	passages := []Passage{{DocID: "d", Index: 0, Text: "Russia lacks processing."}, {DocID: "d", Index: 1, Text: "Russia lacks money."}}
	ask := func(context.Context, string) (Answer, error) { return Answer{}, nil }
	for _, c := range []EvalCase{
		{Question: "q", Cite: []string{"nowhere in the corpus"}},
		{Question: "q", Cite: []string{"Russia lacks"}}, // two passages
		{Question: "q"}, // nothing expected
	} {
		if _, err := Evaluate(context.Background(), ask, passages, []EvalCase{c}); err == nil || !strings.Contains(err.Error(), `"q"`) {
			t.Errorf("Evaluate(%+v) error = %v, want one naming the case", c, err)
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
