package chokepoint

import (
	"math"
	"slices"
	"strings"
)

// Stage 5 of an answer: every window is scored. Its score is
//
//	(coverage + wPassage·passage + wArticle·article + wSection·section) · type
//
// where coverage is the weighted share of the question's concepts the
// window holds (a concept weighs by its rarity, an alternative phrasing by
// how loose it is), passage, article and section are the same share over
// the window's whole passage, its article's title and headings, and its
// section heading, each divided by its best value among the candidates (a
// window is read in its context: "it lacks processing capacity" answers a
// question about Russia in a paragraph about Russia), and type is
// 1 − typePenalty·(1 − m) for how well the window holds the kind of answer
// the question asks for (m from 0 to 1).
const (
	wPassage    = 0.3
	wArticle    = 0.2
	wSection    = 0.2
	typePenalty = 0.8
	// lengthCost is taken off per byte of excerpt, as a share of MaxExcerpt:
	// of two windows that say as much, the shorter wins.
	lengthCost = 0.02
)

// candidate is a scored window: a possible excerpt.
type candidate struct {
	hit      Hit
	rank     int // the hit's rank in retrieval, from 0
	win      window
	span     Span
	trimS    bool
	trimE    bool
	coverage float64   // share of the question the window holds
	matched  []float64 // per concept, the weight of the alternative it holds
	score    float64
	words    map[string]bool // analysed terms, for near-duplicate checks
}

func (c candidate) citation(n int) Citation {
	p := c.hit.Passage
	return Citation{
		N: n, DocID: p.DocID, PassageID: p.ID(), Title: c.hit.Title, Section: p.Section, URL: c.hit.URL,
		Excerpt: p.Text[c.span.Start:c.span.End], TrimmedStart: c.trimS, TrimmedEnd: c.trimE,
		Score: math.Round(c.score*1000) / 1000,
	}
}

// question is what scoring needs to know of the question.
type question struct {
	text     string
	concepts []concept
	total    float64 // sum of concept weights
	typ      answerType
	asked    map[string]bool // every analysed term of every alternative
}

func newQuestion(text string, cs []concept, t answerType) question {
	q := question{text: text, concepts: cs, typ: t, asked: map[string]bool{}}
	for _, c := range cs {
		q.total += c.weight
		for _, al := range c.alts {
			for _, k := range al.key {
				q.asked[k] = true
			}
		}
	}
	return q
}

// cover returns the weighted share of the question's concepts terms hold,
// and per concept the weight of the best alternative found (0 when none).
func (q question) cover(terms []string) (float64, []float64) {
	matched := make([]float64, len(q.concepts))
	if q.total == 0 {
		return 0, matched
	}
	sum := 0.0
	for k, c := range q.concepts {
		for _, al := range c.alts {
			if al.weight > matched[k] && containsSeq(terms, al.key) {
				matched[k] = al.weight
			}
		}
		sum += c.weight * matched[k]
	}
	return sum / q.total, matched
}

// score scores every window of every hit and returns the candidates: for
// each passage its best windows (at most maxWindows, not overlapping), best
// first overall.
func (a *Answerer) score(q question, hits []Hit) []candidate {
	type scored struct {
		candidate
		context [3]float64 // passage, article, section shares
		typ     float64
	}
	var all []scored
	var best [3]float64
	for rank, h := range hits {
		sents := a.passageSentences(h.Passage)
		if len(sents) == 0 {
			continue
		}
		var ctx [3]float64
		if !a.opts.Off.Has(FeatureContext) {
			var passage []string
			for _, s := range sents {
				passage = append(passage, s.terms...)
			}
			ctx[0], _ = q.cover(passage)
			ctx[1], _ = q.cover(a.docTerms(h))
			ctx[2], _ = q.cover(a.cachedTerms("s\x00"+h.Passage.Section, h.Passage.Section))
			for i := range ctx {
				best[i] = math.Max(best[i], ctx[i])
			}
		}
		for _, w := range windows(h.Passage.Text, h.Passage.Kind, sents, a.opts.MaxExcerpt, !a.opts.Off.Has(FeatureTwoSentences)) {
			cov, matched := q.cover(w.terms(sents))
			if cov == 0 {
				continue
			}
			span := Span{sents[w.first].span.Start, sents[w.last].span.End}
			c := scored{candidate: candidate{
				hit: h, rank: rank, win: w, span: span, coverage: cov, matched: matched,
				trimS: w.first > 0, trimE: w.last < len(sents)-1,
			}, context: ctx, typ: 1}
			if q.typ != typeAny && !a.opts.Off.Has(FeatureAnswerType) {
				c.typ = typeMatch(q.typ, h.Passage.Text[span.Start:span.End], q.asked, a.s.Analyze)
			}
			all = append(all, c)
		}
	}
	for i := range all {
		c := &all[i]
		s := c.coverage
		for k, wk := range [3]float64{wPassage, wArticle, wSection} {
			if best[k] > 0 {
				s += wk * c.context[k] / best[k]
			}
		}
		s *= 1 - typePenalty*(1-c.typ)
		s -= lengthCost * float64(c.span.End-c.span.Start) / float64(a.opts.MaxExcerpt)
		c.score = s
	}
	slices.SortStableFunc(all, func(x, y scored) int {
		if x.score != y.score {
			if x.score > y.score {
				return -1
			}
			return 1
		}
		return x.rank - y.rank
	})
	// Keep each passage's best windows that do not overlap.
	kept := map[string][]window{}
	var out []candidate
	for _, c := range all {
		id := c.hit.Passage.ID()
		ws := kept[id]
		if len(ws) == maxWindows || slices.ContainsFunc(ws, c.win.overlaps) {
			continue
		}
		kept[id] = append(ws, c.win)
		out = append(out, c.candidate)
	}
	return out
}

// docTerms returns the analysed terms of a hit's document title and
// headings.
func (a *Answerer) docTerms(h Hit) []string {
	text := h.Title + "\n" + strings.Join(h.Headings, "\n")
	return a.cachedTerms("d\x00"+h.Passage.DocID, text)
}

// containsSeq reports whether key occurs in terms as a run.
func containsSeq(terms, key []string) bool {
	if len(key) == 0 {
		return false
	}
	for i := 0; i+len(key) <= len(terms); i++ {
		if terms[i] == key[0] && slices.Equal(terms[i:i+len(key)], key) {
			return true
		}
	}
	return false
}
