package browsertest

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rungs/rungs/internal/store"
)

// A growth plan and a promotion case on a phone, without script: the manager makes the
// report's plan from their page, with a goal on an expectation of the next level, and agrees
// to it; the report agrees too; the manager opens a case and submits it; the people team
// finds it among the cases to review and approves it; the report's page shows the promotion.
// No page scrolls sideways, however long the words in a goal or an argument.
func TestAppGrowthStory(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	e.person("Ada Admin", "ada@example.com", "Head of People", 0, store.Admin)
	bo := e.person("Bo Boss", "bo@example.com", "Engineering Manager", 0, store.Member)
	sam := e.person("Sam Self", "sam@example.com", "Software Engineer", bo.ID, store.Member)
	e.level(sam, "engineering", "product", "engineer", "2024-01-01", store.Hire, "", 0)
	samPage := "/people/" + strconv.FormatInt(sam.ID, 10)
	long := "https://example.com/" + strings.Repeat("abcdefghij", 8)

	mgr := appTab(t)
	do(t, mgr, phoneApp())
	signIn(t, mgr, e, "bo@example.com")
	navigate(t, mgr, e.url+samPage)
	if status := clickAndLoad(t, mgr, `a[href="`+samPage+`/plan"]`); status != http.StatusOK {
		t.Fatalf("the plan: status %d", status)
	}
	noSidewaysScroll(t, mgr, "a plan not made yet")
	skipLink(t, mgr, "a plan not made yet")
	// The next level is offered; the form is folded away until asked for.
	do(t, mgr, chromedp.Click(chromedp.CSS(`#target-heading ~ details summary`)))
	if got := eval[string](t, mgr, `document.getElementById("target").value`); got != "engineering/senior" {
		t.Errorf("the target offered: %q", got)
	}
	if status := clickAndLoad(t, mgr, `form[action="`+samPage+`/plan"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("make the plan: status %d", status)
	}
	if f := flash(t, mgr); f != "Plan saved." {
		t.Fatalf("after making the plan: %q", f)
	}
	setField(t, mgr, "new-expectation", "writing")
	setField(t, mgr, "new-text", "Write the cache design doc: "+long)
	if status := clickAndLoad(t, mgr, `form[action="`+samPage+`/plan/goals"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("add a goal: status %d", status)
	}
	if f := flash(t, mgr); f != "Goal added." {
		t.Fatalf("after adding a goal: %q", f)
	}
	noSidewaysScroll(t, mgr, "a plan with a goal")
	do(t, mgr, chromedp.Click(chromedp.CSS(`.goals details summary`)))
	noSidewaysScroll(t, mgr, "a goal's form, open")
	clickAndLoad(t, mgr, `form[action="`+samPage+`/plan/agree"] button`)
	mustText(t, mgr, `#agreement-heading + ul`, "Manager: agreed by Bo Boss")

	// Sam agrees, and the plan says both do.
	self := appTab(t)
	do(t, self, phoneApp())
	signIn(t, self, e, "sam@example.com")
	navigate(t, self, e.url+samPage+"/plan")
	clickAndLoad(t, self, `form[action="`+samPage+`/plan/agree"] button`)
	mustText(t, self, "main", "Both sides agree to this plan.", "Write the cache design doc")
	noSidewaysScroll(t, self, "an agreed plan")

	// Bo opens a case and submits it.
	navigate(t, mgr, e.url+samPage+"/cases")
	noSidewaysScroll(t, mgr, "the list of cases")
	if status := clickAndLoad(t, mgr, `form[action="`+samPage+`/cases"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("open a case: status %d", status)
	}
	noSidewaysScroll(t, mgr, "a draft case")
	skipLink(t, mgr, "a draft case")
	setField(t, mgr, "argument", "Sam **leads** design work: "+long)
	clickAndLoad(t, mgr, `button[value="submit"]`)
	if f := flash(t, mgr); f != "Submitted to the reviewers." {
		t.Fatalf("after submitting: %q", f)
	}
	mustText(t, mgr, ".argument strong", "leads")

	// The people team finds it, reads it and approves it.
	adm := appTab(t)
	do(t, adm, phoneApp())
	signIn(t, adm, e, "ada@example.com")
	navigate(t, adm, e.url+"/cases")
	noSidewaysScroll(t, adm, "the cases to review")
	if status := clickAndLoad(t, adm, `.packet a`); status != http.StatusOK {
		t.Fatalf("the case: status %d", status)
	}
	noSidewaysScroll(t, adm, "a case under review")
	do(t, adm, chromedp.Click(chromedp.CSS(`input[name="decision"][value="approve"]`)))
	setField(t, adm, "reasons", "Ready: the design docs show it.")
	setField(t, adm, "effective", "2026-04-01")
	clickAndLoad(t, adm, `form[action$="/decision"] button[type="submit"]`)
	if f := flash(t, adm); f != "Decision recorded." {
		t.Fatalf("after deciding: %q at %s", f, pathOf(t, adm))
	}
	mustText(t, adm, "#decision-heading + p", "Approved", "2026-04-01")

	// Sam's page: the new level, and the promotion on the timeline.
	navigate(t, self, e.url+samPage)
	mustText(t, self, ".events", "Promotion: ", "Promotion case for", "approved")
	mustText(t, self, ".level-now", "Senior")
	noSidewaysScroll(t, self, "the person's page after a promotion")
}
