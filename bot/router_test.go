package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"chokepoint"
)

// newTestBot returns a bot for direct router tests (no network) and its
// log output.
func newTestBot(cfg Config, a *fakeAnswerer, c *fakeCorpus) (*Bot, *syncBuffer, *fakeMetrics) {
	logs := &syncBuffer{}
	m := &fakeMetrics{}
	deps := Deps{Answerer: a, Metrics: m}
	if c != nil {
		deps.Library, deps.Corpus = c, c
	}
	return New(cfg, deps, slog.New(slog.NewJSONHandler(logs, nil))), logs, m
}

func ask(b *Bot, user, channel, q string) *recorder {
	i := command(user, 0, "ask", strOpt("question", q))
	i.ChannelID = channel
	r := &recorder{}
	b.HandleInteraction(context.Background(), i, r)
	return r
}

func TestRateLimitAndDuplicates(t *testing.T) {
	clk := newClock()
	a := newAnswerer()
	b, _, m := newTestBot(Config{Now: clk.Now, RateLimit: 3, RateWindow: 30 * time.Second, DuplicateWindow: 30 * time.Second}, a, nil)

	steps := []struct {
		advance       time.Duration
		user, channel string
		q             string
		want          string // "answer", "limited" or "duplicate"
	}{
		{0, "u1", "c1", "Why can't Russia replace China?", "answer"},
		{time.Second, "u2", "c1", "why can't russia replace china", "duplicate"},
		{0, "u2", "c2", "Why can't Russia replace China?", "answer"}, // another channel
		{0, "u1", "c1", "What about gallium?", "answer"},
		{0, "u1", "c1", "What about germanium?", "answer"},
		{0, "u1", "c1", "What about antimony?", "limited"},  // 4th within 30s
		{0, "u1", "c1", "What about gallium?", "duplicate"}, // duplicate check comes first
		{31 * time.Second, "u1", "c1", "What about antimony?", "answer"},
		{0, "u2", "c1", "Why can't Russia replace China?", "answer"}, // duplicate window passed
	}
	for k, s := range steps {
		clk.Advance(s.advance)
		calls := a.calls.Load()
		r := ask(b, s.user, s.channel, s.q)
		answered := a.calls.Load() > calls
		var got string
		switch {
		case answered:
			got = "answer"
		case strings.Contains(r.text(), "faster than I can quote"):
			got = "limited"
		case strings.Contains(r.text(), "just asked in this channel"):
			got = "duplicate"
		default:
			got = r.text()
		}
		if got != s.want {
			t.Errorf("step %d: ask(%s, %s, %q) = %s, want %s", k, s.user, s.channel, s.q, got, s.want)
		}
		if got != "answer" && (r.first == nil || r.first.Data.Flags&discordgo.MessageFlagsEphemeral == 0) {
			t.Errorf("step %d: %s note should be an ephemeral first response", k, got)
		}
	}
	if m.limited.Load() != 1 {
		t.Errorf("RateLimited counted %d times, want 1", m.limited.Load())
	}
}

func TestErrorExitHidesInternals(t *testing.T) {
	for _, tc := range []struct {
		name    string
		a       *fakeAnswerer
		wantMsg string
		wantLog string
	}{
		{"internal error", &fakeAnswerer{err: errors.New("bleve: segment 7 corrupt at /var/lib/secret")}, friendlyError, "segment 7 corrupt"},
		{"panic", &fakeAnswerer{panics: true}, friendlyError, "answerer exploded"},
		{"too long", &fakeAnswerer{err: chokepoint.ErrQuestionTooLong}, "too long", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, logs, _ := newTestBot(Config{}, tc.a, nil)
			r := ask(b, "u", "c", "Why can't Russia replace China?")
			if r.respondN != 1 {
				t.Errorf("first responses = %d, want 1 (deferred, then the error as an edit)", r.respondN)
			}
			if len(r.edits) != 1 || !strings.Contains(r.edits[0].Content, tc.wantMsg) {
				t.Fatalf("edits = %+v, want one with %q", r.edits, tc.wantMsg)
			}
			if strings.Contains(r.text(), "bleve") || strings.Contains(r.text(), "exploded") {
				t.Errorf("user saw internals: %q", r.text())
			}
			if !strings.Contains(logs.String(), tc.wantLog) || (tc.wantLog != "" && !strings.Contains(logs.String(), `"err":`)) {
				t.Errorf("log = %s, want the full error under key err", logs.String())
			}
		})
	}
}

func TestAdminCheck(t *testing.T) {
	b, _, _ := newTestBot(Config{AdminRoleIDs: []string{"role-mod"}, AdminUserIDs: []string{"u-ok"}}, newAnswerer(), newCorpus(3))
	dm := command("u-ok", 0, "stats")
	dm.GuildID, dm.Member, dm.User = "", nil, &discordgo.User{ID: "u-ok"}
	role := command("u-r", 0, "stats")
	role.Member.Roles = []string{"role-mod"}
	for _, tc := range []struct {
		name string
		i    *discordgo.Interaction
		want bool
	}{
		{"manage server", command("u-m", int64(discordgo.PermissionManageGuild), "stats"), true},
		{"administrator", command("u-a", int64(discordgo.PermissionAdministrator), "stats"), true},
		{"plain member", command("u-p", int64(discordgo.PermissionSendMessages|discordgo.PermissionManageMessages), "stats"), false},
		{"allowlisted user", command("u-ok", 0, "stats"), true},
		{"allowlisted role", role, true},
		{"dm even if allowlisted", dm, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{}
			b.HandleInteraction(context.Background(), tc.i, r)
			got := strings.Contains(r.text(), "Questions answered")
			if got != tc.want {
				t.Errorf("/stats as %s: allowed = %v, want %v (reply %q)", tc.name, got, tc.want, r.text())
			}
		})
	}
}

func TestCommandsRender(t *testing.T) {
	c := newCorpus(12)
	b, _, _ := newTestBot(Config{Version: "v9.9", Now: newClock().Now}, newAnswerer(), c)
	ask(b, "u", "c", "Why can't Russia replace China?")
	for _, tc := range []struct {
		name string
		i    *discordgo.Interaction
		want []string
	}{
		{"about", command("u", 0, "about"), []string{"v9.9", "12 articles", "120 passages", "Index age: 3.0 h"}},
		{"help", command("u", 0, "help"), []string{"/ask", "DM me"}},
		{"sources", command("u", 0, "sources"), []string{"12 articles, page 1/2", "10. *Critique 9"}},
		{"source by id", command("u", 0, "source", strOpt("title", c.docs[2].ID)), []string{"**Critique 2: Rare Earth Processing in Russia**", "<https://example.org/critiques/2>"}},
		{"source by title", command("u", 0, "source", strOpt("title", "critique 3: rare earth processing in russia")), []string{"ID: russia/003"}},
		{"source unknown", command("u", 0, "source", strOpt("title", "nope")), []string{"no article with that title"}},
		{"search", command("u", 0, "search", strOpt("query", "separation plants")), []string{"**Search:** separation plants", "**[1]**", "\\<@\u200b&123\\>"}},
		{"stats", command("u", int64(discordgo.PermissionManageGuild), "stats"), []string{"Questions answered: 1 (abstained: 0)", "p50"}},
		{"corpus status", command("u", int64(discordgo.PermissionManageGuild), "corpus",
			&discordgo.ApplicationCommandInteractionDataOption{Name: "status", Type: discordgo.ApplicationCommandOptionSubCommand}), []string{"12 documents", "2026-11-26T09:00:00Z"}},
		{"corpus remove", command("u", int64(discordgo.PermissionManageGuild), "corpus",
			&discordgo.ApplicationCommandInteractionDataOption{Name: "remove", Type: discordgo.ApplicationCommandOptionSubCommand,
				Options: []*discordgo.ApplicationCommandInteractionDataOption{strOpt("id", c.docs[0].ID)}}), []string{"Removed russia/000"}},
		{"corpus remove unknown", command("u", int64(discordgo.PermissionManageGuild), "corpus",
			&discordgo.ApplicationCommandInteractionDataOption{Name: "remove", Type: discordgo.ApplicationCommandOptionSubCommand,
				Options: []*discordgo.ApplicationCommandInteractionDataOption{strOpt("id", "ghost/1")}}), []string{"no document with ID ghost/1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{}
			b.HandleInteraction(context.Background(), tc.i, r)
			for _, w := range tc.want {
				if !strings.Contains(r.text(), w) {
					t.Errorf("/%s reply %q lacks %q", tc.name, r.text(), w)
				}
			}
		})
	}
}

func TestPingPong(t *testing.T) {
	b, _, _ := newTestBot(Config{}, newAnswerer(), nil)
	r := &recorder{}
	b.HandleInteraction(context.Background(), &discordgo.Interaction{Type: discordgo.InteractionPing}, r)
	if r.first == nil || r.first.Type != discordgo.InteractionResponsePong {
		t.Errorf("PING answered with %+v, want PONG", r.first)
	}
}

func TestFeedbackLogIsJSONLines(t *testing.T) {
	buf := &bytes.Buffer{}
	b := New(Config{}, Deps{Answerer: newAnswerer(), Feedback: buf}, nil)
	for k, id := range []string{idFeedback + "1", idFeedback + "0"} {
		b.HandleInteraction(context.Background(), button(fmt.Sprint("u", k), id, answerMessage(answerRussia)), &recorder{})
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"positive":true`) || !strings.Contains(lines[1], `"positive":false`) {
		t.Errorf("feedback log = %q, want two JSON lines, 👍 then 👎", buf.String())
	}
	if s := b.stats.snapshot(); s.Positive != 1 || s.Negative != 1 {
		t.Errorf("stats feedback = %d/%d, want 1/1", s.Positive, s.Negative)
	}
}
