//go:build race

package receive_test

// raceEnabled: the race detector drops sync.Pool items at random, so
// allocation comparisons do not hold under it.
const raceEnabled = true
