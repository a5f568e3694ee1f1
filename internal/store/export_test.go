package store

import (
	"context"
	"database/sql"
	"io/fs"
)

// OpenWithMigrations opens a store with migrations from fsys instead of the embedded ones.
func OpenWithMigrations(ctx context.Context, cfg Config, fsys fs.FS) (*Store, error) {
	return open(ctx, cfg, fsys)
}

// DB is the writer pool, for tests that look under the store's methods.
func (s *Store) DB() *sql.DB { return s.db }

// Rebind adapts a test's query to the store's dialect.
func (s *Store) Rebind(query string) string { return s.d.rebind(query) }

// MigrationCount is how many migrations are embedded.
func MigrationCount() int {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		panic(err)
	}
	return len(ms)
}

// ReadDB is the reader pool.
func (s *Store) ReadDB() *sql.DB { return s.readDB }
