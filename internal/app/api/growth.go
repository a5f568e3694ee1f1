package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/growth"
)

// GrowthPlan is a person's growth plan and its goals; Plan is null while they have none
// (goals may be written before a target is set).
type GrowthPlan struct {
	Plan  *Plan  `json:"plan"`
	Goals []Goal `json:"goals"`
}

// Plan is the level a person grows towards and who agreed to it; the agreement times are
// absent until given, and again after a change to the plan.
type Plan struct {
	Ladder          string     `json:"ladder"`
	Track           string     `json:"track"`
	TargetLevel     string     `json:"target_level"`
	PersonAgreedAt  *time.Time `json:"person_agreed_at,omitempty"`
	ManagerAgreedBy int64      `json:"manager_agreed_by,omitempty"`
	ManagerAgreedAt *time.Time `json:"manager_agreed_at,omitempty"`
	Agreed          bool       `json:"agreed"`
	Version         int64      `json:"version"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// Goal is one goal of a plan: Expectation is the expectation id it works on, or "".
type Goal struct {
	ID          int64      `json:"id"`
	Expectation string     `json:"expectation"`
	Text        string     `json:"text"`
	Status      string     `json:"status"`
	Evidence    string     `json:"evidence"`
	DoneAt      *time.Time `json:"done_at,omitempty"`
	Version     int64      `json:"version"`
}

// GetPlan answers a person's growth plan to the person, anyone above them and the people
// team, as the plan page shows it. A look at someone else's is in the audit log.
func GetPlan(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	id, _ := web.PathID(r)
	ctx := r.Context()
	s := srv.Store()
	if acc, err := policy.PlanOf(ctx, s, v, id); err != nil {
		return err
	} else if !acc.Read {
		return ErrNotFound
	}
	if err := personRead(srv, r, v, id, "plan.view"); err != nil {
		return err
	}
	out := GrowthPlan{Goals: []Goal{}}
	p, err := growth.PlanOf(ctx, s, id)
	switch {
	case err == nil:
		out.Plan = &Plan{Ladder: p.Ladder, Track: p.Track, TargetLevel: p.Target, PersonAgreedAt: optionalTime(p.PersonAgreedAt),
			ManagerAgreedBy: p.ManagerAgreedBy, ManagerAgreedAt: optionalTime(p.ManagerAgreedAt), Agreed: p.Agreed(),
			Version: p.Version, UpdatedAt: p.UpdatedAt}
	case !errors.Is(err, store.ErrNotFound):
		return err
	}
	goals, err := growth.Goals(ctx, s, id)
	if err != nil {
		return err
	}
	for _, g := range goals {
		out.Goals = append(out.Goals, Goal{ID: g.ID, Expectation: g.Expectation, Text: g.Text, Status: string(g.Status),
			Evidence: g.Evidence, DoneAt: optionalTime(g.DoneAt), Version: g.Version})
	}
	return Write(w, r, http.StatusOK, out)
}

// Cases is a person's promotion cases, newest first.
type Cases struct {
	Items []Case `json:"items"`
}

// Case is a promotion case as its reader may see it: where it stands to everyone who may
// read it; the argument to those who weigh it (package policy's Packet); the decision, its
// reasons and date once decided.
type Case struct {
	ID          int64      `json:"id"`
	PersonID    int64      `json:"person_id"`
	OpenedBy    int64      `json:"opened_by"`
	Ladder      string     `json:"ladder"`
	Track       string     `json:"track"`
	FromLevel   string     `json:"from_level"`
	TargetLevel string     `json:"target_level"`
	Status      string     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	Argument    *string    `json:"argument,omitempty"`
	DecidedBy   int64      `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Reasons     *string    `json:"reasons,omitempty"`
	EffectiveOn string     `json:"effective_on,omitempty"`
}

// GetCases answers a person's promotion cases: each one its reader may read, with what
// package policy lets them see of it (a draft is its writers' alone). A look at someone
// else's is in the audit log.
func GetCases(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	id, _ := web.PathID(r)
	ctx := r.Context()
	s := srv.Store()
	if err := personRead(srv, r, v, id, "cases.view"); err != nil {
		return err
	}
	list, err := growth.CasesOf(ctx, s, id)
	if err != nil {
		return err
	}
	out := Cases{Items: []Case{}}
	for _, c := range list {
		acc, err := policy.CaseOf(ctx, s, v, c)
		if err != nil {
			return err
		}
		if !acc.Read {
			continue
		}
		item := Case{ID: c.ID, PersonID: c.PersonID, OpenedBy: c.OpenedBy, Ladder: c.Ladder, Track: c.Track,
			FromLevel: c.FromLevel, TargetLevel: c.Target, Status: string(c.Status), CreatedAt: c.CreatedAt,
			SubmittedAt: optionalTime(c.SubmittedAt)}
		if acc.Packet {
			item.Argument = &c.Argument
		}
		if acc.Outcome {
			item.DecidedBy, item.DecidedAt, item.Reasons = c.DecidedBy, optionalTime(c.DecidedAt), &c.Reasons
			if !c.EffectiveOn.IsZero() {
				item.EffectiveOn = c.EffectiveOn.Format(time.DateOnly)
			}
		}
		out.Items = append(out.Items, item)
	}
	return Write(w, r, http.StatusOK, out)
}

// personRead answers ErrNotFound for a person who is not stored, and records a look at
// someone else's records in the audit log as action.
func personRead(srv *web.Server, r *http.Request, v *policy.Viewer, id int64, action string) error {
	if _, err := srv.Store().Person(r.Context(), id); errors.Is(err, store.ErrNotFound) {
		return ErrNotFound
	} else if err != nil {
		return err
	}
	if policy.AuditsRead(v, id) {
		return srv.Audit(srv.Store(), r, v, action, id, "through the API")
	}
	return nil
}

// optionalTime is t, or nil (absent from the JSON) when it is zero.
func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
