package chokepoint

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a byte range [Start, End) of a text.
type Span struct{ Start, End int }

// abbreviations end with a period that does not end a sentence. Single
// capital letters ("John F. Kennedy") and dotted acronyms ("U.S.", "e.g.")
// are handled by shape rather than listed.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "st": true,
	"jr": true, "sr": true, "gen": true, "sen": true, "rep": true, "gov": true,
	"lt": true, "col": true, "capt": true, "sgt": true, "rev": true, "hon": true,
	"inc": true, "corp": true, "co": true, "ltd": true, "plc": true, "llc": true,
	"vs": true, "no": true, "nos": true, "approx": true, "fig": true, "vol": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true,
	"aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"mt": true, "ft": true, "est": true, "dept": true, "univ": true, "al": true,
}

// Sentences splits text into sentences and returns their spans, in order,
// without surrounding white space. A sentence ends at '.', '!' or '?' (with
// any closing quotes or brackets) followed by white space and a capital,
// digit, quote or bullet — but not after an abbreviation such as "Mr." or a
// dotted acronym such as "U.S.". Each line that starts with a bullet is a
// sentence of its own, so list items are never merged. Text with no
// terminator is one sentence. Empty text gives no spans.
func Sentences(text string) []Span {
	var spans []Span
	start := 0
	emit := func(end int) {
		s, e := trimSpan(text, start, end)
		if s < e {
			spans = append(spans, Span{s, e})
		}
		start = end
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n':
			// A line break ends a sentence when the next line is a list item
			// or when the text is a list (the line holds its own item).
			next := strings.TrimLeft(text[i+1:], " \t")
			if isBulletStart(next) || isBulletStart(strings.TrimLeft(text[start:i], " \t\n")) {
				emit(i)
			}
		case r == '.' || r == '!' || r == '?' || r == '…':
			end := i + size
			for end < len(text) {
				c, cs := utf8.DecodeRuneInString(text[end:])
				if !strings.ContainsRune(`"'”’)]»`, c) {
					break
				}
				end += cs
			}
			if end >= len(text) {
				break
			}
			c, _ := utf8.DecodeRuneInString(text[end:])
			if !unicode.IsSpace(c) {
				break
			}
			if r == '.' && (isAbbreviation(text[start:i]) || isListNumber(text[start:i])) {
				break
			}
			rest := strings.TrimLeft(text[end:], " \t\n\u00a0")
			if rest == "" || startsSentence(rest) {
				emit(end)
				i = end
				continue
			}
		}
		i += size
	}
	emit(len(text))
	return spans
}

func trimSpan(text string, s, e int) (int, int) {
	for s < e {
		r, size := utf8.DecodeRuneInString(text[s:e])
		if !unicode.IsSpace(r) {
			break
		}
		s += size
	}
	for e > s {
		r, size := utf8.DecodeLastRuneInString(text[s:e])
		if !unicode.IsSpace(r) {
			break
		}
		e -= size
	}
	return s, e
}

// isAbbreviation reports whether the word before a period (the end of
// before) is an abbreviation rather than a sentence's last word.
func isAbbreviation(before string) bool {
	j := len(before)
	for j > 0 {
		r, size := utf8.DecodeLastRuneInString(before[:j])
		if unicode.IsSpace(r) || r == '(' || r == '"' || r == '“' {
			break
		}
		j -= size
	}
	word := before[j:]
	if word == "" {
		return false
	}
	// Dotted acronyms: "U.S", "e.g", "a.m", "U.K".
	if strings.Contains(word, ".") {
		return true
	}
	// A single capital letter is an initial.
	if utf8.RuneCountInString(word) == 1 {
		r, _ := utf8.DecodeRuneInString(word)
		return unicode.IsUpper(r)
	}
	return abbreviations[strings.ToLower(word)]
}

func startsSentence(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || strings.ContainsRune(`"'“‘([`, r) || isBulletStart(s)
}

func isBulletStart(s string) bool {
	for _, b := range []string{"• ", "- ", "* ", "– ", "· ", "▪ "} {
		if strings.HasPrefix(s, b) {
			return true
		}
	}
	// "1. " or "1) "
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i > 0 && i < 4 && i+1 < len(s) && (s[i] == '.' || s[i] == ')') && s[i+1] == ' '
}

// isListNumber reports whether before is just the number of a numbered list
// item ("1" in "1. First step"), whose period does not end a sentence.
func isListNumber(before string) bool {
	before = strings.TrimSpace(before)
	if before == "" || len(before) > 3 {
		return false
	}
	for _, c := range before {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
