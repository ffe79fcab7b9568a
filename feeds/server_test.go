package feeds

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"chokepoint/fetch"
	"chokepoint/store"
)

// fakeClock is the poller's clock in tests: Sleep advances it instead of
// waiting, so politeness delays cost no time and can still be measured.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return nil
}

func (c *fakeClock) Advance(d time.Duration) { c.Sleep(context.Background(), d) }

// site is a loopback web site serving feeds and articles, recording every
// request with the fake time it arrived at.
type site struct {
	t     *testing.T
	srv   *httptest.Server
	clock *fakeClock
	mux   *http.ServeMux

	mu       sync.Mutex
	requests []request
	inFlight int
	maxIn    int
	stall    chan struct{} // closed when the test ends: stalled handlers return
}

type request struct {
	path   string
	at     time.Time
	header http.Header
}

// newSite starts a site listening on addr ("127.0.0.1:0" and the like).
func newSite(t *testing.T, addr string, clock *fakeClock) *site {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listen %s: %v", addr, err)
	}
	s := &site{t: t, clock: clock, mux: http.NewServeMux(), stall: make(chan struct{})}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.srv.Listener.Close()
	s.srv.Listener = ln
	s.srv.Start()
	t.Cleanup(func() {
		close(s.stall)
		s.srv.Close()
	})
	return s
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, request{path: r.URL.RequestURI(), at: s.clock.Now(), header: r.Header.Clone()})
	s.inFlight++
	s.maxIn = max(s.maxIn, s.inFlight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()
	s.mux.ServeHTTP(w, r)
}

// URL returns the site's URL for path.
func (s *site) URL(path string) string { return s.srv.URL + path }

// hits returns how many requests asked for path.
func (s *site) hits(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.requests {
		if r.path == path {
			n++
		}
	}
	return n
}

func (s *site) lastRequest(path string) (request, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.requests) - 1; i >= 0; i-- {
		if s.requests[i].path == path {
			return s.requests[i], true
		}
	}
	return request{}, false
}

// xml serves body as a feed, with an ETag and 304s to a matching
// If-None-Match.
func (s *site) xml(path, contentType, etag, body string) {
	s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		if etag != "" {
			w.Header().Set("ETag", etag)
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
		}
		w.Header().Set("Content-Type", contentType)
		fmt.Fprint(w, body)
	})
}

// article serves an HTML article page at path whose text says n.
func (s *site) article(path, title string, n int) {
	s.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, articleHTML(title, n))
	})
}

// articleHTML is a page readability takes for an article, its text unique
// to n.
func articleHTML(title string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html><html><head><title>%s</title></head><body><nav><a href=\"/\">Home</a></nav><article><h1>%s</h1>", title, title)
	for p := range 3 {
		fmt.Fprintf(&b, "<p>Article number %d, paragraph %d, argues that the supply of refined gallium and germanium depends on a few separation plants. "+
			"Export licences slow shipments for months, and buyers in Europe and Japan stockpile what they can while prices rise. "+
			"Analysts expect new capacity only after permits, financing and skilled staff are in place, which takes years rather than quarters.</p>", n, p)
	}
	b.WriteString("</article><footer>Contact us</footer></body></html>")
	return b.String()
}

// rssOf is an RSS feed linking to urls, newest first.
func rssOf(title string, urls ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>`, title)
	day := time.Date(2026, 11, 9, 8, 0, 0, 0, time.UTC)
	for i, u := range urls {
		fmt.Fprintf(&b, "<item><title>Entry %d of %s</title><link>%s</link><pubDate>%s</pubDate></item>", i, title, strings.ReplaceAll(u, "&", "&amp;"), day.Add(-time.Duration(i)*time.Hour).Format(time.RFC1123Z))
	}
	b.WriteString("</channel></rss>")
	return b.String()
}

// fakeLibrary is the corpus in memory: it keeps the articles it is given,
// refusing a second article from the same URL as the real one does.
type fakeLibrary struct {
	mu      sync.Mutex
	arts    []fetch.Article
	batches int
	fail    error // when set, AddArticles fails whole
}

func (l *fakeLibrary) AddArticles(ctx context.Context, arts []fetch.Article) ([]Saved, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fail != nil {
		return nil, l.fail
	}
	l.batches++
	out := make([]Saved, len(arts))
	for i, a := range arts {
		dup := false
		for _, have := range l.arts {
			if have.URL == a.URL {
				dup = true
			}
		}
		if dup {
			out[i].Err = fmt.Errorf("%s: %w", a.URL, ErrDuplicate)
			continue
		}
		l.arts = append(l.arts, a)
		out[i].Path = a.FileName()
	}
	return out, nil
}

func (l *fakeLibrary) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.arts)
}

func (l *fakeLibrary) byURL(u string) (fetch.Article, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, a := range l.arts {
		if a.URL == u {
			return a, true
		}
	}
	return fetch.Article{}, false
}

// rig is a poller over a real store in a temporary directory, a fake
// library and a fake clock, allowed to reach the test sites on 127.0.0.1
// and 127.0.0.3 only: every other special-purpose address, 127.0.0.2
// included, stays refused by the fetch guard.
type rig struct {
	st    *store.Store
	path  string
	lib   *fakeLibrary
	clock *fakeClock
	p     *Poller
	opts  Options
}

// newRig returns a rig whose poller runs on clock, the sites' clock.
func newRig(t *testing.T, clock *fakeClock, opts Options) *rig {
	t.Helper()
	path := t.TempDir() + "/chokepoint.db"
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := &rig{st: st, path: path, lib: &fakeLibrary{}, clock: clock}
	opts.Now, opts.Sleep = r.clock.Now, r.clock.Sleep
	opts.Rand = func() float64 { return 0.5 } // no jitter
	opts.Fetch.AllowNetworks = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("127.0.0.3/32")}
	if opts.Fetch.Timeout == 0 {
		opts.Fetch.Timeout = 5 * time.Second
	}
	if opts.Fetch.Now == nil {
		opts.Fetch.Now = r.clock.Now
	}
	r.opts = opts
	r.p = New(st, r.lib, opts)
	t.Cleanup(func() { r.p.client.CloseIdleConnections() })
	return r
}

func (r *rig) subscribe(t *testing.T, urls ...string) {
	t.Helper()
	for _, u := range urls {
		if _, err := r.st.AddFeed(context.Background(), u, r.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
}

func (r *rig) poll(t *testing.T, all bool) map[string]Report {
	t.Helper()
	reps, err := r.p.Poll(context.Background(), all)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Report{}
	for _, rep := range reps {
		out[rep.Feed] = rep
	}
	return out
}

func (r *rig) entry(t *testing.T, u string) store.Entry {
	t.Helper()
	e, ok, err := r.st.Entry(context.Background(), Canonical(u))
	if err != nil || !ok {
		t.Fatalf("Entry(%s) = %v, %v, want a record", u, ok, err)
	}
	return e
}

func fetchTimeout(d time.Duration) fetch.Options { return fetch.Options{Timeout: d} }
