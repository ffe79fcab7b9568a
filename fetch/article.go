package fetch

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"
)

// maxFileName is the longest name FileName returns, extension included.
const maxFileName = 80

// frontMatter is the YAML header of an article file; keys follow the
// corpus's metadata names.
type frontMatter struct {
	Title     string `yaml:"title"`
	URL       string `yaml:"url,omitempty"`
	Source    string `yaml:"source,omitempty"`
	Author    string `yaml:"author,omitempty"`
	Published string `yaml:"published,omitempty"`
}

// Markdown returns the article as a Markdown file: a YAML front matter block
// between "---" lines holding title, url, source (the site), and author and
// published when known, then a blank line and Text. Values are quoted by
// the YAML encoder, so titles with colons or quotes survive a round trip.
// In the body, heading ("#") and bullet ("- ") lines keep their markers and
// all other Markdown syntax is backslash-escaped, so a Markdown reader gets
// back Text's words exactly.
func (a Article) Markdown() []byte {
	var buf bytes.Buffer
	buf.WriteString("---\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	// Encoding a struct of strings cannot fail.
	_ = enc.Encode(frontMatter{
		Title:     a.Title,
		URL:       a.URL,
		Source:    a.Site,
		Author:    a.Author,
		Published: a.Published,
	})
	_ = enc.Close()
	buf.WriteString("---\n\n")
	for _, line := range strings.Split(strings.TrimSpace(a.Text), "\n") {
		buf.WriteString(markdownLine(line))
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

var (
	headingLineRE = regexp.MustCompile(`^(#{1,6} )(.*)$`)
	bulletLineRE  = regexp.MustCompile(`^( *- )(.*)$`)
	// numberedRE finds text a Markdown reader would take for an ordered
	// list item.
	numberedRE = regexp.MustCompile(`^(\d{1,9})([.)])`)
)

// markdownLine writes one line of Text as Markdown: heading and bullet
// markers stay, everything else is escaped so a Markdown reader gets back
// the same words rather than emphasis, links, tags or accidental markers.
func markdownLine(line string) string {
	if m := headingLineRE.FindStringSubmatch(line); m != nil {
		return m[1] + escapeInline(m[2])
	}
	if m := bulletLineRE.FindStringSubmatch(line); m != nil {
		return m[1] + escapeStart(escapeInline(m[2]))
	}
	return escapeStart(escapeInline(line))
}

// escapeInline backslash-escapes characters that start inline markup.
func escapeInline(s string) string {
	return inlineEscaper.Replace(s)
}

var inlineEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`,
	`<`, `\<`, `~`, `\~`,
)

// escapeStart escapes a line start that would read as a block marker.
func escapeStart(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '-', '+', '>':
		return `\` + s
	}
	if m := numberedRE.FindStringSubmatch(s); m != nil {
		return m[1] + `\` + s[len(m[1]):]
	}
	return s
}

// FileName returns a file name for the article: a lower-case ASCII slug of
// the title (or, failing that, of the URL's host and path) with ".md", at
// most 80 bytes, never empty ("article.md" at worst), never containing a
// path separator, "..", or a leading dot.
func (a Article) FileName() string {
	s := slug(a.Title)
	if s == "" {
		if u, err := url.Parse(a.URL); err == nil {
			s = slug(strings.TrimPrefix(u.Hostname(), "www.") + " " + u.EscapedPath())
		}
	}
	if s == "" {
		s = "article"
	}
	if windowsReserved[s] {
		s += "-article"
	}
	return s + ".md"
}

// windowsReserved are device names Windows refuses as file names.
var windowsReserved = map[string]bool{
	"con": true, "prn": true, "aux": true, "nul": true,
	"com1": true, "com2": true, "com3": true, "com4": true, "com5": true,
	"com6": true, "com7": true, "com8": true, "com9": true,
	"lpt1": true, "lpt2": true, "lpt3": true, "lpt4": true, "lpt5": true,
	"lpt6": true, "lpt7": true, "lpt8": true, "lpt9": true,
}

// slug keeps ASCII letters and digits of s (accents stripped, lower-cased)
// and joins the runs with single hyphens, cut at a hyphen to fit the name
// limit.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFKD.String(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case r >= 'A' && r <= 'Z':
			r = unicode.ToLower(r)
		case unicode.Is(unicode.Mn, r):
			continue // combining accent of the letter before
		case r == '\'' || r == '’':
			continue // "Trump's" reads better as "trumps" than "trump-s"
		default:
			dash = b.Len() > 0
			continue
		}
		if dash {
			b.WriteByte('-')
			dash = false
		}
		b.WriteRune(r)
	}
	out := b.String()
	if limit := maxFileName - len(".md") - len("-article"); len(out) > limit {
		out = out[:limit]
		if i := strings.LastIndexByte(out, '-'); i > limit/2 {
			out = out[:i]
		}
		out = strings.TrimRight(out, "-")
	}
	return out
}
