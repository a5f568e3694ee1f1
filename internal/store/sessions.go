package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"
)

// Session is a signed-in browser. Its token is not part of it: only the one CreateSession
// returns it to holds it.
type Session struct {
	AccountID int64
	CreatedAt time.Time
	ExpiresAt time.Time
	LastSeen  time.Time
	UserAgent string
	Address   string // the client's IP address, as the HTTP layer saw it
	// Method is how the session was opened (one of the SignedInWith constants); empty
	// means SignedInWithPassword.
	Method SignInMethod
}

// SignInMethod is how a session was opened.
type SignInMethod string

// The ways a session can be opened.
const (
	SignedInWithPassword     SignInMethod = "password"
	SignedInWithTOTP         SignInMethod = "password+totp" // a password, then a code from the app
	SignedInWithRecoveryCode SignInMethod = "recovery-code" // a password, then a recovery code
	SignedInWithOIDC         SignInMethod = "oidc"          // the company's identity provider
	// SignedInWithToken is an API request's: never a session's, which a browser holds.
	SignedInWithToken SignInMethod = "token"
)

// SecondFactor reports whether a session opened this way had more than a password: a
// code, or the identity provider, whose own sign-in rules (and second factor) apply.
func (m SignInMethod) SecondFactor() bool { return m != SignedInWithPassword && m != "" }

// tokenHash is what the sessions table keeps of a token. The token is 256 random bits, so a
// plain SHA-256 cannot be reversed, and looking the hash up cannot leak the token by timing.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newToken returns a new random token for a session or a link: 256 bits, in base64url.
func newToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// CreateSession starts a session for sess's account, lasting until sess.ExpiresAt, and
// returns its new random token (for the cookie) with the session as stored. The database
// keeps only the token's SHA-256. An unknown account is ErrConflict.
func (s *Store) CreateSession(ctx context.Context, sess Session) (token string, created Session, err error) {
	now := s.now()
	if !sess.ExpiresAt.After(now) {
		return "", Session{}, fmt.Errorf("create session for account %d: expiry %s is not in the future", sess.AccountID, sess.ExpiresAt)
	}
	if token, err = newToken(); err != nil {
		return "", Session{}, fmt.Errorf("create session for account %d: %w", sess.AccountID, err)
	}
	if sess.Method == "" {
		sess.Method = SignedInWithPassword
	}
	row := s.writeRow(ctx, `
		INSERT INTO sessions (id_hash, account_id, created_at, expires_at, last_seen, user_agent, address, method)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING `+sessionColumns,
		tokenHash(token), sess.AccountID, now, sess.ExpiresAt.UTC().Truncate(time.Microsecond), now, sess.UserAgent, sess.Address, string(sess.Method))
	if created, err = scanSession(row); err != nil {
		return "", Session{}, s.fail(err, "create session for account %d", sess.AccountID)
	}
	return token, created, nil
}

// SessionByToken returns the session the token opens, or ErrNotFound when there is none or
// it has expired.
func (s *Store) SessionByToken(ctx context.Context, token string) (Session, error) {
	sess, err := scanSession(s.queryRow(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id_hash = ? AND expires_at > ?`,
		tokenHash(token), s.now()))
	if err != nil {
		// Never the token in a message: it would end up in logs.
		return Session{}, s.fail(err, "session")
	}
	return sess, nil
}

// SignedIn is who a session opens the app for.
type SignedIn struct {
	Session    Session
	Account    Account
	Person     Person
	HasReports bool // someone has the person as their direct manager
}

// SignedInBy returns the session the token opens with its account and person, in one query
// as every request asks it, or ErrNotFound when there is none or it has expired.
func (s *Store) SignedInBy(ctx context.Context, token string) (SignedIn, error) {
	var in SignedIn
	var sess Session
	var role, status, method string
	var a Account
	more := []any{&sess.AccountID, &sess.CreatedAt, &sess.ExpiresAt, &sess.LastSeen, &sess.UserAgent, &sess.Address, &method,
		&a.ID, &a.PersonID, &a.PasswordHash, &role, &a.CreatedAt, &a.Email, &status, &in.HasReports}
	p, err := scanPerson(scanPlus{s.queryRow(ctx, `
		SELECT `+s.d.personColumns("p")+`, s.account_id, s.created_at, s.expires_at, s.last_seen, s.user_agent, s.address, s.method,
			`+accountColumns+`, EXISTS (SELECT 1 FROM people r WHERE r.manager_id = p.id)
		FROM sessions s JOIN accounts a ON a.id = s.account_id JOIN people p ON p.id = a.person_id
		WHERE s.id_hash = ? AND s.expires_at > ?`, tokenHash(token), s.now()), more})
	if err != nil {
		// Never the token in a message: it would end up in logs.
		return SignedIn{}, s.fail(err, "session")
	}
	sess.CreatedAt, sess.ExpiresAt, sess.LastSeen = sess.CreatedAt.UTC(), sess.ExpiresAt.UTC(), sess.LastSeen.UTC()
	sess.Method = SignInMethod(method)
	a.Role, a.Status, a.CreatedAt = Role(role), Status(status), a.CreatedAt.UTC()
	in.Session, in.Account, in.Person = sess, a, p
	return in, nil
}

// TouchSession records that the session was used now and, unless expiresAt is zero, moves
// its expiry there (a sliding expiry). An expired or unknown session is ErrNotFound: touching
// does not bring a session back.
func (s *Store) TouchSession(ctx context.Context, token string, expiresAt time.Time) error {
	now := s.now()
	q := `UPDATE sessions SET last_seen = ? WHERE id_hash = ? AND expires_at > ?`
	args := []any{now, tokenHash(token), now}
	if !expiresAt.IsZero() {
		if !expiresAt.After(now) {
			return fmt.Errorf("touch session: expiry %s is not in the future", expiresAt)
		}
		q = `UPDATE sessions SET last_seen = ?, expires_at = ? WHERE id_hash = ? AND expires_at > ?`
		args = []any{now, expiresAt.UTC().Truncate(time.Microsecond), tokenHash(token), now}
	}
	res, err := s.exec(ctx, q, args...)
	if err != nil {
		return s.fail(err, "touch session")
	}
	if err := affectedOne(res); err != nil {
		return s.fail(err, "touch session")
	}
	return nil
}

// Sessions lists an account's unexpired sessions, newest first (for the account page).
func (s *Store) Sessions(ctx context.Context, accountID int64) ([]Session, error) {
	rows, err := s.query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE account_id = ? AND expires_at > ?
		ORDER BY created_at DESC, id_hash`, accountID, s.now())
	if err != nil {
		return nil, s.fail(err, "sessions of account %d", accountID)
	}
	defer rows.Close()
	sessions := []Session{}
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			return nil, s.fail(err, "sessions of account %d", accountID)
		}
		sessions = append(sessions, sess)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "sessions of account %d", accountID)
	}
	return sessions, nil
}

// DeleteSession ends the session the token opens (sign out). A session already gone is not
// an error: signing out twice leaves one signed out.
func (s *Store) DeleteSession(ctx context.Context, token string) error {
	if _, err := s.exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, tokenHash(token)); err != nil {
		return s.fail(err, "delete session")
	}
	return nil
}

// DeleteSessionsOf ends every session of the account ("sign out everywhere") and returns
// how many there were.
func (s *Store) DeleteSessionsOf(ctx context.Context, accountID int64) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE account_id = ?`, accountID)
	if err != nil {
		return 0, s.fail(err, "delete sessions of account %d", accountID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.fail(err, "delete sessions of account %d", accountID)
	}
	return n, nil
}

// DeleteExpiredSessions removes the sessions that expired at or before now and returns how
// many; expired sessions already open nothing, this only keeps the table small.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.UTC())
	if err != nil {
		return 0, s.fail(err, "delete expired sessions")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.fail(err, "delete expired sessions")
	}
	return n, nil
}

const sessionColumns = `account_id, created_at, expires_at, last_seen, user_agent, address, method`

func scanSession(row scanner) (Session, error) {
	var sess Session
	var method string
	if err := row.Scan(&sess.AccountID, &sess.CreatedAt, &sess.ExpiresAt, &sess.LastSeen, &sess.UserAgent, &sess.Address, &method); err != nil {
		return Session{}, err
	}
	sess.Method = SignInMethod(method)
	sess.CreatedAt, sess.ExpiresAt, sess.LastSeen = sess.CreatedAt.UTC(), sess.ExpiresAt.UTC(), sess.LastSeen.UTC()
	return sess, nil
}
