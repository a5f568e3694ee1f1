package app_test

import (
	"bytes"
	"encoding/base64"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/growth"
)

func TestPersonTimeline(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		max := e.person("Max Manager", "max@example.com", 0, store.Member)
		ac := e.signedIn(admin)
		res := ac.post("/people", url.Values{"name": {"Kim Lee"}, "email": {"kim@example.com"}, "title": {"Engineer"},
			"manager": {"max@example.com"}, "start": {"2024-02-01"}, "level": {"engineering/engineer"}, "track": {"product"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("add: %d %s", res.status, res.body)
		}
		kimPath := strings.Split(res.header.Get("Location"), "?")[0]
		for _, change := range []url.Values{
			{"level": {"engineering/senior"}, "track": {"product"}, "reason": {"promotion"}, "date": {"2025-03-01"}, "note": {"Led the billing rewrite"}},
			{"level": {"engineering/engineer"}, "track": {"product"}, "reason": {"correction"}, "date": {"2025-03-02"}, "note": {"Promotion recorded on the wrong person"}},
		} {
			change.Set("last", ac.hidden(kimPath, "last"))
			if res := ac.post(kimPath+"/levels", change); res.status != http.StatusSeeOther {
				t.Fatalf("level change: %d %s", res.status, res.body)
			}
		}
		// Bad input names the field and changes nothing.
		res = ac.post(kimPath+"/levels", url.Values{"level": {"engineering/nope"}, "reason": {"promotion"}, "date": {"2025-13-01"},
			"last": {ac.hidden(kimPath, "last")}})
		if res.status != http.StatusBadRequest {
			t.Fatalf("bad change: %d", res.status)
		}
		mustContain(t, res.body, `id="level-error"`, `id="date-error"`)

		page := ac.get(kimPath).body
		mustContain(t, page, "Kim Lee", "Max Manager", "Led the billing rewrite", "Promotion recorded on the wrong person",
			`href="/ladders/engineering/engineer/"`, `href="/ladders/engineering/senior/"`, "Next level")
		// Newest first, and nothing was overwritten: hire, promotion and correction are all there.
		reasons := regexp.MustCompile(`<span class="reason">([^<]+)</span>`).FindAllStringSubmatch(page, -1)
		var got []string
		for _, m := range reasons {
			got = append(got, m[1])
		}
		if strings.Join(got, ",") != "Correction,Promotion,Hire" {
			t.Fatalf("timeline reasons %v", got)
		}

		// Kim's manager sees the page, without the admin's form; the view is audited.
		mc := e.signedIn(max)
		mpage := mc.get(kimPath)
		if mpage.status != http.StatusOK || strings.Contains(mpage.body, "Record a level change") {
			t.Fatalf("manager view: %d", mpage.status)
		}
		n, err := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "person.view", Actor: max.ID})
		if err != nil || n != 1 {
			t.Fatalf("person.view entries by the manager: %d %v", n, err)
		}
		// The admin, who manages no one, has the person read with the rest of the page (see
		// showPerson): the views are audited as the manager's are, and a person not there is
		// not found, with nothing audited of them.
		if n, err := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "person.view", Actor: admin.ID}); err != nil || n == 0 {
			t.Fatalf("person.view entries by the admin: %d %v", n, err)
		}
		if res := ac.get("/people/999999"); res.status != http.StatusNotFound {
			t.Fatalf("a person not there: %d", res.status)
		}
		if n, err := e.store.CountAudit(e.ctx, store.AuditFilter{Action: "person.view", Subject: 999999}); err != nil || n != 0 {
			t.Fatalf("person.view entries of a person not there: %d %v", n, err)
		}
		// The manager's list holds Kim; Kim's own list holds only Kim.
		mustContain(t, mc.get("/people").body, "Kim Lee")
		if strings.Contains(e.signedIn(max).get("/people").body, "Ada Admin") {
			t.Error("a manager's list shows someone outside their reports")
		}
	})
}

// upload posts a file as the CSV import form does.
func (c *client) upload(path, name, content string) response {
	c.e.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", c.csrf())
	fw, _ := w.CreateFormFile("file", name)
	_, _ = fw.Write([]byte(content))
	_ = w.Close()
	req, _ := http.NewRequest("POST", c.e.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return c.do(req)
}

func TestImportAndExport(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		ac := e.signedIn(admin)

		bad := "Name,Email,Manager,Job title,Start date\n" +
			"Kim Lee,kim@example.com,,Engineer,2024-02-01\n" +
			"Lou Park,lou@example.com,nobody@example.com,Engineer,2024-02-01\n" +
			"Kim Again,kim@example.com,,Engineer,01/02/2024\n"
		res := ac.upload("/import", "hr.csv", bad)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad file: %d %s", res.status, res.body)
		}
		mustContain(t, res.body, "Nothing was imported", "<td>3</td>", "<td>4</td>", "nobody@example.com")
		if n, _ := e.store.CountPeople(e.ctx, store.PeopleFilter{}); n != 1 {
			t.Fatalf("a bad file wrote people: %d", n)
		}

		// Excel on Windows saves CSV as Windows-1252: refused, saying so, never stored.
		latin := "Name,Email,Job title,Start date\nJos\xe9 Mart\xedn,jose@example.com,Engineer,2024-02-01\n"
		res = ac.upload("/import", "hr.csv", latin)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("a Windows-1252 file: %d %s", res.status, res.body)
		}
		mustContain(t, res.body, "line 2, column 4: byte 0xE9 is not UTF-8: the file looks like Windows-1252")
		if n, _ := e.store.CountPeople(e.ctx, store.PeopleFilter{}); n != 1 {
			t.Fatalf("a Windows-1252 file wrote people: %d", n)
		}

		good := "Name,Email,Manager,Job title,Start date,Office\n" +
			"Kim Lee,kim@example.com,,Engineering Manager,2024-02-01,Leeds\n" +
			"Lou Park,lou@example.com,kim@example.com,Engineer,2024-03-01,Leeds\n"
		res = ac.upload("/import", "hr.csv", good)
		if res.status != http.StatusOK {
			t.Fatalf("preview: %d %s", res.status, res.body)
		}
		mustContain(t, res.body, "2 people will be added", "Office", "ignored")
		if n, _ := e.store.CountPeople(e.ctx, store.PeopleFilter{}); n != 1 {
			t.Fatal("the preview wrote people")
		}
		// The server keeps the file; the preview's form names it by a key, and carries none of it.
		key := regexp.MustCompile(`name="upload" value="([A-Za-z0-9_-]{43})"`).FindStringSubmatch(res.body)
		if key == nil {
			t.Fatal("no upload key in the preview")
		}
		if strings.Contains(res.body, `value="`+base64.StdEncoding.EncodeToString([]byte(good))) || strings.Contains(res.body, `name="csv"`) {
			t.Fatal("the preview carries the file back")
		}
		apply := func(c *client, key string) response {
			return c.finished(c.post("/import/apply", url.Values{"upload": {key}}))
		}
		if res := apply(ac, "not-a-key"); res.status != http.StatusBadRequest || !strings.Contains(res.body, "no longer kept") {
			t.Fatalf("an unknown key: %d %s", res.status, res.body)
		}
		// Another admin cannot apply the file someone else previewed.
		bea := e.signedIn(e.person("Bea Admin", "bea@example.com", 0, store.Admin))
		if res := apply(bea, key[1]); res.status != http.StatusBadRequest {
			t.Fatalf("another admin's key: %d", res.status)
		}
		// An import's page is its starter's alone, even among admins.
		started := ac.post("/import/apply", url.Values{"upload": {"not-a-key"}})
		job := started.header.Get("Location")
		if started.status != http.StatusSeeOther || !strings.HasPrefix(job, "/import/jobs/") {
			t.Fatalf("apply answered %d to %q, want 303 to the import's page", started.status, job)
		}
		ac.finished(started)
		if res := bea.get(job); res.status != http.StatusNotFound {
			t.Fatalf("another admin reading the import's page: %d", res.status)
		}
		if res := ac.get(job); res.status != http.StatusBadRequest || !strings.Contains(res.body, "Nothing was imported") {
			t.Fatalf("the import's page, read again after it ended: %d %s", res.status, res.body)
		}
		if res := apply(ac, key[1]); res.status != http.StatusOK || !strings.Contains(res.body, "Imported hr.csv: 2 added, 0 updated.") {
			t.Fatalf("apply: %d %s", res.status, res.body)
		}
		// A file is applied once: the same form sent again imports nothing.
		if res := apply(ac, key[1]); res.status != http.StatusBadRequest || !strings.Contains(res.body, "imported already") {
			t.Fatalf("the same apply again: %d %s", res.status, res.body)
		}
		lou, err := e.store.PersonByEmail(e.ctx, "lou@example.com")
		if err != nil {
			t.Fatal(err)
		}
		kim, _ := e.store.PersonByEmail(e.ctx, "kim@example.com")
		if lou.ManagerID != kim.ID || lou.Title != "Engineer" {
			t.Fatalf("lou: %+v", lou)
		}

		people := ac.get("/export/people.csv")
		if people.status != http.StatusOK || !strings.HasPrefix(people.header.Get("Content-Type"), "text/csv") {
			t.Fatalf("export: %d %s", people.status, people.header.Get("Content-Type"))
		}
		mustContain(t, people.body, "lou@example.com,kim@example.com")
		audit := ac.get("/export/audit.csv")
		mustContain(t, audit.body, "people.import", "hr.csv: 2 created, 0 updated")
		mustContain(t, ac.get("/audit?action=people.import").body, "2 created")
	})
}

// An admin's view of a person, read with the session's read once the session was seen to be
// an admin's, shows the person as they are now, and the viewer as they are now: one who is
// no longer an admin, but the person's manager, sees the manager's page.
func TestPersonPageIsTheViewersNow(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		ada := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		sam := e.person("Sam Self", "sam@example.com", ada.ID, store.Member)
		ac := e.signedIn(ada)
		page := "/people/" + itoa(sam.ID)
		for range 2 { // the first view reads after the session's read, the next with it
			mustContain(t, ac.get(page).body, "Put on the promotion panel", "<dt>Account</dt>", "New check-in")
		}
		if err := growth.SetPanel(e.ctx, e.store, sam.ID, true, ada.ID); err != nil {
			t.Fatal(err)
		}
		mustContain(t, ac.get(page).body, "Take off the promotion panel")

		e.setRole(ada, store.Member)
		res := ac.get(page)
		mustContain(t, res.body, "Sam Self", "New check-in")
		for _, admins := range []string{"promotion panel", "<dt>Account</dt>", "/edit"} {
			if strings.Contains(res.body, admins) {
				t.Errorf("a manager no longer an admin sees %q on their report's page", admins)
			}
		}
	})
}

// A person's own page, read with the session's read once the session was seen, shows what
// the one read after it shows (their check-ins' notes, their plan), and what the viewer is
// now: put on the promotion panel, they see the cases waiting for them, and taken off it, no
// longer; an admin sees them on their own page as the people team.
func TestOwnPageIsTheViewersNow(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		ada := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		max := e.person("Max Manager", "max@example.com", 0, store.Member)
		sam := e.person("Sam Self", "sam@example.com", max.ID, store.Member)
		pat := e.person("Pat Panel", "pat@example.com", 0, store.Member)
		c, _ := e.checkIn(sam, max)
		e.growth(sam, max, c) // a plan with a goal, and a case that waits for the reviewers

		sc := e.signedIn(sam)
		own := "/people/" + itoa(sam.ID)
		first := sc.get(own).body // read after the session's read
		mustContain(t, first, "Check-in with Max Manager", "Growth plan", "Promotion cases")
		if again := sc.get(own).body; again != first { // read with it
			t.Errorf("the own page read with the session's read differs from the one read after it:\n%s\n---\n%s", first, again)
		}

		pc := e.signedIn(pat)
		patOwn := "/people/" + itoa(pat.ID)
		const waiting = `<a href="/cases">one case is waiting</a>`
		for range 2 {
			if page := pc.get(patOwn).body; strings.Contains(page, "You review promotion cases") {
				t.Errorf("someone not on the panel sees the cases waiting:\n%s", page)
			}
		}
		if err := growth.SetPanel(e.ctx, e.store, pat.ID, true, ada.ID); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			mustContain(t, pc.get(patOwn).body, waiting)
		}
		if err := growth.SetPanel(e.ctx, e.store, pat.ID, false, ada.ID); err != nil {
			t.Fatal(err)
		}
		if page := pc.get(patOwn).body; strings.Contains(page, "You review promotion cases") {
			t.Errorf("someone taken off the panel still sees the cases waiting:\n%s", page)
		}

		ac := e.signedIn(ada)
		for range 2 {
			mustContain(t, ac.get("/people/"+itoa(ada.ID)).body, waiting)
		}
	})
}

// The people list, begun with the session's read once the session was seen, is the list of
// the viewer the session opens now: an admin made a member no longer sees everyone on the
// next view of the same session, in the list or in a search, and a member made an admin
// does.
func TestPeopleListIsTheViewersNow(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		e := newEnv(t, cfg)
		ada := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		e.person("Sam Self", "sam@example.com", ada.ID, store.Member)
		bo := e.person("Bo Other", "bo@example.com", 0, store.Member)
		ac, bc := e.signedIn(ada), e.signedIn(bo)
		for range 2 { // the first view reads after the session's read, the next with it
			mustContain(t, ac.get("/people").body, "Sam Self", "Bo Other")
			mustContain(t, ac.get("/people?q=other").body, "Bo Other")
			if page := bc.get("/people").body; strings.Contains(page, "Sam Self") || strings.Contains(page, "Ada Admin") {
				t.Errorf("a member sees people not below them:\n%s", page)
			}
		}

		e.setRole(ada, store.Member)
		e.setRole(bo, store.Admin)
		page := ac.get("/people").body
		mustContain(t, page, "Sam Self")
		if strings.Contains(page, "Bo Other") {
			t.Errorf("an admin made a member still sees everyone:\n%s", page)
		}
		if page := ac.get("/people?q=other").body; strings.Contains(page, "Bo Other") {
			t.Errorf("an admin made a member still finds everyone:\n%s", page)
		}
		mustContain(t, bc.get("/people").body, "Sam Self", "Ada Admin")
	})
}
