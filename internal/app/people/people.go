// Package people holds the pages of people and their levels: the list, a person's page and
// timeline, the add and edit forms, level changes, and CSV import and export.
package people

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

type peopleData struct {
	People []personRow
	Rows   template.HTML // People as the table's rows, see tableRows
	Query  string
	Status string
	// Count says how many people the list holds, as well as the page knows it.
	Count                      string
	Broad                      bool // a query matched too many to rank: listed as added
	FirstURL, PrevURL, NextURL string
	All                        bool // the viewer sees everyone (an admin)
	Self                       *personRow
}

// personRow is a row of the list: the person, in the page's own list (not copied: a page of
// fifty, copied, was 7 KB of garbage), and their level.
type personRow struct {
	Person *store.Listed
	Level  *web.LevelInfo
}

// List lists the people the viewer may see: everyone for an admin, their reports
// (direct and indirect) for a manager, and always themselves. Pages go on from a person
// (after=ID, before=ID), so that any page of a long list costs what the first does.
func List(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	d, f := listFilter(r, v)
	if !d.All {
		self := v.Person.Listed()
		d.Self = &personRow{Person: &self, Level: web.Describe(srv.Framework(), web.LevelRef{Ladder: v.Person.Ladder, Track: v.Person.Track, Level: v.Person.Level})}
	}
	// Begun with the session's read when the session was seen (ListEarlyReads).
	start, _ := web.Early(r).(*store.PeopleStart)
	pg, err := srv.Store().PeoplePageFrom(ctx, f, start)
	if err != nil {
		return err
	}
	if policy.AuditsList(v) {
		detail := "status " + d.Status
		switch {
		case f.After != 0:
			detail += ", after " + strconv.FormatInt(f.After, 10)
		case f.Before != 0:
			detail += ", before " + strconv.FormatInt(f.Before, 10)
		}
		if d.Query != "" {
			detail += ", search " + strconv.Quote(d.Query)
		}
		if err := srv.Audit(srv.Store(), r, v, "people.list", 0, detail); err != nil {
			return err
		}
	}
	d.Count, d.Broad = countText(pg, d.Query), pg.Broad
	// A page of people holds a few levels, each described once and shown on many rows (see
	// web.Describe).
	d.People = make([]personRow, 0, len(pg.People))
	for i := range pg.People {
		p := &pg.People[i]
		info := web.Describe(srv.Framework(), web.LevelRef{Ladder: p.Ladder, Track: p.Track, Level: p.Level})
		d.People = append(d.People, personRow{Person: p, Level: info})
	}
	link := func(key string, id int64) string {
		v := url.Values{"status": {d.Status}}
		if d.Query != "" {
			v.Set("q", d.Query)
		}
		if key != "" {
			v.Set(key, strconv.FormatInt(id, 10))
		}
		return "/people?" + v.Encode()
	}
	d.Rows = tableRows(d.People)
	if pg.HasPrev && len(pg.People) > 0 {
		d.FirstURL, d.PrevURL = link("", 0), link("before", pg.People[0].ID)
	}
	if pg.HasNext && len(pg.People) > 0 {
		d.NextURL = link("after", pg.People[len(pg.People)-1].ID)
	}
	srv.Render(w, r, v, http.StatusOK, "people", "People", d)
	return nil
}

// listFilter is the list's filter for the request and viewer v: its query, status and page,
// within what v may see (policy.Scope), and the page's data as far as they say it.
func listFilter(r *http.Request, v *policy.Viewer) (peopleData, store.PeopleFilter) {
	q := r.URL.Query()
	d := peopleData{Query: web.Truncate(strings.TrimSpace(q.Get("q")), store.MaxName), Status: q.Get("status")}
	f := store.PeopleFilter{Query: d.Query, Limit: web.PageSize}
	switch d.Status {
	case "left":
		f.Status = store.Left
	case "all":
	default:
		d.Status, f.Status = "active", store.Active
	}
	all, under := policy.Scope(v)
	d.All = all
	if !all {
		f.Under = under
	}
	f.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	if f.After < 0 || f.Before < 0 || (f.After != 0 && f.Before != 0) {
		f.After, f.Before = 0, 0
	}
	return d, f
}

// ListEarlyReads adds to reads the statement the list's page begins with for the viewer
// seen (store.ReadPeoplePage), to go with the session's read: one round trip on PostgreSQL
// where the list took two. web.EarlyReads drops it when the session opens someone else now,
// and the list then reads its page itself, as it does when the page begins otherwise.
func ListEarlyReads(r *http.Request, reads *store.Reads, seen web.Seen) any {
	v := seen.Viewer()
	if v == nil {
		return nil
	}
	_, f := listFilter(r, v)
	// Not returned as it is: a nil *store.PeopleStart in an any is not nil, and web.Early is
	// to be nil when nothing was read early.
	if start := reads.Store().ReadPeoplePage(reads, f); start != nil {
		return start
	}
	return nil
}

// countText says how many people a list holds, no more precisely than the page knows it:
// exactly up to store.MostCounted, "about" a count that may be a little behind past that,
// and "more than" for a query too broad to count.
func countText(pg store.PeoplePage, query string) string {
	people := func(n int) string {
		if n == 1 {
			return "1 person"
		}
		return web.Thousands(n) + " people"
	}
	var s string
	switch pg.Count {
	case store.About:
		s = "About " + people(roughly(pg.Total))
	case store.MoreThan:
		s = "More than " + people(pg.Total)
	default:
		s = people(pg.Total)
		s = strings.ToUpper(s[:1]) + s[1:]
	}
	if query == "" {
		return s + "."
	}
	if pg.Count == store.Exactly && pg.Total == 1 {
		return s + " matches."
	}
	return s + " match."
}

// roughly rounds n to three significant figures: a count that may be a little behind is not
// shown to the last person.
func roughly(n int) int {
	unit := 1
	for n/unit >= 1000 {
		unit *= 10
	}
	return (n + unit/2) / unit * unit
}

// personForm is the add and edit form of a person.
type personForm struct {
	ID int64
	// Version is the version of the person the edit form was filled in against: a save is
	// made only over it (see store.UpdatePerson).
	Version                            int64
	Name, Email, Title, Manager, Start string
	Status                             string
	Level, Track                       string // a first level, when adding
	Errors                             map[string]string
	// Saved is what is saved now, when someone else saved the person since the form was
	// opened: shown beside what was typed, so that neither is lost.
	Saved  *savedFields
	Levels []web.LadderChoices
	Tracks []web.TrackChoice
}

// savedFields are a person's fields as the edit form shows them.
type savedFields struct {
	Name, Email, Title, Manager, Start, Status string
}

// fieldsOf is p as the edit form shows it: their manager by email.
func fieldsOf(srv *web.Server, r *http.Request, p store.Person) (savedFields, error) {
	f := savedFields{Name: p.Name, Email: p.Email, Title: p.Title, Start: p.StartDate.Format(time.DateOnly), Status: string(p.Status)}
	if p.ManagerID != 0 {
		m, err := srv.Store().Person(r.Context(), p.ManagerID)
		if err != nil {
			return f, err
		}
		f.Manager = m.Email
	}
	return f, nil
}

func showPersonForm(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, status int, f personForm) {
	f.Levels, f.Tracks = web.LevelChoices(srv.Framework()), web.TrackChoices(srv.Framework())
	title := "Add a person"
	if f.ID != 0 {
		title = "Edit " + f.Name
	}
	srv.Render(w, r, v, status, "personform", title, f)
}

// NewPage shows the form to add a person.
func NewPage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	showPersonForm(srv, w, r, v, http.StatusOK, personForm{Start: srv.Now().Format(time.DateOnly), Status: string(store.Active)})
	return nil
}

// EditPage shows the form to edit a person.
func EditPage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	id, _ := web.PathID(r)
	p, err := srv.Store().Person(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return web.ErrNotFound
	}
	if err != nil {
		return err
	}
	saved, err := fieldsOf(srv, r, p)
	if err != nil {
		return err
	}
	f := personForm{ID: p.ID, Version: p.Version, Name: saved.Name, Email: saved.Email, Title: saved.Title, Manager: saved.Manager,
		Start: saved.Start, Status: saved.Status}
	showPersonForm(srv, w, r, v, http.StatusOK, f)
	return nil
}

// readPersonForm reads and checks the form; the person it returns is valid when Errors is empty.
func readPersonForm(srv *web.Server, r *http.Request, tx *store.Store, f *personForm) (store.Person, *web.LevelRef, error) {
	f.Name = strings.TrimSpace(r.PostFormValue("name"))
	f.Email = strings.TrimSpace(r.PostFormValue("email"))
	f.Title = strings.TrimSpace(r.PostFormValue("title"))
	f.Manager = strings.TrimSpace(r.PostFormValue("manager"))
	f.Start = strings.TrimSpace(r.PostFormValue("start"))
	f.Status = r.PostFormValue("status")
	f.Level, f.Track = r.PostFormValue("level"), r.PostFormValue("track")
	f.Errors = map[string]string{}
	p := store.Person{ID: f.ID, Name: f.Name, Email: f.Email, Title: f.Title, Status: store.Status(f.Status)}
	if f.Name == "" {
		f.Errors["name"] = "Give a name."
	} else if problem := store.TextProblem(f.Name, store.MaxName); problem != "" {
		f.Errors["name"] = "The name " + problem + "."
	}
	if problem := store.TextProblem(f.Title, store.MaxTitle); problem != "" {
		f.Errors["title"] = "The job title " + problem + "."
	}
	if !store.ValidEmail(f.Email) {
		f.Errors["email"] = "Give an email address, such as ada@example.com."
	}
	start, err := time.Parse(time.DateOnly, f.Start)
	if err != nil {
		f.Errors["start"] = "Give the start date as YYYY-MM-DD."
	}
	p.StartDate = start
	if f.ID == 0 || f.Status == "" {
		p.Status = store.Active
	} else if p.Status != store.Active && p.Status != store.Left {
		f.Errors["status"] = "Choose active or left."
	}
	if f.Manager != "" {
		m, err := tx.PersonByEmail(r.Context(), f.Manager)
		switch {
		case errors.Is(err, store.ErrNotFound):
			f.Errors["manager"] = "No one has the email " + f.Manager + "."
		case err != nil:
			return p, nil, err
		case m.ID == f.ID && f.ID != 0:
			f.Errors["manager"] = "A person cannot be their own manager."
		default:
			p.ManagerID = m.ID
			if f.ID != 0 {
				// Managing someone above you would make the chain a loop.
				loop, err := tx.Manages(r.Context(), f.ID, m.ID)
				if err != nil {
					return p, nil, err
				}
				if loop {
					f.Errors["manager"] = m.Name + " reports to " + f.Name + ", so cannot be their manager."
				}
			}
		}
	}
	var first *web.LevelRef
	if f.ID == 0 && f.Level != "" {
		ref, msg := web.ParseLevel(srv.Framework(), f.Level, f.Track)
		if msg != "" {
			f.Errors["level"] = msg
		} else {
			first = &ref
		}
	}
	return p, first, nil
}

// Create adds a person, with a first level when one is given.
func Create(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	var f personForm
	var created store.Person
	err := srv.Store().WithTx(ctx, func(tx *store.Store) error {
		p, first, err := readPersonForm(srv, r, tx, &f)
		if err != nil {
			return err
		}
		if len(f.Errors) > 0 {
			return web.ErrInvalid
		}
		if created, err = tx.CreatePerson(ctx, p); err != nil {
			return err
		}
		if first != nil {
			if _, err := tx.AddLevelChange(ctx, store.LevelChange{PersonID: created.ID, ToLevel: first.Level, Ladder: first.Ladder,
				Track: first.Track, Date: created.StartDate, Reason: store.Hire, MadeBy: v.Person.ID}); err != nil {
				return err
			}
		}
		return srv.Audit(tx, r, v, "person.create", created.ID, created.Email)
	})
	return savedPerson(srv, w, r, v, f, err, created.ID, "created")
}

// errNoVersion answers an edit form posted without the version it was opened at: a page
// from before rungs kept versions, or not one of its pages.
var errNoVersion = web.Errorf(http.StatusBadRequest,
	"This form does not say which version of the person it was opened at, so saving it could undo someone else's changes. Nothing was saved: open the edit page again.")

// Update saves the edit form of a person, only over the version the form was opened at: if
// someone else saved the person meanwhile, nothing is saved and the form comes back with
// what was typed beside what is saved now (see savedPerson).
func Update(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	id, _ := web.PathID(r)
	version, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || version <= 0 {
		return errNoVersion
	}
	f := personForm{ID: id, Version: version}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		before, err := tx.Person(ctx, id)
		if err != nil {
			return err
		}
		p, _, err := readPersonForm(srv, r, tx, &f)
		if err != nil {
			return err
		}
		if before.Version != version {
			// Said before any error of the form: those may be about what is no longer there.
			return store.ErrStale
		}
		if len(f.Errors) > 0 {
			return web.ErrInvalid
		}
		p.Version = version
		after, err := tx.UpdatePerson(ctx, p)
		if err != nil {
			return err
		}
		if before.Status == store.Active && after.Status == store.Left {
			// Someone who leaves is signed out at once, not when their session runs out.
			if acct, err := access.AccountOfPerson(ctx, tx, id); err == nil {
				if _, err := access.DeleteSessionsOf(ctx, tx, acct.ID); err != nil {
					return err
				}
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return srv.Audit(tx, r, v, "person.update", id, changes(before, after))
	})
	return savedPerson(srv, w, r, v, f, err, id, "saved")
}

// savedPerson answers a posted person form, given how saving it went: the form again with
// its errors, or on to the person's page.
func savedPerson(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, f personForm, err error, id int64, done string) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return web.ErrNotFound
	case errors.Is(err, store.ErrStale):
		// What is saved now goes beside what was typed, and the form carries its version, so
		// that saving again keeps what the person chooses having seen both.
		now, err := srv.Store().Person(r.Context(), id)
		if errors.Is(err, store.ErrNotFound) {
			return web.ErrNotFound
		}
		if err != nil {
			return err
		}
		saved, err := fieldsOf(srv, r, now)
		if err != nil {
			return err
		}
		f.Saved, f.Version = &saved, now.Version
		showPersonForm(srv, w, r, v, http.StatusConflict, f)
		return nil
	case errors.Is(err, store.ErrCycle):
		// The form's own check passed, and another change made it a loop meanwhile.
		f.Errors["manager"] = "This manager reports to " + f.Name + ", so cannot be their manager."
		err = web.ErrInvalid
	case errors.Is(err, store.ErrConflict):
		f.Errors["email"] = "Someone already has this email address."
		err = web.ErrInvalid
	}
	if errors.Is(err, web.ErrInvalid) {
		showPersonForm(srv, w, r, v, http.StatusBadRequest, f)
		return nil
	}
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/people/"+web.Itoa(id), done)
	return nil
}

// changes says which fields an update changed, for the audit log.
func changes(before, after store.Person) string {
	var out []string
	add := func(field, was, is string) {
		if was != is {
			out = append(out, field+": "+strconv.Quote(was)+" -> "+strconv.Quote(is))
		}
	}
	add("name", before.Name, after.Name)
	add("email", before.Email, after.Email)
	add("title", before.Title, after.Title)
	add("manager", web.Itoa(before.ManagerID), web.Itoa(after.ManagerID))
	add("start", before.StartDate.Format(time.DateOnly), after.StartDate.Format(time.DateOnly))
	add("status", string(before.Status), string(after.Status))
	if len(out) == 0 {
		return "no change"
	}
	return strings.Join(out, "; ")
}
