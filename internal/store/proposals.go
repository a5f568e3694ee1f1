package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ProposalStatus says where a covered person's proposed level comes from.
type ProposalStatus string

// The statuses a proposal can have.
const (
	Unmapped ProposalStatus = "unmapped" // no rule for their title and no review: nothing proposed
	Mapped   ProposalStatus = "mapped"   // from the rule for their title
	Reviewed ProposalStatus = "reviewed" // from their manager's review
)

// covered is the condition on people p that the rollout covers them.
const covered = `p.status = 'active' AND p.level = ''`

// proposalJoins is the FROM clause of proposals: each person p with the rule for their title
// (ru) and their review (rv) in one rollout, whose id is given twice.
const proposalJoins = `
	FROM people p
	LEFT JOIN rollout_rules ru ON ru.rollout_id = ? AND ru.title_key = lower(trim(p.title))
	LEFT JOIN rollout_reviews rv ON rv.rollout_id = ? AND rv.person_id = p.id`

// proposed is the condition that a person of proposalJoins has a proposal; a review has all
// of ladder, track and level, so coalesce(rv.x, ru.x) never mixes the two.
const proposed = `(rv.person_id IS NOT NULL OR ru.title_key IS NOT NULL)`

// Proposal is one covered person's proposed level: from their manager's review when there is one, else from the rule for their title.
type Proposal struct {
	Person Person
	Ladder string // empty when unmapped
	Track  string
	Level  string
	Status ProposalStatus
	// Note, ReviewedBy and ReviewedAt are the review's, empty unless reviewed.
	Note       string
	ReviewedBy int64
	ReviewedAt time.Time
}

// ProposalFilter chooses and pages the proposals Proposals returns; zero fields do not filter.
type ProposalFilter struct {
	Under  int64 // only reports (direct and indirect) of this person
	Person int64 // only this person
	Status ProposalStatus
	Limit  int // 0 means DefaultLimit; at most MaxLimit
	Offset int
}

// from returns the FROM and WHERE clauses of the proposals f chooses in the rollout.
func (f ProposalFilter) from(rollout int64) (string, []any, error) {
	q := proposalJoins + ` WHERE ` + covered
	args := []any{rollout, rollout}
	switch f.Status {
	case "":
	case Reviewed:
		q += ` AND rv.person_id IS NOT NULL`
	case Mapped:
		q += ` AND rv.person_id IS NULL AND ru.title_key IS NOT NULL`
	case Unmapped:
		q += ` AND rv.person_id IS NULL AND ru.title_key IS NULL`
	default:
		return "", nil, fmt.Errorf("status %q is not unmapped, mapped or reviewed", f.Status)
	}
	if f.Under != 0 {
		q += ` AND p.id IN (` + reportsSQL + `)`
		args = append(args, f.Under)
	}
	if f.Person != 0 {
		q += ` AND p.id = ?`
		args = append(args, f.Person)
	}
	return q, args, nil
}

// Proposals returns the covered people with their proposals, ordered by name, id, one page at a time.
func (s *Store) Proposals(ctx context.Context, rollout int64, f ProposalFilter) ([]Proposal, error) {
	limit, err := page(f.Limit, f.Offset)
	if err != nil {
		return nil, fmt.Errorf("proposals of rollout %d: %w", rollout, err)
	}
	from, args, err := f.from(rollout)
	if err != nil {
		return nil, fmt.Errorf("proposals of rollout %d: %w", rollout, err)
	}
	proposals := []Proposal{}
	err = each(ctx, s, fmt.Sprintf("proposals of rollout %d", rollout), scanProposal, func(p Proposal) error {
		proposals = append(proposals, p)
		return nil
	}, `SELECT `+s.d.personColumns("p")+`,
			coalesce(rv.ladder, ru.ladder, ''), coalesce(rv.track, ru.track, ''), coalesce(rv.level, ru.level, ''),
			CASE WHEN rv.person_id IS NOT NULL THEN 'reviewed' WHEN ru.title_key IS NOT NULL THEN 'mapped' ELSE 'unmapped' END,
			coalesce(rv.note, ''), rv.reviewed_by, rv.reviewed_at`+from+`
		ORDER BY p.name, p.id LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, err
	}
	return proposals, nil
}

// CountProposals returns how many proposals f chooses in the rollout, all pages together.
func (s *Store) CountProposals(ctx context.Context, rollout int64, f ProposalFilter) (int, error) {
	from, args, err := f.from(rollout)
	if err != nil {
		return 0, fmt.Errorf("count proposals of rollout %d: %w", rollout, err)
	}
	var n int
	if err := s.queryRow(ctx, `SELECT count(*)`+from, args...).Scan(&n); err != nil {
		return 0, s.fail(err, "count proposals of rollout %d", rollout)
	}
	return n, nil
}

func scanProposal(row scanner) (Proposal, error) {
	var p Proposal
	var status string
	var by sql.NullInt64
	var at sql.NullTime
	person, err := scanPerson(scanPlus{row, []any{&p.Ladder, &p.Track, &p.Level, &status, &p.Note, &by, &at}})
	if err != nil {
		return Proposal{}, err
	}
	p.Person, p.Status, p.ReviewedBy = person, ProposalStatus(status), by.Int64
	if at.Valid {
		p.ReviewedAt = at.Time.UTC()
	}
	return p, nil
}

// RolloutReview is a manager's (or admin's) decision for one person in a rollout.
type RolloutReview struct {
	PersonID   int64
	Ladder     string
	Track      string
	Level      string
	Note       string
	ReviewedBy int64
}

// ReviewProposal records a manager's (or admin's) decision for one person: the level they should get and a note,
// replacing an earlier review. ErrConflict if the rollout is closed or the person is not covered.
func (s *Store) ReviewProposal(ctx context.Context, rollout int64, r RolloutReview) error {
	return s.reviewProposal(ctx, rollout, r, false, time.Time{})
}

// ReviewProposalAfter is ReviewProposal made from a form that showed the person's review as
// it was at seen, its ReviewedAt (zero: not reviewed yet): if anyone has reviewed them since,
// it is ErrStale and nothing is saved, so that a manager and an admin (or a manager's own
// manager) reviewing at once do not silently replace each other's decision.
func (s *Store) ReviewProposalAfter(ctx context.Context, rollout int64, r RolloutReview, seen time.Time) error {
	return s.reviewProposal(ctx, rollout, r, true, seen)
}

func (s *Store) reviewProposal(ctx context.Context, rollout int64, r RolloutReview, check bool, seen time.Time) error {
	r.Ladder, r.Track, r.Level, r.Note = strings.TrimSpace(r.Ladder), strings.TrimSpace(r.Track), strings.TrimSpace(r.Level), strings.TrimSpace(r.Note)
	if r.Ladder == "" || r.Level == "" {
		return fmt.Errorf("rollout %d: review of person %d: ladder and level are both needed", rollout, r.PersonID)
	}
	if err := errors.Join(checkText("ladder", r.Ladder, MaxID), checkText("track", r.Track, MaxID), checkText("level", r.Level, MaxID),
		checkNote(r.Note)); err != nil {
		return fmt.Errorf("rollout %d: review of person %d: %w", rollout, r.PersonID, err)
	}
	err := s.WithTx(ctx, func(tx *Store) error {
		if err := tx.lockOpen(ctx, rollout); err != nil {
			return err
		}
		var n int
		if err := tx.writeRow(ctx, `SELECT count(*) FROM people p WHERE p.id = ? AND `+covered, r.PersonID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("person %d is not covered (unknown, left or levelled already): %w", r.PersonID, ErrConflict)
		}
		if check {
			// lockOpen holds the rollout's row: reviews of it take turns, so what is read
			// here is still there when the review below is written. Times are kept to the
			// microsecond, as the form carries them.
			var at time.Time
			err := tx.writeRow(ctx, `SELECT reviewed_at FROM rollout_reviews WHERE rollout_id = ? AND person_id = ?`, rollout, r.PersonID).Scan(timeValue{&at})
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if !at.Equal(seen) {
				return fmt.Errorf("person %d was reviewed at %s, the form showed %s: %w", r.PersonID, at, seen, ErrStale)
			}
		}
		_, err := tx.exec(ctx, `
			INSERT INTO rollout_reviews (rollout_id, person_id, ladder, track, level, note, reviewed_by, reviewed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (rollout_id, person_id) DO UPDATE
			SET ladder = excluded.ladder, track = excluded.track, level = excluded.level, note = excluded.note,
				reviewed_by = excluded.reviewed_by, reviewed_at = excluded.reviewed_at`,
			rollout, r.PersonID, r.Ladder, r.Track, r.Level, r.Note, nullID(r.ReviewedBy), tx.now())
		return err
	})
	if err != nil {
		return s.fail(err, "rollout %d: review of person %d", rollout, r.PersonID)
	}
	return nil
}

// TeamProgress counts one team's active people: those levelled already and, among the ones
// the rollout covers, those whose proposal is mapped (rule only), reviewed or unmapped.
type TeamProgress struct {
	Manager  Person // the team's direct manager; the zero Person for people without a manager
	People   int
	Levelled int
	Mapped   int
	Reviewed int
	Unmapped int
}

// RolloutProgress counts, per team (people grouped by direct manager), the active people: already levelled, and among
// the covered ones mapped (rule only), reviewed, unmapped. Ordered by manager name, people without a manager first.
func (s *Store) RolloutProgress(ctx context.Context, rollout int64) ([]TeamProgress, error) {
	teams := []TeamProgress{}
	err := each(ctx, s, fmt.Sprintf("progress of rollout %d", rollout), func(row scanner) (TeamProgress, error) {
		var t TeamProgress
		var err error
		t.Manager, err = scanPersonOrNone(scanPlus{row, []any{&t.People, &t.Levelled, &t.Mapped, &t.Reviewed, &t.Unmapped}})
		return t, err
	}, func(t TeamProgress) error {
		teams = append(teams, t)
		return nil
	}, `SELECT `+s.d.personColumns("m")+`, t.people, t.levelled, t.mapped, t.reviewed, t.unmapped
		FROM (
			SELECT p.manager_id,
				count(*) AS people,
				sum(CASE WHEN p.level <> '' THEN 1 ELSE 0 END) AS levelled,
				sum(CASE WHEN p.level = '' AND rv.person_id IS NULL AND ru.title_key IS NOT NULL THEN 1 ELSE 0 END) AS mapped,
				sum(CASE WHEN p.level = '' AND rv.person_id IS NOT NULL THEN 1 ELSE 0 END) AS reviewed,
				sum(CASE WHEN p.level = '' AND rv.person_id IS NULL AND ru.title_key IS NULL THEN 1 ELSE 0 END) AS unmapped`+
		proposalJoins+`
			WHERE p.status = 'active'
			GROUP BY p.manager_id
		) t
		LEFT JOIN people m ON m.id = t.manager_id
		ORDER BY m.id IS NOT NULL, m.name, m.id`, rollout, rollout)
	if err != nil {
		return nil, err
	}
	return teams, nil
}
