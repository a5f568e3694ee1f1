package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/checkins"
	"github.com/rungs/rungs/internal/store/storetest"
)

// checkIn writes a check-in manager held with p, with one action item, in the store.
func (e *env) checkIn(p, manager store.Person) (checkins.CheckIn, checkins.ActionItem) {
	e.t.Helper()
	c, err := checkins.CreateCheckIn(e.ctx, e.store, checkins.CheckIn{PersonID: p.ID, ManagerID: manager.ID, HeldOn: time.Now()}, func(string) bool { return true })
	if err != nil {
		e.t.Fatal(err)
	}
	a, err := checkins.AddActionItem(e.ctx, e.store, checkins.ActionItem{CheckInID: c.ID, PersonID: p.ID, Text: "Read the incident review", Owner: checkins.PersonOwns})
	if err != nil {
		e.t.Fatal(err)
	}
	return c, a
}

// location is where a redirect goes, without its message code.
func location(t *testing.T, res response) string {
	t.Helper()
	if res.status != http.StatusSeeOther {
		t.Fatalf("status %d, want a redirect:\n%s", res.status, res.body)
	}
	return strings.Split(res.header.Get("Location"), "?")[0]
}

// A manager and their report hold three check-ins a fortnight apart, with action items that
// either of them owns and ticks off; the notes link expectations, which the report's page
// shows; the people team sees only that the check-ins happened; and the log has every read.
func TestCheckInsOverThreeMeetings(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		clock := newTestClock()
		e := newEnv(t, cfg, withClock(clock))
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		max := e.person("Max Manager", "max@example.com", 0, store.Member)
		sam := e.person("Sam Self", "sam@example.com", max.ID, store.Member)
		e.level(sam)
		mc, sc, ac := e.signedIn(max), e.signedIn(sam), e.signedIn(admin)
		base := "/people/" + strconv.FormatInt(sam.ID, 10) + "/checkins"

		// Neither the report nor the people team opens a check-in, and they are told why
		// in words that fit them.
		for _, c := range []*client{sc, ac} {
			if res := c.get(base + "/new"); res.status != http.StatusForbidden || !strings.Contains(res.body, "This is not yours to do") {
				t.Errorf("a new check-in by someone not above: %d", res.status)
			}
		}

		// A note naming an expectation the framework lacks is refused, naming it, and
		// nothing of the form is kept.
		res := mc.post(base, url.Values{"date": {"2026-01-05"}, "shared": {"About #writing and #no-such-thing."},
			"private": {"kept nowhere"}, "item-1": {"Never written"}, "owner-1": {"person"}})
		if res.status != http.StatusBadRequest {
			t.Fatalf("unknown expectation: status %d", res.status)
		}
		mustContain(t, res.body, "#no-such-thing, which is not an expectation of the framework", `id="shared-error"`)
		if list, _ := checkins.CheckIns(e.ctx, e.store, sam.ID); len(list) != 0 {
			t.Fatalf("a refused form left check-ins: %+v", list)
		}

		meetings := []url.Values{
			{"date": {"2026-01-05"}, "shared": {"Sam wants to lead more.\nTalked about #writing: design docs first."},
				"private": {"Max private: Sam seemed tired"}, "item-1": {"Draft the cache design doc"}, "owner-1": {"person"},
				"item-2": {"Find Sam a design review slot"}, "owner-2": {"manager"}},
			{"date": {"2026-01-19"}, "shared": {"The doc is half done. #writing again, and #code reviews."},
				"item-1": {"Review two pull requests a week"}, "owner-1": {"person"}},
			{"date": {"2026-02-02"}, "shared": {"Sam ran the design review <script>alert(1)</script> (#delivery)."}},
		}
		var pages []string
		for _, m := range meetings {
			pages = append(pages, location(t, mc.post(base, m)))
		}

		// The list: newest first, the open items above, each with its owner.
		list := sc.get(base)
		if list.status != http.StatusOK {
			t.Fatalf("list: %d", list.status)
		}
		order := regexp.MustCompile(`<time datetime="(2026-[0-9-]+)">[^<]*</time></a> · with`).FindAllStringSubmatch(list.body, -1)
		if len(order) != 3 || order[0][1] != "2026-02-02" || order[2][1] != "2026-01-05" {
			t.Errorf("the list's order: %v", order)
		}
		open := strings.Index(list.body, "Open action items")
		if open < 0 || open > strings.Index(list.body, `id="list-heading"`) {
			t.Error("the open action items are not above the check-ins")
		}
		mustContain(t, list.body, "Draft the cache design doc</span> <span class=\"muted\">· Sam Self",
			"Find Sam a design review slot</span> <span class=\"muted\">· Max Manager", "Review two pull requests a week")

		// The report ticks off their item from the list; it leaves the open items.
		items, err := checkins.ActionItems(e.ctx, e.store, sam.ID, 0)
		if err != nil || len(items) != 3 {
			t.Fatalf("items: %+v, %v", items, err)
		}
		draft := items[0]
		done := sc.post(pages[0]+"/items/"+strconv.FormatInt(draft.ID, 10)+"/done", url.Values{"done": {"1"}, "back": {"list"}})
		if got := location(t, done); got != base {
			t.Errorf("ticking from the list went to %s", got)
		}
		if res := sc.post(pages[0]+"/items/"+strconv.FormatInt(draft.ID, 10)+"/done", url.Values{"done": {"1"}}); res.status != http.StatusConflict {
			t.Errorf("ticking twice: %d", res.status)
		}
		if strings.Contains(sc.get(base).body, "Draft the cache design doc") {
			t.Error("a done item is still listed as open")
		}
		// An item is ticked only on its own check-in.
		if res := sc.post(pages[1]+"/items/"+strconv.FormatInt(draft.ID, 10)+"/done", url.Values{"done": {"0"}}); res.status != http.StatusNotFound {
			t.Errorf("an item through another check-in: %d", res.status)
		}
		// The manager adds one on the third check-in, for themselves.
		location(t, mc.post(pages[2]+"/items", url.Values{"item": {"Ask about the staff level"}, "owner": {"manager"}}))
		if res := mc.post(pages[2]+"/items", url.Values{"item": {"   "}, "owner": {"manager"}}); res.status != http.StatusBadRequest ||
			!strings.Contains(res.body, `id="item-error"`) {
			t.Errorf("an empty item: %d", res.status)
		}

		// The first check-in's page: its notes with the expectation linked to the report's
		// page, the items with who owns them, and each one's own private note alone.
		first := mc.get(pages[0]).body
		mustContain(t, first, `Talked about <a href="/people/`+strconv.FormatInt(sam.ID, 10)+`#expectation-writing">#writing</a>: design docs first.`,
			"Max private: Sam seemed tired", "Find Sam a design review slot")
		if body := sc.get(pages[0]).body; strings.Contains(body, "Max private") {
			t.Error("the report reads the manager's private note")
		}
		location(t, sc.post(pages[0]+"/private", url.Values{"private": {"Sam private: ask for the SRE rotation"}}))
		if !strings.Contains(sc.get(pages[0]).body, "Sam private: ask for the SRE rotation") || strings.Contains(mc.get(pages[0]).body, "Sam private") {
			t.Error("the report's private note is not theirs alone")
		}

		// Notes are text: markup in them is shown, never run.
		third := sc.get(pages[2]).body
		mustContain(t, third, `design review &lt;script&gt;alert(1)&lt;/script&gt; (<a href="/people/`+strconv.FormatInt(sam.ID, 10)+`#expectation-delivery">#delivery</a>).`)
		if strings.Contains(third, "<script>alert") || strings.Contains(sc.get(base).body, "<script>alert") {
			t.Error("markup in the notes reached a page as markup")
		}

		// The API answers the same, with the caller's own private note alone.
		var answer struct {
			Items []struct {
				HeldOn       string   `json:"held_on"`
				Expectations []string `json:"expectations"`
				PrivateNote  string   `json:"private_note"`
				ActionItems  []struct {
					Text   string     `json:"text"`
					DoneAt *time.Time `json:"done_at"`
				} `json:"action_items"`
			} `json:"items"`
		}
		res = e.api(e.newToken(&sam, access.ReadScope)).get("/api/v1/people/" + strconv.FormatInt(sam.ID, 10) + "/checkins")
		if err := json.Unmarshal([]byte(res.body), &answer); err != nil || len(answer.Items) != 3 {
			t.Fatalf("the API: %d %v\n%s", res.status, err, res.body)
		}
		if got := answer.Items[2]; got.HeldOn != "2026-01-05" || got.PrivateNote != "Sam private: ask for the SRE rotation" ||
			!slices.Equal(got.Expectations, []string{"writing"}) || len(got.ActionItems) != 2 || got.ActionItems[0].DoneAt != nil || got.ActionItems[1].DoneAt == nil {
			t.Errorf("the API's first check-in: %+v", got)
		}

		// The report's page lists what was talked about, with the check-ins that did.
		person := mc.get("/people/" + strconv.FormatInt(sam.ID, 10)).body
		mustContain(t, person, `id="expectation-writing"`, `id="expectation-code"`, "Talked about in check-ins",
			`<time datetime="2026-01-19">2026-01-19</time></a>, <a href="`+pages[0]+`"><time datetime="2026-01-05">`)

		// Its timeline has the check-ins, newest first, among the level changes.
		events := regexp.MustCompile(`<li class="event-([a-z]+)"><time datetime="([0-9-]+)">`).FindAllStringSubmatch(person, -1)
		var got []string
		for _, ev := range events {
			got = append(got, ev[1]+" "+ev[2])
		}
		if want := "checkin 2026-02-02,checkin 2026-01-19,checkin 2026-01-05,level 2024-01-01"; strings.Join(got, ",") != want {
			t.Errorf("the timeline: %q, want %q", got, want)
		}
		mustContain(t, person, `<a href="`+pages[2]+`">Check-in with Max Manager</a>`)

		// Either of them may put the notes right for a while, then they are a record.
		location(t, sc.post(pages[2], url.Values{"date": {"2026-02-03"}, "shared": {"Sam ran the design review. #operations next."}}))
		if c, _ := checkins.Find(e.ctx, e.store, sam.ID, lastID(t, pages[2])); c.UpdatedBy != sam.ID || c.Shared != "Sam ran the design review. #operations next." {
			t.Errorf("after the edit: %+v", c)
		}
		if res := sc.post(pages[2], url.Values{"date": {"2026-02-30"}, "shared": {"x"}}); res.status != http.StatusBadRequest || !strings.Contains(res.body, `id="date-error"`) {
			t.Errorf("a bad date: %d", res.status)
		}
		clock.advance(31 * 24 * time.Hour)
		mc, ac = e.signedInAt(max, clock.now()), e.signedInAt(admin, clock.now())
		if res := mc.post(pages[0], url.Values{"date": {"2026-01-05"}, "shared": {"rewritten"}}); res.status != http.StatusConflict {
			t.Errorf("an edit after the window: %d", res.status)
		}

		// The people team sees when check-ins were held, not what was said, and cannot open one.
		adminList := ac.get(base)
		if adminList.status != http.StatusOK || strings.Contains(adminList.body, "design") || strings.Contains(adminList.body, "Open action items") ||
			!strings.Contains(adminList.body, `<time datetime="2026-01-05">2026-01-05</time> · with Max Manager`) {
			t.Errorf("the admin's list (%d) shows more or less than the dates:\n%s", adminList.status, adminList.body)
		}
		if res := ac.get(pages[0]); res.status != http.StatusNotFound {
			t.Errorf("an admin opens a check-in: %d", res.status)
		}
		adminPerson := ac.get("/people/" + strconv.FormatInt(sam.ID, 10)).body
		if strings.Contains(adminPerson, "Talked about in check-ins") || strings.Contains(adminPerson, `">Check-in with`) {
			t.Error("the admin sees what was talked about, or a link into a check-in")
		}
		mustContain(t, adminPerson, `<time datetime="2026-01-05">2026-01-05</time> Check-in with Max Manager</li>`)
		// An admin's person page decides what they see from the chain it reads with the
		// rest: an admin who manages others sees no more of someone not below them, and
		// one above the person sees what the manager sees.
		e.person("Ian Intern", "ian@example.com", admin.ID, store.Member)
		adminPerson = ac.get("/people/" + strconv.FormatInt(sam.ID, 10)).body
		if strings.Contains(adminPerson, "Talked about in check-ins") || strings.Contains(adminPerson, `">Check-in with`) {
			t.Error("an admin with reports of their own sees what was talked about, or a link into a check-in")
		}
		e.setRole(max, store.Admin)
		asAdmin := mc.get("/people/" + strconv.FormatInt(sam.ID, 10)).body
		mustContain(t, asAdmin, "Talked about in check-ins", `<a href="`+pages[2]+`">Check-in with Max Manager</a>`)
		e.setRole(max, store.Member)

		// Every read of someone else's check-ins is in the log, and no note's words are.
		reads, err := e.store.AuditLog(e.ctx, store.AuditFilter{Subject: sam.ID, Actions: []string{"checkins.view", "checkin.view"}, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		by := map[int64]int{}
		for _, r := range reads {
			by[r.Actor]++
		}
		if by[max.ID] == 0 || by[admin.ID] == 0 || by[sam.ID] != 0 {
			t.Errorf("audited reads by actor: %v", by)
		}
		all, _ := e.store.AuditLog(e.ctx, store.AuditFilter{Limit: 500})
		for _, a := range all {
			for _, words := range []string{"seemed tired", "SRE rotation", "design", "Sam wants"} {
				if strings.Contains(a.Detail, words) {
					t.Errorf("the audit log holds a note's words: %+v", a)
				}
			}
		}
	})
}

// lastID is the last number of a path.
func lastID(t *testing.T, path string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(path[strings.LastIndex(path, "/")+1:], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A private note is read by its author alone: every page, export and API answer, fetched as
// every kind of person, holds the note only for the one who wrote it.
func TestPrivateNotesReachTheirAuthorAlone(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	grand := e.person("Grace Grand", "grace@example.com", 0, store.Member)
	manager := e.person("Max Manager", "max@example.com", grand.ID, store.Member)
	self := e.person("Sam Self", "sam@example.com", manager.ID, store.Member)
	member := e.person("Mia Member", "mia@example.com", manager.ID, store.Member)
	unrelated := e.person("Uma Unrelated", "uma@example.com", 0, store.Member)
	people := map[string]store.Person{"self": self, "member": member, "manager": manager, "grand": grand, "unrelated": unrelated, "admin": admin}
	cycle := e.cycle(admin, self, member, manager, grand, unrelated)
	c, item := e.checkIn(self, manager)
	secret := map[string]string{} // the note each kept, by role
	for _, role := range []string{"self", "manager", "grand"} {
		secret[role] = "PRIVATE-" + strings.ToUpper(role) + "-zq81"
		if err := checkins.SavePrivateNote(e.ctx, e.store, self.ID, c.ID, people[role].ID, secret[role]); err != nil {
			t.Fatal(err)
		}
	}
	// A promotion case for self puts the check-in before the reviewers: its shared notes go,
	// nobody's private note.
	goal, kase := e.growth(self, manager, c)
	// The admin is the people team, and keeps no note: the people team cannot open it.
	path := strings.NewReplacer("{id}", strconv.FormatInt(self.ID, 10), "{token}", strings.Repeat("x", 43),
		"{cycle}", strconv.FormatInt(cycle.ID, 10), "{file}", app.StylesheetName,
		"{checkin}", strconv.FormatInt(c.ID, 10), "{item}", strconv.FormatInt(item.ID, 10),
		"{goal}", strconv.FormatInt(goal.ID, 10), "{case}", strconv.FormatInt(kase.ID, 10), "{feedback}", "1")

	seen := map[string]bool{}
	check := func(role, route, body string) {
		for author, note := range secret {
			if !strings.Contains(body, note) {
				continue
			}
			if author != role {
				t.Errorf("%s as %s shows %s's private note", route, role, author)
			}
			seen[role] = true
		}
	}
	for _, r := range app.Routes() {
		method, pattern, _ := strings.Cut(r, " ")
		if method != "GET" {
			continue
		}
		for _, role := range roles {
			if strings.HasPrefix(pattern, "/api/") {
				if role == "anonymous" {
					continue
				}
				res := e.api(e.newToken(ptr(people[role]), access.ReadScope)).do("GET", path.Replace(pattern), nil)
				check(role, r, res.body)
				continue
			}
			cl := e.client()
			if role != "anonymous" {
				cl = e.signedIn(people[role])
			}
			check(role, r, cl.get(path.Replace(pattern)).body)
		}
	}
	// Each author did find their own note somewhere: the search could find it at all.
	for _, role := range []string{"self", "manager", "grand"} {
		if !seen[role] {
			t.Errorf("%s never saw their own private note", role)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// Check-in forms hold their text to the store's rules, name the field at fault, and keep
// nothing of a refused form; line breaks typed in a browser (\r\n) are fine.
func TestCheckInFieldsChecked(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	max := e.person("Max Manager", "max@example.com", 0, store.Member)
	sam := e.person("Sam Self", "sam@example.com", max.ID, store.Member)
	c := e.signedIn(max)
	base := "/people/" + strconv.FormatInt(sam.ID, 10) + "/checkins"
	form := func(kv ...string) url.Values {
		f := url.Values{"date": {"2026-01-05"}}
		for i := 0; i+1 < len(kv); i += 2 {
			f.Set(kv[i], kv[i+1])
		}
		return f
	}
	for _, tc := range []struct {
		name  string
		form  url.Values
		field string
		want  string
	}{
		{"no date", form("date", ""), "date", "Give the date the check-in was held as YYYY-MM-DD."},
		{"a NUL in the notes", form("shared", "a\x00b"), "shared", "The text of the shared notes has a control character in it (U+0000"},
		{"notes too long", form("shared", strings.Repeat("n", checkins.MaxCheckInNotes+1)), "shared", "is longer than 10000 characters"},
		{"a private note too long", form("private", strings.Repeat("p", checkins.MaxCheckInNotes+1)), "private", "Your private note is longer than 10000 characters"},
		{"an item on two lines", form("item-2", "a\nb"), "item-2", "Action item 2 has a control character in it (U+000A"},
		{"an item without an owner", form("item-1", "Do it", "owner-1", "someone"), "owner-1", "Choose who does action item 1."},
	} {
		res := c.post(base, tc.form)
		if res.status != http.StatusBadRequest || !strings.Contains(htmlUnescape(res.body), tc.want) || !strings.Contains(res.body, `id="`+tc.field+`-error"`) {
			t.Errorf("%s: status %d, want 400 saying %q at %s", tc.name, res.status, tc.want, tc.field)
		}
	}
	if list, _ := checkins.CheckIns(e.ctx, e.store, sam.ID); len(list) != 0 {
		t.Errorf("refused forms kept %d check-ins", len(list))
	}
	if res := c.post(base, form("shared", "two\r\nlines are fine", "item-1", "Do it", "owner-1", "person")); res.status != http.StatusSeeOther {
		t.Errorf("notes over two lines: status %d", res.status)
	}
	list, _ := checkins.CheckIns(e.ctx, e.store, sam.ID)
	if len(list) != 1 || list[0].Shared != "two\nlines are fine" {
		t.Errorf("kept %+v", list)
	}
}
