// Command wordsgen derives Chokepoint's list of common English words,
// corpus/words.txt, from a WordNet 3.0 dictionary (Debian package
// wordnet-base):
//
//	apt-get install wordnet-base
//	go run ./corpus/wordsgen -wordnet /usr/share/wordnet -o corpus/words.txt
//
// The answer engine reads the list to tell, of a question's word the
// corpus never uses, a common word ("bread": the corpus just does not
// discuss it) from a typo of a corpus word ("grafite") and from the name
// of something the corpus does not cover ("Zimbabwe", "hafnium").
//
// Words are single-word lemmas of at least three letters a-z (no phrases,
// hyphens, digits or capitals; WordNet capitalises proper nouns) of nouns,
// verbs, adjectives and adverbs, tagged at least once in WordNet's semantic
// concordance (cntlist.rev), whose first sense is not a proper noun. To
// them it adds the irregular forms WordNet's exception lists (verb.exc,
// noun.exc, adj.exc, adv.exc) give for those words and for shorter tagged
// ones ("bought", "went"), and the -es and -ing forms of tagged verbs of two
// letters ("goes", "doing"): the engine derives only regular inflections
// from a listed base, so without them "goes" would read as the name of
// something the corpus does not cover. The file lists the words one a
// line, sorted, after comment lines starting with "#" whose first gives the
// command above.
//
// An earlier version of this command derived a thesaurus (each word with
// the other lemmas of its main senses) for lower-weight alternatives; the
// benchmark's ablation showed no gain from it on either split, so the
// engine keeps only the list of words.
package main
