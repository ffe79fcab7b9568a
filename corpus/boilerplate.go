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
	// hint, when set, is a lower-case substring every match holds; it
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
	{regexp.MustCompile(`^(?i:loading\.\.\.|loading…|advertisement|print|email|tweet|facebook|linkedin|twitter|whatsapp|reddit|skip to (?:main )?content)$`), dropLine, ""},
	{regexp.MustCompile(`^(?i:click to (?:share|print|email)\b).{0,80}$`), dropLine, ""},
	{regexp.MustCompile(`^.{0,200}\b(?i:we use cookies|uses cookies|accept (?:all )?cookies|cookie (?:policy|settings|preferences|consent))\b.{0,200}$`), dropLine, "cookie"},
	{regexp.MustCompile(`^(?:©|\([cC]\) ?\d{4}|(?i:copyright)\s*(?:©|\([cC]\))?\s*\d{4}).{0,150}$`), dropLine, ""},
	{regexp.MustCompile(`^.{0,150}\b(?i:all rights reserved)\.?$`), dropLine, "rights reserved"},
}

// boilerOf returns the action of the first pattern matching a standalone
// block, and whether any did.
func boilerOf(b block) (boilerAction, bool) {
	// Every pattern matches a short line; long paragraphs skip the regexps.
	if b.kind == listBlock || b.lines > 2 || len(b.text) > 400 {
		return 0, false
	}
	t := fold(b.text)
	lower := strings.ToLower(t)
	for _, p := range boilerplate {
		if p.hint != "" && !strings.Contains(lower, p.hint) {
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
