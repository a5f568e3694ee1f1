package assess

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/app/policy"
	"github.com/rungs/rungs/internal/app/web"
	"github.com/rungs/rungs/internal/store"
	storeassess "github.com/rungs/rungs/internal/store/assess"
)

// The file of the published site's self-assessment page (assess.js): its ratings and notes
// are keyed "level/expectation id", the keys a cycle's ratings have, so a file downloaded
// from the site imports as a self-assessment draft, and an export opens on the site.

// fileFormat names the self-assessment file format.
const fileFormat = "rungs-assessment"

// File is a self-assessment file; an export (and the API) adds the manager's side.
type File struct {
	Format        string            `json:"format"`
	FormatVersion int               `json:"format_version"`
	Framework     FileFramework     `json:"framework"`
	Saved         string            `json:"saved"`
	Ladder        string            `json:"ladder"`
	Track         string            `json:"track"`
	Current       string            `json:"current"`
	Target        string            `json:"target"`
	Ratings       map[string]string `json:"ratings"`
	Notes         map[string]string `json:"notes"`
	Texts         map[string]string `json:"texts"`
	Seen          []string          `json:"seen"`
	// Manager is the manager's side, in an export by someone who may see it; the site
	// ignores it.
	Manager *FileSide `json:"manager,omitempty"`
}

// FileFramework names the framework and version a file's ratings were made on.
type FileFramework struct {
	Title   string `json:"title"`
	Version string `json:"version"`
}

// FileSide is one side's ratings and notes, keyed "level/expectation id".
type FileSide struct {
	Ratings map[string]string `json:"ratings"`
	Notes   map[string]string `json:"notes"`
}

// maxFile is the largest self-assessment file an import reads.
const maxFile = 512 << 10

// Import reads a self-assessment file from the published site into the person's draft: the
// ratings and notes of expectations the cycle asks about; the rest is named, not kept.
func Import(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	ctx := r.Context()
	c, f, p, acc, err := load(srv, r, v)
	if err != nil {
		return err
	}
	if !acc.WriteSelf {
		return web.Errorf(http.StatusConflict, "This cycle is closed: its assessments no longer change.")
	}
	fail := func(msg string) error {
		return showPerson(srv, w, r, v, http.StatusBadRequest, "", nil, map[string]string{"file": msg})
	}
	if p.Submitted(storeassess.SelfSide) {
		return fail("Your self-assessment is submitted: change it with an amendment in the form, not by importing a file.")
	}
	file, _, err := r.FormFile("file")
	if err != nil {
		return fail("Choose the self-assessment file (.json) you downloaded from the ladder's self-assessment page.")
	}
	defer file.Close()
	var in File
	dec := json.NewDecoder(io.LimitReader(file, maxFile))
	if err := dec.Decode(&in); err != nil {
		return fail("The file is not a self-assessment file: " + jsonProblem(err) + ".")
	}
	if in.Format != fileFormat {
		return fail(`The file is not a rungs self-assessment file (its "format" is not "rungs-assessment").`)
	}
	pl := planFor(c, f, srv.Framework(), p)
	var ratings []storeassess.Rating
	skipped := 0
	keys := map[string]bool{}
	for k := range in.Ratings {
		keys[k] = true
	}
	for k := range in.Notes {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		it := pl.Items[k]
		if it == nil {
			skipped++
			continue
		}
		rating, evidence := in.Ratings[k], trimEvidence(in.Notes[k])
		score := -1
		if rating != "" {
			if score = scoreOf(f, rating); score < 0 {
				return fail(fmt.Sprintf("The rating %q of %q is not on this cycle's scale.", rating, short(it.Plain)))
			}
		}
		if problem := storeassess.EvidenceProblem(evidence); problem != "" {
			return fail(fmt.Sprintf("The note on %q %s.", short(it.Plain), problem))
		}
		ratings = append(ratings, storeassess.Rating{Level: it.Level.ID, Expectation: it.ID, Rating: rating, Score: score, Evidence: evidence})
	}
	err = srv.Store().WithTx(ctx, func(tx *store.Store) error {
		n, err := storeassess.SaveRatings(ctx, tx, c.ID, p.Person.ID, storeassess.SelfSide, v.Person.ID, ratings, "")
		if err != nil {
			return err
		}
		return srv.Audit(tx, r, v, "assessment.self.import", p.Person.ID, fmt.Sprintf("%s: %d ratings changed, %d not in the cycle, file of framework %s",
			c.Name, n, skipped, in.Framework.Version))
	})
	if err := stepError(err); err != nil {
		return err
	}
	web.Redirect(w, r, personURL(c.ID, p.Person.ID), "imported")
	return nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v at byte %d", se, se.Offset)
	}
	return err.Error()
}

// Export downloads a person's assessment as a self-assessment file: the person's ratings
// (which the published site opens), and the manager's beside them for whoever may see them.
func Export(srv *web.Server, w http.ResponseWriter, r *http.Request, v *policy.Viewer) error {
	out, name, err := ExportFile(srv, r, v, "assessment.export", "")
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	_, err = w.Write(append(b, '\n'))
	return err
}

// ExportFile is what v may see of the person's assessment in the cycle of the request's path,
// as a file ({cycle} and {id}), and a name for it: the person's side, and the manager's once
// v may see it. It is audited as action, with the cycle's name and how after it.
func ExportFile(srv *web.Server, r *http.Request, v *policy.Viewer, action, how string) (File, string, error) {
	c, f, p, acc, err := load(srv, r, v)
	if err != nil {
		return File{}, "", err
	}
	self, mgr, err := visibleRatings(srv, r, c, p, acc)
	if err != nil {
		return File{}, "", err
	}
	if err := srv.Audit(srv.Store(), r, v, action, p.Person.ID, strings.TrimSpace(c.Name+" "+how)); err != nil {
		return File{}, "", err
	}
	pl := planFor(c, f, f, p)
	out := File{Format: fileFormat, FormatVersion: 1, Framework: FileFramework{Title: f.Title, Version: c.FrameworkVersion},
		Saved: srv.Now().UTC().Format(time.RFC3339), Ladder: p.Ladder, Track: p.Track, Current: p.Level,
		Ratings: map[string]string{}, Notes: map[string]string{}, Texts: map[string]string{}, Seen: []string{}}
	if pl.NextLv != nil {
		out.Target = pl.NextLv.ID
	}
	for _, it := range pl.Order {
		out.Texts[it.Key] = it.Plain
		out.Seen = append(out.Seen, it.Key)
		if rt, ok := self[it.Key]; ok {
			if rt.Rating != "" {
				out.Ratings[it.Key] = rt.Rating
			}
			if rt.Evidence != "" {
				out.Notes[it.Key] = rt.Evidence
			}
		}
	}
	if mgr != nil {
		out.Manager = &FileSide{Ratings: map[string]string{}, Notes: map[string]string{}}
		for k, rt := range mgr {
			if rt.Rating != "" {
				out.Manager.Ratings[k] = rt.Rating
			}
			if rt.Evidence != "" {
				out.Manager.Notes[k] = rt.Evidence
			}
		}
	}
	return out, fmt.Sprintf("assessment-%d-%d.json", c.ID, p.Person.ID), nil
}
