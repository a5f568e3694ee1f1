package browsertest

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/rungs/rungs/internal/cli"
)

// output is what `rungs serve` prints, safe to read while it writes, with a signal at each
// write so that the test waits for a line instead of for time.
type output struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{}
}

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.written != nil {
		close(o.written)
		o.written = nil
	}
	return o.b.Write(p)
}

// wait returns re's first match in what was printed, waiting for it; the minute bounds a
// server that never starts, it is not a timing.
func (o *output) wait(t *testing.T, re *regexp.Regexp, done <-chan error) []string {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		o.mu.Lock()
		if m := re.FindStringSubmatch(o.b.String()); m != nil {
			o.mu.Unlock()
			return m
		}
		if o.written == nil {
			o.written = make(chan struct{})
		}
		w := o.written
		o.mu.Unlock()
		select {
		case <-w:
		case err := <-done:
			t.Fatalf("rungs serve ended: %v\n%s", err, o.b.String())
		case <-deadline:
			t.Fatalf("no %q from rungs serve:\n%s", re, o.b.String())
		}
	}
}

// startRungsServe runs `rungs serve` in this process, as the command line does, and returns
// its address; the test's end stops it as Ctrl-C does.
func startRungsServe(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr output
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), &stdout, &stderr)
	}()
	m := stdout.wait(t, regexp.MustCompile(`Serving at (http://\S+)/ `), done)
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("rungs serve stopped with %v\n%s", err, stderr.b.String())
		}
	})
	return m[1]
}

// Twenty pages in a row in one tab of headless Chromium, with its back/forward cache on,
// against real `rungs serve`: every page loads. Before, each page's live-reload stream stayed
// open in the cache, and after six pages the browser had no connection left to the host.
func TestServeManyPagesInOneTab(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args func(dir string) []string
		live bool
	}{
		{"preview", func(dir string) []string { return []string{dir} }, true},
		{"people app", func(dir string) []string { return []string{dir, "--data", filepath.Join(dir, "..", "people.db")} }, false},
		{"people app with --watch", func(dir string) []string {
			return []string{dir, "--data", filepath.Join(dir, "..", "people.db"), "--watch"}
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := newTab(t)
			// A framework of the bundled template in a folder of its own, as a user's would be.
			dir := filepath.Join(t.TempDir(), "framework")
			var initOut bytes.Buffer
			if err := cli.Run(context.Background(), []string{"init", dir}, &initOut, &initOut); err != nil {
				t.Fatalf("rungs init: %v\n%s", err, initOut.String())
			}
			base := startRungsServe(t, tc.args(dir)...)
			if status := navigate(t, ctx, base+"/"); status != http.StatusOK {
				t.Fatalf("home: status %d", status)
			}
			var pages []string
			seen := map[string]bool{}
			for _, href := range eval[[]string](t, ctx, `[...document.querySelectorAll("a[href^='/']")].map(a => a.getAttribute("href"))`) {
				if !seen[href] && !strings.HasPrefix(href, "/people") && !strings.HasSuffix(href, ".json") {
					seen[href] = true
					pages = append(pages, href)
				}
			}
			pages = append(pages, "/search/", "/matrix/engineering/", "/compare/?a=engineering/senior&b=engineering/staff")
			if len(pages) < 12 {
				t.Fatalf("only %d pages to visit: %q", len(pages), pages)
			}
			for len(pages) < 20 { // round again: a page seen before is a new page view all the same
				pages = append(pages, pages[len(pages)%12])
			}
			pages = pages[:20]
			for i, p := range pages {
				if i == len(pages)-1 {
					// Mark the page about to be left, to see below that the browser kept it.
					do(t, ctx, chromedp.Evaluate[chromedp.Void](`addEventListener("pageshow", e => {
						if (e.persisted) document.documentElement.dataset.restored = "yes" })`))
				}
				// A page that cannot get a connection does not load until a cached page gives
				// one up (a heartbeat on its stream evicts it from the cache, after up to 30
				// seconds; without heartbeats, never): the bound makes that a failure of this
				// page, with room for a busy machine, where the slowest page takes a few seconds.
				pageCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
				resp, err := chromedp.Run(pageCtx, chromedp.NavigateResponse(base+p))
				cancel()
				if err != nil {
					t.Fatalf("page %d of 20 (%s) did not load: %v", i+1, p, err)
				}
				// chromedp gives no response when the page came without a network answer of
				// its own (from the browser's caches, which a busy machine makes likelier):
				// the page's navigation entry still has the status it was served with.
				status := 0
				if resp != nil {
					status = int(resp.Status)
				} else {
					status = eval[int](t, ctx, `performance.getEntriesByType('navigation')[0].responseStatus`)
				}
				if status != http.StatusOK {
					t.Fatalf("page %d of 20 (%s): status %d", i+1, p, status)
				}
				if got := eval[bool](t, ctx, `!!document.querySelector('script[src*="/assets/live."]')`); got != tc.live {
					t.Errorf("%s loads live.js: %v, want %v", p, got, tc.live)
				}
			}
			// Back: the page comes from the back/forward cache, so the cache was on all along.
			// (Restored from the cache, a page fires no load event, which chromedp's
			// NavigateBack would wait for: the history entry is asked for directly.)
			do(t, ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				h, err := chromedp.Call(ctx, page.GetNavigationHistory, cdp.Empty{})
				if err != nil {
					return err
				}
				_, err = chromedp.Call(ctx, page.NavigateToHistoryEntry, page.NavigateToHistoryEntryParams{EntryID: h.Entries[h.CurrentIndex-1].ID})
				return err
			}))
			waitFor(t, ctx, "the page before is back from the back/forward cache", `document.documentElement.dataset.restored === "yes"`)
		})
	}
}
