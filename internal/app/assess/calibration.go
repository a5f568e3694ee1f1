package assess

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/ladder"
	storeassess "github.com/rungs/rungs/internal/store/assess"
)

// calibrationPage is how many managers the calibration page shows at a time.
const calibrationPage = 25

type calibrationData struct {
	Cycle            storeassess.Cycle
	All              bool
	Ratings          bool
	Scale            []ladder.Rating
	Managers         []raterRow
	Chart            template.HTML
	Total            int
	From, To         int // the managers shown, counted from 1
	PrevURL, NextURL string
}

// Calibration shows the managers who submitted assessments in a cycle, each one's scores
// beside their people's own, a page at a time, the manager whose mean sits furthest from
// their people's (either way) first: a calibration meeting starts where the two disagree
// most. The scope is the report's.
func Calibration(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	c, f, err := loadCycle(srv, r)
	if err != nil {
		return err
	}
	all, under, ratings := policy.ReportScope(v, srv.Settings())
	d := calibrationData{Cycle: c, All: all, Ratings: ratings, Scale: f.Scale}
	if ratings {
		from, _ := strconv.Atoi(r.URL.Query().Get("from"))
		from = max(from, 0)
		cal, total, err := storeassess.Calibration(r.Context(), srv.Store(), c.ID, under, calibrationPage, from)
		if err != nil {
			return err
		}
		if len(cal) == 0 && from > 0 {
			// Past the last page the count comes back empty too: ask for it at the start.
			if _, total, err = storeassess.Calibration(r.Context(), srv.Store(), c.ID, under, 1, 0); err != nil {
				return err
			}
		}
		d.Managers, d.Chart = raterRows(f, cal)
		d.Total = total
		if len(cal) > 0 {
			d.From, d.To = from+1, from+len(cal)
		}
		link := func(at int) string {
			return "/cycles/" + strconv.FormatInt(c.ID, 10) + "/calibration?from=" + strconv.Itoa(at)
		}
		if from > 0 {
			d.PrevURL = link(max(0, from-calibrationPage))
		}
		if from+len(cal) < total {
			d.NextURL = link(from + calibrationPage)
		}
		if err := srv.Audit(srv.Store(), r, v, "cycle.calibration", 0, c.Name); err != nil {
			return err
		}
	}
	srv.Render(w, r, v, http.StatusOK, "calibration", "Calibration: "+c.Name, d)
	return nil
}
