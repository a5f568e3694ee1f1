// Command genframework writes a large synthetic framework for benchmarks:
//
//	go run ./internal/gen/cmd/genframework -ladders 200 -levels 8 -words 800 DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/rungs/rungs/internal/gen"
)

func main() {
	var s gen.Spec
	flag.IntVar(&s.Ladders, "ladders", 200, "ladders")
	flag.IntVar(&s.Levels, "levels", 8, "levels per ladder")
	flag.IntVar(&s.WordsPerLevel, "words", 800, "words per level, roughly")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: genframework [-ladders N] [-levels N] [-words N] DIR")
		os.Exit(2)
	}
	if err := gen.Write(flag.Arg(0), s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
