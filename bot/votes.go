package bot

import "sync"

// maxVotes bounds the votes the bot remembers. At about 100 bytes a vote,
// 65,536 hold a few megabytes; a vote forgotten after that many others can
// be cast again, which an attacker cannot force without as many answers
// and accounts.
const maxVotes = 1 << 16

// votes remembers who voted on which message (key: user and message ID),
// forgetting the oldest vote when full. It is safe for concurrent use.
type votes struct {
	mu   sync.Mutex
	seen map[string]struct{}
	ring []string // keys in order of arrival; next is the oldest when full
	next int
}

func newVotes(n int) *votes {
	return &votes{seen: make(map[string]struct{}, n), ring: make([]string, 0, n)}
}

// add records a vote and reports whether it is new.
func (v *votes) add(key string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.seen[key]; ok {
		return false
	}
	if len(v.ring) < cap(v.ring) {
		v.ring = append(v.ring, key)
	} else {
		delete(v.seen, v.ring[v.next])
		v.ring[v.next] = key
		v.next = (v.next + 1) % len(v.ring)
	}
	v.seen[key] = struct{}{}
	return true
}

// forget removes a vote that could not be recorded, so it can be cast
// again. Its slot in the ring stays until it comes round.
func (v *votes) forget(key string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	delete(v.seen, key)
}

func (v *votes) len() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.seen)
}
