package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/app/mail"
	"github.com/rungs/rungs/internal/app/mail/mailtest"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/assess"
	"github.com/rungs/rungs/internal/store/outbox"
	"github.com/rungs/rungs/internal/store/storetest"
)

// sender is a mail sender for e, sending to m.
func (e *env) sender(m *mailtest.Server) *mail.Sender {
	return &mail.Sender{Store: e.store, Base: "https://ladder.example.com", Site: func() string { return "Example Co ladder" },
		SMTP: mail.SMTP{Addr: m.SMTP, From: "Ladder <ladder@example.com>", Username: "rungs", Password: "mail password"}}
}

// send sends what waits in the outbox and fails the test unless every message went.
func send(t *testing.T, s *mail.Sender) {
	t.Helper()
	if _, err := s.SendWaiting(context.Background()); err != nil {
		t.Fatal(err)
	}
	left, err := outbox.Waiting(context.Background(), s.Store, time.Now().Add(24*time.Hour), 10)
	if err != nil || len(left) > 0 {
		t.Fatalf("left in the outbox: %+v, %v", left, err)
	}
}

// An admin opens a cycle and everyone in it is told by email that their self-assessment is
// due, by when, with a link; a manager shares an assessment and the person is told, without
// a word of its evidence; a decided promotion case is told too. The emails go through a real
// SMTP server and are read back from it.
func TestMailNotifications(t *testing.T) {
	t.Parallel()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		mp := mailtest.Start(t)
		e := newEnv(t, cfg, func(c *app.Config) { c.Mail = true })
		admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
		max := e.person("Max Manager", "max@example.com", 0, store.Member)
		sam := e.person("Sam Self", "sam@example.com", max.ID, store.Member)
		e.level(max, sam)
		ac := e.signedIn(admin)
		if res := ac.post("/cycles", url.Values{"name": {"2026 H1"}, "starts": {"2026-01-05"}, "ends": {"2026-02-27"},
			"scope": {"everyone"}, "next": {"yes"}}); res.status != http.StatusSeeOther {
			t.Fatalf("open cycle: %d %s", res.status, res.body)
		}
		cycles, err := assess.Cycles(e.ctx, e.store)
		if err != nil || len(cycles) != 1 {
			t.Fatalf("cycles: %v %v", cycles, err)
		}
		c := cycles[0]
		s := e.sender(mp)
		send(t, s)
		got := mp.To("sam@example.com")
		if len(got) != 1 {
			t.Fatalf("Sam got %d emails, want 1: %+v", len(got), got)
		}
		link := fmt.Sprintf("https://ladder.example.com/cycles/%d/people/%d", c.ID, sam.ID)
		due := got[0]
		if due.Subject != "Your self-assessment for 2026 H1 is open" || len(due.To) != 1 || due.To[0].Address != "sam@example.com" || due.To[0].Name != "Sam Self" {
			t.Errorf("the email: %q to %+v", due.Subject, due.To)
		}
		mustContain(t, due.Text, "Hello Sam,", "The assessment cycle 2026 H1 has opened", "by 2026-02-27.", "Start your self-assessment: "+link, "Example Co ladder")
		mustContain(t, due.HTML, `<a href="`+link+`">Start your self-assessment</a>`)
		if n := len(mp.To("max@example.com")); n != 1 {
			t.Errorf("Max got %d emails, want 1", n)
		}
		if n := len(mp.To("ada@example.com")); n != 0 {
			t.Errorf("Ada, in no cycle (not levelled), got %d emails", n)
		}

		// Max rates Sam with evidence, submits and shares: Sam is told, the evidence stays in
		// the app.
		mc := e.signedIn(max)
		samsCycle := fmt.Sprintf("/cycles/%d/people/%d", c.ID, sam.ID)
		if res := mc.post(samsCycle+"/manager", ratingForm("submit", "consistently", 3, "Handled the confidential outage well")); res.status != http.StatusSeeOther {
			t.Fatalf("manager's assessment: %d %s", res.status, res.body)
		}
		send(t, s)
		if n := len(mp.To("sam@example.com")); n != 1 {
			t.Fatalf("submitting without sharing sent Sam %d emails in all, want the first alone", n)
		}
		if res := mc.post(samsCycle+"/share", url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("share: %d %s", res.status, res.body)
		}
		send(t, s)
		got = mp.To("sam@example.com")
		if len(got) != 2 || got[1].Subject != "Your manager's assessment for 2026 H1 is ready to read" {
			t.Fatalf("after sharing, Sam's emails: %+v", got)
		}
		mustContain(t, got[1].Text, "Your manager has shared their assessment of you for 2026 H1", "Read the assessment: "+link)
		for _, m := range got {
			if strings.Contains(m.Text+m.HTML, "confidential outage") {
				t.Errorf("an email holds the assessment's evidence: %q", m.Subject)
			}
		}

		// A promotion case decided: the hook promotion cases call in their transaction.
		srv, err := web.New(web.Config{Store: e.store, Site: http.NotFoundHandler(), Mail: true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.store.WithTx(e.ctx, func(tx *store.Store) error {
			return mail.NotifyCaseDecided(e.ctx, srv, tx, mail.Decision{Person: sam.ID, Level: "Senior Engineer (E4)", Approved: true,
				Effective: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Path: fmt.Sprintf("/people/%d/cases/7", sam.ID)})
		}); err != nil {
			t.Fatal(err)
		}
		send(t, s)
		got = mp.To("sam@example.com")
		if len(got) != 3 || got[2].Subject != "Your promotion to Senior Engineer (E4) is approved" {
			t.Fatalf("after the decision, Sam's emails: %+v", got)
		}
		mustContain(t, got[2].Text, "It takes effect on 2026-03-01", fmt.Sprintf("Read the decision: https://ladder.example.com/people/%d/cases/7", sam.ID))
	})
}

// With no mail server the outbox stays empty; with one that does not answer, the request
// that made a message still succeeds, and the message waits to be tried again later.
func TestMailNeverBlocks(t *testing.T) {
	t.Parallel()
	off := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	admin := off.person("Ada Admin", "ada@example.com", 0, store.Admin)
	off.cycle(admin, admin)
	if list, err := outbox.List(off.ctx, off.store, admin.ID); err != nil || len(list) != 0 {
		t.Fatalf("mail off, the outbox holds %+v (%v)", list, err)
	}

	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)}, func(c *app.Config) { c.Mail = true })
	admin = e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	e.level(admin)
	if res := e.signedIn(admin).post("/cycles", url.Values{"name": {"2026 H1"}, "starts": {"2026-01-05"}, "ends": {"2026-02-27"},
		"scope": {"everyone"}}); res.status != http.StatusSeeOther {
		t.Fatalf("open cycle: %d %s", res.status, res.body)
	}
	nobody := &mail.Sender{Store: e.store, Base: "https://ladder.example.com", SMTP: mail.SMTP{Addr: mailtest.FreePort(t), From: "ladder@example.com"}}
	if _, err := nobody.SendWaiting(e.ctx); err != nil {
		t.Fatal(err)
	}
	list, err := outbox.List(e.ctx, e.store, admin.ID)
	if err != nil || len(list) != 1 {
		t.Fatalf("outbox: %+v, %v", list, err)
	}
	m := list[0]
	if m.Attempts != 1 || m.LastError == "" || !m.SentAt.IsZero() || !m.FailedAt.IsZero() || time.Until(m.NextTry) < 30*time.Second {
		t.Errorf("after a failed try: %+v", m)
	}
	if n, err := nobody.SendWaiting(e.ctx); err != nil || n != 0 {
		t.Errorf("the message was tried again at once: %d, %v", n, err)
	}
}
