package cli

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

// killPeople is how many people the SIGKILL test imports: enough that the write takes a
// second or more, so that a kill can land in the middle of it (the kills aim earlier until
// one does), and few enough that the test's several imports stay cheap on a busy machine.
const killPeople = 20_000

// built is rungs built as a binary of its own, once per test binary, for the tests that kill
// it. Not this test binary: under the race detector SQLite runs some thirteen times slower,
// and a process that is killed has no race to report anyway.
var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// rungsBinary builds rungs (the build cache makes it a link) and returns its path.
func rungsBinary(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
		}
		if built.dir, built.err = os.MkdirTemp("", "rungs-bin-"); built.err != nil {
			return
		}
		built.path = filepath.Join(built.dir, "rungs")
		out, err := exec.Command(goTool, "build", "-o", built.path, "github.com/rungs/rungs/cmd/rungs").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

func removeBinary() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}

// TestImportKilledLeavesAllOrNone kills rungs admin import-people (SIGKILL: no cleanup, no
// deferred rollback) at several points of a large import, and checks that the database holds
// all of it or none of it, and opens cleanly, on SQLite and on PostgreSQL.
func TestImportKilledLeavesAllOrNone(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("imports thousands of people several times")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "people.csv")
	writeKillCSV(t, file)

	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		n := 0
		killImport(t, dir, file, func() (string, string) {
			n++
			path := filepath.Join(t.TempDir(), fmt.Sprintf("rungs%d.db", n))
			return "--data=" + path, "sqlite:" + path
		})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		killImport(t, dir, file, func() (string, string) {
			u := storetest.Postgres(t)
			return "--db=" + u, "pgx:" + u
		})
	})
}

// writeKillCSV writes killPeople people in a tree ten wide, every fifth of them levelled.
func writeKillCSV(t *testing.T, path string) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "name,email,manager,title,start date,ladder,track,level")
	for i := range killPeople {
		manager, level := "", ",,"
		if i > 0 {
			manager = fmt.Sprintf("p%d@example.com", (i-1)/10)
		}
		if i%5 == 0 {
			level = "engineering,product,engineer"
		}
		fmt.Fprintf(w, "Person %d,p%d@example.com,%s,Engineer,2020-01-%02d,%s\n", i, i, manager, i%28+1, level)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// killImport runs the import once to the end to time it, then kills it at fractions of that
// time. newDB returns a fresh database's flag and its driver:source for counting.
func killImport(t *testing.T, dir, file string, newDB func() (flag, source string)) {
	flag, source := newDB()
	took, killed := importProcess(t, dir, file, flag, -1)
	if killed {
		t.Fatal("the import was killed without being asked to")
	}
	if people, history := countImported(t, source); people != killPeople || history != killPeople/5 {
		t.Fatalf("a whole import wrote %d people and %d level changes, want %d and %d", people, history, killPeople, killPeople/5)
	}
	t.Logf("whole import: %s after Importing", took.Round(time.Millisecond))

	killedEmpty := 0
	var runs []string
	fresh := false // the timing run filled the first database
	earliestLate := took
	kill := func(delay time.Duration) {
		if !fresh {
			flag, source = newDB()
		}
		_, killed := importProcess(t, dir, file, flag, delay)
		people, history := countImported(t, source)
		switch {
		case people == 0 && history == 0:
			fresh = true
			if killed {
				killedEmpty++
			}
		case people == killPeople && history == killPeople/5:
			fresh = false
			earliestLate = min(earliestLate, delay)
		default:
			t.Errorf("killed after %s: %d people and %d level changes, want all or none", delay, people, history)
			fresh = false
		}
		runs = append(runs, fmt.Sprintf("%s: killed %v, %d people", delay.Round(time.Millisecond), killed, people))
	}
	for _, frac := range []float64{0.05, 0.2, 0.45} {
		kill(time.Duration(frac * float64(took)))
	}
	// The timing run includes what follows the commit (SQLite merging its text index), and
	// on a busy machine it can also run slower than the kills: while every kill comes after
	// the commit, aim earlier, until one lands inside the write.
	for tries := 0; killedEmpty == 0 && tries < 6; tries++ {
		kill(earliestLate / 3)
	}
	t.Logf("kills: %s", strings.Join(runs, "; "))
	if killedEmpty == 0 {
		t.Errorf("no kill landed during the write (%s); the test proves nothing", strings.Join(runs, "; "))
	}
}

// importProcess runs rungs admin import-people as a process of its own. With delay >= 0 it
// SIGKILLs it that long after it says "Importing". It returns how long the import ran after
// saying so, and whether it was killed.
func importProcess(t *testing.T, dir, file, dbFlag string, delay time.Duration) (time.Duration, bool) {
	t.Helper()
	cmd := exec.Command(rungsBinary(t), "admin", "import-people", dbFlag, file)
	cmd.Dir = dir // no rungs.yaml: the bundled framework
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	importing := make(chan time.Time, 1)
	done := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "Importing ") {
				importing <- time.Now()
			}
		}
		// Wait closes the pipe, so it comes once everything is read.
		done <- cmd.Wait()
	}()
	var started time.Time
	select {
	case started = <-importing:
	case err := <-done:
		t.Fatalf("import ended before it began writing: %v\n%s", err, stderr.String())
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("no Importing line in 2 minutes\n%s", stderr.String())
	}
	if delay >= 0 {
		select {
		case <-time.After(delay):
			cmd.Process.Signal(syscall.SIGKILL)
		case err := <-done:
			done <- err
		}
	}
	err = <-done
	took := time.Since(started)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return took, true
		}
	}
	if err != nil {
		t.Fatalf("import failed: %v\n%s", err, stderr.String())
	}
	return took, false
}

// countImported opens the database as rungs does (which recovers SQLite's write-ahead log
// after the kill), checks it is sound, and counts the people and level changes in it.
func countImported(t *testing.T, source string) (people, history int) {
	t.Helper()
	ctx := context.Background()
	driver, dsn, _ := strings.Cut(source, ":")
	cfg := store.Config{PostgresURL: dsn}
	if driver == "sqlite" {
		cfg = store.Config{SQLitePath: dsn}
	}
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("the database does not open after the kill: %v", err)
	}
	if people, err = s.CountPeople(ctx, store.PeopleFilter{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM level_history`).Scan(&history); err != nil {
		t.Fatal(err)
	}
	if driver == "sqlite" {
		var check string
		if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
			t.Fatalf("integrity check: %q, %v", check, err)
		}
	}
	return people, history
}
