package checkins_test

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/checkins"
)

func TestExpectationLinks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, notes string
		want        []string
	}{
		{"none", "We talked about the roadmap.", nil},
		{"one", "Talked about #leads-incident-follow-ups today.", []string{"leads-incident-follow-ups"}},
		{"at the start, twice, and in brackets", "#writing is better (#writing, #code-review).", []string{"writing", "code-review"}},
		{"on a new line", "Notes:\n#mentors-others-2", []string{"mentors-others-2"}},
		{"a number is not an id", "Merged PR #42 and #7.", nil},
		{"a web address's fragment is not a link", "See https://example.com/page#section", nil},
		{"a capital is not an id", "#Heading and #writingX", nil},
		{"a dash at the end is the sentence's", "More #writing- soon", []string{"writing"}},
		{"a lone hash", "# and #-", nil},
	} {
		if got := checkins.ExpectationLinks(tc.notes); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q gives %q, want %q", tc.name, tc.notes, got, tc.want)
		}
	}
}

// known is the framework's expectation ids, as the app gives them.
func known(id string) bool { return id == "writing" || id == "code-review" || id == "mentoring" }

func TestCheckIns(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		grand := mustPerson(t, s, "Grace", "grace@example.com", 0)
		manager := mustPerson(t, s, "Max", "max@example.com", grand.ID)
		sam := mustPerson(t, s, "Sam", "sam@example.com", manager.ID)
		other := mustPerson(t, s, "Otto", "otto@example.com", 0)

		for _, tc := range []struct {
			name string
			c    checkins.CheckIn
			want error
		}{
			{"not above them", checkins.CheckIn{PersonID: sam.ID, ManagerID: other.ID, HeldOn: day("2026-01-05")}, store.ErrConflict},
			{"below them", checkins.CheckIn{PersonID: manager.ID, ManagerID: sam.ID, HeldOn: day("2026-01-05")}, store.ErrConflict},
			{"no date", checkins.CheckIn{PersonID: sam.ID, ManagerID: manager.ID}, nil},
			{"with themselves", checkins.CheckIn{PersonID: sam.ID, ManagerID: sam.ID, HeldOn: day("2026-01-05")}, nil},
			{"notes too long", checkins.CheckIn{PersonID: sam.ID, ManagerID: manager.ID, HeldOn: day("2026-01-05"), Shared: strings.Repeat("x", checkins.MaxCheckInNotes+1)}, nil},
			{"a control character", checkins.CheckIn{PersonID: sam.ID, ManagerID: manager.ID, HeldOn: day("2026-01-05"), Shared: "a\x00b"}, nil},
		} {
			_, err := checkins.CreateCheckIn(ctx, s, tc.c, known)
			checkFailure(t, tc.name, err, tc.want)
		}
		_, err := checkins.CreateCheckIn(ctx, s, checkins.CheckIn{PersonID: sam.ID, ManagerID: manager.ID, HeldOn: day("2026-01-05"), Shared: "#writing and #nope"}, known)
		var unknown *checkins.UnknownExpectationError
		if !errors.As(err, &unknown) || unknown.ID != "nope" {
			t.Errorf("an unknown expectation: %v, want one naming nope", err)
		}
		if got, _ := checkins.CheckIns(ctx, s, sam.ID); len(got) != 0 {
			t.Fatalf("refused check-ins were stored: %+v", got)
		}

		first, err := checkins.CreateCheckIn(ctx, s, checkins.CheckIn{PersonID: sam.ID, ManagerID: manager.ID, HeldOn: day("2026-01-05"),
			Shared: "Line one about #writing.\nLine two about #code-review and #writing again."}, known)

		if err != nil {
			t.Fatal(err)
		}
		if !first.HeldOn.Equal(day("2026-01-05")) || !slices.Equal(first.Expectations, []string{"writing", "code-review"}) || first.UpdatedBy != manager.ID {
			t.Errorf("created %+v", first)
		}
		// A skip-level meeting is held by the manager's manager.
		second, err := checkins.CreateCheckIn(ctx, s, checkins.CheckIn{PersonID: sam.ID, ManagerID: grand.ID, HeldOn: day("2026-01-19")}, known)
		if err != nil {
			t.Fatal(err)
		}
		// Made later, held earlier: the list goes by the date held.
		third, err := checkins.CreateCheckIn(ctx, s, checkins.CheckIn{PersonID: sam.ID, ManagerID: manager.ID, HeldOn: day("2025-12-15"), Shared: "#mentoring"}, known)
		if err != nil {
			t.Fatal(err)
		}
		list, err := checkins.CheckIns(ctx, s, sam.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, c := range list {
			ids = append(ids, c.ID)
		}
		if !slices.Equal(ids, []int64{second.ID, first.ID, third.ID}) {
			t.Errorf("list order %v, want %v", ids, []int64{second.ID, first.ID, third.ID})
		}
		// Those who held them, each once, with the names a timeline shows: three check-ins,
		// two managers; nobody held one with Otto.
		for person, want := range map[int64]map[int64]string{sam.ID: {manager.ID: "Max", grand.ID: "Grace"}, other.ID: {}} {
			r, names := s.Reads(), map[int64]string{}
			var held []checkins.CheckIn
			checkins.ReadCheckIns(r, person, &held, names)
			if err := r.Run(ctx); err != nil || !maps.Equal(names, want) {
				t.Errorf("managers of the check-ins of %d: %v, %v; want %v", person, names, err, want)
			}
		}
		if got, err := checkins.Find(ctx, s, sam.ID, first.ID); err != nil || got.Shared != first.Shared || len(got.Expectations) != 2 {
			t.Errorf("read back %+v, %v", got, err)
		}
		if _, err := checkins.Find(ctx, s, other.ID, first.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("someone else's check-in by its id: %v, want not found", err)
		}

		// Editing the notes replaces their links; a refused edit keeps the old ones.
		if _, err := checkins.UpdateCheckIn(ctx, s, checkins.CheckIn{ID: first.ID, PersonID: sam.ID, HeldOn: day("2026-01-06"), Shared: "#zzz"}, grand.ID, known); err == nil {
			t.Error("an edit naming an unknown expectation was taken")
		}
		upd, err := checkins.UpdateCheckIn(ctx, s, checkins.CheckIn{ID: first.ID, PersonID: sam.ID, HeldOn: day("2026-01-06"), Shared: "Now only #mentoring."}, grand.ID, known)
		if err != nil {
			t.Fatal(err)
		}
		if upd.ManagerID != manager.ID || upd.UpdatedBy != grand.ID || !upd.HeldOn.Equal(day("2026-01-06")) || !slices.Equal(upd.Expectations, []string{"mentoring"}) {
			t.Errorf("updated %+v", upd)
		}
		if _, err := checkins.UpdateCheckIn(ctx, s, checkins.CheckIn{ID: first.ID, PersonID: other.ID, HeldOn: day("2026-01-06")}, grand.ID, known); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an edit through another person: %v, want not found", err)
		}
		held, err := checkins.CheckIns(ctx, s, sam.ID)
		if err != nil {
			t.Fatal(err)
		}
		if talks := checkins.Talks(held); len(talks) != 1 || talks[0].Expectation != "mentoring" || len(talks[0].CheckIns) != 2 ||
			talks[0].CheckIns[0].ID != first.ID || talks[0].CheckIns[1].ID != third.ID {
			t.Errorf("talked about %+v", talks)
		}
	})
}

func TestCheckInPrivateNotesAndActions(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		manager := mustPerson(t, s, "Max", "max@example.com", 0)
		sam := mustPerson(t, s, "Sam", "sam@example.com", manager.ID)
		other := mustPerson(t, s, "Otto", "otto@example.com", 0)
		c, err := checkins.CreateCheckIn(ctx, s, checkins.CheckIn{PersonID: sam.ID, ManagerID: manager.ID, HeldOn: day("2026-02-02")}, known)
		if err != nil {
			t.Fatal(err)
		}

		// Each author keeps their own note; nobody reads another's.
		if err := checkins.SavePrivateNote(ctx, s, sam.ID, c.ID, manager.ID, "  Max's own thoughts  "); err != nil {
			t.Fatal(err)
		}
		if err := checkins.SavePrivateNote(ctx, s, sam.ID, c.ID, sam.ID, "Sam's own thoughts"); err != nil {
			t.Fatal(err)
		}
		if n, err := checkins.PrivateNoteOf(ctx, s, sam.ID, c.ID, manager.ID); err != nil || n.Body != "Max's own thoughts" {
			t.Errorf("the manager's note: %+v, %v", n, err)
		}
		if n, err := checkins.PrivateNoteOf(ctx, s, sam.ID, c.ID, sam.ID); err != nil || n.Body != "Sam's own thoughts" {
			t.Errorf("the person's note: %+v, %v", n, err)
		}
		if _, err := checkins.PrivateNoteOf(ctx, s, sam.ID, c.ID, other.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a note nobody wrote: %v", err)
		}
		if _, err := checkins.PrivateNoteOf(ctx, s, other.ID, c.ID, manager.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a note reached through another person: %v", err)
		}
		if err := checkins.SavePrivateNote(ctx, s, other.ID, c.ID, manager.ID, "x"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a note written through another person: %v", err)
		}
		if err := checkins.SavePrivateNote(ctx, s, sam.ID, c.ID, manager.ID, strings.Repeat("x", checkins.MaxCheckInNotes+1)); err == nil {
			t.Error("a note too long was kept")
		}
		if err := checkins.SavePrivateNote(ctx, s, sam.ID, c.ID, manager.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := checkins.PrivateNoteOf(ctx, s, sam.ID, c.ID, manager.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an emptied note is still there: %v", err)
		}

		for _, tc := range []struct {
			name string
			a    checkins.ActionItem
			want error
		}{
			{"empty", checkins.ActionItem{CheckInID: c.ID, PersonID: sam.ID, Owner: checkins.PersonOwns, Text: "  "}, nil},
			{"no owner", checkins.ActionItem{CheckInID: c.ID, PersonID: sam.ID, Text: "Do it"}, nil},
			{"two lines", checkins.ActionItem{CheckInID: c.ID, PersonID: sam.ID, Owner: checkins.PersonOwns, Text: "a\nb"}, nil},
			{"too long", checkins.ActionItem{CheckInID: c.ID, PersonID: sam.ID, Owner: checkins.PersonOwns, Text: strings.Repeat("x", checkins.MaxActionItem+1)}, nil},
			{"another person's check-in", checkins.ActionItem{CheckInID: c.ID, PersonID: other.ID, Owner: checkins.PersonOwns, Text: "Do it"}, store.ErrNotFound},
		} {
			_, err := checkins.AddActionItem(ctx, s, tc.a)
			checkFailure(t, tc.name, err, tc.want)
		}
		write, err := checkins.AddActionItem(ctx, s, checkins.ActionItem{CheckInID: c.ID, PersonID: sam.ID, Owner: checkins.PersonOwns, Text: "Write the design doc", CreatedBy: manager.ID})
		if err != nil {
			t.Fatal(err)
		}
		book, err := checkins.AddActionItem(ctx, s, checkins.ActionItem{CheckInID: c.ID, PersonID: sam.ID, Owner: checkins.ManagerOwns, Text: "Book the training", CreatedBy: sam.ID})
		if err != nil {
			t.Fatal(err)
		}
		done, err := checkins.SetActionDone(ctx, s, sam.ID, c.ID, write.ID, true, sam.ID)
		if err != nil || !done.Done() || done.DoneBy != sam.ID {
			t.Fatalf("done: %+v, %v", done, err)
		}
		if _, err := checkins.SetActionDone(ctx, s, sam.ID, c.ID, write.ID, true, sam.ID); !errors.Is(err, store.ErrConflict) {
			t.Errorf("done twice: %v, want a conflict", err)
		}
		if _, err := checkins.SetActionDone(ctx, s, other.ID, c.ID, book.ID, true, other.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("done through another person: %v, want not found", err)
		}
		items, err := checkins.ActionItems(ctx, s, sam.ID, 0)
		if err != nil || len(items) != 2 || items[0].ID != book.ID || items[1].ID != write.ID {
			t.Errorf("open items first: %+v, %v", items, err)
		}
		open, err := checkins.SetActionDone(ctx, s, sam.ID, c.ID, write.ID, false, sam.ID)
		if err != nil || open.Done() || open.DoneBy != 0 {
			t.Errorf("open again: %+v, %v", open, err)
		}
		if items, _ := checkins.ActionItems(ctx, s, sam.ID, c.ID+1); len(items) != 0 {
			t.Errorf("items of a check-in that is not there: %+v", items)
		}
	})
}

// A check-in and what comes with it are written in one transaction: when a later part fails,
// none of it is kept.
func TestCheckInWrittenWhole(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		manager := mustPerson(t, s, "Max", "max@example.com", 0)
		sam := mustPerson(t, s, "Sam", "sam@example.com", manager.ID)
		err := s.WithTx(ctx, func(tx *store.Store) error {
			c, err := checkins.CreateCheckIn(ctx, tx, checkins.CheckIn{PersonID: sam.ID, ManagerID: manager.ID, HeldOn: day("2026-02-02"), Shared: "#writing"}, known)
			if err != nil {
				return err
			}
			if err := checkins.SavePrivateNote(ctx, tx, sam.ID, c.ID, manager.ID, "mine"); err != nil {
				return err
			}
			_, err = checkins.AddActionItem(ctx, tx, checkins.ActionItem{CheckInID: c.ID, PersonID: sam.ID, Owner: "nobody", Text: "x"})
			return err
		})
		if err == nil {
			t.Fatal("an item without a valid owner was taken")
		}
		if list, _ := checkins.CheckIns(ctx, s, sam.ID); len(list) != 0 {
			t.Errorf("half a check-in was kept: %+v", list)
		}
		var links int
		if err := s.QueryRow(ctx, `SELECT count(*) FROM checkin_expectations WHERE person_id = ?`, sam.ID).Scan(&links); err != nil || links != 0 {
			t.Errorf("links of a check-in not kept: %d, %v", links, err)
		}
	})
}
