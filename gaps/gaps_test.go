package gaps

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"chokepoint"
	"chokepoint/index"
)

// analyzer returns the real index's analyzer: grouping must read words as
// the index does.
func analyzer(t testing.TB) Analyzer {
	t.Helper()
	x, err := index.Open(context.Background(), t.TempDir(), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

var t0 = time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)

func TestGroupRephrasings(t *testing.T) {
	an := analyzer(t)
	// Each question, with the group it belongs to.
	log := []struct{ text, group string }{
		{"Why can't Russia replace China's rare earths?", "russia"},
		{"why cant russia replace china rare earth", "russia"},
		{"<@123456789> Why can’t **Russia** replace China in rare earths? 🤔", "russia"},
		{"Why can Russia not replace China for rare earths", "russia"},
		{"why can't russia replace china's rare earth processing?", "russia"},
		{"RUSSIA replace CHINA rare-earths why not", "russia"},
		{"Why can't India replace China's rare earths?", "india"},
		{"Why can't India replace China's rare earths?", "india"},
		{"How long does a gallium export licence take?", "licence"},
		{"how long do gallium export licences take", "licence"},
		{"What is germanium used for?", "germanium"},
		{"What are the uses of germanium?", "germanium"},
		{"Who refines cobalt outside China?", "cobalt"},
		{"Who mines lithium in Chile?", "lithium"},
		{"what?", "what"},
	}
	var qs []Question
	for i, q := range log {
		qs = append(qs, Question{Text: q.text, Asked: t0.Add(time.Duration(i) * time.Minute), Abstained: true})
	}
	gaps := Group(qs, an, 0)
	groupOf := map[string]string{}
	for _, q := range log {
		groupOf[q.text] = q.group
	}
	for _, g := range gaps {
		want := groupOf[g.Phrasings[0]]
		for _, p := range g.Phrasings {
			if groupOf[p] != want {
				t.Errorf("gap %q groups %q (%s) with %q (%s)", g.Question, p, groupOf[p], g.Phrasings[0], want)
			}
		}
	}
	count := map[string]int{}
	for _, q := range log {
		count[q.group]++
	}
	if len(gaps) != len(count) {
		var got []string
		for _, g := range gaps {
			got = append(got, fmt.Sprintf("%d×%q", g.Count, g.Phrasings))
		}
		t.Errorf("Group() = %d gaps, want %d:\n%s", len(gaps), len(count), strings.Join(got, "\n"))
	}
	if gaps[0].Count != 6 || groupOf[gaps[0].Question] != "russia" || !gaps[0].LastAsked.Equal(t0.Add(5*time.Minute)) {
		t.Errorf("first gap = %d×%q last %v, want the six Russia questions, last asked at +5m", gaps[0].Count, gaps[0].Question, gaps[0].LastAsked)
	}
	if len(gaps[0].Phrasings) != maxPhrasings {
		t.Errorf("first gap lists %d phrasings, want %d", len(gaps[0].Phrasings), maxPhrasings)
	}
	// Ties in count go to the most recently asked.
	var order []string
	for _, g := range gaps[1:4] {
		order = append(order, fmt.Sprintf("%d %s", g.Count, groupOf[g.Question]))
	}
	if want := []string{"2 germanium", "2 licence", "2 india"}; !slices.Equal(order, want) {
		t.Errorf("gaps 2-4 = %v, want %v", order, want)
	}
}

func TestGroupCountsAndOrder(t *testing.T) {
	an := analyzer(t)
	qs := []Question{
		{Text: "Who refines cobalt?", Asked: t0, Abstained: true},
		{Text: "who refines cobalt", Asked: t0.Add(time.Hour), Down: 1},
		{Text: "Why is tungsten scarce?", Asked: t0.Add(2 * time.Hour), Abstained: true},
		{Text: "Why is antimony scarce?", Asked: t0.Add(3 * time.Hour), Abstained: true},
	}
	gaps := Group(qs, an, 0)
	var got []string
	for _, g := range gaps {
		got = append(got, fmt.Sprintf("%d %d %d %s %s", g.Count, g.Abstained, g.Downvoted, g.LastAsked.Format("15:04"), g.Question))
	}
	want := []string{
		"2 1 1 10:00 who refines cobalt",
		"1 1 0 12:00 Why is antimony scarce?",
		"1 1 0 11:00 Why is tungsten scarce?",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Group() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if gaps := Group(nil, an, 0); len(gaps) != 0 {
		t.Errorf("Group(nil) = %v, want none", gaps)
	}
}

type fakeNearer struct{}

func (fakeNearer) Nearest(_ context.Context, text string, n int) ([]chokepoint.DocRef, error) {
	return []chokepoint.DocRef{{ID: "a", Title: "Near " + text}}, nil
}

func TestAddNearest(t *testing.T) {
	gs := []Gap{{Question: "q1"}, {Question: "q2"}}
	if err := AddNearest(context.Background(), gs, fakeNearer{}, 3); err != nil {
		t.Fatal(err)
	}
	if gs[1].Nearest[0].Title != "Near q2" {
		t.Errorf("AddNearest() gave %v", gs[1].Nearest)
	}
}

// TestPrefixFilterMissesNothing compares the prefix-filtered grouping with
// comparing every pair: both must give the same gaps.
func TestPrefixFilterMissesNothing(t *testing.T) {
	an := analyzer(t)
	qs := syntheticQuestions(600)
	got := Group(qs, an, 0)

	exact := exactGroups(qs, an)
	w := termWeights(exact)
	for _, g := range exact {
		g.order(w)
	}
	slices.SortFunc(exact, func(a, b *group) int {
		if a.count != b.count {
			return b.count - a.count
		}
		if c := b.last.Compare(a.last); c != 0 {
			return c
		}
		return strings.Compare(a.key, b.key)
	})
	var clusters []*cluster
	for _, g := range exact {
		best, bestSim := -1, DefaultThreshold
		for i, c := range clusters {
			if len(g.terms) == 0 {
				break
			}
			if sim := weightedJaccard(g.terms, c.rep.terms, w); sim > bestSim || (sim == bestSim && best < 0) {
				best, bestSim = i, sim
			}
		}
		if best >= 0 {
			clusters[best].members = append(clusters[best].members, g)
		} else {
			clusters = append(clusters, &cluster{rep: g, members: []*group{g}})
		}
	}
	if len(clusters) != len(got) {
		t.Fatalf("prefix filter gives %d gaps, all pairs %d", len(got), len(clusters))
	}
}

var (
	synthSubjects = []string{"gallium", "germanium", "antimony", "graphite", "cobalt", "lithium", "tungsten", "neodymium", "dysprosium", "vanadium", "nickel", "copper"}
	synthPlaces   = []string{"China", "Russia", "Congo", "Chile", "Australia", "Indonesia", "Vietnam", "Brazil", "Canada", "Kazakhstan", "India", "Japan"}
	synthForms    = []string{
		"Why does %s depend on %s?", "who refines %s in %s", "How much %s does %s export?",
		"can %s replace %s imports?", "what limits %s output in %s", "is %s from %s sanctioned?",
	}
)

// syntheticQuestions makes n questions from templates, with repeats.
func syntheticQuestions(n int) []Question {
	qs := make([]Question, n)
	for i := range qs {
		k := i * 7919 // spread the combinations
		text := fmt.Sprintf(synthForms[k%len(synthForms)], synthSubjects[(k/7)%len(synthSubjects)], synthPlaces[(k/13)%len(synthPlaces)])
		qs[i] = Question{Text: text, Asked: t0.Add(time.Duration(i) * time.Second), Abstained: i%3 != 0, Down: i % 2}
	}
	return qs
}

// BenchmarkGroup100k groups 100,000 logged questions (about 860 distinct
// texts), the worst case of a busy server's 90-day log.
func BenchmarkGroup100k(b *testing.B) {
	an := analyzer(b)
	qs := syntheticQuestions(100000)
	b.ReportAllocs()
	for b.Loop() {
		Group(qs, an, 0)
	}
}

// BenchmarkGroup100kDistinct groups 100,000 questions that are all
// different texts: every one is analysed.
func BenchmarkGroup100kDistinct(b *testing.B) {
	an := analyzer(b)
	qs := syntheticQuestions(100000)
	for i := range qs {
		qs[i].Text += fmt.Sprintf(" (asked as number %d)", i)
	}
	b.ReportAllocs()
	for b.Loop() {
		Group(qs, an, 0)
	}
}
