package web

import "testing"

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
