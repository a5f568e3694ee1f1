package access

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/store"
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

// TokenPrefix starts every API token, so that a secret store.Scanner (or a person) can tell one.
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

// store.Active reports whether the token still opens the API at now.
func (t Token) Active(now time.Time) bool { return t.RevokedAt.IsZero() && t.ExpiresAt.After(now) }

// CreateToken stores a new API token and returns it with its secret ("rungs_" and 256
// random bits); only the secret's hash is kept.
func CreateToken(ctx context.Context, s *store.Store, t Token) (string, Token, error) {
	now := s.Now()
	t.ExpiresAt = t.ExpiresAt.UTC().Truncate(time.Microsecond)
	var err error
	switch {
	case strings.TrimSpace(t.Name) == "":
		err = fmt.Errorf("a token needs a name")
	case store.TextProblem(t.Name, MaxTokenName) != "":
		err = fmt.Errorf("name %s", store.TextProblem(t.Name, MaxTokenName))
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
	secret, err := store.NewToken()
	if err != nil {
		return "", Token{}, fmt.Errorf("create token: %w", err)
	}
	secret = TokenPrefix + secret
	created, err := scanToken(s.WriteRow(ctx, `
		INSERT INTO api_tokens (token_hash, name, kind, account_id, scope, created_by, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+tokenColumns,
		store.TokenHash(secret), strings.TrimSpace(t.Name), string(t.Kind), store.NullID(t.AccountID), string(t.Scope), store.NullID(t.CreatedBy), now, t.ExpiresAt))
	if err != nil {
		return "", Token{}, s.Fail(err, "create token")
	}
	return secret, created, nil
}

// TokenBySecret returns the active token the secret is, or store.ErrNotFound when there is none,
// or it has expired or been revoked.
func TokenBySecret(ctx context.Context, s *store.Store, secret string) (Token, error) {
	now := s.Now()
	t, err := scanToken(s.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?`,
		store.TokenHash(secret), now))
	if err != nil {
		// Never the secret in a message: it would end up in logs.
		return Token{}, s.Fail(err, "token")
	}
	return t, nil
}

// TouchToken records that the token was used now.
func TouchToken(ctx context.Context, s *store.Store, id int64) error {
	if _, err := s.Exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, s.Now(), id); err != nil {
		return s.Fail(err, "touch token %d", id)
	}
	return nil
}

// TokenByID returns the token with the id, or store.ErrNotFound.
func TokenByID(ctx context.Context, s *store.Store, id int64) (Token, error) {
	t, err := scanToken(s.QueryRow(ctx, `SELECT `+tokenColumns+` FROM api_tokens WHERE id = ?`, id))
	if err != nil {
		return Token{}, s.Fail(err, "token %d", id)
	}
	return t, nil
}

// Tokens lists the personal tokens of an account, or with accountID 0 the service tokens,
// newest first, revoked and expired ones included.
func Tokens(ctx context.Context, s *store.Store, accountID int64) ([]Token, error) {
	q, args := `SELECT `+tokenColumns+` FROM api_tokens WHERE kind = 'service' ORDER BY id DESC`, []any{}
	if accountID != 0 {
		q, args = `SELECT `+tokenColumns+` FROM api_tokens WHERE account_id = ? ORDER BY id DESC`, []any{accountID}
	}
	rows, err := s.Query(ctx, q, args...)
	if err != nil {
		return nil, s.Fail(err, "list tokens")
	}
	defer rows.Close()
	tokens := []Token{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, s.Fail(err, "list tokens")
		}
		tokens = append(tokens, t)
	}
	if err := rows.Err(); err != nil {
		return nil, s.Fail(err, "list tokens")
	}
	return tokens, nil
}

// RevokeToken ends the token for good; revoking one already revoked is not an error, an
// unknown one is store.ErrNotFound.
func RevokeToken(ctx context.Context, s *store.Store, id int64) error {
	res, err := s.Exec(ctx, `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?`, s.Now(), id)
	if err == nil {
		err = store.AffectedOne(res)
	}
	if err != nil {
		return s.Fail(err, "revoke token %d", id)
	}
	return nil
}

const tokenColumns = `id, name, kind, account_id, scope, created_by, created_at, expires_at, last_used_at, revoked_at`

func scanToken(row store.Scanner) (Token, error) {
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
