package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// TokenKind says whom an API token acts as.
type TokenKind string

// The kinds of API token.
const (
	PersonalToken TokenKind = "personal" // its account, with that account's rights
	ServiceToken  TokenKind = "service"  // the people team, for another system (made by an admin)
)

// TokenScope is what an API token may do.
type TokenScope string

// The scopes of an API token.
const (
	ReadScope  TokenScope = "read"
	WriteScope TokenScope = "write" // reads too
)

// TokenPrefix starts every API token, so that a secret scanner (or a person) can tell one.
const TokenPrefix = "rungs_"

// MaxTokenName is the longest name a token may have.
const MaxTokenName = 100

// Token is an API token. The token itself is not part of it: only the one CreateToken returns
// it to holds it.
type Token struct {
	ID        int64
	Name      string
	Kind      TokenKind
	AccountID int64 // a personal token's account; 0 for a service token
	Scope     TokenScope
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
	LastUsed  time.Time // zero: never used
	RevokedAt time.Time // zero: not revoked
}

// Active reports whether the token still opens the API at now.
func (t Token) Active(now time.Time) bool { return t.RevokedAt.IsZero() && t.ExpiresAt.After(now) }

// CreateToken stores a new API token and returns it with its secret ("rungs_" and 256
// random bits); only the secret's hash is kept.
func (s *Store) CreateToken(ctx context.Context, t Token) (string, Token, error) {
	now := s.now()
	t.ExpiresAt = t.ExpiresAt.UTC().Truncate(time.Microsecond)
	var err error
	switch {
	case strings.TrimSpace(t.Name) == "":
		err = fmt.Errorf("a token needs a name")
	case TextProblem(t.Name, MaxTokenName) != "":
		err = fmt.Errorf("name %s", TextProblem(t.Name, MaxTokenName))
	case t.Kind != PersonalToken && t.Kind != ServiceToken:
		err = fmt.Errorf("kind %q is not personal or service", t.Kind)
	case (t.Kind == PersonalToken) != (t.AccountID != 0):
		err = fmt.Errorf("a personal token needs an account, a service token none")
	case t.Scope != ReadScope && t.Scope != WriteScope:
		err = fmt.Errorf("scope %q is not read or write", t.Scope)
	case !t.ExpiresAt.After(now):
		err = fmt.Errorf("expiry %s is not in the future", t.ExpiresAt)
	}
	if err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	secret, err := newToken()
	if err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	secret = TokenPrefix + secret
	created, err := scanToken(s.writeRow(ctx, `
		INSERT INTO api_tokens (token_hash, name, kind, account_id, scope, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+tokenColumns,
		tokenHash(secret), strings.TrimSpace(t.Name), string(t.Kind), nullID(t.AccountID), string(t.Scope), nullID(t.CreatedBy), now, t.ExpiresAt))
	if err != nil {
		return "", Token{}, s.fail(err, "create token")
	}
	return secret, created, nil
}

// TokenBySecret returns the active token the secret is, or ErrNotFound when there is none,
// or it has expired or been revoked.
func (s *Store) TokenBySecret(ctx context.Context, secret string) (Token, error) {
	now := s.now()
	t, err := scanToken(s.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?`,
		tokenHash(secret), now))
	if err != nil {
		// Never the secret in a message: it would end up in logs.
		return Token{}, s.fail(err, "token")
	}
	return t, nil
}

// TouchToken records that the token was used now.
func (s *Store) TouchToken(ctx context.Context, id int64) error {
	if _, err := s.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, s.now(), id); err != nil {
		return s.fail(err, "touch token %d", id)
	}
	return nil
}

// Token returns the token with the id, or ErrNotFound.
func (s *Store) Token(ctx context.Context, id int64) (Token, error) {
	t, err := scanToken(s.queryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`, id))
	if err != nil {
		return Token{}, s.fail(err, "token %d", id)
	}
	return t, nil
}

// Tokens lists the personal tokens of an account, or with accountID 0 the service tokens,
// newest first, revoked and expired ones included.
func (s *Store) Tokens(ctx context.Context, accountID int64) ([]Token, error) {
	q, args := `SELECT `+tokenColumns+` FROM api_tokens WHERE kind = 'service' ORDER BY id DESC`, []any{}
	if accountID != 0 {
		q, args = `SELECT `+tokenColumns+` FROM api_tokens WHERE account_id = ? ORDER BY id DESC`, []any{accountID}
	}
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, s.fail(err, "list tokens")
	}
	defer rows.Close()
	tokens := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, s.fail(err, "list tokens")
		}
		tokens = append(tokens, t)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list tokens")
	}
	return tokens, nil
}

// RevokeToken ends the token for good; revoking one already revoked is not an error, an
// unknown one is ErrNotFound.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`, s.now(), id)
	if err == nil {
		err = affectedOne(res)
	}
	if err != nil {
		return s.fail(err, "revoke token %d", id)
	}
	return nil
}

const tokenColumns = `id, name, kind, account_id, scope, created_by, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row scanner) (Token, error) {
	var t Token
	var kind, scope string
	var account, by sql.NullInt64
	var used, revoked sql.NullTime
	if err := row.Scan(&t.ID, &t.Name, &kind, &account, &scope, &by, &t.CreatedAt, &t.ExpiresAt, &used, &revoked); err != nil {
		return Token{}, err
	}
	t.Kind, t.Scope, t.AccountID, t.CreatedBy = TokenKind(kind), TokenScope(scope), account.Int64, by.Int64
	t.CreatedAt, t.ExpiresAt = t.CreatedAt.UTC(), t.ExpiresAt.UTC()
	if used.Valid {
		t.LastUsed = used.Time.UTC()
	}
	if revoked.Valid {
		t.RevokedAt = revoked.Time.UTC()
	}
	return t, nil
}
