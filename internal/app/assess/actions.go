package assess

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/app/mail"
	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/store"
	storeassess "github.com/rungs/rungs/internal/store/assess"
)

// SaveSelf saves the person's own ratings: a draft, a submission, or (once submitted) an
// amendment with its reason.
func SaveSelf(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return save(srv, w, r, v, storeassess.SelfSide)
}

// SaveManager saves the manager's ratings, as SaveSelf does the person's.
func SaveManager(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return save(srv, w, r, v, storeassess.ManagerSide)
}

// Field names of the rating forms: one pair per expectation, keyed level/id, and the hidden
// pair that says what the page showed (see storeassess.Rating.Seen).
func ratingField(key string) string       { return "rating:" + key }
func evidenceField(key string) string     { return "evidence:" + key }
func seenRatingField(key string) string   { return "seen-rating:" + key }
func seenEvidenceField(key string) string { return "seen-evidence:" + key }

// readRatings reads a rating form against the plan: every expectation's rating must be on
// the scale, every evidence within bounds; errs names each field that is not. A rating whose
// form says what the page showed is saved over that alone.
func readRatings(f *ladder.Framework, pl *plan, posted url.Values) ([]storeassess.Rating, map[string]string, map[string]string) {
	form, errs := map[string]string{}, map[string]string{}
	var out []storeassess.Rating
	for _, it := range pl.Order {
		rating := strings.TrimSpace(posted.Get(ratingField(it.Key)))
		evidence := trimEvidence(posted.Get(evidenceField(it.Key)))
		form[ratingField(it.Key)], form[evidenceField(it.Key)] = rating, evidence
		var seen *storeassess.Seen
		if posted.Has(seenRatingField(it.Key)) {
			seen = &storeassess.Seen{Rating: strings.TrimSpace(posted.Get(seenRatingField(it.Key))),
				Evidence: trimEvidence(posted.Get(seenEvidenceField(it.Key)))}
			form[seenRatingField(it.Key)], form[seenEvidenceField(it.Key)] = seen.Rating, seen.Evidence
		}
		score := -1
		if rating != "" {
			if score = scoreOf(f, rating); score < 0 {
				errs[ratingField(it.Key)] = fmt.Sprintf("Choose a rating of the scale for %q.", short(it.Plain))
				continue
			}
		}
		if p := storeassess.EvidenceProblem(evidence); p != "" {
			errs[evidenceField(it.Key)] = fmt.Sprintf("The evidence for %q %s.", short(it.Plain), p)
			continue
		}
		out = append(out, storeassess.Rating{Level: it.Level.ID, Expectation: it.ID, Rating: rating, Score: score, Evidence: evidence, Seen: seen})
	}
	return out, form, errs
}

// short is the start of an expectation's text, to name it in a message.
func short(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:57]) + "..."
	}
	return s
}

func save(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, side storeassess.Side) error {
	ctx := r.Context()
	c, f, p, acc, err := load(srv, r, v)
	if err != nil {
		return err
	}
	if (side == storeassess.SelfSide && !acc.WriteSelf) || (side == storeassess.ManagerSide && !acc.WriteManager) {
		return web.Errorf(http.StatusConflict, "This cycle is closed: its assessments no longer change.")
	}
	action := r.PostFormValue("action")
	if action != "save" && action != "submit" {
		return web.Errorf(http.StatusBadRequest, "The form is not one this page made: it says neither save nor submit.")
	}
	pl := planFor(c, f, srv.Framework(), p)
	if err := r.ParseForm(); err != nil {
		return web.Errorf(http.StatusBadRequest, "The form could not be read.")
	}
	ratings, form, errs := readRatings(f, pl, r.PostForm)
	submitted := p.Submitted(side)
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	form["reason"] = reason
	if submitted && reason == "" {
		errs["reason"] = "Say why the submitted assessment changes: the change is kept as an amendment, with this reason."
	} else if problem := store.NoteProblem(reason); problem != "" {
		errs["reason"] = "The reason " + problem + "."
	}
	if submitted && action == "submit" {
		errs["action"] = "This assessment is submitted already: save the amendment instead."
	}
	if len(errs) > 0 {
		return showPerson(srv, w, r, v, http.StatusBadRequest, side, form, errs)
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		n, err := storeassess.SaveRatings(ctx, tx, c.ID, p.Person.ID, side, v.Person.ID, ratings, reason)
		if err != nil {
			return err
		}
		what := "assessment." + string(side) + ".draft"
		switch {
		case submitted:
			what = "assessment." + string(side) + ".amend"
		case action == "submit":
			what = "assessment." + string(side) + ".submit"
			if err := storeassess.Submit(ctx, tx, c.ID, p.Person.ID, side, v.Person.ID); err != nil {
				return err
			}
		}
		return srv.Audit(tx, r, v, what, p.Person.ID, c.Name+": "+strconv.Itoa(n)+" ratings changed")
	})
	var conflict *storeassess.ConflictError
	if errors.As(err, &conflict) {
		// Nothing was saved: the page again, with what was typed, and beside each rating
		// someone else changed meanwhile, what they saved; saved again, it goes over theirs.
		for _, now := range conflict.Now {
			key := now.Key()
			form[seenRatingField(key)], form[seenEvidenceField(key)] = now.Rating, now.Evidence
			errs[ratingField(key)] = conflictMessage(f, now)
		}
		return showPerson(srv, w, r, v, http.StatusConflict, side, form, errs)
	}
	if err := stepError(err); err != nil {
		return err
	}
	done := "draft"
	if submitted {
		done = "amended"
	} else if action == "submit" {
		done = "submitted"
	}
	web.Redirect(w, r, personURL(c.ID, p.Person.ID), done)
	return nil
}

// stepError turns the store's refusals into answers.
func stepError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, storeassess.ErrCycleClosed):
		return web.Errorf(http.StatusConflict, "This cycle is closed: its assessments no longer change.")
	case errors.Is(err, storeassess.ErrWrongStep):
		return web.Errorf(http.StatusConflict, "The assessment is not at that step: reload the page to see where it stands.")
	case errors.Is(err, store.ErrNotFound):
		return web.ErrNotFound
	}
	return err
}

func personURL(cycle, person int64) string {
	return "/cycles/" + web.Itoa(cycle) + "/people/" + web.Itoa(person)
}

// Share shows the manager's submitted assessment to the person.
func Share(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	c, _, p, acc, err := load(srv, r, v)
	if err != nil {
		return err
	}
	if !acc.WriteManager {
		return web.Errorf(http.StatusConflict, "This cycle is closed: its assessments no longer change.")
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		if err := storeassess.Share(ctx, tx, c.ID, p.Person.ID); err != nil {
			return err
		}
		if err := mail.NotifyAssessmentShared(ctx, srv, tx, c, p.Person.ID); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "assessment.share", p.Person.ID, c.Name)
	})
	if errors.Is(err, storeassess.ErrWrongStep) {
		return web.Errorf(http.StatusConflict, "Submit the manager's assessment before sharing it; a shared one is shared already.")
	}
	if err := stepError(err); err != nil {
		return err
	}
	web.Redirect(w, r, personURL(c.ID, p.Person.ID), "shared")
	return nil
}

// Acknowledge records that the person has read their manager's shared assessment.
func Acknowledge(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	c, _, p, acc, err := load(srv, r, v)
	if err != nil {
		return err
	}
	if !acc.WriteSelf {
		return web.Errorf(http.StatusConflict, "This cycle is closed: its assessments no longer change.")
	}
	note := trimEvidence(r.PostFormValue("note"))
	if problem := store.NoteProblem(note); problem != "" {
		return showPerson(srv, w, r, v, http.StatusBadRequest, "", map[string]string{"note": note}, map[string]string{"note": "The note " + problem + "."})
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		if err := storeassess.Acknowledge(ctx, tx, c.ID, p.Person.ID, note); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "assessment.acknowledge", p.Person.ID, c.Name)
	})
	if errors.Is(err, storeassess.ErrWrongStep) {
		return web.Errorf(http.StatusConflict, "There is nothing to acknowledge yet: your manager has not shared their assessment.")
	}
	if err := stepError(err); err != nil {
		return err
	}
	web.Redirect(w, r, personURL(c.ID, p.Person.ID), "acknowledged")
	return nil
}

// conflictMessage tells what someone else saved for a rating while the page was open.
func conflictMessage(f *ladder.Framework, now storeassess.Rating) string {
	what := "Removed by someone else while this page was open."
	if now.Rating != "" || now.Evidence != "" {
		rating := "no rating"
		for _, sc := range f.Scale {
			if sc.ID == now.Rating {
				rating = "“" + sc.Label + "”"
			}
		}
		what = "Saved by someone else while this page was open: " + rating
		if now.Evidence != "" {
			what += ", with the evidence “" + short(now.Evidence) + "”"
		} else {
			what += "."
		}
	}
	return what + " Yours is below, not saved: save again to keep it over theirs, or change it."
}
