package cli

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"strings"

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

// String is the flag as given, to put in a command the user may copy: "--data rungs.db". A
// PostgreSQL URL with a password stays a placeholder, so the password is not printed.
func (d databaseFlags) String() string {
	if *d.data != "" {
		return "--data " + shellQuote(*d.data)
	}
	if u, err := url.Parse(*d.db); err == nil && u.User != nil {
		if _, secret := u.User.Password(); secret {
			return "--db URL"
		}
	}
	return "--db " + shellQuote(*d.db)
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:@=+,%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

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
		return nil, fmt.Errorf("database: %w", withVersion(err))
	}
	return st, nil
}
