package bot

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// TestMoreIsRateLimited (issue 10 item 15): "More excerpts" composes an
// answer, so it spends the user's question allowance: 20 presses within
// the window give RateLimit answers, and the rest a note.
func TestMoreIsRateLimited(t *testing.T) {
	clk := newClock()
	a := newAnswerer()
	b, _, m := newTestBot(Config{Now: clk.Now, RateLimit: 5, RateWindow: 30 * time.Second}, a, nil)
	msg := answerMessage(answerRussia)
	var limited int
	for k := 0; k < 20; k++ {
		r := &recorder{}
		b.HandleInteraction(context.Background(), button("u-more-spam", idMore, msg), r)
		if strings.Contains(r.text(), "faster than I can quote") {
			limited++
			if r.first == nil || r.first.Data.Flags&discordgo.MessageFlagsEphemeral == 0 {
				t.Errorf("press %d: the note should be an ephemeral first response", k)
			}
		}
	}
	if n := a.calls.Load(); n != 5 {
		t.Errorf("20 presses composed %d answers, want 5 (the rate limit)", n)
	}
	if limited != 15 || m.limited.Load() != 15 {
		t.Errorf("limited presses: %d noted, %d counted; want 15", limited, m.limited.Load())
	}
	// Another user still gets more excerpts, and so does this one once
	// the window has passed.
	if r := (&recorder{}); func() bool {
		b.HandleInteraction(context.Background(), button("u-more-other", idMore, msg), r)
		return strings.Contains(r.text(), "faster than")
	}() {
		t.Error("another user was rate-limited")
	}
	clk.Advance(31 * time.Second)
	r := &recorder{}
	b.HandleInteraction(context.Background(), button("u-more-spam", idMore, msg), r)
	if strings.Contains(r.text(), "faster than") {
		t.Error("still limited after the window passed")
	}
}

// TestDuplicateOnlyAfterDelivery (issue 10 item 16): a question counts as
// answered in a channel only once its answer was delivered there, in
// public. Before, a reply that failed to send (or a private one) made the
// next asker hear "the answer is right above" about nothing.
func TestDuplicateOnlyAfterDelivery(t *testing.T) {
	const q = "Why can't Russia replace China?"
	clk := newClock()
	a := newAnswerer()
	b, _, _ := newTestBot(Config{Now: clk.Now, RateLimit: 100, DuplicateWindow: 30 * time.Second}, a, nil)
	askWith := func(user, channel string, private bool, r *recorder) *recorder {
		opts := []*discordgo.ApplicationCommandInteractionDataOption{strOpt("question", q)}
		if private {
			opts = append(opts, boolOpt("private", true))
		}
		i := command(user, 0, "ask", opts...)
		i.ChannelID = channel
		b.HandleInteraction(context.Background(), i, r)
		return r
	}
	answered := func(r *recorder) bool { return strings.Contains(r.text(), "**[1]**") }
	above := func(r *recorder) bool { return strings.Contains(r.text(), "right above") }

	// The first answer's edit fails: nothing was posted.
	failed := askWith("u1", "c-fail", false, &recorder{failEdit: errors.New("discord: 500")})
	if answered(failed) {
		t.Fatal("the failing recorder kept the answer")
	}
	if r := askWith("u2", "c-fail", false, &recorder{}); above(r) || !answered(r) {
		t.Errorf("after an undelivered answer: reply %q, want the answer", r.text())
	}
	// Now it was delivered: a repeat is pointed at it.
	if r := askWith("u3", "c-fail", false, &recorder{}); !above(r) {
		t.Errorf("after a delivered answer: reply %q, want the pointer above", r.text())
	}

	// A private answer is not "above" for anyone else.
	askWith("u1", "c-private", true, &recorder{})
	if r := askWith("u2", "c-private", false, &recorder{}); above(r) || !answered(r) {
		t.Errorf("after a private answer: reply %q, want the answer", r.text())
	}

	// While the first answer is being composed, a repeat is told so, not
	// pointed above.
	a.gate, a.entered = make(chan struct{}), make(chan struct{}, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		askWith("u1", "c-pending", false, &recorder{})
	}()
	mustReceive(t, a.entered, "first answer started")
	r := askWith("u2", "c-pending", false, &recorder{})
	close(a.gate)
	wg.Wait()
	a.gate = nil
	if above(r) || answered(r) || !strings.Contains(r.text(), "being answered") {
		t.Errorf("while the first answer is composed: reply %q, want a note that it is being answered", r.text())
	}
	if r := askWith("u3", "c-pending", false, &recorder{}); !above(r) {
		t.Errorf("once delivered: reply %q, want the pointer above", r.text())
	}
}

// failingMessenger refuses the first n sends and records the rest.
type failingMessenger struct {
	mu    sync.Mutex
	fails int
	sent  []*discordgo.MessageSend
}

func (f *failingMessenger) ChannelMessageSendComplex(_ string, ms *discordgo.MessageSend, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fails > 0 {
		f.fails--
		return nil, errors.New("discord: 500")
	}
	f.sent = append(f.sent, ms)
	return &discordgo.Message{ID: "m"}, nil
}

func (f *failingMessenger) MessageThreadStartComplex(string, string, *discordgo.ThreadStart, ...discordgo.RequestOption) (*discordgo.Channel, error) {
	return nil, errors.New("no threads here")
}

// TestMentionDuplicateOnlyAfterDelivery: a mention whose answer could not
// be sent leaves the question open, so the same question asked again is
// answered rather than silently dropped as a duplicate.
func TestMentionDuplicateOnlyAfterDelivery(t *testing.T) {
	a := newAnswerer()
	b, _, _ := newTestBot(Config{Now: newClock().Now, RateLimit: 100}, a, nil)
	// The answer and then the error reply fail: nothing reached the channel.
	out := &failingMessenger{fails: 2}
	mention := func(user string) {
		b.HandleMessage(context.Background(), out, &discordgo.Message{ID: "m-" + user, ChannelID: "c-mention", GuildID: guildID,
			Content: "<@self> Why can't Russia replace China?", Author: &discordgo.User{ID: user}}, "self")
	}
	mention("u1")
	mention("u2")
	out.mu.Lock()
	defer out.mu.Unlock()
	if len(out.sent) != 1 || !strings.Contains(out.sent[0].Content, "**[1]**") {
		t.Errorf("sent %d messages, want the second asker's answer", len(out.sent))
	}
}
