// Command genpeople writes a synthetic HR export of a large organisation for load tests, in
// the CSV shape `rungs admin import-people` reads:
//
//	go run ./internal/gen/cmd/genpeople -n 100000 people.csv
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"

	"github.com/rungs/rungs/internal/gen"
)

func main() {
	n := flag.Int("n", 100_000, "people")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: genpeople [-n PEOPLE] FILE.csv")
		os.Exit(2)
	}
	if err := write(flag.Arg(0), *n); err != nil {
		fmt.Fprintln(os.Stderr, "genpeople:", err)
		os.Exit(1)
	}
}

func write(path string, n int) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := gen.WriteOrgCSV(w, gen.Org(n)); err != nil {
		f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
