package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// rungs' own tables are those its migrations create (and do not drop again), in the order
// they are created: a table is created after the tables it refers to. A forced restore
// replaces exactly these, never another application's tables that happen to share the
// database. Backups hold these but the derived ones.

// derivedTables hold nothing of their own: each follows from other tables' rows, as an index
// does. people_chain is people's managers walked upwards; people_search is SQLite's text
// index of names and emails. A backup leaves them out, so that it holds each fact once (the
// chain alone would be several rows per person), and a restore builds them again from the
// rows it loads (see rebuildDerived).
var derivedTables = []string{"people_chain", "people_search"}

// tableStatement finds the statements that create, drop or rename a table.
var tableStatement = regexp.MustCompile(`(?i)\b(?:(CREATE)\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?|(DROP)\s+TABLE\s+(?:IF\s+EXISTS\s+)?|ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(\w+)\s+(RENAME)\s+TO\s+)(\w+)`)

// sqlComment is a -- comment, which may mention a table in passing.
var sqlComment = regexp.MustCompile(`--[^\n]*`)

// tablesAt returns the tables the migrations up to version leave on d's database, in
// creation order. A table rebuilt within a migration (SQLite's way to change a table: create
// a new one, copy the rows, drop the old, rename the new to the old name) keeps the old one's
// place, so that both databases list their tables in the same order and a backup of one
// restores into the other.
func (d dialect) tablesAt(ms []migration, version int) []string {
	var tables []string
	for _, m := range ms {
		if m.version > version {
			break
		}
		// A dropped table leaves a mark in its place for the rest of its migration.
		dropped := func(name string) string { return "\x00" + name }
		for _, st := range tableStatement.FindAllStringSubmatch(sqlComment.ReplaceAllString(d.schema(m.sql), ""), -1) {
			name := strings.ToLower(st[5])
			switch {
			case st[1] != "":
				if !slices.Contains(tables, name) {
					tables = append(tables, name)
				}
			case st[2] != "":
				if i := slices.Index(tables, name); i >= 0 {
					tables[i] = dropped(name)
				}
			case st[4] != "":
				i := slices.Index(tables, strings.ToLower(st[3]))
				if i < 0 {
					continue
				}
				if at := slices.Index(tables, dropped(name)); at >= 0 {
					tables[at] = name
					tables = slices.Delete(tables, i, i+1)
				} else {
					tables[i] = name
				}
			}
		}
		tables = slices.DeleteFunc(tables, func(t string) bool { return strings.HasPrefix(t, "\x00") })
	}
	return tables
}

// backedUp returns those of tables a backup holds: all but the derived ones.
func backedUp(tables []string) []string {
	return slices.DeleteFunc(slices.Clone(tables), func(t string) bool { return slices.Contains(derivedTables, t) })
}

// column is one column of a table as the database describes it.
type column struct {
	Name string `json:"name"`
	Type string `json:"type"` // a portable kind: integer, real, text, date, timestamp, boolean, blob
	key  int    // its position in the primary key, from 1; 0 if not in it
}

// columnKind maps a column's declared type, as SQLite or PostgreSQL reports it, to the
// portable kind a backup records. An unknown type is an error rather than a guess: a backup
// that could not restore a value exactly must fail when it is taken, not when it is needed.
func columnKind(declared string) (string, bool) {
	t := strings.ToLower(strings.TrimSpace(declared))
	switch {
	case strings.Contains(t, "int"):
		return "integer", true
	case t == "date":
		return "date", true
	case strings.HasPrefix(t, "timestamp"), t == "datetime":
		return "timestamp", true
	case t == "text", strings.Contains(t, "char"):
		return "text", true
	case strings.HasPrefix(t, "bool"):
		return "boolean", true
	case t == "real", t == "float", strings.HasPrefix(t, "double"):
		return "real", true
	case t == "blob", t == "bytea":
		return "blob", true
	}
	return "", false
}

// columns describes table's columns in their order, through q (a transaction, to see the
// table as the rest of the work does): those that hold data, not the ones PostgreSQL
// generates from them (people's search keys), which a backup leaves out and a restore cannot
// write.
func (s *Store) columns(ctx context.Context, q querier, table string) ([]column, error) {
	query := `SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid`
	if s.d.postgres {
		query = `
			SELECT c.column_name, c.data_type, coalesce(k.ordinal_position, 0)
			FROM information_schema.columns c
			LEFT JOIN (
				SELECT u.column_name, u.ordinal_position
				FROM information_schema.table_constraints t
				JOIN information_schema.key_column_usage u
					ON u.constraint_name = t.constraint_name AND u.table_schema = t.table_schema AND u.table_name = t.table_name
				WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = current_schema() AND t.table_name = ?
			) k ON k.column_name = c.column_name
			WHERE c.table_schema = current_schema() AND c.table_name = ? AND c.is_generated = 'NEVER'
			ORDER BY c.ordinal_position`
	}
	args := []any{table}
	if s.d.postgres {
		args = append(args, table)
	}
	rows, err := q.QueryContext(ctx, s.d.rebind(query), args...)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var c column
		var declared string
		if err := rows.Scan(&c.Name, &declared, &c.key); err != nil {
			return nil, fmt.Errorf("columns of %s: %w", table, err)
		}
		kind, ok := columnKind(declared)
		if !ok {
			return nil, fmt.Errorf("column %s.%s: type %q has no portable form in a backup", table, c.Name, declared)
		}
		c.Type = kind
		cols = append(cols, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("table %s: not in the database", table)
	}
	return cols, nil
}

// orderBy is the ORDER BY list that reads a table in primary-key order (so that two backups
// of the same data are the same), or every column for a table without a key.
func orderBy(cols []column) string {
	var key []column
	for _, c := range cols {
		if c.key > 0 {
			key = append(key, c)
		}
	}
	slices.SortFunc(key, func(a, b column) int { return a.key - b.key })
	if len(key) == 0 {
		key = cols
	}
	names := make([]string, len(key))
	for i, c := range key {
		names[i] = quote(c.Name)
	}
	return strings.Join(names, ", ")
}

// quote makes a name an SQL identifier, the same in both databases.
func quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }
