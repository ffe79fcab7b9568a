package feeds

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"chokepoint/store"
)

func TestPollEveryFormat(t *testing.T) {
	clock := newFakeClock()
	s := newSite(t, "127.0.0.1:0", clock)
	for i := range 8 {
		s.article(fmt.Sprintf("/a/%d", i), fmt.Sprintf("Article %d", i), i)
	}
	s.xml("/rss.xml", "application/rss+xml", "", rssOf("RSS", s.URL("/a/0"), s.URL("/a/1")))
	s.xml("/atom.xml", "application/atom+xml", "", `<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>
		<entry><title>Atom entry</title><link href="`+s.URL("/a/2")+`"/><author><name>Ann Atom</name></author><published>2026-11-01T00:00:00Z</published></entry></feed>`)
	s.xml("/feed.json", "application/feed+json", "", `{"version": "https://jsonfeed.org/version/1.1", "title": "JSON",
		"items": [{"id": "x", "url": "`+s.URL("/a/3")+`", "title": "JSON entry"}]}`)
	s.xml("/news.xml", "text/xml", "", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
		<url><loc>`+s.URL("/a/4")+`</loc><news:news><news:publication><news:name>Mineral Times</news:name></news:publication>
		<news:publication_date>2026-11-08</news:publication_date><news:title>News entry</news:title></news:news></url></urlset>`)
	s.xml("/index.xml", "application/xml", "", `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
		<sitemap><loc>`+s.URL("/child-1.xml")+`</loc><lastmod>2026-11-08</lastmod></sitemap>
		<sitemap><loc>`+s.URL("/child-2.xml")+`</loc><lastmod>2026-11-01</lastmod></sitemap></sitemapindex>`)
	s.xml("/child-1.xml", "application/xml", "", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>`+s.URL("/a/5")+`</loc></url></urlset>`)
	s.xml("/child-2.xml", "application/xml", "", `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>`+s.URL("/a/6")+`</loc></url></urlset>`)

	r := newRig(t, clock, Options{})
	feeds := []string{s.URL("/rss.xml"), s.URL("/atom.xml"), s.URL("/feed.json"), s.URL("/news.xml"), s.URL("/index.xml")}
	r.subscribe(t, feeds...)
	reps := r.poll(t, false)
	wantAdded := map[string]int{feeds[0]: 2, feeds[1]: 1, feeds[2]: 1, feeds[3]: 1, feeds[4]: 2}
	wantKind := map[string]string{feeds[0]: "rss", feeds[1]: "atom", feeds[2]: "json", feeds[3]: "sitemap", feeds[4]: "sitemapindex"}
	for _, f := range feeds {
		rep := reps[f]
		if rep.Err != nil || len(rep.Added) != wantAdded[f] {
			t.Errorf("poll %s: %d added, err %v; want %d, nil", f, len(rep.Added), rep.Err, wantAdded[f])
		}
		got, _ := r.st.FeedByURL(context.Background(), f)
		if got.Kind != wantKind[f] || got.Entries != wantAdded[f] || got.LastSuccess.IsZero() || got.LastError != "" {
			t.Errorf("feed %s state = kind %q, %d entries, last success %v, error %q", f, got.Kind, got.Entries, got.LastSuccess, got.LastError)
		}
		if want := got.LastSuccess.Add(DefaultInterval); !got.NextPoll.Equal(want) {
			t.Errorf("feed %s next poll = %v, want %v (an interval on, no jitter)", f, got.NextPoll, want)
		}
	}
	// The feed fills what the page lacks: author, the news publication,
	// the date.
	if a, ok := r.lib.byURL(s.URL("/a/2")); !ok || a.Author != "Ann Atom" || a.Published != "2026-11-01" {
		t.Errorf("atom article = %+v, want the entry's author and date", a)
	}
	if a, ok := r.lib.byURL(s.URL("/a/4")); !ok || a.Site != "Mineral Times" || a.Published != "2026-11-08" {
		t.Errorf("news article = %+v, want the publication as source and its date", a)
	}
	if s.hits("/a/7") != 0 {
		t.Errorf("an article no feed links to was fetched")
	}
	// Nothing is due before an interval has passed.
	if reps := r.poll(t, false); len(reps) != 0 {
		t.Errorf("second poll at once polled %d feeds, want 0", len(reps))
	}
}

func TestPollConditionalGetAndRestart(t *testing.T) {
	clock := newFakeClock()
	s := newSite(t, "127.0.0.1:0", clock)
	s.article("/a/1", "One", 1)
	s.xml("/rss.xml", "application/rss+xml", `"v1"`, rssOf("RSS", s.URL("/a/1")))
	r := newRig(t, clock, Options{})
	r.subscribe(t, s.URL("/rss.xml"))
	if rep := r.poll(t, true)[s.URL("/rss.xml")]; len(rep.Added) != 1 {
		t.Fatalf("first poll added %d, want 1 (%v)", len(rep.Added), rep.Err)
	}

	// A restart: the store is closed and opened again, a new poller made.
	r.st.Close()
	st, err := store.Open(context.Background(), r.path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := New(st, r.lib, r.opts)
	defer p.client.CloseIdleConnections()
	reps, err := p.Poll(context.Background(), true)
	if err != nil || len(reps) != 1 {
		t.Fatalf("poll after restart = %v, %v", reps, err)
	}
	if !reps[0].NotModified || reps[0].Err != nil || len(reps[0].Added) != 0 {
		t.Errorf("poll after restart = %+v, want 304 Not Modified and nothing added", reps[0])
	}
	req, _ := s.lastRequest("/rss.xml")
	if got := req.header.Get("If-None-Match"); got != `"v1"` {
		t.Errorf("If-None-Match after restart = %q, want the stored ETag", got)
	}
	f, _ := st.FeedByURL(context.Background(), s.URL("/rss.xml"))
	if f.Entries != 1 || f.ETag != `"v1"` || f.LastSuccess.IsZero() {
		t.Errorf("feed after restart = %+v, want its entry count, ETag and last success kept", f)
	}
	if s.hits("/a/1") != 1 {
		t.Errorf("article fetched %d times, want once", s.hits("/a/1"))
	}
}

func TestPollRetryAfterAndBackoff(t *testing.T) {
	clock := newFakeClock()
	s := newSite(t, "127.0.0.1:0", clock)
	calls := 0
	s.mux.HandleFunc("/busy.xml", func(w http.ResponseWriter, r *http.Request) {
		calls++
		if calls == 1 {
			w.Header().Set("Retry-After", "7200")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		http.Error(w, "broken", http.StatusInternalServerError)
	})
	s.xml("/ok.xml", "application/rss+xml", "", rssOf("OK"))
	r := newRig(t, clock, Options{Workers: 1})
	r.subscribe(t, s.URL("/busy.xml"), s.URL("/ok.xml"))
	start := clock.Now()
	reps := r.poll(t, false)
	if rep := reps[s.URL("/busy.xml")]; rep.Err == nil || !strings.Contains(rep.Err.Error(), "429") {
		t.Errorf("poll of a 429 feed: err = %v, want the status", rep.Err)
	}
	f, _ := r.st.FeedByURL(context.Background(), s.URL("/busy.xml"))
	if f.Failures != 1 || f.NextPoll.Before(start.Add(2*time.Hour)) || !strings.Contains(f.LastError, "429") {
		t.Errorf("after 429 with Retry-After 7200: %+v, want 1 failure, next poll 2h on or later", f)
	}
	// The next request to the host waited out the Retry-After.
	ok, _ := s.lastRequest("/ok.xml")
	if ok.at.Before(start.Add(2 * time.Hour)) {
		t.Errorf("next request to the host at %v, want after the Retry-After (%v)", ok.at, start.Add(2*time.Hour))
	}
	if rep := reps[s.URL("/ok.xml")]; rep.Err != nil {
		t.Errorf("the other feed: %v, want nil", rep.Err)
	}
	// A second failure (500) backs off twice as long as a first would.
	clock.Advance(3 * time.Hour)
	r.poll(t, false)
	f, _ = r.st.FeedByURL(context.Background(), s.URL("/busy.xml"))
	if want := f.LastErrorAt.Add(DefaultInterval / 2); f.Failures != 2 || !f.NextPoll.Equal(want) {
		t.Errorf("after a second failure: %d failures, next %v, want 2 and %v", f.Failures, f.NextPoll, want)
	}
}

func TestBackoffAndJitter(t *testing.T) {
	p := New(nil, nil, Options{Interval: time.Hour, Rand: func() float64 { return 0 }})
	for n, want := range map[int]time.Duration{1: 15 * time.Minute, 2: 30 * time.Minute, 3: time.Hour, 8: 24 * time.Hour, 30: 24 * time.Hour} {
		if got := p.backoff(n); got != want {
			t.Errorf("backoff(%d) = %v, want %v", n, got, want)
		}
	}
	if got := p.jitter(time.Hour); got != 54*time.Minute {
		t.Errorf("jitter(1h) with rand 0 = %v, want 54m", got)
	}
	p.opts.Rand = func() float64 { return 0.999999 }
	if got := p.jitter(time.Hour); got > 66*time.Minute || got < 65*time.Minute {
		t.Errorf("jitter(1h) with rand 1 = %v, want just under 66m", got)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"120": 2 * time.Minute, "": 0, "soon": 0, "-5": 0, "999999999": 24 * time.Hour,
		"Tue, 10 Nov 2026 12:30:00 GMT": 30 * time.Minute, "Tue, 10 Nov 2026 11:00:00 GMT": 0,
	} {
		if got := retryAfter(in, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestPollMalformedFeedDoesNotStopOthers(t *testing.T) {
	clock := newFakeClock()
	s := newSite(t, "127.0.0.1:0", clock)
	for i := range 3 {
		s.article(fmt.Sprintf("/a/%d", i), fmt.Sprintf("Article %d", i), i)
	}
	good := rssOf("Broken", s.URL("/a/0"), s.URL("/a/1"))
	s.xml("/broken.xml", "application/rss+xml", `"b1"`, good[:strings.LastIndex(good, "<item>")+20]) // cut inside the second item
	s.xml("/garbage.xml", "text/html", "", "<html><body>Not a feed</body></html>")
	s.xml("/ok.xml", "application/rss+xml", "", rssOf("OK", s.URL("/a/2")))
	r := newRig(t, clock, Options{})
	r.subscribe(t, s.URL("/broken.xml"), s.URL("/garbage.xml"), s.URL("/ok.xml"))
	reps := r.poll(t, false)
	if rep := reps[s.URL("/broken.xml")]; rep.Err == nil || !strings.Contains(rep.Err.Error(), "malformed XML") || len(rep.Added) != 1 {
		t.Errorf("broken feed: %d added, err %v; want the entry before the fault and the error", len(rep.Added), rep.Err)
	}
	if rep := reps[s.URL("/garbage.xml")]; !errors.Is(rep.Err, ErrNotFeed) {
		t.Errorf("HTML page as feed: err %v, want ErrNotFeed", rep.Err)
	}
	if rep := reps[s.URL("/ok.xml")]; rep.Err != nil || len(rep.Added) != 1 {
		t.Errorf("good feed beside broken ones: %d added, err %v", len(rep.Added), rep.Err)
	}
	f, _ := r.st.FeedByURL(context.Background(), s.URL("/broken.xml"))
	if f.ETag != "" || f.Failures != 1 {
		t.Errorf("broken feed state = ETag %q, %d failures; want no validator kept (read it whole next time), 1 failure", f.ETag, f.Failures)
	}
}

func TestPollBigFeedTakesNewestInTurns(t *testing.T) {
	clock := newFakeClock()
	s := newSite(t, "127.0.0.1:0", clock)
	var urls []string
	for i := range 10000 {
		urls = append(urls, s.URL(fmt.Sprintf("/a/%d", i)))
	}
	s.mux.HandleFunc("/a/", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/a/%d", &n)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, articleHTML(fmt.Sprintf("Big %d", n), n))
	})
	s.xml("/big.xml", "application/rss+xml", "", rssOf("Big", urls...))
	r := newRig(t, clock, Options{MaxNew: 15})
	r.subscribe(t, s.URL("/big.xml"))
	rep := r.poll(t, true)[s.URL("/big.xml")]
	if rep.Err != nil || rep.Entries != 10000 || rep.New != 15 || rep.Waiting != 9985 || len(rep.Added) != 15 {
		t.Fatalf("poll of 10,000 entries = %d entries, %d new, %d waiting, %d added, %v; want 10000, 15, 9985, 15",
			rep.Entries, rep.New, rep.Waiting, len(rep.Added), rep.Err)
	}
	if _, ok := r.lib.byURL(urls[0]); !ok {
		t.Errorf("newest entry not taken first")
	}
	rep = r.poll(t, true)[s.URL("/big.xml")]
	if len(rep.Added) != 15 || rep.Waiting != 9970 {
		t.Errorf("second poll: %d added, %d waiting; want the next 15, 9970", len(rep.Added), rep.Waiting)
	}
	if _, ok := r.lib.byURL(urls[15]); !ok {
		t.Errorf("second poll did not take entry 15")
	}
}

func TestPollDuplicates(t *testing.T) {
	clock := newFakeClock()
	s := newSite(t, "127.0.0.1:0", clock)
	s.article("/a/1", "One", 1)
	s.article("/mirror/1", "One again", 1) // same text, other URL
	s.article("/a/2", "Two", 2)
	s.xml("/one.xml", "application/rss+xml", "", rssOf("One",
		s.URL("/a/1?utm_source=rss"), s.URL("/a/1#comments"), s.URL("/a/1"), s.URL("/mirror/1")))
	s.xml("/two.xml", "application/rss+xml", "", rssOf("Two", s.URL("/a/1?utm_medium=email"), s.URL("/a/2")))
	r := newRig(t, clock, Options{Workers: 1})
	r.subscribe(t, s.URL("/one.xml"), s.URL("/two.xml"))
	reps := r.poll(t, false)
	if got := r.lib.count(); got != 2 {
		t.Errorf("corpus holds %d articles, want 2 (one, two)", got)
	}
	one := reps[s.URL("/one.xml")]
	if len(one.Added) != 1 || one.Duplicates != 1 {
		t.Errorf("feed one: %d added, %d duplicates, want 1 and 1 (the mirror)", len(one.Added), one.Duplicates)
	}
	if s.hits("/a/1") != 1 {
		t.Errorf("/a/1 fetched %d times, want once: tracking parameters and fragments are the same URL", s.hits("/a/1"))
	}
	if e := r.entry(t, s.URL("/mirror/1")); e.State != store.EntryDuplicate || !strings.Contains(e.Error, "same") {
		t.Errorf("mirror entry = %+v, want a duplicate", e)
	}
	if reps := r.poll(t, true); len(reps[s.URL("/one.xml")].Added)+len(reps[s.URL("/two.xml")].Added) != 0 || r.lib.count() != 2 {
		t.Errorf("re-poll added articles again")
	}
}

func TestPollPrivateAddressRefusedByGuard(t *testing.T) {
	clock := newFakeClock()
	s := newSite(t, "127.0.0.1:0", clock)
	s.article("/a/1", "One", 1)
	_, port, _ := strings.Cut(strings.TrimPrefix(s.srv.URL, "http://"), ":")
	private := "http://127.0.0.2:" + port + "/secret"
	metadata := "http://169.254.169.254/latest/meta-data/"
	s.xml("/rss.xml", "application/rss+xml", "", rssOf("RSS", private, metadata, s.URL("/a/1")))
	r := newRig(t, clock, Options{})
	r.subscribe(t, s.URL("/rss.xml"))
	rep := r.poll(t, false)[s.URL("/rss.xml")]
	if rep.Refused != 2 || len(rep.Added) != 1 || rep.Err != nil {
		t.Errorf("poll = %d refused, %d added, %v; want 2, 1, nil", rep.Refused, len(rep.Added), rep.Err)
	}
	for _, u := range []string{private, metadata} {
		if e := r.entry(t, u); e.State != store.EntryRefused || !strings.Contains(e.Error, "address not allowed") {
			t.Errorf("entry %s = %+v, want refused by the address guard", u, e)
		}
	}
	if s.hits("/secret") != 0 {
		t.Errorf("the private address was reached")
	}
}

func TestPollStallingPageDoesNotStopTheFeed(t *testing.T) {
	clock := newFakeClock()
	s := newSite(t, "127.0.0.1:0", clock)
	s.article("/a/1", "One", 1)
	s.mux.HandleFunc("/stall", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		fmt.Fprint(w, "<html><body><p>Start")
		w.(http.Flusher).Flush()
		select { // never finishes the page
		case <-r.Context().Done():
		case <-s.stall:
		}
	})
	s.xml("/rss.xml", "application/rss+xml", "", rssOf("RSS", s.URL("/stall"), s.URL("/a/1")))
	r := newRig(t, clock, Options{Fetch: fetchTimeout(300 * time.Millisecond)})
	r.subscribe(t, s.URL("/rss.xml"))
	rep := r.poll(t, false)[s.URL("/rss.xml")]
	if rep.Failed != 1 || len(rep.Added) != 1 {
		t.Errorf("poll = %d failed, %d added; want the stalled page failed and the other added", rep.Failed, len(rep.Added))
	}
	e := r.entry(t, s.URL("/stall"))
	if e.State != store.EntryFailed || !strings.Contains(e.Error, "timed out") {
		t.Errorf("stalled entry = %+v, want failed, timed out", e)
	}
	// A timeout may pass: tried again on later polls, MaxTries in all.
	for range store.MaxTries + 1 {
		r.poll(t, true)
	}
	if got := s.hits("/stall"); got != store.MaxTries {
		t.Errorf("stalling page requested %d times, want %d", got, store.MaxTries)
	}
}

func TestPollRobots(t *testing.T) {
	clock := newFakeClock()
	s := newSite(t, "127.0.0.1:0", clock)
	s.article("/a/1", "One", 1)
	s.article("/members/2", "Two", 2)
	s.mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /\n\nUser-agent: chokepoint\nDisallow: /members/\nCrawl-delay: 30\n")
	})
	s.xml("/rss.xml", "application/rss+xml", "", rssOf("RSS", s.URL("/members/2"), s.URL("/a/1")))
	r := newRig(t, clock, Options{HostDelay: time.Second})
	r.subscribe(t, s.URL("/rss.xml"))
	rep := r.poll(t, false)[s.URL("/rss.xml")]
	if rep.Refused != 1 || len(rep.Added) != 1 {
		t.Errorf("poll = %d refused, %d added; want the /members/ page refused by robots.txt", rep.Refused, len(rep.Added))
	}
	if s.hits("/members/2") != 0 {
		t.Errorf("a page robots.txt disallows was fetched")
	}
	if e := r.entry(t, s.URL("/members/2")); e.State != store.EntryRefused || !strings.Contains(e.Error, "robots.txt") {
		t.Errorf("entry = %+v, want refused by robots.txt", e)
	}
	// Crawl-delay: 30 spaces the requests after robots.txt 30s apart.
	robots, _ := s.lastRequest("/robots.txt")
	page, _ := s.lastRequest("/a/1")
	if gap := page.at.Sub(robots.at); gap < 30*time.Second {
		t.Errorf("article requested %v after robots.txt, want at least the 30s Crawl-delay", gap)
	}
	if s.hits("/robots.txt") != 1 {
		t.Errorf("robots.txt read %d times, want once (cached)", s.hits("/robots.txt"))
	}
}

func TestPollIsPoliteToEachHost(t *testing.T) {
	clock := newFakeClock()
	s := newSite(t, "127.0.0.1:0", clock)
	var feeds []string
	for f := range 6 {
		var urls []string
		for i := range 3 {
			n := f*10 + i
			s.article(fmt.Sprintf("/a/%d", n), fmt.Sprintf("Article %d", n), n)
			urls = append(urls, s.URL(fmt.Sprintf("/a/%d", n)))
		}
		path := fmt.Sprintf("/feed-%d.xml", f)
		s.xml(path, "application/rss+xml", "", rssOf(path, urls...))
		feeds = append(feeds, s.URL(path))
	}
	delay := 3 * time.Second
	r := newRig(t, clock, Options{HostDelay: delay, Workers: 4})
	r.subscribe(t, feeds...)
	r.poll(t, false)
	if r.lib.count() != 18 {
		t.Errorf("added %d articles, want 18", r.lib.count())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.maxIn != 1 {
		t.Errorf("at most %d requests at once to one host, want 1", s.maxIn)
	}
	for i := 1; i < len(s.requests); i++ {
		if gap := s.requests[i].at.Sub(s.requests[i-1].at); gap < delay {
			t.Errorf("request %d (%s) came %v after the one before, want at least %v", i, s.requests[i].path, gap, delay)
		}
	}
}

func TestSlowSiteDoesNotStopOthers(t *testing.T) {
	clock := newFakeClock()
	fast := newSite(t, "127.0.0.1:0", clock)
	slow := newSite(t, "127.0.0.3:0", clock)
	fast.article("/a/1", "One", 1)
	release := make(chan struct{})
	// The slow site has more feeds than there are workers, and is listed
	// first: its feeds must not take every worker.
	for k := range 3 {
		slow.mux.HandleFunc(fmt.Sprintf("/feed-%d.xml", k), func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			http.Error(w, "late", http.StatusServiceUnavailable)
		})
	}
	fast.xml("/feed.xml", "application/rss+xml", "", rssOf("Fast", fast.URL("/a/1")))
	r := newRig(t, clock, Options{Workers: 2})
	r.subscribe(t, slow.URL("/feed-0.xml"), slow.URL("/feed-1.xml"), slow.URL("/feed-2.xml"), fast.URL("/feed.xml"))
	done := make(chan []Report)
	go func() {
		reps, _ := r.p.Poll(context.Background(), false)
		done <- reps
	}()
	// The fast site's article lands while the slow site still holds its
	// request.
	deadline := time.Now().Add(10 * time.Second)
	for r.lib.count() == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if r.lib.count() != 1 {
		t.Errorf("fast feed's article not added while the slow site stalls")
	}
	close(release)
	reps := <-done
	if len(reps) != 4 || reps[3].Feed != fast.URL("/feed.xml") || reps[0].Err == nil {
		t.Fatalf("reports = %+v, want 4 in the store's order, the slow ones failed", reps)
	}
}

func TestLibraryFailureLeavesEntriesToRetry(t *testing.T) {
	clock := newFakeClock()
	s := newSite(t, "127.0.0.1:0", clock)
	s.article("/a/1", "One", 1)
	s.xml("/rss.xml", "application/rss+xml", "", rssOf("RSS", s.URL("/a/1")))
	r := newRig(t, clock, Options{})
	r.lib.fail = errors.New("index is closed")
	r.subscribe(t, s.URL("/rss.xml"))
	rep := r.poll(t, false)[s.URL("/rss.xml")]
	if rep.Err == nil || rep.Failed != 1 {
		t.Errorf("poll with a failing library = %d failed, %v; want 1 and the error", rep.Failed, rep.Err)
	}
	r.lib.fail = nil
	if rep := r.poll(t, true)[s.URL("/rss.xml")]; len(rep.Added) != 1 {
		t.Errorf("next poll added %d, want the entry retried and added", len(rep.Added))
	}
}

func TestRunPollsUntilCancelledAndWakes(t *testing.T) {
	clock := newFakeClock()
	s := newSite(t, "127.0.0.1:0", clock)
	s.article("/a/1", "One", 1)
	s.article("/a/2", "Two", 2)
	s.xml("/one.xml", "application/rss+xml", "", rssOf("One", s.URL("/a/1")))
	s.xml("/two.xml", "application/rss+xml", "", rssOf("Two", s.URL("/a/2")))
	r := newRig(t, clock, Options{})
	r.subscribe(t, s.URL("/one.xml"))
	ctx, cancel := context.WithCancel(context.Background())
	announced := make(chan []Added, 4)
	errc := make(chan error, 1)
	go func() { errc <- r.p.Run(ctx, nil, func(_ context.Context, a []Added) { announced <- a }) }()
	if got := <-announced; len(got) != 1 || got[0].Feed != s.URL("/one.xml") {
		t.Errorf("first round announced %+v, want the article of feed one", got)
	}
	r.subscribe(t, s.URL("/two.xml"))
	r.p.Wake()
	if got := <-announced; len(got) != 1 || got[0].Feed != s.URL("/two.xml") {
		t.Errorf("after Wake announced %+v, want the article of the new feed", got)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Errorf("Run() = %v, want nil after cancel", err)
	}
}

func TestCheck(t *testing.T) {
	clock := newFakeClock()
	s := newSite(t, "127.0.0.1:0", clock)
	s.xml("/rss.xml", "application/rss+xml", "", rssOf("Checked", s.URL("/a/1")))
	s.xml("/page", "text/html", "", "<html><body>hello</body></html>")
	r := newRig(t, clock, Options{})
	f, err := r.p.Check(context.Background(), s.URL("/rss.xml"))
	if err != nil || f.Kind != RSS || f.Title != "Checked" || len(f.Entries) != 1 {
		t.Errorf("Check(rss) = %+v, %v", f, err)
	}
	for _, u := range []string{s.URL("/page"), "ftp://x.example/feed", "not a url"} {
		if _, err := r.p.Check(context.Background(), u); !errors.Is(err, ErrNotFeed) {
			t.Errorf("Check(%s) = %v, want ErrNotFeed", u, err)
		}
	}
	if _, err := r.p.Check(context.Background(), s.URL("/missing")); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("Check(404) = %v, want the status", err)
	}
	if feeds, _ := r.st.Feeds(context.Background()); len(feeds) != 0 {
		t.Errorf("Check recorded a feed")
	}
}
