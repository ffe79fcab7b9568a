package store

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "chokepoint.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s) = %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestOpenMigratesAndReopens(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	if v, err := s.SchemaVersion(ctx); err != nil || v != Version {
		t.Fatalf("SchemaVersion() = %d, %v, want %d", v, err, Version)
	}
	if _, err := s.AddFeed(ctx, "https://example.org/feed.xml", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LogQuestion(ctx, Question{Asked: t0, Text: "why gallium?", Abstained: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s2.Close()
	feeds, err := s2.Feeds(ctx)
	if err != nil || len(feeds) != 1 || feeds[0].URL != "https://example.org/feed.xml" {
		t.Errorf("Feeds() after reopen = %+v, %v, want the one feed", feeds, err)
	}
	qs, err := s2.Questions(ctx, time.Time{})
	if err != nil || len(qs) != 1 || qs[0].Text != "why gallium?" || !qs[0].Abstained {
		t.Errorf("Questions() after reopen = %+v, %v, want the one question", qs, err)
	}
}

func TestOpenRefusesNewerSchemaAndOtherFiles(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", Version+1)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(ctx, path); !errors.Is(err, ErrNewerSchema) {
		t.Errorf("Open(newer schema) = %v, want ErrNewerSchema", err)
	}

	junk := filepath.Join(t.TempDir(), "junk.db")
	if err := os.WriteFile(junk, []byte("this is not a database, just some text that is long enough to have a header......................................................"), 0o600); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(ctx, junk); err == nil {
		s.Close()
		t.Errorf("Open(text file) = nil error, want one")
	}
	if _, err := Open(ctx, filepath.Join(t.TempDir(), "a?b.db")); err == nil {
		t.Errorf("Open(path with ?) = nil error, want one")
	}
}

func TestMigrationFromVersionZeroKeepsOtherTables(t *testing.T) {
	// A file created by hand (an operator's sqlite3 session) at version 0
	// is migrated, and what it holds stays.
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hand.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('keep me')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open(version 0 file) = %v", err)
	}
	defer s.Close()
	if v, _ := s.SchemaVersion(ctx); v != Version {
		t.Errorf("SchemaVersion() = %d, want %d", v, Version)
	}
	var note string
	if err := s.db.QueryRow(`SELECT text FROM notes`).Scan(&note); err != nil || note != "keep me" {
		t.Errorf("hand-made table after migration = %q, %v", note, err)
	}
	if _, err := s.AddFeed(ctx, "https://a.example/", t0); err != nil {
		t.Errorf("AddFeed on migrated file: %v", err)
	}
}

func TestFeedsLifecycle(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	a, err := s.AddFeed(ctx, "https://a.example/rss", t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFeed(ctx, "https://a.example/rss", t0); !errors.Is(err, ErrFeedExists) {
		t.Errorf("AddFeed(twice) = %v, want ErrFeedExists", err)
	}
	b, _ := s.AddFeed(ctx, "https://b.example/atom", t0.Add(time.Second))

	due, err := s.DueFeeds(ctx, t0)
	if err != nil || len(due) != 2 {
		t.Fatalf("DueFeeds(new feeds) = %d feeds, %v, want 2", len(due), err)
	}
	a.Title, a.Kind, a.ETag, a.LastModified = "A", "rss", `"v1"`, "Mon, 02 Nov 2026 10:00:00 GMT"
	a.NextPoll, a.LastPoll, a.LastSuccess = t0.Add(time.Hour), t0, t0
	if err := s.SaveFeedState(ctx, a); err != nil {
		t.Fatal(err)
	}
	b.NextPoll, b.LastError, b.LastErrorAt, b.Failures = t0.Add(10*time.Minute), "HTTP 500", t0, 1
	if err := s.SaveFeedState(ctx, b); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueFeeds(ctx, t0.Add(30*time.Minute)); len(due) != 1 || due[0].URL != b.URL {
		t.Errorf("DueFeeds(+30m) = %+v, want only %s", due, b.URL)
	}
	if next, ok, err := s.NextPoll(ctx); err != nil || !ok || !next.Equal(t0.Add(10*time.Minute)) {
		t.Errorf("NextPoll() = %v, %v, %v, want %v", next, ok, err, t0.Add(10*time.Minute))
	}
	got, err := s.FeedByURL(ctx, a.URL)
	if err != nil || got.ETag != a.ETag || got.Title != "A" || !got.LastSuccess.Equal(t0) || got.Failures != 0 {
		t.Errorf("FeedByURL() = %+v, %v, want saved state", got, err)
	}
	if err := s.RemoveFeed(ctx, a.URL); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveFeed(ctx, a.URL); !errors.Is(err, ErrNoFeed) {
		t.Errorf("RemoveFeed(twice) = %v, want ErrNoFeed", err)
	}
	if err := s.SaveFeedState(ctx, a); !errors.Is(err, ErrNoFeed) {
		t.Errorf("SaveFeedState(removed) = %v, want ErrNoFeed", err)
	}
	if _, ok, _ := s.NextPoll(ctx); !ok {
		t.Errorf("NextPoll() with one feed: ok = false")
	}
}

func TestEntries(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	f, _ := s.AddFeed(ctx, "https://a.example/rss", t0)
	record := func(e Entry) {
		t.Helper()
		e.Seen = t0
		if err := s.RecordEntry(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	record(Entry{URL: "https://a.example/1", FeedID: f.ID, State: EntryAdded, Hash: "h1", Path: "one.md"})
	record(Entry{URL: "https://a.example/2", FeedID: f.ID, State: EntryRefused, Error: "robots.txt"})
	record(Entry{URL: "https://a.example/3", FeedID: f.ID, State: EntryFailed, Error: "timeout"})
	record(Entry{URL: "https://a.example/4", FeedID: f.ID, State: EntryFailed, Error: "timeout"})
	record(Entry{URL: "https://a.example/4", FeedID: f.ID, State: EntryFailed, Error: "timeout"})
	record(Entry{URL: "https://a.example/4", FeedID: f.ID, State: EntryFailed, Error: "timeout"})

	urls := []string{"https://a.example/5", "https://a.example/1", "https://a.example/2", "https://a.example/3", "https://a.example/4"}
	pending, err := s.Pending(ctx, urls)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://a.example/5", "https://a.example/3"}; fmt.Sprint(pending) != fmt.Sprint(want) {
		t.Errorf("Pending() = %v, want %v (new, and failed fewer than %d times)", pending, want, MaxTries)
	}
	if e, ok, _ := s.Entry(ctx, "https://a.example/4"); !ok || e.Tries != 3 {
		t.Errorf("Entry(/4).Tries = %d, want 3", e.Tries)
	}
	for _, tc := range []struct {
		url, hash string
		want      bool
	}{
		{"https://a.example/1", "", true},
		{"https://other.example/x", "h1", true},
		{"https://other.example/x", "h2", false},
		{"https://a.example/3", "", false}, // failed: not final
		{"https://a.example/2", "", true},
	} {
		if _, got, err := s.Known(ctx, tc.url, tc.hash); err != nil || got != tc.want {
			t.Errorf("Known(%q, %q) = %v, %v, want %v", tc.url, tc.hash, got, err, tc.want)
		}
	}
	got, _ := s.FeedByURL(ctx, f.URL)
	if got.Entries != 1 {
		t.Errorf("feed Entries = %d, want 1 (one added)", got.Entries)
	}
	// A removed feed's entries stay known; recording one for it still works.
	s.RemoveFeed(ctx, f.URL)
	if _, ok, _ := s.Known(ctx, "https://a.example/1", ""); !ok {
		t.Errorf("entry of a removed feed forgotten")
	}
	record(Entry{URL: "https://a.example/6", FeedID: f.ID, State: EntryAdded})
	if e, ok, _ := s.Entry(ctx, "https://a.example/6"); !ok || e.FeedID != 0 {
		t.Errorf("Entry of removed feed = %+v, %v, want FeedID 0", e, ok)
	}
	counts, _ := s.EntryCounts(ctx)
	if counts[EntryAdded] != 2 || counts[EntryFailed] != 2 || counts[EntryRefused] != 1 {
		t.Errorf("EntryCounts() = %v", counts)
	}
}

func TestPendingManyURLs(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	var urls []string
	for i := range 1234 {
		urls = append(urls, fmt.Sprintf("https://a.example/%d", i))
	}
	s.RecordEntry(ctx, Entry{URL: urls[700], State: EntryAdded, Seen: t0})
	pending, err := s.Pending(ctx, urls)
	if err != nil || len(pending) != len(urls)-1 {
		t.Errorf("Pending(1234 URLs, one known) = %d, %v, want %d", len(pending), err, len(urls)-1)
	}
}

func TestQuestionLogVotesAndGaps(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	log := func(q Question) int64 {
		t.Helper()
		id, err := s.LogQuestion(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	log(Question{Asked: t0, ChannelID: "c1", Text: "why gallium?", Abstained: true, Latency: 40 * time.Millisecond})
	log(Question{Asked: t0.Add(time.Minute), ChannelID: "c1", MessageID: "m2", Text: "why cobalt?", Passages: []string{"a#1", "b#2"}, Latency: 80 * time.Millisecond})
	log(Question{Asked: t0.Add(2 * time.Minute), ChannelID: "c2", Text: "why cobalt?", Latency: 120 * time.Millisecond})
	log(Question{Asked: t0.Add(3 * time.Minute), ChannelID: "c2", Text: "why lithium?", Latency: 1000 * time.Millisecond})

	for _, tc := range []struct {
		name string
		v    Vote
		want bool
	}{
		{"by message", Vote{ChannelID: "c1", MessageID: "m2", Question: "ignored", Positive: false}, true},
		{"by text", Vote{ChannelID: "c2", Question: "why lithium?", Positive: true}, true},
		{"same voter twice keeps one", Vote{ChannelID: "c2", Question: "why cobalt?", Voter: "v1", Positive: true}, true},
		{"same voter changes mind", Vote{ChannelID: "c2", Question: "why cobalt?", Voter: "v1", Positive: false}, true},
		{"unknown question", Vote{ChannelID: "c9", Question: "never asked", Positive: false}, false},
	} {
		ok, err := s.RecordVote(ctx, tc.v)
		if err != nil || ok != tc.want {
			t.Errorf("%s: RecordVote(%+v) = %v, %v, want %v", tc.name, tc.v, ok, err, tc.want)
		}
	}
	qs, _ := s.Questions(ctx, time.Time{})
	byKey := map[string]Question{}
	for _, q := range qs {
		byKey[q.ChannelID+" "+q.Text] = q
	}
	if q := byKey["c1 why cobalt?"]; q.Down != 1 || q.Up != 0 || fmt.Sprint(q.Passages) != "[a#1 b#2]" {
		t.Errorf("c1 cobalt = %+v, want 1 down and its passages", q)
	}
	if q := byKey["c2 why cobalt?"]; q.Down != 1 || q.Up != 0 {
		t.Errorf("c2 cobalt = %d up %d down, want the voter's last vote only (0 up, 1 down)", q.Up, q.Down)
	}

	gaps, err := s.Unanswered(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, q := range gaps {
		texts = append(texts, q.Text)
	}
	if want := "[why gallium? why cobalt? why cobalt?]"; fmt.Sprint(texts) != want {
		t.Errorf("Unanswered() = %v, want %s (abstained, then voted down)", texts, want)
	}
	if gaps, _ := s.Unanswered(ctx, t0.Add(90*time.Second)); len(gaps) != 1 {
		t.Errorf("Unanswered(since +90s) = %d questions, want 1", len(gaps))
	}

	st, err := s.Stats(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{Questions: 4, Abstained: 1, Up: 1, Down: 2, Voted: 3, P50: 80 * time.Millisecond,
		P90: time.Second, P99: time.Second, MaxLatency: time.Second}
	if st != want {
		t.Errorf("Stats() = %+v, want %+v", st, want)
	}
	if st, _ := s.Stats(ctx, t0.Add(time.Hour)); st.Questions != 0 || st.P50 != 0 {
		t.Errorf("Stats(empty window) = %+v, want zeros", st)
	}

	n, err := s.Prune(ctx, t0.Add(90*time.Second))
	if err != nil || n != 2 {
		t.Errorf("Prune() = %d, %v, want 2", n, err)
	}
	var votes int
	s.db.QueryRowContext(ctx, `SELECT count(*) FROM votes`).Scan(&votes)
	if votes != 2 {
		t.Errorf("votes after prune = %d, want 2 (those of pruned questions go with them)", votes)
	}
}

func TestBackupIsOneConsistentFile(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	for i := range 50 {
		s.LogQuestion(ctx, Question{Asked: t0, Text: fmt.Sprintf("question %d", i)})
	}
	dst := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, dst); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, dst); err == nil {
		t.Errorf("Backup(existing file) = nil, want an error")
	}
	// Copy the backup alone (no -wal beside it) and open the copy.
	data, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "copy.db")
	os.WriteFile(cp, data, 0o600)
	b, err := Open(ctx, cp)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if qs, _ := b.Questions(ctx, time.Time{}); len(qs) != 50 {
		t.Errorf("backup holds %d questions, want 50", len(qs))
	}
}

func TestTwoHandlesReadAndWriteAtOnce(t *testing.T) {
	// serve and the CLI open the same file: each sees the other's writes,
	// and neither blocks the other out.
	ctx := context.Background()
	a, path := openTemp(t)
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	rows, err := a.db.QueryContext(ctx, `SELECT id FROM feeds`) // a reader holds a snapshot open
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddFeed(ctx, "https://x.example/feed", t0); err != nil {
		t.Fatalf("write beside an open reader: %v", err)
	}
	rows.Close()
	if _, err := a.FeedByURL(ctx, "https://x.example/feed"); err != nil {
		t.Errorf("other handle does not see the write: %v", err)
	}
	if _, err := a.LogQuestion(ctx, Question{Asked: t0, Text: "q"}); err != nil {
		t.Fatal(err)
	}
	if qs, _ := b.Questions(ctx, time.Time{}); len(qs) != 1 {
		t.Errorf("other handle sees %d questions, want 1", len(qs))
	}
}

const envCrashStore = "CHOKEPOINT_STORE_CRASHTEST"

// TestHelperLogForever is not a test: run by TestCrashLosesAtMostOneWrite
// as a child process, it logs questions until killed, printing each ID once
// LogQuestion has returned.
func TestHelperLogForever(t *testing.T) {
	path := os.Getenv(envCrashStore)
	if path == "" {
		t.Skip("helper process")
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	for i := 0; ; i++ {
		id, err := s.LogQuestion(context.Background(), Question{Asked: t0, Text: fmt.Sprintf("question %d with some words to make a row", i)})
		if err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Println(id)
	}
}

func TestCrashLosesAtMostOneWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a child process")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperLogForever$")
	cmd.Env = append(os.Environ(), envCrashStore+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	var last int64
	for sc.Scan() {
		id, err := strconv.ParseInt(sc.Text(), 10, 64)
		if err != nil {
			t.Fatalf("helper said %q", sc.Text())
		}
		last = id
		if id >= 200 {
			break
		}
	}
	cmd.Process.Kill() // SIGKILL mid-write: no chance to close anything
	cmd.Wait()
	if last < 200 {
		t.Fatalf("helper stopped at %d", last)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer s.Close()
	var check string
	s.db.QueryRow(`PRAGMA integrity_check`).Scan(&check)
	if check != "ok" {
		t.Errorf("integrity_check = %q, want ok", check)
	}
	var n, max int64
	s.db.QueryRow(`SELECT count(*), max(id) FROM questions`).Scan(&n, &max)
	// Every acknowledged write is there; at most the ones acknowledged after
	// we stopped reading (still in the pipe) and the one in progress are
	// beyond it, and none is missing in between.
	if max < last || n != max {
		t.Errorf("after kill: %d rows up to id %d, want every acknowledged id up to %d and no hole", n, max, last)
	}
}

func TestLogQuestionsIsOneTransaction(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	qs := []Question{{Asked: t0, Text: "a", Down: 2}, {Asked: t0, Text: "b", Abstained: true}}
	if err := s.LogQuestions(ctx, qs); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Unanswered(ctx, time.Time{})
	if len(got) != 2 || got[0].Down != 2 {
		t.Errorf("Unanswered() after LogQuestions = %+v", got)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.LogQuestions(cctx, qs); err == nil {
		t.Errorf("LogQuestions(cancelled) = nil")
	}
	if all, _ := s.Questions(ctx, time.Time{}); len(all) != 2 {
		t.Errorf("a failed batch left %d rows, want the 2 from before", len(all))
	}
}

// BenchmarkLogQuestion is the cost one answer adds: one durable insert.
func BenchmarkLogQuestion(b *testing.B) {
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	q := Question{Asked: t0, GuildID: "200000000000000001", ChannelID: "300000000000000001", MessageID: "400000000000000001",
		Text: "Why can't Russia replace China's rare earth processing?", Abstained: true,
		Passages: []string{"russia/000_0524fadb7a41a105#4", "russia/001_1ef3#2", "china/002_77aa#9"}, Latency: 180 * time.Millisecond}
	for b.Loop() {
		if _, err := s.LogQuestion(context.Background(), q); err != nil {
			b.Fatal(err)
		}
	}
}
