// Package mailtest runs a real SMTP server for tests: Mailpit, which speaks SMTP (with
// authentication), keeps what it receives, and gives it back through an HTTP API.
package mailtest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/fsutil"
)

// Module is the Mailpit the tests run, built from the Go module proxy at this version (its
// dependencies never enter rungs' module graph).
const Module = "github.com/axllent/mailpit@v1.27.11"

// binary builds Mailpit once into the user's cache, where later runs find it. go test runs
// the test binaries of several packages at once, and on a machine without it each built it,
// at the same time (36 s alone on two cores; two at once beside the other tests kept the mail
// tests waiting three minutes): the first to take the lock beside it builds it, and the
// others wait and find it built.
var binary = sync.OnceValues(func() (string, error) {
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(cache, "rungs-test", strings.ReplaceAll(Module, "/", "_"))
	bin := filepath.Join(dir, "mailpit")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(dir+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close()
	_ = fsutil.Lock(lock) // where there are no locks, each builds its own
	if _, err := os.Stat(bin); err == nil {
		return bin, nil // built while this one waited
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", "install", Module)
	cmd.Dir = tmp
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=-buildvcs=false")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go install %s: %v\n%s", Module, err, out)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return bin, os.Rename(filepath.Join(tmp, "mailpit"), bin)
})

// Server is a running Mailpit: SMTP is where to send mail, host:port.
type Server struct {
	t    testing.TB
	SMTP string
	api  string
}

// FreePort is an address on 127.0.0.1 nobody listens on.
func FreePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Start starts a Mailpit of the test's own, which accepts any sign-in, and stops it when the
// test ends. Without one (no Go toolchain, no module proxy) the test is skipped, unless
// RUNGS_REQUIRE_MAIL is set.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := binary()
	if err != nil {
		if os.Getenv("RUNGS_REQUIRE_MAIL") == "" {
			t.Skipf("the mail tests need Mailpit, which did not build (set RUNGS_REQUIRE_MAIL=1 to make this a failure): %v", err)
		}
		t.Fatal(err)
	}
	m := &Server{t: t, SMTP: FreePort(t), api: FreePort(t)}
	cmd := exec.Command(bin, "--smtp", m.SMTP, "--listen", m.api, "--quiet", "--disable-version-check",
		"--smtp-auth-accept-any", "--smtp-auth-allow-insecure", "--database", filepath.Join(t.TempDir(), "mail.db"))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		res, err := http.Get("http://" + m.api + "/api/v1/messages")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("Mailpit did not start: %v", err)
		}
	}
	return m
}

// Message is one message as Mailpit keeps it.
type Message struct {
	ID      string
	Subject string
	To      []struct{ Name, Address string }
	Text    string
	HTML    string
}

// To returns the messages Mailpit received for address, oldest first, read in full.
func (m *Server) To(address string) []Message {
	m.t.Helper()
	get := func(path string, into any) {
		res, err := http.Get("http://" + m.api + path)
		if err != nil {
			m.t.Fatal(err)
		}
		defer res.Body.Close()
		if err := json.NewDecoder(res.Body).Decode(into); err != nil {
			m.t.Fatal(err)
		}
	}
	var list struct{ Messages []Message }
	get("/api/v1/search?query="+url.QueryEscape("to:"+address), &list)
	var out []Message
	for i := len(list.Messages) - 1; i >= 0; i-- {
		var full Message
		get("/api/v1/message/"+list.Messages[i].ID, &full)
		out = append(out, full)
	}
	return out
}
