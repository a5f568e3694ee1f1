package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"testing"

	"github.com/rungs/rungs/internal/store"
)

// The search box finds people by part of their name or email, through the databases' text
// indexes, among the people the viewer may see and no one else: everyone for an admin, the
// people below a manager, nobody but themselves for someone without reports (who is shown
// as "You" above the results, never in them).
func TestSearchWithinScope(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		grand := e.person("Grace Grand", "grace@example.com", 0, store.Member)
		manager := e.person("Max Manager", "max@example.com", grand.ID, store.Member)
		e.person("Rosalind Franklin", "rfranklin@example.com", manager.ID, store.Member)
		member := e.person("Mia Rosario", "mia.r@example.com", manager.ID, store.Member)
		unrelated := e.person("Uma Unrelated", "uma@example.com", 0, store.Member)
		e.person("Rosa Other", "rosa.other@example.com", unrelated.ID, store.Member)
		e.person("Frank Lin", "flin@example.com", unrelated.ID, store.Member)
		viewers := map[string]store.Person{"admin": admin, "grand": grand, "manager": manager, "member": member, "unrelated": unrelated}
		row := regexp.MustCompile(`<tr><td><a href="/people/\d+">([^<]+)</a>`)
		tests := []struct {
			viewer, query string
			want          []string
		}{
			{"admin", "rosa", []string{"Rosa Other", "Rosalind Franklin", "Mia Rosario"}},
			{"admin", "frank", []string{"Frank Lin", "Rosalind Franklin"}},              // a name's start before a word's
			{"admin", "rfrank", []string{"Rosalind Franklin"}},                          // part of an email
			{"admin", "other@example", []string{"Rosa Other"}},                          // an email's part with its @
			{"admin", "ro", []string{"Rosa Other", "Rosalind Franklin", "Mia Rosario"}}, // two letters: starts of names and words
			{"grand", "rosa", []string{"Rosalind Franklin", "Mia Rosario"}},             // two levels down
			{"manager", "rosa", []string{"Rosalind Franklin", "Mia Rosario"}},
			{"manager", "frank", []string{"Rosalind Franklin"}},
			{"manager", "rosa.other", nil},
			{"manager", "uma", nil},
			{"unrelated", "rosa", []string{"Rosa Other"}},
			{"unrelated", "rfrank", nil},
			{"unrelated", "lin", []string{"Frank Lin"}},
			{"member", "rosa", nil},
			{"member", "mia", nil},
		}
		for _, tt := range tests {
			res := e.signedIn(viewers[tt.viewer]).get("/people?q=" + url.QueryEscape(tt.query))
			if res.status != http.StatusOK {
				t.Fatalf("%s searching %q: status %d", tt.viewer, tt.query, res.status)
			}
			var got []string
			for _, m := range row.FindAllStringSubmatch(res.body, -1) {
				got = append(got, m[1])
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("%s searching %q finds %q, want %q", tt.viewer, tt.query, got, tt.want)
			}
		}
	})
}
