// Package obstest checks what the servers tests start tell their operators. Across a whole
// test binary, that their logs hold no secret and no personal data: each log is kept, the
// tests name the passwords, tokens, cookie values and emails they use, and once every test
// has run, every line of every log is searched for them, and for any email address at all.
// And it reads their metrics as Prometheus does (ParseMetrics, MetricValue).
package obstest

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
)

var kept struct {
	mu        sync.Mutex
	logs      []fmt.Stringer
	forbidden map[string]bool
}

// Keep adds a log to those checked at the end.
func Keep(log fmt.Stringer) {
	kept.mu.Lock()
	defer kept.mu.Unlock()
	kept.logs = append(kept.logs, log)
}

// Buffer is a log destination safe for concurrent writes, checked at the end.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// NewBuffer returns a kept log buffer.
func NewBuffer() *Buffer {
	b := &Buffer{}
	Keep(b)
	return b
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Forbid names values no log line may hold.
func Forbid(values ...string) {
	kept.mu.Lock()
	defer kept.mu.Unlock()
	if kept.forbidden == nil {
		kept.forbidden = map[string]bool{}
	}
	for _, v := range values {
		if len(v) >= 4 { // shorter ones would match by chance
			kept.forbidden[v] = true
		}
	}
}

// anyEmail finds an email address, whoever's: none belongs in a log.
var anyEmail = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)

// Check returns a report of the lines that hold a forbidden value or an email address, and
// how many lines it read.
func Check() (report string, lines int) {
	kept.mu.Lock()
	defer kept.mu.Unlock()
	var r strings.Builder
	for _, log := range kept.logs {
		for _, line := range strings.Split(log.String(), "\n") {
			if line == "" {
				continue
			}
			lines++
			for v := range kept.forbidden {
				if strings.Contains(line, v) {
					fmt.Fprintf(&r, "a log line holds %q:\n  %s\n", v, line)
				}
			}
			if m := anyEmail.FindString(line); m != "" {
				fmt.Fprintf(&r, "a log line holds the email address %s:\n  %s\n", m, line)
			}
		}
	}
	return r.String(), lines
}

// M is what Main needs of *testing.M.
type M interface{ Run() int }

// Checked returns m with the logs checked after its tests: a leak fails the test binary.
func Checked(m M) M { return checked{m} }

type checked struct{ m M }

func (c checked) Run() int {
	code := c.m.Run()
	report, lines := Check()
	if report != "" {
		fmt.Fprintf(os.Stderr, "FAIL: secrets or personal data in the servers' logs (%d lines read):\n%s", lines, report)
		if code == 0 {
			code = 1
		}
	}
	return code
}
