package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

func TestLinkRoundTrip(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		admin := mustPerson(t, s, "Admin", "admin@example.com", 0)
		ada := mustPerson(t, s, "Ada", "ada@example.com", 0)
		expires := time.Now().Add(time.Hour)
		tests := []struct {
			name string
			link store.Link
			want store.Link // CreatedAt and ExpiresAt aside
		}{
			{"setup", store.Link{Purpose: store.SetupLink, Role: store.Admin, ExpiresAt: expires},
				store.Link{Purpose: store.SetupLink, Role: store.Admin}},
			{"invite, role defaults to member", store.Link{Purpose: store.InviteLink, PersonID: ada.ID, CreatedBy: admin.ID, ExpiresAt: expires},
				store.Link{Purpose: store.InviteLink, PersonID: ada.ID, Role: store.Member, CreatedBy: admin.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				token, created, err := s.CreateLink(ctx, tt.link)
				if err != nil {
					t.Fatal(err)
				}
				if len(token) < 43 {
					t.Errorf("token %q is shorter than 256 bits in base64", token)
				}
				want := tt.want
				want.CreatedAt, want.ExpiresAt = created.CreatedAt, expires.UTC().Truncate(time.Microsecond)
				if created != want || created.CreatedAt.IsZero() {
					t.Errorf("created %+v, want %+v", created, want)
				}
				// The table holds the token's hash, never the token.
				var stored string
				if err := s.DB().QueryRowContext(ctx, s.Rebind(`SELECT id_hash FROM links WHERE purpose = ?`), string(created.Purpose)).Scan(&stored); err != nil {
					t.Fatal(err)
				}
				if sum := sha256.Sum256([]byte(token)); stored != hex.EncodeToString(sum[:]) {
					t.Errorf("stored %q, want the token's SHA-256", stored)
				}
				got, err := s.LinkByToken(ctx, token)
				if err != nil || got != created {
					t.Errorf("LinkByToken = %+v, %v; want %+v", got, err, created)
				}
				used, err := s.UseLink(ctx, token)
				if err != nil {
					t.Fatal(err)
				}
				if used.UsedAt.IsZero() || used.Purpose != created.Purpose || used.PersonID != created.PersonID {
					t.Errorf("used %+v", used)
				}
				// Single use: neither readable nor usable again.
				if _, err := s.LinkByToken(ctx, token); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("LinkByToken after use: %v, want ErrNotFound", err)
				}
				if _, err := s.UseLink(ctx, token); !errors.Is(err, store.ErrNotFound) {
					t.Errorf("second UseLink: %v, want ErrNotFound", err)
				}
			})
		}
	})
}

func TestLinkErrors(t *testing.T) {
	t.Parallel()
	eachStoreAt(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		ada := mustPerson(t, s, "Ada", "ada@example.com", 0)
		later := clk.Now().Add(time.Hour)
		tests := []struct {
			name string
			link store.Link
			want error // nil: a validation error
		}{
			{"unknown person", store.Link{Purpose: store.InviteLink, PersonID: 9999, ExpiresAt: later}, store.ErrConflict},
			{"invite without a person", store.Link{Purpose: store.InviteLink, ExpiresAt: later}, nil},
			{"setup for a person", store.Link{Purpose: store.SetupLink, PersonID: ada.ID, ExpiresAt: later}, nil},
			{"unknown purpose", store.Link{Purpose: "reset", PersonID: ada.ID, ExpiresAt: later}, nil},
			{"unknown role", store.Link{Purpose: store.InviteLink, PersonID: ada.ID, Role: "owner", ExpiresAt: later}, nil},
			{"already expired", store.Link{Purpose: store.InviteLink, PersonID: ada.ID, ExpiresAt: clk.Now().Add(-time.Second)}, nil},
		}
		for _, tt := range tests {
			_, _, err := s.CreateLink(ctx, tt.link)
			checkFailure(t, tt.name, err, tt.want)
		}
		for _, token := range []string{"", "nonsense"} {
			if _, err := s.LinkByToken(ctx, token); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("LinkByToken(%q): %v, want ErrNotFound", token, err)
			}
			if _, err := s.UseLink(ctx, token); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("UseLink(%q): %v, want ErrNotFound", token, err)
			}
		}
		// A link that has expired opens nothing.
		token, _, err := s.CreateLink(ctx, store.Link{Purpose: store.InviteLink, PersonID: ada.ID, ExpiresAt: clk.Now().Add(50 * time.Millisecond)})
		if err != nil {
			t.Fatal(err)
		}
		clk.Advance(100 * time.Millisecond)
		if _, err := s.LinkByToken(ctx, token); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("LinkByToken of an expired link: %v, want ErrNotFound", err)
		}
		if _, err := s.UseLink(ctx, token); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("UseLink of an expired link: %v, want ErrNotFound", err)
		}
	})
}

// Two uses at once, each in its own transaction with an account creation as the web app
// does it: exactly one wins, and the other neither uses the link nor creates an account.
func TestUseLinkConcurrently(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const tries = 5
		for try := range tries {
			p := mustPerson(t, s, "Ada", "ada"+string(rune('0'+try))+"@example.com", 0)
			token, _, err := s.CreateLink(ctx, store.Link{Purpose: store.InviteLink, PersonID: p.ID, ExpiresAt: time.Now().Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, 2)
			for i := range errs {
				wg.Go(func() {
					<-start
					errs[i] = s.WithTx(ctx, func(tx *store.Store) error {
						link, err := tx.UseLink(ctx, token)
						if err != nil {
							return err
						}
						_, err = access.CreateAccount(ctx, tx, link.PersonID, "hash", link.Role)
						return err
					})
				})
			}
			close(start)
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, store.ErrNotFound):
					t.Errorf("try %d: losing use: %v, want ErrNotFound", try, err)
				}
			}
			if won != 1 {
				t.Errorf("try %d: %d uses succeeded, want 1 (%v)", try, won, errs)
			}
		}
		if n, err := access.CountAccounts(ctx, s); err != nil || n != tries {
			t.Errorf("%d accounts, %v; want %d", n, err, tries)
		}
	})
}

// A person's unused links end when a newer one is made for them and when their password is
// set: an old link must not undo a new password.
func TestLinksExpire(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ada := mustPerson(t, s, "Ada", "ada@example.com", 0)
		bob := mustPerson(t, s, "Bob", "bob@example.com", 0)
		link := func(p store.Person) string {
			t.Helper()
			token, _, err := s.CreateLink(ctx, store.Link{Purpose: store.InviteLink, PersonID: p.ID, ExpiresAt: time.Now().Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			return token
		}
		open := func(token string) bool {
			_, err := s.LinkByToken(ctx, token)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		first, others := link(ada), link(bob)
		second := link(ada)
		if open(first) || !open(second) || !open(others) {
			t.Errorf("after a second link: first open %v, second %v, Bob's %v; want false, true, true", open(first), open(second), open(others))
		}
		acct, err := access.CreateAccount(ctx, s, ada.ID, "hash", store.Member)
		if err != nil {
			t.Fatal(err)
		}
		if err := access.SetPassword(ctx, s, acct.ID, "new hash"); err != nil {
			t.Fatal(err)
		}
		if open(second) || !open(others) {
			t.Errorf("after a new password: Ada's link open %v, Bob's %v; want false, true", open(second), open(others))
		}
	})
}
