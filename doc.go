// Package chokepoint answers supply-chain questions from a corpus of critique
// articles. Every answer is made of verbatim excerpts of the corpus, each with
// a numbered citation (title, section, link); when the corpus does not cover a
// question the answer abstains and names the nearest articles.
//
// The package holds the domain types (Document, Passage, Hit, Answer,
// Citation), the Searcher interface it consumes, and the Answerer that
// composes answers. It knows nothing of bleve or Discord: the index package
// implements Searcher, the corpus package produces Documents, and the bot and
// cmd packages render Answers.
package chokepoint
