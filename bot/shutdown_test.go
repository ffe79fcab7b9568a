package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"chokepoint"
)

func TestShutdownWaitsForInFlight(t *testing.T) {
	e := startEnv(t, Config{})
	e.answerer.gate, e.answerer.entered = make(chan struct{}), make(chan struct{}, 1)
	tok := e.fake.DispatchInteraction(command("u-shutdown", 0, "ask", strOpt("question", "Why can't Russia replace China? (shutdown)")))
	select {
	case <-e.answerer.entered:
	case <-time.After(wait):
		t.Fatal("answer never started")
	}
	e.cancel()
	select {
	case err := <-e.done:
		t.Fatalf("Run returned (%v) while an answer was in flight", err)
	default:
	}
	close(e.answerer.gate)
	select {
	case err := <-e.done:
		if err != nil {
			t.Errorf("Run() = %v after cancel, want nil", err)
		}
	case <-time.After(wait):
		t.Fatal("Run did not return after the in-flight answer finished")
	}
	if _, ok := e.fake.WaitRequest(0, editOf(tok)); !ok {
		t.Error("the in-flight answer was not delivered before shutdown")
	}
	e.fake.Close()
}

// tickingCorpus advances the clock a second per file processed.
type tickingCorpus struct {
	*fakeCorpus
	clk   *clock
	files int
}

func (c *tickingCorpus) Reindex(_ context.Context, progress func(done, total int)) (chokepoint.IndexStats, []*chokepoint.FileError, error) {
	for k := 1; k <= c.files; k++ {
		c.clk.Advance(time.Second)
		progress(k, c.files)
	}
	return chokepoint.IndexStats{Documents: c.files}, nil, nil
}

// TestReindexProgressThrottled: at most one progress edit per
// ProgressEvery. showProgress is driven directly, one count at a time:
// kick is unbuffered, and a second kick with the same count and time (which
// the throttle skips) is received only once the first was handled.
func TestReindexProgressThrottled(t *testing.T) {
	clk := newClock()
	b := New(Config{Now: clk.Now, ProgressEvery: 5 * time.Second}, Deps{Answerer: newAnswerer()}, nil)
	r := &recorder{}
	run := &reindexRun{}
	kick := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	shown := make(chan struct{})
	go func() {
		defer close(shown)
		b.showProgress(ctx, r, run, kick)
	}()
	for k := 1; k <= 20; k++ {
		// The clock and the count move together: the last kick's handling
		// may still be reading them (progressAt).
		run.mu.Lock()
		clk.Advance(time.Second)
		run.done, run.total = k, 20
		run.mu.Unlock()
		kick <- struct{}{}
		kick <- struct{}{}
	}
	cancel()
	<-shown
	var got []string
	for _, e := range r.edits {
		got = append(got, e.Content)
	}
	// 20 files a second apart, at most one edit per 5 s: seconds 1, 6, 11,
	// 16; none for 20/20, which the summary replaces.
	want := []string{"Reindexing… 1/20 files.", "Reindexing… 6/20 files.", "Reindexing… 11/20 files.", "Reindexing… 16/20 files."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("progress edits = %q, want %q", got, want)
	}
}
