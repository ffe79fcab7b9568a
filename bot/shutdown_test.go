package bot

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

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

func TestReindexProgressThrottled(t *testing.T) {
	clk := newClock()
	c := &tickingCorpus{fakeCorpus: newCorpus(1), clk: clk, files: 20}
	b := New(Config{Now: clk.Now, ProgressEvery: 5 * time.Second}, Deps{Answerer: newAnswerer(), Corpus: c}, nil)
	r := &recorder{}
	b.HandleInteraction(context.Background(), command("admin", int64(discordgo.PermissionManageGuild), "reindex"), r)
	var progress int
	for _, e := range r.edits {
		if strings.HasPrefix(e.Content, "Reindexing… ") {
			progress++
		}
	}
	// 20 files a second apart, at most one edit per 5 s: seconds 1, 6, 11, 16.
	if progress != 4 {
		t.Errorf("progress edits = %d, want 4 (throttled to one per 5s)", progress)
	}
	if last := r.edits[len(r.edits)-1].Content; !strings.HasPrefix(last, "Reindex finished in 20s") {
		t.Errorf("last edit = %q, want the summary", last)
	}
}
