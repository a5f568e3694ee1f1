package cli

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A preview reloads pages; the people app does not unless --watch, and then it does.
func TestServeModes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		live bool
	}{
		{"preview", nil, true},
		{"app", []string{"--data", "people.db"}, false},
		{"app with --watch", []string{"--data", "people.db", "--watch"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			fw := filepath.Join(dir, "fw")
			if code := Main([]string{"init", fw, "--template", "minimal"}, io.Discard, io.Discard); code != 0 {
				t.Fatal("init failed")
			}
			args := []string{fw}
			for _, a := range tc.args {
				if strings.HasSuffix(a, ".db") {
					a = filepath.Join(dir, a)
				}
				args = append(args, a)
			}
			base, _, _, stop := startServe(t, args...)
			defer stop()
			_, page := get(t, base+"ladders/engineering/senior/")
			if got := strings.Contains(page, "/assets/live."); got != tc.live {
				t.Errorf("the page loads live.js: %v, want %v", got, tc.live)
			}
			ctx, cancel := context.WithCancel(context.Background())
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"_rungs/events", nil)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			cancel() // the stream never ends by itself: its status and headers are enough
			res.Body.Close()
			if live := res.StatusCode == http.StatusOK; live != tc.live {
				t.Errorf("the event stream: status %d, want it served: %v", res.StatusCode, tc.live)
			}
			if csp := res.Header.Get("Content-Security-Policy"); csp == "" {
				t.Error("no Content-Security-Policy on the site")
			}
		})
	}
}

// A people app started on a framework with errors tells visitors only that it is not
// available; the errors go to the terminal. A preview shows them, without inline script.
func TestServeErrorsNotShownToVisitors(t *testing.T) {
	t.Parallel()
	for _, app := range []bool{false, true} {
		dir := t.TempDir()
		fw := filepath.Join(dir, "fw")
		if code := Main([]string{"init", fw, "--template", "minimal"}, io.Discard, io.Discard); code != 0 {
			t.Fatal("init failed")
		}
		level := filepath.Join(fw, "ladders", "engineering", "senior.md")
		src, _ := os.ReadFile(level)
		if err := os.WriteFile(level, []byte(strings.Replace(string(src), "title: Senior Engineer", "title: [unclosed", 1)), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{fw}
		if app {
			args = append(args, "--data", filepath.Join(dir, "people.db"))
		}
		base, _, stderr, stop := startServe(t, args...)
		res, body := get(t, base)
		stop()
		if res.StatusCode != http.StatusServiceUnavailable || !strings.Contains(stderr.String(), "senior.md:2") {
			t.Errorf("app %v: status %d; stderr:\n%s", app, res.StatusCode, stderr.String())
		}
		if shown := strings.Contains(body, "senior.md"); shown == app {
			t.Errorf("app %v: errors shown to the visitor: %v\n%s", app, shown, body)
		}
		if strings.Contains(body, "<script>") {
			t.Errorf("app %v: the error page has an inline script, which the policy refuses", app)
		}
	}
}

// The people app reads a changed framework on SIGHUP, not before (without --watch).
func TestServeReloadsOnSIGHUP(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs the rungs binary")
	}
	dir := t.TempDir()
	fw := filepath.Join(dir, "fw")
	if code := Main([]string{"init", fw, "--template", "minimal"}, io.Discard, io.Discard); code != 0 {
		t.Fatal("init failed")
	}
	cmd := exec.Command(rungsBinary(t), "serve", fw, "--data", filepath.Join(dir, "people.db"), "--addr", "127.0.0.1:0")
	out := &lines{}
	cmd.Stdout, cmd.Stderr = out, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	m := out.wait(t, servingRE)
	base := m[1]

	level := filepath.Join(fw, "ladders", "engineering", "senior.md")
	src, _ := os.ReadFile(level)
	if err := replaceFile(level, []byte(strings.Replace(string(src), "title: Senior Engineer", "title: Senior Engineer Renamed", 1))); err != nil {
		t.Fatal(err)
	}
	// Not watched: the page is as it was until the signal (a rebuild would print a line
	// first, which the wait below would see).
	if _, body := get(t, base+"ladders/engineering/senior/"); !strings.Contains(body, "<h1>Senior Engineer</h1>") {
		t.Fatal("the app rebuilt without being asked")
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	out.wait(t, regexp.MustCompile(`(?s)Reading the framework again \(SIGHUP\)\.\nRendered`))
	if _, body := get(t, base+"ladders/engineering/senior/"); !strings.Contains(body, "<h1>Senior Engineer Renamed</h1>") {
		t.Error("the edit did not show after SIGHUP")
	}
}

// lines collects a process's output and lets a test wait for a pattern in it.
type lines struct {
	mu      sync.Mutex
	b       strings.Builder
	written chan struct{}
}

func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.written != nil {
		close(l.written)
		l.written = nil
	}
	return l.b.Write(p)
}

func (l *lines) wait(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.After(time.Minute) // a bound for a hung process, not a timing
	for {
		l.mu.Lock()
		if m := re.FindStringSubmatch(l.b.String()); m != nil {
			l.mu.Unlock()
			return m
		}
		if l.written == nil {
			l.written = make(chan struct{})
		}
		w := l.written
		l.mu.Unlock()
		select {
		case <-w:
		case <-deadline:
			t.Fatalf("no %q in the output:\n%s", re, l.b.String())
		}
	}
}
