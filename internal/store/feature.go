package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// The store is split by feature: this package keeps the connection pools, transactions,
// migrations (one sequence for every feature, in migrations/) and the tables every feature
// shares (people, levels, audit); a feature's own tables are read and written by a package of
// its own under internal/store (internal/store/accounts, ...), through the methods below.
// They are the unexported ones this package uses, exported as they are, so that a feature
// package behaves exactly like code in here: the same placeholders rebound for the dialect,
// the same writer/reader pools, the same error mapping, the same clock.

// Exec runs a statement that writes, on the writer (the transaction's connection in WithTx).
func (s *Store) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.exec(ctx, query, args...)
}

// WriteRow runs a statement that writes and returns one row (INSERT ... RETURNING).
func (s *Store) WriteRow(ctx context.Context, query string, args ...any) Scanner {
	return s.writeRow(ctx, query, args...)
}

// Query runs a read on the reader pool (the transaction's connection in WithTx).
func (s *Store) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.query(ctx, query, args...)
}

// QueryRow is Query for one row.
func (s *Store) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.queryRow(ctx, query, args...)
}

// Fail maps a driver error to ErrNotFound, ErrConflict or ErrBusy where it is one, and adds
// context: fmt.Errorf(format+": %w", args..., err).
func (s *Store) Fail(err error, format string, args ...any) error {
	return s.fail(err, format, args...)
}

// Now is the store's clock (Config.Now, which tests move).
func (s *Store) Now() time.Time { return s.now() }

// Postgres reports whether the store is on PostgreSQL, for the few statements the two
// databases spell differently.
func (s *Store) Postgres() bool { return s.d.postgres }

// InTx reports whether s is a transaction's (inside WithTx), whose writes, audit entries
// included, reach the disk with its commit rather than on their own.
func (s *Store) InTx() bool { return s.inTx }

// Time scans a time column into *t, in UTC, from either database (NULL is the zero time).
func Time(t *time.Time) sql.Scanner { return timeValue{t} }

// Texts gives a read's rows one string for each value a text column repeats, where the
// driver hands over its bytes (pgx, for reads sent together on PostgreSQL): the ladder,
// track and level of fifty reports are the same few words, and read into a string of its
// own for every row, they were a third of what a manager's home allocated. Where the driver
// makes each row's string itself (database/sql, SQLite), that string is kept. The zero
// Texts is not ready; make one with NewTexts for each read (it is not safe for reads running
// at once).
type Texts struct{ seen map[string]string }

// NewTexts is a Texts for one read.
func NewTexts() Texts { return Texts{seen: make(map[string]string, 8)} }

// Into scans a text column into *dst, as the string already given to the same value when
// there is one. NULL is an error, as it is when scanned into a string.
func (t Texts) Into(dst *string) sql.Scanner { return commonText{dst, t.seen} }

type commonText struct {
	dst  *string
	seen map[string]string
}

// ScanBytes is how pgx hands the column over on PostgreSQL: its own bytes, which are looked
// up without being copied into a string first.
func (c commonText) ScanBytes(b []byte) error {
	if b == nil {
		return fmt.Errorf("a text column holds NULL")
	}
	if s, ok := c.seen[string(b)]; ok {
		*c.dst = s
		return nil
	}
	s := string(b)
	c.seen[s] = s
	*c.dst = s
	return nil
}

// Scan is how database/sql hands it over. A string is the driver's already, made for this
// row: looking it up would save nothing.
func (c commonText) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*c.dst = v
		return nil
	case []byte:
		return c.ScanBytes(v)
	case nil:
		return fmt.Errorf("a text column holds NULL")
	}
	return fmt.Errorf("a text column holds %T", src)
}

// NullID is an id column's value: NULL for 0.
func NullID(id int64) sql.NullInt64 { return nullID(id) }

// NullTime is a time column's value: NULL for the zero time.
func NullTime(t time.Time) sql.NullTime { return nullTime(t) }

// WriteQuery runs a statement that writes and returns rows.
func (s *Store) WriteQuery(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.writeQuery(ctx, query, args...)
}

// Scanner is a row to scan: *sql.Row or *sql.Rows.
type Scanner = scanner

// All reads every row query returns with scan, into a slice (empty, never nil): the one loop
// of the feature packages' lists. Its errors are the driver's, for the caller to name with Fail.
func All[T any](ctx context.Context, s *Store, scan func(Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Reads are reads that need no answer of each other, sent to the database together. On
// PostgreSQL they go in one round trip, as a pipeline whose answers come back in order: each
// read sent on its own costs the app and the server a round trip's system calls and wake-ups,
// which for a short read are more than the read itself (four short reads cost 215 µs of CPU
// one after another, 88 µs together). On SQLite, in the process, there is no round trip to
// save: they run one after another, in one read transaction (see inReadTx). A page that
// needs several reads adds them with Read and sends them with Run.
type Reads struct {
	s     *Store
	reads []read
	then  []func()
}

type read struct {
	what  string
	row   func(Scanner) error
	query string
	args  []any
	need  func() bool // nil: always needed
}

// Reads starts a set of reads.
func (s *Store) Reads() *Reads { return &Reads{s: s} }

// Store is the store the reads are of, for the columns a read selects (PersonColumns).
func (r *Reads) Store() *Store { return r.s }

// Read adds query to the reads: Run calls row with each of its rows, in order. what names
// the read in an error.
func (r *Reads) Read(what string, row func(Scanner) error, query string, args ...any) {
	r.reads = append(r.reads, read{what: what, row: row, query: query, args: args})
}

// ReadIf is Read for a read that only the answers of the reads before it can tell is needed
// (the links of a person's check-ins, when they have any): need is asked once those have
// their rows, and when it says no, row is never called. One after another (SQLite), the read
// is then not run at all; sent together (PostgreSQL), it has been sent, and its rows are
// dropped, so that both give the same.
func (r *Reads) ReadIf(need func() bool, what string, row func(Scanner) error, query string, args ...any) {
	r.reads = append(r.reads, read{what: what, row: row, query: query, args: args, need: need})
}

// ScanMore is row read into the columns a scan function reads and then into more: for a
// query that selects more columns after those.
func ScanMore(row Scanner, more ...any) Scanner { return scanPlus{row, more} }

// ScanNamed reads rows of the columns scan reads followed by a name (NULL for none), and
// keeps each name in names by the id key gives of its row (names nil: none kept): the
// names a page shows for the people its rows point to (who made a level change, who held a
// check-in), read in the rows' own statement rather than in one more.
func ScanNamed[T any](scan func(Scanner) (T, error), names map[int64]string, key func(T) int64) func(Scanner) (T, error) {
	var name sql.NullString
	return func(row Scanner) (T, error) {
		v, err := scan(ScanMore(row, &name))
		if err == nil && name.Valid && names != nil {
			names[key(v)] = name.String
		}
		return v, err
	}
}

// ReadAll adds to r the read of every row query returns, each read with scan, into *out
// (empty, never nil).
func ReadAll[T any](r *Reads, what string, out *[]T, scan func(Scanner) (T, error), query string, args ...any) {
	ReadAllIf(r, nil, what, out, scan, query, args...)
}

// ReadAllIf is ReadAll for a read that need decides, as ReadIf says (nil: always needed).
func ReadAllIf[T any](r *Reads, need func() bool, what string, out *[]T, scan func(Scanner) (T, error), query string, args ...any) {
	*out = []T{}
	r.ReadIf(need, what, func(row Scanner) error {
		v, err := scan(row)
		if err != nil {
			return err
		}
		*out = append(*out, v)
		return nil
	}, query, args...)
}

// ReadOne adds to r the read of the one row query returns, read with scan, into *out; found
// says whether there was one.
func ReadOne[T any](r *Reads, what string, out *T, found *bool, scan func(Scanner) (T, error), query string, args ...any) {
	*found = false
	r.Read(what, func(row Scanner) error {
		v, err := scan(row)
		if err != nil {
			return err
		}
		*out, *found = v, true
		return nil
	}, query, args...)
}

// Then adds fn to what Run does once every read has its rows: put together what several
// reads read.
func (r *Reads) Then(fn func()) { r.then = append(r.then, fn) }

// Run sends the reads and reads their answers, in the order they were added, then calls the
// functions given to Then; it stops at the first error, mapped and named as Fail does.
// Inside WithTx, the reads run one after another in the transaction.
func (r *Reads) Run(ctx context.Context) error {
	if err := r.send(ctx); err != nil {
		return err
	}
	for _, fn := range r.then {
		fn()
	}
	return nil
}

// send runs the reads, as Run says.
func (r *Reads) send(ctx context.Context) error {
	s := r.s
	switch {
	case s.inTx || len(r.reads) < 2:
		return r.oneByOne(ctx, s)
	case !s.d.postgres:
		return r.inReadTx(ctx)
	}
	conn, err := s.readDB.Conn(ctx)
	if err != nil {
		return s.fail(err, "%s", r.reads[0].what)
	}
	defer conn.Close()
	scanned := false // a row has been given to a read
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("%s: a PostgreSQL connection is a %T, not pgx's", r.reads[0].what, dc)
		}
		var b pgx.Batch
		for _, rd := range r.reads {
			b.Queue(s.d.rebind(rd.query), rd.args...)
		}
		answers := c.Conn().SendBatch(ctx, &b)
		for _, rd := range r.reads {
			if err := scanRows(answers, rd, &scanned); err != nil {
				answers.Close()
				return s.fail(err, "%s", rd.what)
			}
		}
		if err := answers.Close(); err != nil {
			return s.fail(err, "%s", r.reads[0].what)
		}
		return nil
	})
	if err != nil && !scanned && ctx.Err() == nil {
		// The statements new to the connection are prepared together before any runs, and a
		// failure there names none of them: before any row was read, the reads are run one
		// by one, which says which failed.
		return r.oneByOne(ctx, s)
	}
	return err
}

// inReadTx runs the reads one after another in one transaction of SQLite's reader pool. Each
// read on its own was a transaction of its own, which takes and lets go of a read lock of
// the write-ahead log's index, two system calls; together the reads take it once (nine short
// reads: 310 µs one by one, 230 µs together), and see one state of the database.
func (r *Reads) inReadTx(ctx context.Context) error {
	s := r.s
	// Prepared before the transaction holds a connection: preparing takes one of the pool,
	// and transactions holding all of them, each waiting to prepare, would wait for good.
	for _, rd := range r.reads {
		s.readStmts.stmt(ctx, rd.query, true)
	}
	tx, err := s.readDB.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return s.fail(err, "%s", r.reads[0].what)
	}
	inner := *s
	inner.read = cached{c: s.readStmts, tx: tx}
	err = r.oneByOne(ctx, &inner)
	// Nothing was written: ending the transaction only lets go of its read lock.
	if end := tx.Rollback(); err == nil && end != nil {
		err = s.fail(end, "%s", r.reads[0].what)
	}
	return err
}

// oneByOne runs the reads one after another on s, skipping those not needed.
func (r *Reads) oneByOne(ctx context.Context, s *Store) error {
	for _, rd := range r.reads {
		if rd.need != nil && !rd.need() {
			continue
		}
		if err := s.runRead(ctx, rd); err != nil {
			return err
		}
	}
	return nil
}

// scanRows reads the answer to rd from a pipeline's answers; scanned is set once a row is
// given to rd.
func scanRows(answers pgx.BatchResults, rd read, scanned *bool) error {
	rows, err := answers.Query()
	if err != nil {
		return err
	}
	defer rows.Close()
	if rd.need != nil && !rd.need() {
		return nil // its rows are dropped with them
	}
	for rows.Next() {
		*scanned = true
		if err := rd.row(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// runRead runs one read on its own.
func (s *Store) runRead(ctx context.Context, rd read) error {
	rows, err := s.query(ctx, rd.query, rd.args...)
	if err != nil {
		return s.fail(err, "%s", rd.what)
	}
	defer rows.Close()
	for rows.Next() {
		if err := rd.row(rows); err != nil {
			return s.fail(err, "%s", rd.what)
		}
	}
	return s.rowsErr(rows, rd.what)
}

// AffectedOne turns a write that matched no row into ErrNotFound.
func AffectedOne(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// TokenHash is what the sessions table keeps of a token. The token is 256 random bits, so a
// plain SHA-256 cannot be reversed, and looking the hash up cannot leak the token by timing.
func TokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewToken returns a new random token for a session or a link: 256 bits, in base64url.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// PersonColumns is the select list of the people table under alias, as ScanPerson reads it.
func (s *Store) PersonColumns(alias string) string { return s.d.personColumns(alias) }

// ScanPerson reads a person selected with PersonColumns, and then into more the columns
// selected after them.
func ScanPerson(row Scanner, more ...any) (Person, error) {
	if len(more) > 0 {
		row = scanPlus{row, more}
	}
	return scanPerson(row)
}

// placeholders is n question marks, comma-separated.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// Placeholders is n question marks, comma-separated, for an IN list.
func Placeholders(n int) string { return placeholders(n) }

// rowsErr is rows.Err() with context, mapped like fail.
func (s *Store) rowsErr(rows *sql.Rows, what string) error {
	if err := rows.Err(); err != nil {
		return s.fail(err, "%s", what)
	}
	return nil
}

// RowsErr is rows.Err() with context, mapped like Fail.
func (s *Store) RowsErr(rows *sql.Rows, what string) error { return s.rowsErr(rows, what) }

// utcOrZero is a nullable time column's value in UTC, or the zero time for NULL.
func utcOrZero(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// UTCOrZero is a nullable time column's value in UTC, or the zero time for NULL.
func UTCOrZero(t sql.NullTime) time.Time { return utcOrZero(t) }

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }

// CheckText returns an error naming the field when TextProblem finds one. Package assess
// checks a cycle's name with it, as this package checks a person's.
func CheckText(field, s string, max int) error { return checkText(field, s, max) }

// CheckNote returns an error when NoteProblem finds one. Package assess checks the notes of
// its steps with it, as this package checks the note of a level change.
func CheckNote(s string) error { return checkNote(s) }

// ReportsSQL selects the ids of everyone below one person (the ?) in the reporting chain,
// from the chain this package keeps: package assess narrows a cycle and its reports with it.
const ReportsSQL = reportsSQL

// Date drops the time of day, keeping the calendar date t has where it was given.
func Date(t time.Time) time.Time { return date(t) }

// DaysSince is an SQL expression for the whole days from the date in column to the date
// given as its ? placeholder, in the store's dialect.
func (s *Store) DaysSince(column string) string { return s.d.daysSince(column) }

// WroteMany counts rows a transaction writes in bulk, so that the database is tidied after
// its commit (see WithTx).
func (s *Store) WroteMany(n int) { s.wroteMany(n) }
