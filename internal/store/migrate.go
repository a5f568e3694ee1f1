package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// migrationFiles are the schema changes, applied in the order of their version numbers.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one versioned .sql file.
type migration struct {
	version int
	name    string // the file name, for messages and the version table
	sql     string
}

// loadMigrations reads migrations/NNNN_what.sql from fsys, in version order.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var ms []migration
	seen := map[int]string{}
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil || version <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a version number and _", base)
		}
		if other, dup := seen[version]; dup {
			return nil, fmt.Errorf("migration %s: version %d already used by %s", base, version, other)
		}
		seen[version] = base
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", base, err)
		}
		for i, line := range strings.Split(string(b), "\n") {
			if name, ok := migrationSection(line); !ok && name != "" {
				return nil, fmt.Errorf("migration %s:%d: %q is not a part's mark: --- sqlite ---, --- postgres --- or --- both ---", base, i+1, strings.TrimSpace(line))
			}
		}
		ms = append(ms, migration{version: version, name: base, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// migrate applies the migrations the database has not had, each in its own transaction with
// its row in schema_migrations, so a failure leaves the database at the previous version.
func (s *Store) migrate(ctx context.Context, fsys fs.FS) error {
	ms, err := loadMigrations(fsys)
	if err != nil {
		return err
	}
	return s.migrateList(ctx, ms)
}

// migrateList applies those of ms the database has not had; ms are in version order.
func (s *Store) migrateList(ctx context.Context, ms []migration) error {
	if _, err := s.exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    BIGINT PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TIMESTAMP NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	current, err := s.Version(ctx)
	if err != nil {
		return err
	}
	if n := len(ms); n > 0 && current > ms[n-1].version {
		// A newer rungs has run on this database; this one does not know its schema.
		return &NewerSchemaError{Database: current, Known: ms[n-1].version}
	}
	for _, m := range ms {
		if m.version <= current {
			continue
		}
		if err := s.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// apply runs one migration in a transaction, unless another process did it meanwhile.
func (s *Store) apply(ctx context.Context, m migration) error {
	err := s.WithTx(ctx, func(tx *Store) error {
		if lock := tx.d.lockMigrations(); lock != "" {
			if _, err := tx.exec(ctx, lock); err != nil {
				return err
			}
		}
		var done int
		if err := tx.writeRow(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&done); err != nil {
			return err
		}
		if done > 0 {
			return nil
		}
		if _, err := tx.exec(ctx, tx.d.schema(m.sql)); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.version, m.name, tx.now())
		return err
	})
	if err != nil {
		return fmt.Errorf("migration %s: %w", m.name, err)
	}
	return nil
}

// Version returns the highest migration applied to the database, 0 for none.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v int
	if err := s.writeRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}
