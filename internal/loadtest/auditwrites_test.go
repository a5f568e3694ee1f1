package loadtest_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/loadtest"
	"github.com/rungs/rungs/internal/obs"
)

// TestAuditWrites reads the server's histogram of audit writes, before and after a run, and
// counts the slow ones of the run alone.
func TestAuditWrites(t *testing.T) {
	t.Parallel()
	m := obs.NewMetrics(obs.Info{Version: "test"})
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	ctx := context.Background()
	m.AuditWritten(80 * time.Millisecond) // before the run
	before, err := loadtest.ScrapeAuditWrites(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Duration{300 * time.Microsecond, 2 * time.Millisecond, 20 * time.Millisecond, 40 * time.Millisecond, 60 * time.Millisecond} {
		m.AuditWritten(d)
	}
	after, err := loadtest.ScrapeAuditWrites(ctx, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	run := after.Since(before)
	if run.Count != 5 || run.Over(.01) != 3 || run.Over(.025) != 2 || run.Over(.05) != 1 {
		t.Errorf("the run's groups: %d, over 10 ms %d, 25 ms %d, 50 ms %d; want 5, 3, 2, 1", run.Count, run.Over(.01), run.Over(.025), run.Over(.05))
	}
	var b bytes.Buffer
	loadtest.AuditTable(&b, []string{"admin list"}, []loadtest.AuditWrites{run})
	if !strings.Contains(b.String(), "| admin list                   |            5 |        3 |        2 |        1 |") {
		t.Errorf("the table:\n%s", b.String())
	}
	// Metrics without the histogram (a server of another program) are an error.
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("# TYPE up gauge\nup 1\n"))
	}))
	defer other.Close()
	if _, err := loadtest.ScrapeAuditWrites(ctx, other.URL); err == nil || !strings.Contains(err.Error(), "no rungs_audit_write_seconds") {
		t.Errorf("metrics without the histogram: %v", err)
	}
}
