// Package testreport reads the event stream of `go test -json`, prints it as plain go test
// would (failures in full, a line a package), and ends with where the time went: each
// package's wall time and the slowest tests, so that a slowdown is seen the day it lands.
package testreport

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// Event is one line of `go test -json` (cmd/test2json's TestEvent).
type Event struct {
	Time       time.Time
	Action     string
	Package    string
	ImportPath string // build output (Go 1.24 and later)
	Test       string
	Elapsed    float64 // seconds
	Output     string
}

// Report collects events from one or more `go test -json` streams and prints them.
type Report struct {
	mu       sync.Mutex
	out      io.Writer
	output   map[string][]string // package + test -> output lines not yet printed
	packages map[string]packageResult
	tests    []testResult
	parents  map[string]bool // package + test names that have subtests
	failed   bool
}

type packageResult struct {
	action  string
	elapsed float64
}

type testResult struct {
	pkg, name string
	action    string
	elapsed   float64
}

// New returns a report that prints to out.
func New(out io.Writer) *Report {
	return &Report{out: out, output: map[string][]string{}, packages: map[string]packageResult{}, parents: map[string]bool{}}
}

// Read reads one stream of events to its end. Lines that are not events (a go command's own
// messages) are printed as they are. Streams may be read at once, from several goroutines.
func (r *Report) Read(in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Bytes()
		var e Event
		if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil {
			r.mu.Lock()
			fmt.Fprintf(r.out, "%s\n", line)
			r.mu.Unlock()
			continue
		}
		r.Add(e)
	}
	return sc.Err()
}

// Add takes one event.
func (r *Report) Add(e Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	key := e.Package + " " + e.Test
	switch e.Action {
	case "build-output":
		fmt.Fprint(r.out, e.Output)
	case "build-fail":
		r.failed = true
	case "output":
		r.output[key] = append(r.output[key], e.Output)
	case "run":
		if parent, _, ok := cutLast(e.Test, "/"); ok {
			r.parents[e.Package+" "+parent] = true
		}
	case "pass", "fail", "skip":
		lines := r.output[key]
		delete(r.output, key)
		if e.Test != "" {
			r.tests = append(r.tests, testResult{e.Package, e.Test, e.Action, e.Elapsed})
			if e.Action == "fail" {
				r.failed = true
				r.print(lines)
			}
			return
		}
		r.packages[e.Package] = packageResult{e.Action, e.Elapsed}
		switch e.Action {
		case "fail":
			r.failed = true
			// Tests that never ended (a panic, a timeout) and what the package printed
			// outside any test.
			var unfinished []string
			for k := range r.output {
				if strings.HasPrefix(k, e.Package+" ") {
					unfinished = append(unfinished, k)
				}
			}
			sort.Strings(unfinished)
			for _, k := range unfinished {
				r.print(r.output[k])
				delete(r.output, k)
			}
			r.print(lines)
			fmt.Fprintf(r.out, "FAIL\t%s\t%.1fs\n", e.Package, e.Elapsed)
		case "skip":
			fmt.Fprintf(r.out, "?   \t%s\t[no test files]\n", e.Package)
		default:
			fmt.Fprintf(r.out, "ok  \t%s\t%.1fs\n", e.Package, e.Elapsed)
		}
	}
}

// print writes a failed test's output, without the lines that only say a test started.
func (r *Report) print(lines []string) {
	for _, l := range lines {
		if strings.HasPrefix(l, "=== RUN") || strings.HasPrefix(l, "=== PAUSE") || strings.HasPrefix(l, "=== CONT") {
			continue
		}
		fmt.Fprint(r.out, l)
	}
}

// Failed tells whether a test, a package or a build failed.
func (r *Report) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}

// Summary prints each package's wall time, slowest first, and the slowest tests. Only tests
// without subtests are ranked: a parent's time is its children's.
func (r *Report) Summary(slowest int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	type row struct {
		name string
		packageResult
	}
	var pkgs []row
	for name, res := range r.packages {
		if res.action != "skip" {
			pkgs = append(pkgs, row{name, res})
		}
	}
	sort.Slice(pkgs, func(i, j int) bool {
		if pkgs[i].elapsed != pkgs[j].elapsed {
			return pkgs[i].elapsed > pkgs[j].elapsed
		}
		return pkgs[i].name < pkgs[j].name
	})
	fmt.Fprintf(r.out, "\nWall time per package:\n")
	for _, p := range pkgs {
		fmt.Fprintf(r.out, "%8.1fs  %-4s %s\n", p.elapsed, p.action, p.name)
	}
	var leaves []testResult
	for _, t := range r.tests {
		if !r.parents[t.pkg+" "+t.name] && t.action != "skip" {
			leaves = append(leaves, t)
		}
	}
	sort.Slice(leaves, func(i, j int) bool {
		if leaves[i].elapsed != leaves[j].elapsed {
			return leaves[i].elapsed > leaves[j].elapsed
		}
		return leaves[i].pkg+leaves[i].name < leaves[j].pkg+leaves[j].name
	})
	if len(leaves) > slowest {
		leaves = leaves[:slowest]
	}
	fmt.Fprintf(r.out, "\nThe %d slowest tests:\n", len(leaves))
	for _, t := range leaves {
		fmt.Fprintf(r.out, "%8.1fs  %-4s %s %s\n", t.elapsed, t.action, shortName(t.pkg), t.name)
	}
}

// shortName is a package's path without the module's.
func shortName(pkg string) string {
	if _, rest, ok := strings.Cut(pkg, "/internal/"); ok {
		return "internal/" + rest
	}
	return pkg
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}
