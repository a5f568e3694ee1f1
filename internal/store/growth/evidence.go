package growth

import (
	"context"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/assess"
)

// RatingEvidence is one side's rating of an expectation in an assessment, with its evidence.
type RatingEvidence struct {
	Expectation string
	Level       string // the level the expectation was asked about at
	Side        assess.Side
	Rating      string // a rating id of the cycle's scale; "" for evidence not rated
	Evidence    string // Markdown
	CycleID     int64
	CycleName   string
}

// LatestRatings returns, for each expectation id of ids, the ratings of the latest cycle
// that rated it for person, one a side, the one asked at level first: what the person and
// their manager last said of it. Only submitted sides count: a draft is its author's still.
func LatestRatings(ctx context.Context, s *store.Store, person int64, level string, ids []string) (map[string][]RatingEvidence, error) {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	rows, err := s.Query(ctx, `SELECT r.expectation, r.level, r.side, r.rating, r.evidence, c.id, c.name
		FROM assessment_ratings r
		JOIN assessment_people ap ON ap.cycle_id = r.cycle_id AND ap.person_id = r.person_id
		JOIN assessment_cycles c ON c.id = r.cycle_id
		WHERE r.person_id = ? AND (r.rating <> '' OR r.evidence <> '')
		AND ((r.side = 'self' AND ap.self_submitted_at IS NOT NULL) OR (r.side = 'manager' AND ap.manager_submitted_at IS NOT NULL))
		ORDER BY c.starts_on DESC, c.id DESC, r.side DESC`, person)
	if err != nil {
		return nil, s.Fail(err, "ratings of person %d", person)
	}
	defer rows.Close()
	type key struct {
		exp  string
		side assess.Side
	}
	found := map[key]int{} // where in out[exp] each side's rating is
	out := map[string][]RatingEvidence{}
	for rows.Next() {
		var r RatingEvidence
		var side string
		if err := rows.Scan(&r.Expectation, &r.Level, &side, &r.Rating, &r.Evidence, &r.CycleID, &r.CycleName); err != nil {
			return nil, s.Fail(err, "ratings of person %d", person)
		}
		r.Side = assess.Side(side)
		if !want[r.Expectation] {
			continue
		}
		k := key{r.Expectation, r.Side}
		i, seen := found[k]
		switch {
		case !seen:
			found[k] = len(out[r.Expectation])
			out[r.Expectation] = append(out[r.Expectation], r)
		case out[r.Expectation][i].CycleID == r.CycleID && r.Level == level:
			// The same cycle asked it at two levels: the one argued for says more.
			out[r.Expectation][i] = r
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.Fail(err, "ratings of person %d", person)
	}
	return out, nil
}
