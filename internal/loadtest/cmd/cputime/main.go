// Command cputime compares what commands cost in CPU time, to the microsecond, for
// scripts/bench-site:
//
//	cputime [-runs 20] 'label=command arg...' 'label=command arg...' ...
//
// It runs the commands in turn, one run of each per round, so that whatever else the machine
// does weighs on all of them alike, and prints per command the mean and median CPU time (user
// + system, from the kernel's accounting of the finished process) and the mean wall time. GNU
// time prints CPU time in hundredths of a second, too coarse for a build of 70 ms where the
// difference sought is a few. Arguments are split on spaces; none may contain one.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

func main() {
	runs := flag.Int("runs", 20, "rounds: each command runs once a round")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: cputime [-runs N] 'label=command arg...' ...")
		os.Exit(2)
	}
	type command struct {
		label string
		args  []string
		cpu   []time.Duration
		wall  time.Duration
	}
	var cmds []*command
	for _, a := range flag.Args() {
		label, line, ok := strings.Cut(a, "=")
		args := strings.Fields(line)
		if !ok || len(args) == 0 {
			fmt.Fprintf(os.Stderr, "cputime: %q is not label=command\n", a)
			os.Exit(2)
		}
		cmds = append(cmds, &command{label: label, args: args})
	}
	for range *runs {
		for _, c := range cmds {
			cmd := exec.Command(c.args[0], c.args[1:]...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			start := time.Now()
			if err := cmd.Run(); err != nil {
				fmt.Fprintf(os.Stderr, "cputime: %s: %v\n%s", c.label, err, stderr.Bytes())
				os.Exit(1)
			}
			c.wall += time.Since(start)
			c.cpu = append(c.cpu, cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime())
		}
	}
	fmt.Printf("%-46s %12s %14s %12s\n", fmt.Sprintf("%d runs each, alternating", *runs), "mean CPU ms", "median CPU ms", "mean wall ms")
	for _, c := range cmds {
		var sum time.Duration
		for _, d := range c.cpu {
			sum += d
		}
		slices.Sort(c.cpu)
		n := time.Duration(len(c.cpu))
		fmt.Printf("%-46s %12.1f %14.1f %12.1f\n", c.label, ms(sum/n), ms(c.cpu[len(c.cpu)/2]), ms(c.wall/n))
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
