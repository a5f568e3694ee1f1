package cli

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/rungs/rungs/internal/ladder"
	"github.com/rungs/rungs/internal/store"
)

// Version is set at build time: go build -ldflags "-X github.com/rungs/rungs/internal/cli.Version=v1.2.3".
var Version = ""

var versionCommand = &command{
	name:    "version",
	summary: "print the version of rungs",
	usage: `
Usage:
  rungs version

Prints the version of rungs, the file format it reads, the people app's database schema it
knows (what 'rungs admin migrate' upgrades a database to) and the Go it was built with. Release
builds set the version with -ldflags; other builds show the module version or commit.

Example:
  rungs version
`,
	run: runVersion,
}

func runVersion(e *env, args []string) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{"version takes no arguments"}
	}
	fmt.Fprintf(e.stdout, "rungs %s (file format %d, database schema %d, %s)\n", version(), ladder.FormatVersion, store.SchemaVersion(), runtime.Version())
	return nil
}

// version is the -ldflags version, else what the Go toolchain recorded about the build.
func version() string {
	if Version != "" {
		return Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		rev += "-dirty"
	}
	return "devel " + rev
}
