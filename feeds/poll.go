package feeds

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"chokepoint/fetch"
	"chokepoint/store"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultInterval    = time.Hour
	DefaultHostDelay   = 2 * time.Second
	DefaultTimeout     = 30 * time.Second
	DefaultMaxBytes    = 20 << 20
	DefaultMaxNew      = 100
	DefaultMaxSitemaps = 5
	DefaultWorkers     = 4
	DefaultBatch       = 20
	// DefaultUserAgent names the poller to the sites it reads; robots.txt
	// groups for "chokepoint" apply to it.
	DefaultUserAgent = "chokepoint-feeds/1.0 (+feed reader)"
	// RobotsAgent is the product token matched against robots.txt groups.
	RobotsAgent = "chokepoint"
	// recheck is the longest Run sleeps before looking for due feeds, so
	// that a feed another process (the CLI) subscribes to is polled soon.
	recheck = time.Minute
	// maxBackoff caps the wait after failed polls, and a Retry-After.
	maxBackoff = 24 * time.Hour
	// robotsTTL is how long a robots.txt is trusted; robotsRetry how long a
	// robots.txt that could not be read blocks the host's articles.
	robotsTTL, robotsRetry = 24 * time.Hour, time.Hour
	// maxRobotsBytes is the most of a robots.txt read (RFC 9309 asks
	// crawlers to read at least 500 KiB).
	maxRobotsBytes = 512 << 10
)

// Options tune a Poller; zero fields take the defaults above.
type Options struct {
	// Interval is the time between polls of a feed; each poll is moved by
	// up to a tenth of it either way (jitter), so feeds drift apart.
	Interval time.Duration
	// HostDelay is the pause between two requests to one host.
	HostDelay time.Duration
	// Timeout bounds one feed request, body included.
	Timeout time.Duration
	// MaxBytes is the largest feed document read.
	MaxBytes int64
	// MaxNew is the most new entries taken from one feed per poll, newest
	// first; the rest wait for the next poll.
	MaxNew int
	// MaxSitemaps is the most sitemaps of a sitemap index read per poll,
	// the most recently modified first.
	MaxSitemaps int
	// Workers is the number of feeds polled at once.
	Workers int
	// Batch is the most articles added to the library at once.
	Batch int
	// UserAgent is sent with feed and robots.txt requests.
	UserAgent string
	// Fetch bounds article fetches (timeout, size) and sets the
	// private-address guard, for feeds and articles alike.
	Fetch fetch.Options
	// Client replaces the guarded client built from Fetch (tests).
	Client *http.Client
	// Now, Sleep and Rand are the clock, the pause and the jitter source.
	Now   func() time.Time
	Sleep func(context.Context, time.Duration) error
	Rand  func() float64
}

// Store is the state the poller keeps; *store.Store implements it.
type Store interface {
	Feeds(ctx context.Context) ([]store.Feed, error)
	DueFeeds(ctx context.Context, now time.Time) ([]store.Feed, error)
	NextPoll(ctx context.Context) (time.Time, bool, error)
	SaveFeedState(ctx context.Context, f store.Feed) error
	Pending(ctx context.Context, urls []string) ([]string, error)
	Known(ctx context.Context, url, hash string) (string, bool, error)
	RecordEntry(ctx context.Context, e store.Entry) error
}

// ErrDuplicate is what a Library reports for an article the corpus already
// holds (from the same URL).
var ErrDuplicate = errors.New("already in the corpus")

// Library takes new articles into the corpus.
type Library interface {
	// AddArticles saves articles in the corpus and indexes them together,
	// returning for each, in order, the corpus path it was saved as or
	// why it was not (an error wrapping ErrDuplicate for an article the
	// corpus already holds). A non-nil error means none was added.
	AddArticles(ctx context.Context, arts []fetch.Article) ([]Saved, error)
}

// Saved is what became of one article given to a Library.
type Saved struct {
	Path string
	Err  error
}

// Added is an article a poll brought into the corpus.
type Added struct {
	Feed  string // the feed's URL
	Title string
	URL   string
	Path  string
}

// Report is one feed's poll.
type Report struct {
	Feed        string
	NotModified bool // the server answered 304
	Entries     int  // in the document
	New         int  // not seen before, taken this poll
	Waiting     int  // not seen before, left for later polls (MaxNew)
	Added       []Added
	Duplicates  int
	Refused     int // robots.txt, private address, not an article
	Failed      int // may work on a later poll
	Err         error
	Next        time.Time
}

// Poller polls feeds and adds their new articles to the library. It is
// safe for concurrent use; one Run at a time.
type Poller struct {
	st     Store
	lib    Library
	opts   Options
	client *http.Client
	gate   *gate
	wake   chan struct{}

	robotsMu sync.Mutex
	robots   map[string]robotsEntry

	addMu sync.Mutex // one library batch at a time, dedup checked inside
}

type robotsEntry struct {
	r       robots
	refused error // the host's address is refused by the fetch guard
	expires time.Time
}

// New returns a Poller over st and lib.
func New(st Store, lib Library, opts Options) *Poller {
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.HostDelay <= 0 {
		opts.HostDelay = DefaultHostDelay
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	if opts.MaxNew <= 0 {
		opts.MaxNew = DefaultMaxNew
	}
	if opts.MaxSitemaps <= 0 {
		opts.MaxSitemaps = DefaultMaxSitemaps
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	if opts.UserAgent == "" {
		opts.UserAgent = DefaultUserAgent
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	if opts.Rand == nil {
		opts.Rand = rand.Float64
	}
	client := opts.Client
	if client == nil {
		client = fetch.NewClient(opts.Fetch)
	}
	opts.Fetch.Client = client
	return &Poller{st: st, lib: lib, opts: opts, client: client,
		gate: newGate(opts.HostDelay, opts.Now, opts.Sleep), wake: make(chan struct{}, 1), robots: map[string]robotsEntry{}}
}

// Wake makes a running Run poll the due feeds now (a feed was added).
func (p *Poller) Wake() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Run polls due feeds until ctx ends, sleeping until the next feed is due
// or Wake is called. report, when not nil, gets each feed's poll, and
// announce, when not nil, the articles each round added.
func (p *Poller) Run(ctx context.Context, report func(Report), announce func(context.Context, []Added)) error {
	for {
		reps, err := p.Poll(ctx, false)
		if ctx.Err() != nil {
			return nil
		}
		var added []Added
		for _, r := range reps {
			if report != nil {
				report(r)
			}
			added = append(added, r.Added...)
		}
		if err != nil && report != nil {
			report(Report{Err: err})
		}
		if len(added) > 0 && announce != nil {
			announce(ctx, added)
		}
		wait := p.opts.Interval
		if next, ok, err := p.st.NextPoll(ctx); err == nil && ok {
			wait = min(max(next.Sub(p.opts.Now()), time.Second), p.opts.Interval, recheck)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-p.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// Poll polls the due feeds (every feed when all is set) and returns one
// report per feed, in the order the store listed them. Feeds are grouped by
// host: a host's feeds are polled one after the other (its requests wait
// for each other anyway), Workers hosts at a time, so a slow or busy host
// holds up only its own feeds. A feed that fails is reported and does not
// stop the others; the error is for the store failing to list feeds.
func (p *Poller) Poll(ctx context.Context, all bool) ([]Report, error) {
	var fs []store.Feed
	var err error
	if all {
		fs, err = p.st.Feeds(ctx)
	} else {
		fs, err = p.st.DueFeeds(ctx, p.opts.Now())
	}
	if err != nil {
		return nil, fmt.Errorf("poll feeds: %w", err)
	}
	var hosts [][]int // feed indexes by host, hosts in order of first appearance
	byHost := map[string]int{}
	for i, f := range fs {
		h := f.URL
		if u, err := url.Parse(f.URL); err == nil {
			h = u.Hostname()
		}
		k, ok := byHost[h]
		if !ok {
			k = len(hosts)
			byHost[h] = k
			hosts = append(hosts, nil)
		}
		hosts[k] = append(hosts[k], i)
	}
	reports := make([]Report, len(fs))
	for i, f := range fs {
		reports[i].Feed = f.URL
	}
	jobs := make(chan []int)
	var wg sync.WaitGroup
	for range min(p.opts.Workers, len(hosts)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for feeds := range jobs {
				for _, i := range feeds {
					if ctx.Err() != nil {
						reports[i] = Report{Feed: fs[i].URL, Err: ctx.Err()}
						continue
					}
					reports[i] = p.pollFeed(ctx, fs[i])
				}
			}
		}()
	}
	for _, h := range hosts {
		select {
		case jobs <- h:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(jobs)
	wg.Wait()
	return reports, nil
}

// pollFeed polls one feed and saves its state.
func (p *Poller) pollFeed(ctx context.Context, f store.Feed) Report {
	rep := Report{Feed: f.URL}
	f.LastPoll = p.opts.Now()
	doc, hold, err := p.fetchFeed(ctx, &f)
	switch {
	case err == nil && doc == nil:
		rep.NotModified = true
	case doc != nil:
		f.Kind, f.Title = string(doc.Kind), cmp.Or(doc.Title, f.Title)
		if doc.Kind == SitemapIndex {
			err = errors.Join(err, p.readSitemaps(ctx, doc))
		}
		rep.Entries = len(doc.Entries)
		if perr := p.entries(ctx, f, doc.Entries, &rep); perr != nil {
			err = errors.Join(err, perr)
		}
	}
	now := p.opts.Now()
	if err != nil {
		if ctx.Err() != nil {
			// Shutting down: leave the feed due, as it was.
			rep.Err = err
			return rep
		}
		f.Failures++
		f.LastError, f.LastErrorAt = err.Error(), now
		f.NextPoll = now.Add(max(p.jitter(p.backoff(f.Failures)), hold))
	} else {
		f.Failures, f.LastError, f.LastSuccess = 0, "", now
		f.NextPoll = now.Add(max(p.jitter(p.opts.Interval), hold))
	}
	rep.Err, rep.Next = err, f.NextPoll
	if serr := p.st.SaveFeedState(ctx, f); serr != nil && !errors.Is(serr, store.ErrNoFeed) {
		rep.Err = errors.Join(rep.Err, serr)
	}
	return rep
}

// backoff is the wait after the n-th failed poll in a row: a quarter of
// the interval, doubling, at most a day.
func (p *Poller) backoff(n int) time.Duration {
	d := p.opts.Interval / 4
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// jitter moves d by up to a tenth either way.
func (p *Poller) jitter(d time.Duration) time.Duration {
	return d + time.Duration((p.opts.Rand()*2-1)*float64(d)/10)
}

// httpError is a feed request answered with an unexpected status.
type httpError struct {
	status string
}

func (e *httpError) Error() string { return "HTTP " + e.status }

// fetchFeed GETs the feed with its validators and parses it. It returns a
// nil document for 304 Not Modified, and how long the server asked us to
// hold off (Retry-After). A document and an error together mean a feed
// read in part (malformed after some entries).
func (p *Poller) fetchFeed(ctx context.Context, f *store.Feed) (*Feed, time.Duration, error) {
	body, resp, hold, err := p.get(ctx, f.URL, func(req *http.Request) {
		req.Header.Set("Accept", "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1")
		if f.ETag != "" {
			req.Header.Set("If-None-Match", f.ETag)
		}
		if f.LastModified != "" {
			req.Header.Set("If-Modified-Since", f.LastModified)
		}
	})
	if err != nil {
		return nil, hold, err
	}
	if resp.StatusCode == http.StatusNotModified {
		return nil, hold, nil
	}
	doc, err := Parse(body, resp.Request.URL)
	if err != nil {
		// Validators of a document that did not parse whole are not kept:
		// the next poll reads it again.
		return doc, hold, fmt.Errorf("read feed %s: %w", f.URL, err)
	}
	f.ETag, f.LastModified = resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
	return doc, hold, nil
}

// get makes one polite GET: in its host's turn, bounded by Timeout and
// MaxBytes, gzip bodies unpacked. A 2xx or 304 response comes back with
// its body; anything else is an error, with the hold-off a 429 or 503
// asked for.
func (p *Poller) get(ctx context.Context, rawURL string, prepare func(*http.Request)) ([]byte, *http.Response, time.Duration, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("get %s: %w", rawURL, err)
	}
	release, err := p.gate.acquire(ctx, u.Hostname())
	if err != nil {
		return nil, nil, 0, err
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("get %s: %w", u.Redacted(), err)
	}
	req.Header.Set("User-Agent", p.opts.UserAgent)
	if prepare != nil {
		prepare(req)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("get %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	var hold time.Duration
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
		hold = retryAfter(resp.Header.Get("Retry-After"), p.opts.Now())
		if hold > 0 {
			p.gate.holdOff(u.Hostname(), p.opts.Now().Add(hold))
		}
	}
	if resp.StatusCode == http.StatusNotModified {
		return nil, resp, hold, nil
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, resp, hold, fmt.Errorf("get %s: %w", u.Redacted(), &httpError{resp.Status})
	}
	body, err := readCapped(resp.Body, p.opts.MaxBytes)
	if err != nil {
		return nil, resp, hold, fmt.Errorf("get %s: %w", u.Redacted(), err)
	}
	return body, resp, hold, nil
}

// readCapped reads at most max bytes, unpacking a gzip file (a
// sitemap.xml.gz) under the same cap.
func readCapped(r io.Reader, max int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("document exceeds the %d-byte cap", max)
	}
	if len(body) > 2 && body[0] == 0x1f && body[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		body, err = io.ReadAll(io.LimitReader(zr, max+1))
		if err != nil {
			return nil, fmt.Errorf("gunzip: %w", err)
		}
		if int64(len(body)) > max {
			return nil, fmt.Errorf("unpacked document exceeds the %d-byte cap", max)
		}
	}
	return body, nil
}

// retryAfter reads a Retry-After header (seconds or an HTTP date) as a
// wait from now, capped at a day; 0 when absent or unreadable.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		return min(time.Duration(max(secs, 0))*time.Second, maxBackoff)
	}
	if t, err := http.ParseTime(v); err == nil {
		return min(max(t.Sub(now), 0), maxBackoff)
	}
	return 0
}

// readSitemaps reads the most recent sitemaps of an index into its entries.
func (p *Poller) readSitemaps(ctx context.Context, doc *Feed) error {
	maps := slices.Clone(doc.Sitemaps)
	slices.SortStableFunc(maps, func(a, b Entry) int { return b.Published.Compare(a.Published) })
	var errs []error
	seen := map[string]bool{}
	for _, sm := range maps[:min(len(maps), p.opts.MaxSitemaps)] {
		body, resp, _, err := p.get(ctx, sm.URL, nil)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		child, err := Parse(body, resp.Request.URL)
		if err != nil {
			errs = append(errs, fmt.Errorf("read sitemap %s: %w", sm.URL, err))
		}
		if child == nil {
			continue
		}
		for _, e := range child.Entries {
			if !seen[e.URL] {
				seen[e.URL] = true
				doc.Entries = append(doc.Entries, e)
			}
		}
	}
	return errors.Join(errs...)
}

// entries takes the feed's new entries, newest first, up to MaxNew: each
// is checked against robots.txt, fetched, deduplicated, and the articles
// are added to the library in batches.
func (p *Poller) entries(ctx context.Context, f store.Feed, entries []Entry, rep *Report) error {
	entries = slices.Clone(entries)
	// Newest first; undated entries keep their place after the dated ones.
	slices.SortStableFunc(entries, func(a, b Entry) int {
		switch {
		case a.Published.IsZero() && b.Published.IsZero():
			return 0
		case a.Published.IsZero():
			return 1
		case b.Published.IsZero():
			return -1
		}
		return b.Published.Compare(a.Published)
	})
	byURL := make(map[string]Entry, len(entries))
	urls := make([]string, 0, len(entries))
	for _, e := range entries {
		c := Canonical(e.URL)
		if _, dup := byURL[c]; dup {
			continue
		}
		byURL[c] = e
		urls = append(urls, c)
	}
	pending, err := p.st.Pending(ctx, urls)
	if err != nil {
		return err
	}
	if len(pending) > p.opts.MaxNew {
		rep.Waiting = len(pending) - p.opts.MaxNew
		pending = pending[:p.opts.MaxNew]
	}
	rep.New = len(pending)
	var batch []fetched
	var errs []error
	for _, u := range pending {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a, ok, err := p.entry(ctx, f, u, byURL[u], rep)
		if err != nil {
			errs = append(errs, err) // the store failed: say so, go on
		}
		if !ok {
			continue
		}
		batch = append(batch, a)
		if len(batch) >= p.opts.Batch {
			errs = append(errs, p.add(ctx, f, batch, rep))
			batch = nil
		}
	}
	if len(batch) > 0 {
		errs = append(errs, p.add(ctx, f, batch, rep))
	}
	return errors.Join(errs...)
}

// fetched is an article waiting for the library, with its entry's URL.
type fetched struct {
	url  string // canonical entry URL
	hash string
	art  fetch.Article
}

// entry fetches one new entry's article. It records refusals, failures
// and duplicates itself and reports ok for an article to add.
func (p *Poller) entry(ctx context.Context, f store.Feed, u string, e Entry, rep *Report) (fetched, bool, error) {
	rec := store.Entry{URL: u, FeedID: f.ID, Title: e.Title, Seen: p.opts.Now()}
	pu, err := url.Parse(u)
	if err != nil {
		rep.Refused++
		rec.State, rec.Error = store.EntryRefused, err.Error()
		return fetched{}, false, p.st.RecordEntry(ctx, rec)
	}
	if err := p.allowed(ctx, pu); err != nil {
		rep.Refused++
		rec.State, rec.Error = store.EntryRefused, err.Error()
		return fetched{}, false, p.st.RecordEntry(ctx, rec)
	}
	release, err := p.gate.acquire(ctx, pu.Hostname())
	if err != nil {
		return fetched{}, false, nil // shutting down
	}
	art, err := fetch.Fetch(ctx, u, p.opts.Fetch)
	release()
	if err != nil {
		if ctx.Err() != nil {
			return fetched{}, false, nil
		}
		rec.Error = err.Error()
		if fetch.Permanent(err) {
			rep.Refused++
			rec.State = store.EntryRefused
		} else {
			rep.Failed++
			rec.State = store.EntryFailed
		}
		return fetched{}, false, p.st.RecordEntry(ctx, rec)
	}
	// The page's own metadata wins; the feed fills the gaps.
	if art.Title == "" || art.Title == art.Site {
		art.Title = cmp.Or(e.Title, art.Title)
	}
	art.Author = cmp.Or(art.Author, e.Author)
	if art.Published == "" && !e.Published.IsZero() && !e.Published.After(p.opts.Now().Add(24*time.Hour)) {
		art.Published = e.Published.Format("2006-01-02")
	}
	if e.Source != "" {
		art.Site = e.Source
	}
	sum := sha256.Sum256([]byte(art.Text))
	return fetched{url: u, hash: hex.EncodeToString(sum[:]), art: art}, true, nil
}

// add hands a batch to the library, after dropping articles already known
// by URL or text, and records what became of each.
func (p *Poller) add(ctx context.Context, f store.Feed, batch []fetched, rep *Report) error {
	p.addMu.Lock()
	defer p.addMu.Unlock()
	var errs []error
	var take []fetched
	hashes := map[string]bool{}
	for _, a := range batch {
		rec := store.Entry{URL: a.url, FeedID: f.ID, State: store.EntryDuplicate, Hash: a.hash, Title: a.art.Title, Seen: p.opts.Now()}
		final := Canonical(a.art.URL)
		dupOf, known, err := p.st.Known(ctx, final, a.hash)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		switch {
		case known && dupOf != a.url:
			rec.Error = "same article as " + dupOf
		case hashes[a.hash]:
			rec.Error = "same text as another entry of this poll"
		default:
			hashes[a.hash] = true
			take = append(take, a)
			continue
		}
		rep.Duplicates++
		errs = append(errs, p.st.RecordEntry(ctx, rec))
	}
	if len(take) == 0 {
		return errors.Join(errs...)
	}
	arts := make([]fetch.Article, len(take))
	for i, a := range take {
		arts[i] = a.art
	}
	saved, err := p.lib.AddArticles(ctx, arts)
	for i, a := range take {
		rec := store.Entry{URL: a.url, FeedID: f.ID, Hash: a.hash, Title: a.art.Title, Seen: p.opts.Now()}
		switch {
		case err != nil:
			rep.Failed++
			rec.State, rec.Error = store.EntryFailed, err.Error()
		case i >= len(saved):
			rep.Failed++
			rec.State, rec.Error = store.EntryFailed, "the library returned no result"
		case errors.Is(saved[i].Err, ErrDuplicate):
			rep.Duplicates++
			rec.State, rec.Error = store.EntryDuplicate, saved[i].Err.Error()
		case saved[i].Err != nil:
			rep.Refused++
			rec.State, rec.Error = store.EntryRefused, saved[i].Err.Error()
		default:
			rec.State, rec.Path = store.EntryAdded, saved[i].Path
			rep.Added = append(rep.Added, Added{Feed: f.URL, Title: a.art.Title, URL: a.art.URL, Path: saved[i].Path})
		}
		errs = append(errs, p.st.RecordEntry(ctx, rec))
	}
	if err != nil {
		errs = append(errs, fmt.Errorf("add articles of %s: %w", f.URL, err))
	}
	return errors.Join(errs...)
}

// errRobots refuses a page robots.txt disallows.
var errRobots = errors.New("disallowed by robots.txt")

// allowed returns nil when robots.txt lets us fetch u, reading it (in the
// host's turn) when not cached. A robots.txt that is missing (4xx) allows
// everything; one that cannot be read (5xx, network) blocks the host's
// articles for robotsRetry, as RFC 9309 asks; a host whose address the
// fetch guard refuses is refused with the guard's error.
func (p *Poller) allowed(ctx context.Context, u *url.URL) error {
	key := u.Scheme + "://" + u.Host
	now := p.opts.Now()
	p.robotsMu.Lock()
	ent, ok := p.robots[key]
	p.robotsMu.Unlock()
	if !ok || !now.Before(ent.expires) {
		ent = p.readRobots(ctx, key)
		p.robotsMu.Lock()
		p.robots[key] = ent
		if len(p.robots) > 10000 {
			for k, e := range p.robots {
				if !now.Before(e.expires) {
					delete(p.robots, k)
				}
			}
		}
		p.robotsMu.Unlock()
		if ent.r.delay > 0 {
			// The robots.txt request itself was spaced by the default
			// delay only: space the next one by the Crawl-delay.
			p.gate.setDelay(u.Hostname(), ent.r.delay)
			p.gate.holdOff(u.Hostname(), p.opts.Now().Add(ent.r.delay))
		}
	}
	if ent.refused != nil {
		return ent.refused
	}
	if !ent.r.allowed(u.EscapedPath() + querySuffix(u)) {
		return errRobots
	}
	return nil
}

func querySuffix(u *url.URL) string {
	if u.RawQuery == "" {
		return ""
	}
	return "?" + u.RawQuery
}

func (p *Poller) readRobots(ctx context.Context, origin string) robotsEntry {
	now := p.opts.Now()
	body, resp, _, err := p.get(ctx, origin+"/robots.txt", func(req *http.Request) { req.Header.Set("Accept", "text/plain") })
	switch {
	case err == nil:
		if len(body) > maxRobotsBytes {
			body = body[:maxRobotsBytes]
		}
		return robotsEntry{r: parseRobots(body, RobotsAgent), expires: now.Add(robotsTTL)}
	case fetch.IsForbiddenAddress(err):
		return robotsEntry{refused: err, expires: now.Add(robotsTTL)}
	case resp != nil && resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests:
		return robotsEntry{expires: now.Add(robotsTTL)} // no robots.txt: all allowed
	default:
		return robotsEntry{r: robots{rules: []robotsRule{{allow: false, pattern: "/"}}}, expires: now.Add(robotsRetry)}
	}
}

// Check fetches rawURL once and parses it, to tell whether it is a feed
// before subscribing to it. It returns an error wrapping ErrNotFeed for a
// document of no supported kind, and the fetch's error otherwise; nothing
// is recorded.
func (p *Poller) Check(ctx context.Context, rawURL string) (*Feed, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("check feed %q: %w: want an http or https URL", rawURL, ErrNotFeed)
	}
	body, resp, _, err := p.get(ctx, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("check feed: %w", err)
	}
	doc, err := Parse(body, resp.Request.URL)
	if err != nil {
		return doc, fmt.Errorf("check feed %s: %w", u.Redacted(), err)
	}
	return doc, nil
}
