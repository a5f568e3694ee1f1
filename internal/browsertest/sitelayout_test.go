package browsertest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/rungs/rungs/internal/changes"
	"github.com/rungs/rungs/internal/site"
)

// fullSite serves the bundled framework with everything the header can link to: a "What
// changed" page and the people app's link, the longest navigation a site of two ladders has.
var fullSite struct {
	once sync.Once
	url  string
}

func serveFull(t *testing.T) string {
	t.Helper()
	fullSite.once.Do(func() {
		day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
		s := render(t, "engineering", site.Options{
			PeopleApp:     true,
			HistorySource: changes.FromChangelog,
			History:       []changes.Entry{{Commit: changes.Commit{Short: "1.2", Date: day, Subject: "1.2"}, Notes: "Staff Engineers' expectations say more about **mentoring**."}},
		})
		h, err := site.NewHandler(s, "")
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		shared.mu.Lock()
		shared.closeAll = append(shared.closeAll, srv.Close)
		shared.mu.Unlock()
		fullSite.url = srv.URL + "/"
	})
	if fullSite.url == "" {
		t.Fatal("the full site did not start")
	}
	return fullSite.url
}

// sitePages is one page of every kind the static site has, with what to wait for before the
// page is measured (pages that draw their content with JavaScript).
var sitePages = []struct{ path, ready string }{
	{"", ""},
	{"ladders/engineering-management/", ""},
	{"ladders/engineering/senior/", ""},
	{"matrix/engineering/", ""},
	{"compare/?a=engineering/engineer&b=engineering/senior", `document.querySelector("#compare-result .cmp-summary")`},
	{"compare/?a=engineering/staff&b=engineering-management/manager", `document.querySelector("#compare-result .cmp-summary")`},
	{"search/?q=mentoring", `document.querySelectorAll("#search-results li").length > 0`},
	{"crosswalk/", ""},
	{"assess/?ladder=engineering&level=senior", `document.querySelector("#assess-radar-svg text")`},
	{"changes/", ""},
	{"pages/faq/", ""},
}

// layout is what TestSiteLayout measures on a page.
type layout struct {
	ScrollWidth int      `json:"scrollWidth"`
	InnerWidth  int      `json:"innerWidth"`
	Wide        []string `json:"wide"`
	Header      float64  `json:"header"`
	NavTops     []int    `json:"navTops"`
	NavOver     int      `json:"navOver"` // how far the navigation scrolls sideways in its box
	Clipped     []string `json:"clipped"`
	RadarText   float64  `json:"radarText"`  // the radar's smallest label in CSS pixels, as shown
	MatrixOver  int      `json:"matrixOver"` // how far the matrix scrolls sideways in its box
	TabAnchors  int      `json:"tabAnchors"` // expectation links in the tab order
}

const measureLayout = `(() => {
	const de = document.documentElement;
	const header = document.querySelector(".site-header");
	const navTops = [...document.querySelectorAll(".site-nav li")]
		.filter(li => li.offsetParent !== null).map(li => li.offsetTop);
	const clipped = [];
	for (const svg of document.querySelectorAll("svg")) {
		const vb = svg.viewBox && svg.viewBox.baseVal;
		if (!vb || !vb.width || svg.getBoundingClientRect().width === 0) continue;
		for (const t of svg.querySelectorAll("text")) {
			const b = t.getBBox();
			if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 || b.y + b.height > vb.y + vb.height + 0.5) {
				clipped.push(t.textContent + " [" + [b.x, b.y, b.width, b.height].map(Math.round) + "] in [" + [vb.x, vb.y, vb.width, vb.height] + "]");
			}
		}
	}
	let radarText = 0;
	const radar = document.querySelector("#assess-radar-svg");
	if (radar) {
		const scale = radar.getBoundingClientRect().width / radar.viewBox.baseVal.width;
		radarText = Math.min(...[...radar.querySelectorAll("text")].map(t => parseFloat(getComputedStyle(t).fontSize) * scale));
	}
	const matrix = document.querySelector(".matrix-wrap");
	return {
		navOver: (n => n ? n.scrollWidth - n.clientWidth : 0)(document.querySelector(".site-nav ul")),
		matrixOver: matrix ? matrix.scrollWidth - matrix.clientWidth : 0,
		tabAnchors: [...document.querySelectorAll(".exp a.anchor")].filter(a => a.tabIndex >= 0).length,
		radarText: radarText,
		scrollWidth: de.scrollWidth, innerWidth: innerWidth,
		wide: [...document.querySelectorAll("body *")]
			.filter(e => e.getBoundingClientRect().right > innerWidth + 1 && e.parentElement.getBoundingClientRect().right <= innerWidth + 1)
			.slice(0, 5).map(e => e.localName + (e.className && e.className.baseVal === undefined ? "." + e.className : "") + " " + Math.round(e.getBoundingClientRect().right)),
		header: header ? header.getBoundingClientRect().height : 0,
		navTops: navTops, clipped: clipped,
	};
})()`

// TestSiteLayout visits a page of every kind on a phone and on a laptop, light and dark, and
// checks what a reader sees first: nothing scrolls sideways, no chart label is cut off, the
// phone's header leaves room for the page, and the laptop's navigation fits on one line.
func TestSiteLayout(t *testing.T) {
	t.Parallel()
	base := serveFull(t)
	sizes := []struct {
		name          string
		width, height int64
		mobile        bool
	}{
		{"phone", 390, 844, true},
		{"laptop", 1366, 900, false},
	}
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			t.Parallel()
			ctx := newTab(t)
			opts := []chromedp.EmulateViewportOption{}
			if size.mobile {
				opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
			}
			do(t, ctx, chromedp.EmulateViewport(size.width, size.height, opts...))
			for _, p := range sitePages {
				do(t, ctx, preferColorScheme("light"))
				navigate(t, ctx, base+p.path)
				if p.ready != "" {
					waitFor(t, ctx, "/"+p.path+" is drawn", p.ready)
				}
				for _, scheme := range []string{"light", "dark"} {
					do(t, ctx, preferColorScheme(scheme))
					checkLayout(t, ctx, fmt.Sprintf("/%s (%s, %s)", p.path, size.name, scheme), size.mobile)
				}
			}
			if !size.mobile { // the narrowest screen whose navigation must fit on one line
				do(t, ctx, chromedp.EmulateViewport(1280, 800))
				navigate(t, ctx, base)
				checkLayout(t, ctx, "/ (1280 wide)", false)
			}
		})
	}
}

// TestPhoneMenu: on a phone the navigation and the search box are folded into a menu, which
// opens and closes with or without scripts, over the page rather than pushing it down.
func TestPhoneMenu(t *testing.T) {
	t.Parallel()
	base := serveFull(t)
	for _, scripts := range []bool{true, false} {
		t.Run(fmt.Sprintf("scripts %v", scripts), func(t *testing.T) {
			t.Parallel()
			ctx := newTab(t)
			do(t, ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch))
			if !scripts {
				do(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
					return err
				}))
			}
			navigate(t, ctx, base+"ladders/engineering/senior/")
			const shown = `[...document.querySelectorAll(".site-nav a, #site-search")].filter(e => e.checkVisibility()).length`
			if n := eval[int](t, ctx, shown); n != 0 {
				t.Fatalf("%d links of the folded menu show", n)
			}
			top := eval[float64](t, ctx, `document.querySelector("main").getBoundingClientRect().top`)
			do(t, ctx, chromedp.Click(chromedp.CSS(".menu > summary")))
			waitFor(t, ctx, "the menu opens", shown+` === document.querySelectorAll(".site-nav a, #site-search").length`)
			if moved := eval[float64](t, ctx, `document.querySelector("main").getBoundingClientRect().top`); moved != top {
				t.Errorf("the open menu pushed the page down from %.0f to %.0f", top, moved)
			}
			if over := eval[int](t, ctx, `document.documentElement.scrollWidth - innerWidth`); over > 0 {
				t.Errorf("the open menu is %dpx too wide", over)
			}
			if scripts {
				do(t, ctx, press("Escape", "Escape", 27, ""))
				waitFor(t, ctx, "Escape closes the menu", `!document.querySelector(".menu").open && document.activeElement.localName === "summary"`)
			} else {
				do(t, ctx, chromedp.Click(chromedp.CSS(".menu > summary")))
				waitFor(t, ctx, "the menu closes", shown+` === 0`)
			}
		})
	}
}

// checkLayout measures the page in ctx and reports what is wrong with it.
func checkLayout(t *testing.T, ctx context.Context, what string, phone bool) {
	t.Helper()
	l := eval[layout](t, ctx, measureLayout)
	t.Logf("%s: header %.0fpx, nav items at %v, radar text %.1fpx", what, l.Header, l.NavTops, l.RadarText)
	if l.ScrollWidth > l.InnerWidth {
		t.Errorf("%s scrolls sideways: %dpx wide in a %dpx window; sticking out: %q", what, l.ScrollWidth, l.InnerWidth, l.Wide)
	}
	if len(l.Clipped) > 0 {
		t.Errorf("%s: chart text outside its drawing: %s", what, strings.Join(l.Clipped, "; "))
	}
	if l.RadarText != 0 && l.RadarText < 12 {
		t.Errorf("%s: the radar's labels show at %.1fpx, want at least 12", what, l.RadarText)
	}
	if l.TabAnchors > 0 {
		t.Errorf("%s: %d expectation links are tab stops", what, l.TabAnchors)
	}
	if !phone && l.MatrixOver > 0 {
		t.Errorf("%s: the matrix of five levels scrolls %dpx sideways at this width; its fifth column is hidden", what, l.MatrixOver)
	}
	if phone && l.Header > 120 {
		t.Errorf("%s: the header is %.0fpx tall on a phone, want at most 120", what, l.Header)
	}
	if !phone {
		if len(l.NavTops) == 0 {
			t.Errorf("%s: no navigation shown", what)
		}
		if l.NavOver > 0 {
			t.Errorf("%s: the navigation is %dpx too long for its line", what, l.NavOver)
		}
		for _, top := range l.NavTops {
			if top != l.NavTops[0] {
				t.Errorf("%s: the navigation wraps: its items sit at %v", what, l.NavTops)
				break
			}
		}
	}
}

// TestAssessSummaryStays: while you rate far down the self-assessment, what you rated so far
// stays in view: on a laptop the radar beside the ratings, on a phone a summary bar at the top.
func TestAssessSummaryStays(t *testing.T) {
	t.Parallel()
	base := root(t)
	for _, size := range []struct {
		name          string
		width, height int64
		keep          string // what must stay in view
	}{
		{"laptop", 1366, 900, "#assess-radar-svg"},
		{"phone", 390, 844, "#assess-bar"},
	} {
		t.Run(size.name, func(t *testing.T) {
			t.Parallel()
			ctx := newTab(t)
			do(t, ctx, chromedp.EmulateViewport(size.width, size.height))
			openAssess(t, ctx, base+"assess/")
			// Rate one expectation far down the list, as a reader would, there.
			key := eval[string](t, ctx, `(() => {
				const fs = [...document.querySelectorAll("#assess-rate fieldset.rate")];
				const f = fs[Math.floor(fs.length * 2 / 3)];
				f.scrollIntoView({block: "center"});
				return f.dataset.key;
			})()`)
			do(t, ctx, chromedp.Click(chromedp.CSS(`fieldset[data-key="`+key+`"] .rate-options label:last-of-type`)))
			waitFor(t, ctx, "the rating is kept", `document.querySelector('fieldset[data-key="`+key+`"] input:checked')`)
			box := eval[[]float64](t, ctx, `(() => { const r = document.querySelector(`+jsString(size.keep)+`).getBoundingClientRect(); return [r.top, r.bottom, r.height]; })()`)
			if box[2] == 0 || box[0] < -1 || box[1] > float64(size.height)+1 {
				t.Errorf("%s is out of view while rating far down the page: top %.0f, bottom %.0f", size.keep, box[0], box[1])
			}
			if size.name == "phone" {
				bar := text(t, ctx, "#assess-bar")
				if !strings.Contains(bar, "1 of") || !strings.Contains(bar, "Summary") {
					t.Errorf("the summary bar says %q, want the count rated and a link to the summary", bar)
				}
				if box[2] > 90 {
					t.Errorf("the summary bar is %.0fpx tall on a phone", box[2])
				}
			}
		})
	}
}

// TestPrintHead: a printed page starts with the organisation, the framework, its version and
// the day it was printed; on screen that line is not shown.
func TestPrintHead(t *testing.T) {
	t.Parallel()
	ctx := newTab(t)
	navigate(t, ctx, serveFull(t)+"ladders/engineering/senior/")
	if d := eval[string](t, ctx, `getComputedStyle(document.querySelector(".print-head")).display`); d != "none" {
		t.Errorf("on screen the print header shows (display %s)", d)
	}
	do(t, ctx, emulateMedia("print"))
	head := eval[string](t, ctx, `(e => getComputedStyle(e).display === "none" ? "" : e.innerText)(document.querySelector(".print-head"))`)
	for _, want := range []string{"Example Co · Engineering Career Framework", "Version 1.2 of 2026-11-02 · Printed "} {
		if !strings.Contains(head, want) {
			t.Errorf("printed, the page's header reads %q, want %q in it", head, want)
		}
	}
}
