package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"chokepoint"
)

// fixedNow is the injected clock of every test index.
var fixedNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// newDoc builds a document whose passages are texts; a text starting with
// "## Heading\n" sets the section of it and the passages after it.
func newDoc(id, title, hash string, texts ...string) chokepoint.Document {
	d := chokepoint.Document{ID: id, Path: id + ".txt", Title: title, Hash: hash, URL: "https://example.com/" + id}
	section := ""
	for i, t := range texts {
		if h, rest, ok := strings.Cut(t, "\n"); ok && strings.HasPrefix(h, "## ") {
			section, t = strings.TrimPrefix(h, "## "), rest
			d.Sections = append(d.Sections, section)
		}
		d.Passages = append(d.Passages, chokepoint.Passage{DocID: id, Index: i, Section: section, Kind: chokepoint.Paragraph, Text: t})
	}
	return d
}

// openTest opens an index in a fresh temporary directory and closes it at
// the end of the test.
func openTest(t testing.TB, opts Options) (*Index, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "idx")
	x := openDir(t, dir, opts)
	return x, dir
}

func openDir(t testing.TB, dir string, opts Options) *Index {
	t.Helper()
	if opts.Now == nil {
		opts.Now = func() time.Time { return fixedNow }
	}
	x, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Open(%q) = %v", dir, err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

func mustUpdate(t testing.TB, x *Index, docs ...chokepoint.Document) chokepoint.IndexStats {
	t.Helper()
	st, err := x.Update(context.Background(), docs, nil)
	if err != nil {
		t.Fatalf("Update = %v", err)
	}
	return st
}

// hitIDs returns the passage IDs of hits in order.
func hitIDs(hs []chokepoint.Hit) []string {
	ids := make([]string, len(hs))
	for i, h := range hs {
		ids[i] = h.Passage.ID()
	}
	return ids
}

func docIDs(docs []chokepoint.Document) []string {
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids
}

func TestUpdate(t *testing.T) {
	ctx := context.Background()
	x, dir := openTest(t, Options{BatchSize: 2})
	a := newDoc("a", "Alpha", "ha1", "cobalt mines in Congo", "lithium brine")
	b := newDoc("b", "Beta", "hb1", "gallium export ban", "germanium export ban", "antimony export ban")
	c := newDoc("c", "Gamma", "hc1", "nickel in Indonesia")

	var calls [][2]int
	st, err := x.Update(ctx, []chokepoint.Document{a, b, c}, func(done, total int) { calls = append(calls, [2]int{done, total}) })
	if err != nil {
		t.Fatalf("Update = %v", err)
	}
	want := chokepoint.IndexStats{Added: 3, Documents: 3, Passages: 6, Rebuilt: true}
	st.Took = 0
	if st != want {
		t.Errorf("first Update = %+v, want %+v", st, want)
	}
	if got := calls[len(calls)-1]; got != [2]int{6, 6} {
		t.Errorf("last progress = %v, want [6 6]", got)
	}

	b2 := newDoc("b", "Beta", "hb2", "gallium export ban lifted")
	d := newDoc("d", "Delta", "hd1", "tungsten smelting")
	st, err = x.Update(ctx, []chokepoint.Document{a, b2, d}, nil)
	if err != nil {
		t.Fatalf("Update = %v", err)
	}
	st.Took = 0
	want = chokepoint.IndexStats{Added: 1, Changed: 1, Removed: 1, Unchanged: 1, Documents: 3, Passages: 4}
	if st != want {
		t.Errorf("second Update = %+v, want %+v", st, want)
	}

	for _, tc := range []struct {
		id, text string // text "" means absent
	}{
		{"a#0", "cobalt mines in Congo"},
		{"b#0", "gallium export ban lifted"},
		{"b#1", ""},
		{"b#2", ""},
		{"c#0", ""},
		{"d#0", "tungsten smelting"},
	} {
		h, err := x.Passage(ctx, tc.id)
		switch {
		case tc.text == "" && !errors.Is(err, chokepoint.ErrNotFound):
			t.Errorf("Passage(%q) = %v, %v, want ErrNotFound", tc.id, h.Passage.Text, err)
		case tc.text != "" && (err != nil || h.Passage.Text != tc.text):
			t.Errorf("Passage(%q) = %q, %v, want %q", tc.id, h.Passage.Text, err, tc.text)
		}
	}
	res, err := x.Search(ctx, chokepoint.Query{Text: "export ban"})
	if err != nil {
		t.Fatalf("Search = %v", err)
	}
	if got := hitIDs(res.Hits); !slices.Equal(got, []string{"b#0"}) {
		t.Errorf("Search(export ban) = %v, want [b#0]", got)
	}
	if res.Passages != 4 {
		t.Errorf("Search Passages = %d, want 4", res.Passages)
	}

	// Nothing changed: nothing is touched.
	st, err = x.Update(ctx, []chokepoint.Document{d, b2, a}, nil)
	if err != nil {
		t.Fatalf("Update = %v", err)
	}
	if st.Unchanged != 3 || st.Added+st.Changed+st.Removed != 0 || st.Rebuilt {
		t.Errorf("idle Update = %+v, want 3 unchanged", st)
	}

	s := x.Stats()
	if s.Documents != 3 || s.Passages != 4 || !s.Updated.Equal(fixedNow) || s.MappingVersion != MappingVersion || s.Scoring != BM25 {
		t.Errorf("Stats = %+v", s)
	}
	if got := x.PassageCount("a"); got != 2 {
		t.Errorf("PassageCount(a) = %d, want 2", got)
	}

	// The manifest survives a reopen.
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	y := openDir(t, dir, Options{})
	if r := y.Recovered(); r != "" {
		t.Errorf("Recovered after clean reopen = %q", r)
	}
	if got := docIDs(y.Documents()); !slices.Equal(got, []string{"a", "b", "d"}) {
		t.Errorf("Documents after reopen = %v, want [a b d]", got)
	}
	st = mustUpdate(t, y, a, b2, d)
	if st.Unchanged != 3 || st.Rebuilt {
		t.Errorf("Update after reopen = %+v, want 3 unchanged", st)
	}
}

func TestUpdateRebuildsOnMappingOrScoringChange(t *testing.T) {
	docs := []chokepoint.Document{newDoc("a", "Alpha", "h1", "cobalt")}

	t.Run("mapping version in memory", func(t *testing.T) {
		x, _ := openTest(t, Options{})
		mustUpdate(t, x, docs...)
		x.mu.Lock()
		x.man.MappingVersion = MappingVersion - 1
		x.mu.Unlock()
		if st := mustUpdate(t, x, docs...); !st.Rebuilt {
			t.Errorf("Update after mapping change = %+v, want Rebuilt", st)
		}
		if got := x.Stats().MappingVersion; got != MappingVersion {
			t.Errorf("MappingVersion = %d, want %d", got, MappingVersion)
		}
	})

	t.Run("mapping version on disk", func(t *testing.T) {
		x, dir := openTest(t, Options{})
		mustUpdate(t, x, docs...)
		gen := x.Stats().Dir
		x.Close()
		man, err := readManifest(gen)
		if err != nil {
			t.Fatal(err)
		}
		man.MappingVersion = MappingVersion + 1
		if err := writeManifest(gen, man); err != nil {
			t.Fatal(err)
		}
		y := openDir(t, dir, Options{})
		if r := y.Recovered(); !strings.Contains(r, "mapping version") {
			t.Errorf("Recovered = %q, want it to name the mapping version", r)
		}
		if n := len(y.Documents()); n != 0 {
			t.Errorf("Documents after discard = %d, want 0", n)
		}
		if st := mustUpdate(t, y, docs...); !st.Rebuilt || st.Added != 1 {
			t.Errorf("Update = %+v, want Rebuilt with 1 added", st)
		}
	})

	t.Run("scoring", func(t *testing.T) {
		x, dir := openTest(t, Options{Scoring: TFIDF})
		mustUpdate(t, x, docs...)
		x.Close()
		y := openDir(t, dir, Options{Scoring: BM25})
		if got := y.Stats().Scoring; got != TFIDF {
			t.Errorf("Scoring before Update = %q, want the built one %q", got, TFIDF)
		}
		if st := mustUpdate(t, y, docs...); !st.Rebuilt {
			t.Errorf("Update after scoring change = %+v, want Rebuilt", st)
		}
		if got := y.Stats().Scoring; got != BM25 {
			t.Errorf("Scoring = %q, want %q", got, BM25)
		}
	})
}

func TestUpdateRejectsBadDocuments(t *testing.T) {
	x, _ := openTest(t, Options{})
	good := newDoc("a", "Alpha", "h", "text")
	misnumbered := newDoc("b", "Beta", "h", "one", "two")
	misnumbered.Passages[1].Index = 5
	foreign := newDoc("c", "Gamma", "h", "one")
	foreign.Passages[0].DocID = "z"
	for _, tc := range []struct {
		name string
		docs []chokepoint.Document
		want string
	}{
		{"duplicate", []chokepoint.Document{good, good}, `"a": duplicate ID`},
		{"empty id", []chokepoint.Document{{Title: "T"}}, "empty ID"},
		{"misnumbered", []chokepoint.Document{misnumbered}, `passage 1 is "b#5"`},
		{"foreign passage", []chokepoint.Document{foreign}, `passage 0 is "z#0"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := x.Update(context.Background(), tc.docs, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Update = %v, want error containing %q", err, tc.want)
			}
		})
	}
	if n := len(x.Documents()); n != 0 {
		t.Errorf("Documents after rejected updates = %d, want 0", n)
	}
}

func TestDocuments(t *testing.T) {
	x, _ := openTest(t, Options{})
	d := newDoc("z", "Alpha", "h", "## Intro\nsome text")
	d.Tags = []string{"russia"}
	d.Reviews = &chokepoint.Review{Title: "Reviewed", Source: "Newsweek"}
	mustUpdate(t, x, newDoc("b", "Beta", "h", "x"), d, newDoc("a", "Alpha", "h", "y"))
	if got := docIDs(x.Documents()); !slices.Equal(got, []string{"a", "z", "b"}) {
		t.Errorf("Documents = %v, want [a z b] (title, then ID)", got)
	}
	got, err := x.Document("z")
	if err != nil {
		t.Fatalf("Document(z) = %v", err)
	}
	if got.Passages != nil || got.Reviews == nil || got.Reviews.Source != "Newsweek" || !slices.Equal(got.Tags, []string{"russia"}) || !slices.Equal(got.Sections, []string{"Intro"}) {
		t.Errorf("Document(z) = %+v", got)
	}
	got.Tags[0] = "changed"
	if again, _ := x.Document("z"); again.Tags[0] != "russia" {
		t.Errorf("Document returned shared state: Tags = %v", again.Tags)
	}
	if _, err := x.Document("nope"); !errors.Is(err, chokepoint.ErrNotFound) {
		t.Errorf("Document(nope) = %v, want ErrNotFound", err)
	}
	if n := x.PassageCount("nope"); n != 0 {
		t.Errorf("PassageCount(nope) = %d, want 0", n)
	}
}

func TestClose(t *testing.T) {
	ctx := context.Background()
	x, _ := openTest(t, Options{})
	mustUpdate(t, x, newDoc("a", "Alpha", "h", "cobalt"))
	if err := x.Close(); err != nil {
		t.Fatalf("Close = %v", err)
	}
	if err := x.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	errs := map[string]error{}
	_, errs["Search"] = x.Search(ctx, chokepoint.Query{Text: "cobalt"})
	_, errs["Nearest"] = x.Nearest(ctx, "cobalt", 1)
	_, errs["Baseline"] = x.Baseline(ctx, "cobalt", 1)
	_, errs["Passage"] = x.Passage(ctx, "a#0")
	_, errs["Update"] = x.Update(ctx, nil, nil)
	_, errs["Rebuild"] = x.Rebuild(ctx, nil, nil)
	for name, err := range errs {
		if !errors.Is(err, chokepoint.ErrIndexClosed) {
			t.Errorf("%s after Close = %v, want ErrIndexClosed", name, err)
		}
	}
	if got := x.Analyze("cobalt"); len(got) != 1 {
		t.Errorf("Analyze after Close = %v, want one token", got)
	}
}

func TestOpenBadOptions(t *testing.T) {
	_, err := Open(context.Background(), t.TempDir(), Options{Scoring: "magic"})
	if err == nil || !strings.Contains(err.Error(), `"magic"`) {
		t.Errorf("Open(scoring magic) = %v, want error naming it", err)
	}
}

func TestOpenRecoversFromCorruption(t *testing.T) {
	docs := []chokepoint.Document{newDoc("a", "Alpha", "h", "cobalt mines")}
	for _, tc := range []struct {
		name    string
		corrupt func(t *testing.T, dir, gen string)
		want    string // in Recovered
	}{
		{"garbage CURRENT", func(t *testing.T, dir, gen string) {
			writeFile(t, filepath.Join(dir, currentFile), "\x00\x01garbage")
		}, "not a generation name"},
		{"CURRENT names a missing generation", func(t *testing.T, dir, gen string) {
			writeFile(t, filepath.Join(dir, currentFile), "gen-000042\n")
		}, "gen-000042"},
		{"garbage index meta", func(t *testing.T, dir, gen string) {
			writeFile(t, filepath.Join(gen, bleveDir, "index_meta.json"), "{not json")
		}, "open bleve index"},
		{"garbage bolt file", func(t *testing.T, dir, gen string) {
			writeFile(t, filepath.Join(gen, bleveDir, "store", "root.bolt"), strings.Repeat("garbage ", 1000))
		}, "open bleve index"},
		{"garbage manifest", func(t *testing.T, dir, gen string) {
			writeFile(t, filepath.Join(gen, manifestFile), "garbage")
		}, "decode manifest"},
		{"manifest disagrees with index", func(t *testing.T, dir, gen string) {
			man, err := readManifest(gen)
			if err != nil {
				t.Fatal(err)
			}
			man.Docs[0].Passages = 7
			if err := writeManifest(gen, man); err != nil {
				t.Fatal(err)
			}
		}, "holds 1 passages, manifest 7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, dir := openTest(t, Options{})
			mustUpdate(t, x, docs...)
			gen := x.Stats().Dir
			x.Close()
			writeFile(t, filepath.Join(dir, "notes.txt"), "not ours")
			tc.corrupt(t, dir, gen)

			y := openDir(t, dir, Options{})
			if r := y.Recovered(); !strings.Contains(r, tc.want) || !strings.Contains(r, "started empty") {
				t.Errorf("Recovered = %q, want it to contain %q", r, tc.want)
			}
			if n := len(y.Documents()); n != 0 {
				t.Errorf("Documents = %d, want 0", n)
			}
			if st := mustUpdate(t, y, docs...); !st.Rebuilt {
				t.Errorf("Update = %+v, want Rebuilt", st)
			}
			res, err := y.Search(context.Background(), chokepoint.Query{Text: "cobalt"})
			if err != nil || len(res.Hits) != 1 {
				t.Errorf("Search after recovery = %v, %v, want 1 hit", res.Hits, err)
			}
			if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
				t.Errorf("a file not ours was touched: %v", err)
			}
			y.Close()
			z := openDir(t, dir, Options{})
			if r := z.Recovered(); r != "" {
				t.Errorf("Recovered on the next Open = %q, want \"\"", r)
			}
		})
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestOpenLockedDoesNotHang(t *testing.T) {
	x, dir := openTest(t, Options{})
	mustUpdate(t, x, newDoc("a", "Alpha", "h", "cobalt"))
	gen := x.Stats().Dir
	x.Close()
	// Versions that updated generations in place held them open for
	// writing, which locks out every reader.
	w, err := bleve.OpenUsing(filepath.Join(gen, bleveDir), nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), dir, Options{OpenTimeout: 50 * time.Millisecond})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("Open of a generation held for writing = %v, want ErrLocked", err)
	}
	w.Close()
	y := openDir(t, dir, Options{})
	if n := len(y.Documents()); n != 1 || y.Recovered() != "" {
		t.Errorf("reopen: %d documents, Recovered %q; want 1, \"\"", n, y.Recovered())
	}
}

func TestOpenRemovesStaleGenerations(t *testing.T) {
	x, dir := openTest(t, Options{})
	mustUpdate(t, x, newDoc("a", "Alpha", "h", "cobalt"))
	live := filepath.Base(x.Stats().Dir)
	x.Close()
	// A crashed build: a newer generation that CURRENT never named, and a
	// temporary pointer file.
	writeFile(t, filepath.Join(dir, "gen-000099", bleveDir, "index_meta.json"), "{}")
	writeFile(t, filepath.Join(dir, currentFile+".123"+tmpSuffix), "gen-000099")
	writeFile(t, filepath.Join(dir, "gen-keepme"), "not ours")

	y := openDir(t, dir, Options{})
	if got := filepath.Base(y.Stats().Dir); got != live || y.Recovered() != "" {
		t.Errorf("live generation = %s (Recovered %q), want %s", got, y.Recovered(), live)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	want := []string{currentFile, lockFile, live, "gen-keepme"}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("dir holds %v, want %v", names, want)
	}
}

func TestRebuildCancelledKeepsOldIndex(t *testing.T) {
	x, dir := openTest(t, Options{BatchSize: 2})
	old := []chokepoint.Document{newDoc("old", "Old", "h", "cobalt mines")}
	mustUpdate(t, x, old...)
	liveBefore := x.Stats().Dir

	var texts []string
	for i := range 10 {
		texts = append(texts, fmt.Sprintf("lithium passage %d", i))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	_, err := x.Rebuild(ctx, []chokepoint.Document{newDoc("new", "New", "h", texts...)}, func(done, total int) {
		calls++
		if done >= 4 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Rebuild = %v, want context.Canceled", err)
	}
	if calls > 4 {
		t.Errorf("progress called %d times after cancel, want the build to stop", calls)
	}
	check := func(x *Index, when string) {
		t.Helper()
		res, err := x.Search(context.Background(), chokepoint.Query{Text: "cobalt lithium"})
		if err != nil {
			t.Fatalf("Search %s = %v", when, err)
		}
		if got := hitIDs(res.Hits); !slices.Equal(got, []string{"old#0"}) {
			t.Errorf("Search %s = %v, want [old#0]", when, got)
		}
		if got := x.Stats().Dir; got != liveBefore {
			t.Errorf("live generation %s = %s, want %s", when, got, liveBefore)
		}
	}
	check(x, "after cancelled rebuild")
	x.Close()
	y := openDir(t, dir, Options{})
	check(y, "after reopen")
	if gens, _ := generations(dir); len(gens) != 1 {
		t.Errorf("generations after reopen = %v, want one", gens)
	}
}

func TestSearchDuringRebuild(t *testing.T) {
	x, _ := openTest(t, Options{BatchSize: 3})
	var docs []chokepoint.Document
	for i := range 5 {
		docs = append(docs, newDoc(fmt.Sprintf("d%d", i), fmt.Sprintf("Doc %d", i), "h",
			"rare earth elements processing in China", "cobalt refining capacity", "lithium brine"))
	}
	mustUpdate(t, x, docs...)

	ctx := context.Background()
	const searchers, rounds = 4, 40
	errc := make(chan error, searchers)
	for range searchers {
		go func() {
			for range rounds {
				res, err := x.Search(ctx, chokepoint.Query{Groups: [][]string{{"rare earth elements"}, {"refining", "processing"}}})
				if err == nil && len(res.Hits) != 10 {
					err = fmt.Errorf("got %d hits, want 10", len(res.Hits))
				}
				if err == nil {
					_, err = x.Nearest(ctx, "cobalt", 2)
				}
				if err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}()
	}
	for i := range 3 {
		if _, err := x.Rebuild(ctx, docs, nil); err != nil {
			t.Errorf("Rebuild %d = %v", i, err)
		}
	}
	for range searchers {
		if err := <-errc; err != nil {
			t.Errorf("Search during Rebuild = %v", err)
		}
	}
}

func TestUpdateInterruptedLeavesLiveUntouched(t *testing.T) {
	x, dir := openTest(t, Options{BatchSize: 1})
	a := newDoc("a", "Alpha", "h1", "cobalt one", "cobalt two", "cobalt three")
	mustUpdate(t, x, a)
	live := x.Stats().Dir
	a2 := newDoc("a", "Alpha", "h2", "lithium one", "lithium two", "lithium three")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := x.Update(ctx, []chokepoint.Document{a2}, func(done, total int) {
		if done == 1 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Update = %v, want context.Canceled", err)
	}
	// The update wrote into a copy: the live generation is as it was.
	check := func(x *Index, when, want string) {
		t.Helper()
		res, err := x.Search(context.Background(), chokepoint.Query{Text: "cobalt lithium"})
		if err != nil {
			t.Fatalf("Search %s = %v", when, err)
		}
		if got := hitIDs(res.Hits); !slices.Equal(got, []string{"a#0", "a#1", "a#2"}) || !strings.Contains(res.Hits[0].Passage.Text, want) {
			t.Errorf("Search %s = %v (%q), want the %s passages", when, got, res.Hits[0].Passage.Text, want)
		}
	}
	check(x, "after the interrupted Update", "cobalt")
	if got := x.Stats().Dir; got != live {
		t.Errorf("live generation = %s, want %s", got, live)
	}
	if gens, _ := generations(dir); len(gens) != 1 {
		t.Errorf("generations after the interrupted Update = %v, want only the live one", gens)
	}
	x.Close()
	y := openDir(t, dir, Options{})
	check(y, "after reopen", "cobalt")
	st := mustUpdate(t, y, a2)
	if st.Rebuilt || st.Changed != 1 {
		t.Errorf("Update after interrupted Update = %+v, want 1 changed in place", st)
	}
	check(y, "after the next Update", "lithium")
}

func TestSearchDuringUpdate(t *testing.T) {
	x, _ := openTest(t, Options{BatchSize: 2})
	docs := func(hash string) []chokepoint.Document {
		var out []chokepoint.Document
		for i := range 4 {
			out = append(out, newDoc(fmt.Sprintf("d%d", i), "Doc", hash, "cobalt refining "+hash, "gallium "+hash))
		}
		return out
	}
	mustUpdate(t, x, docs("v0")...)
	ctx := context.Background()
	errc := make(chan error, 2)
	for range 2 {
		go func() {
			for range 50 {
				res, err := x.Search(ctx, chokepoint.Query{Text: "cobalt"})
				if err == nil && len(res.Hits) != 4 {
					err = fmt.Errorf("got %d hits, want 4", len(res.Hits))
				}
				if err != nil {
					errc <- err
					return
				}
			}
			errc <- nil
		}()
	}
	for i := 1; i <= 5; i++ {
		st, err := x.Update(ctx, docs(fmt.Sprintf("v%d", i)), nil)
		if err != nil || st.Changed != 4 {
			t.Errorf("Update %d = %+v, %v; want 4 changed", i, st, err)
		}
	}
	for range 2 {
		if err := <-errc; err != nil {
			t.Errorf("Search during Update = %v", err)
		}
	}
}
