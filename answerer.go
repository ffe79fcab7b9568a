package chokepoint

import (
	"container/list"
	"context"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Options tune an Answerer. The zero value gives the defaults.
type Options struct {
	// MaxCitations is the most citations an answer shows; default 3.
	MaxCitations int
	// MoreCitations is how many further citations Answer.More holds;
	// default 5, negative for none.
	MoreCitations int
	// Candidates is how many passages are retrieved per question; default 20.
	Candidates int
	// MinCoverage is the weighted share of the question's content terms the
	// best excerpt must cover, below which the answer abstains; default 0.55.
	MinCoverage float64
	// MaxExcerpt is the soft length limit of an excerpt in bytes; an excerpt
	// grows by whole sentences only while it stays within it, but a single
	// longer sentence is quoted whole. Default 400.
	MaxExcerpt int
	// Suggestions is how many titles an abstaining answer names; default 3.
	Suggestions int
	// CacheSize is how many analysed passages are kept between questions,
	// since popular passages come back again and again; default 4096,
	// negative for none.
	CacheSize int
}

func (o Options) withDefaults() Options {
	if o.MaxCitations <= 0 {
		o.MaxCitations = 3
	}
	if o.MoreCitations == 0 {
		o.MoreCitations = 5
	}
	if o.MoreCitations < 0 {
		o.MoreCitations = 0
	}
	if o.Candidates <= 0 {
		o.Candidates = 20
	}
	if o.MinCoverage <= 0 {
		o.MinCoverage = 0.55
	}
	if o.MaxExcerpt <= 0 {
		o.MaxExcerpt = 400
	}
	if o.Suggestions <= 0 {
		o.Suggestions = 3
	}
	if o.CacheSize == 0 {
		o.CacheSize = 4096
	}
	return o
}

// Answerer composes cited, extractive answers from a Searcher's passages.
// It is safe for concurrent use.
type Answerer struct {
	s     Searcher
	opts  Options
	vocab *compiledVocabulary
	cache *sentenceCache
}

// NewAnswerer returns an Answerer that retrieves from s and expands
// questions with vocab.
func NewAnswerer(s Searcher, vocab Vocabulary, opts Options) *Answerer {
	opts = opts.withDefaults()
	return &Answerer{s: s, opts: opts, vocab: compileVocabulary(s, vocab), cache: newSentenceCache(opts.CacheSize)}
}

// Answer answers question with verbatim excerpts of the corpus. When the
// corpus does not cover the question the Answer abstains and suggests the
// nearest documents. It returns ErrEmptyQuestion for a question without
// words, ErrQuestionTooLong past MaxQuestionLen characters, and the Searcher's
// errors wrapped. The same question on the same index gives the same answer.
func (a *Answerer) Answer(ctx context.Context, question string) (Answer, error) {
	q, concepts, res, err := a.retrieve(ctx, question, a.opts.Candidates)
	if err != nil {
		return Answer{}, err
	}
	ans := Answer{Question: q}
	if len(res.Hits) == 0 {
		return a.abstain(ctx, ans)
	}
	weigh(concepts, res)
	intent := classify(q)
	if intent == intentReason {
		focusSubject(concepts)
	}
	cands := a.excerpts(concepts, intent, res.Hits)
	if len(cands) == 0 || cands[0].coverage < a.opts.MinCoverage/2 {
		return a.abstain(ctx, ans)
	}
	picked := a.selectDiverse(cands, intent, a.opts.MaxCitations+a.opts.MoreCitations)
	// The shown excerpts together must cover the question: a reason
	// question is often answered by excerpts naming one subject each.
	if unionCoverage(concepts, picked[:min(len(picked), a.opts.MaxCitations)]) < a.opts.MinCoverage {
		return a.abstain(ctx, ans)
	}
	ans.Citations, ans.More = number(picked, a.opts.MaxCitations, a.opts.MinCoverage*0.6)
	return ans, nil
}

// Search returns up to n passages for query, expanded with the vocabulary
// exactly as Answer expands questions; no match is an empty slice.
func (a *Answerer) Search(ctx context.Context, query string, n int) ([]Hit, error) {
	_, _, res, err := a.retrieve(ctx, query, n)
	return res.Hits, err
}

// retrieve cleans text, turns it into concepts and asks the Searcher for
// up to limit passages. A text with no content words gives no concepts and
// an empty Result.
func (a *Answerer) retrieve(ctx context.Context, text string, limit int) (string, []concept, Result, error) {
	q, err := cleanQuestion(text)
	if err != nil {
		return "", nil, Result{}, err
	}
	concepts := a.concepts(q)
	if len(concepts) == 0 {
		return q, nil, Result{}, nil
	}
	res, err := a.s.Search(ctx, Query{Text: q, Groups: groups(concepts), Limit: limit})
	if err != nil {
		return "", nil, Result{}, fmt.Errorf("search %q: %w", q, err)
	}
	return q, concepts, res, nil
}

func (a *Answerer) abstain(ctx context.Context, ans Answer) (Answer, error) {
	ans.Abstained = true
	refs, err := a.s.Nearest(ctx, ans.Question, a.opts.Suggestions)
	if err != nil {
		return Answer{}, fmt.Errorf("suggest titles for %q: %w", ans.Question, err)
	}
	ans.Suggestions = refs
	return ans, nil
}

func cleanQuestion(q string) (string, error) {
	if n := utf8.RuneCountInString(q); n > MaxQuestionLen {
		return "", fmt.Errorf("%w: %d characters, at most %d", ErrQuestionTooLong, n, MaxQuestionLen)
	}
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, "\uFFFD")
	}
	q = strings.Join(strings.Fields(q), " ")
	if q == "" {
		return "", ErrEmptyQuestion
	}
	return q, nil
}

// concept is one content term of a question, with its alternatives.
type concept struct {
	alts   []string   // phrasings sent to the Searcher
	keys   [][]string // analysed phrasings, matched against sentences
	weight float64
}

func groups(cs []concept) [][]string {
	g := make([][]string, len(cs))
	for i, c := range cs {
		g[i] = c.alts
	}
	return g
}

// concepts analyses q and groups its terms into concepts, joining
// multi-word vocabulary terms and adding their alternatives.
func (a *Answerer) concepts(q string) []concept {
	toks := a.s.Analyze(q)
	terms := make([]string, len(toks))
	for i, t := range toks {
		terms[i] = t.Term
	}
	var out []concept
	seen := map[string]bool{}
	for i := 0; i < len(toks); {
		e, n := a.vocab.longestMatch(terms[i:])
		var c concept
		if n == 0 {
			n = 1
			c = concept{alts: []string{q[toks[i].Start:toks[i].End]}, keys: [][]string{{terms[i]}}}
		} else {
			c = concept{alts: e.alts, keys: e.keys}
		}
		i += n
		id := strings.Join(c.keys[0], " ")
		if seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, c)
	}
	return out
}

// weigh sets each concept's weight from its rarity in the index: an
// inverse document frequency over passages, taking the most frequent
// alternative, since any alternative satisfies the concept. A concept the
// corpus never mentions weighs as much as an average known one: enough that
// a question mostly about unknown things abstains ("bake bread in Russia"),
// not so much that one unusual verb ("why can't Russia replace China")
// sinks a question whose subjects the corpus covers.
func weigh(cs []concept, res Result) {
	n := float64(res.Passages)
	if n < 1 {
		n = 1
	}
	known, sum := 0, 0.0
	dfs := make([]int, len(cs))
	for i := range cs {
		df := 0
		for _, k := range cs[i].keys {
			// A phrase is at most as frequent as its rarest word.
			m := -1
			for _, t := range k {
				if f, ok := res.DocFreq[t]; ok && (m < 0 || f < m) {
					m = f
				}
			}
			if m > df {
				df = m
			}
		}
		dfs[i] = df
		if df > 0 {
			cs[i].weight = math.Log(1 + (n-float64(df)+0.5)/(float64(df)+0.5))
			known++
			sum += cs[i].weight
		}
	}
	unknown := 1.0
	if known > 0 {
		unknown = sum / float64(known)
	}
	for i := range cs {
		if dfs[i] == 0 {
			cs[i].weight = unknown
		}
	}
}

// focusSubject makes the first concept of a reason question ("why can't
// Russia replace China?") weigh as much as the heaviest: it is what the
// question is about, however often the corpus names it, and an excerpt
// that gives a reason without naming it answers a different question.
func focusSubject(cs []concept) {
	max := 0.0
	for _, c := range cs {
		if c.weight > max {
			max = c.weight
		}
	}
	if len(cs) > 1 {
		cs[0].weight = max
	}
}

// intent is the kind of answer a question asks for.
type intent int

const (
	intentAny intent = iota
	intentReason
)

// classify looks at the raw question (the analyzer drops "why", "not" and
// "can't" as stop words) to tell questions asking for reasons.
func classify(q string) intent {
	l := " " + strings.ToLower(q) + " "
	for _, w := range []string{" why ", " how come ", "n't ", " cannot ", " not ", " obstacle", " problem", " risk", " flaw", " stop ", " prevent", " hinder", " barrier"} {
		if strings.Contains(l, w) {
			return intentReason
		}
	}
	return intentAny
}

// reasonCues are word stems that mark a sentence giving a reason, a lack
// or an obstacle. They are matched on lower-cased raw words, since several
// ("not", "without") are stop words to the index.
var reasonCues = []string{
	"lack", "fail", "flaw", "obstacle", "barrier", "sanction", "not", "n't", "without",
	"because", "due", "requir", "rely", "depend", "dominat", "complex", "unlikely",
	"unproven", "limit", "ignor", "risk", "imped", "implausible", "hostil", "violat",
	"gatekeeper", "cannot", "unable", "insufficient", "shortage", "gap",
}

// countReasonCues counts the distinct reason cues among the words of s.
func countReasonCues(s string) int {
	var seen [64]bool
	n := 0
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '\'' || r == '’')
	}) {
		w = strings.ReplaceAll(w, "’", "'")
		for i, c := range reasonCues {
			if !seen[i] && (strings.HasPrefix(w, c) || (c == "n't" && strings.HasSuffix(w, c))) {
				seen[i] = true
				n++
			}
		}
	}
	return n
}

// candidate is a possible excerpt: consecutive sentences of one passage.
type candidate struct {
	hit      Hit
	span     Span
	trimS    bool
	trimE    bool
	coverage float64
	score    float64
	matched  []bool          // per concept
	words    map[string]bool // analysed terms, for near-duplicate checks
	reasons  uint64          // kinds of reason the excerpt gives, one bit each
}

func (c candidate) citation(n int) Citation {
	p := c.hit.Passage
	return Citation{
		N: n, DocID: p.DocID, PassageID: p.ID(), Title: c.hit.Title, Section: p.Section, URL: c.hit.URL,
		Excerpt: p.Text[c.span.Start:c.span.End], TrimmedStart: c.trimS, TrimmedEnd: c.trimE,
		Score: math.Round(c.score*1000) / 1000,
	}
}

// sentence is one analysed sentence of a passage, with what a question
// finds in it.
type sentence struct {
	span  Span
	terms []string
	cues  int // distinct reason cues

	pos     []int  // per concept: first position in terms, or -1
	reasons uint64 // kinds of reason it names
	markers int    // reason markers it holds
	subjWhy int    // terms between the subject and a reason, or -1
}

// prepare finds the concepts and reasons in each sentence once, so that
// scoring the many windows over them is cheap.
func prepare(sents []sentence, cs []concept, in intent, reasons [][][]string) {
	for i := range sents {
		s := &sents[i]
		s.pos = make([]int, len(cs))
		for k, con := range cs {
			s.pos[k] = findAny(s.terms, con.keys)
		}
		s.subjWhy = -1
		if in != intentReason {
			continue
		}
		for k, keys := range reasons {
			for _, key := range keys {
				if containsSeq(s.terms, key) {
					s.reasons |= 1 << k
					s.markers++
				}
			}
		}
		if len(cs) > 0 {
			s.subjWhy = subjectReasonDistance(s.terms, cs[0].keys, reasons)
		}
	}
}

// excerpts scores, for each hit, the best window of one or more
// consecutive sentences, and returns the candidates best first.
func (a *Answerer) excerpts(cs []concept, in intent, hits []Hit) []candidate {
	total := 0.0
	for _, c := range cs {
		total += c.weight
	}
	if total == 0 {
		return nil
	}
	top := hits[0].Score
	var out []candidate
	thesis := map[string]uint64{} // document ID → kinds of reason its title names
	for _, h := range hits {
		sents := a.passageSentences(h.Passage)
		if len(sents) == 0 {
			continue
		}
		prepare(sents, cs, in, a.vocab.reasons)
		if _, ok := thesis[h.Passage.DocID]; !ok && in == intentReason {
			thesis[h.Passage.DocID] = a.titleReasons(h.Title)
		}
		var best candidate
		var bi, bj int // best's sentences
		found := false
		for _, w := range windows(h.Passage, sents, a.opts.MaxExcerpt) {
			i, j := w[0], w[1]
			length := sents[j].span.End - sents[i].span.Start
			c := scoreWindow(cs, total, sents[i:j+1], in)
			if c.coverage == 0 {
				continue
			}
			// Quote little: every byte past a short sentence costs.
			c.score -= 0.1 * float64(length) / float64(a.opts.MaxExcerpt)
			if top > 0 {
				c.score += 0.15 * h.Score / top
			}
			// A critique's headline names its main objection ("But What
			// About Midstream?"): a reason of that kind is its thesis.
			if c.reasons&thesis[h.Passage.DocID] != 0 {
				c.score += 0.1
			}
			// A list item is a summary claim; the prose that argues it
			// makes the better citation when both say the same.
			if h.Passage.Kind == List {
				c.score -= 0.15
			}
			// Ties go to the higher-ranked passage and earlier window.
			if !found || c.score > best.score+1e-9 {
				c.hit, c.span = h, Span{sents[i].span.Start, sents[j].span.End}
				c.trimS, c.trimE = i > 0, j < len(sents)-1
				best, bi, bj, found = c, i, j, true
			}
		}
		if found {
			best.words = map[string]bool{}
			for _, st := range sents[bi : bj+1] {
				for _, t := range st.terms {
					best.words[t] = true
				}
			}
			out = append(out, best)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return out[i].hit.Passage.ID() < out[j].hit.Passage.ID()
	})
	return out
}

// titleReasons returns the kinds of reason a title names.
func (a *Answerer) titleReasons(title string) uint64 {
	var terms []string
	for _, t := range a.s.Analyze(title) {
		terms = append(terms, t.Term)
	}
	var kinds uint64
	for k, keys := range a.vocab.reasons {
		if findAny(terms, keys) >= 0 {
			kinds |= 1 << k
		}
	}
	return kinds
}

// windows lists the sentence ranges [i, j] an excerpt may quote. In a
// paragraph that is any run of consecutive sentences within maxLen bytes (a
// single longer sentence still counts). In a list it is one item with its
// nested items: a bullet is one claim, and "Obstacles:" means nothing
// without the items under it.
func windows(p Passage, sents []sentence, maxLen int) [][2]int {
	var out [][2]int
	if p.Kind == List {
		indent := func(k int) int {
			n := 0
			for i := sents[k].span.Start - 1; i >= 0 && p.Text[i] == ' '; i-- {
				n++
			}
			return n
		}
		for i := 0; i < len(sents); {
			j := i
			for j+1 < len(sents) && indent(j+1) > indent(i) {
				j++
			}
			out = append(out, [2]int{i, j})
			i = j + 1
		}
		return out
	}
	for i := range sents {
		for j := i; j < len(sents); j++ {
			if j > i && sents[j].span.End-sents[i].span.Start > maxLen {
				break
			}
			out = append(out, [2]int{i, j})
		}
	}
	return out
}

// scoreWindow rates consecutive sentences as an excerpt: the weighted share
// of concepts they cover, how close together the matches sit, and for
// reason questions whether they state a reason.
func scoreWindow(cs []concept, total float64, win []sentence, in intent) candidate {
	c := candidate{matched: make([]bool, len(cs))}
	cues, markers, subjWhy := 0, 0, -1
	for _, s := range win {
		cues += s.cues
		markers += s.markers
		c.reasons |= s.reasons
		if s.subjWhy >= 0 && (subjWhy < 0 || s.subjWhy < subjWhy) {
			subjWhy = s.subjWhy
		}
	}
	covered := 0.0
	var first, last = -1, -1
	nMatched := 0
	for k, con := range cs {
		pos, off := -1, 0
		for _, s := range win {
			if s.pos[k] >= 0 {
				pos = off + s.pos[k]
				break
			}
			off += len(s.terms)
		}
		if pos < 0 {
			continue
		}
		c.matched[k] = true
		covered += con.weight
		nMatched++
		if first < 0 || pos < first {
			first = pos
		}
		if pos > last {
			last = pos
		}
	}
	c.coverage = covered / total
	c.score = c.coverage
	if nMatched > 1 {
		c.score += 0.1 * float64(nMatched) / float64(last-first+1)
	}
	if in == intentReason {
		// The reason should be said of the question's subject: "Russia
		// and Ukraine lack processing capacity" answers "why can't
		// Russia ...", a reason three clauses away from "Russian" less so.
		if subjWhy >= 0 {
			c.score += 0.15 / (1 + float64(subjWhy)/3)
		}
		// The more a window says why ("fails", "lack", "sanctions",
		// "midstream"), the better it answers; four signals saturate.
		c.score += 0.4 * float64(min(cues+markers, 4)) / 4
	}
	return c
}

// subjectReasonDistance returns the fewest terms between a match of the
// subject keys and a reason cue or marker in terms, or -1 when either is
// missing.
func subjectReasonDistance(terms []string, subject [][]string, reasons [][][]string) int {
	var subj, why []int
	for i := range terms {
		for _, k := range subject {
			if hasAt(terms, i, k) {
				subj = append(subj, i)
				break
			}
		}
		for _, c := range reasonCues {
			if len(c) > 3 && strings.HasPrefix(terms[i], c) {
				why = append(why, i)
				break
			}
		}
		for _, keys := range reasons {
			for _, k := range keys {
				if hasAt(terms, i, k) {
					why = append(why, i)
				}
			}
		}
	}
	best := -1
	for _, a := range subj {
		for _, b := range why {
			d := a - b
			if d < 0 {
				d = -d
			}
			if best < 0 || d < best {
				best = d
			}
		}
	}
	return best
}

// containsSeq reports whether key occurs anywhere in terms.
func containsSeq(terms []string, key []string) bool {
	for i := range terms {
		if hasAt(terms, i, key) {
			return true
		}
	}
	return false
}

// hasAt reports whether key occurs in terms at position i.
func hasAt(terms []string, i int, key []string) bool {
	if len(key) == 0 || i+len(key) > len(terms) {
		return false
	}
	for j, t := range key {
		if terms[i+j] != t {
			return false
		}
	}
	return true
}

// findAny returns the position of the first occurrence in terms of any of
// the keys (term sequences), or -1.
func findAny(terms []string, keys [][]string) int {
	for i := range terms {
		for _, k := range keys {
			if hasAt(terms, i, k) {
				return i
			}
		}
	}
	return -1
}

// analyseSentences splits text into sentences and analyses it once,
// giving each sentence its terms.
func (a *Answerer) analyseSentences(text string) []sentence {
	spans := Sentences(text)
	out := make([]sentence, len(spans))
	for i, sp := range spans {
		out[i] = sentence{span: sp, cues: countReasonCues(text[sp.Start:sp.End])}
	}
	k := 0
	for _, t := range a.s.Analyze(text) {
		for k < len(out)-1 && t.Start >= out[k].span.End {
			k++
		}
		if len(out) > 0 {
			out[k].terms = append(out[k].terms, t.Term)
		}
	}
	return out
}

// passageSentences returns p's analysed sentences, from the cache when
// they are there, as a fresh slice the caller may annotate.
func (a *Answerer) passageSentences(p Passage) []sentence {
	base, ok := a.cache.get(p.ID(), p.Text)
	if !ok {
		base = a.analyseSentences(p.Text)
		a.cache.put(p.ID(), p.Text, base)
	}
	return slices.Clone(base)
}

// selectDiverse picks up to n candidates, best first, each penalised by
// its likeness to those already picked (and, for reason questions,
// favoured for a kind of reason not given yet); a near-duplicate of one
// already picked is never picked.
func (a *Answerer) selectDiverse(cands []candidate, in intent, n int) []candidate {
	var picked []candidate
	var seenReasons uint64
	used := make([]bool, len(cands))
	// penalty[i] sums candidate i's similarity to the picked ones, updated
	// as each is picked rather than recomputed every round.
	penalty := make([]float64, len(cands))
	for len(picked) < n {
		bestI, bestScore := -1, math.Inf(-1)
		for i, c := range cands {
			if used[i] {
				continue
			}
			s := c.score - penalty[i]
			if in == intentReason && len(picked) > 0 {
				// Favour a kind of reason not given yet over another
				// restatement of one already cited, in proportion to how
				// much of what it gives is new.
				if fresh := bits.OnesCount64(c.reasons &^ seenReasons); fresh > 0 {
					s += 0.3 * float64(fresh) / float64(bits.OnesCount64(c.reasons))
				} else if c.reasons != 0 {
					s -= 0.1
				}
			}
			if s > bestScore+1e-9 {
				bestI, bestScore = i, s
			}
		}
		if bestI < 0 {
			break
		}
		used[bestI] = true
		p := cands[bestI]
		picked = append(picked, p)
		seenReasons |= p.reasons
		for i, c := range cands {
			if used[i] {
				continue
			}
			sim := jaccard(c.words, p.words)
			if sim > 0.6 {
				used[i] = true // a near-duplicate of one already cited
				continue
			}
			penalty[i] += 0.3 * sim
		}
	}
	return picked
}

// number splits picked excerpts into the citations shown (at most max;
// after the first, only those covering at least minCov of the question)
// and the further ones, numbering the shown from 1 and the rest on from
// them.
func number(picked []candidate, max int, minCov float64) (shown, more []Citation) {
	var rest []candidate
	for i, c := range picked {
		if i < max && (i == 0 || c.coverage >= minCov) {
			shown = append(shown, c.citation(len(shown)+1))
		} else {
			rest = append(rest, c)
		}
	}
	for _, c := range rest {
		more = append(more, c.citation(len(shown)+len(more)+1))
	}
	return shown, more
}

// unionCoverage is the weighted share of concepts that at least one of
// picked covers.
func unionCoverage(cs []concept, picked []candidate) float64 {
	covered, total := 0.0, 0.0
	for k, c := range cs {
		total += c.weight
		for _, p := range picked {
			if p.matched[k] {
				covered += c.weight
				break
			}
		}
	}
	if total == 0 {
		return 0
	}
	return covered / total
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// compiledVocabulary is a Vocabulary analysed with the Searcher's analyzer.
type compiledVocabulary struct {
	entries []vocabEntry
	reasons [][][]string // per reason kind, its analysed marker terms
}

type vocabEntry struct {
	key  []string   // the analysed term that triggers this entry
	alts []string   // all phrasings to search for
	keys [][]string // their analysed forms
}

func compileVocabulary(s Searcher, v Vocabulary) *compiledVocabulary {
	analyse := func(term string) []string {
		var out []string
		for _, t := range s.Analyze(term) {
			out = append(out, t.Term)
		}
		return out
	}
	cv := &compiledVocabulary{}
	groupOf := map[string][]string{} // analysed term → its equivalent group
	for _, g := range v.Equivalent {
		for _, t := range g {
			if k := strings.Join(analyse(t), " "); k != "" {
				groupOf[k] = g
			}
		}
	}
	add := func(trigger string, alts []string) {
		key := analyse(trigger)
		if len(key) == 0 {
			return
		}
		e := vocabEntry{key: key}
		seen := map[string]bool{}
		for _, alt := range alts {
			ak := analyse(alt)
			id := strings.Join(ak, " ")
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			e.alts = append(e.alts, alt)
			e.keys = append(e.keys, ak)
		}
		cv.entries = append(cv.entries, e)
	}
	for _, g := range v.Equivalent {
		for _, t := range g {
			add(t, g)
		}
	}
	keys := make([]string, 0, len(v.Implies))
	for k := range v.Implies {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		alts := []string{k}
		if g, ok := groupOf[strings.Join(analyse(k), " ")]; ok {
			alts = append(alts, g...)
		}
		for _, t := range v.Implies[k] {
			alts = append(alts, t)
			if g, ok := groupOf[strings.Join(analyse(t), " ")]; ok {
				alts = append(alts, g...)
			}
		}
		add(k, alts)
	}
	names := make([]string, 0, len(v.Reasons))
	for name := range v.Reasons {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		var keys [][]string
		for _, t := range v.Reasons[name] {
			if k := analyse(t); len(k) > 0 {
				keys = append(keys, k)
			}
		}
		if len(keys) > 0 && len(cv.reasons) < 64 {
			cv.reasons = append(cv.reasons, keys)
		}
	}
	// Longest triggers first, so "rare earth elements" wins over "rare
	// earth"; later entries (implications) replace equal ones, since they
	// include the group.
	sort.SliceStable(cv.entries, func(i, j int) bool { return len(cv.entries[i].key) > len(cv.entries[j].key) })
	return cv
}

// longestMatch returns the entry whose trigger is the longest prefix of
// terms, and the trigger's length; 0 when none matches.
func (cv *compiledVocabulary) longestMatch(terms []string) (vocabEntry, int) {
	var best vocabEntry
	n := 0
	for _, e := range cv.entries {
		if len(e.key) > len(terms) || len(e.key) < n {
			continue
		}
		ok := true
		for i, t := range e.key {
			if terms[i] != t {
				ok = false
				break
			}
		}
		if ok && (len(e.key) > n || len(e.alts) > len(best.alts)) {
			best, n = e, len(e.key)
		}
	}
	return best, n
}

// sentenceCache is a least-recently-used cache of analysed passages, keyed
// by passage ID and checked against the text, so a re-indexed passage is
// analysed afresh. A nil cache keeps nothing.
type sentenceCache struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *cacheEntry, most recent first
	byID  map[string]*list.Element
}

type cacheEntry struct {
	id, text string
	sents    []sentence
}

func newSentenceCache(max int) *sentenceCache {
	if max <= 0 {
		return nil
	}
	return &sentenceCache{max: max, order: list.New(), byID: map[string]*list.Element{}}
}

func (c *sentenceCache) get(id, text string) ([]sentence, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.byID[id]
	if !ok || el.Value.(*cacheEntry).text != text {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cacheEntry).sents, true
}

func (c *sentenceCache) put(id, text string, sents []sentence) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.byID[id]; ok {
		el.Value = &cacheEntry{id: id, text: text, sents: sents}
		c.order.MoveToFront(el)
		return
	}
	c.byID[id] = c.order.PushFront(&cacheEntry{id: id, text: text, sents: sents})
	for c.order.Len() > c.max {
		old := c.order.Remove(c.order.Back()).(*cacheEntry)
		delete(c.byID, old.id)
	}
}
