package corpus

import (
	"html"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

var (
	atxRE    = regexp.MustCompile(`^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$`)
	setextRE = regexp.MustCompile(`^ {0,3}(=+|-+)[ \t]*$`)
	breakRE  = regexp.MustCompile(`^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$`)
	fenceRE  = regexp.MustCompile("^ {0,3}(```+|~~~+)")
	refDefRE = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:\s*\S+`)
)

// markdownBlocks splits the lines of a Markdown body into blocks. Lines of a
// paragraph are joined, as Markdown renders them.
func markdownBlocks(lines []string) []block {
	var out []block
	var para []string
	var list *listBuilder
	fence := ""
	var code []string

	flushPara := func() {
		start := 0
		for i := range para {
			// Markdown joins consecutive lines, but scraped Markdown often
			// puts one long paragraph a line without blank lines between;
			// a long line ending a sentence ends a paragraph there.
			if i+1 == len(para) || (runeLen(para[i]) > 100 && endsSentence(para[i]) && isUpperStart(para[i+1])) {
				out = append(out, block{kind: paraBlock, text: strings.Join(para[start:i+1], " "), lines: i + 1 - start})
				start = i + 1
			}
		}
		para = nil
	}
	flushList := func() {
		if list != nil {
			out = append(out, list.done())
			list = nil
		}
	}
	flushCode := func() {
		if len(code) > 0 {
			// Code is quoted as it stands, without markup stripping.
			out = append(out, block{kind: paraBlock, text: "\x00" + strings.Join(code, " "), lines: len(code)})
		}
		code = nil
	}
	for _, raw := range lines {
		if fence != "" {
			if strings.HasPrefix(strings.TrimSpace(raw), fence) {
				flushCode()
				fence = ""
			} else if strings.TrimSpace(raw) != "" {
				code = append(code, raw)
			}
			continue
		}
		l := stripQuote(raw)
		t := strings.TrimSpace(l)
		switch {
		case t == "":
			flushPara()
			if list != nil {
				list.blank = true
			}
			continue
		case fenceRE.MatchString(l):
			flushPara()
			flushList()
			fence = fenceRE.FindStringSubmatch(l)[1]
			continue
		case atxRE.MatchString(l):
			flushPara()
			flushList()
			m := atxRE.FindStringSubmatch(l)
			out = append(out, block{kind: headingBlock, text: m[2], level: len(m[1]), lines: 1})
			continue
		case len(para) == 1 && list == nil && setextRE.MatchString(l):
			level := 1
			if strings.Contains(l, "-") {
				level = 2
			}
			out = append(out, block{kind: headingBlock, text: para[0], level: level, lines: 2})
			para = nil
			continue
		case breakRE.MatchString(l):
			flushPara()
			flushList()
			continue
		case refDefRE.MatchString(l):
			continue
		}
		if it, ok := parseBullet(l, true); ok {
			flushPara()
			if list == nil {
				list = &listBuilder{}
			}
			list.add(it)
			continue
		}
		if list != nil {
			if !list.blank || indentOf(l) >= 2 {
				list.extend(t)
				continue
			}
			flushList()
		}
		para = append(para, t)
	}
	flushCode()
	flushPara()
	flushList()
	return out
}

var (
	commentRE  = regexp.MustCompile(`(?s)<!--.*?-->`)
	imageRE    = regexp.MustCompile(`!\[[^\]]*\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])`)
	linkRE     = regexp.MustCompile(`\[([^\]]*)\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])`)
	autolinkRE = regexp.MustCompile(`<((?:https?|mailto):[^>\s]+)>`)
	tagRE      = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>`)
	code2RE    = regexp.MustCompile("``\\s?(.+?)\\s?``")
	code1RE    = regexp.MustCompile("`([^`]+)`")
	strong3RE  = regexp.MustCompile(`\*\*\*(\S|\S.*?\S)\*\*\*`)
	strongRE   = regexp.MustCompile(`\*\*(\S|\S.*?\S)\*\*`)
	emRE       = regexp.MustCompile(`\*(\S|\S.*?\S)\*`)
	under2RE   = regexp.MustCompile(`(^|[^\p{L}\p{N}_])__(\S|\S.*?\S)__($|[^\p{L}\p{N}_])`)
	under1RE   = regexp.MustCompile(`(^|[^\p{L}\p{N}_])_(\S|\S.*?\S)_($|[^\p{L}\p{N}_])`)
	strikeRE   = regexp.MustCompile(`~~(\S|\S.*?\S)~~`)
	escapeRE   = regexp.MustCompile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!|~<>])")
)

// inlineRewrites strip inline markup, in this order (an image before the
// link it contains, stronger emphasis before weaker). Each runs only when
// its marker, a string every match holds, is present.
var inlineRewrites = []struct {
	marker string
	re     *regexp.Regexp
	repl   string
}{
	{"<", commentRE, ""},
	{"[", imageRE, ""},
	{"[", linkRE, "$1"},
	{"<", autolinkRE, "$1"},
	{"<", tagRE, ""},
	{"*", strong3RE, "$1"},
	{"*", strongRE, "$1"},
	{"*", emRE, "$1"},
	{"_", under2RE, "$1$2$3"},
	{"_", under1RE, "$1$2$3"},
	{"~~", strikeRE, "$1"},
}

// escBase is where backslash-escaped punctuation is parked, in the private
// use area, while markup is stripped.
const escBase = 0xF0000

// stripInline removes Markdown inline markup so the text reads as rendered:
// images dropped, links replaced by their text, emphasis, code and HTML tags
// removed, entities decoded. Code blocks (marked by a leading NUL) are kept
// as written.
func stripInline(s string) string {
	if strings.HasPrefix(s, "\x00") {
		return s[1:]
	}
	// Each rewrite runs only when its marker is present: most paragraphs
	// hold no markup at all.
	has := func(sub string) bool { return strings.Contains(s, sub) }
	if has(`\`) {
		s = escapeRE.ReplaceAllStringFunc(s, func(m string) string {
			return string(rune(escBase + int(m[1])))
		})
	}
	// Code spans are protected from the rest of the stripping.
	var spans []string
	protect := func(re *regexp.Regexp) {
		s = re.ReplaceAllStringFunc(s, func(m string) string {
			spans = append(spans, re.FindStringSubmatch(m)[1])
			return string(rune(escBase + 0x1000 + len(spans) - 1))
		})
	}
	if has("`") {
		protect(code2RE)
		protect(code1RE)
	}
	for _, rw := range inlineRewrites {
		if has(rw.marker) {
			s = rw.re.ReplaceAllString(s, rw.repl)
		}
	}
	if has("&") {
		s = html.UnescapeString(s)
	}
	s = strings.Map(func(r rune) rune {
		if r >= escBase && r < escBase+128 {
			return r - escBase
		}
		return mapRune(r)
	}, s)
	if len(spans) > 0 {
		var b strings.Builder
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			if k := int(r) - escBase - 0x1000; k >= 0 && k < len(spans) {
				b.WriteString(spans[k])
				i += size
				continue
			}
			b.WriteRune(r)
			i += size
		}
		s = b.String()
	}
	return s
}

// isUpperStart reports whether s begins with an upper-case letter or digit.
func isUpperStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}

// stripQuote removes blockquote markers ("> > ") from the start of a line.
func stripQuote(l string) string {
	for {
		t := strings.TrimLeft(l, " ")
		if len(l)-len(t) > 3 || !strings.HasPrefix(t, ">") {
			return l
		}
		l = strings.TrimPrefix(t[1:], " ")
	}
}
