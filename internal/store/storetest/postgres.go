// Package storetest gives tests real databases cheaply: one throwaway PostgreSQL server per
// test binary, with a migrated template database that each test copies, and SQLite files
// copied from a migrated snapshot. Packages that use it call Main from their TestMain.
package storetest

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/rungs/rungs/internal/store"
)

// RequireEnv is the environment variable that, set to 1, makes missing PostgreSQL binaries
// fail the tests instead of skipping them (CI sets it, so PostgreSQL is never silently skipped).
const RequireEnv = "RUNGS_REQUIRE_POSTGRES"

// The template database every test database is copied from: migrated once per test binary.
const templateDB = "rungs_template"

// server is the PostgreSQL server this test binary shares between its tests.
var server struct {
	once  sync.Once
	err   error
	dir   string // holds the data folder and the socket
	admin string // URL of the postgres database, for CREATE and DROP DATABASE
	stop  func() // ends the server; set once it runs
	count atomic.Int64
	// strategy is how CREATE DATABASE copies the template: by file from PostgreSQL 15 on,
	// quicker than logging every page of it when nothing needs to survive a crash.
	strategy string
}

// binDir returns the newest /usr/lib/postgresql/*/bin holding initdb and postgres, or "".
func binDir() string {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	// Newest version first: 9.6 < 10 < 17, so compare the version numbers, not the text.
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	for _, initdb := range found {
		dir := filepath.Dir(initdb)
		if _, err := os.Stat(filepath.Join(dir, "postgres")); err == nil {
			return dir
		}
	}
	return ""
}

func version(initdb string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(filepath.Dir(initdb))), 64)
	return v
}

// Postgres returns the URL of a new database on the test binary's PostgreSQL server, already
// migrated to the current schema, and drops it when t ends. Without the server binaries it
// skips t (or fails it when RUNGS_REQUIRE_POSTGRES=1); with -short it skips t.
func Postgres(t testing.TB) string {
	t.Helper()
	return newDatabase(t, templateDB)
}

// EmptyPostgres is Postgres with a database that has no tables at all, for tests of the
// migrations themselves.
func EmptyPostgres(t testing.TB) string {
	t.Helper()
	return newDatabase(t, "template0")
}

func newDatabase(t testing.TB, template string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("PostgreSQL is not started with -short")
	}
	if binDir() == "" {
		msg := "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin): apt-get install postgresql"
		if os.Getenv(RequireEnv) == "1" {
			t.Fatal(msg + " (" + RequireEnv + "=1)")
		}
		t.Skip(msg)
	}
	server.once.Do(func() { server.err = startServer() })
	if server.err != nil {
		t.Fatalf("PostgreSQL for the tests: %v", server.err)
	}
	name := fmt.Sprintf("rungs_test_%d", server.count.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := adminExec(ctx, "CREATE DATABASE "+name+" TEMPLATE "+template+server.strategy); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		// FORCE ends connections a failed test may have left open.
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := adminExec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return databaseURL(name)
}

// databaseURL is how to reach a database of the shared server: over its Unix socket, so that
// tests never race for a TCP port and nothing listens on the network at all.
func databaseURL(name string) string {
	return "postgres://postgres@/" + name + "?host=" + server.dir + "&sslmode=disable"
}

func adminExec(ctx context.Context, query string) error {
	db, err := sql.Open("pgx", server.admin)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, query)
	return err
}

// startServer creates a cluster in a temporary folder, starts its server as a child of this
// process that dies with it, and builds the migrated template database.
func startServer() (err error) {
	bin := binDir()
	removeAbandoned()
	dir, err := os.MkdirTemp("", "rungs-pg-")
	if err != nil {
		return err
	}
	server.dir = dir
	defer func() {
		if err != nil {
			stopServer()
		}
	}()
	cred, err := serverUser(dir)
	if err != nil {
		return err
	}
	data := filepath.Join(dir, "data")
	initdb := exec.Command(filepath.Join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres",
		"-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions")
	initdb.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	initdb.Env = append(os.Environ(), "LC_ALL=C")
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	// Durability is off: the cluster lives only as long as the test binary. No TCP listener:
	// the socket in dir is the only way in.
	args := []string{"-D", data, "-k", dir, "-c", "listen_addresses=", "-c", "fsync=off",
		"-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300",
		"-c", "shared_buffers=64MB", "-c", "lc_messages=C", "-c", "log_min_messages=warning"}
	ready, err := runServer(filepath.Join(bin, "postgres"), args, cred, filepath.Join(dir, "server.log"))
	if err != nil {
		return err
	}
	if err := ready(); err != nil {
		return err
	}
	server.admin = databaseURL("postgres")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if version(filepath.Join(bin, "initdb")) >= 15 {
		server.strategy = " STRATEGY FILE_COPY"
	}
	if err := adminExec(ctx, "CREATE DATABASE "+templateDB); err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	s, err := store.Open(ctx, store.Config{PostgresURL: databaseURL(templateDB)})
	if err != nil {
		return fmt.Errorf("migrate template: %w", err)
	}
	return s.Close()
}

// runServer starts the postmaster in the foreground and returns a function that waits until
// it accepts connections, which its log says in so many words.
//
// The server is started from a goroutine that keeps its OS thread for good: Linux sends the
// parent-death signal when the thread that started a child ends, not only the process, so the
// server is killed when this test binary exits in any way, and never outlives it.
func runServer(path string, args []string, cred *syscall.Credential, logFile string) (func() error, error) {
	log, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	type started struct {
		cmd    *exec.Cmd
		stderr io.Reader
		err    error
	}
	startc := make(chan started)
	exited := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the process
		cmd := exec.Command(path, args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Pdeathsig: syscall.SIGKILL, Setpgid: true}
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		stderr, err := cmd.StderrPipe()
		if err == nil {
			err = cmd.Start()
		}
		startc <- started{cmd, stderr, err}
		if err != nil {
			return
		}
		exited <- cmd.Wait()
		select {} // keep the thread: see the comment above
	}()
	st := <-startc
	if st.err != nil {
		log.Close()
		return nil, fmt.Errorf("start postgres: %w", st.err)
	}
	server.stop = func() {
		// SIGQUIT is PostgreSQL's immediate shutdown: nothing in the cluster must survive.
		_ = st.cmd.Process.Signal(syscall.SIGQUIT)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = st.cmd.Process.Kill()
			<-exited
		}
	}
	readyc := make(chan struct{})
	go func() {
		// Copy the log to its file, and say when the server is ready.
		sc := bufio.NewScanner(st.stderr)
		signalled := false
		for sc.Scan() {
			fmt.Fprintln(log, sc.Text())
			if !signalled && strings.Contains(sc.Text(), "database system is ready to accept connections") {
				close(readyc)
				signalled = true
			}
		}
		log.Close()
	}()
	return func() error {
		select {
		case <-readyc:
			return nil
		case err := <-exited:
			exited <- err // stop still needs to see it
			out, _ := os.ReadFile(logFile)
			return fmt.Errorf("postgres exited before it was ready: %v\n%s", err, out)
		case <-time.After(2 * time.Minute):
			out, _ := os.ReadFile(logFile)
			return fmt.Errorf("postgres not ready after 2 minutes:\n%s", out)
		}
	}, nil
}

// serverUser says whom the server runs as. PostgreSQL refuses to run as root, so as root it
// runs as the postgres user (Debian's package creates it), and dir is handed to that user.
func serverUser(dir string) (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	pg, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root needs the postgres user to run the server: %w", err)
	}
	uid, _ := strconv.Atoi(pg.Uid)
	gid, _ := strconv.Atoi(pg.Gid)
	if err := os.Chown(dir, uid, gid); err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, nil
}

// removeAbandoned removes the folders of servers whose test binary ended without cleaning
// up (killed, or timed out): the server died with it, its files did not.
func removeAbandoned() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "rungs-pg-*"))
	for _, dir := range dirs {
		info, err := os.Stat(dir)
		if err != nil || time.Since(info.ModTime()) < time.Hour {
			continue // possibly another test binary's, starting right now
		}
		pid := 0
		if b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid")); err == nil {
			pid, _ = strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
		}
		if pid > 0 && syscall.Kill(pid, 0) == nil {
			continue // its server still runs
		}
		_ = os.RemoveAll(dir)
	}
}

// stopServer ends the shared server, if one was started, and removes its files.
func stopServer() {
	if server.stop != nil {
		server.stop()
		server.stop = nil
	}
	if server.dir != "" {
		_ = os.RemoveAll(server.dir)
		server.dir = ""
	}
}

// M is what Main needs of *testing.M; testscript.Main takes the same.
type M interface{ Run() int }

// Main runs the tests and then stops the PostgreSQL server they shared. Call it from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }
func Main(m M) int {
	code := m.Run()
	stopServer()
	removeSnapshot()
	return code
}

// Wrap returns m with the shared databases cleaned up after its tests, for a TestMain that
// hands m to something else (testscript.Main).
func Wrap(m M) M { return wrapped{m} }

type wrapped struct{ m M }

func (w wrapped) Run() int { return Main(w.m) }
