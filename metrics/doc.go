// Package metrics owns Chokepoint's Prometheus instrumentation and its health
// endpoints. It keeps its own registry (never the global one), so tests and
// several bots in one process do not collide, and exposes the handful of
// events the bot and the indexer report: answers, first responses, rate
// limits, feedback votes, gateway reconnects, reindexes and corpus size.
//
// A nil *Metrics is valid and records nothing, so callers need no guards when
// metrics are switched off.
package metrics
