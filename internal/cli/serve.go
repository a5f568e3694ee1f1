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
	"sync"
	"time"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/app"
	"github.com/rungs/rungs/internal/app/mail"
	"github.com/rungs/rungs/internal/fsutil"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/proxy"
	"github.com/rungs/rungs/internal/site"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/access"
)

var serveCommand = &command{
	name:    "serve",
	summary: "preview the framework's website, rebuilt as you edit",
	usage: `
Usage:
  rungs serve [DIR] [--addr 127.0.0.1:8080]
  rungs serve [DIR] --data PATH | --db URL [--private] [--watch] [--trusted-proxies CIDR,...]
              [--session-idle 30m] [--session-max-age 12h] [--log-format text|json]
              [--metrics-addr ADDR] [--backup-dir DIR] [--no-migrate]
              [--admin-two-factor] [--oidc-issuer URL --oidc-client-id ID ...] [--sso-only]
              [--smtp-addr HOST:PORT --smtp-from ADDRESS --base-url URL ...]

Serves the website of the framework in DIR (default: the current folder) from memory.

Without a database it is a preview for whoever edits the framework: it watches the files and
rebuilds when they change, and open pages reload by themselves. While the framework has
errors, the last good version stays up, and the errors are printed here and shown as a banner
in the page. Without DIR, and with no framework in the current folder, it serves the bundled
engineering framework and says so: a quick way to see what rungs makes ('rungs init DIR'
copies it for you to edit). A DIR named on the command line must be a framework, as for check
and build.

With --data or --db it runs the people app beside the ladder, for a company to use: accounts,
people and their level history, the CSV import, the rollout and the audit log. --data keeps
everything in an embedded SQLite file, created if missing (readable by its owner only); --db
uses PostgreSQL, so that several rungs processes can share one database behind a load
balancer. On the first start with an empty database, serve prints a one-time link that creates
the first admin ('rungs admin create-user' does the same from the shell). In this mode pages do
not reload themselves and the framework's errors are printed here, never shown to visitors;
a changed framework is read again on SIGHUP (kill -HUP PID) or at a restart, or as it changes
with --watch.

Stop it with Ctrl-C (or SIGTERM, or by closing the terminal): requests in flight get a few
seconds to finish. Started with 'go run', it also stops when the go command ends.

Flags:
  --addr ADDR        the address to listen on (default: 127.0.0.1:8080)
  --data PATH        run the people app on the SQLite database at PATH
  --db URL           run the people app on PostgreSQL (postgres://user:pass@host/db)
  --private          with --data or --db: the ladder pages need signing in too
  --watch            with --data or --db: rebuild as the files change and reload open pages,
                     as the preview does (for trying the app out while editing, not for
                     production)
  --trusted-proxies CIDR,...
                     the reverse proxies in front of rungs, as addresses or ranges
                     (10.0.0.0/8,192.168.1.5): from them, the client's address is read from
                     X-Forwarded-For (the first address from the right that is not one of
                     them), HTTPS from X-Forwarded-Proto and the host from X-Forwarded-Host
  --trust-proxy      deprecated: --trusted-proxies with the loopback and private ranges
  --session-idle D   sign a browser out after this long without a request (default: 30m)
  --session-max-age D
                     and after this long however busy (default: 12h)
` + opsUsage + signInUsage + mailUsage + `
Examples:
  rungs serve
  rungs serve career-ladder --addr 127.0.0.1:3000
  rungs serve career-ladder --data people.db
  rungs serve career-ladder --db postgres://rungs@db.internal/rungs --private --trusted-proxies 10.0.0.0/8
`,
	run: runServe,
}

// pollInterval is how often serve looks for changed files. Polling a few hundred files costs
// little and works the same on every system and editor, unlike change notifications.
const pollInterval = 300 * time.Millisecond

// serveFlags are serve's command line, read and checked.
type serveFlags struct {
	addr       string
	db         databaseFlags
	private    bool
	watch      bool
	proxies    proxy.Trust
	idle, most time.Duration
	dir        string
	named      bool // the folder was named on the command line, not taken to be the current one
	ops        opsFlags
	signIn     *signInFlags
	mail       *mailFlags
}

func parseServeFlags(e *env, args []string) (*serveFlags, error) {
	fset := flag.NewFlagSet("serve", flag.ContinueOnError)
	sf := &serveFlags{}
	fset.StringVar(&sf.addr, "addr", "127.0.0.1:8080", "")
	sf.db = addDatabaseFlags(fset)
	fset.BoolVar(&sf.private, "private", false, "")
	fset.BoolVar(&sf.watch, "watch", false, "")
	trusted := fset.String("trusted-proxies", "", "")
	trustProxy := fset.Bool("trust-proxy", false, "")
	fset.DurationVar(&sf.idle, "session-idle", app.DefaultSessionIdle, "")
	fset.DurationVar(&sf.most, "session-max-age", app.DefaultSessionMaxAge, "")
	sf.ops = addOpsFlags(fset)
	sf.signIn = addSignInFlags(fset)
	sf.mail = addMailFlags(fset)
	pos, err := parseFlags(fset, args)
	if err != nil {
		return nil, err
	}
	given := map[string]bool{}
	fset.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if !sf.db.given() {
		for _, name := range []string{"private", "watch", "trusted-proxies", "trust-proxy", "session-idle", "session-max-age"} {
			if given[name] {
				return nil, usageError{"--" + name + " is for the people app: add --data PATH or --db URL"}
			}
		}
	}
	if err := sf.ops.check(sf.db.given()); err != nil {
		return nil, err
	}
	if err := sf.signIn.check(fset, sf.db.given()); err != nil {
		return nil, err
	}
	if err := sf.mail.check(fset, sf.db.given()); err != nil {
		return nil, err
	}
	if sf.idle <= 0 || sf.most <= 0 {
		return nil, usageError{"--session-idle and --session-max-age must be longer than 0"}
	}
	switch {
	case *trusted != "" && *trustProxy:
		return nil, usageError{"give --trusted-proxies, not --trust-proxy as well"}
	case *trustProxy:
		sf.proxies = proxy.Private()
		fmt.Fprintf(e.stderr, "rungs: warning: --trust-proxy is deprecated; it now means --trusted-proxies %s. Name your proxies instead.\n", sf.proxies)
	default:
		if sf.proxies, err = proxy.Parse(*trusted); err != nil {
			return nil, usageError{err.Error()}
		}
	}
	if sf.dir, err = oneDir(pos); err != nil {
		return nil, err
	}
	sf.named = len(pos) > 0
	return sf, nil
}

func runServe(e *env, args []string) error {
	sf, err := parseServeFlags(e, args)
	if err != nil {
		return err
	}
	floorServeHeap()
	dir := sf.dir
	var fsys fs.FS
	// A preview watches the files and reloads open pages; the people app does with --watch.
	live := !sf.db.given() || sf.watch
	watch, bundled := live, false
	_, statErr := os.Stat(filepath.Join(dir, ladder.FrameworkFile))
	switch {
	case statErr == nil:
		fsys = fsutil.DirFS(dir)
	case sf.named:
		// A folder named on the command line must be a framework, as for check and build: a
		// typo never quietly shows something else.
		if _, _, err := load(dir); err != nil {
			return err
		}
		return fmt.Errorf("%s: %w", dir, statErr)
	default:
		fsys, _ = frameworks.FS(frameworks.Default)
		watch, bundled = false, true
		fmt.Fprintf(e.stdout, "No %s in %s: serving the bundled %s framework. Run 'rungs init DIR' to start your own.\n", ladder.FrameworkFile, dir, frameworks.Default)
	}
	ctx, stop := context.WithCancel(e.ctx)
	defer stop()
	if goRun() {
		go stopWithParent(ctx, e, stop)
	}

	preview := site.NewPreview(site.PreviewOptions{Live: live})
	// The history comes from commits, not from the files being edited: gathered once.
	var opts site.Options
	if !bundled {
		opts.History, opts.HistorySource = history(e, dir)
	}
	opts.LiveReload = live
	opts.PeopleApp = sf.db.given()
	var people *app.App // the people app, with --data or --db
	var o *ops          // its logs, metrics, health and backups
	var rebuilding sync.Mutex
	// The last good version, from which a rebuild renders again only what an edit touched.
	var (
		lastFramework *ladder.Framework
		lastSite      *site.Site
		lastHandler   *site.Handler
	)
	rebuild := func() {
		rebuilding.Lock() // the watcher and SIGHUP may ask at once
		defer rebuilding.Unlock()
		start := time.Now()
		f, diags, err := ladder.Load(fsys)
		loaded := time.Since(start)
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
			o.built(loaded, 0, false)
			return
		}
		s, n, err := site.Rerender(lastSite, lastFramework, f, fsys, opts)
		o.built(loaded, time.Since(start)-loaded, err == nil)
		if err == nil {
			var h *site.Handler
			if h, err = site.NewHandlerReusing(lastHandler, s, ""); err == nil {
				preview.Update(h)
				lastFramework, lastSite, lastHandler = f, s, h
				if people != nil {
					people.SetFramework(f)
				}
				fmt.Fprintf(e.stdout, "Rendered %d of %d files in %s.\n", n, len(s.Files), time.Since(start).Round(time.Millisecond))
				return
			}
		}
		fmt.Fprintf(e.stderr, "rungs: %v\n", err)
		preview.Fail([]string{err.Error()})
	}
	var handler http.Handler = preview
	if sf.db.given() {
		st, err := sf.ops.open(e.ctx, sf.db)
		if err != nil {
			return err
		}
		defer st.Close()
		if o, err = sf.ops.start(e, st); err != nil {
			return err
		}
		// The people app starts with no framework; the first good build below gives it one.
		oidc, err := sf.signIn.oidc()
		if err != nil {
			return err
		}
		smtp, err := sf.mail.smtp()
		if err != nil {
			return err
		}
		logs := o.errorLog(e.stderr)
		people, err = app.New(app.Config{Store: st, Site: preview, Private: sf.private, TrustedProxies: sf.proxies,
			SessionIdle: sf.idle, SessionMaxAge: sf.most, Log: logs,
			AdminsNeedSecondFactor: *sf.signIn.adminTwoFactor, OIDC: oidc, Mail: sf.mail.on()}, nil)
		if err != nil {
			return err
		}
		if sf.mail.on() {
			sender := &mail.Sender{Store: st, SMTP: smtp, Base: *sf.mail.baseURL, Site: func() string { return people.Framework().Title },
				Log: func(format string, args ...any) { fmt.Fprintf(logs, "rungs: "+format+"\n", args...) }}
			go sender.Run(ctx)
		}
		handler = o.wrap(people)
		go sweepSessions(ctx, st)
	}
	// What the files are before the first build: an edit made while it runs, or straight after
	// (before the watcher's first look), is then seen as one.
	var seen string
	if watch {
		seen = snapshot(dir)
	}
	rebuild()

	ln, err := net.Listen("tcp", sf.addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := newHTTPServer(handler, serveLimits, e.stderr)
	// The people app, a service, reads SIGHUP as "read the framework again"; the preview, in a
	// terminal, stops on it like every command when the terminal closes.
	if people != nil {
		hup, stopHangups := hangups()
		defer stopHangups()
		go onHangup(ctx, hup, func() {
			fmt.Fprintln(e.stdout, "Reading the framework again (SIGHUP).")
			rebuild()
		})
	}
	fmt.Fprintf(e.stdout, "Serving at http://%s/ (Ctrl-C to stop)\n", ln.Addr())
	if people != nil {
		link, err := people.Setup(e.ctx, setupLinkTTL)
		if err != nil {
			ln.Close()
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
	var stopJobs func(context.Context) error
	if people != nil {
		stopJobs = people.StopJobs
	}
	return serveHTTP(ctx, e, srv, ln, preview.Close, stopJobs, serveLimits.ShutdownGrace)
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
			_, _ = access.DeleteExpiredSessions(ctx, st, now)
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
