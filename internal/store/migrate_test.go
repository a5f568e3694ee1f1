package store_test

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/home"
)

func TestMigrationsApplyOnceAndReopenIsNoop(t *testing.T) {
	t.Parallel()
	eachEmptyBackend(t, func(t *testing.T, cfg store.Config) {
		ctx := context.Background()
		s := open(t, cfg)
		mustPerson(t, s, "Ada", "ada@example.com", 0)
		for range 2 {
			again := open(t, cfg)
			v, err := again.Version(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if want := store.SchemaVersion(); v != want {
				t.Errorf("version %d, want %d", v, want)
			}
			var rows int
			if err := again.DB().QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&rows); err != nil {
				t.Fatal(err)
			}
			if rows != store.MigrationCount() {
				t.Errorf("schema_migrations has %d rows, want %d", rows, store.MigrationCount())
			}
			if _, err := again.PersonByEmail(ctx, "ada@example.com"); err != nil {
				t.Errorf("data lost on reopen: %v", err)
			}
		}
	})
}

func TestFailingMigrationRollsBack(t *testing.T) {
	t.Parallel()
	good := "CREATE TABLE a (x INTEGER NOT NULL);\n"
	// The bad migration's first statement works; it must be undone with the failing second.
	bad := "CREATE TABLE b (x INTEGER NOT NULL);\nINSERT INTO b (x) VALUES (1);\nINSERT INTO missing (x) VALUES (1);\n"
	eachEmptyBackend(t, func(t *testing.T, cfg store.Config) {
		ctx := context.Background()
		fsys := fstest.MapFS{
			"migrations/0001_a.sql": {Data: []byte(good)},
			"migrations/0002_b.sql": {Data: []byte(bad)},
		}
		_, err := store.OpenWithMigrations(ctx, cfg, fsys)
		if err == nil || !strings.Contains(err.Error(), "0002_b.sql") {
			t.Fatalf("open: got %v, want an error naming 0002_b.sql", err)
		}
		// Fixed, the second migration applies on the next open, so b did not survive.
		fsys["migrations/0002_b.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE b (y INTEGER NOT NULL);\n")}
		s, err := store.OpenWithMigrations(ctx, cfg, fsys)
		if err != nil {
			t.Fatalf("reopen with the fixed migration: %v", err)
		}
		defer s.Close()
		if v, err := s.Version(ctx); err != nil || v != 2 {
			t.Errorf("version %d, %v; want 2", v, err)
		}
		if _, err := s.DB().ExecContext(ctx, s.Rebind(`INSERT INTO b (y) VALUES (?)`), 1); err != nil {
			t.Errorf("b is not the fixed table: %v", err)
		}
	})
}

// A migration's parts for one database run on that database only; the rest on both. A mark
// naming something else is refused with the file and line, before anything runs.
func TestMigrationParts(t *testing.T) {
	t.Parallel()
	parts := `CREATE TABLE a (
    x INTEGER,
--- sqlite ---
    only_sqlite INTEGER
--- postgres ---
    only_postgres INTEGER
--- both ---
);
INSERT INTO a (x) VALUES (1);
`
	t.Run("marks", func(t *testing.T) {
		eachEmptyBackend(t, func(t *testing.T, cfg store.Config) {
			ctx := context.Background()
			bad := fstest.MapFS{"migrations/0001_a.sql": {Data: []byte(strings.Replace(parts, "--- postgres ---", "--- mysql ---", 1))}}
			if _, err := store.OpenWithMigrations(ctx, cfg, bad); err == nil || !strings.Contains(err.Error(), "0001_a.sql:5") {
				t.Fatalf("a migration with an unknown mark: %v, want an error naming 0001_a.sql:5", err)
			}
			s, err := store.OpenWithMigrations(ctx, cfg, fstest.MapFS{"migrations/0001_a.sql": {Data: []byte(parts)}})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			own, other := "only_sqlite", "only_postgres"
			if s.Dialect() == "postgres" {
				own, other = other, own
			}
			if _, err := s.DB().ExecContext(ctx, `UPDATE a SET `+own+` = x`); err != nil {
				t.Errorf("%s's own column: %v", s.Dialect(), err)
			}
			if _, err := s.DB().ExecContext(ctx, `UPDATE a SET `+other+` = x`); err == nil {
				t.Errorf("%s has the other database's column %s", s.Dialect(), other)
			}
		})
	})
	// The SQL that migrate --dry-run shows is the database's own.
	t.Run("pending", func(t *testing.T) {
		eachEmptyBackend(t, func(t *testing.T, cfg store.Config) {
			old, err := store.OpenWithMigrations(context.Background(), cfg, store.MigrationsUpTo(3))
			if err != nil {
				t.Fatal(err)
			}
			defer old.Close()
			pending, err := old.Pending(context.Background())
			if err != nil || len(pending) == 0 || pending[0].Version != 4 {
				t.Fatalf("pending: %v, %v", pending, err)
			}
			own, other := "USING fts5", "pg_trgm"
			if old.Dialect() == "postgres" {
				own, other = other, own
			}
			if sql := pending[0].SQL; !strings.Contains(sql, own) || strings.Contains(sql, other) || mark.MatchString(sql) {
				t.Errorf("%s's migration 4:\n%s", old.Dialect(), sql)
			}
		})
	})
}

var mark = regexp.MustCompile(`(?m)^--- \w+ ---$`)

func TestNewerDatabaseIsRefused(t *testing.T) {
	t.Parallel()
	eachEmptyBackend(t, func(t *testing.T, cfg store.Config) {
		ctx := context.Background()
		two := fstest.MapFS{
			"migrations/0001_a.sql": {Data: []byte("CREATE TABLE a (x INTEGER);\n")},
			"migrations/0002_b.sql": {Data: []byte("CREATE TABLE b (x INTEGER);\n")},
		}
		s, err := store.OpenWithMigrations(ctx, cfg, two)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		delete(two, "migrations/0002_b.sql")
		if _, err := store.OpenWithMigrations(ctx, cfg, two); err == nil || !strings.Contains(err.Error(), "newer") {
			t.Errorf("open with fewer migrations: got %v, want a newer-schema error", err)
		}
	})
}

func TestOpenConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  store.Config
	}{
		{"nothing", store.Config{}},
		{"both", store.Config{SQLitePath: "x.db", PostgresURL: "postgres://localhost/x"}},
		{"question mark in path", store.Config{SQLitePath: "x?.db"}},
		{"missing directory", store.Config{SQLitePath: "/nonexistent/dir/x.db"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := store.Open(context.Background(), tt.cfg)
			if err == nil {
				s.Close()
				t.Fatal("no error")
			}
			if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
				t.Errorf("config error %v matches a data error", err)
			}
		})
	}
}

// Migration 0012 fills in who took on each action item written before it: the person of the
// check-in for theirs, the manager who held it for the manager's, so that their homes list
// them as before.
func TestActionItemOwnersFilledIn(t *testing.T) {
	t.Parallel()
	eachEmptyBackend(t, func(t *testing.T, cfg store.Config) {
		ctx := context.Background()
		old, err := store.OpenWithMigrations(ctx, cfg, embedded(t, 11))
		if err != nil {
			t.Fatal(err)
		}
		grace := mustPerson(t, old, "Grace", "grace@example.com", 0)
		max := mustPerson(t, old, "Max", "max@example.com", grace.ID)
		sam := mustPerson(t, old, "Sam", "sam@example.com", max.ID)
		// Written as the schema of 0011 has it: today's CreateCheckIn keeps columns added since.
		var checkin int64
		if err := old.WriteRow(ctx, `INSERT INTO checkins (person_id, manager_id, held_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			sam.ID, max.ID, day("2026-01-05"), time.Now(), time.Now()).Scan(&checkin); err != nil {
			t.Fatal(err)
		}
		item := func(owner, text string) int64 {
			if _, err := old.Exec(ctx, `INSERT INTO checkin_actions (checkin_id, person_id, text, owner, created_at) VALUES (?, ?, ?, ?, ?)`,
				checkin, sam.ID, text, owner, time.Now()); err != nil {
				t.Fatal(err)
			}
			var id int64
			if err := old.QueryRow(ctx, `SELECT id FROM checkin_actions WHERE text = ?`, text).Scan(&id); err != nil {
				t.Fatal(err)
			}
			return id
		}
		samItem, maxItem := item("person", "Write up the design"), item("manager", "Find sam a mentor")
		old.Close()

		s := open(t, cfg)
		for _, tc := range []struct {
			name   string
			person store.Person
			want   int64
		}{{"the person's", sam, samItem}, {"the manager's", max, maxItem}} {
			items, err := home.OpenItems(ctx, s, tc.person.ID, 10)
			if err != nil || len(items) != 1 || items[0].ID != tc.want {
				t.Errorf("%s: %+v, %v, want item %d", tc.name, items, err, tc.want)
			}
		}
	})
}

// People added before PostgreSQL's search key existed (migration 0015) are found by it once
// the database is upgraded: the generated key is filled in for every row there is.
func TestSearchKeyFilledIn(t *testing.T) {
	t.Parallel()
	eachEmptyBackend(t, func(t *testing.T, cfg store.Config) {
		ctx := context.Background()
		old, err := store.OpenWithMigrations(ctx, cfg, embedded(t, 14))
		if err != nil {
			t.Fatal(err)
		}
		mustPerson(t, old, "Grace Hopper", "GHopper@Example.com", 0)
		mustPerson(t, old, "Ada Lovelace", "ada@example.com", 0)
		old.Close()

		s := open(t, cfg)
		for q, want := range map[string][]string{"HOPP": {"Grace Hopper"}, "ghop": {"Grace Hopper"}, "lo": {"Ada Lovelace"},
			"ada@": {"Ada Lovelace"}, "grace h": {"Grace Hopper"}, "er gh": {}} {
			people, err := s.ListPeople(ctx, store.PeopleFilter{Query: q})
			if err != nil || !slices.Equal(names(people), want) {
				t.Errorf("search %q after the upgrade: %v, %v; want %v", q, names(people), err, want)
			}
		}
	})
}

// People levelled and met before their rows kept the dates (migration 0018) have them once
// the database is upgraded: their latest change of level, not a later change of track, and
// their latest check-in, whichever was written last.
func TestKeptDatesFilledIn(t *testing.T) {
	t.Parallel()
	eachEmptyBackend(t, func(t *testing.T, cfg store.Config) {
		ctx := context.Background()
		old, err := store.OpenWithMigrations(ctx, cfg, embedded(t, 17))
		if err != nil {
			t.Fatal(err)
		}
		grace := mustPerson(t, old, "Grace", "grace@example.com", 0)
		sam := mustPerson(t, old, "Sam", "sam@example.com", grace.ID)
		// Written as the schema of 0017 has it: today's level changes and check-ins keep
		// the columns this test is about.
		for _, h := range []struct{ from, to, track, date string }{
			{"", "L2", "ic", "2024-01-02"}, {"L2", "L3", "ic", "2025-03-03"}, {"L3", "L3", "mgr", "2025-06-02"},
		} {
			if _, err := old.Exec(ctx, `INSERT INTO level_history (person_id, from_level, to_level, ladder, track, date, reason, created_at)
				VALUES (?, ?, ?, 'eng', ?, ?, 'correction', ?)`, sam.ID, h.from, h.to, h.track, day(h.date), time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		for _, held := range []string{"2026-01-19", "2026-01-05"} {
			if _, err := old.Exec(ctx, `INSERT INTO checkins (person_id, manager_id, held_on, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
				sam.ID, grace.ID, day(held), time.Now(), time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		old.Close()

		s := open(t, cfg)
		for _, tc := range []struct {
			person         store.Person
			since, checkIn time.Time
		}{{sam, day("2025-03-03"), day("2026-01-19")}, {grace, time.Time{}, time.Time{}}} {
			var since, checkIn time.Time
			if err := s.QueryRow(ctx, `SELECT level_since, last_checkin FROM people WHERE id = ?`, tc.person.ID).
				Scan(store.Time(&since), store.Time(&checkIn)); err != nil {
				t.Fatal(err)
			}
			if !since.Equal(tc.since) || !checkIn.Equal(tc.checkIn) {
				t.Errorf("%s after the upgrade: level since %v, last check-in %v; want %v, %v", tc.person.Name, since, checkIn, tc.since, tc.checkIn)
			}
		}
	})
}
