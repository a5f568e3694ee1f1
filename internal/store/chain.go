package store

import (
	"context"
)

// The reporting chain is people.manager_id followed up or down. Nothing stops the data from
// holding a cycle (an import can make one), so every walk below is written to end anyway.

// reportsSQL selects the ids of everyone below one person (the ?) in the reporting chain.
// UNION, not UNION ALL: an id already found is not added again, so a cycle ends the walk.
// In a cycle the person is below themselves; callers that mean "reports" leave them out.
const reportsSQL = `WITH RECURSIVE reports(id) AS (
		SELECT id FROM people WHERE manager_id = ?
		UNION
		SELECT p.id FROM people p JOIN reports r ON p.manager_id = r.id
	) SELECT id FROM reports`

// Manages reports whether manager is above person in the reporting chain (a direct or indirect manager).
func (s *Store) Manages(ctx context.Context, manager, person int64) (bool, error) {
	if manager == person {
		// Even in a cycle: nobody is their own manager.
		return false, nil
	}
	// Walking up from the person visits only their few managers, however large the company.
	var n int
	err := s.queryRow(ctx, `
		WITH RECURSIVE managers(id) AS (
			SELECT manager_id FROM people WHERE id = ? AND manager_id IS NOT NULL
			UNION
			SELECT p.manager_id FROM people p JOIN managers m ON p.id = m.id WHERE p.manager_id IS NOT NULL
		)
		SELECT count(*) FROM managers WHERE id = ?`, person, manager).Scan(&n)
	if err != nil {
		return false, s.fail(err, "does %d manage %d", manager, person)
	}
	return n > 0, nil
}

// HasReports reports whether anyone has the person as their direct manager.
func (s *Store) HasReports(ctx context.Context, person int64) (bool, error) {
	var n int
	err := s.queryRow(ctx, `SELECT count(*) FROM (SELECT 1 FROM people WHERE manager_id = ? LIMIT 1) r`, person).Scan(&n)
	if err != nil {
		return false, s.fail(err, "reports of %d", person)
	}
	return n > 0, nil
}

// ManagerChain returns the person's managers, nearest first (cycle-safe).
func (s *Store) ManagerChain(ctx context.Context, person int64) ([]Person, error) {
	// The walk keeps the ids it has been through in path (",1,7,3,"), stops before one it has
	// seen, and starts with the person's own id, so that a cycle neither loops nor lists them.
	rows, err := s.query(ctx, `
		WITH RECURSIVE chain(id, depth, path) AS (
			SELECT manager_id, 1, ',' || CAST(id AS TEXT) || ',' || CAST(manager_id AS TEXT) || ','
			FROM people WHERE id = ? AND manager_id IS NOT NULL
			UNION ALL
			SELECT p.manager_id, c.depth + 1, c.path || CAST(p.manager_id AS TEXT) || ','
			FROM chain c JOIN people p ON p.id = c.id
			WHERE p.manager_id IS NOT NULL AND c.path NOT LIKE '%,' || CAST(p.manager_id AS TEXT) || ',%'
		)
		SELECT `+personColumnsOf("p")+` FROM chain c JOIN people p ON p.id = c.id ORDER BY c.depth`, person)
	if err != nil {
		return nil, s.fail(err, "managers of %d", person)
	}
	defer rows.Close()
	chain := []Person{}
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			return nil, s.fail(err, "managers of %d", person)
		}
		chain = append(chain, p)
	}
	if err := rows.Err(); err != nil {
		return nil, s.fail(err, "managers of %d", person)
	}
	return chain, nil
}
