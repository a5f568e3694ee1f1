package access_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/growth"
)

func mustSession(t *testing.T, s *store.Store, accountID int64, expires time.Time) string {
	t.Helper()
	token, _, err := access.CreateSession(context.Background(), s, access.Session{AccountID: accountID, ExpiresAt: expires})
	if err != nil {
		t.Fatalf("create session for account %d: %v", accountID, err)
	}
	return token
}

func TestSessionRoundTrip(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := mustAccount(t, s, "ada@example.com", store.Member)
		expires := time.Now().Add(time.Hour)
		token, created, err := access.CreateSession(ctx, s, access.Session{AccountID: a.ID, ExpiresAt: expires,
			UserAgent: "Firefox", Address: "192.0.2.1", Method: access.SignedInWithTOTP})

		if err != nil {
			t.Fatal(err)
		}
		if len(token) < 43 {
			t.Errorf("token %q is shorter than 256 bits in base64", token)
		}
		if created.AccountID != a.ID || created.UserAgent != "Firefox" || created.Address != "192.0.2.1" ||
			!created.ExpiresAt.Equal(expires.UTC().Truncate(time.Microsecond)) || created.CreatedAt.IsZero() ||
			!created.LastSeen.Equal(created.CreatedAt) {
			t.Errorf("created %+v", created)
		}
		got, err := access.SessionByToken(ctx, s, token)
		if err != nil {
			t.Fatal(err)
		}
		if got != created {
			t.Errorf("SessionByToken = %+v, want %+v", got, created)
		}
		// The session a request is signed in by says how, as a lookup by token does.
		if in, err := access.SignedInBy(ctx, s, token, 0); err != nil || in.Session != created {
			t.Errorf("SignedInBy = %+v, %v; want the session %+v", in.Session, err, created)
		}
		for _, other := range []string{"", token[:len(token)-1], strings.ToUpper(token), token + "x"} {
			if _, err := access.SessionByToken(ctx, s, other); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("SessionByToken(%q) error = %v, want ErrNotFound", other, err)
			}
		}

		later := time.Now().Add(2 * time.Hour)
		if err := access.TouchSession(ctx, s, token, later); err != nil {
			t.Fatal(err)
		}
		touched, err := access.SessionByToken(ctx, s, token)
		if err != nil {
			t.Fatal(err)
		}
		if !touched.ExpiresAt.Equal(later.UTC().Truncate(time.Microsecond)) || touched.LastSeen.Before(created.LastSeen) ||
			touched.CreatedAt != created.CreatedAt {
			t.Errorf("touched %+v, created %+v", touched, created)
		}
		if err := access.TouchSession(ctx, s, token, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if again, err := access.SessionByToken(ctx, s, token); err != nil || again.ExpiresAt != touched.ExpiresAt {
			t.Errorf("touch without expiry moved it: %+v, %v", again, err)
		}
		if err := access.TouchSession(ctx, s, "no such token", time.Time{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("TouchSession(unknown) error = %v, want ErrNotFound", err)
		}

		if err := access.DeleteSession(ctx, s, token); err != nil {
			t.Fatal(err)
		}
		if _, err := access.SessionByToken(ctx, s, token); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("after DeleteSession: %v, want ErrNotFound", err)
		}
		if err := access.DeleteSession(ctx, s, token); err != nil {
			t.Errorf("second DeleteSession: %v", err)
		}
	})
}

func TestSessionErrors(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := mustAccount(t, s, "ada@example.com", store.Member)
		if _, _, err := access.CreateSession(ctx, s, access.Session{AccountID: 9999, ExpiresAt: time.Now().Add(time.Hour)}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("session of unknown account: %v, want ErrConflict", err)
		}
		for _, expires := range []time.Time{{}, time.Now().Add(-time.Second)} {
			if _, _, err := access.CreateSession(ctx, s, access.Session{AccountID: a.ID, ExpiresAt: expires}); err == nil {
				t.Errorf("session expiring at %s: no error", expires)
			}
		}
		token := mustSession(t, s, a.ID, time.Now().Add(time.Hour))
		if err := access.TouchSession(ctx, s, token, time.Now().Add(-time.Second)); err == nil {
			t.Error("touch to a past expiry: no error")
		}
	})
}

func TestExpiredSession(t *testing.T) {
	t.Parallel()
	eachStoreAt(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		a := mustAccount(t, s, "ada@example.com", store.Member)
		short := mustSession(t, s, a.ID, clk.Now().Add(50*time.Millisecond))
		long := mustSession(t, s, a.ID, clk.Now().Add(time.Hour))
		clk.Advance(100 * time.Millisecond)
		if _, err := access.SessionByToken(ctx, s, short); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired session: %v, want ErrNotFound", err)
		}
		if err := access.TouchSession(ctx, s, short, clk.Now().Add(time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("touching an expired session: %v, want ErrNotFound", err)
		}
		n, err := access.DeleteExpiredSessions(ctx, s, clk.Now())
		if err != nil || n != 1 {
			t.Errorf("DeleteExpiredSessions = %d, %v; want 1", n, err)
		}
		if _, err := access.SessionByToken(ctx, s, long); err != nil {
			t.Errorf("live session after cleanup: %v", err)
		}
		var rows int
		if err := s.QueryRow(ctx, `SELECT count(*) FROM sessions`).Scan(&rows); err != nil || rows != 1 {
			t.Errorf("sessions left: %d, %v; want 1", rows, err)
		}
	})
}

func TestSessionStoresOnlyHash(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		a := mustAccount(t, s, "ada@example.com", store.Member)
		token := mustSession(t, s, a.ID, time.Now().Add(time.Hour))
		rows, err := s.Query(context.Background(), `SELECT id_hash, user_agent, address FROM sessions`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		sum := sha256.Sum256([]byte(token))
		n := 0
		for rows.Next() {
			n++
			var idHash, agent, address string
			if err := rows.Scan(&idHash, &agent, &address); err != nil {
				t.Fatal(err)
			}
			for _, v := range []string{idHash, agent, address} {
				if strings.Contains(v, token) {
					t.Errorf("the token is stored: %q", v)
				}
			}
			if idHash != hex.EncodeToString(sum[:]) {
				t.Errorf("id_hash %q is not the token's SHA-256", idHash)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("%d session rows, want 1", n)
		}
	})
}

func TestSignOutEverywhere(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ada := mustAccount(t, s, "ada@example.com", store.Member)
		grace := mustAccount(t, s, "grace@example.com", store.Admin)
		expires := time.Now().Add(time.Hour)
		adas := []string{mustSession(t, s, ada.ID, expires), mustSession(t, s, ada.ID, expires), mustSession(t, s, ada.ID, expires)}
		graces := mustSession(t, s, grace.ID, expires)
		n, err := access.DeleteSessionsOf(ctx, s, ada.ID)
		if err != nil || n != 3 {
			t.Fatalf("DeleteSessionsOf = %d, %v; want 3", n, err)
		}
		for _, token := range adas {
			if _, err := access.SessionByToken(ctx, s, token); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("Ada's session after sign-out everywhere: %v, want ErrNotFound", err)
			}
		}
		if got, err := access.SessionByToken(ctx, s, graces); err != nil || got.AccountID != grace.ID {
			t.Errorf("Grace's session: %+v, %v", got, err)
		}
		if n, err := access.DeleteSessionsOf(ctx, s, ada.ID); err != nil || n != 0 {
			t.Errorf("second DeleteSessionsOf = %d, %v; want 0", n, err)
		}
	})
}

func TestSessionsOfAccount(t *testing.T) {
	t.Parallel()
	eachStoreAt(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		a := mustAccount(t, s, "ada@example.com", store.Member)
		other := mustAccount(t, s, "grace@example.com", store.Member)
		if got, err := access.Sessions(ctx, s, a.ID); err != nil || got == nil || len(got) != 0 {
			t.Fatalf("Sessions without any: %#v, %v; want empty, not nil", got, err)
		}
		var want []access.Session // newest first
		for _, agent := range []string{"first", "second", "third"} {
			_, sess, err := access.CreateSession(ctx, s, access.Session{AccountID: a.ID, ExpiresAt: clk.Now().Add(time.Hour), UserAgent: agent})
			if err != nil {
				t.Fatal(err)
			}
			want = append([]access.Session{sess}, want...)
			clk.Advance(2 * time.Millisecond) // distinct creation times
		}
		mustSession(t, s, other.ID, clk.Now().Add(time.Hour))
		mustSession(t, s, a.ID, clk.Now().Add(50*time.Millisecond))
		clk.Advance(100 * time.Millisecond) // the last one has expired: not listed
		got, err := access.Sessions(ctx, s, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d sessions, want %d: %+v", len(got), len(want), got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("session %d = %+v, want %+v", i, got[i], want[i])
			}
		}
	})
}

// SignedInBy answers, in one query, what every request asks: whose session it is, their
// account and person, and whether anyone reports to them.
func TestSignedInBy(t *testing.T) {
	t.Parallel()
	eachStoreAt(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		a := mustAccount(t, s, "ada@example.com", store.Admin)
		token, sess, err := access.CreateSession(ctx, s, access.Session{AccountID: a.ID, ExpiresAt: clk.Now().Add(time.Hour), UserAgent: "Firefox"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.Person(ctx, a.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		in, err := access.SignedInBy(ctx, s, token, 0)
		if err != nil {
			t.Fatal(err)
		}
		if in.Session != sess || in.Account != a || in.Person != p || in.HasReports || in.OnPanel {
			t.Errorf("SignedInBy = %+v, want session %+v, account %+v, person %+v, no reports, not on the panel", in, sess, a, p)
		}
		if err := growth.SetPanel(ctx, s, p.ID, true, p.ID); err != nil {
			t.Fatal(err)
		}
		if in, err := access.SignedInBy(ctx, s, token, 0); err != nil || !in.OnPanel {
			t.Errorf("put on the promotion panel: OnPanel %v, %v", in.OnPanel, err)
		}
		report := mustPerson(t, s, "Report", "report@example.com", p.ID)
		if in, err := access.SignedInBy(ctx, s, token, 0); err != nil || !in.HasReports || in.Above {
			t.Errorf("with a report: HasReports %v, Above %v, %v; want reports, above nobody", in.HasReports, in.Above, err)
		}
		// Asked about someone, it says whether the person signed in is above them: a report's
		// report is below them, someone elsewhere and the person themselves are not.
		below := mustPerson(t, s, "Below", "below@example.com", report.ID)
		other := mustPerson(t, s, "Other", "other@example.com", 0)
		for _, c := range []struct {
			about int64
			want  bool
		}{{report.ID, true}, {below.ID, true}, {other.ID, false}, {p.ID, false}, {report.ID + 1000, false}} {
			if in, err := access.SignedInBy(ctx, s, token, c.about); err != nil || in.Above != c.want {
				t.Errorf("about %d: Above %v, %v; want %v", c.about, in.Above, err, c.want)
			}
		}
		if _, err := access.SignedInBy(ctx, s, token+"x", 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown token: %v, want ErrNotFound", err)
		}
		clk.Advance(time.Hour)
		if _, err := access.SignedInBy(ctx, s, token, 0); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired session: %v, want ErrNotFound", err)
		}
	})
}
