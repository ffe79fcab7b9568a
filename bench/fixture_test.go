package bench

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"chokepoint"
	"chokepoint/corpus"
	"chokepoint/corpus/corpusgen"
	"chokepoint/index"
)

// seed of every generated corpus, so runs compare like with like.
const seed = 20250319

// size is one corpus scale; articles average ten passages each.
type size struct {
	name     string
	articles int
}

var (
	size1k   = size{"1k", 100}
	size10k  = size{"10k", 1000}
	size100k = size{"100k", 10000}
	sizes    = []size{size1k, size10k, size100k}
)

// questions are the fixed question set: realistic questions over the
// generated corpus, two of them off-topic (which must abstain).
var questions = []string{
	"Why can't the U.S. refine its own rare earths?",
	"What export controls has China placed on gallium?",
	"Who dominates graphite processing for battery anodes?",
	"How do tariffs on Chinese lithium affect electric vehicles?",
	"Are permanent magnet plants being built outside China?",
	"What did the Pentagon fund for magnet production?",
	"How long does it take to permit a new refinery?",
	"Could Australia replace China in rare earth separation?",
	"Why is cobalt refining concentrated in China?",
	"What is the midstream gap in critical minerals?",
	"Do sanctions on Russia block investment in mining?",
	"How much of the world's NdFeB magnets does China make?",
	"Is a critical minerals stockpile enough?",
	"Why do dysprosium and terbium matter for magnets?",
	"Can Greenland's deposits break China's grip?",
	"What happened to germanium prices after the export ban?",
	"Does Kazakhstan have a processing plant for tungsten?",
	"Who finances sanctioned Russian metals projects?",
	"How do I bake sourdough bread?",
	"Who won the football world cup?",
}

// root is the per-process temporary directory holding built indexes.
var root string

func TestMain(m *testing.M) {
	var err error
	root, err = os.MkdirTemp("", "chokepoint-bench-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(root)
	os.Exit(code)
}

// fixture is a generated corpus and an index of it built once per process.
type fixture struct {
	docs     []chokepoint.Document
	passages int
	dir      string // index directory, closed between benchmarks
	build    time.Duration
}

var fixtures = struct {
	sync.Mutex
	m map[string]*fixture
}{m: map[string]*fixture{}}

// docsOf returns the documents of size s and their passage count.
func docsOf(s size) ([]chokepoint.Document, int) {
	docs := corpusgen.Documents(s.articles, seed)
	return docs, passageCount(docs)
}

// passageCount returns the number of passages in docs.
func passageCount(docs []chokepoint.Document) int {
	n := 0
	for _, d := range docs {
		n += len(d.Passages)
	}
	return n
}

// getFixture returns the fixture of size s, building its index on first use.
func getFixture(tb testing.TB, s size) *fixture {
	tb.Helper()
	fixtures.Lock()
	defer fixtures.Unlock()
	if f, ok := fixtures.m[s.name]; ok {
		return f
	}
	f := &fixture{dir: filepath.Join(root, "index-"+s.name)}
	f.docs, f.passages = docsOf(s)
	x, err := index.Open(context.Background(), f.dir, index.Options{})
	if err != nil {
		tb.Fatalf("open index: %v", err)
	}
	st, err := x.Rebuild(context.Background(), f.docs, nil)
	if cerr := x.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatalf("build %s index: %v", s.name, err)
	}
	f.build = st.Took
	fixtures.m[s.name] = f
	return f
}

// openIndex opens the index in dir; it is closed when tb ends.
func openIndex(tb testing.TB, dir string) *index.Index {
	tb.Helper()
	x, err := index.Open(context.Background(), dir, index.Options{})
	if err != nil {
		tb.Fatalf("open index: %v", err)
	}
	tb.Cleanup(func() { x.Close() })
	return x
}

var vocab = sync.OnceValue(func() chokepoint.Vocabulary {
	res, err := corpus.Load(corpus.Default(), corpus.Options{})
	if err != nil {
		panic(fmt.Sprintf("load embedded corpus: %v", err))
	}
	return res.Vocabulary
})

// quantile returns the q-quantile (0 < q <= 1) of ds by the nearest-rank
// method, 0 for no samples. It sorts ds.
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	k := int(math.Ceil(q*float64(len(ds)))) - 1
	return ds[max(0, min(k, len(ds)-1))]
}

// ms turns a duration into fractional milliseconds for ReportMetric.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// procStatus returns the kB values of the named fields of
// /proc/self/status (VmRSS, VmHWM).
func procStatus(fields ...string) (map[string]float64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return nil, fmt.Errorf("read process status: %w", err)
	}
	defer f.Close()
	out := map[string]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || !slices.Contains(fields, k) {
			continue
		}
		n, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		if err != nil {
			return nil, fmt.Errorf("parse %s %q: %w", k, v, err)
		}
		out[k] = n
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read process status: %w", err)
	}
	for _, k := range fields {
		if _, ok := out[k]; !ok {
			return nil, fmt.Errorf("process status has no %s", k)
		}
	}
	return out, nil
}

// resetPeak resets the kernel's peak RSS (VmHWM) of this process.
func resetPeak() error {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0o644)
}
