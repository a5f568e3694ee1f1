//go:build unix

package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/gen"
	"github.com/rungs/rungs/internal/store"
)

// The tests below stop a real rungs process with a signal in the middle of its work. They know
// it is in the middle without guessing at times: the input it reads is a named pipe, which the
// process opens (so the test's open for writing returns) and then waits on, until the test has
// sent the signal.

// rungsProcess starts this test binary as rungs with args, in dir.
func rungsProcess(t *testing.T, dir string, args ...string) (*exec.Cmd, *bytes.Buffer, chan error) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "RUNGS_TEST_RUN_MAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, &stderr, exited
}

// namedPipe makes a named pipe at path.
func namedPipe(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skip("no named pipes here:", err)
	}
}

// openPipe opens the named pipe for writing once the process has opened it for reading, and
// fails the test if the process ends first.
func openPipe(t *testing.T, path string, exited chan error, stderr *bytes.Buffer) *os.File {
	t.Helper()
	opened := make(chan *os.File, 1)
	go func() {
		if w, err := os.OpenFile(path, os.O_WRONLY, 0); err == nil {
			opened <- w
		}
	}()
	select {
	case w := <-opened:
		t.Cleanup(func() { w.Close() })
		return w
	case err := <-exited:
		// Let the goroutine's open return.
		if r, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			r.Close()
		}
		t.Fatalf("rungs ended before it read %s: %v\n%s", filepath.Base(path), err, stderr)
	case <-time.After(2 * time.Minute):
		t.Fatalf("rungs did not open %s in 2 minutes\n%s", filepath.Base(path), stderr)
	}
	return nil
}

// exitCode waits for the process and returns its exit code.
func exitCode(t *testing.T, exited chan error, stderr *bytes.Buffer) int {
	t.Helper()
	select {
	case err := <-exited:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(2 * time.Minute):
		t.Fatalf("rungs did not stop within 2 minutes of the signal\n%s", stderr)
	}
	return -1
}

// snapshot lists every file and folder under dir with a hash of its content.
func snapshotTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			fmt.Fprintf(&b, "%s/\n", rel)
			return nil
		}
		data, err := os.ReadFile(p)
		fmt.Fprintf(&b, "%s %x\n", rel, sha256.Sum256(data))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// leftovers lists the temporary folders in dir and in dir/out.
func leftovers(t *testing.T, dir, out string) []string {
	t.Helper()
	var found []string
	for _, pattern := range []string{filepath.Join(dir, "."+out+".*"), filepath.Join(dir, out, ".rungs.*")} {
		m, _ := filepath.Glob(pattern)
		found = append(found, m...)
	}
	return found
}

// TestBuildStopsOnSignal stops a build of a large framework half-way, with Ctrl-C and with
// SIGTERM: the site built before stays as it was, the temporary folder goes, and rungs exits
// 130 or 143.
func TestBuildStopsOnSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a large framework twice, in processes of their own")
	}
	t.Parallel()
	for _, tc := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		t.Run(tc.sig.String(), func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			run(t, "init", filepath.Join(dir, "small"), "--template", "minimal")
			run(t, "build", filepath.Join(dir, "small"), "-o", filepath.Join(dir, "out"))
			before := snapshotTree(t, filepath.Join(dir, "out"))

			fw := filepath.Join(dir, "fw")
			if err := gen.Write(fw, gen.Spec{Ladders: 40, Levels: 8, WordsPerLevel: 800}); err != nil {
				t.Fatal(err)
			}
			// The logo is a named pipe: rendering starts by reading it, so the build waits there
			// with its temporary folder made, until the test has stopped it.
			namedPipe(t, filepath.Join(fw, "logo.svg"))
			f, err := os.OpenFile(filepath.Join(fw, "rungs.yaml"), os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(f, "logo: logo.svg")
			f.Close()

			cmd, stderr, exited := rungsProcess(t, dir, "build", "fw", "-o", "out")
			openPipe(t, filepath.Join(fw, "logo.svg"), exited, stderr)
			if tmp := leftovers(t, dir, "out"); len(tmp) != 1 || !strings.Contains(tmp[0], ".out.new-") {
				t.Fatalf("while the build runs, beside out: %v; want its temporary folder", tmp)
			}
			cmd.Process.Signal(tc.sig)
			if code := exitCode(t, exited, stderr); code != tc.code {
				t.Errorf("exit code %d, want %d\n%s", code, tc.code, stderr)
			}
			if want := "rungs: stopped (" + tc.sig.String() + "): nothing was written; out is as it was\n"; !strings.HasSuffix(stderr.String(), want) {
				t.Errorf("stderr %q, want it to end %q", stderr, want)
			}
			if after := snapshotTree(t, filepath.Join(dir, "out")); after != before {
				t.Errorf("the earlier site changed:\n%s\nwas:\n%s", after, before)
			}
			if tmp := leftovers(t, dir, "out"); len(tmp) > 0 {
				t.Errorf("left behind: %v", tmp)
			}
		})
	}
}

// TestImportStopsOnSignal stops the import of a large spreadsheet into a folder that holds an
// earlier import (with --force): the folder stays as it was and nothing temporary is left.
func TestImportStopsOnSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("imports a large spreadsheet in a process of its own")
	}
	t.Parallel()
	dir := t.TempDir()
	run(t, "init", filepath.Join(dir, "out"), "--template", "minimal")
	before := snapshotTree(t, filepath.Join(dir, "out"))

	fw := filepath.Join(dir, "fw")
	if err := gen.Write(fw, gen.Spec{Ladders: 20, Levels: 8, WordsPerLevel: 800}); err != nil {
		t.Fatal(err)
	}
	run(t, "export", fw, "--format", "csv", "-o", filepath.Join(dir, "big.csv"))
	big, err := os.ReadFile(filepath.Join(dir, "big.csv"))
	if err != nil {
		t.Fatal(err)
	}
	pipe := filepath.Join(dir, "ladder.csv")
	namedPipe(t, pipe)

	cmd, stderr, exited := rungsProcess(t, dir, "import", "ladder.csv", "-o", "out", "--force")
	w := openPipe(t, pipe, exited, stderr)
	// Half the spreadsheet: rungs reads it and waits for the rest, which never comes.
	if _, err := w.Write(big[:len(big)/2]); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(syscall.SIGINT)
	if code := exitCode(t, exited, stderr); code != 130 {
		t.Errorf("exit code %d, want 130\n%s", code, stderr)
	}
	if want := "rungs: stopped (interrupt): nothing was written\n"; !strings.HasSuffix(stderr.String(), want) {
		t.Errorf("stderr %q, want it to end %q", stderr, want)
	}
	if after := snapshotTree(t, filepath.Join(dir, "out")); after != before {
		t.Errorf("the earlier import changed:\n%s\nwas:\n%s", after, before)
	}
	if tmp := leftovers(t, dir, "out"); len(tmp) > 0 {
		t.Errorf("left behind: %v", tmp)
	}
}

// TestImportPeopleStopsOnSignal stops rungs admin import-people (SIGTERM, as a service manager
// sends) while it reads its file: it exits 143 and nothing is imported.
func TestImportPeopleStopsOnSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("runs rungs in a process of its own")
	}
	t.Parallel()
	dir := t.TempDir()
	pipe := filepath.Join(dir, "people.csv")
	namedPipe(t, pipe)
	db := filepath.Join(dir, "rungs.db")
	cmd, stderr, exited := rungsProcess(t, dir, "admin", "import-people", "--data", db, "people.csv")
	w := openPipe(t, pipe, exited, stderr)
	fmt.Fprintln(w, "name,email,start date")
	fmt.Fprintln(w, "Ada,ada@example.com,2024-01-02")
	cmd.Process.Signal(syscall.SIGTERM)
	if code := exitCode(t, exited, stderr); code != 143 {
		t.Errorf("exit code %d, want 143\n%s", code, stderr)
	}
	if !strings.Contains(stderr.String(), "rungs: stopped (terminated)") {
		t.Errorf("stderr: %s", stderr)
	}
	s, err := store.Open(context.Background(), store.Config{SQLitePath: db})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.CountPeople(context.Background(), store.PeopleFilter{}); err != nil || n != 0 {
		t.Errorf("%d people imported (%v), want none", n, err)
	}
}

// TestServeStopsWhenGoRunEnds: 'go run ./cmd/rungs serve' runs rungs as a child of the go
// command. A SIGKILL (or SIGTERM) sent to go run alone ends it and leaves the child holding
// the port; serve, seeing it was started by go run, stops when its parent is gone. The test
// plays go run with a shell that starts this binary from a folder named as go run's are.
func TestServeStopsWhenGoRunEnds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs rungs serve in a process of its own")
	}
	t.Parallel()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "go-build1234", "b001", "exe")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	rungs := filepath.Join(bin, "rungs")
	if err := os.Link(exe, rungs); err != nil {
		data, err := os.ReadFile(exe)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(rungs, data, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	goRun := exec.Command("sh", "-c", `"$0" serve --addr 127.0.0.1:0 & echo "child $!"; wait`, rungs)
	goRun.Dir = t.TempDir()
	goRun.Env = append(os.Environ(), "RUNGS_TEST_RUN_MAIN=1")
	// One pipe for both outputs, which rungs holds open until it ends (unlike StdoutPipe, which
	// Wait closes once the shell has ended).
	out, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	goRun.Stdout, goRun.Stderr = w, w
	if err := goRun.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	defer out.Close()
	lines := make(chan string)
	go func() {
		defer close(lines)
		buf := make([]byte, 4096)
		var acc string
		for {
			n, err := out.Read(buf)
			acc += string(buf[:n])
			for {
				line, rest, ok := strings.Cut(acc, "\n")
				if !ok {
					break
				}
				lines <- line
				acc = rest
			}
			if err != nil {
				return
			}
		}
	}()
	var seen []string // lines may come in any order from the shell and rungs
	wait := func(want string) string {
		t.Helper()
		for _, line := range seen {
			if strings.Contains(line, want) {
				return line
			}
		}
		timeout := time.After(time.Minute)
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					t.Fatalf("output ended before %q:\n%s", want, strings.Join(seen, "\n"))
				}
				seen = append(seen, line)
				if strings.Contains(line, want) {
					return line
				}
			case <-timeout:
				t.Fatalf("no %q within a minute", want)
			}
		}
	}
	child, err := strconv.Atoi(strings.TrimPrefix(wait("child "), "child "))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(child, syscall.SIGKILL) }) // should it not stop by itself
	wait("Serving at http://")
	goRun.Process.Kill() // the go command, not rungs
	goRun.Wait()
	wait("go run, which started this serve, has ended; stopping too.")
	wait("Stopping.")
	for range lines {
		// The output ends when rungs, the last holder of the pipe, exits.
	}
}
