package peoplecsv_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/rungs/rungs/internal/charset"
	"github.com/rungs/rungs/internal/peoplecsv"
)

// FuzzRead checks that no input makes Read panic, that every error it reports carries a line
// of the file (or says the file is not UTF-8), and that a plan it returns is whole.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"testdata/hr_export.csv", "testdata/errors.csv"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		"",
		"\ufeff",
		"name,email,start date\n",
		"name;email;start date\nA;a@x;2024-01-02\n",
		"name,email,manager,start date\nA,a@x,b@x,2024-01-02\nB,b@x,a@x,2024-01-02\n",
		"name,email,start date,ladder,track,level\nA,a@x,2024-01-02,engineering,product,EN3\n",
		"name,email,start date\n\"A\nB\",a@x,2024-01-02\n\"unterminated,b@x,2024-01-02\n",
		"First name,Last name,Email,Hire date\n'=A,B,a@x,2024/01/02\n",
	} {
		f.Add([]byte(s))
	}
	fw := bundled(f)
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := peoplecsv.Read(bytes.NewReader(in), fw, stored)
		if err != nil {
			var errs peoplecsv.Errors
			var notText *charset.Error
			if errors.As(err, &notText) && p == nil {
				return
			}
			if !errors.As(err, &errs) {
				t.Fatalf("error %v is not Errors", err)
			}
			if p != nil || len(errs) == 0 {
				t.Fatalf("plan %v with errors %v", p, errs)
			}
			last := 1
			for _, e := range errs {
				if e.Line < last {
					t.Fatalf("error at line %d after line %d: %v", e.Line, last, errs)
				}
				last = e.Line
			}
			return
		}
		if len(p.Rows) != len(p.Lines) || len(p.Rows) != p.Created+p.Updated {
			t.Fatalf("%d rows, %d lines, %d created, %d updated", len(p.Rows), len(p.Lines), p.Created, p.Updated)
		}
		last := 1
		for i, r := range p.Rows {
			if p.Lines[i] <= last {
				t.Fatalf("row %d at line %d after line %d", i, p.Lines[i], last)
			}
			last = p.Lines[i]
			if r.Person.Name == "" || r.Person.Email == "" || r.Person.StartDate.IsZero() || r.Person.Status == "" {
				t.Fatalf("row %d is not whole: %+v", i, r)
			}
		}
	})
}
