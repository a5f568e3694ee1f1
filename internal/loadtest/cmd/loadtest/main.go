// Command loadtest drives a running rungs server (see scripts/load):
//
//	loadtest -base http://127.0.0.1:8080 -email admin@example.com -password ... -mode mixed
//	loadtest -base ... -mode stress -pid 1234
//	loadtest -people 1000 > people.csv
//
// mixed sends -conns connections of reads and writes for -duration and prints a table per
// kind of request; it exits 1 on any error. stress does the same with ordinary reads only,
// beside -slow connections sending bodies a byte a second and -signins sign-ins at once, and
// prints how those ended and the server's peak memory (with -pid).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/rungs/rungs/internal/loadtest"
)

func main() {
	base := flag.String("base", "http://127.0.0.1:8080", "the server's address")
	email := flag.String("email", "admin@example.com", "an admin's email")
	password := flag.String("password", "", "the admin's password")
	mode := flag.String("mode", "mixed", "mixed or stress")
	conns := flag.Int("conns", 50, "connections sending the measured requests")
	duration := flag.Duration("duration", time.Minute, "how long to run")
	slow := flag.Int("slow", 200, "stress: connections sending slow bodies")
	signins := flag.Int("signins", 32, "stress: sign-ins at once")
	pid := flag.Int("pid", 0, "the server's process id, to report its peak memory")
	people := flag.Int("people", 0, "write a people CSV of this many people to standard output, and exit")
	flag.Parse()
	if *people > 0 {
		writePeople(*people)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *base, *email, *password, *mode, *conns, *duration, *slow, *signins, *pid); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, base, email, password, mode string, conns int, duration time.Duration, slow, signins, pid int) error {
	admin := loadtest.NewClient(base, 0)
	if err := loadtest.SignIn(ctx, admin, email, password); err != nil {
		return err
	}
	ids, err := loadtest.People(ctx, admin, 500)
	if err != nil {
		return err
	}
	r := loadtest.Run{Base: base, Connections: conns, Duration: duration,
		Setup: func(ctx context.Context, c *loadtest.Client) error { return loadtest.SignIn(ctx, c, email, password) }}
	var slowEnds, signinEnds loadtest.Tally
	switch mode {
	case "mixed":
		r.Scenarios = loadtest.Mixed(ids)
	case "stress":
		r.Scenarios = loadtest.Reads(ids)
	default:
		return fmt.Errorf("mode %q: mixed or stress", mode)
	}
	clients, err := r.Prepare(ctx) // signed in before any pressure
	if err != nil {
		return err
	}
	var rep *loadtest.Report
	if mode == "stress" {
		// The pressure starts first and lasts the whole measured run.
		pctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{}, 2)
		go func() { loadtest.SlowBodies(pctx, base, slow, &slowEnds); done <- struct{}{} }()
		go func() { loadtest.SignIns(pctx, base, email, password, signins, &signinEnds); done <- struct{}{} }()
		rep = r.Measure(ctx, clients)
		cancel()
		<-done
		<-done
	} else {
		rep = r.Measure(ctx, clients)
	}
	fmt.Printf("%s: %d connections for %s\n\n", mode, conns, rep.Elapsed.Round(time.Second))
	rep.Table(os.Stdout)
	if mode == "stress" {
		fmt.Printf("\n%d slow-body connections ended: %s\n", slow, slowEnds.String())
		fmt.Printf("%d sign-ins at once were answered: %s\n", signins, signinEnds.String())
	}
	if pid != 0 {
		peak, err := loadtest.PeakRSS(pid)
		if err != nil {
			return err
		}
		fmt.Printf("peak memory of the server (VmHWM): %d MiB\n", peak>>20)
	}
	if n := rep.Errors(); n > 0 {
		return fmt.Errorf("%d errors", n)
	}
	return nil
}

// writePeople writes n people in a reporting tree, ten to a manager, with job titles.
func writePeople(n int) {
	fmt.Println("name,email,manager,job title,start date")
	titles := []string{"Software Engineer", "Senior Software Engineer", "Staff Engineer", "Engineering Manager"}
	for i := 1; i <= n; i++ {
		manager := ""
		if i > 1 {
			manager = fmt.Sprintf("person%d@example.com", (i-2)/10+1)
		}
		fmt.Printf("Person %d,person%d@example.com,%s,%s,2023-%02d-%02d\n", i, i, manager, titles[i%len(titles)], i%12+1, i%28+1)
	}
}
