// Package growth keeps growth plans and promotion cases: a person's target level and the
// goals that lead there, agreed by them and a manager; and the cases managers make for a
// promotion, the evidence they put forward, what reviewers say and what they decide. Who may
// read and write which is package policy's to decide; this package keeps the records whole.
package growth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// Plan is a person's growth plan: the level they grow towards and who agreed to it.
type Plan struct {
	PersonID int64
	Ladder   string
	Track    string
	Target   string // the target level's id on Ladder
	// PersonAgreedAt is when the person agreed; ManagerAgreedAt when a manager above them
	// did, and ManagerAgreedBy who. Zero while they have not, or since the plan changed.
	PersonAgreedAt  time.Time
	ManagerAgreedBy int64
	ManagerAgreedAt time.Time
	// Version counts the plan's saves, its goals' wording included; a save made from an
	// older version is store.ErrStale.
	Version   int64
	CreatedAt time.Time
	UpdatedBy int64
	UpdatedAt time.Time
}

// Agreed reports whether both the person and a manager have agreed to the plan as it is.
func (p Plan) Agreed() bool { return !p.PersonAgreedAt.IsZero() && !p.ManagerAgreedAt.IsZero() }

const planColumns = `person_id, ladder, track, target_level, person_agreed_at, manager_agreed_by, manager_agreed_at, version, created_at, updated_by, updated_at`

func scanPlan(row store.Scanner) (Plan, error) {
	var p Plan
	var mgr, by sql.NullInt64
	err := row.Scan(&p.PersonID, &p.Ladder, &p.Track, &p.Target, store.Time(&p.PersonAgreedAt), &mgr, store.Time(&p.ManagerAgreedAt),
		&p.Version, store.Time(&p.CreatedAt), &by, store.Time(&p.UpdatedAt))
	p.ManagerAgreedBy, p.UpdatedBy = mgr.Int64, by.Int64
	return p, err
}

// PlanOf returns a person's plan; store.ErrNotFound when they have none yet.
func PlanOf(ctx context.Context, s *store.Store, person int64) (Plan, error) {
	r := s.Reads()
	var p Plan
	var found bool
	ReadPlan(r, person, &p, &found)
	if err := r.Run(ctx); err != nil {
		return Plan{}, err
	}
	if !found {
		return Plan{}, s.Fail(sql.ErrNoRows, "growth plan of person %d", person)
	}
	return p, nil
}

// ReadPlan adds to r the read of a person's growth plan into *out; found says whether they
// have one.
func ReadPlan(r *store.Reads, person int64, out *Plan, found *bool) {
	store.ReadOne(r, fmt.Sprintf("growth plan of person %d", person), out, found, scanPlan,
		`SELECT `+planColumns+` FROM growth_plans WHERE person_id = ?`, person)
}

func (p *Plan) validate() error {
	p.Ladder, p.Track, p.Target = strings.TrimSpace(p.Ladder), strings.TrimSpace(p.Track), strings.TrimSpace(p.Target)
	if p.Ladder == "" || p.Target == "" {
		return errors.New("a plan needs its ladder and target level")
	}
	for field, v := range map[string]string{"ladder": p.Ladder, "track": p.Track, "target level": p.Target} {
		if pr := store.TextProblem(v, store.MaxID); pr != "" {
			return fmt.Errorf("%s %s", field, pr)
		}
	}
	return nil
}

// SavePlan makes a person's plan, or sets its target: over version, the plan's Version as
// the form showed it (0: there was none), or store.ErrStale with nothing saved. A new
// target clears both agreements, which were to the old one. It returns the plan as saved.
func SavePlan(ctx context.Context, s *store.Store, p Plan, by, version int64) (Plan, error) {
	if err := p.validate(); err != nil {
		return Plan{}, fmt.Errorf("growth plan of person %d: %w", p.PersonID, err)
	}
	var out Plan
	err := s.WithTx(ctx, func(tx *store.Store) error {
		now := tx.Now()
		if version == 0 {
			var n int
			if err := tx.WriteRow(ctx, `SELECT count(*) FROM growth_plans WHERE person_id = ?`, p.PersonID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("someone made the plan since the form was shown: %w", store.ErrStale)
			}
			var err error
			out, err = scanPlan(tx.WriteRow(ctx, `INSERT INTO growth_plans (person_id, ladder, track, target_level, version, created_at, updated_by, updated_at)
				VALUES (?, ?, ?, ?, 1, ?, ?, ?) RETURNING `+planColumns, p.PersonID, p.Ladder, p.Track, p.Target, now, store.NullID(by), now))
			return err
		}
		old, err := lockPlan(ctx, tx, p.PersonID, version)
		if err != nil {
			return err
		}
		same := old.Ladder == p.Ladder && old.Track == p.Track && old.Target == p.Target
		if same {
			out = old
			return nil
		}
		out, err = scanPlan(tx.WriteRow(ctx, `UPDATE growth_plans SET ladder = ?, track = ?, target_level = ?,
			person_agreed_at = NULL, manager_agreed_by = NULL, manager_agreed_at = NULL,
			version = version + 1, updated_by = ?, updated_at = ? WHERE person_id = ? RETURNING `+planColumns,
			p.Ladder, p.Track, p.Target, store.NullID(by), now, p.PersonID))
		return err
	})
	if err != nil {
		return Plan{}, s.Fail(err, "save the growth plan of person %d", p.PersonID)
	}
	return out, nil
}

// lockPlan reads a plan for a change, touching its row first so that PostgreSQL holds it
// until the transaction ends; a version other than the one given is store.ErrStale (0
// skips the check: a change that does not depend on what the plan says).
func lockPlan(ctx context.Context, tx *store.Store, person, version int64) (Plan, error) {
	res, err := tx.Exec(ctx, `UPDATE growth_plans SET version = version WHERE person_id = ?`, person)
	if err != nil {
		return Plan{}, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return Plan{}, err
	} else if n == 0 {
		return Plan{}, store.ErrNotFound
	}
	p, err := scanPlan(tx.WriteRow(ctx, `SELECT `+planColumns+` FROM growth_plans WHERE person_id = ?`, person))
	if err != nil {
		return Plan{}, err
	}
	if version != 0 && p.Version != version {
		return Plan{}, fmt.Errorf("the plan is at version %d, the form showed %d: %w", p.Version, version, store.ErrStale)
	}
	return p, nil
}

// changed marks a plan's wording as changed by by: a new version, and no agreement.
func changed(ctx context.Context, tx *store.Store, person, by int64) error {
	_, err := tx.Exec(ctx, `UPDATE growth_plans SET person_agreed_at = NULL, manager_agreed_by = NULL, manager_agreed_at = NULL,
		version = version + 1, updated_by = ?, updated_at = ? WHERE person_id = ?`, store.NullID(by), tx.Now(), person)
	return err
}

// Agree records that by agrees to the plan at version (store.ErrStale if it has changed
// since they read it): as the person when asPerson, else as their manager.
func Agree(ctx context.Context, s *store.Store, person, by int64, asPerson bool, version int64) (Plan, error) {
	var out Plan
	err := s.WithTx(ctx, func(tx *store.Store) error {
		if _, err := lockPlan(ctx, tx, person, version); err != nil {
			return err
		}
		q := `UPDATE growth_plans SET manager_agreed_by = ?, manager_agreed_at = ? WHERE person_id = ? RETURNING ` + planColumns
		args := []any{store.NullID(by), tx.Now(), person}
		if asPerson {
			q = `UPDATE growth_plans SET person_agreed_at = ? WHERE person_id = ? RETURNING ` + planColumns
			args = args[1:]
		}
		var err error
		out, err = scanPlan(tx.WriteRow(ctx, q, args...))
		return err
	})
	if err != nil {
		return Plan{}, s.Fail(err, "agree to the growth plan of person %d", person)
	}
	return out, nil
}

// PlanStatus is where a person's plan stands, in a line: for a manager's view of their team.
type PlanStatus struct {
	HasPlan bool
	Target  string // the target level's id
	Agreed  bool   // by both
	// Goals counts the plan's goals by status.
	Goals map[GoalStatus]int
}

// PlanStatuses returns the plan status of each of people, by person; someone without a plan
// has one with HasPlan false. It reads two queries, whatever the number of people.
func PlanStatuses(ctx context.Context, s *store.Store, people []int64) (map[int64]PlanStatus, error) {
	out := make(map[int64]PlanStatus, len(people))
	for _, id := range people {
		out[id] = PlanStatus{Goals: map[GoalStatus]int{}}
	}
	if len(people) == 0 {
		return out, nil
	}
	in, args := inList(people)
	rows, err := s.Query(ctx, `SELECT person_id, target_level, person_agreed_at, manager_agreed_at FROM growth_plans WHERE person_id IN (`+in+`)`, args...)
	if err != nil {
		return nil, s.Fail(err, "plan statuses")
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var target string
		var pa, ma time.Time
		if err := rows.Scan(&id, &target, store.Time(&pa), store.Time(&ma)); err != nil {
			return nil, s.Fail(err, "plan statuses")
		}
		st := out[id]
		st.HasPlan, st.Target, st.Agreed = true, target, !pa.IsZero() && !ma.IsZero()
		out[id] = st
	}
	if err := rows.Err(); err != nil {
		return nil, s.Fail(err, "plan statuses")
	}
	goals, err := s.Query(ctx, `SELECT person_id, status, count(*) FROM growth_goals WHERE person_id IN (`+in+`) GROUP BY person_id, status`, args...)
	if err != nil {
		return nil, s.Fail(err, "plan statuses")
	}
	defer goals.Close()
	for goals.Next() {
		var id int64
		var st string
		var n int
		if err := goals.Scan(&id, &st, &n); err != nil {
			return nil, s.Fail(err, "plan statuses")
		}
		out[id].Goals[GoalStatus(st)] = n
	}
	if err := goals.Err(); err != nil {
		return nil, s.Fail(err, "plan statuses")
	}
	return out, nil
}

// PlanStatusesUnder is PlanStatuses for everyone below manager in the reporting chain, or for
// everyone when manager is 0, read by two queries however many people that is; people
// without a plan are not in it.
func PlanStatusesUnder(ctx context.Context, s *store.Store, manager int64) (map[int64]PlanStatus, error) {
	scope, args := "", []any{}
	if manager != 0 {
		scope, args = ` WHERE person_id IN (SELECT person_id FROM people_chain WHERE manager_id = ?)`, []any{manager}
	}
	out := map[int64]PlanStatus{}
	rows, err := s.Query(ctx, `SELECT person_id, target_level, person_agreed_at, manager_agreed_at FROM growth_plans`+scope, args...)
	if err != nil {
		return nil, s.Fail(err, "plan statuses under %d", manager)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		st := PlanStatus{HasPlan: true, Goals: map[GoalStatus]int{}}
		var pa, ma time.Time
		if err := rows.Scan(&id, &st.Target, store.Time(&pa), store.Time(&ma)); err != nil {
			return nil, s.Fail(err, "plan statuses under %d", manager)
		}
		st.Agreed = !pa.IsZero() && !ma.IsZero()
		out[id] = st
	}
	if err := rows.Err(); err != nil {
		return nil, s.Fail(err, "plan statuses under %d", manager)
	}
	goals, err := s.Query(ctx, `SELECT person_id, status, count(*) FROM growth_goals`+scope+` GROUP BY person_id, status`, args...)
	if err != nil {
		return nil, s.Fail(err, "plan statuses under %d", manager)
	}
	defer goals.Close()
	for goals.Next() {
		var id int64
		var st string
		var n int
		if err := goals.Scan(&id, &st, &n); err != nil {
			return nil, s.Fail(err, "plan statuses under %d", manager)
		}
		if ps, ok := out[id]; ok {
			ps.Goals[GoalStatus(st)] = n
		}
	}
	if err := goals.Err(); err != nil {
		return nil, s.Fail(err, "plan statuses under %d", manager)
	}
	return out, nil
}

// PlanStatusOf is PlanStatuses for one person.
func PlanStatusOf(ctx context.Context, s *store.Store, person int64) (PlanStatus, error) {
	m, err := PlanStatuses(ctx, s, []int64{person})
	if err != nil {
		return PlanStatus{}, err
	}
	return m[person], nil
}

func inList(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}
