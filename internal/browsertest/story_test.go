package browsertest

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/app/mail"
	"github.com/rungs/rungs/internal/app/mail/mailtest"
	"github.com/rungs/rungs/internal/store"
)

// desktopApp is the desktop screen the second half of the story runs at.
func desktopApp() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(1280, 900)
}

// sendMail runs the app's mail sender against a Mailpit until the test ends, as rungs serve
// does with mail configured; it looks at the outbox often, so that the tests' waits are short.
func sendMail(t *testing.T, e *appEnv, mp *mailtest.Server) {
	t.Helper()
	s := &mail.Sender{Store: e.store, Base: e.url, Site: func() string { return "Engineering ladder" }, Every: 20 * time.Millisecond,
		SMTP: mail.SMTP{Addr: mp.SMTP, From: "Ladder <ladder@example.com>"}, Log: t.Logf}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); s.Run(ctx) }()
	// Registered after startApp's, this runs before the store closes.
	t.Cleanup(func() { cancel(); <-done })
}

// awaitMail waits until Mailpit holds a message to address whose subject starts with
// subject, and returns it.
func awaitMail(t *testing.T, mp *mailtest.Server, address, subject string) mailtest.Message {
	t.Helper()
	const bound = 20 * time.Second // a bound for a message that never comes, not a timing
	for start := time.Now(); ; time.Sleep(20 * time.Millisecond) {
		for _, m := range mp.To(address) {
			if strings.HasPrefix(m.Subject, subject) {
				return m
			}
		}
		if time.Since(start) > bound {
			var got []string
			for _, m := range mp.To(address) {
				got = append(got, m.Subject)
			}
			t.Fatalf("no email %q to %s after %s; it has %q", subject, address, bound, got)
		}
	}
}

// linkIn is the first address in text that starts with base.
func linkIn(t *testing.T, text, base string) string {
	t.Helper()
	u := regexp.MustCompile(regexp.QuoteMeta(base) + `/\S*`).FindString(text)
	if u == "" {
		t.Fatalf("no link to %s in %q", base, text)
	}
	return u
}

// The growth loop from end to end, in the pages, with script off and email on through a real
// SMTP server. On phones, a manager and their report hold three check-ins (each of them keeps
// a private note) and agree a growth plan. At desks, the people team opens an assessment
// cycle, which emails the report that their self-assessment is due; the report follows the
// home page to it and submits; the manager assesses and shares, which emails the report, who
// follows the email's link and acknowledges. The manager opens a promotion case, writes the
// argument and puts the check-ins forward; the people team puts a colleague outside the chain
// on the promotion panel, who finds the case from their home page, reads it without a word of
// either private note, and approves it; the report is emailed the decision, and their
// timeline shows the promotion.
func TestAppGrowthLoop(t *testing.T) {
	t.Parallel()
	mp := mailtest.Start(t)
	e := startApp(t, func(c *app.Config) { c.Mail = true })
	sendMail(t, e, mp)
	e.person("Ada Admin", "ada@example.com", "Head of People", 0, store.Admin)
	bo := e.person("Bo Boss", "bo@example.com", "Engineering Manager", 0, store.Member)
	sam := e.person("Sam Self", "sam@example.com", "Software Engineer", bo.ID, store.Member)
	rae := e.person("Rae Review", "rae@example.com", "Principal Engineer", 0, store.Member)
	e.level(bo, "engineering", "product", "senior", "2022-01-01", store.Hire, "", 0)
	e.level(sam, "engineering", "product", "engineer", "2024-01-01", store.Hire, "", 0)
	e.level(rae, "engineering", "product", "principal", "2021-01-01", store.Hire, "", 0)
	samPage := "/people/" + strconv.FormatInt(sam.ID, 10)
	// The private notes, which nobody but their authors may ever read.
	bosNote := func(i int) string { return "Bo private " + strconv.Itoa(i) + ": watch the workload" }
	const samsNote = "Sam private: ask about the on-call pay"

	// On phones: three check-ins, two weeks apart, each typed into the form.
	mgr := appTab(t)
	do(t, mgr, phoneApp())
	signIn(t, mgr, e, "bo@example.com")
	self := appTab(t)
	do(t, self, phoneApp())
	signIn(t, self, e, "sam@example.com")
	var checkIns []string // their paths
	for i, day := range []string{"2026-01-05", "2026-01-19", "2026-02-02"} {
		navigate(t, mgr, e.url+samPage)
		if status := clickAndLoad(t, mgr, `a[href="`+samPage+`/checkins/new"]`); status != http.StatusOK {
			t.Fatalf("check-in %d: the form: status %d", i+1, status)
		}
		setField(t, mgr, "date", day)
		typeInto(t, mgr, "shared", "Check-in "+strconv.Itoa(i+1)+": Sam leads the cache work, see #writing")
		typeInto(t, mgr, "private", bosNote(i+1))
		typeInto(t, mgr, "item-1", "Step "+strconv.Itoa(i+1)+" of the cache design")
		if status := clickAndLoad(t, mgr, `form[action="`+samPage+`/checkins"] button[type="submit"]`); status != http.StatusOK {
			t.Fatalf("check-in %d: save: status %d", i+1, status)
		}
		if f := flash(t, mgr); f != "Check-in saved." {
			t.Fatalf("check-in %d: %q at %s", i+1, f, pathOf(t, mgr))
		}
		at := pathOf(t, mgr)
		checkIns = append(checkIns, at[:strings.Index(at, "?")])
	}
	noSidewaysScroll(t, mgr, "the third check-in")
	// Sam reads the second, keeps a note of their own, and ticks off its item.
	navigate(t, self, e.url+checkIns[1])
	mustText(t, self, ".notes", "Check-in 2: Sam leads the cache work")
	if html := eval[string](t, self, `document.documentElement.outerHTML`); strings.Contains(html, "Bo private") {
		t.Fatal("Sam's page of a check-in holds Bo's private note")
	}
	typeInto(t, self, "private-note", samsNote)
	clickAndLoad(t, self, `form[action="`+checkIns[1]+`/private"] button`)
	if f := flash(t, self); !strings.HasPrefix(f, "Your private note is saved") {
		t.Fatalf("Sam's private note: %q", f)
	}
	navigate(t, self, e.url+samPage+"/checkins")
	if got := texts(t, self, ".items .item-text"); !sameSet(got, "Step 1 of the cache design", "Step 2 of the cache design", "Step 3 of the cache design") {
		t.Fatalf("Sam's open items: %q", got)
	}
	noSidewaysScroll(t, self, "the list of check-ins")

	// Still on phones: the plan, made by Bo with a goal, agreed by both.
	navigate(t, mgr, e.url+samPage+"/plan")
	do(t, mgr, chromedp.Click(chromedp.CSS(`#target-heading ~ details summary`)))
	clickAndLoad(t, mgr, `form[action="`+samPage+`/plan"] button[type="submit"]`)
	if f := flash(t, mgr); f != "Plan saved." {
		t.Fatalf("making the plan: %q", f)
	}
	setField(t, mgr, "new-expectation", "writing")
	typeInto(t, mgr, "new-text", "Write the cache design doc")
	clickAndLoad(t, mgr, `form[action="`+samPage+`/plan/goals"] button[type="submit"]`)
	if f := flash(t, mgr); f != "Goal added." {
		t.Fatalf("adding the goal: %q", f)
	}
	clickAndLoad(t, mgr, `form[action="`+samPage+`/plan/agree"] button`)
	navigate(t, self, e.url+samPage+"/plan")
	clickAndLoad(t, self, `form[action="`+samPage+`/plan/agree"] button`)
	mustText(t, self, "main", "Both sides agree to this plan.", "Write the cache design doc")
	noSidewaysScroll(t, self, "the agreed plan")
	// Bo's home shows Sam's card with the last check-in and the plan.
	navigate(t, mgr, e.url+"/home")
	mustText(t, mgr, ".team", "Sam Self", "Last check-in 2026-02-02", "Growth plan: ")
	noSidewaysScroll(t, mgr, "the manager's home")

	// At desks from here: the people team opens a cycle, and Sam is emailed.
	do(t, mgr, desktopApp())
	do(t, self, desktopApp())
	adm := appTab(t)
	do(t, adm, desktopApp())
	signIn(t, adm, e, "ada@example.com")
	navigate(t, adm, e.url+"/cycles")
	typeInto(t, adm, "name", "2026 H1")
	clickAndLoad(t, adm, `form[action="/cycles"] button[type="submit"]`)
	if f := flash(t, adm); f != "The cycle is open." {
		t.Fatalf("opening the cycle: %q at %s", f, pathOf(t, adm))
	}
	cycle := pathOf(t, adm)
	cycle = cycle[:strings.Index(cycle, "?")]
	assessment := cycle + samPage
	due := awaitMail(t, mp, "sam@example.com", "Your self-assessment for 2026 H1 is open")
	if got := linkIn(t, due.Text, e.url); got != e.url+assessment {
		t.Errorf("the email's link: %s, want %s", got, e.url+assessment)
	}

	// Sam follows the home page to it, rates, and submits.
	navigate(t, self, e.url+"/home")
	if status := clickAndLoad(t, self, `.tasks a[href="`+assessment+`"]`); status != http.StatusOK {
		t.Fatalf("the self-assessment from home: status %d", status)
	}
	setField(t, self, "self-rating_engineer_delivery", "consistently")
	typeInto(t, self, "self-evidence_engineer_delivery", "Shipped the cache importer")
	setField(t, self, "self-rating_engineer_code", "role-model")
	clickAndLoad(t, self, `form[action="`+assessment+`/self"] button[value="submit"]`)
	if f := flash(t, self); !strings.HasPrefix(f, "Submitted") {
		t.Fatalf("submitting the self-assessment: %q", f)
	}

	// Bo assesses, submits and shares; Sam is emailed and follows the link.
	navigate(t, mgr, e.url+assessment)
	setField(t, mgr, "manager-rating_engineer_delivery", "consistently")
	typeInto(t, mgr, "manager-evidence_engineer_delivery", "Led the cache work end to end")
	setField(t, mgr, "manager-rating_engineer_code", "consistently")
	clickAndLoad(t, mgr, `form[action="`+assessment+`/manager"] button[value="submit"]`)
	clickAndLoad(t, mgr, `form[action="`+assessment+`/share"] button`)
	if f := flash(t, mgr); !strings.HasPrefix(f, "Shared") {
		t.Fatalf("sharing: %q", f)
	}
	shared := awaitMail(t, mp, "sam@example.com", "Your manager's assessment for 2026 H1 is ready to read")
	if strings.Contains(shared.Text+shared.HTML, "Led the cache work") {
		t.Error("the email holds the assessment's evidence")
	}
	navigate(t, self, linkIn(t, shared.Text, e.url))
	typeInto(t, self, "note", "Read; we talked it through.")
	clickAndLoad(t, self, `form[action="`+assessment+`/acknowledge"] button`)
	if f := flash(t, self); f != "Acknowledged." {
		t.Fatalf("acknowledging: %q", f)
	}

	// Bo opens a case, writes the argument, puts the three check-ins forward and submits.
	navigate(t, mgr, e.url+samPage+"/cases")
	if status := clickAndLoad(t, mgr, `form[action="`+samPage+`/cases"] button[type="submit"]`); status != http.StatusOK {
		t.Fatalf("opening the case: status %d", status)
	}
	typeInto(t, mgr, "argument", "Sam leads design work across the team, as the check-ins show.")
	for _, c := range checkIns {
		id := c[strings.LastIndex(c, "/")+1:]
		do(t, mgr, chromedp.Click(chromedp.CSS(`input[name="checkin"][value="`+id+`"]`)))
	}
	clickAndLoad(t, mgr, `button[value="submit"]`)
	if f := flash(t, mgr); f != "Submitted to the reviewers." {
		t.Fatalf("submitting the case: %q", f)
	}
	casePage := pathOf(t, mgr)
	casePage = casePage[:strings.Index(casePage, "?")]

	// Ada puts Rae, outside Sam's chain, on the promotion panel.
	navigate(t, adm, e.url+"/people/"+strconv.FormatInt(rae.ID, 10))
	clickAndLoad(t, adm, `form[action$="/panel"] button`)
	mustText(t, adm, `form[action$="/panel"] button`, "Take off the promotion panel")

	// Rae finds the case from home, reads the evidence without a private note, and approves.
	rev := appTab(t)
	do(t, rev, desktopApp())
	signIn(t, rev, e, "rae@example.com")
	mustText(t, rev, ".tasks", "1 promotion case waits for your review")
	clickAndLoad(t, rev, `.tasks a[href="/cases"]`)
	if status := clickAndLoad(t, rev, `.packet a[href="`+casePage+`"]`); status != http.StatusOK {
		t.Fatalf("the case, as its reviewer: status %d", status)
	}
	page := eval[string](t, rev, `document.documentElement.outerHTML`)
	for i := 1; i <= 3; i++ {
		if !strings.Contains(page, "Check-in "+strconv.Itoa(i)+": Sam leads the cache work") {
			t.Errorf("the reviewer does not read check-in %d's shared notes", i)
		}
	}
	for _, c := range checkIns {
		if status := navigate(t, rev, e.url+c); status == http.StatusOK {
			t.Errorf("the reviewer opens the check-in %s itself", c)
		}
		page += eval[string](t, rev, `document.documentElement.outerHTML`)
	}
	if strings.Contains(page, "Bo private") || strings.Contains(page, samsNote) {
		t.Fatal("a private note reached the reviewer")
	}
	navigate(t, rev, e.url+casePage)
	mustText(t, rev, `#argument-heading ~ .argument`, "Sam leads design work across the team")
	do(t, rev, chromedp.Click(chromedp.CSS(`input[name="decision"][value="approve"]`)))
	typeInto(t, rev, "reasons", "Ready: the check-ins and the assessment show it.")
	setField(t, rev, "effective", "2026-04-01")
	clickAndLoad(t, rev, `form[action$="/decision"] button[type="submit"]`)
	if f := flash(t, rev); f != "Decision recorded." {
		t.Fatalf("deciding: %q at %s", f, pathOf(t, rev))
	}

	// Sam is emailed the decision, and their timeline shows the promotion.
	decided := awaitMail(t, mp, "sam@example.com", "Your promotion to ")
	if !strings.HasSuffix(decided.Subject, " is approved") || !strings.Contains(decided.Text, "2026-04-01") {
		t.Errorf("the decision's email: %q\n%s", decided.Subject, decided.Text)
	}
	navigate(t, self, linkIn(t, decided.Text, e.url))
	mustText(t, self, "#decision-heading + p", "Approved", "2026-04-01")
	navigate(t, self, e.url+samPage)
	mustText(t, self, ".events", "Promotion: ", "Promotion case for", "approved", "Check-in with Bo Boss", "Growth plan agreed")
	mustText(t, self, ".level-now", "Senior")
	for _, m := range mp.To("sam@example.com") {
		if strings.Contains(m.Text+m.HTML, "Bo private") || strings.Contains(m.Text+m.HTML, samsNote) {
			t.Errorf("the email %q holds a private note", m.Subject)
		}
	}
}
