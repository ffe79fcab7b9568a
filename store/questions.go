package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Question is one logged question and what became of it. No user ID is
// kept: UserHash is a keyed hash of the asker when the operator configures
// a key, "" otherwise.
type Question struct {
	ID                            int64
	Asked                         time.Time
	GuildID, ChannelID, MessageID string
	UserHash                      string
	Text                          string
	Abstained                     bool
	Passages                      []string // cited passage IDs, in citation order
	Latency                       time.Duration
	Up, Down                      int // votes
}

// LogQuestion records a question and returns its ID.
func (s *Store) LogQuestion(ctx context.Context, q Question) (int64, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO questions (asked_at, guild_id, channel_id, message_id, user_hash,
		question, abstained, passages, latency_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ms(q.Asked), q.GuildID, q.ChannelID, q.MessageID, q.UserHash, q.Text, q.Abstained,
		strings.Join(q.Passages, "\n"), q.Latency.Milliseconds())
	if err != nil {
		return 0, fmt.Errorf("log question: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("log question: %w", err)
	}
	return id, nil
}

// Vote is a 👍 or 👎 on an answer. The answer's question is found by
// MessageID when the log has it, else as the latest question of that text
// asked in that channel.
type Vote struct {
	At                            time.Time
	GuildID, ChannelID, MessageID string
	Question                      string
	// Voter is a keyed hash of the voter, or "". With one, a second vote of
	// the same voter on the same answer replaces the first; without, every
	// vote counts.
	Voter    string
	Positive bool
}

// RecordVote adds a vote to its logged question. It reports false, and
// records nothing, when no logged question matches (asked before the log
// began, or pruned).
func (s *Store) RecordVote(ctx context.Context, v Vote) (bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("record vote: %w", err)
	}
	defer tx.Rollback()
	var id int64
	err = sql.ErrNoRows
	if v.MessageID != "" {
		err = tx.QueryRowContext(ctx, `SELECT id FROM questions WHERE message_id = ? AND channel_id = ?
			ORDER BY id DESC LIMIT 1`, v.MessageID, v.ChannelID).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, `SELECT id FROM questions WHERE channel_id = ? AND question = ?
			ORDER BY id DESC LIMIT 1`, v.ChannelID, v.Question).Scan(&id)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("record vote: %w", err)
	}
	if v.Voter != "" {
		_, err = tx.ExecContext(ctx, `INSERT INTO votes (question_id, voter, positive, at) VALUES (?, ?, ?, ?)
			ON CONFLICT (question_id, voter) WHERE voter != '' DO UPDATE SET positive = excluded.positive, at = excluded.at`,
			id, v.Voter, v.Positive, ms(v.At))
	} else {
		_, err = tx.ExecContext(ctx, `INSERT INTO votes (question_id, positive, at) VALUES (?, ?, ?)`, id, v.Positive, ms(v.At))
	}
	if err != nil {
		return false, fmt.Errorf("record vote: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE questions SET
		up = (SELECT count(*) FROM votes WHERE question_id = ?1 AND positive),
		down = (SELECT count(*) FROM votes WHERE question_id = ?1 AND NOT positive) WHERE id = ?1`, id); err != nil {
		return false, fmt.Errorf("record vote: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("record vote: %w", err)
	}
	return true, nil
}

// Unanswered returns the questions asked at or after since that the corpus
// could not answer: those abstained on and those voted 👎, oldest first.
// Only Asked, Text, Abstained, Up and Down are filled in.
func (s *Store) Unanswered(ctx context.Context, since time.Time) ([]Question, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT asked_at, question, abstained, up, down FROM questions
		WHERE asked_at >= ? AND (abstained OR down > 0) ORDER BY asked_at, id`, ms(since))
	if err != nil {
		return nil, fmt.Errorf("unanswered questions: %w", err)
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		var q Question
		var at int64
		if err := rows.Scan(&at, &q.Text, &q.Abstained, &q.Up, &q.Down); err != nil {
			return nil, fmt.Errorf("unanswered questions: %w", err)
		}
		q.Asked = fromMS(at)
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("unanswered questions: %w", err)
	}
	return out, nil
}

// Questions returns every logged question asked at or after since, oldest
// first, with all its fields.
func (s *Store) Questions(ctx context.Context, since time.Time) ([]Question, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, asked_at, guild_id, channel_id, message_id, user_hash, question,
		abstained, passages, latency_ms, up, down FROM questions WHERE asked_at >= ? ORDER BY asked_at, id`, ms(since))
	if err != nil {
		return nil, fmt.Errorf("list questions: %w", err)
	}
	defer rows.Close()
	var out []Question
	for rows.Next() {
		var q Question
		var at, lat int64
		var passages string
		if err := rows.Scan(&q.ID, &at, &q.GuildID, &q.ChannelID, &q.MessageID, &q.UserHash, &q.Text,
			&q.Abstained, &passages, &lat, &q.Up, &q.Down); err != nil {
			return nil, fmt.Errorf("list questions: %w", err)
		}
		q.Asked, q.Latency = fromMS(at), time.Duration(lat)*time.Millisecond
		if passages != "" {
			q.Passages = strings.Split(passages, "\n")
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list questions: %w", err)
	}
	return out, nil
}

// Stats summarises the questions of a window.
type Stats struct {
	Since      time.Time
	Questions  int
	Abstained  int
	Up, Down   int // votes
	Voted      int // questions with at least one vote
	P50, P90   time.Duration
	P99        time.Duration
	MaxLatency time.Duration
}

// Stats summarises the questions asked at or after since; latency
// percentiles are nearest-rank, 0 when there were no questions.
func (s *Store) Stats(ctx context.Context, since time.Time) (Stats, error) {
	st := Stats{Since: since}
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(abstained), 0), coalesce(sum(up), 0),
		coalesce(sum(down), 0), coalesce(sum(up + down > 0), 0) FROM questions WHERE asked_at >= ?`, ms(since)).
		Scan(&st.Questions, &st.Abstained, &st.Up, &st.Down, &st.Voted)
	if err != nil {
		return Stats{}, fmt.Errorf("question stats: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT latency_ms FROM questions WHERE asked_at >= ?`, ms(since))
	if err != nil {
		return Stats{}, fmt.Errorf("question stats: %w", err)
	}
	defer rows.Close()
	lat := make([]int64, 0, st.Questions)
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			return Stats{}, fmt.Errorf("question stats: %w", err)
		}
		lat = append(lat, v)
	}
	if err := rows.Err(); err != nil {
		return Stats{}, fmt.Errorf("question stats: %w", err)
	}
	slices.Sort(lat)
	st.P50, st.P90, st.P99 = percentile(lat, 50), percentile(lat, 90), percentile(lat, 99)
	if len(lat) > 0 {
		st.MaxLatency = time.Duration(lat[len(lat)-1]) * time.Millisecond
	}
	return st, nil
}

// percentile returns the p-th percentile (nearest rank) of sorted
// milliseconds, 0 when it is empty.
func percentile(sorted []int64, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := (p*len(sorted) + 99) / 100
	return time.Duration(sorted[max(rank, 1)-1]) * time.Millisecond
}

// Prune deletes the questions asked before cutoff, with their votes, and
// returns how many went. Freed pages go back to the file system.
func (s *Store) Prune(ctx context.Context, cutoff time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM questions WHERE asked_at < ?`, ms(cutoff))
	if err != nil {
		return 0, fmt.Errorf("prune question log: %w", err)
	}
	n, _ := res.RowsAffected()
	if n > 0 {
		if _, err := s.db.ExecContext(ctx, `PRAGMA incremental_vacuum`); err != nil {
			return n, fmt.Errorf("prune question log: %w", err)
		}
	}
	return n, nil
}

// Size returns the bytes the store's pages take: the main file's size
// once the write-ahead log is folded back in.
func (s *Store) Size(ctx context.Context) (int64, error) {
	var size int64
	if err := s.db.QueryRowContext(ctx, `SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()`).Scan(&size); err != nil {
		return 0, fmt.Errorf("store size: %w", err)
	}
	return size, nil
}

// LogQuestions records many questions in one transaction (an import, a
// benchmark): all or none.
func (s *Store) LogQuestions(ctx context.Context, qs []Question) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("log questions: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO questions (asked_at, guild_id, channel_id, message_id, user_hash,
		question, abstained, passages, latency_ms, up, down) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("log questions: %w", err)
	}
	defer stmt.Close()
	for _, q := range qs {
		if _, err := stmt.ExecContext(ctx, ms(q.Asked), q.GuildID, q.ChannelID, q.MessageID, q.UserHash, q.Text,
			q.Abstained, strings.Join(q.Passages, "\n"), q.Latency.Milliseconds(), q.Up, q.Down); err != nil {
			return fmt.Errorf("log questions: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("log questions: %w", err)
	}
	return nil
}
