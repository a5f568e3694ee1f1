package browsertest

import (
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/rungs/rungs/internal/store"
)

// TestAppFollowsSiteTheme picks a theme with the toggle of the site the app's server
// publishes, then opens the app: its pages wear the theme picked, and the same colours as the
// site's (one set of tokens); with no pick, they follow the system's setting. The app's own
// toggle picks for both.
func TestAppFollowsSiteTheme(t *testing.T) {
	t.Parallel()
	e := startApp(t)
	e.person("Ada Admin", "ada@example.com", "Head of People", 0, store.Admin)
	const look = `({attr: document.documentElement.getAttribute("data-theme") || "",
		background: getComputedStyle(document.body).backgroundColor, text: getComputedStyle(document.body).color})`
	type seen struct{ Attr, Background, Text string }
	for _, system := range []string{"light", "dark"} {
		t.Run("system "+system, func(t *testing.T) {
			other := map[string]string{"light": "dark", "dark": "light"}[system]
			ctx := newTab(t)
			do(t, ctx, preferColorScheme(system))
			// No pick yet: the app follows the system, in the site's colours.
			navigate(t, ctx, e.url+"/ladders/engineering/")
			siteSystem := eval[seen](t, ctx, look)
			navigate(t, ctx, e.url+"/login")
			if got := eval[seen](t, ctx, look); got != siteSystem {
				t.Errorf("with no theme picked the app looks %+v, the site %+v", got, siteSystem)
			}
			// The reader picks the other theme on the site.
			navigate(t, ctx, e.url+"/ladders/engineering/")
			do(t, ctx, chromedp.Click(chromedp.CSS(".theme-toggle")))
			sitePicked := eval[seen](t, ctx, look)
			if sitePicked.Attr != other || sitePicked.Background == siteSystem.Background {
				t.Fatalf("the site's toggle did not switch to %s: %+v", other, sitePicked)
			}
			signIn(t, ctx, e, "ada@example.com")
			for _, path := range []string{"/people", "/account"} {
				navigate(t, ctx, e.url+path)
				if got := eval[seen](t, ctx, look); got != sitePicked {
					t.Errorf("%s after picking %s on the site: %+v, want the site's %+v", path, other, got, sitePicked)
				}
			}
			// The app's own toggle switches back, and the site follows.
			if label := eval[string](t, ctx, `document.querySelector("header [data-theme-toggle]:not([hidden])")?.getAttribute("aria-label") ?? ""`); label != "Switch to "+system+" theme" {
				t.Fatalf("the app's toggle: %q, want it shown, offering the %s theme", label, system)
			}
			do(t, ctx, chromedp.Click(chromedp.CSS("header [data-theme-toggle]")))
			if got := eval[seen](t, ctx, look); got.Attr != system || got.Background != siteSystem.Background {
				t.Errorf("after the app's toggle: %+v, want the %s theme", got, system)
			}
			navigate(t, ctx, e.url+"/ladders/engineering/")
			if got := eval[seen](t, ctx, look); got.Attr != system || got != (seen{system, siteSystem.Background, siteSystem.Text}) {
				t.Errorf("the site after the app's toggle: %+v, want the %s theme", got, system)
			}
		})
	}
}
