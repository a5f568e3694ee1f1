package obs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/rungs/rungs/internal/obs"
	"github.com/rungs/rungs/internal/obs/obstest"
	"github.com/rungs/rungs/internal/store"
)

// logBuffer is a log destination safe for the server's goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lines are the JSON log lines written so far.
func (l *logBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %v\n%s", err, line)
		}
		out = append(out, m)
	}
	return out
}

// app is a small stand-in for the people app: a ServeMux with patterns, an audit event and
// a failure, behind obs.Handler.
func app(t *testing.T, m *obs.Metrics) (*httptest.Server, *logBuffer) {
	t.Helper()
	var logs logBuffer
	log, err := obs.NewLogger(&logs, obs.FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /people/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "person %s, request %s", r.PathValue("id"), obs.RequestID(r.Context()))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		obs.Audited(r.Context(), "login.failed")
		http.Error(w, "no", http.StatusUnauthorized)
	})
	mux.HandleFunc("GET /broken", func(w http.ResponseWriter, r *http.Request) {
		obs.Logger(r.Context()).Error("request failed", "err", errors.New("person grace@example.com: database is closed"))
		http.Error(w, "sorry", http.StatusInternalServerError)
	})
	mux.HandleFunc("GET /stream", func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		fmt.Fprint(w, "data: 1\n\n")
		if err := rc.Flush(); err != nil {
			t.Errorf("flush through the recorder: %v", err)
		}
	})
	srv := httptest.NewServer(obs.Handler(mux, log, m))
	t.Cleanup(srv.Close)
	return srv, &logs
}

func do(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

// One line per request, with the route pattern, status, size, time and id, and neither the
// path nor the query: they may hold a token or a name.
func TestOneLinePerRequest(t *testing.T) {
	t.Parallel()
	srv, logs := app(t, nil)
	res, body := do(t, "GET", srv.URL+"/people/987654321?q=Grace+Hopper")
	id := res.Header.Get(obs.RequestIDHeader)
	if len(id) != 16 || !strings.HasSuffix(body, "request "+id) {
		t.Fatalf("request id %q, in the handler %q", id, body)
	}
	do(t, "POST", srv.URL+"/login")
	do(t, "GET", srv.URL+"/nowhere/secret-token")
	do(t, "BREW", srv.URL+"/people/1")
	do(t, "GET", srv.URL+"/stream")
	lines := logs.lines(t)
	if len(lines) != 5 {
		t.Fatalf("%d log lines for 5 requests:\n%v", len(lines), lines)
	}
	want := []struct {
		method, route string
		status        float64
	}{
		{"GET", "GET /people/{id}", 200}, {"POST", "POST /login", 401}, {"GET", "unmatched", 404},
		{"other", "unmatched", 405}, {"GET", "GET /stream", 200},
	}
	for i, w := range want {
		l := lines[i]
		if l["msg"] != "request" || l["method"] != w.method || l["route"] != w.route || l["status"] != w.status ||
			l["request_id"] == "" || l["duration_ms"] == nil || l["level"] != "INFO" {
			t.Errorf("line %d: %v, want %+v", i, l, w)
		}
	}
	if lines[0]["request_id"] != id || lines[0]["bytes"].(float64) != float64(len(body)) {
		t.Errorf("first line %v: want id %s and %d bytes", lines[0], id, len(body))
	}
	all := fmt.Sprint(lines)
	for _, leak := range []string{"987654321", "Grace", "secret-token", "nowhere", "BREW"} {
		if strings.Contains(all, leak) {
			t.Errorf("the log holds %q:\n%s", leak, all)
		}
	}
}

// Email addresses are masked wherever they appear: message, attribute or error.
func TestLogsMaskEmails(t *testing.T) {
	t.Parallel()
	srv, logs := app(t, nil)
	do(t, "GET", srv.URL+"/broken")
	var text bytes.Buffer
	tl, _ := obs.NewLogger(&text, obs.FormatText)
	tl.Info("import of ada@example.com done", "who", "O'Brien@mail.example.org", "err", errors.New("account of bob@example.co.uk"))
	lines := logs.lines(t)
	if len(lines) != 2 || lines[0]["err"] != "person [email]: database is closed" || lines[1]["status"] != 500.0 || lines[1]["level"] != "ERROR" {
		t.Errorf("lines: %v", lines)
	}
	if strings.Contains(text.String(), "@") || strings.Count(text.String(), "[email]") != 3 {
		t.Errorf("text log: %s", text.String())
	}
	if _, err := obs.NewLogger(io.Discard, "xml"); err == nil {
		t.Error("log format xml accepted")
	}
}

// scrape reads the metrics as Prometheus does and parses them with its text parser.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	res, body := do(t, "GET", url)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("metrics: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	return obstest.ParseMetrics(t, body)
}

func TestMetricsParse(t *testing.T) {
	t.Parallel()
	st, err := store.Open(context.Background(), store.Config{SQLitePath: filepath.Join(t.TempDir(), "rungs.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	m := obs.NewMetrics(obs.Info{Version: "v9.8.7", Schema: 2, Pools: st.Pools()})
	srv, _ := app(t, m)
	for range 3 {
		do(t, "GET", srv.URL+"/people/7")
	}
	do(t, "POST", srv.URL+"/login")
	do(t, "POST", srv.URL+"/login")
	m.Built(30*time.Millisecond, 20*time.Millisecond, true)
	m.Built(10*time.Millisecond, 0, false)
	m.BackedUp(time.Second, time.Unix(1700000000, 0), nil)
	m.WriteWaited(2*time.Millisecond, false)
	m.WriteWaited(time.Millisecond, false)
	m.WriteWaited(10*time.Second, true)
	m.AuditWritten(300 * time.Microsecond)
	m.AuditWritten(40 * time.Millisecond)
	metrics := httptest.NewServer(m.Handler())
	defer metrics.Close()
	fams := scrape(t, metrics.URL)
	checks := []struct {
		name   string
		labels []string
		want   float64
	}{
		{"rungs_http_requests_total", []string{"method", "GET", "route", "GET /people/{id}", "code", "200"}, 3},
		{"rungs_http_requests_total", []string{"method", "POST", "route", "POST /login", "code", "401"}, 2},
		{"rungs_http_request_duration_seconds", []string{"route", "GET /people/{id}"}, 3},
		{"rungs_audit_events_total", []string{"action", "login.failed"}, 2},
		{"rungs_framework_builds_total", []string{"outcome", "ok"}, 1},
		{"rungs_framework_builds_total", []string{"outcome", "error"}, 1},
		{"rungs_framework_load_duration_seconds", nil, 2},
		{"rungs_site_render_duration_seconds", nil, 1},
		{"rungs_backup_last_success_timestamp_seconds", nil, 1700000000},
		{"rungs_db_write_wait_seconds", []string{"outcome", "ok"}, 2},
		{"rungs_db_write_wait_seconds", []string{"outcome", "busy"}, 1},
		{"rungs_audit_write_seconds", nil, 2},
		{"rungs_build_info", []string{"version", "v9.8.7", "schema", "2"}, 1},
		{"rungs_http_requests_in_flight", nil, 0},
		{"go_sql_max_open_connections", []string{"db_name", "write"}, 1},
		{"go_sql_max_open_connections", []string{"db_name", "read"}, 4},
	}
	for _, c := range checks {
		if got := obstest.MetricValue(fams, c.name, c.labels...); got != c.want && !(c.name == "go_sql_max_open_connections" && c.labels[1] == "read" && got >= 4) {
			t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "go_sql_open_connections", "go_sql_wait_count_total"} {
		if fams[name] == nil {
			t.Errorf("no %s", name)
		}
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var problem error
	var logs logBuffer
	log, _ := obs.NewLogger(&logs, obs.FormatJSON)
	h := obs.NewHealth(func(ctx context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		return problem
	}, log)
	app := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "sign in", http.StatusUnauthorized) })
	srv := httptest.NewServer(h.Mount(app))
	defer srv.Close()
	expect := func(path string, status int, body string) {
		t.Helper()
		res, got := do(t, "GET", srv.URL+path)
		if res.StatusCode != status || got != body || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d %q, want %d %q", path, res.StatusCode, got, status, body)
		}
	}
	expect("/healthz", 200, "ok\n")
	expect("/readyz", 200, "ok\n")
	if res, _ := do(t, "GET", srv.URL+"/people"); res.StatusCode != 401 {
		t.Errorf("other paths go to the app: %d", res.StatusCode)
	}
	if res, _ := do(t, "POST", srv.URL+"/readyz"); res.StatusCode != 405 {
		t.Errorf("POST /readyz: %d", res.StatusCode)
	}
	mu.Lock()
	problem = errors.New("database unreachable: dial unix /run/pg: connection refused")
	mu.Unlock()
	for range 3 {
		expect("/readyz", 503, "not ready\n") // the reason is in the log, not the answer
	}
	expect("/healthz", 200, "ok\n")
	mu.Lock()
	problem = nil
	mu.Unlock()
	expect("/readyz", 200, "ok\n")
	lines := logs.lines(t)
	if len(lines) != 2 || lines[0]["msg"] != "not ready" || !strings.Contains(lines[0]["err"].(string), "connection refused") ||
		lines[1]["msg"] != "ready again" {
		t.Errorf("the log should say once that it is not ready and once that it is again: %v", lines)
	}
}

func TestWriterLogsLines(t *testing.T) {
	t.Parallel()
	var logs logBuffer
	log, _ := obs.NewLogger(&logs, obs.FormatJSON)
	fmt.Fprint(obs.Writer(log, "app error"), "rungs: first\nrungs: second for ada@example.com\n")
	lines := logs.lines(t)
	if len(lines) != 2 || lines[0]["detail"] != "rungs: first" || lines[1]["detail"] != "rungs: second for [email]" || lines[1]["level"] != "ERROR" {
		t.Errorf("lines: %v", lines)
	}
}
