package browsertest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/rungs/rungs/frameworks"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/site"
	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

// requireEnv names the variable that turns a missing browser or validator from a skip into a
// failure. CI sets it, so that a broken install can never pass as "skipped".
const requireEnv = "RUNGS_REQUIRE_BROWSER"

// The tests share one browser and one server per base URL; TestMain closes them.
var shared struct {
	mu      sync.Mutex
	servers map[string]*httptest.Server // base URL -> server of the bundled framework

	browserOnce sync.Once
	browser     context.Context // a chromedp context whose browser is running
	closeAll    []func()
	browserErr  error
}

func TestMain(m *testing.M) {
	// SQLite's pages kept as rungs serve keeps them: see store.ReservePageMemory.
	if err := store.ReservePageMemory(); err != nil {
		panic(err)
	}
	code := storetest.Main(m)
	shared.mu.Lock()
	for i := len(shared.closeAll) - 1; i >= 0; i-- {
		shared.closeAll[i]()
	}
	for _, s := range shared.servers {
		s.Close()
	}
	shared.mu.Unlock()
	os.Exit(code)
}

// missing skips the test because a tool it needs is not installed, or fails it when the
// environment says every tool must be there.
func missing(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv(requireEnv) == "1" {
		tb.Fatalf("%s (%s=1, so this is a failure, not a skip)", msg, requireEnv)
	}
	tb.Skipf("%s; set %s=1 to make this a failure", msg, requireEnv)
}

// chromiumPath finds Debian's Chromium, or the one named by $RUNGS_CHROMIUM.
func chromiumPath() (string, error) {
	if p := os.Getenv("RUNGS_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("RUNGS_CHROMIUM=%s: %w", p, err)
		}
		return p, nil
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium", nil
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, nil
	}
	return "", errors.New("no Chromium at /usr/bin/chromium or on PATH (install it with: apt-get install -y chromium)")
}

// startBrowser starts the one headless Chromium that every browser test shares.
func startBrowser() (context.Context, error) {
	path, err := chromiumPath()
	if err != nil {
		return nil, err
	}
	profile, err := os.MkdirTemp("", "rungs-chromium-")
	if err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox, // the tests run as root in CI, where the sandbox cannot start
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	shared.closeAll = append(shared.closeAll, func() { _ = os.RemoveAll(profile) }, cancelAlloc, cancel)
	if err := chromedp.Do(ctx); err != nil {
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	return ctx, nil
}

// newTab opens a tab in a fresh browser context (its own storage, so tests cannot see each
// other's choices) and fails the test if the page throws an uncaught exception or logs an error.
// listen, when given, sees every event of the tab too (see chromedp.WithListener). Everything
// done in the tab must end within tabTimeout.
func newTab(t *testing.T, listen ...func(ev any)) context.Context {
	t.Helper()
	// Each step waits for its condition; this only bounds a test that would otherwise hang,
	// with room for a machine that is busy with other work.
	ctx, cancel := context.WithTimeout(openTab(t, listen...), tabTimeout)
	t.Cleanup(cancel)
	return ctx
}

// tabTimeout bounds a test's work in one tab (newTab), or one unit of a test whose work grows
// with what it visits (TestAxe's pages).
const tabTimeout = 4 * time.Minute

// openTab is newTab without its time limit, for a test that bounds each unit of its work
// instead: TestAxe's tabs visit a share of every page, which takes longer as pages are added.
func openTab(t *testing.T, listen ...func(ev any)) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests do not run with -short")
	}
	shared.browserOnce.Do(func() {
		shared.mu.Lock()
		defer shared.mu.Unlock()
		shared.browser, shared.browserErr = startBrowser()
	})
	if shared.browserErr != nil {
		if _, err := chromiumPath(); err != nil {
			missing(t, "browser tests need Chromium: %v", err)
		}
		t.Fatalf("browser: %v", shared.browserErr)
	}
	var mu sync.Mutex
	var problems []string
	opts := []chromedp.ContextOption{chromedp.WithNewBrowserContext()}
	for _, fn := range listen {
		opts = append(opts, chromedp.WithListener(fn))
	}
	tab, cancel := chromedp.NewContext(shared.browser, append(opts,
		chromedp.WithListener(func(ev any) {
			mu.Lock()
			defer mu.Unlock()
			switch ev := ev.(type) {
			case *runtime.EventExceptionThrown:
				d := ev.ExceptionDetails
				msg := d.Text
				if d.Exception != nil && d.Exception.Description != "" {
					msg += " " + d.Exception.Description
				}
				problems = append(problems, fmt.Sprintf("uncaught exception at %s:%d: %s", d.URL, d.LineNumber+1, msg))
			case *runtime.EventConsoleAPICalled:
				if ev.Type == runtime.ConsoleAPICalledTypeError {
					problems = append(problems, "console.error: "+argsText(ev.Args))
				}
			}
		}))...)
	t.Cleanup(cancel)
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range problems {
			t.Errorf("page: %s", p)
		}
	})
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	// A Content-Security-Policy violation fails the test like an error would: the site's and
	// the app's pages must need nothing their policies refuse.
	if _, err := chromedp.Call(tab, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `document.addEventListener("securitypolicyviolation", e => window.rungsExpectsViolation ||
			console.error("Content-Security-Policy violation: " + e.violatedDirective + " refused " + (e.blockedURI || "inline") +
				" at " + e.sourceFile + ":" + e.lineNumber))`,
	}); err != nil {
		t.Fatalf("listen for policy violations: %v", err)
	}
	return tab
}

// argsText is what a console call printed, roughly as the console shows it.
func argsText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case a.Description != "":
			parts = append(parts, a.Description)
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// fixture is the framework in testdata/framework: levels that keep, grow, add and drop
// expectations, and numbered titles in the crosswalk, which the bundled frameworks lack.
const fixture = "testdata/framework"

// render renders a bundled framework, or the fixture.
func render(tb testing.TB, name string, opts site.Options) *site.Site {
	tb.Helper()
	var fsys fs.FS
	if name == fixture {
		fsys = os.DirFS(fixture)
	} else {
		var ok bool
		if fsys, ok = frameworks.FS(name); !ok {
			tb.Fatalf("no bundled framework %q", name)
		}
	}
	f, diags, err := ladder.Load(fsys)
	if err != nil {
		tb.Fatalf("load %s: %v", name, err)
	}
	if diags.HasErrors() {
		tb.Fatalf("load %s:\n%s", name, diags.Error())
	}
	s, err := site.Render(f, fsys, opts)
	if err != nil {
		tb.Fatalf("render %s: %v", name, err)
	}
	return s
}

// serve serves a framework's site, rendered for baseURL, on loopback and returns the address
// of the site's root ("http://127.0.0.1:PORT" plus the base URL's path).
func serve(tb testing.TB, name, baseURL string) string {
	tb.Helper()
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.servers == nil {
		shared.servers = map[string]*httptest.Server{}
	}
	key := name + " " + baseURL
	srv := shared.servers[key]
	if srv == nil {
		s := render(tb, name, site.Options{BaseURL: baseURL})
		h, err := site.NewHandler(s, baseURL)
		if err != nil {
			tb.Fatal(err)
		}
		srv = httptest.NewServer(h) // listens on 127.0.0.1
		shared.servers[key] = srv
	}
	u, err := url.Parse(baseURL)
	if err != nil {
		tb.Fatal(err)
	}
	if p := strings.Trim(u.Path, "/"); p != "" {
		return srv.URL + "/" + p + "/"
	}
	return srv.URL + "/"
}

// root is the address of the bundled engineering framework's site at the root of its host.
func root(tb testing.TB) string { return serve(tb, "engineering", "") }

// moduleRoot is the folder holding go.mod, where package.json and node_modules live too.
func moduleRoot(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// htmlFiles lists the HTML files under dir.
func htmlFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".html" {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}
