// Package audit holds the audit log's page and its export, for the people team.
package audit

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/peoplecsv"
	"github.com/rungs/rungs/internal/store"
)

type auditData struct {
	Entries []auditRow
	Filter  auditForm
	Actions []actionChoice
	PrevURL string
	NextURL string
	Export  string
	Error   string
}

type auditRow struct {
	Entry   store.AuditEntry
	Action  string // the action in words
	Detail  string // the detail, with the codes it holds in words
	Actor   string
	Subject string
}

// actionChoice is one action of the filter's picker.
type actionChoice struct {
	web.Choice
	Selected bool
}

// auditForm is the filter as typed, to show it back.
type auditForm struct {
	Person, As, Action, Since, Until string
}

// auditFilter reads the filter of the audit page, and of its export, from the query: a
// person (by email, as the one acting or acted on), an action and a range of days. problem
// says what is wrong with what was typed.
func auditFilter(ctx context.Context, s *store.Store, r *http.Request) (f store.AuditFilter, form auditForm, problem string, err error) {
	q := r.URL.Query()
	form = auditForm{Person: strings.TrimSpace(q.Get("person")), As: q.Get("as"), Action: strings.TrimSpace(q.Get("action")),
		Since: q.Get("since"), Until: q.Get("until")}
	f.Action = form.Action
	if form.Since != "" {
		if f.Since, err = time.Parse(time.DateOnly, form.Since); err != nil {
			problem = "Give dates as YYYY-MM-DD."
		}
	}
	if form.Until != "" {
		t, err := time.Parse(time.DateOnly, form.Until)
		if err != nil {
			problem = "Give dates as YYYY-MM-DD."
		} else {
			f.Until = t.AddDate(0, 0, 1) // through the end of that day
		}
	}
	if form.Person != "" {
		p, err := s.PersonByEmail(ctx, form.Person)
		switch {
		case errors.Is(err, store.ErrNotFound):
			problem = "No one has the email " + form.Person + "."
		case err != nil:
			return f, form, "", err
		case form.As == "actor":
			f.Actor = p.ID
		default:
			f.Subject = p.ID
		}
	}
	return f, form, problem, nil
}

// Page shows the audit log, newest first, filtered by person (as actor or subject),
// action and dates.
func Page(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	s := srv.Store()
	q := r.URL.Query()
	f, form, problem, err := auditFilter(ctx, s, r)
	if err != nil {
		return err
	}
	d := auditData{Filter: form, Error: problem, Actions: actionChoices(form.Action)}
	if d.Error != "" {
		srv.Render(w, r, v, http.StatusBadRequest, "audit", "Audit log", d)
		return nil
	}
	f.Limit = web.PageSize
	f.Offset, _ = strconv.Atoi(q.Get("from"))
	f.Offset = max(f.Offset, 0)
	// The look is recorded first, so the page shows it: reading the log is itself logged.
	if err := srv.Audit(s, r, v, "audit.view", 0, describe(form, f.Offset)); err != nil {
		return err
	}
	entries, err := s.AuditLog(ctx, f)
	if err != nil {
		return err
	}
	names := map[int64]string{0: ""}
	name := func(id int64) string {
		if n, ok := names[id]; ok {
			return n
		}
		if p, err := s.Person(ctx, id); err == nil {
			names[id] = p.Name + " <" + p.Email + ">"
		} else {
			names[id] = "#" + web.Itoa(id)
		}
		return names[id]
	}
	for _, e := range entries {
		d.Entries = append(d.Entries, auditRow{Entry: e, Action: web.Label(e.Action), Detail: readableDetail(srv.Framework(), e),
			Actor: name(e.Actor), Subject: name(e.Subject)})
	}
	link := func(path string, from int) string {
		vals := url.Values{}
		for k, vs := range q {
			if k != "from" {
				vals[k] = vs
			}
		}
		if from > 0 {
			vals.Set("from", strconv.Itoa(from))
		}
		if len(vals) == 0 {
			return path
		}
		return path + "?" + vals.Encode()
	}
	if f.Offset > 0 {
		d.PrevURL = link("/audit", max(0, f.Offset-web.PageSize))
	}
	if len(entries) == web.PageSize {
		d.NextURL = link("/audit", f.Offset+web.PageSize)
	}
	d.Export = link("/export/audit.csv", 0)
	srv.Render(w, r, v, http.StatusOK, "audit", "Audit log", d)
	return nil
}

// actionChoices are the actions the filter offers, in words, with the one filtered on
// selected; an action the app no longer records, typed into the address, is kept as a choice.
func actionChoices(current string) []actionChoice {
	var out []actionChoice
	found := current == ""
	for _, c := range web.AuditActions() {
		out = append(out, actionChoice{Choice: c, Selected: c.Value == current})
		found = found || c.Value == current
	}
	if !found {
		out = append(out, actionChoice{Choice: web.Choice{Value: current, Label: current}, Selected: true})
	}
	return out
}

// readableDetail is an entry's detail as people read it: a level change's is recorded as
// "reason: from -> to" in codes ("promotion: senior -> staff"), and is shown in words.
func readableDetail(f *ladder.Framework, e store.AuditEntry) string {
	if e.Action != "level.change" {
		return e.Detail
	}
	reason, change, ok := strings.Cut(e.Detail, ": ")
	if !ok {
		return e.Detail
	}
	from, to, ok := strings.Cut(change, " -> ")
	if !ok {
		return e.Detail
	}
	from, to = levelWords(f, strings.TrimSpace(from)), levelWords(f, strings.TrimSpace(to))
	switch {
	case from == "":
		return web.Label(reason) + ": " + to
	case from == to:
		return web.Label(reason) + ": " + to + ", the same level"
	}
	return web.Label(reason) + ": " + from + " → " + to
}

// levelWords names a level recorded by its id alone: its code and title when exactly one
// ladder has a level of that id, else the id.
func levelWords(f *ladder.Framework, id string) string {
	var found *ladder.Level
	for _, l := range f.Ladders {
		if lv := l.Level(id); lv != nil {
			if found != nil {
				return id
			}
			found = lv
		}
	}
	if found == nil {
		return id
	}
	return strings.TrimSpace(found.Code + " " + found.Title)
}

// describe says which part of the log was looked at, for the entry that records the look.
func describe(form auditForm, offset int) string {
	var parts []string
	for _, kv := range [][2]string{{"person", form.Person}, {"as", form.As}, {"action", form.Action}, {"since", form.Since}, {"until", form.Until}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+" "+strconv.Quote(kv[1]))
		}
	}
	parts = append(parts, "from "+strconv.Itoa(offset))
	return strings.Join(parts, ", ")
}

// Export downloads the audit log, filtered as the page is, as a CSV file.
func Export(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	f, _, problem, err := auditFilter(r.Context(), srv.Store(), r)
	if err != nil {
		return err
	}
	if problem != "" {
		return web.Errorf(http.StatusBadRequest, problem)
	}
	return web.ExportCSV(srv, w, r, v, "audit-log.csv", func(out io.Writer) error { return peoplecsv.WriteAudit(r.Context(), out, srv.Store(), f) })
}
