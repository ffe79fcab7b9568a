package corpus

import (
	"regexp"
	"strings"
)

// boilerAction says what a boilerplate line does to the article around it.
type boilerAction int

const (
	// dropLine removes the line alone.
	dropLine boilerAction = iota
	// cutTail removes the line and everything after it, when it starts the
	// article's tail of short lines (share buttons, category and related
	// links); elsewhere the line alone is removed.
	cutTail
	// cutRest removes the line and everything after it once body text has
	// been seen: what follows is the comment section, not the article.
	cutRest
)

// boilerplate lists the page furniture scrapers leave in articles. Patterns
// match a whole standalone line (a paragraph of one line, or a heading), so
// article text that merely mentions these words is never cut.
var boilerplate = []struct {
	re  *regexp.Regexp
	act boilerAction
	// hint, when set, lists lower-case substrings, separated by "|", one
	// of which every match holds; it
	// spares the regexp on lines that cannot match.
	hint string
}{
	{regexp.MustCompile(`^(?i:leave a (?:reply|comment)(?: cancel reply)?|post a comment|add a comment|join the discussion)\.?$`), cutRest, ""},
	{regexp.MustCompile(`^(?i:your email address will not be published)\b.*$`), cutRest, ""},
	{regexp.MustCompile(`^(?:\d+ )?(?:Comments?|Responses?|Replies)(?: \(\d+\))?:?$`), cutRest, ""},
	{regexp.MustCompile(`^(?i:comments are closed)\.?$`), cutRest, ""},
	{regexp.MustCompile(`^(?i:spread the word|share this(?: article| post| story| page)?|share|like this|share on social media|share the article|tell a friend)\s*[:!.]?$`), cutTail, ""},
	{regexp.MustCompile(`^Related(?: Posts| Articles| Stories| Content| Reading| News| Coverage| Links)?:?$`), cutTail, ""},
	{regexp.MustCompile(`^(?i:you (?:may|might) also like|read (?:more|next)|more stories|recommended(?: for you)?|trending)\s*:?$`), cutTail, ""},
	{regexp.MustCompile(`^(?i:categories|category|tags|filed under|posted in)\s*:.*$`), cutTail, ""},
	{regexp.MustCompile(`^(?i:subscribe to|sign up for|join) our (?:newsletter|mailing list).{0,80}$`), cutTail, ""},
	{regexp.MustCompile(`^(?i:subscribe|newsletter)\.?$`), cutTail, ""},
	{regexp.MustCompile(`^(?i:required fields are marked)\b.*$`), dropLine, ""},
	{regexp.MustCompile(`^(?i:see also|read also|also read|more on this)\s*:.{0,150}$`), dropLine, ""},
	{regexp.MustCompile(`^(?i:find out more|learn more|continue reading|read the full (?:story|article|report))\W{0,3}$`), dropLine, ""},
	{regexp.MustCompile(`^(?i:source|photo|image|credit|picture|photograph)s?(?: (?i:credit|source))?: ?[^.!?]{1,60}$`), dropLine, ""},
	{regexp.MustCompile(`^(?i:loading\.\.\.|loading…|print|email|tweet|facebook|linkedin|twitter|whatsapp|reddit|skip to (?:main )?content|image|photo|video|audio|enlarged view|post-img)$`), dropLine, ""},
	{regexp.MustCompile(`^[\W_]*(?i:advertisement|sponsored|ad)[\W_]*$`), dropLine, ""},
	{regexp.MustCompile(`^(?i:subscribe|sign up)\b.{0,80}$`), dropLine, ""},
	{regexp.MustCompile(`^(?i:by subscribing|starting soon:|stay up to date)\b.{0,200}$`), dropLine, ""},
	{regexp.MustCompile(`^\((?i:reporting|writing|editing|additional reporting|compiled|with inputs) (?:by|from)\b.{0,200}\)\.?$`), dropLine, ""},
	{regexp.MustCompile(`^\[[a-z][a-z0-9_-]*(?: [^\]]*)?\]$`), dropLine, ""}, // an unrendered shortcode: [mepr-form id="4595"]
	// A caption ending in its credit: "… May 16, 2024. REUTERS/Carlos
	// Barria", "Yaolshen | Moment | Getty Images".
	{regexp.MustCompile(`^.{0,300}(?:\b(?:REUTERS|Reuters|AP Photo|AFP|Bloomberg)(?:/[^/.]{1,40}){1,3}|\b(?:Getty Images|Shutterstock|iStock(?:photo)?)\)?)\.?$`), dropLine, "reuters/|ap photo/|afp/|bloomberg/|getty images|shutterstock|istock"},
	{regexp.MustCompile(`^(?i:customi[sz]e consent preferences|consent preferences|manage (?:consent|cookies)|always active|privacy overview|no cookies to display)\.?$`), dropLine, ""},
	{regexp.MustCompile(`(?i)\bcookies\b.{0,300}\b(?:browser|consent|necessary|analytics|advertisements?|third-party|functional)\b|\b(?:browser|consent|necessary|analytical|functional|performance|advertisement)\b.{0,300}\bcookies\b`), dropLine, "cookie"},
	{regexp.MustCompile(`^(?i:click to (?:share|print|email)\b).{0,80}$`), dropLine, ""},
	{regexp.MustCompile(`^.{0,200}\b(?i:we use cookies|uses cookies|accept (?:all )?cookies|cookie (?:policy|settings|preferences|consent))\b.{0,200}$`), dropLine, "cookie"},
	{regexp.MustCompile(`^(?:©|\([cC]\) ?\d{4}|(?i:copyright)\s*(?:©|\([cC]\))?\s*\d{4}).{0,150}$`), dropLine, ""},
	{regexp.MustCompile(`^.{0,150}\b(?i:all rights reserved)\.?$`), dropLine, "rights reserved"},
}

// containsAny reports whether s holds one of hints' "|"-separated
// substrings.
func containsAny(s, hints string) bool {
	for h := range strings.SplitSeq(hints, "|") {
		if strings.Contains(s, h) {
			return true
		}
	}
	return false
}

// tocLeaderRE matches a table of contents' dot leader before a page
// number: "Introduction ........ 1".
var tocLeaderRE = regexp.MustCompile(`(?:\.\s?){6,}\s*[\dA-Z]|…{3,}\s*\d`)

// notProse reports whether a paragraph is no text to quote whatever its
// length: a table of contents (dot leaders before page numbers), or code
// (style sheets or scripts a scraper kept: four braces or more, and
// braces and semicolons more than one character in fifty).
func notProse(b block) bool {
	if b.kind != paraBlock {
		return false
	}
	// Only a run of dots (or of ellipses) can be a leader.
	if (strings.Contains(b.text, "..") || strings.Contains(b.text, ". .") || strings.Contains(b.text, "……")) &&
		tocLeaderRE.MatchString(b.text) {
		return true
	}
	braces, code := 0, 0
	for i := 0; i < len(b.text); i++ {
		switch b.text[i] {
		case '{', '}':
			braces++
			code++
		case ';':
			code++
		}
	}
	return braces >= 4 && code*50 > len(b.text)
}

// boilerOf returns the action of the first pattern matching a standalone
// block, and whether any did.
func boilerOf(b block) (boilerAction, bool) {
	if notProse(b) {
		return dropLine, true
	}
	// Every pattern matches a short line; long paragraphs skip the regexps.
	// A list of one item is read as its item ("– Advertisement –" looks
	// like an item after an en dash bullet).
	text := b.text
	if b.kind == listBlock {
		if len(b.items) != 1 {
			return 0, false
		}
		text = b.items[0].text
	}
	if b.lines > 2 || len(text) > 400 {
		return 0, false
	}
	t := fold(text)
	lower := strings.ToLower(t)
	for _, p := range boilerplate {
		if p.hint != "" && !containsAny(lower, p.hint) {
			continue
		}
		if p.re.MatchString(t) {
			return p.act, true
		}
	}
	return 0, false
}

// short reports whether a block could belong to a page's trailing
// furniture: short lines such as link titles that do not end
// like a sentence of prose.
func short(b block) bool {
	if b.kind == listBlock {
		for _, it := range b.items {
			if runeLen(it.text) > 120 {
				return false
			}
		}
		return true
	}
	t := strings.TrimRight(b.text, " \"'”’)]»")
	return runeLen(b.text) <= 120 && !strings.HasSuffix(t, ".") && !strings.HasSuffix(t, "!") && !strings.HasSuffix(t, "…")
}

// removeBoilerplate drops share, comment and footer furniture from blocks.
func removeBoilerplate(blocks []block) []block {
	type verdict struct {
		act boilerAction
		ok  bool
	}
	marks := make([]verdict, len(blocks))
	for i, b := range blocks {
		marks[i].act, marks[i].ok = boilerOf(b)
	}
	body := false
	for i, b := range blocks {
		act, ok := marks[i].act, marks[i].ok
		if ok && act == cutRest && body {
			blocks = blocks[:i]
			break
		}
		if !ok && b.kind != headingBlock {
			body = true
		}
	}
	tail := len(blocks)
	for tail > 0 && (marks[tail-1].ok || short(blocks[tail-1])) {
		tail--
	}
	for i := tail; i < len(blocks); i++ {
		if marks[i].ok && marks[i].act == cutTail && i > 0 {
			blocks = blocks[:i]
			break
		}
	}
	out := blocks[:0:0]
	for i, b := range blocks {
		if !marks[i].ok {
			out = append(out, b)
		}
	}
	return out
}
