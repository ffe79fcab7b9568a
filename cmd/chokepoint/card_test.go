package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"chokepoint"
)

// TestCardQuestion: on the embedded corpus, the question the product is
// built around, typed the ways members type it, leads with the sentence on
// the processing gap and cites the passage on sanctions; and the questions
// a new user tried that the first engine declined are answered.
func TestCardQuestion(t *testing.T) {
	cfg := defaultConfig()
	cfg.Index = t.TempDir()
	ctx := context.Background()
	e, err := openEngine(ctx, cfg, noEnv, io.Discard, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	const (
		gap       = "both Russia and Ukraine lack significant midstream and downstream rare earth processing capacity"
		sanctions = "Russian elites have been sanctioned"
	)
	for _, q := range []string{
		"why can't Russia replace China?",
		"please, why can't Russia replace China?",
		"hey bot, why can't Russia replace China?",
		"why cant russia replace china",
		"why can't rusia replace china",
		"@everyone why can't Russia replace China?",
		"<@123456789012345678> why can't Russia replace China?",
		"why can't _Russia_ replace China?",
		"why can't **Russia** replace China? 🤔",
		"WHY CANT RUSSIA REPLACE CHINA??",
		"whyyy can't russia replace china",
		"can you tell me why russia can't replace china?",
	} {
		ans, err := e.answerer.Answer(ctx, q)
		if err != nil {
			t.Fatalf("Answer(%q): %v", q, err)
		}
		if ans.Abstained {
			t.Errorf("Answer(%q) declined", q)
			continue
		}
		passages := e.passages()
		holds := func(id, s string) bool {
			for _, p := range passages {
				if p.ID() == id {
					return strings.Contains(p.Text, s)
				}
			}
			return false
		}
		if first := ans.Citations[0]; !strings.Contains(first.Excerpt, gap) {
			t.Errorf("Answer(%q) leads with %q, want the processing-gap sentence", q, first.Excerpt)
		}
		cited := false
		for _, c := range ans.Citations {
			cited = cited || holds(c.PassageID, sanctions)
		}
		if !cited {
			t.Errorf("Answer(%q) cites %v, want the sanctions passage among them", q, excerptsOf(ans.Citations))
		}
	}
	for q, want := range map[string]string{
		"what date was the newsweek piece":                     "March 19, 2025",
		"What does the critique say Newsweek missed?":          "without critically examining",
		"who is the CEO of the russian direct investment fund": "Kirill Dmitriev, the CEO",
		// "goes" is English, not the name of something the corpus lacks.
		"what happens to russian ore once it goes to china for refining": "rely on Chinese facilities",
		// Chat words are filler or shortenings, not names the corpus lacks.
		"any info on russia's rare earth deposits?": "rare earth deposits far exceed",
		"is russia's rare earth offer legit?":       "potentially viable alternative",
	} {
		ans, err := e.answerer.Answer(ctx, q)
		if err != nil {
			t.Fatalf("Answer(%q): %v", q, err)
		}
		found := false
		for _, c := range ans.Citations {
			found = found || strings.Contains(c.Excerpt, want)
		}
		if !found {
			t.Errorf("Answer(%q) = %v (declined %v), want an excerpt holding %q", q, excerptsOf(ans.Citations), ans.Abstained, want)
		}
	}
}

func excerptsOf(cs []chokepoint.Citation) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Excerpt)
	}
	return out
}
