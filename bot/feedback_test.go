package bot

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
)

// panicWriter panics on its first write and keeps the later ones.
type panicWriter struct {
	writes atomic.Int64
	buf    syncBuffer
}

func (w *panicWriter) Write(p []byte) (int, error) {
	if w.writes.Add(1) == 1 {
		panic("feedback disk exploded")
	}
	return w.buf.Write(p)
}

// TestFeedbackWriterPanicReleasesLock (issue 10 item 27): a panic inside
// the feedback writer reaches the error exit, and the lock that serialises
// feedback lines is released: the next vote is written instead of blocking
// forever (and shutdown with it).
func TestFeedbackWriterPanicReleasesLock(t *testing.T) {
	w := &panicWriter{}
	b, logs, _ := newTestBot(Config{}, newAnswerer(), nil)
	b.deps.Feedback = w
	msg := answerMessage(answerRussia)
	r1 := &recorder{}
	b.HandleInteraction(context.Background(), button("u-panic-1", idFeedback+"1", msg), r1)
	if !strings.Contains(r1.text(), friendlyError) {
		t.Errorf("vote whose write panicked: reply %q, want the friendly error", r1.text())
	}
	if !strings.Contains(logs.String(), "feedback disk exploded") {
		t.Errorf("the panic was not logged:\n%s", logs)
	}
	r2 := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.HandleInteraction(context.Background(), button("u-panic-2", idFeedback+"0", msg), r2)
	}()
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatal("the vote after a panicking write blocked: the feedback lock is still held")
	}
	if !strings.Contains(r2.text(), "Thanks for the feedback") {
		t.Errorf("second vote: reply %q, want thanks", r2.text())
	}
	if got := w.buf.String(); !strings.Contains(got, `"user_id":"u-panic-2"`) {
		t.Errorf("feedback log = %q, want the second vote", got)
	}
}

// TestOneVotePerUserAndMessage (issue 10 item 26): one user pressing 👍
// a thousand times on one answer is one vote: one feedback line, one
// count, one log line. Other users and other answers still vote.
func TestOneVotePerUserAndMessage(t *testing.T) {
	fb := &syncBuffer{}
	b, logs, m := newTestBot(Config{}, newAnswerer(), nil)
	b.deps.Feedback = fb
	msg := answerMessage(answerRussia)
	other := answerMessage(answerMentions)
	other.ID = "msg-other"
	press := func(user, id string, on *discordgo.Message) string {
		r := &recorder{}
		b.HandleInteraction(context.Background(), button(user, id, on), r)
		return r.text()
	}
	for k := 0; k < 1000; k++ {
		got := press("u-spam", idFeedback+"1", msg)
		if k > 0 && !strings.Contains(got, "already recorded") {
			t.Fatalf("press %d: reply %q, want a note that the vote is already recorded", k, got)
		}
	}
	press("u-spam", idFeedback+"0", msg)    // a change of mind is a repeat too
	press("u-spam", idFeedback+"1", other)  // another answer
	press("u-other", idFeedback+"0", msg)   // another user
	press("u-other", idFeedback+"0", other) // and another answer
	lines := strings.Split(strings.TrimSpace(fb.String()), "\n")
	if len(lines) != 4 {
		t.Errorf("feedback log has %d lines, want 4 (one per user and message):\n%s", len(lines), fb)
	}
	if up, down := m.positive.Load(), m.negative.Load(); up != 2 || down != 2 {
		t.Errorf("votes counted 👍%d 👎%d, want 2 and 2", up, down)
	}
	if s := b.stats.snapshot(); s.Positive != 2 || s.Negative != 2 {
		t.Errorf("/stats votes 👍%d 👎%d, want 2 and 2", s.Positive, s.Negative)
	}
	if n := strings.Count(logs.String(), `"msg":"feedback"`); n != 4 {
		t.Errorf("%d feedback log lines, want 4", n)
	}
}

// TestVotesBounded: the memory of votes is bounded; the oldest are
// forgotten first.
func TestVotesBounded(t *testing.T) {
	v := newVotes(3)
	for _, k := range []string{"a", "b", "c"} {
		if !v.add(k) {
			t.Errorf("add(%q) = false for a new vote", k)
		}
	}
	if v.add("b") {
		t.Error("add(b) again = true, want false")
	}
	v.add("d") // forgets a
	if !v.add("a") {
		t.Error("add(a) after it was forgotten = false, want true")
	}
	if v.add("d") || v.len() != 3 {
		t.Errorf("after eviction: add(d) true or len %d != 3", v.len())
	}
}
