// Package home reads what a person's home page in the people app shows: their open action
// items and last check-in, their direct reports at a glance, and for the people team the
// organisation's counts and how far its first setup has come. Each read costs what the
// viewer's own rows cost, from indexes, not what the organisation's size does; the counts
// over everyone are for the caller to keep for a while (package app/home does).
package home

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/assess"
	"github.com/rungs/rungs/internal/store/growth"
)

// Member is one direct report as their manager's home shows them.
type Member struct {
	ID                   int64
	Name                 string
	Ladder, Track, Level string // empty until they are levelled
	// LevelSince is the date they reached their level (the last change that moved them to
	// another level, a track change within it does not count); zero when unknown.
	LevelSince  time.Time
	LastCheckIn time.Time // zero: none yet
	// InCycle says whether they are in the cycle Team was asked about, and Status is where
	// their assessment stands in it.
	InCycle bool
	Status  assess.AssessmentStatus
	// Plan is where their growth plan stands.
	Plan PlanStatus
}

// PlanStatus is a growth plan as a manager's home sums it up.
type PlanStatus struct {
	HasPlan bool
	Target  string // the target level's id
	Agreed  bool   // by both
	// Goals counts the plan's goals, whatever their status, and Done those done.
	Goals, Done int
}

// Team is a manager's active direct reports at a glance.
type Team struct {
	// Cycle is the newest open assessment cycle, which the members' InCycle and Status are
	// of; 0 when no cycle is open.
	Cycle   int64
	Members []Member // by name
}

// ReadTeam adds to r the read of manager's team into *out: their active direct reports, by
// name, with where their assessment in the newest open cycle stands and where their growth
// plan stands, in one query, so that a page that shows fifty reports reads them all at once;
// and which cycle that is, so that it goes with the same read of everything else on the page.
//
// The members' time in level and last check-in are kept on their rows (0018), and the cycle
// is a value the database finds once and then looks each member's assessment up with, whole
// key, so that the team costs one range of people_manager and two look-ups a member.
func ReadTeam(r *store.Reads, manager int64, out *Team) {
	// The members go into a slice sized for a large team at once: grown as they came, its
	// copies cost more than the query's rows did.
	*out = Team{Members: make([]Member, 0, 64)}
	var m Member
	var status string
	var cycle sql.NullInt64
	// Every row is scanned into m through the one list of where its columns go: a list made
	// for each row was fourteen words (and a box for each time) a member. The columns a team
	// shares (ladders, levels, statuses) are a string for each value, not for each row.
	texts := store.NewTexts()
	dest := []any{&cycle, &m.ID, &m.Name, texts.Into(&m.Ladder), texts.Into(&m.Track), texts.Into(&m.Level),
		store.Time(&m.LevelSince), store.Time(&m.LastCheckIn), texts.Into(&status),
		&m.Plan.HasPlan, texts.Into(&m.Plan.Target), &m.Plan.Agreed, &m.Plan.Goals, &m.Plan.Done}
	r.Read(fmt.Sprintf("team of %d", manager), func(row store.Scanner) error {
		if err := row.Scan(dest...); err != nil {
			return err
		}
		out.Cycle = cycle.Int64
		m.InCycle, m.Status = status != "", assess.AssessmentStatus(status)
		out.Members = append(out.Members, m)
		return nil
	}, `
		SELECT `+newestOpenCycle+`, p.id, p.name, p.ladder, p.track, p.level, p.level_since, p.last_checkin,
			CASE WHEN ap.person_id IS NULL THEN '' ELSE `+assess.StatusSQL+` END,
			gp.person_id IS NOT NULL, coalesce(gp.target_level, ''), gp.person_agreed_at IS NOT NULL AND gp.manager_agreed_at IS NOT NULL,
			CASE WHEN gp.person_id IS NULL THEN 0 ELSE (SELECT count(*) FROM growth_goals g WHERE g.person_id = p.id) END,
			CASE WHEN gp.person_id IS NULL THEN 0 ELSE (SELECT count(*) FROM growth_goals g WHERE g.person_id = p.id AND g.status = 'done') END
		FROM people p
			LEFT JOIN assessment_people ap ON ap.cycle_id = `+newestOpenCycle+` AND ap.person_id = p.id
			LEFT JOIN growth_plans gp ON gp.person_id = p.id
		WHERE p.manager_id = ? AND p.status = 'active'
		ORDER BY p.name, p.id`, manager)
}

// newestOpenCycle is the id of the newest open assessment cycle, NULL when none is open.
const newestOpenCycle = `(SELECT max(id) FROM assessment_cycles WHERE closed_at IS NULL)`

// Item is an open action item of a check-in, as the home page of its owner lists it.
type Item struct {
	ID, CheckInID int64
	PersonID      int64  // whose check-in it came from
	PersonName    string // their name
	Text          string
	HeldOn        time.Time // the check-in's date
}

// OpenItems lists, oldest first, at most limit of the open action items person owns, as
// ReadOpenItems reads them.
func OpenItems(ctx context.Context, s *store.Store, person int64, limit int) ([]Item, error) {
	r := s.Reads()
	var out []Item
	ReadOpenItems(r, person, limit, &out)
	return out, r.Run(ctx)
}

// ReadOpenItems adds to r the read of at most limit of the open action items person owns,
// oldest first, into *out: those they took on in their own check-ins, and those they took
// on as the manager who held a check-in with someone else. It reads them from the index of
// open items by owner, so it costs the items it returns, not the check-ins person has had
// or held.
//
// As ReadTeam's, the rows go into a slice made once (at the first), through one list of
// their columns.
func ReadOpenItems(r *store.Reads, person int64, limit int, out *[]Item) {
	*out = []Item{}
	var it Item
	dest := []any{&it.ID, &it.CheckInID, &it.PersonID, &it.PersonName, &it.Text, store.Time(&it.HeldOn)}
	r.Read(fmt.Sprintf("open action items of %d", person), func(row store.Scanner) error {
		if err := row.Scan(dest...); err != nil {
			return err
		}
		if cap(*out) == 0 { // made at the first item: most people's homes have none
			*out = make([]Item, 0, min(limit, 32))
		}
		*out = append(*out, it)
		return nil
	}, `
		SELECT a.id, a.checkin_id, a.person_id, p.name, a.text, c.held_on
		FROM checkin_actions a JOIN checkins c ON c.id = a.checkin_id JOIN people p ON p.id = a.person_id
		WHERE a.owner_id = ? AND a.done_at IS NULL
		ORDER BY a.id LIMIT ?`, person, limit)
}

// Meeting is a check-in as a home page names it: when, and with whom.
type Meeting struct {
	ID          int64
	HeldOn      time.Time
	ManagerID   int64
	ManagerName string
}

// Own is what a person's home shows of their own record.
type Own struct {
	Last Meeting // their latest check-in
	Had  bool    // there has been one
	// LevelSince is the date they reached their level, as Member.LevelSince is; zero when
	// unknown.
	LevelSince time.Time
	// CasesToReview is how many promotion cases wait for their review: those
	// growth.CasesToReview lists.
	CasesToReview int
}

// OwnOf reads person's latest check-in, the date they reached their level and how many
// promotion cases wait for their review, as ReadOwn reads them.
func OwnOf(ctx context.Context, s *store.Store, person int64, admin bool) (Own, error) {
	r := s.Reads()
	var o Own
	ReadOwn(r, person, admin, &o)
	return o, r.Run(ctx)
}

// ReadOwn adds to r the read of person's latest check-in, the date they reached their level
// and how many promotion cases wait for their review (admin: whether they are on the people
// team), in one query, into *out: a home page shows them at every view.
func ReadOwn(r *store.Reads, person int64, admin bool, out *Own) {
	*out = Own{}
	cases, args := growth.ToReviewCount(person, admin)
	r.Read(fmt.Sprintf("home of %d", person), func(row store.Scanner) error {
		var o Own
		var id, manager sql.NullInt64
		var name sql.NullString
		if err := row.Scan(store.Time(&o.LevelSince), &id, store.Time(&o.Last.HeldOn), &manager, &name, &o.CasesToReview); err != nil {
			return err
		}
		if o.Had = id.Valid; o.Had {
			o.Last.ID, o.Last.ManagerID, o.Last.ManagerName = id.Int64, manager.Int64, name.String
		}
		*out = o
		return nil
	}, `SELECT l.level_since, c.id, c.held_on, c.manager_id, m.name, `+cases+`
		FROM (SELECT level_since FROM people WHERE id = ?) l
			LEFT JOIN (SELECT id, held_on, manager_id FROM checkins WHERE person_id = ? ORDER BY held_on DESC, id DESC LIMIT 1) c ON 1 = 1
			LEFT JOIN people m ON m.id = c.manager_id`, append(args, person, person)...)
}

// Counts are the people team's numbers over the whole organisation.
type Counts struct {
	People   int // active
	Unplaced int // active, without a level
}

// Count counts the organisation. It reads every active person once (from an index): the
// caller keeps the answer for a while rather than count at every page.
func Count(ctx context.Context, s *store.Store) (Counts, error) {
	var c Counts
	err := s.QueryRow(ctx, `SELECT (SELECT count(*) FROM people WHERE status = 'active'),
		(SELECT count(*) FROM people WHERE level = '' AND status = 'active')`).Scan(&c.People, &c.Unplaced)
	if err != nil {
		return Counts{}, s.Fail(err, "count people")
	}
	return c, nil
}

// Version is a mark that changes when people are added, levelled, or a cycle is opened or
// closed: a kept Counts is counted again when it has changed. Each part is one index read.
func Version(ctx context.Context, s *store.Store) (string, error) {
	r := s.Reads()
	var v string
	ReadVersion(r, &v)
	return v, r.Run(ctx)
}

// ReadVersion adds to r the read of Version into *out.
func ReadVersion(r *store.Reads, out *string) {
	r.Read("version of the organisation", func(row store.Scanner) error {
		var people, levels, cycles, open int64
		if err := row.Scan(&people, &levels, &cycles, &open); err != nil {
			return err
		}
		*out = fmt.Sprintf("%d/%d/%d/%d", people, levels, cycles, open)
		return nil
	}, `SELECT (SELECT coalesce(max(id), 0) FROM people), (SELECT coalesce(max(id), 0) FROM level_history),
		(SELECT coalesce(max(id), 0) FROM assessment_cycles), (SELECT count(*) FROM assessment_cycles WHERE closed_at IS NULL)`)
}

// Setup is how far the first setup of the people app has come, step by step, each read from
// the data itself.
type Setup struct {
	Imported bool // there are people besides the admin
	Mapped   bool // job titles are mapped to levels (a rollout rule), or nobody is left to map
	// Invited is true when every manager has an account or an invitation; Uninvited is a
	// manager who has neither, 0 when there is none.
	Invited   bool
	Uninvited int64
	Applied   bool // a rollout has been applied, or everyone has a level
}

// Done reports whether every step is done.
func (s Setup) Done() bool { return s.Imported && s.Mapped && s.Invited && s.Applied }

// SetupOf reads how far setup has come, for the admin asking. While a step is not done the
// reads stop at the first row that shows it; once every step is done, the invitation check
// has read every manager, so the caller asks again only while setup is unfinished.
func SetupOf(ctx context.Context, s *store.Store, admin int64) (Setup, error) {
	var st Setup
	var others, rules, unplaced, applied int
	err := s.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM (SELECT 1 FROM people WHERE id <> ? LIMIT 1) a),
		(SELECT count(*) FROM (SELECT 1 FROM rollout_rules LIMIT 1) b),
		(SELECT count(*) FROM (SELECT 1 FROM people WHERE level = '' AND status = 'active' LIMIT 1) c),
		(SELECT count(*) FROM (SELECT 1 FROM rollouts WHERE applied_at IS NOT NULL LIMIT 1) d)`, admin).
		Scan(&others, &rules, &unplaced, &applied)
	if err != nil {
		return Setup{}, s.Fail(err, "setup")
	}
	if st.Imported = others > 0; !st.Imported {
		return st, nil
	}
	st.Mapped = rules > 0 || unplaced == 0
	st.Applied = applied > 0 || unplaced == 0
	err = s.QueryRow(ctx, `SELECT m.id FROM people m
		WHERE m.status = 'active' AND EXISTS (SELECT 1 FROM people r WHERE r.manager_id = m.id AND r.status = 'active')
			AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.person_id = m.id)
			AND NOT EXISTS (SELECT 1 FROM links l WHERE l.person_id = m.id AND l.purpose = 'invite')
		LIMIT 1`).Scan(&st.Uninvited)
	switch {
	case err == sql.ErrNoRows:
		st.Invited = true
	case err != nil:
		return Setup{}, s.Fail(err, "managers to invite")
	}
	return st, nil
}
