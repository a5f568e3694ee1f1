package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Status says whether a person is still in the organisation.
type Status string

// The statuses a person can have.
const (
	Active Status = "active"
	Left   Status = "left"
)

// Person is someone on a ladder.
type Person struct {
	ID        int64
	Name      string
	Email     string
	Title     string // the current job title, from the HR system; the rollout maps it to a level
	ManagerID int64  // 0: no manager
	// Ladder, Track and Level are the current level, set only by AddLevelChange so that they
	// always agree with the level history; empty until the person is levelled.
	Ladder    string
	Track     string
	Level     string
	StartDate time.Time // a date, midnight UTC
	Status    Status
	CreatedAt time.Time
	UpdatedAt time.Time
	// Version counts the saves of the record; UpdatePerson saves only over the version it is
	// given, so that a form shown before someone else's save cannot undo it.
	Version int64
}

// validate checks what the database would otherwise reject with a less helpful message.
func (p *Person) validate() error {
	p.Name, p.Email, p.Title = strings.TrimSpace(p.Name), strings.TrimSpace(p.Email), strings.TrimSpace(p.Title)
	switch {
	case p.Name == "":
		return fmt.Errorf("name is empty")
	case !ValidEmail(p.Email):
		return fmt.Errorf("email %q is not an address", p.Email)
	case p.StartDate.IsZero():
		return fmt.Errorf("start date is missing")
	case p.ManagerID != 0 && p.ManagerID == p.ID:
		return fmt.Errorf("a person cannot be their own manager")
	}
	if err := errors.Join(checkText("name", p.Name, MaxName), checkText("email", p.Email, MaxEmail), checkText("title", p.Title, MaxTitle)); err != nil {
		return err
	}
	if p.Status == "" {
		p.Status = Active
	}
	if p.Status != Active && p.Status != Left {
		return fmt.Errorf("status %q is not active or left", p.Status)
	}
	p.StartDate = date(p.StartDate)
	return nil
}

// ValidEmail accepts one address of the form local@domain, without the spaces, commas and
// brackets that show a list or a name crept into a form field or a spreadsheet cell. Every
// way a person comes in (the app, an import, the shell) is checked with it.
func ValidEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || domain == "" || len(s) > 254 || TextProblem(s, MaxEmail) != "" || strings.Contains(domain, "@") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return false
	}
	for i := range len(s) {
		switch c := s[i]; {
		case c <= ' ' || c == 0x7f:
			return false
		case c == ',' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')' || c == '[' || c == ']' || c == '\\' || c == '"':
			return false
		}
	}
	return true
}

// personColumnNames are the columns of people that scanPerson reads, in its order, and
// listedColumnNames those that scanListed reads.
var (
	personColumnNames = strings.Fields(`id name email title manager_id ladder track level start_date status created_at updated_at version`)
	listedColumnNames = strings.Fields(`id name email title ladder track level start_date status`)
)

// personColumns lists the columns of people that scanPerson reads, of the table as alias
// ("" for none). On SQLite, the three times are read as their text, which scanPerson parses
// (see timeValue): an expression has no declared type, so SQLite's driver hands it on as it
// is instead of trying one layout that fails and then the one that fits, for every value,
// which was a quarter of the time of a page of the people list.
func (d dialect) personColumns(alias string) string { return d.columns(alias, personColumnNames) }

// listedColumns lists the columns of people that scanListed reads, as personColumns does;
// on SQLite, as one column (see packedColumns).
func (d dialect) listedColumns(alias string) string {
	if d.postgres {
		return d.columns(alias, listedColumnNames)
	}
	return packedColumns(alias, listedColumnNames)
}

// fieldSep separates the values of a row of people packed into one column (see
// packedColumns): the ASCII unit separator, a control character, which no way in lets into
// a name, an email or a title (see TextProblem); ids, dates and statuses are rungs' own.
const fieldSep = "\x1f"

// packedColumns is one column of SQLite's holding the named columns of people t, each NOT
// NULL, joined by fieldSep, which unpack splits again. SQLite's driver reads each column of
// a row through three calls into SQLite (its type, its text, its length), and each takes and
// leaves the connection's mutex: a page of 51 people of nine columns was 1,400 such calls,
// a fifth of its CPU time and more. One column is three calls a row: the first page of the
// list took 0.087–0.090 ms instead of 0.113–0.119, a broad search's 0.10–0.12 instead of
// 0.12–0.16 (BenchmarkPeoplePage; a page of 101 people 0.14–0.15 instead of 0.23–0.25). A
// length before each value, which any text could hold, cost back two thirds of that in
// SQLite's own work.
func packedColumns(t string, names []string) string {
	return t + "." + strings.Join(names, " || '"+fieldSep+"' || "+t+".")
}

// unpack splits a column packedColumns made into fields, as many as it has; the first is
// the person's id. Its errors do not quote the row: it is someone's personal data.
func unpack(packed string, fields []string) error {
	s := packed
	for i := range len(fields) - 1 {
		var ok bool
		if fields[i], s, ok = strings.Cut(s, fieldSep); !ok {
			return fmt.Errorf("a row of people has %d values, not %d", i+1, len(fields))
		}
	}
	if strings.Contains(s, fieldSep) {
		id, _, _ := strings.Cut(packed, fieldSep)
		return fmt.Errorf("person %s: their name, email or title holds the control character U+001F, which rungs does not accept: edit the person to take it out", id)
	}
	fields[len(fields)-1] = s
	return nil
}

// columns lists the named columns of people, as personColumns says.
func (d dialect) columns(alias string, names []string) string {
	var b strings.Builder
	for i, c := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		time := c == "start_date" || c == "created_at" || c == "updated_at"
		if time && !d.postgres {
			b.WriteString("+")
		}
		if alias != "" {
			b.WriteString(alias + ".")
		}
		b.WriteString(c)
		if time && !d.postgres {
			b.WriteString(" AS " + c)
		}
	}
	return b.String()
}

// CreatePerson adds p and returns it as stored, with its id; p's level fields are ignored
// (AddLevelChange sets them). A taken email is ErrConflict, an unknown manager too.
func (s *Store) CreatePerson(ctx context.Context, p Person) (Person, error) {
	if err := p.validate(); err != nil {
		return Person{}, fmt.Errorf("create person: %w", err)
	}
	var created Person
	err := s.WithTx(ctx, func(tx *Store) error {
		now := tx.now()
		var err error
		created, err = scanPerson(tx.writeRow(ctx, `
			INSERT INTO people (name, email, title, manager_id, start_date, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING `+tx.d.personColumns(""),
			p.Name, p.Email, p.Title, nullID(p.ManagerID), p.StartDate, string(p.Status), now, now))
		if err != nil {
			return err
		}
		return tx.rechain(ctx, []int64{created.ID})
	})
	if err != nil {
		return Person{}, s.fail(err, "create person %s", p.Email)
	}
	return created, nil
}

// Person returns the person with the id, or ErrNotFound.
func (s *Store) Person(ctx context.Context, id int64) (Person, error) {
	p, err := scanPerson(s.queryRow(ctx, `SELECT `+s.d.personColumns("")+` FROM people WHERE id = ?`, id))
	if err != nil {
		return Person{}, s.fail(err, "person %d", id)
	}
	return p, nil
}

// PersonByEmail returns the person with the email, whatever its case, or ErrNotFound.
func (s *Store) PersonByEmail(ctx context.Context, email string) (Person, error) {
	p, err := scanPerson(s.queryRow(ctx, `SELECT `+s.d.personColumns("")+` FROM people WHERE lower(email) = lower(?)`,
		strings.TrimSpace(email)))
	if err != nil {
		return Person{}, s.fail(err, "person %s", email)
	}
	return p, nil
}

// ErrStale is returned when a save was made from a copy of a record that someone else has
// changed since it was read: nothing was saved, and the caller shows what is there now.
var ErrStale = errors.New("changed by someone else since it was read")

// UpdatePerson saves p's name, email, title, manager, start date and status (an empty title
// clears it); its level changes only through AddLevelChange. The save is made only over
// p.Version, the version p was read at, and adds one to it: a person saved by someone else
// since is ErrStale, and nothing is saved. Someone marked as left loses their unused sign-in
// links. It returns the person as stored, or ErrNotFound, ErrStale, ErrConflict, or ErrCycle
// when the new manager reports to them.
func (s *Store) UpdatePerson(ctx context.Context, p Person) (Person, error) {
	if err := p.validate(); err != nil {
		return Person{}, fmt.Errorf("update person %d: %w", p.ID, err)
	}
	var updated Person
	err := s.WithTx(ctx, func(tx *Store) error {
		var manager sql.NullInt64
		var name, email, status string
		var version int64
		if err := tx.writeRow(ctx, `SELECT manager_id, name, email, status, version FROM people WHERE id = ?`, p.ID).Scan(&manager, &name, &email, &status, &version); err != nil {
			return err
		}
		if version != p.Version {
			return fmt.Errorf("person %d is at version %d, the save was of version %d: %w", p.ID, version, p.Version, ErrStale)
		}
		// The write checks the version again: on PostgreSQL the read above takes no lock, so
		// another save may commit between the two, and the UPDATE, having waited for that
		// save's row lock, then finds the version moved on and matches no row.
		var err error
		updated, err = scanPerson(tx.writeRow(ctx, `
			UPDATE people SET name = ?, email = ?, title = ?, manager_id = ?, start_date = ?, status = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?
			RETURNING `+tx.d.personColumns(""),
			p.Name, p.Email, p.Title, nullID(p.ManagerID), p.StartDate, string(p.Status), tx.now(), p.ID, p.Version))
		if errors.Is(err, sql.ErrNoRows) {
			// The row is there (read above): another save got in between the read and the write.
			return fmt.Errorf("person %d was saved by someone else while this save was made: %w", p.ID, ErrStale)
		}
		if err != nil {
			return err
		}
		if updated.Status == Left {
			if err := tx.ExpireLinks(ctx, p.ID); err != nil {
				return err
			}
		}
		if updated.Email != email {
			*tx.moved = true // whom a search finds has changed (see PeoplePage's counts)
		}
		switch {
		case updated.ManagerID != manager.Int64:
			return tx.rechain(ctx, []int64{p.ID})
		case updated.Name != name || string(updated.Status) != status:
			return tx.recopy(ctx, []int64{p.ID})
		}
		return nil
	})
	if err != nil {
		return Person{}, s.fail(err, "update person %d", p.ID)
	}
	return updated, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanPerson reads a row of the columns personColumns lists.
func scanPerson(row scanner) (Person, error) { return scanPeople()(row) }

// Listed is a person as a list of people shows them (see PeoplePage): a page of a list
// reads these columns alone, for each of its rows, rather than all of a Person's. Reading
// four columns fewer (two of them times) took SQLite's admin list from 0.45–0.53 to 0.41 ms
// of CPU a page, and its search from 0.88–0.93 to 0.77–0.81 ms (scripts/load pages).
type Listed struct {
	ID                   int64
	Name                 string
	Email                string
	Title                string
	Ladder, Track, Level string
	StartDate            time.Time
	Status               Status
}

// Listed returns p as a list shows them.
func (p Person) Listed() Listed {
	return Listed{ID: p.ID, Name: p.Name, Email: p.Email, Title: p.Title, Ladder: p.Ladder, Track: p.Track, Level: p.Level,
		StartDate: p.StartDate, Status: p.Status}
}

// listedReader reads the rows of one statement of the columns listedColumns lists, and of
// more after them, each into the same destinations, made once: read one by one, each row
// cost a Listed and a list of nine destinations on the heap, some 300 bytes, which made a
// page of fifty people 15 KB of garbage more.
type listedReader struct {
	p      Listed
	status string
	packed string
	dest   []any
}

// scanListed makes a listedReader of the statement's rows (of dialect d), whose columns after
// listedColumns' go into more.
func scanListed(d dialect, more ...any) func(scanner) (Listed, error) {
	r := &listedReader{}
	if !d.postgres {
		r.dest = append([]any{&r.packed}, more...)
		return r.packedRow
	}
	r.dest = append([]any{&r.p.ID, &r.p.Name, &r.p.Email, &r.p.Title, &r.p.Ladder, &r.p.Track, &r.p.Level,
		timeValue{&r.p.StartDate}, &r.status}, more...)
	return r.row
}

// packedRow reads a row whose listed columns are packed into one (SQLite's).
func (r *listedReader) packedRow(row scanner) (Listed, error) {
	if err := row.Scan(r.dest...); err != nil {
		return Listed{}, err
	}
	var f [9]string // as listedColumnNames
	if err := unpack(r.packed, f[:]); err != nil {
		return Listed{}, err
	}
	id, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return Listed{}, fmt.Errorf("a row of people: id %q: %w", f[0], err)
	}
	start, err := parseSQLiteTime(f[7])
	if err != nil {
		return Listed{}, fmt.Errorf("person %d: start date: %w", id, err)
	}
	return Listed{ID: id, Name: f[1], Email: f[2], Title: f[3], Ladder: f[4], Track: f[5], Level: f[6], StartDate: start, Status: Status(f[8])}, nil
}

// row reads a row.
func (r *listedReader) row(row scanner) (Listed, error) {
	if err := row.Scan(r.dest...); err != nil {
		return Listed{}, err
	}
	p := r.p
	p.Status = Status(r.status)
	return p, nil
}

// personReader is listedReader for the columns personColumns lists.
type personReader struct {
	p       Person
	manager sql.NullInt64
	status  string
	dest    []any
}

// scanPeople makes a personReader of a statement's rows, whose columns after personColumns'
// go into more.
func scanPeople(more ...any) func(scanner) (Person, error) {
	r := &personReader{}
	r.dest = append([]any{&r.p.ID, &r.p.Name, &r.p.Email, &r.p.Title, &r.manager, &r.p.Ladder, &r.p.Track, &r.p.Level,
		timeValue{&r.p.StartDate}, &r.status, timeValue{&r.p.CreatedAt}, timeValue{&r.p.UpdatedAt}, &r.p.Version}, more...)
	return r.row
}

// row reads a row.
func (r *personReader) row(row scanner) (Person, error) {
	if err := row.Scan(r.dest...); err != nil {
		return Person{}, err
	}
	p := r.p
	p.ManagerID, p.Status = r.manager.Int64, Status(r.status)
	return p, nil
}

// scanPersonOrNone is scanPerson for a LEFT JOIN that may have found nobody: every column is
// NULL then, and the person is the zero Person.
func scanPersonOrNone(row scanner) (Person, error) {
	var id, manager, version sql.NullInt64
	var name, email, title, ladder, track, level, status sql.NullString
	var start, created, updated time.Time
	if err := row.Scan(&id, &name, &email, &title, &manager, &ladder, &track, &level,
		timeValue{&start}, &status, timeValue{&created}, timeValue{&updated}, &version); err != nil {
		return Person{}, err
	}
	if !id.Valid {
		return Person{}, nil
	}
	return Person{ID: id.Int64, Name: name.String, Email: email.String, Title: title.String, ManagerID: manager.Int64,
		Ladder: ladder.String, Track: track.String, Level: level.String, StartDate: start,
		Status: Status(status.String), CreatedAt: created, UpdatedAt: updated, Version: version.Int64}, nil
}

// timeValue scans a time column into a time.Time, in UTC: from a time, as PostgreSQL's driver
// gives it, or from SQLite's text of it (see personColumns). NULL is the zero time.
type timeValue struct{ t *time.Time }

func (v timeValue) Scan(src any) error {
	switch src := src.(type) {
	case nil:
		*v.t = time.Time{}
	case time.Time:
		*v.t = src.UTC()
	case string:
		t, err := parseSQLiteTime(src)
		if err != nil {
			return err
		}
		*v.t = t
	default:
		return fmt.Errorf("a time column holds %T", src)
	}
	return nil
}

// ScanDate, ScanTimestamp and ScanTimestamptz are how pgx hands a date or time column to
// timeValue when the store reads through it directly (Reads): as pgtype's value, where Scan
// has it box the time into an interface first, an allocation for every time of every row
// (a manager's home reads three for each of fifty people). Infinity is an error, as it is
// through Scan.
func (v timeValue) ScanDate(d pgtype.Date) error {
	return v.scanPostgres(d.Time, d.InfinityModifier, d.Valid)
}

func (v timeValue) ScanTimestamp(t pgtype.Timestamp) error {
	return v.scanPostgres(t.Time, t.InfinityModifier, t.Valid)
}

func (v timeValue) ScanTimestamptz(t pgtype.Timestamptz) error {
	return v.scanPostgres(t.Time, t.InfinityModifier, t.Valid)
}

func (v timeValue) scanPostgres(t time.Time, inf pgtype.InfinityModifier, valid bool) error {
	switch {
	case !valid:
		*v.t = time.Time{}
	case inf != pgtype.Finite:
		return errors.New("a time column holds an infinite time")
	default:
		*v.t = t.UTC()
	}
	return nil
}

// sqliteLayouts are the layouts SQLite's driver reads times in, the one it writes first.
var sqliteLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02",
}

// parseSQLiteTime reads a time as SQLite holds it, in UTC: the layout the driver writes,
// 2024-05-01 13:04:05.123456+00:00, read directly, and the others it reads through
// time.Parse.
func parseSQLiteTime(s string) (time.Time, error) {
	if t, ok := parseWritten(s); ok {
		return t, nil
	}
	for _, layout := range sqliteLayouts {
		if t, err := time.Parse(layout, strings.TrimSuffix(s, "Z")); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("time %q: not a layout SQLite's driver reads", s)
}

// parseWritten reads YYYY-MM-DD hh:mm:ss[.fraction]±hh:mm; ok is false for anything else.
func parseWritten(s string) (time.Time, bool) {
	num := func(from, to int) (int, bool) {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	if len(s) < 25 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 7)
	day, ok3 := num(8, 10)
	hour, ok4 := num(11, 13)
	minute, ok5 := num(14, 16)
	sec, ok6 := num(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if s[i] == '.' {
		digits := 0
		for i++; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if digits < 9 {
				nsec = nsec*10 + int(s[i]-'0')
				digits++
			}
		}
		if digits == 0 {
			return time.Time{}, false
		}
		for ; digits < 9; digits++ {
			nsec *= 10
		}
	}
	if len(s) != i+6 || (s[i] != '+' && s[i] != '-') || s[i+3] != ':' {
		return time.Time{}, false
	}
	oh, ok1 := num(i+1, i+3)
	om, ok2 := num(i+4, i+6)
	if !ok1 || !ok2 || oh > 23 || om > 59 {
		return time.Time{}, false
	}
	offset := (oh*60 + om) * 60
	if s[i] == '-' {
		offset = -offset
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if t.Day() != day {
		return time.Time{}, false // 2024-02-31: not a date
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}

// scanPlus scans a row's first columns through a scan function of its own (scanPerson) and
// the remaining ones into more.
type scanPlus struct {
	row  scanner
	more []any
}

func (s scanPlus) Scan(dest ...any) error { return s.row.Scan(append(dest, s.more...)...) }

// nullID stores an absent reference (0) as NULL.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// date drops the time of day, keeping the calendar date t has where it was given.
func date(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
