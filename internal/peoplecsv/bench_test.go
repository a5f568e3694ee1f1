package peoplecsv_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/rungs/rungs/internal/peoplecsv"
)

// peopleCSV makes a file of n people in a tree ten wide, every third of them levelled.
func peopleCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("Employee ID,Full name,Work email,Reports to,Job title,Hire date,Employment status,Ladder,Track,Level\n")
	for i := range n {
		manager := ""
		if i > 0 {
			manager = fmt.Sprintf("person%d@example.com", (i-1)/10)
		}
		ladder, track, level := "", "", ""
		if i%3 == 0 {
			ladder, track, level = "engineering", "product", "EN3"
		}
		fmt.Fprintf(&b, "%d,Person %d,person%d@example.com,%s,Software Engineer,2020-%02d-%02d,active,%s,%s,%s\n",
			i, i, i, manager, i%12+1, i%28+1, ladder, track, level)
	}
	return b.Bytes()
}

func BenchmarkReadPeopleCSV(b *testing.B) {
	in := peopleCSV(100_000)
	f := bundled(b)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		p, err := peoplecsv.Read(bytes.NewReader(in), f, nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(p.Rows) != 100_000 {
			b.Fatalf("%d rows", len(p.Rows))
		}
	}
}
