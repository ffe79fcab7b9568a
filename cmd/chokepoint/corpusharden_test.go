package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"chokepoint"
)

// samePage serves an article whose title is the same on every path and
// whose text names the path, as two pages of one site titled alike.
func samePage() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>Weekly Minerals Briefing</title></head><body><article><h1>Weekly Minerals Briefing</h1>
<p>This briefing, published at %s, reports that China tightened export licences for refined antimony and its oxides this week.</p>
<p>Traders in Rotterdam said spot prices rose again, and smelters in Europe warned that their stocks would last only weeks.</p>
<p>Analysts expect the licences to stay in place for years, since no refinery outside China can yet replace the lost supply.</p>
</article></body></html>`, r.URL.Path)
	}))
}

func TestLibraryAddURLNeverReplacesAnotherArticle(t *testing.T) {
	ctx := context.Background()
	srv := samePage()
	defer srv.Close()
	lib, dir := newTestLibrary(t, map[string]string{"cobalt.md": "# Cobalt\n\nCongo mines most of the world's cobalt.\n"})
	lib.cfg.Fetch.AllowPrivate = true

	first, replaced, err := lib.addURL(ctx, srv.URL+"/week-1")
	if err != nil || replaced {
		t.Fatalf("addURL(week-1) = %v, replaced %v", err, replaced)
	}
	second, replaced, err := lib.addURL(ctx, srv.URL+"/week-2")
	if err != nil || replaced {
		t.Fatalf("addURL(week-2) = %v, replaced %v", err, replaced)
	}
	if first.ID == second.ID {
		t.Fatalf("two pages titled alike got one ID %q: the second replaced the first", first.ID)
	}
	want := []string{"cobalt", first.ID, second.ID}
	slices.Sort(want)
	if got := docIDs(lib); !slices.Equal(got, want) {
		t.Errorf("documents = %v, want %v", got, want)
	}
	if d, _ := lib.Document(first.ID); d.URL != srv.URL+"/week-1" {
		t.Errorf("document %s has URL %q, want week-1's", first.ID, d.URL)
	}

	// The same URL again replaces its own article, and says so.
	before := dirNames(t, dir)
	again, replaced, err := lib.addURL(ctx, srv.URL+"/week-1")
	if err != nil || !replaced || again.ID != first.ID {
		t.Errorf("addURL(week-1) again = %q, replaced %v, %v; want %q replaced", again.ID, replaced, err, first.ID)
	}
	if got := dirNames(t, dir); !slices.Equal(got, before) {
		t.Errorf("corpus after re-adding a URL = %v, want %v", got, before)
	}
}

func TestLibraryAddRefusesAFileForAnIDAlreadyHeld(t *testing.T) {
	ctx := context.Background()
	lib, dir := newTestLibrary(t, map[string]string{
		"cobalt.txt":  "Cobalt\n\nCongo mines most of the world's cobalt.\n",
		"nickel.md":   "# Nickel\n\nIndonesia leads nickel output.\n",
		"lithium.txt": "Lithium\n\nChile and Australia mine lithium.\n",
	})
	before := dirNames(t, dir)
	for _, tc := range []struct{ name, holder string }{
		{"cobalt.md", "cobalt.txt"},
		{"nickel.txt", "nickel.md"},
		{"nickel.markdown", "nickel.md"},
		{"lithium.MD", "lithium.txt"},
	} {
		_, err := lib.Add(ctx, tc.name, []byte(galliumArticle))
		var fe *chokepoint.FileError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), tc.holder) {
			t.Errorf("Add(%q) = %v, want a *FileError naming %s", tc.name, err, tc.holder)
		}
	}
	if got := dirNames(t, dir); !slices.Equal(got, before) {
		t.Errorf("corpus after refused uploads = %v, want %v", got, before)
	}
	if d, err := lib.Document("cobalt"); err != nil || d.Title != "Cobalt" {
		t.Errorf("Document(cobalt) = %q, %v; want the original still served", d.Title, err)
	}
	// The same name replaces, as before.
	if _, err := lib.Add(ctx, "cobalt.txt", []byte("Cobalt Again\n\nThe DRC mines most of the world's cobalt.\n")); err != nil {
		t.Errorf("Add(cobalt.txt) over itself = %v, want it replaced", err)
	}
}

func TestCLICorpusAddSaysWhenItReplaces(t *testing.T) {
	srv := samePage()
	defer srv.Close()
	dir, idx := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cobalt.md"), []byte("# Cobalt\n\nCongo mines most cobalt.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfgPath := writeConfig(t, "fetch:\n  allow_private: true\n")
	args := []string{"corpus", "add", "--corpus", dir, "--index", idx, "--config", cfgPath}
	out1 := mustRun(t, append(args, srv.URL+"/a")...).stdout
	out2 := mustRun(t, append(args, srv.URL+"/b")...).stdout
	out3 := mustRun(t, append(args, srv.URL+"/a")...).stdout
	if !strings.HasPrefix(out1, "Added ") || !strings.HasPrefix(out2, "Added ") || !strings.Contains(out2, "3 documents") {
		t.Errorf("corpus add of two pages titled alike printed %q and %q, want both added (3 documents)", out1, out2)
	}
	if !strings.HasPrefix(out3, "Replaced the article from the same URL") {
		t.Errorf("corpus add of the same URL again printed %q, want it to say it replaced the article fetched from that URL", out3)
	}
}

func TestCLIAskSaysHowManyFilesWereSkipped(t *testing.T) {
	dir, idx := t.TempDir(), t.TempDir()
	for name, body := range map[string]string{
		"cobalt.md": "# Cobalt\n\nCongo mines most of the world's cobalt.\n",
		"empty.md":  "",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("gone.md", filepath.Join(dir, "dangling.md")); err != nil {
		t.Skipf("symlinks unsupported: %v", err)
	}
	// The first ask loads the corpus; the second finds it unchanged and
	// reads only the index: both must say it.
	for run := 1; run <= 2; run++ {
		c := mustRun(t, "ask", "--corpus", dir, "--index", idx, "Who mines cobalt?")
		lines := strings.Split(strings.TrimSpace(c.stderr), "\n")
		if len(lines) != 1 || !strings.Contains(lines[0], "2 files") || !strings.Contains(lines[0], "chokepoint index --corpus "+dir) {
			t.Errorf("ask run %d stderr = %q, want one line saying 2 files were skipped and how to see why", run, c.stderr)
		}
		if !strings.Contains(c.stdout, "cobalt") {
			t.Errorf("ask run %d stdout = %q, want the answer", run, c.stdout)
		}
	}
	c := mustRun(t, "index", "--corpus", dir, "--index", idx)
	if !strings.Contains(c.stdout, "dangling symlink") || !strings.Contains(c.stdout, "empty file") {
		t.Errorf("index printed %q, want the reasons", c.stdout)
	}
	// A corpus with nothing skipped prints nothing on stderr.
	if c := mustRun(t, "ask", "--index", t.TempDir(), "Who mines cobalt?"); c.stderr != "" {
		t.Errorf("ask on the embedded corpus stderr = %q, want nothing", c.stderr)
	}
}

const cobaltArticle = "# Cobalt\n\nCongo mines most of the world's cobalt, and refiners in China process it.\n"

func TestLibraryKeepsTheLastGoodVersion(t *testing.T) {
	ctx := context.Background()
	lib, dir := newTestLibrary(t, map[string]string{"cobalt.md": cobaltArticle, "nickel.md": "# Nickel\n\nIndonesia leads nickel output.\n"})
	for _, bad := range []string{"", "# Cobalt\n\nCongo \x00\x01 half-written", "---\ntitle: [unclosed\n---\nBody.\n"} {
		if err := os.WriteFile(filepath.Join(dir, "cobalt.md"), []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		_, skipped, err := lib.Reindex(ctx, nil)
		if err != nil {
			t.Fatalf("Reindex = %v", err)
		}
		if got := docIDs(lib); !slices.Equal(got, []string{"cobalt", "nickel"}) {
			t.Errorf("documents with cobalt.md = %q: %v, want cobalt still served", bad, got)
		}
		if len(skipped) != 1 || skipped[0].Path != "cobalt.md" || !strings.Contains(skipped[0].Error(), "last good version") {
			t.Errorf("skipped with cobalt.md = %q: %v, want cobalt.md reported as served from its last good version", bad, skipped)
		}
		ans, err := lib.Answer(ctx, "Who mines cobalt?")
		if err != nil || ans.Abstained || !strings.Contains(ans.Citations[0].Excerpt, "Congo mines most") {
			t.Errorf("Answer with cobalt.md = %q: %+v, %v; want the last good version quoted", bad, ans, err)
		}
	}
	// Fixed, it loads again; removed, it goes.
	if err := os.WriteFile(filepath.Join(dir, "cobalt.md"), []byte("# Cobalt\n\nThe DRC mines most cobalt.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, skipped, err := lib.Reindex(ctx, nil); err != nil || len(skipped) != 0 {
		t.Fatalf("Reindex after the fix = %v, skipped %v", err, skipped)
	}
	if err := os.Remove(filepath.Join(dir, "cobalt.md")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := lib.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if got := docIDs(lib); !slices.Equal(got, []string{"nickel"}) {
		t.Errorf("documents after removing cobalt.md = %v, want nickel only", got)
	}
}

func TestLibraryWaitsForFilesToSettle(t *testing.T) {
	ctx := context.Background()
	lib, dir := newTestLibrary(t, map[string]string{"cobalt.md": cobaltArticle})
	p := filepath.Join(dir, "cobalt.md")
	// Half written, but parseable: it must not replace the whole article.
	if err := os.WriteFile(p, []byte("# Cobalt\n\nCongo mi"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "new.md"), []byte("# New\n\nA new article being writ"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	lib.now = func() time.Time { return st.ModTime().Add(time.Second) }
	r, err := lib.reload(ctx, nil, 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(r.unsettled, []string{"cobalt.md", "new.md"}) {
		t.Errorf("unsettled = %q, want cobalt.md and new.md", r.unsettled)
	}
	if got := docIDs(lib); !slices.Equal(got, []string{"cobalt"}) {
		t.Errorf("documents while files are written = %v, want cobalt only", got)
	}
	if h, err := lib.Passage(ctx, "cobalt#0"); err != nil || !strings.Contains(h.Passage.Text, "Congo mines most") {
		t.Errorf("cobalt#0 while cobalt.md is written = %q, %v; want the whole last version", h.Passage.Text, err)
	}
	// Settled.
	lib.now = func() time.Time { return st.ModTime().Add(time.Minute) }
	if r, err = lib.reload(ctx, nil, 2*time.Second); err != nil || len(r.unsettled) != 0 {
		t.Fatalf("reload once settled = %v, unsettled %q", err, r.unsettled)
	}
	if got := docIDs(lib); !slices.Equal(got, []string{"cobalt", "new"}) {
		t.Errorf("documents once settled = %v, want cobalt and new", got)
	}
}
