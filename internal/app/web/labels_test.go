package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestEveryAuditActionHasWords reads the app's source for the actions it records and fails
// for any the audit log would show as a bare code.
func TestEveryAuditActionHasWords(t *testing.T) {
	recorded := regexp.MustCompile(`\.Audit\([^,]+, [^,]+, [^,]+, "([a-z0-9.-]+)"`)
	found := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != ".go" || regexp.MustCompile(`_test\.go$`).MatchString(path) {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range recorded.FindAllStringSubmatch(string(b), -1) {
			found[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 30 {
		t.Fatalf("found only %d audit actions in the source: the pattern has gone stale", len(found))
	}
	// The assessment's actions are made from its side and what was done.
	for _, side := range []string{"self", "manager"} {
		for _, what := range []string{"draft", "submit", "amend"} {
			found["assessment."+side+"."+what] = true
		}
	}
	for action := range found {
		if Label(action) == action {
			t.Errorf("the audit action %q has no words in labels", action)
		}
	}
	if got := Label("no.such-code"); got != "no.such-code" {
		t.Errorf("an unknown code reads %q, want the code", got)
	}
}
