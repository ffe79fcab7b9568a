// Package corpusgen generates synthetic corpora of supply-chain critique
// articles for benchmarks and scale tests.
//
// Output is deterministic: article i of a corpus depends only on the seed
// and i (each article has its own math/rand/v2 PCG stream), so a corpus of n
// articles is a prefix of a corpus of n+1 with the same seed. Articles read
// like the real corpus: a title, metadata (source, URL, author, date, the
// article reviewed, tags), an untitled lead paragraph, then sections under
// plain headings holding paragraphs and bullet lists. They draw on one shared
// vocabulary of minerals, processing stages, policies, countries, companies,
// people, figures and dates, mixing synonyms the way writers do ("refining",
// "separation", "midstream"), so that many articles compete for every query.
// People, companies and publications are invented.
//
// Documents returns the articles as the corpus package loads them; WriteFiles
// writes the same articles as scraped text (.txt with a .yaml sidecar) and
// Markdown (.md with front matter), so loading can be measured too.
package corpusgen
