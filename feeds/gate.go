package feeds

import (
	"context"
	"sync"
	"time"
)

// gate keeps the poller polite: one request at a time per host, and a
// pause after each before the next starts on that host. Hosts are
// independent: a slow one holds up only its own queue.
type gate struct {
	delay time.Duration
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	mu     sync.Mutex
	hosts  map[string]*hostState
	delays map[string]time.Duration // hosts' own delays (Crawl-delay)
}

type hostState struct {
	sem   chan struct{} // holds one token while a request runs
	next  time.Time     // no request starts before
	users int           // waiting or running; the state is dropped at 0 once idle
}

func newGate(delay time.Duration, now func() time.Time, sleep func(context.Context, time.Duration) error) *gate {
	return &gate{delay: delay, now: now, sleep: sleep, hosts: map[string]*hostState{}, delays: map[string]time.Duration{}}
}

// acquire waits for host's turn; the caller must call the returned release
// when its request is done.
func (g *gate) acquire(ctx context.Context, host string) (release func(), err error) {
	g.mu.Lock()
	h := g.hosts[host]
	if h == nil {
		// Forget the hosts whose pause is over and that nobody waits for,
		// so the map holds only hosts in use.
		now := g.now()
		for name, o := range g.hosts {
			if o.users == 0 && !now.Before(o.next) {
				delete(g.hosts, name)
			}
		}
		h = &hostState{sem: make(chan struct{}, 1)}
		g.hosts[host] = h
	}
	h.users++
	g.mu.Unlock()
	done := func() {
		g.mu.Lock()
		h.users--
		g.mu.Unlock()
	}
	select {
	case h.sem <- struct{}{}:
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
	for {
		g.mu.Lock()
		wait := h.next.Sub(g.now())
		g.mu.Unlock()
		if wait <= 0 {
			break
		}
		if err := g.sleep(ctx, wait); err != nil {
			<-h.sem
			done()
			return nil, err
		}
	}
	return func() {
		g.mu.Lock()
		next := g.now().Add(max(g.delay, g.delays[host]))
		if next.After(h.next) {
			h.next = next
		}
		g.mu.Unlock()
		<-h.sem
		done()
	}, nil
}

// holdOff keeps requests to host from starting before until (Retry-After).
func (g *gate) holdOff(host string, until time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	h := g.hosts[host]
	if h == nil {
		h = &hostState{sem: make(chan struct{}, 1)}
		g.hosts[host] = h
	}
	if until.After(h.next) {
		h.next = until
	}
}

// setDelay sets a host's own delay between requests (robots.txt's
// Crawl-delay); the gate's delay still applies when longer.
func (g *gate) setDelay(host string, d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if d > 0 {
		g.delays[host] = d
	} else {
		delete(g.delays, host)
	}
}

// sleepCtx waits d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
