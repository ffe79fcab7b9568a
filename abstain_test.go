package chokepoint

import (
	"context"
	"math"
	"strings"
	"testing"
)

func TestNamedYear(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"2030", true},
		{"1998", true},
		{"2099", true},
		{"1899", false},
		{"2100", false},
		{"60", false}, // "the $60 cap": an amount, as often context as the fact asked
		{"7,500", false},
		{"3000", false},
		{"2010s", false},
		{"20x4", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := namedYear(tt.text); got != tt.want {
			t.Errorf("namedYear(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// yearsCorpus states 2024 in a passage and 2030 only in another
// article's title.
func yearsCorpus() *memSearcher {
	return &memSearcher{docs: []Document{
		doc("lithium", "Lithium Demand Review",
			"Demand", "Lithium demand from battery makers grew by a third in 2024.",
			"Supply", "Chile and Australia mine most of the lithium the battery makers buy.",
		),
		doc("nickel", "Nickel Outlook to 2030", "", "Nickel demand from battery makers is rising in Indonesia."),
	}}
}

// TestAnswerNamedYears checks that a window whose passage and article
// never state a year the question names counts for unstatedShare of its
// share in the confidence, and that a number stated in the passage or in
// the article's title leaves the confidence whole.
func TestAnswerNamedYears(t *testing.T) {
	checkShares(t, yearsCorpus(), testVocab, FeatureYears, []shareCase{
		{"year in the passage", "did lithium demand from battery makers grow in 2024?", 1},
		{"year nowhere", "will lithium demand from battery makers double by 2031?", unstatedShare},
		{"year in the article title", "is nickel demand from battery makers rising before 2030?", 1},
		{"no year", "is lithium demand from battery makers growing?", 1},
		{"an amount nowhere", "did lithium demand from battery makers grow by 45 percent?", 1},
	})
}

// shareCase is a question and the ratio of its confidence with a feature
// to its confidence without.
type shareCase struct {
	name, q string
	share   float64
}

// checkShares answers each question on s with feature f on and off and
// checks the ratio of the two confidences.
func checkShares(t *testing.T, s Searcher, v Vocabulary, f Features, cases []shareCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			var conf [2]float64
			for i, o := range []Options{{MinConfidence: 1e-9}, {MinConfidence: 1e-9, Off: f}} {
				ans, err := NewAnswerer(s, v, o).Answer(context.Background(), tt.q)
				if err != nil {
					t.Fatalf("Answer(%q): %v", tt.q, err)
				}
				conf[i] = ans.Confidence
			}
			if conf[1] == 0 {
				t.Fatalf("Answer(%q) confidence 0 without the feature, want a match", tt.q)
			}
			if got := conf[0] / conf[1]; math.Abs(got-tt.share) > 1e-9 {
				t.Errorf("Answer(%q) confidence %.3f with the feature, %.3f without: ratio %.3f, want %.3f", tt.q, conf[0], conf[1], got, tt.share)
			}
		})
	}
}

// thingsCorpus names Congo in one passage of the cobalt article, and
// Zambia and copper only in another article.
func thingsCorpus() *memSearcher {
	return &memSearcher{docs: []Document{
		doc("cobalt", "Cobalt Quotas",
			"", "Cobalt exports were capped at 96,600 tonnes a year.",
			"", "Glencore and CMOC mine most of the cobalt in Congo.",
		),
		doc("copper", "The Copperbelt", "", "Zambia mines copper in the copperbelt."),
	}}
}

// TestAnswerNamedThings checks that a window whose article never states a
// place or material the question names (in its retrieved passages, title
// or headings) counts for unstatedShare of its share in the confidence,
// and that one stated anywhere in the window's article, one the corpus
// never names (already weighed as an unknown name) and a question naming
// none leave it whole.
func TestAnswerNamedThings(t *testing.T) {
	checkShares(t, thingsCorpus(), testVocab, FeatureNamedThings, []shareCase{
		{"place in another passage of the article", "were cobalt exports from congo capped at 96,600 tonnes?", 1},
		{"place in another article only", "were zambia's cobalt exports capped at 96,600 tonnes?", unstatedShare},
		{"place typed wrong, in another article only", "were cobalt exports from zambla capped at 96,600 tonnes?", unstatedShare},
		{"material in another article only", "were copper exports capped at 96,600 tonnes a year?", unstatedShare},
		{"material the corpus never names", "were helium exports capped at 96,600 tonnes a year?", 1},
		{"nothing named", "were exports capped at 96,600 tonnes a year?", 1},
	})
}

// TestAnswerLoneMatch checks that a window holding a single concept of a
// question of four or more, one of them a word the corpus never uses,
// counts for loneShare of its share in the confidence, and that one
// holding two, one of a shorter question, or one of a question the corpus
// knows every word of, counts whole.
func TestAnswerLoneMatch(t *testing.T) {
	s := &memSearcher{docs: []Document{
		doc("magnets", "Magnet Makers", "", "Beijing consolidated its industry into two state champions in December 2021."),
		doc("copper", "Copper", "", "Copper prices rose."),
		doc("zinc", "Zinc", "", "Zinc output fell."),
		doc("nickel", "Nickel", "", "Nickel demand grew."),
	}}
	checkShares(t, s, Vocabulary{}, FeatureLoneMatch, []shareCase{
		{"one of four", "who won the champions league final", loneShare},
		{"two of four", "which champions did beijing form in the league", 1},
		{"one of three", "who won the champions league", 1},
		{"one of four, every word known", "champions copper zinc nickel", 1},
		{"one of five, a word unknown", "champions copper zinc nickel cricket", loneShare},
	})
}

func TestExplainMarksNamedYears(t *testing.T) {
	for _, o := range []Options{{}, {Off: FeatureYears}} {
		ex, err := NewAnswerer(yearsCorpus(), testVocab, o).Explain(context.Background(), "will lithium demand double by 2031?")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, c := range ex.Concepts {
			year := c.Alternatives[0].Text == "2031"
			found = found || year
			if want := year && o.Off == 0; c.Year != want {
				t.Errorf("Explain (Off=%v) concept %q: Year %v, want %v", o.Off, c.Alternatives[0].Text, c.Year, want)
			}
		}
		if !found {
			t.Errorf("Explain (Off=%v) has no concept 2031: %+v", o.Off, ex.Concepts)
		}
	}
}

// TestConfidenceIgnoresRanking checks that the confidence is the best
// share of the question any window holds, not only of the windows scoring
// keeps: ranked by length alone, the passage keeps its two longest
// sentences, neither of which holds as much of the question as the short
// one between them, and the question must be answered or declined all the
// same.
func TestConfidenceIgnoresRanking(t *testing.T) {
	ctx := context.Background()
	long := strings.Repeat("Lithium prices fell through a long and oversupplied year, ", 7)
	s := &memSearcher{docs: []Document{
		doc("one", "Notes", "", long+"in Chile. Battery makers buy Chilean lithium brine. "+long+"in Argentina."),
	}}
	const q = "which lithium do battery makers buy?"
	confidence := func() float64 {
		ans, err := NewAnswerer(s, testVocab, Options{MinConfidence: 1e-9}).Answer(ctx, q)
		if err != nil {
			t.Fatalf("Answer(%q): %v", q, err)
		}
		return ans.Confidence
	}
	want := confidence()
	saved := weights
	defer func() { weights = saved }()
	weights = features{Len: 1}
	if got := confidence(); got != want {
		t.Errorf("%q: confidence %.3f with windows ranked by length, %.3f as scored; want the same", q, got, want)
	}
}
