package assess

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/mail"
	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/changes"
	"github.com/rungs/rungs/internal/store"
	storeassess "github.com/rungs/rungs/internal/store/assess"
)

type cyclesData struct {
	Mine    []storeassess.PersonCycle
	Cycles  []storeassess.Cycle
	Admin   bool
	Manager bool
	Ladders []ladderChoice
	Form    openForm
}

type ladderChoice struct{ ID, Title string }

type openForm struct {
	Name, Starts, Ends, Scope, Ladder, Manager string
	Next                                       bool
	Errors                                     map[string]string
}

// List shows the viewer's own assessments, and the cycles for managers and admins, with the
// form that opens one for admins.
func List(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	today := srv.Now().Format(time.DateOnly)
	return showList(srv, w, r, v, http.StatusOK, openForm{Starts: today, Ends: srv.Now().AddDate(0, 0, 28).Format(time.DateOnly), Scope: "everyone", Next: true})
}

func showList(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, status int, form openForm) error {
	ctx := r.Context()
	d := cyclesData{Admin: v.Admin(), Manager: v.Manager, Form: form}
	var err error
	if d.Mine, err = storeassess.CyclesOf(ctx, srv.Store(), v.Person.ID); err != nil {
		return err
	}
	if d.Admin || d.Manager {
		if d.Cycles, err = storeassess.Cycles(ctx, srv.Store()); err != nil {
			return err
		}
	}
	for _, l := range srv.Framework().Ladders {
		d.Ladders = append(d.Ladders, ladderChoice{l.ID, l.Title})
	}
	srv.Render(w, r, v, status, "cycles", "Assessments", d)
	return nil
}

// Open opens a cycle on the framework in use, pinned to it.
func Open(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	form := openForm{Name: strings.TrimSpace(r.PostFormValue("name")), Starts: strings.TrimSpace(r.PostFormValue("starts")),
		Ends: strings.TrimSpace(r.PostFormValue("ends")), Scope: r.PostFormValue("scope"), Ladder: r.PostFormValue("ladder"),
		Manager: strings.TrimSpace(r.PostFormValue("manager")), Next: r.PostFormValue("next") == "yes", Errors: map[string]string{}}
	f := srv.Framework()
	c := storeassess.Cycle{Name: form.Name, Scope: storeassess.CycleScope(form.Scope), IncludeNext: form.Next, OpenedBy: v.Person.ID}
	if form.Name == "" {
		form.Errors["name"] = "Give the cycle a name, such as “2025 first half”."
	} else if p := store.TextProblem(form.Name, storeassess.MaxCycleName); p != "" {
		form.Errors["name"] = "The name " + p + "."
	}
	var err error
	if c.StartsOn, err = time.Parse(time.DateOnly, form.Starts); err != nil {
		form.Errors["starts"] = "Give the first day as YYYY-MM-DD."
	}
	if c.EndsOn, err = time.Parse(time.DateOnly, form.Ends); err != nil {
		form.Errors["ends"] = "Give the last day as YYYY-MM-DD."
	} else if form.Errors["starts"] == "" && c.EndsOn.Before(c.StartsOn) {
		form.Errors["ends"] = "The last day comes before the first."
	}
	switch c.Scope {
	case storeassess.ScopeEveryone:
	case storeassess.ScopeLadder:
		if f.Ladder(form.Ladder) == nil {
			form.Errors["ladder"] = "Choose the ladder whose people are in the cycle."
		}
		c.ScopeLadder = form.Ladder
	case storeassess.ScopeTeam:
		m, err := srv.Store().PersonByEmail(ctx, form.Manager)
		if errors.Is(err, store.ErrNotFound) || form.Manager == "" {
			form.Errors["manager"] = "Give the email of the manager whose team (everyone below them) is in the cycle."
		} else if err != nil {
			return err
		}
		c.ScopeManager = m.ID
	default:
		form.Errors["scope"] = "Choose who is in the cycle."
	}
	var ladders []string
	for _, l := range f.Ladders {
		ladders = append(ladders, l.ID)
	}
	if len(ladders) == 0 {
		form.Errors["name"] = "There is no framework to assess against yet."
	}
	if len(form.Errors) > 0 {
		return showList(srv, w, r, v, http.StatusBadRequest, form)
	}
	if c.FrameworkVersion, c.FrameworkJSON, err = Version(f); err != nil {
		return err
	}
	var opened storeassess.Cycle
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		var n int
		var err error
		if opened, n, err = storeassess.OpenCycle(ctx, tx, c, ladders); err != nil {
			return err
		}
		if err := mail.NotifyCycleOpened(ctx, srv, tx, opened); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "cycle.open", 0, c.Name+": "+strconv.Itoa(n)+" people, framework "+c.FrameworkVersion)
	})
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/cycles/"+web.Itoa(opened.ID), "opened")
	return nil
}

type cycleData struct {
	Cycle    storeassess.Cycle
	People   []cycleRow
	Total    int
	Status   string
	Statuses []storeassess.AssessmentStatus
	Done     []storeassess.StatusCount
	Admin    bool
	Changed  template.HTML // what changed in the framework since the cycle opened
	Same     bool
	NowVer   string
	PrevURL  string
	NextURL  string
}

// cycleRow is one person of a cycle, with the level it asks about in words.
type cycleRow struct {
	storeassess.Participant
	Info *web.LevelInfo
}

// CyclePage shows a cycle: who is in it (everyone for admins, their people for a manager),
// where each assessment stands, and what changed in the framework since it opened.
func CyclePage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	s := srv.Store()
	c, f, err := loadCycle(srv, r)
	if err != nil {
		return err
	}
	d := cycleData{Cycle: c, Admin: v.Admin(), Statuses: storeassess.AssessmentStatuses, Status: r.URL.Query().Get("status")}
	all, under := policy.Scope(v)
	filter := storeassess.ParticipantFilter{Limit: web.PageSize}
	if !all {
		filter.Under = under
	}
	for _, st := range storeassess.AssessmentStatuses {
		if string(st) == d.Status {
			filter.Status = st
		}
	}
	if filter.Status == "" {
		d.Status = ""
	}
	filter.Offset, _ = strconv.Atoi(r.URL.Query().Get("from"))
	filter.Offset = max(filter.Offset, 0)
	if d.Total, err = storeassess.CountParticipants(ctx, s, c.ID, filter); err != nil {
		return err
	}
	people, err := storeassess.Participants(ctx, s, c.ID, filter)
	if err != nil {
		return err
	}
	for _, p := range people {
		// The level as the cycle's version of the framework names it.
		d.People = append(d.People, cycleRow{Participant: p, Info: web.Describe(f, web.LevelRef{Ladder: p.Ladder, Track: p.Track, Level: p.Level})})
	}
	if d.Done, err = storeassess.Completion(ctx, s, c.ID, filter.Under); err != nil {
		return err
	}
	if policy.AuditsList(v) {
		if err := srv.Audit(s, r, v, "cycle.list", 0, c.Name); err != nil {
			return err
		}
	}
	now := srv.Framework()
	if d.NowVer, _, err = Version(now); err != nil {
		return err
	}
	d.Same = d.NowVer == c.FrameworkVersion
	if !d.Same {
		var b bytes.Buffer
		if err := md.Convert([]byte(changes.Markdown(changes.Compare(f, now))), &b); err == nil {
			d.Changed = template.HTML(b.String()) //nolint:gosec // goldmark escapes raw HTML
		}
	}
	link := func(from int) string {
		q := url.Values{}
		if from > 0 {
			q.Set("from", strconv.Itoa(from))
		}
		if d.Status != "" {
			q.Set("status", d.Status)
		}
		u := "/cycles/" + web.Itoa(c.ID)
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		return u
	}
	if filter.Offset > 0 {
		d.PrevURL = link(max(0, filter.Offset-web.PageSize))
	}
	if filter.Offset+len(d.People) < d.Total {
		d.NextURL = link(filter.Offset + web.PageSize)
	}
	srv.Render(w, r, v, http.StatusOK, "cycle", c.Name, d)
	return nil
}

// Close closes a cycle: its assessments no longer change.
func Close(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	c, _, err := loadCycle(srv, r)
	if err != nil {
		return err
	}
	if r.PostFormValue("confirm") != "yes" {
		return web.Errorf(http.StatusBadRequest, "Tick the box to confirm: a closed cycle's assessments no longer change.")
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		if err := storeassess.CloseCycle(ctx, tx, c.ID, v.Person.ID); err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "cycle.close", 0, c.Name)
	})
	if errors.Is(err, store.ErrConflict) {
		return web.Errorf(http.StatusConflict, "This cycle is closed already.")
	}
	if err != nil {
		return err
	}
	web.Redirect(w, r, "/cycles/"+web.Itoa(c.ID), "closed")
	return nil
}
