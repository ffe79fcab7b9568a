package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchCorpus updates the index whenever files under dir change, once the
// changes have settled for debounce. A file modified less than debounce
// before a reindex is taken as still being written: it is left out (the
// last good version of its document keeps serving) and watch mode looks
// again after another debounce. A file that fails to load is reported and
// its document keeps its last good version; a failed reindex is logged and
// the last good index keeps serving. It returns when ctx ends.
//
// reindexed, when not nil, is called after each reindex watch mode runs.
func watchCorpus(ctx context.Context, dir string, debounce time.Duration, lib *library, log *slog.Logger, reindexed func(error)) error {
	cw, err := newCorpusWatcher(dir)
	if err != nil {
		return err
	}
	defer cw.Close()
	if debounce <= 0 {
		debounce = 2 * time.Second
	}
	log.Info("watching corpus", "dir", dir, "debounce", debounce)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-cw.w.Events:
			if !ok {
				return nil
			}
			if cw.handle(ev) {
				timer.Reset(debounce)
			}
		case err, ok := <-cw.w.Errors:
			if !ok {
				return nil
			}
			log.Warn("watch corpus", "err", err)
		case <-timer.C:
			start := time.Now()
			r, err := lib.reload(ctx, nil, debounce)
			if errors.Is(err, context.Canceled) {
				return nil
			}
			if reindexed != nil {
				reindexed(err)
			}
			if err != nil {
				log.Error("reindex after change", "err", err)
				continue
			}
			if len(r.unsettled) > 0 {
				// Files still being written: look again once they rest.
				timer.Reset(debounce)
				log.Info("corpus files still changing; waiting for them", "files", r.unsettled)
			}
			log.Info("reindexed after change", "added", r.stats.Added, "changed", r.stats.Changed, "removed", r.stats.Removed,
				"passages", r.stats.Passages, "skipped_files", len(r.skipped), "took", time.Since(start))
			for _, s := range r.skipped {
				log.Warn("corpus file skipped", "path", s.Path, "line", s.Line, "err", s.Err)
			}
			if len(r.kept) > 0 {
				log.Warn("serving the last good version of documents whose file does not load", "doc_ids", r.kept)
			}
		}
	}
}

// corpusWatcher keeps an fsnotify watch on every directory of a corpus.
type corpusWatcher struct {
	dir string
	w   *fsnotify.Watcher
}

// newCorpusWatcher watches dir and the directories under it.
func newCorpusWatcher(dir string) (*corpusWatcher, error) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch corpus: %w", err)
	}
	cw := &corpusWatcher{dir: dir, w: w}
	if err := cw.addTree(dir); err != nil {
		w.Close()
		return nil, fmt.Errorf("watch corpus %s: %w", dir, err)
	}
	return cw, nil
}

// Close stops watching.
func (cw *corpusWatcher) Close() error { return cw.w.Close() }

// handle updates the watches after ev and reports whether ev may have
// changed the corpus. A new directory is watched with every directory
// under it (mkdir -p, cp -r and mv of a tree send one event, for the top);
// a removed or renamed path loses its watch and every watch under it.
func (cw *corpusWatcher) handle(ev fsnotify.Event) bool {
	if strings.HasPrefix(filepath.Base(ev.Name), ".") {
		return false // our own temporary files, editors' swap files
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		cw.dropTree(ev.Name)
	}
	if ev.Has(fsnotify.Create) {
		if st, err := os.Stat(ev.Name); err == nil && st.IsDir() {
			// A tree that vanishes while it is walked sends its own
			// Remove events; what was added of it is dropped then.
			_ = cw.addTree(ev.Name)
		}
	}
	return true
}

// addTree watches root and the directories under it, hidden ones left
// out, following symbolic links to directories as the loader does (a link
// back to a directory it is in is not followed again).
func (cw *corpusWatcher) addTree(root string) error {
	return cw.addDir(root, nil)
}

func (cw *corpusWatcher) addDir(p string, ancestors []os.FileInfo) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	for _, a := range ancestors {
		if os.SameFile(a, st) {
			return nil
		}
	}
	if err := cw.w.Add(p); err != nil {
		return err
	}
	ents, err := os.ReadDir(p)
	if err != nil {
		return err
	}
	ancestors = append(ancestors[:len(ancestors):len(ancestors)], st)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		q := filepath.Join(p, e.Name())
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 {
			if t, err := os.Stat(q); err == nil && t.IsDir() {
				isDir = true
			}
		}
		if !isDir {
			continue
		}
		if err := cw.addDir(q, ancestors); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// dropTree removes the watch on p and every watch under it.
func (cw *corpusWatcher) dropTree(p string) {
	prefix := p + string(filepath.Separator)
	for _, wp := range cw.w.WatchList() {
		if wp == p || strings.HasPrefix(wp, prefix) {
			// fsnotify may have dropped it already, on the directory's
			// own delete or move event.
			_ = cw.w.Remove(wp)
		}
	}
}
