package access

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// TOTP is an account's authenticator-app secret (RFC 6238).
type TOTP struct {
	AccountID int64
	Secret    string // base32, as the authenticator app was given it
	CreatedAt time.Time
	EnabledAt time.Time // zero while enrolment waits for the first code
	LastStep  int64     // the newest time step a code was accepted for
}

// Enabled reports whether the secret is confirmed, so that signing in asks for a code.
func (t TOTP) Enabled() bool { return !t.EnabledAt.IsZero() }

// StartTOTP keeps a new secret for the account, not enabled until ConfirmTOTP, replacing an
// earlier unconfirmed one. An account whose two-factor is on already is store.ErrConflict: it must
// be turned off first, so that a stolen session cannot swap the phone.
func StartTOTP(ctx context.Context, s *store.Store, accountID int64, secret string) error {
	if secret == "" {
		return fmt.Errorf("start two-factor for account %d: empty secret", accountID)
	}
	err := s.WithTx(ctx, func(tx *store.Store) error {
		t, err := TOTPOf(ctx, tx, accountID)
		switch {
		case err == nil && t.Enabled():
			return fmt.Errorf("two-factor is on already: %w", store.ErrConflict)
		case err != nil && !errors.Is(err, store.ErrNotFound):
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM totp WHERE account_id = ?`, accountID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO totp (account_id, secret, created_at) VALUES (?, ?, ?)`, accountID, secret, tx.Now())
		return err
	})
	if err != nil {
		return s.Fail(err, "start two-factor for account %d", accountID)
	}
	return nil
}

// TOTPOf returns the account's secret, enabled or waiting, or store.ErrNotFound.
func TOTPOf(ctx context.Context, s *store.Store, accountID int64) (TOTP, error) {
	var t TOTP
	var enabled sql.NullTime
	err := s.QueryRow(ctx, `SELECT account_id, secret, created_at, enabled_at, last_step FROM totp WHERE account_id = ?`, accountID).
		Scan(&t.AccountID, &t.Secret, &t.CreatedAt, &enabled, &t.LastStep)
	if err != nil {
		// Never the secret in a message.
		return TOTP{}, s.Fail(err, "two-factor of account %d", accountID)
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if enabled.Valid {
		t.EnabledAt = enabled.Time.UTC()
	}
	return t, nil
}

// ConfirmTOTP turns the account's waiting secret on, with the time step of the code that
// confirmed it, and replaces its recovery codes with codes. No waiting secret is store.ErrNotFound.
func ConfirmTOTP(ctx context.Context, s *store.Store, accountID, step int64, codes []string) error {
	err := s.WithTx(ctx, func(tx *store.Store) error {
		res, err := tx.Exec(ctx, `UPDATE totp SET enabled_at = ?, last_step = ? WHERE account_id = ? AND enabled_at IS NULL`,
			tx.Now(), step, accountID)
		if err != nil {
			return err
		}
		if err := store.AffectedOne(res); err != nil {
			return err
		}
		return ReplaceRecoveryCodes(ctx, tx, accountID, codes)
	})
	if err != nil {
		return s.Fail(err, "confirm two-factor for account %d", accountID)
	}
	return nil
}

// UseTOTPStep records that a code of time step was accepted for the account, and reports
// false if that step, or a later one, was used already: a code works once, however long
// its window. One statement checks and records, so two uses at once cannot both pass.
func UseTOTPStep(ctx context.Context, s *store.Store, accountID, step int64) (bool, error) {
	res, err := s.Exec(ctx, `UPDATE totp SET last_step = ? WHERE account_id = ? AND enabled_at IS NOT NULL AND last_step < ?`,
		step, accountID, step)
	if err != nil {
		return false, s.Fail(err, "use two-factor code of account %d", accountID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.Fail(err, "use two-factor code of account %d", accountID)
	}
	return n == 1, nil
}

// DeleteTOTP turns two-factor off for the account: its secret and recovery codes go. It
// reports whether there was anything to remove.
func DeleteTOTP(ctx context.Context, s *store.Store, accountID int64) (bool, error) {
	var n int64
	err := s.WithTx(ctx, func(tx *store.Store) error {
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE account_id = ?`, accountID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM totp WHERE account_id = ?`, accountID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return false, s.Fail(err, "turn two-factor off for account %d", accountID)
	}
	return n > 0, nil
}

// ReplaceRecoveryCodes replaces the account's recovery codes with codes; only their SHA-256
// is kept. The codes are random and long enough that a plain hash cannot be reversed.
func ReplaceRecoveryCodes(ctx context.Context, s *store.Store, accountID int64, codes []string) error {
	err := s.WithTx(ctx, func(tx *store.Store) error {
		if _, err := tx.Exec(ctx, `DELETE FROM recovery_codes WHERE account_id = ?`, accountID); err != nil {
			return err
		}
		now := tx.Now()
		for _, c := range codes {
			if c == "" {
				return errors.New("empty recovery code")
			}
			if _, err := tx.Exec(ctx, `INSERT INTO recovery_codes (account_id, code_hash, created_at) VALUES (?, ?, ?)`,
				accountID, store.TokenHash(c), now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return s.Fail(err, "replace recovery codes of account %d", accountID)
	}
	return nil
}

// UseRecoveryCode marks the account's unused recovery code used and reports whether there
// was one: each code works once.
func UseRecoveryCode(ctx context.Context, s *store.Store, accountID int64, code string) (bool, error) {
	res, err := s.Exec(ctx, `UPDATE recovery_codes SET used_at = ? WHERE account_id = ? AND code_hash = ? AND used_at IS NULL`,
		s.Now(), accountID, store.TokenHash(code))
	if err != nil {
		return false, s.Fail(err, "use recovery code of account %d", accountID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, s.Fail(err, "use recovery code of account %d", accountID)
	}
	return n == 1, nil
}

// RecoveryCodesLeft counts the account's unused recovery codes.
func RecoveryCodesLeft(ctx context.Context, s *store.Store, accountID int64) (int, error) {
	var n int
	if err := s.QueryRow(ctx, `SELECT count(*) FROM recovery_codes WHERE account_id = ? AND used_at IS NULL`, accountID).Scan(&n); err != nil {
		return 0, s.Fail(err, "count recovery codes of account %d", accountID)
	}
	return n, nil
}

// LoginChallenge is a sign-in whose password was right, waiting for the second factor.
type LoginChallenge struct {
	AccountID int64
	Next      string // where to go once signed in
	ExpiresAt time.Time
}

// CreateLoginChallenge stores a challenge and returns its random token (256 bits, like a
// session's); only its hash is kept.
func CreateLoginChallenge(ctx context.Context, s *store.Store, c LoginChallenge) (string, error) {
	now := s.Now()
	c.ExpiresAt = c.ExpiresAt.UTC().Truncate(time.Microsecond)
	if !c.ExpiresAt.After(now) {
		return "", fmt.Errorf("create login challenge: expiry %s is not in the future", c.ExpiresAt)
	}
	token, err := store.NewToken()
	if err != nil {
		return "", fmt.Errorf("create login challenge: %w", err)
	}
	err = s.WithTx(ctx, func(tx *store.Store) error {
		// Expired challenges are of no use to anyone: cleared as new ones come.
		if _, err := tx.Exec(ctx, `DELETE FROM login_challenges WHERE expires_at <= ?`, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO login_challenges (id_hash, account_id, next, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			store.TokenHash(token), c.AccountID, c.Next, now, c.ExpiresAt)
		return err
	})
	if err != nil {
		return "", s.Fail(err, "create login challenge for account %d", c.AccountID)
	}
	return token, nil
}

// LoginChallengeByToken returns the unexpired challenge the token opens, or store.ErrNotFound.
func LoginChallengeByToken(ctx context.Context, s *store.Store, token string) (LoginChallenge, error) {
	var c LoginChallenge
	err := s.QueryRow(ctx, `SELECT account_id, next, expires_at FROM login_challenges WHERE id_hash = ? AND expires_at > ?`,
		store.TokenHash(token), s.Now()).Scan(&c.AccountID, &c.Next, &c.ExpiresAt)
	if err != nil {
		return LoginChallenge{}, s.Fail(err, "login challenge")
	}
	c.ExpiresAt = c.ExpiresAt.UTC()
	return c, nil
}

// UseLoginChallenge removes the challenge the token opens, reporting store.ErrNotFound when it is
// gone already: call it in the transaction that opens the session, so that a challenge opens
// one session at most.
func UseLoginChallenge(ctx context.Context, s *store.Store, token string) error {
	res, err := s.Exec(ctx, `DELETE FROM login_challenges WHERE id_hash = ? AND expires_at > ?`, store.TokenHash(token), s.Now())
	if err == nil {
		err = store.AffectedOne(res)
	}
	if err != nil {
		return s.Fail(err, "use login challenge")
	}
	return nil
}
