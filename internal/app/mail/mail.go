// Package mail tells people by email of what needs them in the people app: an assessment
// cycle they are in has opened, their manager's assessment is shared with them, a promotion
// case about them is decided. Each Notify function is called in the transaction of its event
// and only writes a message to the outbox (package store/outbox); a Sender in the background
// sends it over SMTP, trying again later when the mail server does not take it, so that mail
// never holds up or fails anyone's request. Without an SMTP server configured, Notify writes
// nothing. A message says what happened and links to the page: it never holds what anyone
// wrote (notes, evidence, a case's argument).
package mail

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/assess"
	"github.com/rungs/rungs/internal/store/outbox"
)

// The kinds of message, as the outbox records them.
const (
	AssessmentDue    = "assessment-due"
	AssessmentShared = "assessment-shared"
	CaseDecided      = "case-decided"
)

// cycleFacts are what the assessment messages tell.
type cycleFacts struct {
	Cycle int64  `json:"cycle"`
	Name  string `json:"name"`
	Ends  string `json:"ends"` // YYYY-MM-DD
}

// NotifyCycleOpened tells everyone in cycle c that their self-assessment is due; tx is the
// transaction that opened it.
func NotifyCycleOpened(ctx context.Context, srv *web.Server, tx *store.Store, c assess.Cycle) error {
	if !srv.Config().Mail {
		return nil
	}
	_, err := outbox.AddToCycle(ctx, tx, AssessmentDue, c.ID, cycleFacts{Cycle: c.ID, Name: c.Name, Ends: c.EndsOn.Format(time.DateOnly)})
	return err
}

// NotifyAssessmentShared tells person that their manager's assessment in c is shared with
// them; tx is the transaction that shared it.
func NotifyAssessmentShared(ctx context.Context, srv *web.Server, tx *store.Store, c assess.Cycle, person int64) error {
	if !srv.Config().Mail {
		return nil
	}
	return outbox.Add(ctx, tx, AssessmentShared, person, cycleFacts{Cycle: c.ID, Name: c.Name, Ends: c.EndsOn.Format(time.DateOnly)})
}

// Decision is a promotion case's outcome, as its email tells it.
type Decision struct {
	Person   int64  // whom the case is about: the email goes to them
	Level    string // the level the case was for, in words ("Senior Engineer (E4)")
	Approved bool   // approved, or not yet
	// Effective is the date an approved promotion takes effect; zero for "not yet".
	Effective time.Time
	// Path is the case's page in the app ("/people/12/cases/3"), which the email links to.
	Path string
}

type caseFacts struct {
	Level     string `json:"level"`
	Approved  bool   `json:"approved"`
	Effective string `json:"effective,omitempty"`
	Path      string `json:"path"`
}

// NotifyCaseDecided tells the person a promotion case was about that it is decided; tx is
// the transaction that recorded the decision. The email names the level and the outcome and
// links to the case: the reasons stay in the app, for the person to read signed in.
func NotifyCaseDecided(ctx context.Context, srv *web.Server, tx *store.Store, d Decision) error {
	if !srv.Config().Mail {
		return nil
	}
	if d.Person == 0 || !strings.HasPrefix(d.Path, "/") {
		return fmt.Errorf("mail: a decided case needs its person and the path of its page")
	}
	f := caseFacts{Level: d.Level, Approved: d.Approved, Path: d.Path}
	if !d.Effective.IsZero() {
		f.Effective = d.Effective.Format(time.DateOnly)
	}
	return outbox.Add(ctx, tx, CaseDecided, d.Person, f)
}

// Letter is one message's words, ready to send.
type Letter struct {
	To, ToName string
	Subject    string
	Text       string // plain text: the message itself
	HTML       string // the same in HTML, for mail programs that show it
}

// compose writes the words of m to person, with links on base (the app's address, no
// trailing slash); site is the framework's title.
func compose(m outbox.Message, person store.Person, base, site string) (Letter, error) {
	l := Letter{To: person.Email, ToName: person.Name}
	greeting := "Hello " + firstName(person.Name) + ","
	var lines []string
	var link, linkText string
	switch m.Kind {
	case AssessmentDue, AssessmentShared:
		var f cycleFacts
		if err := json.Unmarshal(m.Data, &f); err != nil {
			return Letter{}, fmt.Errorf("message %d: %w", m.ID, err)
		}
		link = base + "/cycles/" + strconv.FormatInt(f.Cycle, 10) + "/people/" + strconv.FormatInt(person.ID, 10)
		if m.Kind == AssessmentDue {
			l.Subject = "Your self-assessment for " + f.Name + " is open"
			lines = []string{
				"The assessment cycle " + f.Name + " has opened, and you are in it. Rate yourself against the expectations of your level, with examples of your work, by " + f.Ends + ".",
				"Your manager assesses you too. Nobody else reads your self-assessment until you submit it.",
			}
			linkText = "Start your self-assessment"
		} else {
			l.Subject = "Your manager's assessment for " + f.Name + " is ready to read"
			lines = []string{
				"Your manager has shared their assessment of you for " + f.Name + ". Read it beside your own, and acknowledge it when you have: you can add a note for your manager as you do.",
			}
			linkText = "Read the assessment"
		}
	case CaseDecided:
		var f caseFacts
		if err := json.Unmarshal(m.Data, &f); err != nil {
			return Letter{}, fmt.Errorf("message %d: %w", m.ID, err)
		}
		link, linkText = base+f.Path, "Read the decision"
		if f.Approved {
			l.Subject = "Your promotion to " + f.Level + " is approved"
			s := "The promotion case for " + f.Level + " has been decided: it is approved."
			if f.Effective != "" {
				s += " It takes effect on " + f.Effective + ", and your level history shows it."
			}
			lines = []string{s, "Congratulations."}
		} else {
			l.Subject = "The decision on your case for " + f.Level
			lines = []string{"The promotion case for " + f.Level + " has been decided: not yet. The reviewers say what to work on next; your manager will go through it with you."}
		}
	default:
		return Letter{}, fmt.Errorf("message %d: no words for a message of kind %q", m.ID, m.Kind)
	}
	var t strings.Builder
	t.WriteString(greeting + "\n\n")
	for _, line := range lines {
		t.WriteString(line + "\n\n")
	}
	t.WriteString(linkText + ": " + link + "\n\n")
	t.WriteString("-- \n" + site + ": you get this email because you have an account in its people app.\n")
	l.Text = t.String()

	var h strings.Builder
	h.WriteString("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape(l.Subject) + "</title></head><body>\n")
	h.WriteString("<p>" + escape(greeting) + "</p>\n")
	for _, line := range lines {
		h.WriteString("<p>" + escape(line) + "</p>\n")
	}
	h.WriteString(`<p><a href="` + escape(link) + `">` + escape(linkText) + "</a></p>\n")
	h.WriteString("<p style=\"color:#5b6475\">" + escape(site) + ": you get this email because you have an account in its people app.</p>\n</body></html>\n")
	l.HTML = h.String()
	return l, nil
}

// escape makes text safe in HTML text and quoted attributes.
var escape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace

// firstName is the first word of a name, for a greeting.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}
