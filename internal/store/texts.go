package store

import (
	"database/sql"
	"fmt"
)

// Texts gives a read's rows one string for each value a text column repeats, where the
// driver hands over its bytes (pgx, for reads sent together on PostgreSQL): the ladder,
// track and level of fifty reports are the same few words, and read into a string of its
// own for every row, they were a third of what a manager's home allocated. Where the driver
// makes each row's string itself (database/sql, SQLite), that string is kept. The zero
// Texts is not ready; make one with NewTexts for each read (it is not safe for reads running
// at once).
type Texts struct{ seen map[string]string }

// NewTexts is a Texts for one read.
func NewTexts() Texts { return Texts{seen: make(map[string]string, 8)} }

// Into scans a text column into *dst, as the string already given to the same value when
// there is one. NULL is an error, as it is when scanned into a string.
func (t Texts) Into(dst *string) sql.Scanner { return commonText{dst, t.seen} }

type commonText struct {
	dst  *string
	seen map[string]string
}

// ScanBytes is how pgx hands the column over on PostgreSQL: its own bytes, which are looked
// up without being copied into a string first.
func (c commonText) ScanBytes(b []byte) error {
	if b == nil {
		return fmt.Errorf("a text column holds NULL")
	}
	if s, ok := c.seen[string(b)]; ok {
		*c.dst = s
		return nil
	}
	s := string(b)
	c.seen[s] = s
	*c.dst = s
	return nil
}

// Scan is how database/sql hands it over. A string is the driver's already, made for this
// row: looking it up would save nothing.
func (c commonText) Scan(src any) error {
	switch v := src.(type) {
	case string:
		*c.dst = v
		return nil
	case []byte:
		return c.ScanBytes(v)
	case nil:
		return fmt.Errorf("a text column holds NULL")
	}
	return fmt.Errorf("a text column holds %T", src)
}
