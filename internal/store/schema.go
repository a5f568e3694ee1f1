package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// NewerSchemaError is returned when a database was upgraded by a newer rungs than this one:
// its schema has changes this rungs does not know, so it neither reads nor writes it.
type NewerSchemaError struct {
	Database int // the database's schema version
	Known    int // the newest version this rungs knows
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this rungs knows (version %d): a newer rungs has upgraded it; "+
		"run that release or a later one, or restore a backup taken before the upgrade", e.Database, e.Known)
}

// SchemaVersion is the newest schema version this rungs knows: the one Open brings a
// database to.
func SchemaVersion() int {
	ms, err := loadMigrations(migrationFiles)
	if err != nil || len(ms) == 0 {
		// The embedded files are checked by the tests; an error here is a broken build.
		panic(fmt.Sprintf("embedded migrations: %v", err))
	}
	return ms[len(ms)-1].version
}

// Migration is one schema change.
type Migration struct {
	Version int
	Name    string // the file name, 0002_rollout.sql
	SQL     string // as it runs on this database
}

// OpenAsIs connects to cfg's database without changing it: no migration is applied. It is for
// the commands that must not upgrade a database behind the operator's back (backup, migrate
// --dry-run). A database newer than this rungs knows is refused, as Open refuses it.
func OpenAsIs(ctx context.Context, cfg Config) (*Store, error) {
	s, err := open(ctx, cfg, nil)
	if err != nil {
		return nil, err
	}
	v, err := s.versionAsIs(ctx)
	if err == nil && v > SchemaVersion() {
		err = &NewerSchemaError{Database: v, Known: SchemaVersion()}
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// BehindSchemaError is OpenCurrent's refusal of a database whose schema is older than this
// rungs': Pending lists the migrations it has not had.
type BehindSchemaError struct {
	Pending []Migration
}

func (e *BehindSchemaError) Error() string {
	names := make([]string, len(e.Pending))
	for i, m := range e.Pending {
		names[i] = m.Name
	}
	return "the database's schema is behind this rungs (to apply: " + strings.Join(names, ", ") + ")"
}

// OpenCurrent connects to cfg's database as Open does, ready to serve, but applies no
// migration: a database behind this rungs is refused with a *BehindSchemaError (serve
// --no-migrate). Unlike OpenAsIs it is for a process that writes: on SQLite it starts the
// audit journal, as Open does, and takes in the journals of processes that have ended.
func OpenCurrent(ctx context.Context, cfg Config) (*Store, error) {
	s, err := OpenAsIs(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pending, err := s.Pending(ctx)
	if err == nil && len(pending) > 0 {
		err = &BehindSchemaError{Pending: pending}
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	s.startJournal(cfg)
	return s, nil
}

// versionAsIs is Version for a database that may have no schema_migrations table yet (0).
func (s *Store) versionAsIs(ctx context.Context) (int, error) {
	ok, err := s.hasTable(ctx, "schema_migrations")
	if err != nil || !ok {
		return 0, err
	}
	return s.Version(ctx)
}

// hasTable reports whether the database has the table (in PostgreSQL's current schema).
func (s *Store) hasTable(ctx context.Context, name string) (bool, error) {
	q := `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	if s.d.postgres {
		q = `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?`
	}
	var n int
	if err := s.writeRow(ctx, q, name).Scan(&n); err != nil {
		return false, fmt.Errorf("look for table %s: %w", name, err)
	}
	return n > 0, nil
}

// Pending returns the migrations the database has not had, in the order they would run, with
// their SQL as this database would run it.
func (s *Store) Pending(ctx context.Context) ([]Migration, error) {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return nil, err
	}
	current, err := s.versionAsIs(ctx)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, m := range ms {
		if m.version > current {
			out = append(out, Migration{Version: m.version, Name: m.name, SQL: s.d.schema(m.sql)})
		}
	}
	return out, nil
}

// Migrate applies the migrations the database has not had, each in its own transaction, and
// returns them. Several processes may run it at once: each migration is applied once.
func (s *Store) Migrate(ctx context.Context) ([]Migration, error) {
	pending, err := s.Pending(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx, migrationFiles); err != nil {
		return nil, err
	}
	return pending, nil
}

// ErrNotCurrent is Ready's answer for a database reachable but at another schema version
// than this rungs knows.
var ErrNotCurrent = errors.New("database schema is not the one this rungs knows")

// Ready reports whether the database answers and its schema is exactly the one this rungs
// knows: not behind (migrations pending, as after serve --no-migrate) and not ahead (a newer
// rungs upgraded it, and this one should make way).
func (s *Store) Ready(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	v, err := s.versionAsIs(ctx)
	if err != nil {
		return err
	}
	if known := SchemaVersion(); v != known {
		return fmt.Errorf("%w: the database is at version %d, this rungs at %d", ErrNotCurrent, v, known)
	}
	return nil
}

// Pools returns the database's connection pools by name, for their statistics: "write" and
// "read" on SQLite, "postgres" on PostgreSQL.
func (s *Store) Pools() map[string]*sql.DB {
	if s.d.postgres {
		return map[string]*sql.DB{"postgres": s.db}
	}
	return map[string]*sql.DB{"write": s.db, "read": s.readDB}
}
