package store

import (
	"context"
	"fmt"
)

// WithTx runs fn in one transaction: all of its writes are kept if fn returns nil, none if it
// returns an error or panics. fn must use the Store it is given, not the outer one: on SQLite
// the outer one's writes would wait for the connection the transaction holds. A WithTx inside
// fn joins the transaction already open.
func (s *Store) WithTx(ctx context.Context, fn func(tx *Store) error) (err error) {
	if s.inTx {
		return fn(s)
	}
	if s.gate != nil {
		w, waitErr := s.gate.enter(ctx)
		if waitErr != nil {
			return fmt.Errorf("begin transaction: %w", waitErr)
		}
		defer func() { w.leave(err) }()
		for {
			// A try that found the database locked wrote nothing (see gateWrite.again).
			if err = s.withTx(ctx, w, fn); !w.again(ctx, err) {
				return err
			}
		}
	}
	return s.withTx(ctx, nil, fn)
}

// withTx is WithTx once the write has its turn at the gate w (nil on PostgreSQL).
func (s *Store) withTx(ctx context.Context, w *gateWrite, fn func(tx *Store) error) (err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		// SQLite's writer begins IMMEDIATE: this is where another process's lock is waited for.
		return fmt.Errorf("begin transaction: %w", s.d.mapErr(err))
	}
	if w != nil {
		w.began()
	}
	committed := false
	defer func() {
		if !committed {
			// Also on panic; the rollback error adds nothing to the one that got us here.
			_ = tx.Rollback()
		}
	}()
	inner := *s
	inner.write, inner.read, inner.inTx, inner.bulk, inner.moved = tx, tx, true, new(int), new(bool)
	if s.writeStmts != nil {
		inner.write = cached{c: s.writeStmts, tx: tx}
		inner.read = inner.write
	}
	if err := fn(&inner); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", s.d.mapErr(err))
	}
	committed = true
	if *inner.moved {
		s.counts.changed()
	}
	if *inner.bulk >= refreshAfter {
		// The transaction is committed: a failure here is not its failure, and the database
		// catches up by itself in time.
		_, _ = s.db.ExecContext(ctx, s.d.afterBulk())
	}
	return nil
}

// refreshAfter is how many rows a transaction writes in bulk before the database is tidied
// after its commit (see dialect.afterBulk).
const refreshAfter = 1000

// wroteMany counts rows a transaction writes in bulk (an import, a rollout), for WithTx.
func (s *Store) wroteMany(n int) {
	if s.bulk != nil {
		*s.bulk += n
	}
}
