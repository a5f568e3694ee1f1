// Package growth is the people app's growth plans and promotion cases: a person's plan (the
// level they grow towards, its goals, who agreed to it), the cases made for a promotion, the
// evidence they compile, and the reviewers' comments and decisions. Who may see and do what
// is package policy's; these pages ask it and show its answer.
package growth

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/app/conversations"
	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/growth"
)

// statusChoice is one option of the goal status picker.
type statusChoice struct{ Value, Label string }

func statusChoices() []statusChoice {
	var out []statusChoice
	for _, st := range growth.GoalStatuses {
		out = append(out, statusChoice{string(st), web.Label(string(st))})
	}
	return out
}

// expectation is one expectation of a level, as the plan and case pages list them.
type expectation struct {
	ID, Text, Area, URL string
}

// levelExpectations lists a level's expectations for a track, area by area: those of every
// track and those of the track itself.
func levelExpectations(f *ladder.Framework, ladderID, track, level string) []expectation {
	l := f.Ladder(ladderID)
	if l == nil {
		return nil
	}
	lv := l.Level(level)
	if lv == nil {
		return nil
	}
	var out []expectation
	for _, la := range lv.Areas {
		area := la.Area
		if a := l.Area(la.Area); a != nil {
			area = a.Title
		}
		for _, e := range la.Expectations {
			if e.Track != "" && e.Track != track {
				continue
			}
			text := e.Text
			if e.Name != "" {
				text = e.Name + ": " + e.Text
			}
			out = append(out, expectation{ID: e.ID, Text: text, Area: area, URL: "/ladders/" + l.ID + "/" + lv.ID + "/#" + e.ID})
		}
	}
	return out
}

// planData is what the plan page shows.
type planData struct {
	Person  store.Person
	Access  policy.PlanAccess
	HasPlan bool
	Plan    growth.Plan
	Target  *web.LevelInfo
	Current *web.LevelInfo
	// Reached says the person holds the target level now: time for the next one.
	Reached bool
	// ManagerName is who agreed for the chain above.
	ManagerName string
	Goals       []goalView
	// Expectations are the target level's, for the goal pickers.
	Expectations []expectation
	Levels       []web.LadderChoices
	Statuses     []statusChoice
	// Form is the form just sent when it comes back: "form" names it ("target", "goal-new",
	// "goal-ID"), the rest are its fields; Errors are its problems by field.
	Form   map[string]string
	Errors map[string]string
	// Theirs is the plan or goal as someone else saved it, when a save came too late.
	Conflict string
	Theirs   *goalView
	MaxText  int
	MaxEvid  int
}

// goalView is a goal as the plan page shows it.
type goalView struct {
	G        growth.Goal
	E        conversations.Expectation // its expectation, when it names one
	Evidence template.HTML
	Status   string
}

// loadPerson reads the person of the route.
func loadPerson(srv *web.Server, r *http.Request) (store.Person, error) {
	id, _ := web.PathID(r)
	p, err := srv.Store().Person(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return p, web.ErrNotFound
	}
	return p, err
}

// pathInt reads a number from the route's path; a malformed one is a page that is not there.
func pathInt(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, web.ErrNotFound
	}
	return n, nil
}

// formVersion reads a form's version field; a form without a rightful one cannot say what it
// was filled in against, and is refused rather than allowed to overwrite.
func formVersion(r *http.Request) (int64, error) {
	n, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || n < 0 {
		return 0, web.Errorf(http.StatusBadRequest, "This form does not say which version it was filled in against, so it could undo someone else's changes. Nothing was saved: open the page again.")
	}
	return n, nil
}

// cleanText is a textarea's value as the store keeps it: "\n" line breaks, no space around.
func cleanText(s string) string { return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n")) }

// PlanPage shows a person's growth plan: its target, who agreed, its goals, and the forms
// the viewer may use.
func PlanPage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return showPlan(srv, w, r, v, http.StatusOK, planData{})
}

func showPlan(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, status int, d planData) error {
	ctx := r.Context()
	s := srv.Store()
	p, err := loadPerson(srv, r)
	if err != nil {
		return err
	}
	if d.Access, err = policy.PlanOf(ctx, s, v, p.ID); err != nil {
		return err
	}
	if !d.Access.Read {
		return web.ErrNotFound
	}
	if status == http.StatusOK && policy.AuditsRead(v, p.ID) {
		if err := srv.Audit(s, r, v, "plan.view", p.ID, ""); err != nil {
			return err
		}
	}
	f := srv.Framework()
	d.Person, d.Statuses, d.MaxText, d.MaxEvid = p, statusChoices(), growth.MaxGoalText, growth.MaxGoalEvidence
	d.Current = web.Describe(f, web.LevelRef{Ladder: p.Ladder, Track: p.Track, Level: p.Level})
	d.Plan, err = growth.PlanOf(ctx, s, p.ID)
	switch {
	case err == nil:
		d.HasPlan = true
		d.Target = web.Describe(f, web.LevelRef{Ladder: d.Plan.Ladder, Track: d.Plan.Track, Level: d.Plan.Target})
		d.Expectations = levelExpectations(f, d.Plan.Ladder, d.Plan.Track, d.Plan.Target)
		d.Reached = p.Ladder == d.Plan.Ladder && p.Level == d.Plan.Target
		if d.Plan.ManagerAgreedBy != 0 {
			if m, err := s.Person(ctx, d.Plan.ManagerAgreedBy); err == nil {
				d.ManagerName = m.Name
			}
		}
	case errors.Is(err, store.ErrNotFound):
		// The usual target is the next level up.
		if d.Current != nil && d.Current.Next != nil {
			d.Target = d.Current.Next
		}
	default:
		return err
	}
	goals, err := growth.Goals(ctx, s, p.ID)
	if err != nil {
		return err
	}
	x := conversations.ExpectationsFor(f, p)
	for _, g := range goals {
		d.Goals = append(d.Goals, viewGoal(x, g))
	}
	if d.Access.Write {
		d.Levels = web.LevelChoices(f)
	}
	title := "Growth plan: " + p.Name
	srv.Render(w, r, v, status, "plan", title, d)
	return nil
}

func viewGoal(x conversations.Expectations, g growth.Goal) goalView {
	gv := goalView{G: g, Evidence: web.Markdown(g.Evidence), Status: web.Label(string(g.Status))}
	if g.Expectation != "" {
		gv.E = x.Get(g.Expectation)
	}
	return gv
}

// planURL is the page of a person's plan.
func planURL(person int64) string { return "/people/" + web.Itoa(person) + "/plan" }

// SavePlan makes the person's plan or changes its target. A new target clears both
// agreements, as the page says beside the form.
func SavePlan(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, err := loadPerson(srv, r)
	if err != nil {
		return err
	}
	version, err := formVersion(r)
	if err != nil {
		return err
	}
	f := srv.Framework()
	form := map[string]string{"form": "target", "target": r.PostFormValue("target")}
	track := web.FitTrack(f, form["target"], p.Track)
	ref, msg := web.ParseLevel(f, form["target"], track)
	if msg != "" {
		return showPlan(srv, w, r, v, http.StatusBadRequest, planData{Form: form, Errors: map[string]string{"target": "Target level: " + msg}})
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		_, err := growth.SavePlan(ctx, tx, growth.Plan{PersonID: p.ID, Ladder: ref.Ladder, Track: ref.Track, Target: ref.Level}, v.Person.ID, version)
		if err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "plan.save", p.ID, "target "+ref.Ladder+"/"+ref.Level)
	})
	if errors.Is(err, store.ErrStale) {
		theirs := "Someone else saved this plan since you opened it, and nothing of yours was saved."
		if now, err := growth.PlanOf(ctx, srv.Store(), p.ID); err == nil {
			if t := web.Describe(f, web.LevelRef{Ladder: now.Ladder, Track: now.Track, Level: now.Target}); t != nil {
				theirs += " Their target is " + strings.TrimSpace(t.Code+" "+t.Title) + "; yours is picked in the form below: save it again to put yours in its place."
			}
		}
		return showPlan(srv, w, r, v, http.StatusConflict, planData{Form: form, Conflict: theirs})
	}
	if err != nil {
		return err
	}
	web.Redirect(w, r, planURL(p.ID), "plan-saved")
	return nil
}

// Agree records the viewer's agreement to the plan as they read it: the person's own, or a
// manager's above them.
func Agree(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, err := loadPerson(srv, r)
	if err != nil {
		return err
	}
	version, err := formVersion(r)
	if err != nil {
		return err
	}
	acc, err := policy.PlanOf(ctx, srv.Store(), v, p.ID)
	if err != nil {
		return err
	}
	asPerson := acc.AgreeAsPerson
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		if _, err := growth.Agree(ctx, tx, p.ID, v.Person.ID, asPerson, version); err != nil {
			return err
		}
		side := "as the manager"
		if asPerson {
			side = "as the person"
		}
		return srv.Audit(tx, r, v, "plan.agree", p.ID, side)
	})
	switch {
	case errors.Is(err, store.ErrStale):
		return showPlan(srv, w, r, v, http.StatusConflict, planData{
			Conflict: "The plan changed since you opened it, so your agreement was not recorded: read it again as it is now, and agree if you do."})
	case errors.Is(err, store.ErrNotFound):
		return web.Errorf(http.StatusConflict, "There is no plan to agree to yet.")
	case err != nil:
		return err
	}
	web.Redirect(w, r, planURL(p.ID), "plan-agreed")
	return nil
}

// readGoal reads a goal form into g and its problems into errs, each naming its field. The
// expectation must be one of the target level's.
func readGoal(r *http.Request, targets []expectation, g *growth.Goal, form, errs map[string]string) {
	form["expectation"] = strings.TrimSpace(r.PostFormValue("expectation"))
	form["text"] = strings.TrimSpace(r.PostFormValue("text"))
	form["status"] = r.PostFormValue("status")
	form["evidence"] = cleanText(r.PostFormValue("evidence"))
	g.Expectation, g.Text, g.Status, g.Evidence = form["expectation"], form["text"], growth.GoalStatus(form["status"]), form["evidence"]
	if g.Status == "" {
		g.Status = growth.NotStarted
	}
	if g.Expectation != "" {
		known := false
		for _, e := range targets {
			known = known || e.ID == g.Expectation
		}
		if !known {
			errs["expectation"] = "Expectation: choose one of the target level's, or none."
		}
	}
	if p := growth.GoalTextProblem(g.Text); p != "" {
		errs["text"] = "The goal's wording " + p + "."
	}
	if g.Expectation == "" && g.Text == "" {
		errs["text"] = "The goal's wording is empty: choose an expectation, or say what the goal is."
	}
	if !g.Status.Valid() {
		errs["status"] = "Status: choose one of the list."
	}
	if p := growth.GoalEvidenceProblem(g.Evidence); p != "" {
		errs["evidence"] = "The evidence " + p + "."
	}
}

// AddGoal adds a goal to the plan. It changes what was agreed, and clears both agreements.
func AddGoal(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, err := loadPerson(srv, r)
	if err != nil {
		return err
	}
	plan, err := growth.PlanOf(ctx, srv.Store(), p.ID)
	if errors.Is(err, store.ErrNotFound) {
		return web.Errorf(http.StatusConflict, "Set the plan's target level first: goals lead there.")
	} else if err != nil {
		return err
	}
	form, errs := map[string]string{"form": "goal-new"}, map[string]string{}
	g := growth.Goal{PersonID: p.ID, CreatedBy: v.Person.ID}
	readGoal(r, levelExpectations(srv.Framework(), plan.Ladder, plan.Track, plan.Target), &g, form, errs)
	if len(errs) > 0 {
		return showPlan(srv, w, r, v, http.StatusBadRequest, planData{Form: form, Errors: errs})
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		g, err = growth.AddGoal(ctx, tx, g)
		if err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "goal.add", p.ID, goalName(g))
	})
	if err != nil {
		return err
	}
	web.Redirect(w, r, planURL(p.ID)+"#goal-"+web.Itoa(g.ID), "goal-added")
	return nil
}

// goalName names a goal in the audit log: its id and expectation, never its words, which
// are the plan's (the log is the people team's).
func goalName(g growth.Goal) string {
	name := "goal " + web.Itoa(g.ID)
	if g.Expectation != "" {
		name += " (#" + g.Expectation + ")"
	}
	return name
}

// UpdateGoal saves a goal's wording, status and evidence, over the version its form showed:
// a goal someone else saved since comes back with both, theirs and the one sent.
func UpdateGoal(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	s := srv.Store()
	p, err := loadPerson(srv, r)
	if err != nil {
		return err
	}
	id, err := pathInt(r, "goal")
	if err != nil {
		return err
	}
	old, err := growth.GoalOf(ctx, s, p.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return web.ErrNotFound
	} else if err != nil {
		return err
	}
	version, err := formVersion(r)
	if err != nil {
		return err
	}
	plan, err := growth.PlanOf(ctx, s, p.ID)
	if err != nil {
		return err
	}
	form, errs := map[string]string{"form": "goal-" + web.Itoa(id)}, map[string]string{}
	g := growth.Goal{ID: id, PersonID: p.ID}
	targets := levelExpectations(srv.Framework(), plan.Ladder, plan.Track, plan.Target)
	if r.PostFormValue("expectation") == old.Expectation {
		// A goal kept from an earlier target keeps its expectation.
		targets = append(targets, expectation{ID: old.Expectation})
	}
	readGoal(r, targets, &g, form, errs)
	if len(errs) > 0 {
		return showPlan(srv, w, r, v, http.StatusBadRequest, planData{Form: form, Errors: errs})
	}
	err = s.WithTx(ctx, func(tx *store.Store) error {
		saved, err := growth.UpdateGoal(ctx, tx, g, v.Person.ID, version)
		if err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "goal.update", p.ID, goalName(saved)+": "+string(saved.Status))
	})
	if errors.Is(err, store.ErrStale) {
		d := planData{Form: form, Conflict: "Someone else saved this goal since you opened the page, and nothing of yours was saved. " +
			"Theirs is below, beside yours: save yours again to put it in place of theirs."}
		if now, err := growth.GoalOf(ctx, s, p.ID, id); err == nil {
			gv := viewGoal(conversations.ExpectationsFor(srv.Framework(), p), now)
			d.Theirs = &gv
		}
		return showPlan(srv, w, r, v, http.StatusConflict, d)
	}
	if err != nil {
		return err
	}
	web.Redirect(w, r, planURL(p.ID)+"#goal-"+web.Itoa(id), "goal-saved")
	return nil
}
