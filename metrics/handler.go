package metrics

import (
	"net/http"
	"strings"
	"unicode"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// maxReason caps the reason /readyz shows, so a long error cannot spill
// internal detail to whoever can reach the port.
const maxReason = 64

// Handler returns an http.Handler serving:
//
//   - /metrics: the registry in the Prometheus exposition format (404 for a
//     nil *Metrics);
//   - /healthz: 200 "ok" for as long as the process serves requests;
//   - /readyz: 200 "ready" when ready returns nil (or ready is nil), else 503
//     "not ready: REASON".
//
// REASON is only the outermost part of ready's error: the text before the
// first ": " (by Go's wrapping convention the operation, not its cause), its
// first line, printable ASCII, at most 64 bytes. So ready should return short
// reasons such as errors.New("index loading"); wrapped causes such as paths
// never leave the process.
func (m *Metrics) Handler(ready func() error) http.Handler {
	mux := http.NewServeMux()
	if m != nil {
		mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
			ErrorHandling: promhttp.ContinueOnError,
			Registry:      m.reg,
		}))
	}
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		writePlain(w, http.StatusOK, "ok")
	})
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
		if ready != nil {
			if err := ready(); err != nil {
				writePlain(w, http.StatusServiceUnavailable, "not ready: "+shortReason(err))
				return
			}
		}
		writePlain(w, http.StatusOK, "ready")
	})
	return mux
}

func writePlain(w http.ResponseWriter, code int, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(body + "\n"))
}

// shortReason reduces err to a short, single-line, printable reason.
func shortReason(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	s = strings.Map(func(r rune) rune {
		if r > unicode.MaxASCII || !unicode.IsPrint(r) {
			return '?'
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) > maxReason {
		s = strings.TrimSpace(s[:maxReason]) + "..."
	}
	if s == "" {
		s = "unavailable"
	}
	return s
}
