package testreport

import (
	"strings"
	"testing"
)

// A stream with a passing package, a failing test with subtests and a build failure: the
// failure's output is printed without its RUN lines, the passing test's is not, and the
// summary ranks tests without subtests by time.
func TestReport(t *testing.T) {
	t.Parallel()
	stream := `{"Action":"run","Package":"example.com/m/a","Test":"TestSlow"}
{"Action":"output","Package":"example.com/m/a","Test":"TestSlow","Output":"=== RUN   TestSlow\n"}
{"Action":"output","Package":"example.com/m/a","Test":"TestSlow","Output":"quiet on success\n"}
{"Action":"pass","Package":"example.com/m/a","Test":"TestSlow","Elapsed":3.5}
{"Action":"pass","Package":"example.com/m/a","Elapsed":4}
{"Action":"run","Package":"example.com/m/internal/b","Test":"TestParent"}
{"Action":"run","Package":"example.com/m/internal/b","Test":"TestParent/child"}
{"Action":"output","Package":"example.com/m/internal/b","Test":"TestParent/child","Output":"=== RUN   TestParent/child\n"}
{"Action":"output","Package":"example.com/m/internal/b","Test":"TestParent/child","Output":"    b_test.go:9: got 1, want 2\n"}
{"Action":"fail","Package":"example.com/m/internal/b","Test":"TestParent/child","Elapsed":1.25}
{"Action":"fail","Package":"example.com/m/internal/b","Test":"TestParent","Elapsed":9}
{"Action":"fail","Package":"example.com/m/internal/b","Elapsed":9.5}
not an event: printed as it is
{"ImportPath":"example.com/m/c","Action":"build-output","Output":"c.go:1:1: syntax error\n"}
{"ImportPath":"example.com/m/c","Action":"build-fail"}
`
	var out strings.Builder
	r := New(&out)
	if err := r.Read(strings.NewReader(stream)); err != nil {
		t.Fatal(err)
	}
	r.Summary(10)
	if !r.Failed() {
		t.Error("Failed() = false after a failing test")
	}
	got := out.String()
	for _, want := range []string{
		"ok  \texample.com/m/a\t4.0s\n",
		"    b_test.go:9: got 1, want 2\nFAIL\texample.com/m/internal/b\t9.5s\n",
		"not an event: printed as it is\n",
		"c.go:1:1: syntax error\n",
		"Wall time per package:\n     9.5s  fail example.com/m/internal/b\n     4.0s  pass example.com/m/a\n",
		"The 2 slowest tests:\n     3.5s  pass example.com/m/a TestSlow\n     1.2s  fail internal/b TestParent/child\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q; it reads:\n%s", want, got)
		}
	}
	for _, unwanted := range []string{"quiet on success", "=== RUN"} {
		if strings.Contains(got, unwanted) {
			t.Errorf("report holds %q:\n%s", unwanted, got)
		}
	}
}

func TestPassingStreamDoesNotFail(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	r := New(&out)
	if err := r.Read(strings.NewReader(`{"Action":"pass","Package":"example.com/m/a","Elapsed":1}` + "\n")); err != nil {
		t.Fatal(err)
	}
	if r.Failed() {
		t.Error("Failed() = true for a passing stream")
	}
}
