package chokepoint

import (
	"context"
	"slices"
	"testing"
)

func TestLongForm(t *testing.T) {
	for _, tc := range []struct{ short, before, want string }{
		{"CBP", "The law is enforced by U.S. Customs and Border Protection", "Customs and Border Protection"},
		{"BIS", "the Commerce Department's Bureau of Industry and Security", "Bureau of Industry and Security"},
		{"IMIP", "The Indonesia Morowali Industrial Park", "Indonesia Morowali Industrial Park"},
		{"KIA", "fighters of the Kachin Independence Army", "Kachin Independence Army"},
		{"DoD", "funded by the Department of Defense", "Department of Defense"},
		// Letters missing from the words before: no definition.
		{"SMZ", "the Solikamsk Magnesium Plant", ""},
		{"EU", "Regulation", ""},
		// The first letter must open a word: "Protection" holds a c, but
		// no word of this sentence starts with one.
		{"CBP", "Customs said so. Border Protection", ""},
		// A long form opens with a word of its own, not a stop word.
		{"AB", "Alpha went to the shops and bought bread", ""},
		// Too far back: at most min(len+5, 2·len) words.
		{"AB", "Alpha went to the shops to buy bread", ""},
	} {
		if got := longForm(tc.short, tc.before); got != tc.want {
			t.Errorf("longForm(%q, %q) = %q, want %q", tc.short, tc.before, got, tc.want)
		}
	}
}

func TestDefinitions(t *testing.T) {
	text := "Shipments were held by Customs and Border Protection (CBP) (opens in a new tab) in 2022 (a record). " +
		"The Minerals Security Partnership (MSP) met in Toronto (Canada)."
	got := definitions(text)
	want := []definition{{"CBP", "Customs and Border Protection"}, {"MSP", "Minerals Security Partnership"}}
	if !slices.Equal(got, want) {
		t.Errorf("definitions = %q, want %q", got, want)
	}
	if got := definedIn(text, "cbp"); got != "Customs and Border Protection" {
		t.Errorf(`definedIn(text, "cbp") = %q, want the long form whatever the case`, got)
	}
	if got := definedIn(text, "EU"); got != "" {
		t.Errorf(`definedIn(text, "EU") = %q, want ""`, got)
	}
}

// TestAbbreviationsFromCorpus checks both directions: an abbreviation of
// the question is also satisfied by the long form a passage defines for it,
// and a long form the question spells out by the abbreviation; and that
// the passages are asked for again with it, so a passage that only uses the
// other form is retrieved.
func TestAbbreviationsFromCorpus(t *testing.T) {
	s := &memSearcher{docs: []Document{
		doc("solar", "Solar imports",
			"", "U.S. Customs and Border Protection (CBP) enforces the forced labour law.",
			"", "Customs and Border Protection held 1,500 solar shipments in 2022."),
		doc("kachin", "Kachin State",
			"", "The Kachin Independence Army (KIA) is an armed group.",
			"", "On October 19 the KIA captured Pangwa."),
	}}
	for _, tc := range []struct {
		question, concept, alt, passage string
	}{
		{"how many solar shipments did CBP hold", "CBP", "Customs and Border Protection", "solar#1"},
		{"which town did the kachin independence army capture on october 19", "army", "KIA", "kachin#1"},
	} {
		for _, off := range []bool{false, true} {
			opts := Options{}
			if off {
				opts.Off = FeatureAbbreviations
			}
			a := NewAnswerer(s, Vocabulary{}, opts)
			q, hits, err := a.retrieve(context.Background(), tc.question, 30)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(q.concepts, func(c concept) bool { return c.alts[0].text == tc.concept })
			if i < 0 {
				t.Fatalf("%q: no concept %q", tc.question, tc.concept)
			}
			has := slices.ContainsFunc(q.concepts[i].alts, func(al alt) bool { return al.text == tc.alt })
			if has == off {
				t.Errorf("%q, feature off %v: concept %q has alternative %q: %v, want %v", tc.question, off, tc.concept, tc.alt, has, !off)
			}
			if off {
				continue
			}
			if !slices.ContainsFunc(hits, func(h Hit) bool { return h.Passage.ID() == tc.passage }) {
				t.Errorf("%q: passage %s, which only uses %q, not retrieved", tc.question, tc.passage, tc.alt)
			}
			// ask --explain shows what Answer reads.
			got, _ := alternatives(t, a, tc.question)
			if !slices.ContainsFunc(got, func(alts []string) bool { return alts[0] == tc.concept && slices.Contains(alts, tc.alt) }) {
				t.Errorf("Explain(%q) = %q, want %q among the alternatives of %q", tc.question, got, tc.alt, tc.concept)
			}
		}
	}
}

// definedIn returns the long form that text gives the abbreviation short
// in a parenthesis right after it ("Customs and Border Protection (CBP)"),
// or "" when text does not define it.
func definedIn(text, short string) string { return longFormOf(definitions(text), short) }
