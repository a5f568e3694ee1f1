package browsertest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"

	"github.com/rungs/rungs/internal/gen"
	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/site"
)

// searchBudget is the most a query may download on a site of 1,600 level pages, its page,
// stylesheet and scripts included: a reader on a slow connection gets results in seconds. The
// compare page and the self-assessment may fetch as much data.
const searchBudget = 300 << 10

// largeSite serves a generated framework of 200 ladders of 8 levels, about 800 words a level,
// as the benchmarks use (scripts/bench-site).
var largeSite = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "rungs-large-")
	if err != nil {
		return "", err
	}
	shared.mu.Lock()
	shared.closeAll = append(shared.closeAll, func() { _ = os.RemoveAll(dir) })
	shared.mu.Unlock()
	fw := filepath.Join(dir, "fw")
	if err := gen.Write(fw, gen.Spec{Ladders: 200, Levels: 8, WordsPerLevel: 800}); err != nil {
		return "", err
	}
	f, diags, err := ladder.Load(os.DirFS(fw))
	if err != nil {
		return "", err
	}
	if diags.HasErrors() {
		return "", fmt.Errorf("generated framework: %s", diags.Error())
	}
	s, err := site.Render(f, os.DirFS(fw), site.Options{})
	if err != nil {
		return "", err
	}
	h, err := site.NewHandler(s, "")
	if err != nil {
		return "", err
	}
	srv := httptest.NewServer(h)
	shared.mu.Lock()
	shared.closeAll = append(shared.closeAll, srv.Close)
	shared.mu.Unlock()
	return srv.URL + "/", nil
})

// traffic adds up what a tab downloads, from the browser's own network events: the bytes of
// each response's body once decoded (what a host that does not compress sends).
type traffic struct {
	mu       sync.Mutex
	url      map[network.RequestID]string
	kind     map[network.RequestID]network.ResourceType
	bytes    map[network.RequestID]int64
	finished map[network.RequestID]bool
	changed  chan struct{} // closed and replaced on every event
}

func newTraffic() *traffic {
	return &traffic{url: map[network.RequestID]string{}, kind: map[network.RequestID]network.ResourceType{},
		bytes: map[network.RequestID]int64{}, finished: map[network.RequestID]bool{}, changed: make(chan struct{})}
}

func (tr *traffic) listen(ev any) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventResponseReceived:
		tr.url[ev.RequestID] = ev.Response.URL
		tr.kind[ev.RequestID] = ev.Type
	case *network.EventDataReceived:
		tr.bytes[ev.RequestID] += ev.DataLength
	case *network.EventLoadingFinished:
		tr.finished[ev.RequestID] = true
	case *network.EventLoadingFailed:
		tr.finished[ev.RequestID] = true
	default:
		return
	}
	close(tr.changed)
	tr.changed = make(chan struct{})
}

// settle waits until every response the tab received has finished loading.
func (tr *traffic) settle(t *testing.T, ctx context.Context) {
	t.Helper()
	for {
		tr.mu.Lock()
		pending := 0
		for id := range tr.url {
			if !tr.finished[id] {
				pending++
			}
		}
		changed := tr.changed
		tr.mu.Unlock()
		if pending == 0 {
			return
		}
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("%d responses still loading: %v", pending, ctx.Err())
		}
	}
}

// total is the bytes of every response, and of those the page's scripts fetched; and a line
// per response, largest first.
func (tr *traffic) total() (all, fetched int64, lines []string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for id, u := range tr.url {
		n := tr.bytes[id]
		all += n
		if tr.kind[id] == network.ResourceTypeFetch {
			fetched += n
		}
		lines = append(lines, fmt.Sprintf("%8d %s %s", n, tr.kind[id], u))
	}
	sort.Sort(sort.Reverse(sort.StringSlice(lines)))
	return all, fetched, lines
}

// TestSearchBudget searches a site of 1,600 level pages and 72,000 expectations and counts
// what the browser downloads: the sharded index must keep each query under the budget.
func TestSearchBudget(t *testing.T) {
	tests := []struct {
		name, query string
	}{
		{"two common words", "reliable pipelines"},
		{"a word begun", "accessib"},
		{"a ladder's area", "ladder 17 core"},
		{"a rare word", "zzzzqqq"},
	}
	base := ""
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTraffic()
			ctx := newTab(t, tr.listen)
			if base == "" {
				var err error
				if base, err = largeSite(); err != nil {
					t.Fatal(err)
				}
			}
			navigate(t, ctx, base+"search/?q="+strings.ReplaceAll(tc.query, " ", "+"))
			waitFor(t, ctx, "the search is done", `document.querySelector("#search-results").dataset.shown || /Nothing/.test(document.querySelector("#search-count").textContent)`)
			count := eval[string](t, ctx, `document.querySelector("#search-count").textContent`)
			ms := eval[string](t, ctx, `document.querySelector("#search-results").dataset.ms || ""`)
			tr.settle(t, ctx)
			all, fetched, lines := tr.total()
			t.Logf("%q: %s; %d bytes in all, %d of them fetched by the search; %s ms to results once the data was there", tc.query, count, all, fetched, ms)
			if all > searchBudget {
				t.Errorf("the search downloaded %d bytes, over the budget of %d:\n%s", all, searchBudget, strings.Join(lines, "\n"))
			}
			if tc.query != "zzzzqqq" && eval[int](t, ctx, `document.querySelectorAll("#search-results li a").length`) == 0 {
				t.Errorf("no results for %q: %s", tc.query, count)
			}
		})
	}
}

// TestCompareAndAssessBudget: on the same large site, the compare page and the self-assessment
// fetch only the ladders involved, within the same budget.
func TestCompareAndAssessBudget(t *testing.T) {
	tests := []struct {
		name, page, ready string
	}{
		{"compare across ladders", "compare/?a=ladder-017/level-3&b=ladder-150/level-4", `document.querySelector("#compare-result .cmp-summary")`},
		{"self-assessment", "assess/", assessReady},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := newTraffic()
			ctx := newTab(t, tr.listen)
			base, err := largeSite()
			if err != nil {
				t.Fatal(err)
			}
			navigate(t, ctx, base+tc.page)
			waitFor(t, ctx, "the page is ready", tc.ready)
			tr.settle(t, ctx)
			all, fetched, lines := tr.total()
			t.Logf("%s: %d bytes in all, %d of them fetched by its script", tc.page, all, fetched)
			if fetched > searchBudget || all > 2*searchBudget {
				t.Errorf("%s downloaded %d bytes, %d of them fetched; the budget is %d fetched:\n%s", tc.page, all, fetched, searchBudget, strings.Join(lines, "\n"))
			}
		})
	}
}
