package fetch

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// errNotProse reports extracted text that does not read as an article:
// random bytes, a tag cloud, a table of numbers.
var errNotProse = errors.New("not readable prose")

// Limits of checkProse. An article of MinTextLen bytes holds 30 to 40
// words; a word is rarely longer than maxWordLen characters.
const (
	// minWords is the least number of words an article holds.
	minWords = 25
	// minWordShare is the least share, in percent, of the text's
	// non-space characters that sit in words.
	minWordShare = 60
	// maxWordLen is the longest token, in characters, counted as a word.
	maxWordLen = 40
	// minSentenceWords is the least number of words before a full stop
	// (or ! ? …) that make a sentence.
	minSentenceWords = 4
)

// checkProse refuses text that is not readable prose, saying why: a
// control character, fewer than minWords words, words making up less than
// minWordShare percent of the text, or no sentence at all. A word is a
// token of at most maxWordLen characters, mostly letters, once the
// punctuation around it is trimmed. Languages written without spaces
// between words are refused as too few words.
func checkProse(text string) error {
	for i, r := range text {
		if r == '\n' || r == '\t' {
			continue
		}
		if unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Co, r) {
			return fmt.Errorf("%w: control or invalid character %U at byte %d", errNotProse, r, i)
		}
	}
	words, wordRunes, allRunes, run := 0, 0, 0, 0
	sentence := false
	for _, tok := range strings.Fields(text) {
		allRunes += utf8.RuneCountInString(tok)
		w := strings.TrimFunc(tok, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) })
		if !isWord(w) {
			continue
		}
		words++
		wordRunes += utf8.RuneCountInString(tok)
		run++
		if endsSentence(tok) {
			if run >= minSentenceWords {
				sentence = true
			}
			run = 0
		}
	}
	switch {
	case words < minWords:
		return fmt.Errorf("%w: too few words (%d, want at least %d)", errNotProse, words, minWords)
	case wordRunes*100 < allRunes*minWordShare:
		return fmt.Errorf("%w: only %d%% of the text is words, want at least %d%%", errNotProse, wordRunes*100/allRunes, minWordShare)
	case !sentence:
		return fmt.Errorf("%w: no sentence (no %d words in a row ending with . ! or ?)", errNotProse, minSentenceWords)
	}
	return nil
}

// isWord reports whether a token stripped of surrounding punctuation is a
// word: at most maxWordLen characters, at least 70% of them letters (or
// combining marks), so "U.S.", "don't", "state-of-the-art" and "NdFeB" count
// and "3.14", URLs and runs of random characters do not.
func isWord(w string) bool {
	n, letters := 0, 0
	for _, r := range w {
		n++
		if unicode.IsLetter(r) || unicode.IsMark(r) {
			letters++
		}
	}
	return n > 0 && n <= maxWordLen && letters*10 >= n*7
}

// endsSentence reports whether a token ends a sentence: . ! ? or …,
// possibly followed by closing quotes or brackets.
func endsSentence(tok string) bool {
	tok = strings.TrimRight(tok, "\"'”’)]»")
	r, _ := utf8.DecodeLastRuneInString(tok)
	return strings.ContainsRune(".!?…。！？", r)
}
