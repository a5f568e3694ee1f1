package assess

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/guidance"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/store"
	storeassess "github.com/rungs/rungs/internal/store/assess"
)

// personData is what a person's assessment page shows.
type personData struct {
	Cycle   storeassess.Cycle
	P       storeassess.Participant
	Access  policy.AssessmentAccess
	Plan    *plan
	Scale   []ladder.Rating
	Rows    []row
	Groups  []rowGroup
	Ready   readiness
	Amended []amendmentView
	// The form just sent, with its errors, when it had some.
	Form   map[string]string
	Errors map[string]string
	Side   storeassess.Side // the side the form with errors was for
	Steps  []step
	Manage string         // name of the manager who submitted
	Viewer *policy.Viewer // who reads the page
}

// row is one expectation with both sides, as far as the viewer may see them.
type row struct {
	It                  *item
	Self, Manager       *storeassess.Rating // never nil: noRating where there is none
	SelfHTML, MgrHTML   template.HTML
	SelfLabel, MgrLabel string
	Gap                 int  // manager's score minus the person's, when both rated
	HasGap              bool // both rated and they differ
}

type rowGroup struct {
	G    *group
	Rows []*row
}

type amendmentView struct {
	A        storeassess.Amendment
	Item     string
	By       string
	Old, New string // the ratings in the scale's words; "" for none
}

type step struct {
	Label string
	Done  bool
}

// Page shows one person's assessment in a cycle: the forms the viewer may fill in, both sides
// side by side as far as the viewer may see them, and what the ladder's guidance reads.
func Page(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return showPerson(srv, w, r, v, http.StatusOK, "", nil, nil)
}

// early is what a person's assessment page reads with the session: see EarlyReads.
type early struct {
	cycle         int64
	c             storeassess.Cycle
	found         bool // the cycle is there
	p             storeassess.Participant
	in            bool // the person is in it
	selfRs, mgrRs []storeassess.Rating
	am            []storeassess.Amendment
}

// EarlyReads adds to reads what a person's assessment page reads whoever views it: the
// cycle, the person's place in it, both sides' ratings and the amendments. The route sends
// them with the session's read (web.EarlyReads); the page drops what the viewer may not see.
func EarlyReads(r *http.Request, reads *store.Reads, _ web.Seen) any {
	cycle, err := strconv.ParseInt(r.PathValue("cycle"), 10, 64)
	person, perr := web.PathID(r)
	if err != nil || perr != nil || cycle <= 0 || person <= 0 {
		return nil // not found, as the page says without them
	}
	e := &early{cycle: cycle}
	storeassess.ReadCycleHeader(reads, cycle, &e.c, &e.found)
	storeassess.ReadParticipant(reads, cycle, person, &e.p, &e.in)
	storeassess.ReadBothRatings(reads, cycle, person, &e.selfRs, &e.mgrRs)
	storeassess.ReadAmendments(reads, cycle, person, &e.am)
	return e
}

// readPerson is what a person's page reads: with the session's read, when the route sent
// them with it (EarlyReads, for a page shown), or now (a form shown again with its errors),
// with whether the viewer is above the person.
func readPerson(srv *web.Server, r *http.Request, v *policy.Viewer) (*early, error) {
	if e, ok := web.Early(r).(*early); ok {
		return e, nil
	}
	reads := srv.Store().Reads()
	e, ok := EarlyReads(r, reads, web.SeenOf(v)).(*early)
	if !ok {
		return nil, web.ErrNotFound
	}
	id, _ := web.PathID(r)
	policy.ReadAbove(reads, v, id)
	if err := reads.Run(r.Context()); err != nil {
		return nil, err
	}
	return e, nil
}

// load reads the cycle, the person's place in it, and what the viewer may do there.
func load(srv *web.Server, r *http.Request, v *policy.Viewer) (storeassess.Cycle, *ladder.Framework, storeassess.Participant, policy.AssessmentAccess, error) {
	id, _ := web.PathID(r)
	var p storeassess.Participant
	var in bool
	// The cycle, the person's place in it and whether the viewer is above them, read at once.
	c, f, err := loadCycleWith(srv, r, func(reads *store.Reads, cycle int64) {
		storeassess.ReadParticipant(reads, cycle, id, &p, &in)
		policy.ReadAbove(reads, v, id)
	})
	if err != nil {
		return c, nil, storeassess.Participant{}, policy.AssessmentAccess{}, err
	}
	return placeRead(srv, r, v, c, f, p, in)
}

// placeRead is what load returns once the cycle c (with its framework f) and the
// person's place in it (p, and in: whether they are in it) are read: what the viewer may do
// there. A person not in the cycle is not found.
func placeRead(srv *web.Server, r *http.Request, v *policy.Viewer, c storeassess.Cycle, f *ladder.Framework, p storeassess.Participant, in bool) (storeassess.Cycle, *ladder.Framework, storeassess.Participant, policy.AssessmentAccess, error) {
	if !in {
		return c, nil, p, policy.AssessmentAccess{}, web.ErrNotFound
	}
	id := p.Person.ID
	above, err := policy.Above(r.Context(), srv.Store(), v, id)
	if err != nil {
		return c, nil, p, policy.AssessmentAccess{}, err
	}
	acc := policy.Assessment(v, id, above, policy.AssessmentState{Open: c.Open(), SelfSubmitted: p.Submitted(storeassess.SelfSide),
		ManagerSubmitted: p.Submitted(storeassess.ManagerSide), Shared: !p.SharedAt.IsZero()}, srv.Settings())
	return c, f, p, acc, nil
}

func showPerson(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, status int, side storeassess.Side, form, errs map[string]string) error {
	// Both sides' ratings and the amendments are read with the cycle (and with the session,
	// for a page shown), before what the viewer may see of them is known: one round trip to
	// the database. What they may not see is dropped here, before anything of it is used.
	e, err := readPerson(srv, r, v)
	if err != nil {
		return err
	}
	c, f, err := cycleRead(srv, r, e.cycle, e.c, e.found, nil)
	if err != nil {
		return err
	}
	c, f, p, acc, err := placeRead(srv, r, v, c, f, e.p, e.in)
	if err != nil {
		return err
	}
	selfRs, mgrRs, am := e.selfRs, e.mgrRs, e.am
	var self, mgr map[string]*storeassess.Rating
	if acc.SeeSelf {
		self = byKey(selfRs)
	}
	if acc.SeeManager {
		mgr = byKey(mgrRs)
	}
	if !acc.SeeSelf && !acc.SeeManager {
		am = nil
	}
	if policy.AuditsRead(v, p.Person.ID) {
		if err := srv.Audit(srv.Store(), r, v, "assessment.view", p.Person.ID, c.Name); err != nil {
			return err
		}
	}
	d := &personData{Cycle: c, P: p, Access: acc, Scale: f.Scale, Form: form, Errors: errs, Side: side, Viewer: v}
	d.Plan = planFor(c, f, srv.Framework(), p)
	d.Rows, d.Groups = rows(f, d.Plan, self, mgr)
	d.Ready = readinessOf(f, d.Plan, self, mgr)
	d.Steps = []step{{"Self-assessment submitted", p.Submitted(storeassess.SelfSide)}, {"Manager's assessment submitted", p.Submitted(storeassess.ManagerSide)},
		{"Shared with " + p.Person.Name, !p.SharedAt.IsZero()}, {"Acknowledged", !p.AcknowledgedAt.IsZero()}}
	if acc.SeeSelf || acc.SeeManager {
		names := srv.Names(r)
		if p.ManagerBy != 0 {
			names.Know(p.ManagerBy, p.ManagerByName)
		}
		for _, a := range am {
			if (a.Side == storeassess.SelfSide && !acc.SeeSelf) || (a.Side == storeassess.ManagerSide && !acc.SeeManager) {
				continue
			}
			av := amendmentView{A: a, Item: a.Level + "/" + a.Expectation, By: names.Of(a.MadeBy)}
			if a.OldRating != "" {
				av.Old = labelOf(f, a.OldRating)
			}
			if a.NewRating != "" {
				av.New = labelOf(f, a.NewRating)
			}
			if it := d.Plan.Items[av.Item]; it != nil {
				av.Item = it.Plain
			}
			d.Amended = append(d.Amended, av)
		}
		if p.ManagerBy != 0 {
			d.Manage = names.Of(p.ManagerBy)
		}
	}
	srv.Render(w, r, v, status, "assessment", p.Person.Name+": "+c.Name, d)
	return nil
}

// visibleRatings reads the sides the viewer may see, keyed level/id; nil for a side they may not.
func visibleRatings(srv *web.Server, r *http.Request, c storeassess.Cycle, p storeassess.Participant, acc policy.AssessmentAccess) (self, mgr map[string]*storeassess.Rating, err error) {
	reads := srv.Store().Reads()
	var selfRs, mgrRs []storeassess.Rating
	switch {
	case acc.SeeSelf && acc.SeeManager:
		storeassess.ReadBothRatings(reads, c.ID, p.Person.ID, &selfRs, &mgrRs)
	case acc.SeeSelf:
		storeassess.ReadRatings(reads, c.ID, p.Person.ID, storeassess.SelfSide, &selfRs)
	case acc.SeeManager:
		storeassess.ReadRatings(reads, c.ID, p.Person.ID, storeassess.ManagerSide, &mgrRs)
	}
	if err := reads.Run(r.Context()); err != nil {
		return nil, nil, err
	}
	if acc.SeeSelf {
		self = byKey(selfRs)
	}
	if acc.SeeManager {
		mgr = byKey(mgrRs)
	}
	return self, mgr, nil
}

// byKey indexes ratings by their key, pointing into rs: a page has some seventy ratings a
// side, and copies of them in maps and rows were a fifth of what a person's page allocated.
func byKey(rs []storeassess.Rating) map[string]*storeassess.Rating {
	m := make(map[string]*storeassess.Rating, len(rs))
	for i := range rs {
		m[rs[i].Key()] = &rs[i]
	}
	return m
}

// noRating is a row's side where there is no rating: shared by every such row, never changed.
var noRating storeassess.Rating

// ratingOr is r, or noRating when there is none.
func ratingOr(r *storeassess.Rating) *storeassess.Rating {
	if r == nil {
		return &noRating
	}
	return r
}

func rows(f *ladder.Framework, pl *plan, self, mgr map[string]*storeassess.Rating) ([]row, []rowGroup) {
	out := make([]row, 0, len(pl.Order))
	for _, it := range pl.Order {
		rw := row{It: it, Self: ratingOr(self[it.Key]), Manager: ratingOr(mgr[it.Key])}
		if rw.Self.Evidence != "" {
			rw.SelfHTML = evidence(rw.Self.Evidence)
		}
		if rw.Manager.Evidence != "" {
			rw.MgrHTML = evidence(rw.Manager.Evidence)
		}
		rw.SelfLabel, rw.MgrLabel = labelOf(f, rw.Self.Rating), labelOf(f, rw.Manager.Rating)
		if rw.Self.Rating != "" && rw.Manager.Rating != "" {
			rw.Gap = scoreOf(f, rw.Manager.Rating) - scoreOf(f, rw.Self.Rating)
			rw.HasGap = rw.Gap != 0
		}
		out = append(out, rw)
	}
	byKey := map[string]*row{}
	for i := range out {
		byKey[out[i].It.Key] = &out[i]
	}
	var groups []rowGroup
	for _, g := range pl.Groups {
		rg := rowGroup{G: g}
		for _, it := range g.Items {
			rg.Rows = append(rg.Rows, byKey[it.Key])
		}
		groups = append(groups, rg)
	}
	return out, groups
}

// readiness is, per area, how much of the current and the next level each side shows, and
// what the ladder's promotion guidance reads from each side's ratings.
type readiness struct {
	Bar         string // the rating an expectation must reach to count as shown
	Areas       []areaReady
	Level, Next string // titles
	SelfReads   guidanceReading
	MgrReads    guidanceReading
	HasGuidance bool
}

type areaReady struct {
	Area                     string
	Total, NextTotal         int
	SelfShown, MgrShown      int
	SelfNext, MgrNext        int
	SelfShare, MgrShare      float64 // of the current level, 0..1
	HasSelf, HasMgr, HasNext bool
}

type guidanceReading struct {
	Seen  bool   // the side's ratings were visible and there were some
	Level string // the level title the guidance reads, "" for none
	Rule  string
}

// readinessOf counts, per area, the expectations each side rated at or above the bar, and
// reads each side's ratings with the ladder's promotion guidance: the same evaluator the
// published self-assessment page runs, as guidance, never as a verdict.
func readinessOf(f *ladder.Framework, pl *plan, self, mgr map[string]*storeassess.Rating) readiness {
	var rd readiness
	if pl.Level == nil {
		return rd
	}
	bar := guidance.Bar(len(f.Scale))
	if bar < len(f.Scale) {
		rd.Bar = f.Scale[bar].Label
	}
	rd.Level = pl.Level.Title
	if pl.NextLv != nil {
		rd.Next = pl.NextLv.Title
	}
	byArea := map[string]*areaReady{}
	var order []string
	shown := func(m map[string]*storeassess.Rating, key string) bool {
		r, ok := m[key]
		return ok && r.Rating != "" && scoreOf(f, r.Rating) >= bar
	}
	for _, it := range pl.Order {
		a := byArea[it.Area.ID]
		if a == nil {
			a = &areaReady{Area: it.Area.Title, HasSelf: self != nil, HasMgr: mgr != nil}
			byArea[it.Area.ID] = a
			order = append(order, it.Area.ID)
		}
		if it.Next {
			a.NextTotal++
			a.HasNext = true
			if shown(self, it.Key) {
				a.SelfNext++
			}
			if shown(mgr, it.Key) {
				a.MgrNext++
			}
			continue
		}
		a.Total++
		if shown(self, it.Key) {
			a.SelfShown++
		}
		if shown(mgr, it.Key) {
			a.MgrShown++
		}
	}
	for _, id := range order {
		a := byArea[id]
		if a.Total > 0 {
			a.SelfShare, a.MgrShare = float64(a.SelfShown)/float64(a.Total), float64(a.MgrShown)/float64(a.Total)
		}
		rd.Areas = append(rd.Areas, *a)
	}
	if pl.Ladder.Promotion == nil {
		return rd
	}
	rd.HasGuidance = true
	read := func(m map[string]*storeassess.Rating) guidanceReading {
		if len(m) == 0 {
			return guidanceReading{}
		}
		ratings := make(map[string]string, len(m))
		for k, r := range m {
			if r.Rating != "" {
				ratings[k] = r.Rating
			}
		}
		res := guidance.Evaluate(guidance.Input{Ladder: pl.Guidance, Scale: pl.Scale, Track: pl.Track, Ratings: ratings})
		g := guidanceReading{Seen: true, Rule: res.Rule}
		if lv := pl.Ladder.Level(res.Level); lv != nil {
			g.Level = lv.Title
		}
		return g
	}
	rd.SelfReads, rd.MgrReads = read(self), read(mgr)
	return rd
}

// trimEvidence turns a form's line breaks into "\n" and trims the ends.
func trimEvidence(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}
