package chokepoint

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

func TestProseForSummaries(t *testing.T) {
	cand := func(doc string, kind PassageKind, text string, matched ...float64) candidate {
		return candidate{hit: Hit{Passage: Passage{DocID: doc, Kind: kind, Text: text}}, words: words(text), matched: matched}
	}
	bullet := cand("a", List, "russia lack process", 1, 0)
	prose := cand("a", Paragraph, "russia and ukraine lack process capacity", 1, 0)
	other := cand("a", Paragraph, "china dominate", 0, 1)
	elsewhere := cand("b", Paragraph, "russia lack process plant", 1, 0)
	short := cand("a", Paragraph, "russia lack", 1, 0) // holds too little of the bullet
	for _, tc := range []struct {
		name string
		in   []candidate
		want []string
	}{
		{"prose of the same article takes the bullet's place", []candidate{bullet, other, prose}, []string{prose.hit.Passage.Text, other.hit.Passage.Text}},
		{"another article's prose does not", []candidate{bullet, elsewhere}, []string{bullet.hit.Passage.Text, elsewhere.hit.Passage.Text}},
		{"prose holding too little of it does not", []candidate{bullet, short}, []string{bullet.hit.Passage.Text, short.hit.Passage.Text}},
		{"prose missing a concept the bullet holds does not", []candidate{cand("a", List, "russia lack process", 1, 1), prose}, []string{"russia lack process", prose.hit.Passage.Text}},
	} {
		var got []string
		for _, c := range proseForSummaries(tc.in) {
			got = append(got, c.hit.Passage.Text)
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: proseForSummaries = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestPickSkipsNearDuplicates(t *testing.T) {
	c := func(text string) candidate {
		return candidate{words: words(text), hit: Hit{Passage: Passage{Text: text}}}
	}
	got := pick([]candidate{c("a b c d e"), c("a b c d e f"), c("x y z"), c("p q r")}, 2, false)
	if len(got) != 2 || got[1].hit.Passage.Text != "x y z" {
		t.Errorf("pick = %v, want the first and x y z", got)
	}
}

// TestPickQuotesAShortPassageOnce: two windows of a passage quoted whole
// would show the same excerpt twice, so with whole the second is skipped;
// windows of a long passage, and any without whole, are kept.
func TestPickQuotesAShortPassageOnce(t *testing.T) {
	short := "Alpha beta. Gamma delta."
	long := short + strings.Repeat(" Filler words here.", 30)
	c := func(doc, text, window string) candidate {
		return candidate{words: words(window), hit: Hit{Passage: Passage{DocID: doc, Text: text}}}
	}
	cands := []candidate{c("s", short, "alpha beta"), c("s", short, "gamma delta"), c("l", long, "epsilon zeta"), c("l", long, "eta theta")}
	ids := func(got []candidate) []string {
		var out []string
		for _, g := range got {
			out = append(out, g.hit.Passage.DocID)
		}
		return out
	}
	if got := ids(pick(cands, 4, true)); !slices.Equal(got, []string{"s", "l", "l"}) {
		t.Errorf("pick with whole = %v, want s once, then l twice", got)
	}
	if got := ids(pick(cands, 4, false)); !slices.Equal(got, []string{"s", "s", "l", "l"}) {
		t.Errorf("pick without whole = %v, want every window", got)
	}
	shown, _ := number(pick(cands, 4, true), 4, true)
	for i := 1; i < len(shown); i++ {
		if shown[i].Excerpt == shown[0].Excerpt {
			t.Errorf("excerpt %d repeats excerpt 1: %q", i+1, shown[i].Excerpt)
		}
	}
}

func TestAbstainQuotesTheClosest(t *testing.T) {
	s := testCorpus()
	a := NewAnswerer(s, testVocab, Options{MinConfidence: 0.99, ClosestConfidence: 0.1})
	ans, err := a.Answer(context.Background(), "Could Russian deposits help refining?")
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Abstained || len(ans.Citations) != 0 || len(ans.Closest) == 0 || len(ans.Closest) > 2 || ans.Confidence < 0.1 {
		t.Errorf("Answer = declined %v, %d citations, %d closest, confidence %v; want declined with 1 or 2 closest passages",
			ans.Abstained, len(ans.Citations), len(ans.Closest), ans.Confidence)
	}
	a = NewAnswerer(s, testVocab, Options{MinConfidence: 0.99, ClosestConfidence: 0.99})
	if ans, _ := a.Answer(context.Background(), "Could Russian deposits help refining?"); len(ans.Closest) != 0 {
		t.Errorf("Answer below ClosestConfidence quotes %d closest passages, want none", len(ans.Closest))
	}
}

func TestWordsOfEnglish(t *testing.T) {
	cv := compileVocabulary((&memSearcher{}).Analyze, Vocabulary{Words: map[string]bool{"shred": true, "stop": true, "answer": true, "country": true, "original": true, "likely": true, "large": true, "big": true, "cheap": true, "try": true, "lose": true, "use": true}})
	for w, want := range map[string]bool{
		"answer": true, "answers": true, "answered": true, "shredded": true, "countries": true,
		"shreded": false, "stoped": false, "stopped": true, "zimbabwe": false,
		"likelier": true, "likeliest": true, "larger": true, "largest": true, "bigger": true, "biger": false, "cheaper": true,
		"tried": true, "losing": true, "using": true, "trying": true, "tries": true,
	} {
		if got := cv.isWord(w); got != want {
			t.Errorf("isWord(%q) = %v, want %v", w, got, want)
		}
	}
	for w, want := range map[string]bool{"originaly": true, "anwser": true, "zimbabwe": false, "q": true} {
		if got := cv.common(w); got != want {
			t.Errorf("common(%q) = %v, want %v", w, got, want)
		}
	}
}
