package people

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/obs"
	"github.com/rungs/rungs/internal/peoplecsv"
	"github.com/rungs/rungs/internal/store"
)

// The CSV import is two steps: upload shows a preview (or every bad row), and apply imports.
// Uploads take files of up to Config.MaxImportFile. A file without errors is kept in the
// database (store.SaveUpload) for an hour, and the preview's form names it by a random key:
// the page stays small whatever the file's size, and any rungs process behind a load
// balancer can take the second step. Apply takes the file out of the database in the
// transaction that imports it (so it is applied once) and checks it all again, since people
// may have changed in between.

// maxPreviewRows bounds the rows a preview lists of each kind (changed, new, unchanged); the
// counts cover the whole file. A file of 100,000 rows makes a page of at most 300.
const maxPreviewRows = 100

type importData struct {
	FileName string
	CSV      string
	Key      string // the kept upload's key, for the preview's form
	Plan     *peoplecsv.Plan
	// The first rows of each kind, in file order: those that change someone stored (each
	// with what it changes), those that add someone, and those that change nothing.
	Changed, New, Same []previewRow
	Errors             peoplecsv.Errors
	Problem            string
}

// previewRow is one row of the file as the preview lists it.
type previewRow struct {
	Line   int
	Row    store.ImportRow
	Fields []peoplecsv.FieldChange
	Level  *web.LevelInfo // a new person's first level, in words
}

// preview sorts the plan's rows into the kinds the preview lists, keeping the first few of
// each: one pass over the rows, whatever the file's size.
func preview(d *importData, f *ladder.Framework) {
	p := d.Plan
	for i, c := range p.Changes {
		list := &d.Same
		switch c.Effect {
		case peoplecsv.New:
			list = &d.New
		case peoplecsv.Changed:
			list = &d.Changed
		}
		if len(*list) == maxPreviewRows {
			continue
		}
		r := previewRow{Line: p.Lines[i], Row: p.Rows[i], Fields: c.Fields}
		if c.Effect == peoplecsv.New {
			r.Level = web.Describe(f, web.LevelRef{Ladder: r.Row.Ladder, Track: r.Row.Track, Level: r.Row.Level})
		}
		*list = append(*list, r)
	}
}

// ImportPage shows the form to upload an HR export.
func ImportPage(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	srv.Render(w, r, v, http.StatusOK, "import", "Import people", importData{})
	return nil
}

// ImportPreview reads an uploaded HR export and shows what importing it would change.
func ImportPreview(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	d := importData{}
	file, header, err := r.FormFile("file")
	if err != nil {
		d.Problem = "Choose a CSV file to import."
		srv.Render(w, r, v, http.StatusBadRequest, "import", "Import people", d)
		return nil
	}
	defer file.Close()
	if most := srv.Config().MaxImportFile; header.Size > most {
		// The apply step takes what the preview takes, and no more: refused here, not there.
		d.Problem = fmt.Sprintf("%s is %.1f MB; an import takes %d MB at most. Split it, or leave out columns rungs does not read.",
			header.Filename, float64(header.Size)/(1<<20), most>>20)
		srv.Render(w, r, v, http.StatusRequestEntityTooLarge, "import", "Import people", d)
		return nil
	}
	b, err := io.ReadAll(file)
	if err != nil {
		return err
	}
	d.FileName, d.CSV = header.Filename, string(b)
	return checkImport(srv, w, r, v, d)
}

// ImportApply starts importing the previewed file, all or nothing, in the background, and
// answers with the import's page, which follows it to the end (see web.Job): an import of
// 100,000 people takes a while, and its page says how far it is.
func ImportApply(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	key := r.PostFormValue("upload")
	if key == "" {
		return web.Errorf(http.StatusBadRequest, "This form does not name a previewed file. Upload the file again.")
	}
	// The job's request: the same values (for the audit's address and the logs), its own end.
	job, err := srv.StartJob(r.Context(), v.Account.ID, "Importing people", func(ctx context.Context, j *web.Job) (string, error) {
		return applyImport(srv, r.WithContext(ctx), v, key, j)
	})
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/import/jobs/"+job.ID(), http.StatusSeeOther)
	return nil
}

// ImportJob shows how far an import is, and once it ended what it did or why it did nothing.
// It is its starter's alone; a page of someone else's, or of a job this process does not
// have, is not found alike.
func ImportJob(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	job, ok := srv.JobOf(v.Account.ID, r.PathValue("job"))
	if !ok {
		return web.Errorf(http.StatusNotFound, "There is no such import running here. An import that was running when the server restarted imported nothing: check the people list, and upload the file again if it is not there.")
	}
	state := job.State(time.Now())
	if state.Running {
		// Reload in a second: a plain HTTP header, so that the page follows without script.
		w.Header().Set("Refresh", "1")
	}
	srv.Render(w, r, v, state.Status, "importjob", state.Title, state)
	return nil
}

// applyImport takes the kept file, checks it again against the people stored now (they may
// have changed since the preview) and imports it, all of it in one transaction, telling j
// how far it is.
func applyImport(srv *web.Server, r *http.Request, v *policy.Viewer, key string, j *web.Job) (string, error) {
	ctx := r.Context()
	start := time.Now()
	var d importData
	var result store.ImportResult
	j.Step("Waiting for any other import to finish", 0, 0)
	err := srv.Store().WithImport(ctx, func(tx *store.Store) error {
		u, err := tx.TakeUpload(ctx, v.Account.ID, key)
		if errors.Is(err, store.ErrNotFound) {
			return errUploadGone
		}
		if err != nil {
			return err
		}
		d.FileName, d.CSV = u.Name, string(u.Content)
		// The file is checked against the people as they are when it is written, after any
		// other import (WithImport takes turns first), so that the check cannot be stale.
		j.Step("Checking "+d.FileName+" against the people stored now", 0, 0)
		if err := readPlan(ctx, tx, srv, &d); err != nil {
			return err
		}
		plan := d.Plan
		written := func(done, total int) { j.Step("Writing "+d.FileName, done, total) }
		written(0, len(plan.Rows))
		if result, err = tx.ImportPeople(store.WithProgress(ctx, written), plan.Rows, v.Person.ID); err != nil {
			return err
		}
		j.Step("Saving", len(plan.Rows), len(plan.Rows))
		return srv.Audit(tx, r, v, "people.import", 0,
			fmt.Sprintf("%s: %d created, %d updated", d.FileName, result.Created, result.Updated))
	})
	observeImport(ctx, true, start, err)
	switch {
	case errors.Is(err, errUploadGone):
		return "", web.Errorf(http.StatusBadRequest, fmt.Sprintf("Nothing was imported: the previewed file is no longer kept. It was imported already, or its preview is more than %d minutes old; upload the file again.", int(store.UploadLifetime.Minutes())))
	case errors.Is(err, web.ErrInvalid):
		return "", web.Errorf(http.StatusUnprocessableEntity, "Nothing was imported: "+invalidNow(d))
	case err != nil:
		return "", err
	}
	return fmt.Sprintf("Imported %s: %s added, %s updated.", d.FileName, count(result.Created), count(result.Updated)), nil
}

// invalidNow says why a file that passed its preview fails when applied: the people stored
// changed in between (someone was added by hand with an email the file has, say).
func invalidNow(d importData) string {
	if d.Problem != "" {
		return d.Problem
	}
	msg := fmt.Sprintf("%s no longer checks against the people stored now (they changed since the preview)", d.FileName)
	for i, e := range d.Errors {
		if i == 3 {
			msg += fmt.Sprintf("; and %d more", len(d.Errors)-3)
			break
		}
		msg += "; " + e.Error()
	}
	return msg + ". Upload the file again to see every problem."
}

// count writes n with thousands separated: "100,000".
func count(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// errUploadGone is an apply whose file is no longer kept.
var errUploadGone = errors.New("upload gone")

// checkImport reads the uploaded file against the people stored now and shows its errors or
// its preview, keeping a file without errors for its apply.
func checkImport(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer, d importData) error {
	ctx := r.Context()
	start := time.Now()
	err := srv.Store().WithTx(ctx, func(tx *store.Store) error {
		if err := readPlan(ctx, tx, srv, &d); err != nil {
			return err
		}
		var err error
		d.Key, err = tx.SaveUpload(ctx, v.Account.ID, store.Upload{Name: d.FileName, Content: []byte(d.CSV)})
		return err
	})
	observeImport(ctx, false, start, err)
	if errors.Is(err, web.ErrInvalid) {
		srv.Render(w, r, v, http.StatusUnprocessableEntity, "import", "Import people", d)
		return nil
	}
	if err != nil {
		return err
	}
	preview(&d, srv.Framework())
	srv.Render(w, r, v, http.StatusOK, "import", "Import people", d)
	return nil
}

// readPlan checks d's file against the people stored now (in tx) and keeps its plan in d, or
// its errors in d and returns web.ErrInvalid.
func readPlan(ctx context.Context, tx *store.Store, srv *web.Server, d *importData) error {
	existing, err := peoplecsv.LoadExisting(ctx, tx)
	if err != nil {
		return err
	}
	plan, err := peoplecsv.Read(strings.NewReader(d.CSV), srv.Framework(), existing)
	if errors.As(err, &d.Errors) {
		return web.ErrInvalid
	}
	if err != nil {
		d.Problem = err.Error()
		return web.ErrInvalid
	}
	d.Plan = plan
	return nil
}

// observeImport records how long checking (or importing) the file took, for the metrics.
func observeImport(ctx context.Context, apply bool, start time.Time, err error) {
	step, outcome := "preview", "ok"
	if apply {
		step = "apply"
	}
	switch {
	case errors.Is(err, web.ErrInvalid):
		outcome = "invalid"
	case err != nil:
		outcome = "error"
	}
	obs.Imported(ctx, step, outcome, time.Since(start))
}

// ExportPeople downloads everyone as a CSV file that import reads back.
func ExportPeople(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return web.ExportCSV(srv, w, r, v, "people.csv", func(out io.Writer) error { return peoplecsv.WritePeople(r.Context(), out, srv.Store()) })
}

// ExportHistory downloads every level change as a CSV file.
func ExportHistory(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	return web.ExportCSV(srv, w, r, v, "level-history.csv", func(out io.Writer) error { return peoplecsv.WriteHistory(r.Context(), out, srv.Store()) })
}
