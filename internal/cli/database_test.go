package cli

import "testing"

// TestDatabaseFlagsString: hints name the database as it was given, never with its password.
func TestDatabaseFlagsString(t *testing.T) {
	t.Parallel()
	tests := []struct{ data, db, want string }{
		{data: "rungs.db", want: "--data rungs.db"},
		{data: "my people.db", want: "--data 'my people.db'"},
		{db: "postgres://rungs@db/rungs", want: "--db postgres://rungs@db/rungs"},
		{db: "postgres://rungs:s3cret@db/rungs", want: "--db URL"},
		{db: "postgres://db/rungs?sslmode=require&x=1", want: "--db 'postgres://db/rungs?sslmode=require&x=1'"},
	}
	for _, tc := range tests {
		d := databaseFlags{data: &tc.data, db: &tc.db}
		if got := d.String(); got != tc.want {
			t.Errorf("%q %q: %s, want %s", tc.data, tc.db, got, tc.want)
		}
	}
}
