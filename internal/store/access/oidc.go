package access

import (
	"context"
	"fmt"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// OIDCLogin is a sign-in sent to the identity provider, waiting for it to come back.
type OIDCLogin struct {
	Nonce     string // the ID token must carry it
	Verifier  string // the PKCE code verifier
	Next      string // where to go once signed in
	ExpiresAt time.Time
}

// CreateOIDCLogin stores a sign-in under a new random state, which it returns; only the
// state's hash is kept.
func CreateOIDCLogin(ctx context.Context, s *store.Store, l OIDCLogin) (string, error) {
	now := s.Now()
	l.ExpiresAt = l.ExpiresAt.UTC().Truncate(time.Microsecond)
	if !l.ExpiresAt.After(now) {
		return "", fmt.Errorf("create sign-in: expiry %s is not in the future", l.ExpiresAt)
	}
	if l.Nonce == "" || l.Verifier == "" {
		return "", fmt.Errorf("create sign-in: a nonce and a verifier are needed")
	}
	state, err := store.NewToken()
	if err != nil {
		return "", fmt.Errorf("create sign-in: %w", err)
	}
	err = s.WithTx(ctx, func(tx *store.Store) error {
		// Sign-ins abandoned at the provider are cleared as new ones start.
		if _, err := tx.Exec(ctx, `DELETE FROM oidc_logins WHERE expires_at <= ?`, now); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO oidc_logins (state_hash, nonce, verifier, next, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
			store.TokenHash(state), l.Nonce, l.Verifier, l.Next, now, l.ExpiresAt)
		return err
	})
	if err != nil {
		return "", s.Fail(err, "create sign-in")
	}
	return state, nil
}

// UseOIDCLogin removes and returns the unexpired sign-in of state, in one statement, so a
// state opens one sign-in at most: a second use, like an unknown or expired state, is
// store.ErrNotFound.
func UseOIDCLogin(ctx context.Context, s *store.Store, state string) (OIDCLogin, error) {
	var l OIDCLogin
	err := s.WriteRow(ctx, `DELETE FROM oidc_logins WHERE state_hash = ? AND expires_at > ? RETURNING nonce, verifier, next, expires_at`,
		store.TokenHash(state), s.Now()).Scan(&l.Nonce, &l.Verifier, &l.Next, &l.ExpiresAt)
	if err != nil {
		return OIDCLogin{}, s.Fail(err, "use sign-in")
	}
	l.ExpiresAt = l.ExpiresAt.UTC()
	return l, nil
}

// OIDCSubject returns the identity provider's subject the account is linked to, "" if none.
func OIDCSubject(ctx context.Context, s *store.Store, accountID int64) (string, error) {
	var sub string
	if err := s.QueryRow(ctx, `SELECT oidc_subject FROM accounts WHERE id = ?`, accountID).Scan(&sub); err != nil {
		return "", s.Fail(err, "identity of account %d", accountID)
	}
	return sub, nil
}

// SetOIDCSubject links the account to the identity provider's subject.
func SetOIDCSubject(ctx context.Context, s *store.Store, accountID int64, subject string) error {
	res, err := s.Exec(ctx, `UPDATE accounts SET oidc_subject = ? WHERE id = ?`, subject, accountID)
	if err == nil {
		err = store.AffectedOne(res)
	}
	if err != nil {
		return s.Fail(err, "link identity of account %d", accountID)
	}
	return nil
}
