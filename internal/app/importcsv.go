package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/rungs/rungs/internal/peoplecsv"
	"github.com/rungs/rungs/internal/store"
)

// The CSV import is two steps: upload shows a preview (or every bad row), and apply imports.
// The preview page carries the file back in a hidden field instead of keeping it on the
// server, so any rungs process behind a load balancer can take the second step; apply reads
// and checks it all again, since people may have changed in between. The field holds the
// file in base64: browsers send a form's text with its line ends changed, and the file back
// must be the one previewed to the byte.

// maxPreviewRows bounds the rows a preview lists; the counts cover the whole file.
const maxPreviewRows = 100

type importData struct {
	FileName string
	CSV      string
	Encoded  string // CSV in base64, for the preview's form
	Sum      string
	Plan     *peoplecsv.Plan
	Rows     []store.ImportRow
	Lines    []int
	More     int
	Errors   peoplecsv.Errors
	Problem  string
}

func importPage(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	a.render(w, r, v, http.StatusOK, "import", "Import people", importData{})
	return nil
}

func importPreview(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	d := importData{}
	file, header, err := r.FormFile("file")
	if err != nil {
		d.Problem = "Choose a CSV file to import."
		a.render(w, r, v, http.StatusBadRequest, "import", "Import people", d)
		return nil
	}
	defer file.Close()
	b, err := io.ReadAll(file)
	if err != nil {
		return err
	}
	d.FileName, d.CSV = header.Filename, string(b)
	return a.checkImport(w, r, v, d, false)
}

func importApply(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	d := importData{FileName: r.PostFormValue("name")}
	b, err := base64.StdEncoding.DecodeString(r.PostFormValue("csv"))
	d.CSV = string(b)
	if sum := r.PostFormValue("sum"); err != nil || sum != checksum(d.CSV) {
		d.Problem = "The file sent back is not the one previewed. Upload it again."
		a.render(w, r, v, http.StatusBadRequest, "import", "Import people", d)
		return nil
	}
	return a.checkImport(w, r, v, d, true)
}

// checkImport reads the file against the people stored now and shows its errors or its
// preview; with apply, a file without errors is imported, all of it in one transaction.
func (a *App) checkImport(w http.ResponseWriter, r *http.Request, v *Viewer, d importData, apply bool) error {
	ctx := r.Context()
	d.Sum, d.Encoded = checksum(d.CSV), base64.StdEncoding.EncodeToString([]byte(d.CSV))
	var result store.ImportResult
	err := a.cfg.Store.WithTx(ctx, func(tx *store.Store) error {
		existing, err := peoplecsv.LoadExisting(ctx, tx)
		if err != nil {
			return err
		}
		plan, err := peoplecsv.Read(strings.NewReader(d.CSV), a.Framework(), existing)
		if errors.As(err, &d.Errors) {
			return errInvalid
		}
		if err != nil {
			d.Problem = err.Error()
			return errInvalid
		}
		d.Plan = plan
		if !apply {
			return nil
		}
		if result, err = tx.ImportPeople(ctx, plan.Rows, v.Person.ID); err != nil {
			return err
		}
		return a.audit(tx, r, v, "people.import", 0,
			fmt.Sprintf("%s: %d created, %d updated", d.FileName, result.Created, result.Updated))
	})
	if errors.Is(err, errInvalid) {
		a.render(w, r, v, http.StatusUnprocessableEntity, "import", "Import people", d)
		return nil
	}
	if err != nil {
		return err
	}
	if apply {
		redirect(w, r, "/people", "imported")
		return nil
	}
	n := min(len(d.Plan.Rows), maxPreviewRows)
	d.Rows, d.Lines, d.More = d.Plan.Rows[:n], d.Plan.Lines[:n], len(d.Plan.Rows)-n
	a.render(w, r, v, http.StatusOK, "import", "Import people", d)
	return nil
}

func checksum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// exportCSV streams one of the CSV exports as a download, and records who took it.
func (a *App) exportCSV(w http.ResponseWriter, r *http.Request, v *Viewer, name string, write func(io.Writer) error) error {
	if err := a.audit(a.cfg.Store, r, v, "export", 0, name); err != nil {
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

func exportPeople(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	return a.exportCSV(w, r, v, "people.csv", func(out io.Writer) error { return peoplecsv.WritePeople(r.Context(), out, a.cfg.Store) })
}

func exportHistory(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	return a.exportCSV(w, r, v, "level-history.csv", func(out io.Writer) error { return peoplecsv.WriteHistory(r.Context(), out, a.cfg.Store) })
}

func exportAudit(a *App, w http.ResponseWriter, r *http.Request, v *Viewer) error {
	f, _, problem, err := auditFilter(r.Context(), a.cfg.Store, r)
	if err != nil {
		return err
	}
	if problem != "" {
		return errorf(http.StatusBadRequest, problem)
	}
	return a.exportCSV(w, r, v, "audit-log.csv", func(out io.Writer) error { return peoplecsv.WriteAudit(r.Context(), out, a.cfg.Store, f) })
}
