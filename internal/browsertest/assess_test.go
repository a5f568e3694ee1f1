package browsertest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/guidance"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/site"
)

// The self-assessment page: rating, keeping state across reloads and in links, files down and
// up, a framework that changed since, the guidance, the radar chart, phones and print.

const assessReady = `!!document.querySelector("#assess-rate fieldset.rate") && !document.querySelector("#assess-out[aria-busy]")`

// openAssess loads the self-assessment page and waits until it has drawn its ratings.
func openAssess(t *testing.T, ctx context.Context, u string) {
	t.Helper()
	if st := navigate(t, ctx, u); st != 200 {
		t.Fatalf("%s: HTTP %d", u, st)
	}
	waitFor(t, ctx, "the expectations to rate are shown", assessReady)
}

// assessKeys lists the expectation keys ("level/id") shown for a level, in page order.
func assessKeys(t *testing.T, ctx context.Context, level string) []string {
	t.Helper()
	return eval[[]string](t, ctx, `[...document.querySelectorAll('.assess-level[data-level="`+level+`"] fieldset.rate')].map(f => f.dataset.key)`)
}

// rateByClick clicks the rating's label as a reader does.
func rateByClick(t *testing.T, ctx context.Context, key, rating string) {
	t.Helper()
	do(t, ctx, chromedp.Click(chromedp.CSS(`fieldset[data-key="`+key+`"] input[value="`+rating+`"] + label`)))
	waitFor(t, ctx, key+" is rated "+rating, `document.querySelector('fieldset[data-key="`+key+`"] input:checked').value === `+jsString(rating))
}

// rateAll rates many expectations at once through their labels.
func rateAll(t *testing.T, ctx context.Context, ratings map[string]string) {
	t.Helper()
	if len(ratings) == 0 {
		return
	}
	b, _ := json.Marshal(ratings)
	n := eval[int](t, ctx, `(() => { let n = 0; for (const [k, r] of Object.entries(`+string(b)+`)) {
		const l = document.querySelector('fieldset[data-key="' + k + '"] input[value="' + r + '"] + label');
		if (l) { l.click(); n++; } } return n; })()`)
	if n != len(ratings) {
		t.Fatalf("rated %d of %d expectations: some are not on the page", n, len(ratings))
	}
}

// shownRatings reads the ratings the page shows as checked, by key.
func shownRatings(t *testing.T, ctx context.Context) map[string]string {
	t.Helper()
	return eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll("#assess-rate input[type=radio]:checked")].filter(i => i.value).map(i => [i.closest("fieldset").dataset.key, i.value]))`)
}

func shownNote(t *testing.T, ctx context.Context, key string) string {
	t.Helper()
	return eval[string](t, ctx, `document.querySelector('fieldset[data-key="`+key+`"] textarea').value`)
}

func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	return eval[string](t, ctx, `(document.querySelector(`+jsString(css)+`) || {textContent: ""}).textContent`)
}

// pickSenior chooses Senior Engineer as the current level and waits for both levels to show.
func pickSenior(t *testing.T, ctx context.Context) {
	t.Helper()
	selectOption(t, ctx, "#assess-current", "senior")
	waitFor(t, ctx, "senior and staff are shown", `!!document.querySelector('.assess-level[data-level="senior"]') && !!document.querySelector('.assess-level[data-level="staff"]')`)
	if g := eval[string](t, ctx, `document.querySelector("#assess-target").value`); g != "staff" {
		t.Fatalf("target is %q after picking senior, want the next level, staff", g)
	}
}

// note is long, as evidence often is, and holds what an address must escape.
const note = "Planned the checkout rewrite & shipped it: https://example.org/doc?a=1#part-2, with 100% of tests. " +
	"Wrote the design note first, ran the review with the payments team, split the migration into " +
	"three steps that could each be rolled back, and kept the old path behind a flag until the " +
	"error rate had been flat for two weeks; then removed it (see the follow-up in the same doc)."

func TestAssessRateReloadAndLink(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	base := root(t) + "assess/"
	openAssess(t, ctx, base)
	if c, g := eval[string](t, ctx, `document.querySelector("#assess-current").value`), eval[string](t, ctx, `document.querySelector("#assess-target").value`); c != "associate" || g != "engineer" {
		t.Fatalf("a first visit starts at %s aiming for %s, want associate and engineer", c, g)
	}
	pickSenior(t, ctx)
	senior := assessKeys(t, ctx, "senior")
	if len(senior) < 20 {
		t.Fatalf("only %d senior expectations to rate", len(senior))
	}

	// With the mouse...
	rateByClick(t, ctx, senior[0], "consistently")
	// ...and with the keyboard only: arrows move through a rating's choices.
	do(t, ctx, chromedp.Focus(chromedp.CSS(`fieldset[data-key="`+senior[1]+`"] input[value=""]`)))
	right := press("ArrowRight", "ArrowRight", 39, "")
	do(t, ctx, right, right)
	waitFor(t, ctx, "the arrow keys rate it sometimes", `document.querySelector('fieldset[data-key="`+senior[1]+`"] input:checked').value === "sometimes"`)
	// Evidence, typed after opening it from the keyboard.
	do(t, ctx, chromedp.Focus(chromedp.CSS(`fieldset[data-key="`+senior[0]+`"] summary`)), enter)
	waitFor(t, ctx, "the evidence box opens", `document.querySelector('fieldset[data-key="`+senior[0]+`"] details').open`)
	// Most of the note arrives as one insertion, as a paste does; the end is typed key by key,
	// which is what a reload straight after typing used to lose.
	typed := len(note) - 60
	do(t, ctx, chromedp.Focus(chromedp.CSS(`fieldset[data-key="`+senior[0]+`"] textarea`)),
		insertText(note[:typed]), chromedp.KeyEvent(note[typed:]))

	want := map[string]string{senior[0]: "consistently", senior[1]: "sometimes"}
	check := func(ctx context.Context, when string) {
		t.Helper()
		if got := shownRatings(t, ctx); !equalMaps(got, want) {
			t.Errorf("%s: ratings %v, want %v", when, got, want)
		}
		if got := shownNote(t, ctx, senior[0]); got != note {
			t.Errorf("%s: note %q, want %q", when, got, note)
		}
		if row := text(t, ctx, `#assess-areas tr[data-area="core"] td`); !strings.HasPrefix(row, "1 of ") {
			t.Errorf("%s: core shows %q for senior, want 1 of its expectations shown", when, row)
		}
	}
	// The page has every key once the box holds the whole note (DevTools hands keys over
	// before the page has handled them all).
	waitFor(t, ctx, "the box holds the whole note", `document.querySelector('fieldset[data-key="`+senior[0]+`"] textarea').value === `+jsString(note))
	check(ctx, "after rating")
	// Reloaded the moment the last key is in, before the page writes its address (it waits
	// for a pause in typing): what was typed is kept all the same.
	do(t, ctx, chromedp.Reload())
	waitFor(t, ctx, "the page is back", assessReady)
	check(ctx, "after a reload straight after typing")
	escaped := eval[string](t, ctx, `encodeURIComponent(`+jsString(note)+`)`)
	waitFor(t, ctx, "the whole note is in the address", `location.hash.includes(`+jsString(escaped)+`)`)
	hash := eval[string](t, ctx, `location.hash`)
	if len(hash) > len(escaped)+200 {
		t.Errorf("the address is %d characters long for two ratings and a note of %d: %s", len(hash), len(escaped), hash)
	}

	// Reload: the same address, then the page without any address state (local storage).
	do(t, ctx, chromedp.Reload())
	waitFor(t, ctx, "the page is back", assessReady)
	check(ctx, "after a reload")
	if n := text(t, ctx, "#assess-notice"); strings.Contains(n, "link") {
		t.Errorf("after a reload of our own assessment, the page says: %s", n)
	}
	openAssess(t, ctx, base)
	check(ctx, "opened again without the address")

	// The address carries everything to another browser, which shows it but keeps its own.
	href := eval[string](t, ctx, `location.href`)
	other := newTab(t)
	openAssess(t, other, href)
	check(other, "opened from the link in another browser")
	if n := text(t, other, "#assess-notice"); !strings.Contains(n, "You opened someone's link") {
		t.Errorf("opened from a link, the notice says %q", n)
	}
	if s := eval[string](t, other, `localStorage.getItem("rungs-assessment:/assess/") || ""`); s != "" {
		t.Errorf("a link was saved over the browser's own assessment: %s", s)
	}
	do(t, other, chromedp.Click(chromedp.ID("assess-keep")))
	waitFor(t, other, "it is saved when asked", `!!localStorage.getItem("rungs-assessment:/assess/")`)
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// bundledLadder loads the bundled framework and returns one of its ladders and its scale.
func bundledLadder(t *testing.T, id string) (*ladder.Framework, *ladder.Ladder, []string) {
	t.Helper()
	fsys, _ := frameworks.FS("engineering")
	f, diags, err := ladder.Load(fsys)
	if err != nil || diags.HasErrors() {
		t.Fatalf("load: %v %s", err, diags.Error())
	}
	var scale []string
	for _, r := range f.Scale {
		scale = append(scale, r.ID)
	}
	return f, f.Ladder(id), scale
}

// TestAssessGuidance rates whole levels and wants the page to read them as the Go engine does,
// naming the rule.
func TestAssessGuidance(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openAssess(t, ctx, root(t)+"assess/")
	pickSenior(t, ctx)
	_, eng, scale := bundledLadder(t, "engineering")

	// all rates a level's expectations: those in the areas named (by title) as strong, the
	// rest as rest.
	all := func(level, strong, rest string, areas ...string) map[string]string {
		// Each of the level's expectations, with the title of its area (in one call).
		areaOf := eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll('.assess-level[data-level="`+level+`"] fieldset.rate')]
			.map(f => [f.dataset.key, f.closest('.assess-area').getAttribute("aria-label").split(",")[0]]))`)
		m := map[string]string{}
		for k, area := range areaOf {
			m[k] = rest
			if slices.Contains(areas, area) {
				m[k] = strong
			}
		}
		return m
	}
	const rule = "Most of the level, in most areas, sustained"
	steps := []struct {
		name, reading, rule string
		ratings             map[string]string
	}{
		{"nothing rated", "do not read as any level yet", "", nil},
		{"all of senior consistently", "read as Senior Engineer", rule, all("senior", "consistently", "consistently")},
		{"staff's core and one other area", "read as Senior Engineer", rule, all("staff", "consistently", "sometimes", "Core", "Management")},
		{"and a third area", "read as Staff Engineer", rule, all("staff", "consistently", "sometimes", "Core", "Management", "Delighting people")},
	}
	rated := map[string]string{}
	for _, st := range steps {
		rateAll(t, ctx, st.ratings)
		for k, v := range st.ratings {
			rated[k] = v
		}
		waitFor(t, ctx, st.name+": the reading updates", `document.querySelector("#assess-reading").textContent.includes(`+jsString(st.reading)+`)`)
		if why := text(t, ctx, "#assess-why"); !strings.Contains(why, st.rule) {
			t.Errorf("%s: the page explains %q, want the rule %q", st.name, why, st.rule)
		}
		if c := text(t, ctx, "#assess-guidance .caveat"); !strings.Contains(c, "not a verdict") {
			t.Errorf("%s: no caveat that this is guidance: %q", st.name, c)
		}
		// The Go engine reads the same ratings the same way.
		res := guidance.Evaluate(guidance.Input{Ladder: guidance.FromLadder(eng), Scale: scale, Ratings: rated})
		want := "do not read as any level yet"
		if res.Level != "" {
			want = "read as " + eng.Level(res.Level).Title
		}
		if want != st.reading {
			t.Errorf("%s: Go reads %q (%s), the page %q", st.name, want, res.Rule, st.reading)
		}
	}

	// The management ladder uses points.
	selectOption(t, ctx, "#assess-ladder", "engineering-management")
	waitFor(t, ctx, "the management ladder is shown", `!!document.querySelector('.assess-level[data-level="manager"]')`)
	rateAll(t, ctx, all("manager", "consistently", "consistently"))
	waitFor(t, ctx, "the points read as manager", `document.querySelector("#assess-reading").textContent.includes("read as Engineering Manager")`)
	if why := text(t, ctx, "#assess-why"); !strings.Contains(why, "6 points") || !strings.Contains(why, "Senior Engineering Manager starts at 12") {
		t.Errorf("points explanation: %q", why)
	}
}

// TestAssessDownloadUpload downloads the assessment as JSON, changes it as an older framework
// would have written it, and uploads it into another browser.
func TestAssessDownloadUpload(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openAssess(t, ctx, root(t)+"assess/")
	pickSenior(t, ctx)
	senior, staff := assessKeys(t, ctx, "senior"), assessKeys(t, ctx, "staff")
	rateByClick(t, ctx, senior[0], "role-model")
	rateByClick(t, ctx, staff[2], "not-yet")
	do(t, ctx, chromedp.Click(chromedp.CSS(`fieldset[data-key="`+staff[2]+`"] summary`)),
		chromedp.Focus(chromedp.CSS(`fieldset[data-key="`+staff[2]+`"] textarea`)), chromedp.KeyEvent("Not had the chance yet"))
	waitFor(t, ctx, "the whole note is in the address", `location.hash.includes(encodeURIComponent("Not had the chance yet"))`)

	dir := t.TempDir()
	done := downloads(t, ctx, dir)
	do(t, ctx, chromedp.Click(chromedp.ID("assess-download")))
	file := waitForFile(t, dir, done)
	if !strings.HasPrefix(filepath.Base(file), "self-assessment-engineering-senior-") {
		t.Errorf("downloaded as %s", filepath.Base(file))
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var saved map[string]any
	if err := json.Unmarshal(raw, &saved); err != nil {
		t.Fatalf("the download is not JSON: %v\n%s", err, raw)
	}
	f, _, _ := bundledLadder(t, "engineering")
	version, err := site.FrameworkVersion(f)
	if err != nil {
		t.Fatal(err)
	}
	fw, _ := saved["framework"].(map[string]any)
	ratings, _ := saved["ratings"].(map[string]any)
	notes, _ := saved["notes"].(map[string]any)
	texts, _ := saved["texts"].(map[string]any)
	seen, _ := saved["seen"].([]any)
	switch {
	case saved["format"] != "rungs-assessment":
		t.Errorf("format %v", saved["format"])
	case fw["version"] != version:
		t.Errorf("made against version %v, want the framework's %s", fw["version"], version)
	case saved["ladder"] != "engineering" || saved["current"] != "senior" || saved["target"] != "staff":
		t.Errorf("ladder/current/target: %v %v %v", saved["ladder"], saved["current"], saved["target"])
	case ratings[senior[0]] != "role-model" || ratings[staff[2]] != "not-yet" || len(ratings) != 2:
		t.Errorf("ratings: %v", ratings)
	case notes[staff[2]] != "Not had the chance yet":
		t.Errorf("notes: %v", notes)
	case texts[senior[0]] == nil || len(texts[senior[0]].(string)) < 20:
		t.Errorf("the text of a rated expectation is not kept: %v", texts)
	}
	inSeen := map[any]bool{}
	for _, k := range seen {
		inSeen[k] = true
	}
	for _, k := range append(append([]string{}, senior...), staff...) {
		if !inSeen[k] {
			t.Errorf("seen does not list %s, which the page showed", k)
		}
	}

	// As an older framework would have written it: another version, an expectation that has
	// since gone, and one of today's staff expectations not there yet.
	const gone = "senior/keeps-the-old-pager-rota"
	saved["framework"] = map[string]any{"title": "Engineering Career Framework", "version": "0123456789ab"}
	ratings[gone] = "consistently"
	notes[gone] = "Ran the pager rota\nfor two years"
	texts[gone] = "Keeps the old pager rota running."
	var older []any
	for _, k := range seen {
		if k != staff[5] {
			older = append(older, k)
		}
	}
	saved["seen"] = older
	old, _ := json.MarshalIndent(saved, "", "  ")
	oldFile := filepath.Join(t.TempDir(), "older.json")
	if err := os.WriteFile(oldFile, old, 0o644); err != nil {
		t.Fatal(err)
	}

	other := newTab(t)
	openAssess(t, other, root(t)+"assess/")
	do(t, other, chromedp.SetUploadFiles(chromedp.CSS("#assess-upload"), []string{oldFile}))
	waitFor(t, other, "the upload opens", `!!document.querySelector("#assess-gone-list")`)
	if got := shownRatings(t, other); got[senior[0]] != "role-model" || got[staff[2]] != "not-yet" {
		t.Errorf("after the upload, ratings %v", got)
	}
	if got := shownNote(t, other, staff[2]); got != "Not had the chance yet" {
		t.Errorf("after the upload, note %q", got)
	}
	goneText := text(t, other, `#assess-gone-list li[data-key="`+gone+`"]`)
	for _, want := range []string{"Keeps the old pager rota running.", "you rated it Consistently", "Ran the pager rota\nfor two years"} {
		if !strings.Contains(goneText, want) {
			t.Errorf("the gone expectation reads %q, want %q in it", goneText, want)
		}
	}
	fresh := eval[[]string](t, other, `[...document.querySelectorAll(".fresh-tag")].map(e => e.closest("fieldset").dataset.key)`)
	if len(fresh) != 1 || fresh[0] != staff[5] {
		t.Errorf("marked new: %v, want only %s", fresh, staff[5])
	}
	if n := text(t, other, "#assess-notice"); !strings.Contains(n, "0123456789ab") || !strings.Contains(n, version) {
		t.Errorf("the notice does not name both versions: %q", n)
	}
	// Nothing is lost: what has gone stays in the saved assessment.
	kept := eval[map[string]any](t, other, `JSON.parse(localStorage.getItem("rungs-assessment:/assess/"))`)
	if r, _ := kept["ratings"].(map[string]any); r[gone] != "consistently" {
		t.Errorf("the saved assessment lost the gone rating: %v", kept["ratings"])
	}
	if n, _ := kept["notes"].(map[string]any); n[gone] != "Ran the pager rota\nfor two years" {
		t.Errorf("the saved assessment lost the gone note: %v", kept["notes"])
	}

	// A file that is not an assessment is refused, and what is open stays.
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"format": "something-else"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	do(t, other, chromedp.SetUploadFiles(chromedp.CSS("#assess-upload"), []string{bad}))
	waitFor(t, other, "the bad file is refused", `document.querySelector("#assess-status").textContent.includes("Could not read bad.json")`)
	if got := shownRatings(t, other); got[senior[0]] != "role-model" {
		t.Errorf("a refused file changed the ratings: %v", got)
	}
}

// downloads lets the tab save downloads into dir, and returns a channel that is closed when
// one has been written whole: the file can be there, still empty, before the browser is done.
func downloads(t *testing.T, ctx context.Context, dir string) <-chan struct{} {
	t.Helper()
	done := make(chan struct{})
	var once sync.Once
	if err := chromedp.ListenBrowser(ctx, func(ev any) {
		if ev, ok := ev.(*browser.EventDownloadProgress); ok && ev.State == browser.DownloadProgressStateCompleted {
			once.Do(func() { close(done) })
		}
	}); err != nil {
		t.Fatal(err)
	}
	events := true
	if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &events,
		BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
	}); err != nil {
		t.Fatalf("allow downloads: %v", err)
	}
	return done
}

// waitForFile waits until the browser has finished a download, then returns the file in dir.
func waitForFile(t *testing.T, dir string, done <-chan struct{}) string {
	t.Helper()
	select {
	case <-done:
	case <-time.After(time.Minute): // a bound for a download that never ends, not a timing
		entries, _ := os.ReadDir(dir)
		t.Fatalf("no finished download in %s after a minute (%d entries)", dir, len(entries))
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("%d JSON files in %s after the download, want 1", len(files), dir)
	}
	return files[0]
}

// radarPoints reads the vertices of one series of the radar chart.
func radarPoints(t *testing.T, ctx context.Context, series string) [][2]float64 {
	t.Helper()
	return eval[[][2]float64](t, ctx, `document.querySelector('#assess-radar-svg polygon[data-series="`+series+`"]').getAttribute("points").split(" ").map(p => p.split(",").map(Number))`)
}

func TestAssessRadar(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	openAssess(t, ctx, root(t)+"assess/")
	pickSenior(t, ctx)
	waitFor(t, ctx, "the chart is drawn", `!!document.querySelector("#assess-radar-svg")`)
	axes := eval[[]string](t, ctx, `[...document.querySelectorAll("#assess-radar-svg text")].map(t => t.textContent)`)
	if len(axes) != 6 || axes[0] != "Core" || axes[5] != "Enabling traits" {
		t.Fatalf("axes %q, want the six areas starting with Core", axes)
	}
	expected := radarPoints(t, ctx, "expected")
	if len(expected) != 6 {
		t.Fatalf("the expected shape has %d vertices", len(expected))
	}
	// The chart is 360 wide with radius 120; the scale has four steps (0-3) and the expected
	// shape sits on "consistently" (2): the Core vertex is straight up, 80 above the centre.
	if x, y := expected[0][0], expected[0][1]; x != 180 || y != 100 {
		t.Errorf("expected Core vertex at (%g,%g), want (180,100)", x, y)
	}
	before := radarPoints(t, ctx, "senior")
	for _, p := range before {
		if p != [2]float64{180, 180} {
			t.Fatalf("with nothing rated, senior's shape should sit at the centre: %v", before)
		}
	}
	if s := radarPoints(t, ctx, "staff"); len(s) != 6 {
		t.Errorf("staff's shape has %d vertices", len(s))
	}

	// Rating every Core expectation of senior "role model" pulls the Core vertex to the rim.
	core := map[string]string{}
	for _, k := range eval[[]string](t, ctx, `[...document.querySelectorAll('.assess-level[data-level="senior"] [aria-label^="Core,"] fieldset.rate')].map(f => f.dataset.key)`) {
		core[k] = "role-model"
	}
	rateAll(t, ctx, core)
	waitFor(t, ctx, "the chart redraws", `document.querySelector('#assess-radar-svg polygon[data-series="senior"]').getAttribute("points").split(" ")[0] === "180.0,60.0"`)
	after := radarPoints(t, ctx, "senior")
	for i := 1; i < 6; i++ {
		if after[i] != before[i] {
			t.Errorf("vertex %d (%s) moved from %v to %v though only Core was rated", i, axes[i], before[i], after[i])
		}
	}
	if d := text(t, ctx, "#assess-radar-svg desc"); !strings.Contains(d, "Senior Engineer: Core 3.0") {
		t.Errorf("the chart's description does not give the values: %q", d)
	}
	// What to work on next comes from the target level's lowest ratings.
	staff := assessKeys(t, ctx, "staff")
	rateAll(t, ctx, map[string]string{staff[3]: "sometimes", staff[7]: "not-yet", staff[1]: "consistently"})
	waitFor(t, ctx, "the list of what to work on", `!!document.querySelector("#assess-next-list")`)
	next := eval[[]string](t, ctx, `[...document.querySelectorAll("#assess-next-list li")].map(l => l.dataset.key)`)
	if len(next) != 2 || next[0] != staff[7] || next[1] != staff[3] {
		t.Errorf("work on next: %v, want %s (not yet) then %s (sometimes)", next, staff[7], staff[3])
	}
}

func TestAssessPhoneAndPrint(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	do(t, ctx, phone())
	openAssess(t, ctx, root(t)+"assess/")
	pickSenior(t, ctx)
	if over := eval[int](t, ctx, pageOverflow); over > 0 {
		wide := eval[[]string](t, ctx, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + "." + e.className.baseVal !== undefined ? e.className.baseVal : e.className)`)
		t.Errorf("the page scrolls sideways by %dpx on a phone; too wide: %q", over, wide)
	}
	key := assessKeys(t, ctx, "senior")[0]
	rateByClick(t, ctx, key, "sometimes")
	do(t, ctx, emulateMedia("print"))
	display := eval[map[string]string](t, ctx, `Object.fromEntries([
		["setup", ".assess-setup"], ["tools", ".assess-tools"], ["rate", "fieldset.rate"],
		["chosen", 'fieldset[data-key="`+key+`"] input:checked + label'],
		["other", 'fieldset[data-key="`+key+`"] input[value="role-model"] + label'],
		["radar", "#assess-radar-svg"]].map(([k, s]) => [k, getComputedStyle(document.querySelector(s)).display]))`)
	for k, want := range map[string]bool{"setup": false, "tools": false, "rate": true, "chosen": true, "other": false, "radar": true} {
		if shown := display[k] != "none"; shown != want {
			t.Errorf("printed, %s shown=%v, want %v", k, shown, want)
		}
	}
}
