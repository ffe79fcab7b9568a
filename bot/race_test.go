//go:build race

package bot

// raceEnabled: the race detector multiplies memory use, so memory figures
// are not checked under it.
const raceEnabled = true
