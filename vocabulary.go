package chokepoint

import (
	"slices"
	"strings"
	"sync"
)

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
	// Words are the common words of English, lower case: a word of a
	// question the corpus never uses is taken for a typo of a corpus word
	// only when it is not one of them ("grafite", not "bread"), and for the
	// name of something the corpus does not discuss when it is neither
	// ("Zimbabwe", "hafnium").
	Words map[string]bool
}

// compiledVocabulary is a Vocabulary analysed with the Searcher's
// analyzer, ready to turn question terms into concepts.
type compiledVocabulary struct {
	analyze func(string) []Token
	// entries by their trigger's first term; longest triggers first.
	entries map[string][]vocabEntry
	// byWord holds the one-word triggers by their lower-case written form.
	byWord map[string]*vocabEntry
	words  map[string]bool
	// byFirst groups words by first letter, for misspelt; built on first
	// use.
	byFirstOnce sync.Once
	byFirst     map[byte][]string
	// things holds the analysed forms of the places and materials
	// (namedThing), for namesThing; built on first use.
	thingsOnce sync.Once
	things     map[string]bool
	// phraseWords are the words of the multi-word triggers, lower case,
	// with their analysed terms, sorted, for phraseTypo; built on first
	// use.
	phraseOnce  sync.Once
	phraseWords []phraseWord
}

type phraseWord struct{ word, term string }

type vocabEntry struct {
	key  []string // the analysed term that triggers this entry
	text string   // the trigger as written
	alts []alt    // the trigger's alternatives, itself excluded
	// tail holds, lower case, the trigger's last words when the analyzer
	// drops them as stop words: the particle of a phrasal verb ("set up",
	// "sign off"). The entry then triggers only when the question goes on
	// with them: "set up" is "founded", a bare "set" is not.
	tail []string
}

// particleTail returns the words at the end of trigger that analyse to
// nothing ("up" in "set up"), lower case, when its other words analyse to
// key; nil when no such word ends it.
func particleTail(analyze func(string) []Token, trigger string, key []string) []string {
	words := strings.Fields(strings.ToLower(trigger))
	if len(words) <= len(key) {
		return nil // every word gave a term: the usual case, decided unanalysed
	}
	n := len(words)
	for n > 0 && len(analyze(words[n-1])) == 0 {
		n--
	}
	if n == len(words) || n == 0 || !slices.Equal(termsOf(analyze(strings.Join(words[:n], " "))), key) {
		return nil
	}
	return words[n:]
}

// continuesWith reports whether text, the question after a trigger's
// analysed words, goes on with the words of tail.
func continuesWith(text string, tail []string) bool {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '\'' || r >= 0x80)
	})
	return len(words) >= len(tail) && slices.Equal(words[:len(tail)], tail)
}

func compileVocabulary(analyze func(string) []Token, v Vocabulary) *compiledVocabulary {
	cv := &compiledVocabulary{analyze: analyze, entries: map[string][]vocabEntry{}, byWord: map[string]*vocabEntry{}, words: v.Words}
	// Each term is analysed once, though groups name it many times over.
	analysed := map[string][]string{}
	keyOf := func(term string) []string {
		if k, ok := analysed[term]; ok {
			return k
		}
		out := termsOf(analyze(term))
		analysed[term] = out
		return out
	}
	// groupOf finds a term's equivalent group by its analysed form, so
	// "sanction" finds [sanctions, embargo]; but an acronym only by its
	// written form, since stemming makes "NDS" (the stockpile) "nd", as it
	// makes "Nd" (neodymium).
	groups := map[string][]string{}
	groupKey := func(term string) string {
		if isAcronym(term) {
			return "=" + strings.ToLower(term)
		}
		return strings.Join(keyOf(term), " ")
	}
	for _, g := range v.Equivalent {
		for _, t := range g {
			if k := groupKey(t); k != "" && k != "=" {
				groups[k] = append(groups[k], g...)
			}
		}
	}
	groupOf := func(term string) []string { return groups[groupKey(term)] }
	byTrigger := map[string]*vocabEntry{}
	var order []string
	add := func(trigger string, alts []string) {
		key := keyOf(trigger)
		id := strings.Join(key, " ")
		if id == "" {
			return
		}
		// A phrasal verb ("set up") is an entry of its own, apart from the
		// verb alone, which its key ("set") would otherwise stand for.
		tail := particleTail(analyze, trigger, key)
		if len(tail) > 0 {
			id += " +" + strings.Join(tail, " ")
		}
		e, ok := byTrigger[id]
		if !ok {
			e = &vocabEntry{key: key, text: trigger, tail: tail}
			byTrigger[id] = e
			order = append(order, id)
		}
		// A one-word trigger also keeps its own entry, under its written
		// form: two triggers the analyzer makes one ("NDS", the stockpile,
		// and "Nd", neodymium, both "nd") keep their own alternatives when
		// the question writes one of them.
		var own *vocabEntry
		if len(key) == 1 && len(tail) == 0 {
			w := strings.ToLower(trigger)
			if own = cv.byWord[w]; own == nil {
				own = &vocabEntry{key: key, text: trigger}
				cv.byWord[w] = own
			}
		}
		for _, a := range alts {
			ak := keyOf(a)
			if len(ak) == 0 || strings.Join(ak, " ") == id {
				continue
			}
			al := alt{text: a, key: ak, weight: weightVocabulary}
			e.alts = appendAlt(e.alts, al)
			if own != nil {
				own.alts = appendAlt(own.alts, al)
			}
		}
	}
	for _, g := range v.Equivalent {
		for _, t := range g {
			add(t, g)
		}
	}
	keys := make([]string, 0, len(v.Implies))
	for k := range v.Implies {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		alts := slices.Clone(groupOf(k))
		for _, t := range v.Implies[k] {
			alts = append(alts, t)
			alts = append(alts, groupOf(t)...)
		}
		add(k, alts)
	}
	for _, id := range order {
		e := byTrigger[id]
		cv.entries[e.key[0]] = append(cv.entries[e.key[0]], *e)
	}
	for first := range cv.entries {
		slices.SortStableFunc(cv.entries[first], func(a, b vocabEntry) int { return len(b.key) - len(a.key) })
	}
	return cv
}

// isAcronym reports whether a vocabulary term is an acronym: two or more
// capitals and digits, perhaps with a plural s ("REEs").
func isAcronym(term string) bool {
	t := strings.TrimSuffix(term, "s")
	if len(t) < 2 {
		return false
	}
	caps := 0
	for _, r := range t {
		switch {
		case r >= 'A' && r <= 'Z':
			caps++
		case r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return caps > 0
}

// concept returns the concept that starts at terms[0], whose surface word
// is surface, and how many terms it takes: the longest vocabulary trigger
// there with its alternatives (when useVocab), else the one word alone.
// after(n) is the question's text after the word of terms[n-1], which a
// phrasal verb's particle must open (vocabEntry.tail); with after nil no
// phrasal verb triggers.
func (cv *compiledVocabulary) concept(terms []string, surface string, after func(n int) string, useVocab bool) (concept, int) {
	if useVocab {
		for _, e := range cv.entries[terms[0]] {
			if len(e.key) <= len(terms) && slices.Equal(e.key, terms[:len(e.key)]) {
				if len(e.tail) > 0 && (after == nil || !continuesWith(after(len(e.key)), e.tail)) {
					continue
				}
				if own := cv.byWord[strings.ToLower(surface)]; len(e.key) == 1 && own != nil && own.key[0] == terms[0] {
					e = *own
				}
				alts := append([]alt{{text: e.text, key: e.key, weight: weightOwn}}, e.alts...)
				return concept{alts: slices.Clone(alts)}, len(e.key)
			}
		}
	}
	return concept{alts: []alt{{text: surface, key: terms[:1], weight: weightOwn}}}, 1
}

// common reports whether word is common English (isWord), or a short word
// (a chat abbreviation: "q", "vs"). Without a word list every word counts
// as common.
func (cv *compiledVocabulary) common(word string) bool {
	if len(cv.words) == 0 || len(word) <= 3 {
		return true
	}
	if upper, ok := abbrevShape(word); ok && upper >= 2 {
		return cv.isWord(word) // "CATL" is typed as a name, not a typo of "cat"
	}
	return cv.isWord(word) || cv.misspelt(strings.ToLower(word))
}

// phraseTypo returns the term to read for terms[i] when its word, as the
// question typed it (surfaces[i]), is no English word but a typo of a
// word of a phrase the vocabulary knows, and reading it so completes that
// phrase with its neighbours: "strtaegic raw materials" is "strategic raw
// materials". Typos of single words are corrected later, against the
// corpus; a phrase must be whole before then to be read as one.
func (cv *compiledVocabulary) phraseTypo(terms, surfaces []string, i int) (string, bool) {
	w := strings.ToLower(surfaces[i])
	if len(w) < 5 || cv.isWord(w) {
		return "", false
	}
	cv.phraseOnce.Do(func() {
		seen := map[string]bool{}
		for _, es := range cv.entries {
			for _, e := range es {
				if len(e.key) < 2 {
					continue
				}
				for _, pw := range strings.Fields(strings.ToLower(e.text)) {
					if k := termsOf(cv.analyze(pw)); len(k) == 1 && !seen[pw] {
						seen[pw] = true
						cv.phraseWords = append(cv.phraseWords, phraseWord{pw, k[0]})
					}
				}
			}
		}
		// Sorted, so that of two words that would do, the same one is
		// always read.
		slices.SortFunc(cv.phraseWords, func(a, b phraseWord) int { return strings.Compare(a.word, b.word) })
	})
	if _, ok := slices.BinarySearchFunc(cv.phraseWords, w, func(p phraseWord, w string) int { return strings.Compare(p.word, w) }); ok {
		return "", false
	}
	fixed := slices.Clone(terms)
	for _, p := range cv.phraseWords {
		if !slipOf(w, p.word) {
			continue
		}
		fixed[i] = p.term
		for start := max(0, i-3); start <= i; start++ {
			if _, n := cv.concept(fixed[start:], surfaces[start], nil, true); n > 1 && start+n > i {
				return p.term, true
			}
		}
	}
	return "", false
}

// namesThing reports whether key, an analysed term, is a place or a
// material (namedThing): how a typo's correction, which is an index term
// ("antimoni"), is recognised.
func (cv *compiledVocabulary) namesThing(key []string) bool {
	cv.thingsOnce.Do(func() {
		cv.things = map[string]bool{}
		for _, set := range []map[string]bool{places, materials} {
			for name := range set {
				cv.things[strings.Join(termsOf(cv.analyze(name)), " ")] = true
			}
		}
	})
	return cv.things[strings.Join(key, " ")]
}

// misspelt reports whether w is a typo of a listed word: one slip away (two
// from seven letters; TypoDistance), with the same first letter, as people
// mistype "colision", "originaly" and "tarrif".
func (cv *compiledVocabulary) misspelt(w string) bool {
	cv.byFirstOnce.Do(func() {
		cv.byFirst = map[byte][]string{}
		for word := range cv.words {
			cv.byFirst[word[0]] = append(cv.byFirst[word[0]], word)
		}
	})
	return slices.ContainsFunc(cv.byFirst[w[0]], func(word string) bool { return slipOf(w, word) })
}

// isWord reports whether word is in the word list, in its base or an
// inflected form; false without a word list.
func (cv *compiledVocabulary) isWord(word string) bool {
	if len(cv.words) == 0 {
		return false
	}
	w := strings.ToLower(word)
	if cv.words[w] {
		return true
	}
	// Inflected forms: the list holds base forms, and adjectives compare
	// ("likelier", "largest"). A short base ending consonant-vowel-consonant
	// doubles its last letter before -ed, -ing, -er and -est ("shred",
	// "shredded"; "big", "bigger"): without it the word is a typo.
	for _, suf := range []string{"s", "es", "ed", "d", "ing", "ies", "ied", "er", "est", "r", "st", "ier", "iest"} {
		b, ok := strings.CutSuffix(w, suf)
		if ok && len(b) >= 2 {
			switch {
			case suf == "ing" && cv.words[b+"e"]:
				return true // a final e goes before -ing: "losing", "using"
			case (suf == "ies" || suf == "ied" || suf == "ier" || suf == "iest") && cv.words[b+"y"]:
				return true // y becomes i: "tried", "countries", "likelier"
			}
		}
		if ok && len(b) > 2 {
			doubling := suf == "ed" || suf == "ing" || suf == "er" || suf == "est"
			if cv.words[b] && !(doubling && doublesLast(b)) {
				return true
			}
			if doubling {
				if n := len(b); n > 3 && b[n-1] == b[n-2] && doublesLast(b[:n-1]) {
					if cv.words[b[:n-1]] {
						return true
					}
				}
			}
		}
	}
	return false
}

// doublesLast reports whether a one-syllable word ends consonant, vowel,
// consonant (not w, x or y), so that English doubles its last letter before
// -ed and -ing.
func doublesLast(w string) bool {
	vowel := func(c byte) bool { return strings.IndexByte("aeiou", c) >= 0 }
	n := len(w)
	if n < 3 || n > 5 || strings.IndexByte("wxy", w[n-1]) >= 0 {
		return false
	}
	if vowel(w[n-1]) || !vowel(w[n-2]) || vowel(w[n-3]) {
		return false
	}
	syllables := 0
	for i := 0; i < n; i++ {
		if vowel(w[i]) && (i == 0 || !vowel(w[i-1])) {
			syllables++
		}
	}
	return syllables == 1
}
