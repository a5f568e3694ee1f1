package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/rungs/rungs/internal/store"
)

// databaseFlags are --data and --db, shared by serve and the admin commands.
type databaseFlags struct {
	data, db *string
}

func addDatabaseFlags(fset *flag.FlagSet) databaseFlags {
	return databaseFlags{data: fset.String("data", "", ""), db: fset.String("db", "", "")}
}

func (d databaseFlags) given() bool { return *d.data != "" || *d.db != "" }

// open opens the database the flags name, applying any migrations it has not had.
func (d databaseFlags) open(ctx context.Context) (*store.Store, error) {
	if *d.data != "" && *d.db != "" {
		return nil, usageError{"give --data PATH or --db URL, not both"}
	}
	if !d.given() {
		return nil, usageError{"give the database: --data PATH (SQLite) or --db URL (PostgreSQL)"}
	}
	st, err := store.Open(ctx, store.Config{SQLitePath: *d.data, PostgresURL: *d.db})
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	return st, nil
}
