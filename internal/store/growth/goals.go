package growth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/assess"
)

// GoalStatus is where a goal stands.
type GoalStatus string

// The statuses a goal can have, in the order a goal goes through them.
const (
	NotStarted GoalStatus = "not-started"
	InProgress GoalStatus = "in-progress"
	Done       GoalStatus = "done"
	Dropped    GoalStatus = "dropped"
)

// GoalStatuses lists every status, in order.
var GoalStatuses = []GoalStatus{NotStarted, InProgress, Done, Dropped}

// Valid reports whether st is one of GoalStatuses.
func (st GoalStatus) Valid() bool {
	switch st {
	case NotStarted, InProgress, Done, Dropped:
		return true
	}
	return false
}

// MaxGoalText is how many characters a goal's own words hold: a sentence or two.
const MaxGoalText = 500

// MaxGoalEvidence is how many characters a goal's evidence holds, as an assessment's does.
const MaxGoalEvidence = assess.MaxEvidence

// Goal is one goal of a growth plan.
type Goal struct {
	ID          int64
	PersonID    int64
	Expectation string // an expectation id of the target level, or ""
	Text        string // the goal in the plan's words, or "" when the expectation says it
	Status      GoalStatus
	Evidence    string // Markdown
	// Version counts the goal's saves; UpdateGoal saves only over the one it is given.
	Version   int64
	DoneAt    time.Time // when it was last marked done; zero when it is not done
	CreatedBy int64
	CreatedAt time.Time
	UpdatedBy int64
	UpdatedAt time.Time
}

// GoalTextProblem says what is wrong with a goal's own words, as store.TextProblem does.
func GoalTextProblem(s string) string { return store.TextProblem(s, MaxGoalText) }

// GoalEvidenceProblem says what is wrong with a goal's evidence, which may have line breaks.
func GoalEvidenceProblem(s string) string {
	return store.TextProblem(strings.ReplaceAll(s, "\n", " "), MaxGoalEvidence)
}

func (g *Goal) validate() error {
	g.Expectation, g.Text, g.Evidence = strings.TrimSpace(g.Expectation), strings.TrimSpace(g.Text), strings.TrimSpace(g.Evidence)
	if g.Status == "" {
		g.Status = NotStarted
	}
	switch {
	case g.Expectation == "" && g.Text == "":
		return errors.New("a goal needs an expectation or words of its own")
	case !g.Status.Valid():
		return fmt.Errorf("status %q is not one of not-started, in-progress, done or dropped", g.Status)
	}
	if p := store.TextProblem(g.Expectation, store.MaxID); p != "" {
		return fmt.Errorf("expectation %s", p)
	}
	if p := GoalTextProblem(g.Text); p != "" {
		return fmt.Errorf("goal %s", p)
	}
	if p := GoalEvidenceProblem(g.Evidence); p != "" {
		return fmt.Errorf("evidence %s", p)
	}
	return nil
}

const goalColumns = `id, person_id, expectation, text, status, evidence, version, done_at, created_by, created_at, updated_by, updated_at`

func scanGoal(row store.Scanner) (Goal, error) {
	var g Goal
	var st string
	var cb, ub sql.NullInt64
	err := row.Scan(&g.ID, &g.PersonID, &g.Expectation, &g.Text, &st, &g.Evidence, &g.Version, store.Time(&g.DoneAt),
		&cb, store.Time(&g.CreatedAt), &ub, store.Time(&g.UpdatedAt))
	g.Status, g.CreatedBy, g.UpdatedBy = GoalStatus(st), cb.Int64, ub.Int64
	return g, err
}

// Goals lists the goals of a person's plan in the order they were added; none for a person
// without a plan.
func Goals(ctx context.Context, s *store.Store, person int64) ([]Goal, error) {
	r := s.Reads()
	var out []Goal
	readGoals(r, nil, person, &out)
	return out, r.Run(ctx)
}

// ReadPlanWithGoals adds to r the reads of a person's growth plan into *plan (found says
// whether they have one) and of its goals into *goals; a goal belongs to a plan (the
// schema's reference says so), so without one the goals are not read.
func ReadPlanWithGoals(r *store.Reads, person int64, plan *Plan, found *bool, goals *[]Goal) {
	ReadPlan(r, person, plan, found)
	readGoals(r, func() bool { return *found }, person, goals)
}

// readGoals adds to r the read of Goals into *out, when need (nil: always) says so.
func readGoals(r *store.Reads, need func() bool, person int64, out *[]Goal) {
	store.ReadAllIf(r, need, fmt.Sprintf("goals of person %d", person), out, scanGoal,
		`SELECT `+goalColumns+` FROM growth_goals WHERE person_id = ? ORDER BY id`, person)
}

// GoalOf returns one goal of a person's plan; store.ErrNotFound when it is not theirs.
func GoalOf(ctx context.Context, s *store.Store, person, id int64) (Goal, error) {
	g, err := scanGoal(s.QueryRow(ctx, `SELECT `+goalColumns+` FROM growth_goals WHERE id = ? AND person_id = ?`, id, person))
	if err != nil {
		return Goal{}, s.Fail(err, "goal %d of person %d", id, person)
	}
	return g, nil
}

// AddGoal adds g to its person's plan (store.ErrNotFound without one) and returns it as
// stored. A new goal changes what was agreed: both agreements are cleared.
func AddGoal(ctx context.Context, s *store.Store, g Goal) (Goal, error) {
	if err := g.validate(); err != nil {
		return Goal{}, fmt.Errorf("goal for person %d: %w", g.PersonID, err)
	}
	var out Goal
	err := s.WithTx(ctx, func(tx *store.Store) error {
		if _, err := lockPlan(ctx, tx, g.PersonID, 0); err != nil {
			return err
		}
		now := tx.Now()
		var done time.Time
		if g.Status == Done {
			done = now
		}
		var err error
		out, err = scanGoal(tx.WriteRow(ctx, `INSERT INTO growth_goals (person_id, expectation, text, status, evidence, version, done_at, created_by, created_at, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?) RETURNING `+goalColumns,
			g.PersonID, g.Expectation, g.Text, string(g.Status), g.Evidence, store.NullTime(done), store.NullID(g.CreatedBy), now, store.NullID(g.CreatedBy), now))
		if err != nil {
			return err
		}
		return changed(ctx, tx, g.PersonID, g.CreatedBy)
	})
	if err != nil {
		return Goal{}, s.Fail(err, "add a goal for person %d", g.PersonID)
	}
	return out, nil
}

// UpdateGoal saves a goal's expectation, words, status and evidence, over version (the
// goal's Version as the form showed it; store.ErrStale otherwise, with nothing saved). A
// change of expectation or words changes what was agreed, and clears both agreements;
// status and evidence are progress, and leave them.
func UpdateGoal(ctx context.Context, s *store.Store, g Goal, by, version int64) (Goal, error) {
	if err := g.validate(); err != nil {
		return Goal{}, fmt.Errorf("goal %d: %w", g.ID, err)
	}
	var out Goal
	err := s.WithTx(ctx, func(tx *store.Store) error {
		if _, err := lockPlan(ctx, tx, g.PersonID, 0); err != nil {
			return err
		}
		old, err := scanGoal(tx.WriteRow(ctx, `SELECT `+goalColumns+` FROM growth_goals WHERE id = ? AND person_id = ?`, g.ID, g.PersonID))
		if err != nil {
			return err
		}
		if old.Version != version {
			return fmt.Errorf("the goal is at version %d, the form showed %d: %w", old.Version, version, store.ErrStale)
		}
		if old.Expectation == g.Expectation && old.Text == g.Text && old.Status == g.Status && old.Evidence == g.Evidence {
			out = old
			return nil
		}
		now := tx.Now()
		done := old.DoneAt
		switch {
		case g.Status != Done:
			done = time.Time{}
		case old.Status != Done:
			done = now
		}
		out, err = scanGoal(tx.WriteRow(ctx, `UPDATE growth_goals SET expectation = ?, text = ?, status = ?, evidence = ?, version = version + 1,
			done_at = ?, updated_by = ?, updated_at = ? WHERE id = ? RETURNING `+goalColumns,
			g.Expectation, g.Text, string(g.Status), g.Evidence, store.NullTime(done), store.NullID(by), now, g.ID))
		if err != nil {
			return err
		}
		if old.Expectation != g.Expectation || old.Text != g.Text {
			return changed(ctx, tx, g.PersonID, by)
		}
		return nil
	})
	if err != nil {
		return Goal{}, s.Fail(err, "update goal %d", g.ID)
	}
	return out, nil
}
