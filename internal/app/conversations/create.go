package conversations

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/checkins"
)

// newItemRows is how many action items the new check-in form takes; more are added on the
// check-in's page.
const newItemRows = 3

// checkInForm is the new check-in form, as sent, with its errors by field name.
type checkInForm struct {
	Date, Shared, Private string
	Items                 []itemRow
	Errors                map[string]string
}

type itemRow struct {
	N           int
	Text, Owner string
}

type formData struct {
	Person store.Person
	Form   checkInForm
	Max    int
}

// NewPage shows the form for a new check-in, dated today.
func NewPage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	p, _, err := loadPerson(srv, r, v)
	if err != nil {
		return err
	}
	f := checkInForm{Date: srv.Now().UTC().Format(time.DateOnly)}
	for i := range newItemRows {
		f.Items = append(f.Items, itemRow{N: i + 1, Owner: string(checkins.PersonOwns)})
	}
	srv.Render(w, r, v, http.StatusOK, "checkinform", "New check-in: "+p.Name, formData{Person: p, Form: f, Max: checkins.MaxCheckInNotes})
	return nil
}

// readDate reads a form's date of a check-in; "" is a message for the field when it is not one.
func readDate(s string) (time.Time, string) {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil || d.Year() < 1900 || d.Year() > 9999 {
		return time.Time{}, "Give the date the check-in was held as YYYY-MM-DD."
	}
	return d, ""
}

// checkShared puts the problems of shared notes into errs: their length and characters, and
// the expectations they name that the framework does not have.
func checkShared(x Expectations, shared string, errs map[string]string) {
	if p := checkins.CheckInNotesProblem(shared); p != "" {
		errs["shared"] = "The text of the shared notes " + p + "."
		return
	}
	for _, id := range checkins.ExpectationLinks(shared) {
		if !x.Known(id) {
			errs["shared"] = unknownMessage(id)
			return
		}
	}
}

func unknownMessage(id string) string {
	return fmt.Sprintf("The shared notes name #%s, which is not an expectation of the framework: check the id on the ladder's page.", id)
}

// formError turns a store error the form's checks did not foresee (an expectation the
// framework lost between the check and the save) into the field's message, or returns it.
func formError(err error, errs map[string]string) error {
	var unknown *checkins.UnknownExpectationError
	if errors.As(err, &unknown) {
		errs["shared"] = unknownMessage(unknown.ID)
		return web.ErrInvalid
	}
	return err
}

// Create opens a check-in with the person, held by the viewer, with the viewer's private
// note and the action items of the form, all in one transaction.
func Create(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, _, err := loadPerson(srv, r, v)
	if err != nil {
		return err
	}
	f := checkInForm{Date: r.PostFormValue("date"), Shared: cleanNotes(r.PostFormValue("shared")),
		Private: cleanNotes(r.PostFormValue("private")), Errors: map[string]string{}}
	held, msg := readDate(f.Date)
	if msg != "" {
		f.Errors["date"] = msg
	}
	x := ExpectationsFor(srv.Framework(), p)
	checkShared(x, f.Shared, f.Errors)
	if pr := checkins.CheckInNotesProblem(f.Private); pr != "" {
		f.Errors["private"] = "Your private note " + pr + "."
	}
	var items []checkins.ActionItem
	for i := range newItemRows {
		n := strconv.Itoa(i + 1)
		row := itemRow{N: i + 1, Text: strings.TrimSpace(r.PostFormValue("item-" + n)), Owner: r.PostFormValue("owner-" + n)}
		f.Items = append(f.Items, row)
		if row.Text == "" {
			continue
		}
		if pr := checkins.ActionItemProblem(row.Text); pr != "" {
			f.Errors["item-"+n] = "Action item " + n + " " + pr + "."
		}
		if !checkins.Owner(row.Owner).Valid() {
			f.Errors["owner-"+n] = "Choose who does action item " + n + "."
		}
		items = append(items, checkins.ActionItem{PersonID: p.ID, Text: row.Text, Owner: checkins.Owner(row.Owner), CreatedBy: v.Person.ID})
	}
	if len(f.Errors) > 0 {
		return showForm(srv, w, r, v, p, f)
	}
	var c checkins.CheckIn
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		var err error
		c, err = checkins.CreateCheckIn(ctx, tx, checkins.CheckIn{PersonID: p.ID, ManagerID: v.Person.ID, HeldOn: held, Shared: f.Shared}, x.Known)
		if err != nil {
			return err
		}
		if f.Private != "" {
			if err := checkins.SavePrivateNote(ctx, tx, p.ID, c.ID, v.Person.ID, f.Private); err != nil {
				return err
			}
		}
		for _, a := range items {
			a.CheckInID = c.ID
			if _, err := checkins.AddActionItem(ctx, tx, a); err != nil {
				return err
			}
		}
		// What was said stays out of the log, which admins read.
		return srv.Audit(tx, r, v, "checkin.create", p.ID, fmt.Sprintf("held on %s, %d action items", c.HeldOn.Format(time.DateOnly), len(items)))
	})
	if errors.Is(err, store.ErrConflict) {
		return web.Errorf(http.StatusConflict, p.Name+" is no longer below you in the reporting chain.")
	}
	if err := formError(err, f.Errors); errors.Is(err, web.ErrInvalid) {
		return showForm(srv, w, r, v, p, f)
	} else if err != nil {
		return err
	}
	web.Redirect(w, r, checkInURL(p.ID, c.ID), "checkin-created")
	return nil
}

func showForm(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, p store.Person, f checkInForm) error {
	srv.Render(w, r, v, http.StatusBadRequest, "checkinform", "New check-in: "+p.Name, formData{Person: p, Form: f, Max: checkins.MaxCheckInNotes})
	return nil
}
