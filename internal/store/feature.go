package store

import (
	"context"
	"database/sql"
	"time"
)

// The store is split by feature: this package keeps the connection pools, transactions,
// migrations (one sequence for every feature, in migrations/) and the tables every feature
// shares (people, levels, audit); a feature's own tables are read and written by a package of
// its own under internal/store (internal/store/accounts, ...), through the methods below.
// They are the unexported ones this package uses, exported as they are, so that a feature
// package behaves exactly like code in here: the same placeholders rebound for the dialect,
// the same writer/reader pools, the same error mapping, the same clock.

// Exec runs a statement that writes, on the writer (the transaction's connection in WithTx).
func (s *Store) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.exec(ctx, query, args...)
}

// WriteRow runs a statement that writes and returns one row (INSERT ... RETURNING).
func (s *Store) WriteRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.writeRow(ctx, query, args...)
}

// Query runs a read on the reader pool (the transaction's connection in WithTx).
func (s *Store) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.query(ctx, query, args...)
}

// QueryRow is Query for one row.
func (s *Store) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.queryRow(ctx, query, args...)
}

// Fail maps a driver error to ErrNotFound, ErrConflict or ErrBusy where it is one, and adds
// context: fmt.Errorf(format+": %w", args..., err).
func (s *Store) Fail(err error, format string, args ...any) error {
	return s.fail(err, format, args...)
}

// Now is the store's clock (Config.Now, which tests move).
func (s *Store) Now() time.Time { return s.now() }

// Postgres reports whether the store is on PostgreSQL, for the few statements the two
// databases spell differently.
func (s *Store) Postgres() bool { return s.d.postgres }

// Time scans a time column into *t, in UTC, from either database (NULL is the zero time).
func Time(t *time.Time) sql.Scanner { return timeValue{t} }

// NullID is an id column's value: NULL for 0.
func NullID(id int64) sql.NullInt64 { return nullID(id) }

// NullTime is a time column's value: NULL for the zero time.
func NullTime(t time.Time) sql.NullTime { return nullTime(t) }

// AssessmentStatusSQL is the status of an assessment_people row aliased ap, as SQL.
const AssessmentStatusSQL = statusSQL
