package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chokepoint/feeds"
	"chokepoint/fetch"
	"chokepoint/store"
)

// feedSite serves an RSS feed of n articles about different minerals, and
// the articles.
func feedSite(t *testing.T, n int) *httptest.Server {
	t.Helper()
	minerals := []string{"gallium", "germanium", "antimony", "tungsten", "graphite", "cobalt", "lithium", "vanadium"}
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Header().Set("ETag", `"feed-1"`)
		if r.Header.Get("If-None-Match") == `"feed-1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Mineral Watch</title>`)
		for i := range n {
			fmt.Fprintf(w, `<item><title>%s supply</title><link>http://%s/articles/%d</link><author>Desk %d</author><pubDate>Tue, 10 Nov 2026 08:00:00 +0000</pubDate></item>`,
				strings.ToUpper(minerals[i%len(minerals)][:1])+minerals[i%len(minerals)][1:], r.Host, i, i)
		}
		fmt.Fprint(w, `</channel></rss>`)
	})
	mux.HandleFunc("/articles/", func(w http.ResponseWriter, r *http.Request) {
		var i int
		fmt.Sscanf(r.URL.Path, "/articles/%d", &i)
		m := minerals[i%len(minerals)]
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>%s supply %d</title></head><body><article><h1>%s supply %d</h1>
<p>Refiners of %s in Kazakhstan report that export licences now take ninety days, article %d says, and buyers hold larger stocks.</p>
<p>The %s market depends on a handful of separation plants, so any outage moves prices for months across Europe and Japan.</p>
<p>Analysts of %s expect new capacity only after permits, finance and trained staff are in place, which takes several years.</p>
</article></body></html>`, m, i, m, i, m, i, m, m)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestLibraryAddArticles(t *testing.T) {
	ctx := context.Background()
	lib, dir := newTestLibrary(t, map[string]string{
		"cobalt.md":        "---\ntitle: Cobalt\nurl: https://known.example/cobalt\n---\n\nCongo mines most of the world's cobalt.\n",
		"gallium-watch.md": "# Gallium Watch\n\nChina restricts gallium exports.\n",
	})
	text := "Kazakhstan refines tungsten for European buyers, and export licences now take ninety days to clear.\n\nNew separation plants take years to permit and finance."
	arts := []fetch.Article{
		{Title: "Tungsten from Kazakhstan", URL: "https://new.example/tungsten", Site: "New", Text: text},
		{Title: "Cobalt again", URL: "https://known.example/cobalt?utm_source=rss", Site: "Known", Text: text + " Cobalt."},
		{Title: "Gallium Watch", URL: "https://new.example/gallium", Site: "New", Text: "Gallium refiners in Japan stockpile metal for a year.\n\nPrices doubled."},
	}
	saved, err := lib.AddArticles(ctx, arts)
	if err != nil {
		t.Fatal(err)
	}
	if saved[0].Err != nil || saved[0].Path != "tungsten-from-kazakhstan.md" {
		t.Errorf("new article saved as %+v", saved[0])
	}
	if !errors.Is(saved[1].Err, feeds.ErrDuplicate) {
		t.Errorf("article from a URL the corpus holds: %v, want ErrDuplicate", saved[1].Err)
	}
	if saved[2].Err != nil || saved[2].Path != "gallium-watch-2.md" {
		t.Errorf("same title as another file: saved as %+v, want gallium-watch-2.md", saved[2])
	}
	data, err := os.ReadFile(filepath.Join(dir, "tungsten-from-kazakhstan.md"))
	if err != nil || !strings.Contains(string(data), "url: https://new.example/tungsten") || !strings.Contains(string(data), "source: New") {
		t.Errorf("saved file = %q, %v, want front matter with url and source", data, err)
	}
	ans, err := lib.Answer(ctx, "Who refines tungsten for European buyers?")
	if err != nil || ans.Abstained {
		t.Errorf("Answer after AddArticles abstained (%v): the articles were not indexed", err)
	}

	embedded := &library{}
	if _, err := embedded.AddArticles(ctx, arts); !errors.Is(err, errReadOnlyCorpus) {
		t.Errorf("AddArticles on the embedded corpus = %v, want errReadOnlyCorpus", err)
	}
}

func TestCLIFeeds(t *testing.T) {
	srv := feedSite(t, 4)
	dir, idx := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "cobalt.md"), []byte("# Cobalt\n\nCongo mines most cobalt.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := writeConfig(t, "fetch:\n  allow_private: true\nfeeds:\n  host_delay: 1ms\n")
	common := []string{"--corpus", dir, "--index", idx, "--config", cfg}
	feedURL := srv.URL + "/feed.xml"

	out := mustRun(t, append([]string{"feeds", "add"}, append(common, feedURL)...)...).stdout
	if !strings.Contains(out, `RSS "Mineral Watch", 4 entries`) {
		t.Errorf("feeds add printed %q", out)
	}
	c := runCLI(t, nil, append([]string{"feeds", "add"}, append(common, feedURL)...)...)
	if c.err == nil || !errors.Is(c.err, store.ErrFeedExists) {
		t.Errorf("feeds add twice = %v, want ErrFeedExists", c.err)
	}
	c = runCLI(t, nil, append([]string{"feeds", "add"}, append(common, srv.URL+"/articles/1")...)...)
	if !errors.Is(c.err, feeds.ErrNotFeed) {
		t.Errorf("feeds add of an article page = %v, want ErrNotFeed", c.err)
	}
	if code, _ := runCLI(t, nil, "feeds", "add").code(); code != 2 {
		t.Errorf("feeds add without URL: exit %d, want 2", code)
	}

	out = mustRun(t, append([]string{"feeds", "poll"}, common...)...).stdout
	if !strings.Contains(out, "4 entries, 4 new: 4 added") || !strings.Contains(out, "the index holds 5 documents") {
		t.Errorf("feeds poll printed %q", out)
	}
	// Each run is a restart: the second poll finds the stored ETag and the
	// known entries.
	out = mustRun(t, append([]string{"feeds", "poll"}, common...)...).stdout
	if !strings.Contains(out, "not modified") {
		t.Errorf("second feeds poll printed %q, want not modified", out)
	}
	out = mustRun(t, append([]string{"feeds", "list"}, common...)...).stdout
	if !strings.Contains(out, feedURL) || !strings.Contains(out, "rss") || !strings.Contains(out, "  4  ") {
		t.Errorf("feeds list printed %q, want the feed, its kind and 4 entries", out)
	}
	ans := mustRun(t, append([]string{"ask"}, append(common, "How long do tungsten export licences take in Kazakhstan?")...)...).stdout
	if !strings.Contains(strings.ToLower(ans), "ninety days") {
		t.Errorf("ask after feeds poll = %q, want a polled article quoted", ans)
	}
	mustRun(t, append([]string{"feeds", "remove"}, append(common, feedURL)...)...)
	if out := mustRun(t, append([]string{"feeds", "list"}, common...)...).stdout; !strings.Contains(out, "No feeds") {
		t.Errorf("feeds list after remove = %q", out)
	}
	if _, err := os.Stat(filepath.Join(idx, storeFile)); err != nil {
		t.Errorf("store not in the index directory: %v", err)
	}
}

func TestCLIGapsAndStore(t *testing.T) {
	ctx := context.Background()
	dir, idx := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(dir, "cobalt.md"), []byte("---\ntitle: Cobalt in Congo\n---\n\nCongo mines most of the world's cobalt, and refiners in China buy it.\n"), 0o644)
	st, err := store.Open(ctx, filepath.Join(idx, storeFile))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for i, q := range []struct {
		text      string
		abstained bool
		days      int
	}{
		{"Why can't Russia replace China's rare earths?", true, 1},
		{"why cant russia replace china rare earth", true, 2},
		{"=HYPERLINK(\"x\") who refines cobalt?", true, 3},
		{"Who mines cobalt?", false, 1}, // answered: no gap
		{"Why can't Russia replace China's rare earths?", true, 45},
	} {
		if _, err := st.LogQuestion(ctx, store.Question{Asked: now.AddDate(0, 0, -q.days), ChannelID: "c", Text: q.text, Abstained: q.abstained, Latency: time.Duration(i+1) * 100 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
	}
	st.RecordVote(ctx, store.Vote{ChannelID: "c", Question: "Who mines cobalt?", Positive: false})
	st.Close()
	common := []string{"--corpus", dir, "--index", idx}

	out := mustRun(t, append([]string{"gaps"}, common...)...).stdout
	lines := strings.Split(out, "\n")
	if !strings.Contains(out, "4 unanswered questions in the last 30 days, 3 distinct") || len(lines) < 4 ||
		!strings.HasPrefix(lines[3], "2 ") || !strings.Contains(lines[3], "Cobalt in Congo") {
		t.Errorf("gaps printed:\n%s\nwant the two Russia questions first, with the nearest title", out)
	}
	out = mustRun(t, append([]string{"gaps", "--days", "60", "--csv"}, common...)...).stdout
	if !strings.HasPrefix(out, "count,abstained,voted_down,last_asked,question,phrasings,nearest\n3,3,0,") {
		t.Errorf("gaps --csv --days 60 printed:\n%s", out)
	}
	if !strings.Contains(out, `'=HYPERLINK`) {
		t.Errorf("a formula-like question is not quoted in the CSV:\n%s", out)
	}

	backup := filepath.Join(t.TempDir(), "backup.db")
	mustRun(t, append([]string{"store", "backup"}, append(common, backup)...)...)
	out = mustRun(t, "store", "info", "--index", t.TempDir(), "--config", writeConfig(t, "store:\n  path: "+backup+"\n")).stdout
	if !strings.Contains(out, "questions: 5 logged, 4 declined, 0 👍, 1 👎") {
		t.Errorf("store info of the backup printed %q", out)
	}
	if code, _ := runCLI(t, nil, "store", "backup").code(); code != 2 {
		t.Errorf("store backup without FILE: exit %d, want 2", code)
	}
	if code, _ := runCLI(t, nil, append([]string{"gaps", "--days", "0"}, common...)...).code(); code != 2 {
		t.Errorf("gaps --days 0: exit %d, want 2", code)
	}
}

func TestCLIGapsWhileServeHoldsTheIndex(t *testing.T) {
	ctx := context.Background()
	dir, idx := t.TempDir(), t.TempDir()
	os.WriteFile(filepath.Join(dir, "cobalt.md"), []byte("# Cobalt\n\nCongo mines most of the world's cobalt.\n"), 0o644)
	cfg := defaultConfig()
	cfg.Corpus, cfg.Index = dir, idx
	e, err := openEngine(ctx, cfg, noEnv, io.Discard, nil, false) // as serve does
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	st, err := store.Open(ctx, filepath.Join(idx, storeFile)) // serve's store, open
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	st.LogQuestion(ctx, store.Question{Asked: time.Now(), Text: "Why can't Russia replace China?", Abstained: true})
	c := runCLI(t, nil, "gaps", "--corpus", dir, "--index", idx)
	if c.err != nil || !strings.Contains(c.stdout, "Why can't Russia replace China?") || !strings.Contains(c.stdout, "Cobalt") {
		t.Errorf("gaps while the index is held = %v\nstdout %s\nstderr %s", c.err, c.stdout, c.stderr)
	}
}
