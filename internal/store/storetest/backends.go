package storetest

import (
	"path/filepath"
	"testing"

	"github.com/rungs/rungs/internal/store"
)

// EachBackend runs test once on a fresh SQLite database and once on a fresh PostgreSQL one
// (skipped without PostgreSQL's binaries unless RUNGS_REQUIRE_POSTGRES=1), in parallel.
func EachBackend(t *testing.T, test func(t *testing.T, cfg store.Config)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, store.Config{SQLitePath: filepath.Join(t.TempDir(), "rungs.db")})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		test(t, store.Config{PostgresURL: Postgres(t)})
	})
}
