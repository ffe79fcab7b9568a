package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"chokepoint"
)

// answer asks the Answerer, counts the result and maps bad questions to
// user-facing errors.
func (b *Bot) answer(ctx context.Context, q string) (chokepoint.Answer, error) {
	start := b.cfg.Now()
	a, err := b.deps.Answerer.Answer(ctx, q)
	switch {
	case errors.Is(err, chokepoint.ErrEmptyQuestion):
		return a, tellUser("Please ask a question with some words in it.", nil)
	case errors.Is(err, chokepoint.ErrQuestionTooLong):
		return a, errTooLong
	case err != nil:
		return a, fmt.Errorf("answer %q: %w", q, err)
	}
	took := b.cfg.Now().Sub(start)
	b.metrics.Answered(a.Abstained, took)
	b.stats.answered(a.Abstained, took)
	return a, nil
}

// errTooLong refuses a question longer than MaxQuestion.
var errTooLong = tellUser(fmt.Sprintf("That question is too long; please keep it under %d characters.", MaxQuestion), nil)

// admit applies the rate limit and the duplicate window to a question and
// counts rate-limited ones; it returns the verdict and the text to tell the
// user instead of answering, or "" when the question is allowed. With
// claim, an allowed question is pending in channel until settle.
func (b *Bot) admit(user, channel, question string, claim bool) (verdict, string) {
	v := b.limits.admit(b.cfg.Now(), user, channel, question, claim)
	switch v {
	case limited:
		b.metrics.RateLimited()
		b.stats.rateLimited()
		return v, fmt.Sprintf("You're asking faster than I can quote: at most %d questions every %s. Please wait a moment.",
			b.cfg.RateLimit, b.cfg.RateWindow)
	case duplicate:
		return v, "That question was just asked in this channel; the answer is right above."
	case answering:
		return v, "That question is being answered in this channel right now."
	}
	return v, ""
}

// settle records whether the answer to a question claimed by admit was
// delivered to channel.
func (b *Bot) settle(channel, question string, delivered bool) {
	b.limits.settle(b.cfg.Now(), channel, question, delivered)
}

func (b *Bot) ask(ctx context.Context, i *discordgo.Interaction, r Responder, start time.Time) error {
	q := strings.TrimSpace(stringOption(i, "question"))
	private := boolOption(i, "private")
	if length(q) > MaxQuestion {
		return errTooLong
	}
	// A private answer is not "right above" for anyone else: it does not
	// claim the question in the channel.
	if _, note := b.admit(userID(i), i.ChannelID, q, !private); note != "" {
		return b.respondFirst(ctx, r, message(Reply{Content: note, Ephemeral: true}), start)
	}
	if private {
		return b.answerDeferred(ctx, r, start, q, private, renderAnswer, i)
	}
	delivered := false // stays false on a panic
	defer func() { b.settle(i.ChannelID, q, delivered) }()
	err := b.answerDeferred(ctx, r, start, q, private, renderAnswer, i)
	delivered = err == nil
	return err
}

// answerDeferred defers the response (ephemeral when private), answers q
// and edits the answer, rendered by render, into the deferred message. The
// answer to a question asked by i (nil for a repeat) goes into the log.
func (b *Bot) answerDeferred(ctx context.Context, r Responder, start time.Time, q string, private bool, render func(chokepoint.Answer) Reply, i *discordgo.Interaction) error {
	if err := b.respondFirst(ctx, r, deferred(private), start); err != nil {
		return err
	}
	began := b.cfg.Now()
	a, err := b.answer(ctx, q)
	if err != nil {
		return err
	}
	// The answer is logged before it is shown, so that /gaps and /stats
	// count every answer a member has seen.
	if i != nil {
		b.logAnswer(ctx, LoggedQuestion{Asked: began, GuildID: i.GuildID, ChannelID: i.ChannelID, UserID: userID(i), Latency: b.cfg.Now().Sub(began)}, a)
	}
	if err := r.Edit(ctx, render(a)); err != nil {
		return fmt.Errorf("edit answer: %w", err)
	}
	return nil
}

func (b *Bot) search(ctx context.Context, i *discordgo.Interaction, r Responder, start time.Time) error {
	q := strings.TrimSpace(stringOption(i, "query"))
	if _, note := b.admit(userID(i), "", "search:"+q, false); note != "" {
		return b.respondFirst(ctx, r, message(Reply{Content: note, Ephemeral: true}), start)
	}
	if err := b.respondFirst(ctx, r, deferred(false), start); err != nil {
		return err
	}
	hits, err := b.deps.Answerer.Search(ctx, q, 5)
	if errors.Is(err, chokepoint.ErrEmptyQuestion) {
		return tellUser("Please give some words to search for.", nil)
	}
	if err != nil {
		return fmt.Errorf("search %q: %w", q, err)
	}
	cites := make([]chokepoint.Citation, len(hits))
	for k, h := range hits {
		// The whole passage as the excerpt: renderHits bounds it.
		cites[k] = chokepoint.Citation{N: k + 1, DocID: h.Passage.DocID, PassageID: h.Passage.ID(),
			Title: h.Title, Section: h.Passage.Section, URL: h.URL, Excerpt: h.Passage.Text, Score: h.Score}
	}
	if err := r.Edit(ctx, Reply{Content: renderHits(q, cites), Components: passageRows(cites)}); err != nil {
		return fmt.Errorf("edit search: %w", err)
	}
	return nil
}

func (b *Bot) library() (Library, error) {
	if b.deps.Library == nil {
		return nil, tellUser("The article list is not available right now.", nil)
	}
	return b.deps.Library, nil
}

func (b *Bot) source(ctx context.Context, i *discordgo.Interaction, r Responder, start time.Time) error {
	lib, err := b.library()
	if err != nil {
		return err
	}
	key := strings.TrimSpace(stringOption(i, "title"))
	d, err := lib.Document(key)
	if errors.Is(err, chokepoint.ErrNotFound) {
		// The user may have typed a title rather than picking a suggestion.
		found := false
		for _, doc := range lib.Documents() {
			if strings.EqualFold(doc.Title, key) {
				d, err, found = doc, nil, true
				break
			}
		}
		if !found {
			return tellUser("I have no article with that title; pick one of the suggestions.", err)
		}
	}
	if err != nil {
		return fmt.Errorf("document %q: %w", key, err)
	}
	return b.respondFirst(ctx, r, message(Reply{Content: renderDocument(d)}), start)
}

func renderDocument(d chokepoint.Document) string {
	var s strings.Builder
	s.WriteString("**" + escape(d.Title) + "**\n")
	var meta []string
	for _, m := range []string{d.Source, d.Author, d.Published} {
		if m != "" {
			meta = append(meta, escape(m))
		}
	}
	if len(meta) > 0 {
		s.WriteString(strings.Join(meta, " · ") + "\n")
	}
	if d.URL != "" {
		s.WriteString("<" + d.URL + ">\n")
	}
	if rv := d.Reviews; rv != nil {
		s.WriteString("Reviews: *" + escape(rv.Title) + "*")
		if rv.Source != "" {
			s.WriteString(" (" + escape(rv.Source) + ")")
		}
		if rv.URL != "" {
			s.WriteString(" <" + rv.URL + ">")
		}
		s.WriteString("\n")
	}
	if len(d.Sections) > 0 {
		s.WriteString("Sections: " + escape(strings.Join(d.Sections, " · ")) + "\n")
	}
	s.WriteString("ID: " + escape(d.ID))
	return truncate(s.String(), maxContent)
}

const sourcesPerPage = 10

func (b *Bot) sources(ctx context.Context, i *discordgo.Interaction, r Responder, start time.Time) error {
	lib, err := b.library()
	if err != nil {
		return err
	}
	return b.respondFirst(ctx, r, message(renderSources(lib.Documents(), 0)), start)
}

// renderSources renders one page of the article list with prev/next
// buttons; the page number lives in the custom IDs.
func renderSources(docs []chokepoint.Document, page int) Reply {
	pages := (len(docs) + sourcesPerPage - 1) / sourcesPerPage
	if pages == 0 {
		return Reply{Content: "The corpus has no articles yet."}
	}
	page = min(max(page, 0), pages-1)
	var s strings.Builder
	fmt.Fprintf(&s, "**Sources** — %d articles, page %d/%d\n", len(docs), page+1, pages)
	for k := page * sourcesPerPage; k < min(len(docs), (page+1)*sourcesPerPage); k++ {
		d := docs[k]
		line := fmt.Sprintf("%d. *%s*", k+1, escape(d.Title))
		if d.Source != "" {
			line += " — " + escape(d.Source)
		}
		if d.URL != "" {
			line += " <" + d.URL + ">"
		}
		s.WriteString(truncate(line, 190) + "\n")
	}
	row := discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "◀ Previous", Style: discordgo.SecondaryButton, CustomID: idSources + strconv.Itoa(page-1) + ":prev", Disabled: page == 0},
		discordgo.Button{Label: "Next ▶", Style: discordgo.SecondaryButton, CustomID: idSources + strconv.Itoa(page+1) + ":next", Disabled: page >= pages-1},
	}}
	return Reply{Content: truncate(s.String(), maxContent), Components: []discordgo.MessageComponent{row}}
}

func (b *Bot) about(ctx context.Context, r Responder, start time.Time) error {
	var s strings.Builder
	s.WriteString("**Chokepoint**")
	if b.cfg.Version != "" {
		s.WriteString(" " + escape(b.cfg.Version))
	}
	s.WriteString(" — answers from a corpus of supply-chain critique articles, quoted verbatim with citations.\n")
	if b.deps.Corpus != nil {
		st := b.deps.Corpus.Status()
		fmt.Fprintf(&s, "Corpus: %d articles, %d passages.\n", st.Documents, st.Passages)
		if st.LastReindex.IsZero() {
			s.WriteString("Index: never rebuilt since start.")
		} else {
			fmt.Fprintf(&s, "Index age: %s.", age(b.cfg.Now().Sub(st.LastReindex)))
		}
	} else if b.deps.Library != nil {
		fmt.Fprintf(&s, "Corpus: %d articles.", len(b.deps.Library.Documents()))
	}
	return b.respondFirst(ctx, r, message(Reply{Content: s.String()}), start)
}

// age renders a duration coarsely, as a person would say it.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "under a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%.1f h", d.Hours())
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
