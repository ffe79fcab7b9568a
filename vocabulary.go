package chokepoint

// Vocabulary is the domain vocabulary users edit (corpus/synonyms.yaml): terms
// that should match each other although they share no word. Terms may hold
// several words ("rare earth elements"); matching is done on analysed tokens,
// so "Sanctions" and "sanctioned" need no separate entry when they stem alike.
type Vocabulary struct {
	// Equivalent lists groups of interchangeable terms: asking for any one
	// also matches the others.
	Equivalent [][]string
	// Implies maps a term to terms it also matches, one way: asking about
	// "Moscow" matches "Russia", but asking about "Russia" does not match
	// every mention of "Moscow".
	Implies map[string][]string
	// Reasons names the kinds of reason the corpus gives for things not
	// working ("processing gap", "sanctions"), each with terms that mark
	// it. Answers to why-questions cite distinct kinds of reason rather than
	// three restatements of one.
	Reasons map[string][]string
}
