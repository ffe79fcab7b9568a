package index

import (
	"fmt"
	goregexp "regexp"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/regexp"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/analysis/token/shingle"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// MappingVersion identifies the index mapping and analysis. It is bumped
// whenever either changes, so an index built by an older binary is rebuilt.
const MappingVersion = 3

// Scoring models accepted in Options.Scoring.
const (
	TFIDF = "tfidf"
	BM25  = "bm25"
)

// Field names of the bleve documents.
const (
	fieldText    = "text"
	fieldSection = "section"
	fieldTitle   = "title"
	fieldDocID   = "doc_id"
	fieldIndex   = "index"
	fieldKind    = "kind"
	fieldURL     = "url"
	// fieldShingle indexes the text's word pairs, so phrase alternatives
	// ("rare earth magnets") are looked up as terms instead of by
	// walking the positions of their common words.
	fieldShingle = "shingle"
	// fieldHeadingPairs holds the word pairs of the section heading and
	// the title, for phrase alternatives found there.
	fieldHeadingPairs = "heading_pairs"

	analyzerName        = "chokepoint_en"
	shingleAnalyzerName = "chokepoint_en_pairs"
	abbrevFilter        = "chokepoint_abbrev"
	pairFilter          = "chokepoint_pairs"
)

// abbrevPattern matches dotted two-letter abbreviations such as "U.S.".
const abbrevPattern = `\b([A-Z])\.([A-Z])\.`

// abbrevRE matches abbrevPattern at the start of a string.
var abbrevRE = goregexp.MustCompile(`^` + abbrevPattern)

// storedFields are loaded with every hit; they are enough to render a
// citation without reading the corpus.
var storedFields = []string{fieldText, fieldSection, fieldTitle, fieldDocID, fieldIndex, fieldKind, fieldURL}

// newMapping returns the index mapping for the given scoring model.
//
// The text analyzer is bleve's English analyzer with two additions: the
// forms filter (American spelling, base forms of irregular verbs; see
// forms.go) before stemming, and a char filter that folds dotted two-letter
// abbreviations ("U.S.", "U.K.") into their plain form ("US  ", same byte
// length so offsets stay true). Without
// it "U.S." becomes the term "u." and never meets "US"; bleve's English stop
// list already keeps "us", so both spellings share the term "us" (at the cost
// of also matching the pronoun).
func newMapping(scoring string) (*mapping.IndexMappingImpl, error) {
	m := bleve.NewIndexMapping()
	switch scoring {
	case TFIDF:
		m.ScoringModel = "tf-idf" // bleve's spelling
	case BM25:
		m.ScoringModel = "bm25"
	default:
		return nil, fmt.Errorf("scoring %q: want %q or %q", scoring, TFIDF, BM25)
	}
	if err := m.AddCustomCharFilter(abbrevFilter, map[string]interface{}{
		"type":    regexp.Name,
		"regexp":  abbrevPattern,
		"replace": "${1}${2}  ",
	}); err != nil {
		return nil, fmt.Errorf("add char filter: %w", err)
	}
	if err := registerForms(); err != nil {
		return nil, fmt.Errorf("register token filter: %w", err)
	}
	if err := m.AddCustomAnalyzer(analyzerName, map[string]interface{}{
		"type":          custom.Name,
		"char_filters":  []string{abbrevFilter},
		"tokenizer":     unicode.Name,
		"token_filters": []string{en.PossessiveName, lowercase.Name, en.StopName, formsFilterName, porter.Name},
	}); err != nil {
		return nil, fmt.Errorf("add analyzer: %w", err)
	}
	if err := m.AddCustomTokenFilter(pairFilter, map[string]interface{}{
		"type": shingle.Name, "min": 2.0, "max": 2.0, "output_original": false,
	}); err != nil {
		return nil, fmt.Errorf("add pair filter: %w", err)
	}
	if err := m.AddCustomAnalyzer(shingleAnalyzerName, map[string]interface{}{
		"type":          custom.Name,
		"char_filters":  []string{abbrevFilter},
		"tokenizer":     unicode.Name,
		"token_filters": []string{en.PossessiveName, lowercase.Name, en.StopName, formsFilterName, porter.Name, pairFilter},
	}); err != nil {
		return nil, fmt.Errorf("add pair analyzer: %w", err)
	}
	m.DefaultAnalyzer = analyzerName
	m.DefaultField = fieldText
	m.IndexDynamic = false
	m.StoreDynamic = false
	m.DocValuesDynamic = false

	analysed := func(store bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzerName
		f.Store = store
		// No query reads positions since phrases are looked up through
		// the pairs fields; dropping them changes the index (MappingVersion).
		f.IncludeTermVectors = true
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	keywordField := func(indexed bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Index = indexed
		f.Store = true
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	num := bleve.NewNumericFieldMapping()
	num.Store = true
	num.Index = false
	num.IncludeInAll = false
	num.DocValues = false

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldText, analysed(true))
	dm.AddFieldMappingsAt(fieldSection, analysed(true))
	dm.AddFieldMappingsAt(fieldTitle, analysed(true))
	pairs := bleve.NewTextFieldMapping()
	pairs.Analyzer = shingleAnalyzerName
	pairs.Store = false
	pairs.IncludeTermVectors = false
	pairs.IncludeInAll = false
	pairs.DocValues = false
	dm.AddFieldMappingsAt(fieldShingle, pairs)
	dm.AddFieldMappingsAt(fieldHeadingPairs, pairs)
	dm.AddFieldMappingsAt(fieldDocID, keywordField(true))
	dm.AddFieldMappingsAt(fieldKind, keywordField(false))
	dm.AddFieldMappingsAt(fieldURL, keywordField(false))
	dm.AddFieldMappingsAt(fieldIndex, num)
	m.DefaultMapping = dm
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("validate mapping: %w", err)
	}
	return m, nil
}
