package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"chokepoint"
)

// benchWords is the vocabulary of the synthetic corpus.
var benchWords = strings.Fields(`rare earth elements processing refining
China Russia Ukraine US sanctions export controls gallium germanium cobalt
lithium nickel graphite magnets separation midstream downstream mining deposits
supply chain capacity investment tariffs smelting battery defense critical
minerals policy market price demand production the of and in to a is that for`)

// synthCorpus returns docs documents of per passages each, 40-word
// passages drawn from benchWords with a fixed seed.
func synthCorpus(docs, per int) []chokepoint.Document {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]chokepoint.Document, docs)
	for i := range out {
		texts := make([]string, per)
		for j := range texts {
			w := make([]string, 40)
			for k := range w {
				w[k] = benchWords[r.IntN(len(benchWords))]
			}
			texts[j] = strings.Join(w, " ") + "."
		}
		out[i] = newDoc(fmt.Sprintf("doc%03d", i), fmt.Sprintf("Synthetic %d", i), fmt.Sprint(i), texts...)
	}
	return out
}

// BenchmarkSearch measures grouped searches over 1,000 passages and reports
// latency percentiles.
func BenchmarkSearch(b *testing.B) {
	for _, scoring := range []string{BM25, TFIDF} {
		b.Run(scoring, func(b *testing.B) {
			x, _ := openTest(b, Options{Scoring: scoring})
			mustUpdate(b, x, synthCorpus(50, 20)...)
			q := chokepoint.Query{Groups: [][]string{
				{"rare earth elements", "magnets"},
				{"refining", "processing", "separation"},
				{"China"},
			}}
			ctx := context.Background()
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				res, err := x.Search(ctx, q)
				lat = append(lat, time.Since(start))
				if err != nil || len(res.Hits) == 0 {
					b.Fatalf("Search = %d hits, %v", len(res.Hits), err)
				}
			}
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*50/100].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}

// BenchmarkRebuild measures full rebuilds of 1,000 passages.
func BenchmarkRebuild(b *testing.B) {
	x, _ := openTest(b, Options{})
	docs := synthCorpus(50, 20)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		if _, err := x.Rebuild(ctx, docs, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(1000*b.N)/b.Elapsed().Seconds(), "passages/s")
}
