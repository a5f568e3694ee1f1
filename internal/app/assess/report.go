package assess

import (
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/guidance"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/peoplecsv"
	storeassess "github.com/rungs/rungs/internal/store/assess"
)

type reportData struct {
	Cycle       storeassess.Cycle
	All         bool
	Ratings     bool // the viewer may count ratings, not only completion
	Done        []storeassess.StatusCount
	People      int
	DoneChart   template.HTML
	LevelChart  template.HTML
	Levels      []levelRow
	Teams       []storeassess.LevelCount
	TeamsShown  int // how many of the largest teams the table shows
	TeamsTotal  int
	Tenure      []tenureRow
	Ready       []readyBucket
	ReadyChart  template.HTML
	Calibration []raterRow // the managers with the largest gaps
	CalTotal    int        // managers who submitted
	CalChart    template.HTML
	Scale       []ladder.Rating
	Bar         string
}

type levelRow struct {
	Label  string
	People int
}

type tenureRow struct {
	Label   string
	People  int
	AvgDays string
	MaxDays int
}

type readyBucket struct {
	Label  string
	People int
}

// raterRow is one manager's ratings next to their people's own, score by score.
type raterRow struct {
	Name              string
	Manager, Self     []int // counts per score
	MgrMean, SelfMean string
	Gap               string // the people's mean less the manager's, signed; "" when a side has none
	Ratings           int
}

// reportTeams is how many of the largest teams the report's table shows; the CSV has
// everyone with their manager.
const reportTeams = 20

// reportCalibration is how many managers the report's calibration summary shows, the largest
// gaps first; the calibration page has them all.
const reportCalibration = 5

// Report shows the reports over a cycle: for admins over everyone, for a manager over the
// people below them. Where the framework keeps admins out of assessments, theirs is
// completion alone.
func Report(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	s := srv.Store()
	c, f, err := loadCycle(srv, r)
	if err != nil {
		return err
	}
	all, under, ratings := policy.ReportScope(v, srv.Settings())
	d := reportData{Cycle: c, All: all, Ratings: ratings, Scale: f.Scale}
	if d.Done, err = storeassess.Completion(ctx, s, c.ID, under); err != nil {
		return err
	}
	var rows [][]bar
	var labels []string
	for _, st := range d.Done {
		d.People += st.People
		rows, labels = append(rows, []bar{{Label: string(st.Status), Value: float64(st.People), Class: "s-" + string(st.Status)}}), append(labels, statusLabel(st.Status))
	}
	d.DoneChart = barChart("People by where their assessment stands", rows, labels)
	if err := srv.Audit(s, r, v, "cycle.report", 0, c.Name); err != nil {
		return err
	}
	if ratings {
		if err := fillRatingReports(srv, r, c, f, under, &d); err != nil {
			return err
		}
	}
	srv.Render(w, r, v, http.StatusOK, "cyclereport", "Report: "+c.Name, d)
	return nil
}

func statusLabel(st storeassess.AssessmentStatus) string { return web.Label(string(st)) }

// levelLabel names a level of the cycle's framework for a report.
func levelLabel(f *ladder.Framework, ladderID, track, level string) string {
	l := f.Ladder(ladderID)
	if l == nil {
		return ladderID + " " + level
	}
	label := l.Title + ": " + level
	if lv := l.Level(level); lv != nil {
		label = l.Title + ": " + strings.TrimSpace(lv.Code+" "+lv.Title)
	}
	if t := l.Track(track); t != nil {
		label += " (" + t.Title + ")"
	}
	return label
}

func fillRatingReports(srv *web.Server, r *http.Request, c storeassess.Cycle, f *ladder.Framework, under int64, d *reportData) error {
	ctx := r.Context()
	s := srv.Store()
	levels, err := storeassess.LevelDistribution(ctx, s, c.ID, under, false)
	if err != nil {
		return err
	}
	var rows [][]bar
	var labels []string
	for _, lc := range levels {
		label := levelLabel(f, lc.Ladder, lc.Track, lc.Level)
		d.Levels = append(d.Levels, levelRow{label, lc.People})
		rows, labels = append(rows, []bar{{Label: label, Value: float64(lc.People), Class: "level"}}), append(labels, label)
	}
	d.LevelChart = barChart("People by level", rows, labels)
	if d.Teams, d.TeamsTotal, err = storeassess.LargestTeams(ctx, s, c.ID, under, reportTeams); err != nil {
		return err
	}
	d.TeamsShown = min(d.TeamsTotal, reportTeams)
	for i := range d.Teams {
		d.Teams[i].Level = levelLabel(f, d.Teams[i].Ladder, "", d.Teams[i].Level)
	}
	tenure, err := storeassess.TimeInLevel(ctx, s, c.ID, under, srv.Now())
	if err != nil {
		return err
	}
	for _, t := range tenure {
		d.Tenure = append(d.Tenure, tenureRow{Label: levelLabel(f, t.Ladder, "", t.Level), People: t.People,
			AvgDays: strconv.FormatFloat(t.AvgDays/365.25, 'f', 1, 64), MaxDays: t.MaxDays})
	}

	// Readiness for the next level: the share of its expectations the manager rated at or
	// above the bar, counted in SQL; the number of expectations each next level has comes
	// from the cycle's framework.
	atBar := guidance.Bar(len(f.Scale))
	if atBar < len(f.Scale) {
		d.Bar = f.Scale[atBar].Label
	}
	shown, err := storeassess.NextLevelReadiness(ctx, s, c.ID, under, atBar)
	if err != nil {
		return err
	}
	buckets := []readyBucket{{"No next level asked about", 0}, {"Under a quarter", 0}, {"A quarter to a half", 0}, {"A half to three quarters", 0}, {"Three quarters or more", 0}}
	totals := map[string]int{}
	for _, n := range shown {
		key := n.Ladder + "/" + n.Track + "/" + n.Level
		total, ok := totals[key]
		if !ok {
			total = nextTotal(c, f, n.Ladder, n.Track, n.Level)
			totals[key] = total
		}
		switch share := float64(n.Shown) / float64(max(total, 1)); {
		case total == 0:
			buckets[0].People += n.People
		case share < 0.25:
			buckets[1].People += n.People
		case share < 0.5:
			buckets[2].People += n.People
		case share < 0.75:
			buckets[3].People += n.People
		default:
			buckets[4].People += n.People
		}
	}
	d.Ready = buckets
	rows, labels = nil, nil
	for _, b := range buckets[1:] {
		rows, labels = append(rows, []bar{{Label: b.Label, Value: float64(b.People), Class: "ready"}}), append(labels, b.Label)
	}
	d.ReadyChart = barChart("People by share of the next level shown, by their manager's ratings", rows, labels)

	// Calibration: the managers whose scores sit furthest from their people's own.
	cal, total, err := storeassess.Calibration(ctx, s, c.ID, under, reportCalibration, 0)
	if err != nil {
		return err
	}
	d.CalTotal = total
	d.Calibration, d.CalChart = raterRows(f, cal)
	return nil
}

// raterRows turns managers' score counts into table rows and a chart of both sides' scores.
func raterRows(f *ladder.Framework, cal []storeassess.RaterCalibration) ([]raterRow, template.HTML) {
	n := len(f.Scale)
	var out []raterRow
	var rows [][]bar
	var labels []string
	for _, rc := range cal {
		rr := raterRow{Name: rc.Name, Manager: make([]int, n), Self: make([]int, n)}
		for score, count := range rc.Manager {
			if score >= 0 && score < n {
				rr.Manager[score] += count
				rr.Ratings += count
			}
		}
		for score, count := range rc.Self {
			if score >= 0 && score < n {
				rr.Self[score] += count
			}
		}
		rr.MgrMean, rr.SelfMean = mean(rr.Manager), mean(rr.Self)
		if m, sm := meanOf(rr.Manager), meanOf(rr.Self); m >= 0 && sm >= 0 {
			rr.Gap = strconv.FormatFloat(sm-m, 'f', 2, 64)
			if sm-m >= 0 {
				rr.Gap = "+" + rr.Gap
			}
		}
		out = append(out, rr)
		for _, side := range []struct {
			name   string
			counts []int
		}{{rr.Name + " (manager)", rr.Manager}, {rr.Name + "'s people (self)", rr.Self}} {
			var stack []bar
			for score, count := range side.counts {
				stack = append(stack, bar{Label: f.Scale[score].Label, Value: float64(count), Class: "score" + strconv.Itoa(min(score, 5))})
			}
			rows, labels = append(rows, stack), append(labels, side.name)
		}
	}
	if len(rows) == 0 {
		return out, ""
	}
	return out, barChart("Ratings per manager, beside their people's own", rows, labels)
}

// nextTotal is how many expectations of the level after level a person on track is asked
// about in cycle c; 0 when the cycle asks about none.
func nextTotal(c storeassess.Cycle, f *ladder.Framework, ladderID, track, level string) int {
	if !c.IncludeNext {
		return 0
	}
	pl := planFor(c, f, f, storeassess.Participant{Ladder: ladderID, Track: track, Level: level})
	n := 0
	for _, it := range pl.Order {
		if it.Next {
			n++
		}
	}
	return n
}

// mean is the mean score of counts per score, with two decimals; "" for none.
func mean(counts []int) string {
	m := meanOf(counts)
	if m < 0 {
		return ""
	}
	return strconv.FormatFloat(m, 'f', 2, 64)
}

// meanOf is the mean score of counts per score; -1 for none.
func meanOf(counts []int) float64 {
	sum, n := 0, 0
	for score, c := range counts {
		sum, n = sum+score*c, n+c
	}
	if n == 0 {
		return -1
	}
	return float64(sum) / float64(n)
}

// ReportCSV exports a cycle's people, one row each: where their assessment stands, how much
// each side rated and the mean score, and how long they have held their level.
func ReportCSV(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	c, f, err := loadCycle(srv, r)
	if err != nil {
		return err
	}
	_, under, ratings := policy.ReportScope(v, srv.Settings())
	list, err := storeassess.ReportRows(r.Context(), srv.Store(), c.ID, under)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("cycle-%d.csv", c.ID)
	return web.ExportCSV(srv, w, r, v, name, func(out io.Writer) error {
		head := []string{"Name", "Email", "Manager", "Ladder", "Track", "Level", "Status", "Self submitted", "Manager submitted", "Shared", "Acknowledged", "In level since"}
		if ratings {
			head = append(head, "Self ratings", "Self mean score", "Manager ratings", "Manager mean score")
		}
		rows := [][]string{head}
		for _, rr := range list {
			row := []string{rr.Person.Name, rr.Person.Email, rr.ManagerName, rr.Ladder, rr.Track, levelLabel(f, rr.Ladder, "", rr.Level),
				string(rr.Status), day(rr.SelfSubmittedAt), day(rr.ManagerSubmittedAt), day(rr.SharedAt), day(rr.AcknowledgedAt), day(rr.LevelSince)}
			if ratings {
				row = append(row, strconv.Itoa(rr.SelfRated), score(rr.SelfAvg), strconv.Itoa(rr.MgrRated), score(rr.MgrAvg))
			}
			rows = append(rows, row)
		}
		return peoplecsv.WriteRows(out, rows)
	})
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func score(avg float64) string {
	if avg < 0 {
		return ""
	}
	return strconv.FormatFloat(avg, 'f', 2, 64)
}
