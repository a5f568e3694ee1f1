package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/rungs/rungs/internal/store"
)

func TestListPeopleUnderQueryUnlevelled(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		o := makeOrg(t, s)
		// Names with LIKE's special characters, which a query must match literally.
		for i, name := range []string{"a_b", "axb", "50% off", "50 off", `back\slash`, "backslash"} {
			mustPerson(t, s, name, "odd"+string(rune('a'+i))+"@example.com", o["ops"].ID)
		}
		if _, err := s.AddLevelChange(ctx, store.LevelChange{PersonID: o["lead"].ID, Ladder: "eng", Track: "ic", ToLevel: "L3",
			Date: day("2024-03-01"), Reason: store.Hire}); err != nil {
			t.Fatal(err)
		}
		odd := []string{"50 off", "50% off", "a_b", "axb", `back\slash`, "backslash"}
		tests := []struct {
			name   string
			filter store.PeopleFilter
			want   []string
		}{
			{"under the top, three levels down", store.PeopleFilter{Under: o["ceo"].ID},
				append(slices.Clone(odd), "cfo", "dev", "lead", "ops", "vp")},
			{"under a middle manager", store.PeopleFilter{Under: o["lead"].ID}, []string{"dev"}},
			{"under someone without reports", store.PeopleFilter{Under: o["dev"].ID}, []string{}},
			{"under someone in a cycle: not themselves", store.PeopleFilter{Under: o["loop1"].ID}, []string{"loop2", "loop3"}},
			{"under, and direct reports", store.PeopleFilter{Under: o["ceo"].ID, ManagerID: o["vp"].ID}, []string{"lead", "ops"}},
			{"query, any case", store.PeopleFilter{Query: "LOOP"}, []string{"loop1", "loop2", "loop3"}},
			{"query in the email", store.PeopleFilter{Query: "oddc@"}, []string{"50% off"}},
			{"query, spaces trimmed", store.PeopleFilter{Query: "  cfo "}, []string{"cfo"}},
			{"query _ is literal", store.PeopleFilter{Query: "a_b"}, []string{"a_b"}},
			{"query % is literal", store.PeopleFilter{Query: "0% "}, []string{"50% off"}},
			{`query \ is literal`, store.PeopleFilter{Query: `k\s`}, []string{`back\slash`}},
			{"query and under", store.PeopleFilter{Query: "OFF", Under: o["vp"].ID}, odd[:2]},
			{"query and under, no one", store.PeopleFilter{Query: "off", Under: o["lead"].ID}, []string{}},
			{"unlevelled", store.PeopleFilter{Unlevelled: true, Under: o["vp"].ID}, append(slices.Clone(odd), "dev", "ops")},
			{"unlevelled, paged", store.PeopleFilter{Unlevelled: true, Query: "loop", Limit: 2, Offset: 1}, []string{"loop2", "loop3"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				people, err := s.ListPeople(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if got := names(people); !slices.Equal(got, tt.want) {
					t.Errorf("ListPeople = %v, want %v", got, tt.want)
				}
				n, err := s.CountPeople(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				// The count ignores paging.
				all := tt.filter
				all.Limit, all.Offset = store.MaxLimit, 0
				everyone, _ := s.ListPeople(ctx, all)
				if n != len(everyone) {
					t.Errorf("CountPeople = %d, want %d", n, len(everyone))
				}
			})
		}
		if n, err := s.CountPeople(ctx, store.PeopleFilter{}); err != nil || n != len(o)+6 {
			t.Errorf("CountPeople of everyone = %d, %v; want %d", n, err, len(o)+6)
		}
	})
}
