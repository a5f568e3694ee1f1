package store

import (
	"context"
	"fmt"
	"strings"
)

// PeopleFilter chooses and pages the people ListPeople returns; zero fields do not filter.
type PeopleFilter struct {
	Status    Status
	ManagerID int64 // direct reports of this person
	Ladder    string
	Limit     int // 0 means DefaultLimit; at most MaxLimit
	Offset    int
}

// DefaultLimit and MaxLimit bound a page of ListPeople.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// ListPeople returns the people f chooses, ordered by name then id, one page at a time.
func (s *Store) ListPeople(ctx context.Context, f PeopleFilter) ([]Person, error) {
	limit := f.Limit
	if limit == 0 {
		limit = DefaultLimit
	}
	if limit < 0 || limit > MaxLimit || f.Offset < 0 {
		return nil, fmt.Errorf("list people: limit %d offset %d: limit must be 1 to %d and offset not negative", f.Limit, f.Offset, MaxLimit)
	}
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(f.Status))
	}
	if f.ManagerID != 0 {
		where, args = append(where, "manager_id = ?"), append(args, f.ManagerID)
	}
	if f.Ladder != "" {
		where, args = append(where, "ladder = ?"), append(args, f.Ladder)
	}
	q := `SELECT ` + personColumns + ` FROM people`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY name, id LIMIT ? OFFSET ?`
	rows, err := s.query(ctx, q, append(args, limit, f.Offset)...)
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
