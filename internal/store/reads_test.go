package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/store"
)

// Reads sent together come back each with its own rows, in order, as they would one by one;
// the first that fails stops them and is named; inside a transaction they see its writes.
func TestReads(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ada := mustPerson(t, s, "Ada", "ada@example.com", 0)
		mustPerson(t, s, "Bo", "bo@example.com", ada.ID)
		mustPerson(t, s, "Cy", "cy@example.com", ada.ID)

		r := s.Reads()
		var names, none []string
		var count int
		name := func(out *[]string) func(store.Scanner) error {
			return func(row store.Scanner) error {
				var n string
				if err := row.Scan(&n); err != nil {
					return err
				}
				*out = append(*out, n)
				return nil
			}
		}
		r.Read("reports", name(&names), `SELECT name FROM people WHERE manager_id = ? ORDER BY name DESC`, ada.ID)
		r.Read("count", func(row store.Scanner) error { return row.Scan(&count) }, `SELECT count(*) FROM people WHERE id <> ?`, ada.ID)
		r.Read("nobody", name(&none), `SELECT name FROM people WHERE email = ?`, "nobody@example.com")
		if err := r.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(names, []string{"Cy", "Bo"}) || count != 2 || none != nil {
			t.Errorf("reports %v, count %d, nobody %v; want [Cy Bo], 2, none", names, count, none)
		}

		// A read needed only when those before it found something is read only then, on
		// either database.
		for _, email := range []string{"bo@example.com", "nobody@example.com"} {
			r := s.Reads()
			var ids []int64
			var reports []string
			r.Read("the person", func(row store.Scanner) error {
				var id int64
				err := row.Scan(&id)
				ids = append(ids, id)
				return err
			}, `SELECT id FROM people WHERE email = ?`, email)
			r.ReadIf(func() bool { return len(ids) > 0 }, "their manager's reports", name(&reports),
				`SELECT name FROM people WHERE manager_id = ? ORDER BY name`, ada.ID)
			if err := r.Run(ctx); err != nil {
				t.Fatal(err)
			}
			if want := len(ids) > 0; (reports != nil) != want || (want && !slices.Equal(reports, []string{"Bo", "Cy"})) {
				t.Errorf("%s: found %v, then read %v", email, ids, reports)
			}
		}

		// A read that fails is named, and those after it are not read.
		r = s.Reads()
		after := false
		r.Read("reports", name(new([]string)), `SELECT name FROM people WHERE manager_id = ?`, ada.ID)
		r.Read("the missing table", name(new([]string)), `SELECT name FROM no_such_table`)
		r.Read("after", func(store.Scanner) error { after = true; return nil }, `SELECT 1`)
		if err := r.Run(ctx); err == nil || !strings.Contains(err.Error(), "the missing table") || after {
			t.Errorf("a read of a missing table: %v, the read after it read: %v; want an error naming it, and not read", err, after)
		}
		// So is one whose rows its caller cannot take.
		r = s.Reads()
		refused := errors.New("refused")
		r.Read("count", func(row store.Scanner) error { return row.Scan(&count) }, `SELECT count(*) FROM people`)
		r.Read("refused", func(store.Scanner) error { return refused }, `SELECT name FROM people`)
		if err := r.Run(ctx); !errors.Is(err, refused) || !strings.Contains(err.Error(), "refused") {
			t.Errorf("a row refused: %v, want the caller's error", err)
		}
		// The connection that answered a failed read serves the next ones.
		for range 10 {
			r = s.Reads()
			count = 0
			r.Read("count", func(row store.Scanner) error { return row.Scan(&count) }, `SELECT count(*) FROM people`)
			r.Read("reports", name(new([]string)), `SELECT name FROM people WHERE manager_id = ?`, ada.ID)
			if err := r.Run(ctx); err != nil || count != 3 {
				t.Fatalf("after a failed read: %d people, %v", count, err)
			}
		}

		// On SQLite the reads run in one read transaction: a write committed while they run
		// is not seen by the reads after it, so that a page shows one state. (PostgreSQL's
		// pipeline runs each read as the server gets to it.)
		if !s.Postgres() {
			r = s.Reads()
			var before, during, after []string
			r.Read("reports", func(row store.Scanner) error {
				if err := name(&before)(row); err != nil || len(before) > 1 {
					return err
				}
				_, err := s.Exec(ctx, `UPDATE people SET name = 'Bea' WHERE email = 'bo@example.com'`)
				return err
			}, `SELECT name FROM people WHERE manager_id = ? ORDER BY name`, ada.ID)
			r.Read("reports again", name(&during), `SELECT name FROM people WHERE manager_id = ? ORDER BY name`, ada.ID)
			if err := r.Run(ctx); err != nil {
				t.Fatal(err)
			}
			r = s.Reads() // two reads again, so that they too run in a transaction
			r.Read("reports", name(&after), `SELECT name FROM people WHERE manager_id = ? ORDER BY name`, ada.ID)
			r.Read("count", func(row store.Scanner) error { return row.Scan(&count) }, `SELECT count(*) FROM people`)
			if err := r.Run(ctx); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(before, []string{"Bo", "Cy"}) || !slices.Equal(during, before) || !slices.Equal(after, []string{"Bea", "Cy"}) {
				t.Errorf("a rename while the reads ran: %v, then %v, then %v; want [Bo Cy] twice, then [Bea Cy]", before, during, after)
			}
			if _, err := s.Exec(ctx, `UPDATE people SET name = 'Bo' WHERE email = 'bo@example.com'`); err != nil {
				t.Fatal(err)
			}
		}

		err := s.WithTx(ctx, func(tx *store.Store) error {
			if !tx.InTx() || s.InTx() {
				t.Errorf("InTx: %v inside the transaction, %v outside; want true, false", tx.InTx(), s.InTx())
			}
			if _, err := tx.Exec(ctx, `UPDATE people SET name = 'Bea' WHERE email = 'bo@example.com'`); err != nil {
				return err
			}
			r := tx.Reads()
			names = nil
			r.Read("reports", name(&names), `SELECT name FROM people WHERE manager_id = ? ORDER BY name`, ada.ID)
			r.Read("count", func(row store.Scanner) error { return row.Scan(&count) }, `SELECT count(*) FROM people`)
			if err := r.Run(ctx); err != nil {
				return err
			}
			if !slices.Equal(names, []string{"Bea", "Cy"}) {
				t.Errorf("in a transaction: %v, want its own write, [Bea Cy]", names)
			}
			return errors.New("roll back")
		})
		if err == nil || err.Error() != "roll back" {
			t.Fatal(err)
		}
	})
}
