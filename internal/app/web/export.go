package web

import (
	"bytes"
	"io"
	"net/http"

	"github.com/rungs/rungs/internal/app/policy"
)

// ExportCSV streams a CSV export as a download, and records who took it.
func ExportCSV(srv *Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, name string, write func(io.Writer) error) error {
	if err := srv.Audit(srv.Store(), r, v, "export", 0, name); err != nil {
		return err
	}
	// Written to memory first, so that a failure half-way is an error page, not half a file
	// that looks whole.
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err := w.Write(buf.Bytes())
	return err
}
