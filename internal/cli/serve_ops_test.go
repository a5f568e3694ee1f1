package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/rungs/rungs/internal/obs/obstest"
	"github.com/rungs/rungs/internal/store"
)

var metricsRE = regexp.MustCompile(`Metrics at (http://\S+/metrics)`)

// TestServeOps runs serve as an operator would, on both databases: JSON logs with one line
// per request, metrics on their own address that Prometheus' parser reads, /healthz and
// /readyz, and readiness lost and regained when the database goes away and comes back.
func TestServeOps(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, flags []string, cfg store.Config) {
		session := adminSession(t, cfg)
		base, stdout, stderr, stop := startServe(t, append([]string{"--log-format", "json", "--metrics-addr", "127.0.0.1:0"}, flags...)...)
		defer stop()
		m := metricsRE.FindStringSubmatch(stdout.String())
		if m == nil {
			t.Fatalf("no metrics address printed:\n%s", stdout.String())
		}
		metricsURL := m[1]

		for _, p := range []string{"healthz", "readyz"} {
			if res, body := get(t, base+p); res.StatusCode != 200 || body != "ok\n" {
				t.Errorf("/%s: %d %q", p, res.StatusCode, body)
			}
			if res, body := get(t, strings.TrimSuffix(metricsURL, "metrics")+p); res.StatusCode != 200 || body != "ok\n" {
				t.Errorf("/%s on the metrics address: %d %q", p, res.StatusCode, body)
			}
		}
		if res, _ := get(t, base+"metrics"); res.StatusCode != http.StatusNotFound {
			t.Errorf("/metrics on the public address: %d, want 404", res.StatusCode)
		}

		c := newAppClient(t, base, session) // 1 request
		requests := 1 + 1                   // and /metrics above
		status, page, hdr := c.get("/people/987654")
		requests++
		id := hdr.Get("X-Request-Id")
		if status != http.StatusNotFound || id == "" || !strings.Contains(page, "<code>"+id+"</code>") {
			t.Fatalf("error page: %d, request id %q\n%.800s", status, id, page)
		}
		c.get("/people")
		requests++
		// A failed sign-in, counted by its audit event.
		jar, _ := cookiejar.New(nil)
		browser := &http.Client{Jar: jar}
		res, err := browser.Get(base + "login")
		if err != nil {
			t.Fatal(err)
		}
		loginPage := readAll(res)
		csrf := csrfRE.FindStringSubmatch(loginPage)
		const wrong = "not the password, nor anyone's"
		forbidInLogs(wrong)
		res, err = browser.PostForm(base+"login", url.Values{"csrf": {csrf[1]}, "email": {"ada.admin@example.com"}, "password": {wrong}})
		if err != nil {
			t.Fatal(err)
		}
		readAll(res)
		requests += 2
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("wrong password: %d", res.StatusCode)
		}
		for _, ck := range jar.Cookies(res.Request.URL) {
			forbidInLogs(ck.Value)
		}

		fams := scrapeMetrics(t, metricsURL)
		pool := "postgres"
		if cfg.SQLitePath != "" {
			pool = "write"
		}
		for _, c := range []struct {
			name   string
			labels []string
			least  float64
		}{
			{"rungs_http_requests_total", []string{"route", "GET /people/{id}", "code", "404"}, 1},
			{"rungs_http_requests_total", []string{"route", "GET /people/new", "code", "200"}, 1},
			{"rungs_http_requests_total", []string{"route", "POST /login", "code", "401"}, 1},
			{"rungs_http_request_duration_seconds", []string{"route", "GET /people"}, 1},
			{"rungs_audit_events_total", []string{"action", "login.failed"}, 1},
			// The failed sign-in's audit entry, put on disk in a group of its own or with others.
			{"rungs_audit_write_seconds", nil, 1},
			{"rungs_framework_builds_total", []string{"outcome", "ok"}, 1},
			{"rungs_site_render_duration_seconds", nil, 1},
			{"go_sql_open_connections", []string{"db_name", pool}, 1},
			{"rungs_build_info", []string{"version", version()}, 1},
		} {
			if got := obstest.MetricValue(fams, c.name, c.labels...); got < c.least {
				t.Errorf("%s%v = %v, want at least %v", c.name, c.labels, got, c.least)
			}
		}
		// SQLite's writes report their wait for a turn (the failed sign-in's audit entry, at
		// least); PostgreSQL's do not take turns.
		if got := obstest.MetricValue(fams, "rungs_db_write_wait_seconds", "outcome", "ok"); (pool == "write") != (got >= 1) {
			t.Errorf("rungs_db_write_wait_seconds{outcome=ok} on the %s pool = %v", pool, got)
		}

		// The database goes away: not ready, saying nothing of why; back: ready.
		down, up := takeDown(t, cfg)
		down()
		for _, u := range []string{base + "readyz", strings.TrimSuffix(metricsURL, "metrics") + "readyz"} {
			if res, body := get(t, u); res.StatusCode != http.StatusServiceUnavailable || body != "not ready\n" {
				t.Errorf("%s with the database down: %d %q", u, res.StatusCode, body)
			}
		}
		if res, _ := get(t, base+"healthz"); res.StatusCode != 200 {
			t.Errorf("/healthz with the database down: %d", res.StatusCode)
		}
		up()
		if res, body := get(t, base+"readyz"); res.StatusCode != 200 || body != "ok\n" {
			t.Errorf("/readyz with the database back: %d %q", res.StatusCode, body)
		}
		if err := stop(); err != nil {
			t.Fatal(err)
		}

		// The log: JSON lines only, one per request to the app (none for the probes), the
		// error page's id among them, and readiness lost and regained said once each.
		var lines []map[string]any
		for _, line := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
			var l map[string]any
			if err := json.Unmarshal([]byte(line), &l); err != nil {
				t.Fatalf("a log line is not JSON: %q", line)
			}
			lines = append(lines, l)
		}
		count := map[string]int{}
		found := false
		for _, l := range lines {
			count[l["msg"].(string)]++
			if l["msg"] == "request" && l["request_id"] == id {
				found = l["route"] == "GET /people/{id}" && l["status"] == 404.0
			}
		}
		if count["request"] != requests || count["not ready"] != 1 || count["ready again"] != 1 || !found {
			t.Errorf("%v messages for %d requests (the error page's found: %v):\n%s", count, requests, found, stderr.String())
		}
	})
}

// takeDown returns how to make cfg's database unusable to the running server and how to give
// it back: on PostgreSQL connections are refused and the open ones ended; SQLite cannot be
// taken away from a process that holds it open, so a newer rungs "upgrades" it instead,
// which serve must not serve either.
func takeDown(t *testing.T, cfg store.Config) (down, up func()) {
	t.Helper()
	ctx := context.Background()
	if cfg.SQLitePath != "" {
		db, err := sql.Open("sqlite", "file:"+cfg.SQLitePath+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		exec := func(q string, args ...any) {
			if _, err := db.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		v := store.SchemaVersion() + 1
		return func() { exec(`INSERT INTO schema_migrations VALUES (?, 'future.sql', '2030-01-01 00:00:00+00:00')`, v) },
			func() { exec(`DELETE FROM schema_migrations WHERE version = ?`, v) }
	}
	u, err := url.Parse(cfg.PostgresURL)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	u.Path = "/postgres"
	admin, err := sql.Open("pgx", u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	exec := func(q string) {
		if _, err := admin.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return func() {
			exec(`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS false`)
			exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '` + name + `'`)
		}, func() {
			exec(`ALTER DATABASE ` + name + ` ALLOW_CONNECTIONS true`)
		}
}

func readAll(res *http.Response) string {
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String()
		}
	}
}

// scrapeMetrics reads the metrics as Prometheus does, with its text parser.
func scrapeMetrics(t *testing.T, u string) map[string]*dto.MetricFamily {
	t.Helper()
	res, body := get(t, u)
	if res.StatusCode != 200 {
		t.Fatalf("metrics: %d", res.StatusCode)
	}
	return obstest.ParseMetrics(t, body)
}

// Every server these tests start keeps its log (standard error) for obstest, which searches
// every line once all the tests have run for the secrets and emails the tests used.

// keepLog adds a server's log to those checked at the end.
func keepLog(b *syncBuffer) { obstest.Keep(b) }

// forbidInLogs names values no log line may hold.
func forbidInLogs(values ...string) { obstest.Forbid(values...) }
