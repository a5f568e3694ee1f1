package frameworks_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
)

func load(t *testing.T, name string) *ladder.Framework {
	t.Helper()
	fsys, ok := frameworks.FS(name)
	if !ok {
		t.Fatalf("no template %q", name)
	}
	f, diags, err := ladder.Load(fsys)
	if err != nil || diags.HasErrors() {
		t.Fatalf("load %s: %v %s", name, err, diags.Error())
	}
	return f
}

// companyCodes are level codes that large companies use for their own levels, written the way
// people write them. A template's level code must be none of them, or "E5" or "L3" would mean one
// thing here and another at Meta or Google.
func companyCodes() map[string]string {
	codes := map[string]string{}
	add := func(who, prefix string, from, to int) {
		for n := from; n <= to; n++ {
			codes[fmt.Sprintf("%s%d", prefix, n)] = who
		}
	}
	add("Google, Amazon and others (L-levels)", "L", 1, 12)
	add("Meta (E-levels)", "E", 1, 10)
	add("Meta (IC-levels), Dropbox and others", "IC", 1, 10)
	add("Meta and others (manager levels)", "M", 0, 10)
	add("Meta and others (director levels)", "D", 1, 5)
	add("Apple (ICT-levels)", "ICT", 1, 6)
	add("Lyft and others (T-levels)", "T", 1, 10)
	add("Atlassian and others (P-levels)", "P", 1, 10)
	add("Microsoft and others (numeric levels)", "", 1, 80)
	add("Microsoft (numeric levels)", "Level ", 59, 80)
	for _, r := range []string{"I", "II", "III", "IV", "V"} {
		codes["SDE "+r] = "Amazon"
		codes["SWE "+r] = "many companies"
		codes["SDM "+r] = "Amazon"
	}
	return codes
}

// normaliseCode compares codes the way people type them: case, spaces and dashes do not matter.
func normaliseCode(s string) string {
	return strings.NewReplacer(" ", "", "-", "", "_", "").Replace(strings.ToUpper(s))
}

// TestLevelCodesAreOurOwn: no level code of a bundled template is a code a large company uses
// for its own levels.
func TestLevelCodesAreOurOwn(t *testing.T) {
	taken := map[string]string{}
	for code, who := range companyCodes() {
		taken[normaliseCode(code)] = who
	}
	for _, tmpl := range frameworks.Templates {
		f := load(t, tmpl.Name)
		for _, l := range f.Ladders {
			for _, lv := range l.Levels {
				if lv.Code == "" {
					t.Errorf("%s: %s/%s has no code", tmpl.Name, l.ID, lv.ID)
				}
				if who, ok := taken[normaliseCode(lv.Code)]; ok {
					t.Errorf("%s: %s/%s has code %q, a code used by %s", tmpl.Name, l.ID, lv.ID, lv.Code, who)
				}
			}
		}
	}
}

// maxPerPerson is the most expectations, traits included, that one level asks of one person on
// one track. Longer lists stop being read.
const maxPerPerson = 30

// TestExpectationsPerLevel keeps every level of every template readable: at most maxPerPerson
// expectations for a person on any one track.
func TestExpectationsPerLevel(t *testing.T) {
	for _, tmpl := range frameworks.Templates {
		f := load(t, tmpl.Name)
		for _, l := range f.Ladders {
			tracks := []string{""}
			for _, tr := range l.Tracks {
				tracks = append(tracks, tr.ID)
			}
			for _, lv := range l.Levels {
				for _, track := range tracks {
					n := 0
					for _, la := range lv.Areas {
						for _, e := range la.Expectations {
							if e.Track == "" || e.Track == track {
								n++
							}
						}
					}
					if n > maxPerPerson {
						t.Errorf("%s: %s/%s asks %d expectations of someone on track %q; keep it to %d", tmpl.Name, l.ID, lv.ID, n, track, maxPerPerson)
					}
				}
			}
		}
	}
}
