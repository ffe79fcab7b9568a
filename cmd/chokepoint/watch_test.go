package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

func mkdirs(t *testing.T, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// under returns the watched paths that are root or inside it.
func under(cw *corpusWatcher, root string) []string {
	var out []string
	for _, p := range cw.w.WatchList() {
		if p == root || strings.HasPrefix(p, root+string(filepath.Separator)) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

func TestCorpusWatcherWatchesNewNestedDirectories(t *testing.T) {
	dir := t.TempDir()
	cw, err := newCorpusWatcher(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer cw.Close()
	// mkdir -p, or cp -r / mv of a tree: one Create event for the top.
	top := filepath.Join(dir, "a")
	mkdirs(t, filepath.Join(top, "b", "c"), filepath.Join(top, ".hidden", "x"))
	if !cw.handle(fsnotify.Event{Name: top, Op: fsnotify.Create}) {
		t.Fatal("handle(Create a) = false, want a reindex")
	}
	want := []string{top, filepath.Join(top, "b"), filepath.Join(top, "b", "c")}
	if got := under(cw, top); !slices.Equal(got, want) {
		t.Errorf("watches after Create of a tree = %q, want %q", got, want)
	}
}

func TestCorpusWatcherDropsWatchesOfARemovedTree(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	mkdirs(t, filepath.Join(dir, "m", "n", "o"), filepath.Join(dir, "keep"), filepath.Join(dir, "mm"))
	cw, err := newCorpusWatcher(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer cw.Close()
	m := filepath.Join(dir, "m")
	if got := under(cw, m); len(got) != 3 {
		t.Fatalf("watches under m at start = %q, want m, m/n and m/n/o", got)
	}
	if err := os.Rename(m, filepath.Join(outside, "m")); err != nil {
		t.Fatal(err)
	}
	cw.handle(fsnotify.Event{Name: m, Op: fsnotify.Rename})
	if got := under(cw, m); len(got) != 0 {
		t.Errorf("watches under m after it moved out = %q, want none", got)
	}
	for _, p := range []string{dir, filepath.Join(dir, "keep"), filepath.Join(dir, "mm")} {
		if !slices.Contains(cw.w.WatchList(), p) {
			t.Errorf("watch on %s dropped with m's; want it kept", p)
		}
	}
	// Removal works the same way.
	if err := os.RemoveAll(filepath.Join(dir, "keep")); err != nil {
		t.Fatal(err)
	}
	cw.handle(fsnotify.Event{Name: filepath.Join(dir, "keep"), Op: fsnotify.Remove})
	if got := under(cw, filepath.Join(dir, "keep")); len(got) != 0 {
		t.Errorf("watches under keep after rm -r = %q, want none", got)
	}
}

// TestWatchPicksUpFilesInNewNestedDirectories runs watch mode for real: a
// file written into a directory made by mkdir -p must be indexed.
func TestWatchPicksUpFilesInNewNestedDirectories(t *testing.T) {
	lib, dir := newTestLibrary(t, map[string]string{"cobalt.md": "# Cobalt\n\nCongo mines most of the world's cobalt.\n"})
	ctx, cancel := context.WithCancel(context.Background())
	reindexed := make(chan error, 16)
	done := make(chan error, 1)
	go func() {
		done <- watchCorpus(ctx, dir, 20*time.Millisecond, lib, slog.New(slog.NewTextHandler(io.Discard, nil)), func(err error) { reindexed <- err })
	}()
	defer func() {
		cancel()
		<-done
	}()
	// wait returns once a reindex shows ok, writing again (the watcher may
	// start after the first write) a bounded number of times.
	wait := func(what string, ok func() bool, write func()) {
		t.Helper()
		for attempt := 0; attempt < 10; attempt++ {
			write()
			select {
			case err := <-reindexed:
				if err != nil {
					t.Fatalf("reindex after %s: %v", what, err)
				}
				if ok() {
					return
				}
			case <-time.After(time.Second):
			}
		}
		t.Fatalf("watch mode never picked up %s", what)
	}
	n := 0
	wait("the watcher starting", func() bool { return slices.Contains(docIDs(lib), "start") }, func() {
		n++
		if err := os.WriteFile(filepath.Join(dir, "start.md"), []byte(strings.Repeat("# Start\n\nWatch mode runs.\n", n)), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	nested := filepath.Join(dir, "x", "y", "z")
	wait("mkdir -p", func() bool { return true }, func() { mkdirs(t, nested) })
	wait("a file in the new nested directory", func() bool { return slices.Contains(docIDs(lib), "x/y/z/gallium") }, func() {
		if err := os.WriteFile(filepath.Join(nested, "gallium.md"), []byte(galliumArticle), 0o644); err != nil {
			t.Fatal(err)
		}
	})
}

// TestWatchWaitsForAFileToSettle: a file still being written (its
// modification time within the settle time of the library's clock) is not
// indexed; the last good version serves, and watch mode looks again by
// itself until the file settles.
func TestWatchWaitsForAFileToSettle(t *testing.T) {
	lib, dir := newTestLibrary(t, map[string]string{"cobalt.md": cobaltArticle})
	var clock atomic.Int64 // UnixNano; 0 means the real clock
	lib.now = func() time.Time {
		if n := clock.Load(); n != 0 {
			return time.Unix(0, n)
		}
		return time.Now()
	}
	ctx, cancel := context.WithCancel(context.Background())
	reindexed := make(chan error, 16)
	done := make(chan error, 1)
	const debounce = 200 * time.Millisecond
	go func() {
		done <- watchCorpus(ctx, dir, debounce, lib, slog.New(slog.NewTextHandler(io.Discard, nil)), func(err error) { reindexed <- err })
	}()
	defer func() {
		cancel()
		<-done
	}()
	next := func(what string) {
		t.Helper()
		select {
		case err := <-reindexed:
			if err != nil {
				t.Fatalf("reindex %s: %v", what, err)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no reindex %s", what)
		}
	}
	// Make sure the watcher runs.
	for attempt := 0; ; attempt++ {
		if err := os.WriteFile(filepath.Join(dir, "start.md"), []byte(strings.Repeat("# Start\n\nWatch mode runs.\n", attempt+1)), 0o644); err != nil {
			t.Fatal(err)
		}
		select {
		case <-reindexed:
		case <-time.After(time.Second):
			if attempt < 10 {
				continue
			}
			t.Fatal("watch mode never started")
		}
		break
	}
	// The library's clock stands still at the moment of the write: the
	// file is younger than the settle time.
	clock.Store(time.Now().UnixNano())
	if err := os.WriteFile(filepath.Join(dir, "cobalt.md"), []byte("# Cobalt\n\nCongo mi"), 0o644); err != nil {
		t.Fatal(err)
	}
	next("after the write")
	if h, err := lib.Passage(ctx, "cobalt#0"); err != nil || !strings.Contains(h.Passage.Text, "Congo mines most") {
		t.Errorf("cobalt#0 while cobalt.md is written = %q, %v; want the last good version", h.Passage.Text, err)
	}
	// Time passes; nothing is written. Watch mode must look again.
	clock.Store(time.Now().Add(time.Hour).UnixNano())
	next("once the file settled")
	if h, err := lib.Passage(ctx, "cobalt#0"); err != nil || h.Passage.Text != "Congo mi" {
		t.Errorf("cobalt#0 once cobalt.md settled = %q, %v; want the new version", h.Passage.Text, err)
	}
}
