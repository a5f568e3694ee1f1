package peoplecsv

// SetMaxRows lowers the row limit for a test and returns how to restore it.
func SetMaxRows(n int) (restore func()) {
	old := maxRows
	maxRows = n
	return func() { maxRows = old }
}
