package bot

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"chokepoint"
)

// stuckEdits is a Responder whose first progress edit hangs until release
// is closed (or its context ends), as an edit held up by Discord would.
type stuckEdits struct {
	recorder
	release chan struct{}
	first   chan struct{} // closed when the first progress edit arrives
	second  chan struct{} // closed when a second progress edit arrives
	mu      sync.Mutex
	n       int
}

func (s *stuckEdits) Edit(ctx context.Context, rep Reply) error {
	if strings.HasPrefix(rep.Content, "Reindexing… ") {
		s.mu.Lock()
		s.n++
		n := s.n
		s.mu.Unlock()
		switch n {
		case 1:
			close(s.first)
			select {
			case <-s.release:
			case <-ctx.Done():
				return ctx.Err()
			}
		case 2:
			close(s.second)
		}
	}
	return s.recorder.Edit(ctx, rep)
}

// pausingCorpus reports one file done and waits (boundedly) for the
// first progress edit to begin, reports 18 more, says so on reached, and
// waits for proceed before it finishes. The clock moves a second per
// file.
type pausingCorpus struct {
	*fakeCorpus
	clk      *clock
	edited   chan struct{}
	reached  chan struct{}
	proceed  chan struct{}
	finished chan struct{}
}

func (c *pausingCorpus) Reindex(ctx context.Context, progress func(done, total int)) (chokepoint.IndexStats, []*chokepoint.FileError, error) {
	defer close(c.finished)
	for k := 1; k <= 19; k++ {
		c.clk.Advance(time.Second)
		progress(k, 20)
		if k == 1 {
			select {
			case <-c.edited:
			case <-time.After(wait):
			}
		}
	}
	close(c.reached)
	select {
	case <-c.proceed:
	case <-time.After(wait):
	}
	progress(20, 20)
	return chokepoint.IndexStats{Documents: 20}, nil, nil
}

// TestReindexProgressNeverHoldsTheReindex (issue 10 item 25): progress
// edits go out from their own goroutine. The reindex, which holds the
// library and build locks while it calls progress, only stores the count:
// a stuck edit does not stop it, and the edit after the stuck one shows
// the latest count, not each count in between.
func TestReindexProgressNeverHoldsTheReindex(t *testing.T) {
	clk := newClock()
	r := &stuckEdits{release: make(chan struct{}), first: make(chan struct{}), second: make(chan struct{})}
	c := &pausingCorpus{fakeCorpus: newCorpus(1), clk: clk, edited: r.first,
		reached: make(chan struct{}), proceed: make(chan struct{}), finished: make(chan struct{})}
	b := New(Config{Now: clk.Now, ProgressEvery: time.Second}, Deps{Answerer: newAnswerer(), Corpus: c}, nil)
	handled := make(chan struct{})
	go func() {
		defer close(handled)
		b.HandleInteraction(context.Background(), command("admin", int64(discordgo.PermissionManageGuild), "reindex"), r)
	}()
	// The first progress edit is stuck; the reindex goes on regardless.
	mustReceive(t, c.reached, "reindex past its first progress edit while that edit is stuck")
	close(r.release)
	mustReceive(t, r.second, "the progress edit after the stuck one")
	close(c.proceed)
	mustReceive(t, c.finished, "reindex finished")
	mustReceive(t, handled, "/reindex handled")

	r.mu.Lock()
	defer r.mu.Unlock()
	var progress []string
	for _, e := range r.edits {
		if strings.HasPrefix(e.Content, "Reindexing… ") {
			progress = append(progress, e.Content)
		}
	}
	if want := []string{"Reindexing… 1/20 files.", "Reindexing… 19/20 files."}; strings.Join(progress, "|") != strings.Join(want, "|") {
		t.Errorf("progress edits = %q, want %q: the one after the stuck edit shows the latest count", progress, want)
	}
	if last := r.edits[len(r.edits)-1].Content; !strings.HasPrefix(last, "Reindex finished") {
		t.Errorf("last edit = %q, want the summary", last)
	}
}

// TestReindexStuckEditEndsWithTheReindex: a progress edit still stuck when
// the reindex finishes is cancelled, and the summary goes out after it.
func TestReindexStuckEditEndsWithTheReindex(t *testing.T) {
	clk := newClock()
	c := &tickingCorpus{fakeCorpus: newCorpus(1), clk: clk, files: 20}
	b := New(Config{Now: clk.Now, ProgressEvery: time.Second}, Deps{Answerer: newAnswerer(), Corpus: c}, nil)
	r := &stuckEdits{release: make(chan struct{}), first: make(chan struct{}), second: make(chan struct{})} // never released
	handled := make(chan struct{})
	go func() {
		defer close(handled)
		b.HandleInteraction(context.Background(), command("admin", int64(discordgo.PermissionManageGuild), "reindex"), r)
	}()
	mustReceive(t, handled, "/reindex handled while a progress edit is stuck")
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.edits); n == 0 || !strings.HasPrefix(r.edits[n-1].Content, "Reindex finished") {
		t.Errorf("edits = %+v, want the summary last", r.edits)
	}
}
