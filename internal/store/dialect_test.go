package store

import "testing"

// PostgreSQL's statements get numbered placeholders in order; SQLite's keep their ?.
func TestRebind(t *testing.T) {
	t.Parallel()
	pg := dialect{postgres: true}
	for _, c := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"?", "$1"},
		{"SELECT name FROM people WHERE id = ?", "SELECT name FROM people WHERE id = $1"},
		{"INSERT INTO t (a, b) VALUES (?, ?), (?,?)", "INSERT INTO t (a, b) VALUES ($1, $2), ($3,$4)"},
		{"WHERE a = ? AND b IN (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) -- é ?", "WHERE a = $1 AND b IN ($2, $3, $4, $5, $6, $7, $8, $9, $10, $11) -- é $12"},
	} {
		if got := pg.rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := (dialect{}).rebind(c.in); got != c.in {
			t.Errorf("SQLite's rebind(%q) = %q, want it unchanged", c.in, got)
		}
	}
}

// A long query's ends are PostgreSQL's index keys when each has a trigram of its own.
func TestTrigramEnds(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		q           string
		first, last string
		ok          bool
	}{
		{"Priya Schmidt", "Pri", "idt", true},
		{"rania.ho", "ran", ".ho", true},
		{"ivan.b@x", "iva", "b@x", true},   // "b" starts a word: "  b"
		{"Ødegård", "Øde", "ård", true},    // two ASCII letters at each end
		{"n Ødegård", "n Ø", "ård", false}, // one ASCII letter: no trigram of its own
		{"abcdef", "", "", false},          // short: the whole query is the index's key
		{"ab.. cd", "ab.", " cd", true},
		{"a.. .cd", "a..", ".cd", false},
	} {
		first, last, ok := trigramEnds(tt.q)
		if ok != tt.ok || (ok && (first != tt.first || last != tt.last)) {
			t.Errorf("trigramEnds(%q) = %q, %q, %v; want %q, %q, %v", tt.q, first, last, ok, tt.first, tt.last, tt.ok)
		}
	}
}
