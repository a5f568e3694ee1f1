package store

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// stmtCache keeps a prepared statement for each SQL text run on a pool, for SQLite: its
// driver otherwise parses and plans every statement each time it runs, which was about a
// tenth of the time of a page. (pgx keeps PostgreSQL's prepared statements by itself.)
type stmtCache struct {
	db *sql.DB
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// Statements longer than maxCachedSQL (the import's batches) are run unprepared, and at most
// maxCachedStmts are kept: the store runs a few dozen texts over and over.
const (
	maxCachedSQL   = 4000
	maxCachedStmts = 500
)

func newStmtCache(db *sql.DB) *stmtCache { return &stmtCache{db: db, m: map[string]*sql.Stmt{}} }

// stmt returns the prepared statement of query, preparing it when prepare is true, or nil
// when it is not cached.
//
// The mutex is never held while preparing: preparing waits for a connection of the pool, and
// on SQLite a transaction holding the writer's only connection looks its statements up here,
// so holding the mutex meanwhile would stop both for good.
func (c *stmtCache) stmt(ctx context.Context, query string, prepare bool) *sql.Stmt {
	if len(query) > maxCachedSQL {
		return nil
	}
	c.mu.Lock()
	st, full := c.m[query], len(c.m) >= maxCachedStmts
	c.mu.Unlock()
	if st != nil || !prepare || full {
		return st
	}
	st, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // run unprepared, which reports the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept := c.m[query]; kept != nil {
		st.Close() // another caller prepared the same text meanwhile
		return kept
	}
	c.m[query] = st
	return st
}

// close closes the statements kept.
func (c *stmtCache) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var err error
	for q, st := range c.m {
		err = errors.Join(err, st.Close())
		delete(c.m, q)
	}
	return err
}

// cached is a querier that runs the statements of its cache: on its pool, or in tx.
type cached struct {
	c  *stmtCache
	tx *sql.Tx
}

func (q cached) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := q.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	if q.tx != nil {
		return q.tx.ExecContext(ctx, query, args...)
	}
	return q.c.db.ExecContext(ctx, query, args...)
}

func (q cached) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	if q.tx != nil {
		return q.tx.QueryContext(ctx, query, args...)
	}
	return q.c.db.QueryContext(ctx, query, args...)
}

func (q cached) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := q.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	if q.tx != nil {
		return q.tx.QueryRowContext(ctx, query, args...)
	}
	return q.c.db.QueryRowContext(ctx, query, args...)
}

// stmt is the cached statement of query, for the transaction when there is one. A
// transaction only uses the statements already prepared: preparing one needs a connection of
// the pool, and on SQLite the transaction holds the writer's only one.
func (q cached) stmt(ctx context.Context, query string) *sql.Stmt {
	st := q.c.stmt(ctx, query, q.tx == nil)
	if st == nil || q.tx == nil {
		return st
	}
	// Closed with the transaction; the statement itself was prepared on the same connection.
	return q.tx.StmtContext(ctx, st)
}
