package access_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

// mustAccount gives a new person an account or fails the test.
func mustAccount(t *testing.T, s *store.Store, email string, role store.Role) access.Account {
	t.Helper()
	p := mustPerson(t, s, "Someone", email, 0)
	a, err := access.CreateAccount(context.Background(), s, p.ID, "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaA", role)
	if err != nil {
		t.Fatalf("create account for %s: %v", email, err)
	}
	return a
}

func TestCreateAndReadAccount(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ada := mustPerson(t, s, "Ada", "Ada@Example.com", 0)
		a, err := access.CreateAccount(ctx, s, ada.ID, "hash-1", store.Admin)
		if err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || a.PersonID != ada.ID || a.PasswordHash != "hash-1" || a.Role != store.Admin ||
			a.CreatedAt.IsZero() || a.Email != "Ada@Example.com" || a.Status != store.Active {
			t.Errorf("created %+v", a)
		}
		byID, err := access.AccountByID(ctx, s, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if byID != a {
			t.Errorf("Account(%d) = %+v, want %+v", a.ID, byID, a)
		}
		for _, email := range []string{"ada@example.com", "ADA@EXAMPLE.COM", " Ada@Example.com "} {
			byEmail, err := access.AccountByEmail(ctx, s, email)
			if err != nil {
				t.Fatalf("AccountByEmail(%q): %v", email, err)
			}
			if byEmail != a {
				t.Errorf("AccountByEmail(%q) = %+v, want %+v", email, byEmail, a)
			}
		}
		if err := access.SetPassword(ctx, s, a.ID, "hash-2"); err != nil {
			t.Fatal(err)
		}
		if got, err := access.AccountByID(ctx, s, a.ID); err != nil || got.PasswordHash != "hash-2" {
			t.Errorf("after SetPassword: %+v, %v", got, err)
		}
		// The person's status comes along, so a login can refuse someone who has left.
		ada.Status = store.Left
		if _, err := s.UpdatePerson(ctx, ada); err != nil {
			t.Fatal(err)
		}
		if got, err := access.AccountByEmail(ctx, s, "ada@example.com"); err != nil || got.Status != store.Left {
			t.Errorf("after leaving: %+v, %v", got, err)
		}
	})
}

func TestAccountErrors(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		taken := mustAccount(t, s, "ada@example.com", store.Member)
		free := mustPerson(t, s, "Grace", "grace@example.com", 0)
		tests := []struct {
			name string
			do   func() error
			want error // nil: any error that is neither ErrNotFound nor ErrConflict
		}{
			{"second account for a person", func() error {
				_, err := access.CreateAccount(ctx, s, taken.PersonID, "h", store.Member)
				return err
			}, store.ErrConflict},
			{"unknown person", func() error {
				_, err := access.CreateAccount(ctx, s, 9999, "h", store.Member)
				return err
			}, store.ErrConflict},
			{"unknown role", func() error {
				_, err := access.CreateAccount(ctx, s, free.ID, "h", "owner")
				return err
			}, nil},
			{"empty hash", func() error {
				_, err := access.CreateAccount(ctx, s, free.ID, " ", store.Member)
				return err
			}, nil},
			{"missing by id", func() error { _, err := access.AccountByID(ctx, s, 9999); return err }, store.ErrNotFound},
			{"unknown email", func() error { _, err := access.AccountByEmail(ctx, s, "nobody@example.com"); return err }, store.ErrNotFound},
			{"person without an account", func() error { _, err := access.AccountByEmail(ctx, s, "grace@example.com"); return err }, store.ErrNotFound},
			{"set password of missing account", func() error { return access.SetPassword(ctx, s, 9999, "h") }, store.ErrNotFound},
			{"set empty password hash", func() error { return access.SetPassword(ctx, s, taken.ID, "") }, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := tt.do()
				switch {
				case err == nil:
					t.Fatal("no error")
				case tt.want != nil && !errors.Is(err, tt.want):
					t.Errorf("error %v, want %v", err, tt.want)
				case tt.want == nil && (errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict)):
					t.Errorf("error %v, want a validation error", err)
				}
			})
		}
		// The failed writes left the first account as it was and made no other.
		if got, err := access.AccountByEmail(ctx, s, "ada@example.com"); err != nil || got != taken {
			t.Errorf("account after failures: %+v, %v", got, err)
		}
	})
}

func TestAccountOfPersonCountAndRole(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if n, err := access.CountAccounts(ctx, s); err != nil || n != 0 {
			t.Fatalf("CountAccounts of a new database = %d, %v; want 0", n, err)
		}
		a := mustAccount(t, s, "ada@example.com", store.Member)
		mustAccount(t, s, "grace@example.com", store.Admin)
		nobody := mustPerson(t, s, "Nobody", "nobody@example.com", 0)
		if n, err := access.CountAccounts(ctx, s); err != nil || n != 2 {
			t.Errorf("CountAccounts = %d, %v; want 2", n, err)
		}
		if got, err := access.AccountOfPerson(ctx, s, a.PersonID); err != nil || got != a {
			t.Errorf("AccountOfPerson = %+v, %v; want %+v", got, err, a)
		}
		if _, err := access.AccountOfPerson(ctx, s, nobody.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("AccountOfPerson without an account: %v, want ErrNotFound", err)
		}
		if err := access.SetRole(ctx, s, a.ID, store.Admin); err != nil {
			t.Fatal(err)
		}
		if got, _ := access.AccountByID(ctx, s, a.ID); got.Role != store.Admin {
			t.Errorf("role after SetRole: %s, want admin", got.Role)
		}
		if err := access.SetRole(ctx, s, 9999, store.Admin); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetRole of a missing account: %v, want ErrNotFound", err)
		}
		err := access.SetRole(ctx, s, a.ID, "owner")
		if err == nil || errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
			t.Errorf("SetRole to an unknown role: %v, want a validation error", err)
		}
	})
}
