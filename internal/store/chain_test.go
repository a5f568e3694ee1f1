package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/rungs/rungs/internal/store"
)

// org is a reporting chain three levels deep under ceo, and a cycle beside it:
//
//	ceo ─┬─ vp ─┬─ lead ── dev
//	     │      └─ ops
//	     └─ cfo
//	loop1 ⇄ loop2 ── loop3   (loop1 and loop2 manage each other; loop3 reports to loop2)
type org map[string]store.Person

func makeOrg(t *testing.T, s *store.Store) org {
	t.Helper()
	o := org{}
	add := func(name, manager string) {
		o[name] = mustPerson(t, s, name, name+"@example.com", o[manager].ID)
	}
	add("ceo", "")
	add("vp", "ceo")
	add("cfo", "ceo")
	add("lead", "vp")
	add("ops", "vp")
	add("dev", "lead")
	add("loop1", "")
	add("loop2", "loop1")
	add("loop3", "loop2")
	// Closing the cycle: the store refuses only a person managing themselves.
	loop1 := o["loop1"]
	loop1.ManagerID = o["loop2"].ID
	var err error
	if o["loop1"], err = s.UpdatePerson(context.Background(), loop1); err != nil {
		t.Fatal(err)
	}
	return o
}

// names returns the people's names, in order.
func names(people []store.Person) []string {
	out := []string{}
	for _, p := range people {
		out = append(out, p.Name)
	}
	return out
}

func TestManages(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeOrg(t, s)
		tests := []struct {
			manager, person string
			want            bool
		}{
			{"lead", "dev", true},
			{"vp", "dev", true},
			{"ceo", "dev", true}, // three levels up
			{"ceo", "ops", true},
			{"dev", "lead", false},
			{"dev", "ceo", false},
			{"cfo", "dev", false}, // a peer's branch
			{"ops", "dev", false},
			{"dev", "dev", false},
			{"ceo", "ceo", false},
			{"loop1", "loop2", true},
			{"loop2", "loop1", true},
			{"loop1", "loop3", true},
			{"loop3", "loop1", false},
			{"loop1", "loop1", false}, // in a cycle, yet not their own manager
			{"ceo", "loop3", false},
			{"loop1", "dev", false},
			{"", "dev", false}, // unknown manager (id 0)
			{"ceo", "", false}, // unknown person
		}
		for _, tt := range tests {
			got, err := s.Manages(ctx, o[tt.manager].ID, o[tt.person].ID)
			if err != nil {
				t.Errorf("Manages(%s, %s): %v", tt.manager, tt.person, err)
			} else if got != tt.want {
				t.Errorf("Manages(%s, %s) = %v, want %v", tt.manager, tt.person, got, tt.want)
			}
		}
	})
}

func TestHasReports(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeOrg(t, s)
		for name, want := range map[string]bool{"ceo": true, "vp": true, "lead": true, "dev": false, "cfo": false, "loop1": true, "loop3": false, "": false} {
			got, err := s.HasReports(ctx, o[name].ID)
			if err != nil {
				t.Errorf("HasReports(%s): %v", name, err)
			} else if got != want {
				t.Errorf("HasReports(%s) = %v, want %v", name, got, want)
			}
		}
	})
}

func TestManagerChain(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeOrg(t, s)
		tests := []struct {
			person string
			want   []string
		}{
			{"dev", []string{"lead", "vp", "ceo"}},
			{"ops", []string{"vp", "ceo"}},
			{"ceo", []string{}},
			{"loop3", []string{"loop2", "loop1"}},
			{"loop1", []string{"loop2"}}, // the cycle ends before coming back to loop1
			{"", []string{}},
		}
		for _, tt := range tests {
			chain, err := s.ManagerChain(ctx, o[tt.person].ID)
			if err != nil {
				t.Errorf("ManagerChain(%s): %v", tt.person, err)
				continue
			}
			if got := names(chain); !slices.Equal(got, tt.want) {
				t.Errorf("ManagerChain(%s) = %v, want %v", tt.person, got, tt.want)
			}
			for _, m := range chain {
				if m != o[m.Name] {
					t.Errorf("ManagerChain(%s) has %+v, want %+v", tt.person, m, o[m.Name])
				}
			}
		}
	})
}
