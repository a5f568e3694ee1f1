package storetest

import (
	"testing"

	"github.com/rungs/rungs/internal/store"
)

// EachBackend runs test once on a new, migrated SQLite database and once on a new, migrated
// PostgreSQL one, in parallel. The PostgreSQL half is skipped with -short, and without
// PostgreSQL's binaries unless RUNGS_REQUIRE_POSTGRES=1.
func EachBackend(t *testing.T, test func(t *testing.T, cfg store.Config)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, store.Config{SQLitePath: SQLite(t)})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		test(t, store.Config{PostgresURL: Postgres(t)})
	})
}

// EachEmptyBackend is EachBackend with databases that have no tables yet, for tests of the
// migrations themselves.
func EachEmptyBackend(t *testing.T, test func(t *testing.T, cfg store.Config)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, store.Config{SQLitePath: EmptySQLite(t)})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		test(t, store.Config{PostgresURL: EmptyPostgres(t)})
	})
}
