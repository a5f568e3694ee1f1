package cli

import (
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/site"
	"github.com/rungs/rungs/internal/store"
)

var serveCommand = &command{
	name:    "serve",
	summary: "preview the framework's website, rebuilt as you edit",
	usage: `
Usage:
  rungs serve [DIR] [--addr 127.0.0.1:8080] [--data PATH | --db URL] [--private] [--trust-proxy]

Serves the website of the framework in DIR (default: the current folder) from memory. It
watches the files and rebuilds when they change; open pages reload by themselves. While the
framework has errors, the last good version stays up, and the errors are printed here and shown
as a banner in the page.

Without DIR, and with no framework in the current folder, it serves the bundled engineering
framework and says so: a quick way to see what rungs makes ('rungs init DIR' copies it for you
to edit). A DIR named on the command line must be a framework, as for check and build.

With --data or --db it also runs the people app beside the ladder: accounts, people and their
level history, the CSV import, the rollout and the audit log. --data keeps everything in an
embedded SQLite file, created if missing; --db uses PostgreSQL, so that several rungs processes
can share one database behind a load balancer. On the first start with an empty database, serve
prints a one-time link that creates the first admin ('rungs admin create-user' does the same
from the shell).

Stop it with Ctrl-C (or SIGTERM, or by closing the terminal); requests in flight finish first.
Started with 'go run', it also stops when the go command ends.

Flags:
  --addr ADDR     the address to listen on (default: 127.0.0.1:8080)
  --data PATH     run the people app on the SQLite database at PATH
  --db URL        run the people app on PostgreSQL (postgres://user:pass@host/db)
  --private       with --data or --db: the ladder pages need signing in too
  --trust-proxy   take the client's address from X-Forwarded-For, HTTPS from
                  X-Forwarded-Proto and the host from X-Forwarded-Host; only behind a
                  proxy that sets them

Examples:
  rungs serve
  rungs serve career-ladder --addr 127.0.0.1:3000
  rungs serve career-ladder --data people.db
  rungs serve career-ladder --db postgres://rungs@db.internal/rungs --private
`,
	run: runServe,
}

// pollInterval is how often serve looks for changed files. Polling a few hundred files costs
// little and works the same on every system and editor, unlike change notifications.
const pollInterval = 300 * time.Millisecond

func runServe(e *env, args []string) error {
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fset.String("addr", "127.0.0.1:8080", "")
	db := addDatabaseFlags(fset)
	private := fset.Bool("private", false, "")
	trustProxy := fset.Bool("trust-proxy", false, "")
	pos, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	if !db.given() && (*private || *trustProxy) {
		return usageError{"--private and --trust-proxy are for the people app: add --data PATH or --db URL"}
	}
	dir, err := oneDir(pos)
	if err != nil {
		return err
	}
	var fsys fs.FS
	watch := true
	_, statErr := os.Stat(filepath.Join(dir, ladder.FrameworkFile))
	switch {
	case statErr == nil:
		fsys = os.DirFS(dir)
	case len(pos) > 0:
		// A folder named on the command line must be a framework, as for check and build: a
		// typo never quietly shows something else.
		if _, _, err := load(dir); err != nil {
			return err
		}
		return fmt.Errorf("%s: %w", dir, statErr)
	default:
		fsys, _ = frameworks.FS(frameworks.Default)
		watch = false
		fmt.Fprintf(e.stdout, "No %s in %s: serving the bundled %s framework. Run 'rungs init DIR' to start your own.\n", ladder.FrameworkFile, dir, frameworks.Default)
	}
	ctx, stop := context.WithCancel(e.ctx)
	defer stop()
	if goRun() {
		go stopWithParent(ctx, e, stop)
	}

	preview := site.NewPreview()
	// The history comes from commits, not from the files being edited: gathered once.
	var opts site.Options
	if watch {
		opts.History, opts.HistorySource = history(e, dir)
	}
	opts.LiveReload = true
	opts.PeopleApp = db.given()
	var people *app.App // the people app, with --data or --db
	rebuild := func() {
		start := time.Now()
		f, diags, err := ladder.Load(fsys)
		if errors.Is(err, ladder.ErrNoFramework) {
			err = fmt.Errorf("%s is gone (deleted, or renamed by an editor as it saves); serve rebuilds once it is back", filepath.Join(dir, ladder.FrameworkFile))
		}
		if err == nil && f == nil {
			err = fmt.Errorf("%s could not be read", filepath.Join(dir, ladder.FrameworkFile))
		}
		var problems []string
		for _, d := range diags {
			d.Pos.File = filepath.Join(dir, filepath.FromSlash(d.Pos.File))
			problems = append(problems, d.String())
		}
		if err != nil {
			problems = append(problems, err.Error())
		}
		printDiagnostics(e, dir, diags)
		if err != nil {
			fmt.Fprintf(e.stderr, "rungs: %v\n", err)
		}
		if err != nil || diags.HasErrors() {
			fmt.Fprintln(e.stderr, "rungs: keeping the last good version until the errors are fixed")
			preview.Fail(problems)
			return
		}
		s, err := site.Render(f, fsys, opts)
		if err == nil {
			var h *site.Handler
			if h, err = site.NewHandler(s, ""); err == nil {
				preview.Update(h)
				if people != nil {
					people.SetFramework(f)
				}
				fmt.Fprintf(e.stdout, "Rendered %d pages in %s.\n", len(s.Files), time.Since(start).Round(time.Millisecond))
				return
			}
		}
		fmt.Fprintf(e.stderr, "rungs: %v\n", err)
		preview.Fail([]string{err.Error()})
	}
	var handler http.Handler = preview
	if db.given() {
		st, err := db.open(e.ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		// The people app starts with no framework; the first good build below gives it one.
		people, err = app.New(app.Config{Store: st, Site: preview, Private: *private, TrustProxy: *trustProxy, Log: e.stderr}, nil)
		if err != nil {
			return err
		}
		handler = people
		go sweepSessions(e.ctx, st)
	}
	// What the files are before the first build: an edit made while it runs, or straight after
	// (before the watcher's first look), is then seen as one.
	var seen string
	if watch {
		seen = snapshot(dir)
	}
	rebuild()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(e.stdout, "Serving at http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	if people != nil {
		link, err := people.Setup(e.ctx, setupLinkTTL)
		if err != nil {
			return err
		}
		if link != "" {
			fmt.Fprintf(e.stdout, "No one can sign in yet. Create the first admin at http://%s%s\n(the link works once, within the hour; 'rungs admin create-user' does the same from the shell)\n",
				ln.Addr(), link)
		}
	}

	if watch {
		go watchFiles(ctx, dir, seen, rebuild)
	}
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	fmt.Fprintln(e.stdout, "Stopping.")
	preview.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(ctx)
}

// goRun reports whether this rungs was built and started by 'go run': its executable then
// lives in the go command's temporary build folder.
func goRun() bool {
	exe, err := os.Executable()
	if err != nil {
		return false
	}
	sep := string(filepath.Separator)
	return strings.Contains(exe, sep+"go-build") && strings.Contains(exe, sep+"exe"+sep)
}

// stopWithParent stops serve when the process that started it ends. 'go run' passes Ctrl-C on
// to rungs (both get it from the terminal), but a SIGTERM or SIGKILL sent to go run alone
// ends it and leaves rungs behind, still holding the port; rungs notices that its parent is
// gone and stops too.
func stopWithParent(ctx context.Context, e *env, stop context.CancelFunc) {
	parent := os.Getppid()
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if os.Getppid() != parent {
				fmt.Fprintln(e.stderr, "rungs: go run, which started this serve, has ended; stopping too.")
				stop()
				return
			}
		}
	}
}

// setupLinkTTL is how long the first admin's setup link works: long enough to open it, short
// enough that a link left in a terminal's scrollback is soon worthless.
const setupLinkTTL = time.Hour

// sweepSessions removes expired sessions every hour; they open nothing already, this only
// keeps the table small.
func sweepSessions(ctx context.Context, st *store.Store) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			_, _ = st.DeleteExpiredSessions(ctx, now)
		}
	}
}

// watchFiles calls changed whenever a framework file in dir is added, removed or modified
// after last, the snapshot of the files it starts from.
func watchFiles(ctx context.Context, dir, last string, changed func()) {
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if now := snapshot(dir); now != last {
				last = now
				changed()
			}
		}
	}
}

// snapshot sums the names, sizes and times of the files a framework is made of.
func snapshot(dir string) string {
	h := sha256.New()
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		name := d.Name()
		if d.IsDir() && p != dir && (strings.HasPrefix(name, ".") || name == "public" || name == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasPrefix(name, ".") {
			return nil
		}
		if info, err := d.Info(); err == nil {
			fmt.Fprintf(h, "%s %d %d\n", p, info.Size(), info.ModTime().UnixNano())
		}
		return nil
	})
	return string(h.Sum(nil))
}
