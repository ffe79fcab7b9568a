package index

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"

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
// and reporting progress after each batch. idx must be private to the
// caller (a generation being built).
func (x *Index) apply(ctx context.Context, idx bleve.Index, ops []op, progress func(done, total int)) error {
	return x.applyWith(ctx, func(f func(bleve.Index) error) error { return f(idx) }, ops, progress)
}

// applyWith is apply for a shared index: with runs each batch, e.g.
// x.reader, which holds the read lock and fails once the index is closed.
func (x *Index) applyWith(ctx context.Context, with func(func(bleve.Index) error) error, ops []op, progress func(done, total int)) error {
	total := len(ops)
	if progress != nil {
		progress(0, total)
	}
	for done := 0; done < total; {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(done+x.opts.BatchSize, total)
		err := with(func(idx bleve.Index) error {
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
			return idx.Batch(b)
		})
		if err != nil {
			return err
		}
		done = end
		if progress != nil {
			progress(done, total)
		}
	}
	return ctx.Err()
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
// generation beside the live one and then atomically switches to it:
// searches keep using the old generation until the switch, and an error,
// a cancelled ctx or a crash leaves the old one live (also for the next
// Open). progress, if not nil, is called with passages indexed so far and
// the total, after each batch.
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
	if err := x.reader(func(bleve.Index) error { return nil }); err != nil {
		return chokepoint.IndexStats{}, err
	}
	name, err := nextGeneration(x.dir)
	if err != nil {
		return chokepoint.IndexStats{}, err
	}
	idx, man, err := x.buildGeneration(ctx, name, docs, progress)
	if err != nil {
		return chokepoint.IndexStats{}, err
	}
	if err := writeCurrent(x.dir, name); err != nil {
		idx.Close()
		return chokepoint.IndexStats{}, err
	}
	x.mu.Lock()
	if x.closed {
		// CURRENT already names the new generation; the next Open uses it.
		x.mu.Unlock()
		idx.Close()
		return chokepoint.IndexStats{}, chokepoint.ErrIndexClosed
	}
	old := x.live
	x.setLive(idx, name, man)
	x.mu.Unlock()
	// No search holds old any more: they all ran under the read lock.
	old.Close()
	_ = removeStale(x.dir, name) // leftovers cost only disk space; Open retries

	st := chokepoint.IndexStats{Added: len(docs), Documents: len(docs), Rebuilt: true}
	for _, d := range docs {
		st.Passages += len(d.Passages)
	}
	st.Took = time.Since(start)
	return st, nil
}

// Update makes the index hold exactly docs, comparing Document.Hash with
// the manifest: it indexes new documents, re-indexes changed ones (an empty
// Hash counts as changed) and deletes removed ones, in place, while
// searches go on. When the index is empty, was built with another mapping
// version or scoring model, or an earlier Update was interrupted, it does a
// full Rebuild instead. progress, if not nil, is called with operations
// (passages indexed or deleted) done so far and the total, after each batch.
// An interrupted Update leaves the index searchable, and the next Update
// rebuilds it.
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
	x.mu.RLock()
	closed, man, gen := x.closed, x.man, x.gen
	x.mu.RUnlock()
	if closed {
		return chokepoint.IndexStats{}, chokepoint.ErrIndexClosed
	}
	if man.MappingVersion != MappingVersion || man.Scoring != x.opts.Scoring || man.Dirty || len(man.Docs) == 0 {
		return x.rebuild(ctx, docs, progress)
	}

	old := make(map[string]manifestDoc, len(man.Docs))
	for _, d := range man.Docs {
		old[d.Doc.ID] = d
	}
	var st chokepoint.IndexStats
	var deletes, indexes []op
	for _, d := range docs {
		prev, ok := old[d.ID]
		switch {
		case !ok:
			st.Added++
			indexes = appendIndexOps(indexes, d, 0)
		case prev.Doc.Hash == d.Hash && d.Hash != "" && prev.Passages == len(d.Passages):
			st.Unchanged++
		default:
			st.Changed++
			// Passages past the new end must go; the rest are overwritten.
			for i := len(d.Passages); i < prev.Passages; i++ {
				deletes = append(deletes, op{id: chokepoint.PassageID(d.ID, i)})
			}
			indexes = appendIndexOps(indexes, d, 0)
		}
		delete(old, d.ID)
	}
	for id, d := range old {
		st.Removed++
		for i := range d.Passages {
			deletes = append(deletes, op{id: chokepoint.PassageID(id, i)})
		}
	}
	next := newManifest(x.opts, docs)
	next.Updated = man.Updated
	if st.Added+st.Changed+st.Removed > 0 {
		path := filepath.Join(x.dir, gen)
		if err := markDirty(path); err != nil {
			return st, err
		}
		x.mu.Lock()
		x.man.Dirty = true
		x.mu.Unlock()
		// Deletes first: a later batch must never delete a fresh passage.
		if err := x.applyWith(ctx, x.reader, append(deletes, indexes...), progress); err != nil {
			return st, err
		}
		next.Updated = x.opts.Now().UTC()
		if err := writeManifest(path, next); err != nil {
			return st, err
		}
		if err := markClean(path); err != nil {
			return st, err
		}
	}
	x.mu.Lock()
	if x.closed {
		x.mu.Unlock()
		return st, chokepoint.ErrIndexClosed
	}
	x.setManifest(next)
	x.mu.Unlock()

	st.Documents = len(next.Docs)
	for _, d := range next.Docs {
		st.Passages += d.Passages
	}
	st.Took = time.Since(start)
	return st, nil
}
