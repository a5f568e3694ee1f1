package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	eachStoreAt(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		a := mustAccount(t, s, "ada@example.com", store.Admin)
		hour := clk.Now().Add(time.Hour)
		for _, bad := range []store.Token{
			{Name: "", Kind: store.PersonalToken, AccountID: a.ID, Scope: store.ReadScope, ExpiresAt: hour},
			{Name: "x", Kind: store.PersonalToken, Scope: store.ReadScope, ExpiresAt: hour},
			{Name: "x", Kind: store.ServiceToken, AccountID: a.ID, Scope: store.ReadScope, ExpiresAt: hour},
			{Name: "x", Kind: store.ServiceToken, Scope: "admin", ExpiresAt: hour},
			{Name: "x", Kind: store.ServiceToken, Scope: store.ReadScope, ExpiresAt: clk.Now()},
			{Name: "x\u202e", Kind: store.ServiceToken, Scope: store.ReadScope, ExpiresAt: hour},
		} {
			if _, _, err := s.CreateToken(ctx, bad); err == nil {
				t.Errorf("token %+v was made", bad)
			}
		}
		secret, tok, err := s.CreateToken(ctx, store.Token{Name: " laptop ", Kind: store.PersonalToken, AccountID: a.ID, Scope: store.ReadScope, CreatedBy: a.PersonID, ExpiresAt: hour})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, store.TokenPrefix) || len(secret) < len(store.TokenPrefix)+43 || tok.Name != "laptop" || tok.AccountID != a.ID {
			t.Errorf("token %q, %+v", secret, tok)
		}
		svcSecret, svc, err := s.CreateToken(ctx, store.Token{Name: "HR sync", Kind: store.ServiceToken, Scope: store.WriteScope, CreatedBy: a.PersonID, ExpiresAt: hour})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := s.TokenBySecret(ctx, secret); err != nil || got.ID != tok.ID {
			t.Errorf("TokenBySecret = %+v, %v", got, err)
		}
		if _, err := s.TokenBySecret(ctx, secret+"x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another secret: %v", err)
		}
		if err := s.TouchToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Token(ctx, tok.ID); got.LastUsed.IsZero() {
			t.Error("last use not recorded")
		}
		if list, _ := s.Tokens(ctx, a.ID); len(list) != 1 || list[0].ID != tok.ID {
			t.Errorf("personal tokens %+v", list)
		}
		if list, _ := s.Tokens(ctx, 0); len(list) != 1 || list[0].ID != svc.ID {
			t.Errorf("service tokens %+v", list)
		}
		if err := s.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeToken(ctx, tok.ID); err != nil {
			t.Errorf("revoking twice: %v", err)
		}
		if err := s.RevokeToken(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoking no token: %v", err)
		}
		if _, err := s.TokenBySecret(ctx, secret); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a revoked token: %v", err)
		}
		clk.Advance(time.Hour)
		if _, err := s.TokenBySecret(ctx, svcSecret); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an expired token: %v", err)
		}
	})
}

func TestListPeopleAfterCursor(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for _, n := range []string{"Bo", "Al", "Bo", "Cy", "Al"} {
			mustPerson(t, s, n, strings.ToLower(n)+time.Now().Format("150405.000000000")+"@example.com", 0)
		}
		var got []string
		f := store.PeopleFilter{Limit: 2}
		for {
			page, err := s.ListPeople(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range page {
				got = append(got, p.Name)
			}
			if len(page) < f.Limit {
				break
			}
			f.After = page[len(page)-1].ID
		}
		if strings.Join(got, ",") != "Al,Al,Bo,Bo,Cy" {
			t.Errorf("pages by cursor: %v", got)
		}
	})
}
