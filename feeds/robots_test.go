package feeds

import (
	"context"
	"sync"
	"testing"
	"time"
)

func TestRobots(t *testing.T) {
	const txt = `# comment
User-agent: Googlebot
Disallow: /

User-agent: chokepoint
User-agent: otherbot
Disallow: /private/
Allow: /private/open-*
Disallow: /*.pdf$
Disallow: /search?
Crawl-delay: 2.5

User-agent: *
Disallow: /everyone-out/
`
	r := parseRobots([]byte(txt), "chokepoint")
	for path, want := range map[string]bool{
		"/":                      true,
		"/private/x":             false,
		"/private/open-letter":   true,
		"/report.pdf":            false,
		"/report.pdf?download=1": true, // $ anchors the end
		"/search?q=gallium":      false,
		"/searching":             true,
		"/everyone-out/x":        true, // our group replaces *
		"/robots.txt":            true,
	} {
		if got := r.allowed(path); got != want {
			t.Errorf("allowed(%q) = %v, want %v", path, got, want)
		}
	}
	if r.delay != 2500*time.Millisecond {
		t.Errorf("delay = %v, want 2.5s", r.delay)
	}
	star := parseRobots([]byte(txt), "somebot")
	if star.allowed("/everyone-out/x") || !star.allowed("/private/x") {
		t.Errorf("an agent without a group of its own does not get the * group")
	}
	if r := parseRobots(nil, "chokepoint"); !r.allowed("/anything") {
		t.Errorf("empty robots.txt disallows")
	}
	if r := parseRobots([]byte("User-agent: *\nDisallow:\n"), "chokepoint"); !r.allowed("/x") {
		t.Errorf("empty Disallow disallows")
	}
	if r := parseRobots([]byte("User-agent: *\nCrawl-delay: 86400\n"), "chokepoint"); r.delay != maxCrawlDelay {
		t.Errorf("huge Crawl-delay = %v, want capped at %v", r.delay, maxCrawlDelay)
	}
}

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{
		"HTTPS://Example.COM:443/a?b=2&a=1#frag":          "https://example.com/a?a=1&b=2",
		"http://example.com:80":                           "http://example.com/",
		"http://example.com:8080/x?utm_source=rss&id=7":   "http://example.com:8080/x?id=7",
		"https://example.com/x?fbclid=abc":                "https://example.com/x",
		"https://[2001:db8::1]:443/x":                     "https://[2001:db8::1]/x",
		"https://example.com/path/with%20space?q=a+b":     "https://example.com/path/with%20space?q=a+b",
		"https://example.com/x?UTM_Campaign=1&page=2&Z=1": "https://example.com/x?Z=1&page=2",
	} {
		if got := Canonical(in); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGateOneAtATimeWithDelay(t *testing.T) {
	clock := newFakeClock()
	g := newGate(time.Second, clock.Now, clock.Sleep)
	ctx := context.Background()
	var mu sync.Mutex
	var starts []time.Time
	running, maxRunning := 0, 0
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := g.acquire(ctx, "a.example")
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			running++
			maxRunning = max(maxRunning, running)
			starts = append(starts, clock.Now())
			running--
			mu.Unlock()
			release()
		}()
	}
	wg.Wait()
	if maxRunning != 1 {
		t.Errorf("%d requests ran at once on one host, want 1", maxRunning)
	}
	for i := 1; i < len(starts); i++ {
		if gap := starts[i].Sub(starts[i-1]); gap < time.Second {
			t.Errorf("start %d came %v after the one before, want at least 1s", i, gap)
		}
	}
	// Another host does not wait for this one's delay.
	before := clock.Now()
	release, _ := g.acquire(ctx, "b.example")
	release()
	if clock.Now() != before {
		t.Errorf("a second host waited %v", clock.Now().Sub(before))
	}
	// Idle hosts are forgotten once their pause is over.
	clock.Advance(time.Minute)
	release, _ = g.acquire(ctx, "a.example")
	release()
	clock.Advance(time.Minute)
	release, _ = g.acquire(ctx, "c.example")
	release()
	g.mu.Lock()
	n := len(g.hosts)
	g.mu.Unlock()
	if n > 2 {
		t.Errorf("gate remembers %d hosts, want the idle ones dropped", n)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := g.acquire(cctx, "c.example"); err == nil {
		t.Errorf("acquire with a cancelled context while the host pauses = nil error")
	}
}
