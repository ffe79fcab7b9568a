package bot

import (
	"strings"
	"sync"
	"time"
)

type verdict int

const (
	allowed verdict = iota
	limited
	duplicate
)

// limiter holds per-user question times and recent questions per channel.
// Old entries are pruned as it goes, so memory stays bounded by activity
// within the windows.
type limiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	dupFor time.Duration
	users  map[string][]time.Time
	recent map[string]time.Time // channel + "\x00" + normalised question
	lastGC time.Time
}

func newLimiter(n int, window, dupFor time.Duration) *limiter {
	return &limiter{n: n, window: window, dupFor: dupFor, users: map[string][]time.Time{}, recent: map[string]time.Time{}}
}

// normalQuestion folds case, white space and trailing punctuation so that
// trivially different spellings of one question count as the same.
func normalQuestion(q string) string {
	q = strings.ToLower(strings.Join(strings.Fields(q), " "))
	return strings.TrimRight(q, "?!. ")
}

// admit decides whether user may ask question in channel at now. The
// duplicate check comes first, so a repeated question does not use up the
// user's allowance; channel "" skips it.
func (l *limiter) admit(now time.Time, user, channel, question string) verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gc(now)
	key := channel + "\x00" + normalQuestion(question)
	if channel != "" {
		if t, ok := l.recent[key]; ok && now.Sub(t) < l.dupFor {
			return duplicate
		}
	}
	times := l.users[user]
	k := 0
	for _, t := range times {
		if now.Sub(t) < l.window {
			times[k] = t
			k++
		}
	}
	times = times[:k]
	if len(times) >= l.n {
		l.users[user] = times
		return limited
	}
	l.users[user] = append(times, now)
	if channel != "" {
		l.recent[key] = now
	}
	return allowed
}

// gc drops stale entries at most once a window.
func (l *limiter) gc(now time.Time) {
	if now.Sub(l.lastGC) < l.window {
		return
	}
	l.lastGC = now
	for u, ts := range l.users {
		if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= l.window {
			delete(l.users, u)
		}
	}
	for k, t := range l.recent {
		if now.Sub(t) >= l.dupFor {
			delete(l.recent, k)
		}
	}
}
