package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"chokepoint"
)

// Search tuning.
const (
	// DefaultLimit is the number of hits Search returns when Query.Limit
	// is not positive.
	DefaultLimit = 30
	// MaxLimit caps Query.Limit.
	MaxLimit = 1000
	// defaultNearest is Nearest's n when n is not positive.
	defaultNearest = 5
)

// headingBoost weighs a match in a passage's section heading or its
// document's title against a match in its text (1). A variable only so the
// scoring comparison can vary it.
var headingBoost = 0.2

// Analyze turns text into index terms with the text field's analyzer: stop
// words dropped, lower-cased, stemmed, "U.S." folded to "us". Start and End
// are byte offsets of each word in text. It works after Close.
func (x *Index) Analyze(text string) []chokepoint.Token {
	ts := x.analyzer.Analyze([]byte(text))
	out := make([]chokepoint.Token, 0, len(ts))
	for _, t := range ts {
		tok := chokepoint.Token{Term: string(t.Term), Start: t.Start, End: t.End}
		// The abbreviation filter shortened "U.S." to "US  ": report the
		// whole abbreviation as the surface word. Only a word whose second
		// byte is a dot can be one; the check spares the regexp for the rest.
		if tok.Start+1 < len(text) && text[tok.Start+1] == '.' {
			if m := abbrevRE.FindString(text[tok.Start:]); m != "" && tok.End < tok.Start+len(m) {
				tok.End = tok.Start + len(m)
			}
		}
		out = append(out, tok)
	}
	return out
}

// Search returns the passages best matching q, best first, ties broken by
// passage ID. Each group of q.Groups is a concept satisfied by any of its
// alternatives; a multi-word alternative must match as a phrase (looked up
// through its word pairs, so one of three words or more also matches with
// its pairs apart). Matches in the text count fully, in the section heading
// or document title less, and passages satisfying more groups rank higher.
// When q.Groups is empty every analysed word of q.Text is its own group. No
// match is an empty Result.
func (x *Index) Search(ctx context.Context, q chokepoint.Query) (chokepoint.Result, error) {
	groups := q.Groups
	if len(groups) == 0 {
		for _, t := range x.Analyze(q.Text) {
			groups = append(groups, []string{q.Text[t.Start:t.End]})
		}
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)

	var res chokepoint.Result
	dfs := map[string]int{} // for the common-terms cut-off
	type group struct {
		alts  [][]chokepoint.Token // analysed alternatives
		texts []string
	}
	var gs []group
	for _, g := range groups {
		var gr group
		for _, alt := range g {
			toks := x.Analyze(alt)
			if len(toks) == 0 {
				continue
			}
			for _, t := range toks {
				dfs[t.Term] = 0
			}
			gr.alts = append(gr.alts, toks)
			gr.texts = append(gr.texts, alt)
		}
		if len(gr.alts) > 0 {
			gs = append(gs, gr)
		}
	}

	err := x.reader(ctx, func(idx bleve.Index) error {
		n, err := idx.DocCount()
		if err != nil {
			return err
		}
		res.Passages = int(n)
		if n >= commonMinPassages {
			if err := docFreq(ctx, idx, dfs); err != nil {
				return err
			}
		}
		if len(gs) == 0 {
			return nil
		}
		// A term nearly every passage holds ("China" in a corpus about
		// China, "rare earths" as a stand-in for "dysprosium") ranks
		// nothing yet costs a scan of most of the index: leave such
		// alternatives, and concepts made only of them, out of retrieval,
		// as a search engine's common-terms cut-off does. The Answerer
		// still weighs them when it chooses sentences.
		rare := func(toks []chokepoint.Token) bool {
			if n < commonMinPassages {
				return true
			}
			df := int(n)
			for _, t := range toks { // a phrase is as rare as its rarest word
				df = min(df, dfs[t.Term])
			}
			return float64(df) <= commonFraction*float64(n)
		}
		var disjuncts []query.Query
		for _, g := range gs {
			var texts []string
			var alts [][]chokepoint.Token
			for i, toks := range g.alts {
				if rare(toks) {
					texts, alts = append(texts, g.texts[i]), append(alts, toks)
				}
			}
			if len(alts) > 0 {
				disjuncts = append(disjuncts, groupQuery(x, texts, alts))
			}
		}
		if len(disjuncts) == 0 {
			// Every concept is common: search them all rather than nothing.
			for _, g := range gs {
				disjuncts = append(disjuncts, groupQuery(x, g.texts, g.alts))
			}
		}
		top := bleve.NewDisjunctionQuery(disjuncts...)
		top.SetMin(1)
		// Sorting by score alone keeps bleve's fast path; sorting on _id
		// too would load every candidate's ID. A few hits more than asked
		// for are fetched, put in ID order among equal scores, and cut, so
		// ties at the limit are (nearly always) broken by ID as well; in any
		// case the order is fixed for a given index.
		req := bleve.NewSearchRequestOptions(top, limit+tieSlack, 0, false)
		req.Fields = storedFields
		sr, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return err
		}
		res.Hits, err = hits(sr.Hits)
		x.addHeadings(res.Hits)
		slices.SortStableFunc(res.Hits, func(a, b chokepoint.Hit) int {
			if a.Score != b.Score {
				return cmp.Compare(b.Score, a.Score)
			}
			return cmp.Compare(a.Passage.ID(), b.Passage.ID())
		})
		if len(res.Hits) > limit {
			res.Hits = res.Hits[:limit]
		}
		return err
	})
	if err != nil {
		return chokepoint.Result{}, fmt.Errorf("search %q: %w", truncate(q.Text, 80), err)
	}
	return res, nil
}

// addHeadings gives each hit its document's section headings. The caller
// holds x.mu for reading.
func (x *Index) addHeadings(hs []chokepoint.Hit) {
	for i := range hs {
		if d, ok := x.byID[hs[i].Passage.DocID]; ok {
			hs[i].Headings = x.man.Docs[d].Doc.Sections
		}
	}
}

// Terms reports the passages holding each term. It implements
// chokepoint.Searcher.
func (x *Index) Terms(ctx context.Context, terms []string) (chokepoint.TermStats, error) {
	st := chokepoint.TermStats{DocFreq: map[string]int{}}
	err := x.reader(ctx, func(idx bleve.Index) error {
		n, err := idx.DocCount()
		if err != nil {
			return err
		}
		st.Passages = int(n)
		return withReader(idx, func(r index.IndexReader) error {
			for _, t := range terms {
				df, err := termCount(ctx, r, t)
				if err != nil {
					return err
				}
				st.DocFreq[t] = df
			}
			return nil
		})
	})
	if err != nil {
		return chokepoint.TermStats{}, fmt.Errorf("terms: %w", err)
	}
	return st, nil
}

// Near returns the text field's terms within one edit of term (two from
// seven letters; none below four letters, where too many words are one edit
// apart) that share its first letter, closest first, then most frequent: a
// typo seldom changes the first letter, and requiring it keeps the look-up
// small. It implements chokepoint.Searcher.
func (x *Index) Near(ctx context.Context, term string) ([]chokepoint.NearTerm, error) {
	edits := nearEdits(term)
	if edits == 0 {
		return nil, nil
	}
	var near []chokepoint.NearTerm
	err := x.reader(ctx, func(idx bleve.Index) error {
		return withReader(idx, func(r index.IndexReader) error {
			fuzzy, ok := r.(index.IndexReaderFuzzy)
			if !ok {
				return nil
			}
			var err error
			near, err = nearTerms(fuzzy, term, edits, func(t string) (int, error) { return termCount(ctx, r, t) })
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("near %q: %w", term, err)
	}
	return near, nil
}

// withReader runs f with a reader of idx's current snapshot.
func withReader(idx bleve.Index, f func(index.IndexReader) error) error {
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	return f(r)
}

// termCount returns the passages whose text holds term.
func termCount(ctx context.Context, r index.IndexReader, term string) (int, error) {
	tfr, err := r.TermFieldReader(ctx, []byte(term), fieldText, false, false, false)
	if err != nil {
		return 0, fmt.Errorf("count term %q: %w", term, err)
	}
	defer tfr.Close()
	return int(tfr.Count()), nil
}

// nearEdits is the edit distance within which Terms looks for the terms a
// typo may have meant: none below four letters (too many short words are
// one edit apart), one up to six, two from seven.
func nearEdits(term string) int {
	switch n := utf8.RuneCountInString(term); {
	case n < 4:
		return 0
	case n < 7:
		return 1
	default:
		return 2
	}
}

// maxFuzzyEdits is the most edits bleve's fuzzy automaton allows.
const maxFuzzyEdits = 2

// maxNear is the most near terms Near reports.
const maxNear = 5

// nearTerms returns the text field's terms within edits of term (or one
// slip past them: TypoDistance) sharing its first letter, closest first,
// then most frequent, then in order.
func nearTerms(r index.IndexReaderFuzzy, term string, edits int, count func(string) (int, error)) ([]chokepoint.NearTerm, error) {
	_, size := utf8.DecodeRuneInString(term)
	// The automaton counts Levenshtein edits, for which a swap of
	// neighbours or a misplaced double letter is two: it looks two edits
	// away, and keeps those past edits only when TypoDistance makes them
	// one slip.
	dict, fa, err := r.FieldDictFuzzyAutomaton(fieldText, term, maxFuzzyEdits, term[:size])
	if err != nil {
		return nil, fmt.Errorf("near %q: %w", term, err)
	}
	defer dict.Close()
	var out []chokepoint.NearTerm
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("near %q: %w", term, err)
		}
		if e == nil {
			break
		}
		ok, ld := fa.MatchAndDistance(e.Term)
		if !ok || e.Term == term {
			continue
		}
		d := int(ld)
		if d > edits {
			// Past the edits allowed, only a slip of one key (a swap, a
			// misplaced double letter) is taken.
			if d = chokepoint.TypoDistance(term, e.Term); d > edits {
				continue
			}
		}
		df, err := count(e.Term)
		if err != nil {
			return nil, err
		}
		out = append(out, chokepoint.NearTerm{Term: e.Term, Edits: d, DocFreq: df})
	}
	slices.SortFunc(out, func(a, b chokepoint.NearTerm) int {
		return cmp.Or(cmp.Compare(a.Edits, b.Edits), cmp.Compare(b.DocFreq, a.DocFreq), cmp.Compare(a.Term, b.Term))
	})
	return out[:min(len(out), maxNear)], nil
}

// tieSlack is how many hits past the limit Search fetches to break ties.
const tieSlack = 8

// Common-terms cut-off: in an index of at least commonMinPassages
// passages, an alternative found in more than commonFraction of them is
// left out of retrieval.
const (
	commonFraction    = 0.2
	commonMinPassages = 2000
)

// groupQuery is one concept: any alternative in the text, or in the section
// heading or title, which weigh less. Multi-word alternatives are matched
// through their word pairs; the single-word ones share one query per
// heading field.
func groupQuery(x *Index, texts []string, alts [][]chokepoint.Token) query.Query {
	var leaves []query.BoostableQuery
	var words []string
	for i, toks := range alts {
		if len(toks) > 1 {
			pairs := x.pairs(texts[i])
			leaves = append(leaves,
				pairQuery(pairs, fieldShingle, 1),
				pairQuery(pairs, fieldHeadingPairs, headingBoost))
			continue
		}
		// The word is analysed already: a term query scores as the match
		// query would, without its one-clause disjunction around the term.
		tq := bleve.NewTermQuery(toks[0].Term)
		tq.SetField(fieldText)
		tq.SetBoost(1)
		leaves = append(leaves, tq)
		words = append(words, texts[i])
	}
	if len(words) > 0 {
		joined := strings.Join(words, " ")
		leaves = append(leaves,
			matchQuery(joined, fieldSection, headingBoost),
			matchQuery(joined, fieldTitle, headingBoost))
	}
	// bleve multiplies a disjunction's score by matched/total clauses;
	// scaling the boosts by the clause count keeps a group with many
	// alternatives from being outweighed by one with a single word.
	qs := make([]query.Query, len(leaves))
	for i, l := range leaves {
		l.SetBoost(l.Boost() * float64(len(leaves)))
		qs[i] = l
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// pairs returns the distinct word pairs of a multi-word phrase, as the
// pairs fields index them. The phrase has at least two analysed words, so
// there is at least one pair.
func (x *Index) pairs(phrase string) []string {
	var out []string
	for _, t := range x.pairAnalyzer.Analyze([]byte(phrase)) {
		if term := string(t.Term); !slices.Contains(out, term) {
			out = append(out, term)
		}
	}
	return out
}

// pairQuery matches a multi-word phrase through its word pairs: every pair
// must be in the passage's pairs field. For two words that is the phrase
// itself; for more it is the phrase or a passage holding all its pairs apart
// (rare enough, and the Answerer checks the words' order before quoting).
func pairQuery(pairs []string, field string, boost float64) query.BoostableQuery {
	terms := make([]query.Query, len(pairs))
	for i, p := range pairs {
		tq := bleve.NewTermQuery(p)
		tq.SetField(field)
		terms[i] = tq
	}
	if len(terms) == 1 {
		tq := terms[0].(*query.TermQuery)
		tq.SetBoost(boost)
		return tq
	}
	cq := bleve.NewConjunctionQuery(terms...)
	cq.SetBoost(boost)
	return cq
}

// matchQuery is a match query of text on field.
func matchQuery(text, field string, boost float64) *query.MatchQuery {
	q := bleve.NewMatchQuery(text)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

// docFreq fills counts with the number of passages whose text holds each
// term.
func docFreq(ctx context.Context, idx bleve.Index, counts map[string]int) error {
	if len(counts) == 0 {
		return nil
	}
	return withReader(idx, func(r index.IndexReader) error {
		for term := range counts {
			n, err := termCount(ctx, r, term)
			if err != nil {
				return err
			}
			counts[term] = n
		}
		return nil
	})
}

// hits turns bleve hits with stored fields into chokepoint hits.
func hits(dm search.DocumentMatchCollection) ([]chokepoint.Hit, error) {
	out := make([]chokepoint.Hit, 0, len(dm))
	for _, m := range dm {
		h, err := hit(m)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

func hit(m *search.DocumentMatch) (chokepoint.Hit, error) {
	str := func(f string) string {
		s, _ := m.Fields[f].(string)
		return s
	}
	idx, ok := m.Fields[fieldIndex].(float64)
	if !ok || str(fieldDocID) == "" {
		return chokepoint.Hit{}, fmt.Errorf("passage %q: stored fields missing", m.ID)
	}
	p := chokepoint.Passage{
		DocID:   str(fieldDocID),
		Index:   int(idx),
		Section: str(fieldSection),
		Kind:    chokepoint.PassageKind(str(fieldKind)),
		Text:    str(fieldText),
	}
	return chokepoint.Hit{Passage: p, Title: str(fieldTitle), URL: str(fieldURL), Score: m.Score}, nil
}

// Baseline runs a bare bleve match query of text over the passage text, with
// bleve's default settings (no groups, phrases, boosts or tie-breaks), and
// returns up to n hits (10 when n <= 0). It is the yardstick Search's
// quality is measured against.
func (x *Index) Baseline(ctx context.Context, text string, n int) ([]chokepoint.Hit, error) {
	if n <= 0 {
		n = 10
	}
	var out []chokepoint.Hit
	err := x.reader(ctx, func(idx bleve.Index) error {
		q := bleve.NewMatchQuery(text)
		q.SetField(fieldText)
		req := bleve.NewSearchRequestOptions(q, min(n, MaxLimit), 0, false)
		req.Fields = storedFields
		sr, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return err
		}
		out, err = hits(sr.Hits)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("baseline search %q: %w", truncate(text, 80), err)
	}
	return out, nil
}

// Passage returns the passage with the given ID (Passage.ID()) and its
// document's title and URL, or an error wrapping chokepoint.ErrNotFound.
func (x *Index) Passage(ctx context.Context, id string) (chokepoint.Hit, error) {
	var h chokepoint.Hit
	err := x.reader(ctx, func(idx bleve.Index) error {
		req := bleve.NewSearchRequestOptions(bleve.NewDocIDQuery([]string{id}), 1, 0, false)
		req.Fields = storedFields
		sr, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return err
		}
		if len(sr.Hits) == 0 {
			return chokepoint.ErrNotFound
		}
		h, err = hit(sr.Hits[0])
		h.Score = 0
		return err
	})
	if err != nil {
		return chokepoint.Hit{}, fmt.Errorf("passage %q: %w", id, err)
	}
	return h, nil
}

// Nearest returns up to n documents (5 when n <= 0) closest to text, best
// first: those whose passages match text best, else those sharing the most
// title words with it, else the first documents by title, so that on a
// non-empty index it always returns at least one. It returns nil only for
// an empty index.
func (x *Index) Nearest(ctx context.Context, text string, n int) ([]chokepoint.DocRef, error) {
	if n <= 0 {
		n = defaultNearest
	}
	var ids []string
	err := x.reader(ctx, func(idx bleve.Index) error {
		var qs []query.Query
		for _, t := range x.Analyze(text) {
			word := text[t.Start:t.End]
			qs = append(qs,
				matchQuery(word, fieldText, 1),
				matchQuery(word, fieldSection, headingBoost),
				matchQuery(word, fieldTitle, headingBoost))
		}
		if len(qs) == 0 {
			return nil
		}
		// Score order alone (fixed for a given index): sorting on _id too
		// would load every candidate's ID.
		req := bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(qs...), 20*n, 0, false)
		req.Fields = []string{fieldDocID}
		sr, err := idx.SearchInContext(ctx, req)
		if err != nil {
			return err
		}
		for _, m := range sr.Hits {
			id, _ := m.Fields[fieldDocID].(string)
			if id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
				if len(ids) == n {
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("nearest %q: %w", truncate(text, 80), err)
	}

	x.mu.RLock()
	defer x.mu.RUnlock()
	if len(ids) == 0 {
		ids = x.titleMatches(text, n)
	}
	if len(ids) == 0 {
		for _, d := range x.man.Docs[:min(n, len(x.man.Docs))] {
			ids = append(ids, d.Doc.ID)
		}
	}
	refs := make([]chokepoint.DocRef, 0, len(ids))
	for _, id := range ids {
		if i, ok := x.byID[id]; ok {
			d := x.man.Docs[i].Doc
			refs = append(refs, chokepoint.DocRef{ID: d.ID, Title: d.Title, URL: d.URL})
		}
	}
	return refs, nil
}

// titleMatches returns up to n document IDs whose titles share the most
// analysed terms with text, most first (ties in title order). The caller
// holds x.mu.
func (x *Index) titleMatches(text string, n int) []string {
	want := map[string]bool{}
	for _, t := range x.Analyze(text) {
		want[t.Term] = true
	}
	if len(want) == 0 {
		return nil
	}
	type scored struct {
		id    string
		count int
	}
	var found []scored
	x.titleMu.Lock()
	if x.titleTerms == nil {
		x.titleTerms = make([][]string, len(x.man.Docs))
		for i, d := range x.man.Docs {
			for _, t := range x.Analyze(d.Doc.Title) {
				x.titleTerms[i] = append(x.titleTerms[i], t.Term)
			}
		}
	}
	titles := x.titleTerms
	x.titleMu.Unlock()
	for i, d := range x.man.Docs {
		c := 0
		for _, t := range titles[i] {
			if want[t] {
				c++
			}
		}
		if c > 0 {
			found = append(found, scored{d.Doc.ID, c})
		}
	}
	slices.SortStableFunc(found, func(a, b scored) int { return b.count - a.count })
	var ids []string
	for _, f := range found[:min(n, len(found))] {
		ids = append(ids, f.id)
	}
	return ids
}
