package growth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/checkins"
)

// CaseStatus is where a promotion case stands.
type CaseStatus string

// The statuses of a case: written, then put to reviewers, then decided one way or the other.
const (
	Draft     CaseStatus = "draft"
	Submitted CaseStatus = "submitted"
	Approved  CaseStatus = "approved"
	NotYet    CaseStatus = "not-yet"
)

// Decided reports whether reviewers have decided the case.
func (st CaseStatus) Decided() bool { return st == Approved || st == NotYet }

// MaxArgument is how many characters a case's argument holds: a few pages.
const MaxArgument = 20000

// MaxComment is how many characters a reviewer's comment, or a decision's reasons, hold.
const MaxComment = 5000

// MaxFeedback is how many characters one feedback item of a "not yet" holds: a goal's.
const MaxFeedback = MaxGoalText

// LongTextProblem says what is wrong with a text of at most max characters that may have
// line breaks, as store.TextProblem does.
func LongTextProblem(s string, max int) string {
	return store.TextProblem(strings.ReplaceAll(s, "\n", " "), max)
}

// ErrStep is returned when a case is asked to do what its status does not allow: an
// argument changed once submitted, a decision on a draft, a second decision.
var ErrStep = errors.New("the case is not at that step")

// Case is a promotion case.
type Case struct {
	ID        int64
	PersonID  int64
	OpenedBy  int64
	Ladder    string
	Track     string
	FromLevel string // the person's level when the case was opened
	Target    string // the level argued for, on Ladder
	Argument  string // Markdown
	Status    CaseStatus
	// Version counts saves of the argument; SaveArgument saves only over the one it is given.
	Version     int64
	SubmittedBy int64
	SubmittedAt time.Time
	DecidedBy   int64
	DecidedAt   time.Time
	Reasons     string    // the decision's reasons, Markdown
	EffectiveOn time.Time // an approval's date: when the new level takes effect
	LevelChange int64     // the level history entry an approval wrote
	CreatedAt   time.Time
	UpdatedBy   int64
	UpdatedAt   time.Time
}

const caseColumns = `id, person_id, opened_by, ladder, track, from_level, target_level, argument, status, version, submitted_by, submitted_at,
	decided_by, decided_at, reasons, effective_on, level_change, created_at, updated_by, updated_at`

func scanCase(row store.Scanner) (Case, error) {
	var c Case
	var st string
	var sub, dec, lc, ub sql.NullInt64
	err := row.Scan(&c.ID, &c.PersonID, &c.OpenedBy, &c.Ladder, &c.Track, &c.FromLevel, &c.Target, &c.Argument, &st, &c.Version,
		&sub, store.Time(&c.SubmittedAt), &dec, store.Time(&c.DecidedAt), &c.Reasons, store.Time(&c.EffectiveOn), &lc,
		store.Time(&c.CreatedAt), &ub, store.Time(&c.UpdatedAt))
	c.Status, c.SubmittedBy, c.DecidedBy, c.LevelChange, c.UpdatedBy = CaseStatus(st), sub.Int64, dec.Int64, lc.Int64, ub.Int64
	return c, err
}

// OpenCase opens a case for c.PersonID at c.Ladder/c.Track/c.Target, by c.OpenedBy, who must
// be above the person in the reporting chain now (store.ErrConflict otherwise); a person with
// a case under way already is store.ErrConflict too. It returns the case as stored, a draft.
func OpenCase(ctx context.Context, s *store.Store, c Case) (Case, error) {
	c.Ladder, c.Track, c.Target = strings.TrimSpace(c.Ladder), strings.TrimSpace(c.Track), strings.TrimSpace(c.Target)
	if c.Ladder == "" || c.Target == "" || c.PersonID == 0 || c.OpenedBy == 0 {
		return Case{}, errors.New("open a case: the person, who opens it, the ladder and the target level are all needed")
	}
	for field, v := range map[string]string{"ladder": c.Ladder, "track": c.Track, "target level": c.Target} {
		if p := store.TextProblem(v, store.MaxID); p != "" {
			return Case{}, fmt.Errorf("open a case: %s %s", field, p)
		}
	}
	var out Case
	err := s.WithTx(ctx, func(tx *store.Store) error {
		above, err := tx.Manages(ctx, c.OpenedBy, c.PersonID)
		if err != nil {
			return err
		}
		if !above {
			return fmt.Errorf("person %d is not below %d in the reporting chain: %w", c.PersonID, c.OpenedBy, store.ErrConflict)
		}
		p, err := tx.Person(ctx, c.PersonID)
		if err != nil {
			return err
		}
		now := tx.Now()
		out, err = scanCase(tx.WriteRow(ctx, `INSERT INTO promotion_cases (person_id, opened_by, ladder, track, from_level, target_level, status, version, created_at, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 'draft', 1, ?, ?, ?) RETURNING `+caseColumns,
			c.PersonID, c.OpenedBy, c.Ladder, c.Track, p.Level, c.Target, now, c.OpenedBy, now))
		return err
	})
	if err != nil {
		return Case{}, s.Fail(err, "open a case for person %d", c.PersonID)
	}
	return out, nil
}

// CaseOf returns one case of a person; store.ErrNotFound when it is not theirs.
func CaseOf(ctx context.Context, s *store.Store, person, id int64) (Case, error) {
	c, err := scanCase(s.QueryRow(ctx, `SELECT `+caseColumns+` FROM promotion_cases WHERE id = ? AND person_id = ?`, id, person))
	if err != nil {
		return Case{}, s.Fail(err, "case %d of person %d", id, person)
	}
	return c, nil
}

// CasesOf lists a person's cases, newest first.
func CasesOf(ctx context.Context, s *store.Store, person int64) ([]Case, error) {
	r := s.Reads()
	var out []Case
	ReadCasesOf(r, person, &out)
	return out, r.Run(ctx)
}

// ReadCasesOf adds to r the read of CasesOf into *out.
func ReadCasesOf(r *store.Reads, person int64, out *[]Case) {
	store.ReadAll(r, "promotion cases", out, scanCase, `SELECT `+caseColumns+` FROM promotion_cases WHERE person_id = ? ORDER BY id DESC`, person)
}

// CasesToReview lists the submitted cases waiting for reviewer, oldest first: every one but
// those about them, opened by them, or about someone below them in the reporting chain (the
// cases they may not decide), for an admin or a member of the promotion panel; none for
// anyone else.
func CasesToReview(ctx context.Context, s *store.Store, reviewer int64, admin bool) ([]Case, error) {
	if !admin {
		on, err := OnPanel(ctx, s, reviewer)
		if err != nil || !on {
			return []Case{}, err
		}
	}
	return listCases(ctx, s, `WHERE `+toReview+` ORDER BY submitted_at, id`, reviewer, reviewer, reviewer)
}

// toReview is the condition on promotion_cases that CasesToReview lists, with the reviewer
// as its three parameters.
const toReview = `status = 'submitted' AND person_id <> ? AND opened_by <> ?
		AND NOT EXISTS (SELECT 1 FROM people_chain ch WHERE ch.person_id = promotion_cases.person_id AND ch.manager_id = ?)`

// ToReviewCount is a sub-query of one value, the number of cases CasesToReview lists for
// reviewer, which reads no case's text, and its arguments: for a home page, which says how
// many wait and reads it with the viewer's own record in one query (see home.OwnOf).
func ToReviewCount(reviewer int64, admin bool) (string, []any) {
	panel := ""
	args := []any{reviewer, reviewer, reviewer}
	if !admin {
		panel = ` AND EXISTS (SELECT 1 FROM promotion_panel WHERE person_id = ?)`
		args = append(args, reviewer)
	}
	return `(SELECT count(*) FROM promotion_cases WHERE ` + toReview + panel + `)`, args
}

// ReadToReviewCount adds to r the read of how many cases CasesToReview lists for reviewer into
// *out, for a page that says how many wait and reads the rest with it.
func ReadToReviewCount(r *store.Reads, reviewer int64, admin bool, out *int) {
	q, args := ToReviewCount(reviewer, admin)
	r.Read("promotion cases to review", func(row store.Scanner) error { return row.Scan(out) }, `SELECT `+q, args...)
}

func listCases(ctx context.Context, s *store.Store, where string, args ...any) ([]Case, error) {
	out, err := store.All(ctx, s, scanCase, `SELECT `+caseColumns+` FROM promotion_cases `+where, args...)
	if err != nil {
		return nil, s.Fail(err, "promotion cases")
	}
	return out, nil
}

// lockCase reads a case for a change, holding its row on PostgreSQL until the transaction
// ends.
func lockCase(ctx context.Context, tx *store.Store, person, id int64) (Case, error) {
	res, err := tx.Exec(ctx, `UPDATE promotion_cases SET version = version WHERE id = ? AND person_id = ?`, id, person)
	if err != nil {
		return Case{}, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return Case{}, err
	} else if n == 0 {
		return Case{}, store.ErrNotFound
	}
	return scanCase(tx.WriteRow(ctx, `SELECT `+caseColumns+` FROM promotion_cases WHERE id = ?`, id))
}

// SaveArgument saves a draft case's argument and the check-ins it puts before reviewers
// (check-ins of the person alone; another's id is store.ErrNotFound), over version (the
// case's Version as the form showed it; store.ErrStale otherwise). submit puts the case to
// the reviewers as saved. A case no longer a draft is ErrStep.
func SaveArgument(ctx context.Context, s *store.Store, person, id int64, argument string, checkIns []int64, by, version int64, submit bool) (Case, error) {
	argument = strings.TrimSpace(argument)
	if p := LongTextProblem(argument, MaxArgument); p != "" {
		return Case{}, fmt.Errorf("argument %s", p)
	}
	var out Case
	err := s.WithTx(ctx, func(tx *store.Store) error {
		c, err := lockCase(ctx, tx, person, id)
		if err != nil {
			return err
		}
		if c.Status != Draft {
			return fmt.Errorf("case %d is %s: %w", id, c.Status, ErrStep)
		}
		if c.Version != version {
			return fmt.Errorf("the case is at version %d, the form showed %d: %w", c.Version, version, store.ErrStale)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM promotion_case_checkins WHERE case_id = ?`, id); err != nil {
			return err
		}
		for _, ci := range checkIns {
			if _, err := checkins.Find(ctx, tx, person, ci); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO promotion_case_checkins (case_id, checkin_id) VALUES (?, ?)`, id, ci); err != nil {
				return err
			}
		}
		now := tx.Now()
		status, subBy, subAt := Draft, sql.NullInt64{}, sql.NullTime{}
		if submit {
			status, subBy, subAt = Submitted, store.NullID(by), store.NullTime(now)
		}
		out, err = scanCase(tx.WriteRow(ctx, `UPDATE promotion_cases SET argument = ?, status = ?, submitted_by = ?, submitted_at = ?,
			version = version + 1, updated_by = ?, updated_at = ? WHERE id = ? RETURNING `+caseColumns,
			argument, string(status), subBy, subAt, store.NullID(by), now, id))
		return err
	})
	if err != nil {
		return Case{}, s.Fail(err, "save the argument of case %d", id)
	}
	return out, nil
}

// CaseCheckIns lists the ids of the check-ins a case puts before its reviewers.
func CaseCheckIns(ctx context.Context, s *store.Store, id int64) ([]int64, error) {
	rows, err := s.Query(ctx, `SELECT checkin_id FROM promotion_case_checkins WHERE case_id = ? ORDER BY checkin_id`, id)
	if err != nil {
		return nil, s.Fail(err, "check-ins of case %d", id)
	}
	defer rows.Close()
	out := []int64{}
	for rows.Next() {
		var ci int64
		if err := rows.Scan(&ci); err != nil {
			return nil, s.Fail(err, "check-ins of case %d", id)
		}
		out = append(out, ci)
	}
	return out, rows.Err()
}

// CasesWithCheckIn lists the cases that put a check-in of person before their reviewers,
// newest first: so that those who held it know where its shared notes went.
func CasesWithCheckIn(ctx context.Context, s *store.Store, person, checkIn int64) ([]Case, error) {
	return listCases(ctx, s, `WHERE person_id = ? AND id IN (SELECT case_id FROM promotion_case_checkins WHERE checkin_id = ?) ORDER BY id DESC`, person, checkIn)
}

// Comment is what a reviewer said about a case.
type Comment struct {
	ID        int64
	CaseID    int64
	AuthorID  int64
	Body      string // Markdown
	CreatedAt time.Time
}

// AddComment adds a comment to a case of person that is submitted (ErrStep otherwise).
func AddComment(ctx context.Context, s *store.Store, person int64, c Comment) (Comment, error) {
	c.Body = strings.TrimSpace(c.Body)
	if c.Body == "" {
		return Comment{}, errors.New("the comment is empty")
	}
	if p := LongTextProblem(c.Body, MaxComment); p != "" {
		return Comment{}, fmt.Errorf("comment %s", p)
	}
	var out Comment
	err := s.WithTx(ctx, func(tx *store.Store) error {
		k, err := lockCase(ctx, tx, person, c.CaseID)
		if err != nil {
			return err
		}
		if k.Status != Submitted {
			return fmt.Errorf("case %d is %s: %w", k.ID, k.Status, ErrStep)
		}
		out = c
		return tx.WriteRow(ctx, `INSERT INTO promotion_comments (case_id, author_id, body, created_at) VALUES (?, ?, ?, ?) RETURNING id, created_at`,
			c.CaseID, c.AuthorID, c.Body, tx.Now()).Scan(&out.ID, store.Time(&out.CreatedAt))
	})
	if err != nil {
		return Comment{}, s.Fail(err, "comment on case %d", c.CaseID)
	}
	return out, nil
}

// Comments lists a case's comments, oldest first.
func Comments(ctx context.Context, s *store.Store, id int64) ([]Comment, error) {
	rows, err := s.Query(ctx, `SELECT id, case_id, author_id, body, created_at FROM promotion_comments WHERE case_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, s.Fail(err, "comments on case %d", id)
	}
	defer rows.Close()
	out := []Comment{}
	for rows.Next() {
		var c Comment
		if err := rows.Scan(&c.ID, &c.CaseID, &c.AuthorID, &c.Body, store.Time(&c.CreatedAt)); err != nil {
			return nil, s.Fail(err, "comments on case %d", id)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Feedback is one thing a "not yet" asks of the person.
type Feedback struct {
	ID          int64
	CaseID      int64
	Expectation string // an expectation id, or ""
	Text        string
	GoalID      int64 // the plan's goal it became; 0 until it did
}

// Decision is what reviewers decided on a case.
type Decision struct {
	Approve bool
	By      int64
	Reasons string
	// Effective is when an approval's new level takes effect.
	Effective time.Time
	// Feedback is what a "not yet" asks of the person; an approval has none.
	Feedback []Feedback
}

// Decide records a decision on a submitted case of person (ErrStep otherwise). An approval
// records the promotion in the person's level history, with the reason "promotion", in the
// same transaction: the case is decided and the level changed, or neither.
func Decide(ctx context.Context, s *store.Store, person, id int64, d Decision) (Case, error) {
	d.Reasons = strings.TrimSpace(d.Reasons)
	switch {
	case d.Reasons == "":
		return Case{}, errors.New("a decision needs its reasons")
	case d.Approve && d.Effective.IsZero():
		return Case{}, errors.New("an approval needs the date it takes effect")
	case d.Approve && len(d.Feedback) > 0:
		return Case{}, errors.New("an approval asks nothing more of the person")
	}
	if p := LongTextProblem(d.Reasons, MaxComment); p != "" {
		return Case{}, fmt.Errorf("reasons %s", p)
	}
	for i := range d.Feedback {
		f := &d.Feedback[i]
		f.Expectation, f.Text = strings.TrimSpace(f.Expectation), strings.TrimSpace(f.Text)
		if f.Text == "" {
			return Case{}, fmt.Errorf("feedback item %d is empty", i+1)
		}
		if p := store.TextProblem(f.Text, MaxFeedback); p != "" {
			return Case{}, fmt.Errorf("feedback item %d %s", i+1, p)
		}
	}
	var out Case
	err := s.WithTx(ctx, func(tx *store.Store) error {
		c, err := lockCase(ctx, tx, person, id)
		if err != nil {
			return err
		}
		if c.Status != Submitted {
			return fmt.Errorf("case %d is %s: %w", id, c.Status, ErrStep)
		}
		now := tx.Now()
		status, change, eff := NotYet, sql.NullInt64{}, sql.NullTime{}
		if d.Approve {
			lc, err := tx.AddLevelChange(ctx, store.LevelChange{PersonID: person, Ladder: c.Ladder, Track: c.Track, ToLevel: c.Target,
				Date: d.Effective, Reason: store.Promotion, Note: "Promotion case approved", MadeBy: d.By})
			if err != nil {
				return err
			}
			status, change, eff = Approved, store.NullID(lc.ID), store.NullTime(lc.Date)
		}
		for _, f := range d.Feedback {
			if _, err := tx.Exec(ctx, `INSERT INTO promotion_feedback (case_id, expectation, text) VALUES (?, ?, ?)`, id, f.Expectation, f.Text); err != nil {
				return err
			}
		}
		out, err = scanCase(tx.WriteRow(ctx, `UPDATE promotion_cases SET status = ?, decided_by = ?, decided_at = ?, reasons = ?, effective_on = ?,
			level_change = ?, updated_by = ?, updated_at = ? WHERE id = ? RETURNING `+caseColumns,
			string(status), store.NullID(d.By), now, d.Reasons, eff, change, store.NullID(d.By), now, id))
		return err
	})
	if err != nil {
		return Case{}, s.Fail(err, "decide case %d", id)
	}
	return out, nil
}

// FeedbackOf lists the feedback items of a case, in the order they were written.
func FeedbackOf(ctx context.Context, s *store.Store, id int64) ([]Feedback, error) {
	rows, err := s.Query(ctx, `SELECT id, case_id, expectation, text, goal_id FROM promotion_feedback WHERE case_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, s.Fail(err, "feedback of case %d", id)
	}
	defer rows.Close()
	out := []Feedback{}
	for rows.Next() {
		var f Feedback
		var g sql.NullInt64
		if err := rows.Scan(&f.ID, &f.CaseID, &f.Expectation, &f.Text, &g); err != nil {
			return nil, s.Fail(err, "feedback of case %d", id)
		}
		f.GoalID = g.Int64
		out = append(out, f)
	}
	return out, rows.Err()
}

// FeedbackToGoal makes a feedback item of a case of person a goal of their plan, and returns
// the goal; by is who did. A person without a plan gets one, towards the case's level; an
// item that became a goal already is store.ErrConflict.
func FeedbackToGoal(ctx context.Context, s *store.Store, person, caseID, item, by int64) (Goal, error) {
	var out Goal
	err := s.WithTx(ctx, func(tx *store.Store) error {
		c, err := lockCase(ctx, tx, person, caseID)
		if err != nil {
			return err
		}
		if _, err := PlanOf(ctx, tx, person); errors.Is(err, store.ErrNotFound) {
			if _, err := SavePlan(ctx, tx, Plan{PersonID: person, Ladder: c.Ladder, Track: c.Track, Target: c.Target}, by, 0); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		var f Feedback
		var g sql.NullInt64
		if err := tx.WriteRow(ctx, `SELECT id, expectation, text, goal_id FROM promotion_feedback WHERE id = ? AND case_id = ?`, item, caseID).
			Scan(&f.ID, &f.Expectation, &f.Text, &g); err != nil {
			return err
		}
		if g.Valid {
			return fmt.Errorf("feedback item %d is goal %d already: %w", item, g.Int64, store.ErrConflict)
		}
		out, err = AddGoal(ctx, tx, Goal{PersonID: person, Expectation: f.Expectation, Text: f.Text, Status: NotStarted, CreatedBy: by})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE promotion_feedback SET goal_id = ? WHERE id = ?`, out.ID, item)
		return err
	})
	if err != nil {
		return Goal{}, s.Fail(err, "turn feedback %d into a goal", item)
	}
	return out, nil
}
