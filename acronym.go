package chokepoint

import (
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Abbreviations the corpus defines, part of stage 2 (expansion). An article
// spells an abbreviation out once, at its first use, "Customs and Border
// Protection (CBP)", and uses it alone after, or the other way round; the
// field vocabulary cannot list every agency, programme and industrial park
// of every article. When a word of the question is an abbreviation that a
// retrieved passage defines, its long form becomes an alternative of the
// concept, weighed as a vocabulary equivalent, and the passages are asked
// for again. The long form is found as Schwartz and Hearst find it ("A
// simple algorithm for identifying abbreviation definitions in biomedical
// text", 2003): reading the abbreviation's characters from its last, each
// must be found, in order, in the words before the parenthesis, and its
// first character must open a word; the shortest such run of words is the
// long form.

// maxAbbrev is the longest abbreviation looked for, in bytes.
const maxAbbrev = 10

// abbreviation reports whether w, a word of the question as typed, may be
// an abbreviation: shaped like one (abbrevShape) and either typed with two
// capitals or more ("CBP", "NdFeB") or in lower case and not an English
// word ("kabil").
func (a *Answerer) abbreviation(w string) bool {
	upper, ok := abbrevShape(w)
	return ok && (upper >= 2 || upper == 0 && !a.vocab.isWord(w))
}

// abbrevShape reports whether w is 2 to maxAbbrev letters or digits
// starting with a letter, and how many of them are capitals.
func abbrevShape(w string) (upper int, ok bool) {
	if len(w) < 2 || len(w) > maxAbbrev {
		return 0, false
	}
	if first, _ := utf8.DecodeRuneInString(w); !unicode.IsLetter(first) {
		return 0, false
	}
	for _, r := range w {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLetter(r), unicode.IsDigit(r):
		default:
			return 0, false
		}
	}
	return upper, true
}

// defineAbbreviations gives each one-word concept of cs that is an
// abbreviation the passages of hits define its long form as an alternative.
// It reports whether it added any.
func (a *Answerer) defineAbbreviations(ctx context.Context, cs []concept, hits []Hit) (bool, error) {
	var grown []int
	for idx := range cs {
		c := &cs[idx]
		if len(c.alts[0].key) != 1 || !a.abbreviation(c.alts[0].text) {
			continue
		}
		for _, h := range hits {
			long := longFormOf(a.passageDefinitions(h.Passage), c.alts[0].text)
			if long == "" {
				continue
			}
			if key := termsOf(a.s.Analyze(long)); len(key) > 1 {
				n := len(c.alts)
				c.alts = appendAlt(c.alts, alt{text: long, key: key, weight: weightVocabulary})
				if len(c.alts) > n {
					grown = append(grown, idx)
				}
				break
			}
		}
	}
	grown = append(grown, a.abbreviateLongForms(cs, hits)...)
	if len(grown) == 0 {
		return false, nil
	}
	st, err := a.termStats(ctx, cs)
	if err != nil {
		return false, err
	}
	for _, i := range grown {
		for j := range cs[i].alts {
			cs[i].alts[j].df = keyDocFreq(cs[i].alts[j].key, st)
		}
	}
	return true, nil
}

// abbreviateLongForms is the other way round: when the question spells out
// what a retrieved passage abbreviates ("kachin independence army", and the
// passage "The Kachin Independence Army (KIA)"), each concept of the long
// form is also satisfied by the abbreviation, which the article's other
// passages use alone. It returns the concepts it gave an alternative.
func (a *Answerer) abbreviateLongForms(cs []concept, hits []Hit) []int {
	var grown []int
	done := map[string]bool{}
	for _, h := range hits {
		for _, d := range a.passageDefinitions(h.Passage) {
			if upper, _ := abbrevShape(d.short); upper < 2 || done[d.short] {
				continue
			}
			done[d.short] = true
			long := a.cachedTerms("a\x00"+d.long, d.long)
			short := a.cachedTerms("a\x00"+d.short, d.short)
			if len(long) < 2 || len(short) != 1 {
				continue
			}
			run := spelledOutIn(cs, long)
			for _, i := range run {
				n := len(cs[i].alts)
				cs[i].alts = appendAlt(cs[i].alts, alt{text: d.short, key: short, weight: weightVocabulary})
				if len(cs[i].alts) > n {
					grown = append(grown, i)
				}
			}
		}
	}
	return grown
}

// spelledOutIn returns the consecutive concepts of cs whose alternatives,
// one after the other, spell the analysed long form, or nil.
func spelledOutIn(cs []concept, long []string) []int {
	for start := range cs {
		var run []int
		pos := 0
		for i := start; i < len(cs) && pos < len(long); i++ {
			n := 0
			for _, al := range cs[i].alts {
				if k := len(al.key); pos+k <= len(long) && slices.Equal(al.key, long[pos:pos+k]) && k > n {
					n = k
				}
			}
			if n == 0 {
				break
			}
			run = append(run, i)
			pos += n
		}
		if pos == len(long) {
			return run
		}
	}
	return nil
}

// definition is an abbreviation a text defines, and its long form.
type definition struct{ short, long string }

// passageDefinitions returns the abbreviations p defines (definitions),
// found once per passage and kept in the sentence cache.
func (a *Answerer) passageDefinitions(p Passage) []definition {
	if v, ok := a.cache.get("D\x00"+p.ID(), p.Text); ok {
		return v.([]definition)
	}
	ds := definitions(p.Text)
	a.cache.put("D\x00"+p.ID(), p.Text, ds)
	return ds
}

// definitions returns, in order, the abbreviations text defines in
// parentheses after their long form: words shaped like one ("(CBP)",
// "(NdFeB)"; abbrevShape) whatever their case.
func definitions(text string) []definition {
	var out []definition
	for off := 0; ; {
		i := strings.IndexByte(text[off:], '(')
		if i < 0 {
			return out
		}
		open := off + i
		j := strings.IndexByte(text[open:], ')')
		if j < 0 {
			return out
		}
		short := text[open+1 : open+j]
		off = open + 1
		if _, ok := abbrevShape(short); !ok {
			continue
		}
		if long := longForm(short, text[:open]); long != "" {
			out = append(out, definition{short: short, long: long})
		}
	}
}

// longFormOf returns the long form of the first of ds that defines short,
// whatever its case, or "".
func longFormOf(ds []definition, short string) string {
	for _, d := range ds {
		if strings.EqualFold(d.short, short) {
			return d.long
		}
	}
	return ""
}

// longForm returns the words at the end of before that short abbreviates,
// or "". It looks at most min(len+5, 2·len) words back, within the
// sentence; the long form must hold more than one word and open with one
// of its own, not a joining word ("and bought bread" is no long form of
// "AB").
func longForm(short, before string) string {
	before = strings.TrimRightFunc(before, unicode.IsSpace)
	if i := strings.LastIndexAny(before, ".;:!?()[]\n"); i >= 0 {
		before = before[i+1:]
	}
	words := strings.Fields(before)
	n := utf8.RuneCountInString(short)
	if limit := min(n+5, 2*n); len(words) > limit {
		words = words[len(words)-limit:]
	}
	if len(words) < 2 {
		return ""
	}
	cand := []rune(strings.Join(words, " "))
	s := []rune(strings.ToLower(short))
	li := len(cand) - 1
	for si := len(s) - 1; si >= 0; si-- {
		c := s[si]
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			continue
		}
		for li >= 0 && (unicode.ToLower(cand[li]) != c || si == 0 && li > 0 && (unicode.IsLetter(cand[li-1]) || unicode.IsDigit(cand[li-1]))) {
			li--
		}
		if li < 0 {
			return ""
		}
		li--
	}
	long := string(cand[li+1:])
	long = strings.TrimPrefix(strings.TrimPrefix(long, "the "), "The ")
	first, _, _ := strings.Cut(long, " ")
	if !strings.Contains(long, " ") || len(long) <= len(short) || joiners[strings.ToLower(first)] {
		return ""
	}
	return long
}

// joiners are the words that join a long form's words but never open one.
var joiners = setOf("and", "or", "of", "a", "an", "in", "on", "for", "to", "with", "by", "at", "from", "as", "but")
