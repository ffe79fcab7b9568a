package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"chokepoint"
	"chokepoint/metrics"
)

// newTestLibrary opens a library over a corpus directory holding files.
func newTestLibrary(t *testing.T, files map[string]string) (*library, string) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg := defaultConfig()
	cfg.Corpus, cfg.Index = dir, t.TempDir()
	e, err := openEngine(context.Background(), cfg, noEnv, io.Discard, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return newLibrary(e, metrics.New()), dir
}

func docIDs(l *library) []string {
	var ids []string
	for _, d := range l.Documents() {
		ids = append(ids, d.ID)
	}
	slices.Sort(ids)
	return ids
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

const galliumArticle = "---\ntitle: Gallium Controls\nsource: Test Desk\n---\n\nChina restricts gallium exports to Western buyers.\n"

func TestLibraryAddAndRemove(t *testing.T) {
	ctx := context.Background()
	lib, dir := newTestLibrary(t, map[string]string{"cobalt.md": "# Cobalt\n\nCongo mines most of the world's cobalt.\n"})

	doc, err := lib.Add(ctx, "gallium.md", []byte(galliumArticle))
	if err != nil {
		t.Fatalf("Add(gallium.md) = %v", err)
	}
	if doc.Title != "Gallium Controls" || doc.ID != "gallium" {
		t.Errorf("Add(gallium.md) = %q %q, want the parsed document", doc.ID, doc.Title)
	}
	if got := docIDs(lib); !slices.Equal(got, []string{"cobalt", "gallium"}) {
		t.Errorf("documents after Add = %v, want cobalt and gallium", got)
	}
	ans, err := lib.Answer(ctx, "Who restricts gallium exports?")
	if err != nil || ans.Abstained || !strings.Contains(ans.Citations[0].Excerpt, "China restricts gallium") {
		t.Errorf("Answer after Add = %+v, %v; want the new article quoted", ans, err)
	}

	if err := lib.Remove(ctx, "gallium"); err != nil {
		t.Fatalf("Remove(gallium) = %v", err)
	}
	if got := docIDs(lib); !slices.Equal(got, []string{"cobalt"}) {
		t.Errorf("documents after Remove = %v, want cobalt", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "gallium.md")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("gallium.md still on disk after Remove: %v", err)
	}
	if err := lib.Remove(ctx, "gallium"); !errors.Is(err, chokepoint.ErrNotFound) {
		t.Errorf("Remove(unknown) = %v, want ErrNotFound", err)
	}
}

func TestLibraryRefusesBadUploadsAndKeepsTheCorpus(t *testing.T) {
	ctx := context.Background()
	lib, dir := newTestLibrary(t, map[string]string{"cobalt.md": "# Cobalt\n\nCongo mines most of the world's cobalt.\n"})
	before := dirNames(t, dir)
	for _, tc := range []struct {
		name, data, want string
	}{
		{"bad.md", "---\ntitle: [unclosed\n---\n\nBody text here.\n", "bad.md"},
		{"empty.md", "", "empty.md"},
		{"notes.pdf", "%PDF-1.7", "want a .md or .txt file"},
		{"../escape.md", galliumArticle, "plain name"},
	} {
		_, err := lib.Add(ctx, tc.name, []byte(tc.data))
		var fe *chokepoint.FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Add(%q) = %v, want a *FileError mentioning %q", tc.name, err, tc.want)
		}
	}
	if got := dirNames(t, dir); !slices.Equal(got, before) {
		t.Errorf("corpus directory after refused uploads = %v, want %v unchanged", got, before)
	}
	if got := docIDs(lib); !slices.Equal(got, []string{"cobalt"}) {
		t.Errorf("documents after refused uploads = %v, want cobalt only", got)
	}
}

func TestLibraryEmbeddedCorpusIsReadOnly(t *testing.T) {
	cfg := defaultConfig()
	cfg.Index = t.TempDir()
	e, err := openEngine(context.Background(), cfg, noEnv, io.Discard, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	lib := newLibrary(e, nil)
	if _, err := lib.Add(context.Background(), "a.md", []byte(galliumArticle)); !errors.Is(err, errReadOnlyCorpus) {
		t.Errorf("Add on the embedded corpus = %v, want errReadOnlyCorpus", err)
	}
	if err := lib.Remove(context.Background(), "000_0524fadb7a41a105"); !errors.Is(err, errReadOnlyCorpus) {
		t.Errorf("Remove on the embedded corpus = %v, want errReadOnlyCorpus", err)
	}
}

func TestWatchReindexesChangedFiles(t *testing.T) {
	lib, dir := newTestLibrary(t, map[string]string{"cobalt.md": "# Cobalt\n\nCongo mines most of the world's cobalt.\n"})
	ctx, cancel := context.WithCancel(context.Background())
	reindexed := make(chan error, 16)
	done := make(chan error, 1)
	go func() {
		done <- watchCorpus(ctx, dir, 20*time.Millisecond, lib, slog.New(slog.NewTextHandler(io.Discard, nil)), func(err error) { reindexed <- err })
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("watchCorpus = %v", err)
		}
	}()
	// The watcher may start after the first write; write until a reindex
	// shows the file, a bounded number of times.
	waitFor := func(what string, ok func() bool, write func()) {
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
	waitFor("a new article", func() bool { return slices.Contains(docIDs(lib), "gallium") }, func() {
		if err := os.WriteFile(filepath.Join(dir, "gallium.md"), []byte(galliumArticle), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	waitFor("a broken article", func() bool {
		st := lib.Status()
		return len(st.Skipped) == 1 && st.Skipped[0].Path == "broken.md"
	}, func() {
		if err := os.WriteFile(filepath.Join(dir, "broken.md"), []byte("\x00\x01binary"), 0o644); err != nil {
			t.Fatal(err)
		}
	})
	if got := docIDs(lib); !slices.Equal(got, []string{"cobalt", "gallium"}) {
		t.Errorf("documents with a broken file beside them = %v, want cobalt and gallium still served", got)
	}
}

func TestLibraryAddURL(t *testing.T) {
	ctx := context.Background()
	page := `<!doctype html><html><head><title>Graphite Anodes and the Chinese Grip</title></head><body>
<nav>Home | About</nav><article><h1>Graphite Anodes and the Chinese Grip</h1>
<p>China processes nearly all of the world's spherical graphite used in battery anodes, and export licences now apply to it.</p>
<p>Western anode plants remain years from scale, since purification capacity is missing outside China and permits take time.</p>
<p>Critics argue that tariffs alone will not build that midstream capacity without long-term offtake contracts and public finance.</p>
</article><footer>Leave a comment</footer></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, page)
	}))
	defer srv.Close()
	lib, dir := newTestLibrary(t, map[string]string{"cobalt.md": "# Cobalt\n\nCongo mines most of the world's cobalt.\n"})

	// The guard refuses loopback addresses unless fetch.allow_private is set.
	before := dirNames(t, dir)
	_, err := lib.AddURL(ctx, srv.URL+"/graphite")
	var fe *chokepoint.FileError
	if !errors.As(err, &fe) || fe.Path != srv.URL+"/graphite" {
		t.Fatalf("AddURL(loopback) = %v, want a *FileError naming the URL", err)
	}
	if got := dirNames(t, dir); !slices.Equal(got, before) {
		t.Errorf("corpus after a refused URL = %v, want %v", got, before)
	}

	lib.cfg.Fetch.AllowPrivate = true
	doc, err := lib.AddURL(ctx, srv.URL+"/graphite")
	if err != nil {
		t.Fatalf("AddURL = %v", err)
	}
	if doc.Title != "Graphite Anodes and the Chinese Grip" {
		t.Errorf("AddURL title = %q", doc.Title)
	}
	ans, err := lib.Answer(ctx, "Who processes spherical graphite for anodes?")
	if err != nil || ans.Abstained || !strings.Contains(ans.Citations[0].Excerpt, "spherical graphite") {
		t.Errorf("Answer after AddURL = %+v, %v; want the fetched article quoted", ans, err)
	}
}

func TestCLICorpusAdd(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, `<html><head><title>Tungsten Supply</title></head><body><article><h1>Tungsten Supply</h1>
<p>China mines most of the world's tungsten and has restricted exports of several tungsten products since early 2025.</p>
<p>Processing capacity outside China is thin, and a new plant in Kazakhstan will take years to reach full output.</p>
<p>Buyers in Europe worry that stockpiles cover only a few months of demand should the restrictions tighten further.</p>
</article></body></html>`)
	}))
	defer srv.Close()
	dir, idx := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cobalt.md"), []byte("# Cobalt\n\nCongo mines most cobalt.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfgPath := writeConfig(t, "fetch:\n  allow_private: true\n")
	out := mustRun(t, "corpus", "add", "--corpus", dir, "--index", idx, "--config", cfgPath, srv.URL+"/tungsten").stdout
	if !strings.Contains(out, `Added "Tungsten Supply"`) || !strings.Contains(out, "2 documents") {
		t.Errorf("corpus add printed %q, want the title and 2 documents", out)
	}
	if ans := mustRun(t, "ask", "--corpus", dir, "--index", idx, "Who restricts tungsten exports?").stdout; !strings.Contains(ans, "tungsten") {
		t.Errorf("ask after corpus add = %q, want the fetched article quoted", ans)
	}
	// Without allow_private the loopback page is refused and nothing is written.
	before := dirNames(t, dir)
	c := runCLI(t, nil, "corpus", "add", "--corpus", dir, "--index", idx, srv.URL+"/other")
	if code, _ := c.code(); code != 1 || !strings.Contains(c.err.Error(), srv.URL+"/other") {
		t.Errorf("corpus add of a loopback URL = %v (exit %d), want exit 1 naming the URL", c.err, code)
	}
	if got := dirNames(t, dir); !slices.Equal(got, before) {
		t.Errorf("corpus after a refused URL = %v, want %v", got, before)
	}
}
