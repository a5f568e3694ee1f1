package web

import (
	"testing"

	"github.com/rungs/rungs/internal/ladder"
)

// TestPickerOptions: the pickers' options are escaped, grouped by ladder, and exactly the
// selected value is chosen.
func TestPickerOptions(t *testing.T) {
	ladders := []LadderChoices{
		{Title: `R&D "core"`, Levels: []LevelChoice{{Value: "rd/e1", Label: "E1 <Engineer>"}, {Value: "rd/e2", Label: "E2 Senior"}}},
		{Title: "Design", Levels: []LevelChoice{{Value: "design/d1", Label: "D1 Designer"}}},
	}
	want := `<optgroup label="R&amp;D &#34;core&#34;"><option value="rd/e1">E1 &lt;Engineer&gt;</option>` +
		`<option value="rd/e2" selected>E2 Senior</option></optgroup>` +
		`<optgroup label="Design"><option value="design/d1">D1 Designer</option></optgroup>`
	if got := string(LevelOptions(ladders, "rd/e2")); got != want {
		t.Errorf("LevelOptions:\n got %s\nwant %s", got, want)
	}
	tracks := []TrackChoice{{Value: "", Label: "No track"}, {Value: "it's", Label: "It's"}}
	want = `<option value="" selected>No track</option><option value="it&#39;s">It&#39;s</option>`
	if got := string(TrackOptions(tracks, "")); got != want {
		t.Errorf("TrackOptions:\n got %s\nwant %s", got, want)
	}
}

// TestDescribe: a level is described from the framework it is asked of, as that framework
// has it, also after Describe was asked of another framework with the same ladder, and one
// the framework does not have is described by its ids.
func TestDescribe(t *testing.T) {
	framework := func(title string) *ladder.Framework {
		return &ladder.Framework{Ladders: []*ladder.Ladder{{ID: "eng", Title: "Engineering", Levels: []*ladder.Level{
			{ID: "e1", Title: title, Code: "E1"}, {ID: "e2", Title: "Senior", Code: "E2"}}}}}
	}
	old, renamed := framework("Engineer"), framework("Software Engineer")
	ref := LevelRef{Ladder: "eng", Level: "e1"}
	for _, c := range []struct {
		f     *ladder.Framework
		title string
	}{{old, "Engineer"}, {old, "Engineer"}, {renamed, "Software Engineer"}, {old, "Engineer"}, {renamed, "Software Engineer"}} {
		info := Describe(c.f, ref)
		if info.Title != c.title || info.Code != "E1" || info.URL != "/ladders/eng/e1/" || info.Next == nil || info.Next.Title != "Senior" {
			t.Errorf("Describe(%s) = %+v, want %q with E2 Senior next", c.title, info, c.title)
		}
	}
	if info := Describe(old, LevelRef{Ladder: "eng", Level: "e9"}); info.Title != "e9" || info.URL != "" || info.Next != nil {
		t.Errorf("a level the framework does not have: %+v", info)
	}
	if info := Describe(old, LevelRef{Ladder: "eng"}); info != nil {
		t.Errorf("no level: %+v", info)
	}
}
