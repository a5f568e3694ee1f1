package cli

import (
	"errors"
	"flag"
	"fmt"
	"time"

	"github.com/rungs/rungs/internal/auth"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

func runCreateUser(e *env, args []string) error {
	fs := flag.NewFlagSet("admin create-user", flag.ContinueOnError)
	db := addDatabaseFlags(fs)
	email := fs.String("email", "", "")
	name := fs.String("name", "", "")
	roleFlag := fs.String("role", "", "")
	startFlag := fs.String("start-date", "", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs("create-user", pos); err != nil {
		return err
	}
	if *email == "" {
		return usageError{"admin create-user needs --email"}
	}
	role := store.Role(*roleFlag)
	if role != "" && role != store.Admin && role != store.Member {
		return usageError{fmt.Sprintf("unknown role %q; use admin or member", role)}
	}
	start := time.Now().UTC()
	if *startFlag != "" {
		if start, err = time.Parse(time.DateOnly, *startFlag); err != nil {
			return usageError{fmt.Sprintf("--start-date %q: use YYYY-MM-DD", *startFlag)}
		}
	}
	s, err := db.open(e.ctx)
	if err != nil {
		return err
	}
	defer s.Close()

	// Everything that can be told before the password is asked for is told first.
	p, err := s.PersonByEmail(e.ctx, *email)
	switch {
	case errors.Is(err, store.ErrNotFound):
		if *name == "" {
			return fmt.Errorf("no one with email %s is stored yet: give --name (and --start-date) to add them", *email)
		}
		p = store.Person{Name: *name, Email: *email, StartDate: start}
	case err != nil:
		return err
	default:
		if _, err := access.AccountOfPerson(e.ctx, s, p.ID); err == nil {
			return alreadyHasAccount(db, p.Email)
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
	}
	password, err := readPassword(e, *email, p.Name, p.Email)
	if err != nil {
		return err
	}
	hash, err := auth.Hash(password)
	if err != nil {
		return err
	}
	added := p.ID == 0
	err = s.WithTx(e.ctx, func(tx *store.Store) error {
		if added {
			if p, err = tx.CreatePerson(e.ctx, p); err != nil {
				return err
			}
		}
		if role == "" {
			// The first account has to be an admin: no one else could make one.
			n, err := access.CountAccounts(e.ctx, tx)
			if err != nil {
				return err
			}
			role = store.Member
			if n == 0 {
				role = store.Admin
			}
		}
		if _, err := access.CreateAccount(e.ctx, tx, p.ID, hash, role); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s account for %s, from the command line", role, p.Email)
		if added {
			detail += "; person added"
		}
		_, err := tx.AddAudit(e.ctx, store.AuditEntry{Action: "account.create", Subject: p.ID, Detail: detail})
		return err
	})
	if errors.Is(err, store.ErrConflict) && !added {
		return alreadyHasAccount(db, p.Email) // made meanwhile, by the app or another admin
	}
	if err != nil {
		return err
	}
	if added {
		fmt.Fprintf(e.stdout, "Added %s <%s>, starting %s.\n", p.Name, p.Email, p.StartDate.Format(time.DateOnly))
	}
	a := "a member"
	if role == store.Admin {
		a = "an admin"
	}
	fmt.Fprintf(e.stdout, "Created %s account for %s <%s>.\n", a, p.Name, p.Email)
	return nil
}

func alreadyHasAccount(db databaseFlags, email string) error {
	return fmt.Errorf("%s already has an account; 'rungs admin reset-password %s --email %s' sets a new password", email, db, shellQuote(email))
}

func runResetPassword(e *env, args []string) error {
	fs := flag.NewFlagSet("admin reset-password", flag.ContinueOnError)
	db := addDatabaseFlags(fs)
	email := fs.String("email", "", "")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if err := noArgs("reset-password", pos); err != nil {
		return err
	}
	if *email == "" {
		return usageError{"admin reset-password needs --email"}
	}
	s, err := openExisting(e.ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	a, err := access.AccountByEmail(e.ctx, s, *email)
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s has no account; 'rungs admin create-user %s --email %s' makes one", *email, db, shellQuote(*email))
	}
	if err != nil {
		return err
	}
	var name string
	if p, err := s.Person(e.ctx, a.PersonID); err == nil {
		name = p.Name
	}
	password, err := readPassword(e, a.Email, name, a.Email)
	if err != nil {
		return err
	}
	hash, err := auth.Hash(password)
	if err != nil {
		return err
	}
	var ended int64
	err = s.WithTx(e.ctx, func(tx *store.Store) error {
		if err := access.SetPassword(e.ctx, tx, a.ID, hash); err != nil {
			return err
		}
		// Whoever knew the old password may be signed in: a reset ends that.
		if ended, err = access.DeleteSessionsOf(e.ctx, tx, a.ID); err != nil {
			return err
		}
		_, err := tx.AddAudit(e.ctx, store.AuditEntry{Action: "password.reset", Subject: a.PersonID,
			Detail: fmt.Sprintf("from the command line; %s ended", plural(int(ended), "session"))})
		return err
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Set a new password for %s and ended %s.\n", a.Email, plural(int(ended), "session"))
	return nil
}
