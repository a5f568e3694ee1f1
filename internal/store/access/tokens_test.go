package access_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

func TestTokens(t *testing.T) {
	t.Parallel()
	eachStoreAt(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		a := mustAccount(t, s, "ada@example.com", store.Admin)
		hour := clk.Now().Add(time.Hour)
		for _, bad := range []access.Token{
			{Name: "", Kind: access.PersonalToken, AccountID: a.ID, Scope: access.ReadScope, ExpiresAt: hour},
			{Name: "x", Kind: access.PersonalToken, Scope: access.ReadScope, ExpiresAt: hour},
			{Name: "x", Kind: access.ServiceToken, AccountID: a.ID, Scope: access.ReadScope, ExpiresAt: hour},
			{Name: "x", Kind: access.ServiceToken, Scope: "admin", ExpiresAt: hour},
			{Name: "x", Kind: access.ServiceToken, Scope: access.ReadScope, ExpiresAt: clk.Now()},
			{Name: "x\u202e", Kind: access.ServiceToken, Scope: access.ReadScope, ExpiresAt: hour},
		} {
			if _, _, err := access.CreateToken(ctx, s, bad); err == nil {
				t.Errorf("token %+v was made", bad)
			}
		}
		secret, tok, err := access.CreateToken(ctx, s, access.Token{Name: " laptop ", Kind: access.PersonalToken, AccountID: a.ID, Scope: access.ReadScope, CreatedBy: a.PersonID, ExpiresAt: hour})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, access.TokenPrefix) || len(secret) < len(access.TokenPrefix)+43 || tok.Name != "laptop" || tok.AccountID != a.ID {
			t.Errorf("token %q, %+v", secret, tok)
		}
		svcSecret, svc, err := access.CreateToken(ctx, s, access.Token{Name: "HR sync", Kind: access.ServiceToken, Scope: access.WriteScope, CreatedBy: a.PersonID, ExpiresAt: hour})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := access.TokenBySecret(ctx, s, secret); err != nil || got.ID != tok.ID {
			t.Errorf("TokenBySecret = %+v, %v", got, err)
		}
		if _, err := access.TokenBySecret(ctx, s, secret+"x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another secret: %v", err)
		}
		if err := access.TouchToken(ctx, s, tok.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := access.TokenByID(ctx, s, tok.ID); got.LastUsed.IsZero() {
			t.Error("last use not recorded")
		}
		if list, _ := access.Tokens(ctx, s, a.ID); len(list) != 1 || list[0].ID != tok.ID {
			t.Errorf("personal tokens %+v", list)
		}
		if list, _ := access.Tokens(ctx, s, 0); len(list) != 1 || list[0].ID != svc.ID {
			t.Errorf("service tokens %+v", list)
		}
		if err := access.RevokeToken(ctx, s, tok.ID); err != nil {
			t.Fatal(err)
		}
		if err := access.RevokeToken(ctx, s, tok.ID); err != nil {
			t.Errorf("revoking twice: %v", err)
		}
		if err := access.RevokeToken(ctx, s, 9999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("revoking no token: %v", err)
		}
		if _, err := access.TokenBySecret(ctx, s, secret); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a revoked token: %v", err)
		}
		clk.Advance(time.Hour)
		if _, err := access.TokenBySecret(ctx, s, svcSecret); !errors.Is(err, store.ErrNotFound) {
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
