package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Reason says why a person's level changed.
type Reason string

// The reasons a level can change for. RolloutReason is not called Rollout, the name of a
// rollout itself.
const (
	Hire          Reason = "hire"
	RolloutReason Reason = "rollout"
	Promotion     Reason = "promotion"
	Correction    Reason = "correction"
	TrackChange   Reason = "track-change"
)

// Valid reports whether r is one of the reasons above.
func (r Reason) Valid() bool {
	switch r {
	case Hire, RolloutReason, Promotion, Correction, TrackChange:
		return true
	}
	return false
}

// LevelChange is one entry of a person's level history.
type LevelChange struct {
	ID        int64
	PersonID  int64
	FromLevel string // the level before, empty for the first; filled in by AddLevelChange
	ToLevel   string
	Ladder    string // the ladder and track of ToLevel
	Track     string
	Date      time.Time // when it took effect: a date, midnight UTC
	Reason    Reason
	Note      string
	MadeBy    int64 // the person who made the change; 0 for none (an import)
	CreatedAt time.Time
}

func (c *LevelChange) validate() error {
	c.ToLevel, c.Ladder, c.Track = strings.TrimSpace(c.ToLevel), strings.TrimSpace(c.Ladder), strings.TrimSpace(c.Track)
	if !c.Reason.Valid() {
		return fmt.Errorf("reason %q is not hire, rollout, promotion, correction or track-change", c.Reason)
	}
	switch {
	// Track stays empty on a ladder that has no tracks.
	case c.ToLevel == "" || c.Ladder == "":
		return fmt.Errorf("ladder and level are both needed")
	case c.Date.IsZero():
		return fmt.Errorf("date is missing")
	}
	if err := errors.Join(checkText("ladder", c.Ladder, MaxID), checkText("track", c.Track, MaxID), checkText("level", c.ToLevel, MaxID),
		checkNote(c.Note)); err != nil {
		return err
	}
	c.Date = date(c.Date)
	return nil
}

// levelSinceOfRow is the date of the latest change of level of the people row a statement
// writes, which people.level_since keeps (0018): each statement that makes a level change
// someone's current level sets it from the history it has just added to, so the two cannot
// disagree. A change of track or a correction that keeps the level does not count.
const levelSinceOfRow = `(SELECT max(lh.date) FROM level_history lh WHERE lh.person_id = people.id AND lh.from_level <> lh.to_level)`

// AddLevelChange appends c to its person's history and makes its level their current one,
// both or neither. FromLevel is taken from the person's current level, so the history cannot
// disagree with itself. It returns the entry as stored; an unknown person is ErrNotFound.
func (s *Store) AddLevelChange(ctx context.Context, c LevelChange) (LevelChange, error) {
	return s.addLevelChange(ctx, c, false, 0)
}

// AddLevelChangeAfter is AddLevelChange made from a form that showed the person's history up
// to the entry last (0: they had none): if an entry has been added since, the person's level
// may not be the one the form was filled in against, and it is ErrStale, with nothing added.
func (s *Store) AddLevelChangeAfter(ctx context.Context, c LevelChange, last int64) (LevelChange, error) {
	return s.addLevelChange(ctx, c, true, last)
}

func (s *Store) addLevelChange(ctx context.Context, c LevelChange, check bool, last int64) (LevelChange, error) {
	if err := c.validate(); err != nil {
		return LevelChange{}, fmt.Errorf("level change for person %d: %w", c.PersonID, err)
	}
	var added LevelChange
	err := s.WithTx(ctx, func(tx *Store) error {
		now := tx.now()
		// Touching the row before reading it locks it on PostgreSQL, so two changes at once
		// cannot both read the same level before, nor both find the history as a form saw
		// it (SQLite's writer is one at a time anyway).
		res, err := tx.exec(ctx, `UPDATE people SET updated_at = ? WHERE id = ?`, now, c.PersonID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrNotFound
		}
		if check {
			var latest int64
			if err := tx.writeRow(ctx, `SELECT coalesce(max(id), 0) FROM level_history WHERE person_id = ?`, c.PersonID).Scan(&latest); err != nil {
				return err
			}
			if latest != last {
				return fmt.Errorf("the latest level change is %d, the form showed %d: %w", latest, last, ErrStale)
			}
		}
		if err := tx.writeRow(ctx, `SELECT level FROM people WHERE id = ?`, c.PersonID).Scan(&c.FromLevel); err != nil {
			return err
		}
		row := tx.writeRow(ctx, `
			INSERT INTO level_history (person_id, from_level, to_level, ladder, track, date, reason, note, made_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING `+levelChangeColumns,
			c.PersonID, c.FromLevel, c.ToLevel, c.Ladder, c.Track, c.Date, string(c.Reason), c.Note, nullID(c.MadeBy), now)
		if added, err = scanLevelChange(row); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `UPDATE people SET ladder = ?, track = ?, level = ?, level_since = `+levelSinceOfRow+` WHERE id = ?`,
			c.Ladder, c.Track, c.ToLevel, c.PersonID)
		return err
	})
	if err != nil {
		return LevelChange{}, s.fail(err, "level change for person %d", c.PersonID)
	}
	return added, nil
}

// LevelHistory returns a person's level changes in the order they were recorded, oldest
// first; a person without any has an empty history, an unknown person is ErrNotFound.
func (s *Store) LevelHistory(ctx context.Context, personID int64) ([]LevelChange, error) {
	r := s.Reads()
	var history []LevelChange
	ReadLevelHistory(r, personID, &history, nil)
	if err := r.Run(ctx); err != nil {
		return nil, err
	}
	if len(history) == 0 {
		// People are never deleted, so checking after the read cannot race with a removal.
		var one int
		if err := s.queryRow(ctx, `SELECT 1 FROM people WHERE id = ?`, personID).Scan(&one); err != nil {
			return nil, s.fail(err, "level history of person %d", personID)
		}
	}
	return history, nil
}

// ReadLevelHistory adds to r the read of a person's level changes, oldest first, into *out:
// LevelHistory's read, for a page that knows the person is there. With authors (nil: not
// wanted), it also puts there the names of those who made the changes, by their ids (an
// import's are by no one), read in the same statement. As a statement of their own, they
// were one more on every person's page: on PostgreSQL, which is sent a page's reads together,
// whether or not the history named anyone.
func ReadLevelHistory(r *Reads, personID int64, out *[]LevelChange, authors map[int64]string) {
	ReadAll(r, fmt.Sprintf("level history of person %d", personID), out,
		ScanNamed(scanLevelChange, authors, func(c LevelChange) int64 { return c.MadeBy }), `SELECT `+levelChangeColumns+`, (SELECT m.name FROM people m WHERE m.id = level_history.made_by)
		FROM level_history WHERE person_id = ? ORDER BY id`, personID)
}

const levelChangeColumns = `id, person_id, from_level, to_level, ladder, track, date, reason, note, made_by, created_at`

func scanLevelChange(row scanner) (LevelChange, error) {
	var c LevelChange
	var reason string
	var madeBy sql.NullInt64
	err := row.Scan(&c.ID, &c.PersonID, &c.FromLevel, &c.ToLevel, &c.Ladder, &c.Track, &c.Date,
		&reason, &c.Note, &madeBy, &c.CreatedAt)
	if err != nil {
		return LevelChange{}, err
	}
	c.Reason, c.MadeBy = Reason(reason), madeBy.Int64
	c.Date, c.CreatedAt = c.Date.UTC(), c.CreatedAt.UTC()
	return c, nil
}
