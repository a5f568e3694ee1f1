package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/charset"
	"github.com/rungs/rungs/internal/fsutil"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/peoplecsv"
	"github.com/rungs/rungs/internal/store"
)

func runImportPeople(e *env, args []string) error {
	fset := flag.NewFlagSet("admin import-people", flag.ContinueOnError)
	db := addDatabaseFlags(fset)
	dir := fset.String("framework", ".", "")
	dryRun := fset.Bool("dry-run", false, "")
	encoding := fset.String("encoding", charset.UTF8, "")
	pos, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	enc, err := encodingFlag(*encoding)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"admin import-people needs one CSV file: rungs admin import-people (--data PATH | --db URL) FILE.csv"}
	}
	file := pos[0]
	named := false
	fset.Visit(func(f *flag.Flag) { named = named || f.Name == "framework" })
	f, err := peopleFramework(e, *dir, named)
	if err != nil {
		return err
	}
	in, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: no such file", file)
	}
	if err != nil {
		return err
	}
	defer in.Close()
	s, err := db.open(e.ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	// check reads the file against the people q holds; its error is the command's answer.
	check := func(q *store.Store) (*peoplecsv.Plan, error) {
		existing, err := peoplecsv.LoadExisting(e.ctx, q)
		if err != nil {
			return nil, err
		}
		plan, err := untilStopped(e.ctx, func() (*peoplecsv.Plan, error) {
			return peoplecsv.Read(charset.NewReader(in, enc), f, existing)
		})
		if e.ctx.Err() != nil {
			return nil, stoppedError{"nothing was imported"}
		}
		if notText := encodingError(file, err, true); notText != nil {
			return nil, notText
		}
		var rowErrs peoplecsv.Errors
		if errors.As(err, &rowErrs) {
			for _, re := range rowErrs {
				if re.Column == "" {
					fmt.Fprintf(e.stderr, "%s:%d: %s\n", file, re.Line, re.Reason)
				} else {
					fmt.Fprintf(e.stderr, "%s:%d: %s: %s\n", file, re.Line, re.Column, re.Reason)
				}
			}
			fmt.Fprintf(e.stderr, "%s; nothing was imported.\n", plural(len(rowErrs), "error"))
			return nil, exitError{1}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		var ignored []string
		for _, c := range plan.Columns {
			if c.Field == "" {
				ignored = append(ignored, fmt.Sprintf("%q", c.Header))
			}
		}
		if len(ignored) > 0 {
			fmt.Fprintf(e.stdout, "Ignoring columns %s.\n", strings.Join(ignored, ", "))
		}
		return plan, nil
	}
	if *dryRun {
		plan, err := check(s)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Checked %s: %d to create, %d already stored (updated where the file differs). Nothing was written (--dry-run).\n",
			countPeople(len(plan.Rows)), plan.Created, plan.Updated)
		return nil
	}
	// The file is checked in the transaction that writes it, after any other import has
	// ended (WithImport): checked before, it could be checked against people another import
	// then changed, and the two files would mix.
	var plan *peoplecsv.Plan
	var res store.ImportResult
	var checkErr error // the check's own answer, said as it is
	progress, endProgress := progressOn(e.stderr, "Importing")
	ctx := e.ctx
	if progress != nil {
		ctx = store.WithProgress(ctx, progress)
	}
	err = s.WithImport(e.ctx, func(tx *store.Store) error {
		var err error
		if plan, checkErr = check(tx); checkErr != nil {
			return checkErr
		}
		// Said, and flushed, before the long write, so that whoever waits knows what for.
		fmt.Fprintf(e.stdout, "Importing %s...\n", countPeople(len(plan.Rows)))
		if f, ok := e.stdout.(interface{ Flush() error }); ok {
			f.Flush()
		}
		if res, err = tx.ImportPeople(ctx, plan.Rows, 0); err != nil {
			return err
		}
		_, err = tx.AddAudit(e.ctx, store.AuditEntry{Action: "people.import",
			Detail: fmt.Sprintf("%s: %d created, %d updated", file, res.Created, res.Updated)})
		return err
	})
	endProgress()
	if checkErr != nil {
		return checkErr
	}
	if errors.Is(err, store.ErrBusy) {
		// The driver's "database is locked (5) (SQLITE_BUSY)" does not say what to do.
		return fmt.Errorf("%s: nothing was imported: another process (another import, or rungs serve saving) kept the database busy for longer than 10 seconds; run the import again when it has finished", file)
	}
	if err != nil {
		return stopped(e.ctx, fmt.Errorf("%s: nothing was imported: %w", file, err), "nothing was imported")
	}
	// The store counts as updated only the people the file changed.
	if same := plan.Updated - res.Updated; same > 0 {
		fmt.Fprintf(e.stdout, "Imported: %d created, %d updated (%d unchanged).\n", res.Created, res.Updated, same)
	} else {
		fmt.Fprintf(e.stdout, "Imported: %d created, %d updated.\n", res.Created, res.Updated)
	}
	return nil
}

// countPeople is "1 person" or "n people".
func countPeople(n int) string {
	if n == 1 {
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}

// peopleFramework loads the framework levels are checked against. As serve and titles do,
// outside a framework (and unless --framework named one) the bundled one stands in, and
// says so.
func peopleFramework(e *env, dir string, named bool) (*ladder.Framework, error) {
	var f *ladder.Framework
	var diags ladder.Diagnostics
	var err error
	if _, statErr := os.Stat(filepath.Join(dir, ladder.FrameworkFile)); statErr != nil && !named {
		fsys, _ := frameworks.FS(frameworks.Default)
		fmt.Fprintf(e.stderr, "No %s here: checking levels against the bundled %s framework.\n", ladder.FrameworkFile, frameworks.Default)
		f, diags, err = ladder.Load(fsys)
	} else {
		f, diags, err = load(dir)
	}
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		printDiagnostics(e, dir, diags)
		return nil, fmt.Errorf("%s has errors; fix them first ('rungs check %s')", dir, dir)
	}
	return f, nil
}

func runAdminExport(e *env, args []string) error {
	fset := flag.NewFlagSet("admin export", flag.ContinueOnError)
	db := addDatabaseFlags(fset)
	people := fset.String("people", "", "")
	history := fset.String("history", "", "")
	audit := fset.String("audit", "", "")
	force := fset.Bool("force", false, "")
	pos, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	if err := noArgs("export", pos); err != nil {
		return err
	}
	type export struct {
		what, path string
		write      func(ctx context.Context, w io.Writer, s *store.Store) error
	}
	var exports []export
	seen := map[string]string{}
	for _, x := range []export{
		{"people", *people, peoplecsv.WritePeople},
		{"level history", *history, peoplecsv.WriteHistory},
		{"audit log", *audit, func(ctx context.Context, w io.Writer, s *store.Store) error {
			return peoplecsv.WriteAudit(ctx, w, s, store.AuditFilter{})
		}},
	} {
		if x.path == "" {
			continue
		}
		if other, dup := seen[filepath.Clean(x.path)]; dup {
			return usageError{fmt.Sprintf("%s and %s would both go to %s", other, x.what, x.path)}
		}
		seen[filepath.Clean(x.path)] = x.what
		exports = append(exports, x)
	}
	if len(exports) == 0 {
		return usageError{"admin export needs at least one of --people FILE, --history FILE, --audit FILE"}
	}
	// Refused before anything is written, so that an export is never half done.
	for _, x := range exports {
		if err := replaceable(e, x.path, *force); err != nil {
			return err
		}
	}
	s, err := openExisting(e.ctx, db)
	if err != nil {
		return err
	}
	defer s.Close()
	var done []string
	for _, x := range exports {
		if err := os.MkdirAll(filepath.Dir(x.path), 0o755); err != nil {
			return err
		}
		// Streamed, however many people there are; readable by its owner only when new,
		// since it is people's private data.
		// On a terminal, the rows written so far show on standard error.
		progress, endProgress := progressOn(e.stderr, "Writing the "+x.what)
		ctx := e.ctx
		if progress != nil {
			ctx = store.WithProgress(ctx, progress)
		}
		err := fsutil.WriteAtomic(x.path, 0o600, func(w io.Writer) error { return x.write(ctx, w, s) })
		endProgress()
		if err != nil {
			return err
		}
		done = append(done, x.what+" to "+x.path)
		fmt.Fprintf(e.stdout, "Wrote the %s to %s.\n", x.what, x.path)
	}
	_, err = s.AddAudit(e.ctx, store.AuditEntry{Action: "export", Detail: strings.Join(done, ", ") + ", from the command line"})
	return err
}
