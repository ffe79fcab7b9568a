package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Latency buckets in seconds. Answers are composed in milliseconds, so the
// buckets are dense below 100ms; Discord wants a first callback within 3s,
// so first-response buckets reach past that to show misses.
var (
	answerBuckets        = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
	firstResponseBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5, 10}
	reindexBuckets       = []float64{.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300}
)

// Metrics records Chokepoint's events into its own Prometheus registry. It is
// safe for concurrent use. A nil *Metrics records nothing.
type Metrics struct {
	reg *prometheus.Registry

	answers       *prometheus.CounterVec
	answerLatency prometheus.Histogram
	firstResponse prometheus.Histogram
	rateLimited   prometheus.Counter
	feedback      *prometheus.CounterVec
	reconnects    prometheus.Counter
	refused       *prometheus.CounterVec
	reindexTook   prometheus.Histogram
	reindexes     *prometheus.CounterVec
	documents     prometheus.Gauge
	passages      prometheus.Gauge
}

// New returns Metrics backed by a fresh registry holding Chokepoint's
// metrics plus the Go runtime and process collectors. Every labelled series
// is created at zero so dashboards see it before the first event.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		answers: labelledCounter("chokepoint_answers_total",
			"Questions answered, by whether the answer abstained.",
			"abstained", "true", "false"),
		answerLatency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "chokepoint_answer_duration_seconds",
			Help:    "Time to compose an answer, from question to Answer.",
			Buckets: answerBuckets,
		}),
		firstResponse: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "chokepoint_first_response_seconds",
			Help:    "Time from a Discord interaction to its first callback.",
			Buckets: firstResponseBuckets,
		}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "chokepoint_rate_limited_total",
			Help: "Requests refused because the asker exceeded the rate limit.",
		}),
		feedback: labelledCounter("chokepoint_feedback_total",
			"Feedback votes on answers, by vote.",
			"vote", "up", "down"),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "chokepoint_gateway_reconnects_total",
			Help: "Discord gateway reconnections.",
		}),
		refused: labelledCounter("chokepoint_interactions_refused_total",
			"Requests the HTTP interactions endpoint refused, by reason.",
			"reason", refusalReasons...),
		reindexTook: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "chokepoint_reindex_duration_seconds",
			Help:    "Time to rebuild or update the search index.",
			Buckets: reindexBuckets,
		}),
		reindexes: labelledCounter("chokepoint_reindex_total",
			"Index rebuilds and updates, by outcome.",
			"outcome", "ok", "error"),
		documents: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "chokepoint_corpus_documents",
			Help: "Documents in the served index.",
		}),
		passages: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "chokepoint_corpus_passages",
			Help: "Passages in the served index.",
		}),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.answers, m.answerLatency, m.firstResponse, m.rateLimited,
		m.feedback, m.reconnects, m.refused, m.reindexTook, m.reindexes,
		m.documents, m.passages,
	)
	return m
}

// labelledCounter returns a counter vector with the one label, its series
// for each of values created at zero.
func labelledCounter(name, help, label string, values ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, []string{label})
	for _, v := range values {
		c.WithLabelValues(v)
	}
	return c
}

// Answered counts one answer, by whether it abstained, and records how long
// composing it took.
func (m *Metrics) Answered(abstained bool, took time.Duration) {
	if m == nil {
		return
	}
	m.answers.WithLabelValues(strconv.FormatBool(abstained)).Inc()
	m.answerLatency.Observe(took.Seconds())
}

// FirstResponse records the time from an interaction to its first callback.
func (m *Metrics) FirstResponse(took time.Duration) {
	if m == nil {
		return
	}
	m.firstResponse.Observe(took.Seconds())
}

// RateLimited counts one request refused by the rate limiter.
func (m *Metrics) RateLimited() {
	if m == nil {
		return
	}
	m.rateLimited.Inc()
}

// Feedback counts one vote on an answer: up when positive, down otherwise.
func (m *Metrics) Feedback(positive bool) {
	if m == nil {
		return
	}
	vote := "down"
	if positive {
		vote = "up"
	}
	m.feedback.WithLabelValues(vote).Inc()
}

// Reconnected counts one Discord gateway reconnection.
func (m *Metrics) Reconnected() {
	if m == nil {
		return
	}
	m.reconnects.Inc()
}

// refusalReasons are the reasons the interactions endpoint refuses a
// request (bot.Refused*), created at zero.
var refusalReasons = []string{"unsigned", "signature", "stale", "replay", "too_large", "body"}

// InteractionRefused counts one request the interactions endpoint refused,
// by reason.
func (m *Metrics) InteractionRefused(reason string) {
	if m == nil {
		return
	}
	m.refused.WithLabelValues(reason).Inc()
}

// Reindexed records one index rebuild or update: its duration, and its
// outcome, ok when err is nil and error otherwise.
func (m *Metrics) Reindexed(took time.Duration, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.reindexes.WithLabelValues(outcome).Inc()
	m.reindexTook.Observe(took.Seconds())
}

// CorpusSize sets the number of documents and passages being served.
func (m *Metrics) CorpusSize(documents, passages int) {
	if m == nil {
		return
	}
	m.documents.Set(float64(documents))
	m.passages.Set(float64(passages))
}
