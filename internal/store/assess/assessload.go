package assess

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// LoadedAssessment is one person's assessment in a cycle as LoadAssessments writes it: the
// ratings of both sides and the times of the steps it has taken (zero for not yet).
type LoadedAssessment struct {
	PersonID           int64
	Ratings            []Rating // Side, Level, Expectation, Rating, Score and Evidence of each
	SelfSubmittedAt    time.Time
	ManagerSubmittedAt time.Time
	ManagerBy          int64
	SharedAt           time.Time
	AcknowledgedAt     time.Time
}

// loadBatch is how many ratings one INSERT writes: 10 values each, well under the bind
// parameters either database takes in one statement.
const loadBatch = 500

// LoadAssessments writes whole assessments into an open cycle in one transaction, many rows
// a statement: for bringing a cycle over from another tool, and for measuring reports over a
// large one. The people must be in the cycle and have no ratings in it yet; evidence is
// checked as SaveRatings checks it, but no step order is enforced and no amendment recorded.
// Nothing is written when anything is refused.
func LoadAssessments(ctx context.Context, s *store.Store, cycle int64, list []LoadedAssessment) error {
	for _, a := range list {
		for _, r := range a.Ratings {
			if !r.Side.Valid() || r.Level == "" || r.Expectation == "" {
				return fmt.Errorf("load assessments: person %d: a rating needs its side, level and expectation", a.PersonID)
			}
			if p := EvidenceProblem(r.Evidence); p != "" {
				return fmt.Errorf("load assessments: person %d: evidence for %s %s", a.PersonID, r.Key(), p)
			}
		}
	}
	return s.WithTx(ctx, func(tx *store.Store) error {
		c, err := CycleByID(ctx, tx, cycle)
		if err != nil {
			return err
		}
		if !c.Open() {
			return fmt.Errorf("load assessments: cycle %d: %w", cycle, ErrCycleClosed)
		}
		now := tx.Now()
		var values []string
		var args []any
		flush := func() error {
			if len(values) == 0 {
				return nil
			}
			if _, err := tx.Exec(ctx, `INSERT INTO assessment_ratings (cycle_id, person_id, side, level, expectation, rating, score, evidence, updated_by, updated_at)
				VALUES `+strings.Join(values, ", "), args...); err != nil {
				return tx.Fail(err, "load ratings into cycle %d", cycle)
			}
			tx.WroteMany(len(values))
			values, args = values[:0], args[:0]
			return nil
		}
		for _, a := range list {
			res, err := tx.Exec(ctx, `UPDATE assessment_people SET self_submitted_at = ?, manager_submitted_at = ?, manager_by = ?,
				shared_at = ?, acknowledged_at = ? WHERE cycle_id = ? AND person_id = ?`,
				store.NullTime(a.SelfSubmittedAt), store.NullTime(a.ManagerSubmittedAt), store.NullID(a.ManagerBy), store.NullTime(a.SharedAt), store.NullTime(a.AcknowledgedAt),
				cycle, a.PersonID)
			if err != nil {
				return tx.Fail(err, "load the steps of %d in cycle %d", a.PersonID, cycle)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("load assessments: person %d is not in cycle %d: %w", a.PersonID, cycle, store.ErrNotFound)
			}
			for _, r := range a.Ratings {
				by := a.PersonID
				if r.Side == ManagerSide {
					by = a.ManagerBy
				}
				values = append(values, "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
				args = append(args, cycle, a.PersonID, string(r.Side), r.Level, r.Expectation, r.Rating,
					sql.NullInt64{Int64: int64(r.Score), Valid: r.Rating != "" && r.Score >= 0}, r.Evidence, store.NullID(by), now)
				if len(values) == loadBatch {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		// Each person's steps are a row written too: a load of steps alone (a past cycle's
		// record without its ratings) leaves as many old versions of rows behind.
		tx.WroteMany(len(list))
		// The whole cycle's tallies, counted again at once.
		if _, err := tx.Exec(ctx, `DELETE FROM assessment_tallies WHERE cycle_id = ?`, cycle); err != nil {
			return tx.Fail(err, "tally ratings of cycle %d", cycle)
		}
		if _, err := tx.Exec(ctx, talliesSQL+` GROUP BY r.cycle_id, r.person_id, r.side, r.score`, cycle); err != nil {
			return tx.Fail(err, "tally ratings of cycle %d", cycle)
		}
		if _, err := tx.Exec(ctx, sumsSQL, cycle); err != nil {
			return tx.Fail(err, "sum scores of cycle %d", cycle)
		}
		return nil
	})
}
