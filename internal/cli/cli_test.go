package cli

import (
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rungs/rungs/internal/store/storetest"
)

// The command line is tested end to end as scripts: each file in testdata/script runs rungs
// commands over files written inline and checks their exit codes and output.
func TestMain(m *testing.M) {
	// The race detector's runtime sleeps a second before a process exits, to catch races of
	// goroutines still running then; the scripts run rungs as a process a few hundred times,
	// and each command has ended its goroutines before it returns.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	testscript.Main(cleanup{storetest.Wrap(m)}, map[string]func(){
		"rungs": func() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{Dir: "testdata/script"})
}

// cleanup removes what the tests built once they have run.
type cleanup struct{ m storetest.M }

func (c cleanup) Run() int {
	defer removeBinary()
	return c.m.Run()
}
