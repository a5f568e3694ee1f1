// Command loadtest drives a running rungs server (see scripts/load), whose people are the
// organisation gen.Org makes:
//
//	loadtest -people 100000 -csv > people.csv        # the organisation, as an HR export
//	loadtest -people 100000 -csv -retitle New > new.csv  # everyone's title changed, levels left out
//	loadtest -people 100000 -accounts                # who needs an account for -mode pages
//	loadtest -base http://127.0.0.1:8080 -email admin@example.com -password ... -mode mixed
//	loadtest -base ... -mode stress -pid 1234
//	loadtest -base ... -people 100000 -password ... -mode pages -pid 1234,5678
//
// mixed sends -conns connections of reads and writes for -duration and prints a table per
// kind of request. stress does the same with ordinary reads only, beside -slow connections
// sending bodies a byte a second and -signins sign-ins at once, and prints how those ended
// and the server's peak memory. pages measures each page of the people app on its own
// (an admin's list, search and person page, the lists of managers of 11,110 and of 11, a
// person's own page), -conns connections for -duration each after -warm, signed in as the
// accounts -accounts lists (all with -password). With -pid, the server's CPU time per answer
// is reported too, and with -metrics (the server's metrics address), the groups of audit
// entries it put on disk during each page and how many of them were slow. It exits 1 on any
// error.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/gen"
	"github.com/rungs/rungs/internal/loadtest"
)

type options struct {
	base, email, password, mode string
	conns, slow, signins        int
	duration, warm              time.Duration
	pids                        []int
	org                         []gen.Employee
	pages                       string
	beside                      string
	metrics                     string
}

func main() {
	var o options
	flag.StringVar(&o.base, "base", "http://127.0.0.1:8080", "the server's address")
	flag.StringVar(&o.email, "email", "admin@example.com", "mixed, stress: an admin's email")
	flag.StringVar(&o.password, "password", "", "the admin's password; pages: every account's")
	flag.StringVar(&o.mode, "mode", "mixed", "mixed, stress or pages")
	flag.IntVar(&o.conns, "conns", 50, "connections sending the measured requests")
	flag.DurationVar(&o.duration, "duration", time.Minute, "how long to run; pages: each page")
	flag.DurationVar(&o.warm, "warm", 2*time.Second, "pages: a warm-up before each page, not counted")
	flag.IntVar(&o.slow, "slow", 200, "stress: connections sending slow bodies")
	flag.IntVar(&o.signins, "signins", 32, "stress: sign-ins at once")
	pids := flag.String("pid", "", "the server's process id, and its database server's (comma-separated): their CPU time per answer is reported, and the first's peak memory")
	people := flag.Int("people", 1000, "the people in the database, as gen.Org makes them (at least 100)")
	writeCSV := flag.Bool("csv", false, "write the people as an HR export (CSV) to standard output, and exit")
	retitle := flag.String("retitle", "", "with -csv: put this before every job title and leave levels out, for an import that changes everyone's title and nothing else")
	accounts := flag.Bool("accounts", false, "print the accounts -mode pages signs in as, as 'email role' lines, and exit")
	flag.StringVar(&o.pages, "pages", "", "pages: only the pages whose names hold one of these words (comma-separated)")
	flag.StringVar(&o.metrics, "metrics", "", "pages: the server's metrics (http://.../metrics), to report its audit writes during each page")
	flag.StringVar(&o.beside, "beside", "", "mixed, stress: a command (split on spaces) started with the measured run, waited for, and reported")
	flag.Parse()
	o.org = gen.Org(*people)
	switch {
	case *writeCSV:
		if *retitle != "" {
			for i := range o.org {
				o.org[i].Title = *retitle + " " + o.org[i].Title
				o.org[i].Ladder, o.org[i].Track, o.org[i].Level = "", "", ""
			}
		}
		w := bufio.NewWriter(os.Stdout)
		if err := gen.WriteOrgCSV(w, o.org); err != nil {
			fail(err)
		}
		if err := w.Flush(); err != nil {
			fail(err)
		}
		return
	case *accounts:
		for _, who := range loadtest.CastOf(o.org).Roles() {
			fmt.Println(who[0], who[1])
		}
		return
	}
	for _, p := range strings.Split(*pids, ",") {
		if p = strings.TrimSpace(p); p != "" {
			id, err := strconv.Atoi(p)
			if err != nil {
				fail(fmt.Errorf("-pid %q: not a process id", p))
			}
			o.pids = append(o.pids, id)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	if o.mode == "pages" {
		err = pages(ctx, o)
	} else {
		err = run(ctx, o)
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadtest:", err)
	os.Exit(1)
}

func run(ctx context.Context, o options) error {
	admin := loadtest.NewClient(o.base, 0)
	if err := loadtest.SignIn(ctx, admin, o.email, o.password); err != nil {
		return err
	}
	ids, err := loadtest.People(ctx, admin, 500)
	if err != nil {
		return err
	}
	r := loadtest.Run{Base: o.base, Connections: o.conns, Duration: o.duration, CPUOf: o.pids,
		Setup: func(ctx context.Context, c *loadtest.Client) error {
			return loadtest.SignIn(ctx, c, o.email, o.password)
		}}
	var slowEnds, signinEnds loadtest.Tally
	switch o.mode {
	case "mixed":
		r.Scenarios = loadtest.Mixed(ids, gen.Searches(o.org))
	case "stress":
		r.Scenarios = loadtest.Reads(ids, gen.Searches(o.org))
	default:
		return fmt.Errorf("mode %q: mixed, stress or pages", o.mode)
	}
	clients, err := r.Prepare(ctx) // signed in before any pressure
	if err != nil {
		return err
	}
	var rep *loadtest.Report
	if o.mode == "stress" {
		// The pressure starts first and lasts the whole measured run.
		pctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{}, 2)
		go func() { loadtest.SlowBodies(pctx, o.base, o.slow, &slowEnds); done <- struct{}{} }()
		go func() {
			loadtest.SignIns(pctx, o.base, o.email, o.password, o.signins, &signinEnds)
			done <- struct{}{}
		}()
		rep = r.Measure(ctx, clients)
		cancel()
		<-done
		<-done
	} else {
		besideDone := startBeside(o.beside)
		rep = r.Measure(ctx, clients)
		if err := besideDone(); err != nil {
			return err
		}
	}
	fmt.Printf("%s: %d connections for %s\n\n", o.mode, o.conns, rep.Elapsed.Round(time.Second))
	rep.Table(os.Stdout)
	if o.mode == "stress" {
		fmt.Printf("\n%d slow-body connections ended: %s\n", o.slow, slowEnds.String())
		fmt.Printf("%d sign-ins at once were answered: %s\n", o.signins, signinEnds.String())
	}
	if err := peakMemory(o.pids); err != nil {
		return err
	}
	if n := rep.Errors(); n > 0 {
		return fmt.Errorf("%d errors", n)
	}
	return nil
}

// pages measures each page of the organisation's people app on its own.
func pages(ctx context.Context, o options) error {
	all, err := loadtest.OrgPages(ctx, o.base, o.password, o.org)
	if err != nil {
		return err
	}
	var reports []*loadtest.Report
	errors := 0
	chosen, err := loadtest.Chosen(all, o.pages)
	if err != nil {
		return err
	}
	var names []string
	var writes []loadtest.AuditWrites
	for _, p := range chosen {
		var before loadtest.AuditWrites
		if o.metrics != "" {
			if before, err = loadtest.ScrapeAuditWrites(ctx, o.metrics); err != nil {
				// A rungs from before the histogram, measured for a comparison.
				fmt.Fprintf(os.Stderr, "loadtest: %v: audit writes not reported\n", err)
				o.metrics = ""
			}
		}
		rep, err := loadtest.LoadPage(ctx, o.base, p, o.conns, o.warm, o.duration, o.pids)
		if err != nil {
			return err
		}
		reports = append(reports, rep)
		errors += rep.Errors()
		if o.metrics != "" {
			after, err := loadtest.ScrapeAuditWrites(ctx, o.metrics)
			if err != nil {
				return err
			}
			names, writes = append(names, p.Name), append(writes, after.Since(before))
		}
	}
	fmt.Printf("pages: %d connections for %s a page, %d people\n\n", o.conns, o.duration, len(o.org))
	loadtest.PageTable(os.Stdout, reports)
	fmt.Println()
	if len(writes) > 0 {
		loadtest.AuditTable(os.Stdout, names, writes)
		fmt.Println()
	}
	if err := peakMemory(o.pids); err != nil {
		return err
	}
	if errors > 0 {
		return fmt.Errorf("%d errors", errors)
	}
	return nil
}

// peakMemory prints the peak memory of the server, the first of pids.
func peakMemory(pids []int) error {
	if len(pids) == 0 {
		return nil
	}
	peak, err := loadtest.PeakRSS(pids[0])
	if err != nil {
		return err
	}
	fmt.Printf("peak memory of the server (VmHWM): %d MiB\n", peak>>20)
	return nil
}

// startBeside starts command (split on spaces; "" for none) and returns what waits for it and
// says how it ended and how long it took: the measured run's answers are those given beside it.
func startBeside(command string) func() error {
	args := strings.Fields(command)
	if len(args) == 0 {
		return func() error { return nil }
	}
	cmd := exec.Command(args[0], args[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Start()
	return func() error {
		if err == nil {
			err = cmd.Wait()
		}
		last := strings.TrimSpace(out.String())
		if i := strings.LastIndexByte(last, '\n'); i >= 0 {
			last = last[i+1:]
		}
		fmt.Printf("beside the run, started with it: %s: %s (%s)\n\n", args[0]+" "+args[1], last, time.Since(start).Round(time.Millisecond))
		if err != nil {
			return fmt.Errorf("the command beside the run: %w: %s", err, out.String())
		}
		return nil
	}
}
