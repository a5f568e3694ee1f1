package frameworks_test

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

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

// TestProductBesideEngineering follows the steps of the product template's "Alongside
// engineering" page: the engineering template with the product template's ladders copied in,
// listed in rungs.yaml, their commented equivalences to engineering levels uncommented and the
// two crosswalks joined. The result must check clean, without a warning, and show each product
// and design level beside the engineering level of the same standing.
func TestProductBesideEngineering(t *testing.T) {
	eng, _ := frameworks.FS("engineering")
	prod, _ := frameworks.FS("product")
	m := fstest.MapFS{}
	copyDir := func(fsys fs.FS, dir string) {
		err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := fs.ReadFile(fsys, p)
			m[p] = &fstest.MapFile{Data: b}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	copyDir(eng, ".")
	productLadders := []string{"product-management", "product-design", "product-leadership", "design-leadership"}
	for _, l := range productLadders {
		copyDir(prod, "ladders/"+l)
		p := "ladders/" + l + "/ladder.yaml"
		m[p].Data = []byte(uncommentEquivalences(string(m[p].Data)))
	}
	rungs := string(m["rungs.yaml"].Data)
	const list = "ladders: [engineering, engineering-management]"
	if !strings.Contains(rungs, list) {
		t.Fatalf("engineering's rungs.yaml no longer lists %q", list)
	}
	m["rungs.yaml"].Data = []byte(strings.Replace(rungs, list, "ladders: [engineering, engineering-management, "+strings.Join(productLadders, ", ")+"]", 1))
	prodCrosswalk, _ := fs.ReadFile(prod, "crosswalk.yaml")
	_, rows, _ := strings.Cut(string(prodCrosswalk), "titles:\n")
	m["crosswalk.yaml"].Data = append(m["crosswalk.yaml"].Data, rows...)

	f, diags, err := ladder.Load(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) > 0 {
		t.Fatalf("the combined framework has problems:\n%s", diags.Error())
	}
	want := map[string]string{ // product or design level -> the engineering level beside it
		"product-management/associate":             "engineering/associate",
		"product-management/product-manager":       "engineering/engineer",
		"product-management/senior":                "engineering/senior",
		"product-management/staff":                 "engineering/staff",
		"product-management/principal":             "engineering/principal",
		"product-design/associate":                 "engineering/associate",
		"product-design/product-designer":          "engineering/engineer",
		"product-design/senior":                    "engineering/senior",
		"product-design/staff":                     "engineering/staff",
		"product-design/principal":                 "engineering/principal",
		"product-leadership/group-product-manager": "engineering-management/senior-manager",
		"product-leadership/director":              "engineering-management/director",
		"design-leadership/design-manager":         "engineering-management/senior-manager",
		"design-leadership/director":               "engineering-management/director",
	}
	got := map[string]string{}
	for _, l := range f.Ladders {
		if strings.HasPrefix(l.ID, "engineering") {
			continue
		}
		for _, eq := range l.Equivalences {
			if strings.HasPrefix(eq.Equals.Ladder, "engineering") {
				got[l.ID+"/"+eq.Level] = eq.Equals.Ladder + "/" + eq.Equals.Level
			}
		}
	}
	for from, to := range want {
		if got[from] != to {
			t.Errorf("%s stands beside %q, want %q", from, got[from], to)
		}
	}
	if len(got) != len(want) {
		t.Errorf("equivalences to engineering: got %v, want %v", got, want)
	}
	// The level numbers agree with the equivalences: a level and the one it stands beside have
	// the same number in their codes.
	for from, to := range want {
		a, b := level(f, from), level(f, to)
		if a.Code[len(a.Code)-1] != b.Code[len(b.Code)-1] {
			t.Errorf("%s (%s) stands beside %s (%s) but their numbers differ", from, a.Code, to, b.Code)
		}
	}
}

// uncommentEquivalences removes the "# " in front of the commented equivalences of a product
// ladder, as its comment asks.
func uncommentEquivalences(src string) string {
	lines := strings.Split(src, "\n")
	for i, line := range lines {
		indent, rest, ok := strings.Cut(line, "# ")
		if !ok || strings.TrimSpace(indent) != "" {
			continue
		}
		if s := strings.TrimSpace(rest); s == "equivalences:" || strings.HasPrefix(s, "- level:") || strings.HasPrefix(s, "equals:") {
			lines[i] = indent + rest
		}
	}
	return strings.Join(lines, "\n")
}

func level(f *ladder.Framework, ref string) *ladder.Level {
	l, lv, _ := strings.Cut(ref, "/")
	return f.Ladder(l).Level(lv)
}
