package corpus

import (
	"regexp"
	"slices"
	"sort"
	"strings"
)

// blockKind tells the blocks of an article apart.
type blockKind int

const (
	paraBlock blockKind = iota
	headingBlock
	listBlock
)

// item is one bullet of a list.
type item struct {
	level  int // nesting depth from 0
	indent int // leading spaces in the source
	bullet string
	text   string
	cont   []string // continuation lines, joined to text by done
}

// block is a paragraph, heading or list as found in the source, before
// boilerplate removal and heading recognition.
type block struct {
	kind  blockKind
	text  string // paragraph or heading text, lines joined by spaces
	items []item
	lines int  // source lines the block spans
	alone bool // a blank line (or the file's edge) before and after it
	level int  // heading level, Markdown only
}

// bulletRE matches a list item: indentation, bullet, text.
var bulletRE = regexp.MustCompile(`^( *)([•\-*–·▪◦●○‣+]|\d{1,3}[.)]) +(\S.*)$`)

// parseBullet splits a list item line of plain text, where "+" is no
// bullet.
func parseBullet(l string) (it item, ok bool) {
	m := bulletRE.FindStringSubmatch(l)
	if m == nil || m[2] == "+" {
		return item{}, false
	}
	return item{indent: len(m[1]), bullet: m[2], text: m[3]}, true
}

// listBuilder collects items and assigns nesting levels from indentation.
type listBuilder struct {
	items  []item
	stack  []int // indents of the open nesting levels
	blank  bool  // a blank line followed the last item
	length int   // source lines
}

func (lb *listBuilder) add(it item) {
	for len(lb.stack) > 0 && lb.stack[len(lb.stack)-1] > it.indent {
		lb.stack = lb.stack[:len(lb.stack)-1]
	}
	if len(lb.stack) == 0 || lb.stack[len(lb.stack)-1] < it.indent {
		lb.stack = append(lb.stack, it.indent)
	}
	it.level = len(lb.stack) - 1
	lb.items = append(lb.items, it)
	lb.blank = false
	lb.length++
}

func (lb *listBuilder) extend(text string) {
	last := &lb.items[len(lb.items)-1]
	last.cont = append(last.cont, strings.TrimSpace(text))
	lb.length++
}

// lastLine returns the last source line of the last item.
func (lb *listBuilder) lastLine() string {
	last := lb.items[len(lb.items)-1]
	if len(last.cont) > 0 {
		return last.cont[len(last.cont)-1]
	}
	return last.text
}

// done returns the list as a block, continuation lines joined to their items.
func (lb *listBuilder) done() block {
	for i := range lb.items {
		it := &lb.items[i]
		if len(it.cont) > 0 {
			it.text += " " + strings.Join(it.cont, " ")
			it.cont = nil
		}
	}
	return block{kind: listBlock, items: lb.items, lines: lb.length}
}

// textLayout describes how a plain-text file breaks its paragraphs.
type textLayout struct {
	blankSeparated bool // paragraphs are separated by blank lines
	wrapWidth      int  // hard-wrap column, 0 when lines are not hard-wrapped
}

// layoutOf measures lines: whether blank lines separate paragraphs, and
// whether prose lines are hard-wrapped at a fixed column.
func layoutOf(lines []string) textLayout {
	var lens []int
	nonBlank, runs, inBlank, seen, open := 0, 0, false, false, 0
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			inBlank = seen
			continue
		}
		if inBlank {
			runs++
			inBlank = false
		}
		seen = true
		nonBlank++
		if _, ok := parseBullet(l); !ok {
			lens = append(lens, runeLen(strings.TrimSpace(l)))
			if !endsSentence(l) {
				open++
			}
		}
	}
	lay := textLayout{blankSeparated: runs > 0 && runs*20 >= nonBlank}
	if len(lens) < 3 {
		return lay
	}
	// Hard-wrapped prose breaks most lines mid-sentence; text with one
	// paragraph a line ends nearly every line with a sentence.
	if open*2 < len(lens) {
		return lay
	}
	sort.Ints(lens)
	w := lens[(len(lens)*95+99)/100-1] // the 95th percentile ignores a stray long line
	if w < 30 || w > 100 || lens[len(lens)-1] > 120 {
		return lay
	}
	long := 0
	for _, n := range lens {
		if n*10 >= w*7 {
			long++
		}
	}
	if long >= 2 && long*3 >= len(lens) {
		lay.wrapWidth = w
	}
	return lay
}

// joins decides whether next continues the paragraph whose last line is
// prev, or starts a new one.
func (lay textLayout) joins(prev, next string) bool {
	prev, next = strings.TrimSpace(prev), strings.TrimSpace(next)
	if lay.wrapWidth == 0 {
		// One line a paragraph; only a line cut mid-sentence continues.
		return !endsSentence(prev) && startsLower(next)
	}
	limit := lay.wrapWidth
	if lay.blankSeparated {
		// Blank lines already end paragraphs; break inside a block only
		// when the line is clearly short.
		limit = limit * 85 / 100
	}
	fits := runeLen(prev)+1+runeLen(firstWord(next)) <= limit
	if endsSentence(prev) && fits {
		return false
	}
	if runeLen(prev)*2 < lay.wrapWidth && !startsLower(next) {
		return false
	}
	return true
}

// loneBulletRE matches a line holding only a bullet, as scrapers emit when
// the bullet and its text sit in separate HTML elements.
var loneBulletRE = regexp.MustCompile(`^( *)([•\-*–·▪◦●○‣]|\d{1,3}[.)])$`)

// joinLoneBullets moves the text that follows a lone bullet line (possibly
// after blank lines) onto the bullet's line.
func joinLoneBullets(lines []string) []string {
	out := lines[:0:0]
	for i := 0; i < len(lines); i++ {
		m := loneBulletRE.FindStringSubmatch(lines[i])
		if m == nil {
			out = append(out, lines[i])
			continue
		}
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
			j++
		}
		if j == len(lines) || loneBulletRE.MatchString(lines[j]) {
			continue // a bullet with no text is dropped
		}
		if _, ok := parseBullet(lines[j]); ok {
			continue
		}
		out = append(out, m[1]+m[2]+" "+strings.TrimSpace(lines[j]))
		i = j
	}
	return out
}

// undoubleSpace removes the blank line that double-spaced text puts after
// every line, when it is there: scrapers of pages that break lines with
// <br><br> leave a hard-wrapped paragraph as one-line "paragraphs"
// ("stop nickel ore exports from Jan. 1, 2020, two years earlier" / "than
// initially indicated, …"). It is there when single blank lines make four
// in five of the gaps between lines and at least half the prose lines run
// on, mid-sentence, into a line starting in lower case. Longer runs of
// blank lines still end paragraphs.
func undoubleSpace(lines []string) []string {
	var text []int // indexes of non-blank lines
	singles, gaps := 0, 0
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if len(text) > 0 {
			if gap := i - text[len(text)-1] - 1; gap > 0 {
				gaps++
				if gap == 1 {
					singles++
				}
			}
		}
		text = append(text, i)
	}
	if len(text) < 6 || singles*5 < (len(text)-1)*4 {
		return lines
	}
	prose, runOn := 0, 0
	for k, i := range text {
		if _, ok := parseBullet(lines[i]); ok {
			continue
		}
		prose++
		if k+1 < len(text) && !endsSentence(lines[i]) && startsLower(lines[text[k+1]]) {
			runOn++
		}
	}
	if runOn*2 < prose {
		return lines
	}
	out := make([]string, 0, len(text)+gaps-singles)
	for k, i := range text {
		if k > 0 && i-text[k-1] > 2 {
			out = append(out, "")
		}
		out = append(out, lines[i])
	}
	return out
}

// textBlocks splits the lines of a plain-text article into blocks.
func textBlocks(lines []string) ([]block, textLayout) {
	lines = undoubleSpace(joinLoneBullets(lines))
	lay := layoutOf(lines)
	var out []block
	var para []string
	paraAlone := false
	var list *listBuilder
	prevBlank := true

	flushPara := func(blankAfter bool) {
		if len(para) == 0 {
			return
		}
		out = append(out, block{kind: paraBlock, text: strings.Join(para, " "), lines: len(para),
			alone: paraAlone && blankAfter && len(para) == 1})
		para = nil
	}
	flushList := func() {
		if list == nil {
			return
		}
		out = append(out, list.done())
		list = nil
	}
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			flushPara(true)
			if list != nil {
				list.blank = true
			}
			prevBlank = true
			continue
		}
		if it, ok := parseBullet(l); ok {
			flushPara(false)
			if list == nil {
				list = &listBuilder{}
			}
			list.add(it)
			prevBlank = false
			continue
		}
		if list != nil {
			last := list.items[len(list.items)-1]
			if !list.blank && (indentOf(l) > last.indent || (!endsSentence(list.lastLine()) && startsLower(t))) {
				list.extend(t)
				prevBlank = false
				continue
			}
			flushList()
		}
		if len(para) > 0 && !lay.joins(para[len(para)-1], t) {
			flushPara(false)
		}
		if len(para) == 0 {
			paraAlone = prevBlank
		}
		para = append(para, t)
		prevBlank = false
	}
	flushPara(true)
	flushList()
	return out, lay
}

// headingShaped reports whether a lone line could be a heading by itself:
// short, title-like, not ending like a sentence (a short question or
// exclamation may still be a heading).
func headingShaped(s string) bool {
	n, words := runeLen(s), len(strings.Fields(s))
	if n == 0 || n > 90 || words > 12 || isByline(s) {
		return false
	}
	last := strings.TrimRight(s, "\"'”’)]»")
	if strings.HasSuffix(last, "?") || strings.HasSuffix(last, "!") {
		return words <= 10 && titleish(s)
	}
	if endsSentence(s) || strings.HasSuffix(last, ",") || strings.HasSuffix(last, ";") ||
		strings.HasSuffix(last, "*") || strings.HasSuffix(last, "-") {
		return false
	}
	return titleish(s) || (words <= 6 && isUpperStart(s))
}

// markHeadings turns the paragraphs of a plain-text article that stand as
// headings into heading blocks: a heading-shaped single line, standing alone
// when the article separates paragraphs with blank lines, followed by body
// text (a list, or a longer paragraph that is not heading-shaped itself).
func markHeadings(blocks []block, blankSeparated bool) {
	for i := range blocks {
		b := &blocks[i]
		if b.kind != paraBlock || b.lines != 1 || (blankSeparated && !b.alone) || !headingShaped(b.text) {
			continue
		}
		if i+1 >= len(blocks) {
			continue
		}
		next := blocks[i+1]
		switch {
		case next.kind == listBlock:
		case next.kind == paraBlock && runeLen(next.text) > runeLen(b.text) &&
			!(next.lines == 1 && headingShaped(next.text) && runeLen(next.text) < 60):
		default:
			continue
		}
		b.kind = headingBlock
	}
}

var (
	month    = `(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?`
	bylineRE = regexp.MustCompile(`^(?:(?i:by|written by|posted by):? \p{Lu}|(?i:published|posted|updated|last updated)(?: on)?:? (?:\d|` + month + `)).{0,80}$`)
	dateRE   = regexp.MustCompile(`^(?:(?i:[a-z]+day),? )?(?:` + month + ` \d{1,2}(?:st|nd|rd|th)?,? \d{4}|\d{1,2} ` + month + `,? \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})(?:,? \d{1,2}:\d{2}(?: ?[aApP][mM])?)?$`)
)

// isByline reports whether a line is a byline or a bare date.
func isByline(s string) bool {
	return (bylineRE.MatchString(s) && len(strings.Fields(s)) <= 10) || dateRE.MatchString(s)
}

// dropFurniture removes the page furniture of a plain-text article, which
// is not text to quote. Before the body (its first sentence of prose) that
// is byline and date lines, and short lines that end no sentence and head
// no list: a weather widget's "31 °c", a player's "0:00", a kicker, a
// dateline. Further down it is a byline standing alone ("By GlobalData",
// "Updated July 10, 2024 at 05:01 AM ET") unless it ends like a sentence
// ("By Friday, prices had doubled."); a bare date there may head a
// timeline's entry, so it stays. Lines of punctuation alone go anywhere.
func dropFurniture(blocks []block) []block {
	out := blocks[:0:0]
	body := false
	for i, b := range blocks {
		if b.kind != paraBlock || b.lines != 1 {
			body = body || b.kind == paraBlock
			out = append(out, b)
			continue
		}
		t := fold(b.text)
		var next *block
		if i+1 < len(blocks) {
			next = &blocks[i+1]
		}
		switch {
		case !strings.ContainsFunc(t, isWordRune):
			continue // "|", "."
		case isByline(t) && !body:
			continue
		case bylineRE.MatchString(t) && len(strings.Fields(t)) <= 10 && !endsSentence(t):
			continue // a bare date further down may head a timeline's entry: it stays
		case !body && runeLen(t) < 60 && (!endsSentence(t) || strings.HasSuffix(t, ":")) &&
			(next == nil || next.kind != listBlock && !(headingShaped(t) && startsProse(*next))):
			continue
		}
		body = body || startsProse(b)
		out = append(out, b)
	}
	return out
}

// startsProse reports whether b is a paragraph of prose: a long line, lines
// wrapped together, or a sentence of four words or more.
func startsProse(b block) bool {
	if b.kind != paraBlock {
		return false
	}
	t := fold(b.text)
	return b.lines > 1 || runeLen(t) >= 100 ||
		endsSentence(t) && !strings.HasSuffix(t, ":") && len(strings.Fields(t)) >= 4
}

// dropRepeats removes the paragraphs and headings that repeat the article's
// title (in any case), and the paragraphs that repeat an earlier one word
// for word (a photo caption scraped twice): quoting them adds nothing.
func dropRepeats(blocks []block, titles ...string) []block {
	var ts []string
	for _, t := range titles {
		if t = fold(t); t != "" {
			ts = append(ts, t)
		}
	}
	seen := map[string]bool{}
	out := blocks[:0:0]
	for _, b := range blocks {
		if b.kind == listBlock {
			out = append(out, b)
			continue
		}
		t := fold(b.text)
		if seen[t] || slices.ContainsFunc(ts, func(title string) bool { return strings.EqualFold(t, title) }) {
			continue
		}
		if b.kind == paraBlock && runeLen(t) >= 40 {
			seen[t] = true
		}
		out = append(out, b)
	}
	return out
}
