package ladder

import "testing"

// The Named lookups take what a person typed: an id or a title in any case, a level also by
// its code; anything else is nil.
func TestNamedLookups(t *testing.T) {
	eng := &Ladder{ID: "engineering", Title: "Engineering",
		Tracks: []*Track{{ID: "sre", Title: "Site Reliability"}},
		Levels: []*Level{{ID: "senior", Title: "Senior Engineer", Code: "E3"}, {ID: "staff", Title: "Staff Engineer"}}}
	f := &Framework{Ladders: []*Ladder{{ID: "design", Title: "Design"}, eng}}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"ladder by id", f.LadderNamed("engineering"), eng},
		{"ladder by title, any case", f.LadderNamed("ENGINEERING"), eng},
		{"no such ladder", f.LadderNamed("sales"), (*Ladder)(nil)},
		{"track by title", eng.TrackNamed("site reliability"), eng.Tracks[0]},
		{"track by id", eng.TrackNamed("SRE"), eng.Tracks[0]},
		{"no such track", eng.TrackNamed("product"), (*Track)(nil)},
		{"level by code", eng.LevelNamed("e3"), eng.Levels[0]},
		{"level by title", eng.LevelNamed("staff engineer"), eng.Levels[1]},
		{"level by id", eng.LevelNamed("Staff"), eng.Levels[1]},
		{"an empty code matches nothing", eng.LevelNamed(""), (*Level)(nil)},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}
