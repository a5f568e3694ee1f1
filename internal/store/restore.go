package store

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
)

// RestoreOptions say how Restore may treat the database it restores into.
type RestoreOptions struct {
	// Force replaces a database that holds data. Without it, only a database with no rows in
	// rungs' tables (new, or migrated and unused) is restored into.
	Force bool
}

// NotEmptyError is Restore's refusal of a database that holds data, without Force.
type NotEmptyError struct {
	Rows []TableInfo // the tables that hold rows, with their counts
}

func (e *NotEmptyError) Error() string {
	var parts []string
	for _, t := range e.Rows {
		parts = append(parts, fmt.Sprintf("%s: %d", t.Name, t.Rows))
	}
	return "the database is not empty (rows in " + strings.Join(parts, ", ") + "); a restore would replace all of it"
}

// BackupNewerError is Restore's refusal of a backup taken from a newer schema than this
// rungs knows.
type BackupNewerError struct {
	Backup, Known int
	Rungs         string // the rungs that took the backup
}

func (e *BackupNewerError) Error() string {
	return fmt.Sprintf("the backup is of database schema version %d, newer than this rungs knows (version %d): restore it with the rungs that took it (%s) or a later one",
		e.Backup, e.Known, e.Rungs)
}

// Restore replaces everything in rungs' tables in cfg's database with the backup in r, in one
// transaction: a backup that turns out damaged half-way, or any other failure, leaves the
// database as it was. The backup's schema is built first, its rows loaded, and then the
// migrations this rungs has since are applied, so that a backup from an older rungs restores
// into a current database. PostgreSQL's identity sequences are moved past the restored ids.
//
// Restore refuses a backup from a newer schema than this rungs knows, and a database that
// holds data unless opts.Force. Other processes should not use the database meanwhile.
func Restore(ctx context.Context, cfg Config, r io.Reader, opts RestoreOptions) (BackupInfo, error) {
	br, err := openBackup(r)
	if err != nil {
		return BackupInfo{}, err
	}
	if known := SchemaVersion(); br.info.Schema > known {
		return BackupInfo{}, &BackupNewerError{Backup: br.info.Schema, Known: known, Rungs: br.info.Rungs}
	}
	s, err := OpenAsIs(ctx, cfg)
	if err != nil {
		return BackupInfo{}, err
	}
	defer s.Close()
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return BackupInfo{}, err
	}
	current, err := s.versionAsIs(ctx)
	if err != nil {
		return BackupInfo{}, err
	}
	var existing []string
	for _, t := range s.d.tablesAt(ms, current) {
		if ok, err := s.hasTable(ctx, t); err != nil {
			return BackupInfo{}, err
		} else if ok {
			existing = append(existing, t)
		}
	}
	if !opts.Force {
		var full []TableInfo
		for _, t := range backedUp(existing) {
			var n int64
			if err := s.writeRow(ctx, `SELECT count(*) FROM `+quote(t)).Scan(&n); err != nil {
				return BackupInfo{}, fmt.Errorf("count %s: %w", t, err)
			}
			if n > 0 {
				full = append(full, TableInfo{Name: t, Rows: n})
			}
		}
		if len(full) > 0 {
			return BackupInfo{}, &NotEmptyError{Rows: full}
		}
	}
	err = s.WithTx(ctx, func(tx *Store) error {
		if !tx.d.postgres {
			// References are checked at the commit, when every row is in: a manager may have
			// a higher id than the people who report to them.
			if _, err := tx.exec(ctx, `PRAGMA defer_foreign_keys = ON`); err != nil {
				return err
			}
		}
		for _, t := range slices.Backward(append([]string{"schema_migrations"}, existing...)) {
			if _, err := tx.exec(ctx, `DROP TABLE IF EXISTS `+quote(t)); err != nil {
				return fmt.Errorf("drop %s: %w", t, err)
			}
		}
		var upTo []migration
		for _, m := range ms {
			if m.version <= br.info.Schema {
				upTo = append(upTo, m)
			}
		}
		if err := tx.migrateList(ctx, upTo); err != nil {
			return err
		}
		schema := tx.d.tablesAt(ms, br.info.Schema)
		tables := backedUp(schema)
		var keys []foreignKey
		if tx.d.postgres {
			// PostgreSQL's references are not deferrable: they are taken off for the load
			// and put back after it, which checks every row against them.
			if keys, err = tx.dropForeignKeys(ctx, tables); err != nil {
				return err
			}
		}
		if err := tx.load(ctx, br, tables); err != nil {
			return err
		}
		if tx.d.postgres {
			for _, k := range keys {
				if _, err := tx.exec(ctx, `ALTER TABLE `+quote(k.table)+` ADD CONSTRAINT `+quote(k.name)+` `+k.def); err != nil {
					return fmt.Errorf("restore: the rows break a reference of %s (%s): %w", k.table, k.def, err)
				}
			}
			if err := tx.resetIdentities(ctx, tables); err != nil {
				return err
			}
		}
		if err := tx.rebuildDerived(ctx, schema); err != nil {
			return err
		}
		return tx.migrateList(ctx, ms)
	})
	if err != nil {
		return BackupInfo{}, fmt.Errorf("restore: %w", err)
	}
	if s.d.postgres {
		// New tables have no planner statistics until autovacuum comes round.
		if _, err := s.db.ExecContext(ctx, `ANALYZE`); err != nil {
			return BackupInfo{}, fmt.Errorf("restore: analyze: %w", err)
		}
	}
	return br.info, nil
}

// rebuildDerived builds the derived tables of a restored schema (see derivedTables) from
// the rows just loaded: the reporting chain is walked again; SQLite's text index was kept by
// its triggers as people were loaded, and is merged after the commit with the other bulk
// writes (see WithTx).
func (s *Store) rebuildDerived(ctx context.Context, schema []string) error {
	if slices.Contains(schema, "people_chain") {
		return s.rebuildChain(ctx)
	}
	return nil
}

// load inserts the rows of every table section in br, which must be exactly tables, in order.
func (s *Store) load(ctx context.Context, br *backupReader, tables []string) error {
	for i := 0; ; i++ {
		t, err := br.nextTable()
		if err != nil {
			return err
		}
		if t == nil {
			if i != len(tables) {
				return br.fail("the backup has %d tables, its schema %d", i, len(tables))
			}
			return nil
		}
		if i >= len(tables) || t.name != tables[i] {
			return br.fail("table %s is not the next of schema version %d", t.name, br.info.Schema)
		}
		cols, err := s.columns(ctx, s.write, t.name)
		if err != nil {
			return err
		}
		if !sameColumns(cols, t.columns) {
			return br.fail("table %s: the backup's columns do not match schema version %d", t.name, br.info.Schema)
		}
		ins := inserter{s: s, table: t.name, columns: t.columns}
		if err := br.rows(t, func(values []any) error { return ins.add(ctx, values) }); err != nil {
			return err
		}
		if err := ins.flush(ctx); err != nil {
			return err
		}
	}
}

// sameColumns reports whether a backup's columns are the table's, by name and kind.
func sameColumns(table, backup []column) bool {
	if len(table) != len(backup) {
		return false
	}
	for _, c := range backup {
		i := slices.IndexFunc(table, func(t column) bool { return t.Name == c.Name })
		if i < 0 || table[i].Type != c.Type {
			return false
		}
	}
	return true
}

// inserter writes rows many to a statement: a restore of 100,000 people is a few hundred
// statements, not 100,000. The rows count as written in bulk (see wroteMany).
type inserter struct {
	s       *Store
	table   string
	columns []column
	pending []any
	n       int
}

// maxParams keeps a statement under both databases' limits on placeholders (SQLite's is
// 32,766, PostgreSQL's 65,535).
const maxParams = 30000

func (in *inserter) add(ctx context.Context, values []any) error {
	in.pending = append(in.pending, values...)
	in.n++
	if len(in.pending)+len(in.columns) > maxParams || in.n >= 1000 {
		return in.flush(ctx)
	}
	return nil
}

func (in *inserter) flush(ctx context.Context) error {
	if in.n == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("INSERT INTO " + quote(in.table) + " (")
	for i, c := range in.columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quote(c.Name))
	}
	b.WriteString(") VALUES ")
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(in.columns)), ", ") + ")"
	for i := range in.n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	if _, err := in.s.exec(ctx, b.String(), in.pending...); err != nil {
		return fmt.Errorf("write %s: %w", in.table, err)
	}
	in.s.wroteMany(in.n)
	in.pending, in.n = in.pending[:0], 0
	return nil
}

// foreignKey is a reference constraint as PostgreSQL would create it again.
type foreignKey struct{ table, name, def string }

// dropForeignKeys removes the reference constraints of tables and returns them.
func (s *Store) dropForeignKeys(ctx context.Context, tables []string) ([]foreignKey, error) {
	rows, err := s.writeQuery(ctx, `
		SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
		FROM pg_constraint c
		WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
		ORDER BY c.conrelid::regclass::text, c.conname`)
	if err != nil {
		return nil, fmt.Errorf("read references: %w", err)
	}
	var keys []foreignKey
	for rows.Next() {
		var k foreignKey
		if err := rows.Scan(&k.table, &k.name, &k.def); err != nil {
			rows.Close()
			return nil, err
		}
		if slices.Contains(tables, k.table) {
			keys = append(keys, k)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, k := range keys {
		if _, err := s.exec(ctx, `ALTER TABLE `+quote(k.table)+` DROP CONSTRAINT `+quote(k.name)); err != nil {
			return nil, fmt.Errorf("drop reference %s: %w", k.name, err)
		}
	}
	return keys, nil
}

// resetIdentities moves each identity column's sequence past the highest id restored, so
// the next row written gets a new id rather than a conflict.
func (s *Store) resetIdentities(ctx context.Context, tables []string) error {
	rows, err := s.writeQuery(ctx, `
		SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`)
	if err != nil {
		return fmt.Errorf("read identity columns: %w", err)
	}
	type ident struct{ table, column string }
	var ids []ident
	for rows.Next() {
		var i ident
		if err := rows.Scan(&i.table, &i.column); err != nil {
			rows.Close()
			return err
		}
		if slices.Contains(tables, i.table) {
			ids = append(ids, i)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, i := range ids {
		q := `SELECT setval(pg_get_serial_sequence(?, ?), coalesce((SELECT max(` + quote(i.column) + `) FROM ` + quote(i.table) + `), 0) + 1, false)`
		if _, err := s.exec(ctx, q, quote(i.table), i.column); err != nil {
			return fmt.Errorf("reset the ids of %s: %w", i.table, err)
		}
	}
	return nil
}
