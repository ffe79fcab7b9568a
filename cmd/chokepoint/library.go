package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"chokepoint"
	"chokepoint/bot"
	"chokepoint/corpus"
	"chokepoint/fetch"
	"chokepoint/index"
	"chokepoint/metrics"
)

// errReadOnlyCorpus is returned by Add and Remove on the embedded corpus.
var errReadOnlyCorpus = errors.New("the embedded corpus is read-only; start chokepoint with --corpus DIR to manage articles")

// library ties the corpus directory to the index for the bot: answers,
// lookups and admin changes. Changes are serialised; answers keep flowing
// during them, and a failed reindex leaves the last good index serving.
type library struct {
	cfg     Config
	fsys    fs.FS
	dir     string // writable corpus directory; "" for the embedded corpus
	idx     *index.Index
	metrics *metrics.Metrics

	answerer atomic.Pointer[chokepoint.Answerer] // replaced when the vocabulary changes

	mu      sync.Mutex // serialises Reindex, Add and Remove
	stateMu sync.Mutex
	skipped []*chokepoint.FileError
	last    time.Time
	now     func() time.Time // the clock watch mode's settle time is measured with; nil is time.Now
}

var (
	_ bot.Answerer = (*library)(nil)
	_ bot.Library  = (*library)(nil)
	_ bot.Corpus   = (*library)(nil)
)

// newLibrary wraps an open engine.
func newLibrary(e *engine, m *metrics.Metrics) *library {
	l := &library{cfg: e.cfg, fsys: e.fsys, dir: e.cfg.Corpus, idx: e.idx, metrics: m, skipped: e.loaded.Skipped, last: time.Now()}
	l.answerer.Store(e.answerer)
	st := e.idx.Stats()
	m.CorpusSize(st.Documents, st.Passages)
	return l
}

// Answer answers with the current answerer.
func (l *library) Answer(ctx context.Context, q string) (chokepoint.Answer, error) {
	return l.answerer.Load().Answer(ctx, q)
}

// Search searches with the current answerer's vocabulary.
func (l *library) Search(ctx context.Context, q string, n int) ([]chokepoint.Hit, error) {
	return l.answerer.Load().Search(ctx, q, n)
}

// Passage returns one passage from the index.
func (l *library) Passage(ctx context.Context, id string) (chokepoint.Hit, error) {
	return l.idx.Passage(ctx, id)
}

// Documents returns every document's metadata.
func (l *library) Documents() []chokepoint.Document { return l.idx.Documents() }

// Document returns one document's metadata.
func (l *library) Document(id string) (chokepoint.Document, error) { return l.idx.Document(id) }

// Status describes the corpus and index now.
func (l *library) Status() bot.Status {
	st := l.idx.Stats()
	l.stateMu.Lock()
	defer l.stateMu.Unlock()
	return bot.Status{Documents: st.Documents, Passages: st.Passages, LastReindex: l.last, Skipped: l.skipped}
}

// Reindex reloads the corpus and updates the index with what changed. A
// document whose file no longer loads keeps its last good version, and the
// file is reported in the skipped list saying so.
func (l *library) Reindex(ctx context.Context, progress func(done, total int)) (chokepoint.IndexStats, []*chokepoint.FileError, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, err := l.reloadLocked(ctx, progress, 0)
	return r.stats, r.skipped, err
}

// reloaded is what a reload did.
type reloaded struct {
	stats   chokepoint.IndexStats
	skipped []*chokepoint.FileError
	// kept are the IDs of documents served from their last good version
	// because their file fails to load.
	kept []string
	// unsettled are the files still being written, not loaded yet (their
	// documents, if indexed, keep their last version).
	unsettled []string
}

// reload is Reindex for watch mode: files modified less than settle ago
// are taken as still being written, left as they were in the index (or
// out of it, when new) and listed in unsettled, to be loaded later.
func (l *library) reload(ctx context.Context, progress func(done, total int), settle time.Duration) (reloaded, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.reloadLocked(ctx, progress, settle)
}

func (l *library) reindexLocked(ctx context.Context, progress func(done, total int)) (chokepoint.IndexStats, []*chokepoint.FileError, error) {
	r, err := l.reloadLocked(ctx, progress, 0)
	return r.stats, r.skipped, err
}

func (l *library) reloadLocked(ctx context.Context, progress func(done, total int), settle time.Duration) (reloaded, error) {
	start := time.Now()
	now := l.now
	if now == nil {
		now = time.Now
	}
	loaded, err := corpus.Load(l.fsys, corpus.Options{MaxFileSize: l.cfg.MaxFileSize, Settle: settle, Now: now})
	if err != nil {
		l.metrics.Reindexed(time.Since(start), err)
		return reloaded{}, err
	}
	r := reloaded{unsettled: loaded.Unsettled}
	docs, kept, err := l.keepLastGood(ctx, loaded)
	if err != nil {
		l.metrics.Reindexed(time.Since(start), err)
		return reloaded{}, err
	}
	r.kept = kept
	r.skipped = loaded.Skipped
	stats, err := l.idx.Update(ctx, docs, progress)
	l.metrics.Reindexed(time.Since(start), err)
	if err != nil {
		return r, err
	}
	r.stats = stats
	l.answerer.Store(chokepoint.NewAnswerer(l.idx, loaded.Vocabulary, l.cfg.answererOptions()))
	l.metrics.CorpusSize(stats.Documents, stats.Passages)
	l.stateMu.Lock()
	l.skipped, l.last = loaded.Skipped, time.Now()
	l.stateMu.Unlock()
	return r, nil
}

// keepLastGood returns the loaded documents plus, for each document of the
// index whose file (or sidecar) now fails to load or is still being
// written, its version from the index; the skipped entries of those files
// say so (loaded.Skipped is rewritten in place).
func (l *library) keepLastGood(ctx context.Context, loaded corpus.Result) ([]chokepoint.Document, []string, error) {
	have := make(map[string]bool, len(loaded.Documents))
	for _, d := range loaded.Documents {
		have[d.ID] = true
	}
	// keep returns whether the file at p was the indexed version of a
	// document that did not load now, and adds that version.
	docs := loaded.Documents
	var kept []string
	keep := func(p string) (bool, error) {
		id := strings.TrimSuffix(p, path.Ext(p))
		if have[id] {
			return false, nil
		}
		old, err := l.idx.Document(id)
		if err != nil || !(old.Path == p || (strings.EqualFold(path.Ext(old.Path), ".txt") && isSidecar(p))) {
			return false, nil
		}
		n := l.idx.PassageCount(id)
		old.Passages = make([]chokepoint.Passage, 0, n)
		for i := range n {
			h, err := l.idx.Passage(ctx, chokepoint.PassageID(id, i))
			if err != nil {
				return false, fmt.Errorf("keep the last good version of %s: %w", p, err)
			}
			old.Passages = append(old.Passages, h.Passage)
		}
		docs = append(docs, old)
		have[id] = true
		return true, nil
	}
	for i, s := range loaded.Skipped {
		ok, err := keep(s.Path)
		if err != nil {
			return nil, nil, err
		}
		if ok {
			kept = append(kept, strings.TrimSuffix(s.Path, path.Ext(s.Path)))
			loaded.Skipped[i] = &chokepoint.FileError{Path: s.Path, Line: s.Line,
				Err: fmt.Errorf("%w (still serving its last good version)", s.Err)}
		}
	}
	for _, p := range loaded.Unsettled {
		if _, err := keep(p); err != nil {
			return nil, nil, err
		}
	}
	return docs, kept, nil
}

// isSidecar reports whether p names a .txt article's metadata file.
func isSidecar(p string) bool {
	ext := strings.ToLower(path.Ext(p))
	return ext == ".yaml" || ext == ".yml"
}

// Add validates an article, writes it into the corpus directory and
// indexes it. A file that is not a valid article is refused with an error
// wrapping its *chokepoint.FileError, and the corpus is left unchanged; so
// it is when indexing fails. An existing file of the same name is replaced;
// a file whose document ID another file already holds (a.md next to a.txt)
// is refused, naming that file.
func (l *library) Add(ctx context.Context, filename string, data []byte) (chokepoint.Document, error) {
	if l.dir == "" {
		return chokepoint.Document{}, errReadOnlyCorpus
	}
	name, err := articleName(filename)
	if err != nil {
		return chokepoint.Document{}, &chokepoint.FileError{Path: filename, Err: err}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.addLocked(ctx, name, data)
}

// addLocked validates an article, writes it under name and reindexes; l.mu
// is held.
func (l *library) addLocked(ctx context.Context, name string, data []byte) (chokepoint.Document, error) {
	doc, _, err := corpus.Parse(name, data, nil)
	if err != nil {
		return chokepoint.Document{}, err
	}
	holders, err := l.holders(name)
	if err != nil {
		return chokepoint.Document{}, fmt.Errorf("add %s: %w", name, err)
	}
	for _, h := range holders {
		if h != name {
			id := strings.TrimSuffix(name, path.Ext(name))
			return chokepoint.Document{}, &chokepoint.FileError{Path: name, Err: fmt.Errorf(
				"%s already holds document %q; remove it first (or upload %s to replace it)", h, id, h)}
		}
	}
	dst := filepath.Join(l.dir, name)
	old, readErr := os.ReadFile(dst)
	existed := readErr == nil
	if err := writeFileAtomic(dst, data); err != nil {
		return chokepoint.Document{}, fmt.Errorf("add %s: %w", name, err)
	}
	if _, _, err := l.reindexLocked(ctx, nil); err != nil {
		// Put the corpus back as it was; the index still serves the old one.
		if existed {
			err = errors.Join(err, writeFileAtomic(dst, old))
		} else {
			err = errors.Join(err, os.Remove(dst))
		}
		return chokepoint.Document{}, fmt.Errorf("add %s: %w", name, err)
	}
	return doc, nil
}

// holders returns the article files at the root of the corpus directory
// whose document ID is name's: name itself and files that differ from it
// only in their extension (a.md, a.markdown, a.txt, a.MD).
func (l *library) holders(name string) ([]string, error) {
	ents, err := os.ReadDir(l.dir)
	if err != nil {
		return nil, err
	}
	id := strings.TrimSuffix(name, path.Ext(name))
	var out []string
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() || strings.TrimSuffix(n, path.Ext(n)) != id {
			continue
		}
		switch strings.ToLower(path.Ext(n)) {
		case ".md", ".markdown", ".txt":
			out = append(out, n)
		}
	}
	return out, nil
}

// maxSameTitle bounds the numbered names tried for articles sharing a title.
const maxSameTitle = 1000

// AddURL fetches a web page, extracts its article and adds it as Markdown
// with front matter. A page that cannot be fetched (refused address, not
// HTML, too large, no article) is reported as a *chokepoint.FileError
// naming the URL; the corpus is then unchanged. An article from the same
// URL is replaced; one with the same title from another URL is kept, and
// the new article gets a numbered name ("title-2.md").
func (l *library) AddURL(ctx context.Context, url string) (chokepoint.Document, error) {
	doc, _, err := l.addURL(ctx, url)
	return doc, err
}

// addURL is AddURL, also reporting whether it replaced the article
// fetched earlier from the same URL.
func (l *library) addURL(ctx context.Context, url string) (chokepoint.Document, bool, error) {
	if l.dir == "" {
		return chokepoint.Document{}, false, errReadOnlyCorpus
	}
	art, err := fetch.Fetch(ctx, url, fetch.Options{Timeout: l.cfg.Fetch.Timeout, MaxBytes: l.cfg.Fetch.MaxBytes, AllowPrivate: l.cfg.Fetch.AllowPrivate})
	if err != nil {
		return chokepoint.Document{}, false, &chokepoint.FileError{Path: url, Err: err}
	}
	data := art.Markdown()
	base := art.FileName()
	if _, _, err := corpus.Parse(base, data, nil); err != nil {
		return chokepoint.Document{}, false, &chokepoint.FileError{Path: url, Err: err}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := 1; i <= maxSameTitle; i++ {
		name := titleName(base, i)
		holders, err := l.holders(name)
		if err != nil {
			return chokepoint.Document{}, false, fmt.Errorf("add %s: %w", name, err)
		}
		switch {
		case len(holders) == 0:
			doc, err := l.addLocked(ctx, name, data)
			return doc, false, err
		case len(holders) == 1 && holders[0] == name && l.fileURL(name) == art.URL:
			doc, err := l.addLocked(ctx, name, data)
			return doc, true, err
		}
	}
	return chokepoint.Document{}, false, &chokepoint.FileError{Path: url, Err: errTitleTaken(base)}
}

// titleName is the i-th name, from 1, an article file titled base may
// take: base itself, then "title-2.md", "title-3.md" …
func titleName(base string, i int) string {
	if i == 1 {
		return base
	}
	return fmt.Sprintf("%s-%d.md", strings.TrimSuffix(base, path.Ext(base)), i)
}

// errTitleTaken says that every name titleName gives base is taken.
func errTitleTaken(base string) error {
	return fmt.Errorf("%d articles are already titled like %s", maxSameTitle, base)
}

// freeName returns the first name titleName gives base that no article
// file of the corpus root holds.
func (l *library) freeName(base string) (string, error) {
	for i := 1; i <= maxSameTitle; i++ {
		name := titleName(base, i)
		holders, err := l.holders(name)
		if err != nil {
			return "", err
		}
		if len(holders) == 0 {
			return name, nil
		}
	}
	return "", errTitleTaken(base)
}

// fileURL returns the url of the article file name at the corpus root, ""
// when it has none or cannot be read.
func (l *library) fileURL(name string) string {
	data, ferr := os.ReadFile(filepath.Join(l.dir, name))
	if ferr != nil {
		return ""
	}
	doc, _, err := corpus.Parse(name, data, nil)
	if err != nil {
		return ""
	}
	return doc.URL
}

// Remove deletes a document's file (and its sidecar) from the corpus
// directory and the index.
func (l *library) Remove(ctx context.Context, id string) error {
	if l.dir == "" {
		return errReadOnlyCorpus
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	doc, err := l.idx.Document(id)
	if err != nil {
		return fmt.Errorf("remove %q: %w", id, err)
	}
	files := []string{doc.Path}
	if strings.EqualFold(path.Ext(doc.Path), ".txt") {
		stem := strings.TrimSuffix(doc.Path, path.Ext(doc.Path))
		files = append(files, stem+".yaml", stem+".yml")
	}
	for _, f := range files {
		if err := os.Remove(filepath.Join(l.dir, filepath.FromSlash(f))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %q: %w", id, err)
		}
	}
	if _, _, err := l.reindexLocked(ctx, nil); err != nil {
		return fmt.Errorf("remove %q: %w", id, err)
	}
	return nil
}

// articleName checks an uploaded file name: a plain base name ending in
// .md, .markdown or .txt.
func articleName(name string) (string, error) {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	if base != name || base == "." || base == ".." || strings.HasPrefix(base, ".") {
		return "", fmt.Errorf("file name %q: want a plain name such as article.md", name)
	}
	switch strings.ToLower(path.Ext(base)) {
	case ".md", ".markdown", ".txt":
		return base, nil
	}
	return "", fmt.Errorf("file name %q: want a .md or .txt file", name)
}

// writeFileAtomic writes data to a temporary file beside dst and renames
// it into place, so readers never see half a file.
func writeFileAtomic(dst string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(dst), ".upload-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
