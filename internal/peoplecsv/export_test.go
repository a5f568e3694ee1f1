package peoplecsv

// SetMaxRows lowers the row limit for a test and returns how to restore it.
func SetMaxRows(n int) (restore func()) {
	old := maxRows
	maxRows = n
	return func() { maxRows = old }
}

// Guard and Unguard are the formula guard of the exports, for its test.
var (
	Guard   = guard
	Unguard = unguard
)
