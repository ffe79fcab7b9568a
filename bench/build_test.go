package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"chokepoint"
	"chokepoint/corpus"
	"chokepoint/corpus/corpusgen"
)

// BenchmarkRebuild measures a full rebuild of the corpus: impl=index is
// index.Rebuild (a new generation, swapped in), impl=bleve the baseline, a
// default-mapping bleve index on disk filled in batches of 500. Both report
// passages/s; impl=index also reports the peak resident memory of the
// process during the rebuild (VmHWM, reset before each rebuild; it includes
// the generated documents held in memory, as a real rebuild holds the
// loaded corpus).
func BenchmarkRebuild(b *testing.B) {
	for _, s := range sizes {
		docs, passages := docsOf(s)
		b.Run("passages="+s.name+"/impl=index", func(b *testing.B) {
			x := openIndex(b, b.TempDir())
			var peak, before float64
			for b.Loop() {
				b.StopTimer()
				st, err := procStatus("VmRSS")
				if err != nil {
					b.Fatal(err)
				}
				before = max(before, st["VmRSS"])
				if err := resetPeak(); err != nil {
					b.Fatalf("reset peak RSS: %v", err)
				}
				b.StartTimer()
				if _, err := x.Rebuild(context.Background(), docs, nil); err != nil {
					b.Fatalf("Rebuild: %v", err)
				}
				b.StopTimer()
				st, err = procStatus("VmHWM")
				if err != nil {
					b.Fatal(err)
				}
				peak = max(peak, st["VmHWM"])
				b.StartTimer()
			}
			b.ReportMetric(float64(passages)*float64(b.N)/b.Elapsed().Seconds(), "passages/s")
			b.ReportMetric(before/1024, "rss-before-MB")
			b.ReportMetric(peak/1024, "peak-rss-MB")
		})
		b.Run("passages="+s.name+"/impl=bleve", func(b *testing.B) {
			tmp := b.TempDir()
			n := 0
			for b.Loop() {
				n++
				if err := bleveBatchIndex(filepath.Join(tmp, fmt.Sprint(n)), docs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(passages)*float64(b.N)/b.Elapsed().Seconds(), "passages/s")
		})
	}
}

// bleveDoc is what the raw baseline indexes for a passage.
type bleveDoc struct {
	Text    string `json:"text"`
	Section string `json:"section"`
	Title   string `json:"title"`
	DocID   string `json:"doc_id"`
	Index   int    `json:"index"`
	Kind    string `json:"kind"`
	URL     string `json:"url"`
}

// bleveBatchIndex creates a default-mapping bleve index at dir and indexes
// every passage of docs in batches of 500.
func bleveBatchIndex(dir string, docs []chokepoint.Document) error {
	idx, err := bleve.New(dir, bleve.NewIndexMapping())
	if err != nil {
		return fmt.Errorf("create bleve index: %w", err)
	}
	batch := idx.NewBatch()
	flush := func() error {
		if err := idx.Batch(batch); err != nil {
			return fmt.Errorf("bleve batch: %w", err)
		}
		batch.Reset()
		return nil
	}
	for _, d := range docs {
		for _, p := range d.Passages {
			err := batch.Index(p.ID(), bleveDoc{Text: p.Text, Section: p.Section, Title: d.Title,
				DocID: d.ID, Index: p.Index, Kind: string(p.Kind), URL: d.URL})
			if err != nil {
				idx.Close()
				return fmt.Errorf("bleve batch index: %w", err)
			}
			if batch.Size() >= 500 {
				if err := flush(); err != nil {
					idx.Close()
					return err
				}
			}
		}
	}
	if batch.Size() > 0 {
		if err := flush(); err != nil {
			idx.Close()
			return err
		}
	}
	if err := idx.Close(); err != nil {
		return fmt.Errorf("close bleve index: %w", err)
	}
	return nil
}

// revise returns docs with document k changed: one passage's text and the
// hash, as an edited article would be.
func revise(docs []chokepoint.Document, k, rev int) []chokepoint.Document {
	out := make([]chokepoint.Document, len(docs))
	copy(out, docs)
	d := docs[k]
	d.Passages = append([]chokepoint.Passage(nil), d.Passages...)
	p := &d.Passages[len(d.Passages)/2]
	p.Text = fmt.Sprintf("%s Updated in revision %d.", p.Text, rev)
	d.Hash = fmt.Sprintf("%s-rev%d", d.Hash, rev)
	out[k] = d
	return out
}

// BenchmarkUpdate measures index.Update with one changed document while
// two goroutines answer questions without pause. It reports the update
// latency (update-p50-ms, update-max-ms), the answers' p99 before any
// update (steady-p99-ms) and while updates ran (during-p99-ms), and their
// ratio. The operation is one update with its concurrent queries.
func BenchmarkUpdate(b *testing.B) {
	for _, s := range []size{size10k, size100k} {
		b.Run("passages="+s.name, func(b *testing.B) {
			f := getFixture(b, s)
			ctx := context.Background()
			x := openIndex(b, f.dir)
			a := chokepoint.NewAnswerer(x, vocab(), chokepoint.Options{})
			const workers = 2
			// run answers questions on workers goroutines until stop is
			// set or each has answered limit questions.
			run := func(stop *atomic.Bool, limit int) []time.Duration {
				var mu sync.Mutex
				var all []time.Duration
				var wg sync.WaitGroup
				for w := range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						var lat []time.Duration
						for i := 0; i < limit && !stop.Load(); i++ {
							t0 := time.Now()
							if _, err := a.Answer(ctx, questions[(i+w*7)%len(questions)]); err != nil {
								b.Errorf("Answer: %v", err)
								return
							}
							lat = append(lat, time.Since(t0))
						}
						mu.Lock()
						all = append(all, lat...)
						mu.Unlock()
					}()
				}
				wg.Wait()
				return all
			}
			var never atomic.Bool
			steady := run(&never, 100)

			var updates, during []time.Duration
			k := len(f.docs) / 2
			rev := 0
			for b.Loop() {
				rev++
				docs := f.docs
				if rev%2 == 1 {
					docs = revise(f.docs, k, rev)
				}
				var stop atomic.Bool
				var lat []time.Duration
				done := make(chan struct{})
				go func() {
					defer close(done)
					lat = run(&stop, 10000)
				}()
				t0 := time.Now()
				st, err := x.Update(ctx, docs, nil)
				updates = append(updates, time.Since(t0))
				stop.Store(true)
				<-done
				during = append(during, lat...)
				if err != nil {
					b.Fatalf("Update: %v", err)
				}
				if st.Changed != 1 || st.Rebuilt {
					b.Fatalf("Update changed %d documents (rebuilt %v), want 1 in place", st.Changed, st.Rebuilt)
				}
			}
			sp99, dp99 := quantile(steady, 0.99), quantile(during, 0.99)
			b.ReportMetric(float64(f.passages), "passages")
			b.ReportMetric(ms(quantile(updates, 0.5)), "update-p50-ms")
			b.ReportMetric(ms(quantile(updates, 1)), "update-max-ms")
			b.ReportMetric(ms(sp99), "steady-p99-ms")
			b.ReportMetric(ms(dp99), "during-p99-ms")
			b.ReportMetric(float64(len(during))/float64(b.N), "queries-during/op")
			b.ReportMetric(float64(dp99)/float64(sp99), "p99-ratio")
		})
	}
}

// BenchmarkLoad measures corpus.Load of the generated corpus written as
// files (half scraped text with sidecars, half Markdown), which the CLI
// does on every start to detect changed articles.
func BenchmarkLoad(b *testing.B) {
	for _, s := range sizes {
		b.Run("passages="+s.name, func(b *testing.B) {
			dir := b.TempDir()
			if err := corpusgen.WriteFiles(dir, s.articles, seed); err != nil {
				b.Fatal(err)
			}
			fsys := os.DirFS(dir)
			var n int
			for b.Loop() {
				res, err := corpus.Load(fsys, corpus.Options{})
				if err != nil {
					b.Fatalf("Load: %v", err)
				}
				if len(res.Skipped) > 0 || len(res.Documents) != s.articles {
					b.Fatalf("Load: %d documents, %d skipped, want %d and none", len(res.Documents), len(res.Skipped), s.articles)
				}
				n = passageCount(res.Documents)
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "passages/s")
		})
	}
}
