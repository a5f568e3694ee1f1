// Package storetest starts throwaway PostgreSQL servers for tests, so that the store's tests
// run on a real PostgreSQL wherever its server binaries are installed.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
)

// RequireEnv is the environment variable that, set to 1, makes missing PostgreSQL binaries
// fail the tests instead of skipping them (CI sets it, so PostgreSQL is never silently skipped).
const RequireEnv = "RUNGS_REQUIRE_POSTGRES"

// binDir returns the newest /usr/lib/postgresql/*/bin holding initdb and pg_ctl, or "".
func binDir() string {
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	// Newest version first: 9.6 < 10 < 17, so compare the version numbers, not the text.
	sort.Slice(found, func(i, j int) bool { return version(found[i]) > version(found[j]) })
	for _, initdb := range found {
		dir := filepath.Dir(initdb)
		if _, err := os.Stat(filepath.Join(dir, "pg_ctl")); err == nil {
			return dir
		}
	}
	return ""
}

func version(initdb string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(filepath.Dir(initdb))), 64)
	return v
}

// Postgres starts a PostgreSQL server of its own in t's temporary directory, listening only
// on a free loopback port, creates a database in it and returns that database's URL. The
// server is stopped and its files removed when t ends, passed or failed. Without the server
// binaries it skips t, or fails it when RUNGS_REQUIRE_POSTGRES=1.
func Postgres(t testing.TB) string {
	t.Helper()
	bin := binDir()
	if bin == "" {
		msg := "PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin): apt-get install postgresql"
		if os.Getenv(RequireEnv) == "1" {
			t.Fatal(msg + " (" + RequireEnv + "=1)")
		}
		t.Skip(msg)
	}
	dir := t.TempDir()
	run, err := runner(dir)
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if out, err := run(filepath.Join(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres",
		"-E", "UTF8", "--no-locale", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	// A free port can be taken by someone else between our check and the server's start;
	// trying a few is simpler than handing the server a listening socket.
	var port int
	logFile := filepath.Join(dir, "server.log")
	for attempt := 0; ; attempt++ {
		if port, err = freePort(); err != nil {
			t.Fatal(err)
		}
		// Durability settings are off: the cluster lives only as long as the test.
		opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -c unix_socket_directories='' "+
			"-c fsync=off -c synchronous_commit=off -c full_page_writes=off", port)
		out, err := run(filepath.Join(bin, "pg_ctl"), "-D", data, "-l", logFile, "-o", opts, "-w", "-t", "60", "start").CombinedOutput()
		if err == nil {
			break
		}
		if attempt == 2 {
			log, _ := os.ReadFile(logFile)
			t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, log)
		}
	}
	t.Cleanup(func() {
		// Immediate: nothing in it needs to survive, and a smart stop waits for clients.
		if out, err := run(filepath.Join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop").CombinedOutput(); err != nil {
			t.Errorf("pg_ctl stop: %v\n%s", err, out)
		}
	})
	admin := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE rungs_test"); err != nil {
		t.Fatalf("create database: %v", err)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/rungs_test?sslmode=disable", port)
}

// runner returns how to run the server's commands. initdb and the server refuse to run as
// root, so as root they run as the postgres user (Debian's package creates it), and dir and
// its parent are opened to that user.
func runner(dir string) (func(name string, args ...string) *exec.Cmd, error) {
	if os.Geteuid() != 0 {
		return exec.Command, nil
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
	// t.TempDir's parent is private to root; postgres only needs to pass through it.
	if err := os.Chmod(filepath.Dir(dir), 0o711); err != nil {
		return nil, err
	}
	return func(name string, args ...string) *exec.Cmd {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}, nil
}

// freePort returns a loopback TCP port nobody listens on right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	_, port, _ := strings.Cut(l.Addr().String(), ":")
	return strconv.Atoi(port)
}
