package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// A rollout is the first levelling of existing staff: rules map job titles to levels,
// managers review what that proposes for their people, and applying it gives everyone
// proposed their level at once. It covers the active people without a level yet, and one
// rollout at most is open at a time.

// Rollout is one levelling of existing staff, open until it is applied or discarded.
type Rollout struct {
	ID          int64
	CreatedAt   time.Time
	CreatedBy   int64
	AppliedAt   time.Time // zero: not applied
	AppliedBy   int64
	DiscardedAt time.Time // zero: not discarded
}

// Open reports whether the rollout is still in progress.
func (r Rollout) Open() bool { return r.AppliedAt.IsZero() && r.DiscardedAt.IsZero() }

const rolloutColumns = `id, created_at, created_by, applied_at, applied_by, discarded_at`

// openRollout is the condition that a rollout is still open.
const openRollout = `applied_at IS NULL AND discarded_at IS NULL`

// OpenRollout returns the rollout in progress, starting one (created_by) when there is none.
func (s *Store) OpenRollout(ctx context.Context, by int64) (Rollout, error) {
	var r Rollout
	err := s.WithTx(ctx, func(tx *Store) error {
		// The unique index on open rollouts makes this insert do nothing when one is open,
		// also when another process is starting one at the same moment.
		if _, err := tx.exec(ctx, `INSERT INTO rollouts (created_at, created_by) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			tx.now(), nullID(by)); err != nil {
			return err
		}
		var err error
		r, err = scanRollout(tx.writeRow(ctx, `SELECT `+rolloutColumns+` FROM rollouts WHERE `+openRollout))
		return err
	})
	if err != nil {
		return Rollout{}, s.fail(err, "open rollout")
	}
	return r, nil
}

// CurrentRollout returns the rollout in progress, or ErrNotFound when there is none. Unlike
// OpenRollout it never starts one: looking is not a change.
func (s *Store) CurrentRollout(ctx context.Context) (Rollout, error) {
	r, err := scanRollout(s.queryRow(ctx, `SELECT `+rolloutColumns+` FROM rollouts WHERE `+openRollout))
	if err != nil {
		return Rollout{}, s.fail(err, "current rollout")
	}
	return r, nil
}

// Rollouts lists every rollout, newest first (history).
func (s *Store) Rollouts(ctx context.Context) ([]Rollout, error) {
	rollouts := []Rollout{}
	err := each(ctx, s, "rollouts", scanRollout, func(r Rollout) error {
		rollouts = append(rollouts, r)
		return nil
	}, `SELECT `+rolloutColumns+` FROM rollouts ORDER BY id DESC`)
	if err != nil {
		return nil, err
	}
	return rollouts, nil
}

// lockOpen makes sure the rollout exists and is open and, on PostgreSQL, locks its row until
// the transaction ends, so that it cannot be applied or discarded while tx writes to it
// (SQLite's single writer already keeps everyone else out).
func (s *Store) lockOpen(ctx context.Context, rollout int64) error {
	res, err := s.exec(ctx, `UPDATE rollouts SET created_at = created_at WHERE id = ? AND `+openRollout, rollout)
	if err != nil {
		return err
	}
	return s.stillOpen(ctx, rollout, res)
}

// stillOpen turns a write to an open rollout that matched no row into ErrNotFound for an
// unknown rollout and ErrConflict for a closed one.
func (s *Store) stillOpen(ctx context.Context, rollout int64, res sql.Result) error {
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	var n int
	if err := s.writeRow(ctx, `SELECT count(*) FROM rollouts WHERE id = ?`, rollout).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return fmt.Errorf("rollout %d is closed: %w", rollout, ErrConflict)
}

// RolloutRule maps a job title to the level it proposes.
type RolloutRule struct {
	Title  string // as written; people are matched on lower(trim(title))
	Ladder string
	Track  string
	Level  string
}

// RolloutRules returns the rollout's rules, ordered by their matching key (lower(trim(title))).
func (s *Store) RolloutRules(ctx context.Context, rollout int64) ([]RolloutRule, error) {
	rules := []RolloutRule{}
	err := each(ctx, s, fmt.Sprintf("rules of rollout %d", rollout), func(row scanner) (RolloutRule, error) {
		var r RolloutRule
		err := row.Scan(&r.Title, &r.Ladder, &r.Track, &r.Level)
		return r, err
	}, func(r RolloutRule) error {
		rules = append(rules, r)
		return nil
	}, `SELECT title, ladder, track, level FROM rollout_rules WHERE rollout_id = ? ORDER BY title_key`, rollout)
	if err != nil {
		return nil, err
	}
	return rules, nil
}

// SetRolloutRule adds or replaces the rule for r.Title; an empty Level removes it. An applied/discarded rollout is ErrConflict.
func (s *Store) SetRolloutRule(ctx context.Context, rollout int64, r RolloutRule) error {
	r.Title, r.Ladder, r.Track, r.Level = strings.TrimSpace(r.Title), strings.TrimSpace(r.Ladder), strings.TrimSpace(r.Track), strings.TrimSpace(r.Level)
	if r.Level != "" && r.Ladder == "" {
		return fmt.Errorf("rollout %d: rule for %q: ladder and level are both needed", rollout, r.Title)
	}
	if err := errors.Join(checkText("title", r.Title, MaxTitle), checkText("ladder", r.Ladder, MaxID), checkText("track", r.Track, MaxID),
		checkText("level", r.Level, MaxID)); err != nil {
		return fmt.Errorf("rollout %d: rule for %q: %w", rollout, r.Title, err)
	}
	err := s.WithTx(ctx, func(tx *Store) error {
		if err := tx.lockOpen(ctx, rollout); err != nil {
			return err
		}
		// The key is folded by the database, as the people's titles it is matched with are.
		if r.Level == "" {
			_, err := tx.exec(ctx, `DELETE FROM rollout_rules WHERE rollout_id = ? AND title_key = lower(trim(?))`, rollout, r.Title)
			return err
		}
		_, err := tx.exec(ctx, `
			INSERT INTO rollout_rules (rollout_id, title_key, title, ladder, track, level)
			VALUES (?, lower(trim(?)), ?, ?, ?, ?)
			ON CONFLICT (rollout_id, title_key) DO UPDATE
			SET title = excluded.title, ladder = excluded.ladder, track = excluded.track, level = excluded.level`,
			rollout, r.Title, r.Title, r.Ladder, r.Track, r.Level)
		return err
	})
	if err != nil {
		return s.fail(err, "rollout %d: rule for %q", rollout, r.Title)
	}
	return nil
}

// TitleCount is a job title and how many people hold it.
type TitleCount struct {
	Title  string
	People int
}

// RolloutTitles returns the distinct titles (grouped by lower(trim)) of the people the rollout covers, most people first, with how many hold each; an empty title included as "".
func (s *Store) RolloutTitles(ctx context.Context) ([]TitleCount, error) {
	titles := []TitleCount{}
	err := each(ctx, s, "rollout titles", func(row scanner) (TitleCount, error) {
		var t TitleCount
		err := row.Scan(&t.Title, &t.People)
		return t, err
	}, func(t TitleCount) error {
		titles = append(titles, t)
		return nil
	}, `SELECT min(p.title), count(*) FROM people p WHERE `+covered+`
		GROUP BY lower(trim(p.title)) ORDER BY count(*) DESC, lower(trim(p.title))`)
	if err != nil {
		return nil, err
	}
	return titles, nil
}

// ApplyRollout closes the rollout: in one transaction, every covered person with a proposal (mapped or reviewed)
// gets a level_history row with reason "rollout", dated day, made_by by, note = the review note; their current level is set;
// unmapped people are left as they are. Returns how many were levelled. Applying twice is ErrConflict.
func (s *Store) ApplyRollout(ctx context.Context, rollout, by int64, day time.Time) (int, error) {
	if day.IsZero() {
		return 0, fmt.Errorf("apply rollout %d: date is missing", rollout)
	}
	var levelled int64
	err := s.WithTx(ctx, func(tx *Store) error {
		now := tx.now()
		res, err := tx.exec(ctx, `UPDATE rollouts SET applied_at = ?, applied_by = ? WHERE id = ? AND `+openRollout,
			now, nullID(by), rollout)
		if err != nil {
			return err
		}
		if err := tx.stillOpen(ctx, rollout, res); err != nil {
			return err
		}
		// Set-based, so that 100,000 people take a few statements. Touching the people first
		// locks them on PostgreSQL: a level change of one of them meanwhile waits for this
		// one and then sees their new level, instead of both writing a first level.
		if _, err := tx.exec(ctx, `UPDATE people SET updated_at = ? WHERE id IN (SELECT p.id`+proposalJoins+`
			WHERE `+covered+` AND `+proposed+`)`, now, rollout, rollout); err != nil {
			return err
		}
		var before int64
		if err := tx.writeRow(ctx, `SELECT coalesce(max(id), 0) FROM level_history`).Scan(&before); err != nil {
			return err
		}
		res, err = tx.exec(ctx, `
			INSERT INTO level_history (person_id, from_level, to_level, ladder, track, date, reason, note, made_by, created_at)
			SELECT p.id, p.level, coalesce(rv.level, ru.level), coalesce(rv.ladder, ru.ladder), coalesce(rv.track, ru.track),
				?, 'rollout', coalesce(rv.note, ''), ?, ?`+proposalJoins+`
			WHERE `+covered+` AND `+proposed+`
			ORDER BY p.id`, date(day), nullID(by), now, rollout, rollout)
		if err != nil {
			return err
		}
		if levelled, err = res.RowsAffected(); err != nil {
			return err
		}
		// The current level is copied from the rows just written, so the two cannot disagree.
		_, err = tx.exec(ctx, `
			UPDATE people SET ladder = h.ladder, track = h.track, level = h.to_level, level_since = `+levelSinceOfRow+`
			FROM level_history h
			WHERE h.person_id = people.id AND h.id > ? AND h.reason = 'rollout' AND people.level = ''`, before)
		tx.wroteMany(int(levelled))
		return err
	})
	if err != nil {
		return 0, s.fail(err, "apply rollout %d", rollout)
	}
	return int(levelled), nil
}

// DiscardRollout drops the open rollout's rules and reviews and closes it; a closed rollout is ErrConflict.
func (s *Store) DiscardRollout(ctx context.Context, rollout int64) error {
	err := s.WithTx(ctx, func(tx *Store) error {
		res, err := tx.exec(ctx, `UPDATE rollouts SET discarded_at = ? WHERE id = ? AND `+openRollout, tx.now(), rollout)
		if err != nil {
			return err
		}
		if err := tx.stillOpen(ctx, rollout, res); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM rollout_reviews WHERE rollout_id = ?`, rollout); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM rollout_rules WHERE rollout_id = ?`, rollout)
		return err
	})
	if err != nil {
		return s.fail(err, "discard rollout %d", rollout)
	}
	return nil
}

func scanRollout(row scanner) (Rollout, error) {
	var r Rollout
	var by, appliedBy sql.NullInt64
	var applied, discarded sql.NullTime
	if err := row.Scan(&r.ID, &r.CreatedAt, &by, &applied, &appliedBy, &discarded); err != nil {
		return Rollout{}, err
	}
	r.CreatedAt, r.CreatedBy, r.AppliedBy = r.CreatedAt.UTC(), by.Int64, appliedBy.Int64
	if applied.Valid {
		r.AppliedAt = applied.Time.UTC()
	}
	if discarded.Valid {
		r.DiscardedAt = discarded.Time.UTC()
	}
	return r, nil
}
