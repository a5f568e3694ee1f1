package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// A page's early reads go with the session's read and their answers come back with the
// viewer; without a session (no cookie, or one that opens none) there is no viewer and
// nothing of what they read.
func TestLoadViewerWithEarlyReads(t *testing.T) {
	t.Parallel()
	storetest.EachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ada, err := s.CreatePerson(ctx, store.Person{Name: "Ada", Email: "ada@example.com", Status: store.Active, StartDate: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		bob, err := s.CreatePerson(ctx, store.Person{Name: "Bob <b>", Email: "bob@example.com", Status: store.Active, ManagerID: ada.ID, StartDate: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		acct, err := access.CreateAccount(ctx, s, ada.ID, "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA", store.Member)
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := access.CreateSession(ctx, s, access.Session{AccountID: acct.ID, ExpiresAt: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		srv, err := web.New(web.Config{Store: s, Site: http.NotFoundHandler()}, nil)
		if err != nil {
			t.Fatal(err)
		}
		// The early read: the name of the person the path is about; and who the session was
		// seen to open before.
		var calls int
		var seen web.Seen
		early := func(r *http.Request, reads *store.Reads, s web.Seen) any {
			calls++
			seen = s
			name := new(string)
			reads.Read("name", func(row store.Scanner) error { return row.Scan(name) }, `SELECT name FROM people WHERE id = ?`, bob.ID)
			return name
		}
		load := func(cookie string) (*http.Request, *httptest.ResponseRecorder) {
			r := httptest.NewRequest(http.MethodGet, "/people/x", nil)
			if cookie != "" {
				r.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: cookie})
			}
			return r, httptest.NewRecorder()
		}

		r, w := load(token)
		v, read, err := srv.LoadViewerWith(w, r, bob.ID, early)
		if err != nil || v == nil || v.Person.ID != ada.ID {
			t.Fatalf("signed in: viewer %+v, %v; want Ada", v, err)
		}
		if name, ok := read.(*string); !ok || *name != "Bob <b>" || calls != 1 {
			t.Errorf("signed in: the early read gave %#v after %d calls, want Bob's name after one", read, calls)
		}
		if seen != (web.Seen{}) {
			t.Errorf("a session's first request: seen %+v, want nobody", seen)
		}
		// The session's next request sees who it opened: Ada, who manages Bob.
		adaSeen := web.Seen{Account: acct.ID, Person: ada.ID, Role: store.Member, Manager: true}
		r, w = load(token)
		if v, _, err := srv.LoadViewerWith(w, r, bob.ID, early); err != nil || seen != adaSeen || web.SeenOf(v) != adaSeen {
			t.Errorf("the next request: seen %+v, viewer %+v (%v); want %+v", seen, web.SeenOf(v), err, adaSeen)
		}
		if got := seen.Viewer(); got.Person.ID != ada.ID || got.Admin() || !got.Manager {
			t.Errorf("the viewer seen: %+v", got)
		}
		// Made an admin, she is seen as she was, and the session's read says who she is now (one
		// who reviews promotion cases): what was read for the viewer seen is dropped (SeenOf
		// differs), for the page to read.
		if err := access.SetRole(ctx, s, acct.ID, store.Admin); err != nil {
			t.Fatal(err)
		}
		r, w = load(token)
		if v, read, err := srv.LoadViewerWith(w, r, bob.ID, early); err != nil || seen != adaSeen || !v.Admin() || web.SeenOf(v) == seen || !web.SeenOf(v).Reviewer || read != nil {
			t.Errorf("after a change of role: seen %+v, viewer %+v (%v), read %#v; want the read dropped", seen, web.SeenOf(v), err, read)
		}
		// Another session is not seen as hers.
		other, _, err := access.CreateSession(ctx, s, access.Session{AccountID: acct.ID, ExpiresAt: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		r, w = load(other)
		if _, _, err := srv.LoadViewerWith(w, r, bob.ID, early); err != nil || seen != (web.Seen{}) {
			t.Errorf("another session's first request: seen %+v (%v), want nobody", seen, err)
		}
		calls = 0

		r, w = load("")
		if v, read, err := srv.LoadViewerWith(w, r, bob.ID, early); v != nil || read != nil || err != nil || calls != 0 {
			t.Errorf("no cookie: %+v, %#v, %v after %d calls; want nothing, the early reads not made", v, read, err, calls)
		}
		r, w = load(token + "x")
		if v, read, err := srv.LoadViewerWith(w, r, bob.ID, early); v != nil || read != nil || err != nil || seen != (web.Seen{}) {
			t.Errorf("a cookie that opens no session: %+v, %#v, %v, seen %+v; want nothing", v, read, err, seen)
		}
		if c := w.Result().Cookies(); len(c) != 1 || c[0].Name != web.SessionCookie || c[0].MaxAge >= 0 {
			t.Errorf("a cookie that opens no session is not removed: %v", c)
		}
	})
}
