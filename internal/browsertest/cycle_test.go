package browsertest

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/assess"
)

// setField sets a form control (select or textarea) by id, as a reader's choice would, and
// tells the page it changed.
func setField(t *testing.T, ctx context.Context, id, value string) {
	t.Helper()
	ok := eval[bool](t, ctx, `(() => { const e = document.getElementById(`+jsString(id)+`); if (!e) return false;
		e.value = `+jsString(value)+`; e.dispatchEvent(new Event("change", {bubbles: true})); return e.value === `+jsString(value)+`; })()`)
	if !ok {
		t.Fatalf("cannot set #%s to %q on %s", id, value, pathOf(t, ctx))
	}
}

// The whole loop of a cycle in the browser, with the page's script on, at phone and desktop
// widths: an admin opens a cycle, the person rates themselves with evidence and submits, the
// manager rates, submits and shares, the person acknowledges, and the report draws its charts.
func TestAppAssessmentCycle(t *testing.T) {
	t.Parallel()
	for _, width := range []string{"phone", "desktop"} {
		t.Run(width, func(t *testing.T) {
			t.Parallel()
			e := startApp(t)
			e.person("Ada Admin", "ada@example.com", "People Partner", 0, store.Admin)
			bo := e.person("Bo Boss", "bo@example.com", "Engineering Manager", 0, store.Member)
			sam := e.person("Sam Self", "sam@example.com", "Software Engineer", bo.ID, store.Member)
			e.level(bo, "engineering", "product", "senior", "2022-01-01", store.Hire, "", 0)
			e.level(sam, "engineering", "product", "engineer", "2024-01-01", store.Hire, "", 0)
			tab := func() context.Context {
				ctx := newTab(t)
				if width == "phone" {
					do(t, ctx, phone())
				}
				return ctx
			}
			noOverflow := func(ctx context.Context) {
				t.Helper()
				if over := eval[int](t, ctx, pageOverflow); width == "phone" && over > 0 {
					wide := eval[[]string](t, ctx, `[...document.querySelectorAll("main *")].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth).slice(0, 5).map(e => e.localName + "." + e.className + "#" + e.id)`)
					t.Errorf("%s is %dpx wider than the phone: %q", pathOf(t, ctx), over, wide)
				}
			}

			// The admin opens the cycle.
			admin := tab()
			signIn(t, admin, e, "ada@example.com")
			navigate(t, admin, e.url+"/cycles")
			typeInto(t, admin, "name", "2025 first half")
			if status := clickAndLoad(t, admin, `form[action="/cycles"] button[type="submit"]`); status != http.StatusOK {
				t.Fatalf("open cycle: status %d", status)
			}
			if f := flash(t, admin); f != "The cycle is open." {
				t.Fatalf("after opening: %q at %s", f, pathOf(t, admin))
			}
			cycle := pathOf(t, admin)
			cycle = cycle[:strings.Index(cycle, "?")]
			noOverflow(admin)
			person := cycle + "/people/" + strconv.FormatInt(sam.ID, 10)

			// Sam rates themselves with evidence, saves a draft, then submits.
			self := tab()
			signIn(t, self, e, "sam@example.com")
			navigate(t, self, e.url+"/cycles")
			if status := clickAndLoad(t, self, `a[href="`+person+`"]`); status != http.StatusOK {
				t.Fatalf("own assessment: %d", status)
			}
			setField(t, self, "self-rating_engineer_delivery", "consistently")
			setField(t, self, "self-evidence_engineer_delivery", "Shipped [the importer](https://example.com/pr/1).")
			setField(t, self, "self-rating_engineer_code", "role-model")
			clickAndLoad(t, self, `form[action="`+person+`/self"] button[value="save"]`)
			if f := flash(t, self); !strings.HasPrefix(f, "Draft saved") {
				t.Fatalf("draft: %q", f)
			}
			if v := eval[string](t, self, `document.getElementById("self-rating_engineer_delivery").value`); v != "consistently" {
				t.Errorf("the draft came back as %q", v)
			}
			noOverflow(self)
			clickAndLoad(t, self, `form[action="`+person+`/self"] button[value="submit"]`)
			if f := flash(t, self); !strings.HasPrefix(f, "Submitted") {
				t.Fatalf("submit: %q", f)
			}

			// Bo sees it, rates lower, submits and shares.
			mgr := tab()
			signIn(t, mgr, e, "bo@example.com")
			navigate(t, mgr, e.url+person)
			mustText(t, mgr, `.sidebyside a[href="https://example.com/pr/1"]`, "the importer")
			setField(t, mgr, "manager-rating_engineer_delivery", "sometimes")
			setField(t, mgr, "manager-evidence_engineer_delivery", "Needed help twice.")
			setField(t, mgr, "manager-rating_engineer_code", "consistently")
			clickAndLoad(t, mgr, `form[action="`+person+`/manager"] button[value="submit"]`)
			clickAndLoad(t, mgr, `form[action="`+person+`/share"] button`)
			if f := flash(t, mgr); !strings.HasPrefix(f, "Shared") {
				t.Fatalf("share: %q", f)
			}

			// Sam reads it, with the gap marked and the radar drawn, and acknowledges.
			navigate(t, self, e.url+person)
			if n := eval[int](t, self, `document.querySelectorAll("tr.gap").length`); n != 2 {
				t.Errorf("%d gaps marked, want 2", n)
			}
			if n := eval[int](t, self, `document.querySelectorAll("svg.radar polygon.manager").length`); n != 1 {
				t.Errorf("radar: %d manager shapes", n)
			}
			noOverflow(self)
			setField(t, self, "note", "Read; we talked it through.")
			clickAndLoad(t, self, `form[action="`+person+`/acknowledge"] button`)
			if f := flash(t, self); f != "Acknowledged." {
				t.Fatalf("acknowledge: %q", f)
			}

			// The report counts it and draws its charts.
			navigate(t, admin, e.url+cycle+"/report")
			if n := eval[int](t, admin, `document.querySelectorAll("svg.bars").length`); n < 3 {
				t.Errorf("report: %d charts", n)
			}
			mustText(t, admin, `#done-heading`, "Completion")
			noOverflow(admin)
			// The calibration page is a link away: every manager who submitted, the largest gap first.
			clickAndLoad(t, admin, `a[href="`+cycle+`/calibration"]`)
			mustText(t, admin, `h1`, "Calibration")
			if n := eval[int](t, admin, `document.querySelectorAll("svg.bars").length`); n != 1 {
				t.Errorf("calibration: %d charts", n)
			}
			noOverflow(admin)
			do(t, admin, chromedp.Evaluate[chromedp.Void](`void 0`))
		})
	}
}

// A draft saves itself as it is typed: evidence typed and the page reloaded at once is still
// there, and reaches the server; a rating changed is saved once the typing stops. Without
// script the Save draft button does the same.
func TestAppDraftsSaveAsTyped(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	e.person("Ada Admin", "ada@example.com", "People Partner", 0, store.Admin)
	sam := e.person("Sam Self", "sam@example.com", "Software Engineer", 0, store.Member)
	e.level(sam, "engineering", "product", "engineer", "2024-01-01", store.Hire, "", 0)
	if status, body := e.signedIn("ada@example.com").post("/cycles", url.Values{"name": {"2025 H1"}, "starts": {"2025-01-06"},
		"ends": {"2025-02-28"}, "scope": {"everyone"}}); status != http.StatusSeeOther {
		t.Fatalf("open cycle: %d %s", status, body)
	}
	cycles, err := assess.Cycles(e.ctx, e.store)
	if err != nil || len(cycles) != 1 {
		t.Fatalf("cycles: %v, %v", cycles, err)
	}
	person := "/cycles/" + strconv.FormatInt(cycles[0].ID, 10) + "/people/" + strconv.FormatInt(sam.ID, 10)
	// stored is what the server keeps of Sam's draft: the page as a client without script gets it.
	client := e.signedIn("sam@example.com")
	stored := func() string {
		t.Helper()
		status, body := client.get(person)
		if status != http.StatusOK {
			t.Fatalf("%s: status %d", person, status)
		}
		return body
	}
	const evidence = "Ran the on-call rota for [payments](https://example.com/rota) for a quarter."

	ctx := newTab(t)
	signIn(t, ctx, e, "sam@example.com")
	navigate(t, ctx, e.url+person)
	do(t, ctx, chromedp.Focus(chromedp.ID("self-evidence_engineer_delivery")), insertText(evidence), chromedp.Reload())
	// The new page's script puts back what the tab kept, if the server did not have it yet.
	waitFor(t, ctx, "the evidence is back after a reload at once", `document.readyState === "complete" &&
		document.getElementById("self-evidence_engineer_delivery")?.value === `+jsString(evidence))
	// What the tab kept is forgotten once the server has it.
	waitFor(t, ctx, "the draft is saved", `sessionStorage.length === 0`)
	if !strings.Contains(stored(), "the on-call rota for [payments](https://example.com/rota)") {
		t.Fatal("the evidence typed before the reload is not saved")
	}

	setField(t, ctx, "self-rating_engineer_delivery", "consistently")
	waitFor(t, ctx, "the rating is saved", `sessionStorage.length === 0 && document.querySelector(".autosave").textContent.startsWith("Draft saved")`)
	if !strings.Contains(stored(), `<option value="consistently" selected>`) {
		t.Fatal("the rating chosen is not saved")
	}
	// Changed again, it saves over its own last save: the page now shows that as saved, and
	// the server, which saves over what a page showed alone, takes it (no "someone else").
	eval[string](t, ctx, `document.querySelector(".autosave").textContent = ""`)
	setField(t, ctx, "self-rating_engineer_delivery", "sometimes")
	waitFor(t, ctx, "the second rating is saved", `sessionStorage.length === 0 && document.querySelector(".autosave").textContent.startsWith("Draft saved")`)
	if !strings.Contains(stored(), `<option value="sometimes" selected>`) {
		t.Fatal("the rating changed a second time is not saved")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("form[data-autosave]").length`); n != 1 {
		t.Errorf("%d forms save themselves, want 1", n)
	}

	// Without script, the button saves.
	plain := appTab(t)
	signIn(t, plain, e, "sam@example.com")
	navigate(t, plain, e.url+person)
	typeInto(t, plain, "self-evidence_engineer_code", "Reviewed every change to the ledger.")
	clickAndLoad(t, plain, `form[action="`+person+`/self"] button[value="save"]`)
	if f := flash(t, plain); !strings.HasPrefix(f, "Draft saved") {
		t.Fatalf("saved by the button: %q", f)
	}
	if body := stored(); !strings.Contains(body, "Reviewed every change to the ledger.") || !strings.Contains(body, "the on-call rota") {
		t.Fatal("the button's draft is not saved whole")
	}

	// Once submitted, the form no longer saves itself: a change is an amendment, with a reason.
	navigate(t, ctx, e.url+person)
	clickAndLoad(t, ctx, `form[action="`+person+`/self"] button[value="submit"]`)
	if n := eval[int](t, ctx, `document.querySelectorAll("form[data-autosave]").length`); n != 0 {
		t.Errorf("a submitted assessment's form saves itself (%d)", n)
	}
}
