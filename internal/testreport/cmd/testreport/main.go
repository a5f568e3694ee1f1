// Command testreport reads `go test -json` on its standard input, prints what plain go test
// would, then each package's wall time and the slowest tests. It exits 1 when anything failed.
//
//	go test -json ./... 2>&1 | testreport [-slowest 10]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/rungs/rungs/internal/testreport"
)

func main() {
	slowest := flag.Int("slowest", 10, "how many of the slowest tests to list")
	flag.Parse()
	r := testreport.New(os.Stdout)
	if err := r.Read(os.Stdin); err != nil {
		fmt.Fprintln(os.Stderr, "testreport:", err)
		os.Exit(2)
	}
	r.Summary(*slowest)
	if r.Failed() {
		os.Exit(1)
	}
}
