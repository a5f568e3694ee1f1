package loadtest

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// AuditWrites is what a rungs server's metrics say of the groups of audit entries it has put
// on disk (rungs_audit_write_seconds): how many, and how many took at most each bound. Every
// audited page waits for its group, so the slow ones show what the disk adds to a run.
type AuditWrites struct {
	Count uint64
	// AtMost is how many groups took at most each bound, in seconds.
	AtMost map[float64]uint64
}

// ScrapeAuditWrites reads the histogram from the server's metrics at url.
func ScrapeAuditWrites(ctx context.Context, url string) (AuditWrites, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return AuditWrites{}, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return AuditWrites{}, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return AuditWrites{}, fmt.Errorf("metrics at %s: %s", url, res.Status)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		return AuditWrites{}, fmt.Errorf("metrics at %s: %w", url, err)
	}
	f := families["rungs_audit_write_seconds"]
	if f == nil || len(f.GetMetric()) != 1 || f.GetMetric()[0].GetHistogram() == nil {
		return AuditWrites{}, fmt.Errorf("metrics at %s: no rungs_audit_write_seconds histogram", url)
	}
	h := f.GetMetric()[0].GetHistogram()
	a := AuditWrites{Count: h.GetSampleCount(), AtMost: map[float64]uint64{}}
	for _, b := range h.GetBucket() {
		a.AtMost[b.GetUpperBound()] = b.GetCumulativeCount()
	}
	return a, nil
}

// Since is what was added to the histogram after before.
func (a AuditWrites) Since(before AuditWrites) AuditWrites {
	d := AuditWrites{Count: a.Count - before.Count, AtMost: map[float64]uint64{}}
	for le, n := range a.AtMost {
		d.AtMost[le] = n - before.AtMost[le]
	}
	return d
}

// Over is how many groups took longer than bound, which must be one of the histogram's.
func (a AuditWrites) Over(bound float64) uint64 {
	return a.Count - a.AtMost[bound]
}

// AuditTable writes, for each page, the groups of audit entries the server put on disk during
// its run (warm-up included) and how many took longer than 10, 25 and 50 ms.
func AuditTable(w io.Writer, names []string, writes []AuditWrites) {
	fmt.Fprintf(w, "| %-28s | %12s | %8s | %8s | %8s |\n", "audit entries to disk", "groups", "> 10 ms", "> 25 ms", "> 50 ms")
	fmt.Fprintf(w, "|%s|%s:|%s:|%s:|%s:|\n", strings.Repeat("-", 30), strings.Repeat("-", 13), strings.Repeat("-", 9), strings.Repeat("-", 9), strings.Repeat("-", 9))
	for i, a := range writes {
		fmt.Fprintf(w, "| %-28s | %12d | %8d | %8d | %8d |\n", names[i], a.Count, a.Over(.01), a.Over(.025), a.Over(.05))
	}
}
