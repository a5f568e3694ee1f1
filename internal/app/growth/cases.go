package growth

import (
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/mail"
	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/assess"
	"github.com/rungs/rungs/internal/store/checkins"
	"github.com/rungs/rungs/internal/store/growth"
)

// feedbackRows is how many feedback items a "not yet" form takes.
const feedbackRows = 3

// caseRow is a case in a list.
type caseRow struct {
	C      growth.Case
	Person store.Person
	Target *web.LevelInfo
	Status string
	By     string
}

// casesData is what the list of a person's cases shows.
type casesData struct {
	Person  store.Person
	Rows    []caseRow
	MayOpen bool
	Levels  []web.LadderChoices
	Target  string // the level picked for a new case, ladder/level
	Errors  map[string]string
}

// casesURL is the list of a person's cases.
func casesURL(person int64) string { return "/people/" + web.Itoa(person) + "/cases" }

// caseURL is one case's page.
func caseURL(person, id int64) string { return casesURL(person) + "/" + strconv.FormatInt(id, 10) }

// Cases lists the person's promotion cases the viewer may read, and, for a manager above
// them, the form that opens one.
func Cases(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return showCases(srv, w, r, v, http.StatusOK, "", nil)
}

func showCases(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, status int, target string, errs map[string]string) error {
	ctx := r.Context()
	s := srv.Store()
	p, err := loadPerson(srv, r)
	if err != nil {
		return err
	}
	if status == http.StatusOK && policy.AuditsRead(v, p.ID) {
		if err := srv.Audit(s, r, v, "cases.view", p.ID, ""); err != nil {
			return err
		}
	}
	list, err := growth.CasesOf(ctx, s, p.ID)
	if err != nil {
		return err
	}
	f := srv.Framework()
	n := srv.Names(r)
	d := casesData{Person: p, Target: target, Errors: errs}
	for _, c := range list {
		acc, err := policy.CaseOf(ctx, s, v, c)
		if err != nil {
			return err
		}
		if !acc.Read {
			continue
		}
		d.Rows = append(d.Rows, caseRow{C: c, Person: p, Target: web.Describe(f, web.LevelRef{Ladder: c.Ladder, Track: c.Track, Level: c.Target}),
			Status: web.Label(string(c.Status)), By: n.Of(c.OpenedBy)})
	}
	dec, err := policy.Decide(ctx, s, policy.OpenCase, v, p.ID, srv.Settings())
	if err != nil {
		return err
	}
	if d.MayOpen = dec == policy.Allow; d.MayOpen {
		d.Levels = web.LevelChoices(f)
		if d.Target == "" {
			// The plan's target first, then the next level up.
			if plan, err := growth.PlanOf(ctx, s, p.ID); err == nil {
				d.Target = plan.Ladder + "/" + plan.Target
			} else if cur := web.Describe(f, web.LevelRef{Ladder: p.Ladder, Track: p.Track, Level: p.Level}); cur != nil && cur.Next != nil {
				d.Target = cur.Next.Ref.Ladder + "/" + cur.Next.Ref.Level
			}
		}
	}
	srv.Render(w, r, v, status, "cases", "Promotion cases: "+p.Name, d)
	return nil
}

// OpenCase opens a promotion case for the person, as a draft the viewer writes.
func OpenCase(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, err := loadPerson(srv, r)
	if err != nil {
		return err
	}
	f := srv.Framework()
	target := r.PostFormValue("target")
	ref, msg := web.ParseLevel(f, target, web.FitTrack(f, target, p.Track))
	if msg == "" && ref.Ladder == p.Ladder && ref.Level == p.Level {
		msg = p.Name + " is at this level already."
	}
	if msg != "" {
		return showCases(srv, w, r, v, http.StatusBadRequest, target, map[string]string{"target": "Target level: " + msg})
	}
	var c growth.Case
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		var err error
		c, err = growth.OpenCase(ctx, tx, growth.Case{PersonID: p.ID, OpenedBy: v.Person.ID, Ladder: ref.Ladder, Track: ref.Track, Target: ref.Level})
		if err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "case.open", p.ID, "for "+ref.Ladder+"/"+ref.Level)
	})
	if errors.Is(err, store.ErrConflict) {
		return web.Errorf(http.StatusConflict, p.Name+" has a case under way already: finish it before opening another.")
	}
	if err != nil {
		return err
	}
	web.Redirect(w, r, caseURL(p.ID, c.ID), "case-opened")
	return nil
}

// caseData is what a case's page shows.
type caseData struct {
	Person    store.Person
	C         growth.Case
	Access    policy.CaseAccess
	Status    string
	Target    *web.LevelInfo
	From      *web.LevelInfo
	OpenedBy  string
	DecidedBy string
	Argument  template.HTML
	Reasons   template.HTML
	Guidance  template.HTML // the ladder's promotion guidance
	Packet    []packetItem
	CheckIns  []checkInView // the check-ins put before the reviewers
	Choices   []checkInView // every check-in of the person, for the writer to choose from
	Comments  []commentView
	Feedback  []feedbackView
	Expect    []expectation // the target level's, for the feedback pickers
	// Form is the form just sent when it comes back, by field; Errors its problems.
	Form     map[string]string
	Errors   map[string]string
	Conflict string
	Theirs   template.HTML // the argument as someone else saved it, on a conflict
	MaxArg   int
	MaxText  int
	Rows     []int
}

// packetItem is one expectation of the target level with the evidence rungs has for it.
type packetItem struct {
	E        expectation
	Ratings  []ratingView
	CheckIns []checkInView
	Goals    []goalView
}

type ratingView struct {
	R        growth.RatingEvidence
	Side     string
	Rating   string
	Evidence template.HTML
}

type checkInView struct {
	C        checkins.CheckIn
	With     string
	Notes    string
	Chosen   bool
	Relevant bool // its notes name an expectation of the target level
}

type commentView struct {
	C    growth.Comment
	By   string
	Body template.HTML
}

type feedbackView struct {
	F growth.Feedback
	E expectation
}

// loadCase reads the case of the route and what the viewer may do with it; a case the
// viewer may not read is not found, as is one of someone else.
func loadCase(srv *web.Server, r *http.Request, v *policy.Viewer) (store.Person, growth.Case, policy.CaseAccess, error) {
	p, err := loadPerson(srv, r)
	if err != nil {
		return p, growth.Case{}, policy.CaseAccess{}, err
	}
	id, err := pathInt(r, "case")
	if err != nil {
		return p, growth.Case{}, policy.CaseAccess{}, err
	}
	c, err := growth.CaseOf(r.Context(), srv.Store(), p.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return p, c, policy.CaseAccess{}, web.ErrNotFound
	} else if err != nil {
		return p, c, policy.CaseAccess{}, err
	}
	acc, err := policy.CaseOf(r.Context(), srv.Store(), v, c)
	if err != nil {
		return p, c, acc, err
	}
	if !acc.Read {
		return p, c, acc, web.ErrNotFound
	}
	return p, c, acc, nil
}

// CasePage shows a case: where it stands, and, to those who weigh it, the argument and the
// evidence compiled against the target level's expectations.
func CasePage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return showCase(srv, w, r, v, http.StatusOK, caseData{})
}

func showCase(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, status int, d caseData) error {
	ctx := r.Context()
	s := srv.Store()
	p, c, acc, err := loadCase(srv, r, v)
	if err != nil {
		return err
	}
	if status == http.StatusOK && policy.AuditsRead(v, p.ID) {
		if err := srv.Audit(s, r, v, "case.view", p.ID, "case "+web.Itoa(c.ID)); err != nil {
			return err
		}
	}
	f := srv.Framework()
	n := srv.Names(r)
	d.Person, d.C, d.Access, d.Status = p, c, acc, web.Label(string(c.Status))
	d.Target = web.Describe(f, web.LevelRef{Ladder: c.Ladder, Track: c.Track, Level: c.Target})
	d.From = web.Describe(f, web.LevelRef{Ladder: c.Ladder, Track: c.Track, Level: c.FromLevel})
	d.OpenedBy, d.MaxArg, d.MaxText = n.Of(c.OpenedBy), growth.MaxArgument, growth.MaxFeedback
	for i := range feedbackRows {
		d.Rows = append(d.Rows, i+1)
	}
	d.Expect = levelExpectations(f, c.Ladder, c.Track, c.Target)
	if acc.Outcome {
		d.DecidedBy, d.Reasons = n.Of(c.DecidedBy), web.Markdown(c.Reasons)
		fb, err := growth.FeedbackOf(ctx, s, c.ID)
		if err != nil {
			return err
		}
		for _, item := range fb {
			fv := feedbackView{F: item}
			for _, e := range d.Expect {
				if e.ID == item.Expectation {
					fv.E = e
				}
			}
			d.Feedback = append(d.Feedback, fv)
		}
	}
	if acc.Packet {
		if err := compile(srv, r, &d, n); err != nil {
			return err
		}
	}
	srv.Render(w, r, v, status, "case", "Promotion case: "+p.Name, d)
	return nil
}

// compile gathers the evidence rungs has against each expectation of the case's target
// level: the latest submitted ratings, the shared notes of the check-ins the writer put
// forward that name it, and the plan's goals met on it; and the comments of the review.
func compile(srv *web.Server, r *http.Request, d *caseData, n *web.Names) error {
	ctx := r.Context()
	s := srv.Store()
	c := d.C
	d.Argument = web.Markdown(c.Argument)
	if l := srv.Framework().Ladder(c.Ladder); l != nil && l.Promotion != nil && l.Promotion.About != "" {
		d.Guidance = web.Markdown(l.Promotion.About)
	}
	ids := make([]string, len(d.Expect))
	for i, e := range d.Expect {
		ids[i] = e.ID
	}
	ratings, err := growth.LatestRatings(ctx, s, c.PersonID, c.Target, ids)
	if err != nil {
		return err
	}
	chosen, err := growth.CaseCheckIns(ctx, s, c.ID)
	if err != nil {
		return err
	}
	// Every check-in for the writer to choose from; the chosen ones alone for anyone else.
	all, err := checkins.CheckIns(ctx, s, c.PersonID)
	if err != nil {
		return err
	}
	inTarget := map[string]bool{}
	for _, id := range ids {
		inTarget[id] = true
	}
	for _, ci := range all {
		cv := checkInView{C: ci, With: n.Of(ci.ManagerID), Notes: ci.Shared, Chosen: slices.Contains(chosen, ci.ID)}
		for _, e := range ci.Expectations {
			cv.Relevant = cv.Relevant || inTarget[e]
		}
		if cv.Chosen {
			d.CheckIns = append(d.CheckIns, cv)
		}
		if d.Access.Write {
			d.Choices = append(d.Choices, cv)
		}
	}
	goals, err := growth.Goals(ctx, s, c.PersonID)
	if err != nil {
		return err
	}
	scale := map[string]string{}
	for _, sc := range srv.Framework().Scale {
		scale[sc.ID] = sc.Label
	}
	for _, e := range d.Expect {
		item := packetItem{E: e}
		for _, re := range ratings[e.ID] {
			side := "Self"
			if re.Side == assess.ManagerSide {
				side = "Manager"
			}
			item.Ratings = append(item.Ratings, ratingView{R: re, Side: side, Rating: cmpOr(scale[re.Rating], re.Rating), Evidence: web.Markdown(re.Evidence)})
		}
		for _, cv := range d.CheckIns {
			if slices.Contains(cv.C.Expectations, e.ID) {
				item.CheckIns = append(item.CheckIns, cv)
			}
		}
		for _, g := range goals {
			if g.Expectation == e.ID && g.Status == growth.Done {
				item.Goals = append(item.Goals, goalView{G: g, Evidence: web.Markdown(g.Evidence), Status: web.Label(string(g.Status))})
			}
		}
		d.Packet = append(d.Packet, item)
	}
	comments, err := growth.Comments(ctx, s, c.ID)
	if err != nil {
		return err
	}
	for _, cm := range comments {
		d.Comments = append(d.Comments, commentView{C: cm, By: n.Of(cm.AuthorID), Body: web.Markdown(cm.Body)})
	}
	return nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// SaveCase saves a draft's argument and the check-ins it puts forward, over the version
// its form showed; with action=submit it goes to the reviewers as saved.
func SaveCase(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, c, acc, err := loadCase(srv, r, v)
	if err != nil {
		return err
	}
	if !acc.Write {
		if acc.Above {
			return web.Errorf(http.StatusConflict, "This case is submitted: its argument stays as the reviewers read it.")
		}
		return web.Errorf(http.StatusForbidden, "The argument is written by the managers above "+p.Name+".")
	}
	version, err := formVersion(r)
	if err != nil {
		return err
	}
	argument := cleanText(r.PostFormValue("argument"))
	submit := r.PostFormValue("action") == "submit"
	form := map[string]string{"argument": argument}
	var picked []int64
	for _, s := range r.PostForm["checkin"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return web.Errorf(http.StatusBadRequest, "A check-in chosen for the case is not one: open the page again.")
		}
		picked = append(picked, id)
		form["checkin-"+s] = "yes"
	}
	if pr := growth.LongTextProblem(argument, growth.MaxArgument); pr != "" {
		return showCase(srv, w, r, v, http.StatusBadRequest, caseData{Form: form, Errors: map[string]string{"argument": "The argument " + pr + "."}})
	}
	if submit && argument == "" {
		return showCase(srv, w, r, v, http.StatusBadRequest, caseData{Form: form, Errors: map[string]string{"argument": "The argument is empty: say why before you submit."}})
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		saved, err := growth.SaveArgument(ctx, tx, p.ID, c.ID, argument, picked, v.Person.ID, version, submit)
		if err != nil {
			return err
		}
		action := "case.save"
		if submit {
			action = "case.submit"
		}
		return srv.Audit(tx, r, v, action, p.ID, "case "+web.Itoa(saved.ID)+", "+strconv.Itoa(len(picked))+" check-ins")
	})
	switch {
	case errors.Is(err, store.ErrStale):
		d := caseData{Form: form, Conflict: "Someone else saved this case since you opened it, and nothing of yours was saved. " +
			"Their argument is shown first, yours is in the form: save yours again to put it in place of theirs."}
		if now, err := growth.CaseOf(ctx, srv.Store(), p.ID, c.ID); err == nil {
			d.Theirs = web.Markdown(now.Argument)
		}
		return showCase(srv, w, r, v, http.StatusConflict, d)
	case errors.Is(err, growth.ErrStep):
		return web.Errorf(http.StatusConflict, "This case is submitted: its argument stays as the reviewers read it.")
	case errors.Is(err, store.ErrNotFound):
		return web.Errorf(http.StatusBadRequest, "A check-in chosen for the case is not one of "+p.Name+"'s: open the page again.")
	case err != nil:
		return err
	}
	done := "case-saved"
	if submit {
		done = "case-submitted"
	}
	web.Redirect(w, r, caseURL(p.ID, c.ID), done)
	return nil
}

// Comment adds a reviewer's, or the chain's, comment to a submitted case.
func Comment(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, c, acc, err := loadCase(srv, r, v)
	if err != nil {
		return err
	}
	if !acc.Comment {
		if c.Status != growth.Submitted && acc.Packet {
			return web.Errorf(http.StatusConflict, "Comments are for a case with the reviewers.")
		}
		return web.Errorf(http.StatusForbidden, "Comments are for the reviewers and the managers above "+p.Name+".")
	}
	body := cleanText(r.PostFormValue("comment"))
	form := map[string]string{"comment": body}
	msg := ""
	if body == "" {
		msg = "The comment is empty."
	} else if pr := growth.LongTextProblem(body, growth.MaxComment); pr != "" {
		msg = "The comment " + pr + "."
	}
	if msg != "" {
		return showCase(srv, w, r, v, http.StatusBadRequest, caseData{Form: form, Errors: map[string]string{"comment": msg}})
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		if _, err := growth.AddComment(ctx, tx, p.ID, growth.Comment{CaseID: c.ID, AuthorID: v.Person.ID, Body: body}); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "case.comment", p.ID, "case "+web.Itoa(c.ID))
	})
	if errors.Is(err, growth.ErrStep) {
		return web.Errorf(http.StatusConflict, "The case was decided meanwhile: comments are closed.")
	}
	if err != nil {
		return err
	}
	web.Redirect(w, r, caseURL(p.ID, c.ID)+"#comments", "commented")
	return nil
}

// DecideCase records a reviewer's decision: an approval, which changes the person's level in
// the same transaction, or a "not yet", with its feedback.
func DecideCase(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, c, acc, err := loadCase(srv, r, v)
	if err != nil {
		return err
	}
	if !acc.Decide {
		if c.Status.Decided() {
			return web.Errorf(http.StatusConflict, "This case is decided already.")
		}
		return web.Errorf(http.StatusForbidden, "A case is decided by a reviewer outside "+p.Name+"'s reporting chain who did not open it.")
	}
	form := map[string]string{"decision": r.PostFormValue("decision"), "reasons": cleanText(r.PostFormValue("reasons")),
		"effective": strings.TrimSpace(r.PostFormValue("effective"))}
	errs := map[string]string{}
	d := growth.Decision{By: v.Person.ID, Reasons: form["reasons"]}
	switch form["decision"] {
	case "approve":
		d.Approve = true
		t, err := time.Parse(time.DateOnly, form["effective"])
		if err != nil || t.Year() < 1900 || t.Year() > 9999 {
			errs["effective"] = "Takes effect on: give the date as YYYY-MM-DD."
		}
		d.Effective = t
	case "not-yet":
	default:
		errs["decision"] = "Decision: choose approve or not yet."
	}
	if form["reasons"] == "" {
		errs["reasons"] = "The reasons are empty: say why, for " + p.Name + " and their managers."
	} else if pr := growth.LongTextProblem(form["reasons"], growth.MaxComment); pr != "" {
		errs["reasons"] = "The reasons " + pr + "."
	}
	known := map[string]bool{}
	for _, e := range levelExpectations(srv.Framework(), c.Ladder, c.Track, c.Target) {
		known[e.ID] = true
	}
	for i := range feedbackRows {
		k := strconv.Itoa(i + 1)
		text, exp := strings.TrimSpace(r.PostFormValue("feedback-"+k)), strings.TrimSpace(r.PostFormValue("feedback-expectation-"+k))
		form["feedback-"+k], form["feedback-expectation-"+k] = text, exp
		if exp != "" && !known[exp] {
			errs["feedback-expectation-"+k] = "Feedback " + k + ": choose an expectation of the target level, or none."
		}
		if text == "" {
			if exp != "" {
				errs["feedback-"+k] = "Feedback " + k + " is empty: say what to show."
			}
			continue
		}
		if pr := store.TextProblem(text, growth.MaxFeedback); pr != "" {
			errs["feedback-"+k] = "Feedback " + k + " " + pr + "."
		}
		if d.Approve {
			errs["feedback-"+k] = "Feedback " + k + ": an approval asks nothing more; leave the feedback empty."
		}
		d.Feedback = append(d.Feedback, growth.Feedback{Expectation: exp, Text: text})
	}
	if len(errs) > 0 {
		return showCase(srv, w, r, v, http.StatusBadRequest, caseData{Form: form, Errors: errs})
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		decided, err := growth.Decide(ctx, tx, p.ID, c.ID, d)
		if err != nil {
			return err
		}
		detail := "case " + web.Itoa(c.ID) + ": " + string(decided.Status)
		if decided.Status == growth.Approved {
			detail += ", " + c.FromLevel + " -> " + c.Target + " from " + decided.EffectiveOn.Format(time.DateOnly)
		}
		if err := srv.Audit(tx, r, v, "case.decide", p.ID, detail); err != nil {
			return err
		}
		// The person hears of it by email (when mail is set up), in the same transaction:
		// the message goes out only if the decision is kept.
		target := c.Target
		if lv := web.Describe(srv.Framework(), web.LevelRef{Ladder: c.Ladder, Track: c.Track, Level: c.Target}); lv != nil {
			target = lv.Title
		}
		return mail.NotifyCaseDecided(ctx, srv, tx, mail.Decision{Person: p.ID, Level: target, Approved: decided.Status == growth.Approved,
			Effective: decided.EffectiveOn, Path: caseURL(p.ID, c.ID)})
	})
	if errors.Is(err, growth.ErrStep) {
		return web.Errorf(http.StatusConflict, "This case is decided already.")
	}
	if err != nil {
		return err
	}
	web.Redirect(w, r, caseURL(p.ID, c.ID), "decided")
	return nil
}

// FeedbackToGoal makes one item of a "not yet" a goal of the person's plan.
func FeedbackToGoal(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, c, acc, err := loadCase(srv, r, v)
	if err != nil {
		return err
	}
	if !acc.ToGoals {
		return web.Errorf(http.StatusConflict, "Only the feedback of a case decided \u201cnot yet\u201d becomes goals.")
	}
	item, err := pathInt(r, "feedback")
	if err != nil {
		return err
	}
	var g growth.Goal
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		var err error
		if g, err = growth.FeedbackToGoal(ctx, tx, p.ID, c.ID, item, v.Person.ID); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "case.feedback-goal", p.ID, "case "+web.Itoa(c.ID)+": "+goalName(g))
	})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return web.ErrNotFound
	case errors.Is(err, store.ErrConflict):
		return web.Errorf(http.StatusConflict, "This feedback is a goal of the plan already.")
	case err != nil:
		return err
	}
	web.Redirect(w, r, planURL(p.ID)+"#goal-"+web.Itoa(g.ID), "goal-from-feedback")
	return nil
}

// reviewData is what the reviewer's list shows.
type reviewData struct {
	Rows []caseRow
}

// Review lists the cases waiting for the viewer's review, oldest first.
func Review(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	s := srv.Store()
	list, err := growth.CasesToReview(ctx, s, v.Person.ID, v.Admin())
	if err != nil {
		return err
	}
	if err := srv.Audit(s, r, v, "cases.review-list", 0, strconv.Itoa(len(list))+" cases"); err != nil {
		return err
	}
	f := srv.Framework()
	n := srv.Names(r)
	var d reviewData
	for _, c := range list {
		p, err := s.Person(ctx, c.PersonID)
		if err != nil {
			return err
		}
		d.Rows = append(d.Rows, caseRow{C: c, Person: p, Target: web.Describe(f, web.LevelRef{Ladder: c.Ladder, Track: c.Track, Level: c.Target}),
			Status: web.Label(string(c.Status)), By: n.Of(c.OpenedBy)})
	}
	srv.Render(w, r, v, http.StatusOK, "review-cases", "Cases to review", d)
	return nil
}

// SetPanel puts the person on the promotion panel, or takes them off it.
func SetPanel(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	p, err := loadPerson(srv, r)
	if err != nil {
		return err
	}
	var on bool
	switch r.PostFormValue("panel") {
	case "on":
		on = true
	case "off":
	default:
		return web.Errorf(http.StatusBadRequest, "Say whether to put them on the promotion panel (on) or take them off it (off).")
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		if err := growth.SetPanel(ctx, tx, p.ID, on, v.Person.ID); err != nil {
			return err
		}
		action := "panel.remove"
		if on {
			action = "panel.add"
		}
		return srv.Audit(tx, r, v, action, p.ID, "")
	})
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/people/"+web.Itoa(p.ID), "panel")
	return nil
}
