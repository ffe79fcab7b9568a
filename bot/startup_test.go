package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"chokepoint/bot/discordtest"
)

// outage is an http.RoundTripper in front of the fake Discord that fails
// the requests matching match while fails lasts: with a network error, or
// with status when it is set.
type outage struct {
	next   http.RoundTripper
	match  func(*http.Request) bool
	status int
	fails  atomic.Int64
	seen   atomic.Int64 // failed requests
}

func (o *outage) RoundTrip(r *http.Request) (*http.Response, error) {
	if o.match(r) && o.fails.Add(-1) >= 0 {
		o.seen.Add(1)
		if o.status == 0 {
			return nil, errors.New("dial tcp: connect: network is unreachable")
		}
		return &http.Response{StatusCode: o.status, Status: http.StatusText(o.status), Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(`{"message": "outage", "code": 0}`)), Request: r}, nil
	}
	return o.next.RoundTrip(r)
}

// startWithOutage runs a bot against fake through o, recording the waits
// it makes and whether it reported itself connected during each.
func startWithOutage(t *testing.T, fake *discordtest.Server, o *outage) (b *Bot, waits func() ([]time.Duration, []bool), stop func() error, done <-chan error) {
	t.Helper()
	s := fake.Session("tok")
	o.next = s.Client.Transport
	s.Client.Transport = o
	b = New(Config{DevGuildIDs: []string{guildID}}, Deps{Session: s, Answerer: newAnswerer()}, slog.New(slog.DiscardHandler))
	var mu sync.Mutex
	var ds []time.Duration
	var connected []bool
	b.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		ds = append(ds, d)
		connected = append(connected, b.Connected())
		mu.Unlock()
		return ctx.Err() // no real wait: the outage is counted in requests
	}
	ctx, cancel := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { ran <- b.Run(ctx) }()
	waits = func() ([]time.Duration, []bool) {
		mu.Lock()
		defer mu.Unlock()
		return append([]time.Duration(nil), ds...), append([]bool(nil), connected...)
	}
	stop = func() error {
		cancel()
		select {
		case err := <-ran:
			return err
		case <-time.After(wait):
			return errors.New("Run did not return after cancel")
		}
	}
	t.Cleanup(cancel)
	return b, waits, stop, ran
}

// TestStartupRidesOutAnOutage (issue 10 item 17): when Discord cannot be
// reached at start (the gateway's URL over REST, then command
// registration), Run retries with backoff instead of returning, reports
// itself not connected meanwhile (which /readyz shows), and connects and
// registers once Discord is back. Before, Run returned the first error and
// serve exited 1.
func TestStartupRidesOutAnOutage(t *testing.T) {
	for _, tc := range []struct {
		name   string
		match  func(*http.Request) bool
		status int
	}{
		{"gateway unreachable", func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/gateway") }, 0},
		{"gateway 503", func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/gateway") }, http.StatusServiceUnavailable},
		{"registration unreachable", func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/commands") }, 0},
		{"registration 502", func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/commands") }, http.StatusBadGateway},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := discordtest.New()
			defer fake.Close()
			o := &outage{match: tc.match, status: tc.status}
			o.fails.Store(4)
			if tc.status == http.StatusBadGateway {
				// discordgo retries a 502 itself, MaxRestRetries (3) times:
				// each of the bot's attempts fails four requests.
				o.fails.Store(4 * 4)
			}
			b, waits, stop, _ := startWithOutage(t, fake, o)
			if _, ok := fake.WaitRequest(wait, func(r discordtest.Request) bool { return r.Method == "PUT" }); !ok {
				t.Fatalf("never registered the commands after the outage (%d requests failed)", o.seen.Load())
			}
			eventually(t, "connected after the outage", b.Connected)
			ds, connected := waits()
			if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}; !equalDurations(ds, want) {
				t.Errorf("waits between attempts = %v, want %v", ds, want)
			}
			if strings.HasPrefix(tc.name, "gateway") {
				for k, c := range connected {
					if c {
						t.Errorf("wait %d: reported connected before the gateway was", k)
					}
				}
			}
			if err := stop(); err != nil {
				t.Errorf("Run after cancel: %v", err)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if a[k] != b[k] {
			return false
		}
	}
	return true
}

// TestStartupBackoffCapped: the wait between attempts doubles up to a
// minute and stays there.
func TestStartupBackoffCapped(t *testing.T) {
	fake := discordtest.New()
	defer fake.Close()
	o := &outage{match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/gateway") }}
	o.fails.Store(9)
	_, waits, stop, _ := startWithOutage(t, fake, o)
	if _, ok := fake.WaitIdentify(wait, 1); !ok {
		t.Fatal("never identified after the outage")
	}
	ds, _ := waits()
	want := []time.Duration{1, 2, 4, 8, 16, 32, 60, 60, 60}
	for k := range want {
		want[k] *= time.Second
	}
	if !equalDurations(ds, want) {
		t.Errorf("waits = %v, want %v", ds, want)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}

// TestStartupStopsOnRefusal: what retrying cannot change (a refused
// token) ends Run at once with the error, as before.
func TestStartupStopsOnRefusal(t *testing.T) {
	fake := discordtest.New()
	defer fake.Close()
	o := &outage{match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/gateway") }, status: http.StatusUnauthorized}
	o.fails.Store(1 << 30)
	_, waits, _, done := startWithOutage(t, fake, o)
	var err error
	select {
	case err = <-done:
	case <-time.After(wait):
		t.Fatal("Run kept retrying a refused token")
	}
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Errorf("Run = %v, want the 401 Unauthorized", err)
	}
	if ds, _ := waits(); len(ds) != 0 || o.seen.Load() != 1 {
		t.Errorf("retried a refused token: waits %v, %d requests", ds, o.seen.Load())
	}
}

// TestRegisterOverRESTRetries: over HTTP alone, registration rides out an
// outage too.
func TestRegisterOverRESTRetries(t *testing.T) {
	fake := discordtest.New()
	defer fake.Close()
	o := &outage{next: fake.Client().Transport, match: func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/commands") }}
	o.fails.Store(3)
	b := New(Config{}, Deps{Answerer: newAnswerer(), HTTPClient: &http.Client{Transport: o}}, slog.New(slog.DiscardHandler))
	var waits []time.Duration
	b.sleep = func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }
	changed, err := b.RegisterOverREST(context.Background(), "tok", fake.AppID)
	if err != nil || !changed {
		t.Fatalf("RegisterOverREST = %v, %v; want registered after the outage", changed, err)
	}
	if len(waits) != 3 {
		t.Errorf("waits = %v, want 3", waits)
	}
}

// TestConnectedFollowsGateway: Connected (what /readyz asks) turns true
// once the gateway is open and false once Run returns. It reads a flag of
// its own: discordgo's DataReady was read without the session's lock,
// which raced with the heartbeat goroutine that sets it.
func TestConnectedFollowsGateway(t *testing.T) {
	e := startEnv(t, Config{})
	eventually(t, "connected", e.bot.Connected)
	if err := e.shutdown(); err != nil {
		t.Fatal(err)
	}
	if e.bot.Connected() {
		t.Error("Connected after Run returned")
	}
}
