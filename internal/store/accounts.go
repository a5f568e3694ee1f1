package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
)

// Role is what an account may do beyond what the reporting chain gives it.
type Role string

// The roles an account can have.
const (
	Admin  Role = "admin"  // the people team: sees and changes everyone
	Member Role = "member" // sees their own record, and their reports' through the chain
)

// Account is a person's way of signing in.
type Account struct {
	ID           int64
	PersonID     int64
	PasswordHash string // an auth.Hash string; the store never sees a password
	Role         Role
	CreatedAt    time.Time
	// Email and Status are the person's, read along so that a login needs one query and can
	// refuse someone who has left.
	Email  string
	Status Status
}

const accountColumns = `a.id, a.person_id, a.password_hash, a.role, a.created_at, p.email, p.status`
const accountFrom = ` FROM accounts a JOIN people p ON p.id = a.person_id`

func validRole(r Role) error {
	if r != Admin && r != Member {
		return fmt.Errorf("role %q is not admin or member", r)
	}
	return nil
}

// CreateAccount gives the person an account and returns it. A person has at most one: a
// second is ErrConflict, and so is an unknown person.
func (s *Store) CreateAccount(ctx context.Context, personID int64, passwordHash string, role Role) (Account, error) {
	if err := validRole(role); err != nil {
		return Account{}, fmt.Errorf("create account for person %d: %w", personID, err)
	}
	if strings.TrimSpace(passwordHash) == "" {
		return Account{}, fmt.Errorf("create account for person %d: password hash is empty", personID)
	}
	var created Account
	err := s.WithTx(ctx, func(tx *Store) error {
		var id int64
		if err := tx.writeRow(ctx, `
			INSERT INTO accounts (person_id, password_hash, role, created_at) VALUES (?, ?, ?, ?)
			RETURNING id`, personID, passwordHash, string(role), tx.now()).Scan(&id); err != nil {
			return err
		}
		var err error
		created, err = scanAccount(tx.writeRow(ctx, `SELECT `+accountColumns+accountFrom+` WHERE a.id = ?`, id))
		return err
	})
	if err != nil {
		return Account{}, s.fail(err, "create account for person %d", personID)
	}
	return created, nil
}

// Account returns the account with the id, or ErrNotFound.
func (s *Store) Account(ctx context.Context, id int64) (Account, error) {
	a, err := scanAccount(s.queryRow(ctx, `SELECT `+accountColumns+accountFrom+` WHERE a.id = ?`, id))
	if err != nil {
		return Account{}, s.fail(err, "account %d", id)
	}
	return a, nil
}

// AccountByEmail returns the account of the person with the email, whatever its case, or
// ErrNotFound when there is no such person or they have no account.
func (s *Store) AccountByEmail(ctx context.Context, email string) (Account, error) {
	a, err := scanAccount(s.queryRow(ctx, `SELECT `+accountColumns+accountFrom+` WHERE lower(p.email) = lower(?)`,
		strings.TrimSpace(email)))
	if err != nil {
		return Account{}, s.fail(err, "account of %s", email)
	}
	return a, nil
}

// AccountOfPerson returns the person's account or ErrNotFound.
func (s *Store) AccountOfPerson(ctx context.Context, person int64) (Account, error) {
	a, err := scanAccount(s.queryRow(ctx, `SELECT `+accountColumns+accountFrom+` WHERE a.person_id = ?`, person))
	if err != nil {
		return Account{}, s.fail(err, "account of person %d", person)
	}
	return a, nil
}

// CountAccounts returns how many accounts exist (0 means the first start: setup is needed).
func (s *Store) CountAccounts(ctx context.Context) (int, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM accounts`).Scan(&n); err != nil {
		return 0, s.fail(err, "count accounts")
	}
	return n, nil
}

// SetRole changes an account's role (ErrNotFound if none).
func (s *Store) SetRole(ctx context.Context, accountID int64, role Role) error {
	if err := validRole(role); err != nil {
		return fmt.Errorf("set role of account %d: %w", accountID, err)
	}
	res, err := s.exec(ctx, `UPDATE accounts SET role = ? WHERE id = ?`, string(role), accountID)
	if err != nil {
		return s.fail(err, "set role of account %d", accountID)
	}
	if err := affectedOne(res); err != nil {
		return s.fail(err, "set role of account %d", accountID)
	}
	return nil
}

// SetPassword replaces the account's password hash, or returns ErrNotFound, and ends the
// person's unused sign-in links. It leaves the account's sessions alone: signing out
// elsewhere is DeleteSessionsOf, the caller's choice.
func (s *Store) SetPassword(ctx context.Context, accountID int64, passwordHash string) error {
	if strings.TrimSpace(passwordHash) == "" {
		return fmt.Errorf("set password of account %d: password hash is empty", accountID)
	}
	err := s.WithTx(ctx, func(tx *Store) error {
		var person int64
		if err := tx.writeRow(ctx, `UPDATE accounts SET password_hash = ? WHERE id = ? RETURNING person_id`, passwordHash, accountID).Scan(&person); err != nil {
			return err
		}
		// A link to set a password that is still unused would undo the one just set.
		return tx.expireLinks(ctx, person)
	})
	if err != nil {
		return s.fail(err, "set password of account %d", accountID)
	}
	return nil
}

// affectedOne turns a write that matched no row into ErrNotFound.
func affectedOne(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

func scanAccount(row scanner) (Account, error) {
	var a Account
	var role, status string
	if err := row.Scan(&a.ID, &a.PersonID, &a.PasswordHash, &role, &a.CreatedAt, &a.Email, &status); err != nil {
		return Account{}, err
	}
	a.Role, a.Status, a.CreatedAt = Role(role), Status(status), a.CreatedAt.UTC()
	return a, nil
}
