// Package store keeps the people app's data in embedded SQLite or in PostgreSQL, behind one
// set of methods with the same behaviour on both.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/libc"
	"modernc.org/libc/sys/types"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrNotFound is returned when the row asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write breaks a uniqueness or foreign key rule.
var ErrConflict = errors.New("conflict")

// ErrBusy is returned when SQLite's database stayed locked by another process (another
// rungs writing to the same file) for longer than the store waits for it: nothing was written.
var ErrBusy = errors.New("the database is busy: another process kept it locked for longer than the busy timeout")

// Config says which database to use: exactly one of SQLitePath and PostgresURL.
type Config struct {
	// SQLitePath is the file of an embedded SQLite database (serve --data).
	SQLitePath string
	// PostgresURL is a postgres:// connection URL (serve --db).
	PostgresURL string
	// BusyTimeout is how long a write on SQLite waits at most, from when it was asked for,
	// for the database's lock and for this process's earlier writes; 0 means
	// DefaultBusyTimeout. Tests make it short.
	BusyTimeout time.Duration
	// Readers is the size of SQLite's reader pool; 0 means one per CPU, at least 4.
	Readers int
	// Now is the clock that stamps writes and decides what has expired; nil means the
	// system's. Tests move a clock of their own instead of sleeping.
	Now func() time.Time
}

func (c Config) validate() error {
	switch {
	case c.SQLitePath == "" && c.PostgresURL == "":
		return errors.New("no database: give a SQLite path or a PostgreSQL URL")
	case c.SQLitePath != "" && c.PostgresURL != "":
		return errors.New("both a SQLite path and a PostgreSQL URL: give one")
	case strings.ContainsAny(c.SQLitePath, "?#"):
		// The driver reads everything after ? as its own options.
		return fmt.Errorf("SQLite path %q: ? and # are not allowed", c.SQLitePath)
	case c.BusyTimeout < 0:
		return fmt.Errorf("busy timeout %s: must not be negative", c.BusyTimeout)
	case c.Readers < 0:
		return fmt.Errorf("readers %d: must not be negative", c.Readers)
	}
	return nil
}

// querier is what *sql.DB and *sql.Tx share, so that methods run alike in and out of WithTx.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Store is the people app's database. Its methods are safe for concurrent use.
type Store struct {
	d      dialect
	db     *sql.DB // writes and transactions; one connection on SQLite
	readDB *sql.DB // reads; the same as db on PostgreSQL
	write  querier // db, or the transaction inside WithTx
	read   querier // readDB, or the transaction inside WithTx
	inTx   bool
	bulk   *int  // rows written in bulk in the transaction; see wroteMany
	moved  *bool // the transaction changed people_chain or whom a search finds; see PeoplePage's counts
	counts *countCache
	audits *auditGroup
	// stmts keep SQLite's prepared statements, the writer's and the readers'; nil on PostgreSQL.
	writeStmts, readStmts *stmtCache
	// gate lets SQLite's writes through one at a time, each within its busy timeout; nil on
	// PostgreSQL.
	gate *writeGate
	// journal keeps audit entries while another process holds SQLite's write lock; nil on
	// PostgreSQL.
	journal *auditJournal
	now     func() time.Time
}

// SQLite pragmas, after the busy timeout (sqliteDSN puts it first, so that none of these can
// fail with SQLITE_BUSY while another process holds the lock). Each connection keeps up to
// 32 MB of pages (in a server, all within ReservePageMemory's block). The file is not
// memory-mapped: a reader drops its pages whenever another connection has committed, and with
// a map that meant unmapping and mapping the whole file again, which under a stream of
// audited page views more than doubled the time of a person's page. Times are written in
// SQLite's own format so that its date functions and text ordering work on them.
const sqliteOptions = "&_pragma=journal_mode(WAL)&_pragma=foreign_keys(ON)" +
	"&_pragma=cache_size(-32000)&_pragma=mmap_size(0)&_time_format=sqlite"

// sqliteDSN is the data source name of the SQLite file at path, with its busy timeout and
// options.
func sqliteDSN(path string, busy time.Duration, options string) string {
	return fmt.Sprintf("file:%s?_pragma=busy_timeout(%d)%s", path, busy.Milliseconds(), options)
}

// sqliteWriter is the writer's own options. synchronous(FULL) syncs the write-ahead log at
// every commit, so that what was committed (an audited read, once its page is shown) survives
// a power cut as well as a crash of rungs; audit entries share commits (see auditGroup),
// which makes that affordable. IMMEDIATE transactions take the write lock up front.
const sqliteWriter = "&_pragma=synchronous(FULL)&_txlock=immediate"

// reservedPages is how many database pages ReservePageMemory's block holds: about 85 MB of
// SQLite's 4 KiB pages (each with its ~270 bytes of bookkeeping), for the writer's and every
// reader's cache together.
const reservedPages = 20_000

var reserve struct {
	once sync.Once
	err  error
}

// ReservePageMemory sets aside one block of memory for the page caches of the SQLite
// databases this process opens: a server's, whose readers read all the time. SQLite reads its
// configuration once, when the process opens its first database, so this must run before
// that, at the process's start (cli.Main, for serve); later it fails and changes nothing.
//
// Why: this driver's SQLite keeps the pages of all connections in one cache behind one mutex
// (it is built with SQLITE_ENABLE_MEMORY_MANAGEMENT), and without a block of its own each page
// is an allocation from the driver's allocator, behind another mutex of the whole process.
// After any commit each reader throws its cache away before its next read, page by page:
// under a stream of audited page views that was thousands of frees a second behind both
// mutexes, and a reader emptying a full cache held every other connection up to ~0.4 s.
// Pages in the block are taken and given back by moving a pointer. When the block is nearly
// used up, SQLite reuses the least recently used unpinned page of any connection instead of
// allocating, so the caches together stay within it (the 32 MB a connection of
// sqliteOptions is then a limit each stays under). The block costs nothing until SQLite
// starts: at the first SQLite database opened SQLite writes into each of its pages (~0.3 s,
// ~85 MB kept), and a process that opens only PostgreSQL never touches it.
func ReservePageMemory() error {
	reserve.once.Do(func() { reserve.err = reservePageMemory(reservedPages) })
	return reserve.err
}

func reservePageMemory(pages int) error {
	tls := libc.NewTLS()
	defer tls.Close()
	// SQLite's variadic arguments, 8 bytes each, and after them the int it writes the size of
	// a page's bookkeeping in such a block into: C memory, which Go never moves.
	args := libc.Xcalloc(tls, 4, 8)
	if args == 0 {
		return errors.New("reserve page memory: out of memory")
	}
	defer libc.Xfree(tls, args)
	header := args + 3*8
	if rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PCACHE_HDRSZ, libc.VaList(args, header)); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("reserve page memory: SQLite refused to say its page header's size (code %d)", rc)
	}
	// A page of SQLite's default size, which rungs' databases have, and its header, 8-byte
	// aligned. A database with larger pages would take them from the allocator as before.
	slot := (4096 + int(libc.AtomicLoadPInt32(header)) + 7) &^ 7
	// Off Go's heap: SQLite keeps pointers into it, and it lives as long as the process.
	block := libc.Xmalloc(tls, types.Size_t(slot*pages))
	if block == 0 {
		return fmt.Errorf("reserve page memory: out of memory for %d MB", slot*pages>>20)
	}
	if rc := sqlite3.Xsqlite3_config(tls, sqlite3.SQLITE_CONFIG_PAGECACHE, libc.VaList(args, block, int32(slot), int32(pages))); rc != sqlite3.SQLITE_OK {
		libc.Xfree(tls, block)
		return fmt.Errorf("reserve page memory: too late, a SQLite database was opened before (code %d)", rc)
	}
	return nil
}

// Open connects to the database cfg names and applies any migrations it has not had yet.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	return open(ctx, cfg, migrationFiles)
}

func open(ctx context.Context, cfg Config, migrations fs.FS) (*Store, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	clock := cfg.Now
	if clock == nil {
		clock = time.Now
	}
	// Microseconds: what both databases keep, so a time read back equals the one written.
	s := &Store{now: func() time.Time { return clock().UTC().Truncate(time.Microsecond) }, counts: newCountCache(), audits: &auditGroup{}}
	if cfg.PostgresURL != "" {
		db, err := openPostgres(cfg.PostgresURL)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		s.d, s.db, s.readDB = dialect{postgres: true}, db, db
	} else {
		if err := createPrivate(cfg.SQLitePath); err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", cfg.SQLitePath, err)
		}
		// One writer connection, as PocketBase does: writes take turns (see writeGate)
		// instead of failing with SQLITE_BUSY.
		busy := cfg.BusyTimeout
		if busy == 0 {
			busy = DefaultBusyTimeout
		}
		db, err := sql.Open("sqlite", sqliteDSN(cfg.SQLitePath, busy, sqliteOptions+sqliteWriter))
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", cfg.SQLitePath, err)
		}
		db.SetMaxOpenConns(1)
		db.SetConnMaxLifetime(0)
		readers := cfg.Readers
		if readers == 0 {
			readers = max(4, runtime.NumCPU())
		}
		// query_only makes a write through the reader pool an error instead of a lock fight.
		rdb, err := sql.Open("sqlite", sqliteDSN(cfg.SQLitePath, busy, sqliteOptions+"&_pragma=query_only(ON)"))
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", cfg.SQLitePath, err)
		}
		rdb.SetMaxOpenConns(readers)
		rdb.SetMaxIdleConns(readers)
		s.db, s.readDB = db, rdb
		s.gate = newWriteGate(db, busy)
		s.gate.importFile = cfg.SQLitePath + "-import"
	}
	s.write, s.read = s.db, s.readDB
	if !s.d.postgres {
		s.writeStmts, s.readStmts = newStmtCache(s.db), newStmtCache(s.readDB)
		s.write, s.read = cached{c: s.writeStmts}, cached{c: s.readStmts}
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.Close()
		if cfg.SQLitePath != "" {
			// The driver's message ("unable to open database file") does not say which.
			return nil, fmt.Errorf("open sqlite %s: %w", cfg.SQLitePath, err)
		}
		return nil, fmt.Errorf("open store: %w", err)
	}
	if migrations == nil {
		return s, nil // openAsIs: the caller checks the schema itself
	}
	if err := s.migrate(ctx, migrations); err != nil {
		s.Close()
		return nil, err
	}
	s.startJournal(cfg)
	return s, nil
}

// startJournal starts the audit journal of a store on SQLite that is open for serving (Open,
// OpenCurrent); on PostgreSQL there is none.
func (s *Store) startJournal(cfg Config) {
	if !s.d.postgres {
		s.journal = openAuditJournal(s, cfg.SQLitePath)
	}
}

// createPrivate creates the SQLite file, if it is not there yet, readable and writable by
// its owner alone (0600): it holds people's records and password hashes. SQLite gives the
// write-ahead log and shared-memory files it makes beside it (-wal, -shm) the database
// file's permissions. The mode is set after creating, so that it does not depend on the
// umask. An existing file keeps the permissions its owner gave it.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// openPostgres opens a pool of connections to the database url names. The pool is sized by
// url's pool_max_conns, pool_max_idle_conns, pool_max_conn_lifetime and
// pool_max_conn_idle_time (pgxpool's names), taken out before the rest reaches the server.
// The defaults: database/sql keeps only two idle connections unless told otherwise, so under
// load every request beyond two opened a new connection (a new server process) and closed it
// again; a few connections per core are as many as can be busy at once, and requests beyond
// that wait for one instead of adding to the server's load.
//
// JIT compilation is off unless url sets jit: PostgreSQL misjudges how many rows a manager's
// list reads and compiles it on every run, which doubled that page's CPU time; none of the
// app's queries runs long enough to gain from it.
func openPostgres(url string) (*sql.DB, error) {
	cc, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	n := max(8, 4*runtime.GOMAXPROCS(0))
	maxConns, err := poolSetting(cc.RuntimeParams, "pool_max_conns", n, strconv.Atoi)
	if err != nil {
		return nil, err
	}
	idleConns, err := poolSetting(cc.RuntimeParams, "pool_max_idle_conns", maxConns, strconv.Atoi)
	if err != nil {
		return nil, err
	}
	lifetime, err := poolSetting(cc.RuntimeParams, "pool_max_conn_lifetime", time.Hour, time.ParseDuration)
	if err != nil {
		return nil, err
	}
	idleTime, err := poolSetting(cc.RuntimeParams, "pool_max_conn_idle_time", 10*time.Minute, time.ParseDuration)
	if err != nil {
		return nil, err
	}
	switch {
	case maxConns < 1:
		return nil, fmt.Errorf("pool_max_conns=%d in the connection URL: at least 1 connection is needed", maxConns)
	case idleConns < 0 || lifetime < 0 || idleTime < 0:
		return nil, errors.New("pool_max_idle_conns, pool_max_conn_lifetime and pool_max_conn_idle_time in the connection URL cannot be negative")
	}
	if _, set := cc.RuntimeParams["jit"]; !set {
		cc.RuntimeParams["jit"] = "off"
	}
	db := stdlib.OpenDB(*cc)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(idleConns)
	db.SetConnMaxLifetime(lifetime)
	db.SetConnMaxIdleTime(idleTime)
	return db, nil
}

// poolSetting takes the setting key out of params, parsed, or is def when params lacks it.
func poolSetting[T any](params map[string]string, key string, def T, parse func(string) (T, error)) (T, error) {
	v, ok := params[key]
	if !ok {
		return def, nil
	}
	delete(params, key)
	got, err := parse(v)
	if err != nil {
		return def, fmt.Errorf("%s=%q in the connection URL: not a valid value", key, v)
	}
	return got, nil
}

// Close closes the database connections.
func (s *Store) Close() error {
	if s.inTx {
		return errors.New("close store: called inside WithTx")
	}
	// The entries being written go on to their disk first.
	s.audits.writers.Wait()
	if s.journal != nil {
		s.journal.close(s)
		s.journal = nil
	}
	var err error
	if s.writeStmts != nil {
		err = errors.Join(s.writeStmts.close(), s.readStmts.close())
	}
	err = errors.Join(err, s.db.Close())
	if s.readDB != s.db {
		err = errors.Join(err, s.readDB.Close())
	}
	return err
}

// Dialect names the database in use: "sqlite" or "postgres".
func (s *Store) Dialect() string {
	if s.d.postgres {
		return "postgres"
	}
	return "sqlite"
}

// exec, query and queryRow rebind placeholders for the dialect. The writes, outside a
// transaction on SQLite, take their turn at the write gate.
func (s *Store) exec(ctx context.Context, query string, args ...any) (res sql.Result, err error) {
	if s.gate != nil && !s.inTx {
		w, waitErr := s.gate.enter(ctx)
		if waitErr != nil {
			return nil, waitErr
		}
		defer func() { w.leave(err) }()
		for {
			res, err = s.write.ExecContext(ctx, s.d.rebind(query), args...)
			if !w.again(ctx, err) {
				return res, err
			}
		}
	}
	return s.write.ExecContext(ctx, s.d.rebind(query), args...)
}

// writeRow gives up the gate's turn once the statement has run, before its row is read: the
// next write, which needs the connection the row holds, waits for it within its own deadline
// (see writeGate.enter).
func (s *Store) writeRow(ctx context.Context, query string, args ...any) scanner {
	if s.gate != nil && !s.inTx {
		w, err := s.gate.enter(ctx)
		if err != nil {
			return failedRow{err}
		}
		row := s.write.QueryRowContext(ctx, s.d.rebind(query), args...)
		w.leave(row.Err())
		return row
	}
	return s.write.QueryRowContext(ctx, s.d.rebind(query), args...)
}

func (s *Store) writeQuery(ctx context.Context, query string, args ...any) (rows *sql.Rows, err error) {
	if s.gate != nil && !s.inTx {
		w, waitErr := s.gate.enter(ctx)
		if waitErr != nil {
			return nil, waitErr
		}
		defer func() { w.leave(err) }()
	}
	return s.write.QueryContext(ctx, s.d.rebind(query), args...)
}

// failedRow is the row of a write that never had its turn: its Scan answers err.
type failedRow struct{ err error }

func (r failedRow) Scan(...any) error { return r.err }

func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.read.QueryContext(ctx, s.d.rebind(query), args...)
}

func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.read.QueryRowContext(ctx, s.d.rebind(query), args...)
}

// fail maps a driver error to ErrNotFound or ErrConflict where it is one, and adds context.
func (s *Store) fail(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		err = ErrNotFound
	} else {
		err = s.d.mapErr(err)
	}
	return fmt.Errorf(format+": %w", append(args, err)...)
}
