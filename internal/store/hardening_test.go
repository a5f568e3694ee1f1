package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// A new SQLite database, its write-ahead log and its shared-memory file are readable and
// writable by their owner alone, whatever the umask allowed (0644 before).
func TestSQLiteFilesPrivate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "people.db")
	s := open(t, store.Config{SQLitePath: path})
	if _, err := s.CreatePerson(context.Background(), store.Person{Name: "Ada", Email: "ada@example.com", StartDate: day("2024-01-01")}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		info, err := os.Stat(f)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		if mode := info.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %o, want 600", filepath.Base(f), mode)
		}
	}
}

// Names, emails, titles, notes and ids with control characters or too long are refused, with
// the field named, whichever way they come in.
func TestTextRefused(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		s := open(t, cfg)
		ctx := context.Background()
		for _, tt := range []struct {
			p    store.Person
			want string
		}{
			{store.Person{Name: "A\x00B", Email: "a@example.com"}, "name has a control character"},
			{store.Person{Name: strings.Repeat("é", store.MaxName+1), Email: "a@example.com"}, "name is longer than 200 characters"},
			{store.Person{Name: "Ok", Email: "a@example.com", Title: "Boss\u2066"}, "title has a control character"},
			{store.Person{Name: "Ok", Email: "a@example.com", Title: "bad \xff utf-8"}, "title is not valid text"},
		} {
			tt.p.StartDate = day("2024-01-01")
			if _, err := s.CreatePerson(ctx, tt.p); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("CreatePerson(%q, %q): %v, want %q", tt.p.Name, tt.p.Title, err, tt.want)
			}
		}
		p, err := s.CreatePerson(ctx, store.Person{Name: "Ada", Email: "ada@example.com", StartDate: day("2024-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.AddLevelChange(ctx, store.LevelChange{PersonID: p.ID, Ladder: "engineering", ToLevel: "senior", Reason: store.Promotion,
			Date: day("2024-02-01"), Note: "ok\nthen \x1b"})
		if err == nil || !strings.Contains(err.Error(), "note has a control character") {
			t.Errorf("a note with an escape: %v", err)
		}
		// The audit log keeps what was typed at a sign-in, made harmless.
		e, err := s.AddAudit(ctx, store.AuditEntry{Action: "login.failed", Detail: "email: x\x00;=1\n"})
		if err != nil || strings.ContainsAny(e.Detail, "\x00\n") {
			t.Errorf("audit detail kept control characters: %q, %v", e.Detail, err)
		}
	})
}

// Marking someone as left ends their unused sign-in links.
func TestLeaverLinksExpire(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		s := open(t, cfg)
		ctx := context.Background()
		p, err := s.CreatePerson(ctx, store.Person{Name: "Bo", Email: "bo@example.com", StartDate: day("2024-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := s.CreateLink(ctx, store.Link{Purpose: store.InviteLink, PersonID: p.ID, ExpiresAt: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		p.Status = store.Left
		if _, err := s.UpdatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LinkByToken(ctx, token); err == nil {
			t.Error("the link of someone who left still opens")
		}
	})
}
