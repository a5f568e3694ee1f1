package browsertest

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// The browser tests drive the bundled engineering framework, served by site.NewHandler, in
// headless Chromium. Each waits for a condition in the page rather than for a fixed time.

// do runs actions, failing the test on the first error.
func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// eval evaluates a JavaScript expression in the page and decodes its value.
func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// waitFor waits until a JavaScript expression is truthy in the page, which checks it every
// few milliseconds; when a navigation replaces the page while it waits, the new page is
// asked. (chromedp.Poll can ask a page that is already gone.)
func waitFor(t *testing.T, ctx context.Context, what, js string) {
	t.Helper()
	const timeout = 30 * time.Second // a bound for a page that never gets there, not a timing
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline).Milliseconds()
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise(resolve => {
			const end = Date.now() + `+strconv.FormatInt(left, 10)+`;
			const check = () => {
				if (`+js+`) resolve(true);
				else if (Date.now() > end) resolve(false);
				else setTimeout(check, 10);
			};
			check();
		})`, chromedp.EvalAwaitPromise))
		var exc *chromedp.ExceptionError
		switch {
		case err == nil && ok:
			return
		case err == nil:
			t.Fatalf("waited %s, and still not %s (%s)", timeout, what, js)
		case errors.As(err, &exc):
			t.Fatalf("waiting until %s (%s): %v", what, js, err)
		case time.Now().After(deadline):
			t.Fatalf("waiting until %s (%s): %v", what, js, err)
		}
		select { // the page went away while it was asked; give the next one a moment to start
		case <-ctx.Done():
			t.Fatalf("waiting until %s: %v", what, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// clickAndLoad clicks the first element matching a CSS selector and waits for the page it
// leads to; it returns the HTTP status of that page.
func clickAndLoad(t *testing.T, ctx context.Context, css string) int64 {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css)))
	if err != nil {
		t.Fatalf("click %s: %v", css, err)
	}
	return resp.Status
}

// navigate loads a page and returns its HTTP status.
func navigate(t *testing.T, ctx context.Context, u string) int64 {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(u))
	if err != nil {
		t.Fatalf("navigate to %s: %v", u, err)
	}
	return resp.Status
}

// pathOf is the path and query of the page's address.
func pathOf(t *testing.T, ctx context.Context) string {
	t.Helper()
	return eval[string](t, ctx, `location.pathname + location.search`)
}

// preferColorScheme makes the page's system preference light or dark, so theme tests do not
// depend on the machine's setting.
func preferColorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// emulateMedia switches the page's CSS media type ("print", or "" for the default).
func emulateMedia(media string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
		return err
	})
}

// selectOption picks an option of a <select> the way a reader's choice does: the value
// changes and a change event fires. (Native select pop-ups cannot be driven by clicks in
// headless Chromium.)
func selectOption(t *testing.T, ctx context.Context, css, value string) {
	t.Helper()
	ok := eval[bool](t, ctx, `(() => {
		const s = document.querySelector(`+jsString(css)+`);
		if (!s || ![...s.options].some(o => o.value === `+jsString(value)+`)) return false;
		s.value = `+jsString(value)+`;
		s.dispatchEvent(new Event("input", {bubbles: true}));
		s.dispatchEvent(new Event("change", {bubbles: true}));
		return true;
	})()`)
	if !ok {
		t.Fatalf("no option %q in %s", value, css)
	}
}

// press presses one key the way a keyboard does: a keyDown that carries the key's text, so
// that a page which cancels the keydown also cancels the typing. (chromedp.KeyEvent sends the
// text as a separate char event, which no keydown handler can cancel.)
func press(key, code string, keyCode int64, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for _, typ := range []input.DispatchKeyEventType{input.DispatchKeyEventTypeKeyDown, input.DispatchKeyEventTypeKeyUp} {
			ev := input.DispatchKeyEventParams{Type: typ, Key: key, Code: code, WindowsVirtualKeyCode: keyCode, NativeVirtualKeyCode: keyCode}
			if typ == input.DispatchKeyEventTypeKeyDown {
				ev.Text, ev.UnmodifiedText = text, text
			}
			if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, ev); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertText puts text in the focused box in one step, as pasting does: one input event.
func insertText(text string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Call(ctx, input.InsertText, input.InsertTextParams{Text: text})
		return err
	})
}

// slash and enter are the keys the tests press.
var (
	slash = press("/", "Slash", 191, "/")
	enter = press("Enter", "Enter", 13, "\r")
)

// typeInto replaces what a text box holds by typing, as a reader does: focus it, select all,
// delete, type. Every step fires the events a real keyboard fires.
func typeInto(t *testing.T, ctx context.Context, id, text string) {
	t.Helper()
	do(t, ctx, chromedp.Focus(chromedp.ID(id)))
	if eval[string](t, ctx, `document.activeElement.id`) != id {
		t.Fatalf("cannot focus #%s", id)
	}
	do(t, ctx, chromedp.Evaluate[chromedp.Void](`document.activeElement.select()`),
		press("Backspace", "Backspace", 8, ""), chromedp.KeyEvent(text))
	if v := eval[string](t, ctx, `document.activeElement.value`); v != text {
		t.Fatalf("typed %q into #%s, which holds %q", text, id, v)
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\r", `\r`, "\u2028", `\u2028`, "\u2029", `\u2029`)
	return `"` + r.Replace(s) + `"`
}

func TestNavigation(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	base := root(t)
	if status := navigate(t, ctx, base); status != 200 {
		t.Fatalf("home: status %d", status)
	}

	// Home -> the Engineering ladder's card -> a level card.
	clickAndLoad(t, ctx, `.ladder-card h3 a[href$="/ladders/engineering/"]`)
	if got := pathOf(t, ctx); got != "/ladders/engineering/" {
		t.Fatalf("after clicking the Engineering card: at %s", got)
	}
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`); h1 != "Engineering" {
		t.Errorf("ladder page h1 = %q, want Engineering", h1)
	}
	clickAndLoad(t, ctx, `.cards .card a[href$="/ladders/engineering/senior/"]`)
	if got := pathOf(t, ctx); got != "/ladders/engineering/senior/" {
		t.Fatalf("after clicking the Senior Engineer card: at %s", got)
	}
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`); h1 != "Senior Engineer" {
		t.Errorf("level page h1 = %q, want Senior Engineer", h1)
	}
	current := eval[[]string](t, ctx, `[...document.querySelectorAll('nav.side [aria-current="page"]')].map(a => a.textContent + " " + a.getAttribute("href"))`)
	if len(current) != 1 || current[0] != "Senior Engineer /ladders/engineering/senior/" {
		t.Errorf("side navigation marks %q as current, want only Senior Engineer", current)
	}
	header := eval[[]string](t, ctx, `[...document.querySelectorAll('.site-nav [aria-current="page"]')].map(a => a.textContent)`)
	if len(header) != 1 || header[0] != "Engineering" {
		t.Errorf("header navigation marks %q as current, want Engineering", header)
	}
	title := eval[string](t, ctx, `document.title`)
	if !strings.HasPrefix(title, "Senior Engineer · ") {
		t.Errorf("title = %q", title)
	}

	// Previous and next levels.
	prevnext := eval[map[string]string](t, ctx, `Object.fromEntries([...document.querySelectorAll(".prevnext a")].map(a => [a.className + " " + a.rel, a.getAttribute("href")]))`)
	want := map[string]string{"prev prev": "/ladders/engineering/engineer/", "next next": "/ladders/engineering/staff/"}
	for k, v := range want {
		if prevnext[k] != v {
			t.Errorf("neighbouring levels: %q links to %q, want %q (all: %v)", k, prevnext[k], v, prevnext)
		}
	}
	clickAndLoad(t, ctx, `.prevnext a.next`)
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`); h1 != "Staff Engineer" {
		t.Errorf("after Level above: h1 = %q, want Staff Engineer", h1)
	}
	clickAndLoad(t, ctx, `.prevnext a.prev`)
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`); h1 != "Senior Engineer" {
		t.Errorf("after Level below: h1 = %q, want Senior Engineer", h1)
	}

	// The lowest and highest levels have only one neighbour.
	navigate(t, ctx, base+"ladders/engineering/associate/")
	if n := eval[int](t, ctx, `document.querySelectorAll(".prevnext a.prev").length`); n != 0 {
		t.Errorf("the lowest level has %d links to a level below", n)
	}
	navigate(t, ctx, base+"ladders/engineering/principal/")
	if n := eval[int](t, ctx, `document.querySelectorAll(".prevnext a.next").length`); n != 0 {
		t.Errorf("the highest level has %d links to a level above", n)
	}

	// An unknown address gets the 404 page, styled, with a way back.
	if status := navigate(t, ctx, base+"ladders/engineering/no-such-level/deeper/"); status != 404 {
		t.Errorf("unknown path: status %d, want 404", status)
	}
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`); h1 != "Page not found" {
		t.Errorf("404 page h1 = %q", h1)
	}
	styled := eval[bool](t, ctx, `getComputedStyle(document.querySelector(".site-header")).borderBottomStyle === "solid"`)
	if !styled {
		t.Error("the 404 page at a nested path has no stylesheet")
	}
	clickAndLoad(t, ctx, `main a[href="/"]`)
	if got := pathOf(t, ctx); got != "/" {
		t.Errorf("the 404 page's link to the start leads to %s", got)
	}
}

// compareResult is what the compare page shows, read from the DOM.
type compareResult struct {
	Heading string        `json:"heading"`
	Summary string        `json:"summary"`
	Areas   []compareArea `json:"areas"`
}

type compareArea struct {
	Title   string   `json:"title"`
	Columns []string `json:"columns"` // the column headings, such as "New (2)"
	Counts  []int    `json:"counts"`  // the items in each column
}

const readCompare = `(() => {
	const out = document.querySelector("#compare-result");
	return {
		heading: (out.querySelector("h2") || {}).textContent || "",
		summary: (out.querySelector(".cmp-summary") || {}).textContent || "",
		areas: [...out.querySelectorAll(".cmp-area")].map(s => ({
			title: s.querySelector("h3").textContent,
			columns: [...s.querySelectorAll(".cmp-col h4")].map(h => h.textContent),
			counts: [...s.querySelectorAll(".cmp-col")].map(c => c.querySelectorAll(":scope > ul > li").length),
		})),
	};
})()`

// checkCompare checks the shape of a comparison: every area has the three columns, each
// heading counts its items, and the summary adds them up. It returns the totals.
func checkCompare(t *testing.T, r compareResult) (added, grown, dropped int) {
	t.Helper()
	if len(r.Areas) == 0 {
		t.Fatalf("comparison shows no areas: %+v", r)
	}
	for _, a := range r.Areas {
		if len(a.Columns) != 3 {
			t.Fatalf("area %s has columns %q, want New, Grown, No longer listed", a.Title, a.Columns)
		}
		for i, name := range []string{"New", "Grown", "No longer listed"} {
			if !strings.HasPrefix(a.Columns[i], name+" (") {
				t.Errorf("area %s column %d = %q, want %s (n)", a.Title, i, a.Columns[i], name)
			}
			if want := name + " (" + strconv.Itoa(a.Counts[i]) + ")"; a.Columns[i] != want {
				t.Errorf("area %s: heading %q but %d items listed", a.Title, a.Columns[i], a.Counts[i])
			}
		}
		added += a.Counts[0]
		grown += a.Counts[1]
		dropped += a.Counts[2]
	}
	want := strconv.Itoa(added) + " new, " + strconv.Itoa(grown) + " grown, " + strconv.Itoa(dropped) + " no longer listed."
	if r.Summary != want {
		t.Errorf("summary = %q, want %q", r.Summary, want)
	}
	return added, grown, dropped
}

// query is the compare page's a and b parameters.
func query(t *testing.T, ctx context.Context) (a, b string) {
	t.Helper()
	u, err := url.Parse(eval[string](t, ctx, `location.href`))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("a"), u.Query().Get("b")
}

func TestComparePicker(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	base := root(t)
	navigate(t, ctx, base+"compare/")
	if n := eval[int](t, ctx, `document.querySelectorAll("#compare-result .cmp-area").length`); n != 0 {
		t.Fatalf("compare page shows %d areas before anything is picked", n)
	}
	selectOption(t, ctx, "#compare-a", "engineering/engineer")
	selectOption(t, ctx, "#compare-b", "engineering/senior")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#compare-form button[type="submit"]`)))
	waitFor(t, ctx, "the comparison shows", `document.querySelector("#compare-result .cmp-summary")`)
	r := eval[compareResult](t, ctx, readCompare)
	if r.Heading != "From Engineer (Engineering) to Senior Engineer (Engineering)" {
		t.Errorf("heading = %q", r.Heading)
	}
	added, grown, _ := checkCompare(t, r)
	if added+grown == 0 {
		t.Error("moving up from Engineer to Senior Engineer shows nothing new or grown")
	}
	if a, b := query(t, ctx); a != "engineering/engineer" || b != "engineering/senior" {
		t.Errorf("address has a=%q b=%q, want the picked levels", a, b)
	}
	if got := pathOf(t, ctx); !strings.HasPrefix(got, "/compare/?") {
		t.Errorf("address is %s, want /compare/?a=..&b=..", got)
	}
}

func TestCompareFromAddress(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	navigate(t, ctx, root(t)+"compare/?a=engineering/senior&b=engineering/staff")
	waitFor(t, ctx, "the comparison shows", `document.querySelector("#compare-result .cmp-summary")`)
	if a, b := eval[string](t, ctx, `document.querySelector("#compare-a").value`), eval[string](t, ctx, `document.querySelector("#compare-b").value`); a != "engineering/senior" || b != "engineering/staff" {
		t.Errorf("pickers show %q and %q, want the levels from the address", a, b)
	}
	before := eval[compareResult](t, ctx, readCompare)
	if before.Heading != "From Senior Engineer (Engineering) to Staff Engineer (Engineering)" {
		t.Errorf("heading = %q", before.Heading)
	}
	added, _, dropped := checkCompare(t, before)

	// Swap turns the comparison around: what was new is no longer listed, and back.
	do(t, ctx, chromedp.Click(chromedp.ID("compare-swap")))
	waitFor(t, ctx, "the swapped comparison shows", `(document.querySelector("#compare-result h2") || {}).textContent === "From Staff Engineer (Engineering) to Senior Engineer (Engineering)"`)
	after := eval[compareResult](t, ctx, readCompare)
	added2, _, dropped2 := checkCompare(t, after)
	if added2 != dropped || dropped2 != added {
		t.Errorf("after Swap: %d new and %d no longer listed, want %d and %d", added2, dropped2, dropped, added)
	}
	if a, b := query(t, ctx); a != "engineering/staff" || b != "engineering/senior" {
		t.Errorf("after Swap the address has a=%q b=%q", a, b)
	}
}

func TestCompareAcrossLadders(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	navigate(t, ctx, root(t)+"compare/?a=engineering/senior&b=engineering-management/manager")
	waitFor(t, ctx, "the comparison shows", `document.querySelector("#compare-result .cmp-summary") || /Could not|Pick two/.test(document.querySelector("#compare-result").textContent)`)
	r := eval[compareResult](t, ctx, readCompare)
	if r.Heading != "From Senior Engineer (Engineering) to Engineering Manager (Engineering Management)" {
		t.Fatalf("heading = %q (result: %q)", r.Heading, eval[string](t, ctx, `document.querySelector("#compare-result").textContent`))
	}
	// Two ladders name their expectations independently: the levels stand side by side, area
	// by area, rather than as a diff that calls everything new.
	if !strings.HasPrefix(r.Summary, "Two ladders, side by side by area:") {
		t.Errorf("summary = %q, want the side-by-side view", r.Summary)
	}
	for _, a := range r.Areas {
		if len(a.Columns) != 2 || !strings.HasPrefix(a.Columns[0], "Senior Engineer (") || !strings.HasPrefix(a.Columns[1], "Engineering Manager (") {
			t.Errorf("area %s has columns %q, want Senior Engineer and Engineering Manager", a.Title, a.Columns)
		}
	}
	if len(r.Areas) < 5 {
		t.Errorf("%d areas side by side, want the five or six both ladders have", len(r.Areas))
	}
	// Both levels' links lead to their pages.
	links := eval[[]string](t, ctx, `[...document.querySelectorAll("#compare-result .meta a")].map(a => a.getAttribute("href"))`)
	if strings.Join(links, " ") != "/ladders/engineering/senior/ /ladders/engineering-management/manager/" {
		t.Errorf("level links = %q", links)
	}
}

// TestCompareTrack picks a track: only its expectations and the shared ones are compared, and
// each track's expectation says which track it belongs to.
func TestCompareTrack(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	navigate(t, ctx, root(t)+"compare/?a=engineering/engineer&b=engineering/senior")
	waitFor(t, ctx, "the comparison shows", `document.querySelector("#compare-result .cmp-summary")`)
	if kind := text(t, ctx, "#compare-result .cmp-kind"); !strings.HasPrefix(kind, "What it takes to move up from Engineer to Senior Engineer") {
		t.Errorf("adjacent levels: %q, want what it takes to move up", kind)
	}
	all := eval[[]string](t, ctx, `[...document.querySelectorAll("#compare-result li[data-track]")].map(li => li.dataset.track + ":" + li.querySelector(".badge").textContent)`)
	tracks := map[string]bool{}
	for _, x := range all {
		tracks[x] = true
	}
	if !tracks["sre:Site Reliability"] || !tracks["product:Product Engineering"] {
		t.Fatalf("every track: labelled items %q, want Site Reliability and Product Engineering among them", all)
	}
	selectOption(t, ctx, "#compare-track", "sre")
	waitFor(t, ctx, "the comparison shows only SRE", `[...document.querySelectorAll("#compare-result li[data-track]")].every(li => li.dataset.track === "sre") && document.querySelector("#compare-result li[data-track]")`)
	if u := eval[string](t, ctx, `new URL(location.href).searchParams.get("track")`); u != "sre" {
		t.Errorf("address has track=%q, want sre", u)
	}
	selectOption(t, ctx, "#compare-track", "-")
	waitFor(t, ctx, "the comparison shows only shared items", `!document.querySelector("#compare-result li[data-track]") && document.querySelector("#compare-result .cmp-col li")`)
	// The track comes back from the address.
	navigate(t, ctx, root(t)+"compare/?a=engineering/engineer&b=engineering/senior&track=quality")
	waitFor(t, ctx, "the comparison shows only QE", `document.querySelector("#compare-result .cmp-summary") && document.querySelector("#compare-track").value === "quality" && [...document.querySelectorAll("#compare-result li[data-track]")].every(li => li.dataset.track === "quality")`)
}

func TestSearch(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	base := root(t)

	// "/" focuses the header's search box on any page, without typing the slash.
	for _, page := range []string{"", "ladders/engineering/senior/", "matrix/engineering/"} {
		navigate(t, ctx, base+page)
		if id := eval[string](t, ctx, `document.activeElement ? document.activeElement.id : ""`); id == "site-search" {
			t.Fatalf("%s: search box focused before / was pressed", page)
		}
		do(t, ctx, slash)
		if id := eval[string](t, ctx, `document.activeElement.id`); id != "site-search" {
			t.Errorf("/%s: after pressing /, focus is on %q, want #site-search", page, id)
		}
		if v := eval[string](t, ctx, `document.querySelector("#site-search").value`); v != "" {
			t.Errorf("/%s: pressing / typed %q into the search box", page, v)
		}
	}

	// Typing in the header box and pressing Enter opens the search page with results.
	typeInto(t, ctx, "site-search", "incident")
	if _, err := chromedp.RunResponse(ctx, enter); err != nil {
		t.Fatal(err)
	}
	if got := pathOf(t, ctx); got != "/search/?q=incident" {
		t.Fatalf("Enter in the search box led to %s", got)
	}
	waitFor(t, ctx, "results appear", `document.querySelector("#search-results").dataset.shown > 0`)
	if v := eval[string](t, ctx, `document.querySelector("#search-q").value`); v != "incident" {
		t.Errorf("search page box = %q", v)
	}
	// Ten results are listed at first; "Show more results" lists the next ten, to the last.
	count := eval[string](t, ctx, `document.querySelector("#search-count").textContent`)
	total, err := strconv.Atoi(strings.TrimSuffix(count, " results"))
	if err != nil || total <= 10 {
		t.Fatalf("count says %q; this test needs more than ten results", count)
	}
	for shown := 10; ; shown = min(shown+10, total) {
		if n := eval[int](t, ctx, `document.querySelectorAll("#search-results li").length`); n != shown {
			t.Fatalf("%d results listed, want %d of %d", n, shown, total)
		}
		more := eval[bool](t, ctx, `document.querySelector("#search-more").checkVisibility()`)
		if more != (shown < total) {
			t.Fatalf("with %d of %d results listed, Show more results is shown: %v", shown, total, more)
		}
		if !more {
			break
		}
		do(t, ctx, chromedp.Click(chromedp.ID("search-more")))
		waitFor(t, ctx, "more results are listed", `document.querySelector("#search-results").dataset.shown == `+strconv.Itoa(min(shown+10, total)))
	}

	// A result for an expectation leads to its anchor on the level page.
	hrefs := eval[[]string](t, ctx, `[...document.querySelectorAll("#search-results li a")].map(a => a.href)`)
	var target string
	for _, h := range hrefs {
		if strings.Contains(h, "/ladders/") && strings.Contains(h, "#") {
			target = h
			break
		}
	}
	if target == "" {
		t.Fatalf("no result links to an expectation: %q", hrefs)
	}
	clickAndLoad(t, ctx, `#search-results li a[href="`+strings.TrimPrefix(target, strings.TrimSuffix(base, "/"))+`"]`)
	got := eval[map[string]string](t, ctx, `(() => {
		const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
		return el ? {tag: el.tagName, cls: el.className, target: String(el.matches(":target")), text: el.textContent} : {};
	})()`)
	if got["tag"] != "LI" || got["cls"] != "exp" || got["target"] != "true" {
		t.Fatalf("%s: anchor is %v, want the expectation's li.exp", target, got)
	}
	if !strings.Contains(strings.ToLower(got["text"]), "incident") {
		t.Errorf("%s: the expectation does not mention the search term: %q", target, got["text"])
	}

	// A level's introduction is searched too, and the result quotes it, the match marked.
	navigate(t, ctx, base+"search/?q=mentoring")
	waitFor(t, ctx, "results appear", `document.querySelector("#search-results").dataset.shown > 0`)
	type result struct {
		Title, Snippet, Mark string
	}
	found := eval[[]result](t, ctx, `[...document.querySelectorAll("#search-results li")].map(li => ({
		Title: li.querySelector("a").textContent,
		Snippet: (li.querySelector(".snippet") || {}).textContent || "",
		Mark: (li.querySelector(".snippet mark") || {}).textContent || "",
	}))`)
	var senior *result
	for i, r := range found {
		if r.Title == "Senior Engineer (EN3)" {
			senior = &found[i]
		}
	}
	if senior == nil {
		t.Fatalf(`"mentoring" does not find Senior Engineer, whose introduction has it: %+v`, found)
	}
	if senior.Mark != "mentoring" || !strings.Contains(senior.Snippet, "reviews, mentoring and example") {
		t.Errorf(`"mentoring": Senior Engineer quotes %q with %q marked`, senior.Snippet, senior.Mark)
	}

	// A search with no match says so.
	navigate(t, ctx, base+"search/?q=zzzzqqq")
	waitFor(t, ctx, "the page says nothing matches", `/Nothing matches/.test(document.querySelector("#search-count").textContent)`)
	if n := eval[int](t, ctx, `document.querySelectorAll("#search-results li").length`); n != 0 {
		t.Errorf("%d results for nonsense", n)
	}
}

// theme is the state of the page's theme.
type theme struct {
	Attr       string `json:"attr"`
	Background string `json:"background"`
	Stored     string `json:"stored"`
	Label      string `json:"label"`
}

const readTheme = `({
	attr: document.documentElement.getAttribute("data-theme") || "",
	background: getComputedStyle(document.body).backgroundColor,
	stored: localStorage.getItem("rungs-theme") || "",
	label: document.querySelector(".theme-toggle").getAttribute("aria-label"),
})`

func TestDarkToggle(t *testing.T) {
	t.Parallel()
	for _, system := range []string{"light", "dark"} {
		t.Run("system "+system, func(t *testing.T) {
			other := map[string]string{"light": "dark", "dark": "light"}[system]
			ctx := newTab(t)
			do(t, ctx, preferColorScheme(system), chromedp.Navigate(root(t)+"ladders/engineering/senior/"))
			before := eval[theme](t, ctx, readTheme)
			if before.Attr != "" || before.Stored != "" {
				t.Fatalf("a fresh reader already has a theme: %+v", before)
			}
			if before.Label != "Switch to "+other+" theme" {
				t.Errorf("toggle label = %q", before.Label)
			}
			do(t, ctx, chromedp.Click(chromedp.CSS(".theme-toggle")))
			after := eval[theme](t, ctx, readTheme)
			if after.Attr != other || after.Stored != other {
				t.Fatalf("after the toggle: %+v, want data-theme and storage %q", after, other)
			}
			if after.Background == before.Background {
				t.Errorf("body background stayed %s after switching to %s", after.Background, other)
			}
			if after.Label != "Switch to "+system+" theme" {
				t.Errorf("toggle label after switching = %q", after.Label)
			}

			// The choice survives a reload and applies on other pages.
			do(t, ctx, chromedp.Reload())
			reloaded := eval[theme](t, ctx, readTheme)
			if reloaded != after {
				t.Errorf("after reload: %+v, want %+v", reloaded, after)
			}
			do(t, ctx, chromedp.Navigate(root(t)+"matrix/engineering/"))
			if got := eval[theme](t, ctx, readTheme); got.Attr != other || got.Background != after.Background {
				t.Errorf("another page: %+v, want the %s theme", got, other)
			}

			// And the toggle switches back.
			do(t, ctx, chromedp.Click(chromedp.CSS(".theme-toggle")))
			back := eval[theme](t, ctx, readTheme)
			if back.Attr != system || back.Background != before.Background {
				t.Errorf("toggled back: %+v, want the %s look again (%s)", back, system, before.Background)
			}
		})
	}
}

// phone emulates a phone-sized screen.
func phone() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(375, 740, chromedp.EmulateMobile, chromedp.EmulateTouch)
}

const pageOverflow = `document.documentElement.scrollWidth - document.documentElement.clientWidth`

func TestPhoneLevelPage(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	base := root(t)
	do(t, ctx, phone())
	for _, page := range []string{"", "ladders/engineering/", "ladders/engineering/senior/", "ladders/engineering-management/director/", "compare/?a=engineering/senior&b=engineering/staff", "crosswalk/", "search/?q=incident", "pages/faq/", "no/such/page/"} {
		navigate(t, ctx, base+page)
		switch {
		case strings.HasPrefix(page, "compare/"):
			waitFor(t, ctx, "the comparison shows", `document.querySelector("#compare-result .cmp-summary")`)
		case strings.HasPrefix(page, "search/"):
			waitFor(t, ctx, "results appear", `document.querySelectorAll("#search-results li").length > 0`)
		}
		if w := eval[int](t, ctx, `document.documentElement.clientWidth`); w != 375 {
			t.Fatalf("/%s: viewport is %d wide, want 375", page, w)
		}
		if over := eval[int](t, ctx, pageOverflow); over > 0 {
			wide := eval[[]string](t, ctx, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + "." + e.className)`)
			t.Errorf("/%s: the page scrolls sideways by %dpx on a phone; too wide: %q", page, over, wide)
		}
	}
}

func TestPhoneMatrix(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	do(t, ctx, phone())
	navigate(t, ctx, root(t)+"matrix/engineering/")
	if over := eval[int](t, ctx, pageOverflow); over > 0 {
		t.Errorf("the matrix page scrolls sideways by %dpx; the grid should scroll inside its box", over)
	}
	type scroll struct {
		Scrollable   bool    `json:"scrollable"`
		ScrollLeft   float64 `json:"scrollLeft"`
		RowHeadMoved float64 `json:"rowHeadMoved"`
		CellMoved    float64 `json:"cellMoved"`
		ColHeadMoved float64 `json:"colHeadMoved"`
		BodyMoved    float64 `json:"bodyMoved"`
		Position     string  `json:"position"`
	}
	s := eval[scroll](t, ctx, `(() => {
		const wrap = document.querySelector(".matrix-wrap");
		const head = wrap.querySelector("tbody tr[data-area] th[scope=row]");
		const cell = head.parentElement.querySelector("td");
		const col = wrap.querySelector("thead th[data-level]");
		const x = e => e.getBoundingClientRect().left, y = e => e.getBoundingClientRect().top;
		const h0 = x(head), c0 = x(cell);
		wrap.scrollLeft = 300;
		const h1 = x(head), c1 = x(cell);
		const t0 = y(col), b0 = y(cell);
		wrap.scrollTop = 400;
		return {
			scrollable: wrap.scrollWidth > wrap.clientWidth,
			scrollLeft: wrap.scrollLeft,
			rowHeadMoved: h1 - h0, cellMoved: c1 - c0,
			colHeadMoved: y(col) - t0, bodyMoved: y(cell) - b0,
			position: getComputedStyle(head).position,
		};
	})()`)
	if !s.Scrollable || s.ScrollLeft < 299 {
		t.Fatalf("the matrix does not scroll sideways inside .matrix-wrap: %+v", s)
	}
	if s.Position != "sticky" || s.RowHeadMoved < -0.5 || s.RowHeadMoved > 0.5 {
		t.Errorf("the area column is not sticky: position %s, moved %.1fpx when the grid scrolled", s.Position, s.RowHeadMoved)
	}
	if s.CellMoved > -299 {
		t.Errorf("the level cells moved %.1fpx when the grid scrolled 300px", s.CellMoved)
	}
	if s.BodyMoved > -1 || s.ColHeadMoved < -0.5 || s.ColHeadMoved > 0.5 {
		t.Errorf("the level headers do not stay in view: rows moved %.1fpx, headers %.1fpx", s.BodyMoved, s.ColHeadMoved)
	}
}

func TestMatrixFilters(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	navigate(t, ctx, root(t)+"matrix/engineering/")
	visible := func(css string, attr string) []string {
		t.Helper()
		return eval[[]string](t, ctx, `[...document.querySelectorAll(`+jsString(css)+`)].filter(e => e.getClientRects().length > 0).map(e => e.getAttribute(`+jsString(attr)+`) || "")`)
	}
	allAreas := visible(".matrix tr[data-area]", "data-area")
	allLevels := visible(".matrix thead th[data-level]", "data-level")
	if len(allAreas) < 5 || len(allLevels) != 5 {
		t.Fatalf("unfiltered matrix shows areas %q and levels %q", allAreas, allLevels)
	}

	selectOption(t, ctx, `select[data-filter="area"]`, "management")
	if got := visible(".matrix tr[data-area]", "data-area"); strings.Join(got, ",") != "management" {
		t.Errorf("area filter management: rows %q", got)
	}
	if got := visible(".matrix .group-row", "class"); len(got) != 1 {
		t.Errorf("area filter: %d group headings shown, want only the area's group", len(got))
	}
	selectOption(t, ctx, `select[data-filter="area"]`, "")
	if got := visible(".matrix tr[data-area]", "data-area"); len(got) != len(allAreas) {
		t.Errorf("all areas again: rows %q", got)
	}

	selectOption(t, ctx, `select[data-filter="level"]`, "senior")
	if got := visible(".matrix [data-level]", "data-level"); len(got) == 0 || strings.Trim(strings.ReplaceAll(strings.Join(got, ","), "senior", ""), ",") != "" {
		t.Errorf("level filter senior: columns %q", got)
	}
	selectOption(t, ctx, `select[data-filter="level"]`, "")

	tracked := visible(".matrix li[data-track]", "data-track")
	shared := eval[int](t, ctx, `[...document.querySelectorAll(".matrix li:not([data-track])")].filter(e => e.getClientRects().length > 0).length`)
	selectOption(t, ctx, `select[data-filter="track"]`, "sre")
	got := visible(".matrix li[data-track]", "data-track")
	if len(got) == 0 || len(got) >= len(tracked) {
		t.Errorf("track filter sre: %d of %d track expectations shown", len(got), len(tracked))
	}
	for _, tr := range got {
		if tr != "sre" {
			t.Errorf("track filter sre shows an expectation of track %q", tr)
		}
	}
	if n := eval[int](t, ctx, `[...document.querySelectorAll(".matrix li:not([data-track])")].filter(e => e.getClientRects().length > 0).length`); n != shared {
		t.Errorf("track filter hid shared expectations: %d of %d shown", n, shared)
	}
	selectOption(t, ctx, `select[data-filter="track"]`, "-")
	if got := visible(".matrix li[data-track]", "data-track"); len(got) != 0 {
		t.Errorf("shared expectations only: tracks %q still shown", got)
	}
}

// diffLook is how a level page shows its expectations against the level below: the state of
// the toggle and the background of the first expectation that is new, grown and unchanged
// ("" when the page has none).
type diffLook struct {
	Pressed   string `json:"pressed"`
	ShowNew   bool   `json:"showNew"`
	New       string `json:"new"`
	Changed   string `json:"changed"`
	Same      string `json:"same"`
	TagsShown int    `json:"tagsShown"`
}

const readDiffLook = `(() => {
	const bg = css => { const e = document.querySelector(css); return e ? getComputedStyle(e).backgroundColor : ""; };
	return {
		pressed: document.querySelector(".new-toggle").getAttribute("aria-pressed"),
		showNew: document.body.classList.contains("show-new"),
		new: bg('li.exp[data-diff="new"]'),
		changed: bg('li.exp[data-diff="changed"]'),
		same: bg("li.exp:not([data-diff])"),
		tagsShown: [...document.querySelectorAll(".diff-tag")].filter(e => e.getClientRects().length > 0).length,
	};
})()`

func TestNewAtThisLevel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, framework, page, below string
		unchanged                    bool // whether the page has expectations the same as below
	}{
		// Every expectation of the bundled levels differs from the level below.
		{name: "bundled", framework: "engineering", page: "ladders/engineering/senior/", below: "Engineer"},
		{name: "fixture", framework: fixture, page: "ladders/engineering/senior/", below: "Engineer", unchanged: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := newTab(t)
			navigate(t, ctx, serve(t, tc.framework, "")+tc.page)
			if label := eval[string](t, ctx, `document.querySelector(".new-toggle").textContent`); label != "Highlight what is new since "+tc.below {
				t.Errorf("toggle label = %q", label)
			}
			off := eval[diffLook](t, ctx, readDiffLook)
			if off.New == "" || off.Changed == "" || (off.Same != "") != tc.unchanged {
				t.Fatalf("the page lacks the expectations this test needs: %+v", off)
			}
			if off.Pressed != "false" || off.ShowNew || off.TagsShown != 0 {
				t.Fatalf("before the toggle: %+v", off)
			}
			if off.New != off.Changed || (tc.unchanged && off.New != off.Same) {
				t.Errorf("expectations are highlighted before the toggle: %+v", off)
			}
			do(t, ctx, chromedp.Click(chromedp.CSS(".new-toggle")))
			on := eval[diffLook](t, ctx, readDiffLook)
			if on.Pressed != "true" || !on.ShowNew {
				t.Fatalf("after the toggle: %+v", on)
			}
			if on.New == off.New || on.Changed == off.Changed || on.New == on.Changed {
				t.Errorf("new and grown expectations are not highlighted, each in its own colour: before %+v, after %+v", off, on)
			}
			if on.Same != off.Same {
				t.Errorf("an unchanged expectation changed background: %s -> %s", off.Same, on.Same)
			}
			if want := eval[int](t, ctx, `document.querySelectorAll("li.exp[data-diff]").length`); on.TagsShown != want {
				t.Errorf("%d New/Grown tags shown for %d changed expectations", on.TagsShown, want)
			}
			// Each grown expectation shows what it read on the level below, from levels.json.
			waitFor(t, ctx, "the text below is added", `document.querySelector(".new-toggle").dataset.marked === "true"`)
			was := eval[[]string](t, ctx, `[...document.querySelectorAll('li.exp[data-diff="changed"]')].map(li => {
				const p = li.querySelector(":scope > p.was");
				return p && p.getClientRects().length > 0 ? p.textContent : "";
			})`)
			if len(was) == 0 {
				t.Fatal("no grown expectation to check")
			}
			for i, w := range was {
				if !strings.HasPrefix(w, "Below: ") || len(w) < 20 {
					t.Errorf("grown expectation %d shows %q, want the text it had below", i, w)
				}
			}
			do(t, ctx, chromedp.Click(chromedp.CSS(".new-toggle")))
			if again := eval[diffLook](t, ctx, readDiffLook); again != off {
				t.Errorf("toggled off: %+v, want %+v", again, off)
			}
		})
	}

	t.Run("lowest level", func(t *testing.T) {
		ctx := newTab(t)
		navigate(t, ctx, root(t)+"ladders/engineering/associate/")
		if n := eval[int](t, ctx, `document.querySelectorAll(".new-toggle, li.exp[data-diff]").length`); n != 0 {
			t.Errorf("the lowest level has %d new-at-this-level toggles or marks", n)
		}
	})
}

func TestPrintLevel(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	navigate(t, ctx, root(t)+"ladders/engineering/senior/")
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil {
		t.Fatalf("print to PDF: %v", err)
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") || len(pdf) < 20_000 {
		t.Fatalf("print to PDF gave %d bytes starting %q", len(pdf), pdf[:min(len(pdf), 8)])
	}

	do(t, ctx, emulateMedia("print"))
	display := eval[map[string]string](t, ctx, `Object.fromEntries([".site-header", ".site-footer", "nav.side", ".toc", ".level-tools", ".prevnext", ".crumbs", "h1", "li.exp", ".indicators"].map(s => [s, getComputedStyle(document.querySelector(s)).display]))`)
	for _, hidden := range []string{".site-header", ".site-footer", "nav.side", ".toc", ".level-tools", ".prevnext", ".crumbs"} {
		if display[hidden] != "none" {
			t.Errorf("printed, %s has display %q, want none", hidden, display[hidden])
		}
	}
	for _, shown := range []string{"h1", "li.exp", ".indicators"} {
		if display[shown] == "none" {
			t.Errorf("printed, %s is hidden", shown)
		}
	}
	do(t, ctx, emulateMedia(""))
	if d := eval[string](t, ctx, `getComputedStyle(document.querySelector(".site-header")).display`); d == "none" {
		t.Error("on screen the header is hidden")
	}
}

// crosswalkState is what the crosswalk filter shows.
type crosswalkState struct {
	Visible []string `json:"visible"` // the titles of the rows shown
	Total   int      `json:"total"`
	Count   string   `json:"count"`
}

const readCrosswalk = `(() => {
	const rows = [...document.querySelectorAll(".crosswalk tbody tr")];
	return {
		visible: rows.filter(r => r.getClientRects().length > 0).map(r => r.querySelector("th").textContent),
		total: rows.length,
		count: document.querySelector("#crosswalk-count").textContent,
	};
})()`

func TestCrosswalkFilter(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	base := root(t)
	navigate(t, ctx, base+"crosswalk/")
	all := eval[crosswalkState](t, ctx, readCrosswalk)
	if len(all.Visible) != all.Total || all.Total < 10 || all.Count != "" {
		t.Fatalf("unfiltered: %+v", all)
	}

	filter := func(q string) crosswalkState {
		t.Helper()
		typeInto(t, ctx, "crosswalk-filter", q)
		waitFor(t, ctx, "the count updates", `document.querySelector("#crosswalk-count").textContent !== ""`)
		s := eval[crosswalkState](t, ctx, readCrosswalk)
		n := len(s.Visible)
		want := strconv.Itoa(n) + " titles match"
		if n == 1 {
			want = "1 title matches"
		}
		if s.Count != want {
			t.Errorf("%q: count says %q with %d rows shown", q, s.Count, n)
		}
		return s
	}
	has := func(titles []string, title string) bool {
		for _, x := range titles {
			if x == title {
				return true
			}
		}
		return false
	}

	s := filter("senior sde")
	if !has(s.Visible, "Senior SDE") || len(s.Visible) >= s.Total {
		t.Errorf(`"senior sde" shows %q`, s.Visible)
	}
	for _, no := range []string{"SDE I", "SDE II", "Staff Engineer", "Junior Engineer"} {
		if has(s.Visible, no) {
			t.Errorf(`"senior sde" shows %q`, no)
		}
	}

	// A note's words are not a title's: "bootcamp" is in a note only.
	if s := filter("bootcamp"); len(s.Visible) != 0 {
		t.Errorf(`"bootcamp", a word of a note, shows %q`, s.Visible)
	}

	s = filter("SDE 2")
	if !has(s.Visible, "SDE II") {
		t.Errorf(`"SDE 2" does not show SDE II: %q`, s.Visible)
	}
	if has(s.Visible, "SDE I") || has(s.Visible, "SDE III") {
		t.Errorf(`"SDE 2" shows other SDE levels: %q`, s.Visible)
	}

	s = filter("Sr. Software Engineer")
	if !has(s.Visible, "Senior Software Engineer") {
		t.Errorf(`"Sr. Software Engineer" does not show Senior Software Engineer: %q`, s.Visible)
	}

	// Roman numerals match digits even where no level code carries the digit.
	navigate(t, ctx, serve(t, fixture, "")+"crosswalk/")
	if s := filter("Developer 2"); strings.Join(s.Visible, ",") != "Developer II" {
		t.Errorf(`fixture: "Developer 2" shows %q, want Developer II`, s.Visible)
	}
	if s := filter("developer i"); strings.Join(s.Visible, ",") != "Developer I" {
		t.Errorf(`fixture: "developer i" shows %q, want Developer I`, s.Visible)
	}
	navigate(t, ctx, base+"crosswalk/")

	// Enter keeps the filter (and puts it in the address, to share).
	typeInto(t, ctx, "crosswalk-filter", "senior sde")
	if _, err := chromedp.RunResponse(ctx, enter); err != nil {
		t.Fatal(err)
	}
	after := eval[crosswalkState](t, ctx, readCrosswalk)
	if v := eval[string](t, ctx, `document.querySelector("#crosswalk-filter").value`); v != "senior sde" || len(after.Visible) == after.Total {
		t.Errorf("after Enter the filter is %q and %d of %d rows show", v, len(after.Visible), after.Total)
	}

	// Clearing the box shows every title again.
	do(t, ctx, chromedp.Focus(chromedp.ID("crosswalk-filter")), chromedp.Evaluate[chromedp.Void](`document.activeElement.select()`),
		press("Backspace", "Backspace", 8, ""))
	waitFor(t, ctx, "every row shows", `document.querySelector("#crosswalk-count").textContent === ""`)
	if s := eval[crosswalkState](t, ctx, readCrosswalk); len(s.Visible) != s.Total {
		t.Errorf("cleared filter shows %d of %d rows", len(s.Visible), s.Total)
	}
}

// TestSubPath runs the script-driven pages of a site built for a sub-folder, as on a GitHub
// Pages project site: the scripts must find the data files under the same prefix.
func TestSubPath(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	base := serve(t, "engineering", "https://example.org/careers/")
	navigate(t, ctx, base+"compare/?a=engineering/senior&b=engineering/staff")
	waitFor(t, ctx, "the comparison shows", `document.querySelector("#compare-result .cmp-summary") || /Could not/.test(document.querySelector("#compare-result").textContent)`)
	checkCompare(t, eval[compareResult](t, ctx, readCompare))

	navigate(t, ctx, base+"search/?q=incident")
	waitFor(t, ctx, "results appear", `document.querySelectorAll("#search-results li a").length > 0 || /not available/.test(document.querySelector("#search-count").textContent)`)
	hrefs := eval[[]string](t, ctx, `[...document.querySelectorAll("#search-results li a")].map(a => a.getAttribute("href"))`)
	if len(hrefs) == 0 {
		t.Fatalf("no results under /careers/: %q", eval[string](t, ctx, `document.querySelector("#search-count").textContent`))
	}
	for _, h := range hrefs {
		if !strings.HasPrefix(h, "/careers/") {
			t.Errorf("result link %q leaves /careers/", h)
		}
	}
	if status := navigate(t, ctx, base+"no/such/page"); status != 404 {
		t.Errorf("unknown page under /careers/: status %d", status)
	}
	if styled := eval[bool](t, ctx, `getComputedStyle(document.querySelector(".site-header")).borderBottomStyle === "solid"`); !styled {
		t.Error("the 404 page under /careers/ has no stylesheet")
	}
}
