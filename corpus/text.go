package corpus

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// mojibake repairs UTF-8 text that was once decoded as Windows-1252 and
// encoded again. Longer sequences come first so that "â€" alone (whose
// third byte, 0x9D, has no Windows-1252 character and is often lost) is
// tried last.
var mojibake = strings.NewReplacer(
	"â€™", "’", "â€˜", "‘", "â€œ", "“", "â€\u009d", "”", "â€”", "—", "â€“", "–",
	"â€¦", "…", "â€¢", "•", "â‚¬", "€", "â„¢", "™", "â€", "”",
	"Ã©", "é", "Ã¨", "è", "Ã¡", "á", "Ã³", "ó", "Ã±", "ñ", "Ã¼", "ü", "Ã¶", "ö",
	"Ã¤", "ä", "Ã§", "ç", "Ã\u00ad", "í", "Ãª", "ê", "Ã¢", "â", "Ã®", "î", "Ã´", "ô",
	"Ã¸", "ø", "Ãº", "ú", "Ã\u00a0", "à", "Ã¹", "ù", "Ã«", "ë", "Ã¯", "ï", "Ã‰", "É",
	"Ã€", "À", "Ã—", "×",
	"Â\u00a0", " ", "Â ", " ", "Â°", "°", "Â©", "©", "Â®", "®", "Â£", "£", "Â«", "«",
	"Â»", "»", "Â·", "·",
)

// repairMojibake repairs UTF-8 text once decoded as Windows-874 (see
// repairThaiO) or Windows-1252 (see mojibake).
func repairMojibake(s string) string {
	s = repairThaiO(s)
	if hasMojibake(s) {
		s = mojibake.Replace(s)
	}
	return s
}

// hasMojibake reports whether s holds a lead character of the sequences
// mojibake repairs, so clean text is never rewritten.
func hasMojibake(s string) bool {
	return strings.Contains(s, "â€") || strings.Contains(s, "â‚") || strings.Contains(s, "â„") ||
		strings.Contains(s, "Ã") || strings.Contains(s, "Â")
}

// Windows-874 mojibake: UTF-8 read as TIS-620 or Windows-874. There the
// lead byte 0xE2 of a punctuation mark is "โ" (U+0E42) and 0xC2, the lead
// byte of a no-break space, is "ย" (U+0E22). Real pages carry both
// ("Beijingโs latest restrictionsโfirst…", "MPโ€™s", "byย Rare"). When
// the mark's other two bytes survive ("โ€™") they name it as in the
// Windows-1252 case; when they were lost, which mark it was can only be
// told from its neighbours.
const (
	thaiO  = 'โ'
	thaiYo = 'ย'
)

// thaiLead rewrites "โ" before the Windows-1252 reading of a mark's other
// bytes into the Windows-1252 mojibake the mojibake table repairs.
var thaiLead = strings.NewReplacer("โ€", "â€", "โ‚", "â‚", "โ„", "â„")

// isThai reports whether r is in the Thai block. In Thai text "โ" is a
// leading vowel, always followed by a Thai consonant, and "ย" a consonant
// beside other Thai characters; anywhere else they are mojibake.
func isThai(r rune) bool { return r >= 0x0E00 && r <= 0x0E7F }

// repairThaiO undoes the Windows-874 mojibake of s. A "โ" whose other
// bytes survive becomes Windows-1252 mojibake, for the mojibake table to
// repair; a bare "โ" becomes the punctuation its neighbours call for:
// between a word and a contraction's ending ("Chinaโs", "donโt") an
// apostrophe; between two numbers an en dash ("2022โ23"); between two
// words a dash; before a word after a space an opening quote; after a word
// or mark before a space a closing quote; between spaces a dash. A "ย"
// between a non-Thai character and a space is dropped (it was a no-break
// space's lead byte). Thai text is left alone.
func repairThaiO(s string) string {
	if !strings.ContainsRune(s, thaiO) && !strings.ContainsRune(s, thaiYo) {
		return s
	}
	s = thaiLead.Replace(s)
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range rs {
		if r != thaiO && r != thaiYo {
			b.WriteRune(r)
			continue
		}
		var prev, next rune = ' ', ' '
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		if r == thaiYo {
			if i == 0 || isThai(prev) || !unicode.IsSpace(next) {
				b.WriteRune(r)
			}
			continue
		}
		if isThai(next) {
			b.WriteRune(r)
			continue
		}
		switch {
		case unicode.IsLetter(prev) && contraction(rs[i+1:]):
			b.WriteRune('’')
		case unicode.IsDigit(prev) && unicode.IsDigit(next):
			b.WriteRune('–')
		case isWordRune(prev) && isWordRune(next):
			b.WriteRune('—')
		case unicode.IsSpace(prev) && unicode.IsSpace(next):
			b.WriteRune('—')
		case unicode.IsSpace(prev) || strings.ContainsRune("([{", prev):
			b.WriteRune('“')
		default:
			b.WriteRune('”')
		}
	}
	return b.String()
}

// isWordRune reports whether r is a letter or a digit: what a word is made
// of.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// contraction reports whether rest starts with the ending of a contraction
// or possessive ("s", "t", "d", "m", "ll", "re", "ve") and then leaves the
// word.
func contraction(rest []rune) bool {
	for _, end := range []string{"s", "t", "d", "m", "ll", "re", "ve"} {
		n := len(end)
		if len(rest) < n || strings.ToLower(string(rest[:n])) != end {
			continue
		}
		if len(rest) == n || !unicode.IsLetter(rest[n]) {
			return true
		}
	}
	return false
}

// footnoteRE matches a footnote mark scraped into the text: a number in
// brackets after a word ("the European Commission[1] and"), or one glued
// to the punctuation after a word ("deep-sea minerals.4 As part of",
// "gallium,1Government"). Which of the second kind are marks is checked in
// removeFootnotes.
var footnoteRE = regexp.MustCompile(`(\pL\pL[.,;:!?’”"')]{0,3})\[(\d{1,3})\]|(\pL\pL[.,;:!?’”")]{1,3})(\d{1,2})`)

// removeFootnotes deletes the footnote marks of a line. A number glued to
// the punctuation after a word is a mark only when a capitalised word or
// the end of the line follows ("minerals.4 As", "States.2Elaine"), never a
// small word or a unit ("companies,15 firms").
func removeFootnotes(l string) string {
	if !mayHoldFootnote(l) {
		return l
	}
	var b strings.Builder
	last := 0
	for _, m := range footnoteRE.FindAllStringSubmatchIndex(l, -1) {
		if m[2] >= 0 { // bracketed
			b.WriteString(l[last:m[3]])
			last = m[1]
			continue
		}
		rest := l[m[1]:]
		r, _ := utf8.DecodeRuneInString(strings.TrimLeft(rest, " "))
		if rest != "" && !unicode.IsUpper(r) {
			continue
		}
		b.WriteString(l[last:m[7]])
		if rest != "" && rest[0] != ' ' {
			b.WriteByte(' ')
		}
		last = m[1]
	}
	b.WriteString(l[last:])
	return b.String()
}

// mayHoldFootnote reports whether l has a digit right after "[" or after
// punctuation that can end a word: the only places footnoteRE matches.
func mayHoldFootnote(l string) bool {
	for i := 1; i < len(l); i++ {
		if isDigitByte(l[i]) && strings.IndexByte("[.,;:!?\"')\x9d\x99", l[i-1]) >= 0 {
			return true // ’ and ” end in the bytes 0x99 and 0x9d
		}
	}
	return false
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// htmlTagRE matches an HTML tag a scraper left in plain text: a known
// element's opening or closing tag, with its attributes. Unknown names are
// left alone, so that "x<y and z>w" stays text.
var htmlTagRE = regexp.MustCompile(`(?i)</?(?:a|abbr|article|aside|b|blockquote|br|button|caption|cite|code|div|em|figcaption|figure|footer|form|h[1-6]|header|hr|i|iframe|img|input|label|li|main|mark|nav|noscript|ol|p|picture|pre|q|s|section|small|source|span|strong|sub|sup|table|tbody|td|tfoot|th|thead|time|tr|u|ul|video)(?:\s[^<>]{0,500})?/?>`)

// stripTags removes the HTML tags of plain-text lines.
func stripTags(lines []string) []string {
	for i, l := range lines {
		if strings.IndexByte(l, '<') >= 0 {
			lines[i] = htmlTagRE.ReplaceAllString(l, "")
		}
	}
	return lines
}

// linkNoteRE matches the accessibility notes scrapers copy from link titles.
var linkNoteRE = regexp.MustCompile(`\((?i:opens in (?:a )?new (?:tab|window))\)`)

// removeLinkNotes deletes link notes with the white space before them.
func removeLinkNotes(text string) string {
	locs := linkNoteRE.FindAllStringIndex(text, -1)
	if locs == nil {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, l := range locs {
		start := l[0]
		for start > last && (text[start-1] == ' ' || text[start-1] == '\t') {
			start--
		}
		b.WriteString(text[last:start])
		last = l[1]
	}
	b.WriteString(text[last:])
	return b.String()
}

// normalize returns the lines of text with a leading BOM removed, CRLF and
// CR line endings turned into LF, mojibake repaired, odd white space folded
// to a space, zero-width and control characters removed, link notes removed
// and trailing white space trimmed. Leading indentation is kept (tabs as four
// spaces) because list nesting depends on it.
func normalize(text string) []string {
	text = strings.TrimPrefix(text, "\uFEFF")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	text = strings.Map(mapRune, repairMojibake(text))
	text = removeLinkNotes(text)
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		l = removeFootnotes(strings.TrimRight(l, " "))
		if strings.HasPrefix(l, "\t") {
			n := len(l) - len(strings.TrimLeft(l, "\t"))
			l = strings.Repeat("    ", n) + l[n:]
		}
		lines[i] = l
	}
	return lines
}

// mapRune folds one rune: spaces of every kind become ' ', invisible
// characters are dropped (-1), everything else is kept.
func mapRune(r rune) rune {
	if r < 0x80 {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\v' || r == '\f':
			return ' '
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}
	switch {
	case r == '\u00a0' || r == '\u1680' || (r >= '\u2000' && r <= '\u200a') ||
		r == '\u202f' || r == '\u205f' || r == '\u3000' ||
		r == '\u2028' || r == '\u2029' || r == '\u0085':
		return ' '
	case r == '\u200b' || r == '\u200c' || r == '\u200d' || r == '\u2060' ||
		r == '\ufeff' || r == '\u00ad' || r == '\u180e':
		return -1
	case r == utf8.RuneError:
		return -1
	case unicode.IsControl(r):
		return -1
	case unicode.Is(unicode.Bidi_Control, r):
		return -1
	}
	return r
}

// fold collapses every run of white space to one space and trims the ends.
func fold(s string) string {
	if folded(s) {
		return s // the common case, without a copy
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// folded reports whether fold would return s unchanged: no white space at
// either end, none but single spaces within.
func folded(s string) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == ' ' && s[i+1] == ' ': // s does not end in a space
				return false
			case c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			return false
		}
		i += n
	}
	return true
}

// cleanLine folds a metadata value the way passage text is folded.
func cleanLine(s string) string {
	return fold(strings.Map(mapRune, repairMojibake(s)))
}

// indentOf returns the number of leading spaces of a normalised line.
func indentOf(l string) int {
	return len(l) - len(strings.TrimLeft(l, " "))
}

// runeLen returns the number of characters of s.
func runeLen(s string) int { return utf8.RuneCountInString(s) }

// endsSentence reports whether s ends like a sentence or clause that closes
// a paragraph: . ! ? : or … possibly followed by closing quotes or brackets.
func endsSentence(s string) bool {
	s = strings.TrimRight(s, " ")
	s = strings.TrimRight(s, "\"'”’)]»")
	if s == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".!?:…", r)
}

// firstWord returns the first space-separated word of s.
func firstWord(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, ' '); i >= 0 {
		return s[:i]
	}
	return s
}

// startsLower reports whether s begins with a lower-case letter.
func startsLower(s string) bool {
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(s))
	return unicode.IsLower(r)
}

// smallWords are words title case leaves in lower case.
var smallWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "nor": true, "but": true,
	"of": true, "in": true, "on": true, "to": true, "for": true, "with": true, "at": true,
	"by": true, "from": true, "as": true, "vs": true, "vs.": true, "via": true, "into": true,
	"is": true, "are": true, "be": true, "its": true, "than": true, "over": true, "per": true,
}

// titleish reports whether s reads like a heading: it starts with a capital
// letter or digit and most of its words that title case would capitalise are
// capitalised.
func titleish(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return false
	}
	words := strings.Fields(s)
	total, caps := 0, 0
	for i, w := range words {
		w = strings.TrimLeft(w, "\"'“‘([")
		lw := strings.ToLower(strings.TrimRight(w, ",?!:;\"'”’)]"))
		if i > 0 && smallWords[lw] {
			continue
		}
		fr, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsLetter(fr) && !unicode.IsDigit(fr) {
			continue
		}
		total++
		if unicode.IsUpper(fr) || unicode.IsDigit(fr) {
			caps++
		}
	}
	return total > 0 && caps*10 >= total*7
}
