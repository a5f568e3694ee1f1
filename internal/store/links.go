package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// LinkPurpose says what a one-time link is for.
type LinkPurpose string

// The purposes a link can have.
const (
	SetupLink  LinkPurpose = "setup"  // the first start: whoever opens it becomes the first admin
	InviteLink LinkPurpose = "invite" // a person sets their password: an invitation or a reset
)

// Link is a one-time link. Its token is not part of it: only the one CreateLink returns it
// to holds it.
type Link struct {
	Purpose   LinkPurpose
	PersonID  int64 // whose account the link opens; 0 for setup
	Role      Role  // the role of an account the link creates; empty means Member
	CreatedBy int64 // 0 for rungs itself
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero: unused
}

// CreateLink stores a new link and returns its random token (256 bits, base64url, like CreateSession); only its hash is kept.
// A new invitation replaces the person's earlier unused ones, which expire. An unknown person is ErrConflict.
func (s *Store) CreateLink(ctx context.Context, l Link) (token string, created Link, err error) {
	now := s.now()
	if l.Role == "" {
		l.Role = Member
	}
	switch {
	case l.Purpose != SetupLink && l.Purpose != InviteLink:
		err = fmt.Errorf("purpose %q is not setup or invite", l.Purpose)
	case l.Purpose == SetupLink && l.PersonID != 0:
		err = fmt.Errorf("a setup link is for nobody yet, not person %d", l.PersonID)
	case l.Purpose == InviteLink && l.PersonID == 0:
		err = fmt.Errorf("an invitation needs a person")
	case !l.ExpiresAt.After(now):
		err = fmt.Errorf("expiry %s is not in the future", l.ExpiresAt)
	default:
		err = ValidRole(l.Role)
	}
	if err != nil {
		return "", Link{}, fmt.Errorf("create %s link: %w", l.Purpose, err)
	}
	if token, err = NewToken(); err != nil {
		return "", Link{}, fmt.Errorf("create %s link: %w", l.Purpose, err)
	}
	err = s.WithTx(ctx, func(tx *Store) error {
		if l.Purpose == InviteLink {
			if err := tx.ExpireLinks(ctx, l.PersonID); err != nil {
				return err
			}
		}
		var err error
		created, err = scanLink(tx.writeRow(ctx, `
			INSERT INTO links (id_hash, purpose, person_id, role, created_by, created_at, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			RETURNING `+linkColumns,
			TokenHash(token), string(l.Purpose), nullID(l.PersonID), string(l.Role), nullID(l.CreatedBy),
			now, l.ExpiresAt.UTC().Truncate(time.Microsecond)))
		return err
	})
	if err != nil {
		return "", Link{}, s.fail(err, "create %s link", l.Purpose)
	}
	return token, created, nil
}

// ExpireLinks ends the person's unused links: a link is for setting a password once, and
// one made before the password last changed, or before a newer link, has no use left.
func (s *Store) ExpireLinks(ctx context.Context, person int64) error {
	now := s.now()
	_, err := s.exec(ctx, `UPDATE links SET expires_at = ? WHERE person_id = ? AND used_at IS NULL AND expires_at > ?`, now, person, now)
	return err
}

// expireLinksOfLeavers ends the unused links of everyone who has left: a link would let
// someone who left set a password (though not sign in with it).
func (s *Store) expireLinksOfLeavers(ctx context.Context) error {
	now := s.now()
	_, err := s.exec(ctx, `UPDATE links SET expires_at = ? WHERE used_at IS NULL AND expires_at > ?
		AND person_id IN (SELECT id FROM people WHERE status = 'left')`, now, now)
	return err
}

// LinkByToken returns the unused, unexpired link the token opens, or ErrNotFound.
func (s *Store) LinkByToken(ctx context.Context, token string) (Link, error) {
	l, err := scanLink(s.queryRow(ctx, `SELECT `+linkColumns+` FROM links WHERE id_hash = ? AND used_at IS NULL AND expires_at > ?`,
		TokenHash(token), s.now()))
	if err != nil {
		// Never the token in a message: it would end up in logs.
		return Link{}, s.fail(err, "link")
	}
	return l, nil
}

// UseLink marks the link used and returns it, atomically, so two uses at once cannot both
// succeed: the second is ErrNotFound, as are an unknown, used or expired link. Call it inside
// WithTx with the account creation, so that a failure there leaves the link unused. Setting
// the password (SetPassword) then ends the person's other links.
func (s *Store) UseLink(ctx context.Context, token string) (Link, error) {
	// One statement that checks and marks: on PostgreSQL a second UPDATE waits for the first's
	// transaction and then finds used_at set; SQLite runs one writer at a time.
	now := s.now()
	l, err := scanLink(s.writeRow(ctx, `
		UPDATE links SET used_at = ? WHERE id_hash = ? AND used_at IS NULL AND expires_at > ?
		RETURNING `+linkColumns, now, TokenHash(token), now))
	if err != nil {
		return Link{}, s.fail(err, "use link")
	}
	return l, nil
}

const linkColumns = `purpose, person_id, role, created_by, created_at, expires_at, used_at`

func scanLink(row scanner) (Link, error) {
	var l Link
	var purpose, role string
	var person, by sql.NullInt64
	var used sql.NullTime
	if err := row.Scan(&purpose, &person, &role, &by, &l.CreatedAt, &l.ExpiresAt, &used); err != nil {
		return Link{}, err
	}
	l.Purpose, l.Role, l.PersonID, l.CreatedBy = LinkPurpose(purpose), Role(role), person.Int64, by.Int64
	l.CreatedAt, l.ExpiresAt = l.CreatedAt.UTC(), l.ExpiresAt.UTC()
	if used.Valid {
		l.UsedAt = used.Time.UTC()
	}
	return l, nil
}

// Role is what an account may do beyond what the reporting chain gives it.
type Role string

// The roles an account can have.
const (
	Admin  Role = "admin"  // the people team: sees and changes everyone
	Member Role = "member" // sees their own record, and their reports' through the chain
)

func ValidRole(r Role) error {
	if r != Admin && r != Member {
		return fmt.Errorf("role %q is not admin or member", r)
	}
	return nil
}
