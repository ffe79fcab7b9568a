package index

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"

	"chokepoint"
)

// op is one bleve batch operation: index data under id, or delete id when
// data is nil.
type op struct {
	id   string
	data map[string]interface{}
}

// appendIndexOps appends index operations for d's passages from index from.
func appendIndexOps(ops []op, d chokepoint.Document, from int) []op {
	for _, p := range d.Passages[from:] {
		ops = append(ops, op{id: p.ID(), data: map[string]interface{}{
			fieldText:    p.Text,
			fieldShingle: p.Text,
			// Analysed one by one, so no pair spans heading and title.
			fieldHeadingPairs: []string{p.Section, d.Title},
			fieldSection:      p.Section,
			fieldTitle:        d.Title,
			fieldDocID:        d.ID,
			fieldIndex:        float64(p.Index),
			fieldKind:         string(p.Kind),
			fieldURL:          d.URL,
		}})
	}
	return ops
}

// apply runs ops against idx in batches of Options.BatchSize, checking ctx
// and reporting progress after each batch. idx is a generation being
// built, private to the caller; a panic in bleve becomes an error.
func (x *Index) apply(ctx context.Context, idx bleve.Index, ops []op, progress func(done, total int)) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("index passages: %w: %v", ErrCorrupt, r)
		}
	}()
	total := len(ops)
	if progress != nil {
		progress(0, total)
	}
	for done := 0; done < total; {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(done+x.opts.BatchSize, total)
		b := idx.NewBatch()
		for _, o := range ops[done:end] {
			if o.data == nil {
				b.Delete(o.id)
				continue
			}
			if err := b.Index(o.id, o.data); err != nil {
				return fmt.Errorf("index passage %q: %w", o.id, err)
			}
		}
		if err := idx.Batch(b); err != nil {
			return err
		}
		done = end
		if progress != nil {
			progress(done, total)
		}
	}
	return ctx.Err()
}

// compact runs one pass of bleve's merge policy over a generation being
// built, as its background merger would have: the generation is closed
// right after, and its segments must not pile up over many updates.
func compact(ctx context.Context, idx bleve.Index) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("merge segments: %w: %v", ErrCorrupt, r)
		}
	}()
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	opts := mergeplan.DefaultMergePlanOptions
	if err := s.ForceMerge(ctx, &opts); err != nil {
		return fmt.Errorf("merge segments: %w", err)
	}
	return nil
}

// validate checks that docs can be indexed: unique non-empty IDs and
// passages numbered in order under their document's ID.
func validate(docs []chokepoint.Document) error {
	seen := make(map[string]bool, len(docs))
	for _, d := range docs {
		if d.ID == "" {
			return fmt.Errorf("document %q (%s): empty ID", d.Title, d.Path)
		}
		if seen[d.ID] {
			return fmt.Errorf("document %q: duplicate ID", d.ID)
		}
		seen[d.ID] = true
		for i, p := range d.Passages {
			if p.DocID != d.ID || p.Index != i {
				return fmt.Errorf("document %q: passage %d is %q, want %q", d.ID, i, p.ID(), chokepoint.PassageID(d.ID, i))
			}
		}
	}
	return nil
}

// Rebuild replaces the index with one holding exactly docs. It builds a new
// generation beside the live one, never reading the live one, and then
// atomically switches to it: searches keep using the old generation until
// the switch, and an error, a cancelled ctx or a crash leaves the old one
// live (also for the next Open) and nothing of the new one on disk.
// progress, if not nil, is called with passages indexed so far and the
// total, after each batch. When another process is changing the index,
// Rebuild waits for it (see Options.Waiting).
func (x *Index) Rebuild(ctx context.Context, docs []chokepoint.Document, progress func(done, total int)) (chokepoint.IndexStats, error) {
	x.build.Lock()
	defer x.build.Unlock()
	st, err := x.rebuild(ctx, docs, progress)
	if err != nil {
		return st, fmt.Errorf("rebuild index %q: %w", x.dir, err)
	}
	return st, nil
}

func (x *Index) rebuild(ctx context.Context, docs []chokepoint.Document, progress func(done, total int)) (chokepoint.IndexStats, error) {
	start := time.Now()
	if err := validate(docs); err != nil {
		return chokepoint.IndexStats{}, err
	}
	if err := x.checkOpen(); err != nil {
		return chokepoint.IndexStats{}, err
	}
	l, err := x.lock(ctx)
	if err != nil {
		return chokepoint.IndexStats{}, err
	}
	defer l.unlock()
	return x.rebuildLocked(ctx, docs, progress, start)
}

// rebuildLocked builds a generation holding docs and makes it live; the
// caller holds the directory lock.
func (x *Index) rebuildLocked(ctx context.Context, docs []chokepoint.Document, progress func(done, total int), start time.Time) (chokepoint.IndexStats, error) {
	var ops []op
	for _, d := range docs {
		ops = appendIndexOps(ops, d, 0)
	}
	man := newManifest(x.opts.Scoring, docs)
	if len(docs) > 0 {
		man.Updated = x.opts.Now().UTC()
	}
	if err := x.writeGeneration(ctx, "", nil, ops, man, progress); err != nil {
		return chokepoint.IndexStats{}, err
	}
	st := chokepoint.IndexStats{Added: len(docs), Documents: len(docs), Rebuilt: true}
	for _, d := range docs {
		st.Passages += len(d.Passages)
	}
	st.Took = time.Since(start)
	return st, nil
}

// Update makes the index hold exactly docs, comparing Document.Hash with
// the manifest: it indexes new documents, re-indexes changed ones (an empty
// Hash counts as changed) and deletes removed ones. It does so in a copy
// of the live generation (its segment files hard-linked), which then
// replaces it, so searches go on meanwhile and a failure (a full disk, a
// cancelled ctx, a crash) leaves the live generation untouched. When the
// index has no generation yet, was built with another mapping version or
// scoring model, or was found damaged, it does a full Rebuild instead.
// When another process replaced the live generation meanwhile, Update
// starts from that one. progress, if not nil, is called with operations
// (passages indexed or deleted) done so far and the total, after each
// batch. An Update with nothing to change writes nothing; one that must
// write into a directory it cannot write fails with ErrReadOnly, and the
// Index serves what it has.
func (x *Index) Update(ctx context.Context, docs []chokepoint.Document, progress func(done, total int)) (chokepoint.IndexStats, error) {
	x.build.Lock()
	defer x.build.Unlock()
	st, err := x.update(ctx, docs, progress)
	if err != nil {
		return st, fmt.Errorf("update index %q: %w", x.dir, err)
	}
	return st, nil
}

func (x *Index) update(ctx context.Context, docs []chokepoint.Document, progress func(done, total int)) (chokepoint.IndexStats, error) {
	start := time.Now()
	if err := validate(docs); err != nil {
		return chokepoint.IndexStats{}, err
	}
	if err := x.checkOpen(); err != nil {
		return chokepoint.IndexStats{}, err
	}
	// Another process may have replaced the live generation: start from
	// it. Generations never change once CURRENT names them, so this needs
	// no lock; one that vanishes meanwhile is looked at again below.
	if _, err := x.catchUp(); err != nil {
		return chokepoint.IndexStats{}, err
	}
	// Nothing to change needs no lock, so a read-only directory serves.
	if man, gen := x.snapshot(); !x.mustRebuild(man, gen) {
		if d := diff(man, docs); !d.changes() {
			return x.unchanged(d, start)
		}
	}

	l, err := x.lock(ctx)
	if err != nil {
		return chokepoint.IndexStats{}, err
	}
	defer l.unlock()
	stale, err := x.catchUp()
	if err != nil {
		return chokepoint.IndexStats{}, err
	}
	man, gen := x.snapshot()
	if stale || x.mustRebuild(man, gen) {
		return x.rebuildLocked(ctx, docs, progress, start)
	}
	d := diff(man, docs)
	if !d.changes() {
		return x.unchanged(d, start)
	}
	d.next.Updated = x.opts.Now().UTC()
	// Deletes first: a later batch must never delete a fresh passage.
	if err := x.writeGeneration(ctx, gen, man.Segments, append(d.deletes, d.indexes...), d.next, progress); err != nil {
		return chokepoint.IndexStats{}, err
	}
	st := d.st
	st.Documents = len(d.next.Docs)
	for _, doc := range d.next.Docs {
		st.Passages += doc.Passages
	}
	st.Took = time.Since(start)
	return st, nil
}

// delta is what Update must do to bring a generation to docs.
type delta struct {
	st               chokepoint.IndexStats // Added, Changed, Removed, Unchanged
	deletes, indexes []op
	next             manifest
}

func (d delta) changes() bool { return d.st.Added+d.st.Changed+d.st.Removed > 0 }

// diff compares the manifest man with docs.
func diff(man manifest, docs []chokepoint.Document) delta {
	old := make(map[string]manifestDoc, len(man.Docs))
	for _, d := range man.Docs {
		old[d.Doc.ID] = d
	}
	var out delta
	for _, d := range docs {
		prev, ok := old[d.ID]
		switch {
		case !ok:
			out.st.Added++
			out.indexes = appendIndexOps(out.indexes, d, 0)
		case prev.Doc.Hash == d.Hash && d.Hash != "" && prev.Passages == len(d.Passages):
			out.st.Unchanged++
		default:
			out.st.Changed++
			// Passages past the new end must go; the rest are overwritten.
			for i := len(d.Passages); i < prev.Passages; i++ {
				out.deletes = append(out.deletes, op{id: chokepoint.PassageID(d.ID, i)})
			}
			out.indexes = appendIndexOps(out.indexes, d, 0)
		}
		delete(old, d.ID)
	}
	for id, d := range old {
		out.st.Removed++
		for i := range d.Passages {
			out.deletes = append(out.deletes, op{id: chokepoint.PassageID(id, i)})
		}
	}
	out.next = newManifest(man.Scoring, docs)
	out.next.Updated = man.Updated
	return out
}

// unchanged finishes an Update that had nothing to write.
func (x *Index) unchanged(d delta, start time.Time) (chokepoint.IndexStats, error) {
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		return chokepoint.IndexStats{}, chokepoint.ErrIndexClosed
	}
	x.setManifest(d.next)
	x.mu.Unlock()
	st := d.st
	st.Documents = len(d.next.Docs)
	for _, doc := range d.next.Docs {
		st.Passages += doc.Passages
	}
	st.Took = time.Since(start)
	return st, nil
}

// mustRebuild reports whether Update has to rebuild rather than copy the
// live generation gen described by man.
func (x *Index) mustRebuild(man manifest, gen string) bool {
	return gen == "" || man.MappingVersion != MappingVersion || man.Scoring != x.opts.Scoring || man.Dirty || x.damage() != ""
}

// snapshot returns the live generation's manifest and name.
func (x *Index) snapshot() (manifest, string) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.man, x.gen
}

func (x *Index) checkOpen() error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if x.closed {
		return chokepoint.ErrIndexClosed
	}
	return nil
}

// lock takes the index directory's lock for a build.
func (x *Index) lock(ctx context.Context) (*dirLock, error) {
	if err := os.MkdirAll(x.dir, 0o755); err != nil {
		return nil, writeError(err)
	}
	l, err := lockDir(ctx, x.dir, x.opts.Waiting)
	return l, writeError(err)
}

// catchUp makes live the generation CURRENT names, when another process
// replaced ours. stale is true when CURRENT cannot be read or names a
// generation that will not open: then, if the caller holds the directory
// lock, only a rebuild helps.
func (x *Index) catchUp() (stale bool, err error) {
	cur, err := readCurrent(x.dir)
	if err != nil {
		return true, nil
	}
	_, gen := x.snapshot()
	switch {
	case cur == gen:
		return false, nil
	case cur == "":
		return true, nil
	}
	idx, man, err := x.openGeneration(cur)
	if err != nil {
		return true, nil
	}
	return false, x.install(idx, cur, man)
}

// install makes the opened generation name live and closes the old one.
func (x *Index) install(idx bleve.Index, name string, man manifest) error {
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		closeBleve(idx)
		return chokepoint.ErrIndexClosed
	}
	old := x.live
	x.setLive(idx, name, man)
	x.mu.Unlock()
	// No search holds old any more: they all ran under the read lock.
	closeBleve(old)
	return nil
}

// writeGeneration writes a new generation holding man's documents: a copy
// of generation base with ops applied, or (base "") a fresh index of ops.
// known are base's verified segments, which the copy links. It then
// switches CURRENT to the new generation and makes it live. The caller
// holds the directory lock. On error nothing of the new generation is left
// and the live one is untouched.
func (x *Index) writeGeneration(ctx context.Context, base string, known map[string]segmentStamp, ops []op, man manifest, progress func(done, total int)) error {
	_, gen := x.snapshot()
	cur, _ := readCurrent(x.dir)
	// Free what failed builds left before taking more space.
	_ = removeStale(x.dir, gen, base, cur)
	name, err := nextGeneration(x.dir)
	if err != nil {
		return err
	}
	path := filepath.Join(x.dir, name)
	fail := func(err error) error {
		os.RemoveAll(path)
		return fmt.Errorf("build %s: %w", name, writeError(err))
	}
	if err := os.Mkdir(path, 0o755); err != nil {
		return fail(err)
	}
	idx, err := x.createBleve(filepath.Join(path, bleveDir), base)
	if err != nil {
		return fail(err)
	}
	err = x.apply(ctx, idx, ops, progress)
	if err == nil && base != "" {
		err = compact(ctx, idx)
	}
	// Closed before anyone reads it: generations are read read-only.
	if cerr := closeBleve(idx); err == nil {
		err = cerr
	}
	if err == nil {
		// Checksum the segments now, so Open need only stat them.
		man.Segments, err = verifySegments(filepath.Join(path, bleveDir), known)
	}
	if err == nil {
		err = writeManifest(path, man) // syncs path too
	}
	if err != nil {
		return fail(err)
	}
	live, err := x.openWithManifest(name, man)
	if err != nil {
		return fail(err)
	}
	if err := writeCurrent(x.dir, name); err != nil {
		closeBleve(live)
		return fail(err)
	}
	if err := x.install(live, name, man); err != nil {
		// CURRENT already names the new generation; the next Open uses it.
		return err
	}
	_ = removeStale(x.dir, name) // leftovers cost only disk space; Open retries
	return nil
}

// createBleve creates the bleve index of a new generation at path: empty,
// or a copy of generation base's, opened for writing.
func (x *Index) createBleve(path, base string) (bleve.Index, error) {
	if base != "" {
		if err := cloneBleve(filepath.Join(x.dir, base, bleveDir), path); err != nil {
			return nil, fmt.Errorf("copy %s: %w", base, err)
		}
		return openBleve(path, false, x.opts.OpenTimeout)
	}
	m, err := newMapping(x.opts.Scoring)
	if err != nil {
		return nil, err
	}
	return bleve.NewUsing(path, m, scorch.Name, bleve.Config.DefaultKVStore, map[string]interface{}{
		"bolt_timeout": x.opts.OpenTimeout.String(),
	})
}
