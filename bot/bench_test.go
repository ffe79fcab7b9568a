package bot

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

// BenchmarkFirstResponse measures, on loopback, the time from the fake
// dispatching INTERACTION_CREATE for /ask to the fake receiving the
// deferred first response, through the real discordgo session.
func BenchmarkFirstResponse(b *testing.B) {
	e := startEnv(b, Config{RateLimit: 1 << 30})
	defer e.stop(b)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		i := command(fmt.Sprintf("u-bench-%d", n), 0, "ask", strOpt("question", fmt.Sprintf("Why can't Russia replace China? %d", n)))
		start := time.Now()
		tok := e.fake.DispatchInteraction(i)
		if missing := e.fake.WaitResponded(wait, []string{tok}); len(missing) > 0 {
			b.Fatalf("interaction %d got no first response", n)
		}
		at, _ := e.fake.RespondedAt(tok)
		lat = append(lat, at.Sub(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(percentile(lat, 50).Microseconds()), "p50-µs")
	b.ReportMetric(float64(percentile(lat, 99).Microseconds()), "p99-µs")
}
