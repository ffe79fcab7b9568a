package bot

import (
	"sync"
	"time"
)

// seenIDs remembers the IDs of interactions the endpoint accepted, each
// until its signed timestamp leaves the allowed clock skew; after that the
// signature check refuses a replay by itself. Only verified requests are
// remembered, so its size follows Discord's traffic over the skew window,
// not an attacker's. It is safe for concurrent use.
type seenIDs struct {
	mu     sync.Mutex
	until  map[string]time.Time
	lastGC time.Time
}

func newSeenIDs() *seenIDs { return &seenIDs{until: map[string]time.Time{}} }

// seenGCEvery is how often expired IDs are dropped.
const seenGCEvery = time.Minute

// first records id, to be remembered until until, and reports whether it
// is new.
func (s *seenIDs) first(id string, now, until time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.lastGC) >= seenGCEvery {
		s.lastGC = now
		for k, u := range s.until {
			if now.After(u) {
				delete(s.until, k)
			}
		}
	}
	if u, ok := s.until[id]; ok && !now.After(u) {
		return false
	}
	s.until[id] = until
	return true
}

func (s *seenIDs) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.until)
}
