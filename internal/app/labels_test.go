package app_test

import (
	"net/http"
	"net/url"
	"regexp"
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
