package assess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// Rating is one side's rating of one expectation of a person in a cycle, with its evidence.
type Rating struct {
	Side        Side
	Level       string // the level the expectation is of: the person's, or the next
	Expectation string // its id, stable across edits of the framework
	Rating      string // a rating id of the cycle's scale; "" for evidence not rated yet
	Score       int    // the rating's position on the scale, 0 lowest; -1 when not rated
	Evidence    string // Markdown
	UpdatedBy   int64
	UpdatedAt   time.Time
	// Seen is what the page the rating was saved from showed for it, so that a save never
	// overwrites a change someone else made meanwhile (another tab, another manager above the
	// person); nil when there was no such page (an imported file).
	Seen *Seen
}

// Seen is a rating and its evidence as a page showed them.
type Seen struct{ Rating, Evidence string }

// Key is how a rating is found: "level/expectation", as the self-assessment file keys it.
func (r Rating) Key() string { return r.Level + "/" + r.Expectation }

// ConflictError refuses a save some of whose ratings someone else changed after the page it
// was made on was shown; nothing of the save is written. Now holds those ratings as they are
// stored now (a rating removed meanwhile has neither rating nor evidence).
type ConflictError struct{ Now []Rating }

func (e *ConflictError) Error() string {
	return fmt.Sprintf("save ratings: %d changed by someone else since the page was shown", len(e.Now))
}

// Unwrap makes a conflict store.ErrStale.
func (e *ConflictError) Unwrap() error { return store.ErrStale }

// Amendment is a change to a rating after its side was submitted.
type Amendment struct {
	ID                     int64
	Side                   Side
	Level, Expectation     string
	OldRating, OldEvidence string
	NewRating, NewEvidence string
	Reason                 string
	MadeBy                 int64
	MadeAt                 time.Time
}

// ErrCycleClosed is returned when a closed cycle is asked to change.
var ErrCycleClosed = errors.New("the cycle is closed")

// ErrWrongStep is returned when an assessment is asked to take a step it is not ready for
// (sharing a manager's assessment not submitted yet) or has taken already.
var ErrWrongStep = errors.New("not at that step")

// Ratings returns the ratings of one side of a person's assessment, by level and id.
func Ratings(ctx context.Context, s *store.Store, cycle, person int64, side Side) ([]Rating, error) {
	r := s.Reads()
	var out []Rating
	ReadRatings(r, cycle, person, side, &out)
	return out, r.Run(ctx)
}

// ReadRatings adds to r the read of Ratings into *out.
func ReadRatings(r *store.Reads, cycle, person int64, side Side, out *[]Rating) {
	store.ReadAll(r, fmt.Sprintf("ratings of %d in cycle %d", person, cycle), out, func(row store.Scanner) (Rating, error) {
		var by sql.NullInt64
		var at time.Time
		r, err := scanRating(row, &by, &at)
		r.UpdatedBy, r.UpdatedAt = by.Int64, at.UTC()
		return r, err
	}, `SELECT side, level, expectation, rating, score, evidence, updated_by, updated_at
		FROM assessment_ratings WHERE cycle_id = ? AND person_id = ? AND side = ? ORDER BY level, expectation`,
		cycle, person, string(side))
}

// BothRatings returns the ratings of both sides of a person's assessment, each by level and
// id, in one read: the side by side shows both. Who changed each last and when are left out
// (UpdatedBy and UpdatedAt are zero): the page shows neither, and decoding seventy times was
// a fifth of the read.
func BothRatings(ctx context.Context, s *store.Store, cycle, person int64) (self, mgr []Rating, err error) {
	r := s.Reads()
	ReadBothRatings(r, cycle, person, &self, &mgr)
	return self, mgr, r.Run(ctx)
}

// ReadBothRatings adds to r the read of BothRatings into *self and *mgr.
func ReadBothRatings(r *store.Reads, cycle, person int64, self, mgr *[]Rating) {
	// Room for a level's expectations and the next level's, as a page asks about, at once.
	*self, *mgr = make([]Rating, 0, 64), make([]Rating, 0, 64)
	r.Read(fmt.Sprintf("ratings of %d in cycle %d", person, cycle), func(row store.Scanner) error {
		x, err := scanRating(row)
		if err != nil {
			return err
		}
		if x.Side == SelfSide {
			*self = append(*self, x)
		} else {
			*mgr = append(*mgr, x)
		}
		return nil
	}, `SELECT side, level, expectation, rating, score, evidence
		FROM assessment_ratings WHERE cycle_id = ? AND person_id = ? ORDER BY side, level, expectation`, cycle, person)
}

// scanRating reads a rating's side, level, expectation, rating, score and evidence, then
// more.
func scanRating(row store.Scanner, more ...any) (Rating, error) {
	var r Rating
	var side string
	var score sql.NullInt64
	if err := row.Scan(append([]any{&side, &r.Level, &r.Expectation, &r.Rating, &score, &r.Evidence}, more...)...); err != nil {
		return Rating{}, err
	}
	r.Side, r.Score = Side(side), -1
	if score.Valid {
		r.Score = int(score.Int64)
	}
	return r, nil
}

// openParticipant locks in the transaction the person's row of an open cycle and returns it.
func openParticipant(ctx context.Context, s *store.Store, cycle, person int64) (Participant, error) {
	c, err := CycleHeader(ctx, s, cycle)
	if err != nil {
		return Participant{}, err
	}
	if !c.Open() {
		return Participant{}, fmt.Errorf("cycle %d: %w", cycle, ErrCycleClosed)
	}
	if s.Postgres() {
		// Two managers saving one person's assessment at once: the second waits for the first.
		if _, err := s.Exec(ctx, `SELECT 1 FROM assessment_people WHERE cycle_id = ? AND person_id = ? FOR UPDATE`, cycle, person); err != nil {
			return Participant{}, s.Fail(err, "lock %d in cycle %d", person, cycle)
		}
	}
	return ParticipantOf(ctx, s, cycle, person)
}

// SaveRatings writes ratings of one side in one transaction: each replaces the rating of its
// level and expectation, and a rating with neither a rating nor evidence removes it. Before
// the side is submitted these are drafts; after, every change is an amendment and reason
// (why it changed) is required and kept with the old value. It returns how many changed.
// A rating with Seen is written only if the page changed it, and only over what the page
// showed: left as shown, whatever is stored stays; changed by someone else meanwhile, the
// save is a *ConflictError. A closed cycle is ErrCycleClosed; someone not in the cycle
// store.ErrNotFound.
func SaveRatings(ctx context.Context, s *store.Store, cycle, person int64, side Side, by int64, ratings []Rating, reason string) (int, error) {
	if !side.Valid() {
		return 0, fmt.Errorf("save ratings: side %q is not self or manager", side)
	}
	reason = strings.TrimSpace(reason)
	for _, r := range ratings {
		if p := EvidenceProblem(r.Evidence); p != "" {
			return 0, fmt.Errorf("save ratings: evidence for %s %s", r.Key(), p)
		}
		if r.Level == "" || r.Expectation == "" {
			return 0, errors.New("save ratings: a rating without its level and expectation")
		}
	}
	changed := 0
	err := s.WithTx(ctx, func(tx *store.Store) error {
		p, err := openParticipant(ctx, tx, cycle, person)
		if err != nil {
			return err
		}
		amending := p.Submitted(side)
		if amending && reason == "" {
			return fmt.Errorf("save ratings: %w: a submitted assessment changes only with a reason", ErrWrongStep)
		}
		if err := store.CheckNote(reason); err != nil {
			return fmt.Errorf("save ratings: reason: %w", err)
		}
		old, err := Ratings(ctx, tx, cycle, person, side)
		if err != nil {
			return err
		}
		before := map[string]Rating{}
		for _, r := range old {
			before[r.Key()] = r
		}
		now := tx.Now()
		var conflict ConflictError
		for _, r := range ratings {
			prev, had := before[r.Key()]
			if prev.Rating == r.Rating && prev.Evidence == r.Evidence {
				continue
			}
			if seen := r.Seen; seen != nil {
				if seen.Rating == r.Rating && seen.Evidence == r.Evidence {
					continue // not changed on the page
				}
				if seen.Rating != prev.Rating || seen.Evidence != prev.Evidence {
					if !had {
						prev = Rating{Side: side, Level: r.Level, Expectation: r.Expectation, Score: -1}
					}
					conflict.Now = append(conflict.Now, prev)
					continue
				}
			}
			changed++
			if r.Rating == "" && r.Evidence == "" {
				if _, err := tx.Exec(ctx, `DELETE FROM assessment_ratings WHERE cycle_id = ? AND person_id = ? AND side = ? AND level = ? AND expectation = ?`,
					cycle, person, string(side), r.Level, r.Expectation); err != nil {
					return tx.Fail(err, "remove rating %s", r.Key())
				}
			} else {
				score := sql.NullInt64{Int64: int64(r.Score), Valid: r.Rating != "" && r.Score >= 0}
				q := `INSERT INTO assessment_ratings (cycle_id, person_id, side, level, expectation, rating, score, evidence, updated_by, updated_at)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
				if had {
					q = `UPDATE assessment_ratings SET rating = ?, score = ?, evidence = ?, updated_by = ?, updated_at = ?
						WHERE cycle_id = ? AND person_id = ? AND side = ? AND level = ? AND expectation = ?`
					_, err = tx.Exec(ctx, q, r.Rating, score, r.Evidence, store.NullID(by), now, cycle, person, string(side), r.Level, r.Expectation)
				} else {
					_, err = tx.Exec(ctx, q, cycle, person, string(side), r.Level, r.Expectation, r.Rating, score, r.Evidence, store.NullID(by), now)
				}
				if err != nil {
					return tx.Fail(err, "save rating %s", r.Key())
				}
			}
			if amending {
				if _, err := tx.Exec(ctx, `INSERT INTO assessment_amendments (cycle_id, person_id, side, level, expectation,
					old_rating, old_evidence, new_rating, new_evidence, reason, made_by, made_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
					cycle, person, string(side), r.Level, r.Expectation, prev.Rating, prev.Evidence, r.Rating, r.Evidence, reason, store.NullID(by), now); err != nil {
					return tx.Fail(err, "record amendment of %s", r.Key())
				}
			}
		}
		if len(conflict.Now) > 0 {
			return &conflict // and what was written above is rolled back
		}
		tx.WroteMany(changed)
		if changed == 0 {
			return nil
		}
		return refreshTallies(ctx, tx, cycle, person, side)
	})
	return changed, err
}

// talliesSQL counts the scored ratings of assessment_ratings (alias r) per person, side and
// score, of the person's level and of the next, for assessment_tallies.
const talliesSQL = `INSERT INTO assessment_tallies (cycle_id, person_id, side, score, at_level, at_next)
	SELECT r.cycle_id, r.person_id, r.side, r.score,
		sum(CASE WHEN r.level = ap.level THEN 1 ELSE 0 END), sum(CASE WHEN r.level = ap.level THEN 0 ELSE 1 END)
	FROM assessment_ratings r
	JOIN assessment_people ap ON ap.cycle_id = r.cycle_id AND ap.person_id = r.person_id
	WHERE r.cycle_id = ? AND r.score IS NOT NULL`

// refreshTallies counts again, in the transaction that changed them, the scores of one side
// of a person's ratings.
func refreshTallies(ctx context.Context, s *store.Store, cycle, person int64, side Side) error {
	if _, err := s.Exec(ctx, `DELETE FROM assessment_tallies WHERE cycle_id = ? AND person_id = ? AND side = ?`, cycle, person, string(side)); err != nil {
		return s.Fail(err, "tally ratings of %d", person)
	}
	if _, err := s.Exec(ctx, talliesSQL+` AND r.person_id = ? AND r.side = ? GROUP BY r.cycle_id, r.person_id, r.side, r.score`,
		cycle, person, string(side)); err != nil {
		return s.Fail(err, "tally ratings of %d", person)
	}
	if _, err := s.Exec(ctx, sumsSQL+` AND person_id = ?`, cycle, person); err != nil {
		return s.Fail(err, "sum scores of %d", person)
	}
	return nil
}

// sumsSQL sets the score sums of a cycle's people (see 0014_calibration_sums.sql) from their
// tallies; the caller narrows it to one person.
const sumsSQL = `UPDATE assessment_people SET
	self_n = (SELECT coalesce(sum(t.at_level + t.at_next), 0) FROM assessment_tallies t
		WHERE t.cycle_id = assessment_people.cycle_id AND t.person_id = assessment_people.person_id AND t.side = 'self'),
	self_sum = (SELECT coalesce(sum(t.score * (t.at_level + t.at_next)), 0) FROM assessment_tallies t
		WHERE t.cycle_id = assessment_people.cycle_id AND t.person_id = assessment_people.person_id AND t.side = 'self'),
	manager_n = (SELECT coalesce(sum(t.at_level + t.at_next), 0) FROM assessment_tallies t
		WHERE t.cycle_id = assessment_people.cycle_id AND t.person_id = assessment_people.person_id AND t.side = 'manager'),
	manager_sum = (SELECT coalesce(sum(t.score * (t.at_level + t.at_next)), 0) FROM assessment_tallies t
		WHERE t.cycle_id = assessment_people.cycle_id AND t.person_id = assessment_people.person_id AND t.side = 'manager')
	WHERE cycle_id = ?`

// Submit submits one side of a person's assessment: from then on its ratings change only by
// amendment. ErrWrongStep when it is submitted already.
func Submit(ctx context.Context, s *store.Store, cycle, person int64, side Side, by int64) error {
	return s.WithTx(ctx, func(tx *store.Store) error {
		p, err := openParticipant(ctx, tx, cycle, person)
		if err != nil {
			return err
		}
		if p.Submitted(side) {
			return fmt.Errorf("submit %s assessment: %w: submitted already", side, ErrWrongStep)
		}
		q := `UPDATE assessment_people SET self_submitted_at = ? WHERE cycle_id = ? AND person_id = ?`
		args := []any{tx.Now(), cycle, person}
		if side == ManagerSide {
			q = `UPDATE assessment_people SET manager_submitted_at = ?, manager_by = ? WHERE cycle_id = ? AND person_id = ?`
			args = []any{tx.Now(), store.NullID(by), cycle, person}
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return tx.Fail(err, "submit %s assessment of %d", side, person)
		}
		return nil
	})
}

// Share shows the manager's submitted assessment to the person. ErrWrongStep when it is not
// submitted yet, or shared already.
func Share(ctx context.Context, s *store.Store, cycle, person int64) error {
	return step(ctx, s, cycle, person, "share", func(p Participant) bool { return p.Submitted(ManagerSide) && p.SharedAt.IsZero() },
		`UPDATE assessment_people SET shared_at = ? WHERE cycle_id = ? AND person_id = ?`)
}

// Acknowledge records that the person has read the manager's shared assessment, with a note
// of theirs. ErrWrongStep when it is not shared yet, or acknowledged already.
func Acknowledge(ctx context.Context, s *store.Store, cycle, person int64, note string) error {
	note = strings.TrimSpace(note)
	if err := store.CheckNote(note); err != nil {
		return fmt.Errorf("acknowledge: %w", err)
	}
	return step(ctx, s, cycle, person, "acknowledge", func(p Participant) bool { return !p.SharedAt.IsZero() && p.AcknowledgedAt.IsZero() },
		`UPDATE assessment_people SET acknowledged_at = ?, acknowledge_note = ? WHERE cycle_id = ? AND person_id = ?`, note)
}

// step sets a time of a person's assessment, in a transaction, when ready says it may.
func step(ctx context.Context, s *store.Store, cycle, person int64, what string, ready func(Participant) bool, update string, extra ...any) error {
	return s.WithTx(ctx, func(tx *store.Store) error {
		p, err := openParticipant(ctx, tx, cycle, person)
		if err != nil {
			return err
		}
		if !ready(p) {
			return fmt.Errorf("%s assessment of %d: %w", what, person, ErrWrongStep)
		}
		args := append(append([]any{tx.Now()}, extra...), cycle, person)
		if _, err := tx.Exec(ctx, update, args...); err != nil {
			return tx.Fail(err, "%s assessment of %d", what, person)
		}
		return nil
	})
}

// Amendments lists the amendments of a person's assessment in a cycle, oldest first.
func Amendments(ctx context.Context, s *store.Store, cycle, person int64) ([]Amendment, error) {
	r := s.Reads()
	var out []Amendment
	ReadAmendments(r, cycle, person, &out)
	return out, r.Run(ctx)
}

// ReadAmendments adds to r the read of Amendments into *out.
func ReadAmendments(r *store.Reads, cycle, person int64, out *[]Amendment) {
	store.ReadAll(r, fmt.Sprintf("amendments of %d", person), out, func(row store.Scanner) (Amendment, error) {
		var a Amendment
		var side string
		var by sql.NullInt64
		if err := row.Scan(&a.ID, &side, &a.Level, &a.Expectation, &a.OldRating, &a.OldEvidence, &a.NewRating, &a.NewEvidence,
			&a.Reason, &by, &a.MadeAt); err != nil {
			return Amendment{}, err
		}
		a.Side, a.MadeBy, a.MadeAt = Side(side), by.Int64, a.MadeAt.UTC()
		return a, nil
	}, `SELECT id, side, level, expectation, old_rating, old_evidence, new_rating, new_evidence, reason, made_by, made_at
		FROM assessment_amendments WHERE cycle_id = ? AND person_id = ? ORDER BY id`, cycle, person)
}
