//go:build !race

package cli

// raceEnabled tells tests that the race detector slows everything down.
const raceEnabled = false
