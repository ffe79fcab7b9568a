package chokepoint

import (
	"context"
	"fmt"
)

// An answer is made in stages, one file each:
//
//	question.go  clean the question as Discord delivers it
//	intent.go    tell the type of answer it asks for
//	expand.go    turn its words into weighed concepts with alternatives
//	answerer.go  retrieve candidate passages (retrieve)
//	window.go    cut passages into one- and two-sentence windows
//	score.go     score the windows, in their context
//	select.go    pick the excerpts
//	abstain.go   or decline

// Options tune an Answerer. The zero value gives the defaults.
type Options struct {
	// MaxCitations is the most citations an answer shows; default 3.
	MaxCitations int
	// MoreCitations is how many further citations Answer.More holds;
	// default 5, negative for none.
	MoreCitations int
	// Candidates is how many passages are retrieved per question; default 30.
	Candidates int
	// MinConfidence is the share of the question the best excerpt must
	// hold, below which the answer abstains; default DefaultMinConfidence.
	MinConfidence float64
	// ClosestConfidence is the share above which a declined answer quotes
	// its closest passages; default DefaultClosestConfidence.
	ClosestConfidence float64
	// MaxExcerpt is the longest two-sentence excerpt in bytes; a single
	// longer sentence is still quoted whole. Default 450.
	MaxExcerpt int
	// Suggestions is how many titles an abstaining answer names; default 3.
	Suggestions int
	// CacheSize is how many analysed passages are kept between questions,
	// since popular passages come back again and again; default 4096,
	// negative for none.
	CacheSize int
	// Off turns ideas of the engine off, to measure what each is worth.
	Off Features
}

// Abstention thresholds, calibrated on the benchmark's development split
// and the fresh questions of eval/fresh/fa.yaml and fn.yaml: all three give
// the same abstentions from 0.26 to 0.28, and 0.27 is the middle, away from
// 0.25, where a question of four equally weighted words matching one would
// be answered. Below the threshold and from
// DefaultClosestConfidence the closest passages are quoted as such.
const (
	DefaultMinConfidence     = 0.27
	DefaultClosestConfidence = 0.2
)

func (o Options) withDefaults() Options {
	if o.MaxCitations <= 0 {
		o.MaxCitations = 3
	}
	if o.MoreCitations == 0 {
		o.MoreCitations = 5
	}
	o.MoreCitations = max(o.MoreCitations, 0)
	if o.Candidates <= 0 {
		o.Candidates = 30
	}
	if o.MinConfidence <= 0 {
		o.MinConfidence = DefaultMinConfidence
	}
	if o.ClosestConfidence <= 0 {
		o.ClosestConfidence = DefaultClosestConfidence
	}
	if o.MaxExcerpt <= 0 {
		o.MaxExcerpt = 450
	}
	if o.Suggestions <= 0 {
		o.Suggestions = 3
	}
	if o.CacheSize == 0 {
		o.CacheSize = 4096
	}
	return o
}

// Features is a set of the engine's ideas, each of which can be turned off
// (Options.Off) to measure its worth.
type Features uint32

// The engine's ideas.
const (
	// FeatureFiller drops greetings, chat filler and words about the text
	// ("article", "say") from the question.
	FeatureFiller Features = 1 << iota
	// FeatureVocabulary adds the field vocabulary's equivalents.
	FeatureVocabulary
	// FeatureTypos matches a word the corpus lacks to the corpus words one
	// or two edits away.
	FeatureTypos
	// FeatureAnswerType demotes excerpts lacking the type of answer asked
	// for (a date, a quantity, a name, a place, a reason).
	FeatureAnswerType
	// FeatureContext weighs an excerpt by its passage, article and section.
	FeatureContext
	// FeatureTwoSentences lets an excerpt be two adjacent sentences.
	FeatureTwoSentences
	// FeatureWhyNot, for a why-not question, weighs its subject as much as
	// its heaviest concept and favours windows stating what the subject
	// lacks.
	FeatureWhyNot
	// FeatureYears, for the abstention, counts a window at part of its
	// share of the question when its passage, title and headings never
	// state a year the question names ("by 2030").
	FeatureYears
	// FeatureWholePassage quotes a short passage whole rather than cut to
	// its best window.
	FeatureWholePassage
	// FeatureNameShape weighs an unknown word as a name only when it looks like
	// one; other words the word list lacks weigh less.
	FeatureNameShape
	// FeatureFraming reads an excerpt with its article's title and its
	// section heading: a concept they state counts for the excerpt too.
	FeatureFraming
	// FeatureQuantityKinds tells a question asking for a share, a sum of
	// money or a span of time from one asking for any quantity.
	FeatureQuantityKinds
	// FeatureHeadWord lets the last word of a field phrase of the question
	// stand for the phrase, at weightHead.
	FeatureHeadWord
	// FeatureNamedThings, for the abstention, counts a window at part of
	// its share of the question when its article never states a place or
	// material the question names ("zambia", "helium").
	FeatureNamedThings
	// FeatureLoneMatch, for the abstention, counts a window holding one
	// concept of a question of four or more at part of its share.
	FeatureLoneMatch
	// FeatureThingsStated ranks a window whose passage, title and headings
	// lack a place or material the question names below those that state
	// them.
	FeatureThingsStated
	// FeatureAbbreviations gives an abbreviation of the question the long
	// form a retrieved passage defines for it ("Customs and Border
	// Protection (CBP)").
	FeatureAbbreviations
)

// FeatureNames names every feature, in order, for reports.
var FeatureNames = []struct {
	Name    string
	Feature Features
}{
	{"question filler", FeatureFiller},
	{"field vocabulary", FeatureVocabulary},
	{"typo matching", FeatureTypos},
	{"answer type", FeatureAnswerType},
	{"passage/article/section context", FeatureContext},
	{"two-sentence excerpts", FeatureTwoSentences},
	{"why-not subject and lack", FeatureWhyNot},
	{"named years", FeatureYears},
	{"short passages whole", FeatureWholePassage},
	{"names by their look", FeatureNameShape},
	{"title and heading frame the excerpt", FeatureFraming},
	{"kinds of quantity", FeatureQuantityKinds},
	{"a phrase's last word", FeatureHeadWord},
	{"named places and materials", FeatureNamedThings},
	{"one concept of many", FeatureLoneMatch},
	{"places and materials in the passage", FeatureThingsStated},
	{"abbreviations the corpus defines", FeatureAbbreviations},
}

// Has reports whether f holds every feature of g.
func (f Features) Has(g Features) bool { return f&g == g }

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
	return &Answerer{s: s, opts: opts, vocab: compileVocabulary(s.Analyze, vocab), cache: newSentenceCache(opts.CacheSize)}
}

// Answer answers question with verbatim excerpts of the corpus. When the
// corpus does not cover the question the Answer abstains and suggests the
// nearest documents. It returns ErrEmptyQuestion for a question without
// words, ErrQuestionTooLong past MaxQuestionLen characters, and the Searcher's
// errors wrapped. The same question on the same index gives the same answer.
func (a *Answerer) Answer(ctx context.Context, question string) (Answer, error) {
	q, hits, err := a.retrieve(ctx, question, a.opts.Candidates)
	if err != nil {
		return Answer{}, err
	}
	ans := Answer{Question: q.text}
	if len(hits) == 0 {
		return a.abstain(ctx, ans, nil)
	}
	cands, conf := a.score(q, hits)
	ans.Confidence = conf
	if ans.Confidence < a.opts.MinConfidence {
		return a.abstain(ctx, ans, cands)
	}
	for i := range cands {
		cands[i].words = wordSet(a.passageSentences(cands[i].hit.Passage), cands[i].win)
	}
	whole := !a.opts.Off.Has(FeatureWholePassage)
	picked := pick(proseForSummaries(cands), a.opts.MaxCitations+a.opts.MoreCitations, whole)
	ans.Citations, ans.More = number(picked, a.opts.MaxCitations, whole)
	return ans, nil
}

// Search returns up to n passages for query, expanded exactly as Answer
// expands questions; no match is an empty slice.
func (a *Answerer) Search(ctx context.Context, query string, n int) ([]Hit, error) {
	_, hits, err := a.retrieve(ctx, query, n)
	return hits, err
}

// retrieve is stage 3: it reads text (read) and, when the retrieved
// passages gave the concepts abbreviations, asks the Searcher again with
// them. A text with no content words gives no hits.
func (a *Answerer) retrieve(ctx context.Context, text string, limit int) (question, []Hit, error) {
	clean, t, cs, hits, grown, err := a.read(ctx, text, limit)
	if err != nil {
		return question{}, nil, err
	}
	if grown {
		// The concepts gained abbreviations: ask again with them.
		if hits, _, err = a.search(ctx, clean, cs, limit, false); err != nil {
			return question{}, nil, err
		}
	}
	q := newQuestion(clean, cs, t, !a.opts.Off.Has(FeatureWhyNot))
	return q, hits, nil
}

// read cleans and classifies text, expands it into concepts and asks the
// Searcher for up to limit passages holding them, giving the concepts the
// abbreviations those passages define; grown reports whether it gave any.
// Answer and Explain read a question alike through it.
func (a *Answerer) read(ctx context.Context, text string, limit int) (clean string, t answerType, cs []concept, hits []Hit, grown bool, err error) {
	if clean, err = CleanQuestion(text); err != nil {
		return "", 0, nil, nil, false, err
	}
	t = classify(clean, !a.opts.Off.Has(FeatureQuantityKinds))
	if cs, _, err = a.expand(ctx, clean, t); err != nil {
		return "", 0, nil, nil, false, fmt.Errorf("expand %q: %w", clean, err)
	}
	if hits, grown, err = a.search(ctx, clean, cs, limit, true); err != nil {
		return "", 0, nil, nil, false, err
	}
	return clean, t, cs, hits, grown, nil
}

// wordSet returns the analysed terms of a window.
func wordSet(sents []sentence, w window) map[string]bool {
	m := map[string]bool{}
	for _, t := range w.terms(sents) {
		m[t] = true
	}
	return m
}

// passageSentences returns p's analysed sentences, from the cache when
// they are there. Callers must not modify them.
func (a *Answerer) passageSentences(p Passage) []sentence {
	if v, ok := a.cache.get("p\x00"+p.ID(), p.Text); ok {
		return v.([]sentence)
	}
	sents := analyseSentences(p.Text, a.s.Analyze)
	a.cache.put("p\x00"+p.ID(), p.Text, sents)
	return sents
}

// cachedTerms returns the analysed terms of text, cached under key.
func (a *Answerer) cachedTerms(key, text string) []string {
	if v, ok := a.cache.get(key, text); ok {
		return v.([]string)
	}
	terms := termsOf(a.s.Analyze(text))
	a.cache.put(key, text, terms)
	return terms
}

// Explanation says how the Answerer reads a question: what `chokepoint ask
// --explain` prints, so a curator can see why an answer came out as it did.
type Explanation struct {
	// Question is the question as cleaned.
	Question string
	// Type is the kind of answer asked for: "any", "reason", "lack",
	// "date", "quantity" (or of a kind: "share", "money", "duration"),
	// "name", "role", "place" or "definition".
	Type string
	// Concepts are the question's concepts, in order.
	Concepts []ExplainedConcept
}

// ExplainedConcept is one concept of an Explanation.
type ExplainedConcept struct {
	// Weight is the concept's rarity in the corpus; Known is false when no
	// alternative occurs in it.
	Weight float64
	Known  bool
	// Year is true for a year the question names: a window whose passage,
	// title and headings never state it counts half in the confidence.
	Year bool
	// Named is true for a place or material the question names: a window
	// whose article never states it (in the retrieved passages, title or
	// headings) counts half in the confidence.
	Named bool
	// Alternatives are the phrasings that satisfy it, with their weights.
	Alternatives []ExplainedAlternative
}

// ExplainedAlternative is one phrasing of a concept.
type ExplainedAlternative struct {
	Text   string
	Weight float64
}

// Explain returns how Answer reads question, with the same errors as
// Answer.
func (a *Answerer) Explain(ctx context.Context, question string) (Explanation, error) {
	// Read as Answer reads it, with the abbreviations the retrieved
	// passages define.
	clean, t, cs, _, _, err := a.read(ctx, question, a.opts.Candidates)
	if err != nil {
		return Explanation{}, err
	}
	ex := Explanation{Question: clean, Type: t.String()}
	for _, c := range cs {
		ec := ExplainedConcept{Weight: c.weight, Known: c.known,
			Year:  !a.opts.Off.Has(FeatureYears) && c.isYear(),
			Named: !a.opts.Off.Has(FeatureNamedThings) && c.isThing()}
		for _, al := range c.alts {
			ec.Alternatives = append(ec.Alternatives, ExplainedAlternative{Text: al.text, Weight: al.weight})
		}
		ex.Concepts = append(ex.Concepts, ec)
	}
	return ex, nil
}

// search asks the Searcher for up to limit passages holding the concepts
// the corpus knows and, with define, gives the concepts the abbreviations
// and long forms those passages define (defineAbbreviations), reporting
// whether it added any. Concepts none of which the corpus knows give no
// hits.
func (a *Answerer) search(ctx context.Context, clean string, cs []concept, limit int, define bool) ([]Hit, bool, error) {
	var groups [][]string
	for _, c := range cs {
		if c.known {
			groups = append(groups, c.texts())
		}
	}
	if len(groups) == 0 {
		return nil, false, nil
	}
	res, err := a.s.Search(ctx, Query{Text: clean, Groups: groups, Limit: limit})
	if err != nil {
		return nil, false, fmt.Errorf("search %q: %w", clean, err)
	}
	if !define || a.opts.Off.Has(FeatureAbbreviations) {
		return res.Hits, false, nil
	}
	grown, err := a.defineAbbreviations(ctx, cs, res.Hits)
	if err != nil {
		return nil, false, fmt.Errorf("abbreviations of %q: %w", clean, err)
	}
	return res.Hits, grown, nil
}
