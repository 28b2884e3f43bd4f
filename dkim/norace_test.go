//go:build !race

package dkim_test

// raceEnabled: the race detector is on (its instrumentation allocates).
const raceEnabled = false
