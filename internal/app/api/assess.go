package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/rungs/rungs/internal/app/assess"
	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	storeassess "github.com/rungs/rungs/internal/store/assess"
)

// CycleList is the assessment cycles the caller may see, newest first.
type CycleList struct {
	Items []Cycle `json:"items"`
}

// Cycle is an assessment cycle: FrameworkVersion is the content hash of the framework it was
// opened on, which its questions keep whatever the framework becomes.
type Cycle struct {
	ID               int64      `json:"id"`
	Name             string     `json:"name"`
	StartsOn         string     `json:"starts_on"`
	EndsOn           string     `json:"ends_on"`
	Scope            string     `json:"scope"`
	Open             bool       `json:"open"`
	IncludeNext      bool       `json:"include_next"`
	FrameworkVersion string     `json:"framework_version"`
	OpenedAt         time.Time  `json:"opened_at"`
	ClosedAt         *time.Time `json:"closed_at,omitempty"`
}

// GetCycles answers the cycles the caller may see, as the cycles page lists them: all of
// them to the people team and to managers (whose teams are in them), the caller's own to
// anyone else.
func GetCycles(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	var cycles []storeassess.Cycle
	if v.Admin() || v.Manager {
		all, err := storeassess.Cycles(ctx, srv.Store())
		if err != nil {
			return err
		}
		cycles = all
	} else {
		mine, err := storeassess.CyclesOf(ctx, srv.Store(), v.Person.ID)
		if err != nil {
			return err
		}
		for _, pc := range mine {
			cycles = append(cycles, pc.Cycle)
		}
	}
	out := CycleList{Items: []Cycle{}}
	for _, c := range cycles {
		out.Items = append(out.Items, Cycle{ID: c.ID, Name: c.Name, StartsOn: c.StartsOn.Format(time.DateOnly),
			EndsOn: c.EndsOn.Format(time.DateOnly), Scope: string(c.Scope), Open: c.Open(), IncludeNext: c.IncludeNext,
			FrameworkVersion: c.FrameworkVersion, OpenedAt: c.OpenedAt, ClosedAt: optionalTime(c.ClosedAt)})
	}
	return Write(w, r, http.StatusOK, out)
}

// GetAssessment answers a person's assessment in a cycle as the file the assessment page
// exports (the published site's self-assessment format): the person's side, and the
// manager's once the caller may see it — the person only after it was shared. Every read is
// in the audit log, as an export is.
func GetAssessment(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	out, _, err := assess.ExportFile(srv, r, v, "assessment.export", "through the API")
	if errors.Is(err, web.ErrNotFound) {
		return ErrNotFound
	} else if err != nil {
		return err
	}
	return Write(w, r, http.StatusOK, out)
}
