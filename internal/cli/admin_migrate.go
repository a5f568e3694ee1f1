package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/rungs/rungs/internal/store"
)

// runAdminMigrate upgrades the database's schema, or says what an upgrade would do.
func runAdminMigrate(e *env, args []string) error {
	fset := flag.NewFlagSet("admin migrate", flag.ContinueOnError)
	db := addDatabaseFlags(fset)
	dry := fset.Bool("dry-run", false, "")
	pos, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	if err := noArgs("migrate", pos); err != nil {
		return err
	}
	st, err := openAsIs(e.ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	current, err := st.Version(e.ctx)
	if err != nil {
		// A database no rungs has opened yet has no version table.
		current = 0
	}
	pending, err := st.Pending(e.ctx)
	if err != nil {
		return err
	}
	known := store.SchemaVersion()
	if len(pending) == 0 {
		fmt.Fprintf(e.stdout, "The database is at schema version %d, the newest this rungs knows: nothing to do.\n", current)
		return nil
	}
	if *dry {
		fmt.Fprintf(e.stdout, "The database is at schema version %d; this rungs (%s) would bring it to %d by applying, each in a transaction of its own:\n",
			current, version(), known)
		for _, m := range pending {
			fmt.Fprintf(e.stdout, "\n-- %s\n%s\n", m.Name, strings.TrimSpace(m.SQL))
		}
		fmt.Fprintln(e.stdout, "\nNothing was changed (--dry-run).")
		return nil
	}
	applied, err := st.Migrate(e.ctx)
	if err != nil {
		return err
	}
	for _, m := range applied {
		fmt.Fprintf(e.stdout, "Applied %s.\n", m.Name)
	}
	fmt.Fprintf(e.stdout, "The database is now at schema version %d.\n", known)
	return nil
}

// openAsIs opens the database the flags name without upgrading it, for commands that must
// not change it behind the operator's back; a mistyped --data path is an error.
func openAsIs(ctx context.Context, d databaseFlags) (*store.Store, error) {
	if err := checkDatabaseFlags(d); err != nil {
		return nil, err
	}
	if *d.data != "" {
		if _, err := os.Stat(*d.data); err != nil {
			return nil, fmt.Errorf("%s: no such database ('rungs admin create-user' or 'rungs serve --data' makes one)", *d.data)
		}
	}
	st, err := store.OpenAsIs(ctx, store.Config{SQLitePath: *d.data, PostgresURL: *d.db})
	if err != nil {
		return nil, fmt.Errorf("database: %w", withVersion(err))
	}
	return st, nil
}

// checkDatabaseFlags insists on exactly one of --data and --db.
func checkDatabaseFlags(d databaseFlags) error {
	if *d.data != "" && *d.db != "" {
		return usageError{"give --data PATH or --db URL, not both"}
	}
	if !d.given() {
		return usageError{"give the database: --data PATH (SQLite) or --db URL (PostgreSQL)"}
	}
	return nil
}

// withVersion adds this rungs' own version to a refusal of a newer schema, so the message
// says which release is running as well as which schema it knows.
func withVersion(err error) error {
	var newer *store.NewerSchemaError
	var backup *store.BackupNewerError
	if errors.As(err, &newer) || errors.As(err, &backup) {
		return fmt.Errorf("%w (this is rungs %s)", err, version())
	}
	return err
}
