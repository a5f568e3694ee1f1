package app

import (
	"context"

	"github.com/rungs/rungs/internal/store"
)

// Every decision about who may see or do what is made in this file. Handlers never check
// roles themselves: a route names its rule (routes.go), and lists ask scope for theirs.

// Viewer is the person signed in, or nil for nobody.
type Viewer struct {
	Account store.Account
	Person  store.Person
	// Manager is true when someone reports to them directly.
	Manager bool
	// token is the session's cookie value, kept to derive the CSRF token and to sign out.
	token string
}

// Admin reports whether the viewer is on the people team.
func (v *Viewer) Admin() bool { return v != nil && v.Account.Role == store.Admin }

// rule is who may use a route.
type rule int

const (
	anyone       rule = iota + 1 // signed in or not
	signedIn                     // any account
	managers                     // someone with reports, or an admin
	admins                       // the people team
	seePerson                    // the person {id}: themselves, anyone above them in the chain, an admin
	reviewPerson                 // the rollout proposal of {id}: anyone above them in the chain, an admin
)

// decision is the outcome of a rule.
type decision int

const (
	allow     decision = iota
	needLogin          // nobody is signed in
	forbid             // signed in, but this is not theirs to do
	hide               // signed in, and the person is not theirs to see: answered as not found
)

// decide applies rule r for viewer v; subject is the {id} of the route, or 0.
func (a *App) decide(ctx context.Context, r rule, v *Viewer, subject int64) (decision, error) {
	if r == anyone {
		return allow, nil
	}
	if v == nil {
		return needLogin, nil
	}
	switch r {
	case signedIn:
		return allow, nil
	case managers:
		if v.Admin() || v.Manager {
			return allow, nil
		}
		return forbid, nil
	case admins:
		if v.Admin() {
			return allow, nil
		}
		return forbid, nil
	case seePerson, reviewPerson:
		if v.Admin() || (r == seePerson && subject == v.Person.ID) {
			return allow, nil
		}
		if !v.Manager {
			return hide, nil
		}
		above, err := a.cfg.Store.Manages(ctx, v.Person.ID, subject)
		if err != nil || !above {
			return hide, err
		}
		return allow, nil
	}
	return forbid, nil
}

// scope is which people a viewer's lists hold: everyone for an admin, otherwise the people
// below them in the chain (and, for the people list, themselves).
func scope(v *Viewer) (all bool, under int64) {
	if v.Admin() {
		return true, 0
	}
	return false, v.Person.ID
}

// auditsRead reports whether showing person to v is a read of someone else's record, which
// the audit log keeps.
func auditsRead(v *Viewer, person int64) bool { return v != nil && v.Person.ID != person }
