package metrics

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// get fetches path from srv and returns the status and body.
func get(t *testing.T, srv *httptest.Server, path string) (int, string) {
	t.Helper()
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return resp.StatusCode, string(b)
}

// scrape parses /metrics of srv into metric families.
func scrape(t *testing.T, srv *httptest.Server) map[string]*dto.MetricFamily {
	t.Helper()
	code, body := get(t, srv, "/metrics")
	if code != http.StatusOK {
		t.Fatalf("GET /metrics = %d, want 200; body %q", code, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse exposition: %v\n%s", err, body)
	}
	return fams
}

// find returns the metric of family name whose labels equal labels
// ("k=v" pairs), or nil.
func find(fams map[string]*dto.MetricFamily, name string, labels ...string) *dto.Metric {
	fam, ok := fams[name]
	if !ok {
		return nil
	}
	for _, m := range fam.GetMetric() {
		var got []string
		for _, lp := range m.GetLabel() {
			got = append(got, lp.GetName()+"="+lp.GetValue())
		}
		if strings.Join(got, ",") == strings.Join(labels, ",") {
			return m
		}
	}
	return nil
}

// value returns the value of a counter, gauge or untyped metric.
func value(m *dto.Metric) float64 {
	switch {
	case m.GetCounter() != nil:
		return m.GetCounter().GetValue()
	case m.GetGauge() != nil:
		return m.GetGauge().GetValue()
	default:
		return m.GetUntyped().GetValue()
	}
}

func TestScrapeAfterEvents(t *testing.T) {
	m := New()
	m.Answered(false, 20*time.Millisecond)
	m.Answered(false, 40*time.Millisecond)
	m.Answered(true, 3*time.Millisecond)
	m.FirstResponse(150 * time.Millisecond)
	m.RateLimited()
	m.RateLimited()
	m.Feedback(true)
	m.Feedback(true)
	m.Feedback(true)
	m.Feedback(false)
	m.Reconnected()
	m.InteractionRefused("signature")
	m.InteractionRefused("signature")
	m.InteractionRefused("replay")
	m.Reindexed(2*time.Second, nil)
	m.Reindexed(time.Second, errors.New("open index: disk full"))
	m.Reindexed(time.Second, nil)
	m.CorpusSize(70, 1234)

	srv := httptest.NewServer(m.Handler(nil))
	defer srv.Close()
	fams := scrape(t, srv)

	scalars := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"chokepoint_answers_total", []string{"abstained=false"}, 2},
		{"chokepoint_answers_total", []string{"abstained=true"}, 1},
		{"chokepoint_rate_limited_total", nil, 2},
		{"chokepoint_feedback_total", []string{"vote=up"}, 3},
		{"chokepoint_feedback_total", []string{"vote=down"}, 1},
		{"chokepoint_gateway_reconnects_total", nil, 1},
		{"chokepoint_interactions_refused_total", []string{"reason=signature"}, 2},
		{"chokepoint_interactions_refused_total", []string{"reason=replay"}, 1},
		{"chokepoint_interactions_refused_total", []string{"reason=unsigned"}, 0},
		{"chokepoint_reindex_total", []string{"outcome=ok"}, 2},
		{"chokepoint_reindex_total", []string{"outcome=error"}, 1},
		{"chokepoint_corpus_documents", nil, 70},
		{"chokepoint_corpus_passages", nil, 1234},
	}
	for _, tc := range scalars {
		t.Run(fmt.Sprintf("%s%v", tc.name, tc.labels), func(t *testing.T) {
			got := find(fams, tc.name, tc.labels...)
			if got == nil {
				t.Fatalf("series %s%v missing from exposition", tc.name, tc.labels)
			}
			if v := value(got); v != tc.want {
				t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, v, tc.want)
			}
		})
	}

	hists := []struct {
		name  string
		count uint64
		sum   float64
		// le is a bucket bound and below how many observations fall at or
		// under it, to check the buckets suit the scale.
		le    float64
		below uint64
	}{
		{"chokepoint_answer_duration_seconds", 3, 0.063, 0.025, 2},
		{"chokepoint_first_response_seconds", 1, 0.15, 0.1, 0},
		{"chokepoint_reindex_duration_seconds", 3, 4, 1, 2},
	}
	for _, tc := range hists {
		t.Run(tc.name, func(t *testing.T) {
			got := find(fams, tc.name)
			if got == nil || got.GetHistogram() == nil {
				t.Fatalf("histogram %s missing from exposition", tc.name)
			}
			h := got.GetHistogram()
			if h.GetSampleCount() != tc.count {
				t.Errorf("%s count = %d, want %d", tc.name, h.GetSampleCount(), tc.count)
			}
			if d := h.GetSampleSum() - tc.sum; d > 1e-9 || d < -1e-9 {
				t.Errorf("%s sum = %v, want %v", tc.name, h.GetSampleSum(), tc.sum)
			}
			found := false
			for _, b := range h.GetBucket() {
				if b.GetUpperBound() == tc.le {
					found = true
					if b.GetCumulativeCount() != tc.below {
						t.Errorf("%s bucket le=%v = %d, want %d", tc.name, tc.le, b.GetCumulativeCount(), tc.below)
					}
				}
			}
			if !found {
				t.Errorf("%s has no bucket le=%v", tc.name, tc.le)
			}
		})
	}

	for name, fam := range fams {
		if strings.HasPrefix(name, "chokepoint_") && fam.GetHelp() == "" {
			t.Errorf("%s has no help string", name)
		}
	}
	for _, name := range []string{"go_goroutines", "process_start_time_seconds"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("runtime series %s missing from exposition", name)
		}
	}
}

func TestSeriesExistBeforeEvents(t *testing.T) {
	srv := httptest.NewServer(New().Handler(nil))
	defer srv.Close()
	fams := scrape(t, srv)
	for _, s := range []struct {
		name  string
		label string
	}{
		{"chokepoint_answers_total", "abstained=true"},
		{"chokepoint_answers_total", "abstained=false"},
		{"chokepoint_feedback_total", "vote=up"},
		{"chokepoint_feedback_total", "vote=down"},
		{"chokepoint_reindex_total", "outcome=ok"},
		{"chokepoint_reindex_total", "outcome=error"},
		{"chokepoint_interactions_refused_total", "reason=unsigned"},
		{"chokepoint_interactions_refused_total", "reason=stale"},
	} {
		got := find(fams, s.name, s.label)
		if got == nil {
			t.Errorf("series %s{%s} missing before any event", s.name, s.label)
			continue
		}
		if v := value(got); v != 0 {
			t.Errorf("%s{%s} = %v before any event, want 0", s.name, s.label, v)
		}
	}
}

func TestRegistriesAreIndependent(t *testing.T) {
	a, b := New(), New()
	a.RateLimited()
	srv := httptest.NewServer(b.Handler(nil))
	defer srv.Close()
	got := find(scrape(t, srv), "chokepoint_rate_limited_total")
	if got == nil {
		t.Fatal("chokepoint_rate_limited_total missing")
	}
	if v := value(got); v != 0 {
		t.Errorf("second Metrics counted the first one's event: rate_limited = %v, want 0", v)
	}
}

func TestConcurrentUse(t *testing.T) {
	m := New()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				m.Answered(false, time.Millisecond)
			}
		}()
	}
	wg.Wait()
	srv := httptest.NewServer(m.Handler(nil))
	defer srv.Close()
	got := find(scrape(t, srv), "chokepoint_answers_total", "abstained=false")
	if got == nil || value(got) != 800 {
		t.Errorf("answers_total{abstained=false} = %v, want 800", got)
	}
}

func TestHealthz(t *testing.T) {
	srv := httptest.NewServer(New().Handler(func() error { return errors.New("index loading") }))
	defer srv.Close()
	code, body := get(t, srv, "/healthz")
	if code != http.StatusOK || strings.TrimSpace(body) != "ok" {
		t.Errorf("GET /healthz = %d %q, want 200 \"ok\" even when not ready", code, body)
	}
}

func TestReadyzFlips(t *testing.T) {
	var mu sync.Mutex
	readyErr := fmt.Errorf("index loading: open /srv/secret/index.bleve: permission denied")
	ready := func() error {
		mu.Lock()
		defer mu.Unlock()
		return readyErr
	}
	srv := httptest.NewServer(New().Handler(ready))
	defer srv.Close()

	code, body := get(t, srv, "/readyz")
	if code != http.StatusServiceUnavailable {
		t.Errorf("GET /readyz while loading = %d, want 503", code)
	}
	if !strings.Contains(body, "index loading") {
		t.Errorf("GET /readyz body = %q, want the short reason %q", body, "index loading")
	}
	if strings.Contains(body, "/srv/secret") || strings.Contains(body, "permission") {
		t.Errorf("GET /readyz body = %q leaks the wrapped cause", body)
	}

	mu.Lock()
	readyErr = nil
	mu.Unlock()
	code, body = get(t, srv, "/readyz")
	if code != http.StatusOK {
		t.Errorf("GET /readyz once ready = %d %q, want 200", code, body)
	}
}

func TestNilMetrics(t *testing.T) {
	var m *Metrics
	// None of these may panic.
	m.Answered(true, time.Millisecond)
	m.FirstResponse(time.Millisecond)
	m.RateLimited()
	m.Feedback(true)
	m.Reconnected()
	m.InteractionRefused("replay")
	m.Reindexed(time.Second, errors.New("boom"))
	m.CorpusSize(1, 2)

	srv := httptest.NewServer(m.Handler(nil))
	defer srv.Close()
	if code, _ := get(t, srv, "/metrics"); code != http.StatusNotFound {
		t.Errorf("nil Metrics GET /metrics = %d, want 404", code)
	}
	if code, _ := get(t, srv, "/healthz"); code != http.StatusOK {
		t.Errorf("nil Metrics GET /healthz = %d, want 200", code)
	}
	if code, _ := get(t, srv, "/readyz"); code != http.StatusOK {
		t.Errorf("nil Metrics GET /readyz with nil ready = %d, want 200", code)
	}
}

func TestShortReason(t *testing.T) {
	long := strings.Repeat("x", 200)
	tests := []struct {
		err  error
		want string
	}{
		{errors.New("index loading"), "index loading"},
		{fmt.Errorf("open index %q: %w", "/var/lib/x", errors.New("eacces")), `open index "/var/lib/x"`},
		{errors.New("first line\nsecond line"), "first line"},
		{errors.New("café\x01"), "caf??"},
		{errors.New(""), "unavailable"},
		{errors.New(": cause only"), "unavailable"},
		{errors.New(long), strings.Repeat("x", maxReason) + "..."},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			if got := shortReason(tc.err); got != tc.want {
				t.Errorf("shortReason(%q) = %q, want %q", tc.err, got, tc.want)
			}
		})
	}
}
