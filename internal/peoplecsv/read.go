// Package peoplecsv reads people exported from an HR system as CSV, checking every row
// before anything is imported, and writes the people app's data out as CSV.
package peoplecsv

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/charset"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/sheet"
	"github.com/rungs/rungs/internal/store"
)

// MaxRows is the most people one file may hold: far more than any organisation rungs is for,
// and a bound on the memory a mistaken or hostile upload can take.
const MaxRows = 200_000

var maxRows = MaxRows // lowered by tests

// Existing is what Read needs to know of a person already stored, keyed by lower-cased email.
type Existing struct {
	Email, ManagerEmail, Ladder, Track, Level string
	// Name and StartDate are what the preview compares a row with, to say what it changes.
	Name      string
	StartDate time.Time
	// Title and Status are kept when the file has no column for them, so that an export
	// without them does not wipe them.
	Title  string
	Status store.Status
}

// Plan is a checked file, ready for store.ImportPeople.
type Plan struct {
	Rows             []store.ImportRow
	Lines            []int       // the CSV line of each row (1 = header)
	Changes          []RowChange // what each row does to the people stored
	Columns          []Column    // how headers were understood, in file order
	Created, Updated int         // how many rows create a person / are of someone stored
	// Of the rows of someone stored (Updated), how many change something and how many match
	// what is stored already, which an import leaves as it is.
	Changed, Unchanged int
}

// Effect is what importing a row does to the people stored.
type Effect uint8

// A row adds someone, changes someone stored, or matches what is stored already.
const (
	New Effect = iota
	Changed
	Unchanged
)

// RowChange is what importing one row does: for a row of someone stored, the fields it
// changes, each with what is stored and what the file says.
type RowChange struct {
	Effect Effect
	Fields []FieldChange
}

// FieldChange is one field a row changes, as the preview shows it.
type FieldChange struct {
	Field    string // the field's name in words: "Name", "Manager"...
	Old, New string // "" for none
}

// Column is how Read understood one header.
type Column struct {
	Header string // as written
	Field  string // one of the Field constants; "" = ignored
}

// row is one data row as read, before the checks that need the whole file.
type row struct {
	line                          int
	name, email, key, title       string // key: the email lower-cased
	manager, managerKey           string
	start                         time.Time
	status                        store.Status
	ladder, track, level          string // resolved ids
	existing                      *Existing
	dup                           bool // the email was on an earlier row
	badEmail                      bool
	managerUnknown, managerIsSelf bool
}

// Read parses a people CSV and checks every row against the framework and the people already stored.
// It returns the plan to import, or *Errors listing every bad row (nothing is imported then).
func Read(r io.Reader, f *ladder.Framework, existing map[string]Existing) (*Plan, error) {
	if f == nil {
		f = &ladder.Framework{} // no ladders: any level is unknown
	}
	// Text that is not UTF-8 (a Windows-1252 export, say) is an error at its first odd byte,
	// never stored as it is.
	br := bufio.NewReaderSize(charset.NewReader(r, charset.UTF8), 64<<10)
	// Spreadsheets on Windows start their UTF-8 CSV with a byte order mark.
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\ufeff")) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	head, _ := br.Peek(br.Size())
	cr.Comma = sheet.Comma(head)
	cr.ReuseRecord = true
	rd := &reader{f: f, existing: existing, seen: map[string]int{}}

	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return nil, &Errors{{Line: 1, Reason: "the file is empty: it needs a header row, then one row per person"}}
	case err != nil:
		var pe *csv.ParseError
		if !errors.As(err, &pe) {
			return nil, fmt.Errorf("read people CSV: %w", err)
		}
		return nil, &Errors{parseError(pe)}
	}
	cols, errs := mapColumns(header)
	rd.cols, rd.errs = cols, errs
	if len(errs) > 0 {
		return nil, rd.result()
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("read people CSV: %w", err)
			}
			if errors.Is(pe.Err, csv.ErrFieldCount) {
				rd.errs = append(rd.errs, RowError{Line: pe.StartLine,
					Reason: fmt.Sprintf("%d fields, but the header has %d", len(rec), len(cols.list))})
			} else {
				rd.errs = append(rd.errs, parseError(pe))
			}
			continue
		}
		if blank(rec) {
			continue // spreadsheets leave rows of empty cells at the end
		}
		line, _ := cr.FieldPos(0)
		if len(rd.rows) == maxRows {
			rd.errs = append(rd.errs, RowError{Line: line,
				Reason: fmt.Sprintf("more than %d people in one file; split it and import the parts one after the other", maxRows)})
			break
		}
		rd.row(line, rec)
	}
	rd.managers()
	if len(rd.errs) > 0 {
		return nil, rd.result()
	}
	return rd.plan(), nil
}

func parseError(pe *csv.ParseError) RowError {
	reason := "CSV syntax: " + pe.Err.Error()
	if pe.Line != pe.StartLine {
		reason += fmt.Sprintf(" (on line %d)", pe.Line)
	}
	return RowError{Line: pe.StartLine, Reason: reason}
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// reader holds what Read has learnt so far.
type reader struct {
	f        *ladder.Framework
	existing map[string]Existing
	cols     columns
	rows     []*row
	seen     map[string]int // lower-cased email -> index in rows of its first row
	errs     []RowError
}

func (rd *reader) fail(line int, f field, format string, args ...any) {
	rd.errs = append(rd.errs, RowError{Line: line, Column: rd.cols.header(f), Reason: fmt.Sprintf(format, args...)})
}

// cell is the trimmed value of f in rec, "" when the file has no such column.
func (rd *reader) cell(rec []string, f field) string {
	i := rd.cols.index[f]
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(unguard(strings.TrimSpace(rec[i])))
}

// row checks what one row can tell on its own, and keeps it for the checks across rows.
func (rd *reader) row(line int, rec []string) {
	r := &row{line: line}
	rd.rows = append(rd.rows, r)

	r.name = oneLine(rd.cell(rec, fName))
	if !rd.cols.has(fName) {
		r.name = oneLine(strings.TrimSpace(rd.cell(rec, fFirstName) + " " + rd.cell(rec, fLastName)))
	}
	if r.name == "" {
		f := fName
		if !rd.cols.has(fName) {
			f = fFirstName
		}
		rd.fail(line, f, "name is empty")
	} else if p := store.TextProblem(r.name, store.MaxName); p != "" {
		f := fName
		if !rd.cols.has(fName) {
			f = fFirstName
		}
		rd.fail(line, f, "the name %s", p)
	}

	r.email = rd.cell(rec, fEmail)
	r.key = strings.ToLower(r.email)
	switch {
	case r.email == "":
		r.badEmail = true
		rd.fail(line, fEmail, "email is empty")
	case !store.ValidEmail(r.email):
		r.badEmail = true
		rd.fail(line, fEmail, "bad email %q", r.email)
	default:
		if first, dup := rd.seen[r.key]; dup {
			r.dup = true
			rd.fail(line, fEmail, "duplicate email %s: already on line %d", r.email, rd.rows[first].line)
		} else {
			rd.seen[r.key] = len(rd.rows) - 1
			if ex, ok := rd.existing[r.key]; ok {
				r.existing = &ex
			}
		}
	}

	if rd.cols.has(fManager) {
		r.manager = rd.cell(rec, fManager)
	} else if r.existing != nil {
		r.manager = r.existing.ManagerEmail
	}
	r.managerKey = strings.ToLower(r.manager)

	if rd.cols.has(fTitle) {
		r.title = oneLine(rd.cell(rec, fTitle))
		if p := store.TextProblem(r.title, store.MaxTitle); p != "" {
			rd.fail(line, fTitle, "the job title %s", p)
		}
	} else if r.existing != nil {
		r.title = r.existing.Title
	}

	var reason string
	if r.start, reason = parseDate(rd.cell(rec, fStartDate)); reason != "" {
		rd.fail(line, fStartDate, "%s", reason)
	}

	r.status = store.Active
	if rd.cols.has(fStatus) {
		v := rd.cell(rec, fStatus)
		var ok bool
		if r.status, ok = parseStatus(v); !ok {
			rd.fail(line, fStatus, "bad status %q: use active or left", v)
		}
	} else if r.existing != nil && r.existing.Status != "" {
		r.status = r.existing.Status
	}

	rd.level(r, rd.cell(rec, fLadder), rd.cell(rec, fTrack), rd.cell(rec, fLevel))
}

// oneLine puts a cell that a spreadsheet wrapped over several lines (or broke with tabs) on
// one line, as names and titles are kept, with single spaces. Other control characters stay,
// for the checks to refuse with the row and column.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// level resolves a row's ladder, track and level against the framework and, for someone
// already stored, against their current level.
func (rd *reader) level(r *row, ladderName, trackName, levelName string) {
	ex := r.existing
	levelled := ex != nil && ex.Level != ""
	if levelName == "" {
		switch {
		case ladderName != "":
			rd.fail(r.line, fLadder, "ladder %q given without a level", ladderName)
		case trackName != "":
			rd.fail(r.line, fTrack, "track %q given without a level", trackName)
		}
		return
	}
	if ladderName == "" && levelled {
		ladderName = ex.Ladder
	}
	var ld *ladder.Ladder
	if ladderName == "" {
		// A level code such as E3 usually names its ladder on its own.
		var on []string
		for _, l := range rd.f.Ladders {
			if l.LevelNamed(levelName) != nil {
				ld = l
				on = append(on, l.ID)
			}
		}
		switch len(on) {
		case 0:
			rd.fail(r.line, fLevel, "unknown level %q: no ladder has it", levelName)
			return
		case 1:
		default:
			rd.fail(r.line, fLevel, "level %q is on several ladders (%s): add a ladder column", levelName, strings.Join(on, ", "))
			return
		}
	} else if ld = rd.f.LadderNamed(ladderName); ld == nil {
		var ids []string
		for _, l := range rd.f.Ladders {
			ids = append(ids, l.ID)
		}
		rd.fail(r.line, fLadder, "unknown ladder %q%s; ladders: %s", ladderName, ladder.Suggest(ladderName, ids), strings.Join(ids, ", "))
		return
	}
	lv := ld.LevelNamed(levelName)
	if lv == nil {
		var ids []string
		for _, l := range ld.Levels {
			ids = append(ids, l.ID)
		}
		rd.fail(r.line, fLevel, "unknown level %q for ladder %s%s; levels: %s", levelName, ld.ID, ladder.Suggest(levelName, ids), strings.Join(ids, ", "))
		return
	}
	if trackName == "" && levelled && ex.Ladder == ld.ID {
		trackName = ex.Track
	}
	var trackID string
	switch {
	case len(ld.Tracks) == 0 && trackName != "":
		rd.fail(r.line, fTrack, "unknown track %q: ladder %s has no tracks", trackName, ld.ID)
		return
	case len(ld.Tracks) > 0:
		var ids []string
		for _, t := range ld.Tracks {
			ids = append(ids, t.ID)
		}
		if trackName == "" {
			rd.fail(r.line, fTrack, "ladder %s needs a track: one of %s", ld.ID, strings.Join(ids, ", "))
			return
		}
		t := ld.TrackNamed(trackName)
		if t == nil {
			rd.fail(r.line, fTrack, "unknown track %q for ladder %s%s; tracks: %s", trackName, ld.ID, ladder.Suggest(trackName, ids), strings.Join(ids, ", "))
			return
		}
		trackID = t.ID
	}
	r.ladder, r.track, r.level = ld.ID, trackID, lv.ID
	switch {
	case ex == nil:
	case !levelled:
		rd.fail(r.line, fLevel, "%s is already stored without a level: existing people get their first level through the rollout or their page, not an import", ex.Email)
	case ex.Ladder != r.ladder || ex.Track != r.track || ex.Level != r.level:
		rd.fail(r.line, fLevel, "level %s differs from their current level %s: level changes for people already levelled go through their page with a reason",
			levelLabel(r.ladder, r.track, r.level), levelLabel(ex.Ladder, ex.Track, ex.Level))
	}
}

func levelLabel(ladder, track, level string) string {
	if track == "" {
		return ladder + "/" + level
	}
	return ladder + "/" + track + "/" + level
}

// managers checks every row's manager once the whole file is known: they must be someone in
// the file or already stored, not the person themselves, and no chain of managers may come
// back to where it started.
func (rd *reader) managers() {
	for _, r := range rd.rows {
		switch {
		case r.manager == "":
		case !r.badEmail && r.managerKey == r.key:
			r.managerIsSelf = true
			rd.fail(r.line, fManager, "%s is their own manager", r.email)
		case !rd.known(r.managerKey):
			r.managerUnknown = true
			if !strings.Contains(r.manager, "@") {
				rd.fail(r.line, fManager, "unknown manager %q: give the manager's email", r.manager)
			} else {
				rd.fail(r.line, fManager, "unknown manager %s: not in the file and not stored", r.manager)
			}
		}
	}
	rd.cycles()
}

func (rd *reader) known(key string) bool {
	if _, ok := rd.seen[key]; ok {
		return true
	}
	_, ok := rd.existing[key]
	return ok
}

// graph numbers everyone a chain of managers can pass through: the file's people by their
// row's index, the people only stored after them, so that a walk up the chains works on
// numbers rather than emails.
type graph struct {
	rd     *reader
	stored []string       // the key of each stored-only node, from len(rd.rows) on
	ids    map[string]int // key -> node of the stored-only people met so far
}

// node is key's number, -1 for no one known.
func (g *graph) node(key string) int {
	if i, ok := g.rd.seen[key]; ok {
		return i
	}
	if n, ok := g.ids[key]; ok {
		return n
	}
	if _, ok := g.rd.existing[key]; !ok {
		return -1
	}
	n := len(g.rd.rows) + len(g.stored)
	g.stored, g.ids[key] = append(g.stored, key), n
	return n
}

// next is n's manager after the import: the file's word for people in it, the stored one
// for the others; -1 for none.
func (g *graph) next(n int) int {
	if n < len(g.rd.rows) {
		r := g.rd.rows[n]
		if r.managerKey == "" || r.managerIsSelf || r.managerUnknown {
			return -1 // none, or reported already
		}
		return g.node(r.managerKey)
	}
	m := g.rd.existing[g.stored[n-len(g.rd.rows)]].ManagerEmail
	if m == "" {
		return -1
	}
	return g.node(strings.ToLower(m))
}

func (g *graph) email(n int) string {
	if n < len(g.rd.rows) {
		return g.rd.rows[n].email
	}
	return g.rd.existing[g.stored[n-len(g.rd.rows)]].Email
}

// cycles reports each row of the file that would be its own manager's manager, however many
// steps up, naming the chain. Each person is walked once, so a long chain costs no more than
// a short one.
func (rd *reader) cycles() {
	const (
		unvisited = iota
		onPath
		done
	)
	g := &graph{rd: rd, ids: map[string]int{}}
	state := make([]uint8, len(rd.rows))
	pos := make([]int, len(rd.rows)) // index in the current path
	var path []int
	for start, r := range rd.rows {
		if r.badEmail || r.dup || state[start] != unvisited {
			continue
		}
		path = path[:0]
		cur := start
		for cur >= 0 && state[cur] == unvisited {
			state[cur], pos[cur] = onPath, len(path)
			path = append(path, cur)
			if cur = g.next(cur); cur >= len(state) { // someone stored, met for the first time
				state, pos = append(state, unvisited), append(pos, 0)
			}
		}
		if cur >= 0 && state[cur] == onPath {
			cycle := path[pos[cur]:]
			for i, n := range cycle {
				if n >= len(rd.rows) {
					continue // someone already stored: the file's rows in the cycle are reported
				}
				names := make([]string, 0, len(cycle)+1)
				for j := range cycle {
					names = append(names, g.email(cycle[(i+j)%len(cycle)]))
				}
				names = append(names, g.email(n))
				rd.fail(rd.rows[n].line, fManager, "manager cycle: %s", strings.Join(names, " -> "))
			}
		}
		for _, n := range path {
			state[n] = done
		}
	}
}

// result is the errors found, in line order.
func (rd *reader) result() *Errors {
	slices.SortStableFunc(rd.errs, func(a, b RowError) int { return a.Line - b.Line })
	es := Errors(rd.errs)
	return &es
}

// display is the email as written: in the file's first row for it, else as stored.
func (rd *reader) display(key string) string {
	if i, ok := rd.seen[key]; ok {
		return rd.rows[i].email
	}
	if ex, ok := rd.existing[key]; ok {
		return ex.Email
	}
	return key
}

func (rd *reader) plan() *Plan {
	p := &Plan{Rows: make([]store.ImportRow, 0, len(rd.rows)), Lines: make([]int, 0, len(rd.rows)),
		Changes: make([]RowChange, 0, len(rd.rows)), Columns: rd.cols.list}
	for _, r := range rd.rows {
		ir := store.ImportRow{
			Person: store.Person{Name: r.name, Email: r.email, Title: r.title, StartDate: r.start, Status: r.status},
			Ladder: r.ladder, Track: r.track, Level: r.level,
		}
		if r.managerKey != "" {
			ir.ManagerEmail = rd.display(r.managerKey)
		}
		p.Rows = append(p.Rows, ir)
		p.Lines = append(p.Lines, r.line)
		c := changeOf(r.existing, ir)
		p.Changes = append(p.Changes, c)
		switch c.Effect {
		case New:
			p.Created++
		case Changed:
			p.Updated++
			p.Changed++
		default:
			p.Updated++
			p.Unchanged++
		}
	}
	return p
}

// changeOf compares a row with the person stored under its email, field by field as
// store.ImportPeople does to decide whom it writes: the level is not among them, since a
// row's level is only ever given to someone new.
func changeOf(ex *Existing, r store.ImportRow) RowChange {
	if ex == nil {
		return RowChange{Effect: New}
	}
	var fields []FieldChange
	differ := func(field, old, new string) {
		if old != new {
			fields = append(fields, FieldChange{Field: field, Old: old, New: new})
		}
	}
	p := r.Person
	differ("Name", ex.Name, p.Name)
	differ("Email", ex.Email, p.Email)
	if !strings.EqualFold(ex.ManagerEmail, r.ManagerEmail) {
		fields = append(fields, FieldChange{Field: "Manager", Old: ex.ManagerEmail, New: r.ManagerEmail})
	}
	differ("Job title", ex.Title, p.Title)
	if !ex.StartDate.Equal(p.StartDate) {
		fields = append(fields, FieldChange{Field: "Start date", Old: day(ex.StartDate), New: day(p.StartDate)})
	}
	differ("Status", string(ex.Status), string(p.Status))
	if len(fields) == 0 {
		return RowChange{Effect: Unchanged}
	}
	return RowChange{Effect: Changed, Fields: fields}
}

// otherDate is a day, month and year in some order: refused, but explained.
var otherDate = regexp.MustCompile(`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$`)

// parseDate reads YYYY-MM-DD or YYYY/MM/DD and returns a reason for anything else.
func parseDate(s string) (time.Time, string) {
	if s == "" {
		return time.Time{}, "start date is empty"
	}
	if len(s) == 10 && (s[4] == '-' || s[4] == '/') && s[7] == s[4] && digits(s[:4]) && digits(s[5:7]) && digits(s[8:]) {
		y, _ := strconv.Atoi(s[:4])
		m, _ := strconv.Atoi(s[5:7])
		d, _ := strconv.Atoi(s[8:])
		t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		if t.Month() == time.Month(m) && t.Day() == d { // time.Date turns 30 February into March
			return t, ""
		}
		return time.Time{}, fmt.Sprintf("bad date %q: use YYYY-MM-DD (there is no such day)", s)
	}
	if m := otherDate.FindStringSubmatch(s); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		if a != b && a >= 1 && a <= 12 && b >= 1 && b <= 12 {
			return time.Time{}, fmt.Sprintf("bad date %q: use YYYY-MM-DD (day and month order is ambiguous: it could be %s or %s)",
				s, dayMonth(a, b), dayMonth(b, a))
		}
	}
	return time.Time{}, fmt.Sprintf("bad date %q: use YYYY-MM-DD", s)
}

func digits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func dayMonth(day, month int) string { return fmt.Sprintf("%d %s", day, time.Month(month)) }

// parseStatus reads the statuses HR systems write; empty is active.
func parseStatus(s string) (store.Status, bool) {
	switch strings.ToLower(s) {
	case "", "active", "employed":
		return store.Active, true
	case "left", "terminated", "inactive", "leaver":
		return store.Left, true
	}
	return "", false
}
