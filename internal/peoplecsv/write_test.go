package peoplecsv_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rungs/rungs/internal/peoplecsv"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// eachStore runs test on new SQLite databases and on new PostgreSQL ones (skipped without
// PostgreSQL's binaries unless RUNGS_REQUIRE_POSTGRES=1), as the store's tests do: open gives
// another new database each time it is called.
func eachStore(t *testing.T, test func(t *testing.T, open func() *store.Store)) {
	t.Helper()
	opener := func(t *testing.T, cfg func() store.Config) func() *store.Store {
		return func() *store.Store {
			s, err := store.Open(context.Background(), cfg())
			if err != nil {
				t.Fatalf("open store: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		}
	}
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		test(t, opener(t, func() store.Config { return store.Config{SQLitePath: storetest.SQLite(t)} }))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		test(t, opener(t, func() store.Config { return store.Config{PostgresURL: storetest.Postgres(t)} }))
	})
}

// seed imports hr_export.csv into s, then gives it a promotion and audit entries whose text a
// spreadsheet would take for formulas, commas, quotes and line breaks.
func seed(t *testing.T, s *store.Store) map[string]store.Person {
	t.Helper()
	ctx := context.Background()
	in, err := os.Open("testdata/hr_export.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	p, err := peoplecsv.Read(in, bundled(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Names and titles a spreadsheet would run as formulas, written through the store.
	p.Rows = append(p.Rows,
		store.ImportRow{Person: store.Person{Name: "=HYPERLINK(\"http://evil.example\",\"click\")", Email: "eve@example.com",
			Title: "@SUM(A1)", StartDate: day("2024-05-06"), Status: store.Active}, ManagerEmail: "ada@example.com"},
		store.ImportRow{Person: store.Person{Name: "-Dash", Email: "+plus@example.com", Title: "+1 engineer",
			StartDate: day("2024-05-07"), Status: store.Active}})
	if _, err := s.ImportPeople(ctx, p.Rows, 0); err != nil {
		t.Fatal(err)
	}
	people := map[string]store.Person{}
	if err := s.EachPerson(ctx, func(p store.Person) error { people[p.Email] = p; return nil }); err != nil {
		t.Fatal(err)
	}
	_, err = s.AddLevelChange(ctx, store.LevelChange{PersonID: people["linus@example.com"].ID, ToLevel: "senior",
		Ladder: "engineering", Track: "product", Date: day("2024-07-01"), Reason: store.Promotion,
		Note: "=1+1, \"quoted\"\nsecond line", MadeBy: people["Grace.Hopper@Example.com"].ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []store.AuditEntry{
		{At: time.Date(2025, 1, 2, 3, 4, 5, 6000, time.UTC), Action: "login.failed", Detail: "ada@example.com", Address: "192.0.2.1"},
		{At: time.Date(2025, 1, 2, 3, 4, 6, 0, time.UTC), Actor: people["ada@example.com"].ID, Action: "person.read",
			Subject: people["alan@example.com"].ID, Address: "192.0.2.2"},
		{At: time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC), Actor: 9999, Action: "person.update",
			Subject: people["eve@example.com"].ID, Detail: "-title=cmd|' /C calc'!A0"},
	} {
		if _, err := s.AddAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	return people
}

const wantPeople = `name,email,manager,title,start date,status,ladder,track,level
Ada Lovelace,ada@example.com,,VP Engineering,2019-01-07,active,engineering-management,,director
Grace Hopper,Grace.Hopper@Example.com,ada@example.com,Engineering Manager,2020-03-15,active,engineering-management,,manager
Alan Turing,alan@example.com,Grace.Hopper@Example.com,"Senior Software Engineer, Reliability",2021-06-01,active,engineering,sre,senior
Linus Torvalds,linus@example.com,Grace.Hopper@Example.com,Software Engineer,2022-09-12,active,engineering,product,senior
Margaret Hamilton,margaret@example.com,ada@example.com,QA Lead,2018-02-01,left,,,
"'=HYPERLINK(""http://evil.example"",""click"")",eve@example.com,ada@example.com,'@SUM(A1),2024-05-06,active,,,
'-Dash,'+plus@example.com,,'+1 engineer,2024-05-07,active,,,
`

// samePeople compares a people export with wantPeople. Its rows come in the order of the
// people's ids, which is the store's business (managers are created before their reports):
// the comparison leaves it out.
func samePeople(t *testing.T, what, got string) {
	t.Helper()
	sorted := func(s string) [][]string {
		rows := readCSV(t, s)
		slices.SortFunc(rows[1:], func(a, b []string) int { return strings.Compare(a[1], b[1]) })
		return rows
	}
	if !reflect.DeepEqual(sorted(got), sorted(wantPeople)) {
		t.Errorf("%s\n%s\nwant (in any order)\n%s", what, got, wantPeople)
	}
}

func TestWriteAndReadBack(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, open func() *store.Store) {
		ctx := context.Background()
		s := open()
		seed(t, s)
		var out bytes.Buffer
		if err := peoplecsv.WritePeople(ctx, &out, s); err != nil {
			t.Fatal(err)
		}
		samePeople(t, "people export", out.String())

		// Read back against the same database: everyone is an update that changes nothing.
		existing, err := peoplecsv.LoadExisting(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		p, err := peoplecsv.Read(bytes.NewReader(out.Bytes()), bundled(t), existing)
		if err != nil {
			t.Fatal(err)
		}
		if p.Created != 0 || p.Updated != 7 {
			t.Errorf("read back: created %d, updated %d", p.Created, p.Updated)
		}
		names := map[string]string{}
		for _, r := range p.Rows {
			names[r.Person.Email] = r.Person.Name
		}
		if names["eve@example.com"] != `=HYPERLINK("http://evil.example","click")` || names["+plus@example.com"] != "-Dash" {
			t.Errorf("the formula guard was not taken off: %q", names)
		}
		if _, err := s.ImportPeople(ctx, p.Rows, 0); err != nil {
			t.Fatal(err)
		}
		var again bytes.Buffer
		if err := peoplecsv.WritePeople(ctx, &again, s); err != nil {
			t.Fatal(err)
		}
		if again.String() != out.String() {
			t.Errorf("after importing the export into its own database\n%s\nwant\n%s", again.String(), out.String())
		}

		// Into an empty database, the export makes the same people with the same levels.
		fresh := open()
		p, err = peoplecsv.Read(bytes.NewReader(out.Bytes()), bundled(t), nil)
		if err != nil {
			t.Fatal(err)
		}
		if p.Created != 7 {
			t.Errorf("into an empty database: created %d", p.Created)
		}
		if _, err := fresh.ImportPeople(ctx, p.Rows, 0); err != nil {
			t.Fatal(err)
		}
		var copied bytes.Buffer
		if err := peoplecsv.WritePeople(ctx, &copied, fresh); err != nil {
			t.Fatal(err)
		}
		samePeople(t, "export of the copy", copied.String())
	})
}

func TestWriteHistoryAndAudit(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, open func() *store.Store) {
		ctx := context.Background()
		s := open()
		seed(t, s)

		var out bytes.Buffer
		if err := peoplecsv.WriteHistory(ctx, &out, s); err != nil {
			t.Fatal(err)
		}
		rows := readCSV(t, out.String())
		wantHistory := [][]string{
			peoplecsv.HistoryHeader,
			{"ada@example.com", "Ada Lovelace", "2019-01-07", "", "director", "engineering-management", "", "hire", "", ""},
			{"Grace.Hopper@Example.com", "Grace Hopper", "2020-03-15", "", "manager", "engineering-management", "", "hire", "", ""},
			{"alan@example.com", "Alan Turing", "2021-06-01", "", "senior", "engineering", "sre", "hire", "", ""},
			{"linus@example.com", "Linus Torvalds", "2022-09-12", "", "engineer", "engineering", "product", "hire", "", ""},
			{"linus@example.com", "Linus Torvalds", "2024-07-01", "engineer", "senior", "engineering", "product", "promotion",
				"'=1+1, \"quoted\"\nsecond line", "Grace.Hopper@Example.com"},
		}
		for i, r := range rows[1:] {
			// Recorded at is when the test ran: check its form, then leave it out.
			if _, err := time.Parse(time.RFC3339Nano, r[10]); err != nil {
				t.Errorf("history row %d: recorded at %q: %v", i+1, r[10], err)
			}
			rows[i+1] = r[:10]
		}
		if !reflect.DeepEqual(rows, wantHistory) {
			t.Errorf("history\n%q\nwant\n%q", rows, wantHistory)
		}

		out.Reset()
		if err := peoplecsv.WriteAudit(ctx, &out, s, store.AuditFilter{}); err != nil {
			t.Fatal(err)
		}
		wantAudit := [][]string{
			peoplecsv.AuditHeader,
			{"2025-01-02T03:04:05.000006Z", "", "login.failed", "", "ada@example.com", "192.0.2.1"},
			{"2025-01-02T03:04:06Z", "ada@example.com", "person.read", "alan@example.com", "", "192.0.2.2"},
			{"2025-01-03T00:00:00Z", "#9999", "person.update", "eve@example.com", "'-title=cmd|' /C calc'!A0", ""},
		}
		if got := readCSV(t, out.String()); !reflect.DeepEqual(got, wantAudit) {
			t.Errorf("audit\n%q\nwant\n%q", got, wantAudit)
		}

		// The filter chooses the entries.
		out.Reset()
		if err := peoplecsv.WriteAudit(ctx, &out, s, store.AuditFilter{Action: "person.read"}); err != nil {
			t.Fatal(err)
		}
		if got := readCSV(t, out.String()); !reflect.DeepEqual(got, [][]string{wantAudit[0], wantAudit[2]}) {
			t.Errorf("audit of person.read\n%q", got)
		}

		// An empty database exports the headers alone.
		empty := open()
		for name, write := range map[string]func(*bytes.Buffer) error{
			"people":  func(b *bytes.Buffer) error { return peoplecsv.WritePeople(ctx, b, empty) },
			"history": func(b *bytes.Buffer) error { return peoplecsv.WriteHistory(ctx, b, empty) },
			"audit":   func(b *bytes.Buffer) error { return peoplecsv.WriteAudit(ctx, b, empty, store.AuditFilter{}) },
		} {
			out.Reset()
			if err := write(&out); err != nil {
				t.Fatal(err)
			}
			if got := readCSV(t, out.String()); len(got) != 1 {
				t.Errorf("%s of an empty database: %q", name, got)
			}
		}
	})
}

func readCSV(t *testing.T, s string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	return rows
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	s, err := store.Open(context.Background(), store.Config{SQLitePath: filepath.Join(t.TempDir(), "rungs.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	seed(t, s)
	ctx := context.Background()
	for name, err := range map[string]error{
		"people":  peoplecsv.WritePeople(ctx, failingWriter{}, s),
		"history": peoplecsv.WriteHistory(ctx, failingWriter{}, s),
		"audit":   peoplecsv.WriteAudit(ctx, failingWriter{}, s, store.AuditFilter{}),
	} {
		if err == nil {
			t.Errorf("%s: a failing writer gave no error", name)
		}
	}
}

// Every lead character of OWASP's CSV injection is guarded at the start of a cell and after
// each place a spreadsheet may split one (another separator, a line break), past the spaces
// and NULs a spreadsheet skips; guard and unguard undo each other.
func TestFormulaGuard(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"=1+1", "'=1+1"},
		{"+1", "'+1"},
		{"-1", "'-1"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\t=1", "'\t'=1"}, // a tab both starts a formula and may split the cell
		{"\r=1", "'\r'=1"},
		{"\x00=1+1", "'\x00=1+1"},
		{"  =1+1", "'  =1+1"},
		{"email: x;=1+1;", "email: x;'=1+1;"},
		{"a,=1", "a,'=1"},
		{"a\t=1", "a\t'=1"},
		{"a\n@cmd", "a\n'@cmd"},
		{"a; -1; +2", "a;' -1;' +2"},
		{"x;\x00=1", "x;'\x00=1"},
		{"email: ada@example.com", "email: ada@example.com"},
		{"name: \"A\" -> \"B\"", "name: \"A\" -> \"B\""},
		{"a;b", "a;b"},
	}
	for _, tt := range tests {
		got := peoplecsv.Guard(tt.in)
		if got != tt.want {
			t.Errorf("guard(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if back := peoplecsv.Unguard(got); back != tt.in {
			t.Errorf("unguard(%q) = %q, want %q", got, back, tt.in)
		}
	}
}

// The exports report the rows they have written as they go: the people of how many there
// are, the level history and the audit log with no total (they are not counted ahead), and
// always the last count.
func TestWriteProgress(t *testing.T) {
	t.Parallel()
	s, err := store.Open(context.Background(), store.Config{SQLitePath: filepath.Join(t.TempDir(), "rungs.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows := make([]store.ImportRow, 600)
	for i := range rows {
		rows[i] = store.ImportRow{Person: store.Person{Name: "P " + strconv.Itoa(i), Email: "p" + strconv.Itoa(i) + "@example.com",
			StartDate: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, Ladder: "engineering", Track: "product", Level: "engineer"}
	}
	if _, err := s.ImportPeople(context.Background(), rows, 0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		write func(ctx context.Context) error
		total int
	}{
		{"people", func(ctx context.Context) error { return peoplecsv.WritePeople(ctx, io.Discard, s) }, 600},
		{"history", func(ctx context.Context) error { return peoplecsv.WriteHistory(ctx, io.Discard, s) }, 0},
	} {
		var steps [][2]int
		ctx := store.WithProgress(context.Background(), func(done, total int) { steps = append(steps, [2]int{done, total}) })
		if err := tc.write(ctx); err != nil {
			t.Fatal(err)
		}
		want := [][2]int{{256, tc.total}, {512, tc.total}, {600, tc.total}}
		if !reflect.DeepEqual(steps, want) {
			t.Errorf("%s: reported %v, want %v", tc.name, steps, want)
		}
	}
}
