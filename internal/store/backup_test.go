package store_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
	"github.com/rungs/rungs/internal/store/assess"
	"github.com/rungs/rungs/internal/store/storetest"
)

// fill writes a little of everything the schema holds, with the awkward cases a restore
// must get right: a manager with a higher id than their report, nulls, text with quotes and
// line breaks, times with microseconds, an applied rollout with rules and reviews.
func fill(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	report := mustPerson(t, s, "Grace \"Amazing\" Hopper", "grace@example.com", 0)
	boss := mustPerson(t, s, "Ada Lovelace", "ada@example.com", 0)
	report.ManagerID = boss.ID
	report.Title = "Senior Engineer"
	if _, err := s.UpdatePerson(ctx, report); err != nil {
		t.Fatal(err)
	}
	for _, c := range []store.LevelChange{
		{PersonID: report.ID, Ladder: "eng", Track: "ic", ToLevel: "L2", Date: day("2023-01-02"), Reason: store.Hire},
		{PersonID: report.ID, Ladder: "eng", Track: "ic", ToLevel: "L3", Date: day("2024-07-01"), Reason: store.Promotion, Note: "well earned,\nen \u00e9t\u00e9", MadeBy: boss.ID},
	} {
		if _, err := s.AddLevelChange(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	acct, err := access.CreateAccount(ctx, s, boss.ID, "$argon2id$not-a-real-hash", store.Admin)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := access.CreateSession(ctx, s, access.Session{AccountID: acct.ID, ExpiresAt: time.Now().Add(time.Hour), UserAgent: "test", Method: access.SignedInWithTOTP}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.CreateLink(ctx, store.Link{Purpose: store.InviteLink, PersonID: report.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := access.StartTOTP(ctx, s, acct.ID, "JBSWY3DPEHPK3PXP"); err != nil {
		t.Fatal(err)
	}
	if err := access.ConfirmTOTP(ctx, s, acct.ID, 58000000, []string{"abcde-fghij", "klmno-pqrst"}); err != nil {
		t.Fatal(err)
	}
	if _, err := access.UseRecoveryCode(ctx, s, acct.ID, "abcde-fghij"); err != nil {
		t.Fatal(err)
	}
	if _, err := access.CreateOIDCLogin(ctx, s, access.OIDCLogin{Nonce: "nonce", Verifier: "verifier", Next: "/", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := access.SetOIDCSubject(ctx, s, acct.ID, "subject-1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := access.CreateToken(ctx, s, access.Token{Name: "HR sync", Kind: access.ServiceToken, Scope: access.WriteScope, CreatedBy: boss.ID, ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := access.CreateLoginChallenge(ctx, s, access.LoginChallenge{AccountID: acct.ID, Next: "/people", ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddAudit(ctx, store.AuditEntry{Actor: boss.ID, Action: "person.update", Subject: report.ID, Detail: "title", Address: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
	r, err := s.OpenRollout(ctx, boss.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetRolloutRule(ctx, r.ID, store.RolloutRule{Title: "Staff Engineer", Ladder: "eng", Track: "ic", Level: "L4"}); err != nil {
		t.Fatal(err)
	}
	if err := s.DiscardRollout(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	// An assessment cycle pinned to a framework snapshot, with a submitted, amended, shared
	// assessment: every assessment table holds rows, a null score among them.
	c, _, err := assess.OpenCycle(ctx, s, assess.Cycle{Name: "2025 \"H1\"", StartsOn: day("2025-01-06"), EndsOn: day("2025-02-28"),
		Scope: assess.ScopeEveryone, IncludeNext: true, FrameworkVersion: "0123456789ab",
		FrameworkJSON: []byte(`{"format":1,"title":"\u00e9t\u00e9","ladders":[]}` + "\n"), OpenedBy: boss.ID}, []string{"eng"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := assess.SaveRatings(ctx, s, c.ID, report.ID, assess.ManagerSide, boss.ID, []assess.Rating{
		{Level: "L3", Expectation: "ships", Rating: "consistently", Score: 2, Evidence: "Shipped *it*,\nwith [links](https://example.com)."},
		{Level: "L4", Expectation: "leads", Evidence: "Not rated yet."},
	}, ""); err != nil {
		t.Fatal(err)
	}
	if err := assess.Submit(ctx, s, c.ID, report.ID, assess.ManagerSide, boss.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := assess.SaveRatings(ctx, s, c.ID, report.ID, assess.ManagerSide, boss.ID, []assess.Rating{
		{Level: "L3", Expectation: "ships", Rating: "role-model", Score: 3, Evidence: "Shipped it."}}, "Second look"); err != nil {
		t.Fatal(err)
	}
	if err := assess.Share(ctx, s, c.ID, report.ID); err != nil {
		t.Fatal(err)
	}
}

// backup takes a backup of s and returns the file's bytes and what it says of itself. The
// backup's progress reports rise to the rows it holds, with no total (not counted ahead).
func backup(t *testing.T, s *store.Store) ([]byte, store.BackupInfo) {
	t.Helper()
	var buf bytes.Buffer
	var steps [][2]int
	ctx := store.WithProgress(context.Background(), func(done, total int) { steps = append(steps, [2]int{done, total}) })
	info, err := s.Backup(ctx, &buf, "v-test")
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	for i, st := range steps {
		if st[1] != 0 || (i > 0 && st[0] < steps[i-1][0]) {
			t.Fatalf("backup progress: %v", steps)
		}
	}
	if len(steps) == 0 || int64(steps[len(steps)-1][0]) != info.Rows() {
		t.Errorf("backup progress %v, for %d rows", steps, info.Rows())
	}
	return buf.Bytes(), info
}

// sums are a backup's tables with their counts and checksums: equal sums, equal data.
func sums(info store.BackupInfo) map[string]store.TableInfo {
	m := map[string]store.TableInfo{}
	for _, t := range info.Tables {
		m[t.Name] = t
	}
	return m
}

func TestBackupRestoresIntoEitherDatabase(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, from store.Config) {
		src := open(t, from)
		fill(t, src)
		file, info := backup(t, src)
		if info.Schema != store.SchemaVersion() || info.Rungs != "v-test" || info.Database != src.Dialect() {
			t.Errorf("header: %+v", info)
		}
		if got := sums(info)["people"].Rows; got != 2 {
			t.Errorf("people in backup: %d, want 2", got)
		}
		// The derived tables are not in it: a restore builds them again.
		for _, derived := range []string{"people_chain", "people_search"} {
			if _, ok := sums(info)[derived]; ok {
				t.Errorf("the backup holds %s", derived)
			}
		}
		// The sign-in tables restore with rows in them (a test of backups of the TOTP secret).
		for _, table := range []string{"sessions", "totp", "recovery_codes", "login_challenges", "oidc_logins", "api_tokens"} {
			if sums(info)[table].Rows == 0 {
				t.Errorf("table %s: empty in the backup; make fill write to it", table)
			}
		}
		read, err := store.ReadBackup(bytes.NewReader(file))
		if err != nil {
			t.Fatalf("read back: %v", err)
		}
		if len(read.Tables) != len(info.Tables) || read.Rows() != info.Rows() {
			t.Errorf("read back %+v, written %+v", read.Tables, info.Tables)
		}
		targets := map[string]store.Config{"sqlite": {SQLitePath: storetest.EmptySQLite(t)}}
		if !testing.Short() {
			targets["postgres"] = store.Config{PostgresURL: storetest.EmptyPostgres(t)}
		}
		for name, to := range targets {
			t.Run("to "+name, func(t *testing.T) {
				if _, err := store.Restore(ctx, to, bytes.NewReader(file), store.RestoreOptions{}); err != nil {
					t.Fatalf("restore: %v", err)
				}
				dst := open(t, to)
				if v, _ := dst.Version(ctx); v != store.SchemaVersion() {
					t.Errorf("version after restore %d", v)
				}
				// The same rows make the same checksums, whichever database they come from.
				_, again := backup(t, dst)
				for table, want := range sums(info) {
					if got := sums(again)[table]; got != want {
						t.Errorf("%s: restored %+v, backed up %+v", table, got, want)
					}
				}
				// New rows get new ids: on PostgreSQL the sequences were moved on.
				p := mustPerson(t, dst, "New", "new@example.com", 0)
				ada, err := dst.PersonByEmail(ctx, "ada@example.com")
				if err != nil || p.ID <= ada.ID {
					t.Errorf("new person id %d after restored %d (%v)", p.ID, ada.ID, err)
				}
				grace, err := dst.PersonByEmail(ctx, "grace@example.com")
				if err != nil || grace.ManagerID != ada.ID || grace.Level != "L3" || grace.Title != "Senior Engineer" {
					t.Errorf("restored report: %+v, %v", grace, err)
				}
				// The reporting chain and the text index were built again from the rows.
				if ok, err := dst.Manages(ctx, ada.ID, grace.ID); !ok || err != nil {
					t.Errorf("Ada manages Grace after the restore: %v, %v", ok, err)
				}
				chain, err := dst.ManagerChain(ctx, grace.ID)
				if err != nil || len(chain) != 1 || chain[0].ID != ada.ID {
					t.Errorf("Grace's managers after the restore: %v, %v", chain, err)
				}
				below, err := dst.PeoplePage(ctx, store.PeopleFilter{Under: ada.ID, Limit: 10})
				if err != nil || len(below.People) != 1 || below.People[0].ID != grace.ID {
					t.Errorf("below Ada after the restore: %+v, %v", below.People, err)
				}
				for _, q := range []string{"hopp", "Gr", "grace@exa"} {
					found, err := dst.PeoplePage(ctx, store.PeopleFilter{Query: q, Limit: 10})
					if err != nil || len(found.People) != 1 || found.People[0].ID != grace.ID {
						t.Errorf("search %q after the restore: %+v, %v", q, found.People, err)
					}
				}
			})
		}
	})
}

func TestRestoreRefusesDataWithoutForce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		src := open(t, cfg)
		fill(t, src)
		file, info := backup(t, src)
		// The source itself holds data: refused, and left as it was.
		mustPerson(t, src, "Later", "later@example.com", 0)
		_, err := store.Restore(ctx, cfg, bytes.NewReader(file), store.RestoreOptions{})
		var full *store.NotEmptyError
		if !errors.As(err, &full) || !strings.Contains(err.Error(), "people: 3") {
			t.Fatalf("restore over data: %v, want a NotEmptyError naming 3 people", err)
		}
		if _, err := src.PersonByEmail(ctx, "later@example.com"); err != nil {
			t.Errorf("refused restore changed the database: %v", err)
		}
		src.Close()
		// With Force it goes back to the backup: the later person is gone.
		if _, err := store.Restore(ctx, cfg, bytes.NewReader(file), store.RestoreOptions{Force: true}); err != nil {
			t.Fatalf("forced restore: %v", err)
		}
		dst := open(t, cfg)
		if _, err := dst.PersonByEmail(ctx, "later@example.com"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("person written after the backup: %v, want not found", err)
		}
		if _, again := backup(t, dst); sums(again)["people"] != sums(info)["people"] {
			t.Errorf("people after forced restore differ from the backup")
		}
	})
}

// A damaged file is refused whole: nothing of it is restored, the database keeps its rows.
func TestRestoreRefusesDamagedBackups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	eachBackend(t, func(t *testing.T, cfg store.Config) {
		src := open(t, cfg)
		fill(t, src)
		file, _ := backup(t, src)
		text := gunzip(t, file)
		tests := []struct {
			name, text, want string
		}{
			{"row changed", strings.Replace(text, "grace@example.com", "mallory@example.com", 1), "checksum"},
			{"cut short", text[:strings.Index(text, `{"manifest"`)], "ends before its manifest"},
			{"row added", strings.Replace(text, `{"end":"people"`, "[99,\"X\",\"x@example.com\",null,\"\",\"\",\"\",\"2024-01-01\",\"active\",\"2024-01-01T00:00:00Z\",\"2024-01-01T00:00:00Z\",\"\",1,null,null]\n{\"end\":\"people\"", 1), "rows"},
			{"not a backup", "hello\n", "header"},
			{"newer format", strings.Replace(text, `"format_version":1`, `"format_version":2`, 1), "format version 2"},
			{"newer schema", strings.Replace(text, `"schema_version":`, `"schema_version":99`, 1), "newer than this rungs knows"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := store.Restore(ctx, cfg, bytes.NewReader(gzipped(t, tt.text)), store.RestoreOptions{Force: true})
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("restore: %v, want an error with %q", err, tt.want)
				}
				s := open(t, cfg)
				if _, err := s.PersonByEmail(ctx, "grace@example.com"); err != nil {
					t.Errorf("database changed by a refused restore: %v", err)
				}
			})
		}
	})
}

// A backup of an older schema restores into this rungs' schema: its rows are loaded into the
// tables as they were, and the later migrations run over them.
func TestRestoreOfAnOlderSchemaIsMigrated(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	first, err := os.ReadFile("migrations/0001_people.sql")
	if err != nil {
		t.Fatal(err)
	}
	eachEmptyBackend(t, func(t *testing.T, cfg store.Config) {
		old, err := store.OpenWithMigrations(ctx, cfg, fstest.MapFS{"migrations/0001_people.sql": {Data: first}})
		if err != nil {
			t.Fatal(err)
		}
		defer old.Close()
		if _, err := old.DB().ExecContext(ctx, old.Rebind(`INSERT INTO people (id, name, email, start_date, created_at, updated_at)
			VALUES (7, 'Ada', 'ada@example.com', ?, ?, ?)`), day("2020-02-03"), time.Now().UTC(), time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		file, info := backup(t, old)
		if info.Schema != 1 || len(info.Tables) != 5 {
			t.Fatalf("backup of schema 1: %+v %+v", info, info.Tables)
		}
		to := store.Config{SQLitePath: storetest.EmptySQLite(t)}
		if _, err := store.Restore(ctx, to, bytes.NewReader(file), store.RestoreOptions{}); err != nil {
			t.Fatalf("restore: %v", err)
		}
		s := open(t, to)
		if v, _ := s.Version(ctx); v != store.SchemaVersion() {
			t.Errorf("version %d after restore, want %d", v, store.SchemaVersion())
		}
		p, err := s.Person(ctx, 7)
		if err != nil || p.Email != "ada@example.com" || p.Title != "" || !p.StartDate.Equal(day("2020-02-03")) {
			t.Errorf("restored person: %+v, %v", p, err)
		}
	})
}

func gunzip(t *testing.T, b []byte) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func gzipped(t *testing.T, s string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(s))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkBackup backs up, and restores into a new database of the same kind, 100,000
// people with their hires (and the audit of the import): the figures in docs/operations.md.
//
//	go test -run '^$' -bench 'Backup' -benchtime 3x ./internal/store
func BenchmarkBackup(b *testing.B) {
	const size = 100_000
	rows := bulkRows("p", size)
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			fresh := freshDatabases(b, backend)
			ctx := context.Background()
			s := fresh()
			defer s.Close()
			if _, err := s.ImportPeople(ctx, rows, 0); err != nil {
				b.Fatal(err)
			}
			var file []byte
			b.Run("backup", func(b *testing.B) {
				for b.Loop() {
					var buf bytes.Buffer
					info, err := s.Backup(ctx, &buf, "bench")
					if err != nil || sums(info)["people"].Rows != size {
						b.Fatalf("backup: %v", err)
					}
					file = buf.Bytes()
				}
				b.ReportMetric(float64(len(file))/(1<<20), "MiB")
				b.ReportMetric(float64(size*b.N)/b.Elapsed().Seconds(), "people/s")
			})
			b.Run("restore", func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					cfg := store.Config{SQLitePath: storetest.EmptySQLite(b)}
					if backend == "postgres" {
						cfg = store.Config{PostgresURL: storetest.EmptyPostgres(b)}
					}
					b.StartTimer()
					if _, err := store.Restore(ctx, cfg, bytes.NewReader(file), store.RestoreOptions{}); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(size*b.N)/b.Elapsed().Seconds(), "people/s")
			})
		})
	}
}
