package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

	"chokepoint"
)

// maxTitleLen is the longest line, in characters, taken as a title line.
const maxTitleLen = 200

// LoaderVersion is hashed with every article's bytes (Document.Hash), so
// that an index built by a binary whose loader read articles differently
// re-reads every article instead of serving passages the new loader would
// not make. Callers that skip loading when the corpus files are unchanged
// must also compare it. Change it whenever the loader's output for a given
// file changes: cleaning, splitting, headings, boilerplate.
const LoaderVersion = "chokepoint loader 8"

// Hash returns Document.Hash for an article's bytes and its sidecar's
// (nil without one): the hex SHA-256 of LoaderVersion, data and sidecar.
func Hash(data, sidecar []byte) string {
	sum := sha256.New()
	sum.Write([]byte(LoaderVersion))
	sum.Write(data)
	sum.Write(sidecar)
	return hex.EncodeToString(sum.Sum(nil))
}

// Parse reads one article: data is the file's content and sidecar, for a
// .txt file, the content of its NAME.yaml metadata (nil when there is none).
// The format follows the extension of p, the file's slash path (.md,
// .markdown or .txt). It returns the document and warnings about ignored
// metadata; a file that cannot be an article (empty, binary, not UTF-8, bad
// YAML, no body text) is an error, a *chokepoint.FileError naming the path
// and, when known, the line. Parse applies no size limit; callers bound data
// themselves.
func Parse(p string, data, sidecar []byte) (chokepoint.Document, []*chokepoint.FileError, error) {
	sp := ""
	if sidecar != nil {
		sp = docID(p) + ".yaml"
	}
	return parse(p, sp, data, sidecar)
}

// docID returns the document ID of the file at slash path p: the path
// without its extension. NAME.yaml sidecars sit at the same ID.
func docID(p string) string { return strings.TrimSuffix(p, path.Ext(p)) }

// checkBytes rejects content that cannot be text.
func checkBytes(p string, data []byte) error {
	if len(data) == 0 {
		return &chokepoint.FileError{Path: p, Err: errors.New("empty file")}
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return &chokepoint.FileError{Path: p, Line: lineAt(data, i),
			Err: fmt.Errorf("binary file: NUL byte at byte %d", i)}
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		return &chokepoint.FileError{Path: p, Line: lineAt(data, i),
			Err: fmt.Errorf("not valid UTF-8 at byte %d", i)}
	}
	return nil
}

// lineAt returns the 1-based line holding byte offset i.
func lineAt(data []byte, i int) int {
	return bytes.Count(data[:i], []byte{'\n'}) + 1
}

// parse is Parse with the sidecar's path known.
func parse(p, sidecarPath string, data, sidecar []byte) (chokepoint.Document, []*chokepoint.FileError, error) {
	ext := strings.ToLower(path.Ext(p))
	if !isArticle(ext) {
		return chokepoint.Document{}, nil, &chokepoint.FileError{Path: p,
			Err: fmt.Errorf("unsupported file type %q; want .md, .markdown or .txt", ext)}
	}
	if err := checkBytes(p, data); err != nil {
		return chokepoint.Document{}, nil, err
	}
	lines := normalize(string(data))
	markdown := ext != ".txt"
	start := 0 // lines before the Markdown body (front matter)
	var (
		m     meta
		warns []*chokepoint.FileError
		err   error
	)
	if markdown {
		var ok bool
		var ferr error
		var fm string
		fm, start, ok, ferr = splitFrontMatter(lines)
		if ferr != nil {
			return chokepoint.Document{}, nil, &chokepoint.FileError{Path: p, Line: 1, Err: ferr}
		}
		if ok {
			m, warns, err = parseMeta(p, 1, "front matter", []byte(fm))
		}
		lines = lines[start:]
	} else if len(sidecar) > 0 {
		if cerr := checkBytes(sidecarPath, sidecar); cerr != nil {
			return chokepoint.Document{}, nil, cerr
		}
		m, warns, err = parseMeta(sidecarPath, 0, "metadata", sidecar)
	}
	if err != nil {
		return chokepoint.Document{}, nil, err
	}

	var blocks []block
	var title string
	if markdown {
		body, dwarns := defuse(p, start+1, lines)
		warns = append(warns, dwarns...)
		for _, b := range markdownBlocks([]byte(strings.Join(body, "\n"))) {
			// Blocks of images or tags alone leave nothing to read.
			if b.kind != listBlock && strings.TrimSpace(b.text) == "" {
				continue
			}
			blocks = append(blocks, b)
		}
		blocks, title = markdownTitle(blocks, m.Title)
		blocks = removeBoilerplate(blocks)
		blocks = dropRepeats(blocks, title)
	} else {
		lines, title = textTitle(stripTags(lines))
		var lay textLayout
		blocks, lay = textBlocks(lines)
		blocks = removeBoilerplate(blocks)
		blocks = dropRepeats(blocks, title, m.Title)
		blocks = dropFurniture(blocks)
		markHeadings(blocks, lay.blankSeparated)
	}
	if m.Title != "" {
		title = m.Title
	}

	id := docID(p)
	doc := chokepoint.Document{
		ID: id, Path: p, Title: title,
		Source: m.Source, URL: m.URL, Author: m.Author, Published: m.Published,
		Reviews: m.Reviews, Tags: m.Tags,
	}
	doc.Hash = Hash(data, sidecar)

	section := ""
	summary := false // the section is a summary box that ends with its list
	for _, b := range blocks {
		var text string
		kind := chokepoint.Paragraph
		switch b.kind {
		case headingBlock:
			if h := fold(b.text); h != "" {
				section = h
				summary = isSummaryHeading(h)
				doc.Sections = append(doc.Sections, h)
			}
			continue
		case paraBlock:
			if summary && len(doc.Passages) > 0 && doc.Passages[len(doc.Passages)-1].Section == section {
				// "Highlights" heads the bullets under it, not the
				// article that follows: prose after the list belongs to
				// no section until the next heading.
				section, summary = "", false
			}
			text = fold(b.text)
		case listBlock:
			text = listText(b.items)
			kind = chokepoint.List
		}
		if text == "" {
			continue
		}
		doc.Passages = append(doc.Passages, chokepoint.Passage{
			DocID: id, Index: len(doc.Passages), Section: section, Kind: kind, Text: text,
		})
	}
	if len(doc.Passages) == 0 {
		if title != "" {
			return chokepoint.Document{}, nil, &chokepoint.FileError{Path: p, Err: errors.New("no body text after the title")}
		}
		return chokepoint.Document{}, nil, &chokepoint.FileError{Path: p, Err: errors.New("no text")}
	}
	return doc, warns, nil
}

// listText renders list items one a line, each with its bullet, nested
// items indented by two spaces a level. Levels are renumbered so that
// dropped empty items leave no gaps.
func listText(items []item) string {
	var b strings.Builder
	prev := -1
	for _, it := range items {
		t := fold(it.text)
		if t == "" {
			continue
		}
		level := it.level
		if level > prev+1 {
			level = prev + 1
		}
		prev = level
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strings.Repeat("  ", level))
		b.WriteString(it.bullet)
		b.WriteByte(' ')
		b.WriteString(t)
	}
	return b.String()
}

// textTitle takes the first non-empty line of a plain-text article as its
// title and returns the remaining lines. A line too long to be a title is a
// paragraph: it stays, and the title is its beginning.
func textTitle(lines []string) ([]string, string) {
	for i, l := range lines {
		t := fold(l)
		if t == "" {
			continue
		}
		if runeLen(t) > maxTitleLen {
			return lines[i:], shorten(t)
		}
		rest := lines[i+1:]
		// A hard-wrapped title goes on in the lines up to the first blank.
		if lay := layoutOf(lines); lay.wrapWidth > 0 && lay.blankSeparated {
			for len(rest) > 0 && strings.TrimSpace(rest[0]) != "" && lay.joins(t, rest[0]) {
				if _, bullet := parseBullet(rest[0]); bullet || runeLen(t) > maxTitleLen {
					break
				}
				t += " " + fold(rest[0])
				rest = rest[1:]
			}
		}
		// Scrapers often repeat the title as the first line of the body.
		for j, l := range rest {
			if u := fold(l); u != "" {
				if strings.EqualFold(u, t) {
					rest = rest[j+1:]
				}
				break
			}
		}
		return rest, t
	}
	return nil, ""
}

// markdownTitle finds a Markdown article's title: the metadata title, else
// a level-1 heading opening the article (after navigation lists, which are
// dropped), else its first line. The heading or line is removed from blocks
// when it is the title.
func markdownTitle(blocks []block, metaTitle string) ([]block, string) {
	// Scraped pages put navigation menus before the title heading: lists
	// of short items alone before a level-1 heading (the title, when the
	// metadata names one) are page furniture.
	for i, b := range blocks {
		if b.kind == headingBlock && b.level == 1 && i > 0 && (metaTitle == "" || strings.EqualFold(fold(b.text), metaTitle)) {
			blocks = blocks[i:]
			break
		}
		if b.kind != listBlock || !short(b) {
			break
		}
	}
	if len(blocks) == 0 {
		return blocks, metaTitle
	}
	first := blocks[0]
	t := fold(first.text)
	switch {
	case first.kind == headingBlock && first.level == 1 && (metaTitle == "" || strings.EqualFold(t, metaTitle)):
		return blocks[1:], t
	case metaTitle != "":
		if first.kind == paraBlock && first.lines == 1 && strings.EqualFold(t, metaTitle) {
			return blocks[1:], metaTitle
		}
		return blocks, metaTitle
	case first.kind == headingBlock:
		return blocks, t
	case first.kind == paraBlock && first.lines == 1 && runeLen(t) <= maxTitleLen:
		return blocks[1:], t
	case first.kind == paraBlock:
		return blocks, shorten(t)
	}
	return blocks, shorten(listText(first.items))
}

// shorten cuts s to about 100 characters at a word boundary, with an
// ellipsis, for a title made from body text.
func shorten(s string) string {
	s = fold(s)
	if runeLen(s) <= 100 {
		return s
	}
	r := []rune(s)[:100]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > 40 {
		cut = cut[:i]
	}
	return cut + "…"
}

// summaryHeadings head a box of bullets that sums up an article, after
// which the article itself starts without a heading of its own.
var summaryHeadings = map[string]bool{
	"highlights": true, "key points": true, "key takeaways": true, "takeaways": true,
	"summary": true, "in brief": true, "at a glance": true, "tl;dr": true, "tldr": true,
	"in short": true, "key findings": true, "what you need to know": true,
}

func isSummaryHeading(h string) bool {
	return summaryHeadings[strings.ToLower(strings.TrimRight(h, ":"))]
}
