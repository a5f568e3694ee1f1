package conversations

import (
	"errors"
	"net/http"
	"strings"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/checkins"
)

// AddItem adds an action item to a check-in: one of the two who held it.
func AddItem(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, c, err := loadCheckIn(srv, r, v)
	if err != nil {
		return err
	}
	if !policy.HeldIt(v, c) {
		return web.Errorf(http.StatusForbidden, "Only the two who held this check-in add to its action items.")
	}
	form := map[string]string{"form": "item", "item": strings.TrimSpace(r.PostFormValue("item")), "owner": r.PostFormValue("owner")}
	errs := map[string]string{}
	if pr := checkins.ActionItemProblem(form["item"]); pr != "" {
		errs["item"] = "The action item " + pr + "."
	}
	if !checkins.Owner(form["owner"]).Valid() {
		errs["owner"] = "Choose who does it."
	}
	if len(errs) > 0 {
		return showCheckIn(srv, w, r, v, http.StatusBadRequest, form, errs)
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		a, err := checkins.AddActionItem(ctx, tx, checkins.ActionItem{CheckInID: c.ID, PersonID: p.ID, Text: form["item"], Owner: checkins.Owner(form["owner"]), CreatedBy: v.Person.ID})
		if err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "checkin.item.add", p.ID, "item "+web.Itoa(a.ID)+" for the "+string(a.Owner))
	})
	if err != nil {
		return err
	}
	web.Redirect(w, r, checkInURL(p.ID, c.ID)+"#items", "item-added")
	return nil
}

// TickItem marks an action item done, or open again: one of the two who held its check-in.
// The list of check-ins sends back=list to come back to it.
func TickItem(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, c, err := loadCheckIn(srv, r, v)
	if err != nil {
		return err
	}
	item, err := pathInt(r, "item")
	if err != nil {
		return err
	}
	if !policy.HeldIt(v, c) {
		return web.Errorf(http.StatusForbidden, "Only the two who held this check-in mark its action items done.")
	}
	var done bool
	switch r.PostFormValue("done") {
	case "1":
		done = true
	case "0":
	default:
		return web.Errorf(http.StatusBadRequest, "The form is not one this page made: it says neither done nor open.")
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		a, err := checkins.SetActionDone(ctx, tx, p.ID, c.ID, item, done, v.Person.ID)
		if err != nil {
			return err
		}
		action := "checkin.item.done"
		if !done {
			action = "checkin.item.reopen"
		}
		return srv.Audit(tx, r, v, action, p.ID, "item "+web.Itoa(a.ID))
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return web.ErrNotFound
	case errors.Is(err, store.ErrConflict):
		return web.Errorf(http.StatusConflict, "That action item was marked so already.")
	case err != nil:
		return err
	}
	to := checkInURL(p.ID, c.ID) + "#items"
	if r.PostFormValue("back") == "list" {
		to = "/people/" + web.Itoa(p.ID) + "/checkins"
	}
	web.Redirect(w, r, to, "saved")
	return nil
}
