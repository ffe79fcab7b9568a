package bot

import (
	"fmt"
	"strings"
	"unicode/utf16"

	"github.com/bwmarrin/discordgo"

	"chokepoint"
)

// zwsp follows every @ so "@everyone" and "<@&123>" stay inert text.
const zwsp = "\u200b"

// length returns s's length in UTF-16 code units.
func length(s string) int {
	n := 0
	for _, r := range s {
		if utf16.RuneLen(r) == 2 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// truncate cuts s to at most n UTF-16 units, never inside a code point,
// ending with an ellipsis when it cut.
func truncate(s string, n int) string {
	if length(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	used := 0
	for i, r := range s {
		w := 1
		if utf16.RuneLen(r) == 2 {
			w = 2
		}
		if used+w > n-1 { // keep room for "…"
			out := strings.TrimRight(s[:i], " \\")
			return out + "…"
		}
		used += w
	}
	return s
}

// escape makes corpus or user text inert in Discord markdown: formatting
// characters are backslash-escaped, < and > cannot open a mention, and a
// zero-width space after @ defuses @everyone and @here.
func escape(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for _, r := range s {
		switch r {
		case '\\', '*', '_', '~', '`', '|', '[', ']', '<', '>', '#':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '@':
			b.WriteString("@" + zwsp)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// unescape reverses escape.
func unescape(s string) string {
	s = strings.ReplaceAll(s, "@"+zwsp, "@")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`\*_~`+"`"+`|[]<>#`, s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// quoteLines renders text as a block quote, one "> " per line.
func quoteLines(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = "> " + escape(l)
	}
	return strings.Join(lines, "\n")
}

const questionPrefix = "**Q:** "

// citationBlock renders one citation; quoteMax bounds the quote's length
// before escaping (<= 0: no bound).
func citationBlock(c chokepoint.Citation, quoteMax int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**[%d]** *%s*", c.N, escape(c.Title))
	if c.Section != "" {
		b.WriteString(" — " + escape(c.Section))
	}
	q := c.Quote()
	if quoteMax > 0 {
		q = truncate(q, quoteMax)
	}
	b.WriteString("\n" + quoteLines(q))
	if c.URL != "" {
		b.WriteString("\n<" + c.URL + ">")
	}
	return b.String()
}

// fitBlocks joins head and as many whole blocks as fit in maxContent,
// dropping citations from the end first; a single block still too long has
// its quote shortened. It returns the content and how many blocks it kept.
func fitBlocks(head string, cites []chokepoint.Citation) (string, int) {
	blocks := make([]string, len(cites))
	for i, c := range cites {
		blocks[i] = citationBlock(c, 0)
	}
	for n := len(blocks); n > 0; n-- {
		s := head + strings.Join(blocks[:n], "\n\n")
		if length(s) <= maxContent {
			return s, n
		}
	}
	if len(cites) == 0 {
		return truncate(head, maxContent), 0
	}
	// One citation alone is too long: shorten its quote until it fits.
	budget := maxContent - length(head) - (length(blocks[0]) - length(cites[0].Quote()))
	for budget > 0 {
		s := head + citationBlock(cites[0], budget)
		if length(s) <= maxContent {
			return s, 1
		}
		budget -= length(s) - maxContent + 8 // escaping grows text; shrink by the excess
	}
	return truncate(head, maxContent), 0
}

// renderAnswer turns an answer into message content and its buttons.
func renderAnswer(a chokepoint.Answer) Reply {
	head := questionPrefix + escape(oneLine(a.Question)) + "\n\n"
	if a.Abstained {
		return Reply{Content: renderAbstain(head, a), Components: feedbackRow(nil)}
	}
	content, kept := fitBlocks(head, a.Citations)
	return Reply{Content: content, Components: answerComponents(a.Citations[:kept], len(a.More) > 0)}
}

// renderMore renders the further citations of an answer.
func renderMore(a chokepoint.Answer) Reply {
	if len(a.More) == 0 {
		return Reply{Content: "There are no more excerpts for this question.", Ephemeral: true}
	}
	head := "More excerpts for: " + escape(oneLine(a.Question)) + "\n\n"
	content, kept := fitBlocks(head, a.More)
	return Reply{Content: content, Components: passageRows(a.More[:kept]), Ephemeral: true}
}

// renderAbstain says the corpus does not answer the question: with the
// closest passages, marked as such, when the answer has them, and the
// nearest articles.
func renderAbstain(head string, a chokepoint.Answer) string {
	refs := a.Suggestions
	var b strings.Builder
	if len(a.Closest) > 0 {
		content, _ := fitBlocks(head+"I found no passage that answers this, so I won't guess. "+
			"The closest passages (they may not answer it):\n\n", a.Closest)
		b.WriteString(content)
		if len(refs) > 0 {
			b.WriteString("\n\nNearest articles:")
		}
	} else {
		b.WriteString(head)
		b.WriteString("The corpus does not cover this question, so I won't guess.")
		if len(refs) > 0 {
			b.WriteString(" The nearest articles are:")
		}
	}
	if len(refs) > 0 {
		for _, r := range refs {
			line := "\n• *" + escape(r.Title) + "*"
			if r.URL != "" {
				line += " <" + r.URL + ">"
			}
			if length(b.String()+line) > maxContent {
				break
			}
			b.WriteString(line)
		}
	}
	return truncate(b.String(), maxContent)
}

// oneLine folds white space so a question stays on the first line, where
// the More button finds it again.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// questionOf recovers the question from a rendered answer's content.
func questionOf(content string) (string, bool) {
	first, _, _ := strings.Cut(content, "\n")
	q, ok := strings.CutPrefix(first, questionPrefix)
	if !ok || q == "" {
		return "", false
	}
	return unescape(q), true
}

// Custom ID prefixes of components. State lives in the custom IDs and the
// message content, so buttons keep working after a restart.
const (
	idMore     = "more"
	idFeedback = "fb:"  // fb:1 or fb:0
	idPassage  = "p:"   // p:DOCID#INDEX
	idSources  = "src:" // src:PAGE:prev|next
)

func feedbackRow(extra []discordgo.MessageComponent) []discordgo.MessageComponent {
	row := append(extra,
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👍"}, Style: discordgo.SecondaryButton, CustomID: idFeedback + "1"},
		discordgo.Button{Emoji: &discordgo.ComponentEmoji{Name: "👎"}, Style: discordgo.SecondaryButton, CustomID: idFeedback + "0"},
	)
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

func answerComponents(cites []chokepoint.Citation, more bool) []discordgo.MessageComponent {
	var first []discordgo.MessageComponent
	if more {
		first = append(first, discordgo.Button{Label: "More excerpts", Style: discordgo.PrimaryButton, CustomID: idMore})
	}
	return append(feedbackRow(first), passageRows(cites)...)
}

// passageRows offers a "Full passage" button per citation, five a row.
func passageRows(cites []chokepoint.Citation) []discordgo.MessageComponent {
	var rows []discordgo.MessageComponent
	var row []discordgo.MessageComponent
	for _, c := range cites {
		id := idPassage + c.PassageID
		if c.PassageID == "" || len(id) > maxCustom {
			continue
		}
		row = append(row, discordgo.Button{Label: fmt.Sprintf("Full passage [%d]", c.N), Style: discordgo.SecondaryButton, CustomID: id})
		if len(row) == rowButtons {
			rows = append(rows, discordgo.ActionsRow{Components: row})
			row = nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: row})
	}
	return rows
}

// renderPassage shows a whole passage.
func renderPassage(h chokepoint.Hit) string {
	head := "**" + escape(h.Title) + "**"
	if h.Passage.Section != "" {
		head += " — " + escape(h.Passage.Section)
	}
	if h.URL != "" {
		head += "\n<" + h.URL + ">"
	}
	head += "\n"
	body := quoteLines(h.Passage.Text)
	if length(head+body) > maxContent {
		body = quoteLines(truncate(h.Passage.Text, maxContent-length(head)-length(h.Passage.Text)/4-16))
	}
	return truncate(head+body, maxContent)
}

// renderHits lists search results, each excerpt bounded, as many as fit.
func renderHits(query string, hits []chokepoint.Citation) string {
	head := "**Search:** " + escape(oneLine(query)) + "\n\n"
	if len(hits) == 0 {
		return head + "No passage matches."
	}
	var b strings.Builder
	b.WriteString(head)
	for _, h := range hits {
		e := citationBlock(h, 280) + "\n\n"
		if length(b.String())+length(e) > maxContent {
			break
		}
		b.WriteString(e)
	}
	return strings.TrimRight(b.String(), "\n")
}
