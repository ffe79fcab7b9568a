package index

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"chokepoint"
)

// damage flips every 997th byte of the file at path, in place.
func damage(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(b); i += 997 {
		b[i] ^= 0xff
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// segments lists the segment files of generation dir gen.
func segments(t *testing.T, gen string) []string {
	t.Helper()
	zaps, err := filepath.Glob(filepath.Join(gen, bleveDir, storeDir, "*"+segmentSuffix))
	if err != nil || len(zaps) < 2 {
		t.Fatalf("segments of %s = %v, %v; want at least two", gen, zaps, err)
	}
	slices.Sort(zaps)
	return zaps
}

// TestOpenDamagedSegment flips bytes in one segment file of a built
// index, as a failing disk or a careless hand would: bleve panics reading
// such a file, sometimes in goroutines of its own. Open must not: it
// starts empty, saying why, and the next Update rebuilds.
func TestOpenDamagedSegment(t *testing.T) {
	docs := synthCorpus(200, 10)
	for _, which := range []string{"first", "last"} {
		t.Run(which, func(t *testing.T) {
			ctx := context.Background()
			x, dir := openTest(t, Options{BatchSize: 500})
			mustUpdate(t, x, docs...)
			zaps := segments(t, x.Stats().Dir)
			x.Close()
			if which == "first" {
				damage(t, zaps[0])
			} else {
				damage(t, zaps[len(zaps)-1])
			}

			y := openDir(t, dir, Options{})
			if r := y.Recovered(); !strings.Contains(r, "damaged") {
				t.Errorf("Recovered = %q, want it to say the index is damaged", r)
			}
			if _, err := y.Passage(ctx, "doc001#3"); !errors.Is(err, chokepoint.ErrNotFound) {
				t.Errorf("Passage on the discarded index = %v, want ErrNotFound", err)
			}
			st := mustUpdate(t, y, docs...)
			if !st.Rebuilt || st.Passages != 2000 {
				t.Errorf("Update = %+v, want a rebuild of 2000 passages", st)
			}
			h, err := y.Passage(ctx, "doc001#3")
			if err != nil || h.Passage.Text != docs[1].Passages[3].Text {
				t.Errorf("Passage after the rebuild = %q, %v; want the passage", h.Passage.Text, err)
			}
			y.Close()
			if z := openDir(t, dir, Options{}); z.Recovered() != "" {
				t.Errorf("Recovered on the next Open = %q, want \"\"", z.Recovered())
			}
		})
	}
}

// TestSearchRepairsDamage: a panic in bleve during a search marks the live
// generation damaged; with a Source the index rebuilds itself from it and
// the search runs again, and without one the search fails cleanly.
func TestSearchRepairsDamage(t *testing.T) {
	ctx := context.Background()
	docs := []chokepoint.Document{newDoc("a", "Alpha", "h", "cobalt mines in Congo")}
	panicky := func(calls *int) func(bleve.Index) error {
		return func(bleve.Index) error {
			*calls++
			if *calls == 1 {
				panic("runtime error: index out of range [768] with length 4")
			}
			return nil
		}
	}

	t.Run("without source", func(t *testing.T) {
		x, _ := openTest(t, Options{})
		mustUpdate(t, x, docs...)
		calls := 0
		if err := x.reader(ctx, panicky(&calls)); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("reader = %v, want ErrCorrupt", err)
		}
		if _, err := x.Search(ctx, chokepoint.Query{Text: "cobalt"}); !errors.Is(err, ErrCorrupt) {
			t.Errorf("Search on a damaged generation = %v, want ErrCorrupt", err)
		}
		if st := mustUpdate(t, x, docs...); !st.Rebuilt {
			t.Errorf("Update of a damaged generation = %+v, want a rebuild", st)
		}
		if res, err := x.Search(ctx, chokepoint.Query{Text: "cobalt"}); err != nil || len(res.Hits) != 1 {
			t.Errorf("Search after the rebuild = %v, %v; want 1 hit", res.Hits, err)
		}
	})

	t.Run("with source", func(t *testing.T) {
		loads := 0
		x, _ := openTest(t, Options{Source: func(context.Context) ([]chokepoint.Document, error) {
			loads++
			return docs, nil
		}})
		mustUpdate(t, x, docs...)
		before := x.Stats().Dir
		calls := 0
		if err := x.reader(ctx, panicky(&calls)); err != nil {
			t.Fatalf("reader = %v, want the search repaired", err)
		}
		if calls != 2 || loads != 1 {
			t.Errorf("f ran %d times, Source %d times; want 2 and 1", calls, loads)
		}
		if after := x.Stats().Dir; after == before {
			t.Errorf("live generation %s after the repair, want a new one", after)
		}
		if res, err := x.Search(ctx, chokepoint.Query{Text: "cobalt"}); err != nil || len(res.Hits) != 1 {
			t.Errorf("Search after the repair = %v, %v; want 1 hit", res.Hits, err)
		}
	})
}

// TestFailedSwitchLeavesNoGeneration: a build whose switch of CURRENT
// fails removes its generation, so retries do not pile generations up on a
// disk that is already short of space.
func TestFailedSwitchLeavesNoGeneration(t *testing.T) {
	ctx := context.Background()
	x, dir := openTest(t, Options{})
	mustUpdate(t, x, newDoc("a", "Alpha", "h1", "cobalt"))
	live := filepath.Base(x.Stats().Dir)
	// CURRENT cannot be replaced while a directory stands in its place.
	if err := os.Remove(filepath.Join(dir, currentFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, currentFile), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if _, err := x.Rebuild(ctx, []chokepoint.Document{newDoc("a", "Alpha", "h2", "lithium")}, nil); err == nil {
			t.Fatalf("Rebuild %d: nil error with CURRENT unwritable", i)
		}
		if _, err := x.Update(ctx, []chokepoint.Document{newDoc("b", "Beta", "h", "nickel")}, nil); err == nil {
			t.Fatalf("Update %d: nil error with CURRENT unwritable", i)
		}
	}
	if gens, _ := generations(dir); !slices.Equal(gens, []string{live}) {
		t.Errorf("generations after failed switches = %v, want only %s", gens, live)
	}
	if res, err := x.Search(ctx, chokepoint.Query{Text: "cobalt"}); err != nil || len(res.Hits) != 1 {
		t.Errorf("Search after failed switches = %v, %v; want the old index's hit", res.Hits, err)
	}
}

// TestTwoIndexesShareADirectory: two Index values on one directory, as
// two processes would hold (flock locks are per open file, so they
// exclude each other within a process too). Both open and search while the
// other updates; builds take turns, the one that waits says so, and each
// update starts from what the other published.
func TestTwoIndexesShareADirectory(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "idx")
	a := newDoc("a", "Alpha", "h1", "cobalt mines in Congo")
	b := newDoc("b", "Beta", "h1", "gallium export ban")
	x := openDir(t, dir, Options{})
	mustUpdate(t, x, a)

	waited := make(chan string, 1)
	y := openDir(t, dir, Options{Waiting: func(holder string) { waited <- holder }})
	if n := len(y.Documents()); n != 1 {
		t.Fatalf("second Index holds %d documents, want 1", n)
	}

	// Another process holds the directory: y's update waits for it.
	l, err := lockDir(ctx, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		st  chokepoint.IndexStats
		err error
	}
	done := make(chan result, 1)
	go func() {
		st, err := y.Update(ctx, []chokepoint.Document{a, b}, nil)
		done <- result{st, err}
	}()
	select {
	case holder := <-waited:
		if !strings.HasPrefix(holder, "process ") {
			t.Errorf("Waiting(%q), want the holder's process", holder)
		}
	case r := <-done:
		t.Fatalf("Update finished (%+v, %v) while the directory was locked", r.st, r.err)
	case <-time.After(time.Minute): // a bound on a broken test, not a timing
		t.Fatal("Update neither waited nor finished")
	}
	// Searches go on meanwhile, in both.
	for _, z := range []*Index{x, y} {
		if res, err := z.Search(ctx, chokepoint.Query{Text: "cobalt"}); err != nil || len(res.Hits) != 1 {
			t.Errorf("Search during the wait = %v, %v; want 1 hit", res.Hits, err)
		}
	}
	l.unlock()
	r := <-done
	if r.err != nil || r.st.Added != 1 || r.st.Rebuilt {
		t.Fatalf("Update after the wait = %+v, %v; want 1 added in place", r.st, r.err)
	}

	// x still reads its own generation; its next update starts from y's.
	if res, err := x.Search(ctx, chokepoint.Query{Text: "gallium"}); err != nil || len(res.Hits) != 0 {
		t.Errorf("Search on the first Index = %v, %v; want its own generation, without b", res.Hits, err)
	}
	st := mustUpdate(t, x, a, b)
	if st.Unchanged != 2 || st.Added+st.Changed+st.Removed != 0 {
		t.Errorf("Update of the first Index = %+v, want 2 unchanged: the second already built them", st)
	}
	if gx, gy := x.Stats().Dir, y.Stats().Dir; gx != gy {
		t.Errorf("live generations %s and %s, want the same", gx, gy)
	}
	if res, err := x.Search(ctx, chokepoint.Query{Text: "gallium"}); err != nil || len(res.Hits) != 1 {
		t.Errorf("Search on the first Index after its update = %v, %v; want b's hit", res.Hits, err)
	}

	// A rebuild elsewhere that changed nothing is still picked up by the
	// next Update, which then writes nothing.
	if _, err := y.Rebuild(ctx, []chokepoint.Document{a, b}, nil); err != nil {
		t.Fatal(err)
	}
	if st := mustUpdate(t, x, a, b); st.Unchanged != 2 || st.Rebuilt {
		t.Errorf("Update after a rebuild elsewhere = %+v, want 2 unchanged", st)
	}
	if gx, gy := x.Stats().Dir, y.Stats().Dir; gx != gy {
		t.Errorf("live generations after a rebuild elsewhere: %s and %s, want the same", gx, gy)
	}
}

// treeState lists every file under dir with its size and modification
// time.
func treeState(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, fmt.Sprintf("%s %v %d bytes, modified %d", rel, fi.Mode(), fi.Size(), fi.ModTime().UnixNano()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestUpToDateIndexWritesNothing: opening, searching and updating an
// index that needs no update changes nothing on disk, so a read-only index
// directory serves.
func TestUpToDateIndexWritesNothing(t *testing.T) {
	ctx := context.Background()
	docs := []chokepoint.Document{newDoc("a", "Alpha", "h", "cobalt mines in Congo"), newDoc("b", "Beta", "h", "gallium")}
	x, dir := openTest(t, Options{})
	mustUpdate(t, x, docs...)
	x.Close()
	before := treeState(t, dir)

	y := openDir(t, dir, Options{})
	if res, err := y.Search(ctx, chokepoint.Query{Text: "cobalt"}); err != nil || len(res.Hits) != 1 {
		t.Errorf("Search = %v, %v; want 1 hit", res.Hits, err)
	}
	if _, err := y.Passage(ctx, "b#0"); err != nil {
		t.Errorf("Passage = %v", err)
	}
	if st := mustUpdate(t, y, docs...); st.Unchanged != 2 {
		t.Errorf("Update = %+v, want 2 unchanged", st)
	}
	y.Close()
	if after := treeState(t, dir); !slices.Equal(before, after) {
		t.Errorf("the index directory changed:\nbefore %q\nafter  %q", before, after)
	}
}

// TestOpenDoesNotWaitForABuilder: a generation CURRENT does not name is
// stale only when no one holds the directory; while another process
// builds it, Open neither waits nor removes it.
func TestOpenDoesNotWaitForABuilder(t *testing.T) {
	x, dir := openTest(t, Options{})
	mustUpdate(t, x, newDoc("a", "Alpha", "h", "cobalt"))
	x.Close()
	l, err := lockDir(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.unlock()
	building := filepath.Join(dir, "gen-000099")
	writeFile(t, filepath.Join(building, bleveDir, "index_meta.json"), "{}")

	opened := make(chan error, 1)
	go func() {
		y, err := Open(context.Background(), dir, Options{})
		if err == nil {
			y.Close()
		}
		opened <- err
	}()
	select {
	case err := <-opened:
		if err != nil {
			t.Fatalf("Open = %v", err)
		}
	case <-time.After(time.Minute): // a bound on a broken test, not a timing
		t.Fatal("Open waited for the directory lock")
	}
	if _, err := os.Stat(building); err != nil {
		t.Errorf("Open removed a generation being built: %v", err)
	}
}
