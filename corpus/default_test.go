package corpus

import (
	"io/fs"
	"reflect"
	"strings"
	"testing"

	"chokepoint"
)

func loadDefault(t *testing.T) Result {
	t.Helper()
	res, err := Load(Default(), Options{})
	if err != nil {
		t.Fatalf("Load(Default()) error: %v", err)
	}
	return res
}

func TestDefaultSeed(t *testing.T) {
	res := loadDefault(t)
	if len(res.Skipped) != 0 || len(res.Warnings) != 0 {
		t.Fatalf("Load(Default()) skipped %v, warned %v; want neither", res.Skipped, res.Warnings)
	}
	if len(res.Documents) != 1 {
		t.Fatalf("Load(Default()) = %d documents, want 1", len(res.Documents))
	}
	d := res.Documents[0]
	checks := []struct {
		name      string
		got, want any
	}{
		{"ID", d.ID, "000_0524fadb7a41a105"},
		{"Path", d.Path, "000_0524fadb7a41a105.txt"},
		{"Title", d.Title, "Putin Allies Woo Trump with Rare Earth Mineral Deposits, But What About Midstream? And Downstream?"},
		{"Source", d.Source, "Rare Earth Exchanges"},
		{"URL", d.URL, ""},
		{"Reviews", d.Reviews, &chokepoint.Review{Source: "Newsweek", Author: "Brendan Cole and John Feng", Published: "March 19, 2025"}},
		{"Tags", d.Tags, []string{"russia", "rare earths", "processing", "sanctions"}},
		{"Sections", d.Sections, []string{"Highlights", "Russia Rare Earth Riches?", "Critical Flaws—Newsweek Just Does Not Get It", "Other Details"}},
		{"len(Passages)", len(d.Passages), 13},
		{"len(Hash)", len(d.Hash), 64},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("seed %s = %#v, want %#v", c.name, c.got, c.want)
		}
	}

	wantList := "• Russia proposes rare earth mineral exploration with the U.S.\n" +
		"• Targets Trump’s interest in alternative supply chains from Ukraine\n" +
		"• Potanin and Dmitriev suggest Russia has untapped rare earth reserves\n" +
		"• Russia lacks critical processing infrastructure\n" +
		"• Proposed deal faces significant obstacles:\n" +
		"  • U.S. sanctions\n" +
		"  • Geopolitical tensions\n" +
		"  • Unproven mineral deposits"
	p0 := d.Passages[0]
	if p0.Kind != chokepoint.List || p0.Section != "Highlights" || p0.Text != wantList {
		t.Errorf("seed passage 0 = %v %q %q, want list %q under Highlights", p0.Kind, p0.Section, p0.Text, wantList)
	}

	// The intro after the Highlights box belongs to no section.
	wantSections := []string{"Highlights", "", "", "Russia Rare Earth Riches?",
		"Russia Rare Earth Riches?", "Russia Rare Earth Riches?", "Critical Flaws—Newsweek Just Does Not Get It",
		"Critical Flaws—Newsweek Just Does Not Get It", "Other Details", "Other Details", "Other Details",
		"Other Details", "Other Details"}
	for i, p := range d.Passages {
		if i < len(wantSections) && p.Section != wantSections[i] {
			t.Errorf("seed passage %d section = %q, want %q", i, p.Section, wantSections[i])
		}
		if p.Index != i || p.DocID != d.ID {
			t.Errorf("seed passage %d has Index %d DocID %q", i, p.Index, p.DocID)
		}
		if i > 0 && p.Kind != chokepoint.Paragraph {
			t.Errorf("seed passage %d kind = %v, want paragraph", i, p.Kind)
		}
		for _, bad := range []string{"(opens in a new tab)", "Leave a Reply", "Spread the word", "CATEGORIES", "Required fields", "  ", "\u00a0"} {
			if strings.Contains(dropIndent(p.Text), bad) {
				t.Errorf("seed passage %d contains %q: %q", i, bad, p.Text)
			}
		}
	}

	wantExact := []string{
		"Brendan Cole and John Feng, writing for Newsweek, March 19, 2025, explore",
		"Vladimir Potanin, a Russian oligarch and the owner of Norilsk Nickel (Nornickel)",
		"the CEO of the Russian Direct Investment Fund (RDIF), both",
		"possess at scale. Rare earth element value",
		"As we frequently explain in Rare Earth Exchanges, China dominates the global supply chain not just in extraction but also in processing",
		"(which China dominates), regulatory barriers",
	}
	for _, w := range wantExact {
		if n := countContaining(d.Passages, w); n != 1 {
			t.Errorf("seed: %d passages contain %q, want 1", n, w)
		}
	}
	last := d.Passages[len(d.Passages)-1].Text
	if !strings.HasSuffix(last, "rather than a practical solution.") {
		t.Errorf("seed last passage = %q, want the article's last paragraph", last)
	}
}

// dropIndent removes the nesting indentation of list lines.
func dropIndent(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimLeft(l, " ")
	}
	return strings.Join(lines, "\n")
}

func countContaining(ps []chokepoint.Passage, s string) int {
	n := 0
	for _, p := range ps {
		if strings.Contains(p.Text, s) {
			n++
		}
	}
	return n
}

func TestDefaultSeedUnchanged(t *testing.T) {
	data, err := fs.ReadFile(Default(), "000_0524fadb7a41a105.txt")
	if err != nil {
		t.Fatalf("read seed: %v", err)
	}
	// The seed is kept byte for byte as scraped: NBSPs, link notes and
	// boilerplate included, so loading it exercises the cleaning.
	for _, want := range []string{"\u00a0", "(opens in a new tab)", "Leave a Reply", "\n  • ", "\n    • "} {
		if !strings.Contains(string(data), want) {
			t.Errorf("embedded seed lacks %q; was it edited?", want)
		}
	}
}

func TestDefaultVocabulary(t *testing.T) {
	res := loadDefault(t)
	v := res.Vocabulary
	if len(v.Equivalent) < 4 {
		t.Fatalf("default vocabulary has %d equivalent groups, want at least 4", len(v.Equivalent))
	}
	// The list of common English words comes with every vocabulary.
	if len(v.Words) < 10000 || !v.Words["bread"] || !v.Words["answer"] || v.Words["zimbabwe"] {
		t.Errorf("default vocabulary lists %d words (bread %v, answer %v, zimbabwe %v); want over 10,000 with the first two",
			len(v.Words), v.Words["bread"], v.Words["answer"], v.Words["zimbabwe"])
	}
	if want := []string{"refining", "processing", "separation", "midstream", "refinery", "refineries", "refiner", "refiners"}; !reflect.DeepEqual(v.Equivalent[0], want) {
		t.Errorf("default Equivalent[0] = %q, want %q", v.Equivalent[0], want)
	}
	if want := []string{"Russia", "Russian"}; !reflect.DeepEqual(v.Implies["Moscow"], want) {
		t.Errorf("default Implies[Moscow] = %q, want %q", v.Implies["Moscow"], want)
	}
	for _, g := range v.Equivalent {
		if len(g) < 2 {
			t.Errorf("default group %q has fewer than 2 terms", g)
		}
	}
}
