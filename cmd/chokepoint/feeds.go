package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"chokepoint/corpus"
	"chokepoint/feeds"
	"chokepoint/fetch"
	"chokepoint/store"
)

// storeFile is the store's name in the index directory, its default home.
const storeFile = "chokepoint.db"

// storePath returns where the store lives: store.path, or chokepoint.db in
// the index directory.
func storePath(cfg Config, getenv func(string) string) (string, error) {
	if cfg.Store.Path != "" {
		return cfg.Store.Path, nil
	}
	dir, err := indexDir(cfg, getenv)
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, storeFile), nil
}

// openStore opens the configured store.
func openStore(ctx context.Context, cfg Config, getenv func(string) string) (*store.Store, error) {
	p, err := storePath(cfg, getenv)
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, p)
}

// settingsAndStore reads the settings of a command's flags and opens the
// store they configure; the caller closes it.
func settingsAndStore(ctx context.Context, env *environment, c commonFlags) (Config, *store.Store, error) {
	cfg, err := settings(env, c)
	if err != nil {
		return Config{}, nil, err
	}
	st, err := openStore(ctx, cfg, env.getenv)
	if err != nil {
		return Config{}, nil, err
	}
	return cfg, st, nil
}

// feedOptions maps the configuration onto the poller's options.
func feedOptions(cfg Config) feeds.Options {
	return feeds.Options{
		Interval: cfg.Feeds.Interval, HostDelay: cfg.Feeds.HostDelay, Timeout: cfg.Feeds.Timeout,
		MaxBytes: cfg.Feeds.MaxBytes, MaxNew: cfg.Feeds.MaxNew,
		Fetch: fetch.Options{Timeout: cfg.Fetch.Timeout, MaxBytes: cfg.Fetch.MaxBytes, AllowPrivate: cfg.Fetch.AllowPrivate},
	}
}

var _ feeds.Library = (*library)(nil)

// AddArticles saves fetched articles in the corpus directory as Markdown
// with front matter and indexes them with one update, while answers keep
// flowing. An article whose URL the corpus already holds is reported as a
// duplicate (feeds.ErrDuplicate), one that is no valid article with the
// parse error; the others get free names ("title.md", "title-2.md"). When
// indexing fails the files written are removed and the error returned.
func (l *library) AddArticles(ctx context.Context, arts []fetch.Article) ([]feeds.Saved, error) {
	if l.dir == "" {
		return nil, errReadOnlyCorpus
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	have := map[string]string{}
	for _, d := range l.idx.Documents() {
		if d.URL != "" {
			have[feeds.Canonical(d.URL)] = d.Path
		}
	}
	out := make([]feeds.Saved, len(arts))
	var written []string
	for i, a := range arts {
		key := feeds.Canonical(a.URL)
		if p, ok := have[key]; ok {
			out[i].Err = fmt.Errorf("%s is in the corpus as %s: %w", a.URL, p, feeds.ErrDuplicate)
			continue
		}
		data, base := a.Markdown(), a.FileName()
		if _, _, err := corpus.Parse(base, data, nil); err != nil {
			out[i].Err = err
			continue
		}
		name, err := l.freeName(base)
		if err == nil {
			err = writeFileAtomic(filepath.Join(l.dir, name), data)
		}
		if err != nil {
			out[i].Err = fmt.Errorf("save %s: %w", a.URL, err)
			continue
		}
		written = append(written, name)
		out[i].Path = name
		have[key] = name
	}
	if len(written) == 0 {
		return out, nil
	}
	if _, _, err := l.reindexLocked(ctx, nil); err != nil {
		var errs []error
		for _, name := range written {
			errs = append(errs, os.Remove(filepath.Join(l.dir, name)))
		}
		return nil, fmt.Errorf("index %d new articles: %w", len(written), errors.Join(append([]error{err}, errs...)...))
	}
	return out, nil
}

const feedsUsage = `Usage:
  chokepoint feeds add [flags] URL      subscribe to an RSS, Atom or JSON feed or a sitemap
  chokepoint feeds remove [flags] URL   unsubscribe (its articles stay in the corpus)
  chokepoint feeds list [flags]         list subscriptions with their state
  chokepoint feeds poll [flags]         poll every feed now and add new articles

add, remove and list work while serve runs; poll writes the corpus and the
index, so run it when serve is stopped (serve polls by itself).`

func cmdFeeds(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.stderr, feedsUsage)
		if len(args) == 0 {
			return usagef("feeds: want a subcommand: add, remove, list or poll")
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	var c commonFlags
	fs := newFlagSet(env, "feeds "+sub, "[flags]", feedsUsage)
	c.register(fs)
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	want := map[string]int{"add": 1, "remove": 1, "list": 0, "poll": 0}
	n, ok := want[sub]
	if !ok {
		fmt.Fprintln(env.stderr, feedsUsage)
		return usagef("feeds: unknown subcommand %q", sub)
	}
	if fs.NArg() != n {
		return usagef("feeds %s: want %d argument(s), got %d", sub, n, fs.NArg())
	}
	cfg, st, err := settingsAndStore(ctx, env, c)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "add":
		p := feeds.New(st, nil, feedOptions(cfg))
		f, err := addFeed(ctx, st, p, fs.Arg(0), time.Now())
		if err != nil {
			return fmt.Errorf("feeds add: %w", err)
		}
		fmt.Fprintf(env.stdout, "Subscribed to %s: %s, %d entries now. New ones are added when it is polled (serve, or chokepoint feeds poll).\n",
			f.url, f.describe(), f.entries)
		return nil
	case "remove":
		if err := st.RemoveFeed(ctx, strings.TrimSpace(fs.Arg(0))); err != nil {
			return fmt.Errorf("feeds remove: %w", err)
		}
		fmt.Fprintf(env.stdout, "Unsubscribed from %s; its articles stay in the corpus.\n", fs.Arg(0))
		return nil
	case "list":
		list, err := st.Feeds(ctx)
		if err != nil {
			return err
		}
		return writeFeedList(env, list)
	}
	if cfg.Corpus == "" {
		return usagef("feeds poll: the embedded corpus is read-only; pass --corpus DIR")
	}
	e, err := openEngine(ctx, cfg, env.getenv, env.stderr, nil, false)
	if err != nil {
		return err
	}
	defer e.Close()
	lib := newLibrary(e, nil)
	reps, err := feeds.New(st, lib, feedOptions(cfg)).Poll(ctx, true)
	if err != nil {
		return err
	}
	failed := 0
	for _, r := range reps {
		fmt.Fprintln(env.stdout, describeReport(r))
		if r.Err != nil {
			failed++
		}
	}
	fmt.Fprintf(env.stdout, "Polled %d feeds; the index holds %d documents.\n", len(reps), e.idx.Stats().Documents)
	if failed > 0 {
		return fmt.Errorf("feeds poll: %d of %d feeds failed", failed, len(reps))
	}
	return nil
}

// checked is a feed checked before subscribing.
type checked struct {
	url, title string
	kind       feeds.Kind
	entries    int
}

func (c checked) describe() string {
	name := map[feeds.Kind]string{feeds.RSS: "RSS", feeds.Atom: "Atom", feeds.JSONFeed: "JSON Feed",
		feeds.Sitemap: "sitemap", feeds.SitemapIndex: "sitemap index"}[c.kind]
	if c.title != "" {
		return fmt.Sprintf("%s %q", name, c.title)
	}
	return name
}

// checkError is a feed that could not be fetched or read when checked.
type checkError struct{ err error }

func (e *checkError) Error() string { return e.err.Error() }
func (e *checkError) Unwrap() error { return e.err }

// errNotHTTP refuses a feed URL that is not http(s).
var errNotHTTP = errors.New("want an http or https URL")

// addFeed checks that rawURL serves a feed and subscribes to it; the
// store's error wraps store.ErrFeedExists when it is subscribed already.
// /feeds add and chokepoint feeds add share it.
func addFeed(ctx context.Context, st *store.Store, p *feeds.Poller, rawURL string, now time.Time) (checked, error) {
	u := strings.TrimSpace(rawURL)
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return checked{}, fmt.Errorf("%q: %w", rawURL, errNotHTTP)
	}
	if _, err := st.FeedByURL(ctx, u); err == nil {
		return checked{}, fmt.Errorf("%s: %w", u, store.ErrFeedExists)
	} else if !errors.Is(err, store.ErrNoFeed) {
		return checked{}, err
	}
	doc, err := p.Check(ctx, u)
	if err != nil {
		return checked{}, &checkError{err}
	}
	f, err := st.AddFeed(ctx, u, now)
	if err != nil {
		return checked{}, err
	}
	f.Title, f.Kind = doc.Title, string(doc.Kind)
	if err := st.SaveFeedState(ctx, f); err != nil {
		return checked{}, err
	}
	n := len(doc.Entries)
	if doc.Kind == feeds.SitemapIndex {
		n = len(doc.Sitemaps)
	}
	return checked{url: u, title: doc.Title, kind: doc.Kind, entries: n}, nil
}

// describeReport is one line about a feed's poll.
func describeReport(r feeds.Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", r.Feed)
	if r.NotModified {
		b.WriteString("not modified")
	} else {
		fmt.Fprintf(&b, "%d entries, %d new: %d added, %d duplicates, %d refused, %d failed", r.Entries, r.New, len(r.Added), r.Duplicates, r.Refused, r.Failed)
		if r.Waiting > 0 {
			fmt.Fprintf(&b, ", %d left for later polls", r.Waiting)
		}
	}
	if r.Err != nil {
		fmt.Fprintf(&b, "; error: %v", r.Err)
	}
	return b.String()
}

func writeFeedList(env *environment, list []store.Feed) error {
	if len(list) == 0 {
		fmt.Fprintln(env.stdout, "No feeds. Subscribe with: chokepoint feeds add URL")
		return nil
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "URL\tKIND\tENTRIES\tLAST SUCCESS\tNEXT POLL\tLAST ERROR")
	for _, f := range list {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", f.URL, orDash(f.Kind), f.Entries, when(f.LastSuccess), when(f.NextPoll), orDash(oneLine(f.LastError, 80)))
	}
	return tw.Flush()
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine folds s onto one line of at most n runes.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
