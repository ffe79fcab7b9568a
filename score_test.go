package chokepoint

import (
	"context"
	"strings"
	"testing"
)

// TestAnswerFraming checks that an excerpt is read under its article's
// title: the sentence naming the banks that finance the plant answers a
// question about MP's plant although only its article's title names MP.
// With framing off, the sentence that names MP but no bank and no financing
// leads instead. (The two sentences are too long to be quoted together.)
func TestAnswerFraming(t *testing.T) {
	s := &memSearcher{docs: []Document{
		doc("mp", "Pentagon Becomes MP Materials' Top Shareholder",
			"The Key Terms", "Under the offtake terms of the agreement announced in July, the Pentagon will buy every single magnet that is made at the new MP plant, called the Independence Facility by the company, for a period of ten years from the day the plant starts up. "+
				"For the private side of the deal, JPMorgan Chase and Goldman Sachs have together committed one billion dollars of financing to the magnet plant, with most of the money due to be drawn during construction over the next two years.",
		),
		doc("other", "Magnet Makers in Europe", "", "The magnet plant up north, built with MP know-how, opened this year with state financing."),
	}}
	const q = "which banks are financing the MP magnet plant?"
	// The passage is short enough to be quoted whole as the lead excerpt:
	// which of its windows leads is seen with that turned off.
	lead := func(off Features) string { return leadExcerpt(t, s, q, off|FeatureWholePassage) }
	if got := lead(0); !strings.HasPrefix(got, "For the private side") {
		t.Errorf("Answer(%q) leads with %q, want the financing sentence", q, got)
	}
	if got := lead(FeatureFraming); !strings.HasPrefix(got, "Under the offtake") {
		t.Errorf("with framing off, Answer(%q) leads with %q, want the offtake sentence (else this test shows nothing)", q, got)
	}
}

func TestFramed(t *testing.T) {
	q := question{concepts: []concept{{weight: 2}, {weight: 1}, {weight: 1}}, total: 4}
	tests := []struct {
		matched, frame []float64
		want           float64
	}{
		{[]float64{1, 0, 0}, []float64{0, 1, 0}, 0.25},   // the frame states what the window lacks
		{[]float64{1, 0, 0}, []float64{1, 0, 0}, 0},      // nothing the window does not already hold
		{[]float64{0.9, 0, 0}, []float64{1, 0, 0}, 0.05}, // a better alternative counts for the difference
		{[]float64{0, 0, 0}, []float64{1, 1, 1}, 1},
		{[]float64{0, 0, 0}, nil, 0}, // framing off
	}
	for _, tt := range tests {
		if got := q.framed(tt.matched, tt.frame); got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("framed(%v, %v) = %v, want %v", tt.matched, tt.frame, got, tt.want)
		}
	}
}

// TestAnswerThingsStated checks that a window whose passage, title and
// headings lack a place the question names ranks below one that states
// it, though it holds more of the question's other words; with the
// feature off, the wordier window leads (else this test shows nothing).
func TestAnswerThingsStated(t *testing.T) {
	s := &memSearcher{docs: []Document{
		doc("graphite", "Graphite Anode Supply",
			"", "China's share of the world's battery graphite anode output reached about 90 percent last year, and its share of spherical graphite is higher still.",
		),
		doc("japan", "Japanese Battery Makers",
			"", "Japan imports nearly all the graphite for its battery anode output.",
		),
	}}
	const q = "what share of the world's battery graphite anode output does japan make?"
	lead := func(off Features) string { return leadExcerpt(t, s, q, off) }
	if got := lead(0); !strings.HasPrefix(got, "Japan imports") {
		t.Errorf("Answer(%q) leads with %q, want the sentence on Japan", q, got)
	}
	if got := lead(FeatureThingsStated); !strings.HasPrefix(got, "China's share") {
		t.Errorf("with the feature off, Answer(%q) leads with %q, want the sentence on China", q, got)
	}
}

// leadExcerpt returns the first excerpt of the answer to q over s with the
// features off turned off; the answer must not abstain.
func leadExcerpt(t *testing.T, s Searcher, q string, off Features) string {
	t.Helper()
	ans, err := NewAnswerer(s, testVocab, Options{Off: off}).Answer(context.Background(), q)
	if err != nil {
		t.Fatalf("Answer(%q): %v", q, err)
	}
	if len(ans.Citations) == 0 {
		t.Fatalf("Answer(%q) abstained", q)
	}
	return ans.Citations[0].Excerpt
}
