package store

import (
	"context"
	"fmt"
	"strings"
)

// PeopleFilter chooses and pages the people ListPeople returns; zero fields do not filter.
type PeopleFilter struct {
	Status     Status
	ManagerID  int64 // direct reports of this person
	Under      int64 // only people below this person in the reporting chain (direct and indirect reports), not the person
	Ladder     string
	Query      string // case-insensitive substring of name or email
	Unlevelled bool   // only people without a level yet
	Limit      int    // 0 means DefaultLimit; at most MaxLimit
	Offset     int
}

// DefaultLimit and MaxLimit bound a page of ListPeople.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// where returns the SQL condition for f's filters on the people table (no paging), "" for none.
func (f PeopleFilter) where(d dialect) (string, []any) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if f.ManagerID != 0 {
		where, args = append(where, "manager_id = ?"), append(args, f.ManagerID)
	}
	if f.Under != 0 {
		where, args = append(where, "id IN ("+reportsSQL+") AND id <> ?"), append(args, f.Under, f.Under)
	}
	if f.Ladder != "" {
		where, args = append(where, "ladder = ?"), append(args, f.Ladder)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := likeContains(q)
		where = append(where, `(name `+d.ilike()+` ? ESCAPE '\' OR email `+d.ilike()+` ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	if f.Unlevelled {
		where = append(where, "level = ''")
	}
	if len(where) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(where, ` AND `), args
}

// likeContains is a LIKE pattern (with ESCAPE '\') matching any text that contains s.
func likeContains(s string) string {
	return "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// page checks a page's limit and offset and turns a zero limit into DefaultLimit.
func page(limit, offset int) (int, error) {
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 0 || limit > MaxLimit || offset < 0 {
		return 0, fmt.Errorf("limit %d offset %d: limit must be 1 to %d and offset not negative", limit, offset, MaxLimit)
	}
	return limit, nil
}

// ListPeople returns the people f chooses, ordered by name then id, one page at a time.
func (s *Store) ListPeople(ctx context.Context, f PeopleFilter) ([]Person, error) {
	limit, err := page(f.Limit, f.Offset)
	if err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	where, args := f.where(s.d)
	rows, err := s.query(ctx, `SELECT `+personColumns+` FROM people`+where+` ORDER BY name, id LIMIT ? OFFSET ?`,
		append(args, limit, f.Offset)...)
	if err != nil {
		return nil, s.fail(err, "list people")
	}
	defer rows.Close()
	people := []Person{}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, s.fail(err, "list people")
		}
		people = append(people, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "list people")
	}
	return people, nil
}

// CountPeople returns how many people f chooses, all pages together (Limit and Offset are ignored).
func (s *Store) CountPeople(ctx context.Context, f PeopleFilter) (int, error) {
	where, args := f.where(s.d)
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM people`+where, args...).Scan(&n); err != nil {
		return 0, s.fail(err, "count people")
	}
	return n, nil
}
