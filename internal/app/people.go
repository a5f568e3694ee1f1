package app

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// pageSize is how many people a list page shows.
const pageSize = 50

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
	Level  *levelInfo
}

// peoplePage lists the people the viewer may see: everyone for an admin, their reports
// (direct and indirect) for a manager, and always themselves.
func peoplePage(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	ctx := r.Context()
	q := r.URL.Query()
	d := peopleData{Query: strings.TrimSpace(q.Get("q")), Status: q.Get("status")}
	f := store.PeopleFilter{Query: d.Query, Limit: pageSize}
	switch d.Status {
	case "left":
		f.Status = store.Left
	case "all":
	default:
		d.Status, f.Status = "active", store.Active
	}
	all, under := scope(v)
	d.All = all
	if !all {
		f.Under = under
		d.Self = &personRow{Person: v.Person, Level: describe(a.Framework(), levelRef{v.Person.Ladder, v.Person.Track, v.Person.Level})}
	}
	offset, _ := strconv.Atoi(q.Get("from"))
	offset = max(offset, 0)
	f.Offset = offset
	total, err := a.cfg.Store.CountPeople(ctx, f)
	if err != nil {
		return err
	}
	people, err := a.cfg.Store.ListPeople(ctx, f)
	if err != nil {
		return err
	}
	d.Total = total
	for _, p := range people {
		d.People = append(d.People, personRow{Person: p, Level: describe(a.Framework(), levelRef{p.Ladder, p.Track, p.Level})})
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
		d.PrevURL = link(max(0, offset-pageSize))
	}
	if offset+len(people) < total {
		d.NextURL = link(offset + pageSize)
	}
	a.render(w, r, v, http.StatusOK, "people", "People", d)
	return nil
}

// personForm is the add and edit form of a person.
type personForm struct {
	ID                                 int64
	Name, Email, Title, Manager, Start string
	Status                             string
	Level, Track                       string // a first level, when adding
	Errors                             map[string]string
	Levels                             []ladderChoices
	Tracks                             []trackChoice
}

func (a *App) showPersonForm(w http.ResponseWriter, r *http.Request, v *Viewer, status int, f personForm) {
	f.Levels, f.Tracks = levelChoices(a.Framework()), trackChoices(a.Framework())
	title := "Add a person"
	if f.ID != 0 {
		title = "Edit " + f.Name
	}
	a.render(w, r, v, status, "personform", title, f)
}

func newPersonPage(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	a.showPersonForm(w, r, v, http.StatusOK, personForm{Start: a.cfg.Now().Format(time.DateOnly), Status: string(store.Active)})
	return nil
}

func editPersonPage(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, _ := pathID(r)
	p, err := a.cfg.Store.Person(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	f := personForm{ID: p.ID, Name: p.Name, Email: p.Email, Title: p.Title, Start: p.StartDate.Format(time.DateOnly), Status: string(p.Status)}
	if p.ManagerID != 0 {
		m, err := a.cfg.Store.Person(r.Context(), p.ManagerID)
		if err != nil {
			return err
		}
		f.Manager = m.Email
	}
	a.showPersonForm(w, r, v, http.StatusOK, f)
	return nil
}

// readPersonForm reads and checks the form; the person it returns is valid when Errors is empty.
func (a *App) readPersonForm(r *http.Request, tx *store.Store, f *personForm) (store.Person, *levelRef, error) {
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
	var first *levelRef
	if f.ID == 0 && f.Level != "" {
		ref, msg := parseLevel(a.Framework(), f.Level, f.Track)
		if msg != "" {
			f.Errors["level"] = msg
		} else {
			first = &ref
		}
	}
	return p, first, nil
}

func createPerson(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	ctx := r.Context()
	var f personForm
	var created store.Person
	err := a.cfg.Store.WithTx(ctx, func(tx *store.Store) error {
		p, first, err := a.readPersonForm(r, tx, &f)
		if err != nil {
			return err
		}
		if len(f.Errors) > 0 {
			return errInvalid
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
		return a.audit(tx, r, v, "person.create", created.ID, created.Email)
	})
	return a.savedPerson(w, r, v, f, err, created.ID, "created")
}

func updatePerson(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	ctx := r.Context()
	id, _ := pathID(r)
	f := personForm{ID: id}
	err := a.cfg.Store.WithTx(ctx, func(tx *store.Store) error {
		before, err := tx.Person(ctx, id)
		if err != nil {
			return err
		}
		p, _, err := a.readPersonForm(r, tx, &f)
		if err != nil {
			return err
		}
		if len(f.Errors) > 0 {
			return errInvalid
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
		return a.audit(tx, r, v, "person.update", id, changes(before, after))
	})
	return a.savedPerson(w, r, v, f, err, id, "saved")
}

// savedPerson answers a posted person form, given how saving it went: the form again with
// its errors, or on to the person's page.
func (a *App) savedPerson(w http.ResponseWriter, r *http.Request, v *Viewer, f personForm, err error, id int64, done string) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errNotFound
	case errors.Is(err, store.ErrConflict):
		f.Errors["email"] = "Someone already has this email address."
		err = errInvalid
	}
	if errors.Is(err, errInvalid) {
		a.showPersonForm(w, r, v, http.StatusBadRequest, f)
		return nil
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/people/"+itoa(id), done)
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
	add("manager", itoa(before.ManagerID), itoa(after.ManagerID))
	add("start", before.StartDate.Format(time.DateOnly), after.StartDate.Format(time.DateOnly))
	add("status", string(before.Status), string(after.Status))
	if len(out) == 0 {
		return "no change"
	}
	return strings.Join(out, "; ")
}

// pathID is the {id} of the route, already checked by wrap.
func pathID(r *http.Request) (int64, error) {
	return strconv.ParseInt(r.PathValue("id"), 10, 64)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
