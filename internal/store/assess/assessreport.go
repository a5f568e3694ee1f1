package assess

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/rungs/rungs/internal/store"
)

// Reports over a cycle, each counted in SQL: for the people team over everyone (under 0) or
// for a manager over the people below them (under their id).

// underSQL narrows a query on assessment_people (alias ap) to the people below under.
func underSQL(under int64) (string, []any) {
	if under == 0 {
		return "", nil
	}
	return " AND ap.person_id IN (" + store.ReportsSQL + ")", []any{under}
}

// StatusCount is how many people of a cycle are at one status.
type StatusCount struct {
	Status AssessmentStatus
	People int
}

// Completion counts a cycle's people by status, every status listed (in order) even at 0.
func Completion(ctx context.Context, s *store.Store, cycle, under int64) ([]StatusCount, error) {
	cond, args := underSQL(under)
	rows, err := s.Query(ctx, `SELECT `+StatusSQL+` AS st, count(*) FROM assessment_people ap
		WHERE ap.cycle_id = ?`+cond+` GROUP BY st`, append([]any{cycle}, args...)...)
	if err != nil {
		return nil, s.Fail(err, "completion of cycle %d", cycle)
	}
	defer rows.Close()
	counts := map[AssessmentStatus]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, s.Fail(err, "completion of cycle %d", cycle)
		}
		counts[AssessmentStatus(st)] = n
	}
	if err := s.RowsErr(rows, "completion"); err != nil {
		return nil, err
	}
	out := make([]StatusCount, len(AssessmentStatuses))
	for i, st := range AssessmentStatuses {
		out[i] = StatusCount{Status: st, People: counts[st]}
	}
	return out, nil
}

// LevelCount is how many people of a cycle hold one level, on one track, in one team (the
// manager they had when it opened; 0 for none).
type LevelCount struct {
	Ladder, Track, Level string
	ManagerID            int64
	ManagerName          string
	People               int
}

// LevelDistribution counts a cycle's people by ladder, track and level; byTeam splits each
// count by team too.
func LevelDistribution(ctx context.Context, s *store.Store, cycle, under int64, byTeam bool) ([]LevelCount, error) {
	cond, args := underSQL(under)
	q := `SELECT ap.ladder, ap.track, ap.level, 0, '', count(*) FROM assessment_people ap
		WHERE ap.cycle_id = ?` + cond + ` GROUP BY ap.ladder, ap.track, ap.level ORDER BY ap.ladder, ap.track, ap.level`
	if byTeam {
		q = `SELECT ap.ladder, '', ap.level, coalesce(ap.manager_id, 0), coalesce(m.name, ''), count(*) FROM assessment_people ap
			LEFT JOIN people m ON m.id = ap.manager_id
			WHERE ap.cycle_id = ?` + cond + ` GROUP BY ap.ladder, ap.level, ap.manager_id, m.name ORDER BY m.name, ap.manager_id, ap.ladder, ap.level`
	}
	rows, err := s.Query(ctx, q, append([]any{cycle}, args...)...)
	if err != nil {
		return nil, s.Fail(err, "levels of cycle %d", cycle)
	}
	defer rows.Close()
	out := []LevelCount{}
	for rows.Next() {
		var c LevelCount
		if err := rows.Scan(&c.Ladder, &c.Track, &c.Level, &c.ManagerID, &c.ManagerName, &c.People); err != nil {
			return nil, s.Fail(err, "levels of cycle %d", cycle)
		}
		out = append(out, c)
	}
	return out, s.RowsErr(rows, "levels")
}

// LargestTeams counts, by ladder and level, the people of the largest teams of a cycle (a
// team is the people who had one manager when it opened; below under, unless 0), at most
// most teams, the largest first; total is how many teams there are.
func LargestTeams(ctx context.Context, s *store.Store, cycle, under int64, most int) (teams []LevelCount, total int, err error) {
	cond, args := underSQL(under)
	rows, err := s.Query(ctx, `WITH sizes AS (
			SELECT coalesce(ap.manager_id, 0) AS team, count(*) AS n, count(*) OVER () AS total
			FROM assessment_people ap WHERE ap.cycle_id = ?`+cond+`
			GROUP BY coalesce(ap.manager_id, 0) ORDER BY n DESC, team LIMIT ?
		)
		SELECT ap.ladder, ap.level, sizes.team, coalesce(m.name, ''), sizes.total, count(*)
		FROM sizes
		JOIN assessment_people ap ON ap.cycle_id = ? AND coalesce(ap.manager_id, 0) = sizes.team
		LEFT JOIN people m ON m.id = sizes.team
		WHERE 1 = 1`+cond+`
		GROUP BY sizes.n, sizes.team, m.name, sizes.total, ap.ladder, ap.level
		ORDER BY sizes.n DESC, sizes.team, ap.ladder, ap.level`,
		append(append(append([]any{cycle}, args...), most, cycle), args...)...)
	if err != nil {
		return nil, 0, s.Fail(err, "teams of cycle %d", cycle)
	}
	defer rows.Close()
	teams = []LevelCount{}
	for rows.Next() {
		var c LevelCount
		if err := rows.Scan(&c.Ladder, &c.Level, &c.ManagerID, &c.ManagerName, &total, &c.People); err != nil {
			return nil, 0, s.Fail(err, "teams of cycle %d", cycle)
		}
		teams = append(teams, c)
	}
	return teams, total, s.RowsErr(rows, "teams")
}

// RaterCalibration is one manager who submitted assessments in a cycle: how many of their
// ratings fall on each score, beside how many of the same people's own ratings do. Side by
// side, they show who rates harder.
type RaterCalibration struct {
	Rater         int64
	Name          string
	Manager, Self map[int]int // ratings per score
	// Gap is how far the people's mean self score sits from the manager's mean score, either
	// way; -1 when one side has no ratings.
	Gap float64
}

// Calibration lists, a page at a time, the managers who submitted assessments in a cycle (of
// people below under, unless 0) with their scores and their people's own, the largest gap
// between the two means first: the managers a calibration meeting starts with. It counts the
// tallies, not the ratings, and pages in the database; total is how many managers there are.
func Calibration(ctx context.Context, s *store.Store, cycle, under int64, limit, offset int) (page []RaterCalibration, total int, err error) {
	cond, args := underSQL(under)
	n := `(t.at_level + t.at_next)`
	// The ranking adds up one row per person (their score sums); the distributions shown are
	// counted from the tallies of the page's managers' people alone.
	rows, err := s.Query(ctx, `WITH per AS (
			SELECT coalesce(ap.manager_by, 0) AS rater, sum(ap.manager_n) AS mgr_n, sum(ap.manager_sum) AS mgr_sum,
				sum(ap.self_n) AS self_n, sum(ap.self_sum) AS self_sum
			FROM assessment_people ap
			WHERE ap.cycle_id = ? AND ap.manager_submitted_at IS NOT NULL`+cond+`
			GROUP BY ap.manager_by
			HAVING sum(ap.manager_n) + sum(ap.self_n) > 0
		), page AS (
			SELECT per.rater AS rater, coalesce(m.name, '') AS name,
				CASE WHEN per.mgr_n > 0 AND per.self_n > 0
					THEN abs(1.0 * per.self_sum / per.self_n - 1.0 * per.mgr_sum / per.mgr_n) ELSE -1 END AS gap,
				count(*) OVER () AS total
			FROM per LEFT JOIN people m ON m.id = per.rater
			ORDER BY gap DESC, name, rater LIMIT ? OFFSET ?
		), counts AS (
			SELECT coalesce(ap.manager_by, 0) AS rater, t.side AS side, t.score AS score, sum(`+n+`) AS n
			FROM assessment_people ap
			JOIN assessment_tallies t ON t.cycle_id = ap.cycle_id AND t.person_id = ap.person_id
			WHERE ap.cycle_id = ? AND ap.manager_submitted_at IS NOT NULL`+cond+`
				AND coalesce(ap.manager_by, 0) IN (SELECT rater FROM page)
			GROUP BY coalesce(ap.manager_by, 0), t.side, t.score
		)
		SELECT page.rater, page.name, page.gap, page.total, counts.side, counts.score, counts.n
		FROM page JOIN counts ON counts.rater = page.rater
		ORDER BY page.gap DESC, page.name, page.rater, counts.side, counts.score`,
		append(append(append([]any{cycle}, args...), limit, offset, cycle), args...)...)
	if err != nil {
		return nil, 0, s.Fail(err, "calibration of cycle %d", cycle)
	}
	defer rows.Close()
	page = []RaterCalibration{}
	for rows.Next() {
		var rc RaterCalibration
		var side string
		var score, count int
		if err := rows.Scan(&rc.Rater, &rc.Name, &rc.Gap, &total, &side, &score, &count); err != nil {
			return nil, 0, s.Fail(err, "calibration of cycle %d", cycle)
		}
		if len(page) == 0 || page[len(page)-1].Rater != rc.Rater {
			rc.Manager, rc.Self = map[int]int{}, map[int]int{}
			page = append(page, rc)
		}
		last := &page[len(page)-1]
		if Side(side) == ManagerSide {
			last.Manager[score] += count
		} else {
			last.Self[score] += count
		}
	}
	if err := s.RowsErr(rows, "calibration"); err != nil {
		return nil, 0, err
	}
	return page, total, nil
}

// NextLevelShown is how many people of a cycle whose manager has submitted hold one level on
// one track and had a number of the next level's expectations rated at or above a score.
type NextLevelShown struct {
	Ladder, Track, Level string
	Shown                int
	People               int
}

// NextLevelReadiness counts the people with a submitted manager's assessment by level and by
// how many of the next level's expectations their manager rated at least bar, 0 included.
// It counts people in SQL: a row per level and count, not per person.
func NextLevelReadiness(ctx context.Context, s *store.Store, cycle, under int64, bar int) ([]NextLevelShown, error) {
	cond, args := underSQL(under)
	// Each person's count is a look-up of their own tallies: no sort of every person's rows
	// to group them.
	rows, err := s.Query(ctx, `SELECT ladder, track, level, shown, count(*) FROM (
			SELECT ap.ladder AS ladder, ap.track AS track, ap.level AS level,
				(SELECT coalesce(sum(t.at_next), 0) FROM assessment_tallies t
					WHERE t.cycle_id = ap.cycle_id AND t.person_id = ap.person_id AND t.side = 'manager' AND t.score >= ?) AS shown
			FROM assessment_people ap
			WHERE ap.cycle_id = ? AND ap.manager_submitted_at IS NOT NULL`+cond+`) x
		GROUP BY ladder, track, level, shown ORDER BY ladder, track, level, shown`, append([]any{bar, cycle}, args...)...)
	if err != nil {
		return nil, s.Fail(err, "readiness in cycle %d", cycle)
	}
	defer rows.Close()
	out := []NextLevelShown{}
	for rows.Next() {
		var n NextLevelShown
		if err := rows.Scan(&n.Ladder, &n.Track, &n.Level, &n.Shown, &n.People); err != nil {
			return nil, s.Fail(err, "readiness in cycle %d", cycle)
		}
		out = append(out, n)
	}
	return out, s.RowsErr(rows, "readiness")
}

// LevelTenure is how long the people of a cycle at one level have held it, on a day.
type LevelTenure struct {
	Ladder, Level string
	People        int
	AvgDays       float64
	MaxDays       int
}

// TimeInLevel says, per level, how long the cycle's people have held the level they are
// assessed at, on day: from the date of their latest change of level (people.level_since).
func TimeInLevel(ctx context.Context, s *store.Store, cycle, under int64, day time.Time) ([]LevelTenure, error) {
	cond, args := underSQL(under)
	days := s.DaysSince("p.level_since")
	rows, err := s.Query(ctx, `SELECT ap.ladder, ap.level, count(*), avg(`+days+`), max(`+days+`)
		FROM assessment_people ap
		JOIN people p ON p.id = ap.person_id
		WHERE ap.cycle_id = ? AND p.level_since IS NOT NULL`+cond+`
		GROUP BY ap.ladder, ap.level ORDER BY ap.ladder, ap.level`,
		append([]any{store.Date(day), store.Date(day), cycle}, args...)...)
	if err != nil {
		return nil, s.Fail(err, "time in level in cycle %d", cycle)
	}
	defer rows.Close()
	out := []LevelTenure{}
	for rows.Next() {
		var t LevelTenure
		var avg sql.NullFloat64
		var most sql.NullInt64
		if err := rows.Scan(&t.Ladder, &t.Level, &t.People, &avg, &most); err != nil {
			return nil, s.Fail(err, "time in level in cycle %d", cycle)
		}
		t.AvgDays, t.MaxDays = avg.Float64, int(most.Int64)
		out = append(out, t)
	}
	return out, s.RowsErr(rows, "time in level")
}

// ReportRow is one person of a cycle in its CSV export.
type ReportRow struct {
	Participant
	ManagerName         string
	SelfRated, MgrRated int
	SelfAvg, MgrAvg     float64 // mean score, -1 when nothing is rated
	LevelSince          time.Time
}

// ReportRows lists a cycle's people (below under, unless 0) with their counts and mean scores.
func ReportRows(ctx context.Context, s *store.Store, cycle, under int64) ([]ReportRow, error) {
	cond, args := underSQL(under)
	rows, err := s.Query(ctx, `SELECT `+participantColumns+`, `+s.PersonColumns("p")+`, coalesce(m.name, ''),
			coalesce(r.self_n, 0), coalesce(r.self_avg, -1), coalesce(r.mgr_n, 0), coalesce(r.mgr_avg, -1), p.level_since
		FROM assessment_people ap
		JOIN people p ON p.id = ap.person_id
		LEFT JOIN people m ON m.id = ap.manager_id
		LEFT JOIN (SELECT person_id,
				sum(CASE WHEN side = 'self' THEN at_level + at_next ELSE 0 END) AS self_n,
				1.0 * sum(CASE WHEN side = 'self' THEN score * (at_level + at_next) END) / nullif(sum(CASE WHEN side = 'self' THEN at_level + at_next END), 0) AS self_avg,
				sum(CASE WHEN side = 'manager' THEN at_level + at_next ELSE 0 END) AS mgr_n,
				1.0 * sum(CASE WHEN side = 'manager' THEN score * (at_level + at_next) END) / nullif(sum(CASE WHEN side = 'manager' THEN at_level + at_next END), 0) AS mgr_avg
			FROM assessment_tallies WHERE cycle_id = ? GROUP BY person_id) r ON r.person_id = ap.person_id
		WHERE ap.cycle_id = ?`+cond+` ORDER BY p.name, p.id`, append([]any{cycle, cycle}, args...)...)
	if err != nil {
		return nil, s.Fail(err, "report of cycle %d", cycle)
	}
	defer rows.Close()
	out := []ReportRow{}
	for rows.Next() {
		var r ReportRow
		var since any
		p, err := scanParticipant(store.ScanMore(rows, &r.ManagerName, &r.SelfRated, &r.SelfAvg, &r.MgrRated, &r.MgrAvg, &since))
		if err != nil {
			return nil, s.Fail(err, "report of cycle %d", cycle)
		}
		r.Participant = p
		if r.LevelSince, err = anyDate(since); err != nil {
			return nil, s.Fail(err, "report of cycle %d", cycle)
		}
		out = append(out, r)
	}
	return out, s.RowsErr(rows, "report")
}

// anyDate reads a date an aggregate returned: PostgreSQL gives a time, SQLite (which knows no
// type for max(date)) the text it stored; nil is the zero time.
func anyDate(v any) (time.Time, error) {
	switch d := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		return store.Date(d.UTC()), nil
	case string:
		return parseStoredDate(d)
	case []byte:
		return parseStoredDate(string(d))
	}
	return time.Time{}, fmt.Errorf("a date of type %T", v)
}

func parseStoredDate(s string) (time.Time, error) {
	if len(s) < 10 {
		return time.Time{}, fmt.Errorf("date %q", s)
	}
	t, err := time.Parse(time.DateOnly, s[:10])
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: %w", s, err)
	}
	return t, nil
}
