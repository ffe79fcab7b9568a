package bot

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"chokepoint"
	"chokepoint/bot/discordtest"
)

// fakeFeeds is the subscriptions in memory.
type fakeFeeds struct {
	mu    sync.Mutex
	feeds []FeedInfo
}

func (f *fakeFeeds) AddFeed(_ context.Context, url string) (FeedInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case strings.Contains(url, "not-a-feed"):
		return FeedInfo{}, fmt.Errorf("%s: %w", url, ErrNotFeed)
	case strings.Contains(url, "404"):
		return FeedInfo{FetchError: "HTTP 404 Not Found"}, fmt.Errorf("%s: %w", url, ErrNotFeed)
	}
	for _, have := range f.feeds {
		if have.URL == url {
			return FeedInfo{}, fmt.Errorf("%s: %w", url, ErrFeedExists)
		}
	}
	info := FeedInfo{URL: url, Title: "Mineral <@&1> Watch", Kind: "RSS", Entries: 0}
	f.feeds = append(f.feeds, info)
	return FeedInfo{URL: url, Title: info.Title, Kind: "RSS", Entries: 12}, nil
}

func (f *fakeFeeds) RemoveFeed(_ context.Context, url string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for k, have := range f.feeds {
		if have.URL == url {
			f.feeds = append(f.feeds[:k], f.feeds[k+1:]...)
			return nil
		}
	}
	return fmt.Errorf("%s: %w", url, ErrNoFeed)
}

func (f *fakeFeeds) Feeds(context.Context) ([]FeedInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FeedInfo(nil), f.feeds...), nil
}

// fakeLog is the question log in memory; Gaps groups by exact text.
type fakeLog struct {
	mu        sync.Mutex
	questions []LoggedQuestion
	votes     []LoggedVote
}

func (l *fakeLog) LogQuestion(_ context.Context, q LoggedQuestion) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.questions = append(l.questions, q)
	return nil
}

func (l *fakeLog) LogVote(_ context.Context, v LoggedVote) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.votes = append(l.votes, v)
	return nil
}

func (l *fakeLog) Stats(_ context.Context, since time.Time) (LogStats, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var st LogStats
	for _, q := range l.questions {
		if !q.Asked.Before(since) {
			st.Questions++
			if q.Abstained {
				st.Abstained++
			}
		}
	}
	for _, v := range l.votes {
		if v.Positive {
			st.Up++
		} else {
			st.Down++
		}
	}
	st.P50, st.P90, st.P99 = 120*time.Millisecond, 300*time.Millisecond, 900*time.Millisecond
	return st, nil
}

func (l *fakeLog) Gaps(_ context.Context, since time.Time, limit int) (GapReport, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var rep GapReport
	byText := map[string]int{}
	for _, q := range l.questions {
		if !q.Abstained || q.Asked.Before(since) {
			continue
		}
		rep.Asked++
		k, ok := byText[q.Question]
		if !ok {
			k = len(rep.Gaps)
			byText[q.Question] = k
			rep.Gaps = append(rep.Gaps, Gap{Question: q.Question, Nearest: []chokepoint.DocRef{{Title: "Nearest *Title*"}}})
		}
		rep.Gaps[k].Count++
		rep.Gaps[k].Abstained++
		rep.Gaps[k].LastAsked = q.Asked
	}
	rep.Distinct = len(rep.Gaps)
	if len(rep.Gaps) > limit {
		rep.Gaps = rep.Gaps[:limit]
	}
	return rep, nil
}

func (l *fakeLog) snapshot() ([]LoggedQuestion, []LoggedVote) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]LoggedQuestion(nil), l.questions...), append([]LoggedVote(nil), l.votes...)
}

// feedsEnv is a bot with a question log and feeds, through the fake Discord.
type feedsEnv struct {
	*env
	log   *fakeLog
	feeds *fakeFeeds
}

// startFeedsEnv starts a bot with a question log and feeds; it stops when
// the test ends.
func startFeedsEnv(t *testing.T) *feedsEnv {
	t.Helper()
	fe := &feedsEnv{env: &env{fake: discordtest.New(), answerer: newAnswerer(), corpus: newCorpus(3), metrics: &fakeMetrics{},
		feedback: &syncBuffer{}, done: make(chan error, 1)}, log: &fakeLog{}, feeds: &fakeFeeds{}}
	e := fe.env
	e.session = e.fake.Session("test-token")
	e.bot = New(Config{DevGuildIDs: []string{guildID}, AdminUserIDs: []string{"allow-user"}},
		Deps{Session: e.session, Answerer: e.answerer, Library: e.corpus, Corpus: e.corpus, Metrics: e.metrics,
			Feedback: e.feedback, HTTPClient: e.fake.Client(), Log: fe.log, Feeds: fe.feeds},
		slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	go func() { e.done <- e.bot.Run(ctx) }()
	if _, ok := e.fake.WaitIdentify(wait, 1); !ok {
		t.Fatal("bot never identified")
	}
	t.Cleanup(func() { e.stop(t) })
	return fe
}

func intOpt(name string, v int) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionInteger, Value: float64(v)}
}

func subCmd(name string, opts ...*discordgo.ApplicationCommandInteractionDataOption) *discordgo.ApplicationCommandInteractionDataOption {
	return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}
}

const admin = int64(discordgo.PermissionManageGuild)

// reply returns the text a command ended with: the edit of a deferred
// response, or the first response.
func (e *feedsEnv) reply(t *testing.T, tok string) (content string, ephemeral bool) {
	t.Helper()
	cb := mustWait(t, e.env, "callback", callbackOf(tok))
	ephemeral = flagsOf(data(cb))&64 != 0
	if cb.JSON["type"] == float64(5) {
		// A deferred response carries only its flags; the edit carries the
		// message (developers/interactions/receiving-and-responding).
		ed := mustWait(t, e.env, "edit", editOf(tok))
		checkNoPings(t, "edit", ed.JSON)
		c, _ := ed.JSON["content"].(string)
		return c, ephemeral
	}
	checkNoPings(t, "callback", data(cb))
	c, _ := data(cb)["content"].(string)
	return c, ephemeral
}

func TestFeedsCommand(t *testing.T) {
	e := startFeedsEnv(t)
	url := "https://minerals.example/feed.xml"
	for _, tc := range []struct {
		name string
		user string
		opt  *discordgo.ApplicationCommandInteractionDataOption
		want []string
	}{
		{"list empty", "u-admin", subCmd("list"), []string{"No feeds yet"}},
		{"add", "u-admin", subCmd("add", strOpt("url", url)), []string{"Subscribed to <" + url + ">", "RSS “Mineral \\<@\u200b&1\\> Watch”", "12 entries"}},
		{"add again", "allow-user", subCmd("add", strOpt("url", url)), []string{"already subscribed"}},
		{"add a page", "u-admin", subCmd("add", strOpt("url", "https://x.example/not-a-feed")), []string{"does not serve an RSS, Atom or JSON feed"}},
		{"add a 404", "u-admin", subCmd("add", strOpt("url", "https://x.example/404")), []string{"could not read that URL (HTTP 404 Not Found)"}},
		{"list", "u-admin", subCmd("list"), []string{"**Feeds** (1)", "<" + url + ">", "0 articles", "never read yet"}},
		{"remove unknown", "u-admin", subCmd("remove", strOpt("url", "https://nope.example/")), []string{"No feed with that URL"}},
		{"remove", "u-admin", subCmd("remove", strOpt("url", url)), []string{"Unsubscribed from <" + url + ">"}},
		{"refused", "u-nobody", subCmd("list"), []string{"server managers only"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			perms := admin
			if tc.user != "u-admin" {
				perms = 0
			}
			tok := e.fake.DispatchInteraction(command(tc.user, perms, "feeds", tc.opt))
			content, ephemeral := e.reply(t, tok)
			if !ephemeral {
				t.Errorf("/feeds %s reply is not ephemeral", tc.name)
			}
			for _, w := range tc.want {
				if !strings.Contains(content, w) {
					t.Errorf("/feeds %s = %q, want %q", tc.name, content, w)
				}
			}
		})
	}
}

func TestQuestionLogGapsAndStats(t *testing.T) {
	e := startFeedsEnv(t)
	n := run()
	// A slash question, a mention and a DM are logged; the abstained one twice.
	tok := e.fake.DispatchInteraction(command("u-q"+n, 0, "ask", strOpt("question", answerAbstain.Question)))
	mustWait(t, e.env, "edit", editOf(tok))
	e.fake.DispatchMessage(&discordgo.Message{ID: "m-mention" + n, ChannelID: "chan-log" + n, GuildID: guildID,
		Content: "<@" + e.fake.BotID + "> " + answerAbstain.Question, Author: &discordgo.User{ID: "u-m" + n},
		Mentions: []*discordgo.User{{ID: e.fake.BotID}}})
	mustWait(t, e.env, "mention reply", func(r discordtest.Request) bool { return r.Path == "/channels/chan-log"+n+"/messages" })
	tok = e.fake.DispatchInteraction(command("u-q2"+n, 0, "ask", strOpt("question", answerRussia.Question)))
	mustWait(t, e.env, "edit", editOf(tok))

	var qs []LoggedQuestion
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if qs, _ = e.log.snapshot(); len(qs) >= 3 {
			break
		}
	}
	if len(qs) < 3 {
		t.Fatalf("question log holds %d questions, want 3", len(qs))
	}
	byUser := map[string]LoggedQuestion{}
	for _, q := range qs {
		byUser[q.UserID] = q
	}
	slash, mention, answered := byUser["u-q"+n], byUser["u-m"+n], byUser["u-q2"+n]
	if !slash.Abstained || slash.GuildID != guildID || slash.ChannelID != channelID || slash.Question != answerAbstain.Question {
		t.Errorf("slash question logged as %+v", slash)
	}
	if !mention.Abstained || mention.ChannelID != "chan-log"+n || mention.MessageID == "" {
		t.Errorf("mention logged as %+v, want its channel and the answer's message ID", mention)
	}
	if answered.Abstained || len(answered.Passages) != len(answerRussia.Citations) || answered.Passages[0] != answerRussia.Citations[0].PassageID {
		t.Errorf("answered question logged as %+v, want its cited passages", answered)
	}

	// A 👎 on an answer is logged with the message and question it is on.
	msg := answerMessage(answerRussia)
	tok = e.fake.DispatchInteraction(button("u-vote"+n, idFeedback+"0", msg))
	mustWait(t, e.env, "vote ack", callbackOf(tok))
	_, votes := e.log.snapshot()
	if len(votes) == 0 || votes[len(votes)-1].MessageID != msg.ID || votes[len(votes)-1].Positive || votes[len(votes)-1].Question != answerRussia.Question {
		t.Errorf("votes = %+v, want a 👎 on %s for %q", votes, msg.ID, answerRussia.Question)
	}

	tok = e.fake.DispatchInteraction(command("u-admin", admin, "gaps", intOpt("days", 7)))
	content, ephemeral := e.reply(t, tok)
	for _, w := range []string{"last 7 days", "2 asked, 1 distinct", "**2×** “" + answerAbstain.Question, "nearest: *Nearest \\*Title\\**"} {
		if !strings.Contains(content, w) {
			t.Errorf("/gaps = %q, want %q", content, w)
		}
	}
	if !ephemeral {
		t.Errorf("/gaps is not ephemeral")
	}
	tok = e.fake.DispatchInteraction(command("u-admin", admin, "stats"))
	content, _ = e.reply(t, tok)
	for _, w := range []string{"Last 7 days", "declined 2", "p50 120ms, p90 300ms, p99 900ms", "1 👎"} {
		if !strings.Contains(content, w) {
			t.Errorf("/stats = %q, want %q", content, w)
		}
	}
	if tok := e.fake.DispatchInteraction(command("u-nobody", 0, "gaps")); !strings.Contains(func() string { c, _ := e.reply(t, tok); return c }(), "server managers only") {
		t.Errorf("/gaps for a member without Manage Server was not refused")
	}
}

func TestGapsRendering(t *testing.T) {
	now := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	if got := renderGaps(GapReport{}, 30, now); got != "No unanswered questions in the last 30 days." {
		t.Errorf("renderGaps(empty) = %q", got)
	}
	var rep GapReport
	for k := range 40 {
		rep.Gaps = append(rep.Gaps, Gap{Question: fmt.Sprintf("Question %d about @everyone and `code` %s", k, strings.Repeat("long ", 40)),
			Count: 40 - k, LastAsked: now.Add(-time.Hour), Nearest: []chokepoint.DocRef{{Title: "A"}, {Title: "B"}}})
	}
	rep.Asked, rep.Distinct = 800, 40
	got := renderGaps(rep, 30, now)
	if length(got) > maxContent || !strings.Contains(got, "…and") || strings.Contains(got, "@everyone") {
		t.Errorf("renderGaps(40 long gaps) = %d chars, cut %v, escaped %v", length(got), strings.Contains(got, "…and"), !strings.Contains(got, "@everyone"))
	}
}

// recordingMessenger keeps the messages Announce sends.
type recordingMessenger struct {
	sent []*discordgo.MessageSend
}

func (m *recordingMessenger) ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	m.sent = append(m.sent, data)
	return &discordgo.Message{ID: "x", ChannelID: channelID}, nil
}

func (m *recordingMessenger) MessageThreadStartComplex(string, string, *discordgo.ThreadStart, ...discordgo.RequestOption) (*discordgo.Channel, error) {
	return nil, fmt.Errorf("no threads here")
}

func TestAnnounce(t *testing.T) {
	b := New(Config{}, Deps{Answerer: newAnswerer()}, nil)
	one := &recordingMessenger{}
	if err := b.Announce(context.Background(), one, "chan", []Announcement{{Title: "Gallium *controls* @here", URL: "https://x.example/g"}}); err != nil {
		t.Fatal(err)
	}
	if len(one.sent) != 1 || one.sent[0].Content != "New in the corpus: *Gallium \\*controls\\* @\u200bhere* — <https://x.example/g>" {
		t.Errorf("one announcement = %+v", one.sent)
	}
	if s := one.sent[0]; s.Flags&discordgo.MessageFlagsSuppressEmbeds == 0 || s.AllowedMentions == nil || len(s.AllowedMentions.Parse) != 0 {
		t.Errorf("announcement pings or previews: flags %v, mentions %+v", s.Flags, s.AllowedMentions)
	}
	var many []Announcement
	for k := range 200 {
		many = append(many, Announcement{Title: fmt.Sprintf("Article %d on antimony supply", k), URL: fmt.Sprintf("https://x.example/%d", k)})
	}
	batch := &recordingMessenger{}
	if err := b.Announce(context.Background(), batch, "chan", many); err != nil {
		t.Fatal(err)
	}
	if len(batch.sent) != maxAnnounceMessages || !strings.HasPrefix(batch.sent[0].Content, "New in the corpus (200 articles):") ||
		!strings.Contains(batch.sent[len(batch.sent)-1].Content, "more.") {
		t.Errorf("200 announcements = %d messages, want %d batched, the last counting the rest", len(batch.sent), maxAnnounceMessages)
	}
	for _, s := range batch.sent {
		if length(s.Content) > maxContent {
			t.Errorf("announcement of %d chars", length(s.Content))
		}
	}
}

func TestFeedsAndGapsCommandsAreForAdmins(t *testing.T) {
	for _, c := range Commands() {
		switch c.Name {
		case "feeds", "gaps", "stats":
			if c.DefaultMemberPermissions == nil || *c.DefaultMemberPermissions != admin || c.DMPermission == nil || *c.DMPermission {
				t.Errorf("/%s: default_member_permissions %v, dm %v; want Manage Server, no DMs", c.Name, c.DefaultMemberPermissions, c.DMPermission)
			}
		}
	}
	names := map[string]bool{}
	for _, c := range Commands() {
		names[c.Name] = true
	}
	if !names["feeds"] || !names["gaps"] {
		t.Errorf("commands lack /feeds or /gaps")
	}
}
