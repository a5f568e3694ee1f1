package access_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

func TestTOTPEnrolmentAndOneUsePerStep(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := mustAccount(t, s, "ada@example.com", store.Member)
		if _, err := access.TOTPOf(ctx, s, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("TOTPOf before enrolment: %v, want ErrNotFound", err)
		}
		// A second start replaces the first unconfirmed secret.
		for _, secret := range []string{"FIRSTSECRET", "SECONDSECRET"} {
			if err := access.StartTOTP(ctx, s, a.ID, secret); err != nil {
				t.Fatal(err)
			}
		}
		got, err := access.TOTPOf(ctx, s, a.ID)
		if err != nil || got.Secret != "SECONDSECRET" || got.Enabled() {
			t.Fatalf("waiting secret %+v, %v", got, err)
		}
		if ok, err := access.UseTOTPStep(ctx, s, a.ID, 100); err != nil || ok {
			t.Errorf("a code for a secret not yet confirmed was accepted (%v)", err)
		}
		if err := access.ConfirmTOTP(ctx, s, a.ID, 100, []string{"code-one", "code-two"}); err != nil {
			t.Fatal(err)
		}
		if err := access.ConfirmTOTP(ctx, s, a.ID, 101, nil); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("confirming twice: %v, want ErrNotFound", err)
		}
		if err := access.StartTOTP(ctx, s, a.ID, "THIRD"); !errors.Is(err, store.ErrConflict) {
			t.Errorf("starting over while on: %v, want ErrConflict", err)
		}
		for _, tt := range []struct {
			step int64
			ok   bool
		}{{100, false}, {99, false}, {101, true}, {101, false}, {103, true}, {102, false}} {
			if ok, err := access.UseTOTPStep(ctx, s, a.ID, tt.step); err != nil || ok != tt.ok {
				t.Errorf("use step %d: %v, %v; want %v", tt.step, ok, err, tt.ok)
			}
		}
		if n, err := access.RecoveryCodesLeft(ctx, s, a.ID); err != nil || n != 2 {
			t.Errorf("recovery codes left %d, %v", n, err)
		}
		for _, tt := range []struct {
			code string
			ok   bool
		}{{"code-one", true}, {"code-one", false}, {"code-three", false}, {"code-two", true}} {
			if ok, err := access.UseRecoveryCode(ctx, s, a.ID, tt.code); err != nil || ok != tt.ok {
				t.Errorf("use %s: %v, %v; want %v", tt.code, ok, err, tt.ok)
			}
		}
		if n, _ := access.RecoveryCodesLeft(ctx, s, a.ID); n != 0 {
			t.Errorf("recovery codes left %d, want 0", n)
		}
		if err := access.ReplaceRecoveryCodes(ctx, s, a.ID, []string{"new-one"}); err != nil {
			t.Fatal(err)
		}
		if ok, _ := access.UseRecoveryCode(ctx, s, a.ID, "code-two"); ok {
			t.Error("a replaced code still works")
		}
		if removed, err := access.DeleteTOTP(ctx, s, a.ID); err != nil || !removed {
			t.Fatalf("delete: %v, %v", removed, err)
		}
		if _, err := access.TOTPOf(ctx, s, a.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("TOTPOf after delete: %v", err)
		}
		if n, _ := access.RecoveryCodesLeft(ctx, s, a.ID); n != 0 {
			t.Errorf("recovery codes left after delete: %d", n)
		}
		if removed, err := access.DeleteTOTP(ctx, s, a.ID); err != nil || removed {
			t.Errorf("second delete: %v, %v", removed, err)
		}
	})
}

func TestLoginChallenges(t *testing.T) {
	t.Parallel()
	eachStoreAt(t, func(t *testing.T, s *store.Store, clk *clock) {
		ctx := context.Background()
		a := mustAccount(t, s, "ada@example.com", store.Member)
		if _, err := access.CreateLoginChallenge(ctx, s, access.LoginChallenge{AccountID: a.ID, ExpiresAt: clk.Now()}); err == nil {
			t.Error("a challenge that has expired already was made")
		}
		if _, err := access.CreateLoginChallenge(ctx, s, access.LoginChallenge{AccountID: 9999, ExpiresAt: clk.Now().Add(time.Minute)}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a challenge for no account: %v, want ErrConflict", err)
		}
		token, err := access.CreateLoginChallenge(ctx, s, access.LoginChallenge{AccountID: a.ID, Next: "/people", ExpiresAt: clk.Now().Add(5 * time.Minute)})
		if err != nil {
			t.Fatal(err)
		}
		c, err := access.LoginChallengeByToken(ctx, s, token)
		if err != nil || c.AccountID != a.ID || c.Next != "/people" {
			t.Fatalf("challenge %+v, %v", c, err)
		}
		if _, err := access.LoginChallengeByToken(ctx, s, token+"x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another token: %v", err)
		}
		if err := access.UseLoginChallenge(ctx, s, token); err != nil {
			t.Fatal(err)
		}
		if err := access.UseLoginChallenge(ctx, s, token); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("second use: %v, want ErrNotFound", err)
		}
		late, _ := access.CreateLoginChallenge(ctx, s, access.LoginChallenge{AccountID: a.ID, ExpiresAt: clk.Now().Add(5 * time.Minute)})
		clk.Advance(5 * time.Minute)
		if _, err := access.LoginChallengeByToken(ctx, s, late); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired challenge: %v", err)
		}
		if err := access.UseLoginChallenge(ctx, s, late); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("use of an expired challenge: %v", err)
		}
	})
}
