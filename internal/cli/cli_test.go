package cli

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/rungs/rungs/internal/obs/obstest"
	"github.com/rungs/rungs/internal/store/storetest"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// The command line is tested end to end as scripts: each file in testdata/script runs rungs
// commands over files written inline and checks their exit codes and output.
func TestMain(m *testing.M) {
	// Tests that stop rungs with a signal run it as a process of its own: this very binary,
	// told so (and so under the race detector). Without this, it would run the tests again.
	if os.Getenv("RUNGS_TEST_RUN_MAIN") == "1" {
		os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
	}
	// The race detector's runtime sleeps a second before a process exits, to catch races of
	// goroutines still running then; the scripts run rungs as a process a few hundred times,
	// and each command has ended its goroutines before it returns.
	if os.Getenv("GORACE") == "" {
		os.Setenv("GORACE", "atexit_sleep_ms=0")
	}
	testscript.Main(cleanup{storetest.Wrap(obstest.Checked(m))}, map[string]func(){
		"rungs": func() { os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

func TestScripts(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{Dir: "testdata/script", Cmds: map[string]func(*testscript.TestScript, bool, []string){
		"encode":      encodeCmd,
		"randombytes": randomBytesCmd,
	}})
}

// encodeCmd is "encode utf-16|windows-1252 FROM TO": the UTF-8 text of FROM written to TO in
// that encoding (UTF-16 little-endian with a byte order mark, as Windows editors save it).
func encodeCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: encode utf-16|windows-1252 FROM TO")
	}
	var enc encoding.Encoding
	switch args[0] {
	case "utf-16":
		enc = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
	case "windows-1252":
		enc = charmap.Windows1252
	default:
		ts.Fatalf("unknown encoding %q", args[0])
	}
	b, err := enc.NewEncoder().Bytes([]byte(ts.ReadFile(args[1])))
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[2]), b, 0o644))
}

// randomBytesCmd is "randombytes N FILE": N bytes that are not text, the same every run.
func randomBytesCmd(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: randombytes N FILE")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(22, 22))
	for i := range b {
		b[i] = byte(r.UintN(256))
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), b, 0o644))
}

// cleanup removes what the tests built once they have run.
type cleanup struct{ m storetest.M }

func (c cleanup) Run() int {
	defer removeBinary()
	return c.m.Run()
}

// run runs rungs in this process and fails the test if it fails.
func run(t *testing.T, args ...string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("rungs %s: %v\n%s%s", strings.Join(args, " "), err, &stdout, &stderr)
	}
}
