package app_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// An audited page goes out only once its entry is on disk: when the entry cannot be written,
// the viewer gets an error and none of the page; while it is being written (PostgreSQL's log
// locked by another transaction), no answer goes out at all; and once it is written, the page
// does, with its entry in the log.
func TestAuditedPageWaitsForItsEntry(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		ada := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		kim := e.person("Kim Lee", "kim.lee@example.com", 0, "")
		c := e.signedIn(ada)
		path := "/people/" + itoa(kim.ID)
		views := func() int {
			t.Helper()
			n, err := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "person.view", Subject: kim.ID})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}

		// The entry cannot be written: on SQLite, its journal cannot be made beside the
		// database (the folder is gone for a moment); on PostgreSQL, a trigger refuses it.
		var repair func()
		if cfg.SQLitePath != "" {
			dir := filepath.Dir(cfg.SQLitePath)
			if err := os.Rename(dir, dir+"-away"); err != nil {
				t.Fatal(err)
			}
			repair = func() {
				if err := os.Rename(dir+"-away", dir); err != nil {
					t.Fatal(err)
				}
			}
		} else {
			if _, err := e.store.Exec(e.ctx, `CREATE FUNCTION refuse_audit() RETURNS trigger AS $$
				BEGIN RAISE EXCEPTION 'the test refuses audit entries'; END $$ LANGUAGE plpgsql`); err != nil {
				t.Fatal(err)
			}
			if _, err := e.store.Exec(e.ctx, `CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log
				FOR EACH ROW EXECUTE FUNCTION refuse_audit()`); err != nil {
				t.Fatal(err)
			}
			repair = func() {
				if _, err := e.store.Exec(e.ctx, `DROP TRIGGER refuse_audit ON audit_log`); err != nil {
					t.Fatal(err)
				}
			}
		}
		res := c.get(path)
		repair()
		if res.status != http.StatusInternalServerError || strings.Contains(res.body, "kim.lee@example.com") ||
			!strings.Contains(res.body, "Something went wrong on our side") {
			t.Errorf("the page whose entry failed: status %d, want 500 and none of the page:\n%s", res.status, res.body)
		}
		if n := views(); n != 0 {
			t.Errorf("%d entries of the view that failed", n)
		}
		if res := c.get(path); res.status != http.StatusOK || !strings.Contains(res.body, "kim.lee@example.com") {
			t.Fatalf("the page once the log takes entries again: status %d", res.status)
		}
		if n := views(); n != 1 {
			t.Errorf("%d entries after one view, want 1", n)
		}
		if cfg.PostgresURL == "" {
			return
		}

		// PostgreSQL: the log is locked by a transaction of the test's, so the entry waits.
		locked, release, unlocked := make(chan struct{}), make(chan struct{}), make(chan error, 1)
		go func() {
			unlocked <- e.store.WithTx(e.ctx, func(tx *store.Store) error {
				_, err := tx.Exec(e.ctx, "LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")
				close(locked)
				if err != nil {
					return err
				}
				<-release
				return nil
			})
		}()
		<-locked
		var once sync.Once
		unlock := func() {
			once.Do(func() { close(release) })
		}
		t.Cleanup(unlock) // a failure below must not leave the log locked
		type answer struct {
			status int
			body   string
			err    error
		}
		answered := make(chan answer, 1)
		go func() {
			res, err := c.http.Get(e.srv.URL + path)
			if err != nil {
				answered <- answer{err: err}
				return
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			answered <- answer{res.StatusCode, string(b), err}
		}()
		// The entry's insert waits for the lock...
		for {
			var waiting int
			if err := e.store.QueryRow(e.ctx, `SELECT count(*) FROM pg_stat_activity
				WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO audit_log%'`).Scan(&waiting); err != nil {
				t.Fatal(err)
			}
			if waiting > 0 {
				break
			}
			time.Sleep(5 * time.Millisecond)
		}
		// ...and the page, made in a millisecond, is not sent meanwhile.
		select {
		case a := <-answered:
			t.Fatalf("the page went out while its entry was waiting for the lock: status %d, %v", a.status, a.err)
		case <-time.After(300 * time.Millisecond):
		}
		unlock()
		if err := <-unlocked; err != nil {
			t.Fatal(err)
		}
		a := <-answered
		if a.err != nil || a.status != http.StatusOK || !strings.Contains(a.body, "kim.lee@example.com") {
			t.Fatalf("the page once its entry was written: status %d, %v", a.status, a.err)
		}
		if n := views(); n != 2 {
			t.Errorf("%d entries after two views, want 2", n)
		}
	})
}
