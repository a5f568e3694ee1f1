package people

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/conversations"
	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/assess"
	"github.com/rungs/rungs/internal/store/checkins"
	"github.com/rungs/rungs/internal/store/growth"
)

type personData struct {
	Person   store.Person
	Level    *web.LevelInfo
	Chain    []store.Person // managers, nearest first
	Reports  []store.Person
	Timeline []timelineEntry
	Account  *access.Account
	// TwoFactor is true when the account signs in with a second factor, which an admin can
	// reset.
	TwoFactor bool
	Admin     bool
	// The level-change form, for an admin.
	Form   levelForm
	Levels []web.LadderChoices
	Tracks []web.TrackChoice
	// CheckIns is what the viewer may see of the person's check-ins; Talked, the expectations
	// their shared notes named, for those who may read them.
	CheckIns policy.CheckInAccess
	Talked   []talkView
	Events   []event
	// Plan is what the viewer may do with the person's growth plan; Growth, the plan as far
	// as they may read it. Cases says whether they may see the person's promotion cases,
	// Panel whether the person reviews cases on the promotion panel (for an admin).
	Plan   policy.PlanAccess
	Growth *planView
	Cases  bool
	Panel  bool
	// ToReview counts the promotion cases waiting for the viewer, on their own page, when
	// they review cases; -1 when they do not.
	ToReview int
}

type talkView struct {
	E        conversations.Expectation
	CheckIns []checkins.CheckInDate
	Goals    []goalLine // the plan's goals on this expectation
}

// planView is the person's growth plan as their page sums it up.
type planView struct {
	Target *web.LevelInfo
	Agreed bool
	Goals  []goalLine
}

// goalLine is one goal of a plan, in a line.
type goalLine struct {
	ID     int64
	E      conversations.Expectation
	Text   string
	Status string
}

type timelineEntry struct {
	Change store.LevelChange
	From   *web.LevelInfo
	To     *web.LevelInfo
	By     string
}

type levelForm struct {
	Level, Track, Reason, Date, Note string
	// Last is the person's latest level change when the page was shown (0: none): a change
	// is recorded only if it is still the latest (see store.AddLevelChangeAfter).
	Last   int64
	Errors map[string]string
	// Stale says that someone else recorded a level change since the form was shown, and
	// nothing of this one was recorded.
	Stale bool
}

// Page shows a person: their level, manager chain, reports and timeline.
func Page(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	id, _ := web.PathID(r)
	return showPerson(srv, w, r, v, id, http.StatusOK, levelForm{Date: srv.Now().Format(time.DateOnly)})
}

func showPerson(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, id int64, status int, form levelForm) error {
	ctx := r.Context()
	s := srv.Store()
	// Read before the audit entry is written, but shown only once it is, in one go (one round
	// trip on PostgreSQL). What the viewer may see decides what else is read, and for a
	// manager that turns on whether the person is below them, which the session's read has
	// told the policy (the route is about the person; were it not, the policy would ask).
	// An admin's reads turn on nothing (the page reads them the check-ins, for the timeline,
	// and every plan is theirs to read), so what they may see is decided after, from the
	// chain read with the rest.
	reads := s.Reads()
	var around store.Around
	found := true
	d := personData{Admin: v.Admin(), Form: form}
	decide := func() error {
		var err error
		if d.CheckIns, err = policy.CheckInsOf(ctx, s, v, id); err != nil {
			return err
		}
		if d.Plan, err = policy.PlanOf(ctx, s, v, id); err != nil {
			return err
		}
		dec, err := policy.Decide(ctx, s, policy.SeeCases, v, id, srv.Settings())
		d.Cases = dec == policy.Allow
		return err
	}
	store.ReadAround(reads, id, &around, &found)
	if !v.Admin() {
		if err := decide(); err != nil {
			return err
		}
	}
	var history []store.LevelChange
	store.ReadLevelHistory(reads, id, &history)
	authors := map[int64]string{}
	store.ReadLevelAuthors(reads, id, &history, authors)
	// The check-ins, read once for the expectations they named and for the timeline.
	var held []checkins.CheckIn
	heldWith := map[int64]string{} // who held them, by id
	if d.CheckIns.Notes || v.Admin() {
		checkins.ReadCheckIns(reads, id, &held)
		checkins.ReadManagerNames(reads, id, &held, heldWith)
	}
	var pl growth.Plan
	var hasPlan bool
	var goals []growth.Goal
	if d.Plan.Read || v.Admin() {
		growth.ReadPlanWithGoals(reads, id, &pl, &hasPlan, &goals)
	}
	var cycles []assess.PersonCycle
	assess.ReadCyclesOf(reads, id, &cycles)
	var cases []growth.Case
	growth.ReadCasesOf(reads, id, &cases)
	var acct access.Account
	var hasAccount bool
	if d.Admin {
		access.ReadAccountOf(reads, id, &acct, &d.TwoFactor, &hasAccount)
		growth.ReadOnPanel(reads, id, &d.Panel)
	}
	// On their own page, a reviewer reads how many cases wait for them (whether they review
	// is known from the session's read: see policy.KnowReviewer).
	d.ToReview = -1
	if id == v.Person.ID {
		reviewer, err := policy.IsReviewer(ctx, s, v)
		if err != nil {
			return err
		}
		if reviewer {
			growth.ReadToReviewCount(reads, v.Person.ID, v.Admin(), &d.ToReview)
		}
	}
	if err := reads.Run(ctx); err != nil {
		return err
	}
	if !found {
		return web.ErrNotFound
	}
	if v.Admin() {
		policy.KnowChain(v, id, around.Chain)
		if err := decide(); err != nil {
			return err
		}
	}
	p := around.Person
	if policy.AuditsRead(v, id) {
		if err := srv.Audit(s, r, v, "person.view", id, ""); err != nil {
			return err
		}
	}
	f := srv.Framework()
	d.Person, d.Level = p, web.Describe(f, web.LevelRef{Ladder: p.Ladder, Track: p.Track, Level: p.Level})
	d.Chain, d.Reports = around.Chain, around.Reports
	// The form goes with the history this page shows, whatever it was filled in against.
	d.Form.Last = 0
	if len(history) > 0 {
		d.Form.Last = history[len(history)-1].ID
	}
	// Newest first: the timeline reads from where the person is now.
	for i := len(history) - 1; i >= 0; i-- {
		c := history[i]
		e := timelineEntry{Change: c, To: web.Describe(f, web.LevelRef{Ladder: c.Ladder, Track: c.Track, Level: c.ToLevel})}
		if c.FromLevel != "" && i > 0 {
			prev := history[i-1]
			e.From = web.Describe(f, web.LevelRef{Ladder: prev.Ladder, Track: prev.Track, Level: c.FromLevel})
		}
		e.By = authors[c.MadeBy]
		d.Timeline = append(d.Timeline, e)
	}
	x := conversations.ExpectationsFor(f, p)
	if d.CheckIns.Notes {
		for _, t := range checkins.Talks(held) {
			d.Talked = append(d.Talked, talkView{E: x.Get(t.Expectation), CheckIns: t.CheckIns})
		}
	}
	var plan *growth.Plan
	if hasPlan {
		plan = &pl
		d.Growth = &planView{Target: web.Describe(f, web.LevelRef{Ladder: pl.Ladder, Track: pl.Track, Level: pl.Target}), Agreed: pl.Agreed()}
	}
	// Each goal shows on its expectation where the check-ins' list has it, and in the plan.
	for _, g := range goals {
		gl := goalLine{ID: g.ID, Text: g.Text, Status: web.Label(string(g.Status))}
		if g.Expectation != "" {
			gl.E = x.Get(g.Expectation)
		}
		if d.Growth != nil {
			d.Growth.Goals = append(d.Growth.Goals, gl)
		}
		for i := range d.Talked {
			if d.Talked[i].E.ID == g.Expectation {
				d.Talked[i].Goals = append(d.Talked[i].Goals, gl)
			}
		}
	}
	var err error
	if d.Events, err = timeline(srv, r, v, p, d.Timeline, cycles, d.CheckIns, held, heldWith); err != nil {
		return err
	}
	if d.Events, err = growthEvents(srv, r, v, p, d.Plan, plan, goals, cases, x, d.Events); err != nil {
		return err
	}
	if d.Admin {
		if hasAccount {
			d.Account = &acct
		}
		d.Levels, d.Tracks = web.LevelChoices(f), web.TrackChoices(f)
		if d.Form.Level == "" && p.Level != "" {
			d.Form.Level, d.Form.Track = p.Ladder+"/"+p.Level, p.Track
		}
	}
	srv.Render(w, r, v, status, "person", p.Name, d)
	return nil
}

// errNoLast answers a level form whose "last" is not an id of a level change.
var errNoLast = web.Errorf(http.StatusBadRequest,
	"This form does not say rightly which level changes it was filled in against, so it could undo someone else's. Nothing was recorded: open the person's page again.")

// AddLevel records a level change for a person; nothing is ever edited in a history, so a
// mistake is put right by a new entry with the reason "correction". It is recorded only if
// no one else recorded one since the form was shown: otherwise the page comes back with the
// history as it is now and the form as it was filled in, and nothing recorded.
func AddLevel(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	id, _ := web.PathID(r)
	// A form without "last" (a script's, not a page's: every page sends it) is recorded
	// without the check, as level changes were before forms carried it.
	check, last := r.PostForm.Has("last"), int64(0)
	if check {
		var err error
		if last, err = strconv.ParseInt(r.PostFormValue("last"), 10, 64); err != nil || last < 0 {
			return errNoLast
		}
	}
	form := levelForm{
		Level: r.PostFormValue("level"), Track: r.PostFormValue("track"), Reason: r.PostFormValue("reason"),
		Date: strings.TrimSpace(r.PostFormValue("date")), Note: strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("note"), "\r\n", "\n")),
		Errors: map[string]string{},
	}
	ref, msg := web.ParseLevel(srv.Framework(), form.Level, form.Track)
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
	if problem := store.NoteProblem(form.Note); problem != "" {
		form.Errors["note"] = "The note " + problem + "."
	}
	if len(form.Errors) > 0 {
		return showPerson(srv, w, r, v, id, http.StatusBadRequest, form)
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		change := store.LevelChange{PersonID: id, ToLevel: ref.Level, Ladder: ref.Ladder, Track: ref.Track,
			Date: date, Reason: reason, Note: form.Note, MadeBy: v.Person.ID}
		var c store.LevelChange
		var err error
		if check {
			c, err = tx.AddLevelChangeAfter(ctx, change, last)
		} else {
			c, err = tx.AddLevelChange(ctx, change)
		}
		if err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "level.change", id, string(c.Reason)+": "+c.FromLevel+" -> "+c.ToLevel)
	})
	if errors.Is(err, store.ErrNotFound) {
		return web.ErrNotFound
	}
	if errors.Is(err, store.ErrStale) {
		form.Stale = true
		return showPerson(srv, w, r, v, id, http.StatusConflict, form)
	}
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/people/"+web.Itoa(id), "level")
	return nil
}
