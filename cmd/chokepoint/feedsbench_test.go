package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"chokepoint/feeds"
	"chokepoint/fetch"
	"chokepoint/store"
)

// peakRSS returns the process's peak resident set (VmHWM) in bytes, 0
// where /proc is missing.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

var benchMinerals = []string{"gallium", "germanium", "antimony", "tungsten", "graphite", "cobalt", "lithium", "vanadium", "nickel", "copper", "tin", "indium"}
var benchPlaces = []string{"Kazakhstan", "Chile", "Congo", "Indonesia", "Australia", "Canada", "Vietnam", "Brazil", "Peru", "Japan", "Korea", "Morocco"}

// benchSite serves feeds /feeds/0.xml … /feeds/(nFeeds-1).xml of perFeed
// articles each, on its own loopback address, each article's text unique.
func benchSite(b *testing.B, addr string, site, nFeeds, perFeed int) string {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		b.Skipf("listen %s: %v", addr, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "User-agent: *\nDisallow: /private/\n")
	})
	mux.HandleFunc("/feeds/", func(w http.ResponseWriter, r *http.Request) {
		var f int
		fmt.Sscanf(r.URL.Path, "/feeds/%d.xml", &f)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Site %d feed %d</title>`, site, f)
		for i := range perFeed {
			fmt.Fprintf(w, `<item><title>Item</title><link>http://%s/a/%d/%d</link><pubDate>Tue, 10 Nov 2026 08:00:00 +0000</pubDate></item>`, r.Host, f, i)
		}
		io.WriteString(w, `</channel></rss>`)
	})
	mux.HandleFunc("/a/", func(w http.ResponseWriter, r *http.Request) {
		var f, i int
		fmt.Sscanf(r.URL.Path, "/a/%d/%d", &f, &i)
		n := (site*nFeeds+f)*perFeed + i
		m, p := benchMinerals[n%len(benchMinerals)], benchPlaces[(n/len(benchMinerals))%len(benchPlaces)]
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>%s in %s, report %d</title></head><body><article><h1>%s in %s, report %d</h1>`, m, p, n, m, p, n)
		for k := range 5 {
			fmt.Fprintf(w, `<p>Report %d, part %d: refiners of %s in %s say export licences take %d days, and buyers in Europe hold %d weeks of stock. `+
				`The market depends on a few separation plants, so an outage moves prices for months. New capacity needs permits, finance and staff, which take years.</p>`,
				n, k, m, p, 30+n%90, 2+n%11)
		}
		io.WriteString(w, `</article></body></html>`)
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	b.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

// BenchmarkPoll50Feeds1000Entries polls 50 feeds on 5 hosts that together
// publish 1,000 new articles, with the politeness rules on (one request at
// a time per host, host_delay between them, robots.txt read), into a real
// corpus directory and index. It reports the wall time, the articles
// added, and the process's peak resident memory. Run it alone
// (-run '^$' -bench Poll50 -benchtime 1x) so the peak is its own.
func BenchmarkPoll50Feeds1000Entries(b *testing.B) {
	const hosts, feedsPerHost, perFeed = 5, 10, 20
	hostDelay := 20 * time.Millisecond
	if v := os.Getenv("CHOKEPOINT_BENCH_HOST_DELAY"); v != "" {
		hostDelay, _ = time.ParseDuration(v)
	}
	for b.Loop() {
		b.StopTimer()
		ctx := context.Background()
		dir, idx := b.TempDir(), b.TempDir()
		os.WriteFile(filepath.Join(dir, "cobalt.md"), []byte("# Cobalt\n\nCongo mines most of the world's cobalt.\n"), 0o644)
		cfg := defaultConfig()
		cfg.Corpus, cfg.Index = dir, idx
		e, err := openEngine(ctx, cfg, noEnv, io.Discard, nil, false)
		if err != nil {
			b.Fatal(err)
		}
		lib := newLibrary(e, nil)
		st, err := store.Open(ctx, filepath.Join(idx, storeFile))
		if err != nil {
			b.Fatal(err)
		}
		for h := range hosts {
			base := benchSite(b, fmt.Sprintf("127.0.0.%d:0", h+1), h, feedsPerHost, perFeed)
			for f := range feedsPerHost {
				if _, err := st.AddFeed(ctx, fmt.Sprintf("%s/feeds/%d.xml", base, f), time.Now()); err != nil {
					b.Fatal(err)
				}
			}
		}
		p := feeds.New(st, lib, feeds.Options{HostDelay: hostDelay, Fetch: fetch.Options{AllowPrivate: true}})
		runtime.GC()
		b.StartTimer()
		start := time.Now()
		reps, err := p.Poll(ctx, false)
		took := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		added := 0
		for _, r := range reps {
			if r.Err != nil {
				b.Errorf("feed %s: %v", r.Feed, r.Err)
			}
			added += len(r.Added)
		}
		if added != hosts*feedsPerHost*perFeed || e.idx.Stats().Documents != added+1 {
			b.Fatalf("added %d articles, index holds %d documents; want %d and %d", added, e.idx.Stats().Documents, hosts*feedsPerHost*perFeed, hosts*feedsPerHost*perFeed+1)
		}
		b.ReportMetric(float64(added), "articles")
		b.ReportMetric(took.Seconds(), "s/poll")
		b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MiB")
		st.Close()
		e.Close()
		b.StartTimer()
	}
}

// gapQuestions makes n logged questions the way a busy server's log looks:
// a few hundred questions asked in many spellings, two thirds declined,
// some voted down.
func gapQuestions(n int, now time.Time) []store.Question {
	forms := []string{"Why can't %s replace China for %s?", "why cant %s replace china for %s", "<@123> who refines %s in %s?",
		"How much %s does %s export?", "what limits %s output in %s??", "is %s from %s under sanctions", "**%s** %s export ban 🤔"}
	qs := make([]store.Question, n)
	for i := range qs {
		k := i * 7919
		m, p := benchMinerals[(k/7)%len(benchMinerals)], benchPlaces[(k/13)%len(benchPlaces)]
		form := forms[k%len(forms)]
		var text string
		if strings.Index(form, "%s") < strings.Index(form, "replace") {
			text = fmt.Sprintf(form, p, m)
		} else {
			text = fmt.Sprintf(form, m, p)
		}
		q := store.Question{Asked: now.Add(-time.Duration(i) * time.Minute), GuildID: "200000000000000001", ChannelID: "300000000000000001",
			Text: text, Abstained: i%3 != 0, Latency: time.Duration(50+i%400) * time.Millisecond,
			Passages: []string{"russia/000_0524fadb7a41a105#4", "china/001_1ef3#2", "congo/002_77aa#9"}}
		if q.Abstained {
			q.Passages = nil
		} else if i%5 == 0 {
			q.Down = 1
		}
		qs[i] = q
	}
	return qs
}

// BenchmarkGaps100k groups the unanswered questions among 100,000 logged
// ones (/gaps over a 90-day window) with the embedded corpus's index, and
// reports the store's size for those 100,000 questions.
func BenchmarkGaps100k(b *testing.B) {
	ctx := context.Background()
	idx := b.TempDir()
	cfg := defaultConfig()
	cfg.Index = idx
	e, err := openEngine(ctx, cfg, noEnv, io.Discard, nil, false)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	st, err := store.Open(ctx, filepath.Join(idx, storeFile))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	if err := st.LogQuestions(ctx, gapQuestions(100000, now)); err != nil {
		b.Fatal(err)
	}
	size, _ := st.Size(ctx)
	src := gapSource{log: st, an: e.idx, nearest: e.idx}
	var asked, distinct int
	for b.Loop() {
		_, asked, distinct, err = findGaps(ctx, src, now.AddDate(0, 0, -90), 15)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size)/(1<<20), "store-MiB/100k")
	b.ReportMetric(float64(asked), "unanswered")
	b.ReportMetric(float64(distinct), "groups")
}
