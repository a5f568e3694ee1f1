package guidance

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
)

var scale = []string{"not-yet", "sometimes", "consistently", "role-model"}

// testLadder has three levels. Level two has a track-only core expectation; level three says
// nothing about people.
func testLadder(p *ladder.Promotion) Ladder {
	items := func(ids ...string) []Item {
		var out []Item
		for _, id := range ids {
			id, track, _ := strings.Cut(id, "@")
			out = append(out, Item{ID: id, Track: track})
		}
		return out
	}
	return Ladder{
		Areas: []Area{{ID: "core"}, {ID: "people"}, {ID: "traits"}},
		Levels: []Level{
			{ID: "one", Areas: map[string][]Item{"core": items("c1", "c2"), "people": items("p1", "p2"), "traits": items("t1")}},
			{ID: "two", Areas: map[string][]Item{"core": items("c1", "c3", "c4", "ops@sre"), "people": items("p3", "p4"), "traits": items("t1")}},
			{ID: "three", Areas: map[string][]Item{"core": items("c5", "c6", "c7"), "traits": items("t2")}},
		},
		Promotion: p,
	}
}

// rate builds ratings from "level/id=rating" pairs.
func rate(pairs ...string) map[string]string {
	m := map[string]string{}
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		m[k] = v
	}
	return m
}

func all(level string, ids []string, r string) []string {
	var out []string
	for _, id := range ids {
		out = append(out, level+"/"+id+"="+r)
	}
	return out
}

func join(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

var (
	coreAll = &ladder.Promotion{Rules: []*ladder.PromotionRule{{
		Name: "core", Levels: []string{"one", "two", "three"},
		When: []ladder.Condition{{Of: ladder.OfLevel, Areas: []string{"core"}, Rating: "consistently"}},
	}}}
	twoRules = &ladder.Promotion{Rules: []*ladder.PromotionRule{
		{Name: "everything", Levels: []string{"one", "two", "three"},
			When: []ladder.Condition{{Of: ladder.OfLevel, Rating: "consistently"}}},
		{Name: "outgrown below", Levels: []string{"two", "three"},
			When: []ladder.Condition{
				{Of: ladder.OfBelow, Areas: []string{"core"}, Rating: "consistently"},
				{Of: ladder.OfLevel, Rating: "sometimes", Expect: ladder.Share{Percent: 50}, AreasNeeded: ladder.Share{Count: 1}},
			}},
	}}
	someAreas = &ladder.Promotion{Rules: []*ladder.PromotionRule{{
		Name: "two of three areas", Levels: []string{"one", "two"},
		When: []ladder.Condition{{Of: ladder.OfLevel, Rating: "sometimes", Expect: ladder.Share{Count: 1}, AreasNeeded: ladder.Share{Count: 2}}},
	}}}
	percent = &ladder.Promotion{Rules: []*ladder.PromotionRule{{
		Name: "half of core", Levels: []string{"three"},
		When: []ladder.Condition{{Of: "three", Areas: []string{"core"}, Rating: "role-model", Expect: ladder.Share{Percent: 50}}},
	}}}
	bigCount = &ladder.Promotion{Rules: []*ladder.PromotionRule{{
		Name: "ten of traits", Levels: []string{"one"},
		When: []ladder.Condition{{Of: ladder.OfLevel, Areas: []string{"traits"}, Rating: "sometimes", Expect: ladder.Share{Count: 10}}},
	}}}
	aboveRule = &ladder.Promotion{Rules: []*ladder.PromotionRule{{
		Name: "reaching up", Levels: []string{"one", "two"},
		When: []ladder.Condition{{Of: ladder.OfAbove, Areas: []string{"people", "traits"}, Rating: "sometimes", AreasNeeded: ladder.Share{Percent: 50}}},
	}}}
	points = &ladder.Promotion{Points: &ladder.Points{
		Rating: "consistently", Expect: ladder.Share{Percent: 50},
		Milestones: []ladder.LevelPoints{{Level: "one", Points: 1}, {Level: "two", Points: 3}, {Level: "three", Points: 6}},
		Thresholds: []ladder.LevelPoints{{Level: "one", Points: 2}, {Level: "two", Points: 6}, {Level: "three", Points: 12}},
	}}
)

type guidanceCase struct {
	name      string
	in        Input
	level     string
	rule      string
	points    int
	wantAreas string // points style: "area=level:points ..." as a quick check of the breakdown
}

func cases() []guidanceCase {
	in := func(p *ladder.Promotion, track string, ratings ...string) Input {
		return Input{Ladder: testLadder(p), Scale: scale, Track: track, Ratings: rate(ratings...)}
	}
	return []guidanceCase{
		{name: "no guidance", in: in(nil, "")},
		{name: "nothing rated reads as nothing", in: in(coreAll, "")},
		{name: "every core expectation of one", in: in(coreAll, "", all("one", []string{"c1", "c2"}, "consistently")...), level: "one", rule: "core"},
		{name: "role model counts as at least consistently", in: in(coreAll, "", all("one", []string{"c1", "c2"}, "role-model")...), level: "one", rule: "core"},
		{name: "one short of every core expectation", in: in(coreAll, "", "one/c1=consistently", "one/c2=sometimes")},
		{name: "the highest level that holds, even above one that does not",
			in:    in(coreAll, "", all("two", []string{"c1", "c3", "c4"}, "consistently")...),
			level: "two", rule: "core"},
		{name: "a track's expectation is not asked of people on another track",
			in:    in(coreAll, "product", all("two", []string{"c1", "c3", "c4"}, "consistently")...),
			level: "two", rule: "core"},
		{name: "a track's expectation is asked of people on that track",
			in: in(coreAll, "sre", all("two", []string{"c1", "c3", "c4"}, "consistently")...)},
		{name: "on that track, with it shown",
			in:    in(coreAll, "sre", all("two", []string{"c1", "c3", "c4", "ops"}, "consistently")...),
			level: "two", rule: "core"},
		{name: "a rating no longer on the scale counts as unrated",
			in: in(coreAll, "", "one/c1=consistently", "one/c2=excellent")},
		{name: "ratings of another level do not count",
			in: in(coreAll, "", all("two", []string{"c1", "c2"}, "consistently")...)},
		{name: "first rule holds for two",
			in:    in(twoRules, "", join(all("two", []string{"c1", "c3", "c4", "p3", "p4", "t1"}, "consistently"))...),
			level: "two", rule: "everything"},
		{name: "the second rule reads three from the level below",
			in:    in(twoRules, "", join(all("two", []string{"c1", "c3", "c4"}, "consistently"), []string{"three/c5=sometimes", "three/c6=sometimes"})...),
			level: "three", rule: "outgrown below"},
		{name: "half rounds up: one of three core is not half",
			in: in(twoRules, "", join(all("two", []string{"c1", "c3", "c4"}, "consistently"), []string{"three/c5=sometimes"})...)},
		{name: "two of three areas with one expectation each",
			in: in(someAreas, "", "one/c1=sometimes", "one/t1=sometimes"), level: "one", rule: "two of three areas"},
		{name: "one of three areas is not enough",
			in: in(someAreas, "", "one/c1=sometimes", "one/c2=role-model")},
		{name: "a level's missing area is not counted: two of two at three would need a rule for three",
			in: in(someAreas, "", "two/p3=sometimes", "two/t1=sometimes"), level: "two", rule: "two of three areas"},
		{name: "percent of a named level", in: in(percent, "", "three/c5=role-model", "three/c6=role-model"), level: "three", rule: "half of core"},
		{name: "percent of a named level, one short", in: in(percent, "", "three/c5=role-model", "three/c6=consistently")},
		{name: "a count above the number of expectations means all of them",
			in: in(bigCount, "", "one/t1=sometimes"), level: "one", rule: "ten of traits"},
		{name: "above, half of the areas it has: three has only traits",
			in: in(aboveRule, "", "three/t2=sometimes"), level: "two", rule: "reaching up"},
		{name: "above, half of two areas is one",
			in: in(aboveRule, "", "two/p3=sometimes", "two/p4=sometimes"), level: "one", rule: "reaching up"},
		{name: "points: nothing shown", in: in(points, ""), wantAreas: "core=:0 people=:0 traits=:0"},
		{name: "points: every area shown at one",
			in:    in(points, "", all("one", []string{"c1", "p1", "t1"}, "consistently")...),
			level: "one", points: 3, wantAreas: "core=one:1 people=one:1 traits=one:1"},
		{name: "points: the highest level an area is shown at counts, and people stop at two",
			in: in(points, "", join(all("one", []string{"c1", "p1", "t1"}, "consistently"),
				all("two", []string{"c3", "c4", "p3"}, "consistently"), all("three", []string{"c5", "c6", "t2"}, "role-model"))...),
			level: "three", points: 15, wantAreas: "core=three:6 people=two:3 traits=three:6"},
		{name: "points: just below a threshold",
			in:    in(points, "", join(all("two", []string{"c3", "c4", "p3"}, "consistently"), []string{"one/t1=sometimes"})...),
			level: "two", points: 6, wantAreas: "core=two:3 people=two:3 traits=:0"},
		{name: "points: sometimes is below the bar",
			in: in(points, "", all("one", []string{"c1", "p1"}, "sometimes")...), wantAreas: "core=:0 people=:0 traits=:0"},
	}
}

func TestEvaluate(t *testing.T) {
	for _, tc := range cases() {
		t.Run(tc.name, func(t *testing.T) {
			got := Evaluate(tc.in)
			if got.Level != tc.level || got.Rule != tc.rule || got.Points != tc.points {
				t.Errorf("got level %q rule %q points %d, want level %q rule %q points %d", got.Level, got.Rule, got.Points, tc.level, tc.rule, tc.points)
			}
			if tc.wantAreas != "" {
				var parts []string
				for _, a := range got.Areas {
					parts = append(parts, a.Area+"="+a.Level+":"+itoa(a.Points))
				}
				if s := strings.Join(parts, " "); s != tc.wantAreas {
					t.Errorf("areas: got %s, want %s", s, tc.wantAreas)
				}
			}
		})
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// TestEvaluateExplains checks the explanation of a reading: which conditions held, with counts.
func TestEvaluateExplains(t *testing.T) {
	in := Input{Ladder: testLadder(twoRules), Scale: scale,
		Ratings: rate(join(all("two", []string{"c1", "c3", "c4"}, "consistently"), []string{"three/c5=sometimes", "three/c6=sometimes"})...)}
	got := Evaluate(in)
	var three *LevelResult
	for i := range got.Levels {
		if got.Levels[i].Level == "three" {
			three = &got.Levels[i]
		}
	}
	if three == nil || len(three.Rules) != 2 {
		t.Fatalf("want two rules evaluated for level three, got %+v", got.Levels)
	}
	everything, below := three.Rules[0], three.Rules[1]
	if everything.Holds || !below.Holds {
		t.Fatalf("want rule 1 not to hold and rule 2 to hold: %+v", three.Rules)
	}
	c := everything.Conditions[0]
	if c.Of != "three" || c.AreasMet != 0 || c.AreasNeeded != 2 || len(c.Areas) != 2 {
		t.Errorf("rule 1 at three: %+v (want of three, 0 of 2 areas: three has no people)", c)
	}
	if c.Areas[0].Area != "core" || c.Areas[0].Shown != 0 || c.Areas[0].Total != 3 || c.Areas[0].Needed != 3 {
		t.Errorf("core at three: %+v", c.Areas[0])
	}
	c = below.Conditions[0]
	if c.Of != "two" || !c.Holds || c.Areas[0].Shown != 3 || c.Areas[0].Total != 3 {
		t.Errorf("below of three: %+v", c)
	}
	c = below.Conditions[1]
	if c.Areas[0].Needed != 2 || c.Areas[0].Shown != 2 || c.AreasNeeded != 1 || c.AreasMet != 1 {
		t.Errorf("half of three's core: %+v", c)
	}
}

// TestBundledGuidance reads the bundled framework's guidance with a few people in mind. The
// framework's text says a level reads when someone shows most of its scope, in most areas,
// sustained; these people are strong in some areas and still growing in others.
func TestBundledGuidance(t *testing.T) {
	fsys, _ := frameworks.FS("engineering")
	f, diags, err := ladder.Load(fsys)
	if err != nil || diags.HasErrors() {
		t.Fatalf("load: %v %s", err, diags.Error())
	}
	var ids []string
	for _, r := range f.Scale {
		ids = append(ids, r.ID)
	}
	// rated rates a level's expectations for the sre track, area by area: ratings[area], or
	// ratings["*"] for an area not named, and nothing for an area rated "". The first lower[area]
	// expectations of an area are rated "sometimes" instead.
	rated := func(l *ladder.Ladder, level string, ratings map[string]string, lower map[string]int) []string {
		var out []string
		for _, la := range l.Level(level).Areas {
			r, ok := ratings[la.Area]
			if !ok {
				r = ratings["*"]
			}
			if r == "" {
				continue
			}
			n := 0
			for _, e := range la.Expectations {
				if e.Track != "" && e.Track != "sre" {
					continue
				}
				rr := r
				if n < lower[la.Area] {
					rr = "sometimes"
				}
				n++
				out = append(out, level+"/"+e.ID+"="+rr)
			}
		}
		return out
	}
	every := map[string]string{"*": "consistently"}
	eng := f.Ladder("engineering")
	for _, tc := range []struct {
		name, want string
		ratings    []string
	}{
		{"a solid senior", "senior", rated(eng, "senior", every, nil)},
		{"consistent through Senior except two Core bullets", "senior", join(
			rated(eng, "associate", every, nil), rated(eng, "engineer", every, nil),
			rated(eng, "senior", every, map[string]int{"core": 2}))},
		{"most of Core is enough", "senior", rated(eng, "senior", every, map[string]int{"core": 3})},
		{"less than most of Core is not", "", rated(eng, "senior", every, map[string]int{"core": 4})},
		{"strong at Staff in Core and two other areas, growing in the rest", "staff", join(
			rated(eng, "senior", every, nil),
			rated(eng, "staff", map[string]string{"core": "consistently", "management": "consistently", "delighting-people": "consistently", "*": "sometimes"}, nil))},
		{"strong at Staff in Core and one other area only", "senior", join(
			rated(eng, "senior", every, nil),
			rated(eng, "staff", map[string]string{"core": "consistently", "management": "consistently", "*": "sometimes"}, nil))},
		{"one area not yet started is allowed", "senior", rated(eng, "senior", map[string]string{"community": "", "*": "consistently"}, nil)},
		{"two areas not yet started are not", "", rated(eng, "senior", map[string]string{"community": "", "organisation-building": "", "*": "consistently"}, nil)},
		{"a senior only sometimes", "", rated(eng, "senior", map[string]string{"*": "sometimes"}, nil)},
		{"core alone is not the level", "", rated(eng, "senior", map[string]string{"core": "role-model", "*": ""}, nil)},
	} {
		got := Evaluate(Input{Ladder: FromLadder(eng), Scale: ids, Track: "sre", Ratings: rate(tc.ratings...)})
		if got.Level != tc.want {
			t.Errorf("engineering, %s: reads as %q (%s), want %q", tc.name, got.Level, got.Rule, tc.want)
		}
	}

	mgmt := f.Ladder("engineering-management")
	areas := func(n int) map[string]string { // the first n areas consistently, the rest unrated
		m := map[string]string{"*": ""}
		for _, a := range mgmt.Areas()[:n] {
			m[a.ID] = "consistently"
		}
		return m
	}
	for _, tc := range []struct {
		name, want string
		ratings    []string
	}{
		{"everything up to senior manager", "senior-manager", join(rated(mgmt, "manager", every, nil), rated(mgmt, "senior-manager", every, nil))},
		{"four of six areas at manager", "manager", rated(mgmt, "manager", areas(4), nil)},
		{"three of six areas at manager", "", rated(mgmt, "manager", areas(3), nil)},
		{"three areas at senior manager, the rest at manager", "senior-manager", join(rated(mgmt, "manager", every, nil), rated(mgmt, "senior-manager", areas(3), nil))},
		{"two areas at senior manager, the rest at manager", "manager", join(rated(mgmt, "manager", every, nil), rated(mgmt, "senior-manager", areas(2), nil))},
		{"four areas at director, nothing else", "director", rated(mgmt, "director", areas(4), nil)},
	} {
		got := Evaluate(Input{Ladder: FromLadder(mgmt), Scale: ids, Ratings: rate(tc.ratings...)})
		if got.Style != StylePoints || got.Level != tc.want {
			t.Errorf("management, %s: reads as %q with %d points, want %q", tc.name, got.Level, got.Points, tc.want)
		}
	}
}

// TestEveryBundledLevelReads: in every bundled template, someone who consistently shows all of
// one level's expectations, and nothing else, reads as exactly that level, on every ladder with
// guidance and every track.
func TestEveryBundledLevelReads(t *testing.T) {
	for _, tmpl := range frameworks.Templates {
		fsys, _ := frameworks.FS(tmpl.Name)
		f, diags, err := ladder.Load(fsys)
		if err != nil || diags.HasErrors() {
			t.Fatalf("load %s: %v %s", tmpl.Name, err, diags.Error())
		}
		var ids []string
		for _, r := range f.Scale {
			ids = append(ids, r.ID)
		}
		for _, l := range f.Ladders {
			if l.Promotion == nil {
				continue
			}
			tracks := []string{""}
			for _, tr := range l.Tracks {
				tracks = append(tracks, tr.ID)
			}
			for _, lv := range l.Levels {
				for _, track := range tracks {
					ratings := map[string]string{}
					for _, la := range lv.Areas {
						for _, e := range la.Expectations {
							ratings[lv.ID+"/"+e.ID] = "consistently"
						}
					}
					got := Evaluate(Input{Ladder: FromLadder(l), Scale: ids, Track: track, Ratings: ratings})
					if got.Level != lv.ID {
						t.Errorf("%s: %s/%s on track %q, all consistently, reads as %q", tmpl.Name, l.ID, lv.ID, track, got.Level)
					}
				}
			}
		}
	}
}

// TestScriptAgrees runs guidance.js under node on every case of the table and wants the very
// same result as Evaluate, field for field.
func TestScriptAgrees(t *testing.T) {
	node := nodePath(t)
	var inputs []Input
	for _, tc := range cases() {
		inputs = append(inputs, tc.in)
	}
	in, err := json.Marshal(inputs)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	runner := filepath.Join(dir, "run.js")
	src := `const g = require(process.argv[2]);
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
  process.stdout.write(JSON.stringify(JSON.parse(s).map(g.evaluate)));
});`
	if err := os.WriteFile(runner, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("guidance.js")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, runner, script)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var js []Result
	if err := json.Unmarshal(out, &js); err != nil {
		t.Fatalf("node printed %s: %v", out, err)
	}
	if len(js) != len(inputs) {
		t.Fatalf("node returned %d results for %d cases", len(js), len(inputs))
	}
	for i, tc := range cases() {
		goJSON, _ := json.Marshal(Evaluate(tc.in))
		jsJSON, _ := json.Marshal(js[i])
		if !bytes.Equal(goJSON, jsJSON) {
			t.Errorf("%s: JavaScript and Go disagree\n go: %s\n js: %s", tc.name, goJSON, jsJSON)
		}
	}
}

// nodePath finds node, skipping the test without it unless RUNGS_REQUIRE_BROWSER=1 asks for
// every tool the page tests use.
func nodePath(t *testing.T) string {
	p, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("RUNGS_REQUIRE_BROWSER") == "1" {
			t.Fatalf("node is not on PATH (RUNGS_REQUIRE_BROWSER=1, so this is a failure)")
		}
		t.Skip("node is not on PATH; set RUNGS_REQUIRE_BROWSER=1 to make this a failure")
	}
	return p
}
