package chokepoint

// Answer is the Answerer's reply to one question.
type Answer struct {
	Question string
	// Abstained is true when the corpus does not cover the question; then
	// Citations is empty and Suggestions names the nearest documents.
	Abstained bool
	// Closest, only when the answer abstained, are excerpts near the
	// question that fell short of answering it: shown as "closest passages
	// — they may not answer this", never as an answer.
	Closest []Citation
	// Confidence is the weighted share of the question the best excerpt
	// covers, from 0 to 1: what abstention is decided on.
	Confidence float64
	// Citations are numbered from 1, best first; Citations[0] is the single
	// best answer.
	Citations []Citation
	// More are further citations, ranked after Citations and numbered on
	// from them, for a reader who asks for more excerpts.
	More        []Citation
	Suggestions []DocRef
}

// Citation is one quoted excerpt and where it comes from.
type Citation struct {
	N         int // 1-based number shown to the reader
	DocID     string
	PassageID string // Passage.ID() of the quoted passage
	Title     string
	Section   string // "" when the passage precedes every heading
	URL       string // "" when the document has none
	// Excerpt is a verbatim substring of the passage's Text, cut at sentence
	// boundaries.
	Excerpt string
	// TrimmedStart and TrimmedEnd tell whether the passage goes on before
	// or after the excerpt; Quote renders them as ellipses.
	TrimmedStart, TrimmedEnd bool
	Score                    float64
}

// Quote returns the excerpt with an ellipsis where the passage was trimmed.
func (c Citation) Quote() string {
	q := c.Excerpt
	if c.TrimmedStart {
		q = "… " + q
	}
	if c.TrimmedEnd {
		q += " …"
	}
	return q
}
