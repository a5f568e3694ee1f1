package cli

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// The command line is tested end to end as scripts: each file in testdata/script runs rungs
// commands over files written inline and checks their exit codes and output.
func TestMain(m *testing.M) {
	// The SIGKILL test runs rungs as a process of its own: this very binary, told so.
	if os.Getenv("RUNGS_TEST_RUN_MAIN") == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"rungs": func() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{Dir: "testdata/script"})
}
