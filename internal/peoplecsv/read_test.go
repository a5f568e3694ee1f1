package peoplecsv_test

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/peoplecsv"
	"github.com/rungs/rungs/internal/store"
)

// stored is who the tests' database already holds.
var stored = map[string]peoplecsv.Existing{
	"boss@example.com": {Email: "boss@example.com", Ladder: "engineering", Track: "product", Level: "senior",
		Title: "Senior Engineer", Status: store.Active},
	"old@example.com":   {Email: "old@example.com", ManagerEmail: "boss@example.com", Title: "Developer", Status: store.Left},
	"x@example.com":     {Email: "X@example.com", ManagerEmail: "y@example.com"},
	"y@example.com":     {Email: "y@example.com"},
	"chief@example.com": {Email: "Chief@Example.com", Ladder: "engineering-management", Level: "director"},
}

func read(t *testing.T, f *ladder.Framework, csv string, existing map[string]peoplecsv.Existing) (*peoplecsv.Plan, peoplecsv.Errors) {
	t.Helper()
	p, err := peoplecsv.Read(strings.NewReader(csv), f, existing)
	if err == nil {
		if p == nil {
			t.Fatal("no plan and no error")
		}
		return p, nil
	}
	var errs peoplecsv.Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error %v (%T) is not peoplecsv.Errors", err, err)
	}
	if p != nil {
		t.Error("a plan along with errors")
	}
	if len(errs) == 0 {
		t.Fatal("empty Errors")
	}
	return nil, errs
}

func TestColumns(t *testing.T) {
	t.Parallel()
	f := bundled(t)
	tests := []struct {
		name   string
		header string
		want   []string // the field of each column
		errs   []peoplecsv.RowError
	}{
		{"own export", "name,email,manager,title,start date,status,ladder,track,level",
			[]string{"name", "email", "manager", "title", "start date", "status", "ladder", "track", "level"}, nil},
		{"HR aliases", "Full name,Work email,Reports to,Job title,Hire date,Employment status,Cost centre",
			[]string{"name", "email", "manager", "title", "start date", "status", ""}, nil},
		{"more aliases", "Employee name,E-mail,Line manager,Position,Joined",
			[]string{"name", "email", "manager", "title", "start date"}, nil},
		{"and more", "Employee Name,Email Address,Manager Email,Role,Start Date",
			[]string{"name", "email", "manager", "title", "start date"}, nil},
		{"case, spaces and punctuation", " EMAIL , full_name ,START-DATE,Job-Title",
			[]string{"email", "name", "start date", "title"}, nil},
		{"first and last name", "First name,Last name,Email,Start date",
			[]string{"first name", "last name", "email", "start date"}, nil},
		{"a full name wins over its parts", "First name,Name,Surname,Email,Start date",
			[]string{"", "name", "", "email", "start date"}, nil},
		{"nothing known", "Department,Location", []string{"", ""}, []peoplecsv.RowError{
			{Line: 1, Reason: "no name column (Name, Full name, Employee name, or First name and Last name)"},
			{Line: 1, Reason: "no email column (Email, Work email, E-mail)"},
			{Line: 1, Reason: "no start date column (Start date, Hire date, Joined)"},
		}},
		{"first name alone", "First name,Email,Start date", nil, []peoplecsv.RowError{
			{Line: 1, Reason: "no name column: a First name column needs a Last name column beside it, or use one Name column"},
		}},
		{"two email columns", "Name,Email,Work email,Start date", nil, []peoplecsv.RowError{
			{Line: 1, Column: "Work email", Reason: `a second email column (column "Email" is one already); remove or rename one`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, errs := read(t, f, tt.header+"\n", nil)
			if !reflect.DeepEqual([]peoplecsv.RowError(errs), tt.errs) {
				t.Fatalf("errors\n%v\nwant\n%v", errs, peoplecsv.Errors(tt.errs))
			}
			if p == nil {
				return
			}
			var got []string
			for i, c := range p.Columns {
				got = append(got, c.Field)
				if want := strings.TrimSpace(strings.Split(tt.header, ",")[i]); c.Header != want {
					t.Errorf("column %d header %q, want %q", i, c.Header, want)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("fields %q, want %q", got, tt.want)
			}
			if len(p.Rows) != 0 || p.Created != 0 || p.Updated != 0 {
				t.Errorf("a header alone gave %+v", p)
			}
		})
	}
}

// hr_export.csv is a typical HR system's export: a byte order mark, CRLF line ends, first
// and last names, columns rungs does not use, a title over two lines (put on one), a blank line and a
// row of empty cells at the end.
func TestReadHRExport(t *testing.T) {
	t.Parallel()
	in, err := os.ReadFile("testdata/hr_export.csv")
	if err != nil {
		t.Fatal(err)
	}
	p, errs := read(t, bundled(t), string(in), stored)
	if errs != nil {
		t.Fatal(errs)
	}
	person := func(name, email, title, start string, status store.Status) store.Person {
		return store.Person{Name: name, Email: email, Title: title, StartDate: day(start), Status: status}
	}
	want := []store.ImportRow{
		{Person: person("Ada Lovelace", "ada@example.com", "VP Engineering", "2019-01-07", store.Active),
			Ladder: "engineering-management", Level: "director"},
		{Person: person("Grace Hopper", "Grace.Hopper@Example.com", "Engineering Manager", "2020-03-15", store.Active),
			ManagerEmail: "ada@example.com", Ladder: "engineering-management", Level: "manager"},
		{Person: person("Alan Turing", "alan@example.com", "Senior Software Engineer, Reliability", "2021-06-01", store.Active),
			ManagerEmail: "Grace.Hopper@Example.com", Ladder: "engineering", Track: "sre", Level: "senior"},
		{Person: person("Linus Torvalds", "linus@example.com", "Software Engineer", "2022-09-12", store.Active),
			ManagerEmail: "Grace.Hopper@Example.com", Ladder: "engineering", Track: "product", Level: "engineer"},
		{Person: person("Margaret Hamilton", "margaret@example.com", "QA Lead", "2018-02-01", store.Left),
			ManagerEmail: "ada@example.com"},
	}
	if !reflect.DeepEqual(p.Rows, want) {
		t.Errorf("rows\n%+v\nwant\n%+v", p.Rows, want)
	}
	if wantLines := []int{2, 3, 4, 6, 8}; !reflect.DeepEqual(p.Lines, wantLines) {
		t.Errorf("lines %v, want %v", p.Lines, wantLines)
	}
	if p.Created != 5 || p.Updated != 0 {
		t.Errorf("created %d, updated %d", p.Created, p.Updated)
	}
	if c := p.Columns[0]; c != (peoplecsv.Column{Header: "Employee ID"}) {
		t.Errorf("first column (after the byte order mark) %+v", c)
	}
}

// errors.csv has a row for every kind of error, and a last row that is fine.
func TestReadErrors(t *testing.T) {
	t.Parallel()
	in, err := os.ReadFile("testdata/errors.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, errs := read(t, bundled(t), string(in), stored)
	want := []peoplecsv.RowError{
		{2, "Name", "name is empty"},
		{3, "Email", "email is empty"},
		{4, "Email", `bad email "not-an-email"`},
		{6, "Email", "duplicate email DUP@example.com: already on line 5"},
		{7, "Manager", "unknown manager nobody@example.com: not in the file and not stored"},
		{8, "Manager", `unknown manager "Jane Doe": give the manager's email`},
		{9, "Manager", "self@example.com is their own manager"},
		{10, "Manager", "manager cycle: a@example.com -> b@example.com -> c@example.com -> a@example.com"},
		{11, "Manager", "manager cycle: b@example.com -> c@example.com -> a@example.com -> b@example.com"},
		{12, "Manager", "manager cycle: c@example.com -> a@example.com -> b@example.com -> c@example.com"},
		// Line 13 reports to someone in the cycle without being in it: not an error of its own.
		// Line 14 closes a cycle with someone already stored (X reports to y).
		{14, "Manager", "manager cycle: y@example.com -> X@example.com -> y@example.com"},
		{15, "Start date", "start date is empty"},
		{16, "Start date", `bad date "03/04/2024": use YYYY-MM-DD (day and month order is ambiguous: it could be 3 April or 4 March)`},
		{17, "Start date", `bad date "1 March 2024": use YYYY-MM-DD`},
		{18, "Start date", `bad date "2024-02-30": use YYYY-MM-DD (there is no such day)`},
		{19, "Status", `bad status "on leave": use active or left`},
		{20, "Ladder", `unknown ladder "design"; ladders: engineering, engineering-management`},
		{21, "Track", `unknown track "mobile" for ladder engineering; tracks: product, sre, quality, security`},
		{22, "Level", `unknown level "E9" for ladder engineering; levels: associate, engineer, senior, staff, principal`},
		{23, "Track", "ladder engineering needs a track: one of product, sre, quality, security"},
		{24, "Track", `unknown track "product": ladder engineering-management has no tracks`},
		{25, "Ladder", `ladder "engineering" given without a level`},
		{26, "Track", `track "product" given without a level`},
		{27, "Level", "level engineering/product/staff differs from their current level engineering/product/senior: " +
			"level changes for people already levelled go through their page with a reason"},
		{28, "Level", "old@example.com is already stored without a level: existing people get their first level through the rollout or their page, not an import"},
		{29, "", "3 fields, but the header has 9"},
		// A quoted name over two lines: the row starts on line 30.
		{30, "Manager", "unknown manager nobody2@example.com: not in the file and not stored"},
		{32, "", `CSV syntax: bare " in non-quoted-field`},
	}
	if !reflect.DeepEqual([]peoplecsv.RowError(errs), want) {
		t.Errorf("errors\n%v\nwant\n%v", errs, peoplecsv.Errors(want))
	}
	if got := errs[6].Error(); got != `line 9, column "Manager": self@example.com is their own manager` {
		t.Errorf("Error() = %q", got)
	}
	if got := errs[len(errs)-1].Error(); got != `line 32: CSV syntax: bare " in non-quoted-field` {
		t.Errorf("Error() = %q", got)
	}
}

func TestRead(t *testing.T) {
	t.Parallel()
	f := bundled(t)
	// Two ladders with a level of the same name, to need a ladder column.
	twins := &ladder.Framework{Ladders: []*ladder.Ladder{
		{ID: "design", Title: "Design", Levels: []*ladder.Level{{ID: "lead", Title: "Lead", Code: "L1"}}},
		{ID: "product", Title: "Product", Levels: []*ladder.Level{{ID: "lead", Title: "Lead", Code: "L1"}}},
	}}
	const header = "name,email,manager,start date,ladder,track,level\n"
	type want struct {
		rows    []store.ImportRow
		updated int
		errs    []peoplecsv.RowError
	}
	person := func(name, email, title string, status store.Status) store.Person {
		return store.Person{Name: name, Email: email, Title: title, StartDate: day("2024-01-02"), Status: status}
	}
	tests := []struct {
		name     string
		f        *ladder.Framework
		csv      string
		existing map[string]peoplecsv.Existing
		want     want
	}{
		{"level by code, ladder from the code, track by title", f,
			header + "Ann,ann@example.com,,2024-01-02,,Quality Engineering,en4\n", nil,
			want{rows: []store.ImportRow{{Person: person("Ann", "ann@example.com", "", store.Active),
				Ladder: "engineering", Track: "quality", Level: "staff"}}}},
		{"ladder by title, level by title, no track", f,
			header + "Ann,ann@example.com,,2024-01-02,engineering management,,senior engineering manager\n", nil,
			want{rows: []store.ImportRow{{Person: person("Ann", "ann@example.com", "", store.Active),
				Ladder: "engineering-management", Level: "senior-manager"}}}},
		{"a level on two ladders needs the ladder", twins,
			header + "Ann,ann@example.com,,2024-01-02,,,lead\nBob,bob@example.com,,2024-01-02,Product,,L1\n", nil,
			want{errs: []peoplecsv.RowError{{2, "level", `level "lead" is on several ladders (design, product): add a ladder column`}}}},
		{"a level no ladder has", twins,
			header + "Ann,ann@example.com,,2024-01-02,,,chief\n", nil,
			want{errs: []peoplecsv.RowError{{2, "level", `unknown level "chief": no ladder has it`}}}},
		{"did you mean", f,
			header + "Ann,ann@example.com,,2024-01-02,enginering,product,senior\n", nil,
			want{errs: []peoplecsv.RowError{{2, "ladder", `unknown ladder "enginering" (did you mean "engineering"?); ladders: engineering, engineering-management`}}}},
		{"semicolons, as many locales save CSV", f,
			"Name;Email;Start date;Title\nAnn;ann@example.com;2024/01/02;Engineer, Platform\n", nil,
			want{rows: []store.ImportRow{{Person: person("Ann", "ann@example.com", "Engineer, Platform", store.Active)}}}},
		{"an existing person is updated; a file without the columns keeps their title, status and manager", f,
			"name,email,start date\nOld Timer,OLD@example.com,2024-01-02\n", stored,
			want{updated: 1, rows: []store.ImportRow{{Person: person("Old Timer", "OLD@example.com", "Developer", store.Left),
				ManagerEmail: "boss@example.com"}}}},
		{"empty cells clear them", f,
			"name,email,start date,title,status,manager\nOld Timer,old@example.com,2024-01-02,,,\n", stored,
			want{updated: 1, rows: []store.ImportRow{{Person: person("Old Timer", "old@example.com", "", store.Active)}}}},
		{"the same level again is fine, its ladder and track may be left out", f,
			header + "Boss,boss@example.com,,2024-01-02,,,EN3\nChief,chief@example.com,,2024-01-02,Engineering Management,,Director\n", stored,
			want{updated: 2, rows: []store.ImportRow{
				{Person: person("Boss", "boss@example.com", "Senior Engineer", store.Active), Ladder: "engineering", Track: "product", Level: "senior"},
				{Person: person("Chief", "chief@example.com", "", store.Active), Ladder: "engineering-management", Level: "director"},
			}}},
		{"a manager later in the file, and one already stored", f,
			header + "Ann,ann@example.com,BOB@example.com,2024-01-02,,,\nBob,bob@example.com,chief@example.com,2024-01-02,,,\n", stored,
			want{rows: []store.ImportRow{
				{Person: person("Ann", "ann@example.com", "", store.Active), ManagerEmail: "bob@example.com"},
				{Person: person("Bob", "bob@example.com", "", store.Active), ManagerEmail: "Chief@Example.com"},
			}}},
		{"the file moves someone stored out of a cycle", f,
			header + "X,x@example.com,,2024-01-02,,,\nY,y@example.com,x@example.com,2024-01-02,,,\n", stored,
			want{updated: 2, rows: []store.ImportRow{
				{Person: person("X", "x@example.com", "", store.Active)},
				{Person: person("Y", "y@example.com", "", store.Active), ManagerEmail: "x@example.com"},
			}}},
		{"two people each other's manager", f,
			header + "Ann,ann@example.com,bob@example.com,2024-01-02,,,\nBob,bob@example.com,ann@example.com,2024-01-02,,,\n", nil,
			want{errs: []peoplecsv.RowError{
				{2, "manager", "manager cycle: ann@example.com -> bob@example.com -> ann@example.com"},
				{3, "manager", "manager cycle: bob@example.com -> ann@example.com -> bob@example.com"},
			}}},
		{"statuses HR systems write", f,
			"name,email,start date,status\nA,a@x,2024-01-02,Terminated\nB,b@x,2024-01-02,INACTIVE\nC,c@x,2024-01-02,leaver\nD,d@x,2024-01-02,Employed\nE,e@x,2024-01-02,\n", nil,
			want{rows: []store.ImportRow{
				{Person: person("A", "a@x", "", store.Left)}, {Person: person("B", "b@x", "", store.Left)},
				{Person: person("C", "c@x", "", store.Left)}, {Person: person("D", "d@x", "", store.Active)},
				{Person: person("E", "e@x", "", store.Active)},
			}}},
		{"dates", f,
			"name,email,start date\nA,a@x,2024-1-2\nB,b@x,02/01/2024\nC,c@x,13/01/2024\nD,d@x,2024-01-02T00:00:00Z\nE,e@x,2024/01-02\nF,f@x,05.05.2024\n", nil,
			want{errs: []peoplecsv.RowError{
				{2, "start date", `bad date "2024-1-2": use YYYY-MM-DD`},
				{3, "start date", `bad date "02/01/2024": use YYYY-MM-DD (day and month order is ambiguous: it could be 2 January or 1 February)`},
				{4, "start date", `bad date "13/01/2024": use YYYY-MM-DD`},
				{5, "start date", `bad date "2024-01-02T00:00:00Z": use YYYY-MM-DD`},
				{6, "start date", `bad date "2024/01-02": use YYYY-MM-DD`},
				{7, "start date", `bad date "05.05.2024": use YYYY-MM-DD`},
			}}},
		{"emails", f,
			"name,email,start date\nA,a@@x,2024-01-02\nB,Bob <b@x>,2024-01-02\nC,c@x.,2024-01-02\nD,d @x,2024-01-02\nE,e@x;f@x,2024-01-02\nF,@x,2024-01-02\n", nil,
			want{errs: []peoplecsv.RowError{
				{2, "email", `bad email "a@@x"`}, {3, "email", `bad email "Bob <b@x>"`}, {4, "email", `bad email "c@x."`},
				{5, "email", `bad email "d @x"`}, {6, "email", `bad email "e@x;f@x"`}, {7, "email", `bad email "@x"`},
			}}},
		{"a spreadsheet formula guard is taken off", f,
			"name,email,start date,title\n'=Ann,ann@example.com,2024-01-02,'+1 engineer\n", nil,
			want{rows: []store.ImportRow{{Person: person("=Ann", "ann@example.com", "+1 engineer", store.Active)}}}},
		{"control characters and long values, named by row and column", f,
			"name,email,start date,title\nA\x01B,a@x,2024-01-02,\nB,b@x,2024-01-02,Boss\x1b[31m\nC" + strings.Repeat("c", 200) + ",c@x,2024-01-02,\n" +
				"\"D\nover two lines\",d@x,2024-01-02,\"wrapped\ttitle\"\n", nil,
			want{errs: []peoplecsv.RowError{
				{2, "name", "the name has a control character in it (U+0001, such as a tab or a line break): type it on one line, in plain text"},
				{3, "title", "the job title has a control character in it (U+001B, such as a tab or a line break): type it on one line, in plain text"},
				{4, "name", "the name is longer than 200 characters"},
			}}},
		{"an empty file", f, "", nil,
			want{errs: []peoplecsv.RowError{{1, "", "the file is empty: it needs a header row, then one row per person"}}}},
		{"a broken header", f, "name,\"email\n", nil,
			want{errs: []peoplecsv.RowError{{1, "", `CSV syntax: extraneous or missing " in quoted-field`}}}},
		{"too many fields", f, "name,email,start date\nA,a@x,2024-01-02,extra\n", nil,
			want{errs: []peoplecsv.RowError{{2, "", "4 fields, but the header has 3"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, errs := read(t, tt.f, tt.csv, tt.existing)
			if !reflect.DeepEqual([]peoplecsv.RowError(errs), tt.want.errs) {
				t.Fatalf("errors\n%v\nwant\n%v", errs, peoplecsv.Errors(tt.want.errs))
			}
			if p == nil {
				return
			}
			if !reflect.DeepEqual(p.Rows, tt.want.rows) {
				t.Errorf("rows\n%+v\nwant\n%+v", p.Rows, tt.want.rows)
			}
			if p.Updated != tt.want.updated || p.Created != len(tt.want.rows)-tt.want.updated {
				t.Errorf("created %d, updated %d; want %d updated of %d", p.Created, p.Updated, tt.want.updated, len(tt.want.rows))
			}
		})
	}
}

func TestReadRefusesHugeFiles(t *testing.T) {
	defer peoplecsv.SetMaxRows(3)()
	in := "name,email,start date\n"
	for _, c := range "abcd" {
		in += string(c) + "," + string(c) + "@x,2024-01-02\n"
	}
	_, errs := read(t, bundled(t), in, nil)
	want := peoplecsv.Errors{{Line: 5, Reason: "more than 3 people in one file; split it and import the parts one after the other"}}
	if !reflect.DeepEqual(errs, want) {
		t.Errorf("errors %v, want %v", errs, want)
	}
}

func TestErrorsAs(t *testing.T) {
	t.Parallel()
	_, err := peoplecsv.Read(strings.NewReader(""), bundled(t), nil)
	var list peoplecsv.Errors
	var ptr *peoplecsv.Errors
	if !errors.As(err, &list) || !errors.As(err, &ptr) || len(list) != 1 || len(*ptr) != 1 {
		t.Errorf("errors.As(%v): %v %v", err, list, ptr)
	}
	two := peoplecsv.Errors{{Line: 1, Reason: "a"}, {Line: 2, Column: "Email", Reason: "b"}}
	if got := two.Error(); got != "line 1: a\nline 2, column \"Email\": b" {
		t.Errorf("Error() = %q", got)
	}
}

// TestRowChanges reads a file of a new person, a changed one and one as stored, and finds
// what each row does: the changed row names each field it changes, old and new.
func TestRowChanges(t *testing.T) {
	t.Parallel()
	start := time.Date(2020, 1, 6, 0, 0, 0, 0, time.UTC)
	existing := map[string]peoplecsv.Existing{
		"boss@example.com": {Email: "boss@example.com", Name: "Bo Boss", StartDate: start, Title: "Director", Status: store.Active},
		"kim@example.com": {Email: "kim@example.com", Name: "Kim Lee", StartDate: start, ManagerEmail: "Boss@example.com",
			Title: "Engineer", Status: store.Active},
	}
	csv := "name,email,manager,title,start date,status\n" +
		"Bo Boss,boss@example.com,,Director,2020-01-06,active\n" +
		"Kim Lee-Park,kim@example.com,boss@example.com,Senior Engineer,2020-01-06,left\n" +
		"Pat Doe,pat@example.com,kim@example.com,Engineer,2024-02-01,active\n"
	p, errs := read(t, bundled(t), csv, existing)
	if errs != nil {
		t.Fatal(errs)
	}
	want := []peoplecsv.RowChange{
		{Effect: peoplecsv.Unchanged},
		{Effect: peoplecsv.Changed, Fields: []peoplecsv.FieldChange{
			{Field: "Name", Old: "Kim Lee", New: "Kim Lee-Park"},
			{Field: "Job title", Old: "Engineer", New: "Senior Engineer"},
			{Field: "Status", Old: "active", New: "left"},
		}},
		{Effect: peoplecsv.New},
	}
	if !reflect.DeepEqual(p.Changes, want) {
		t.Errorf("changes:\n got %+v\nwant %+v", p.Changes, want)
	}
	if p.Created != 1 || p.Updated != 2 || p.Changed != 1 || p.Unchanged != 1 {
		t.Errorf("created %d, updated %d (changed %d, unchanged %d); want 1, 2 (1, 1)", p.Created, p.Updated, p.Changed, p.Unchanged)
	}
}
