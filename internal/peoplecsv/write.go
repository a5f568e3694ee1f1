package peoplecsv

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// PeopleHeader, HistoryHeader and AuditHeader are the header rows of the exports.
var (
	PeopleHeader  = []string{"name", "email", "manager", "title", "start date", "status", "ladder", "track", "level"}
	HistoryHeader = []string{"person email", "name", "date", "from", "to", "ladder", "track", "reason", "note", "made by email", "recorded at"}
	AuditHeader   = []string{"at", "actor email", "action", "subject email", "detail", "address"}
)

// WritePeople writes every person as CSV, in the shape Read reads: an export is a valid import.
func WritePeople(ctx context.Context, w io.Writer, s *store.Store) error {
	// People are streamed twice, once for the emails managers are written as (a manager's id
	// may be higher than their report's), so that memory holds one map, not every person.
	ids, err := people(ctx, s)
	if err != nil {
		return fmt.Errorf("export people: %w", err)
	}
	cw := newWriter(w)
	cw.write(PeopleHeader...)
	rows := countRows(ctx, len(ids))
	err = s.EachPerson(ctx, func(p store.Person) error {
		cw.write(p.Name, p.Email, ids[p.ManagerID].email, p.Title, day(p.StartDate), string(p.Status), p.Ladder, p.Track, p.Level)
		rows.add()
		return cw.err()
	})
	rows.end()
	if err == nil {
		err = cw.flush()
	}
	if err != nil {
		return fmt.Errorf("export people: %w", err)
	}
	return nil
}

// WriteHistory writes every level change as CSV, in the order they were recorded.
func WriteHistory(ctx context.Context, w io.Writer, s *store.Store) error {
	ids, err := people(ctx, s)
	if err != nil {
		return fmt.Errorf("export level history: %w", err)
	}
	cw := newWriter(w)
	cw.write(HistoryHeader...)
	rows := countRows(ctx, 0)
	err = s.EachLevelChange(ctx, func(c store.LevelChange) error {
		who := ids[c.PersonID]
		cw.write(who.email, who.name, day(c.Date), c.FromLevel, c.ToLevel, c.Ladder, c.Track, string(c.Reason), c.Note,
			ids.email(c.MadeBy), c.CreatedAt.UTC().Format(time.RFC3339Nano))
		rows.add()
		return cw.err()
	})
	rows.end()
	if err == nil {
		err = cw.flush()
	}
	if err != nil {
		return fmt.Errorf("export level history: %w", err)
	}
	return nil
}

// WriteAudit writes the audit entries f chooses as CSV, oldest first (f's Limit and Offset
// do not apply).
func WriteAudit(ctx context.Context, w io.Writer, s *store.Store, f store.AuditFilter) error {
	ids, err := people(ctx, s)
	if err != nil {
		return fmt.Errorf("export audit log: %w", err)
	}
	cw := newWriter(w)
	cw.write(AuditHeader...)
	rows := countRows(ctx, 0)
	err = s.EachAudit(ctx, f, func(e store.AuditEntry) error {
		cw.write(e.At.UTC().Format(time.RFC3339Nano), ids.email(e.Actor), e.Action, ids.email(e.Subject), e.Detail, e.Address)
		rows.add()
		return cw.err()
	})
	rows.end()
	if err == nil {
		err = cw.flush()
	}
	if err != nil {
		return fmt.Errorf("export audit log: %w", err)
	}
	return nil
}

// rowCounter reports the rows an export has written to its context's store.Progress.
type rowCounter struct {
	report   store.Progress
	n, total int
}

// reportEvery is how many rows go by between reports: a report draws on a terminal, a row
// takes a microsecond or two.
const reportEvery = 256

// countRows counts rows for ctx's store.Progress, of total when it is known (the people,
// counted already for their managers' emails), 0 when not.
func countRows(ctx context.Context, total int) *rowCounter {
	return &rowCounter{report: store.ProgressOf(ctx), total: total}
}

func (c *rowCounter) add() {
	c.n++
	if c.n%reportEvery == 0 {
		c.report(c.n, c.total)
	}
}

// end reports the last count, so that what is shown is what was written.
func (c *rowCounter) end() { c.report(c.n, c.total) }

type ref struct{ email, name string }

// idMap turns the ids the store keeps into the emails an export shows.
type idMap map[int64]ref

// email is the person's email, "" for no one (0), and #id for an id that is no person's,
// as an audit entry may hold.
func (m idMap) email(id int64) string {
	if id == 0 {
		return ""
	}
	if r, ok := m[id]; ok {
		return r.email
	}
	return fmt.Sprintf("#%d", id)
}

func people(ctx context.Context, s *store.Store) (idMap, error) {
	m := idMap{}
	err := s.EachPerson(ctx, func(p store.Person) error {
		m[p.ID] = ref{email: p.Email, name: p.Name}
		return nil
	})
	return m, err
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

// writer is a csv.Writer whose cells cannot run as spreadsheet formulas.
type writer struct {
	cw  *csv.Writer
	rec []string
}

func newWriter(w io.Writer) *writer { return &writer{cw: csv.NewWriter(w)} }

func (w *writer) write(cells ...string) {
	w.rec = w.rec[:0]
	for _, c := range cells {
		w.rec = append(w.rec, guard(c))
	}
	_ = w.cw.Write(w.rec) // a failed write shows in err, which every caller checks
}

func (w *writer) err() error { return w.cw.Error() }

func (w *writer) flush() error {
	w.cw.Flush()
	return w.cw.Error()
}

// formulaStart holds what a spreadsheet takes as the start of a formula when a cell begins
// with it (OWASP's "CSV injection"): = + - @, and a tab or carriage return before them.
const formulaStart = "=+-@\t\r"

// cellBreaks are where a spreadsheet may start a new cell inside one of ours: at a comma,
// semicolon or tab when it reads the file with another separator than the comma (Excel in
// locales that write decimals with a comma splits on ";"), and at a line break. What follows
// one is the start of a cell too, and a formula there runs as one at the start would: an
// email typed as "x;=1+1;" at a failed sign-in lands in the audit log's export.
const cellBreaks = ",;\t\r\n"

// guard makes every part of a cell that a spreadsheet could run as a formula plain text: a '
// goes before each start of a part (the cell's, and each after a break) whose first character
// past spaces and NULs (which spreadsheets skip) starts a formula.
func guard(s string) string {
	if !strings.ContainsAny(s, formulaStart) {
		return s // nearly every cell: nothing could start a formula
	}
	var b strings.Builder
	start := 0
	for i := 0; i <= len(s); i++ {
		if i != 0 && (i == len(s) || strings.IndexByte(cellBreaks, s[i-1]) < 0) {
			continue
		}
		if i < len(s) && startsFormula(s[i:], i == 0) {
			b.WriteString(s[start:i])
			b.WriteByte('\'')
			start = i
		}
	}
	if start == 0 && b.Len() == 0 {
		return s
	}
	b.WriteString(s[start:])
	return b.String()
}

// startsFormula reports whether a part of a cell that begins s starts a formula. A tab or a
// carriage return counts only at the very start: elsewhere it is a break, and what follows
// it is looked at in turn.
func startsFormula(s string, first bool) bool {
	s = strings.TrimLeft(s, " \x00")
	if s == "" {
		return false
	}
	if first {
		return strings.IndexByte(formulaStart, s[0]) >= 0
	}
	return strings.IndexByte("=+-@", s[0]) >= 0
}

// unguard takes back what guard added, so that an export reads back as it was.
func unguard(s string) string {
	if !strings.Contains(s, "'") {
		return s
	}
	var b strings.Builder
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '\'' || (i != 0 && strings.IndexByte(cellBreaks, s[i-1]) < 0) {
			continue
		}
		if startsFormula(s[i+1:], i == 0) {
			b.WriteString(s[start:i])
			start = i + 1
		}
	}
	b.WriteString(s[start:])
	return b.String()
}

// WriteRows writes rows as CSV with every cell guarded against running as a formula, for
// the app's reports.
func WriteRows(w io.Writer, rows [][]string) error {
	cw := newWriter(w)
	for _, r := range rows {
		cw.write(r...)
		if err := cw.err(); err != nil {
			return err
		}
	}
	return cw.flush()
}
