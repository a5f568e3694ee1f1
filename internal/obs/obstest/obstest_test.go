package obstest

import (
	"fmt"
	"strings"
	"testing"
)

func TestCheckFindsLeaks(t *testing.T) {
	b := NewBuffer()
	Forbid("hunter2-password", "tok", "")
	fmt.Fprintln(b, `level=INFO msg=request route="GET /people/{id}" status=200`)
	if report, lines := Check(); report != "" || lines != 1 {
		t.Fatalf("a clean log reported: %d lines\n%s", lines, report)
	}
	fmt.Fprintln(b, `level=ERROR msg="sign in" password=hunter2-password`)
	fmt.Fprintln(b, `level=ERROR msg="account of grace@example.com" token=tok`)
	report, lines := Check()
	if lines != 3 || !strings.Contains(report, `holds "hunter2-password"`) || !strings.Contains(report, "email address grace@example.com") ||
		strings.Contains(report, `"tok"`) {
		t.Errorf("%d lines, report:\n%s", lines, report)
	}
}
