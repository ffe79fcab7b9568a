package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"chokepoint/bot"
	"chokepoint/store"
)

// feedServe is serve in HTTP-only mode over a corpus directory, an index
// directory and a store that outlive it, so a test can restart it.
type feedServe struct {
	*httpServe
	ids int // interactions sent
}

func startFeedServe(t *testing.T, fake *restFake, corpusDir, indexDir, config string) *feedServe {
	t.Helper()
	// Discord's REST API is the fake; nothing leaves the machine.
	fs := httptest.NewServer(fake)
	t.Cleanup(fs.Close)
	orig := http.DefaultTransport
	http.DefaultTransport = rewriteTransport{host: strings.TrimPrefix(fs.URL, "http://"), next: orig}
	t.Cleanup(func() { http.DefaultTransport = orig })
	s := &httpServe{fake: fake, priv: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{44}, ed25519.SeedSize)), logs: newLogBuffer(), done: make(chan error, 1)}
	env := map[string]string{"DISCORD_PUBLIC_KEY": hex.EncodeToString(s.priv.Public().(ed25519.PublicKey))}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	s.cancel = cancel
	t.Cleanup(cancel)
	go func() {
		s.done <- run(ctx, []string{"serve", "--config", writeConfig(t, config), "--corpus", corpusDir, "--index", indexDir, "--http", "127.0.0.1:0"},
			strings.NewReader(""), io.Discard, s.logs, envOf(env))
	}()
	addr, ok := s.logs.waitMatch(60*time.Second, regexp.MustCompile(`msg=listening what=interactions addr=(127\.0\.0\.1:\d+)`))
	if !ok {
		cancel()
		t.Fatalf("no interactions listener; serve returned %v; log:\n%s", <-s.done, s.logs)
	}
	s.addr = addr
	return &feedServe{httpServe: s}
}

func (s *feedServe) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	if err := <-s.done; err != nil {
		t.Errorf("serve after cancel: %v", err)
	}
}

// command posts a signed slash command from an admin and returns the
// reply: the HTTP body's content, or the edit of a deferred response.
func (s *feedServe) command(t *testing.T, tok, name string, options any) string {
	t.Helper()
	opts, _ := json.Marshal(options)
	// Each interaction has its own ID, as Discord's do: a repeated one is
	// refused as a replay.
	s.ids++
	body := []byte(`{"id":"` + strconv.Itoa(1000+s.ids) + `","application_id":"` + serveAppID + `","type":2,"token":"` + tok + `","version":1,` +
		`"guild_id":"2","channel_id":"3","member":{"user":{"id":"4"},"permissions":"32"},` +
		`"authorizing_integration_owners":{"0":"2"},` +
		`"data":{"id":"5","name":"` + name + `","type":1,"options":` + string(opts) + `}}`)
	_, first := postSigned(t, s.addr, s.priv, body, 30*time.Second)
	var r struct {
		Type int `json:"type"`
		Data struct {
			Content string `json:"content"`
		} `json:"data"`
	}
	if err := json.Unmarshal(first, &r); err != nil {
		t.Fatalf("/%s: response %q: %v", name, first, err)
	}
	if r.Type != 5 {
		return r.Data.Content
	}
	edit, ok := s.fake.wait(60*time.Second, editKey(tok))
	if !ok {
		t.Fatalf("/%s: no edit; log:\n%s", name, s.logs)
	}
	var e struct {
		Content string `json:"content"`
	}
	json.Unmarshal([]byte(edit), &e)
	return e.Content
}

type opt map[string]any

func sub(name string, opts ...opt) []opt {
	o := opt{"name": name, "type": 1}
	if len(opts) > 0 {
		o["options"] = opts
	}
	return []opt{o}
}

// TestServeFeedsGapsAndRestart runs serve end to end: /feeds add through
// the interactions endpoint, the poller adding the feed's articles to the
// corpus and the index while serve answers, questions logged, /gaps and
// /stats reading the log; then a restart, after which the feed, its state
// and the log are all still there.
func TestServeFeedsGapsAndRestart(t *testing.T) {
	site := feedSite(t, 3)
	corpusDir, indexDir := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(corpusDir, "cobalt.md"), []byte("---\ntitle: Cobalt in Congo\n---\n\nCongo mines most of the world's cobalt, and refiners in China buy it.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := &restFake{bodies: map[string]string{}, changed: make(chan struct{})}
	const config = "fetch:\n  allow_private: true\nfeeds:\n  host_delay: 1ms\n"
	s := startFeedServe(t, fake, corpusDir, indexDir, config)

	feedURL := site.URL + "/feed.xml"
	if got := s.command(t, "t-add", "feeds", sub("add", opt{"name": "url", "type": 3, "value": feedURL})); !strings.Contains(got, "Subscribed to <"+feedURL+">: RSS “Mineral Watch”, 3 entries") {
		t.Errorf("/feeds add = %q", got)
	}
	if _, ok := s.logs.waitMatch(60*time.Second, regexp.MustCompile(`msg="feed polled".* (added=3)`)); !ok {
		t.Fatalf("the feed was not polled after /feeds add; log:\n%s", s.logs)
	}
	ans := s.command(t, "t-ask1", "ask", []opt{{"name": "question", "type": 3, "value": "How long do export licences for antimony take in Kazakhstan?"}})
	if !strings.Contains(strings.ToLower(ans), "ninety days") {
		t.Errorf("/ask after the poll = %q, want a polled article quoted", ans)
	}
	// A question and a rephrasing of it (the same text twice in one
	// channel would be answered once).
	for k, q := range []string{"Who regulates helium balloon prices in Peru?", "who regulates the price of helium balloons in peru"} {
		s.command(t, "t-gap"+strconv.Itoa(k), "ask", []opt{{"name": "question", "type": 3, "value": q}})
	}
	gaps := s.command(t, "t-gaps1", "gaps", []opt{})
	if !strings.Contains(gaps, "**2×** “") || !strings.Contains(strings.ToLower(gaps), "helium balloon") {
		t.Errorf("/gaps = %q, want the declined question and its rephrasing counted together", gaps)
	}
	stats := s.command(t, "t-stats1", "stats", []opt{{"name": "days", "type": 4, "value": 1}})
	if !strings.Contains(stats, "Questions: 3, answered 1, declined 2") {
		t.Errorf("/stats = %q", stats)
	}
	list := s.command(t, "t-list1", "feeds", sub("list"))
	if !strings.Contains(list, "3 articles") || !strings.Contains(list, "last read") {
		t.Errorf("/feeds list = %q, want 3 articles and a last read time", list)
	}
	s.stop(t)

	// Restart: the same corpus, index and store.
	s = startFeedServe(t, fake, corpusDir, indexDir, config)
	defer s.stop(t)
	list = s.command(t, "t-list2", "feeds", sub("list"))
	if !strings.Contains(list, "<"+feedURL+">") || !strings.Contains(list, "3 articles") || !strings.Contains(list, "last read") {
		t.Errorf("/feeds list after restart = %q, want the feed with its 3 articles and last read time", list)
	}
	gaps = s.command(t, "t-gaps2", "gaps", []opt{{"name": "days", "type": 4, "value": 7}})
	if !strings.Contains(gaps, "**2×** “") || !strings.Contains(strings.ToLower(gaps), "helium balloon") {
		t.Errorf("/gaps after restart = %q, want the logged question", gaps)
	}
	// The feed is not due for an hour: nothing is fetched again.
	if strings.Contains(s.logs.String(), `msg="feed polled"`) {
		t.Errorf("feed polled again right after the restart; its next poll was kept:\n%s", s.logs)
	}
	if _, err := os.Stat(filepath.Join(indexDir, storeFile)); err != nil {
		t.Errorf("store file: %v", err)
	}
}

func TestQuestionLogKeepsNoUserIDs(t *testing.T) {
	ctx := context.Background()
	lib, _ := newTestLibrary(t, map[string]string{"a.md": "# A\n\nCongo mines cobalt.\n"})
	for _, tc := range []struct {
		key  Secret
		want func(string) bool
	}{
		{"", func(h string) bool { return h == "" }},
		{"k1", func(h string) bool { return len(h) == 32 && !strings.Contains(h, "123456789") }},
	} {
		st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
		if err != nil {
			t.Fatal(err)
		}
		l := newQuestionLog(st, lib, tc.key)
		if err := l.LogQuestion(ctx, bot.LoggedQuestion{Asked: time.Now(), ChannelID: "c", UserID: "123456789", Question: "q?", Abstained: true}); err != nil {
			t.Fatal(err)
		}
		for range 2 { // the same voter twice counts once with a key
			l.LogVote(ctx, bot.LoggedVote{At: time.Now(), ChannelID: "c", UserID: "123456789", Question: "q?"})
		}
		qs, _ := st.Questions(ctx, time.Time{})
		if len(qs) != 1 || !tc.want(qs[0].UserHash) {
			t.Errorf("key %q: stored user %q", tc.key, qs[0].UserHash)
		}
		if wantDown := map[Secret]int{"": 2, "k1": 1}[tc.key]; qs[0].Down != wantDown {
			t.Errorf("key %q: %d votes down, want %d", tc.key, qs[0].Down, wantDown)
		}
		st.Close()
	}
}

func TestFeedErrorSummary(t *testing.T) {
	for in, want := range map[string]string{
		"get http://127.0.0.1:4/f.xml: HTTP 404 Not Found":                                           "HTTP 404 Not Found",
		"check feed: get http://x/f: context deadline exceeded (Client.Timeout exceeded)":            "timed out",
		"get http://10.0.0.1/f: dial tcp 10.0.0.1:80: address not allowed (special-purpose address)": "the address is private or reserved, so it is refused",
		"read feed http://x/f: malformed XML at line 12, column 3: unexpected EOF":                   "malformed XML at line 12, column 3",
		"check feed http://x/: not a feed: an HTML page":                                             "not an RSS, Atom or JSON feed or a sitemap",
		"get http://nowhere.invalid/: dial tcp: lookup nowhere.invalid: no such host":                "host not found",
		"something else entirely": "could not be read",
	} {
		if got := feedErrorSummary(in); got != want {
			t.Errorf("feedErrorSummary(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPruneLogEnforcesRetention(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	st.LogQuestions(ctx, []store.Question{{Asked: now.AddDate(0, 0, -91), Text: "old"}, {Asked: now.AddDate(0, 0, -89), Text: "kept"}})
	var logs bytes.Buffer
	done := make(chan struct{})
	go func() {
		pruneLog(ctx, st, 90*24*time.Hour, slog.New(slog.NewTextHandler(&logs, nil)))
		close(done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		qs, _ := st.Questions(context.Background(), time.Time{})
		if len(qs) == 1 && qs[0].Text == "kept" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after pruning: %+v, want only the question asked 89 days ago", qs)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
}
