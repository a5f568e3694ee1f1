package cli

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/storetest"
)

// eachDatabase runs test with the serve flags of a new SQLite file and of a new PostgreSQL
// database (skipped with -short), and the store.Config that reaches the same database.
func eachDatabase(t *testing.T, test func(t *testing.T, flags []string, cfg store.Config)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "rungs.db")
		test(t, []string{"--data", path}, store.Config{SQLitePath: path})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		u := storetest.Postgres(t)
		test(t, []string{"--db", u}, store.Config{PostgresURL: u})
	})
}

// flagsOf gives the database flags of cfg.
func flagsOf(cfg store.Config) []string {
	if cfg.PostgresURL != "" {
		return []string{"--db", cfg.PostgresURL}
	}
	return []string{"--data", cfg.SQLitePath}
}

// adminSession adds an admin to the database and returns a session token for them, made in
// the store: a sign-in through the form would hash a password with the real settings.
func adminSession(t *testing.T, cfg store.Config) string {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := s.CreatePerson(ctx, store.Person{Name: "Ada Admin", Email: "ada.admin@example.com", StartDate: time.Date(2020, 1, 6, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := access.CreateAccount(ctx, s, p.ID, "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g", store.Admin)
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := access.CreateSession(ctx, s, access.Session{AccountID: acct.ID, ExpiresAt: time.Now().Add(24 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	forbidInLogs(token, "ada.admin@example.com")
	return token
}

// appClient is a signed-in browser of a running serve: it keeps the session cookie and does
// not follow redirects.
type appClient struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newAppClient(t *testing.T, base, session string) *appClient {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(base)
	jar.SetCookies(u, []*http.Cookie{{Name: "rungs_session", Value: session, Path: "/"}})
	c := &appClient{t: t, base: strings.TrimSuffix(base, "/"), http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	status, page, _ := c.get("/people/new")
	m := csrfRE.FindStringSubmatch(page)
	if status != http.StatusOK || m == nil {
		t.Fatalf("the new-person page as admin: %d\n%.500s", status, page)
	}
	c.csrf = m[1]
	return c
}

func (c *appClient) get(path string) (int, string, http.Header) {
	c.t.Helper()
	res, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

// post sends a form and returns the status and where it redirects to.
func (c *appClient) post(path string, form url.Values) (int, string, error) {
	form.Set("csrf", c.csrf)
	res, err := c.http.PostForm(c.base+path, form)
	if err != nil {
		return 0, "", err
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return res.StatusCode, "", fmt.Errorf("POST %s: %d\n%.300s", path, res.StatusCode, body)
	}
	return res.StatusCode, res.Header.Get("Location"), nil
}

// op is one write a load writer made: what it wrote and, on a counter shared by every
// writer and the backup, when the request was sent and when its answer came back.
type op struct {
	writer     int
	key        string // the new person's email, or the note of a level change
	start, end int64
}

// TestBackupUnderLoad is the backup's promise, on both databases: writers keep adding people
// and level changes through a running `rungs serve` while `rungs admin backup` runs; the
// backup restores into a new database holding exactly a consistent prefix of the writes.
// Which writes that is does not depend on timing: every write answered before the backup
// began is in it, none sent after it ended is, and a write in it implies every write that
// was answered before that one was sent.
func TestBackupUnderLoad(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, flags []string, cfg store.Config) {
		session := adminSession(t, cfg)
		base, _, _, stop := startServe(t, flags...)
		defer stop()

		var clock atomic.Int64
		var mu sync.Mutex
		var ops []op
		record := func(o op) {
			mu.Lock()
			ops = append(ops, o)
			mu.Unlock()
		}
		const writers, most = 3, 5000 // most bounds a writer that the backup never catches up with
		done := make(chan struct{})
		progress := make(chan op, writers*most) // every write, once answered
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for w := range writers {
			c := newAppClient(t, base, session)
			wg.Go(func() {
				var person string
				for i := range most {
					select {
					case <-done:
						return
					default:
					}
					o := op{writer: w, start: clock.Add(1)}
					var err error
					if i%2 == 0 {
						o.key = fmt.Sprintf("w%d.p%d@example.com", w, i)
						_, person, err = c.post("/people", url.Values{"name": {fmt.Sprintf("Writer %d person %d", w, i)},
							"email": {o.key}, "start": {"2024-02-01"}, "level": {"engineering/engineer"}, "track": {"product"}})
						person, _, _ = strings.Cut(person, "?")
					} else {
						o.key = fmt.Sprintf("w%d.op%d", w, i)
						_, _, err = c.post(person+"/levels", url.Values{"level": {"engineering/senior"}, "track": {"product"},
							"reason": {"promotion"}, "date": {"2025-03-01"}, "note": {o.key}})
					}
					if err != nil {
						errs <- err
						return
					}
					o.end = clock.Add(1)
					record(o)
					progress <- o
				}
			})
		}
		// Back up once every writer has written a few times, and let them go on until each
		// has written a few times after the backup ended.
		waitWrites(t, progress, writers, 6, 0, errs)
		backupFile := filepath.Join(t.TempDir(), "mid-load.rungs-backup")
		began := clock.Add(1)
		if err := Run(context.Background(), append([]string{"admin", "backup", "-o", backupFile}, flagsOf(cfg)...), io.Discard, io.Discard); err != nil {
			t.Fatalf("backup: %v", err)
		}
		ended := clock.Add(1)
		waitWrites(t, progress, writers, 4, ended, errs)
		close(done)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}

		fresh := store.Config{SQLitePath: filepath.Join(t.TempDir(), "restored.db")}
		if cfg.SQLitePath != "" && !testing.Short() {
			fresh = store.Config{PostgresURL: storetest.EmptyPostgres(t)} // and across: SQLite into PostgreSQL
		}
		var out strings.Builder
		if err := Run(context.Background(), append([]string{"admin", "restore", backupFile}, flagsOf(fresh)...), &out, &out); err != nil {
			t.Fatalf("restore: %v\n%s", err, out.String())
		}
		restored := openStore(t, fresh)
		source := openStore(t, cfg)
		present := keysIn(t, restored)

		var inside, before, after int
		maxPresentStart, minAbsentEnd := int64(0), int64(1<<62)
		for _, o := range ops {
			in := present[o.key]
			switch {
			case o.end < began && !in:
				t.Errorf("%s was answered before the backup began but is not in it", o.key)
			case o.start > ended && in:
				t.Errorf("%s was sent after the backup ended but is in it", o.key)
			}
			if o.end < began {
				before++
			}
			if o.start > ended {
				after++
			}
			if in {
				inside++
				maxPresentStart = max(maxPresentStart, o.start)
			} else {
				minAbsentEnd = min(minAbsentEnd, o.end)
			}
		}
		if minAbsentEnd < maxPresentStart {
			t.Errorf("not a consistent cut: a write answered at %d is missing, one sent at %d is in", minAbsentEnd, maxPresentStart)
		}
		if before == 0 || after == 0 || inside == 0 || inside == len(ops) {
			t.Fatalf("the load did not surround the backup: %d writes before it, %d after, %d of %d in it", before, after, inside, len(ops))
		}
		// Every restored row is the source's row, unchanged; nothing else was restored.
		sameRows(t, restored, source)
		t.Logf("%d writes, %d in the backup (%d answered before it began, %d sent after it ended)", len(ops), inside, before, after)
	})
}

// waitWrites waits until every one of n writers has made at least k writes sent after the
// clock read since.
func waitWrites(t *testing.T, progress <-chan op, n, k int, since int64, errs <-chan error) {
	t.Helper()
	counts := make([]int, n)
	for slices.Min(counts) < k {
		select {
		case o := <-progress:
			if o.start > since {
				counts[o.writer]++
			}
		case err := <-errs:
			t.Fatal(err)
		case <-time.After(2 * time.Minute): // a bound for a hung server, not a timing
			t.Fatalf("writers stuck at %v writes", counts)
		}
	}
}

func openStore(t *testing.T, cfg store.Config) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// keysIn are the emails of the people and the notes of the level changes in s, with a check
// that each person came with their hire: a write is all in the backup or not at all.
func keysIn(t *testing.T, s *store.Store) map[string]bool {
	t.Helper()
	ctx := context.Background()
	keys := map[string]bool{}
	hired := map[int64]bool{}
	if err := s.EachLevelChange(ctx, func(c store.LevelChange) error {
		if c.Reason == store.Hire {
			hired[c.PersonID] = true
		}
		if c.Note != "" {
			keys[c.Note] = true
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.EachPerson(ctx, func(p store.Person) error {
		keys[p.Email] = true
		if strings.HasPrefix(p.Email, "w") && !hired[p.ID] {
			t.Errorf("%s is in the backup without their hire", p.Email)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return keys
}

// sameRows checks that every person and level change in restored is in source as it is;
// people are compared on what a later level change does not alter.
func sameRows(t *testing.T, restored, source *store.Store) {
	t.Helper()
	ctx := context.Background()
	err := restored.EachPerson(ctx, func(p store.Person) error {
		q, err := source.Person(ctx, p.ID)
		if err != nil || q.Email != p.Email || q.Name != p.Name || !q.StartDate.Equal(p.StartDate) || !q.CreatedAt.Equal(p.CreatedAt) || q.ManagerID != p.ManagerID {
			t.Errorf("restored person %+v, source %+v (%v)", p, q, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = restored.EachLevelChange(ctx, func(c store.LevelChange) error {
		history, err := source.LevelHistory(ctx, c.PersonID)
		if err != nil || !slices.ContainsFunc(history, func(h store.LevelChange) bool {
			return h.ID == c.ID && h.ToLevel == c.ToLevel && h.Note == c.Note && h.Date.Equal(c.Date) && h.CreatedAt.Equal(c.CreatedAt)
		}) {
			t.Errorf("restored level change %+v is not the source's (%v)", c, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRestoredDatabaseServesTheSamePages: a backup restored into a new database (across
// database kinds) and served by `rungs serve` answers the app's pages as the original did,
// to the same signed-in browser.
func TestRestoredDatabaseServesTheSamePages(t *testing.T) {
	t.Parallel()
	eachDatabase(t, func(t *testing.T, flags []string, cfg store.Config) {
		session := adminSession(t, cfg)
		base, _, _, stop := startServe(t, flags...)
		c := newAppClient(t, base, session)
		var people []string
		for i, name := range []string{"Grace Hopper", "Alan Turing", "Katherine Johnson"} {
			_, loc, err := c.post("/people", url.Values{"name": {name}, "email": {fmt.Sprintf("p%d@example.com", i)},
				"start": {"2024-02-01"}, "level": {"engineering/engineer"}, "track": {"product"}, "manager": {"ada.admin@example.com"}})
			if err != nil {
				t.Fatal(err)
			}
			loc, _, _ = strings.Cut(loc, "?")
			people = append(people, loc)
		}
		if _, _, err := c.post(people[0]+"/levels", url.Values{"level": {"engineering/senior"}, "track": {"product"},
			"reason": {"promotion"}, "date": {"2025-03-01"}, "note": {"Led the \"billing\" rewrite"}}); err != nil {
			t.Fatal(err)
		}
		pages := append([]string{"/people", "/people?q=grace", "/account", "/rollout", "/ladders/engineering/senior/"}, people...)
		for _, p := range people {
			pages = append(pages, p+"/edit")
		}
		file := filepath.Join(t.TempDir(), "b.rungs-backup")
		if err := Run(context.Background(), append([]string{"admin", "backup", "-o", file}, flagsOf(cfg)...), io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{}
		for _, p := range pages {
			status, body, _ := c.get(p)
			want[p] = fmt.Sprintf("%d\n%s", status, body)
		}
		stop()
		if !strings.HasPrefix(want["/people"], "200\n") || !strings.Contains(want["/people"], "Katherine Johnson") ||
			!strings.Contains(want[people[0]], "Led the &#34;billing&#34; rewrite") {
			t.Fatalf("the pages to compare are not the app's:\n%.600s\n%.600s", want["/people"], want[people[0]])
		}

		// Into the other kind of database, so both directions are covered.
		to := store.Config{SQLitePath: filepath.Join(t.TempDir(), "restored.db")}
		if cfg.SQLitePath != "" {
			to = store.Config{PostgresURL: storetest.Postgres(t)}
			if _, err := store.Open(context.Background(), to); err != nil {
				t.Fatal(err)
			}
		}
		var out strings.Builder
		if err := Run(context.Background(), append([]string{"admin", "restore", file}, flagsOf(to)...), &out, &out); err != nil {
			t.Fatalf("restore into a migrated, empty database: %v\n%s", err, out.String())
		}
		base2, _, _, stop2 := startServe(t, flagsOf(to)...)
		defer stop2()
		c2 := newAppClient(t, base2, session)
		for _, p := range pages {
			status, body, _ := c2.get(p)
			if got := fmt.Sprintf("%d\n%s", status, body); got != want[p] {
				t.Errorf("%s differs after the restore:\n%s", p, firstDifference(want[p], got))
			}
		}
	})
}

// firstDifference shows where two texts part.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return fmt.Sprintf("before: ...%.160s\nafter:  ...%.160s", a[from:], b[from:])
}

// oldDatabase makes a SQLite database as the first release of the people app left it:
// migration 0001 only.
func oldDatabase(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "old.db")
	first, err := os.ReadFile("../store/migrations/0001_people.sql")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		string(first),
		`CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`,
		`INSERT INTO schema_migrations VALUES (1, '0001_people.sql', '2024-01-01 00:00:00+00:00')`,
		`INSERT INTO people (id, name, email, start_date, created_at, updated_at) VALUES (1, 'Ada', 'ada@example.com', '2020-01-06 00:00:00+00:00', '2024-01-01 00:00:00+00:00', '2024-01-01 00:00:00+00:00')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func runOutput(args ...string) (string, error) {
	var out strings.Builder
	err := Run(context.Background(), args, &out, &out)
	return out.String(), err
}

// An older database: --dry-run prints what would run and changes nothing, migrate applies it,
// and the data comes through.
func TestAdminMigrateOlderSchema(t *testing.T) {
	t.Parallel()
	path := oldDatabase(t)
	out, err := runOutput("admin", "migrate", "--data", path, "--dry-run")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	latest := store.SchemaVersion()
	// serve --no-migrate refuses it rather than upgrade it.
	if out, err := runOutput("serve", "--data", path, "--no-migrate", "--addr", "127.0.0.1:0"); err == nil ||
		!strings.Contains(err.Error(), "the database's schema is behind this rungs (to apply: 0002_rollout.sql") ||
		!strings.Contains(err.Error(), "run 'rungs admin migrate' first, or serve without --no-migrate") {
		t.Errorf("serve --no-migrate on an old database: %v\n%s", err, out)
	}
	for _, want := range []string{
		fmt.Sprintf("The database is at schema version 1; this rungs (%s) would bring it to %d", version(), latest),
		"-- 0002_rollout.sql\n-- Job titles,", "CREATE TABLE links (", "Nothing was changed (--dry-run).",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run does not say %q:\n%s", want, out)
		}
	}
	if out, _ := runOutput("admin", "migrate", "--data", path, "--dry-run"); !strings.Contains(out, "at schema version 1;") {
		t.Errorf("--dry-run changed the database:\n%s", out)
	}
	out, err = runOutput("admin", "migrate", "--data", path)
	if err != nil || !strings.Contains(out, "Applied 0002_rollout.sql.\n") || !strings.Contains(out, fmt.Sprintf("now at schema version %d.", latest)) {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	s := openStore(t, store.Config{SQLitePath: path})
	if p, err := s.PersonByEmail(context.Background(), "ada@example.com"); err != nil || p.Title != "" || !p.StartDate.Equal(time.Date(2020, 1, 6, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("person after the migration: %+v, %v", p, err)
	}
}

// A database a newer rungs upgraded: serve, the admin commands and a backup of it all refuse,
// naming the database's version, the one this rungs knows and this rungs' own.
func TestNewerSchemaIsRefused(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "newer.db")
	s, err := store.Open(context.Background(), store.Config{SQLitePath: path})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	latest := store.SchemaVersion()
	_, err = db.Exec(`INSERT INTO schema_migrations VALUES (?, '9999_future.sql', '2030-01-01 00:00:00+00:00')`, latest+7)
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("database schema version %d is newer than this rungs knows (version %d)", latest+7, latest)
	for _, args := range [][]string{
		{"serve", "--data", path, "--addr", "127.0.0.1:0"},
		{"admin", "migrate", "--data", path, "--dry-run"},
		{"admin", "backup", "--data", path, "-o", filepath.Join(t.TempDir(), "b")},
		{"admin", "export", "--data", path, "--people", filepath.Join(t.TempDir(), "p.csv")},
	} {
		out, err := runOutput(args...)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "(this is rungs "+version()+")") {
			t.Errorf("rungs %s: %v, want %q and this rungs' version\n%s", strings.Join(args[:2], " "), err, want, out)
		}
	}
}
