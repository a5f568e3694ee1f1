package checkins

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/rungs/rungs/internal/store"
)

// PrivateNoteOf returns the note author keeps on a check-in of person; store.ErrNotFound when they
// keep none. It is the only read of private notes: every caller names the author, and a
// page passes the viewer, so that nobody reads another's note through it.
func PrivateNoteOf(ctx context.Context, s *store.Store, person, checkin, author int64) (PrivateNote, error) {
	var n PrivateNote
	err := s.QueryRow(ctx, `SELECT p.checkin_id, p.author_id, p.body, p.updated_at FROM checkin_private_notes p
		JOIN checkins c ON c.id = p.checkin_id WHERE p.checkin_id = ? AND p.author_id = ? AND c.person_id = ?`,
		checkin, author, person).Scan(&n.CheckInID, &n.AuthorID, &n.Body, &n.UpdatedAt)
	if err != nil {
		return PrivateNote{}, s.Fail(err, "private note on check-in %d", checkin)
	}
	n.UpdatedAt = n.UpdatedAt.UTC()
	return n, nil
}

// SavePrivateNote keeps body as author's note on a check-in of person, replacing the one
// they had; an empty body removes it. An unknown check-in is store.ErrNotFound.
func SavePrivateNote(ctx context.Context, s *store.Store, person, checkin, author int64, body string) error {
	body = strings.TrimSpace(body)
	if p := CheckInNotesProblem(body); p != "" {
		return fmt.Errorf("private note %s", p)
	}
	err := s.WithTx(ctx, func(tx *store.Store) error {
		if _, err := Find(ctx, tx, person, checkin); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM checkin_private_notes WHERE checkin_id = ? AND author_id = ?`, checkin, author); err != nil {
			return err
		}
		if body == "" {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO checkin_private_notes (checkin_id, author_id, body, updated_at) VALUES (?, ?, ?, ?)`,
			checkin, author, body, tx.Now())
		return err
	})
	if err != nil {
		return s.Fail(err, "private note on check-in %d", checkin)
	}
	return nil
}

const actionColumns = `id, checkin_id, person_id, text, owner, done_at, done_by, created_by, created_at`

func scanAction(row store.Scanner) (ActionItem, error) {
	var a ActionItem
	var owner string
	var done sql.NullTime
	var doneBy, createdBy sql.NullInt64
	if err := row.Scan(&a.ID, &a.CheckInID, &a.PersonID, &a.Text, &owner, &done, &doneBy, &createdBy, &a.CreatedAt); err != nil {
		return ActionItem{}, err
	}
	a.Owner, a.DoneAt, a.DoneBy, a.CreatedBy, a.CreatedAt = Owner(owner), store.UTCOrZero(done), doneBy.Int64, createdBy.Int64, a.CreatedAt.UTC()
	return a, nil
}

// ActionItemProblem says what is wrong with an action item's text, as TextProblem does; an
// empty one is a problem too.
func ActionItemProblem(text string) string {
	if strings.TrimSpace(text) == "" {
		return "is empty"
	}
	return store.TextProblem(text, MaxActionItem)
}

// AddActionItem adds an item to a check-in of a.PersonID and returns it as stored.
func AddActionItem(ctx context.Context, s *store.Store, a ActionItem) (ActionItem, error) {
	a.Text = strings.TrimSpace(a.Text)
	if p := ActionItemProblem(a.Text); p != "" {
		return ActionItem{}, fmt.Errorf("action item %s", p)
	}
	if !a.Owner.Valid() {
		return ActionItem{}, fmt.Errorf("action item owner %q is not person or manager", a.Owner)
	}
	var out ActionItem
	err := s.WithTx(ctx, func(tx *store.Store) error {
		c, err := Find(ctx, tx, a.PersonID, a.CheckInID)
		if err != nil {
			return err
		}
		owner := c.PersonID // owner_id is who took the item on, for their home (see 0012_home.sql)
		if a.Owner == ManagerOwns {
			owner = c.ManagerID
		}
		out, err = scanAction(tx.WriteRow(ctx, `INSERT INTO checkin_actions (checkin_id, person_id, text, owner, owner_id, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+actionColumns,
			a.CheckInID, a.PersonID, a.Text, string(a.Owner), owner, store.NullID(a.CreatedBy), tx.Now()))
		return err
	})
	if err != nil {
		return ActionItem{}, s.Fail(err, "add action item to check-in %d", a.CheckInID)
	}
	return out, nil
}

// SetActionDone marks an item of a check-in of person done (by is who did) or open again.
// An item that is not on that check-in is store.ErrNotFound; one already as asked is store.ErrConflict,
// so that a form sent twice says so.
func SetActionDone(ctx context.Context, s *store.Store, person, checkin, item int64, done bool, by int64) (ActionItem, error) {
	q := `UPDATE checkin_actions SET done_at = ?, done_by = ? WHERE id = ? AND checkin_id = ? AND person_id = ? AND done_at IS NULL`
	args := []any{s.Now(), store.NullID(by), item, checkin, person}
	if !done {
		q = `UPDATE checkin_actions SET done_at = NULL, done_by = NULL WHERE id = ? AND checkin_id = ? AND person_id = ? AND done_at IS NOT NULL`
		args = args[2:]
	}
	var out ActionItem
	err := s.WithTx(ctx, func(tx *store.Store) error {
		var err error
		out, err = scanAction(tx.WriteRow(ctx, q+` RETURNING `+actionColumns, args...))
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := scanAction(tx.WriteRow(ctx, `SELECT `+actionColumns+` FROM checkin_actions WHERE id = ? AND checkin_id = ? AND person_id = ?`,
			item, checkin, person)); err != nil {
			return err
		}
		return fmt.Errorf("it is %s already: %w", map[bool]string{true: "done", false: "open"}[done], store.ErrConflict)
	})
	if err != nil {
		return ActionItem{}, s.Fail(err, "action item %d", item)
	}
	return out, nil
}

// ActionItems lists the items of a person's check-ins, or of one of them when checkin is not
// 0: open ones first, then by when they were added.
func ActionItems(ctx context.Context, s *store.Store, person, checkin int64) ([]ActionItem, error) {
	where, args := `person_id = ?`, []any{person}
	if checkin != 0 {
		where, args = where+` AND checkin_id = ?`, append(args, checkin)
	}
	rows, err := s.Query(ctx, `SELECT `+actionColumns+` FROM checkin_actions WHERE `+where+`
		ORDER BY CASE WHEN done_at IS NULL THEN 0 ELSE 1 END, id`, args...)
	if err != nil {
		return nil, s.Fail(err, "action items of person %d", person)
	}
	defer rows.Close()
	out := []ActionItem{}
	for rows.Next() {
		a, err := scanAction(rows)
		if err != nil {
			return nil, s.Fail(err, "action items of person %d", person)
		}
		out = append(out, a)
	}
	return out, s.RowsErr(rows, "action items")
}
