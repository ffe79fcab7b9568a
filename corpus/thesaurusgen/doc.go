// Command thesaurusgen derives Chokepoint's general-English thesaurus,
// corpus/thesaurus.txt, from a WordNet 3.0 dictionary (Debian package
// wordnet-base):
//
//	apt-get install wordnet-base
//	go run ./corpus/thesaurusgen -wordnet /usr/share/wordnet -o corpus/thesaurus.txt
//
// The table holds ordinary English words the field vocabulary
// (synonyms.yaml) does not cover ("answer", "respond"; "shortage",
// "deficit"), for use as lower-weight alternatives. It has one line per
// headword, "word<TAB>alt1,alt2,...", sorted, after comment lines starting
// with "#" whose first gives the command above.
//
// Headwords and alternatives are single-word lemmas of at least three
// letters a-z: no phrases, hyphens, digits or capitals (WordNet capitalises
// proper nouns, so those are out). For each part of speech (nouns, verbs,
// adjectives; adverbs are left out) a word's main senses are its first sense
// and, when the semantic concordance tagged it at least a fifth as often
// (cntlist.rev), its second; a first sense that is a proper noun ("China"
// for "china") leaves that part of speech out. Two words are alternatives
// of each other when a synset is a main sense of both, so "answer" offers
// "reply" and "respond" but not "solvent", whose sense "solution to a
// problem" is rare. At most eight alternatives are kept, first senses
// first. A line whose headword and alternatives were never tagged is
// dropped as too rare to be asked about, unless an alternative is another
// spelling of the headword (edit distance 2 or less: "sulphate",
// "sulfate").
//
// With WordNet 3.0 this gives 22,384 headwords in 645 kB.
package main
