package people

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/rungs/rungs/internal/app/conversations"
	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/assess"
	"github.com/rungs/rungs/internal/store/checkins"
	"github.com/rungs/rungs/internal/store/growth"
)

// event is one line of a person's timeline: a level change, an assessment, a check-in, or
// something of their growth plan or promotion cases.
type event struct {
	On   time.Time
	Kind string // "level", "assessment", "checkin", "goal", "plan" or "case", for the stylesheet and tests
	Text string
	URL  string // "" when the viewer may not open it
}

// timeline brings together what happened to a person, newest first: their level changes,
// the assessment cycles they are in (dated by the last step reached), and their check-ins
// (checkIns and the names of the managers who held them, heldWith, read by the caller: who
// held them; a link only for those who may read them).
// Each part shows no more than the viewer may see of it elsewhere. The caller reads the
// cycles and check-ins with the rest of the page.
func timeline(srv *web.Server, r *http.Request, v *policy.Viewer, p store.Person, levels []timelineEntry, cycles []assess.PersonCycle,
	acc policy.CheckInAccess, checkIns []checkins.CheckIn, heldWith map[int64]string) ([]event, error) {
	ctx := r.Context()
	s := srv.Store()
	var out []event
	for _, e := range levels {
		text := web.Label(string(e.Change.Reason))
		if e.To != nil {
			text += ": " + levelName(e.To)
		}
		out = append(out, event{On: e.Change.Date, Kind: "level", Text: text})
	}
	if len(cycles) > 0 {
		d, err := policy.Decide(ctx, s, policy.SeeAssessment, v, p.ID, srv.Settings())
		if err != nil {
			return nil, err
		}
		for _, pc := range cycles {
			pt := pc.Participant
			on := pc.Cycle.StartsOn
			for _, t := range []time.Time{pt.SelfSubmittedAt, pt.ManagerSubmittedAt, pt.SharedAt, pt.AcknowledgedAt} {
				if t.After(on) {
					on = t
				}
			}
			ev := event{On: on, Kind: "assessment", Text: "Assessment " + pc.Cycle.Name + ": " + web.Label(string(pt.Status))}
			if d == policy.Allow {
				ev.URL = "/cycles/" + strconv.FormatInt(pc.Cycle.ID, 10) + "/people/" + web.Itoa(p.ID)
			}
			out = append(out, ev)
		}
	}
	if acc.Notes || v.Admin() {
		for _, c := range checkIns {
			ev := event{On: c.HeldOn, Kind: "checkin", Text: "Check-in with " + heldWith[c.ManagerID]}
			if acc.Notes {
				ev.URL = "/people/" + web.Itoa(p.ID) + "/checkins/" + strconv.FormatInt(c.ID, 10)
			}
			out = append(out, ev)
		}
	}
	// Newest first by day; within a day, in the order above, which is stable.
	slices.SortStableFunc(out, func(a, b event) int { return b.On.Truncate(24 * time.Hour).Compare(a.On.Truncate(24 * time.Hour)) })
	return out, nil
}

func levelName(l *web.LevelInfo) string {
	if l.Code != "" {
		return l.Code + " " + l.Title
	}
	return l.Title
}

// growthEvents adds to a person's timeline what happened to their growth plan (pl, nil for
// none: goals set and met, the plan agreed) for those who may read it, and their promotion
// cases (submitted, decided) as far as the viewer may read each; the promotion itself is a
// level change, already there. It returns the whole timeline, newest first again.
func growthEvents(srv *web.Server, r *http.Request, v *policy.Viewer, p store.Person, acc policy.PlanAccess, pl *growth.Plan,
	goals []growth.Goal, cases []growth.Case, x conversations.Expectations, out []event) ([]event, error) {
	ctx := r.Context()
	s := srv.Store()
	f := srv.Framework()
	plan := "/people/" + web.Itoa(p.ID) + "/plan"
	if acc.Read {
		for _, g := range goals {
			name := g.Text
			if name == "" {
				name = cmp.Or(x.Get(g.Expectation).Text, "#"+g.Expectation)
			}
			url := plan + "#goal-" + strconv.FormatInt(g.ID, 10)
			out = append(out, event{On: g.CreatedAt, Kind: "goal", Text: "Goal set: " + name, URL: url})
			if !g.DoneAt.IsZero() {
				out = append(out, event{On: g.DoneAt, Kind: "goal", Text: "Goal met: " + name, URL: url})
			}
		}
		if pl != nil && pl.Agreed() {
			on := pl.PersonAgreedAt
			if pl.ManagerAgreedAt.After(on) {
				on = pl.ManagerAgreedAt
			}
			out = append(out, event{On: on, Kind: "plan", Text: "Growth plan agreed", URL: plan})
		}
	}
	for _, c := range cases {
		ca, err := policy.CaseOf(ctx, s, v, c)
		if err != nil {
			return nil, err
		}
		if !ca.Read {
			continue
		}
		target := c.Target
		if lv := web.Describe(f, web.LevelRef{Ladder: c.Ladder, Track: c.Track, Level: c.Target}); lv != nil {
			target = levelName(lv)
		}
		url := "/people/" + web.Itoa(p.ID) + "/cases/" + strconv.FormatInt(c.ID, 10)
		if !c.SubmittedAt.IsZero() {
			out = append(out, event{On: c.SubmittedAt, Kind: "case", Text: "Promotion case for " + target + " submitted", URL: url})
		}
		if ca.Outcome {
			word := "approved"
			if c.Status == growth.NotYet {
				word = "not yet"
			}
			out = append(out, event{On: c.DecidedAt, Kind: "case", Text: "Promotion case for " + target + ": " + word, URL: url})
		}
	}
	slices.SortStableFunc(out, func(a, b event) int { return b.On.Truncate(24 * time.Hour).Compare(a.On.Truncate(24 * time.Hour)) })
	return out, nil
}
