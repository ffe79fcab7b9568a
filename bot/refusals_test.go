package bot

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRefusalsCountedAndSampled (issue 10 item 10): a refused request is
// counted in a metric by reason, and logged sampled: one WARN line per
// minute at most, carrying how many refusals it stands for. Before, each
// one wrote a WARN line, so logs could be flooded for free.
func TestRefusalsCountedAndSampled(t *testing.T) {
	m := &fakeMetrics{}
	e := newHTTPEnv(t, HTTPOptions{MaxBody: 4096}, Deps{Metrics: m})
	body := askJSON("flood-tok", "810", "Why can't Russia replace China?")
	forged := func(k int) *http.Request {
		switch k % 4 {
		case 0:
			return signed(otherKey, e.clock.Now(), body)
		case 1:
			return httptest.NewRequest(http.MethodPost, "/interactions", bytes.NewReader(body))
		case 2:
			return signed(appKey, e.clock.Now().Add(-time.Hour), body)
		default:
			return signed(appKey, e.clock.Now(), bytes.Repeat([]byte("x"), 5000))
		}
	}
	for k := 0; k < 1000; k++ {
		if w := e.serve(forged(k)); w.Code/100 != 4 {
			t.Fatalf("forged request %d: status %d, want 4xx", k, w.Code)
		}
	}
	for reason, want := range map[string]int64{"signature": 250, "unsigned": 250, "stale": 250, "too_large": 250} {
		if got := m.refusals(reason); got != want {
			t.Errorf("refusals counted for %q = %d, want %d", reason, got, want)
		}
	}
	if n := strings.Count(e.log.String(), "interaction refused"); n != 1 {
		t.Errorf("%d refusal log lines for 1,000 refusals within a minute, want 1:\n%.2000s", n, e.log)
	}
	e.clock.Advance(time.Minute)
	e.serve(forged(0))
	logs := e.log.String()
	if n := strings.Count(logs, "interaction refused"); n != 2 {
		t.Errorf("%d refusal log lines after a minute, want 2", n)
	}
	if !strings.Contains(logs, "suppressed=999") {
		t.Errorf("the minute's line does not say how many refusals it stands for:\n%.2000s", logs)
	}
}

// signedAt returns a POST of body signed by appKey at stamp.
func signedAt(stamp string, body []byte) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/interactions", bytes.NewReader(body))
	r.Header.Set("X-Signature-Timestamp", stamp)
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(appKey, append([]byte(stamp), body...))))
	return r
}

// TestReplayIgnored (issue 10 item 11): a captured signed request replayed
// within the allowed clock skew is not run again: the endpoint remembers
// interaction IDs for as long as their signature would pass, and forgets
// them after.
func TestReplayIgnored(t *testing.T) {
	const skew = 5 * time.Minute
	m := &fakeMetrics{}
	e := newHTTPEnv(t, HTTPOptions{MaxSkew: skew}, Deps{Metrics: m})
	body := askJSON("replay-tok", "811", "Why can't Russia replace China?")
	stamp := strconv.FormatInt(e.clock.Now().Unix(), 10)
	if w := e.serve(signedAt(stamp, body)); w.Code != http.StatusOK {
		t.Fatalf("original: status %d, want 200", w.Code)
	}
	for _, after := range []time.Duration{time.Second, skew - time.Second, skew} {
		e.clock.Advance(after - (e.clock.Now().Sub(time.Unix(mustInt(t, stamp), 0))))
		w := e.serve(signedAt(stamp, body))
		if w.Code == http.StatusOK {
			t.Errorf("replay %s later: status 200, want a refusal", after)
		}
	}
	if !e.bot.flight.drain(wait) {
		t.Fatal("handlers still running")
	}
	if n := e.answerer.calls.Load(); n != 1 {
		t.Errorf("the replayed /ask ran %d times, want 1", n)
	}
	if got := m.refusals("replay"); got != 3 {
		t.Errorf("replays counted: %d, want 3", got)
	}
	// Past the window the signature check refuses it, and the ID is
	// forgotten: memory holds only IDs whose signature could still pass.
	e.clock.Advance(time.Second)
	if w := e.serve(signedAt(stamp, body)); w.Code != http.StatusUnauthorized {
		t.Errorf("replay past the skew: status %d, want 401", w.Code)
	}
	e.clock.Advance(time.Minute)
	e.serve(signed(appKey, e.clock.Now(), pingJSON))
	e.serve(signed(appKey, e.clock.Now(), askJSON("later-tok", "812", "Does Russia refine rare earths?")))
	if n := e.h.seen.len(); n != 1 {
		t.Errorf("remembered %d interaction IDs, want 1 (only the latest)", n)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
