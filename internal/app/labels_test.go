package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

// TestCodesShownInWords looks at the pages that show what the app records in codes (the
// audit log's actions, a level change's reason and detail) and finds words there instead.
func TestCodesShownInWords(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	ac := e.signedIn(admin)
	res := ac.post("/people", url.Values{"name": {"Kim Lee"}, "email": {"kim@example.com"}, "title": {"Engineer"},
		"start": {"2024-02-01"}, "level": {"engineering/engineer"}, "track": {"product"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("add: %d %s", res.status, res.body)
	}
	kim := strings.Split(res.header.Get("Location"), "?")[0]
	for _, change := range []url.Values{
		{"level": {"engineering/engineer"}, "track": {"sre"}, "reason": {"track-change"}, "date": {"2025-01-06"}},
		{"level": {"engineering/senior"}, "track": {"sre"}, "reason": {"promotion"}, "date": {"2025-03-01"}},
	} {
		if res := ac.post(kim+"/levels", change); res.status != http.StatusSeeOther {
			t.Fatalf("level change: %d %s", res.status, res.body)
		}
	}

	// The timeline names reasons in words, and says what a track change changed.
	page := ac.get(kim).body
	mustContain(t, page, `<span class="reason">Track change</span>`, `<span class="reason">Promotion</span>`,
		"Engineering: track Product Engineering → <strong>Site Reliability</strong>",
		"EN2 Engineer → <strong>EN3 Senior Engineer</strong>")
	if strings.Contains(page, "EN2 Engineer → <strong>EN2 Engineer") {
		t.Error("the track change reads as a change from a level to itself")
	}

	// The audit log shows actions and a level change's detail in words; its filter offers
	// the actions by their words and still filters on the code.
	audit := ac.get("/audit").body
	mustContain(t, audit, "<td>Person viewed</td>", "<td>Level change</td>", "<td>Person added</td>",
		"<td>Promotion: EN2 Engineer → EN3 Senior Engineer</td>", "<td>Track change: EN2 Engineer, the same level</td>",
		`<option value="person.view">Person viewed</option>`)
	for _, code := range regexp.MustCompile(`<td>([a-z-]+\.[a-z.-]+)</td>`).FindAllStringSubmatch(audit, -1) {
		t.Errorf("the audit log shows the code %s", code[1])
	}
	filtered := ac.get("/audit?action=level.change").body
	mustContain(t, filtered, `<option value="level.change" selected>Level change</option>`)
	if strings.Contains(filtered, "<td>Person viewed</td>") {
		t.Error("the filter on level changes shows other actions")
	}
	// An action the app does not know, typed into the address, is shown as it is.
	mustContain(t, ac.get("/audit?action=old.thing").body, `<option value="old.thing" selected>old.thing</option>`)
}

// TestCycleAndAmendmentsInWords looks at a cycle's people and an assessment's amendments and
// level, which named levels, tracks, sides and ratings by their codes, and finds words there
// instead.
func TestCycleAndAmendmentsInWords(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	sam := e.person("Sam Self", "sam@example.com", 0, store.Member)
	c := e.cycle(admin, sam)
	cyclePath := "/cycles/" + strconv.FormatInt(c.ID, 10)
	person := cyclePath + "/people/" + strconv.FormatInt(sam.ID, 10)
	s := e.signedIn(sam)
	if res := s.post(person+"/self", ratingForm("submit", "consistently", 1, "Shipped it.")); res.status != http.StatusSeeOther {
		t.Fatalf("submit: %d %s", res.status, res.body)
	}
	amend := ratingForm("save", "sometimes", 1, "Less than I thought.")
	amend.Set("reason", "Second thoughts")
	if res := s.post(person+"/self", amend); res.status != http.StatusSeeOther {
		t.Fatalf("amend: %d %s", res.status, res.body)
	}

	// The cycle's people: the level by its code and title, the ladder and track by theirs.
	page := e.signedIn(admin).get(cyclePath).body
	mustContain(t, page, `<span class="code">EN2</span> Engineer<span class="muted">, Engineering · Product Engineering</span>`)
	if strings.Contains(page, "engineering engineer") {
		t.Error("the cycle page shows a level by its ids")
	}
	// The amendment: the side and both ratings in words.
	page = s.get(person).body
	mustContain(t, page, " · Self-assessment · Sam Self</p>", ": Consistently → <strong>Sometimes</strong></p>",
		"<dt>Assessed at</dt><dd>EN2 Engineer, Engineering (Product Engineering)</dd>")
}
