package gaps

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"chokepoint"
)

// DefaultThreshold is the least weighted Jaccard similarity of two
// questions' terms for them to count as one question. At 0.6 a question
// with one content word more or less ("... rare earth processing?") joins,
// and one with a different subject ("Why can't India ...?" beside "Why
// can't Russia ...?") stays apart: see TestGroupRephrasings.
const DefaultThreshold = 0.6

// maxPhrasings is how many phrasings a Gap lists.
const maxPhrasings = 5

// Question is one logged question the corpus could not answer.
type Question struct {
	Text      string
	Asked     time.Time
	Abstained bool
	Down      int // 👎 votes
}

// Gap is one question, in all its phrasings, the corpus could not answer.
type Gap struct {
	// Question is the phrasing asked most often (the latest of equals).
	Question string
	// Phrasings are the distinct phrasings, most asked first, at most five.
	Phrasings []string
	Count     int // times asked, all phrasings
	Abstained int // of which the bot abstained
	Downvoted int // of which were voted 👎
	LastAsked time.Time
	// Nearest are the corpus's titles nearest the question, filled in by
	// AddNearest.
	Nearest []chokepoint.DocRef
}

// Analyzer turns text into index terms; *index.Index implements it. Group
// calls it from several goroutines at once.
type Analyzer interface {
	Analyze(text string) []chokepoint.Token
}

// Group groups questions into gaps, most asked first (then the most
// recently asked, then alphabetically). threshold <= 0 means
// DefaultThreshold. No questions give no gaps.
func Group(qs []Question, an Analyzer, threshold float64) []Gap {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	exact := exactGroups(qs, an)
	weights := termWeights(exact)
	for _, g := range exact {
		g.order(weights)
	}
	slices.SortFunc(exact, func(a, b *group) int {
		return cmp.Or(b.count-a.count, b.last.Compare(a.last), strings.Compare(a.key, b.key))
	})

	var clusters []*cluster
	byTerm := map[string][]int{} // prefix term → clusters indexed under it
	for _, g := range exact {
		best, bestSim := -1, threshold
		if len(g.terms) > 0 {
			seen := map[int]bool{}
			for _, t := range g.prefix(threshold, weights) {
				for _, c := range byTerm[t] {
					if seen[c] {
						continue
					}
					seen[c] = true
					if sim := weightedJaccard(g.terms, clusters[c].rep.terms, weights); sim >= bestSim {
						if sim > bestSim || best < 0 || c < best {
							best, bestSim = c, sim
						}
					}
				}
			}
		}
		if best >= 0 {
			clusters[best].members = append(clusters[best].members, g)
			continue
		}
		clusters = append(clusters, &cluster{rep: g, members: []*group{g}})
		for _, t := range g.prefix(threshold, weights) {
			byTerm[t] = append(byTerm[t], len(clusters)-1)
		}
	}

	out := make([]Gap, 0, len(clusters))
	for _, c := range clusters {
		out = append(out, c.gap())
	}
	slices.SortStableFunc(out, func(a, b Gap) int {
		return cmp.Or(b.Count-a.Count, b.LastAsked.Compare(a.LastAsked), strings.Compare(a.Question, b.Question))
	})
	return out
}

// group is the questions with exactly the same analysed terms.
type group struct {
	key       string   // the sorted terms, or the folded text when it has none
	terms     []string // unique, in the global order (rarest first) once ordered
	count     int
	abstained int
	down      int
	last      time.Time
	phrasings map[string]*phrasing
}

type phrasing struct {
	text  string
	count int
	last  time.Time
}

// exactGroups cleans and analyses each question (each distinct text once,
// on every core: analysis is most of the work) and groups equal term sets.
func exactGroups(qs []Question, an Analyzer) []*group {
	texts := make([]string, len(qs))
	distinct := map[string]int{}
	var order []string
	for i, q := range qs {
		texts[i] = strings.Join(strings.Fields(q.Text), " ")
		if _, ok := distinct[texts[i]]; !ok {
			distinct[texts[i]] = len(order)
			order = append(order, texts[i])
		}
	}
	termsOf := make([][]string, len(order))
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), max(len(order)/256, 1))
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(order); i += workers {
				termsOf[i] = analyse(order[i], an)
			}
		}()
	}
	wg.Wait()

	byKey := map[string]*group{}
	var out []*group
	for i, q := range qs {
		text := texts[i]
		terms := termsOf[distinct[text]]
		key := strings.Join(terms, " ")
		if len(terms) == 0 {
			key = "\x00" + strings.ToLower(text) // only stop words: group by the words themselves
		}
		g := byKey[key]
		if g == nil {
			g = &group{key: key, terms: terms, phrasings: map[string]*phrasing{}}
			byKey[key] = g
			out = append(out, g)
		}
		g.count++
		if q.Abstained {
			g.abstained++
		}
		if q.Down > 0 {
			g.down++
		}
		if q.Asked.After(g.last) {
			g.last = q.Asked
		}
		p := g.phrasings[text]
		if p == nil {
			p = &phrasing{text: text}
			g.phrasings[text] = p
		}
		p.count++
		if q.Asked.After(p.last) {
			p.last = q.Asked
		}
	}
	return out
}

// analyse returns the sorted unique index terms of a question.
func analyse(text string, an Analyzer) []string {
	clean, err := chokepoint.CleanQuestion(text)
	if err != nil {
		clean = text
	}
	toks := an.Analyze(clean)
	terms := make([]string, 0, len(toks))
	for _, t := range toks {
		terms = append(terms, t.Term)
	}
	slices.Sort(terms)
	return slices.Compact(terms)
}

// termWeights weighs each term by its rarity among the groups:
// ln(1 + N/df), so that the words every unanswered question shares ("rare
// earth" in a rare-earth corpus) count less than the ones that tell two
// questions apart.
func termWeights(gs []*group) map[string]float64 {
	df := map[string]int{}
	for _, g := range gs {
		for _, t := range g.terms {
			df[t]++
		}
	}
	n := float64(len(gs))
	w := make(map[string]float64, len(df))
	for t, d := range df {
		w[t] = math.Log(1 + n/float64(d))
	}
	return w
}

// order sorts the group's terms in the global order the prefix filter
// needs: heaviest (rarest) first, ties by the term.
func (g *group) order(w map[string]float64) {
	slices.SortFunc(g.terms, func(a, b string) int {
		if c := cmp.Compare(w[b], w[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
}

// prefix returns the group's heaviest terms up to just past (1-t) of its
// weight. Two term sets with weighted Jaccard similarity of at least t
// always share a term of their prefixes (in one global order), so only
// clusters indexed under a prefix term need comparing.
func (g *group) prefix(t float64, w map[string]float64) []string {
	total := 0.0
	for _, term := range g.terms {
		total += w[term]
	}
	limit, sum := (1-t)*total, 0.0
	for i, term := range g.terms {
		sum += w[term]
		if sum > limit+1e-12 {
			return g.terms[:i+1]
		}
	}
	return g.terms
}

// weightedJaccard is the weight of the shared terms over the weight of all.
func weightedJaccard(a, b []string, w map[string]float64) float64 {
	inB := make(map[string]bool, len(b))
	union := 0.0
	for _, t := range b {
		inB[t] = true
		union += w[t]
	}
	shared := 0.0
	for _, t := range a {
		if inB[t] {
			shared += w[t]
		} else {
			union += w[t]
		}
	}
	if union == 0 {
		return 0
	}
	return shared / union
}

type cluster struct {
	rep     *group
	members []*group
}

func (c *cluster) gap() Gap {
	var g Gap
	var ps []*phrasing
	for _, m := range c.members {
		g.Count += m.count
		g.Abstained += m.abstained
		g.Downvoted += m.down
		if m.last.After(g.LastAsked) {
			g.LastAsked = m.last
		}
		for _, p := range m.phrasings {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b *phrasing) int {
		return cmp.Or(b.count-a.count, b.last.Compare(a.last), strings.Compare(a.text, b.text))
	})
	g.Question = ps[0].text
	for _, p := range ps[:min(len(ps), maxPhrasings)] {
		g.Phrasings = append(g.Phrasings, p.text)
	}
	return g
}

// Nearer finds the documents nearest a text; *index.Index implements it.
type Nearer interface {
	Nearest(ctx context.Context, text string, n int) ([]chokepoint.DocRef, error)
}

// AddNearest fills in each gap's n nearest titles.
func AddNearest(ctx context.Context, gs []Gap, idx Nearer, n int) error {
	for i := range gs {
		refs, err := idx.Nearest(ctx, gs[i].Question, n)
		if err != nil {
			return fmt.Errorf("nearest titles of %q: %w", gs[i].Question, err)
		}
		gs[i].Nearest = refs
	}
	return nil
}
