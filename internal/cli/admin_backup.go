package cli

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/backup"
	"github.com/rungs/rungs/internal/store"
)

// runAdminBackup writes a backup of the database to a file, while it keeps serving.
func runAdminBackup(e *env, args []string) error {
	fset := flag.NewFlagSet("admin backup", flag.ContinueOnError)
	db := addDatabaseFlags(fset)
	out := fset.String("o", "", "")
	force := fset.Bool("force", false, "")
	pos, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	if err := noArgs("backup", pos); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"admin backup needs -o FILE: where to write the backup"}
	}
	if err := replaceable(e, *out, *force); err != nil {
		return err
	}
	st, err := openAsIs(e.ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	// On a terminal, the rows written so far show on standard error.
	ctx := e.ctx
	progress, endProgress := progressOn(e.stderr, "Backing up")
	if progress != nil {
		ctx = store.WithProgress(ctx, progress)
	}
	info, err := backup.WriteFile(ctx, st, *out, version())
	endProgress()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Backed up %s (schema version %d) to %s; rows: %s.\n", st.Dialect(), info.Schema, *out, tableCounts(info))
	return nil
}

// runAdminRestore replaces the database's contents with a backup, or checks a backup.
func runAdminRestore(e *env, args []string) error {
	fset := flag.NewFlagSet("admin restore", flag.ContinueOnError)
	db := addDatabaseFlags(fset)
	force := fset.Bool("force", false, "")
	check := fset.Bool("check", false, "")
	pos, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"admin restore needs one backup FILE"}
	}
	path := pos[0]
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if *check {
		if db.given() {
			return usageError{"admin restore --check reads the file only: leave out --data and --db"}
		}
		info, err := store.ReadBackup(f)
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		fmt.Fprintf(e.stdout, "%s is a complete backup of %s, taken %s by rungs %s, schema version %d; rows: %s.\n",
			path, info.Database, info.CreatedAt.Format(time.RFC3339), info.Rungs, info.Schema, tableCounts(info))
		if known := store.SchemaVersion(); info.Schema > known {
			fmt.Fprintf(e.stdout, "Its schema is newer than this rungs knows (version %d): restore it with rungs %s or later.\n", known, info.Rungs)
		}
		return nil
	}
	if err := checkDatabaseFlags(db); err != nil {
		return err
	}
	info, err := store.Restore(e.ctx, store.Config{SQLitePath: *db.data, PostgresURL: *db.db}, f, store.RestoreOptions{Force: *force})
	var full *store.NotEmptyError
	if errors.As(err, &full) {
		fmt.Fprintf(e.stderr, "rungs: %v; nothing was changed.\nUse --force to replace it with the backup.\n", err)
		return exitError{1}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, withVersion(err))
	}
	fmt.Fprintf(e.stdout, "Restored %s (taken %s by rungs %s from %s, schema version %d); rows: %s.\n",
		path, info.CreatedAt.Format(time.RFC3339), info.Rungs, info.Database, info.Schema, tableCounts(info))
	if info.Schema < store.SchemaVersion() {
		fmt.Fprintf(e.stdout, "Then upgraded it to schema version %d.\n", store.SchemaVersion())
	}
	return nil
}

// tableCounts says how many rows each table of a backup holds.
func tableCounts(info store.BackupInfo) string {
	var parts []string
	for _, t := range info.Tables {
		parts = append(parts, fmt.Sprintf("%s %d", t.Name, t.Rows))
	}
	return strings.Join(parts, ", ")
}
