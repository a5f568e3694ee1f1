package growth

import (
	"context"

	"github.com/rungs/rungs/internal/store"
)

// The promotion panel is the people an admin asks to review promotion cases beside the
// people team: engineers and managers trusted to judge a case against the ladder. A place on
// it is a person's, granted and taken back by an admin.

// OnPanel reports whether a person is on the promotion panel.
func OnPanel(ctx context.Context, s *store.Store, person int64) (bool, error) {
	r := s.Reads()
	var on bool
	ReadOnPanel(r, person, &on)
	return on, r.Run(ctx)
}

// ReadOnPanel adds to r the read of OnPanel into *out.
func ReadOnPanel(r *store.Reads, person int64, out *bool) {
	*out = false
	r.Read("promotion panel", func(row store.Scanner) error {
		var n int
		if err := row.Scan(&n); err != nil {
			return err
		}
		*out = n > 0
		return nil
	}, `SELECT count(*) FROM promotion_panel WHERE person_id = ?`, person)
}

// SetPanel puts a person on the promotion panel (on) or takes them off it; by is the admin
// who did. Putting someone on it twice, or off it twice, changes nothing.
func SetPanel(ctx context.Context, s *store.Store, person int64, on bool, by int64) error {
	err := s.WithTx(ctx, func(tx *store.Store) error {
		if _, err := tx.Exec(ctx, `DELETE FROM promotion_panel WHERE person_id = ?`, person); err != nil {
			return err
		}
		if !on {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO promotion_panel (person_id, granted_by, granted_at) VALUES (?, ?, ?)`, person, store.NullID(by), tx.Now())
		return err
	})
	if err != nil {
		return s.Fail(err, "promotion panel place of person %d", person)
	}
	return nil
}
