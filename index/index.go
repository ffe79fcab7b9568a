package index

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	bolterrors "go.etcd.io/bbolt/errors"

	"chokepoint"
)

var _ chokepoint.Searcher = (*Index)(nil)

var (
	// ErrLocked is returned by Open when a generation stays locked for
	// writing longer than Options.OpenTimeout: only versions of Chokepoint
	// that updated generations in place held that lock.
	ErrLocked = errors.New("index in use by another process")
	// ErrCorrupt is wrapped by the errors of searches that found the live
	// generation damaged (bleve panicked reading it) and could not rebuild
	// it; Recovered and the Open path say the same of a generation that
	// would not open.
	ErrCorrupt = errors.New("index damaged")
	// ErrReadOnly is wrapped by the errors of Update and Rebuild when they
	// have something to write and the index directory cannot be written;
	// the Index then keeps serving what it has.
	ErrReadOnly = errors.New("index directory not writable")
)

// Options tune an Index. The zero value is valid.
type Options struct {
	// Scoring is BM25 (the default: it ranked the seed questions at least
	// as well as TFIDF and was insensitive to the heading boost) or TFIDF.
	// An index built with another model is rebuilt by the next Update.
	Scoring string
	// OpenTimeout bounds the wait for a generation's file lock; default
	// 1s. Generations are opened read-only and never written once live, so
	// only an older Chokepoint updating one in place makes Open wait.
	OpenTimeout time.Duration
	// BatchSize is the number of passage operations per bleve batch;
	// default 1000.
	BatchSize int
	// Now is the clock used for Stats.Updated; default time.Now.
	Now func() time.Time
	// IgnoreLive makes Open leave the live generation unread: the Index
	// starts empty, for a Rebuild that must not depend on a damaged index.
	// Other processes keep using the live generation until the Rebuild
	// replaces it.
	IgnoreLive bool
	// Waiting, if not nil, is called once each time Update or Rebuild has
	// to wait for another process (or another Index) that is changing the
	// index directory; holder describes it ("process 1234").
	Waiting func(holder string)
	// Source, if not nil, returns the documents the index should hold.
	// When a search finds the live generation damaged, the Index rebuilds
	// itself from Source and searches again; without Source such searches
	// fail with ErrCorrupt until the next Update or Rebuild.
	Source func(ctx context.Context) ([]chokepoint.Document, error)
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
// serialised with each other, within the process by a mutex and across
// processes by a lock file in the index directory.
//
// Generations are copy-on-write: Update and Rebuild write a new generation
// beside the live one and switch CURRENT to it, so the live generation is
// never written. Any number of processes can therefore read the index
// while one of them updates it, and a failed write (a full disk) leaves
// the live generation as it was.
type Index struct {
	dir  string
	opts Options
	// analyzer and pairAnalyzer are the text and pairs fields' analyzers,
	// for Analyze and Search; every generation analyses the same way.
	analyzer, pairAnalyzer analysis.Analyzer

	build sync.Mutex // serialises Update, Rebuild and repairs in this process

	mu sync.RWMutex // guards the fields below
	// live is the live generation, opened read-only, or an empty
	// in-memory index while no generation is live; never nil.
	live bleve.Index
	gen  string // live generation's directory name; "" for none
	man  manifest
	byID map[string]int // document ID → position in man.Docs
	// titleTerms[i] are man.Docs[i]'s analysed title, for Nearest; worked
	// out on first use after each manifest change (titleMu guards it).
	titleMu    sync.Mutex
	titleTerms [][]string
	closed     bool
	recovered  string

	// damaged says why a search found the live generation damaged; ""
	// while it is sound. Set by readers holding mu's read lock, hence its
	// own mutex.
	damagedMu sync.Mutex
	damaged   string
}

// Stats describes the live index.
type Stats struct {
	Documents, Passages int
	// Updated is when the index content last changed; zero for an index
	// that never held documents.
	Updated        time.Time
	MappingVersion int
	Scoring        string
	// Dir is the live generation's directory; "" until one is built.
	Dir string
}

// maxOpenAttempts bounds how often Open follows CURRENT to a newer
// generation when the one it named vanished (replaced by another
// process's build) while Open read it.
const maxOpenAttempts = 10

// Open opens the index in dir for searching. It reads the generation
// CURRENT names, read-only, so any number of processes may open the index
// while another updates it, and a read-only directory serves as long as it
// needs no update. The only writes Open makes are removing what interrupted
// builds left behind, when there is any and no other process is changing
// the directory (best effort). A directory without an index (or without dir
// itself) opens as an empty index, which the first Update builds. An index
// that will not open (damaged files, a wrong mapping version) is left alone
// and the Index starts empty; Recovered then says why, and the next Update
// rebuilds it. Open returns an error wrapping ErrLocked when a generation
// stays locked longer than opts.OpenTimeout.
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
	x := &Index{
		dir:          dir,
		opts:         opts,
		analyzer:     m.AnalyzerNamed(analyzerName),
		pairAnalyzer: m.AnalyzerNamed(shingleAnalyzerName),
	}
	if !opts.IgnoreLive {
		if err := x.openLive(ctx); err != nil {
			return nil, fmt.Errorf("open index %q: %w", dir, err)
		}
	}
	if x.live == nil {
		empty, err := bleve.NewMemOnly(m)
		if err != nil {
			return nil, fmt.Errorf("open index %q: %w", dir, err)
		}
		x.setLive(empty, "", manifest{MappingVersion: MappingVersion, Scoring: opts.Scoring})
	}
	if x.recovered != "" {
		x.recovered = "discarded unreadable index and started empty: " + x.recovered
	}
	x.tidy()
	return x, nil
}

// openLive makes the generation CURRENT names live. A CURRENT that cannot
// be read, or names a generation that will not open, leaves x without a
// live generation and says why in x.recovered.
func (x *Index) openLive(ctx context.Context) error {
	for attempt := 1; ; attempt++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		cur, err := readCurrent(x.dir)
		if err != nil {
			x.recovered = err.Error()
			return nil
		}
		if cur == "" {
			return nil
		}
		idx, man, err := x.openGeneration(cur)
		switch {
		case err == nil:
			x.setLive(idx, cur, man)
			return nil
		case errors.Is(err, ErrLocked):
			return err
		}
		// Another process may have switched CURRENT and removed cur while
		// it was being read: follow CURRENT.
		if now, rerr := readCurrent(x.dir); rerr == nil && now != cur && attempt < maxOpenAttempts {
			continue
		}
		x.recovered = fmt.Sprintf("%s: %v", cur, err)
		return nil
	}
}

// tidy removes what interrupted builds left behind, if anything, unless
// another process holds the directory; an Open that finds nothing to
// remove writes nothing.
func (x *Index) tidy() {
	if !hasStale(x.dir, x.gen) {
		return
	}
	// What looks stale may be another process's build in progress: it
	// holds the lock, and then there is nothing to do.
	l, err := tryLockDir(x.dir)
	if err != nil || l == nil {
		return
	}
	defer l.unlock()
	// Under the lock, CURRENT is what it is; keep it even if it is not
	// ours (it could be newer than the generation this Open read).
	cur, _ := readCurrent(x.dir)
	_ = removeStale(x.dir, x.gen, cur) // leftovers cost only disk space
}

// openGeneration opens generation name read-only and checks it against
// its manifest.
func (x *Index) openGeneration(name string) (bleve.Index, manifest, error) {
	man, err := readManifest(filepath.Join(x.dir, name))
	if err != nil {
		return nil, manifest{}, err
	}
	idx, err := x.openWithManifest(name, man)
	return idx, man, err
}

// openWithManifest opens generation name read-only and checks it against
// man, its manifest.
func (x *Index) openWithManifest(name string, man manifest) (bleve.Index, error) {
	path := filepath.Join(x.dir, name)
	if man.MappingVersion != MappingVersion {
		return nil, fmt.Errorf("mapping version %d, want %d", man.MappingVersion, MappingVersion)
	}
	if _, err := verifySegments(filepath.Join(path, bleveDir), man.Segments); err != nil {
		return nil, err
	}
	idx, err := openBleve(filepath.Join(path, bleveDir), true, x.opts.OpenTimeout)
	if err != nil {
		return nil, err
	}
	if !man.Dirty {
		want := 0
		for _, d := range man.Docs {
			want += d.Passages
		}
		n, err := docCount(idx)
		if err == nil && int(n) != want {
			err = fmt.Errorf("index holds %d passages, manifest %d", n, want)
		}
		if err != nil {
			closeBleve(idx)
			return nil, err
		}
	}
	return idx, nil
}

// openBleve opens the bleve index at path, read-only or for writing. A
// panic in bleve (a damaged segment makes zapx index out of range) becomes
// an error wrapping ErrCorrupt.
func openBleve(path string, readOnly bool, timeout time.Duration) (idx bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			idx, err = nil, fmt.Errorf("open bleve index: %w: %v", ErrCorrupt, r)
		}
	}()
	cfg := map[string]interface{}{"bolt_timeout": timeout.String()}
	if readOnly {
		cfg["read_only"] = true
	}
	idx, err = bleve.OpenUsing(path, cfg)
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("%w (waited %v)", ErrLocked, timeout)
	}
	if err != nil {
		return nil, fmt.Errorf("open bleve index: %w", err)
	}
	return idx, nil
}

// docCount is idx.DocCount with bleve's panics turned into ErrCorrupt.
func docCount(idx bleve.Index) (n uint64, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("count passages: %w: %v", ErrCorrupt, r)
		}
	}()
	return idx.DocCount()
}

// closeBleve closes idx; a damaged index may panic doing so, and nothing
// is left to save in it then.
func closeBleve(idx bleve.Index) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("close bleve index: %w: %v", ErrCorrupt, r)
		}
	}()
	return idx.Close()
}

// newManifest describes docs indexed with scoring, sorted by title then ID.
func newManifest(scoring string, docs []chokepoint.Document) manifest {
	man := manifest{MappingVersion: MappingVersion, Scoring: scoring, Docs: make([]manifestDoc, 0, len(docs))}
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
	x.damagedMu.Lock()
	x.damaged = ""
	x.damagedMu.Unlock()
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
	}
	if x.gen != "" {
		s.Dir = filepath.Join(x.dir, x.gen)
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
	if err := closeBleve(x.live); err != nil {
		return fmt.Errorf("close index %q: %w", x.dir, err)
	}
	return nil
}

// reader runs f with the live bleve index under the read lock. A panic in
// bleve while f runs means the live generation is damaged: it is marked
// so, and f fails with ErrCorrupt. With Options.Source set, the index is
// then rebuilt from it and f runs once more, on the new generation.
func (x *Index) reader(ctx context.Context, f func(idx bleve.Index) error) error {
	err := x.read(f)
	if !errors.Is(err, ErrCorrupt) || x.opts.Source == nil {
		return err
	}
	if rerr := x.repair(ctx); rerr != nil {
		return fmt.Errorf("%w; rebuilding it failed: %w", err, rerr)
	}
	return x.read(f)
}

func (x *Index) read(f func(idx bleve.Index) error) (err error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.closed {
		return chokepoint.ErrIndexClosed
	}
	if why := x.damage(); why != "" {
		return fmt.Errorf("%w: %s", ErrCorrupt, why)
	}
	defer func() {
		if r := recover(); r != nil {
			why := fmt.Sprintf("%s: %v", x.gen, r)
			x.damagedMu.Lock()
			x.damaged = why
			x.damagedMu.Unlock()
			err = fmt.Errorf("%w: %s", ErrCorrupt, why)
		}
	}()
	return f(x.live)
}

// damage says why the live generation was found damaged, "" if it was not.
func (x *Index) damage() string {
	x.damagedMu.Lock()
	defer x.damagedMu.Unlock()
	return x.damaged
}

// repair rebuilds a damaged live generation from Options.Source; it does
// nothing when another call repaired it first.
func (x *Index) repair(ctx context.Context) error {
	x.build.Lock()
	defer x.build.Unlock()
	if x.damage() == "" {
		return nil
	}
	docs, err := x.opts.Source(ctx)
	if err != nil {
		return fmt.Errorf("load documents: %w", err)
	}
	_, err = x.rebuild(ctx, docs, nil)
	return err
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
