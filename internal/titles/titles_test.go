package titles

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

// normaliseCases is the table both normalisers (Go here, JavaScript in the site's app.js) must
// agree on.
var normaliseCases = []struct{ in, want string }{
	{"Senior Software Engineer", "senior software engineer"},
	{"  senior   software-engineer ", "senior software engineer"},
	{"Sr. Software Engineer", "senior software engineer"},
	{"SR SOFTWARE ENGINEER", "senior software engineer"},
	{"Snr Engineer", "senior engineer"},
	{"Jr. Engineer", "junior engineer"},
	{"SDE II", "software development engineer 2"},
	{"SDE 2", "software development engineer 2"},
	{"SDE2", "software development engineer 2"},
	{"sde-ii", "software development engineer 2"},
	{"Software Development Engineer II", "software development engineer 2"},
	{"Software Engineer III", "software engineer 3"},
	{"SWE 3", "software engineer 3"},
	{"SWE-III", "software engineer 3"},
	{"Software Engineer I", "software engineer 1"},
	{"Engineer IV", "engineer 4"},
	{"Level X", "level 10"},
	{"L5", "l 5"},
	{"E3", "e 3"},
	{"3rd line", "3 rd line"},
	{"MTS", "member of technical staff"},
	{"Senior M.T.S.", "senior m t s"},
	{"Eng Mgr", "engineer manager"},
	{"Engineering Manager", "engineer manager"},
	{"Sr. Eng. Manager", "senior engineer manager"},
	{"Dir. of Engineering", "director of engineer"},
	{"VP Engineering", "vice president engineer"},
	{"Sr. SRE", "senior site reliability engineer"},
	{"Sr SDM", "senior software development manager"},
	{"SDET-II", "software development engineer in test 2"},
	{"Staff Engineer (Platform)", "staff engineer platform"},
	{"Principal/Staff", "principal staff"},
	{"Ingénieur Principal", "ing nieur principal"},
	{"Tech_Lead", "tech lead"},
	{"", ""},
	{"---", ""},
	{"constructor", "constructor"},
	{"toString", "tostring"},
	{"Vice", "vice"},
	{"Xi", "xi"},
}

func TestNormalise(t *testing.T) {
	for _, tc := range normaliseCases {
		if got := Normalise(tc.in); got != tc.want {
			t.Errorf("Normalise(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func bundled(t *testing.T) []Entry {
	t.Helper()
	return template(t, "engineering")
}

func template(t *testing.T, name string) []Entry {
	t.Helper()
	fsys, _ := frameworks.FS(name)
	f, diags, err := ladder.Load(fsys)
	if err != nil || diags.HasErrors() {
		t.Fatalf("load: %v %s", err, diags.Error())
	}
	return Entries(f)
}

// TestLookup looks many spellings up in the bundled crosswalk. It is also the check that the
// crosswalk answers what people ask it: a company's title or level code gives the level of the
// same scope here, and a title that means different levels in different places lists the most
// likely level first (rows that match equally well keep the crosswalk's order).
func TestLookup(t *testing.T) {
	entries := bundled(t)
	cases := []struct {
		query string
		match string
		want  string // "ladder/level" of each match, in order
	}{
		// Google: L3-L8 and its numbered titles, where II is the entry title
		{"Google L3", Exact, "engineering/associate"},
		{"L4", Partial, "engineering/engineer engineering/associate"},
		{"L5", Partial, "engineering/senior engineering/engineer"},
		{"l-6", Partial, "engineering/staff engineering/senior"},
		{"L7", Partial, "engineering/principal engineering/principal"},
		{"L8", Partial, "engineering/principal engineering/principal"},
		{"Software Engineer III", Exact, "engineering/engineer"},
		{"swe-3", Exact, "engineering/engineer"},
		{"Software Engineer 2", Exact, "engineering/engineer engineering/associate"},
		{"SWE II", Exact, "engineering/engineer engineering/associate"},
		{"Software Engineer I", Exact, "engineering/associate"},
		{"Senior Staff Engineer", Partial, "engineering/principal"},
		// Meta: E3-E8
		{"E3", Partial, "engineering/associate"},
		{"E4", Partial, "engineering/engineer"},
		{"E5", Partial, "engineering/senior"},
		{"meta e6", Exact, "engineering/staff"},
		{"E7", Partial, "engineering/principal"},
		{"E8", Partial, "engineering/principal"},
		// Amazon: SDE I-III, Principal, Senior Principal, SDM, and its own L-numbers
		{"SDE-1", Exact, "engineering/associate"},
		{"SDE II", Exact, "engineering/engineer"},
		{"sde 2", Exact, "engineering/engineer"},
		{"SDE2", Exact, "engineering/engineer"},
		{"Software Development Engineer 2", Exact, "engineering/engineer"},
		{"sde iii", Exact, "engineering/senior"},
		{"Sr. SDE", Exact, "engineering/senior"},
		{"Principal SDE", Exact, "engineering/principal"},
		{"Senior Principal SDE", Exact, "engineering/principal"},
		{"Amazon L5", Exact, "engineering/engineer"},
		{"Software Development Manager", Exact, "engineering-management/manager"},
		{"SDM", Exact, "engineering-management/manager"},
		{"Senior SDM", Exact, "engineering-management/senior-manager"},
		// Microsoft: 59-70
		{"59", Partial, "engineering/associate"},
		{"61", Partial, "engineering/engineer"},
		{"63", Partial, "engineering/senior"},
		{"Microsoft 64", Exact, "engineering/senior"},
		{"65", Partial, "engineering/staff"},
		{"67", Partial, "engineering/staff"},
		{"68", Partial, "engineering/principal"},
		{"70", Partial, "engineering/principal"},
		{"Principal Software Engineer", Exact, "engineering/principal engineering/staff"},
		// generic titles: the most likely level first
		{"Software Engineer", Exact, "engineering/engineer"},
		{"SWE", Exact, "engineering/engineer"},
		{"Software Developer", Exact, "engineering/engineer"},
		{"SDE", Exact, "engineering/engineer"},
		{"engineer", Exact, "engineering/engineer"},
		{"SR. SOFTWARE ENGINEER", Exact, "engineering/senior"},
		{"senior engineer", Exact, "engineering/senior"},
		{"Staff Engineer", Exact, "engineering/staff"},
		{"Staff Software Engineer", Exact, "engineering/staff"},
		{"Lead Engineer", Partial, "engineering/senior"},
		{"mid level engineer", Exact, "engineering/engineer"},
		{"junior engineer", Partial, "engineering/associate"},
		{"graduate", Partial, "engineering/associate"},
		{"MTS", Exact, "engineering/engineer"},
		{"Senior MTS", Exact, "engineering/senior"},
		{"distinguished", Partial, "engineering/principal"},
		// specialists, on a track
		{"Site Reliability Engineer", Exact, "engineering/engineer"},
		{"SRE", Exact, "engineering/engineer"},
		{"Sr SRE", Exact, "engineering/senior"},
		{"SDET", Exact, "engineering/engineer"},
		{"Software Development Engineer in Test", Exact, "engineering/engineer"},
		{"Senior SDET", Exact, "engineering/senior"},
		// tech lead, heads and VPs: the answer depends on the size of the company
		{"tech-lead", Exact, "engineering/senior engineering/staff"},
		{"Tech Lead Manager", Exact, "engineering-management/manager"},
		{"eng mgr", Exact, "engineering-management/manager"},
		{"Sr. Engineering Manager", Exact, "engineering-management/senior-manager"},
		{"Dir of Eng", Exact, "engineering-management/director"},
		{"Director", Partial, "engineering-management/director"},
		{"Head of Engineering", Exact, "engineering-management/director engineering-management/senior-manager"},
		{"VP Engineering", Partial, "engineering-management/director engineering-management/senior-manager"},
		{"VP of Eng", Exact, "engineering-management/director engineering-management/senior-manager"},
		// our own codes
		{"EN3", Exact, "engineering/senior"},
		{"en-4", Exact, "engineering/staff"},
		{"em4", Exact, "engineering-management/senior-manager"},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			res := Lookup(entries, tc.query)
			var got []string
			for _, m := range res.Matches {
				got = append(got, m.Ladder+"/"+m.Level)
			}
			if res.Match != tc.match || strings.Join(got, " ") != tc.want {
				t.Errorf("Lookup(%q) = %s %v, want %s %s", tc.query, res.Match, got, tc.match, tc.want)
			}
		})
	}
}

// TestLookupProduct looks product and design titles up in the product template's crosswalk.
func TestLookupProduct(t *testing.T) {
	entries := template(t, "product")
	for _, tc := range []struct{ query, match, want string }{
		{"Product Manager", Exact, "product-management/product-manager"},
		{"PM", Exact, "product-management/product-manager"},
		{"APM", Exact, "product-management/associate"},
		{"Sr. PM", Exact, "product-management/senior"},
		{"Senior Product Manager", Exact, "product-management/senior"},
		{"Principal Product Manager", Exact, "product-management/principal product-management/staff"},
		{"Product Owner", Exact, "product-management/product-manager product-management/associate"},
		{"GPM", Exact, "product-leadership/group-product-manager"},
		{"Head of Product", Exact, "product-leadership/director product-leadership/group-product-manager"},
		{"VP Product", Partial, "product-leadership/director product-leadership/group-product-manager"},
		{"PM3", Exact, "product-management/senior"},
		{"UX Designer", Exact, "product-design/product-designer"},
		{"Senior Designer", Partial, "product-design/senior product-design/senior"},
		{"Design Lead", Exact, "product-design/staff design-leadership/design-manager"},
		{"Head of Design", Exact, "design-leadership/director design-leadership/design-manager"},
		{"Design Director", Partial, "design-leadership/director"},
		{"PD4", Exact, "product-design/staff"},
		{"dl-4", Exact, "design-leadership/design-manager"},
	} {
		res := Lookup(entries, tc.query)
		var got []string
		for _, m := range res.Matches {
			got = append(got, m.Ladder+"/"+m.Level)
		}
		if res.Match != tc.match || strings.Join(got, " ") != tc.want {
			t.Errorf("Lookup(%q) = %s %v, want %s %s", tc.query, res.Match, got, tc.match, tc.want)
		}
	}
}

func TestLookupOwnTitleOnce(t *testing.T) {
	res := Lookup(bundled(t), "director of engineering")
	if len(res.Matches) != 1 || res.Matches[0].Own || res.Matches[0].Note == "" {
		t.Errorf("want the crosswalk entry with its note once, not the level's own title again: %+v", res.Matches)
	}
}

func TestLookupNearest(t *testing.T) {
	entries := bundled(t)
	for _, tc := range []struct{ query, nearest string }{
		{"Staf Enginer", "Staff Engineer"},
		{"Principle Engineer", "Principal Engineer"},
		{"Seniour SDE", "Senior SDE"},
	} {
		res := Lookup(entries, tc.query)
		if len(res.Matches) != 0 {
			t.Errorf("Lookup(%q) matched %+v, want nothing", tc.query, res.Matches)
			continue
		}
		if len(res.Nearest) == 0 || res.Nearest[0].Title != tc.nearest {
			t.Errorf("Lookup(%q): nearest %+v, want %q first", tc.query, res.Nearest, tc.nearest)
		}
		if len(res.Nearest) > 3 {
			t.Errorf("Lookup(%q): %d nearest, want at most 3", tc.query, len(res.Nearest))
		}
	}
	if res := Lookup(entries, " -- "); len(res.Matches) != 0 || len(res.Nearest) != 0 {
		t.Errorf("an empty query matched: %+v", res)
	}
}

// TestScriptNormaliserAgrees runs normaliseTitle from the site's app.js under node on the same
// table and wants the same answers as Normalise.
func TestScriptNormaliserAgrees(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("RUNGS_REQUIRE_BROWSER") == "1" {
			t.Fatal("node is not on PATH (RUNGS_REQUIRE_BROWSER=1, so this is a failure)")
		}
		t.Skip("node is not on PATH; set RUNGS_REQUIRE_BROWSER=1 to make this a failure")
	}
	app, err := os.ReadFile(filepath.Join("..", "site", "assets", "app.js"))
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "// normaliseTitle:begin", "// normaliseTitle:end"
	i, j := bytes.Index(app, []byte(begin)), bytes.Index(app, []byte(end))
	if i < 0 || j < i {
		t.Fatalf("app.js has no %s ... %s block", begin, end)
	}
	var inputs []string
	for _, tc := range normaliseCases {
		inputs = append(inputs, tc.in)
	}
	in, _ := json.Marshal(inputs)
	src := string(app[i:j]) + `
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
  process.stdout.write(JSON.stringify(JSON.parse(s).map(normaliseTitle)));
});`
	runner := filepath.Join(t.TempDir(), "normalise.js")
	if err := os.WriteFile(runner, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, runner)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var got []string
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(inputs) {
		t.Fatalf("node printed %s (%v)", out, err)
	}
	for k, tc := range normaliseCases {
		if got[k] != Normalise(tc.in) {
			t.Errorf("%q: JavaScript %q, Go %q", tc.in, got[k], Normalise(tc.in))
		}
	}
}
