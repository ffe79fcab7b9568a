package index

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"chokepoint"
)

// seedPath is the seed article as the embedded corpus ships it (a byte-for-byte
// copy of the shared seed). The test reads the file directly rather
// than through package corpus, which index must not import.
const seedPath = "../corpus/default/000_0524fadb7a41a105.txt"

// loadSeed turns the seed article into a document: the first block is the
// title, a short one-line block without final punctuation is a heading,
// blocks of bullets are lists, and everything from "Spread the word" on is
// page furniture.
func loadSeed(t testing.TB) chokepoint.Document {
	t.Helper()
	b, err := os.ReadFile(seedPath)
	if err != nil {
		t.Skipf("seed article not available: %v", err)
	}
	blocks := strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n\n")
	d := chokepoint.Document{ID: "seed", Path: "seed.txt", Title: strings.TrimSpace(blocks[0]), Hash: "seed", URL: "https://example.com/seed"}
	section := ""
	for _, blk := range blocks[1:] {
		blk = strings.TrimSpace(blk)
		if blk == "" {
			continue
		}
		if strings.HasPrefix(blk, "Spread the word") {
			break
		}
		if !strings.Contains(blk, "\n") && len(blk) < 80 && !strings.ContainsAny(blk[len(blk)-1:], ".,;:") {
			section = blk
			d.Sections = append(d.Sections, section)
			continue
		}
		kind := chokepoint.Paragraph
		if strings.HasPrefix(blk, "•") {
			kind = chokepoint.List
		}
		d.Passages = append(d.Passages, chokepoint.Passage{DocID: d.ID, Index: len(d.Passages), Section: section, Kind: kind, Text: blk})
	}
	return d
}

// seedQuestion is a question about the seed article and a phrase of the
// passage that answers it.
type seedQuestion struct {
	text   string
	groups [][]string
	answer string
}

var seedQuestions = []seedQuestion{
	{"Does Russia have rare earth processing capacity?",
		[][]string{{"Russia", "Russian"}, {"rare earth", "rare earths"}, {"processing", "refining", "midstream"}},
		"both Russia and Ukraine lack significant midstream"},
	{"Who dominates rare earth refining?",
		[][]string{{"dominates", "gatekeeper"}, {"refining", "processing", "refinement"}},
		"China dominates the global supply chain"},
	{"How would US sanctions affect the deal?",
		[][]string{{"U.S.", "US"}, {"sanctions", "sanctioned"}, {"deal"}},
		"how U.S. sanctions against Russia"},
	{"Does Nornickel hold exploration licenses?",
		[][]string{{"Nornickel", "Norilsk Nickel"}, {"licenses", "license"}},
		"currently does not hold any licenses"},
	{"Is the offer just a political ploy?",
		[][]string{{"political ploy", "ploy"}, {"offer", "proposal"}},
		"little more than a political ploy"},
	{"Would dealing with occupied Ukrainian territories break international law?",
		[][]string{{"occupied"}, {"international law", "international laws"}, {"Ukraine", "Ukrainian"}},
		"violating international laws"},
	{"Was Arctic hydrocarbon exploration discussed?",
		[][]string{{"Arctic"}, {"hydrocarbon", "oil", "gas"}},
		"Arctic hydrocarbon exploration"},
	{"Why are Russian deposits poorly studied?",
		[][]string{{"poorly studied", "geological data"}, {"deposits", "sites"}},
		"poorly studied due to the loss of Soviet-era geological data"},
	{"What does the critique say Newsweek missed about processing?",
		[][]string{{"Newsweek"}, {"processing capacity", "processing"}},
		"fundamental issue of processing capacity"},
	{"What do rare earths need besides extraction?",
		[][]string{{"extraction", "raw form"}, {"processing", "refining"}},
		"require extensive processing"},
	{"What obstacles does the deal face?",
		[][]string{{"obstacles", "barriers"}, {"deal"}},
		"Proposed deal faces significant obstacles"},
	{"Could the US rely on Chinese facilities?",
		[][]string{{"U.S.", "US"}, {"Chinese", "China"}, {"facilities", "infrastructure"}},
		"rely on Chinese facilities"},
	{"Were Russian elites sanctioned by Europe?",
		[][]string{{"sanctioned", "sanctions"}, {"Europe", "European"}},
		"sanctioned by the U.S. and Europe"},
	{"Does Newsweek examine economic feasibility?",
		[][]string{{"Newsweek"}, {"feasibility", "viable"}, {"economic"}},
		"lacks technical depth regarding the feasibility"},
}

// rankOf returns the 1-based rank of the first hit containing phrase, 0
// when none does.
func rankOf(hs []chokepoint.Hit, phrase string) int {
	for i, h := range hs {
		if strings.Contains(h.Passage.Text, phrase) {
			return i + 1
		}
	}
	return 0
}

// TestScoringOnSeed compares the scoring models, and the bare baseline, on
// hand-written questions about the seed article. Run with -v to see the
// ranks. It requires the default model to rank every answer in the top 3
// for grouped queries, which is what the Answerer relies on.
func TestScoringOnSeed(t *testing.T) {
	seed := loadSeed(t)
	ctx := context.Background()
	type ranks struct{ groups, text, baseline []int }
	got := map[string]ranks{}
	for _, scoring := range []string{TFIDF, BM25} {
		x, _ := openTest(t, Options{Scoring: scoring})
		mustUpdate(t, x, seed)
		var r ranks
		for _, q := range seedQuestions {
			res, err := x.Search(ctx, chokepoint.Query{Text: q.text, Groups: q.groups})
			if err != nil {
				t.Fatal(err)
			}
			r.groups = append(r.groups, rankOf(res.Hits, q.answer))
			res, err = x.Search(ctx, chokepoint.Query{Text: q.text})
			if err != nil {
				t.Fatal(err)
			}
			r.text = append(r.text, rankOf(res.Hits, q.answer))
			hs, err := x.Baseline(ctx, q.text, DefaultLimit)
			if err != nil {
				t.Fatal(err)
			}
			r.baseline = append(r.baseline, rankOf(hs, q.answer))
		}
		got[scoring] = r
		t.Logf("%-5s groups MRR %.3f ranks %v", scoring, mrr(r.groups), r.groups)
		t.Logf("%-5s text   MRR %.3f ranks %v", scoring, mrr(r.text), r.text)
		t.Logf("%-5s bare   MRR %.3f ranks %v", scoring, mrr(r.baseline), r.baseline)
	}
	def, _ := Options{}.withDefaults()
	for i, rank := range got[def.Scoring].groups {
		if rank < 1 || rank > 3 {
			t.Errorf("Search(%q) with %s ranks the answer %d, want 1..3", seedQuestions[i].text, def.Scoring, rank)
		}
	}
}

// mrr is the mean reciprocal rank, a missing answer counting 0.
func mrr(ranks []int) float64 {
	s := 0.0
	for _, r := range ranks {
		if r > 0 {
			s += 1 / float64(r)
		}
	}
	return s / float64(len(ranks))
}

func TestLoadSeed(t *testing.T) {
	d := loadSeed(t)
	if len(d.Passages) < 10 || len(d.Sections) < 3 || d.Passages[0].Kind != chokepoint.List {
		t.Errorf("loadSeed: %d passages, sections %v, first kind %q", len(d.Passages), d.Sections, d.Passages[0].Kind)
	}
	for _, p := range d.Passages {
		if strings.Contains(p.Text, "Leave a Reply") {
			t.Errorf("loadSeed kept page furniture: %q", p.Text)
		}
	}
	_ = fmt.Sprint()
}
