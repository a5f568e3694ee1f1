package browsertest

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rungs/rungs/internal/store"
)

// phoneApp emulates the phone the app's pages are checked at: 390 by 844 CSS pixels.
func phoneApp() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)
}

// noSidewaysScroll fails the test when the page is wider than the phone's screen, naming the
// first elements that stick out.
func noSidewaysScroll(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	// On a phone, content wider than the screen widens the window itself (innerWidth), as
	// the browser zooms out to show it; either way the page scrolls sideways.
	if w, sw := eval[int](t, ctx, `innerWidth`), eval[int](t, ctx, `document.documentElement.scrollWidth`); w != 390 || sw > w {
		// The outermost elements past the phone's edge.
		wide := eval[[]string](t, ctx, `[...document.querySelectorAll("body *")]
			.filter(e => e.getBoundingClientRect().right > 391 && e.parentElement.getBoundingClientRect().right <= 391)
			.slice(0, 6).map(e => e.localName + (e.className ? "." + e.className : "") + " " + Math.round(e.getBoundingClientRect().right))`)
		t.Errorf("%s is %dpx wide (window %dpx) on a 390px phone: it scrolls sideways; sticking out: %q", what, sw, w, wide)
	}
	// Every table but the assessment's side-by-side, which stacks, sits in a box that
	// scrolls: one the keyboard reaches, with a name to announce.
	if bad := eval[[]string](t, ctx, `[...document.querySelectorAll("main table:not(.sidebyside)")].filter(table => {
			const box = table.parentElement;
			return !box.matches(".scroll") || box.getAttribute("tabindex") !== "0" || box.getAttribute("role") !== "group" ||
				!(box.getAttribute("aria-label") || "").trim() || getComputedStyle(box).overflowX !== "auto";
		}).map(table => table.querySelector("th")?.textContent ?? table.outerHTML.slice(0, 60))`); len(bad) > 0 {
		t.Errorf("%s: tables not in a named, focusable scrolling box (by their first heading): %q", what, bad)
	}
}

// skipLink checks the page's first tab stop: the "Skip to content" link, shown when it has
// focus, with the focus ring, and leading past the header into the main content.
func skipLink(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	tab := press("Tab", "Tab", 9, "")
	do(t, ctx, tab)
	got := eval[struct {
		Text, Href, Outline string
		Top, Bottom         float64
	}](t, ctx, `(() => { const a = document.activeElement, r = a.getBoundingClientRect(), s = getComputedStyle(a);
		return {Text: a.textContent.trim(), Href: a.getAttribute("href") ?? a.localName, Outline: s.outlineStyle + " " + s.outlineWidth, Top: r.top, Bottom: r.bottom}; })()`)
	if got.Text != "Skip to content" || got.Href != "#main" {
		t.Fatalf("%s: the first tab stop is %q (%s), want the skip link", what, got.Text, got.Href)
	}
	if got.Top < 0 || got.Bottom > 844 {
		t.Errorf("%s: the focused skip link is off the screen (top %v, bottom %v)", what, got.Top, got.Bottom)
	}
	if got.Outline != "solid 3px" {
		t.Errorf("%s: the focused skip link's outline is %q, want the focus ring, solid 3px", what, got.Outline)
	}
	do(t, ctx, enter)
	waitFor(t, ctx, "the skip link is followed", `location.hash === "#main"`)
	do(t, ctx, tab)
	if in := eval[bool](t, ctx, `!!document.activeElement.closest("main")`); !in {
		t.Errorf("%s: after the skip link, Tab reaches %q, outside the main content", what, eval[string](t, ctx, `document.activeElement.outerHTML.slice(0, 80)`))
	}
}

// TestAppPhoneWidth signs in as an admin, with people, a rollout under way and an audit log
// behind them, and visits the app's wide pages on a phone: none scrolls sideways, and a
// table too wide for the screen scrolls in a box of its own, which the keyboard can reach.
func TestAppPhoneWidth(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	admin := e.person("Ada Admin", "ada.administrator@example.com", "Head of People Operations", 0, store.Admin)
	max := e.person("Maximilian Manager-Longname", "maximilian.manager-longname@example.com", "Senior Engineering Manager, Platform", admin.ID, store.Member)
	e.level(max, "engineering-management", "", "manager", "2022-01-03", store.Hire, "", admin.ID)
	kim := e.person("Kim Lee", "kim.lee@example.com", "Senior Software Engineer", max.ID, "")
	e.level(kim, "engineering", "product", "engineer", "2023-04-03", store.Hire, "", admin.ID)
	e.level(kim, "engineering", "sre", "engineer", "2024-01-08", store.TrackChange, "", admin.ID)
	for i, title := range []string{"SDE II", "Staff Software Engineer (Infrastructure)", "Wizard", "Principal Engineer", ""} {
		e.person("Person Number "+strconv.Itoa(i), "person.number."+strconv.Itoa(i)+"@example.com", title, max.ID, "")
	}
	file := filepath.Join(t.TempDir(), "hr.csv")
	csv := "Name,Email,Manager,Job title,Start date\n" +
		"Pat Doe-Fitzgerald,pat.doe-fitzgerald@example.com,maximilian.manager-longname@example.com,Staff Software Engineer (Infrastructure),2024-02-01\n" +
		"Kim Lee,kim.lee@example.com,maximilian.manager-longname@example.com,Senior Software Engineer,2023-04-03\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx := appTab(t)
	do(t, ctx, phoneApp())
	signIn(t, ctx, e, "ada.administrator@example.com")
	// A saved mapping starts the rollout.
	navigate(t, ctx, e.url+"/rollout")
	clickAndLoad(t, ctx, `form[action="/rollout/rules"] button[type="submit"]`)
	if got := flash(t, ctx); got != "Mapping rules saved." {
		t.Fatalf("saving the mapping: flash %q", got)
	}
	for _, path := range []string{"/home", "/people", "/people/" + strconv.FormatInt(kim.ID, 10), "/rollout", "/rollout/review", "/audit", "/import"} {
		if status := navigate(t, ctx, e.url+path); status != http.StatusOK {
			t.Fatalf("%s: status %d", path, status)
		}
		noSidewaysScroll(t, ctx, path)
		skipLink(t, ctx, path)
	}
	// The audit log's table is wider than the phone: its box scrolls, the page does not.
	navigate(t, ctx, e.url+"/audit")
	if !eval[bool](t, ctx, `(b => b.scrollWidth > b.clientWidth)(document.querySelector(".scroll"))`) {
		t.Error("/audit: the log's table fits a phone, so this test no longer shows a table scrolling in its box")
	}
	// The import preview, from a file chosen as a person does.
	navigate(t, ctx, e.url+"/import")
	do(t, ctx, chromedp.SetUploadFiles(`#file`, []string{file}))
	if status := clickAndLoad(t, ctx, `form[action="/import"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("preview: status %d", status)
	}
	noSidewaysScroll(t, ctx, "the import preview")
}
