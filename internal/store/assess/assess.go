// Package assess keeps assessment cycles: who is in each, both sides' ratings with their
// evidence and amendments, the steps each assessment takes, and the reports counted over a
// cycle. It is the store's feature package for them (see internal/store/feature.go); who may
// read and rate which assessment is package policy's to decide.
package assess

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rungs/rungs/internal/store"
)

// An assessment cycle asks the people in it, and their managers, to rate each expectation of
// the person's level (and, when the cycle says so, of the next one) with evidence. The cycle
// keeps the framework it was opened on, so it reads the same after the framework changes.

// CycleScope says who a cycle takes in when it opens.
type CycleScope string

// The scopes a cycle can have.
const (
	ScopeEveryone CycleScope = "everyone" // everyone active with a level
	ScopeLadder   CycleScope = "ladder"   // everyone active on one ladder
	ScopeTeam     CycleScope = "team"     // everyone active below one manager
)

// Side is who gives a rating: the person themselves, or their manager.
type Side string

// The two sides of an assessment.
const (
	SelfSide    Side = "self"
	ManagerSide Side = "manager"
)

// Valid reports whether side is one of the two.
func (side Side) Valid() bool { return side == SelfSide || side == ManagerSide }

// AssessmentStatus is how far one person's assessment has come.
type AssessmentStatus string

// The statuses of a person's assessment, in the order they are reached.
const (
	NotStarted       AssessmentStatus = "not-started"
	SelfSubmitted    AssessmentStatus = "self-submitted"
	ManagerSubmitted AssessmentStatus = "manager-submitted"
	Shared           AssessmentStatus = "shared"
	Acknowledged     AssessmentStatus = "acknowledged"
)

// AssessmentStatuses lists every status in order, for reports.
var AssessmentStatuses = []AssessmentStatus{NotStarted, SelfSubmitted, ManagerSubmitted, Shared, Acknowledged}

// StatusSQL derives the status of an assessment_people row (alias ap) from its times: the
// furthest step reached.
const StatusSQL = `CASE WHEN ap.acknowledged_at IS NOT NULL THEN 'acknowledged'
	WHEN ap.shared_at IS NOT NULL THEN 'shared'
	WHEN ap.manager_submitted_at IS NOT NULL THEN 'manager-submitted'
	WHEN ap.self_submitted_at IS NOT NULL THEN 'self-submitted'
	ELSE 'not-started' END`

// MaxEvidence is how many characters the evidence of one rating holds.
const MaxEvidence = 5000

// MaxCycleName is how many characters a cycle's name holds.
const MaxCycleName = 200

// EvidenceProblem is TextProblem for evidence, which may have line breaks ("\n").
func EvidenceProblem(s string) string {
	return store.TextProblem(strings.ReplaceAll(s, "\n", " "), MaxEvidence)
}

// Cycle is one assessment cycle.
type Cycle struct {
	ID           int64
	Name         string
	StartsOn     time.Time // dates, midnight UTC
	EndsOn       time.Time
	Scope        CycleScope
	ScopeLadder  string // the ladder of ScopeLadder
	ScopeManager int64  // the manager of ScopeTeam
	IncludeNext  bool   // the next level's expectations are asked about too
	// FrameworkVersion is the content hash of FrameworkJSON, the framework the cycle was
	// opened on as framework.json holds it. Cycles reads it without the JSON.
	FrameworkVersion string
	FrameworkJSON    []byte
	OpenedBy         int64
	OpenedAt         time.Time
	ClosedBy         int64
	ClosedAt         time.Time // zero while open
}

// Open reports whether the cycle still takes ratings.
func (c Cycle) Open() bool { return c.ClosedAt.IsZero() }

func (c *Cycle) validate() error {
	c.Name, c.ScopeLadder = strings.TrimSpace(c.Name), strings.TrimSpace(c.ScopeLadder)
	switch {
	case c.Name == "":
		return errors.New("name is empty")
	case c.StartsOn.IsZero() || c.EndsOn.IsZero():
		return errors.New("start and end dates are both needed")
	case store.Date(c.EndsOn).Before(store.Date(c.StartsOn)):
		return errors.New("the end date is before the start date")
	case c.FrameworkVersion == "" || len(c.FrameworkJSON) == 0:
		return errors.New("the framework it is pinned to is missing")
	case c.Scope == ScopeLadder && c.ScopeLadder == "":
		return errors.New("a ladder cycle needs its ladder")
	case c.Scope == ScopeTeam && c.ScopeManager == 0:
		return errors.New("a team cycle needs its manager")
	case c.Scope != ScopeEveryone && c.Scope != ScopeLadder && c.Scope != ScopeTeam:
		return fmt.Errorf("scope %q is not everyone, ladder or team", c.Scope)
	}
	if !utf8.Valid(c.FrameworkJSON) {
		return errors.New("the framework snapshot is not UTF-8")
	}
	c.StartsOn, c.EndsOn = store.Date(c.StartsOn), store.Date(c.EndsOn)
	return store.CheckText("name", c.Name, MaxCycleName)
}

const cycleColumns = `id, name, starts_on, ends_on, scope, scope_ladder, scope_manager, include_next, framework_version, opened_by, opened_at, closed_by, closed_at`

func scanCycle(row store.Scanner, extra ...any) (Cycle, error) {
	var c Cycle
	var scope string
	var manager, openedBy, closedBy sql.NullInt64
	var next int
	var closed sql.NullTime
	dest := append([]any{&c.ID, &c.Name, &c.StartsOn, &c.EndsOn, &scope, &c.ScopeLadder, &manager, &next, &c.FrameworkVersion,
		&openedBy, &c.OpenedAt, &closedBy, &closed}, extra...)
	if err := row.Scan(dest...); err != nil {
		return Cycle{}, err
	}
	c.Scope, c.ScopeManager, c.IncludeNext = CycleScope(scope), manager.Int64, next == 1
	c.OpenedBy, c.ClosedBy = openedBy.Int64, closedBy.Int64
	c.StartsOn, c.EndsOn, c.OpenedAt = c.StartsOn.UTC(), c.EndsOn.UTC(), c.OpenedAt.UTC()
	if closed.Valid {
		c.ClosedAt = closed.Time.UTC()
	}
	return c, nil
}

// OpenCycle opens c and takes in the people of its scope: active, levelled, and on one of
// ladders (the ladders the pinned framework has). It returns the cycle as stored and how
// many people are in it. Each keeps the level they hold now for the whole cycle.
func OpenCycle(ctx context.Context, s *store.Store, c Cycle, ladders []string) (Cycle, int, error) {
	if err := c.validate(); err != nil {
		return Cycle{}, 0, fmt.Errorf("open cycle: %w", err)
	}
	if len(ladders) == 0 {
		return Cycle{}, 0, errors.New("open cycle: the framework has no ladders")
	}
	var out Cycle
	var n int
	err := s.WithTx(ctx, func(tx *store.Store) error {
		next := 0
		if c.IncludeNext {
			next = 1
		}
		var err error
		out, err = scanCycle(tx.WriteRow(ctx, `
			INSERT INTO assessment_cycles (name, starts_on, ends_on, scope, scope_ladder, scope_manager, include_next,
				framework_version, framework_json, opened_by, opened_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+cycleColumns,
			c.Name, c.StartsOn, c.EndsOn, string(c.Scope), c.ScopeLadder, store.NullID(c.ScopeManager), next,
			c.FrameworkVersion, string(c.FrameworkJSON), store.NullID(c.OpenedBy), s.Now()))
		if err != nil {
			return tx.Fail(err, "open cycle")
		}
		out.FrameworkJSON = c.FrameworkJSON
		q := `INSERT INTO assessment_people (cycle_id, person_id, manager_id, ladder, track, level)
			SELECT ?, id, manager_id, ladder, track, level FROM people
			WHERE status = 'active' AND level <> '' AND ladder IN (` + store.Placeholders(len(ladders)) + `)`
		args := []any{out.ID}
		for _, l := range ladders {
			args = append(args, l)
		}
		switch c.Scope {
		case ScopeLadder:
			q, args = q+` AND ladder = ?`, append(args, c.ScopeLadder)
		case ScopeTeam:
			q, args = q+` AND id IN (`+store.ReportsSQL+`)`, append(args, c.ScopeManager)
		}
		res, err := tx.Exec(ctx, q, args...)
		if err != nil {
			return tx.Fail(err, "open cycle: take people in")
		}
		rows, _ := res.RowsAffected()
		n = int(rows)
		tx.WroteMany(n)
		return nil
	})
	return out, n, err
}

// CloseCycle closes a cycle: nothing in it changes after. store.ErrConflict if it is closed already.
func CloseCycle(ctx context.Context, s *store.Store, id, by int64) error {
	res, err := s.Exec(ctx, `UPDATE assessment_cycles SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL`,
		s.Now(), store.NullID(by), id)
	if err != nil {
		return s.Fail(err, "close cycle %d", id)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := CycleByID(ctx, s, id); err != nil {
			return err
		}
		return fmt.Errorf("close cycle %d: closed already: %w", id, store.ErrConflict)
	}
	return nil
}

// Cycles lists every cycle, newest first, without their framework snapshots.
func Cycles(ctx context.Context, s *store.Store) ([]Cycle, error) {
	out, err := store.All(ctx, s, func(row store.Scanner) (Cycle, error) { return scanCycle(row) },
		`SELECT `+cycleColumns+` FROM assessment_cycles ORDER BY id DESC`)
	if err != nil {
		return nil, s.Fail(err, "list cycles")
	}
	return out, nil
}

// CycleHeader returns one cycle without its framework snapshot (FrameworkJSON is nil): the
// snapshot is large and never changes, and a page of the cycle that has it decoded already
// need not read it again.
func CycleHeader(ctx context.Context, s *store.Store, id int64) (Cycle, error) {
	r := s.Reads()
	var c Cycle
	var found bool
	ReadCycleHeader(r, id, &c, &found)
	if err := r.Run(ctx); err != nil {
		return Cycle{}, err
	}
	if !found {
		return Cycle{}, s.Fail(sql.ErrNoRows, "cycle %d", id)
	}
	return c, nil
}

// ReadCycleHeader adds to r the read of CycleHeader into *out; found says whether the cycle
// is there.
func ReadCycleHeader(r *store.Reads, id int64, out *Cycle, found *bool) {
	store.ReadOne(r, fmt.Sprintf("cycle %d", id), out, found, func(row store.Scanner) (Cycle, error) { return scanCycle(row) },
		`SELECT `+cycleColumns+` FROM assessment_cycles WHERE id = ?`, id)
}

// CycleByID returns one cycle with its framework snapshot.
func CycleByID(ctx context.Context, s *store.Store, id int64) (Cycle, error) {
	var snapshot string
	c, err := scanCycle(s.QueryRow(ctx, `SELECT `+cycleColumns+`, framework_json FROM assessment_cycles WHERE id = ?`, id), &snapshot)
	if err != nil {
		return Cycle{}, s.Fail(err, "cycle %d", id)
	}
	c.FrameworkJSON = []byte(snapshot)
	return c, nil
}

// Participant is one person in a cycle.
type Participant struct {
	CycleID int64
	Person  store.Person // as they are now; the level below is the one the cycle asks about
	// ManagerID is their manager when the cycle opened.
	ManagerID          int64
	Ladder             string
	Track              string
	Level              string
	SelfSubmittedAt    time.Time
	ManagerSubmittedAt time.Time
	ManagerBy          int64 // who submitted the manager's assessment
	// ManagerByName is their name, as ParticipantOf reads it (for the page that says who
	// submitted); lists of participants leave it empty.
	ManagerByName   string
	SharedAt        time.Time
	AcknowledgedAt  time.Time
	AcknowledgeNote string
	Status          AssessmentStatus
}

// Submitted reports whether side has been submitted.
func (p Participant) Submitted(side Side) bool {
	if side == SelfSide {
		return !p.SelfSubmittedAt.IsZero()
	}
	return !p.ManagerSubmittedAt.IsZero()
}

const participantColumns = `ap.cycle_id, ap.manager_id, ap.ladder, ap.track, ap.level, ap.self_submitted_at, ap.manager_submitted_at,
	ap.manager_by, ap.shared_at, ap.acknowledged_at, ap.acknowledge_note, ` + StatusSQL

func scanParticipant(row store.Scanner) (Participant, error) {
	var p Participant
	var manager, by sql.NullInt64
	var self, mgr, shared, ack sql.NullTime
	var status string
	var pid, pmanager, version sql.NullInt64
	var name, email, title, ladder, track, level, pstatus string
	var start, created, updated time.Time
	if err := row.Scan(&p.CycleID, &manager, &p.Ladder, &p.Track, &p.Level, &self, &mgr, &by, &shared, &ack, &p.AcknowledgeNote, &status,
		&pid, &name, &email, &title, &pmanager, &ladder, &track, &level, store.Time(&start), &pstatus, store.Time(&created), store.Time(&updated), &version); err != nil {
		return Participant{}, err
	}
	p.ManagerID, p.ManagerBy, p.Status = manager.Int64, by.Int64, AssessmentStatus(status)
	p.SelfSubmittedAt, p.ManagerSubmittedAt, p.SharedAt, p.AcknowledgedAt = store.UTCOrZero(self), store.UTCOrZero(mgr), store.UTCOrZero(shared), store.UTCOrZero(ack)
	p.Person = store.Person{ID: pid.Int64, Name: name, Email: email, Title: title, ManagerID: pmanager.Int64, Ladder: ladder, Track: track,
		Level: level, StartDate: start, Status: store.Status(pstatus), CreatedAt: created, UpdatedAt: updated, Version: version.Int64}
	return p, nil
}

// ParticipantOf returns one person's place in a cycle; store.ErrNotFound when they are not in it.
func ParticipantOf(ctx context.Context, s *store.Store, cycle, person int64) (Participant, error) {
	r := s.Reads()
	var p Participant
	var found bool
	ReadParticipant(r, cycle, person, &p, &found)
	if err := r.Run(ctx); err != nil {
		return Participant{}, err
	}
	if !found {
		return Participant{}, s.Fail(sql.ErrNoRows, "person %d in cycle %d", person, cycle)
	}
	return p, nil
}

// ReadParticipant adds to r the read of ParticipantOf into *out; found says whether the
// person is in the cycle.
func ReadParticipant(r *store.Reads, cycle, person int64, out *Participant, found *bool) {
	store.ReadOne(r, fmt.Sprintf("person %d in cycle %d", person, cycle), out, found, func(row store.Scanner) (Participant, error) {
		var by string
		p, err := scanParticipant(store.ScanMore(row, &by))
		p.ManagerByName = by
		return p, err
	}, `SELECT `+participantColumns+`, `+r.Store().PersonColumns("p")+`, coalesce(mb.name, '')
		FROM assessment_people ap JOIN people p ON p.id = ap.person_id LEFT JOIN people mb ON mb.id = ap.manager_by
		WHERE ap.cycle_id = ? AND ap.person_id = ?`, cycle, person)
}

// ParticipantFilter chooses the people of a cycle a list shows.
type ParticipantFilter struct {
	Under  int64 // only people below this person in the reporting chain; 0 for everyone
	Status AssessmentStatus
	Limit  int // 0 means store.DefaultLimit; at most store.MaxLimit
	Offset int
}

func (f ParticipantFilter) where(cycle int64) (string, []any) {
	where, args := []string{"ap.cycle_id = ?"}, []any{cycle}
	if f.Under != 0 {
		where, args = append(where, "ap.person_id IN ("+store.ReportsSQL+")"), append(args, f.Under)
	}
	if f.Status != "" {
		where, args = append(where, StatusSQL+" = ?"), append(args, string(f.Status))
	}
	return strings.Join(where, " AND "), args
}

// Participants lists the people of a cycle that f chooses, by name.
func Participants(ctx context.Context, s *store.Store, cycle int64, f ParticipantFilter) ([]Participant, error) {
	where, args := f.where(cycle)
	limit := f.Limit
	if limit <= 0 {
		limit = store.DefaultLimit
	}
	limit = min(limit, store.MaxLimit)
	out, err := store.All(ctx, s, scanParticipant, `SELECT `+participantColumns+`, `+s.PersonColumns("p")+`
		FROM assessment_people ap JOIN people p ON p.id = ap.person_id WHERE `+where+`
		ORDER BY p.name, p.id LIMIT ? OFFSET ?`, append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, s.Fail(err, "people of cycle %d", cycle)
	}
	return out, nil
}

// CountParticipants counts the people of a cycle that f chooses (its paging aside).
func CountParticipants(ctx context.Context, s *store.Store, cycle int64, f ParticipantFilter) (int, error) {
	where, args := f.where(cycle)
	var n int
	if err := s.QueryRow(ctx, `SELECT count(*) FROM assessment_people ap WHERE `+where, args...).Scan(&n); err != nil {
		return 0, s.Fail(err, "count people of cycle %d", cycle)
	}
	return n, nil
}

// PersonCycle is a cycle a person is in, with where their assessment stands.
type PersonCycle struct {
	Cycle       Cycle
	Participant Participant
}

// CurrentCycle is an open cycle as one person's home sees it: whether they are in it, and if
// so where their assessment stands.
type CurrentCycle struct {
	Cycle         Cycle
	In            bool
	SelfSubmitted bool // their self-assessment is in
	Status        AssessmentStatus
}

// OpenCyclesOf lists the open cycles, newest first, each with person's part in it, as
// ReadOpenCyclesOf reads them.
func OpenCyclesOf(ctx context.Context, s *store.Store, person int64) ([]CurrentCycle, error) {
	r := s.Reads()
	var out []CurrentCycle
	ReadOpenCyclesOf(r, person, &out)
	return out, r.Run(ctx)
}

// ReadOpenCyclesOf adds to r the read of the open cycles, newest first, each with person's
// part in it, into *out: what a home page needs of the cycles in one query, where Cycles and
// CyclesOf would take three.
func ReadOpenCyclesOf(r *store.Reads, person int64, out *[]CurrentCycle) {
	// cycleColumns name no column of assessment_people, so they need no table's name here.
	store.ReadAll(r, fmt.Sprintf("open cycles of %d", person), out, func(row store.Scanner) (CurrentCycle, error) {
		var oc CurrentCycle
		var in sql.NullInt64
		var status string
		var err error
		oc.Cycle, err = scanCycle(row, &in, &oc.SelfSubmitted, &status)
		oc.In, oc.Status = in.Valid, AssessmentStatus(status)
		return oc, err
	}, `SELECT `+cycleColumns+`, ap.person_id, ap.self_submitted_at IS NOT NULL,
			CASE WHEN ap.person_id IS NULL THEN '' ELSE `+StatusSQL+` END
		FROM assessment_cycles LEFT JOIN assessment_people ap ON ap.cycle_id = assessment_cycles.id AND ap.person_id = ?
		WHERE closed_at IS NULL ORDER BY id DESC`, person)
}

// CyclesOf lists the cycles a person is in, newest first.
func CyclesOf(ctx context.Context, s *store.Store, person int64) ([]PersonCycle, error) {
	r := s.Reads()
	var out []PersonCycle
	ReadCyclesOf(r, person, &out)
	return out, r.Run(ctx)
}

// ReadCyclesOf adds to r the read of CyclesOf into *out: the person's part in each cycle they
// are in and the cycle, in one statement (as two, the cycles' own read was one more statement
// on every person's page on PostgreSQL, where the reads are sent together whatever the first
// finds).
func ReadCyclesOf(r *store.Reads, person int64, out *[]PersonCycle) {
	store.ReadAll(r, fmt.Sprintf("cycles of %d", person), out, scanPersonCycle,
		`SELECT `+participantColumns+`, `+r.Store().PersonColumns("p")+`, `+cycleColumnsOfC+`
		FROM assessment_people ap JOIN people p ON p.id = ap.person_id JOIN assessment_cycles c ON c.id = ap.cycle_id
		WHERE ap.person_id = ? ORDER BY c.id DESC`, person)
}

// cycleColumnsOfC are cycleColumns of the table as c, for a query that joins it to others.
var cycleColumnsOfC = "c." + strings.ReplaceAll(cycleColumns, ", ", ", c.")

// scanPersonCycle reads a participant as scanParticipant does and then their cycle's
// columns, as scanCycle does: the cycle's destinations are the participant's more.
func scanPersonCycle(row store.Scanner) (PersonCycle, error) {
	var pc PersonCycle
	var err error
	pc.Cycle, err = scanCycle(scanner(func(cycle ...any) error {
		var perr error
		pc.Participant, perr = scanParticipant(store.ScanMore(row, cycle...))
		return perr
	}))
	return pc, err
}

// scanner is a function as a store.Scanner.
type scanner func(dest ...any) error

func (f scanner) Scan(dest ...any) error { return f(dest...) }
