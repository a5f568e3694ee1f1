package browsertest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rungs/rungs/internal/demo"
)

// axeSource is axe-core's script, installed by `npm ci` from package.json.
func axeSource(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("the accessibility check does not run with -short")
	}
	b, err := os.ReadFile(filepath.Join(moduleRoot(t), "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		missing(t, "the accessibility check needs axe-core: run `npm ci` in %s", moduleRoot(t))
	}
	return string(b)
}

// pageCheck is what one page looked like at one look.
type pageCheck struct {
	Violations []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	Inner, Scroll int
	Wide          []string // the outermost elements past the window's right edge
	Clipped       []string // SVG text outside its viewBox
	HeaderHeight  int      // the page's header, in CSS pixels
	NavLines      int      // the lines its navigation takes
}

// checkPage is the script that checks a page once axe is in it: axe's rules, every one
// that is not experimental (WCAG A and AA, and best practice); sideways scrolling; and SVG
// text that reaches past its drawing's viewBox, where it is cut off.
const checkPage = `async (options, width) => {
	const r = await axe.run(document, options);
	const inner = innerWidth, scroll = document.documentElement.scrollWidth;
	const wide = scroll > width || inner > width ? [...document.querySelectorAll("body *")]
		.filter(e => e.getBoundingClientRect().right > width + 1 && e.parentElement.getBoundingClientRect().right <= width + 1)
		.slice(0, 6).map(e => e.localName + (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : "") + " " + Math.round(e.getBoundingClientRect().right)) : [];
	const clipped = [...document.querySelectorAll("svg[viewBox]")].flatMap(svg => {
		const vb = svg.viewBox.baseVal, screen = svg.getScreenCTM();
		if (!vb || !vb.width || !screen) return [];
		const inv = screen.inverse();
		return [...svg.querySelectorAll("text")].flatMap(t => {
			const b = t.getBBox(), m = t.getScreenCTM();
			if (!b.width || !m) return [];
			const to = inv.multiply(m);
			const pts = [[b.x, b.y], [b.x + b.width, b.y + b.height]].map(([x, y]) => new DOMPoint(x, y).matrixTransform(to));
			const out = pts.some(p => p.x < vb.x - 0.5 || p.y < vb.y - 0.5 || p.x > vb.x + vb.width + 0.5 || p.y > vb.y + vb.height + 0.5);
			const r = n => Math.round(n);
			return out ? [JSON.stringify(t.textContent.trim().slice(0, 50)) + " (" + r(pts[0].x) + "," + r(pts[0].y) + " to " + r(pts[1].x) + "," + r(pts[1].y) +
				" in " + [vb.x, vb.y, vb.width, vb.height].map(r).join(" ") + ")"] : [];
		});
	});
	const header = document.querySelector("body > header");
	// Lines of navigation: links and buttons whose middles are more than 12px apart.
	const middles = header ? [...header.querySelectorAll("nav a, nav button")].filter(e => e.offsetParent)
		.map(e => { const r = e.getBoundingClientRect(); return (r.top + r.bottom) / 2; }).sort((a, b) => a - b) : [];
	const navLines = middles.filter((m, i) => i === 0 || m - middles[i - 1] > 12).length;
	return {
		HeaderHeight: header ? Math.round(header.getBoundingClientRect().height) : 0, NavLines: navLines,
		Violations: r.violations.map(v => ({ID: v.id, Impact: v.impact || "", Help: v.help,
			Nodes: v.nodes.slice(0, 4).map(n => n.target.join(" ") + (n.any[0]?.message ? ": " + n.any[0].message : ""))})),
		Inner: inner, Scroll: scroll, Wide: wide, Clipped: clipped,
	};
}`

// Every rule runs in a page's first look at each size; in its second, the other theme, only
// those that colours decide.
const (
	allRules    = `{resultTypes: ["violations"]}`
	colourRules = `{resultTypes: ["violations"], runOnly: {type: "rule", values: ["color-contrast", "link-in-text-block"]}}`
)

// TestAxe visits every app page (kept from a demo organisation with people, a rollout, an
// import preview, an assessment cycle and a check-in, errors included) and every kind of site
// page, at phone and desktop size, light and dark, and finds in each no accessibility
// violation (axe-core, best practice included), no sideways scrolling, no chart label cut
// off at the edge of its drawing, a header at most 120px high on the phone, and the
// header's navigation on one line on the desktop.
func TestAxe(t *testing.T) {
	t.Parallel()
	axe := axeSource(t)
	d, err := demo.Start(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)

	type target struct{ name, url string }
	var targets []target
	for _, p := range d.Pages {
		targets = append(targets, target{p.Name, srv.URL + p.Path()})
	}
	for _, p := range demo.SitePages {
		targets = append(targets, target{p.Name, srv.URL + p.Path})
	}

	// RUNGS_AXE_ONLY, a regular expression, narrows the pages to those it matches by name,
	// for a quicker look while fixing what the test found.
	if only := os.Getenv("RUNGS_AXE_ONLY"); only != "" {
		re := regexp.MustCompile(only)
		targets = slices.DeleteFunc(targets, func(tg target) bool { return !re.MatchString(tg.name) })
	}

	// A few tabs of the one browser share the pages; each page is loaded once per size, and
	// looked at in both themes.
	const tabs = 4
	work := make(chan target)
	var mu sync.Mutex
	var failures []string
	report := func(msg string) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, msg)
	}
	var wg sync.WaitGroup
	start := time.Now()
	for range tabs {
		// Each page has its own time limit: a tab's share of the pages grows with them, and
		// on a busy machine all of them took longer than one limit for the whole tab.
		tab := openTab(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tg := range work {
				ctx, cancel := context.WithTimeout(tab, tabTimeout)
				for _, mobile := range []bool{true, false} {
					var at []demo.Look
					for _, l := range demo.Looks {
						if l.Mobile == mobile {
							at = append(at, l)
						}
					}
					var opts []chromedp.EmulateViewportOption
					if mobile {
						opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
					}
					if err := chromedp.Do(ctx, chromedp.EmulateViewport(at[0].Width, at[0].Height, opts...), preferColorScheme(at[0].Theme)); err != nil {
						report(fmt.Sprintf("%s: %v", tg.name, err))
						continue
					}
					if _, err := chromedp.Run(ctx, chromedp.NavigateResponse(tg.url)); err != nil {
						report(fmt.Sprintf("%s: load: %v", tg.name, err))
						continue
					}
					if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe+";\ntrue")); err != nil {
						report(fmt.Sprintf("%s: load axe: %v", tg.name, err))
						continue
					}
					for i, l := range at {
						if err := chromedp.Do(ctx, preferColorScheme(l.Theme)); err != nil {
							report(fmt.Sprintf("%s: %v", tg.name, err))
							continue
						}
						rules := allRules
						if i > 0 {
							rules = colourRules
						}
						js := "(" + checkPage + ")(" + rules + ", " + strconv.FormatInt(l.Width, 10) + ")"
						got, err := chromedp.Run(ctx, chromedp.Evaluate[pageCheck](js, chromedp.EvalAwaitPromise))
						if err != nil {
							report(fmt.Sprintf("%s (%s): check: %v", tg.name, l.Name, err))
							continue
						}
						for _, v := range got.Violations {
							report(fmt.Sprintf("%s (%s): %s [%s, %s]\n\t\t%s", tg.name, l.Name, v.Help, v.ID, v.Impact, strings.Join(v.Nodes, "\n\t\t")))
						}
						if got.Scroll > got.Inner || got.Inner != int(l.Width) {
							report(fmt.Sprintf("%s (%s): the page is %dpx wide in a %dpx window (%d wanted): it scrolls sideways; sticking out: %s",
								tg.name, l.Name, got.Scroll, got.Inner, l.Width, strings.Join(got.Wide, ", ")))
						}
						if l.Mobile && got.HeaderHeight > 120 {
							report(fmt.Sprintf("%s (%s): the header is %dpx high, more than 120px of a phone's 844", tg.name, l.Name, got.HeaderHeight))
						}
						if !l.Mobile && got.NavLines > 1 {
							report(fmt.Sprintf("%s (%s): the header's navigation takes %d lines", tg.name, l.Name, got.NavLines))
						}
						if len(got.Clipped) > 0 {
							report(fmt.Sprintf("%s (%s): chart text cut off at the edge of its drawing: %s", tg.name, l.Name, strings.Join(got.Clipped, ", ")))
						}
					}
				}
				cancel()
			}
		}()
	}
	for _, tg := range targets {
		work <- tg
	}
	close(work)
	wg.Wait()
	slices.Sort(failures)
	for _, f := range failures {
		t.Error(f)
	}
	t.Logf("%d pages at %d looks in %s", len(targets), len(demo.Looks), time.Since(start).Round(time.Millisecond))
}
