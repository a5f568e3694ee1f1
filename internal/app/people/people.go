// Package people holds the pages of people and their levels: the list, a person's page and
// timeline, the add and edit forms, level changes, and CSV import and export.
package people

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
)

type peopleData struct {
	People  []personRow
	Query   string
	Status  string
	Total   int
	From    int // 1-based index of the first shown
	To      int
	PrevURL string
	NextURL string
	All     bool // the viewer sees everyone (an admin)
	Self    *personRow
}

type personRow struct {
	Person store.Person
	Level  *web.LevelInfo
}

// List lists the people the viewer may see: everyone for an admin, their reports
// (direct and indirect) for a manager, and always themselves.
func List(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
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
		d.Self = &personRow{Person: v.Person, Level: web.Describe(srv.Framework(), web.LevelRef{Ladder: v.Person.Ladder, Track: v.Person.Track, Level: v.Person.Level})}
	}
	offset, _ := strconv.Atoi(q.Get("from"))
	offset = max(offset, 0)
	f.Offset = offset
	total, err := srv.Store().CountPeople(ctx, f)
	if err != nil {
		return err
	}
	people, err := srv.Store().ListPeople(ctx, f)
	if err != nil {
		return err
	}
	d.Total = total
	if policy.AuditsList(v) {
		detail := "status " + d.Status + ", from " + strconv.Itoa(offset)
		if d.Query != "" {
			detail += ", search " + strconv.Quote(d.Query)
		}
		if err := srv.Audit(srv.Store(), r, v, "people.list", 0, detail); err != nil {
			return err
		}
	}
	for _, p := range people {
		d.People = append(d.People, personRow{Person: p, Level: web.Describe(srv.Framework(), web.LevelRef{Ladder: p.Ladder, Track: p.Track, Level: p.Level})})
	}
	if len(people) > 0 {
		d.From, d.To = offset+1, offset+len(people)
	}
	link := func(from int) string {
		v := url.Values{"from": {strconv.Itoa(from)}, "status": {d.Status}}
		if d.Query != "" {
			v.Set("q", d.Query)
		}
		return "/people?" + v.Encode()
	}
	if offset > 0 {
		d.PrevURL = link(max(0, offset-web.PageSize))
	}
	if offset+len(people) < total {
		d.NextURL = link(offset + web.PageSize)
	}
	srv.Render(w, r, v, http.StatusOK, "people", "People", d)
	return nil
}

// personForm is the add and edit form of a person.
type personForm struct {
	ID                                 int64
	Name, Email, Title, Manager, Start string
	Status                             string
	Level, Track                       string // a first level, when adding
	Errors                             map[string]string
	Levels                             []web.LadderChoices
	Tracks                             []web.TrackChoice
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
	f := personForm{ID: p.ID, Name: p.Name, Email: p.Email, Title: p.Title, Start: p.StartDate.Format(time.DateOnly), Status: string(p.Status)}
	if p.ManagerID != 0 {
		m, err := srv.Store().Person(r.Context(), p.ManagerID)
		if err != nil {
			return err
		}
		f.Manager = m.Email
	}
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

// Update saves the edit form of a person.
func Update(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	id, _ := web.PathID(r)
	f := personForm{ID: id}
	err := srv.Store().WithTx(ctx, func(tx *store.Store) error {
		before, err := tx.Person(ctx, id)
		if err != nil {
			return err
		}
		p, _, err := readPersonForm(srv, r, tx, &f)
		if err != nil {
			return err
		}
		if len(f.Errors) > 0 {
			return web.ErrInvalid
		}
		after, err := tx.UpdatePerson(ctx, p)
		if err != nil {
			return err
		}
		if before.Status == store.Active && after.Status == store.Left {
			// Someone who leaves is signed out at once, not when their session runs out.
			if acct, err := tx.AccountOfPerson(ctx, id); err == nil {
				if _, err := tx.DeleteSessionsOf(ctx, acct.ID); err != nil {
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
