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
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			// Also on panic; the rollback error adds nothing to the one that got us here.
			_ = tx.Rollback()
		}
	}()
	inner := *s
	inner.write, inner.read, inner.inTx, inner.bulk = tx, tx, true, new(int)
	if err := fn(&inner); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit transaction: %w", s.d.mapErr(err))
	}
	committed = true
	if s.d.postgres && *inner.bulk >= refreshAfter {
		// PostgreSQL plans from statistics that autovacuum refreshes only a while after a
		// bulk write; until then it takes a hundred thousand new people for a few hundred
		// and sorts the whole list to show one page of it. The transaction is committed:
		// a failure here is not its failure, and the next autovacuum does the same.
		_, _ = s.db.ExecContext(ctx, `VACUUM (ANALYZE) people, level_history`)
	}
	return nil
}

// refreshAfter is how many rows a transaction writes in bulk before PostgreSQL's statistics
// are refreshed at its commit.
const refreshAfter = 1000

// wroteMany counts rows a transaction writes in bulk (an import, a rollout), for WithTx.
func (s *Store) wroteMany(n int) {
	if s.bulk != nil {
		*s.bulk += n
	}
}
