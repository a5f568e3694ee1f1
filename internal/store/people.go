package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Status says whether a person is still in the organisation.
type Status string

// The statuses a person can have.
const (
	Active Status = "active"
	Left   Status = "left"
)

// Person is someone on a ladder.
type Person struct {
	ID        int64
	Name      string
	Email     string
	Title     string // the current job title, from the HR system; the rollout maps it to a level
	ManagerID int64  // 0: no manager
	// Ladder, Track and Level are the current level, set only by AddLevelChange so that they
	// always agree with the level history; empty until the person is levelled.
	Ladder    string
	Track     string
	Level     string
	StartDate time.Time // a date, midnight UTC
	Status    Status
	CreatedAt time.Time
	UpdatedAt time.Time
}

// validate checks what the database would otherwise reject with a less helpful message.
func (p *Person) validate() error {
	p.Name, p.Email, p.Title = strings.TrimSpace(p.Name), strings.TrimSpace(p.Email), strings.TrimSpace(p.Title)
	switch {
	case p.Name == "":
		return fmt.Errorf("name is empty")
	case !ValidEmail(p.Email):
		return fmt.Errorf("email %q is not an address", p.Email)
	case p.StartDate.IsZero():
		return fmt.Errorf("start date is missing")
	case p.ManagerID != 0 && p.ManagerID == p.ID:
		return fmt.Errorf("a person cannot be their own manager")
	}
	if err := errors.Join(checkText("name", p.Name, MaxName), checkText("email", p.Email, MaxEmail), checkText("title", p.Title, MaxTitle)); err != nil {
		return err
	}
	if p.Status == "" {
		p.Status = Active
	}
	if p.Status != Active && p.Status != Left {
		return fmt.Errorf("status %q is not active or left", p.Status)
	}
	p.StartDate = date(p.StartDate)
	return nil
}

// ValidEmail accepts one address of the form local@domain, without the spaces, commas and
// brackets that show a list or a name crept into a form field or a spreadsheet cell. Every
// way a person comes in (the app, an import, the shell) is checked with it.
func ValidEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || len(s) > 254 || TextProblem(s, MaxEmail) != "" || strings.Contains(domain, "@") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return false
	}
	for i := range len(s) {
		switch c := s[i]; {
		case c <= ' ' || c == 0x7f:
			return false
		case c == ',' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == '\\' || c == '"':
			return false
		}
	}
	return true
}

const personColumns = `id, name, email, title, manager_id, ladder, track, level, start_date, status, created_at, updated_at`

// personColumnsOf is personColumns qualified by a table alias, for queries that join people.
func personColumnsOf(alias string) string {
	cols := strings.Split(personColumns, ", ")
	for i := range cols {
		cols[i] = alias + "." + cols[i]
	}
	return strings.Join(cols, ", ")
}

// CreatePerson adds p and returns it as stored, with its id; p's level fields are ignored
// (AddLevelChange sets them). A taken email is ErrConflict, an unknown manager too.
func (s *Store) CreatePerson(ctx context.Context, p Person) (Person, error) {
	if err := p.validate(); err != nil {
		return Person{}, fmt.Errorf("create person: %w", err)
	}
	var created Person
	err := s.WithTx(ctx, func(tx *Store) error {
		now := tx.now()
		var err error
		created, err = scanPerson(tx.writeRow(ctx, `
			INSERT INTO people (name, email, title, manager_id, start_date, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING `+personColumns,
			p.Name, p.Email, p.Title, nullID(p.ManagerID), p.StartDate, string(p.Status), now, now))
		if err != nil {
			return err
		}
		return tx.rechain(ctx, []int64{created.ID})
	})
	if err != nil {
		return Person{}, s.fail(err, "create person %s", p.Email)
	}
	return created, nil
}

// Person returns the person with the id, or ErrNotFound.
func (s *Store) Person(ctx context.Context, id int64) (Person, error) {
	p, err := scanPerson(s.queryRow(ctx, `SELECT `+personColumns+` FROM people WHERE id = ?`, id))
	if err != nil {
		return Person{}, s.fail(err, "person %d", id)
	}
	return p, nil
}

// PersonByEmail returns the person with the email, whatever its case, or ErrNotFound.
func (s *Store) PersonByEmail(ctx context.Context, email string) (Person, error) {
	p, err := scanPerson(s.queryRow(ctx, `SELECT `+personColumns+` FROM people WHERE lower(email) = lower(?)`,
		strings.TrimSpace(email)))
	if err != nil {
		return Person{}, s.fail(err, "person %s", email)
	}
	return p, nil
}

// UpdatePerson saves p's name, email, title, manager, start date and status (an empty title
// clears it); its level changes only through AddLevelChange. Someone marked as left loses
// their unused sign-in links. It returns the person as stored, or ErrNotFound, ErrConflict,
// or ErrCycle when the new manager reports to them.
func (s *Store) UpdatePerson(ctx context.Context, p Person) (Person, error) {
	if err := p.validate(); err != nil {
		return Person{}, fmt.Errorf("update person %d: %w", p.ID, err)
	}
	var updated Person
	err := s.WithTx(ctx, func(tx *Store) error {
		var manager sql.NullInt64
		var name, status string
		if err := tx.writeRow(ctx, `SELECT manager_id, name, status FROM people WHERE id = ?`, p.ID).Scan(&manager, &name, &status); err != nil {
			return err
		}
		var err error
		updated, err = scanPerson(tx.writeRow(ctx, `
			UPDATE people SET name = ?, email = ?, title = ?, manager_id = ?, start_date = ?, status = ?, updated_at = ?
			WHERE id = ?
			RETURNING `+personColumns,
			p.Name, p.Email, p.Title, nullID(p.ManagerID), p.StartDate, string(p.Status), tx.now(), p.ID))
		if err != nil {
			return err
		}
		if updated.Status == Left {
			if err := tx.expireLinks(ctx, p.ID); err != nil {
				return err
			}
		}
		switch {
		case updated.ManagerID != manager.Int64:
			return tx.rechain(ctx, []int64{p.ID})
		case updated.Name != name || string(updated.Status) != status:
			return tx.recopy(ctx, []int64{p.ID})
		}
		return nil
	})
	if err != nil {
		return Person{}, s.fail(err, "update person %d", p.ID)
	}
	return updated, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanPerson(row scanner) (Person, error) {
	var p Person
	var manager sql.NullInt64
	var status string
	err := row.Scan(&p.ID, &p.Name, &p.Email, &p.Title, &manager, &p.Ladder, &p.Track, &p.Level,
		&p.StartDate, &status, &p.CreatedAt, &p.UpdatedAt)
	if err != nil {
		return Person{}, err
	}
	p.ManagerID, p.Status = manager.Int64, Status(status)
	// SQLite hands times back in a fixed zone of offset 0; make them all plain UTC.
	p.StartDate, p.CreatedAt, p.UpdatedAt = p.StartDate.UTC(), p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	return p, nil
}

// scanPersonOrNone is scanPerson for a LEFT JOIN that may have found nobody: every column is
// NULL then, and the person is the zero Person.
func scanPersonOrNone(row scanner) (Person, error) {
	var id, manager sql.NullInt64
	var name, email, title, ladder, track, level, status sql.NullString
	var start, created, updated sql.NullTime
	if err := row.Scan(&id, &name, &email, &title, &manager, &ladder, &track, &level,
		&start, &status, &created, &updated); err != nil {
		return Person{}, err
	}
	if !id.Valid {
		return Person{}, nil
	}
	return Person{ID: id.Int64, Name: name.String, Email: email.String, Title: title.String, ManagerID: manager.Int64,
		Ladder: ladder.String, Track: track.String, Level: level.String, StartDate: start.Time.UTC(),
		Status: Status(status.String), CreatedAt: created.Time.UTC(), UpdatedAt: updated.Time.UTC()}, nil
}

// scanPlus scans a row's first columns through a scan function of its own (scanPerson) and
// the remaining ones into more.
type scanPlus struct {
	row  scanner
	more []any
}

func (s scanPlus) Scan(dest ...any) error { return s.row.Scan(append(dest, s.more...)...) }

// nullID stores an absent reference (0) as NULL.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// date drops the time of day, keeping the calendar date t has where it was given.
func date(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
