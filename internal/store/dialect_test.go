package store

import (
	"slices"
	"testing"
)

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

// A long query's ends are PostgreSQL's index keys when each has a trigram of its own, and
// so is the place where its first word ends when one word can hold both ends.
func TestTrigramPieces(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		q      string
		pieces []string // nil: the whole query is the index's key
	}{
		{"Priya Schmidt", []string{"Pri", "idt"}},
		{"rania.ho", []string{"ran", ".ho"}},
		{"ivan.b@x", []string{"iva", "b@x"}}, // "b" starts a word: "  b"
		{"Ødegård", []string{"Øde", "ård"}},  // two ASCII letters at each end
		{"n Ødegård", nil},                   // one ASCII letter: no trigram of its own
		{"abcdef", nil},                      // short
		{"ab.. cd", []string{"ab.", " cd"}},
		{"a.. .cd", nil},
		// Larsen holds "lar" and "sen": where "Lars" ends and the next word begins is asked for too.
		{"Lars Larsen", []string{"Lar", "sen", "rs L"}},
		{"lars.larsen", []string{"lar", "sen", "rs.l"}},
		{"HANS hansen", []string{"HAN", "sen", "NS h"}}, // in any case
		{"Åsa Åsander", []string{"Åsa", "der", "sa Å"}},
		{"Per Persson", []string{"Per", "son", "er P"}}, // the first end occurs again
		{"Sven Ulven", []string{"Sve", "ven", "en U"}},  // the last end occurs earlier
		{"abcabcab", []string{"abc", "cab"}},            // one word: nowhere for it to end
		{"Lars  Larsen", []string{"Lar", "sen"}},        // two separators: no place with a letter either side
		// A place without a trigram of its own is left out.
		{"abcØØ Ø abc", []string{"abc", "abc"}},
	} {
		pieces, ok := trigramPieces(tt.q)
		if ok != (tt.pieces != nil) || !slices.Equal(pieces, tt.pieces) {
			t.Errorf("trigramPieces(%q) = %q, %v; want %q", tt.q, pieces, ok, tt.pieces)
		}
	}
}
