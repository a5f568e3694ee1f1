package loadtest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// A run sends every scenario, counts wrong answers as errors per scenario, and reports them.
func TestRunReports(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/broken" {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	get := func(path string) func(ctx context.Context, c *Client) error {
		return func(ctx context.Context, c *Client) error {
			st, _, err := c.Get(ctx, path)
			return Expect(st, err, http.StatusOK)
		}
	}
	// A hundred requests, however long they take (a run bounded by time may end before a busy
	// machine answers any); the clients' seeded picks send some of them to each scenario.
	run := Run{Base: srv.URL, Connections: 4, Requests: 100,
		Scenarios: []Scenario{{"good", 3, get("/")}, {"broken", 1, get("/broken")}}}
	rep, err := run.Do(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	good, broken := rep.Pages[0], rep.Pages[1]
	if len(good.Latencies) == 0 || good.Errors != 0 || len(good.Latencies)+len(broken.Latencies) != 100 {
		t.Errorf("good: %d answers, %d errors", len(good.Latencies), good.Errors)
	}
	if len(broken.Latencies) == 0 || broken.Errors != len(broken.Latencies) || !strings.Contains(broken.FirstErr, "status 500") {
		t.Errorf("broken: %d answers, %d errors, first %q", len(broken.Latencies), broken.Errors, broken.FirstErr)
	}
	if rep.Errors() != broken.Errors {
		t.Errorf("Errors() = %d, want %d", rep.Errors(), broken.Errors)
	}
	var b strings.Builder
	rep.Table(&b)
	for _, want := range []string{"| request ", "| good ", "| broken ", "| all ", "first error of broken: status 500"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, b.String())
		}
	}
}

// A run bounded by requests sends exactly that many, however many connections share them.
func TestRunStopsAfterItsRequests(t *testing.T) {
	t.Parallel()
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	run := Run{Base: srv.URL, Connections: 7, Requests: 100, Scenarios: []Scenario{{"page", 1, func(ctx context.Context, c *Client) error {
		st, _, err := c.Get(ctx, "/")
		return Expect(st, err, http.StatusOK)
	}}}}
	rep, err := run.Do(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rep.Pages[0].Latencies); n != 100 || served.Load() != 100 {
		t.Errorf("%d answers, %d served; want 100", n, served.Load())
	}
}

// A run bounded by time waits for the requests in flight when its time is up and counts
// them, rather than cancelling them: cancelled, they stopped the server's work in the middle.
func TestRunLetsItsLastRequestsFinish(t *testing.T) {
	t.Parallel()
	var served, cancelled atomic.Int64
	arrived, release := make(chan struct{}, 1), make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		select {
		case arrived <- struct{}{}:
		default:
		}
		select {
		case <-release:
			_, _ = w.Write([]byte("ok"))
		case <-r.Context().Done():
			cancelled.Add(1)
		}
	}))
	defer srv.Close()
	run := Run{Base: srv.URL, Connections: 3, Duration: 100 * time.Millisecond, Scenarios: []Scenario{{"page", 1, func(ctx context.Context, c *Client) error {
		st, _, err := c.Get(ctx, "/")
		return Expect(st, err, http.StatusOK)
	}}}}
	go func() {
		// The run started before its first request came: its time is up after this.
		<-arrived
		time.Sleep(run.Duration + 50*time.Millisecond)
		close(release)
	}()
	rep, err := run.Do(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(rep.Pages[0].Latencies); n == 0 || int64(n) != served.Load() || rep.Errors() != 0 || cancelled.Load() != 0 {
		t.Errorf("%d answers, %d errors, %d served, %d cancelled; want every request served answered", n, rep.Errors(), served.Load(), cancelled.Load())
	}
}

func TestPercentile(t *testing.T) {
	t.Parallel()
	s := &Stats{}
	for i := 100; i >= 1; i-- {
		s.Latencies = append(s.Latencies, time.Duration(i)*time.Millisecond)
	}
	if p := s.Percentile(50); p != 50*time.Millisecond {
		t.Errorf("p50 = %s", p)
	}
	if p := s.Percentile(99); p != 99*time.Millisecond {
		t.Errorf("p99 = %s", p)
	}
	if p := s.Percentile(100); p != 100*time.Millisecond {
		t.Errorf("max = %s", p)
	}
}

// CPU counts the time a process has spent working: this one's, while it works.
func TestCPU(t *testing.T) {
	t.Parallel()
	self := []int{os.Getpid()}
	before := CPU(self)
	n := 0
	for CPU(self) == before { // each call reads /proc, which takes processor time itself
		n++
		if n > 1_000_000 {
			t.Fatalf("CPU stayed at %s", before)
		}
	}
	if CPU([]int{}) != 0 {
		t.Errorf("CPU of no process: %s", CPU([]int{}))
	}
	// The database's part is that of the processes after the server's: none without them.
	if got := (Run{CPUOf: self}).databaseCPU(); got != 0 {
		t.Errorf("the database's CPU with no database: %s", got)
	}
	if got := (Run{CPUOf: []int{-1, os.Getpid()}}).databaseCPU(); got < before {
		t.Errorf("the database's CPU, this process's: %s, less than the %s it had used before", got, before)
	}
}

// A client sends its requests on one connection of its own, as a browser would: it keeps the
// cookies answers set and sends them back, reads answers of any length and framing, opens a
// new connection when the server closes one or when one has been idle too long, and gives up
// a request whose context ends.
func TestClientConnection(t *testing.T) {
	t.Parallel()
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/set":
			http.SetCookie(w, &http.Cookie{Name: "k", Value: "v1", Path: "/"})
		case "/echo":
			k, _ := r.Cookie("k")
			if k == nil {
				http.Error(w, "no cookie", http.StatusBadRequest)
				return
			}
			_, _ = w.Write([]byte(k.Value))
		case "/big": // more than the server buffers: sent in chunks
			w.(http.Flusher).Flush()
			_, _ = w.Write([]byte(strings.Repeat("x", 200_000)))
		case "/close":
			w.Header().Set("Connection", "close")
			_, _ = w.Write([]byte("bye"))
		case "/form":
			_ = r.ParseForm()
			_, _ = w.Write([]byte(r.PostForm.Get("csrf") + "," + r.PostForm.Get("a")))
		case "/hang":
			<-r.Context().Done()
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	ctx := context.Background()
	c := NewClient(srv.URL, 1)
	get := func(path string, want int, body string) {
		t.Helper()
		st, got, err := c.Get(ctx, path)
		if err != nil || st != want || (body != "" && got != body) {
			t.Fatalf("GET %s: %d %.40q %v; want %d %q", path, st, got, err, want, body)
		}
	}
	get("/echo", http.StatusBadRequest, "")
	get("/set", http.StatusOK, "")
	get("/echo", http.StatusOK, "v1")
	get("/big", http.StatusOK, strings.Repeat("x", 200_000))
	// GetBytes reads the same answer into the client's buffer, which Get then reads over.
	if st, got, err := c.GetBytes(ctx, "/echo"); err != nil || st != http.StatusOK || string(got) != "v1" {
		t.Fatalf("GetBytes /echo: %d %q %v", st, got, err)
	}
	if st, got, err := c.GetBytes(ctx, "/big"); err != nil || st != http.StatusOK || string(got) != strings.Repeat("x", 200_000) {
		t.Fatalf("GetBytes /big: %d %.40q %v", st, got, err)
	}
	c.CSRF = "t0"
	if st, got, err := c.Post(ctx, "/form", map[string]string{"a": "b c"}); err != nil || st != http.StatusOK || got != "t0,b c" {
		t.Fatalf("POST /form: %d %q %v", st, got, err)
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("%d connections for seven requests, want 1", n)
	}
	get("/close", http.StatusOK, "bye")
	get("/echo", http.StatusOK, "v1")
	if n := conns.Load(); n != 2 {
		t.Errorf("%d connections after the server closed one, want 2", n)
	}
	c.conn.used = time.Now().Add(-connIdle - time.Second)
	get("/echo", http.StatusOK, "v1")
	if n := conns.Load(); n != 3 {
		t.Errorf("%d connections after one was idle too long, want 3", n)
	}
	hung, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	if _, _, err := c.Get(hung, "/hang"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a request whose context ended: %v, want the context's error", err)
	}
	get("/echo", http.StatusOK, "v1")
}
