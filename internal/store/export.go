package store

import (
	"context"
)

// EachPerson calls fn for every person, ordered by id, without paging (for CSV export). An
// error from fn stops it and is returned as it is. Inside WithTx, fn must not use the store:
// the transaction's connection is busy with the rows.
func (s *Store) EachPerson(ctx context.Context, fn func(Person) error) error {
	return each(ctx, s, "people", scanPeople(), fn, `SELECT `+s.d.personColumns("")+` FROM people ORDER BY id`)
}

// EachLevelChange calls fn for every level_history row, ordered by id, as EachPerson does.
func (s *Store) EachLevelChange(ctx context.Context, fn func(LevelChange) error) error {
	return each(ctx, s, "level history", scanLevelChange, fn, `SELECT `+levelChangeColumns+` FROM level_history ORDER BY id`)
}

// each runs query and calls fn with every row as scan reads it, holding one row at a time
// however many there are. fn's error comes back unwrapped: it is the caller's own.
func each[T any](ctx context.Context, s *Store, what string, scan func(scanner) (T, error), fn func(T) error, query string, args ...any) error {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return s.fail(err, "read %s", what)
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return s.fail(err, "read %s", what)
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return s.fail(err, "read %s", what)
	}
	return nil
}
