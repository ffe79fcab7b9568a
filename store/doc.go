// Package store keeps Chokepoint's own state in one SQLite file: the feed
// subscriptions with their polling state, the feed entries already seen,
// and the question log (questions, whether they were answered, citations,
// latency and votes) that /gaps and /stats read.
//
// SQLite, through the pure-Go driver modernc.org/sqlite (no cgo), was
// chosen over bbolt for three reasons: in WAL mode another process (the
// CLI) can read and write while `serve` holds the file open, where bbolt
// locks the file for one writing process; operators can query it with the
// standard sqlite3 tool; and a consistent copy of a live store is one
// statement (VACUUM INTO, see Backup).
//
// The schema is versioned with PRAGMA user_version and brought up to date
// by Open, one migration per transaction. Every write is one transaction
// committed with synchronous=FULL, so a crash loses at most the write in
// progress.
package store
