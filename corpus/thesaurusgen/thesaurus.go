package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// Rules choose which WordNet senses and lemmas make the table.
type rules struct {
	// MinLen is the fewest letters a headword or an alternative has.
	MinLen int
	// SecondSense is how often, relative to its first sense, a word's
	// second sense of a part of speech must have been tagged to count as
	// one of its main senses too; 0.5 means at least half as often. A
	// second sense never tagged never counts. A synset links two words
	// only if it is a main sense of both, so that "answer" does not offer
	// "solvent" (a solution in its second, untagged, sense).
	SecondSense float64
	// MaxAlts caps the alternatives of one headword, first senses first.
	MaxAlts int
	// Variant is the largest edit distance at which an alternative counts
	// as another spelling of its headword ("sulphate", "sulfate").
	Variant int
}

// defaultRules are the rules the shipped table was generated with; see
// doc.go for what they gave.
var defaultRules = rules{MinLen: 3, SecondSense: 0.2, MaxAlts: 8, Variant: 2}

// entry is one line of the table.
type entry struct {
	word string
	alts []string
}

// build returns the table's entries, sorted by headword: every single-word,
// lower-case lemma of at least r.MinLen letters, with the other such lemmas
// its main senses hold (none for a word whose main senses hold none, and
// for a word whose first sense is a proper noun or that was never tagged in
// the concordance, no entry). Lines where neither the headword nor any alternative
// was ever tagged in the concordance ("dosemeter", "dosimeter") are left
// out, as words too rare to be asked about, unless an alternative is
// another spelling of the headword.
func build(wn *wordNet, r rules) []entry {
	alts := map[string][]string{}
	for _, pn := range posNames {
		for lemma := range wn.senses[pn.p] {
			if !plainWord(lemma, r.MinLen) {
				continue
			}
			for _, off := range wn.mainSenses(pn.p, lemma, r) {
				for _, w := range wn.synsets[pn.p][off] {
					if w == lemma || !plainWord(w, r.MinLen) || !wn.isMainSense(pn.p, w, off, r) {
						continue
					}
					alts[lemma] = appendNew(alts[lemma], w)
				}
			}
		}
	}
	out := make([]entry, 0, len(alts))
	for w, a := range alts {
		if !wn.tagged(w) && !slices.ContainsFunc(a, func(x string) bool {
			return wn.tagged(x) || editDistance(w, x) <= r.Variant
		}) {
			continue
		}
		if len(a) > r.MaxAlts {
			a = a[:r.MaxAlts]
		}
		out = append(out, entry{word: w, alts: a})
	}
	// Every other word of common English (tagged in the concordance at
	// least once) is listed without alternatives, so that a reader of the
	// table can tell a common word from a name, a term of art or a typo.
	listed := map[string]bool{}
	for _, e := range out {
		listed[e.word] = true
	}
	for _, pn := range posNames {
		for lemma, senses := range wn.senses[pn.p] {
			if listed[lemma] || !plainWord(lemma, r.MinLen) || len(senses) == 0 || wn.proper(pn.p, lemma, senses[0]) || !wn.tagged(lemma) {
				continue
			}
			listed[lemma] = true
			out = append(out, entry{word: lemma})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].word < out[j].word })
	return out
}

// mainSenses returns the synsets of lemma's first sense of part of speech p
// and, when it was tagged at least r.SecondSense times as often, of its
// second. A sense in which the lemma is a proper noun ("China" for "china")
// is never chosen, and when the first sense is one, none is: the word's
// usual reading is a name.
func (wn *wordNet) mainSenses(p pos, lemma string, r rules) []string {
	senses := wn.senses[p][lemma]
	if len(senses) == 0 || wn.proper(p, lemma, senses[0]) {
		return nil
	}
	out := senses[:1]
	if len(senses) > 1 && !wn.proper(p, lemma, senses[1]) {
		c1, c2 := wn.counts[p][lemma][1], wn.counts[p][lemma][2]
		if c2 > 0 && float64(c2) >= r.SecondSense*float64(c1) {
			out = senses[:2]
		}
	}
	return out
}

// proper reports whether lemma is spelt with a capital in synset off, as
// proper nouns are in WordNet's data files.
func (wn *wordNet) proper(p pos, lemma, off string) bool {
	for _, w := range wn.synsets[p][off] {
		if strings.EqualFold(w, lemma) {
			return w != lemma
		}
	}
	return false
}

// isMainSense reports whether synset off is one of lemma's mainSenses as
// part of speech p.
func (wn *wordNet) isMainSense(p pos, lemma, off string, r rules) bool {
	for _, s := range wn.mainSenses(p, lemma, r) {
		if s == off {
			return true
		}
	}
	return false
}

// tagged reports whether any sense of lemma, of any part of speech read,
// was tagged in the concordance.
func (wn *wordNet) tagged(lemma string) bool {
	for _, pn := range posNames {
		for _, c := range wn.counts[pn.p][lemma] {
			if c > 0 {
				return true
			}
		}
	}
	return false
}

// editDistance returns the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// plainWord reports whether w is one lower-case word of ASCII letters, at
// least min long: no phrase ("cut_back"), hyphen, digit, apostrophe or
// capital (proper nouns are capitalised in data files).
func plainWord(w string, min int) bool {
	if len(w) < min {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return false
		}
	}
	return true
}

// appendNew appends w to list unless list holds it.
func appendNew(list []string, w string) []string {
	for _, x := range list {
		if x == w {
			return list
		}
	}
	return append(list, w)
}

// header is the comment the table opens with; the first line says how to
// regenerate it.
const header = `# generated by: go run ./corpus/thesaurusgen -wordnet /usr/share/wordnet -o %s
# General-English alternatives from WordNet 3.0 (Debian package wordnet-base),
# WordNet 3.0 Copyright 2006 by Princeton University; see the WordNet licence.
# One line per headword: word<TAB>alt1,alt2,... (a word alone when it has
# none: the table also lists the common words of English). Alternatives are the other
# single-word lemmas of the word's first sense (and second, when tagged at
# least a fifth as often) that is also a main sense of the alternative, for
# nouns, verbs and adjectives. Do not edit: rerun the command.
`

// write writes the table: the header naming out, then one line per entry.
func write(w io.Writer, out string, entries []entry) error {
	if _, err := fmt.Fprintf(w, header, out); err != nil {
		return fmt.Errorf("write thesaurus: %w", err)
	}
	for _, e := range entries {
		line := e.word + "\n"
		if len(e.alts) > 0 {
			line = e.word + "\t" + strings.Join(e.alts, ",") + "\n"
		}
		if _, err := io.WriteString(w, line); err != nil {
			return fmt.Errorf("write thesaurus: %w", err)
		}
	}
	return nil
}
