package access_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

func TestOIDCLoginsAreUsedOnce(t *testing.T) {
	t.Parallel()
	eachStoreAt(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		in := access.OIDCLogin{Nonce: "n", Verifier: "v", Next: "/people", ExpiresAt: clk.Now().Add(10 * time.Minute)}
		state, err := access.CreateOIDCLogin(ctx, s, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(state) < 43 {
			t.Errorf("state %q is shorter than 256 bits", state)
		}
		if _, err := access.UseOIDCLogin(ctx, s, state+"x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another state: %v", err)
		}
		got, err := access.UseOIDCLogin(ctx, s, state)
		if err != nil || got.Nonce != "n" || got.Verifier != "v" || got.Next != "/people" {
			t.Fatalf("used %+v, %v", got, err)
		}
		if _, err := access.UseOIDCLogin(ctx, s, state); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("replayed state: %v, want ErrNotFound", err)
		}
		late, _ := access.CreateOIDCLogin(ctx, s, in)
		clk.Advance(10 * time.Minute)
		if _, err := access.UseOIDCLogin(ctx, s, late); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired state: %v, want ErrNotFound", err)
		}
		if _, err := access.CreateOIDCLogin(ctx, s, access.OIDCLogin{Nonce: "n", ExpiresAt: clk.Now().Add(time.Minute)}); err == nil {
			t.Error("a sign-in without a verifier was stored")
		}

		a := mustAccount(t, s, "ada@example.com", store.Member)
		if sub, err := access.OIDCSubject(ctx, s, a.ID); err != nil || sub != "" {
			t.Errorf("subject before linking %q, %v", sub, err)
		}
		if err := access.SetOIDCSubject(ctx, s, a.ID, "idp-123"); err != nil {
			t.Fatal(err)
		}
		if sub, _ := access.OIDCSubject(ctx, s, a.ID); sub != "idp-123" {
			t.Errorf("subject %q", sub)
		}
		if err := access.SetOIDCSubject(ctx, s, 9999, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("linking no account: %v", err)
		}
	})
}
