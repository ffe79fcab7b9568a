package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"chokepoint/bot"
	"chokepoint/feeds"
	"chokepoint/store"
)

// questionLog is the bot's question log over the store, grouping gaps
// with the library's index.
type questionLog struct {
	st  *store.Store
	src gapSource
	// key hashes user IDs (HMAC-SHA-256); nil keeps none.
	key []byte
}

var _ bot.QuestionLog = (*questionLog)(nil)

func newQuestionLog(st *store.Store, lib *library, key Secret) *questionLog {
	l := &questionLog{st: st, src: gapSource{log: st, an: lib.idx, nearest: lib.idx}}
	if key != "" {
		l.key = []byte(key)
	}
	return l
}

// userHash is the keyed hash stored for a user ID, "" when no key is
// configured: then no trace of the user is kept.
func (l *questionLog) userHash(id string) string {
	if l.key == nil || id == "" {
		return ""
	}
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// LogQuestion records a question without its asker's ID.
func (l *questionLog) LogQuestion(ctx context.Context, q bot.LoggedQuestion) error {
	_, err := l.st.LogQuestion(ctx, store.Question{Asked: q.Asked, GuildID: q.GuildID, ChannelID: q.ChannelID,
		MessageID: q.MessageID, UserHash: l.userHash(q.UserID), Text: q.Question, Abstained: q.Abstained,
		Passages: q.Passages, Latency: q.Latency})
	return err
}

// LogVote records a vote; a vote on an answer the log does not hold is
// dropped.
func (l *questionLog) LogVote(ctx context.Context, v bot.LoggedVote) error {
	_, err := l.st.RecordVote(ctx, store.Vote{At: v.At, GuildID: v.GuildID, ChannelID: v.ChannelID, MessageID: v.MessageID,
		Question: v.Question, Voter: l.userHash(v.UserID), Positive: v.Positive})
	return err
}

// Stats summarises the log since a time.
func (l *questionLog) Stats(ctx context.Context, since time.Time) (bot.LogStats, error) {
	st, err := l.st.Stats(ctx, since)
	if err != nil {
		return bot.LogStats{}, err
	}
	return bot.LogStats{Questions: st.Questions, Abstained: st.Abstained, Up: st.Up, Down: st.Down, Voted: st.Voted,
		P50: st.P50, P90: st.P90, P99: st.P99}, nil
}

// Gaps groups the unanswered questions since a time.
func (l *questionLog) Gaps(ctx context.Context, since time.Time, limit int) (bot.GapReport, error) {
	gs, asked, distinct, err := findGaps(ctx, l.src, since, limit)
	if err != nil {
		return bot.GapReport{}, err
	}
	rep := bot.GapReport{Asked: asked, Distinct: distinct}
	for _, g := range gs {
		rep.Gaps = append(rep.Gaps, bot.Gap{Question: g.Question, Count: g.Count, Abstained: g.Abstained,
			Downvoted: g.Downvoted, LastAsked: g.LastAsked, Nearest: g.Nearest})
	}
	return rep, nil
}

// pruneEvery is how often serve enforces the log's retention.
const pruneEvery = time.Hour

// pruneLog deletes questions older than the retention now and every
// pruneEvery until ctx ends.
func pruneLog(ctx context.Context, st *store.Store, retention time.Duration, log *slog.Logger) {
	t := time.NewTicker(pruneEvery)
	defer t.Stop()
	for {
		n, err := st.Prune(ctx, time.Now().Add(-retention))
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("question log prune failed", "err", err)
		case n > 0:
			log.Info("question log pruned", "deleted", n, "retention", retention)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// feedAdmin is the bot's /feeds over the store and the poller.
type feedAdmin struct {
	st     *store.Store
	poller *feeds.Poller
	// wake asks the running poller to poll at once; nil when this process
	// does not poll.
	wake func()
}

var _ bot.Feeds = (*feedAdmin)(nil)

// AddFeed checks and subscribes to a feed, and has it polled at once.
func (f *feedAdmin) AddFeed(ctx context.Context, url string) (bot.FeedInfo, error) {
	c, err := addFeed(ctx, f.st, f.poller, url, time.Now())
	var ce *checkError
	switch {
	case errors.Is(err, store.ErrFeedExists):
		return bot.FeedInfo{}, fmt.Errorf("%w: %w", bot.ErrFeedExists, err)
	case errors.Is(err, feeds.ErrNotFeed), errors.Is(err, errNotHTTP):
		return bot.FeedInfo{}, fmt.Errorf("%w: %w", bot.ErrNotFeed, err)
	case errors.As(err, &ce) && ctx.Err() == nil:
		// The URL could not be fetched: tell the admin why, briefly.
		return bot.FeedInfo{FetchError: feedErrorSummary(err.Error())}, fmt.Errorf("%w: %w", bot.ErrNotFeed, err)
	case err != nil:
		return bot.FeedInfo{}, err
	}
	if f.wake != nil {
		f.wake()
	}
	return bot.FeedInfo{URL: c.url, Title: c.title, Kind: kindName(c.kind), Entries: c.entries}, nil
}

// RemoveFeed unsubscribes.
func (f *feedAdmin) RemoveFeed(ctx context.Context, url string) error {
	err := f.st.RemoveFeed(ctx, url)
	if errors.Is(err, store.ErrNoFeed) {
		return fmt.Errorf("%w: %w", bot.ErrNoFeed, err)
	}
	return err
}

// Feeds lists the subscriptions.
func (f *feedAdmin) Feeds(ctx context.Context) ([]bot.FeedInfo, error) {
	list, err := f.st.Feeds(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]bot.FeedInfo, len(list))
	for i, s := range list {
		out[i] = bot.FeedInfo{URL: s.URL, Title: s.Title, Kind: kindName(feeds.Kind(s.Kind)), Entries: s.Entries,
			LastSuccess: s.LastSuccess, LastErrorAt: s.LastErrorAt, NextPoll: s.NextPoll}
		if s.LastError != "" {
			out[i].LastError = feedErrorSummary(s.LastError)
		}
	}
	return out, nil
}

func kindName(k feeds.Kind) string {
	return map[feeds.Kind]string{feeds.RSS: "RSS", feeds.Atom: "Atom", feeds.JSONFeed: "JSON Feed",
		feeds.Sitemap: "sitemap", feeds.SitemapIndex: "sitemap index"}[k]
}

// feedErrorSummary turns a poll's error into a few words for /feeds: the
// status, "timed out", where the XML broke; never addresses or internals.
func feedErrorSummary(msg string) string {
	lower := strings.ToLower(msg)
	switch {
	case strings.Contains(msg, "HTTP "):
		s := msg[strings.Index(msg, "HTTP "):]
		if i := strings.IndexAny(s, ";\n"); i > 0 {
			s = s[:i]
		}
		return oneLine(s, 60)
	case strings.Contains(lower, "timed out"), strings.Contains(lower, "deadline exceeded"), strings.Contains(lower, "timeout"):
		return "timed out"
	case strings.Contains(msg, "address not allowed"):
		return "the address is private or reserved, so it is refused"
	case strings.Contains(msg, "malformed XML at line"):
		s := msg[strings.Index(msg, "malformed XML at line"):]
		if i := strings.Index(s, ":"); i > 0 {
			s = s[:i]
		}
		return s
	case strings.Contains(msg, "malformed JSON Feed"):
		return "malformed JSON Feed"
	case strings.Contains(msg, feeds.ErrNotFeed.Error()):
		return "not an RSS, Atom or JSON feed or a sitemap"
	case strings.Contains(lower, "no such host"):
		return "host not found"
	case strings.Contains(lower, "connection refused"):
		return "connection refused"
	case strings.Contains(msg, "byte cap"):
		return "too large"
	}
	return "could not be read"
}

// serveStore opens the store for serve and wires the question log and
// /feeds into deps; it returns the store (nil when neither is on) and the
// poller (nil without a corpus directory).
func serveStore(ctx context.Context, cfg Config, getenv func(string) string, lib *library, deps *bot.Deps, log *slog.Logger) (*store.Store, *feeds.Poller, error) {
	if !cfg.Questions.Enabled && cfg.Corpus == "" {
		return nil, nil, nil
	}
	st, err := openStore(ctx, cfg, getenv)
	if err != nil {
		return nil, nil, err
	}
	log.Info("store open", "path", st.Path(), "question_log", cfg.Questions.Enabled, "user_hash", cfg.Questions.UserHashKey != "")
	if cfg.Questions.Enabled {
		deps.Log = newQuestionLog(st, lib, cfg.Questions.UserHashKey)
	}
	if cfg.Corpus == "" {
		return st, nil, nil
	}
	p := feeds.New(st, lib, feedOptions(cfg))
	fa := &feedAdmin{st: st, poller: p}
	if cfg.Feeds.Poll {
		fa.wake = p.Wake
	}
	deps.Feeds = fa
	return st, p, nil
}

// runFeeds polls until ctx ends, logging each feed's poll and announcing
// new articles in the configured channel through out (when not nil).
func runFeeds(ctx context.Context, cfg Config, p *feeds.Poller, b *bot.Bot, out bot.Messenger, log *slog.Logger) {
	report := func(r feeds.Report) {
		attrs := []any{"feed", r.Feed, "entries", r.Entries, "new", r.New, "added", len(r.Added), "duplicates", r.Duplicates,
			"refused", r.Refused, "failed", r.Failed, "waiting", r.Waiting, "next_poll", r.Next}
		switch {
		case r.Err != nil:
			log.Warn("feed poll failed", append(attrs, "err", r.Err)...)
		case r.NotModified:
			log.Debug("feed not modified", "feed", r.Feed, "next_poll", r.Next)
		default:
			log.Info("feed polled", attrs...)
		}
	}
	var announce func(context.Context, []feeds.Added)
	if ch := cfg.Feeds.AnnounceChannel; ch != "" && out != nil {
		announce = func(ctx context.Context, added []feeds.Added) {
			items := make([]bot.Announcement, len(added))
			for i, a := range added {
				items[i] = bot.Announcement{Title: a.Title, URL: a.URL}
			}
			if err := b.Announce(ctx, out, ch, items); err != nil {
				log.Warn("announce new articles failed", "channel_id", ch, "articles", len(items), "err", err)
			}
		}
	}
	log.Info("polling feeds", "interval", cfg.Feeds.Interval, "host_delay", cfg.Feeds.HostDelay, "announce_channel", cfg.Feeds.AnnounceChannel)
	if err := p.Run(ctx, report, announce); err != nil {
		log.Error("feed poller stopped", "err", err)
	}
}
