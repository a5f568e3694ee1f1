// Package outbox keeps the email the people app is to send (the outbox table of migration
// 0011): a message is added by the transaction of the event it tells of, so that it exists
// exactly when the event does, and a sender in the background takes it, sends it, and marks
// it sent, or tries again later. Several rungs processes sharing one PostgreSQL database each
// run a sender: taking a message moves its next try on first, so that only one sends it.
package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// Message is one email waiting in the outbox, or sent.
type Message struct {
	ID        int64
	Kind      string
	PersonID  int64           // to whom
	Data      json.RawMessage // the facts it tells, as Add was given them
	CreatedAt time.Time
	NextTry   time.Time
	Attempts  int
	LastError string
	SentAt    time.Time // zero until sent
	FailedAt  time.Time // zero unless given up on
}

const columns = `id, kind, person_id, data, created_at, next_try_at, attempts, last_error, sent_at, failed_at`

func scan(row interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var data string
	err := row.Scan(&m.ID, &m.Kind, &m.PersonID, &data, store.Time(&m.CreatedAt), store.Time(&m.NextTry), &m.Attempts, &m.LastError,
		store.Time(&m.SentAt), store.Time(&m.FailedAt))
	m.Data = json.RawMessage(data)
	return m, err
}

// Add puts a message of kind to person in the outbox, with data (marshalled as JSON) for its
// words. s is the transaction of the event it tells of.
func Add(ctx context.Context, s *store.Store, kind string, person int64, data any) error {
	b, err := json.Marshal(data)
	if err != nil {
		return fmt.Errorf("outbox: %s to %d: %w", kind, person, err)
	}
	now := s.Now()
	if _, err := s.Exec(ctx, `INSERT INTO outbox (kind, person_id, data, created_at, next_try_at) VALUES (?, ?, ?, ?, ?)`,
		kind, person, string(b), now, now); err != nil {
		return s.Fail(err, "outbox: %s to %d", kind, person)
	}
	return nil
}

// AddToCycle puts a message of kind in the outbox for everyone in an assessment cycle, in one
// statement however many they are, and returns how many it added.
func AddToCycle(ctx context.Context, s *store.Store, kind string, cycle int64, data any) (int, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return 0, fmt.Errorf("outbox: %s to cycle %d: %w", kind, cycle, err)
	}
	now := s.Now()
	res, err := s.Exec(ctx, `INSERT INTO outbox (kind, person_id, data, created_at, next_try_at)
		SELECT ?, person_id, ?, ?, ? FROM assessment_people WHERE cycle_id = ?`, kind, string(b), now, now, cycle)
	if err != nil {
		return 0, s.Fail(err, "outbox: %s to cycle %d", kind, cycle)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Waiting lists up to limit messages due to be tried at now, oldest first.
func Waiting(ctx context.Context, s *store.Store, now time.Time, limit int) ([]Message, error) {
	rows, err := s.Query(ctx, `SELECT `+columns+` FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL AND next_try_at <= ?
		ORDER BY next_try_at, id LIMIT ?`, now, limit)
	if err != nil {
		return nil, s.Fail(err, "outbox: waiting")
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scan(rows)
		if err != nil {
			return nil, s.Fail(err, "outbox: waiting")
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, s.Fail(err, "outbox: waiting")
	}
	return out, nil
}

// Take claims m for one sending attempt: its next try moves on to retry, when it is tried
// again if this attempt never ends (the process stops half way). It reports false when
// another sender took it first.
func Take(ctx context.Context, s *store.Store, m Message, retry time.Time) (bool, error) {
	res, err := s.Exec(ctx, `UPDATE outbox SET next_try_at = ?, attempts = attempts + 1
		WHERE id = ? AND attempts = ? AND sent_at IS NULL AND failed_at IS NULL`, retry, m.ID, m.Attempts)
	if err != nil {
		return false, s.Fail(err, "outbox: take %d", m.ID)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Sent marks a message sent.
func Sent(ctx context.Context, s *store.Store, id int64) error {
	if _, err := s.Exec(ctx, `UPDATE outbox SET sent_at = ?, last_error = '' WHERE id = ?`, s.Now(), id); err != nil {
		return s.Fail(err, "outbox: sent %d", id)
	}
	return nil
}

// Retry records why an attempt failed; the message is tried again at the time Take set.
func Retry(ctx context.Context, s *store.Store, id int64, why string) error {
	if _, err := s.Exec(ctx, `UPDATE outbox SET last_error = ? WHERE id = ?`, truncate(why), id); err != nil {
		return s.Fail(err, "outbox: retry %d", id)
	}
	return nil
}

// GiveUp marks a message as not to be sent, and why.
func GiveUp(ctx context.Context, s *store.Store, id int64, why string) error {
	if _, err := s.Exec(ctx, `UPDATE outbox SET failed_at = ?, last_error = ? WHERE id = ?`, s.Now(), truncate(why), id); err != nil {
		return s.Fail(err, "outbox: give up %d", id)
	}
	return nil
}

// Get returns one message; store.ErrNotFound when there is none.
func Get(ctx context.Context, s *store.Store, id int64) (Message, error) {
	m, err := scan(s.QueryRow(ctx, `SELECT `+columns+` FROM outbox WHERE id = ?`, id))
	if err != nil {
		if err == sql.ErrNoRows {
			return Message{}, fmt.Errorf("outbox: message %d: %w", id, store.ErrNotFound)
		}
		return Message{}, s.Fail(err, "outbox: message %d", id)
	}
	return m, nil
}

// List returns every message to person, newest first (for tests and for the operator).
func List(ctx context.Context, s *store.Store, person int64) ([]Message, error) {
	rows, err := s.Query(ctx, `SELECT `+columns+` FROM outbox WHERE person_id = ? ORDER BY id DESC`, person)
	if err != nil {
		return nil, s.Fail(err, "outbox: messages to %d", person)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scan(rows)
		if err != nil {
			return nil, s.Fail(err, "outbox: messages to %d", person)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Prune deletes the messages sent or given up on before before: the outbox keeps what
// happened to a message for a while, for an operator asking, not for good.
func Prune(ctx context.Context, s *store.Store, before time.Time) (int, error) {
	res, err := s.Exec(ctx, `DELETE FROM outbox WHERE (sent_at IS NOT NULL AND sent_at < ?) OR (failed_at IS NOT NULL AND failed_at < ?)`, before, before)
	if err != nil {
		return 0, s.Fail(err, "outbox: prune")
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// maxError is how much of a mail server's answer a message keeps.
const maxError = 500

// truncate cuts a mail server's answer to maxError bytes, on a character boundary.
func truncate(s string) string {
	if len(s) > maxError {
		return strings.ToValidUTF8(s[:maxError], "")
	}
	return s
}
