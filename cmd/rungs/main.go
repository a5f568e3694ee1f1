// Command rungs checks, formats and publishes career frameworks kept as files.
package main

import (
	"os"

	"github.com/rungs/rungs/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
