package store

import (
	"context"
	"database/sql"
	"io/fs"
	"testing/fstest"
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

// MigrationsUpTo is the embedded migrations up to version, to make a database as an older
// rungs left it.
func MigrationsUpTo(version int) fs.FS {
	all, err := loadMigrations(migrationFiles)
	if err != nil {
		panic(err)
	}
	fsys := fstest.MapFS{}
	for _, m := range all {
		if m.version <= version {
			fsys["migrations/"+m.name] = &fstest.MapFile{Data: []byte(m.sql)}
		}
	}
	return fsys
}

// LogGroups is how many groups of audit entries were written outside transactions.
func (s *Store) LogGroups() int {
	s.audits.mu.Lock()
	defer s.audits.mu.Unlock()
	return s.audits.groups
}

// OnLogGroupWait has f told how many entries wait behind a group of audit entries being written.
func (s *Store) OnLogGroupWait(f func(waiting int)) {
	s.audits.mu.Lock()
	defer s.audits.mu.Unlock()
	s.audits.onWait = f
}

// HoldLogJournal keeps SQLite's audit journal from taking entries until release is called.
func (s *Store) HoldLogJournal() (release func()) {
	s.journal.mu.Lock()
	return s.journal.mu.Unlock
}
