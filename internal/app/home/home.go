// Package home is the people app's home page: what needs the person signed in (their
// self-assessment, their check-ins, the action items they took on), their team at a glance
// when they manage people, and for the people team the organisation's counts and, until it is
// done, the checklist of a first setup. Package policy decides which of these a viewer sees.
package home

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/assess"
	storehome "github.com/rungs/rungs/internal/store/home"
)

// Path is the home page's address, where signing in lands.
const Path = "/home"

// CheckInEvery is how often a person and their manager are expected to meet: every two
// weeks, the rhythm the growth loop is built around. A check-in is due this long after the
// last, and overdue after that.
const CheckInEvery = 14 * 24 * time.Hour

// maxItems is how many open action items the home page lists; the check-ins page has all.
const maxItems = 20

// Task is one thing that waits for the viewer, with the page where it is done.
type Task struct {
	Text    string
	URL     string
	Due     time.Time // zero: no date
	Overdue bool
}

type data struct {
	Person store.Person
	Name   string // what the greeting calls them
	Level  *web.LevelInfo
	// LevelSince is how long the viewer has held their level, in words; "" when unknown.
	LevelSince string
	Tasks      []Task
	// CasesToReview is the promotion cases waiting for the viewer's review, as one task that
	// counts them and links to the list (which names them, and is audited as a read of them);
	// empty for someone who reviews none.
	CasesToReview []Task
	CheckIn       checkInView
	Items         []storehome.Item
	MoreItems     bool // there are more open items than the page lists
	Access        policy.HomeAccess
	Team          []*member     // pointers, so that sorting them moves no more than a word each
	TeamCycleID   int64         // the cycle the team's cards link their assessments in; 0 when none is open
	TeamCycle     *assess.Cycle // the open cycle the team's assessments are shown for
	People        *picture      // the people team's picture, for admins
}

type checkInView struct {
	Last    storehome.Meeting
	Had     bool      // there has been a check-in
	Ago     string    // how long ago the last was, in words
	NextDue time.Time // when the next is due: CheckInEvery after the last
	Overdue bool
}

// member is one direct report on their manager's home.
type member struct {
	M          *storehome.Member // in the team read, not copied
	Level      *web.LevelInfo
	InLevel    string   // time in level, in words
	Needs      []string // what needs their manager's attention, most pressing first
	needs      [4]string
	attention  int
	CheckInAgo string
	// Plan is where the report's growth plan stands, in words.
	Plan string
}

// reads is what the home reads for its viewer.
type reads struct {
	cycles  []assess.CurrentCycle
	own     storehome.Own
	items   []storehome.Item // maxItems+1 at most: one more says there are more
	team    storehome.Team   // for a manager
	version string           // for the people team
}

// addReads adds to batch everything the home reads for v, to go to the database at once
// (see store.Reads): their cycles, check-ins, action items, team, and for the people team
// whether the organisation changed since it was last counted.
func addReads(batch *store.Reads, v *policy.Viewer) *reads {
	rd := &reads{}
	access := policy.Home(v)
	assess.ReadOpenCyclesOf(batch, v.Person.ID, &rd.cycles)
	storehome.ReadOwn(batch, v.Person.ID, v.Admin(), &rd.own)
	storehome.ReadOpenItems(batch, v.Person.ID, maxItems+1, &rd.items)
	if access.Team {
		storehome.ReadTeam(batch, v.Person.ID, &rd.team)
	}
	if access.PeopleTeam {
		storehome.ReadVersion(batch, &rd.version)
	}
	return rd
}

// EarlyReads adds to batch the home's reads for the viewer seen, when the session was seen
// before, to go with the session's read (web.EarlyReads, which drops them when the session
// opens someone else now; the page then reads them itself).
func EarlyReads(_ *http.Request, batch *store.Reads, seen web.Seen) any {
	if v := seen.Viewer(); v != nil {
		return addReads(batch, v)
	}
	return nil
}

// Page shows the viewer's home.
func Page(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	s := srv.Store()
	now := srv.Now().UTC()
	today := day(now)
	d := data{Person: v.Person, Name: firstName(v.Person.Name), Access: policy.Home(v)}
	d.Level = web.Describe(srv.Framework(), web.LevelRef{Ladder: v.Person.Ladder, Track: v.Person.Track, Level: v.Person.Level})

	rd, ok := web.Early(r).(*reads)
	if !ok {
		// Not read with the session's read (EarlyReads).
		batch := s.Reads()
		rd = addReads(batch, v)
		if err := batch.Run(ctx); err != nil {
			return err
		}
	}
	d.Items = rd.items
	var open []assess.Cycle
	for _, oc := range rd.cycles {
		c := oc.Cycle
		open = append(open, c)
		if !oc.In {
			continue // only someone in an open cycle has an assessment to write or read now
		}
		url := "/cycles/" + web.Itoa(c.ID) + "/people/" + web.Itoa(v.Person.ID)
		switch {
		case !oc.SelfSubmitted:
			d.Tasks = append(d.Tasks, Task{Text: "Your self-assessment for " + c.Name, URL: url, Due: c.EndsOn, Overdue: today.After(c.EndsOn)})
		case oc.Status == assess.Shared:
			d.Tasks = append(d.Tasks, Task{Text: "Your manager's assessment for " + c.Name + " is shared with you: read it and acknowledge it", URL: url})
		}
	}

	own := rd.own
	if last := own.Last; own.Had {
		d.CheckIn = checkInView{Last: last, Had: true, Ago: ago(last.HeldOn, today), NextDue: last.HeldOn.Add(CheckInEvery)}
		d.CheckIn.Overdue = today.After(d.CheckIn.NextDue)
	}
	if d.Level != nil && !own.LevelSince.IsZero() {
		d.LevelSince = span(own.LevelSince, today)
	}
	if len(d.Items) > maxItems {
		d.Items, d.MoreItems = d.Items[:maxItems], true
	}

	if waiting := own.CasesToReview; waiting > 0 {
		d.CasesToReview = []Task{{Text: plural(waiting, "promotion case waits", "promotion cases wait") + " for your review", URL: "/cases"}}
	}

	if d.Access.Team {
		if err := team(srv, r, v, &d, rd.team, open, today); err != nil {
			return err
		}
	}
	if d.Access.PeopleTeam {
		var err error
		if d.People, err = peopleTeam(ctx, s, v, rd.version, open, now); err != nil {
			return err
		}
	}
	srv.Render(w, r, v, http.StatusOK, "home", "Home", d)
	return nil
}

// team fills in the viewer's direct reports (t), those who need attention first, and what
// their manager has to do in the open cycle their assessments are of. Reading them is a read
// of their records, which the audit log keeps as it does a manager's people list.
func team(srv *web.Server, r *http.Request, v *policy.Viewer, d *data, t storehome.Team, open []assess.Cycle, today time.Time) error {
	cycle, members := t.Cycle, t.Members
	for i := range open {
		if open[i].ID == cycle {
			d.TeamCycle = &open[i] // the newest, unless one opened between the two reads
		}
	}
	toAssess, toShare := 0, 0
	// The dates a team reached their levels repeat (everyone placed by one rollout reached
	// theirs on its day): each one's words are made once. Their last check-ins are on days
	// of their own, and a map of them cost more than it saved.
	inLevel := map[time.Time]string{}
	rows := make([]member, len(members))
	d.Team = make([]*member, 0, len(members))
	for i := range members {
		m := &members[i]
		// A team shares a few levels between them, described once (see web.Describe).
		level := web.Describe(srv.Framework(), web.LevelRef{Ladder: m.Ladder, Track: m.Track, Level: m.Level})
		row := &rows[i]
		*row = member{M: m, Level: level}
		row.Needs = row.needs[:0] // no more than the four kinds of need below: none allocated
		if !m.LevelSince.IsZero() && m.Level != "" {
			words, ok := inLevel[m.LevelSince]
			if !ok {
				words = span(m.LevelSince, today)
				inLevel[m.LevelSince] = words
			}
			row.InLevel = words
		}
		need := func(weight int, why string) {
			row.attention += weight
			row.Needs = append(row.Needs, why)
		}
		if m.Level == "" {
			need(3, "No level yet")
		}
		if m.InCycle {
			switch m.Status {
			case assess.SelfSubmitted:
				toAssess++
				need(4, "Their self-assessment is in: your assessment is next")
			case assess.NotStarted:
				toAssess++
				need(1, "Assessment not started")
			case assess.ManagerSubmitted:
				toShare++
				need(2, "Your assessment is ready to share")
			}
		}
		switch {
		case m.LastCheckIn.IsZero():
			need(3, "No check-in yet")
		case today.After(m.LastCheckIn.Add(CheckInEvery)):
			need(2, "Check-in overdue")
		}
		if !m.LastCheckIn.IsZero() {
			row.CheckInAgo = ago(m.LastCheckIn, today)
		}
		row.Plan = planWords(srv.Framework(), m.Ladder, m.Plan)
		if !m.Plan.HasPlan && m.Level != "" { // a plan starts from a level
			need(1, "No growth plan yet")
		}
		d.Team = append(d.Team, row)
	}
	// Who needs attention most first; among equals, the longest since a check-in (never is
	// longest), then by name as the store listed them.
	slices.SortStableFunc(d.Team, func(a, b *member) int {
		if c := cmp.Compare(b.attention, a.attention); c != 0 {
			return c
		}
		return a.M.LastCheckIn.Compare(b.M.LastCheckIn)
	})
	d.TeamCycleID = cycle
	if c := d.TeamCycle; c != nil {
		url := "/cycles/" + web.Itoa(c.ID)
		if toAssess > 0 {
			d.Tasks = append(d.Tasks, Task{Text: "Assess " + plural(toAssess, "person", "people") + " of your team in " + c.Name,
				URL: url, Due: c.EndsOn, Overdue: today.After(c.EndsOn)})
		}
		if toShare > 0 {
			d.Tasks = append(d.Tasks, Task{Text: "Share your assessment with " + plural(toShare, "person", "people") + " of your team in " + c.Name, URL: url})
		}
	}
	if len(members) == 0 {
		return nil
	}
	return srv.Audit(srv.Store(), r, v, "home.team", 0, plural(len(members), "direct report", "direct reports"))
}

// picture is the people team's view of the whole organisation.
type picture struct {
	People, Unplaced int
	Cycles           []completion
	Setup            []step // empty once every step is done
	// counted is when the counts were taken, and version what the organisation was then.
	counted time.Time
	version string
}

// completion is how far an open cycle has come: shared or acknowledged of everyone in it.
type completion struct {
	Cycle    assess.Cycle
	Done, Of int
	Percent  int
}

// step is one step of the first setup.
type step struct {
	Text, Hint, URL, Link string
	Done                  bool
}

// pictureMaxAge is how long the people team's counts are kept when the organisation has not
// changed in a way home.Version sees: assessments move on within a cycle without changing it.
const pictureMaxAge = 30 * time.Second

// kept is one database's people-team picture, counted again when it changed or is old, so
// that a home page costs the same for an organisation of 10 or of 10,000 people.
type kept struct {
	mu        sync.Mutex
	p         *picture
	setupDone bool // every setup step was seen done: the checklist is not read again
}

// pictures holds a kept picture per database (a process serves one; tests run many).
var pictures sync.Map // *store.Store → *kept

// peopleTeam is the people team's picture of the organisation, as it was at version (see
// storehome.Version).
func peopleTeam(ctx context.Context, s *store.Store, v *policy.Viewer, version string, open []assess.Cycle, now time.Time) (*picture, error) {
	k, _ := pictures.LoadOrStore(s, &kept{})
	kp := k.(*kept)
	kp.mu.Lock()
	defer kp.mu.Unlock()
	p := kp.p
	if p == nil || p.version != version || now.Sub(p.counted) > pictureMaxAge || now.Before(p.counted) {
		p = &picture{counted: now, version: version}
		c, err := storehome.Count(ctx, s)
		if err != nil {
			return nil, err
		}
		p.People, p.Unplaced = c.People, c.Unplaced
		for _, cy := range open {
			counts, err := assess.Completion(ctx, s, cy.ID, 0)
			if err != nil {
				return nil, err
			}
			cp := completion{Cycle: cy}
			for _, sc := range counts {
				cp.Of += sc.People
				if sc.Status == assess.Shared || sc.Status == assess.Acknowledged {
					cp.Done += sc.People
				}
			}
			cp.Percent = cp.Done * 100 / max(cp.Of, 1)
			p.Cycles = append(p.Cycles, cp)
		}
		kp.p = p
	}
	out := *p
	if kp.setupDone {
		return &out, nil
	}
	st, err := storehome.SetupOf(ctx, s, v.Person.ID)
	if err != nil {
		return nil, err
	}
	if st.Done() {
		kp.setupDone = true
		return &out, nil
	}
	invite := step{Text: "Invite your managers", URL: "/people", Link: "Find them in People",
		Hint: "Send each manager a sign-in link from their page, so that they can review the proposed levels of their teams.", Done: st.Invited}
	if st.Uninvited != 0 {
		invite.URL, invite.Link = "/people/"+strconv.FormatInt(st.Uninvited, 10), "The next manager to invite"
	}
	out.Setup = []step{
		{Text: "Import your people", URL: "/import", Link: "Import a CSV file", Done: st.Imported,
			Hint: "Upload your HR system's export (names, emails, managers, job titles, start dates), or add people one at a time."},
		{Text: "Map job titles to levels", URL: "/rollout", Link: "Open the rollout", Done: st.Mapped,
			Hint: "Say which level each job title starts on: everyone with that title is proposed it."},
		invite,
		{Text: "Apply the levels", URL: "/rollout", Link: "Review and apply", Done: st.Applied,
			Hint: "Once managers have reviewed the proposals, apply them: everyone is placed on their level, with the date and the reason kept in their history."},
	}
	return &out, nil
}

// day is t's date, at midnight UTC.
func day(t time.Time) time.Time {
	y, m, dd := t.UTC().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
}

// ago says how long before today the date was: "today", "3 days ago", "5 weeks ago".
func ago(date, today time.Time) string {
	days := int(day(today).Sub(day(date)).Hours() / 24)
	switch {
	case days < 0:
		return "on " + date.Format(time.DateOnly)
	case days == 0:
		return "today"
	case days == 1:
		return "yesterday"
	case days < 14:
		return strconv.Itoa(days) + " days ago"
	case days < 60:
		return strconv.Itoa(days/7) + " weeks ago"
	}
	return span(date, today) + " ago"
}

// span says how long it is from a date to today, in the largest units that fit: "2 years, 3
// months", "5 months", "3 weeks", "4 days".
func span(from, today time.Time) string {
	from, today = day(from), day(today)
	if !from.Before(today) {
		return "less than a day"
	}
	months := (today.Year()-from.Year())*12 + int(today.Month()-from.Month())
	if today.Day() < from.Day() {
		months--
	}
	switch {
	case months >= 12:
		s := plural(months/12, "year", "years")
		if months%12 > 0 {
			s += ", " + plural(months%12, "month", "months")
		}
		return s
	case months >= 1:
		return plural(months, "month", "months")
	}
	days := int(today.Sub(from).Hours() / 24)
	if days >= 7 {
		return plural(days/7, "week", "weeks")
	}
	return plural(days, "day", "days")
}

// plural is n and the word for one or for more.
func plural(n int, one, more string) string {
	if n == 1 {
		return "1 " + one
	}
	return web.Thousands(n) + " " + more
}

// firstName is the name a greeting uses: the first word of the person's name.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return name
}

// planWords says where a growth plan stands in a line: its target, whether both agreed to
// it, and how many of its goals are done.
func planWords(f *ladder.Framework, ladderID string, p storehome.PlanStatus) string {
	if !p.HasPlan {
		return "none yet"
	}
	words := "towards " + p.Target
	if l := f.Ladder(ladderID); l != nil {
		if lv := l.Level(p.Target); lv != nil {
			words = "towards " + lv.Title
		}
	}
	if p.Agreed {
		words += ", agreed"
	} else {
		words += ", not agreed by both yet"
	}
	if p.Goals > 0 {
		words += ", " + strconv.Itoa(p.Done) + " of " + plural(p.Goals, "goal", "goals") + " done"
	}
	return words
}
