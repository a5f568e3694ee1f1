package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// The reporting chain is people.manager_id followed upwards. Pages read it from people_chain,
// which holds every (person, manager above them) pair with the person's name and status, so
// that "everyone below this manager" is one range of an index whatever its size.
// This file is the only one that writes people_chain, always in the transaction that changed
// people, and it refuses a change that would make someone their own manager's manager.
//
// A database that an older rungs let hold a cycle keeps it until someone in it gets another
// manager: the walk up from a person stops before visiting anyone twice, as it always did.

// reportsSQL selects the ids of everyone below one person (the ?) in the reporting chain.
const reportsSQL = `SELECT person_id FROM people_chain WHERE manager_id = ?`

// ErrCycle is returned when a change of manager would make someone manage themselves through
// others. It is also an ErrConflict.
var ErrCycle = fmt.Errorf("%w: a person cannot be below themselves in the reporting chain", ErrConflict)

// chainBatch is how many people one statement of the chain's upkeep handles.
const chainBatch = 500

// lockChain makes transactions that change the reporting chain take turns, so that two
// changes made at once cannot each pass the cycle check and together make a cycle: the later
// one waits here, then reads what the first committed. SQLite's single writer already takes
// turns. It is taken before the chain is read or written, and held until the commit.
func (s *Store) lockChain(ctx context.Context) error {
	if !s.inTx {
		return errors.New("reporting chain written outside a transaction")
	}
	if lock := s.d.lockChain(); lock != "" {
		if _, err := s.exec(ctx, lock); err != nil {
			return fmt.Errorf("lock the reporting chain: %w", err)
		}
	}
	*s.moved = true
	return nil
}

// rechain brings people_chain up to date after the managers of ids changed, or ids were
// created: it finds everyone below them, forgets their managers, and gives each of them
// their manager's managers and their manager, managers first. It fails with ErrCycle when
// some of them cannot be reached that way: their managers lead back to them.
func (s *Store) rechain(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if err := s.lockChain(ctx); err != nil {
		return err
	}
	manager := map[int64]int64{} // everyone whose managers change, to their manager (0: none)
	for _, id := range ids {
		manager[id] = 0
	}
	// Below the people who moved are the people whose managers change with them.
	for batch := range slices.Chunk(ids, chainBatch) {
		marks, args := idArgs(batch)
		rows, err := s.writeQuery(ctx, `
			DELETE FROM people_chain WHERE person_id IN (`+marks+`)
				OR person_id IN (SELECT person_id FROM people_chain WHERE manager_id IN (`+marks+`))
			RETURNING person_id`, append(args, args...)...)
		err = eachID(rows, err, func(id int64) { manager[id] = 0 })
		if err != nil {
			return fmt.Errorf("rechain: %w", err)
		}
	}
	all := make([]int64, 0, len(manager))
	for id := range manager {
		all = append(all, id)
	}
	slices.Sort(all)
	reports := map[int64][]int64{}
	for batch := range slices.Chunk(all, chainBatch) {
		marks, args := idArgs(batch)
		rows, err := s.writeQuery(ctx, `SELECT id, manager_id FROM people WHERE id IN (`+marks+`) AND manager_id IS NOT NULL`, args...)
		if err != nil {
			return fmt.Errorf("rechain: %w", err)
		}
		for rows.Next() {
			var id, m int64
			if err := rows.Scan(&id, &m); err != nil {
				rows.Close()
				return fmt.Errorf("rechain: %w", err)
			}
			manager[id] = m
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("rechain: %w", err)
		}
	}
	// First those whose manager keeps their managers, then each next generation.
	var ready []int64
	for _, id := range all {
		if m := manager[id]; m == 0 {
			continue // no manager: nobody above them
		} else if _, moving := manager[m]; moving {
			reports[m] = append(reports[m], id)
		} else {
			ready = append(ready, id)
		}
	}
	for _, id := range all {
		if manager[id] == 0 {
			ready = append(ready, reports[id]...)
			delete(reports, id)
		}
	}
	for len(ready) > 0 {
		var next []int64
		for batch := range slices.Chunk(ready, chainBatch) {
			marks, args := idArgs(batch)
			if _, err := s.exec(ctx, `
				INSERT INTO people_chain (person_id, manager_id, depth, status, name)
				SELECT p.id, c.manager_id, c.depth + 1, p.status, p.name
				FROM people p JOIN people_chain c ON c.person_id = p.manager_id WHERE p.id IN (`+marks+`)
				UNION ALL
				SELECT p.id, p.manager_id, 1, p.status, p.name FROM people p WHERE p.id IN (`+marks+`)`,
				append(args, args...)...); err != nil {
				return fmt.Errorf("rechain: %w", err)
			}
		}
		for _, id := range ready {
			next = append(next, reports[id]...)
			delete(reports, id)
		}
		ready = next
	}
	for _, stuck := range reports {
		// Never reached from someone whose managers are known: their managers go round.
		return fmt.Errorf("person %d: %w", stuck[0], ErrCycle)
	}
	return nil
}

// rebuildChain fills people_chain afresh from people's managers, for a restore, which loads
// people without it. It walks up from each person as the migration that made the table did,
// stopping before anyone met twice, so that a cycle an older rungs let in is kept as it was
// rather than refused.
func (s *Store) rebuildChain(ctx context.Context) error {
	if err := s.lockChain(ctx); err != nil {
		return err
	}
	if _, err := s.exec(ctx, `DELETE FROM people_chain`); err != nil {
		return fmt.Errorf("rebuild the reporting chain: %w", err)
	}
	type person struct {
		manager      int64
		status, name string
	}
	people := map[int64]person{}
	var ids []int64
	rows, err := s.writeQuery(ctx, `SELECT id, manager_id, status, name FROM people ORDER BY id`)
	if err != nil {
		return fmt.Errorf("rebuild the reporting chain: %w", err)
	}
	for rows.Next() {
		var id int64
		var manager sql.NullInt64
		var p person
		if err := rows.Scan(&id, &manager, &p.status, &p.name); err != nil {
			rows.Close()
			return fmt.Errorf("rebuild the reporting chain: %w", err)
		}
		p.manager = manager.Int64
		people[id] = p
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("rebuild the reporting chain: %w", err)
	}
	ins := inserter{s: s, table: "people_chain", columns: []column{{Name: "person_id"}, {Name: "manager_id"}, {Name: "depth"}, {Name: "status"}, {Name: "name"}}}
	seen := map[int64]bool{}
	for _, id := range ids {
		p := people[id]
		clear(seen)
		seen[id] = true
		for m, depth := p.manager, 1; m != 0 && !seen[m]; m, depth = people[m].manager, depth+1 {
			seen[m] = true
			if err := ins.add(ctx, []any{id, m, depth, p.status, p.name}); err != nil {
				return err
			}
		}
	}
	return ins.flush(ctx)
}

// eachID gives fn each id of rows, the answer (and error) of a query of ids, and closes them.
func eachID(rows *sql.Rows, err error, fn func(int64)) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		fn(id)
	}
	return rows.Err()
}

// recopy copies the names and statuses of ids into their rows of people_chain, after they
// changed.
func (s *Store) recopy(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	if err := s.lockChain(ctx); err != nil {
		return err
	}
	for batch := range slices.Chunk(ids, chainBatch) {
		marks, args := idArgs(batch)
		if _, err := s.exec(ctx, `
			UPDATE people_chain SET name = p.name, status = p.status
			FROM people p WHERE p.id = people_chain.person_id AND p.id IN (`+marks+`)`, args...); err != nil {
			return fmt.Errorf("copy to the reporting chain: %w", err)
		}
	}
	return nil
}

// idArgs returns "?, ?, ?" for ids, and ids as arguments.
func idArgs(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return placeholders(len(ids)), args
}

// Manages reports whether manager is above person in the reporting chain (a direct or indirect manager).
func (s *Store) Manages(ctx context.Context, manager, person int64) (bool, error) {
	if manager == person {
		// Even in a cycle: nobody is their own manager.
		return false, nil
	}
	r := s.Reads()
	var yes bool
	ReadManages(r, manager, person, &yes)
	return yes, r.Run(ctx)
}

// ReadManages adds to r the read of Manages into *out.
func ReadManages(r *Reads, manager, person int64, out *bool) {
	*out = false
	if manager == person {
		return // as Manages says
	}
	r.Read(fmt.Sprintf("does %d manage %d", manager, person), func(row Scanner) error {
		var n int
		if err := row.Scan(&n); err != nil {
			return err
		}
		*out = n > 0
		return nil
	}, `SELECT count(*) FROM people_chain WHERE person_id = ? AND manager_id = ?`, person, manager)
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

// ManagerChain returns the person's managers, nearest first.
func (s *Store) ManagerChain(ctx context.Context, person int64) ([]Person, error) {
	chain := []Person{}
	err := each(ctx, s, fmt.Sprintf("managers of %d", person), scanPeople(), func(p Person) error {
		chain = append(chain, p)
		return nil
	}, `SELECT `+s.d.personColumns("p")+` FROM people_chain c JOIN people p ON p.id = c.manager_id
		WHERE c.person_id = ? ORDER BY c.depth`, person)
	if err != nil {
		return nil, err
	}
	return chain, nil
}

// Around is a person and who is around them, as their page shows them.
type Around struct {
	Person  Person
	Chain   []Person // their managers, nearest first, as ManagerChain gives them
	Reports []Person // their active direct reports by name, MaxLimit at most, as ListPeople gives them
}

// Around reads a person, their managers and their active direct reports in one query (on
// PostgreSQL each read is a round trip of its own, and a person's page made fifteen);
// ErrNotFound when there is no such person.
func (s *Store) Around(ctx context.Context, person int64) (Around, error) {
	var a Around
	var found bool
	r := s.Reads()
	ReadAround(r, person, &a, &found)
	if err := r.Run(ctx); err != nil {
		return Around{}, err
	}
	if !found {
		return Around{}, fmt.Errorf("person %d: %w", person, ErrNotFound)
	}
	return a, nil
}

// ReadAround adds Around's read to r, into *out; found says whether the person is there.
func ReadAround(r *Reads, person int64, out *Around, found *bool) {
	*out, *found = Around{Chain: []Person{}, Reports: []Person{}}, false
	d := r.s.d
	var part int
	read := scanPeople(&part)
	r.Read(fmt.Sprintf("person %d and those around them", person), func(row Scanner) error {
		p, err := read(row)
		if err != nil {
			return err
		}
		switch part {
		case 0:
			out.Person, *found = p, true
		case 1:
			out.Chain = append(out.Chain, p)
		default:
			out.Reports = append(out.Reports, p)
		}
		return nil
	}, `SELECT `+d.personColumns("")+`, part FROM (
			SELECT `+d.personColumns("p")+`, 0 AS part, 0 AS k FROM people p WHERE p.id = ?
			UNION ALL
			SELECT `+d.personColumns("p")+`, 1 AS part, c.depth AS k FROM people_chain c JOIN people p ON p.id = c.manager_id
			WHERE c.person_id = ?
			UNION ALL
			SELECT * FROM (SELECT `+d.personColumns("p")+`, 2 AS part, 0 AS k FROM people p
				WHERE p.manager_id = ? AND p.status = ? ORDER BY p.name, p.id LIMIT ?) r
		) n ORDER BY part, k, name, id`, person, person, person, string(Active), MaxLimit)
}
