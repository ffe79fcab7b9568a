package bot

import (
	"slices"
	"sync"
	"time"
)

// stats counts questions and keeps the latest latencies in a ring buffer.
type stats struct {
	mu                     sync.Mutex
	questions, abstentions int
	positive, negative     int
	limitedN               int
	ring                   []time.Duration
	next                   int
	full                   bool
}

func newStats(size int) *stats { return &stats{ring: make([]time.Duration, size)} }

func (s *stats) answered(abstained bool, took time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.questions++
	if abstained {
		s.abstentions++
	}
	s.ring[s.next] = took
	s.next = (s.next + 1) % len(s.ring)
	if s.next == 0 {
		s.full = true
	}
}

func (s *stats) feedback(positive bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if positive {
		s.positive++
	} else {
		s.negative++
	}
}

func (s *stats) rateLimited() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limitedN++
}

// snapshot is a copy of the counters with latency percentiles.
type snapshot struct {
	Questions, Abstentions, Positive, Negative, RateLimited int
	P50, P90, P99                                           time.Duration
	Samples                                                 int
}

func (s *stats) snapshot() snapshot {
	s.mu.Lock()
	n := s.next
	if s.full {
		n = len(s.ring)
	}
	lat := slices.Clone(s.ring[:n])
	out := snapshot{Questions: s.questions, Abstentions: s.abstentions, Positive: s.positive, Negative: s.negative, RateLimited: s.limitedN, Samples: n}
	s.mu.Unlock()
	slices.Sort(lat)
	out.P50, out.P90, out.P99 = percentile(lat, 50), percentile(lat, 90), percentile(lat, 99)
	return out
}

// percentile returns the p-th percentile (nearest rank) of sorted, or 0
// when it is empty.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}
