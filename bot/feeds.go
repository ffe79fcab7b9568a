package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Feeds administers the feed subscriptions. A nil Feeds in Deps makes
// /feeds answer that it is unavailable.
type Feeds interface {
	// AddFeed checks that url serves a feed and subscribes to it; errors
	// wrap ErrNotFeed (not http(s), or no feed there) or ErrFeedExists.
	AddFeed(ctx context.Context, url string) (FeedInfo, error)
	// RemoveFeed unsubscribes; an unknown URL wraps ErrNoFeed.
	RemoveFeed(ctx context.Context, url string) error
	// Feeds lists the subscriptions, oldest first.
	Feeds(ctx context.Context) ([]FeedInfo, error)
}

// Errors a Feeds reports for the bot to explain.
var (
	ErrNotFeed    = errors.New("not a feed")
	ErrFeedExists = errors.New("feed already subscribed")
	ErrNoFeed     = errors.New("no such feed")
)

// FeedInfo is a subscription as /feeds list shows it.
type FeedInfo struct {
	URL, Title string
	Kind       string // "RSS", "Atom", "JSON Feed", "sitemap", "sitemap index", "" before the first poll
	Entries    int    // articles added from it
	// FetchError is why the feed could not be read when checked ("HTTP
	// 404", "timed out"), shown by /feeds add; "" otherwise.
	FetchError  string
	LastSuccess time.Time
	LastError   string // a summary of the last poll's error, "" when it succeeded
	LastErrorAt time.Time
	NextPoll    time.Time
}

func (b *Bot) feedsCmd(ctx context.Context, i *discordgo.Interaction, r Responder, start time.Time) error {
	f := b.deps.Feeds
	if f == nil {
		return tellUser("Feed subscriptions are not available on this deployment (they need a corpus directory).", nil)
	}
	switch sub := subcommand(i); sub {
	case "list":
		list, err := f.Feeds(ctx)
		if err != nil {
			return fmt.Errorf("list feeds: %w", err)
		}
		return b.respondFirst(ctx, r, message(Reply{Content: renderFeeds(list, b.cfg.Now()), Ephemeral: true}), start)
	case "remove":
		url := strings.TrimSpace(stringOption(i, "url"))
		err := f.RemoveFeed(ctx, url)
		if errors.Is(err, ErrNoFeed) {
			return tellUser("No feed with that URL is subscribed; `/feeds list` shows them.", err)
		}
		if err != nil {
			return fmt.Errorf("remove feed: %w", err)
		}
		b.log.Info("feed removed", "url", url, "user_id", userID(i))
		return b.respondFirst(ctx, r, message(Reply{Content: "Unsubscribed from <" + url + ">. Its articles stay in the corpus.", Ephemeral: true}), start)
	case "add":
		url := strings.TrimSpace(stringOption(i, "url"))
		// Checking the feed fetches it: that can take longer than Discord's
		// three seconds.
		if err := b.respondFirst(ctx, r, deferred(true), start); err != nil {
			return err
		}
		info, err := f.AddFeed(ctx, url)
		switch {
		case errors.Is(err, ErrFeedExists):
			return tellUser("That feed is already subscribed.", err)
		case errors.Is(err, ErrNotFeed):
			msg := "That URL does not serve an RSS, Atom or JSON feed or a sitemap I can read."
			if info.FetchError != "" {
				msg = "I could not read that URL (" + escape(info.FetchError) + "), so I did not subscribe."
			}
			return tellUser(msg, err)
		case err != nil:
			return fmt.Errorf("add feed: %w", err)
		}
		b.log.Info("feed added", "url", url, "kind", info.Kind, "user_id", userID(i))
		what := info.Kind
		if info.Title != "" {
			what += " “" + escape(info.Title) + "”"
		}
		content := fmt.Sprintf("Subscribed to <%s>: %s, %d entries now. New articles are added as it is polled.", url, what, info.Entries)
		if err := r.Edit(ctx, Reply{Content: truncate(content, maxContent)}); err != nil {
			return fmt.Errorf("edit feed add: %w", err)
		}
		return nil
	}
	return fmt.Errorf("unknown /feeds subcommand %q", subcommand(i))
}

// renderFeeds lists the subscriptions with their state, as many as fit.
func renderFeeds(list []FeedInfo, now time.Time) string {
	if len(list) == 0 {
		return "No feeds yet. Subscribe with `/feeds add url:`."
	}
	var s strings.Builder
	fmt.Fprintf(&s, "**Feeds** (%d)\n", len(list))
	for k, f := range list {
		var line strings.Builder
		line.WriteString("• <" + f.URL + ">")
		if f.Kind != "" {
			line.WriteString(" " + f.Kind)
		}
		if f.Title != "" {
			line.WriteString(" “" + escape(truncate(f.Title, 60)) + "”")
		}
		fmt.Fprintf(&line, " — %d articles", f.Entries)
		if f.LastSuccess.IsZero() {
			line.WriteString(" · never read yet")
		} else {
			line.WriteString(" · last read " + age(now.Sub(f.LastSuccess)) + " ago")
		}
		if f.LastError != "" {
			line.WriteString(" · last error " + age(now.Sub(f.LastErrorAt)) + " ago: " + escape(truncate(f.LastError, 120)))
		}
		if !f.NextPoll.IsZero() && f.NextPoll.After(now) {
			line.WriteString(" · next in " + age(f.NextPoll.Sub(now)))
		}
		l := truncate(line.String(), 400) + "\n"
		if length(s.String()+l) > maxContent-30 {
			fmt.Fprintf(&s, "…and %d more.", len(list)-k)
			break
		}
		s.WriteString(l)
	}
	return strings.TrimRight(s.String(), "\n")
}

// Announcement is a new article of the corpus, for Announce.
type Announcement struct {
	Title, URL string
}

// maxAnnounceMessages bounds the messages one Announce sends; the rest of a
// large batch is counted, not listed.
const maxAnnounceMessages = 3

// Announce posts new articles in channelID: "New in the corpus: title —
// link", one message for many at once (a few when they do not fit),
// pinging no one and with link previews suppressed.
func (b *Bot) Announce(ctx context.Context, out Messenger, channelID string, items []Announcement) error {
	for _, content := range renderAnnouncements(items) {
		ms := &discordgo.MessageSend{Content: content, AllowedMentions: noMentions(), Flags: discordgo.MessageFlagsSuppressEmbeds}
		if _, err := out.ChannelMessageSendComplex(channelID, ms, discordgo.WithContext(ctx)); err != nil {
			return fmt.Errorf("announce %d articles in %s: %w", len(items), channelID, err)
		}
	}
	return nil
}

func renderAnnouncements(items []Announcement) []string {
	line := func(a Announcement) string {
		s := "*" + escape(truncate(oneLine(a.Title), 200)) + "*"
		if a.URL != "" {
			s += " — <" + a.URL + ">"
		}
		return s
	}
	switch len(items) {
	case 0:
		return nil
	case 1:
		return []string{truncate("New in the corpus: "+line(items[0]), maxContent)}
	}
	var msgs []string
	cur := fmt.Sprintf("New in the corpus (%d articles):\n", len(items))
	for k, a := range items {
		l := "• " + line(a) + "\n"
		if length(cur+l) > maxContent-40 {
			if len(msgs) == maxAnnounceMessages-1 {
				cur += fmt.Sprintf("…and %d more.", len(items)-k)
				break
			}
			msgs = append(msgs, strings.TrimRight(cur, "\n"))
			cur = ""
		}
		cur += l
	}
	return append(msgs, strings.TrimRight(cur, "\n"))
}

// feedsCommand is the /feeds definition.
func feedsCommand(admin *int64, noDM *bool, guildOnly *[]discordgo.InteractionContextType, guildInstall *[]discordgo.ApplicationIntegrationType) *discordgo.ApplicationCommand {
	url := func(desc string) []*discordgo.ApplicationCommandOption {
		return []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "url",
			Description: desc, Required: true, MaxLength: 2000}}
	}
	return &discordgo.ApplicationCommand{Name: "feeds", Description: "Subscribe the corpus to feeds and sitemaps (admins)",
		DefaultMemberPermissions: admin, DMPermission: noDM, Contexts: guildOnly, IntegrationTypes: guildInstall,
		Options: []*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", Description: "Subscribe to an RSS, Atom or JSON feed or a sitemap",
				Options: url("The feed's or sitemap's URL (http or https)")},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Unsubscribe (its articles stay)",
				Options: url("The subscribed URL, as /feeds list shows it")},
			{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "list", Description: "Subscriptions, last success, last error, articles"},
		}}
}
