package app_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/rungs/rungs/internal/store"
	"github.com/rungs/rungs/internal/store/storetest"
)

// TestImportPreviewPerRow previews a file of someone new, someone changed and someone as
// stored: the preview says which row is which, and for the changed one what each field was
// and what it becomes, in words.
func TestImportPreviewPerRow(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	e.person("Kim Lee", "kim@example.com", admin.ID, "")
	e.person("Lou Park", "lou@example.com", admin.ID, "")
	ac := e.signedIn(admin)
	csv := "Name,Email,Manager,Job title,Start date,Status,Ladder,Track,Level\n" +
		"Ada Admin,ada@example.com,,Software Engineer,2023-04-03,active,,,\n" +
		"Kim Lee-Park,kim@example.com,ada@example.com,Senior Software Engineer,2023-04-03,left,,,\n" +
		"Lou Park,lou@example.com,ada@example.com,Software Engineer,2023-04-03,active,,,\n" +
		"Pat Doe,pat@example.com,kim@example.com,Engineer,2024-02-01,active,engineering,product,engineer\n"
	res := ac.upload("/import", "hr.csv", csv)
	if res.status != http.StatusOK {
		t.Fatalf("preview: %d %s", res.status, res.body)
	}
	body := res.body
	mustContain(t, body, "1 person will be added, 1 changed, and 2 are as stored already.",
		// The changed row: each field it changes, old and new; the status in words.
		`<tr class="row-changed"><td>3</td><td>Kim Lee-Park<br><span class="muted">kim@example.com</span></td>`,
		`<span class="field">Name:</span> Kim Lee → <ins>Kim Lee-Park</ins>`,
		`<span class="field">Job title:</span> Software Engineer → <ins>Senior Software Engineer</ins>`,
		`<span class="field">Status:</span> Active → <ins>Left</ins>`,
		// The new row, with its status and level in words.
		`<tr class="row-new"><td>5</td><td>Pat Doe</td>`, `<td>Active</td><td><span class="code">EN2</span> Engineer, Product Engineering</td>`,
		// The rows that change nothing, folded away.
		"Rows that change nothing (2)", "Line 2: Ada Admin", "Line 4: Lou Park",
		"Import: add 1, change 1")
	if strings.Contains(body, `<span class="field">Manager:`) || strings.Contains(body, `<span class="field">Start date:`) {
		t.Error("the preview lists a field that does not change")
	}
}

// TestImportPreviewLarge previews a file of many rows that change nothing: the page lists
// a bounded number of them and counts them all.
func TestImportPreviewLarge(t *testing.T) {
	t.Parallel()
	e := newEnv(t, store.Config{SQLitePath: storetest.SQLite(t)})
	admin := e.person("Ada Admin", "ada@example.com", 0, store.Admin)
	ac := e.signedIn(admin)
	var b strings.Builder
	b.WriteString("Name,Email,Manager,Job title,Start date\n")
	const n = 2500
	for i := range n {
		b.WriteString("Person " + strconv.Itoa(i) + ",p" + strconv.Itoa(i) + "@example.com,ada@example.com,Engineer,2024-02-01\n")
	}
	res := ac.upload("/import", "hr.csv", b.String())
	if res.status != http.StatusOK {
		t.Fatalf("preview: %d %s", res.status, res.body)
	}
	mustContain(t, res.body, strconv.Itoa(n)+" people will be added", "The first 100 are listed; "+strconv.Itoa(n)+" rows add someone in all.")
	if got := strings.Count(res.body, `<tr class="row-new">`); got != 100 {
		t.Errorf("the preview lists %d new rows, want 100", got)
	}
}
