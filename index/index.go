package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bolterrors "go.etcd.io/bbolt/errors"

	"chokepoint"
)

var _ chokepoint.Searcher = (*Index)(nil)

// ErrLocked is returned by Open when another Index (in this or another
// process) holds the live generation open.
var ErrLocked = errors.New("index in use by another process")

// Options tune an Index. The zero value is valid.
type Options struct {
	// Scoring is BM25 (the default: it ranked the seed questions at least
	// as well as TFIDF and was insensitive to the heading boost) or TFIDF.
	// An index built with another model is rebuilt by the next Update.
	Scoring string
	// OpenTimeout bounds the wait for the index lock; default 1s.
	OpenTimeout time.Duration
	// BatchSize is the number of passage operations per bleve batch;
	// default 1000.
	BatchSize int
	// Now is the clock used for Stats.Updated; default time.Now.
	Now func() time.Time
}

func (o Options) withDefaults() (Options, error) {
	switch o.Scoring {
	case "":
		o.Scoring = BM25
	case TFIDF, BM25:
	default:
		return o, fmt.Errorf("scoring %q: want %q or %q", o.Scoring, TFIDF, BM25)
	}
	if o.OpenTimeout <= 0 {
		o.OpenTimeout = time.Second
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 1000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

// Index is an on-disk passage index. All methods are safe for concurrent
// use; searches keep working during Update and Rebuild, which are
// serialised with each other.
type Index struct {
	dir  string
	opts Options
	// analyzer and pairAnalyzer are the text and pairs fields' analyzers,
	// for Analyze and Search; every generation analyses the same way.
	analyzer, pairAnalyzer analysis.Analyzer

	build sync.Mutex // serialises Update and Rebuild

	mu   sync.RWMutex // guards the fields below
	live bleve.Index
	gen  string // live generation's directory name
	man  manifest
	byID map[string]int // document ID → position in man.Docs
	// titleTerms[i] are man.Docs[i]'s analysed title, for Nearest; worked
	// out on first use after each manifest change (titleMu guards it).
	titleMu    sync.Mutex
	titleTerms [][]string
	closed     bool
	recovered  string
}

// Stats describes the live index.
type Stats struct {
	Documents, Passages int
	// Updated is when the index content last changed; zero for an index
	// that never held documents.
	Updated        time.Time
	MappingVersion int
	Scoring        string
	// Dir is the live generation's directory.
	Dir string
}

// Open opens the index in dir, creating dir and an empty index if absent.
// An index that will not open (corrupt files, a wrong mapping version) is
// discarded and replaced by an empty one; Recovered then says why. Stale
// generations left by interrupted builds are removed (best effort). Open
// returns an error wrapping ErrLocked when the index is held open elsewhere
// for longer than opts.OpenTimeout.
func Open(ctx context.Context, dir string, opts Options) (*Index, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	m, err := newMapping(opts.Scoring)
	if err != nil {
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open index %q: %w", dir, err)
	}
	x := &Index{
		dir:          dir,
		opts:         opts,
		analyzer:     m.AnalyzerNamed(analyzerName),
		pairAnalyzer: m.AnalyzerNamed(shingleAnalyzerName),
	}

	cur, err := readCurrent(dir)
	if err != nil {
		x.recovered = err.Error()
	} else if cur != "" {
		idx, man, err := x.openGeneration(cur)
		switch {
		case errors.Is(err, ErrLocked):
			return nil, fmt.Errorf("open index %q: %w", dir, err)
		case err != nil:
			x.recovered = fmt.Sprintf("%s: %v", cur, err)
		default:
			x.setLive(idx, cur, man)
		}
	}
	if x.live == nil {
		name, err := nextGeneration(dir)
		if err != nil {
			return nil, fmt.Errorf("open index %q: %w", dir, err)
		}
		idx, man, err := x.buildGeneration(ctx, name, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("open index %q: %w", dir, err)
		}
		if err := writeCurrent(dir, name); err != nil {
			idx.Close()
			return nil, fmt.Errorf("open index %q: %w", dir, err)
		}
		x.setLive(idx, name, man)
	}
	if x.recovered != "" {
		x.recovered = "discarded unreadable index and started empty: " + x.recovered
	}
	_ = removeStale(dir, x.gen) // leftovers cost only disk space
	return x, nil
}

// openGeneration opens generation name and checks it against its manifest.
func (x *Index) openGeneration(name string) (bleve.Index, manifest, error) {
	path := filepath.Join(x.dir, name)
	idx, err := bleve.OpenUsing(filepath.Join(path, bleveDir), map[string]interface{}{
		"bolt_timeout": x.opts.OpenTimeout.String(),
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, manifest{}, fmt.Errorf("%w (waited %v)", ErrLocked, x.opts.OpenTimeout)
	}
	if err != nil {
		return nil, manifest{}, fmt.Errorf("open bleve index: %w", err)
	}
	man, err := readManifest(path)
	if err == nil && man.MappingVersion != MappingVersion {
		err = fmt.Errorf("mapping version %d, want %d", man.MappingVersion, MappingVersion)
	}
	if err == nil && !man.Dirty {
		want := 0
		for _, d := range man.Docs {
			want += d.Passages
		}
		var n uint64
		n, err = idx.DocCount()
		if err == nil && int(n) != want {
			err = fmt.Errorf("index holds %d passages, manifest %d", n, want)
		}
	}
	if err != nil {
		idx.Close()
		return nil, manifest{}, err
	}
	return idx, man, nil
}

// buildGeneration creates generation name holding docs (validated by the
// caller) and writes its manifest. On error nothing of it is left.
func (x *Index) buildGeneration(ctx context.Context, name string, docs []chokepoint.Document, progress func(done, total int)) (bleve.Index, manifest, error) {
	path := filepath.Join(x.dir, name)
	if err := os.RemoveAll(path); err != nil {
		return nil, manifest{}, fmt.Errorf("build %s: %w", name, err)
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, manifest{}, fmt.Errorf("build %s: %w", name, err)
	}
	m, err := newMapping(x.opts.Scoring)
	if err != nil {
		return nil, manifest{}, fmt.Errorf("build %s: %w", name, err)
	}
	idx, err := bleve.NewUsing(filepath.Join(path, bleveDir), m, scorch.Name, bleve.Config.DefaultKVStore, map[string]interface{}{
		"bolt_timeout": x.opts.OpenTimeout.String(),
	})
	if err != nil {
		os.RemoveAll(path)
		return nil, manifest{}, fmt.Errorf("build %s: %w", name, err)
	}
	fail := func(err error) (bleve.Index, manifest, error) {
		idx.Close()
		os.RemoveAll(path)
		return nil, manifest{}, fmt.Errorf("build %s: %w", name, err)
	}
	var ops []op
	for _, d := range docs {
		ops = appendIndexOps(ops, d, 0)
	}
	if err := x.apply(ctx, idx, ops, progress); err != nil {
		return fail(err)
	}
	man := newManifest(x.opts, docs)
	if len(docs) > 0 {
		man.Updated = x.opts.Now().UTC()
	}
	if err := writeManifest(path, man); err != nil {
		return fail(err)
	}
	if err := syncDir(path); err != nil {
		return fail(err)
	}
	return idx, man, nil
}

// newManifest describes docs, sorted by title then ID.
func newManifest(opts Options, docs []chokepoint.Document) manifest {
	man := manifest{MappingVersion: MappingVersion, Scoring: opts.Scoring, Docs: make([]manifestDoc, 0, len(docs))}
	for _, d := range docs {
		n := len(d.Passages)
		d.Passages = nil
		man.Docs = append(man.Docs, manifestDoc{Doc: d, Passages: n})
	}
	sortDocs(man.Docs)
	return man
}

func sortDocs(docs []manifestDoc) {
	slices.SortFunc(docs, func(a, b manifestDoc) int {
		if c := strings.Compare(a.Doc.Title, b.Doc.Title); c != 0 {
			return c
		}
		return strings.Compare(a.Doc.ID, b.Doc.ID)
	})
}

// setLive installs a generation; callers hold x.mu or own x exclusively.
func (x *Index) setLive(idx bleve.Index, gen string, man manifest) {
	x.live, x.gen = idx, gen
	x.setManifest(man)
}

func (x *Index) setManifest(man manifest) {
	x.man = man
	x.byID = make(map[string]int, len(man.Docs))
	for i, d := range man.Docs {
		x.byID[d.Doc.ID] = i
	}
	x.titleMu.Lock()
	x.titleTerms = nil
	x.titleMu.Unlock()
}

// Recovered returns why Open discarded an unreadable index and started
// empty, or "" when it opened (or freshly created) the index normally.
func (x *Index) Recovered() string {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.recovered
}

// Documents returns every document's metadata (Passages nil), sorted by
// title then ID; empty for an empty index. It reads an in-memory copy of
// the manifest and works after Close.
func (x *Index) Documents() []chokepoint.Document {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]chokepoint.Document, len(x.man.Docs))
	for i, d := range x.man.Docs {
		out[i] = cloneDoc(d.Doc)
	}
	return out
}

// Document returns the metadata (Passages nil) of document id, or an error
// wrapping chokepoint.ErrNotFound.
func (x *Index) Document(id string) (chokepoint.Document, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	i, ok := x.byID[id]
	if !ok {
		return chokepoint.Document{}, fmt.Errorf("document %q: %w", id, chokepoint.ErrNotFound)
	}
	return cloneDoc(x.man.Docs[i].Doc), nil
}

// PassageCount returns the number of passages of document id, 0 when the
// document is not in the index.
func (x *Index) PassageCount(id string) int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if i, ok := x.byID[id]; ok {
		return x.man.Docs[i].Passages
	}
	return 0
}

// Stats describes the live index.
func (x *Index) Stats() Stats {
	x.mu.RLock()
	defer x.mu.RUnlock()
	s := Stats{
		Documents:      len(x.man.Docs),
		Updated:        x.man.Updated,
		MappingVersion: x.man.MappingVersion,
		Scoring:        x.man.Scoring,
		Dir:            filepath.Join(x.dir, x.gen),
	}
	for _, d := range x.man.Docs {
		s.Passages += d.Passages
	}
	return s
}

// Close closes the index. It waits for searches in flight; an Update or
// Rebuild running concurrently fails with chokepoint.ErrIndexClosed. Close
// is idempotent; every other method that returns an error returns one
// wrapping chokepoint.ErrIndexClosed afterwards.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return nil
	}
	x.closed = true
	if err := x.live.Close(); err != nil {
		return fmt.Errorf("close index %q: %w", x.dir, err)
	}
	return nil
}

// reader runs f with the live bleve index under the read lock.
func (x *Index) reader(f func(idx bleve.Index) error) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.closed {
		return chokepoint.ErrIndexClosed
	}
	return f(x.live)
}

func cloneDoc(d chokepoint.Document) chokepoint.Document {
	d.Tags = slices.Clone(d.Tags)
	d.Sections = slices.Clone(d.Sections)
	if d.Reviews != nil {
		r := *d.Reviews
		d.Reviews = &r
	}
	d.Passages = nil
	return d
}
