package corpus

import (
	"bytes"
	"fmt"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"chokepoint"
)

// mdParser parses CommonMark with GitHub's tables and strikethrough. A
// goldmark parser is safe for concurrent use.
var mdParser = goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough)).Parser()

// markdownBlocks parses a Markdown body (front matter removed, text
// normalised) with goldmark and returns its blocks with inline markup
// stripped: the text a CommonMark renderer shows, taken from the source
// through the AST's positions, so it stays verbatim. Lines of a paragraph
// are joined with spaces as Markdown renders them.
//
// Two layouts of scraped Markdown are read as their authors meant, though
// CommonMark joins them into one paragraph: a paragraph whose every line
// starts with a bullet CommonMark does not know ("•", "–", …) is a list, and
// a long line that ends a sentence, followed by a line starting with a
// capital, ends its paragraph.
func markdownBlocks(src []byte) []block {
	doc := mdParser.Parse(text.NewReader(src))
	w := mdWalker{src: src}
	w.blocks(doc)
	return w.out
}

// Bounds on the markup goldmark is given. Its inline parser takes time
// that grows with the delimiters of a paragraph times the paragraph's
// length (50,000 "[" in a row take a second), and its block parser
// quadratic time in the containers a line opens; a paragraph or line past
// these bounds is read as plain text instead, with a warning. Measured on
// the development machine (2 shared cores): 10,000 "[" in 10 KB parse in
// 60 ms, 499 "[" spread over 1.9 MB in 1.2 s; 10,000 nested ">" in 90 ms.
const (
	// maxDelimiterWork bounds a paragraph's inline delimiters ("[", "*",
	// "_", "`", "<", "~") times its length in bytes: a 50 KB paragraph
	// may hold 4,000 delimiters, a 2 MB one 100.
	maxDelimiterWork = 200_000_000
	// maxNesting is the most block quotes and list items a line may open.
	maxNesting = 32
)

// defuse returns lines with the paragraphs whose delimiters times length
// pass maxDelimiterWork, and the lines that open more than maxNesting
// containers, turned into plain text by backslash-escaping their
// punctuation, and a warning for each, naming its line (first is the file
// line of lines[0]). Lines inside fenced code are left alone.
func defuse(p string, first int, lines []string) ([]string, []*chokepoint.FileError) {
	var warns []*chokepoint.FileError
	fence := ""
	out := lines
	copied := false
	set := func(i int, l string) {
		if !copied {
			out = append([]string(nil), lines...)
			copied = true
		}
		out[i] = l
	}
	for i := 0; i < len(lines); {
		t := strings.TrimLeft(lines[i], " ")
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				fence = ""
			}
			i++
			continue
		}
		if f := fenceOf(t); f != "" && len(lines[i])-len(t) < 4 {
			fence = f
			i++
			continue
		}
		if strings.TrimSpace(t) == "" { // " \t" too: the paragraph loop below would not advance
			i++
			continue
		}
		// A paragraph: the run of non-blank lines up to a fence.
		j, delims, size := i, 0, 0
		for j < len(lines) && strings.TrimSpace(lines[j]) != "" && (j == i || fenceOf(strings.TrimLeft(lines[j], " ")) == "") {
			if n := nesting(lines[j]); n > maxNesting {
				set(j, escapePunct(lines[j]))
				warns = append(warns, &chokepoint.FileError{Path: p, Line: first + j,
					Err: fmt.Errorf("line opens %d nested block quotes or lists (limit %d); read as plain text", n, maxNesting)})
			}
			delims += strings.Count(lines[j], "[") + strings.Count(lines[j], "*") + strings.Count(lines[j], "_") +
				strings.Count(lines[j], "`") + strings.Count(lines[j], "<") + strings.Count(lines[j], "~")
			size += len(lines[j]) + 1
			j++
		}
		if delims*size > maxDelimiterWork {
			for k := i; k < j; k++ {
				set(k, escapePunct(out[k]))
			}
			warns = append(warns, &chokepoint.FileError{Path: p, Line: first + i,
				Err: fmt.Errorf("paragraph of %d bytes holds %d Markdown delimiters (limit %d for its length); read as plain text", size, delims, maxDelimiterWork/size)})
		}
		i = j
	}
	return out, warns
}

// fenceOf returns the fence a line (without its indentation) opens, "" if
// none.
func fenceOf(t string) string {
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(t, f) {
			return f
		}
	}
	return ""
}

// nesting counts the block quote and list markers opening line l.
func nesting(l string) int {
	n := 0
	for {
		l = strings.TrimLeft(l, " ")
		switch {
		case strings.HasPrefix(l, ">"):
			l = l[1:]
		case len(l) > 1 && strings.IndexByte("-*+", l[0]) >= 0 && l[1] == ' ':
			l = l[2:]
		default:
			k := 0
			for k < len(l) && k < 9 && l[k] >= '0' && l[k] <= '9' {
				k++
			}
			if k == 0 || k+1 >= len(l) || (l[k] != '.' && l[k] != ')') || l[k+1] != ' ' {
				return n
			}
			l = l[k+2:]
		}
		n++
	}
}

// escapePunct backslash-escapes every ASCII punctuation character of l and
// drops its indentation, so Markdown reads it as plain paragraph text.
func escapePunct(l string) string {
	l = strings.TrimLeft(l, " ")
	var b strings.Builder
	b.Grow(len(l) * 2)
	for i := 0; i < len(l); i++ {
		if isASCIIPunct(l[i]) {
			b.WriteByte('\\')
		}
		b.WriteByte(l[i])
	}
	return b.String()
}

// mdWalker collects blocks from a goldmark AST.
type mdWalker struct {
	src []byte
	out []block
}

// blocks appends the blocks of n's children.
func (w *mdWalker) blocks(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.block(c)
	}
}

func (w *mdWalker) block(n ast.Node) {
	switch n := n.(type) {
	case *ast.Heading:
		lines := 1
		if !isATX(w.src, n) {
			lines = 2
		}
		w.out = append(w.out, block{kind: headingBlock, text: w.inline(n), level: n.Level, lines: lines})
	case *ast.Paragraph, *ast.TextBlock:
		w.paragraph(n)
	case *ast.List:
		var items []item
		items = w.list(n, 0, items)
		w.out = append(w.out, block{kind: listBlock, items: items, lines: len(items)})
	case *ast.FencedCodeBlock, *ast.CodeBlock:
		// Code is quoted as it stands.
		if t := w.code(n); t != "" {
			w.out = append(w.out, block{kind: paraBlock, text: t, lines: n.Lines().Len()})
		}
	case *ast.HTMLBlock:
		w.out = append(w.out, htmlBlocks(w.raw(n))...)
	case *east.Table:
		for r := n.FirstChild(); r != nil; r = r.NextSibling() {
			var cells []string
			for c := r.FirstChild(); c != nil; c = c.NextSibling() {
				if t := fold(w.inline(c)); t != "" {
					cells = append(cells, t)
				}
			}
			if len(cells) > 0 {
				w.out = append(w.out, block{kind: paraBlock, text: strings.Join(cells, " | "), lines: 1})
			}
		}
	case *ast.ThematicBreak, *ast.LinkReferenceDefinition:
	default:
		// Block quotes and anything else that holds blocks.
		w.blocks(n)
	}
}

// isATX reports whether heading h is written with leading '#'s rather than
// underlined.
func isATX(src []byte, h *ast.Heading) bool {
	p := h.Pos()
	return p >= 0 && p < len(src) && src[p] == '#'
}

// paragraph appends a paragraph, or the list or paragraphs scraped
// Markdown meant by it.
func (w *mdWalker) paragraph(n ast.Node) {
	lines := n.Lines()
	if lines.Len() == 0 {
		return
	}
	raw := make([]string, lines.Len())
	starts := make([]int, lines.Len())
	for i := range raw {
		seg := lines.At(i)
		raw[i] = strings.TrimSpace(string(seg.Value(w.src)))
		starts[i] = seg.Start
	}
	texts := w.inlineByLine(n, starts)

	if allBulleted(raw) {
		var items []item
		for _, t := range texts {
			if it, ok := parseBullet(strings.TrimSpace(t)); ok {
				items = append(items, it)
			} else if len(items) > 0 {
				// Markup made the bullet vanish; keep the words.
				items[len(items)-1].text += " " + t
			}
		}
		if len(items) > 0 {
			w.out = append(w.out, block{kind: listBlock, items: items, lines: len(raw)})
			return
		}
	}
	start := 0
	for i := range raw {
		if i+1 == len(raw) || (runeLen(raw[i]) > 100 && endsSentence(raw[i]) && isUpperStart(raw[i+1])) {
			w.out = append(w.out, block{kind: paraBlock, text: strings.Join(texts[start:i+1], " "), lines: i + 1 - start})
			start = i + 1
		}
	}
}

// allBulleted reports whether every line starts with a bullet that
// CommonMark does not read as one ("•", "–", "·", …): scraped lists.
func allBulleted(lines []string) bool {
	for _, l := range lines {
		it, ok := parseBullet(l)
		if !ok || it.bullet == "-" || it.bullet == "*" || (it.bullet[0] >= '0' && it.bullet[0] <= '9') {
			return false
		}
	}
	return len(lines) > 0
}

// list appends the items of list l at nesting level to items, each
// followed by its nested lists' items.
func (w *mdWalker) list(l *ast.List, level int, items []item) []item {
	for li := l.FirstChild(); li != nil; li = li.NextSibling() {
		it := item{level: level, bullet: w.marker(l, li)}
		var parts []string
		var nested []*ast.List
		for c := li.FirstChild(); c != nil; c = c.NextSibling() {
			if sub, ok := c.(*ast.List); ok {
				nested = append(nested, sub)
				continue
			}
			if t := fold(w.flat(c)); t != "" {
				parts = append(parts, t)
			}
		}
		it.text = strings.Join(parts, " ")
		items = append(items, it)
		for _, sub := range nested {
			items = w.list(sub, level+1, items)
		}
	}
	return items
}

// marker returns a list item's marker as written: "-", "*", "+", "3." or
// "3)".
func (w *mdWalker) marker(l *ast.List, li ast.Node) string {
	if p := li.Pos(); p >= 0 && p < len(w.src) {
		end := p
		for end < len(w.src) && end-p < 10 && w.src[end] >= '0' && w.src[end] <= '9' {
			end++
		}
		if end < len(w.src) && w.src[end] == l.Marker {
			return string(w.src[p : end+1])
		}
	}
	return string(l.Marker)
}

// flat returns the text of a block inside a list item, its own blocks
// joined by spaces.
func (w *mdWalker) flat(n ast.Node) string {
	sub := mdWalker{src: w.src}
	sub.block(n)
	var parts []string
	for _, b := range sub.out {
		if b.kind == listBlock {
			parts = append(parts, listText(b.items))
			continue
		}
		parts = append(parts, b.text)
	}
	return strings.Join(parts, " ")
}

// code returns a code block's non-blank lines joined by spaces.
func (w *mdWalker) code(n ast.Node) string {
	var parts []string
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		if l := strings.TrimSpace(string(seg.Value(w.src))); l != "" {
			parts = append(parts, l)
		}
	}
	return strings.Join(parts, " ")
}

// raw returns a block's source lines.
func (w *mdWalker) raw(n ast.Node) []byte {
	var b bytes.Buffer
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		b.Write(seg.Value(w.src))
	}
	if h, ok := n.(*ast.HTMLBlock); ok && h.HasClosure() {
		b.Write(h.ClosureLine.Value(w.src))
	}
	return b.Bytes()
}

// inline returns the visible text of n's inline content.
func (w *mdWalker) inline(n ast.Node) string {
	var t inlineText
	t.walk(w.src, n, false)
	return t.String()
}

// inlineByLine returns the visible text of n's inline content cut at the
// source offsets of its lines' starts: one string a line.
func (w *mdWalker) inlineByLine(n ast.Node, starts []int) []string {
	var t inlineText
	t.walk(w.src, n, false)
	out := make([]string, len(starts))
	line := 0
	for _, p := range t.pieces {
		for line+1 < len(starts) && p.pos >= starts[line+1] {
			line++
		}
		out[line] += p.text
	}
	return out
}

// inlineText gathers the visible text of inline nodes with the source
// offset each piece comes from.
type inlineText struct {
	pieces []piece
	last   int // source offset of the last piece
}

type piece struct {
	pos  int
	text string
}

func (t *inlineText) add(pos int, s string) {
	if pos < 0 {
		pos = t.last
	}
	t.last = pos
	t.pieces = append(t.pieces, piece{pos, s})
}

func (t *inlineText) String() string {
	var b strings.Builder
	for _, p := range t.pieces {
		b.WriteString(p.text)
	}
	return b.String()
}

// walk adds the text of n's children; inside code spans text is raw.
func (t *inlineText) walk(src []byte, n ast.Node, code bool) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			v := string(c.Segment.Value(src))
			if !code && !c.IsRaw() {
				v = unescape(v)
			}
			t.add(c.Segment.Start, v)
			if c.SoftLineBreak() || c.HardLineBreak() {
				t.add(-1, " ")
			}
		case *ast.String:
			v := string(c.Value)
			if !c.IsCode() && !c.IsRaw() {
				v = unescape(v)
			}
			t.add(c.Pos(), v)
		case *ast.CodeSpan:
			t.walk(src, c, true)
		case *ast.AutoLink:
			t.add(c.Pos(), string(c.Label(src)))
		case *ast.Image, *ast.RawHTML:
			// An image shows no text; inline tags and comments are markup.
		default:
			// Emphasis, links, strikethrough, table cells: their text.
			t.walk(src, c, code)
		}
	}
}

// unescape resolves backslash escapes of ASCII punctuation and entity and
// numeric character references, as CommonMark renders text, in one pass
// (so "\&amp;" stays "&amp;").
func unescape(s string) string {
	if !strings.ContainsAny(s, `\&`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && isASCIIPunct(s[i+1]):
			b.WriteByte(s[i+1])
			i++
			continue
		case c == '&':
			if end := strings.IndexByte(s[i:min(len(s), i+40)], ';'); end > 1 {
				ref := s[i : i+end+1]
				if dec := html.UnescapeString(ref); dec != ref {
					b.WriteString(dec)
					i += end
					continue
				}
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isASCIIPunct(c byte) bool {
	return strings.IndexByte("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", c) >= 0
}

// htmlSkipped elements hold no text a reader sees.
var htmlSkipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Textarea: true, atom.Template: true,
	atom.Noscript: true, atom.Svg: true, atom.Math: true, atom.Head: true, atom.Title: true,
}

// htmlBreaks are elements that end a paragraph.
var htmlBreaks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Tr: true, atom.Table: true,
	atom.Blockquote: true, atom.Section: true, atom.Article: true, atom.Figure: true,
	atom.Figcaption: true, atom.Ul: true, atom.Ol: true, atom.Pre: true, atom.Dl: true,
	atom.Dt: true, atom.Dd: true, atom.Header: true, atom.Footer: true, atom.Aside: true,
	atom.Nav: true, atom.Details: true, atom.Summary: true, atom.Hr: true, atom.Br: true,
}

var htmlHeadings = map[atom.Atom]int{
	atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6,
}

// htmlBlocks returns the text of a raw HTML block as a browser shows it:
// tags and comments dropped, script and style left out, entities decoded,
// a paragraph at each block-level element, headings as headings. Markdown
// inside it is not interpreted, as CommonMark says.
func htmlBlocks(raw []byte) []block {
	var out []block
	var cur strings.Builder
	heading, skip := 0, 0
	flush := func() {
		if t := fold(strings.Map(mapRune, cur.String())); t != "" {
			b := block{kind: paraBlock, text: t, lines: 1}
			if heading > 0 {
				b.kind, b.level = headingBlock, heading
			}
			out = append(out, b)
		}
		cur.Reset()
	}
	z := xhtml.NewTokenizer(bytes.NewReader(raw))
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			flush()
			return out
		case xhtml.TextToken:
			if skip == 0 {
				cur.Write(z.Text())
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case htmlSkipped[a]:
				if tt == xhtml.StartTagToken {
					skip++
				} else if tt == xhtml.EndTagToken && skip > 0 {
					skip--
				}
			case htmlHeadings[a] > 0:
				flush()
				heading = 0
				if tt == xhtml.StartTagToken {
					heading = htmlHeadings[a]
				}
			case htmlBreaks[a]:
				flush()
			}
		}
	}
}

// isUpperStart reports whether s begins with an upper-case letter or digit.
func isUpperStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r)
}
