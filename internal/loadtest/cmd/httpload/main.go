// Command httpload measures HTTP servers for scripts/bench-serve:
//
//	httpload load [-c 50] [-d 10s] [-gzip] URL   requests a second and latency
//	httpload files [-addr 127.0.0.1:8081] DIR    serve DIR with Go's http.FileServer
//	httpload edit [-n 10] -file F URL            edit F, time until URL serves the edit
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"sync/atomic"
	"time"

	"github.com/rungs/rungs/internal/loadtest"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: httpload load|files|edit ...")
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	switch os.Args[1] {
	case "load":
		err = load(ctx, os.Args[2:])
	case "files":
		err = files(ctx, os.Args[2:])
	case "edit":
		err = edit(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "httpload:", err)
		os.Exit(1)
	}
}

func load(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	conns := fs.Int("c", 50, "connections")
	duration := fs.Duration("d", 10*time.Second, "duration")
	gzip := fs.Bool("gzip", false, "ask for gzip")
	fs.Parse(args)
	if fs.NArg() != 1 {
		return errors.New("load needs one URL")
	}
	u, err := url.Parse(fs.Arg(0))
	if err != nil {
		return err
	}
	path := u.RequestURI()
	u.Path, u.RawPath, u.RawQuery = "", "", ""
	var bytes atomic.Int64
	page := loadtest.Fetch("page", path, *gzip, &bytes)
	run := loadtest.Run{Base: u.String(), Connections: *conns, Duration: *duration, Scenarios: []loadtest.Scenario{page},
		// One request per connection first, outside the measured time: connections are open,
		// and a server's first-request work (compressing a page once) is not measured.
		Setup: page.Do}
	clients, err := run.Prepare(ctx)
	if err != nil {
		return err
	}
	bytes.Store(0)
	rep := run.Measure(ctx, clients)
	st := rep.Pages[0]
	n := len(st.Latencies)
	if n == 0 {
		return fmt.Errorf("no answer from %s", fs.Arg(0))
	}
	fmt.Printf("%.0f %.3f %.3f %d %d %.0f\n", float64(n)/rep.Elapsed.Seconds(), ms(st.Percentile(50)), ms(st.Percentile(99)),
		n, st.Errors, float64(bytes.Load())/float64(n))
	return nil
}

// files serves a folder as a plain static file server does, until interrupted.
func files(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("files", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:8081", "address")
	fs.Parse(args)
	if fs.NArg() != 1 {
		return errors.New("files needs one folder")
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: http.FileServer(http.Dir(fs.Arg(0))), ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("Serving at http://%s/\n", ln.Addr())
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

var expectationRE = regexp.MustCompile(`(?m)^(- .*?)( \(edit \d+\))?( \{#[^}]+\})$`)

// edit changes the first expectation of a level file n times, each time waiting until the
// page serves it, and prints the times from write to served: median, fastest and slowest.
func edit(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("edit", flag.ExitOnError)
	file := fs.String("file", "", "the level file to edit")
	n := fs.Int("n", 10, "edits")
	fs.Parse(args)
	if fs.NArg() != 1 || *file == "" {
		return errors.New("edit needs -file and one URL")
	}
	var times []time.Duration
	for i := range *n {
		src, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		mark := fmt.Sprintf(" (edit %d)", i+1)
		loc := expectationRE.FindSubmatchIndex(src)
		if loc == nil {
			return fmt.Errorf("%s has no expectation with an id", *file)
		}
		edited := string(src[:loc[3]]) + mark + string(src[loc[6]:])
		start := time.Now()
		if err := os.WriteFile(*file, []byte(edited), 0o644); err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		d, err := loadtest.Served(ctx, fs.Arg(0), mark+"<", start, 5*time.Millisecond)
		cancel()
		if err != nil {
			return err
		}
		times = append(times, d)
	}
	slices.Sort(times)
	fmt.Printf("%.0f %.0f %.0f\n", ms(times[len(times)/2]), ms(times[0]), ms(times[len(times)-1]))
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
