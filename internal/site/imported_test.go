package site

import (
	"strings"
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
)

// TestImportedLadderValues renders what imported ladders bring: an area that starts at a later
// level is left out of the levels below it, approximate ranges keep their "~", indicator notes
// show with the indicators, and a level without a code shows no empty badge.
func TestImportedLadderValues(t *testing.T) {
	fsys, _ := frameworks.FS("minimal")
	f, diags, err := ladder.Load(fsys)
	if err != nil || diags.HasErrors() {
		t.Fatal(err, diags)
	}
	ld := f.Ladders[0]
	collab := ld.Area("collaboration")
	collab.From = "senior"
	first := ld.Levels[0]
	first.Areas = first.Areas[:1] // no section for collaboration below senior
	first.Code = ""
	first.Tenure.Approx = true
	first.TimeSplit[0].Range.Approx = true
	first.IndicatorNotes = "A rough guide only.\\\nSome people move on sooner."
	s, err := Render(f, fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	below := string(s.Files["ladders/"+ld.ID+"/"+first.ID+"/index.html"].Body)
	above := string(s.Files["ladders/"+ld.ID+"/senior/index.html"].Body)
	if strings.Contains(below, `id="collaboration"`) || !strings.Contains(above, `id="collaboration"`) {
		t.Error("an area is shown from the level it starts at, and not below it")
	}
	for _, want := range []string{
		"Typical time at this level: <strong>~2–4 years</strong>",
		"<td>~70–85%</td>",
		`<div class="prose indicator-notes"><p>A rough guide only.<br>`,
	} {
		if !strings.Contains(below, want) {
			t.Errorf("level page lacks %q", want)
		}
	}
	if strings.Contains(below, `<p class="code-badge"></p>`) || strings.Contains(string(s.Files["ladders/"+ld.ID+"/index.html"].Body), `<span class="code"></span>`) {
		t.Error("a level without a code shows an empty badge")
	}
}
