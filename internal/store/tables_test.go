package store

import (
	"slices"
	"testing"
)

// Both databases list rungs' tables in the same order, whatever each migration does to them
// on one database only (SQLite rebuilds a table to change it: create, copy, drop, rename),
// so that a backup of either restores into the other.
func TestTablesInTheSameOrderOnBoth(t *testing.T) {
	ms, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	latest := ms[len(ms)-1].version
	sqlite, postgres := dialect{}.tablesAt(ms, latest), dialect{postgres: true}.tablesAt(ms, latest)
	// SQLite's text index is its own; PostgreSQL indexes names with pg_trgm instead.
	sqlite = slices.DeleteFunc(sqlite, func(t string) bool { return t == "people_search" })
	if !slices.Equal(sqlite, postgres) {
		t.Errorf("tables in order:\nSQLite     %v\nPostgreSQL %v", sqlite, postgres)
	}
	// A rebuilt table keeps its place.
	rebuilt := []migration{{version: 1, sql: "CREATE TABLE a (x INT);\nCREATE TABLE b (x INT);\nCREATE TABLE c (x INT);"},
		{version: 2, sql: "CREATE TABLE b_new (x INT);\nDROP TABLE b;\nALTER TABLE b_new RENAME TO b;\nCREATE TABLE d (x INT);\nDROP TABLE c;"}}
	if got := (dialect{}).tablesAt(rebuilt, 2); !slices.Equal(got, []string{"a", "b", "d"}) {
		t.Errorf("a table rebuilt: %v, want a b d", got)
	}
}
