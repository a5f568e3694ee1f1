package store

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"
)

// A backup is one portable file, the same from SQLite and from PostgreSQL, so that either
// restores into either: gzip-compressed JSON lines.
//
//	{"format":"rungs-backup","format_version":1,"schema_version":2,"rungs_version":"v1.4.0",...}
//	{"table":"people","columns":[{"name":"id","type":"integer"},...]}
//	[1,"Ada Lovelace","ada@example.com",...]        one array per row, values in column order
//	{"end":"people","rows":1,"sha256":"..."}        the row count and a SHA-256 of the row lines
//	...                                             the next table
//	{"manifest":{"tables":[{"name":"people","rows":1,"sha256":"..."},...]}}
//
// The header says which schema the rows fit and which rungs wrote them; each table is
// followed by its count and checksum, and the manifest closes the file, so a file cut short
// or edited by hand is refused before anything is restored. Values keep their kind: numbers,
// text, dates as YYYY-MM-DD, times as RFC 3339 in UTC, null as null.

// BackupFormat names the format in a backup's first line.
const BackupFormat = "rungs-backup"

// BackupFormatVersion is the version of the file layout (not of the schema).
const BackupFormatVersion = 1

// BackupInfo is what a backup says about itself.
type BackupInfo struct {
	Format        string    `json:"format"`
	FormatVersion int       `json:"format_version"`
	Schema        int       `json:"schema_version"`
	Rungs         string    `json:"rungs_version"`
	Database      string    `json:"database"` // where it was taken: sqlite or postgres
	CreatedAt     time.Time `json:"created_at"`
	// Tables are the tables in it, with their row counts and checksums: the manifest.
	Tables []TableInfo `json:"-"`
}

// TableInfo is one table of a backup.
type TableInfo struct {
	Name   string `json:"name"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Rows is how many rows the backup holds in all.
func (b BackupInfo) Rows() int64 {
	var n int64
	for _, t := range b.Tables {
		n += t.Rows
	}
	return n
}

// Lines of the format other than the header and the rows.
type (
	tableLine struct {
		Table   string   `json:"table"`
		Columns []column `json:"columns"`
	}
	endLine struct {
		End    string `json:"end"`
		Rows   int64  `json:"rows"`
		SHA256 string `json:"sha256"`
	}
	manifestLine struct {
		Manifest struct {
			Tables []TableInfo `json:"tables"`
		} `json:"manifest"`
	}
)

// Backup writes every row of rungs' tables to w as one backup, read in one snapshot of the
// database while it keeps serving: a repeatable-read, read-only transaction on PostgreSQL,
// a read transaction on SQLite (whose write-ahead log lets writers go on meanwhile). What
// was committed before the snapshot is in it, and nothing committed after. rungsVersion is
// recorded in the header.
func (s *Store) Backup(ctx context.Context, w io.Writer, rungsVersion string) (BackupInfo, error) {
	s.flushAudit(ctx) // acknowledged audit entries are in the backup
	opts := &sql.TxOptions{ReadOnly: true}
	if s.d.postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := s.readDB.BeginTx(ctx, opts)
	if err != nil {
		return BackupInfo{}, fmt.Errorf("backup: begin: %w", err)
	}
	defer tx.Rollback() // read only: nothing to keep
	// The first statement fixes the snapshot; the version is read in it, so the rows
	// that follow are of that schema.
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: read schema version: %w", err)
	}
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		return BackupInfo{}, err
	}
	if known := SchemaVersion(); version > known {
		return BackupInfo{}, &NewerSchemaError{Database: version, Known: known}
	}
	info := BackupInfo{Format: BackupFormat, FormatVersion: BackupFormatVersion, Schema: version, Rungs: rungsVersion,
		Database: s.Dialect(), CreatedAt: s.now()}
	zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return BackupInfo{}, err
	}
	out := bufio.NewWriterSize(zw, 64<<10)
	if err := writeLine(out, nil, info); err != nil {
		return BackupInfo{}, err
	}
	// ctx's Progress (the CLI's, on a terminal) hears of the rows written, every few hundred:
	// the tables are not counted ahead.
	report, done := progressOf(ctx), 0
	wrote := func() {
		if done++; done%backupReportEvery == 0 {
			report(done, 0)
		}
	}
	for _, table := range backedUp(s.d.tablesAt(ms, version)) {
		t, err := s.backupTable(ctx, tx, out, table, wrote)
		if err != nil {
			return BackupInfo{}, fmt.Errorf("backup %s: %w", table, err)
		}
		info.Tables = append(info.Tables, t)
	}
	report(done, 0)
	var m manifestLine
	m.Manifest.Tables = info.Tables
	if err := writeLine(out, nil, m); err != nil {
		return BackupInfo{}, err
	}
	if err := out.Flush(); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	if err := zw.Close(); err != nil {
		return BackupInfo{}, fmt.Errorf("backup: %w", err)
	}
	return info, nil
}

// backupReportEvery is how many rows a backup writes between reports to its Progress.
const backupReportEvery = 256

// backupTable writes one table: its columns, its rows in key order, its count and checksum.
// wrote is called after each row.
func (s *Store) backupTable(ctx context.Context, tx *sql.Tx, out *bufio.Writer, table string, wrote func()) (TableInfo, error) {
	cols, err := s.columns(ctx, tx, table)
	if err != nil {
		return TableInfo{}, err
	}
	if err := writeLine(out, nil, tableLine{Table: table, Columns: cols}); err != nil {
		return TableInfo{}, err
	}
	names := make([]byte, 0, 256)
	for i, c := range cols {
		if i > 0 {
			names = append(names, ", "...)
		}
		names = append(names, quote(c.Name)...)
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+string(names)+` FROM `+quote(table)+` ORDER BY `+orderBy(cols))
	if err != nil {
		return TableInfo{}, err
	}
	defer rows.Close()
	dest := make([]any, len(cols))
	for i, c := range cols {
		dest[i] = scanTarget(c.Type)
	}
	values := make([]any, len(cols))
	sum := sha256.New()
	t := TableInfo{Name: table}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return TableInfo{}, err
		}
		for i, c := range cols {
			values[i] = portable(c.Type, dest[i])
		}
		if err := writeLine(out, sum, values); err != nil {
			return TableInfo{}, err
		}
		t.Rows++
		wrote()
	}
	if err := rows.Err(); err != nil {
		return TableInfo{}, err
	}
	t.SHA256 = hex.EncodeToString(sum.Sum(nil))
	return t, writeLine(out, nil, endLine{End: table, Rows: t.Rows, SHA256: t.SHA256})
}

// writeLine writes v as one line of JSON, adding it to sum when sum is not nil.
func writeLine(out *bufio.Writer, sum hash.Hash, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if sum != nil {
		sum.Write(b)
	}
	_, err = out.Write(b)
	return err
}

// scanTarget is what a column of the kind is scanned into: a type that knows NULL.
func scanTarget(kind string) any {
	switch kind {
	case "integer":
		return new(sql.NullInt64)
	case "real":
		return new(sql.NullFloat64)
	case "boolean":
		return new(sql.NullBool)
	case "date", "timestamp":
		return new(sql.NullTime)
	case "blob":
		return new([]byte)
	}
	return new(sql.NullString)
}

// portable is a scanned value as the backup writes it.
func portable(kind string, v any) any {
	switch v := v.(type) {
	case *sql.NullInt64:
		if v.Valid {
			return v.Int64
		}
	case *sql.NullFloat64:
		if v.Valid {
			return v.Float64
		}
	case *sql.NullBool:
		if v.Valid {
			return v.Bool
		}
	case *sql.NullTime:
		if v.Valid {
			if kind == "date" {
				return v.Time.Format(time.DateOnly)
			}
			return v.Time.UTC().Format(time.RFC3339Nano)
		}
	case *[]byte:
		if *v != nil {
			return base64.StdEncoding.EncodeToString(*v)
		}
	case *sql.NullString:
		if v.Valid {
			return v.String
		}
	}
	return nil
}

// native turns a value read from a backup into what the database driver writes as that
// kind, so that each database stores it as it stores the app's own writes.
func native(kind string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch kind {
	case "integer":
		if n, ok := v.(json.Number); ok {
			return n.Int64()
		}
	case "real":
		if n, ok := v.(json.Number); ok {
			return n.Float64()
		}
	case "boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
	case "text":
		if s, ok := v.(string); ok {
			return s, nil
		}
	case "date":
		if s, ok := v.(string); ok {
			return time.Parse(time.DateOnly, s)
		}
	case "timestamp":
		if s, ok := v.(string); ok {
			t, err := time.Parse(time.RFC3339Nano, s)
			return t.UTC(), err
		}
	case "blob":
		if s, ok := v.(string); ok {
			return base64.StdEncoding.DecodeString(s)
		}
	}
	return nil, fmt.Errorf("%v is not a value of kind %s", v, kind)
}

// backupReader reads a backup line by line and checks it as it goes.
type backupReader struct {
	in   *bufio.Reader
	line int
	info BackupInfo
}

// ErrBadBackup marks a file that is not a complete, unchanged rungs backup.
var ErrBadBackup = errors.New("not a valid rungs backup")

func (br *backupReader) fail(format string, args ...any) error {
	return fmt.Errorf("%w: line %d: %s", ErrBadBackup, br.line, fmt.Sprintf(format, args...))
}

// openBackup reads the header of the backup in r.
func openBackup(r io.Reader) (*backupReader, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadBackup, err)
	}
	br := &backupReader{in: bufio.NewReaderSize(zr, 64<<10)}
	b, err := br.next()
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &br.info); err != nil || br.info.Format != BackupFormat {
		return nil, br.fail("no %s header", BackupFormat)
	}
	if br.info.FormatVersion != BackupFormatVersion {
		return nil, fmt.Errorf("backup format version %d: this rungs reads version %d", br.info.FormatVersion, BackupFormatVersion)
	}
	return br, nil
}

// next returns the next line without its line end; io.ErrUnexpectedEOF if the file ends
// before the manifest.
func (br *backupReader) next() ([]byte, error) {
	b, err := br.in.ReadBytes('\n')
	br.line++
	if err == io.EOF && len(b) == 0 {
		return nil, br.fail("the file ends before its manifest (cut short?)")
	}
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("%w: line %d: %v", ErrBadBackup, br.line, err)
	}
	return b, nil
}

// table is the start of one table's section: its name and columns.
type table struct {
	name    string
	columns []column
}

// nextTable reads the start of the next table; nil when the manifest comes instead, which it
// checks against the tables read.
func (br *backupReader) nextTable() (*table, error) {
	b, err := br.next()
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(b, []byte(`{"manifest"`)) {
		var m manifestLine
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, br.fail("manifest: %v", err)
		}
		if len(m.Manifest.Tables) != len(br.info.Tables) {
			return nil, br.fail("the manifest lists %d tables, the file has %d", len(m.Manifest.Tables), len(br.info.Tables))
		}
		for i, t := range m.Manifest.Tables {
			if t != br.info.Tables[i] {
				return nil, br.fail("the manifest's %s does not match its section", t.Name)
			}
		}
		if extra, _ := br.in.Peek(1); len(extra) > 0 {
			return nil, br.fail("data after the manifest")
		}
		return nil, nil
	}
	var tl tableLine
	if err := json.Unmarshal(b, &tl); err != nil || tl.Table == "" || len(tl.Columns) == 0 {
		return nil, br.fail("expected the start of a table")
	}
	for _, c := range tl.Columns {
		if kind, ok := columnKind(c.Type); !ok || kind != c.Type {
			return nil, br.fail("table %s: column %s has unknown type %q", tl.Table, c.Name, c.Type)
		}
	}
	return &table{name: tl.Table, columns: tl.Columns}, nil
}

// rows calls fn with each row of t, its values turned native, and checks the table's count
// and checksum at its end.
func (br *backupReader) rows(t *table, fn func(values []any) error) error {
	sum := sha256.New()
	var n int64
	values := make([]any, len(t.columns))
	for {
		b, err := br.next()
		if err != nil {
			return err
		}
		if !bytes.HasPrefix(b, []byte("[")) {
			var end endLine
			if err := json.Unmarshal(b, &end); err != nil || end.End != t.name {
				return br.fail("table %s: expected a row or the table's end", t.name)
			}
			got := hex.EncodeToString(sum.Sum(nil))
			if end.Rows != n || end.SHA256 != got {
				return br.fail("table %s: %d rows with checksum %s, but its end says %d rows with %s", t.name, n, got, end.Rows, end.SHA256)
			}
			br.info.Tables = append(br.info.Tables, TableInfo{Name: t.name, Rows: n, SHA256: got})
			return nil
		}
		sum.Write(b)
		n++
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var raw []any
		if err := dec.Decode(&raw); err != nil || len(raw) != len(t.columns) {
			return br.fail("table %s: a row must be an array of %d values", t.name, len(t.columns))
		}
		for i, c := range t.columns {
			if values[i], err = native(c.Type, raw[i]); err != nil {
				return br.fail("table %s, column %s: %v", t.name, c.Name, err)
			}
		}
		if fn != nil {
			if err := fn(values); err != nil {
				return err
			}
		}
	}
}

// ReadBackup reads the whole backup in r and checks every table's count and checksum and the
// manifest, without a database: what a restore would find.
func ReadBackup(r io.Reader) (BackupInfo, error) {
	br, err := openBackup(r)
	if err != nil {
		return BackupInfo{}, err
	}
	for {
		t, err := br.nextTable()
		if err != nil {
			return BackupInfo{}, err
		}
		if t == nil {
			return br.info, nil
		}
		if err := br.rows(t, nil); err != nil {
			return BackupInfo{}, err
		}
	}
}
