// Command loadpeople loads a running people app, whose database holds the organisation
// gen.Org makes, one page at a time, and prints a table of what it measured:
//
//	go run ./internal/loadtest/cmd/loadpeople -accounts          # who needs an account, first
//	go run ./internal/loadtest/cmd/loadpeople -url http://127.0.0.1:8080 -password PW
//
// scripts/load-people does everything around it: the import, the accounts, the servers.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/rungs/rungs/internal/gen"
	"github.com/rungs/rungs/internal/loadtest"
)

func main() {
	var (
		base     = flag.String("url", "http://127.0.0.1:8080", "the server")
		people   = flag.Int("people", 100_000, "people in the database, as genpeople -n made them")
		password = flag.String("password", "", "the password of every account -accounts lists")
		conns    = flag.Int("conns", 50, "connections at once")
		duration = flag.Duration("duration", 30*time.Second, "how long each page is loaded")
		warm     = flag.Duration("warm", 2*time.Second, "a warm-up before each page, not counted")
		pages    = flag.String("pages", "", "only the pages whose names hold one of these words (comma-separated)")
		accounts = flag.Bool("accounts", false, "print the accounts to create, as 'email role' lines, and exit")
		cpuOf    = flag.String("cpu-of", "", "process ids (comma-separated) of the server and its database, whose CPU time is reported")
	)
	flag.Parse()
	org := gen.Org(*people)
	if *accounts {
		for _, who := range loadtest.CastOf(org).Roles() {
			fmt.Println(who[0], who[1])
		}
		return
	}
	if *password == "" {
		fmt.Fprintln(os.Stderr, "loadpeople: -password is needed")
		os.Exit(2)
	}
	var pids []int
	for _, p := range strings.Split(*cpuOf, ",") {
		if id, err := strconv.Atoi(strings.TrimSpace(p)); err == nil {
			pids = append(pids, id)
		}
	}
	ctx := context.Background()
	plan, err := loadtest.OrgPages(ctx, *base, *password, org)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadpeople:", err)
		os.Exit(1)
	}
	var results []loadtest.PageResult
	for _, p := range plan {
		if !chosen(p.Name, *pages) {
			continue
		}
		r, err := loadtest.LoadPage(ctx, *base, p, *conns, *warm, *duration, pids)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadpeople:", err)
			os.Exit(1)
		}
		results = append(results, r)
	}
	loadtest.PageTable(os.Stdout, results)
}

// chosen says whether the page name holds one of the comma-separated words of only, or only
// is empty.
func chosen(name, only string) bool {
	if only == "" {
		return true
	}
	for _, w := range strings.Split(only, ",") {
		if w = strings.TrimSpace(w); w != "" && strings.Contains(name, w) {
			return true
		}
	}
	return false
}
