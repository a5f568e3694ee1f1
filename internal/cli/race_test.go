//go:build race

package cli

// raceEnabled tells tests that the race detector slows everything down, SQLite (C translated
// to Go) most of all: about thirteen times.
const raceEnabled = true
