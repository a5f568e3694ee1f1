// Package access keeps who may sign in and how: accounts, sessions, API tokens, second
// factors (TOTP and recovery codes) and identity-provider logins. It is the store's feature
// package for them (see internal/store/feature.go); the people they belong to, and the
// sign-in links that set a first password, are package store's.
package access

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// Account is a person's way of signing in.
type Account struct {
	ID           int64
	PersonID     int64
	PasswordHash string // an auth.Hash string; the store never sees a password
	Role         store.Role
	CreatedAt    time.Time
	// Email and store.Status are the person's, read along so that a login needs one query and can
	// refuse someone who has left.
	Email  string
	Status store.Status
}

const accountColumns = `a.id, a.person_id, a.password_hash, a.role, a.created_at, p.email, p.status`
const accountFrom = ` FROM accounts a JOIN people p ON p.id = a.person_id`

// CreateAccount gives the person an account and returns it. A person has at most one: a
// second is store.ErrConflict, and so is an unknown person.
func CreateAccount(ctx context.Context, s *store.Store, personID int64, passwordHash string, role store.Role) (Account, error) {
	if err := store.ValidRole(role); err != nil {
		return Account{}, fmt.Errorf("create account for person %d: %w", personID, err)
	}
	if strings.TrimSpace(passwordHash) == "" {
		return Account{}, fmt.Errorf("create account for person %d: password hash is empty", personID)
	}
	var created Account
	err := s.WithTx(ctx, func(tx *store.Store) error {
		var id int64
		if err := tx.WriteRow(ctx, `
			INSERT INTO accounts (person_id, password_hash, role, created_at) VALUES (?, ?, ?, ?)
			RETURNING id`, personID, passwordHash, string(role), tx.Now()).Scan(&id); err != nil {
			return err
		}
		var err error
		created, err = scanAccount(tx.WriteRow(ctx, `SELECT `+accountColumns+accountFrom+` WHERE a.id = ?`, id))
		return err
	})
	if err != nil {
		return Account{}, s.Fail(err, "create account for person %d", personID)
	}
	return created, nil
}

// AccountByID returns the account with the id, or store.ErrNotFound.
func AccountByID(ctx context.Context, s *store.Store, id int64) (Account, error) {
	a, err := scanAccount(s.QueryRow(ctx, `SELECT `+accountColumns+accountFrom+` WHERE a.id = ?`, id))
	if err != nil {
		return Account{}, s.Fail(err, "account %d", id)
	}
	return a, nil
}

// AccountByEmail returns the account of the person with the email, whatever its case, or
// store.ErrNotFound when there is no such person or they have no account.
func AccountByEmail(ctx context.Context, s *store.Store, email string) (Account, error) {
	a, err := scanAccount(s.QueryRow(ctx, `SELECT `+accountColumns+accountFrom+` WHERE lower(p.email) = lower(?)`,
		strings.TrimSpace(email)))
	if err != nil {
		return Account{}, s.Fail(err, "account of %s", email)
	}
	return a, nil
}

// AccountOfPerson returns the person's account or store.ErrNotFound.
func AccountOfPerson(ctx context.Context, s *store.Store, person int64) (Account, error) {
	a, err := scanAccount(s.QueryRow(ctx, `SELECT `+accountColumns+accountFrom+` WHERE a.person_id = ?`, person))
	if err != nil {
		return Account{}, s.Fail(err, "account of person %d", person)
	}
	return a, nil
}

// ReadAccountOf adds to r the read of a person's account into *out and whether signing in
// to it asks for a second factor into *twoFactor, for the admin's view of the person; found
// says whether they have an account.
func ReadAccountOf(r *store.Reads, person int64, out *Account, twoFactor, found *bool) {
	*found, *twoFactor = false, false
	r.Read(fmt.Sprintf("account of person %d", person), func(row store.Scanner) error {
		var on bool
		a, err := scanAccount(store.ScanMore(row, &on))
		if err != nil {
			return err
		}
		*out, *twoFactor, *found = a, on, true
		return nil
	}, `SELECT `+accountColumns+`, t.enabled_at IS NOT NULL`+accountFrom+` LEFT JOIN totp t ON t.account_id = a.id WHERE a.person_id = ?`, person)
}

// CountAccounts returns how many accounts exist (0 means the first start: setup is needed).
func CountAccounts(ctx context.Context, s *store.Store) (int, error) {
	var n int
	if err := s.QueryRow(ctx, `SELECT count(*) FROM accounts`).Scan(&n); err != nil {
		return 0, s.Fail(err, "count accounts")
	}
	return n, nil
}

// SetRole changes an account's role (store.ErrNotFound if none).
func SetRole(ctx context.Context, s *store.Store, accountID int64, role store.Role) error {
	if err := store.ValidRole(role); err != nil {
		return fmt.Errorf("set role of account %d: %w", accountID, err)
	}
	res, err := s.Exec(ctx, `UPDATE accounts SET role = ? WHERE id = ?`, string(role), accountID)
	if err != nil {
		return s.Fail(err, "set role of account %d", accountID)
	}
	if err := store.AffectedOne(res); err != nil {
		return s.Fail(err, "set role of account %d", accountID)
	}
	return nil
}

// SetPassword replaces the account's password hash, or returns store.ErrNotFound, and ends the
// person's unused sign-in links. It leaves the account's sessions alone: signing out
// elsewhere is DeleteSessionsOf, the caller's choice.
func SetPassword(ctx context.Context, s *store.Store, accountID int64, passwordHash string) error {
	if strings.TrimSpace(passwordHash) == "" {
		return fmt.Errorf("set password of account %d: password hash is empty", accountID)
	}
	err := s.WithTx(ctx, func(tx *store.Store) error {
		var person int64
		if err := tx.WriteRow(ctx, `UPDATE accounts SET password_hash = ? WHERE id = ? RETURNING person_id`, passwordHash, accountID).Scan(&person); err != nil {
			return err
		}
		// A link to set a password that is still unused would undo the one just set.
		return tx.ExpireLinks(ctx, person)
	})
	if err != nil {
		return s.Fail(err, "set password of account %d", accountID)
	}
	return nil
}

func scanAccount(row store.Scanner) (Account, error) {
	var a Account
	var role, status string
	if err := row.Scan(&a.ID, &a.PersonID, &a.PasswordHash, &role, &a.CreatedAt, &a.Email, &status); err != nil {
		return Account{}, err
	}
	a.Role, a.Status, a.CreatedAt = store.Role(role), store.Status(status), a.CreatedAt.UTC()
	return a, nil
}
