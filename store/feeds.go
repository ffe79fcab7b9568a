package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrFeedExists is returned by AddFeed for a URL already subscribed.
var ErrFeedExists = errors.New("feed already subscribed")

// ErrNoFeed is returned for a feed the store does not hold.
var ErrNoFeed = errors.New("no such feed")

// Feed is a subscription and its polling state.
type Feed struct {
	ID    int64
	URL   string
	Title string // the feed's own title, "" until first polled
	Kind  string // rss, atom, json, sitemap, sitemapindex; "" until first polled
	Added time.Time
	// ETag and LastModified are the validators of the last 200 response,
	// sent back on the next poll.
	ETag, LastModified string
	NextPoll           time.Time // zero: due now
	LastPoll           time.Time
	LastSuccess        time.Time
	LastError          string // "" when the last poll succeeded
	LastErrorAt        time.Time
	Failures           int // polls failed in a row
	Entries            int // articles added to the corpus from the feed
}

const feedColumns = `id, url, title, kind, added_at, etag, last_modified, next_poll, last_poll,
	last_success, last_error, last_error_at, failures, entries`

func scanFeed(sc interface{ Scan(...any) error }) (Feed, error) {
	var f Feed
	var added, next, last, ok, errAt int64
	err := sc.Scan(&f.ID, &f.URL, &f.Title, &f.Kind, &added, &f.ETag, &f.LastModified, &next, &last,
		&ok, &f.LastError, &errAt, &f.Failures, &f.Entries)
	f.Added, f.NextPoll, f.LastPoll, f.LastSuccess, f.LastErrorAt = fromMS(added), fromMS(next), fromMS(last), fromMS(ok), fromMS(errAt)
	return f, err
}

// AddFeed subscribes to url, due for polling at once. It returns an error
// wrapping ErrFeedExists when url is already subscribed.
func (s *Store) AddFeed(ctx context.Context, url string, now time.Time) (Feed, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO feeds (url, added_at) VALUES (?, ?) ON CONFLICT (url) DO NOTHING`, url, ms(now))
	if err != nil {
		return Feed{}, fmt.Errorf("add feed %s: %w", url, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return Feed{}, fmt.Errorf("add feed %s: %w", url, ErrFeedExists)
	}
	return s.FeedByURL(ctx, url)
}

// FeedByURL returns the subscription to url, or an error wrapping ErrNoFeed.
func (s *Store) FeedByURL(ctx context.Context, url string) (Feed, error) {
	f, err := scanFeed(s.db.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feeds WHERE url = ?`, url))
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNoFeed
	}
	if err != nil {
		return Feed{}, fmt.Errorf("feed %s: %w", url, err)
	}
	return f, nil
}

// RemoveFeed unsubscribes from url; the articles it brought stay in the
// corpus, and its entries stay known so that they are not fetched again if
// it is added back. It returns an error wrapping ErrNoFeed when url is not
// subscribed.
func (s *Store) RemoveFeed(ctx context.Context, url string) error {
	res, err := s.db.ExecContext(ctx, `DELETE FROM feeds WHERE url = ?`, url)
	if err != nil {
		return fmt.Errorf("remove feed %s: %w", url, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("remove feed %s: %w", url, ErrNoFeed)
	}
	return nil
}

// Feeds returns every subscription, oldest first.
func (s *Store) Feeds(ctx context.Context) ([]Feed, error) {
	return s.feeds(ctx, `SELECT `+feedColumns+` FROM feeds ORDER BY added_at, id`)
}

// DueFeeds returns the subscriptions whose next poll is at or before now,
// the longest overdue first.
func (s *Store) DueFeeds(ctx context.Context, now time.Time) ([]Feed, error) {
	return s.feeds(ctx, `SELECT `+feedColumns+` FROM feeds WHERE next_poll <= ? ORDER BY next_poll, id`, ms(now))
}

// NextPoll returns the earliest next poll of any feed; ok is false when
// there are no feeds.
func (s *Store) NextPoll(ctx context.Context) (t time.Time, ok bool, err error) {
	var v sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT min(next_poll) FROM feeds`).Scan(&v); err != nil {
		return time.Time{}, false, fmt.Errorf("next feed poll: %w", err)
	}
	return fromMS(v.Int64), v.Valid, nil
}

func (s *Store) feeds(ctx context.Context, query string, args ...any) ([]Feed, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	defer rows.Close()
	var out []Feed
	for rows.Next() {
		f, err := scanFeed(rows)
		if err != nil {
			return nil, fmt.Errorf("list feeds: %w", err)
		}
		out = append(out, f)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list feeds: %w", err)
	}
	return out, nil
}

// SaveFeedState writes a poll's outcome: every field of f but URL, Added
// and Entries (which AddEntry counts). It returns an error wrapping
// ErrNoFeed when the feed was removed meanwhile.
func (s *Store) SaveFeedState(ctx context.Context, f Feed) error {
	res, err := s.db.ExecContext(ctx, `UPDATE feeds SET title = ?, kind = ?, etag = ?, last_modified = ?, next_poll = ?,
		last_poll = ?, last_success = ?, last_error = ?, last_error_at = ?, failures = ? WHERE id = ?`,
		f.Title, f.Kind, f.ETag, f.LastModified, ms(f.NextPoll), ms(f.LastPoll), ms(f.LastSuccess),
		f.LastError, ms(f.LastErrorAt), f.Failures, f.ID)
	if err != nil {
		return fmt.Errorf("save state of feed %s: %w", f.URL, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("save state of feed %s: %w", f.URL, ErrNoFeed)
	}
	return nil
}

// EntryState is what became of a feed entry.
type EntryState string

// Entry states. Failed entries are tried again on later polls, up to
// MaxTries times in all; the others are final.
const (
	EntryAdded     EntryState = "added"     // its article is in the corpus
	EntryDuplicate EntryState = "duplicate" // same URL or same text as an article already there
	EntryFailed    EntryState = "failed"    // a fetch that may work later (timeout, 5xx)
	EntryRefused   EntryState = "refused"   // never fetched: robots.txt, private address, not an article
)

// MaxTries is how many times a failing entry is fetched before it is given up.
const MaxTries = 3

// Entry is one feed entry (an article URL) the poller has dealt with.
type Entry struct {
	URL    string // canonical
	FeedID int64
	State  EntryState
	Hash   string // hex SHA-256 of the article's text, "" when not fetched
	Path   string // the corpus file it was saved as
	Title  string
	Seen   time.Time
	Tries  int
	Error  string
}

// Pending returns those of urls still to be dealt with, in their order:
// unknown ones, and failed ones tried fewer than MaxTries times.
func (s *Store) Pending(ctx context.Context, urls []string) ([]string, error) {
	var out []string
	// Chunks stay below SQLite's limit on bound parameters.
	const chunk = 500
	for start := 0; start < len(urls); start += chunk {
		part := urls[start:min(start+chunk, len(urls))]
		done := make(map[string]bool, len(part))
		args := make([]any, 0, len(part)+1)
		for _, u := range part {
			args = append(args, u)
		}
		args = append(args, MaxTries)
		q := `SELECT url FROM entries WHERE url IN (?` + strings.Repeat(",?", len(part)-1) + `) AND (state != 'failed' OR tries >= ?)`
		rows, err := s.db.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("pending entries: %w", err)
		}
		for rows.Next() {
			var u string
			if err := rows.Scan(&u); err != nil {
				rows.Close()
				return nil, fmt.Errorf("pending entries: %w", err)
			}
			done[u] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("pending entries: %w", err)
		}
		for _, u := range part {
			if !done[u] {
				out = append(out, u)
			}
		}
	}
	return out, nil
}

// Known reports whether an entry with this URL, or an added article with
// this text hash (when hash is not ""), is recorded in a final state, and
// the URL of that entry.
func (s *Store) Known(ctx context.Context, url, hash string) (string, bool, error) {
	// Two lookups, each on an index (an OR would scan the table).
	var found string
	err := s.db.QueryRowContext(ctx, `SELECT url FROM entries WHERE url = ? AND state != 'failed'`, url).Scan(&found)
	if errors.Is(err, sql.ErrNoRows) && hash != "" {
		err = s.db.QueryRowContext(ctx, `SELECT url FROM entries WHERE hash = ? AND hash != '' AND state = 'added' LIMIT 1`, hash).Scan(&found)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("look up entry %s: %w", url, err)
	}
	return found, true, nil
}

// RecordEntry records what became of an entry, replacing an earlier
// record of the same URL and counting the try; an added entry counts
// towards its feed's Entries.
func (s *Store) RecordEntry(ctx context.Context, e Entry) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record entry %s: %w", e.URL, err)
	}
	defer tx.Rollback()
	// A feed removed while its entry was being fetched leaves feed_id NULL.
	_, err = tx.ExecContext(ctx, `INSERT INTO entries (url, feed_id, state, hash, path, title, seen_at, tries, error)
		VALUES (?, (SELECT id FROM feeds WHERE id = ?), ?, ?, ?, ?, ?, 1, ?)
		ON CONFLICT (url) DO UPDATE SET feed_id = excluded.feed_id, state = excluded.state, hash = excluded.hash,
			path = excluded.path, title = excluded.title, tries = entries.tries + 1, error = excluded.error`,
		e.URL, e.FeedID, string(e.State), e.Hash, e.Path, e.Title, ms(e.Seen), e.Error)
	if err != nil {
		return fmt.Errorf("record entry %s: %w", e.URL, err)
	}
	if e.State == EntryAdded && e.FeedID != 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE feeds SET entries = entries + 1 WHERE id = ?`, e.FeedID); err != nil {
			return fmt.Errorf("record entry %s: %w", e.URL, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record entry %s: %w", e.URL, err)
	}
	return nil
}

// Entry returns the record of url; ok is false when there is none.
func (s *Store) Entry(ctx context.Context, url string) (e Entry, ok bool, err error) {
	var feed sql.NullInt64
	var seen int64
	var state string
	err = s.db.QueryRowContext(ctx, `SELECT url, feed_id, state, hash, path, title, seen_at, tries, error
		FROM entries WHERE url = ?`, url).Scan(&e.URL, &feed, &state, &e.Hash, &e.Path, &e.Title, &seen, &e.Tries, &e.Error)
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, false, nil
	}
	if err != nil {
		return Entry{}, false, fmt.Errorf("entry %s: %w", url, err)
	}
	e.FeedID, e.State, e.Seen = feed.Int64, EntryState(state), fromMS(seen)
	return e, true, nil
}

// EntryCounts returns how many entries are in each state.
func (s *Store) EntryCounts(ctx context.Context) (map[EntryState]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT state, count(*) FROM entries GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("count entries: %w", err)
	}
	defer rows.Close()
	out := map[EntryState]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("count entries: %w", err)
		}
		out[EntryState(st)] = n
	}
	return out, rows.Err()
}
