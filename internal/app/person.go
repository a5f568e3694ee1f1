package app

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rungs/rungs/internal/store"
)

type personData struct {
	Person   store.Person
	Level    *levelInfo
	Chain    []store.Person // managers, nearest first
	Reports  []store.Person
	Timeline []timelineEntry
	Account  *store.Account
	Admin    bool
	// The level-change form, for an admin.
	Form   levelForm
	Levels []ladderChoices
	Tracks []trackChoice
}

type timelineEntry struct {
	Change store.LevelChange
	From   *levelInfo
	To     *levelInfo
	By     string
}

type levelForm struct {
	Level, Track, Reason, Date, Note string
	Errors                           map[string]string
}

func personPage(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	id, _ := pathID(r)
	return a.showPerson(w, r, v, id, http.StatusOK, levelForm{Date: a.cfg.Now().Format(time.DateOnly)})
}

func (a *App) showPerson(w http.ResponseWriter, r *http.Request, v *Viewer, id int64, status int, form levelForm) error {
	ctx := r.Context()
	s := a.cfg.Store
	p, err := s.Person(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	if auditsRead(v, id) {
		if err := a.audit(s, r, v, "person.view", id, ""); err != nil {
			return err
		}
	}
	f := a.Framework()
	d := personData{Person: p, Level: describe(f, levelRef{p.Ladder, p.Track, p.Level}), Admin: v.Admin(), Form: form}
	if d.Chain, err = s.ManagerChain(ctx, id); err != nil {
		return err
	}
	if d.Reports, err = s.ListPeople(ctx, store.PeopleFilter{ManagerID: id, Status: store.Active, Limit: store.MaxLimit}); err != nil {
		return err
	}
	history, err := s.LevelHistory(ctx, id)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	// Newest first: the timeline reads from where the person is now.
	for i := len(history) - 1; i >= 0; i-- {
		c := history[i]
		e := timelineEntry{Change: c, To: describe(f, levelRef{c.Ladder, c.Track, c.ToLevel})}
		if c.FromLevel != "" && i > 0 {
			prev := history[i-1]
			e.From = describe(f, levelRef{prev.Ladder, prev.Track, c.FromLevel})
		}
		if c.MadeBy != 0 {
			if _, ok := names[c.MadeBy]; !ok {
				if by, err := s.Person(ctx, c.MadeBy); err == nil {
					names[c.MadeBy] = by.Name
				}
			}
			e.By = names[c.MadeBy]
		}
		d.Timeline = append(d.Timeline, e)
	}
	if d.Admin {
		if acct, err := s.AccountOfPerson(ctx, id); err == nil {
			d.Account = &acct
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		d.Levels, d.Tracks = levelChoices(f), trackChoices(f)
		if d.Form.Level == "" && p.Level != "" {
			d.Form.Level, d.Form.Track = p.Ladder+"/"+p.Level, p.Track
		}
	}
	a.render(w, r, v, status, "person", p.Name, d)
	return nil
}

// addLevel records a level change for a person; nothing is ever edited in a history, so a
// mistake is put right by a new entry with the reason "correction".
func addLevel(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	ctx := r.Context()
	id, _ := pathID(r)
	form := levelForm{
		Level: r.PostFormValue("level"), Track: r.PostFormValue("track"), Reason: r.PostFormValue("reason"),
		Date: strings.TrimSpace(r.PostFormValue("date")), Note: strings.TrimSpace(r.PostFormValue("note")),
		Errors: map[string]string{},
	}
	ref, msg := parseLevel(a.Framework(), form.Level, form.Track)
	if msg != "" {
		form.Errors["level"] = msg
	}
	reason := store.Reason(form.Reason)
	if !reason.Valid() {
		form.Errors["reason"] = "Choose why the level changes."
	}
	date, err := time.Parse(time.DateOnly, form.Date)
	if err != nil {
		form.Errors["date"] = "Give the date it takes effect as YYYY-MM-DD."
	}
	if utf8.RuneCountInString(form.Note) > 2000 {
		form.Errors["note"] = "Keep the note under 2,000 characters."
	}
	if len(form.Errors) > 0 {
		return a.showPerson(w, r, v, id, http.StatusBadRequest, form)
	}
	err = a.cfg.Store.WithTx(ctx, func(tx *store.Store) error {
		c, err := tx.AddLevelChange(ctx, store.LevelChange{PersonID: id, ToLevel: ref.Level, Ladder: ref.Ladder, Track: ref.Track,
			Date: date, Reason: reason, Note: form.Note, MadeBy: v.Person.ID})
		if err != nil {
			return err
		}
		return a.audit(tx, r, v, "level.change", id, string(c.Reason)+": "+c.FromLevel+" -> "+c.ToLevel)
	})
	if errors.Is(err, store.ErrNotFound) {
		return errNotFound
	}
	if err != nil {
		return err
	}
	redirect(w, r, "/people/"+itoa(id), "level")
	return nil
}
