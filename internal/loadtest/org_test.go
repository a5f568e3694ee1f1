package loadtest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/gen"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/loadtest"
	"github.com/rungs/rungs/internal/site"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// The organisation's pages load without an error against a real app with gen.Org's people,
// signed in as the cast, and each is measured: the load script would otherwise report
// errors, or nothing, for a page that does not work.
func TestOrgPages(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := store.Open(ctx, store.Config{SQLitePath: storetest.SQLite(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	org := gen.Org(300)
	rows := make([]store.ImportRow, len(org))
	for i, e := range org {
		rows[i] = store.ImportRow{Person: store.Person{Name: e.Name, Email: e.Email, Title: e.Title, StartDate: e.Start, Status: store.Status(e.Status)},
			ManagerEmail: e.Manager, Ladder: e.Ladder, Track: e.Track, Level: e.Level}
	}
	if _, err := s.ImportPeople(ctx, rows, 0); err != nil {
		t.Fatal(err)
	}
	cheap := auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	const password = "a load test's own password"
	hash, err := cheap.Hash(password)
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range loadtest.CastOf(org).Roles() {
		p, err := s.PersonByEmail(ctx, who[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := access.CreateAccount(ctx, s, p.ID, hash, store.Role(who[1])); err != nil {
			t.Fatal(err)
		}
	}
	fsys, _ := frameworks.FS(frameworks.Default)
	f, diags, err := ladder.Load(fsys)
	if err != nil || diags.HasErrors() {
		t.Fatalf("bundled framework: %v %v", err, diags)
	}
	rendered, err := site.Render(f, fsys, site.Options{})
	if err != nil {
		t.Fatal(err)
	}
	siteHandler, err := site.NewHandler(rendered, "")
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Config{Store: s, Site: siteHandler, Passwords: cheap}, f)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a)
	defer srv.Close()

	pages, err := loadtest.OrgPages(ctx, srv.URL, password, org)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 6 {
		t.Fatalf("%d pages, want 6", len(pages))
	}
	var reports []*loadtest.Report
	for _, p := range pages {
		// Each page answers its viewer...
		st, body, err := p.As.Get(ctx, p.Path(p.As))
		if err := loadtest.Expect(st, err, http.StatusOK); err != nil || !strings.Contains(body, "<h1>") {
			t.Errorf("%s: %v\n%.300s", p.Name, err, body)
		}
		// ...and under load, without an error (how many answers a busy machine gives in the
		// time is not the test's business).
		r, err := loadtest.LoadPage(ctx, srv.URL, p, 2, 0, 300*time.Millisecond, []int{os.Getpid()})
		if err != nil {
			t.Fatal(err)
		}
		if st := r.Pages[0]; st.Errors != 0 {
			t.Errorf("%s: %d answers, %d errors (%s)", p.Name, len(st.Latencies), st.Errors, st.FirstErr)
		}
		reports = append(reports, r)
	}
	var b strings.Builder
	loadtest.PageTable(&b, reports)
	for _, want := range []string{"| admin search ", "| own page ", "| manager list, 11 below "} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, b.String())
		}
	}
	for _, only := range []string{"search, own", "search own"} {
		if got, err := loadtest.Chosen(pages, only); err != nil || len(got) != 2 || got[0].Name != "admin search" || got[1].Name != "own page" {
			t.Errorf("chosen pages for %q: %v, %v", only, got, err)
		}
	}
	if got, err := loadtest.Chosen(pages, "serach"); err == nil || !strings.Contains(err.Error(), "admin search") {
		t.Errorf("a word that names no page: %v, %v", got, err)
	}
	// The mixed run's people are found page after page, and its requests are all answered.
	admin := loadtest.CastOf(org).Admin
	ids, err := loadtest.People(ctx, pages[0].As, 120)
	if err != nil || len(ids) < 120 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		t.Fatalf("people: %d ids (%d wanted, all different), %v", len(ids), 120, err)
	}
	mixed := loadtest.Run{Base: srv.URL, Connections: 2, Duration: 300 * time.Millisecond, Scenarios: loadtest.Mixed(ids, gen.Searches(org)),
		Setup: func(ctx context.Context, c *loadtest.Client) error { return loadtest.SignIn(ctx, c, admin, password) }}
	rep, err := mixed.Do(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Errors() != 0 {
		var b strings.Builder
		rep.Table(&b)
		t.Errorf("mixed run:\n%s", b.String())
	}
	// A page the viewer may not see is an error, not an answer.
	bad := loadtest.Page{Name: "forbidden", As: pages[5].As, Path: func(*loadtest.Client) string { return "/audit" }}
	// Three requests, however long they take: a run bounded by time may end before a busy
	// machine answers any.
	r := loadtest.Run{Requests: 3, Scenarios: []loadtest.Scenario{bad.Scenario()}}.Measure(ctx, []*loadtest.Client{bad.As})
	if st := r.Pages[0]; st.Errors != 3 || st.Errors != len(st.Latencies) || !strings.Contains(st.FirstErr, strconv.Itoa(http.StatusForbidden)) {
		t.Errorf("a forbidden page: %d answers, %d errors (%s)", len(st.Latencies), st.Errors, st.FirstErr)
	}
}
