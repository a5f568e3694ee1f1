// Package checkins keeps 1:1 check-ins: the meeting, its shared notes and the expectations they
// name, each author's private note, and the action items either side took on. It is the
// store's feature package for them (see internal/store/feature.go); who may read which part is
// package policy's to decide.
package checkins

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// A check-in is one 1:1 meeting between a person and a manager above them: its date, the
// notes both of them read, a private note each of them may keep for themselves, the action
// items either of them took on, and the expectations the notes name. Who may read and write
// which part is package policy's to decide; the store keeps private notes where only a read
// that names their author reaches them (see PrivateNote).

// MaxCheckInNotes is how many characters a check-in's shared notes, or a private note, hold:
// more than a note on a level change, as a meeting's notes run longer.
const MaxCheckInNotes = 10000

// MaxActionItem is how many characters an action item holds: one line.
const MaxActionItem = 500

// CheckInNotesProblem is TextProblem for a check-in's notes, which may have line breaks ("\n";
// the caller turns "\r\n" into "\n" first).
func CheckInNotesProblem(s string) string {
	return store.TextProblem(strings.ReplaceAll(s, "\n", " "), MaxCheckInNotes)
}

// Owner is who took an action item on: the person, or the manager who held the check-in.
type Owner string

// The two owners an action item can have.
const (
	PersonOwns  Owner = "person"
	ManagerOwns Owner = "manager"
)

// Valid reports whether o is one of the two owners.
func (o Owner) Valid() bool { return o == PersonOwns || o == ManagerOwns }

// CheckIn is one 1:1 meeting, without anyone's private note.
type CheckIn struct {
	ID        int64
	PersonID  int64
	ManagerID int64     // who held it with the person: above them in the chain when it was opened
	HeldOn    time.Time // a date, midnight UTC
	Shared    string    // the notes both of them read
	// Expectations are the ids the shared notes name as #id, in the order first named.
	Expectations []string
	CreatedAt    time.Time
	UpdatedBy    int64
	UpdatedAt    time.Time
}

// ActionItem is something one side of a check-in said they would do.
type ActionItem struct {
	ID        int64
	CheckInID int64
	PersonID  int64
	Text      string
	Owner     Owner
	DoneAt    time.Time // zero while open
	DoneBy    int64
	CreatedBy int64
	CreatedAt time.Time
}

// Done reports whether the item is done.
func (a ActionItem) Done() bool { return !a.DoneAt.IsZero() }

// PrivateNote is what one person keeps for themselves on a check-in.
type PrivateNote struct {
	CheckInID int64
	AuthorID  int64
	Body      string
	UpdatedAt time.Time
}

// UnknownExpectationError is returned when a check-in's notes name an expectation (#id) the
// framework does not have.
type UnknownExpectationError struct{ ID string }

func (e *UnknownExpectationError) Error() string {
	return fmt.Sprintf("the notes name #%s, which is no expectation of the framework", e.ID)
}

// ExpectationLinks returns the expectation ids that notes name, each once, in the order first
// named (see FindExpectationLinks).
func ExpectationLinks(notes string) []string {
	var out []string
	for _, l := range FindExpectationLinks(notes) {
		if !slices.Contains(out, l.ID) {
			out = append(out, l.ID)
		}
	}
	return out
}

// ExpectationLink is where notes name an expectation: notes[Start:End] is "#" and ID.
type ExpectationLink struct {
	ID         string
	Start, End int
}

// FindExpectationLinks finds every place notes name an expectation. A link is # then an id
// (lowercase letters, digits and dashes, with at least one letter), at the start of the text
// or after a space or an opening bracket or quote: "PR #42" and a web address's #fragment are
// not links, nor is "#Heading".
func FindExpectationLinks(notes string) []ExpectationLink {
	var out []ExpectationLink
	for i := 0; i < len(notes); i++ {
		if notes[i] != '#' || (i > 0 && !strings.ContainsRune(" \t\n([{\"'", rune(notes[i-1]))) {
			continue
		}
		j := i + 1
		letter := false
		for j < len(notes) && isIDByte(notes[j]) {
			letter = letter || (notes[j] >= 'a' && notes[j] <= 'z')
			j++
		}
		if j < len(notes) && notes[j] >= 'A' && notes[j] <= 'Z' {
			i = j
			continue // "#writingX": not an id that was meant
		}
		// A dash at the end is the sentence's ("see #writing-"), not the id's.
		id := strings.TrimRight(notes[i+1:j], "-")
		if id != "" && letter && len(id) <= 64 {
			out = append(out, ExpectationLink{ID: id, Start: i, End: i + 1 + len(id)})
		}
		i = j - 1
	}
	return out
}

func isIDByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' }

// validate checks c's fields, and the expectations its notes name against known.
func (c *CheckIn) validate(known func(id string) bool) error {
	switch {
	case c.PersonID == 0 || c.ManagerID == 0:
		return errors.New("a check-in needs its person and its manager")
	case c.PersonID == c.ManagerID:
		return errors.New("a person cannot hold a check-in with themselves")
	case c.HeldOn.IsZero():
		return errors.New("the date is missing")
	}
	if p := CheckInNotesProblem(c.Shared); p != "" {
		return fmt.Errorf("shared notes %s", p)
	}
	c.HeldOn = store.Date(c.HeldOn)
	c.Expectations = ExpectationLinks(c.Shared)
	for _, id := range c.Expectations {
		if !known(id) {
			return &UnknownExpectationError{ID: id}
		}
	}
	return nil
}

const checkInColumns = `id, person_id, manager_id, held_on, shared_notes, created_at, updated_by, updated_at`

func scanCheckIn(row store.Scanner) (CheckIn, error) {
	var c CheckIn
	var by sql.NullInt64
	if err := row.Scan(&c.ID, &c.PersonID, &c.ManagerID, &c.HeldOn, &c.Shared, &c.CreatedAt, &by, &c.UpdatedAt); err != nil {
		return CheckIn{}, err
	}
	c.UpdatedBy = by.Int64
	c.HeldOn, c.CreatedAt, c.UpdatedAt = c.HeldOn.UTC(), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, nil
}

// CreateCheckIn stores a new check-in and the links of its notes; known says whether an id is
// an expectation of the framework. The manager must be above the person in the reporting
// chain now (store.ErrConflict otherwise); an unknown person is store.ErrConflict too.
func CreateCheckIn(ctx context.Context, s *store.Store, c CheckIn, known func(id string) bool) (CheckIn, error) {
	if err := c.validate(known); err != nil {
		return CheckIn{}, fmt.Errorf("create check-in: %w", err)
	}
	var out CheckIn
	err := s.WithTx(ctx, func(tx *store.Store) error {
		above, err := tx.Manages(ctx, c.ManagerID, c.PersonID)
		if err != nil {
			return err
		}
		if !above {
			return fmt.Errorf("person %d is not below %d in the reporting chain: %w", c.PersonID, c.ManagerID, store.ErrConflict)
		}
		now := tx.Now()
		out, err = scanCheckIn(tx.WriteRow(ctx, `
			INSERT INTO checkins (person_id, manager_id, held_on, shared_notes, created_at, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+checkInColumns,
			c.PersonID, c.ManagerID, c.HeldOn, c.Shared, now, store.NullID(c.ManagerID), now))
		if err != nil {
			return err
		}
		out.Expectations = c.Expectations
		if err := keepLastCheckIn(ctx, tx, c.PersonID); err != nil {
			return err
		}
		return linkExpectations(ctx, tx, out)
	})
	if err != nil {
		return CheckIn{}, s.Fail(err, "create check-in for person %d", c.PersonID)
	}
	return out, nil
}

// UpdateCheckIn changes a check-in's date and shared notes, and its links with them; by is
// who changed them. The check-in is found by its id and person (store.ErrNotFound otherwise).
func UpdateCheckIn(ctx context.Context, s *store.Store, c CheckIn, by int64, known func(id string) bool) (CheckIn, error) {
	var out CheckIn
	err := s.WithTx(ctx, func(tx *store.Store) error {
		old, err := Find(ctx, tx, c.PersonID, c.ID)
		if err != nil {
			return err
		}
		c.ManagerID = old.ManagerID
		if err := c.validate(known); err != nil {
			return err
		}
		out, err = scanCheckIn(tx.WriteRow(ctx, `
			UPDATE checkins SET held_on = ?, shared_notes = ?, updated_by = ?, updated_at = ?
			WHERE id = ? AND person_id = ? RETURNING `+checkInColumns,
			c.HeldOn, c.Shared, store.NullID(by), tx.Now(), c.ID, c.PersonID))
		if err != nil {
			return err
		}
		out.Expectations = c.Expectations
		if err := keepLastCheckIn(ctx, tx, c.PersonID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM checkin_expectations WHERE checkin_id = ?`, c.ID); err != nil {
			return err
		}
		return linkExpectations(ctx, tx, out)
	})
	if err != nil {
		return CheckIn{}, s.Fail(err, "update check-in %d", c.ID)
	}
	return out, nil
}

// keepLastCheckIn sets the date of person's latest check-in on their row (people.last_checkin,
// 0018, which their manager's home reads), from their check-ins as the transaction that has
// just added or moved one sees them.
func keepLastCheckIn(ctx context.Context, tx *store.Store, person int64) error {
	_, err := tx.Exec(ctx, `UPDATE people SET last_checkin = (SELECT max(c.held_on) FROM checkins c WHERE c.person_id = people.id)
		WHERE id = ?`, person)
	return err
}

func linkExpectations(ctx context.Context, s *store.Store, c CheckIn) error {
	for _, id := range c.Expectations {
		if _, err := s.Exec(ctx, `INSERT INTO checkin_expectations (checkin_id, person_id, expectation) VALUES (?, ?, ?)`,
			c.ID, c.PersonID, id); err != nil {
			return err
		}
	}
	return nil
}

// Find returns one of a person's check-ins; store.ErrNotFound when it is not theirs or not there.
func Find(ctx context.Context, s *store.Store, person, id int64) (CheckIn, error) {
	c, err := scanCheckIn(s.QueryRow(ctx, `SELECT `+checkInColumns+` FROM checkins WHERE id = ? AND person_id = ?`, id, person))
	if err != nil {
		return CheckIn{}, s.Fail(err, "check-in %d of person %d", id, person)
	}
	links, err := checkInLinks(ctx, s, `checkin_id = ?`, id)
	if err != nil {
		return CheckIn{}, err
	}
	c.Expectations = links[id]
	return c, nil
}

// CheckIns lists a person's check-ins, newest first (by date, then by when they were made).
func CheckIns(ctx context.Context, s *store.Store, person int64) ([]CheckIn, error) {
	r := s.Reads()
	var out []CheckIn
	ReadCheckIns(r, person, &out, nil)
	return out, r.Run(ctx)
}

// ReadCheckIns adds to r the read of CheckIns into *out: the check-ins and the expectations
// they name, two reads put together once both are in. With heldWith (nil: not wanted), it
// also puts there the names of the managers who held them, by id, read in the same statement:
// for a page that says who each was with (asked manager by manager, it was a round trip for
// each; as a statement of its own, one more on every person's page on PostgreSQL, which is
// sent a page's reads together, whether or not there were check-ins).
func ReadCheckIns(r *store.Reads, person int64, out *[]CheckIn, heldWith map[int64]string) {
	store.ReadAll(r, fmt.Sprintf("check-ins of person %d", person), out,
		store.ScanNamed(scanCheckIn, heldWith, func(c CheckIn) int64 { return c.ManagerID }), `SELECT `+checkInColumns+`, (SELECT m.name FROM people m WHERE m.id = checkins.manager_id)
		FROM checkins WHERE person_id = ? ORDER BY held_on DESC, id DESC`, person)
	links := map[int64][]string{}
	readLinks(r, func() bool { return len(*out) > 0 }, `person_id = ?`, person, links)
	r.Then(func() {
		for i := range *out {
			(*out)[i].Expectations = links[(*out)[i].ID]
		}
	})
}

// checkInLinks reads the links of the check-ins where says, by check-in. The order of the
// ids within a check-in is the notes' own, found again from the notes by the callers that
// show them; here it is the ids' order.
func checkInLinks(ctx context.Context, s *store.Store, where string, arg int64) (map[int64][]string, error) {
	r := s.Reads()
	out := map[int64][]string{}
	readLinks(r, nil, where, arg, out)
	return out, r.Run(ctx)
}

// readLinks adds to r the read of checkInLinks into out, when need (nil: always) says, once
// the reads before it are in, that there are check-ins to read them for.
func readLinks(r *store.Reads, need func() bool, where string, arg int64, out map[int64][]string) {
	r.ReadIf(need, "check-in links", func(row store.Scanner) error {
		var id int64
		var e string
		if err := row.Scan(&id, &e); err != nil {
			return err
		}
		out[id] = append(out[id], e)
		return nil
	}, `SELECT checkin_id, expectation FROM checkin_expectations WHERE `+where+` ORDER BY checkin_id, expectation`, arg)
}

// Talk is an expectation a person's check-ins named, and when.
type Talk struct {
	Expectation string
	CheckIns    []CheckInDate // newest first
}

// CheckInDate names a check-in by its id and date.
type CheckInDate struct {
	ID     int64
	HeldOn time.Time
}

// Talks lists the expectations the check-ins cs named (a person's, as CheckIns gives them),
// by id, each with the check-ins that named it, newest first.
func Talks(cs []CheckIn) []Talk {
	by := map[string][]CheckInDate{}
	for _, c := range cs {
		for _, e := range c.Expectations {
			by[e] = append(by[e], CheckInDate{ID: c.ID, HeldOn: c.HeldOn})
		}
	}
	out := make([]Talk, 0, len(by))
	for _, e := range slices.Sorted(maps.Keys(by)) {
		dates := by[e]
		slices.SortStableFunc(dates, func(a, b CheckInDate) int {
			return cmp.Or(b.HeldOn.Compare(a.HeldOn), cmp.Compare(b.ID, a.ID))
		})
		out = append(out, Talk{Expectation: e, CheckIns: dates})
	}
	return out
}
