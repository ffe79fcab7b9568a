package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNewerSchema is returned by Open for a store written by a newer
// Chokepoint, whose schema this one does not know.
var ErrNewerSchema = errors.New("store schema is newer than this program")

// Store is an open store. It is safe for concurrent use, and several
// processes may open the same file at once.
type Store struct {
	db   *sql.DB
	path string
}

// migrations bring the schema from version i to i+1; Version is their
// count. A migration is never edited once released: changes go in a new one.
var migrations = []string{
	// 1: feeds, their entries, the question log and its votes.
	`CREATE TABLE feeds (
		id            INTEGER PRIMARY KEY,
		url           TEXT    NOT NULL UNIQUE,
		title         TEXT    NOT NULL DEFAULT '',
		kind          TEXT    NOT NULL DEFAULT '',
		added_at      INTEGER NOT NULL,           -- unix milliseconds, like every time here
		etag          TEXT    NOT NULL DEFAULT '',
		last_modified TEXT    NOT NULL DEFAULT '',
		next_poll     INTEGER NOT NULL DEFAULT 0,
		last_poll     INTEGER NOT NULL DEFAULT 0,
		last_success  INTEGER NOT NULL DEFAULT 0,
		last_error    TEXT    NOT NULL DEFAULT '',
		last_error_at INTEGER NOT NULL DEFAULT 0,
		failures      INTEGER NOT NULL DEFAULT 0, -- consecutive failed polls
		entries       INTEGER NOT NULL DEFAULT 0  -- articles added from the feed
	);
	CREATE TABLE entries (
		url     TEXT    PRIMARY KEY,              -- canonical URL
		feed_id INTEGER REFERENCES feeds(id) ON DELETE SET NULL,
		state   TEXT    NOT NULL,                 -- added, duplicate, failed, refused
		hash    TEXT    NOT NULL DEFAULT '',      -- SHA-256 of the article text
		path    TEXT    NOT NULL DEFAULT '',      -- corpus file
		title   TEXT    NOT NULL DEFAULT '',
		seen_at INTEGER NOT NULL,
		tries   INTEGER NOT NULL DEFAULT 0,
		error   TEXT    NOT NULL DEFAULT ''
	);
	CREATE INDEX entries_hash ON entries(hash) WHERE hash != '';
	CREATE TABLE questions (
		id         INTEGER PRIMARY KEY,
		asked_at   INTEGER NOT NULL,
		guild_id   TEXT    NOT NULL DEFAULT '',
		channel_id TEXT    NOT NULL DEFAULT '',
		message_id TEXT    NOT NULL DEFAULT '',
		user_hash  TEXT    NOT NULL DEFAULT '',   -- keyed hash of the asker, '' unless configured
		question   TEXT    NOT NULL,
		abstained  INTEGER NOT NULL,
		passages   TEXT    NOT NULL DEFAULT '',   -- cited passage IDs, one a line
		latency_ms INTEGER NOT NULL,
		up         INTEGER NOT NULL DEFAULT 0,
		down       INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX questions_asked ON questions(asked_at);
	CREATE INDEX questions_asked_in ON questions(channel_id, question);
	CREATE TABLE votes (
		id          INTEGER PRIMARY KEY,
		question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
		voter       TEXT    NOT NULL DEFAULT '',  -- keyed hash, '' unless configured
		positive    INTEGER NOT NULL,
		at          INTEGER NOT NULL
	);
	CREATE INDEX votes_question ON votes(question_id);
	CREATE UNIQUE INDEX votes_voter ON votes(question_id, voter) WHERE voter != '';`,
}

// Version is the schema version this program writes.
var Version = len(migrations)

// Open opens the store at path, creating the file (and its directory) when
// missing, and migrates an older schema. It returns an error wrapping
// ErrNewerSchema for a store of a newer schema, and an error naming path
// for a file that is not a store.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// WAL lets readers (the CLI) work beside the writer (serve);
	// synchronous=FULL makes each commit durable before it returns; an
	// immediate transaction takes the write lock up front, so two writers
	// wait for each other instead of failing to upgrade a read lock.
	q := url.Values{}
	q.Set("_busy_timeout", "10000")
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL")
	q.Set("_foreign_keys", "1")
	q.Set("_auto_vacuum", "INCREMENTAL")
	q.Set("_txlock", "immediate")
	if strings.ContainsRune(path, '?') {
		// The driver reads everything after a '?' as options.
		return nil, fmt.Errorf("open store %s: a store path cannot contain '?'", path)
	}
	dsn := path + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// Path returns the store's file name.
func (s *Store) Path() string { return s.path }

// Close closes the store; the last connection to close folds the
// write-ahead log back into the main file.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

// migrate applies the migrations the file lacks, each in its own
// transaction together with the version it reaches.
func (s *Store) migrate(ctx context.Context) error {
	for {
		done, err := s.migrateOne(ctx)
		if err != nil || done {
			return err
		}
	}
}

func (s *Store) migrateOne(ctx context.Context) (done bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return false, err
	}
	switch {
	case v > Version:
		return false, fmt.Errorf("%w: version %d, this program knows %d", ErrNewerSchema, v, Version)
	case v == Version:
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
		return false, fmt.Errorf("migrate schema to version %d: %w", v+1, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
		return false, fmt.Errorf("migrate schema to version %d: %w", v+1, err)
	}
	return false, tx.Commit()
}

// SchemaVersion returns the file's schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version of %s: %w", s.path, err)
	}
	return v, nil
}

// Backup writes a consistent copy of the store into the new file dst while
// others keep reading and writing it: one self-contained file, without a
// write-ahead log beside it. dst must not exist.
func (s *Store) Backup(ctx context.Context, dst string) error {
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("back up store to %s: %w", dst, os.ErrExist)
	}
	if _, err := s.db.ExecContext(ctx, "VACUUM INTO ?", dst); err != nil {
		return fmt.Errorf("back up store to %s: %w", dst, err)
	}
	return nil
}

// ms is a time as stored: unix milliseconds, 0 for the zero time.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// fromMS reverses ms.
func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}
