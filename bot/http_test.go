package bot

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"chokepoint"
	"chokepoint/bot/discordtest"
)

// Keys from fixed seeds, so failures reproduce.
var (
	appKey   = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
	otherKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize))
)

// httpAppID is the fake Discord's application ID.
const httpAppID = "100000000000000001"

// httpEnv is an interactions endpoint with a fake Answerer, served
// through the fake Discord, which calls it as Discord does and takes what
// it writes as each interaction's first response.
type httpEnv struct {
	h        *HTTPHandler
	bot      *Bot
	answerer *fakeAnswerer
	fake     *discordtest.Server
	clock    *clock
	log      *syncBuffer
}

func newHTTPEnv(t testing.TB, opts HTTPOptions, deps Deps) *httpEnv {
	t.Helper()
	e := &httpEnv{answerer: newAnswerer(), fake: discordtest.New(), clock: newClock(), log: &syncBuffer{}}
	t.Cleanup(e.fake.Close)
	if deps.Answerer == nil {
		deps.Answerer = e.answerer
	}
	e.bot = New(Config{RateLimit: 1 << 30, Now: e.clock.Now}, deps,
		slog.New(slog.NewTextHandler(e.log, &slog.HandlerOptions{Level: slog.LevelDebug})))
	// Interaction webhooks need no bot token.
	opts.Session = e.fake.Session("")
	opts.Session.Token = ""
	if opts.Now == nil {
		opts.Now = e.clock.Now
	}
	h, err := NewHTTPHandler(e.bot, hex.EncodeToString(appKey.Public().(ed25519.PublicKey)), opts)
	if err != nil {
		t.Fatalf("NewHTTPHandler: %v", err)
	}
	e.h = h
	return e
}

// idFor is a snowflake-like interaction ID of its own for each token, as
// Discord gives every interaction: the endpoint runs each ID once.
func idFor(token string) string {
	h := fnv.New64a()
	h.Write([]byte(token))
	return fmt.Sprintf("5%017d", h.Sum64()%1e17)
}

// askJSON is an /ask interaction as Discord POSTs it.
func askJSON(token, user, question string) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": idFor(token), "application_id": httpAppID, "type": 2, "token": token, "version": 1,
		"guild_id": guildID, "channel_id": channelID,
		"member": map[string]any{"user": map[string]any{"id": user, "username": "u" + user}, "permissions": "0", "roles": []string{}},
		"data": map[string]any{"id": "600000000000000001", "name": "ask", "type": 1,
			"options": []map[string]any{{"name": "question", "type": 3, "value": question}}},
	})
	return b
}

func commandJSON(token, name string) []byte {
	b, _ := json.Marshal(map[string]any{
		"id": idFor(token), "application_id": httpAppID, "type": 2, "token": token, "version": 1,
		"guild_id": guildID, "channel_id": channelID,
		"member": map[string]any{"user": map[string]any{"id": "700"}, "permissions": "0"},
		"data":   map[string]any{"id": "600000000000000002", "name": name, "type": 1},
	})
	return b
}

var pingJSON = []byte(`{"id":"500000000000000003","application_id":"` + httpAppID + `","type":1,"token":"ping-tok","version":1}`)

// signed returns a POST of body signed by key at ts.
func signed(key ed25519.PrivateKey, ts time.Time, body []byte) *http.Request {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	r := httptest.NewRequest(http.MethodPost, "/interactions", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("X-Signature-Timestamp", stamp)
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, append([]byte(stamp), body...))))
	return r
}

// serve hands r to the endpoint as Discord would.
func (e *httpEnv) serve(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	e.fake.Endpoint(e.h).ServeHTTP(w, r)
	return w
}

// decodeResponse decodes an interaction response body.
func decodeResponse(t *testing.T, w *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	var m map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &m); err != nil {
		t.Fatalf("response body %q: %v", w.Body.String(), err)
	}
	return m
}

func TestHTTPPing(t *testing.T) {
	e := newHTTPEnv(t, HTTPOptions{}, Deps{})
	w := e.serve(signed(appKey, e.clock.Now(), pingJSON))
	if w.Code != http.StatusOK {
		t.Fatalf("PING: status %d (%s), want 200", w.Code, w.Body)
	}
	m := decodeResponse(t, w)
	if m["type"] != float64(1) || len(m) != 1 {
		t.Errorf("PING: body %s, want {\"type\":1}", w.Body)
	}
	if n := len(e.fake.Requests()); n != 0 {
		t.Errorf("PING sent %d REST requests, want 0", n)
	}
}

func TestNewHTTPHandlerRejectsBadKey(t *testing.T) {
	b := New(Config{}, Deps{Answerer: newAnswerer()}, nil)
	for _, key := range []string{"", "abc", strings.Repeat("zz", 32), strings.Repeat("ab", 31)} {
		if _, err := NewHTTPHandler(b, key, HTTPOptions{}); err == nil {
			t.Errorf("NewHTTPHandler(key %q) = nil error, want one", key)
		}
	}
}

func TestHTTPForgedRequests(t *testing.T) {
	const skew = 5 * time.Minute
	e := newHTTPEnv(t, HTTPOptions{MaxSkew: skew}, Deps{})
	now := e.clock.Now()
	body := askJSON("forged-tok", "800", "Why can't Russia replace China?")
	stamp := strconv.FormatInt(now.Unix(), 10)
	goodSig := hex.EncodeToString(ed25519.Sign(appKey, append([]byte(stamp), body...)))

	tests := []struct {
		name string
		req  func() *http.Request
	}{
		{"bad signature", func() *http.Request {
			r := signed(appKey, now, body)
			r.Header.Set("X-Signature-Ed25519", strings.Repeat("ab", ed25519.SignatureSize))
			return r
		}},
		{"signed by another key", func() *http.Request { return signed(otherKey, now, body) }},
		{"tampered body", func() *http.Request {
			r := signed(appKey, now, body)
			tampered := bytes.Replace(body, []byte("Russia"), []byte("RussiA"), 1)
			r.Body = io.NopCloser(bytes.NewReader(tampered))
			r.ContentLength = int64(len(tampered))
			return r
		}},
		{"body signed without timestamp", func() *http.Request {
			r := signed(appKey, now, body)
			r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(appKey, body)))
			return r
		}},
		{"timestamp header changed after signing", func() *http.Request {
			r := signed(appKey, now, body)
			r.Header.Set("X-Signature-Timestamp", strconv.FormatInt(now.Unix()+1, 10))
			return r
		}},
		{"missing signature header", func() *http.Request {
			r := signed(appKey, now, body)
			r.Header.Del("X-Signature-Ed25519")
			return r
		}},
		{"missing timestamp header", func() *http.Request {
			r := signed(appKey, now, body)
			r.Header.Del("X-Signature-Timestamp")
			return r
		}},
		{"no headers", func() *http.Request {
			return httptest.NewRequest(http.MethodPost, "/interactions", bytes.NewReader(body))
		}},
		{"malformed hex", func() *http.Request {
			r := signed(appKey, now, body)
			r.Header.Set("X-Signature-Ed25519", "zz"+goodSig[2:])
			return r
		}},
		{"short signature", func() *http.Request {
			r := signed(appKey, now, body)
			r.Header.Set("X-Signature-Ed25519", goodSig[:len(goodSig)-2])
			return r
		}},
		{"malformed timestamp", func() *http.Request {
			r := signed(appKey, now, body)
			r.Header.Set("X-Signature-Timestamp", stamp+"x")
			return r
		}},
		{"stale timestamp", func() *http.Request { return signed(appKey, now.Add(-skew-time.Second), body) }},
		{"future timestamp", func() *http.Request { return signed(appKey, now.Add(skew+time.Second), body) }},
		{"forged ping", func() *http.Request { return signed(otherKey, now, pingJSON) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.serve(tt.req())
			if w.Code != http.StatusUnauthorized {
				t.Errorf("status %d (%s), want 401", w.Code, strings.TrimSpace(w.Body.String()))
			}
			if strings.Contains(w.Body.String(), `"type"`) {
				t.Errorf("body %q looks like an interaction response", w.Body)
			}
		})
	}
	// Any handler a forged request started has finished after drain.
	if !e.bot.flight.drain(wait) {
		t.Fatal("handlers still running after drain")
	}
	if n := e.answerer.calls.Load(); n != 0 {
		t.Errorf("Answerer called %d times by forged requests, want 0", n)
	}
	if calls := e.fake.Requests(); len(calls) != 0 {
		t.Errorf("forged requests caused %d REST requests, want 0: %+v", len(calls), calls)
	}
	if !strings.Contains(e.log.String(), "interaction refused") {
		t.Errorf("log holds no refusal:\n%s", e.log)
	}
}

// TestHTTPSkewEdges checks that a timestamp just inside MaxSkew passes.
func TestHTTPSkewEdges(t *testing.T) {
	const skew = time.Minute
	e := newHTTPEnv(t, HTTPOptions{MaxSkew: skew}, Deps{})
	for _, d := range []time.Duration{-skew, skew} {
		w := e.serve(signed(appKey, e.clock.Now().Add(d), pingJSON))
		if w.Code != http.StatusOK {
			t.Errorf("PING with timestamp off by %v: status %d, want 200", d, w.Code)
		}
	}
}

func TestHTTPAsk(t *testing.T) {
	e := newHTTPEnv(t, HTTPOptions{}, Deps{})
	const tok = "ask-tok-1"
	w := e.serve(signed(appKey, e.clock.Now(), askJSON(tok, "801", "Why can't Russia replace China?")))
	if w.Code != http.StatusOK {
		t.Fatalf("/ask: status %d (%s), want 200", w.Code, w.Body)
	}
	first := decodeResponse(t, w)
	switch typ := first["type"]; typ {
	case float64(discordgo.InteractionResponseDeferredChannelMessageWithSource):
		edits := e.fake.WaitRequests(wait, 1, editOf(tok))
		if len(edits) != 1 {
			t.Fatalf("got %d edits of @original, want 1; REST saw %+v", len(edits), e.fake.Requests())
		}
		checkHTTPEdit(t, edits[0].JSON, "Why can't Russia replace China?")
	case float64(discordgo.InteractionResponseChannelMessageWithSource):
		d, _ := first["data"].(map[string]any)
		checkHTTPEdit(t, d, "Why can't Russia replace China?")
		checkNoPings(t, "first response", d)
	default:
		t.Fatalf("/ask first response type %v, want 4 or 5; body %s", typ, w.Body)
	}
	if n := e.answerer.calls.Load(); n != 1 {
		t.Errorf("Answerer called %d times, want 1", n)
	}
	checkAccepted(t, e.fake, tok)
}

// checkAccepted fails for every request about token (every request, with
// token "") that the fake Discord refused.
func checkAccepted(t *testing.T, fake *discordtest.Server, token string) {
	t.Helper()
	for _, r := range fake.Refusals() {
		if token == "" || strings.Contains(r.Path, "/"+token+"/") || strings.HasSuffix(r.Path, "/"+token) {
			t.Errorf("Discord refused %s %s with %d: %s", r.Method, r.Path, r.Status, r.Error)
		}
	}
}

// checkHTTPEdit checks that a message body holds the answer to question,
// pings nobody and suppresses embeds.
func checkHTTPEdit(t *testing.T, m map[string]any, question string) {
	t.Helper()
	content, _ := m["content"].(string)
	if !strings.Contains(content, "**Q:** "+escape(question)) || !strings.Contains(content, "Russia Cannot Replace China as a Rare-Earth Supplier") {
		t.Errorf("content = %q, want the answer to %q with its citation", content, question)
	}
	checkNoPings(t, "edit", m)
	if flagsOf(m)&int(discordgo.MessageFlagsSuppressEmbeds) == 0 {
		t.Errorf("flags = %d, want SUPPRESS_EMBEDS", flagsOf(m))
	}
}

// gatedLibrary holds Documents until gate is closed.
type gatedLibrary struct {
	*fakeCorpus
	gate chan struct{}
}

func (g gatedLibrary) Documents() []chokepoint.Document {
	<-g.gate
	return g.fakeCorpus.Documents()
}

// TestHTTPSlowFirstResponse: a handler slower than FirstResponseWait gets a
// deferred HTTP response, and its late message becomes an edit.
func TestHTTPSlowFirstResponse(t *testing.T) {
	lib := gatedLibrary{fakeCorpus: newCorpus(3), gate: make(chan struct{})}
	e := newHTTPEnv(t, HTTPOptions{FirstResponseWait: time.Millisecond}, Deps{Library: lib})
	const tok = "slow-tok"
	w := e.serve(signed(appKey, e.clock.Now(), commandJSON(tok, "sources")))
	close(lib.gate) // only now can /sources respond: after the HTTP response went out
	if w.Code != http.StatusOK {
		t.Fatalf("/sources: status %d, want 200", w.Code)
	}
	if typ := decodeResponse(t, w)["type"]; typ != float64(discordgo.InteractionResponseDeferredChannelMessageWithSource) {
		t.Fatalf("first response type %v, want 5 (deferred)", typ)
	}
	edits := e.fake.WaitRequests(wait, 1, editOf(tok))
	if len(edits) != 1 {
		t.Fatalf("got %d edits of @original, want 1; REST saw %+v", len(edits), e.fake.Requests())
	}
	if content, _ := edits[0].JSON["content"].(string); !strings.Contains(content, "**Sources** — 3 articles") {
		t.Errorf("late edit content = %q, want the sources list", content)
	}
	checkNoPings(t, "late edit", edits[0].JSON)
	checkAccepted(t, e.fake, tok)
}

func TestHTTPLimits(t *testing.T) {
	e := newHTTPEnv(t, HTTPOptions{MaxBody: 1024}, Deps{})
	t.Run("body too large", func(t *testing.T) {
		big := askJSON("big-tok", "802", strings.Repeat("rare earth ", 200))
		if len(big) <= 1024 {
			t.Fatalf("test body is %d bytes, not over the limit", len(big))
		}
		w := e.serve(signed(appKey, e.clock.Now(), big))
		if w.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", w.Code)
		}
	})
	t.Run("GET", func(t *testing.T) {
		w := e.serve(httptest.NewRequest(http.MethodGet, "/interactions", nil))
		if w.Code != http.StatusMethodNotAllowed {
			t.Errorf("status %d, want 405", w.Code)
		}
		if allow := w.Header().Get("Allow"); allow != http.MethodPost {
			t.Errorf("Allow = %q, want POST", allow)
		}
	})
	t.Run("signed garbage", func(t *testing.T) {
		w := e.serve(signed(appKey, e.clock.Now(), []byte("{not json")))
		if w.Code != http.StatusBadRequest {
			t.Errorf("status %d, want 400", w.Code)
		}
	})
	if n := e.answerer.calls.Load(); n != 0 {
		t.Errorf("Answerer called %d times, want 0", n)
	}
}

func TestHTTPAfterDrain(t *testing.T) {
	e := newHTTPEnv(t, HTTPOptions{}, Deps{})
	e.bot.flight.drain(wait)
	w := e.serve(signed(appKey, e.clock.Now(), askJSON("late-tok", "803", "Why can't Russia replace China?")))
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("/ask after drain: status %d, want 503", w.Code)
	}
	// PINGs still verify: Discord checks the endpoint while replicas roll.
	if w := e.serve(signed(appKey, e.clock.Now(), pingJSON)); w.Code != http.StatusOK {
		t.Errorf("PING after drain: status %d, want 200", w.Code)
	}
}

// loadResult is what a run of concurrent signed /ask requests measured.
type loadResult struct {
	errs      []string
	latencies []time.Duration // request sent → HTTP response read
	took      time.Duration   // first request → last edit received
}

// runLoad sends n signed /ask requests from clients concurrent clients to
// srv, checks every response and waits for every edit.
func runLoad(e *httpEnv, srv *httptest.Server, n, clients int, prefix string) loadResult {
	client := srv.Client()
	tr := client.Transport.(*http.Transport)
	tr.MaxIdleConnsPerHost = clients
	var (
		next atomic.Int64
		mu   sync.Mutex
		res  loadResult
		wg   sync.WaitGroup
	)
	fail := func(format string, a ...any) {
		mu.Lock()
		if len(res.errs) < 20 {
			res.errs = append(res.errs, fmt.Sprintf(format, a...))
		}
		mu.Unlock()
	}
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			for {
				k := next.Add(1) - 1
				if k >= int64(n) {
					break
				}
				tok := fmt.Sprintf("%s-%d", prefix, k)
				body := askJSON(tok, fmt.Sprintf("9%05d", k), fmt.Sprintf("Does Russia refine rare earths %d?", k))
				stamp := strconv.FormatInt(e.clock.Now().Unix(), 10)
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/interactions", bytes.NewReader(body))
				req.Header.Set("X-Signature-Timestamp", stamp)
				req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(appKey, append([]byte(stamp), body...))))
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					fail("%s: %v", tok, err)
					continue
				}
				var ir discordgo.InteractionResponse
				derr := json.NewDecoder(resp.Body).Decode(&ir)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				switch {
				case resp.StatusCode != http.StatusOK:
					fail("%s: status %d", tok, resp.StatusCode)
				case derr != nil:
					fail("%s: body: %v", tok, derr)
				case ir.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource:
					fail("%s: response type %d, want 5", tok, ir.Type)
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	// /webhooks/{app}/{token}/messages/@original
	tokenOf := func(r discordtest.Request) string {
		if parts := strings.Split(r.Path, "/"); len(parts) > 3 {
			return parts[3]
		}
		return ""
	}
	isEdit := func(r discordtest.Request) bool {
		return r.Method == http.MethodPatch && strings.HasPrefix(tokenOf(r), prefix+"-")
	}
	edits := e.fake.WaitRequests(wait+time.Duration(n)*10*time.Millisecond, n, isEdit)
	seen := map[string]bool{}
	for _, c := range edits {
		tok := tokenOf(c)
		if seen[tok] {
			fail("%s: edited twice", tok)
		}
		seen[tok] = true
		k, _ := strconv.Atoi(strings.TrimPrefix(tok, prefix+"-"))
		content, _ := c.JSON["content"].(string)
		if want := fmt.Sprintf("**Q:** Does Russia refine rare earths %d?", k); !strings.Contains(content, want) {
			fail("%s: edit content %.80q, want it to answer %q", tok, content, want)
		}
		if c.Refused() {
			fail("%s: Discord refused the edit: %s", tok, c.Error)
		}
		res.took = max(res.took, c.At.Sub(start))
	}
	if len(seen) != n {
		fail("received edits for %d of %d interactions", len(seen), n)
	}
	return res
}

func TestHTTPLoad(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 200
	}
	const clients = 50
	e := newHTTPEnv(t, HTTPOptions{}, Deps{})
	srv := httptest.NewServer(e.fake.Endpoint(e.h))
	defer srv.Close()
	res := runLoad(e, srv, n, clients, "load")
	for _, msg := range res.errs {
		t.Error(msg)
	}
	if got := e.answerer.calls.Load(); got != int64(n) {
		t.Errorf("Answerer called %d times, want %d", got, n)
	}
	if len(res.latencies) != n {
		t.Errorf("%d responses read, want %d", len(res.latencies), n)
	}
	t.Logf("%d requests from %d clients: %s until the last edit", n, clients, res.took.Round(time.Millisecond))
}

// BenchmarkHTTPAsk sends b.N signed /ask requests from 50 concurrent
// clients over loopback to a real HTTP server, and reports throughput
// (requests answered and edited per second) and the p50/p99 latency of
// the HTTP response.
func BenchmarkHTTPAsk(b *testing.B) {
	e := newHTTPEnv(b, HTTPOptions{}, Deps{})
	srv := httptest.NewServer(e.fake.Endpoint(e.h))
	defer srv.Close()
	b.ResetTimer()
	res := runLoad(e, srv, b.N, 50, fmt.Sprintf("bench%d", b.N))
	b.StopTimer()
	for _, msg := range res.errs {
		b.Error(msg)
	}
	slices.Sort(res.latencies)
	b.ReportMetric(float64(b.N)/res.took.Seconds(), "req/s")
	b.ReportMetric(float64(percentile(res.latencies, 50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(percentile(res.latencies, 99).Microseconds()), "p99-µs")
}
