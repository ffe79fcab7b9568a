package chokepoint

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrEmptyQuestion is returned when a question holds no words at all.
	ErrEmptyQuestion = errors.New("empty question")
	// ErrQuestionTooLong is returned when a question exceeds MaxQuestionLen.
	ErrQuestionTooLong = errors.New("question too long")
	// ErrNotFound is returned when a document or passage ID is not in the index.
	ErrNotFound = errors.New("not found")
	// ErrIndexClosed is returned by a Searcher used after Close.
	ErrIndexClosed = errors.New("index closed")
)

// MaxQuestionLen is the longest question, in characters (Unicode code
// points), the Answerer accepts.
const MaxQuestionLen = 1000

// Document is one article of the corpus.
type Document struct {
	// ID is stable across loads: the file's slash path inside the corpus
	// without its extension, e.g. "russia/000_0524fadb7a41a105".
	ID string
	// Path is the file's slash path inside the corpus.
	Path      string
	Title     string
	Source    string // publication or site that published the critique
	URL       string
	Author    string
	Published string // as written in the metadata, e.g. "2025-03-20"
	// Reviews names the article this critique reviews, if any.
	Reviews *Review
	Tags    []string
	// Sections lists the section headings in reading order.
	Sections []string
	// Hash is the hex SHA-256 of the file's bytes and its sidecar's, so a
	// changed file (or changed metadata) changes the hash.
	Hash string
	// Passages are the document's paragraphs and lists in reading order;
	// Passages[i].Index == i.
	Passages []Passage
}

// Review describes the article a critique reviews.
type Review struct {
	Title     string
	Source    string // e.g. "Newsweek"
	Author    string // e.g. "Brendan Cole and John Feng"
	Published string // as written, e.g. "March 19, 2025"
	URL       string
}

// PassageKind tells a paragraph from a list.
type PassageKind string

// Passage kinds.
const (
	Paragraph PassageKind = "paragraph"
	List      PassageKind = "list"
)

// Passage is one paragraph or one bullet list of a document: the unit the
// index retrieves and the Answerer quotes from.
type Passage struct {
	DocID string
	// Index is the passage's position in its document, from 0.
	Index int
	// Section is the heading the passage sits under; "" before the first one.
	Section string
	Kind    PassageKind
	// Text is the passage as quoted: the source text with markup and
	// boilerplate removed and white space folded. Lists keep one item a line,
	// each with its bullet.
	Text string
}

// ID returns the passage's stable identifier, "DOCID#INDEX".
func (p Passage) ID() string { return PassageID(p.DocID, p.Index) }

// PassageID returns the identifier of passage index of document docID.
func PassageID(docID string, index int) string { return fmt.Sprintf("%s#%d", docID, index) }

// DocRef names a document in citations and suggestions.
type DocRef struct {
	ID    string `json:"doc_id"`
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
}

// Hit is one passage returned by a Searcher, with what a citation needs.
type Hit struct {
	Passage Passage
	Title   string // the document's title
	URL     string // the document's URL, "" when it has none
	// Headings are the document's section headings in reading order: the
	// context an answer weighs a passage in.
	Headings []string
	Score    float64
}

// Token is one term of analysed text: Term is the normalised (lower-cased,
// stemmed) form; Start and End are byte offsets of the surface word in the
// analysed text.
type Token struct {
	Term       string
	Start, End int
}

// Query is what the Answerer asks a Searcher for.
type Query struct {
	// Text is the question or query as the user typed it.
	Text string
	// Groups are the query's concepts. Each group lists alternative
	// phrasings (one or more words each) any of which satisfies the concept,
	// e.g. {"refining", "processing", "separation"}. A passage matching more
	// groups ranks higher. When Groups is empty the Searcher matches Text.
	Groups [][]string
	// Limit is the most hits to return; <= 0 means the Searcher's default.
	Limit int
}

// Result is a Searcher's answer to a Query.
type Result struct {
	// Hits are the matching passages, best first; empty when none match.
	Hits []Hit
	// Passages is the number of passages in the index.
	Passages int
}

// Searcher retrieves passages. *index.Index implements it.
type Searcher interface {
	// Search returns the passages that best match q. No match is an empty
	// Result, not an error.
	Search(ctx context.Context, q Query) (Result, error)
	// Nearest returns up to n documents closest to text, best first. On a
	// non-empty corpus it returns at least one document even when nothing
	// matches, so an abstaining answer can always point somewhere.
	Nearest(ctx context.Context, text string, n int) ([]DocRef, error)
	// Analyze turns text into index terms with the index's own analyzer
	// (stop words removed, stemmed), so the Answerer matches words the same
	// way the index does.
	Analyze(text string) []Token
	// Terms reports how many passages hold each of terms (analysed terms,
	// as Analyze gives them).
	Terms(ctx context.Context, terms []string) (TermStats, error)
	// Near returns the index's terms within one edit of term (two for terms
	// of seven letters or more), closest first, then most frequent: the
	// words a typo may have meant. None is an empty slice.
	Near(ctx context.Context, term string) ([]NearTerm, error)
}

// TermStats is what the index knows of some terms.
type TermStats struct {
	// Passages is the number of passages in the index.
	Passages int
	// DocFreq is, per term asked about, the number of passages whose text
	// holds it.
	DocFreq map[string]int
}

// NearTerm is an index term close to another term.
type NearTerm struct {
	Term    string
	Edits   int // edit distance from the term asked about
	DocFreq int
}

// FileError reports one corpus file that could not be loaded.
type FileError struct {
	Path string // slash path inside the corpus
	Line int    // 1-based line, 0 when unknown
	Err  error
}

// Error returns "path:line: reason" (or "path: reason" without a line).
func (e *FileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

// Unwrap returns the underlying error.
func (e *FileError) Unwrap() error { return e.Err }

// IndexStats summarises a build or update of the index.
type IndexStats struct {
	Added, Changed, Removed, Unchanged int
	Documents, Passages                int  // in the index afterwards
	Rebuilt                            bool // a full rebuild rather than an update
	Took                               time.Duration
}
