package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rungs/rungs/internal/store"
)

func TestAuditLog(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		base := time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)
		in := []store.AuditEntry{
			{At: base, Actor: 1, Action: "login"},
			{At: base.Add(time.Hour), Actor: 1, Action: "person.read", Subject: 2},
			{At: base.Add(time.Hour), Actor: 2, Action: "person.update", Subject: 2, Detail: "name"}, // same time: id orders
			{At: base.Add(2 * time.Hour), Action: "login.failed", Detail: "ada@example.com", Address: "192.0.2.7"},
			// In a time zone and with nanoseconds: stored in UTC, to the microsecond.
			{At: base.Add(3*time.Hour + 1500*time.Nanosecond).In(time.FixedZone("CET", 3600)), Actor: 2, Action: "person.read", Subject: 1},
		}
		var added []store.AuditEntry
		for _, e := range in {
			a, err := s.AddAudit(ctx, e)
			if err != nil {
				t.Fatal(err)
			}
			want := e
			want.ID, want.At = a.ID, e.At.UTC().Truncate(time.Microsecond)
			// SQLite's entries have no id until they move from the journal into the log.
			if (a.ID == 0 && s.Dialect() == "postgres") || a != want {
				t.Errorf("added %+v, want %+v", a, want)
			}
			added = append(added, a)
		}
		now, err := s.AddAudit(ctx, store.AuditEntry{Actor: 3, Action: " export "})
		if err != nil {
			t.Fatal(err)
		}
		if now.At.Before(base.Add(24*time.Hour)) || now.Action != "export" {
			t.Errorf("entry without a time: %+v", now)
		}
		added = append(added, now)
		if _, err := s.AddAudit(ctx, store.AuditEntry{Actor: 1, Action: "  "}); err == nil {
			t.Error("entry without an action: no error")
		}

		// The entries as stored, with their ids.
		stored, err := s.AuditLog(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for i, a := range added {
			for _, e := range stored {
				if id := e.ID; a.ID == 0 || a.ID == id {
					if e.ID = a.ID; e == a {
						added[i].ID = id
						break
					}
				}
			}
			if added[i].ID == 0 {
				t.Fatalf("entry %+v is not in the log", a)
			}
		}

		ids := func(want ...int) []int64 { // indexes into added -> ids
			out := []int64{}
			for _, i := range want {
				out = append(out, added[i].ID)
			}
			return out
		}
		tests := []struct {
			name string
			f    store.AuditFilter
			want []int64
		}{
			{"everything, newest first", store.AuditFilter{}, ids(5, 4, 3, 2, 1, 0)},
			{"actor", store.AuditFilter{Actor: 1}, ids(1, 0)},
			{"subject", store.AuditFilter{Subject: 2}, ids(2, 1)},
			{"action", store.AuditFilter{Action: "person.read"}, ids(4, 1)},
			{"action is exact", store.AuditFilter{Action: "login"}, ids(0)},
			{"since is inclusive", store.AuditFilter{Since: base.Add(time.Hour)}, ids(5, 4, 3, 2, 1)},
			{"until is exclusive", store.AuditFilter{Until: base.Add(2 * time.Hour)}, ids(2, 1, 0)},
			{"between", store.AuditFilter{Since: base.Add(time.Hour), Until: base.Add(2 * time.Hour)}, ids(2, 1)},
			{"times in another zone", store.AuditFilter{Since: base.Add(time.Hour).In(time.FixedZone("X", -5*3600))}, ids(5, 4, 3, 2, 1)},
			{"since within a second", store.AuditFilter{Since: base.Add(3*time.Hour + time.Microsecond)}, ids(5, 4)},
			{"until within a second", store.AuditFilter{Until: base.Add(3*time.Hour + time.Microsecond)}, ids(3, 2, 1, 0)},
			{"actor and action", store.AuditFilter{Actor: 2, Action: "person.read"}, ids(4)},
			{"nothing matches", store.AuditFilter{Actor: 1, Subject: 1}, ids()},
			{"address", store.AuditFilter{Address: "192.0.2.7"}, ids(3)},
			{"any of the actions", store.AuditFilter{Actions: []string{"login", "login.failed", "nothing"}}, ids(3, 0)},
			{"action and actions both narrow", store.AuditFilter{Action: "login", Actions: []string{"login", "export"}}, ids(0)},
			{"throttling: failures from an address", store.AuditFilter{Action: "login.failed", Address: "192.0.2.7", Since: base.Add(time.Hour)}, ids(3)},
			{"throttling: failures against a person", store.AuditFilter{Action: "login.failed", Subject: 2, Since: base}, ids()},
			{"throttling: failures for an email", store.AuditFilter{Action: "login.failed", Detail: "ada@example.com", Since: base}, ids(3)},
			{"detail is exact", store.AuditFilter{Detail: "ada@example"}, ids()},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.AuditLog(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				var gotIDs = []int64{}
				for _, e := range got {
					gotIDs = append(gotIDs, e.ID)
				}
				if !slices.Equal(gotIDs, tt.want) {
					t.Errorf("ids %v, want %v", gotIDs, tt.want)
				}
				n, err := s.CountAudit(ctx, tt.f)
				if err != nil || n != len(tt.want) {
					t.Errorf("CountAudit = %d, %v; want %d", n, err, len(tt.want))
				}
				// EachAudit gives the same entries, oldest first, and all of them whatever the limit.
				f := tt.f
				f.Limit = 1
				eachIDs := []int64{}
				if err := s.EachAudit(ctx, f, func(e store.AuditEntry) error {
					eachIDs = append(eachIDs, e.ID)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				slices.Reverse(eachIDs)
				if !slices.Equal(eachIDs, tt.want) {
					t.Errorf("EachAudit ids (reversed) %v, want %v", eachIDs, tt.want)
				}
			})
		}

		// Entries read back equal the ones added.
		all, err := s.AuditLog(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range all {
			i := slices.IndexFunc(added, func(a store.AuditEntry) bool { return a.ID == e.ID })
			if i < 0 || e != added[i] {
				t.Errorf("read %+v, added %+v", e, added[i])
			}
		}
	})
}

func TestAuditLogPages(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		var want []time.Time // newest first
		for i := range 7 {
			e, err := s.AddAudit(ctx, store.AuditEntry{At: base.Add(time.Duration(i) * time.Minute), Actor: 1, Action: "person.read"})
			if err != nil {
				t.Fatal(err)
			}
			want = append([]time.Time{e.At}, want...)
		}
		var got []time.Time
		pages := 0
		for offset := 0; ; offset += 3 {
			page, err := s.AuditLog(ctx, store.AuditFilter{Actor: 1, Limit: 3, Offset: offset})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, e := range page {
				got = append(got, e.At)
			}
			if len(page) < 3 {
				break
			}
		}
		if !slices.Equal(got, want) || pages != 3 {
			t.Errorf("paged entries at %v in %d pages, want %v in 3", got, pages, want)
		}
		for _, f := range []store.AuditFilter{{Limit: -1}, {Limit: store.MaxLimit + 1}, {Offset: -1}} {
			if _, err := s.AuditLog(ctx, f); err == nil {
				t.Errorf("AuditLog(%+v): no error", f)
			}
		}
	})
}

// An error from EachAudit's function stops it and comes back as it is.
func TestEachAuditStops(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		for range 3 {
			if _, err := s.AddAudit(ctx, store.AuditEntry{Action: "login"}); err != nil {
				t.Fatal(err)
			}
		}
		stop := errors.New("stop")
		calls := 0
		err := s.EachAudit(ctx, store.AuditFilter{}, func(store.AuditEntry) error {
			calls++
			return stop
		})
		if err != stop || calls != 1 {
			t.Errorf("EachAudit = %v after %d calls, want stop after 1", err, calls)
		}
	})
}

// The log is append-only because nothing can change it: no store method but AddAudit and
// StartAudit, which append, writes it.
func TestAuditAppendOnly(t *testing.T) {
	t.Parallel()
	readers := []string{"AuditLog", "CountAudit", "EachAudit"}
	appenders := []string{"AddAudit", "StartAudit"}
	typ := reflect.TypeFor[*store.Store]()
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		if strings.Contains(name, "Audit") && !slices.Contains(appenders, name) && !slices.Contains(readers, name) {
			t.Errorf("method %s may change the audit log", name)
		}
	}
}

// A long detail is cut to MaxAuditDetail characters, not bytes: no character is split, and the
// entry still fits the index on its detail.
func TestAuditDetailIsCut(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		long, err := s.AddAudit(context.Background(), store.AuditEntry{Action: "import", Detail: strings.Repeat("é", 3*store.MaxAuditDetail)})
		if err != nil {
			t.Fatal(err)
		}
		if long.Detail != strings.Repeat("é", store.MaxAuditDetail) {
			t.Errorf("a long detail is stored as %d characters, want %d", utf8.RuneCountInString(long.Detail), store.MaxAuditDetail)
		}
	})
}

// holdLog keeps entries added outside a transaction from being written until release is
// called: on PostgreSQL a transaction of the test's locks the log; SQLite's entries go to
// the audit journal first, which the test holds. A test that fails first is released too.
func holdLog(t *testing.T, s *store.Store) (release func()) {
	t.Helper()
	ctx := context.Background()
	free, freed := make(chan struct{}), make(chan error, 1)
	if s.Dialect() == "postgres" {
		held := make(chan error, 1)
		go func() {
			freed <- s.WithTx(ctx, func(tx *store.Store) error {
				_, err := tx.Exec(ctx, "LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE")
				held <- err
				if err == nil {
					<-free
				}
				return err
			})
		}()
		if err := <-held; err != nil {
			t.Fatal(err)
		}
	} else {
		unhold := s.HoldLogJournal()
		go func() {
			<-free
			unhold()
			freed <- nil
		}()
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			close(free)
			if err := <-freed; err != nil {
				t.Error(err)
			}
		})
	}
	t.Cleanup(release)
	return release
}

// StartAudit returns while its entry is still on its way (the journal held on SQLite, the log
// locked on PostgreSQL); Wait returns once the entry is written.
func TestStartAuditReturnsAtOnce(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		release := holdLog(t, s)
		started := make(chan *store.AuditPending, 1)
		go func() {
			started <- s.StartAudit(ctx, store.AuditEntry{Action: "person.view", Subject: 7, Detail: "held"})
		}()
		var p *store.AuditPending
		select {
		case p = <-started:
		case <-time.After(30 * time.Second):
			t.Fatal("StartAudit did not return while its entry could not be written")
		}
		select {
		case <-p.Done():
			t.Fatal("the entry is done while the log is held")
		default:
		}
		release()
		e, err := p.Wait()
		if err != nil || e.Subject != 7 || e.Detail != "held" {
			t.Fatalf("Wait = %+v, %v", e, err)
		}
		if n, err := s.CountAudit(ctx, store.AuditFilter{Action: "person.view", Subject: 7}); err != nil || n != 1 {
			t.Errorf("%d entries in the log (%v), want 1", n, err)
		}
		// An entry that cannot be written says why, from Wait.
		if _, err := s.StartAudit(ctx, store.AuditEntry{Action: " "}).Wait(); err == nil {
			t.Error("an entry without an action was written")
		}
	})
}

// Entries added at once outside a transaction share commits: while one group is written, the
// others wait and go into the next group together (written a few to a statement). Each caller
// returns once its own entry is committed, with its own id, also when two entries are alike.
func TestAuditGroupCommit(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 50
		// The first group cannot be written until the others all wait behind it.
		release := holdLog(t, s)
		var reportMu sync.Mutex
		var reported []int
		s.ReportLogWrites(func(took time.Duration, entries int) {
			reportMu.Lock()
			defer reportMu.Unlock()
			if took <= 0 {
				t.Errorf("a group of %d written in %v", entries, took)
			}
			reported = append(reported, entries)
		})
		allWaiting := make(chan struct{})
		s.OnLogGroupWait(func(waiting int) {
			if waiting == n-1 {
				close(allWaiting)
			}
		})
		type result struct {
			e   store.AuditEntry
			err error
		}
		results := make(chan result, n)
		for i := range n {
			go func() {
				// Two of each: alike entries, told apart only by their ids. Every column
				// varies between pairs, the actor between none (NULL) and someone.
				e, err := s.AddAudit(ctx, store.AuditEntry{Action: "person.view", Actor: int64(i / 2 % 3), Subject: int64(i/2 + 1),
					At: time.Unix(1e9+int64(i/2), 0), Detail: fmt.Sprintf("read %d", i/2), Address: fmt.Sprintf("10.0.0.%d", i/2)})
				results <- result{e, err}
			}()
		}
		<-allWaiting
		release()
		var all []result
		for range n {
			all = append(all, <-results)
		}
		ids := map[int64]int64{}
		for _, r := range all {
			if r.err != nil {
				t.Fatal(r.err)
			}
			got, err := s.AuditLog(ctx, store.AuditFilter{Subject: r.e.Subject, Action: "person.view"})
			if s.Dialect() != "postgres" {
				// SQLite's entries come back without an id, from the journal.
				if err != nil || len(got) != 2 || r.e.ID != 0 || got[0].ID == got[1].ID {
					t.Errorf("entry %d as read back: %+v, %v", r.e.Subject, got, err)
				}
				continue
			}
			if other, dup := ids[r.e.ID]; dup || r.e.ID == 0 {
				t.Errorf("entry %d has id %d, as entry %d does", r.e.Subject, r.e.ID, other)
			}
			ids[r.e.ID] = r.e.Subject
			if err != nil || len(got) != 2 || !slices.Contains(got, r.e) {
				t.Errorf("entry %d as read back: %+v, %v; want two, one of them %+v", r.e.Subject, got, err, r.e)
			}
		}
		if groups := s.LogGroups(); groups != 2 {
			t.Errorf("%d entries in %d groups, want 2: the first alone, then the %d that waited", n, groups, n-1)
		}
		// Each group is reported once written; an entry of a transaction is not in one.
		if err := s.WithTx(ctx, func(tx *store.Store) error {
			_, err := tx.AddAudit(ctx, store.AuditEntry{Action: "person.update", Subject: 1})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		reportMu.Lock()
		defer reportMu.Unlock()
		if !slices.Equal(reported, []int{1, n - 1}) {
			t.Errorf("groups reported: %v, want [1 %d]", reported, n-1)
		}
	})
}
