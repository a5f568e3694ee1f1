package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

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

// Times read through Reads are the times written, in UTC, and NULL is the zero time, whether
// a read goes alone or with others (on PostgreSQL, in a pipeline where pgx hands them over as
// its own values, with or without a zone); an infinite one is an error on every path.
func TestReadsTimes(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		p := mustPerson(t, s, "Ada", "ada@example.com", 0)
		start := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
		created := time.Date(2024, 5, 2, 13, 4, 5, 123456000, time.UTC)
		if _, err := s.Exec(ctx, `UPDATE people SET start_date = ?, created_at = ?, level_since = NULL WHERE id = ?`, start, created, p.ID); err != nil {
			t.Fatal(err)
		}
		// read reads the times query returns into dest, alone or followed by another read.
		read := func(together bool, query string, dest ...*time.Time) error {
			r := s.Reads()
			r.Read("times", func(row store.Scanner) error {
				args := make([]any, len(dest))
				for i, d := range dest {
					args[i] = store.Time(d)
				}
				return row.Scan(args...)
			}, query, p.ID)
			if together {
				alongside(r)
			}
			return r.Run(ctx)
		}
		for _, together := range []bool{false, true} {
			var gotStart, gotCreated time.Time
			gotSince := time.Now() // to see that NULL makes it zero
			if err := read(together, `SELECT start_date, created_at, level_since FROM people WHERE id = ?`, &gotStart, &gotCreated, &gotSince); err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name      string
				got, want time.Time
			}{{"a date", gotStart, start}, {"a timestamp", gotCreated, created}, {"NULL", gotSince, time.Time{}}} {
				if !c.got.Equal(c.want) || (!c.want.IsZero() && c.got.Location() != time.UTC) {
					t.Errorf("with others %v: %s read as %v, want %v in UTC", together, c.name, c.got, c.want)
				}
			}
			if !s.Postgres() {
				continue
			}
			var zoned time.Time
			// The id is not needed, but keeps read's query of one shape.
			if err := read(together, `SELECT CAST('2024-05-02 15:04:05.123456+02' AS TIMESTAMPTZ) FROM people WHERE id = ?`, &zoned); err != nil ||
				!zoned.Equal(created) || zoned.Location() != time.UTC {
				t.Errorf("with others %v: a time with a zone read as %v, %v; want %v in UTC", together, zoned, err, created)
			}
			for _, infinite := range []string{`CAST('infinity' AS DATE)`, `CAST('-infinity' AS TIMESTAMP)`} {
				var got time.Time
				if err := read(together, `SELECT `+infinite+` FROM people WHERE id = ?`, &got); err == nil {
					t.Errorf("with others %v: %s read as %v, want an error", together, infinite, got)
				}
			}
		}
	})
}

// Texts reads each row's text as it is, whether the read goes alone or with others, giving
// rows of the same value one string where pgx hands over its bytes (PostgreSQL, reads sent
// together); NULL is an error, as it is scanned into a string.
func TestReadsTexts(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ada := mustPerson(t, s, "Ada", "ada@example.com", 0)
		for _, name := range []string{"Bo", "Cy", "Di"} {
			mustPerson(t, s, name, strings.ToLower(name)+"@example.com", ada.ID)
		}
		if _, err := s.Exec(ctx, `UPDATE people SET title = CASE WHEN name = 'Cy' THEN 'Designer' ELSE 'Engineer' END WHERE manager_id = ?`, ada.ID); err != nil {
			t.Fatal(err)
		}
		for _, together := range []bool{false, true} {
			texts := store.NewTexts()
			var name, title string
			var names, titles []string
			dest := []any{&name, texts.Into(&title)}
			r := s.Reads()
			r.Read("titles", func(row store.Scanner) error {
				if err := row.Scan(dest...); err != nil {
					return err
				}
				names, titles = append(names, name), append(titles, title)
				return nil
			}, `SELECT name, title FROM people WHERE manager_id = ? ORDER BY name`, ada.ID)
			if together {
				alongside(r)
			}
			if err := r.Run(ctx); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names, []string{"Bo", "Cy", "Di"}) || !slices.Equal(titles, []string{"Engineer", "Designer", "Engineer"}) {
				t.Fatalf("with others %v: read %v with titles %q", together, names, titles)
			}
			if s.Postgres() && together && unsafe.StringData(titles[0]) != unsafe.StringData(titles[2]) {
				t.Errorf("with others %v: the two rows of Engineer have a string each", together)
			}

			var none string
			r = s.Reads()
			r.Read("null", func(row store.Scanner) error { return row.Scan(store.NewTexts().Into(&none)) },
				`SELECT CASE WHEN id = ? THEN NULL ELSE name END FROM people WHERE id = ?`, ada.ID, ada.ID)
			if together {
				alongside(r)
			}
			if err := r.Run(ctx); err == nil {
				t.Errorf("with others %v: NULL read as %q, want an error", together, none)
			}
		}
	})
}

// alongside adds to r a read of its own, so that r's reads go together (on PostgreSQL in one
// pipeline, where pgx scans their rows itself) rather than one alone.
func alongside(r *store.Reads) {
	var n int
	r.Read("count", func(row store.Scanner) error { return row.Scan(&n) }, `SELECT count(*) FROM people`)
}
