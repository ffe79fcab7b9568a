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
	// answering: the same question is being answered in the channel now.
	answering
)

// recentQuestion is a question asked in a channel: pending while its
// answer is on its way, answered once it was delivered there, in public.
type recentQuestion struct {
	at      time.Time
	pending bool
}

// limiter holds per-user question times and recent questions per channel.
// Old entries are pruned as it goes, so memory stays bounded by activity
// within the windows.
type limiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	dupFor time.Duration
	users  map[string][]time.Time
	recent map[string]recentQuestion // channel + "\x00" + normalised question
	lastGC time.Time
}

func newLimiter(n int, window, dupFor time.Duration) *limiter {
	return &limiter{n: n, window: window, dupFor: dupFor, users: map[string][]time.Time{}, recent: map[string]recentQuestion{}}
}

// normalQuestion folds case, white space and trailing punctuation so that
// trivially different spellings of one question count as the same.
func normalQuestion(q string) string {
	q = strings.ToLower(strings.Join(strings.Fields(q), " "))
	return strings.TrimRight(q, "?!. ")
}

func recentKey(channel, question string) string { return channel + "\x00" + normalQuestion(question) }

// admit decides whether user may ask question in channel at now. The
// duplicate check comes first, so a repeated question does not use up the
// user's allowance; channel "" skips it. When claim is set, an allowed
// question is pending in channel until settle says whether its answer was
// delivered there.
func (l *limiter) admit(now time.Time, user, channel, question string, claim bool) verdict {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.gc(now)
	key := recentKey(channel, question)
	if channel != "" {
		if r, ok := l.recent[key]; ok && now.Sub(r.at) < l.dupFor {
			if r.pending {
				return answering
			}
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
	if channel != "" && claim {
		l.recent[key] = recentQuestion{at: now, pending: true}
	}
	return allowed
}

// settle ends a question claimed by admit: delivered marks it answered in
// channel from now; otherwise it is forgotten, and the next asker gets an
// answer rather than a pointer to one that is not there.
func (l *limiter) settle(now time.Time, channel, question string, delivered bool) {
	if channel == "" {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	key := recentKey(channel, question)
	if r, ok := l.recent[key]; ok && !r.pending {
		return // settled already
	}
	if delivered {
		l.recent[key] = recentQuestion{at: now}
	} else {
		delete(l.recent, key)
	}
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
	for k, r := range l.recent {
		if now.Sub(r.at) >= l.dupFor {
			delete(l.recent, k)
		}
	}
}
