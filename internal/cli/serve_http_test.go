package cli

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/site"
)

// startLimited serves the bundled framework's live preview within limits l, with a quick
// heartbeat on its event stream, and returns its address.
func startLimited(t *testing.T, l httpLimits) string {
	t.Helper()
	fsys, _ := frameworks.FS(frameworks.Default)
	f, _, err := ladder.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	s, err := site.Render(f, fsys, site.Options{LiveReload: true})
	if err != nil {
		t.Fatal(err)
	}
	h, err := site.NewHandler(s, "")
	if err != nil {
		t.Fatal(err)
	}
	p := site.NewPreview(site.PreviewOptions{Live: true, Heartbeat: l.Read / 6})
	p.Update(h)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := newHTTPServer(p, l, io.Discard)
	go srv.Serve(ln)
	t.Cleanup(func() { p.Close(); srv.Close() })
	return ln.Addr().String()
}

// short limits, so that the tests see them act; the waits below are for what the server does.
var short = httpLimits{ReadHeader: 300 * time.Millisecond, Read: 600 * time.Millisecond, Write: 600 * time.Millisecond,
	Idle: 300 * time.Millisecond, MaxHeaderBytes: 4 << 10}

// closedWithin reads from conn until the server closes it, and fails if it has not within
// a bound far above the limits (a hung connection, not a timing).
func closedWithin(t *testing.T, conn net.Conn, what string) string {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	b, err := io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("%s: the server kept the connection open", what)
	}
	return string(b)
}

// A body that never finishes, a request whose headers never end, headers too large and an
// idle kept-alive connection are all cut off; only the event stream outlives the timeouts.
func TestServerLimits(t *testing.T) {
	t.Parallel()
	addr := startLimited(t, short)
	dial := func() net.Conn {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	t.Run("slow body", func(t *testing.T) {
		t.Parallel()
		c := dial()
		_, _ = io.WriteString(c, "POST /ladders/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nname=")
		closedWithin(t, c, "a body that never ends")
	})
	t.Run("slow headers", func(t *testing.T) {
		t.Parallel()
		c := dial()
		_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n")
		closedWithin(t, c, "headers that never end")
	})
	t.Run("headers too large", func(t *testing.T) {
		t.Parallel()
		c := dial()
		_, _ = io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("a", 16<<10)+"\r\n\r\n")
		if got := closedWithin(t, c, "headers too large"); !strings.HasPrefix(got, "HTTP/1.1 431") {
			t.Errorf("headers too large: %.60q, want 431", got)
		}
	})
	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		c := dial()
		_, _ = io.WriteString(c, "GET /ladders/engineering/ HTTP/1.1\r\nHost: x\r\n\r\n")
		if got := closedWithin(t, c, "an idle connection"); !strings.HasPrefix(got, "HTTP/1.1 200") {
			t.Errorf("the request before idling: %.60q", got)
		}
	})
	t.Run("event stream", func(t *testing.T) {
		t.Parallel()
		res, err := http.Get("http://" + addr + "/_rungs/events")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		// Twelve heartbeats at a sixth of the read timeout each: twice the read and write
		// timeouts, and the stream is still open.
		sc := bufio.NewScanner(res.Body)
		beats := 0
		for beats < 12 && sc.Scan() {
			if strings.HasPrefix(sc.Text(), ": ") {
				beats++
			}
		}
		if beats < 12 {
			t.Fatalf("the event stream ended after %d heartbeats: %v", beats, sc.Err())
		}
	})
}
