package browsertest

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/store"
)

// A check-in on a phone, without script, as a manager and their report hold one: the manager
// starts it from the report's page, with notes that name an expectation and action items for
// each of them; the link leads to the expectation on the report's page; the report ticks their
// item off from the list and keeps a private note. No page scrolls sideways, however long the
// words in the notes.
func TestAppCheckIn(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	bo := e.person("Bo Boss", "bo@example.com", "Engineering Manager", 0, store.Member)
	sam := e.person("Sam Self", "sam@example.com", "Software Engineer", bo.ID, store.Member)
	e.level(sam, "engineering", "product", "engineer", "2024-01-01", store.Hire, "", 0)
	samPage := "/people/" + strconv.FormatInt(sam.ID, 10)

	mgr := appTab(t)
	do(t, mgr, phoneApp())
	signIn(t, mgr, e, "bo@example.com")
	navigate(t, mgr, e.url+samPage)
	if status := clickAndLoad(t, mgr, `a[href="`+samPage+`/checkins/new"]`); status != http.StatusOK {
		t.Fatalf("new check-in: status %d", status)
	}
	noSidewaysScroll(t, mgr, "the new check-in form")
	setField(t, mgr, "date", "2026-01-05")
	setField(t, mgr, "shared", "Sam wants to lead the cache work.\nTalked about #writing: https://example.com/"+strings.Repeat("abcdefghij", 8))
	setField(t, mgr, "private", "Bo's own: check on workload")
	setField(t, mgr, "item-1", "Draft the cache design doc")
	setField(t, mgr, "item-2", "Find a design review slot")
	setField(t, mgr, "owner-2", "manager")
	if status := clickAndLoad(t, mgr, `form[action="`+samPage+`/checkins"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("save the check-in: status %d", status)
	}
	if f := flash(t, mgr); f != "Check-in saved." {
		t.Fatalf("after saving: %q at %s", f, pathOf(t, mgr))
	}
	checkIn := pathOf(t, mgr)
	checkIn = checkIn[:strings.Index(checkIn, "?")]
	noSidewaysScroll(t, mgr, "a check-in")
	skipLink(t, mgr, "a check-in")
	mustText(t, mgr, "#private-note", "Bo's own: check on workload")
	if got := texts(t, mgr, ".items .item-text"); !sameSet(got, "Draft the cache design doc", "Find a design review slot") {
		t.Errorf("action items: %q", got)
	}
	// The expectation's link leads to it on Sam's page, with the check-in that named it.
	if status := clickAndLoad(t, mgr, `.notes a[href="`+samPage+`#expectation-writing"]`); status != http.StatusOK {
		t.Fatalf("the expectation's link: status %d", status)
	}
	if got := eval[string](t, mgr, `location.hash`); got != "#expectation-writing" {
		t.Errorf("the link lands at %q", got)
	}
	mustText(t, mgr, `#expectation-writing a[href="`+checkIn+`"]`, "2026-01-05")
	noSidewaysScroll(t, mgr, "the person's page with what was talked about")

	// Sam ticks off their item from the list, and keeps a note of their own.
	self := appTab(t)
	do(t, self, phoneApp())
	signIn(t, self, e, "sam@example.com")
	navigate(t, self, e.url+samPage)
	if status := clickAndLoad(t, self, `a[href="`+samPage+`/checkins"]`); status != http.StatusOK {
		t.Fatalf("the list: status %d", status)
	}
	noSidewaysScroll(t, self, "the list of check-ins")
	skipLink(t, self, "the list of check-ins")
	if got := texts(t, self, ".items .item-text"); !sameSet(got, "Draft the cache design doc", "Find a design review slot") {
		t.Fatalf("open items: %q", got)
	}
	clickAndLoad(t, self, `.items li:first-child form button`)
	if got := texts(t, self, ".items .item-text"); !sameSet(got, "Find a design review slot") {
		t.Errorf("open items after ticking one: %q", got)
	}
	navigate(t, self, e.url+checkIn)
	if got := eval[string](t, self, `document.getElementById("private-note").value`); got != "" {
		t.Errorf("Sam's note box holds %q: another's private note", got)
	}
	setField(t, self, "private-note", "Sam's own: ask about on-call")
	clickAndLoad(t, self, `form[action="`+checkIn+`/private"] button`)
	if f := flash(t, self); !strings.HasPrefix(f, "Your private note is saved") {
		t.Fatalf("private note: %q", f)
	}
	if got := texts(t, self, ".items li.done .item-text"); !sameSet(got, "Draft the cache design doc") {
		t.Errorf("done items: %q", got)
	}
	navigate(t, mgr, e.url+checkIn)
	if got := eval[string](t, mgr, `document.getElementById("private-note").value`); got != "Bo's own: check on workload" {
		t.Errorf("Bo's note box holds %q", got)
	}
}
