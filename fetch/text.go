package fetch

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skipped elements carry no article text even when readability keeps them.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Svg: true, atom.Math: true, atom.Canvas: true,
	atom.Button: true, atom.Form: true, atom.Input: true, atom.Select: true,
	atom.Textarea: true, atom.Nav: true, atom.Footer: true, atom.Aside: true,
	atom.Img: true, atom.Picture: true, atom.Video: true, atom.Audio: true,
	atom.Object: true, atom.Embed: true, atom.Head: true,
}

// blocks end the paragraph before them and start a new one after.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true,
	atom.Main: true, atom.Header: true, atom.Blockquote: true, atom.Figure: true,
	atom.Figcaption: true, atom.Table: true, atom.Thead: true, atom.Tbody: true,
	atom.Tfoot: true, atom.Tr: true, atom.Caption: true, atom.Dl: true,
	atom.Dt: true, atom.Dd: true, atom.Hr: true, atom.Address: true,
	atom.Details: true, atom.Summary: true, atom.Center: true, atom.Body: true,
	atom.Html: true, atom.Li: true,
}

var headingLevel = map[atom.Atom]int{
	atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6,
}

// textWriter collects blocks of text from a DOM walk.
type textWriter struct {
	blocks []string
	inline strings.Builder
}

// toText renders n as our plain text format: blocks separated by blank
// lines, headings as "#" lines, list items as "- " lines.
func toText(n *html.Node) string {
	var w textWriter
	w.walk(n)
	w.flush()
	return strings.Join(w.blocks, "\n\n")
}

func (w *textWriter) flush() {
	if t := fold(w.inline.String()); t != "" {
		w.blocks = append(w.blocks, t)
	}
	w.inline.Reset()
}

func (w *textWriter) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.inline.WriteString(n.Data)
		return
	case html.ElementNode:
	case html.DocumentNode:
		w.children(n)
		return
	default:
		return
	}
	a := n.DataAtom
	switch {
	case skipped[a]:
	case a == atom.Br:
		w.inline.WriteByte(' ')
	case headingLevel[a] > 0:
		w.flush()
		if t := fold(inlineText(n)); t != "" {
			w.blocks = append(w.blocks, strings.Repeat("#", headingLevel[a])+" "+t)
		}
	case a == atom.Ul || a == atom.Ol:
		w.flush()
		if lines := listLines(n, 0, nil); len(lines) > 0 {
			w.blocks = append(w.blocks, strings.Join(lines, "\n"))
		}
	case a == atom.Pre:
		w.flush()
		if t := preText(n); t != "" {
			w.blocks = append(w.blocks, t)
		}
	case a == atom.Td || a == atom.Th:
		w.inline.WriteByte(' ')
		w.children(n)
		w.inline.WriteByte(' ')
	case blocks[a]:
		w.flush()
		w.children(n)
		w.flush()
	default:
		w.children(n)
	}
}

func (w *textWriter) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}

// inlineText renders n's content as one run of text, block structure
// flattened, nested lists left out.
func inlineText(n *html.Node) string {
	var w textWriter
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == atom.Ul || c.DataAtom == atom.Ol) {
			continue
		}
		w.walk(c)
	}
	w.flush()
	return strings.Join(w.blocks, " ")
}

// listLines appends one "- " line per item of list to lines, nested lists
// indented two spaces per depth. Items are found through wrappers that are
// not themselves lists, as some sites wrap <li> in <div>.
func listLines(list *html.Node, depth int, lines []string) []string {
	for c := list.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || skipped[c.DataAtom] {
			continue
		}
		switch c.DataAtom {
		case atom.Li:
			if t := fold(inlineText(c)); t != "" {
				lines = append(lines, strings.Repeat("  ", depth)+"- "+t)
			}
			lines = nestedLists(c, depth+1, lines)
		case atom.Ul, atom.Ol:
			lines = listLines(c, depth+1, lines)
		default:
			lines = listLines(c, depth, lines)
		}
	}
	return lines
}

// nestedLists appends the lists found inside item, at depth.
func nestedLists(item *html.Node, depth int, lines []string) []string {
	for c := item.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || skipped[c.DataAtom] {
			continue
		}
		if c.DataAtom == atom.Ul || c.DataAtom == atom.Ol {
			lines = listLines(c, depth, lines)
			continue
		}
		lines = nestedLists(c, depth, lines)
	}
	return lines
}

// preText keeps a preformatted block's lines, trimming trailing space and
// surrounding blank lines.
func preText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Br {
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	lines := strings.Split(strings.ReplaceAll(b.String(), "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\r")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// fold collapses runs of white space (including no-break spaces) to one
// space and trims the ends.
func fold(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
