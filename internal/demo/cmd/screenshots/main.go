// Command screenshots starts the people app on the demo organisation beside the bundled
// framework's site, and saves a PNG of every app page and every kind of site page, at a
// phone's size and a laptop's, light and dark, for anyone to look at (scripts/screenshots).
//
//	go run ./internal/demo/cmd/screenshots [-o DIR] [-chromium PATH]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/rungs/rungs/internal/demo"
)

func main() {
	out := flag.String("o", "screenshots", "the folder to write the PNG files to")
	chromium := flag.String("chromium", os.Getenv("RUNGS_CHROMIUM"), "Chromium's executable (default: Debian's chromium)")
	flag.Parse()
	if err := run(*out, *chromium); err != nil {
		fmt.Fprintln(os.Stderr, "screenshots:", err)
		os.Exit(1)
	}
}

func run(out, chromium string) error {
	if chromium == "" {
		p, err := exec.LookPath("chromium")
		if err != nil {
			return errors.New("no chromium on PATH: apt-get install -y chromium, or name one with -chromium")
		}
		chromium = p
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "rungs-screenshots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	d, err := demo.Start(context.Background(), tmp)
	if err != nil {
		return err
	}
	defer d.Close()
	srv := httptest.NewServer(d.Handler()) // on loopback
	defer srv.Close()

	type target struct{ name, url string }
	var targets []target
	for _, p := range d.Pages {
		targets = append(targets, target{"app-" + p.Name, srv.URL + p.Path()})
	}
	for _, p := range demo.SitePages {
		targets = append(targets, target{p.Name, srv.URL + p.Path})
	}

	profile := filepath.Join(tmp, "chromium-profile") // a fresh profile, removed after
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(profile),
		chromedp.Flag("hide-scrollbars", true),
	)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browser); err != nil {
		return fmt.Errorf("start %s: %w", chromium, err)
	}

	start := time.Now()
	work := make(chan target)
	var mu sync.Mutex
	var written []string
	var failed error
	var wg sync.WaitGroup
	for range 3 {
		tab, cancel := chromedp.NewContext(browser)
		defer cancel()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for tg := range work {
				for _, l := range demo.Looks {
					file := filepath.Join(out, tg.name+"-"+l.Name+".png")
					err := shoot(tab, tg.url, l, file)
					mu.Lock()
					if err != nil {
						failed = errors.Join(failed, fmt.Errorf("%s: %w", file, err))
					} else {
						written = append(written, file)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, tg := range targets {
		work <- tg
	}
	close(work)
	wg.Wait()
	sort.Strings(written)
	for _, f := range written {
		fmt.Println(f)
	}
	fmt.Fprintf(os.Stderr, "screenshots: %d files in %s (%d pages at %d looks) in %s\n", len(written), out, len(targets), len(demo.Looks), time.Since(start).Round(time.Second))
	return failed
}

// shoot loads a page at a look and saves the whole of it as a PNG.
func shoot(ctx context.Context, url string, l demo.Look, file string) error {
	var opts []chromedp.EmulateViewportOption
	if l.Mobile {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	theme := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: l.Theme}},
		})
		return err
	})
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(l.Width, l.Height, opts...), theme); err != nil {
		return err
	}
	if _, err := chromedp.Run(ctx, chromedp.NavigateResponse(url)); err != nil {
		return err
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100: PNG; any other quality is JPEG
	if err != nil {
		return err
	}
	return os.WriteFile(file, png, 0o644)
}
