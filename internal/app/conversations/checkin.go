package conversations

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/checkins"
	"github.com/rungs/rungs/internal/store/growth"
)

// pageData is what one check-in's page shows.
type pageData struct {
	Person  store.Person
	C       checkins.CheckIn
	With    string
	Editor  string // who last changed the notes, when not the one who wrote them
	Notes   template.HTML
	Talked  []Expectation
	Items   []itemView
	Private checkins.PrivateNote // the viewer's own, and no one else's
	HeldIt  bool                 // the viewer is one of the two who held it: they keep its items
	MayEdit bool
	Until   time.Time // the last moment its notes can be changed
	// Cases are the promotion cases the viewer may read that put this check-in's shared
	// notes before their reviewers.
	Cases []caseLink
	// The form just sent, with its errors, when it had some: which form, and its fields.
	Form   map[string]string
	Errors map[string]string
	Max    int
}

// caseLink names a promotion case that put a check-in forward.
type caseLink struct {
	URL, Target string
	Submitted   bool
}

// loadCheckIn reads the person and the check-in of the route; a check-in of someone else is
// not found, whatever its id.
func loadCheckIn(srv *web.Server, r *http.Request, v *policy.Viewer) (store.Person, checkins.CheckIn, error) {
	p, _, err := loadPerson(srv, r, v)
	if err != nil {
		return p, checkins.CheckIn{}, err
	}
	id, err := pathInt(r, "checkin")
	if err != nil {
		return p, checkins.CheckIn{}, err
	}
	c, err := checkins.Find(r.Context(), srv.Store(), p.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return p, c, web.ErrNotFound
	}
	return p, c, err
}

// Page shows one check-in: its shared notes, the viewer's private note, its action items,
// and the forms the viewer may use.
func Page(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return showCheckIn(srv, w, r, v, http.StatusOK, nil, nil)
}

func showCheckIn(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, status int, form, errs map[string]string) error {
	ctx := r.Context()
	s := srv.Store()
	p, c, err := loadCheckIn(srv, r, v)
	if err != nil {
		return err
	}
	if policy.AuditsRead(v, p.ID) {
		if err := srv.Audit(s, r, v, "checkin.view", p.ID, c.HeldOn.Format(time.DateOnly)); err != nil {
			return err
		}
	}
	n := srv.Names(r)
	now := srv.Now()
	d := pageData{Person: p, C: c, With: n.Of(c.ManagerID), Notes: notesHTML(c.Shared, p.ID), HeldIt: policy.HeldIt(v, c),
		MayEdit: policy.MayEditCheckIn(v, c, now), Until: c.CreatedAt.AddDate(0, 0, policy.CheckInEditDays),
		Form: form, Errors: errs, Max: checkins.MaxCheckInNotes}
	if c.UpdatedBy != 0 && c.UpdatedBy != c.ManagerID {
		d.Editor = n.Of(c.UpdatedBy)
	}
	x := ExpectationsFor(srv.Framework(), p)
	for _, id := range checkins.ExpectationLinks(c.Shared) {
		d.Talked = append(d.Talked, x.Get(id))
	}
	items, err := checkins.ActionItems(ctx, s, p.ID, c.ID)
	if err != nil {
		return err
	}
	for _, a := range items {
		d.Items = append(d.Items, itemView{A: a, On: c, Owner: owner(n, a, c), MayTick: d.HeldIt})
	}
	cases, err := growth.CasesWithCheckIn(ctx, s, p.ID, c.ID)
	if err != nil {
		return err
	}
	for _, k := range cases {
		acc, err := policy.CaseOf(ctx, s, v, k)
		if err != nil {
			return err
		}
		if !acc.Read {
			continue
		}
		target := k.Target
		if lv := web.Describe(srv.Framework(), web.LevelRef{Ladder: k.Ladder, Track: k.Track, Level: k.Target}); lv != nil {
			target = strings.TrimSpace(lv.Code + " " + lv.Title)
		}
		d.Cases = append(d.Cases, caseLink{URL: "/people/" + web.Itoa(p.ID) + "/cases/" + web.Itoa(k.ID), Target: target, Submitted: k.Status != growth.Draft})
	}
	// The viewer's note alone: the store reads private notes by their author.
	d.Private, err = checkins.PrivateNoteOf(ctx, s, p.ID, c.ID, v.Person.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	srv.Render(w, r, v, status, "checkin", "Check-in "+c.HeldOn.Format(time.DateOnly)+": "+p.Name, d)
	return nil
}

// Update changes a check-in's date and shared notes: one of the two who held it, within
// policy.CheckInEditDays of its writing.
func Update(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, c, err := loadCheckIn(srv, r, v)
	if err != nil {
		return err
	}
	switch {
	case !policy.HeldIt(v, c):
		return web.Errorf(http.StatusForbidden, "Only the two who held this check-in change its notes.")
	case !policy.MayEditCheckIn(v, c, srv.Now()):
		return web.Errorf(http.StatusConflict, "This check-in's notes are kept as they were written: add to them in a new check-in.")
	}
	form := map[string]string{"form": "edit", "date": r.PostFormValue("date"), "shared": cleanNotes(r.PostFormValue("shared"))}
	errs := map[string]string{}
	held, msg := readDate(form["date"])
	if msg != "" {
		errs["date"] = msg
	}
	x := ExpectationsFor(srv.Framework(), p)
	checkShared(x, form["shared"], errs)
	if len(errs) > 0 {
		return showCheckIn(srv, w, r, v, http.StatusBadRequest, form, errs)
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		c, err = checkins.UpdateCheckIn(ctx, tx, checkins.CheckIn{ID: c.ID, PersonID: p.ID, HeldOn: held, Shared: form["shared"]}, v.Person.ID, x.Known)
		if err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "checkin.update", p.ID, "held on "+c.HeldOn.Format(time.DateOnly))
	})
	if err := formError(err, errs); errors.Is(err, web.ErrInvalid) {
		return showCheckIn(srv, w, r, v, http.StatusBadRequest, form, errs)
	} else if err != nil {
		return err
	}
	web.Redirect(w, r, checkInURL(p.ID, c.ID), "saved")
	return nil
}

// SavePrivate keeps the viewer's own note on a check-in; an empty one removes it. Anyone who
// may read the check-in may keep one, and reads only their own.
func SavePrivate(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, c, err := loadCheckIn(srv, r, v)
	if err != nil {
		return err
	}
	body := cleanNotes(r.PostFormValue("private"))
	if pr := checkins.CheckInNotesProblem(body); pr != "" {
		return showCheckIn(srv, w, r, v, http.StatusBadRequest, map[string]string{"form": "private", "private": body},
			map[string]string{"private": "Your private note " + pr + "."})
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		if err := checkins.SavePrivateNote(ctx, tx, p.ID, c.ID, v.Person.ID, body); err != nil {
			return err
		}
		// That a note was kept, never what it says.
		detail := "kept on the check-in of "
		if body == "" {
			detail = "emptied on the check-in of "
		}
		return srv.Audit(tx, r, v, "checkin.private-note", p.ID, detail+c.HeldOn.Format(time.DateOnly))
	})
	if err != nil {
		return err
	}
	web.Redirect(w, r, checkInURL(p.ID, c.ID)+"#private", "private-saved")
	return nil
}
