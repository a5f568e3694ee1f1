package peoplecsv

import (
	"context"
	"fmt"
	"strings"

	"github.com/rungs/rungs/internal/store"
)

// LoadExisting reads everyone stored into the map Read checks a file against.
func LoadExisting(ctx context.Context, s *store.Store) (map[string]Existing, error) {
	existing := map[string]Existing{}
	emails := map[int64]string{}
	managers := map[string]int64{} // key -> manager id, resolved once everyone is read
	err := s.EachPerson(ctx, func(p store.Person) error {
		key := strings.ToLower(p.Email)
		emails[p.ID] = p.Email
		existing[key] = Existing{Email: p.Email, Name: p.Name, StartDate: p.StartDate, Ladder: p.Ladder, Track: p.Track, Level: p.Level, Title: p.Title, Status: p.Status}
		if p.ManagerID != 0 {
			managers[key] = p.ManagerID
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read people: %w", err)
	}
	for key, id := range managers {
		ex := existing[key]
		ex.ManagerEmail = emails[id]
		existing[key] = ex
	}
	return existing, nil
}
