package access

import (
	"context"
	"fmt"
	"time"

	"github.com/rungs/rungs/internal/store"
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

// CreateSession starts a session for sess's account, lasting until sess.ExpiresAt, and
// returns its new random token (for the cookie) with the session as stored. The database
// keeps only the token's SHA-256. An unknown account is store.ErrConflict.
func CreateSession(ctx context.Context, s *store.Store, sess Session) (token string, created Session, err error) {
	now := s.Now()
	if !sess.ExpiresAt.After(now) {
		return "", Session{}, fmt.Errorf("create session for account %d: expiry %s is not in the future", sess.AccountID, sess.ExpiresAt)
	}
	if token, err = store.NewToken(); err != nil {
		return "", Session{}, fmt.Errorf("create session for account %d: %w", sess.AccountID, err)
	}
	if sess.Method == "" {
		sess.Method = SignedInWithPassword
	}
	row := s.WriteRow(ctx, `
		INSERT INTO sessions (id_hash, account_id, created_at, expires_at, last_seen, user_agent, address, method)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING `+sessionColumns,
		store.TokenHash(token), sess.AccountID, now, sess.ExpiresAt.UTC().Truncate(time.Microsecond), now, sess.UserAgent, sess.Address, string(sess.Method))
	if created, err = scanSession(row); err != nil {
		return "", Session{}, s.Fail(err, "create session for account %d", sess.AccountID)
	}
	return token, created, nil
}

// SessionByToken returns the session the token opens, or store.ErrNotFound when there is none or
// it has expired.
func SessionByToken(ctx context.Context, s *store.Store, token string) (Session, error) {
	sess, err := scanSession(s.QueryRow(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id_hash = ? AND expires_at > ?`,
		store.TokenHash(token), s.Now()))
	if err != nil {
		// Never the token in a message: it would end up in logs.
		return Session{}, s.Fail(err, "session")
	}
	return sess, nil
}

// SignedIn is who a session opens the app for.
type SignedIn struct {
	Session    Session
	Account    Account
	Person     store.Person
	HasReports bool // someone has the person as their direct manager
	// Above is whether the person is above the one SignedInBy was asked about in the
	// reporting chain (store.Manages); false when it was asked about nobody.
	Above bool
	// OnPanel is whether the person reviews promotion cases on the promotion panel
	// (growth.OnPanel), which a person's own page and a promotion case's access turn on.
	OnPanel bool
}

// SignedInBy returns the session the token opens with its account and person, in one query
// as every request asks it, or store.ErrNotFound when there is none or it has expired. About
// is the person the request is about (the {id} of its route), or 0: whether the person
// signed in is above them comes with the rest, which a manager's page about someone would
// otherwise ask of the database on its own, a round trip more.
func SignedInBy(ctx context.Context, s *store.Store, token string, about int64) (SignedIn, error) {
	r := s.Reads()
	var in SignedIn
	var found bool
	ReadSignedInBy(r, token, about, &in, &found)
	if err := r.Run(ctx); err != nil {
		return SignedIn{}, err
	}
	if !found {
		return SignedIn{}, s.Fail(store.ErrNotFound, "session")
	}
	return in, nil
}

// ReadSignedInBy adds to r the read SignedInBy makes, into *in, and sets *found when the
// token opens a session: a page may send its own reads with it (see web.Early).
func ReadSignedInBy(r *store.Reads, token string, about int64, in *SignedIn, found *bool) {
	s := r.Store()
	*in, *found = SignedIn{}, false
	// Never the token in a message: it would end up in logs.
	r.Read("session", func(row store.Scanner) error {
		var x SignedIn
		var sess Session
		var role, status, method string
		var a Account
		p, err := store.ScanPerson(row, &sess.AccountID, &sess.CreatedAt, &sess.ExpiresAt, &sess.LastSeen, &sess.UserAgent, &sess.Address, &method,
			&a.ID, &a.PersonID, &a.PasswordHash, &role, &a.CreatedAt, &a.Email, &status, &x.HasReports, &x.Above, &x.OnPanel)
		if err != nil {
			return err
		}
		sess.CreatedAt, sess.ExpiresAt, sess.LastSeen = sess.CreatedAt.UTC(), sess.ExpiresAt.UTC(), sess.LastSeen.UTC()
		sess.Method = SignInMethod(method)
		a.Role, a.Status, a.CreatedAt = store.Role(role), store.Status(status), a.CreatedAt.UTC()
		x.Session, x.Account, x.Person = sess, a, p
		*in, *found = x, true
		return nil
	}, `
		SELECT `+s.PersonColumns("p")+`, s.account_id, s.created_at, s.expires_at, s.last_seen, s.user_agent, s.address, s.method,
			`+accountColumns+`, EXISTS (SELECT 1 FROM people r WHERE r.manager_id = p.id),
			p.id <> ? AND EXISTS (SELECT 1 FROM people_chain c WHERE c.person_id = ? AND c.manager_id = p.id),
			EXISTS (SELECT 1 FROM promotion_panel pp WHERE pp.person_id = p.id)
		FROM sessions s JOIN accounts a ON a.id = s.account_id JOIN people p ON p.id = a.person_id
		WHERE s.id_hash = ? AND s.expires_at > ?`, about, about, store.TokenHash(token), s.Now())
}

// TouchSession records that the session was used now and, unless expiresAt is zero, moves
// its expiry there (a sliding expiry). An expired or unknown session is store.ErrNotFound: touching
// does not bring a session back.
func TouchSession(ctx context.Context, s *store.Store, token string, expiresAt time.Time) error {
	now := s.Now()
	q := `UPDATE sessions SET last_seen = ? WHERE id_hash = ? AND expires_at > ?`
	args := []any{now, store.TokenHash(token), now}
	if !expiresAt.IsZero() {
		if !expiresAt.After(now) {
			return fmt.Errorf("touch session: expiry %s is not in the future", expiresAt)
		}
		q = `UPDATE sessions SET last_seen = ?, expires_at = ? WHERE id_hash = ? AND expires_at > ?`
		args = []any{now, expiresAt.UTC().Truncate(time.Microsecond), store.TokenHash(token), now}
	}
	res, err := s.Exec(ctx, q, args...)
	if err != nil {
		return s.Fail(err, "touch session")
	}
	if err := store.AffectedOne(res); err != nil {
		return s.Fail(err, "touch session")
	}
	return nil
}

// Sessions lists an account's unexpired sessions, newest first (for the account page).
func Sessions(ctx context.Context, s *store.Store, accountID int64) ([]Session, error) {
	rows, err := s.Query(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE account_id = ? AND expires_at > ?
		ORDER BY created_at DESC, id_hash`, accountID, s.Now())
	if err != nil {
		return nil, s.Fail(err, "sessions of account %d", accountID)
	}
	defer rows.Close()
	sessions := []Session{}
	for rows.Next() {
		sess, err := scanSession(rows)
		if err != nil {
			return nil, s.Fail(err, "sessions of account %d", accountID)
		}
		sessions = append(sessions, sess)
	}
	if err := rows.Err(); err != nil {
		return nil, s.Fail(err, "sessions of account %d", accountID)
	}
	return sessions, nil
}

// DeleteSession ends the session the token opens (sign out). A session already gone is not
// an error: signing out twice leaves one signed out.
func DeleteSession(ctx context.Context, s *store.Store, token string) error {
	if _, err := s.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, store.TokenHash(token)); err != nil {
		return s.Fail(err, "delete session")
	}
	return nil
}

// DeleteSessionsOf ends every session of the account ("sign out everywhere") and returns
// how many there were.
func DeleteSessionsOf(ctx context.Context, s *store.Store, accountID int64) (int64, error) {
	res, err := s.Exec(ctx, `DELETE FROM sessions WHERE account_id = ?`, accountID)
	if err != nil {
		return 0, s.Fail(err, "delete sessions of account %d", accountID)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.Fail(err, "delete sessions of account %d", accountID)
	}
	return n, nil
}

// DeleteExpiredSessions removes the sessions that expired at or before now and returns how
// many; expired sessions already open nothing, this only keeps the table small.
func DeleteExpiredSessions(ctx context.Context, s *store.Store, now time.Time) (int64, error) {
	res, err := s.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.UTC())
	if err != nil {
		return 0, s.Fail(err, "delete expired sessions")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, s.Fail(err, "delete expired sessions")
	}
	return n, nil
}

const sessionColumns = `account_id, created_at, expires_at, last_seen, user_agent, address, method`

func scanSession(row store.Scanner) (Session, error) {
	var sess Session
	var method string
	if err := row.Scan(&sess.AccountID, &sess.CreatedAt, &sess.ExpiresAt, &sess.LastSeen, &sess.UserAgent, &sess.Address, &method); err != nil {
		return Session{}, err
	}
	sess.Method = SignInMethod(method)
	sess.CreatedAt, sess.ExpiresAt, sess.LastSeen = sess.CreatedAt.UTC(), sess.ExpiresAt.UTC(), sess.LastSeen.UTC()
	return sess, nil
}
