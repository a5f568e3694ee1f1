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

// personReads is what a person's page reads about the person id, for its viewer.
type personReads struct {
	id         int64
	around     store.Around
	found      bool // the person is there
	history    []store.LevelChange
	authors    map[int64]string // who made the level changes, by id
	held       []checkins.CheckIn
	heldWith   map[int64]string // who held the check-ins, by id
	plan       growth.Plan
	hasPlan    bool
	goals      []growth.Goal
	cycles     []assess.PersonCycle
	cases      []growth.Case
	account    access.Account
	hasAccount bool
	twoFactor  bool // the account signs in with a second factor
	panel      bool // the person reviews cases on the promotion panel
	toReview   int  // the cases waiting for the viewer, on their own page; -1: not read
	// What was read for a viewer who is not an admin: the check-ins' notes, the plan.
	readCheckIns, readPlan bool
}

// addReads adds to reads what v's view of person id reads: for an admin, everything; for
// others, the check-ins when checkIns (they may read their notes) and the plan when plan;
// and, when toReview, how many promotion cases wait for v (on their own page, as a reviewer).
func addReads(reads *store.Reads, v *policy.Viewer, id int64, checkIns, plan, toReview bool) *personReads {
	rd := &personReads{id: id, found: true, authors: map[int64]string{}, heldWith: map[int64]string{}, toReview: -1,
		readCheckIns: checkIns, readPlan: plan}
	admin := v.Admin()
	store.ReadAround(reads, id, &rd.around, &rd.found)
	store.ReadLevelHistory(reads, id, &rd.history, rd.authors)
	// The check-ins, read once for the expectations they named and for the timeline.
	if checkIns || admin {
		checkins.ReadCheckIns(reads, id, &rd.held, rd.heldWith)
	}
	if plan || admin {
		growth.ReadPlanWithGoals(reads, id, &rd.plan, &rd.hasPlan, &rd.goals)
	}
	assess.ReadCyclesOf(reads, id, &rd.cycles)
	growth.ReadCasesOf(reads, id, &rd.cases)
	if admin {
		access.ReadAccountOf(reads, id, &rd.account, &rd.twoFactor, &rd.hasAccount)
		growth.ReadOnPanel(reads, id, &rd.panel)
	}
	if toReview {
		growth.ReadToReviewCount(reads, v.Person.ID, v.Admin(), &rd.toReview)
	}
	return rd
}

// EarlyReads adds to reads what the viewer the session was seen to open reads of a person,
// to go with the session's read (web.EarlyReads, which drops them unless the session opens
// that viewer now): an admin's view of anyone, and anyone's view of themselves. What those
// may see of the person does not turn on the reporting chain, which is not read yet.
func EarlyReads(r *http.Request, reads *store.Reads, seen web.Seen) any {
	v := seen.Viewer()
	id, err := web.PathID(r)
	if v == nil || err != nil || id <= 0 {
		return nil
	}
	switch {
	case id == v.Person.ID:
		// Nobody is above themselves.
		return addReads(reads, v, id, policy.CheckIns(v, id, false).Notes, policy.Plan(v, id, false).Read, policy.Reviews(v))
	case v.Admin():
		return addReads(reads, v, id, true, true, false)
	}
	return nil
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
	// chain read with the rest. When the session was seen to be an admin's, or the page is
	// the viewer's own, they were sent with the session's read (EarlyReads).
	d := personData{Admin: v.Admin(), Form: form, ToReview: -1}
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
	rd, _ := web.Early(r).(*personReads)
	if rd != nil && rd.id != id {
		rd = nil
	}
	if !v.Admin() {
		if err := decide(); err != nil {
			return err
		}
		// What was read with the session, for their own page, is used only if it is what
		// they may see now.
		if rd != nil && (rd.readCheckIns != d.CheckIns.Notes || rd.readPlan != d.Plan.Read) {
			rd = nil
		}
	}
	if rd == nil {
		// On their own page, a reviewer reads how many cases wait for them (whether they
		// review is known from the session's read: see policy.KnowReviewer).
		reviewer := false
		if id == v.Person.ID {
			var err error
			if reviewer, err = policy.IsReviewer(ctx, s, v); err != nil {
				return err
			}
		}
		reads := s.Reads()
		rd = addReads(reads, v, id, d.CheckIns.Notes, d.Plan.Read, reviewer)
		if err := reads.Run(ctx); err != nil {
			return err
		}
	}
	d.ToReview = rd.toReview
	// What was read, by its names here.
	around, found, history, authors, held, heldWith := rd.around, rd.found, rd.history, rd.authors, rd.held, rd.heldWith
	pl, hasPlan, goals, cycles, cases := rd.plan, rd.hasPlan, rd.goals, rd.cycles, rd.cases
	acct, hasAccount := rd.account, rd.hasAccount
	d.TwoFactor, d.Panel = rd.twoFactor, rd.panel
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
