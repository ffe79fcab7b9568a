package corpus

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"chokepoint"
)

// DefaultMaxFileSize is the largest file Load reads when Options.MaxFileSize
// is zero or negative.
const DefaultMaxFileSize int64 = 2 << 20

// Options bound loading.
type Options struct {
	// MaxFileSize is the largest file, in bytes, Load reads; larger files
	// go to Result.Skipped. Zero or negative means DefaultMaxFileSize.
	MaxFileSize int64
	// Settle, when positive, is how long a file must have gone unmodified
	// to be loaded: a file modified less than Settle before Now (or less
	// than Settle after it, for a clock slightly ahead) is probably still
	// being written, and goes to Result.Unsettled. A file whose size or
	// modification time changes while it is read goes there whatever
	// Settle is.
	Settle time.Duration
	// Now is the clock Settle is measured with; nil means time.Now.
	Now func() time.Time
}

// maxFileSize returns MaxFileSize, or DefaultMaxFileSize when it is unset.
func (o Options) maxFileSize() int64 {
	if o.MaxFileSize <= 0 {
		return DefaultMaxFileSize
	}
	return o.MaxFileSize
}

// Result is what Load found.
type Result struct {
	// Documents are the loaded articles, sorted by ID.
	Documents []chokepoint.Document
	// Vocabulary comes from synonyms.yaml at the corpus root if present and
	// valid, else from the embedded default corpus.
	Vocabulary chokepoint.Vocabulary
	// Skipped lists the files not loaded, with the reason (and the line, for
	// YAML errors).
	Skipped []*chokepoint.FileError
	// Warnings lists what was ignored in files that did load, such as an
	// unknown front-matter key.
	Warnings []*chokepoint.FileError
	// Unsettled lists the articles (with a .txt file standing for its
	// sidecar too) that were changing while Load ran, see Options.Settle:
	// neither loaded nor skipped, they should be loaded again later.
	Unsettled []string
}

//go:embed default
var embedded embed.FS

// Default returns the embedded default corpus: the seed article, its
// sidecar metadata and synonyms.yaml.
func Default() fs.FS {
	sub, err := fs.Sub(embedded, "default")
	if err != nil {
		// fs.Sub fails only on an invalid path; "default" is valid.
		panic(err)
	}
	return sub
}

// vocabularyNames are the names Load reads the vocabulary from, at the root.
var vocabularyNames = []string{"synonyms.yaml", "synonyms.yml"}

// ignoredNames are documentation files a corpus directory may hold that are
// not articles; they are ignored without a report.
var ignoredNames = map[string]bool{"readme": true, "license": true, "licence": true, "changelog": true}

// Load reads every article of fsys. It returns an error only when fsys
// itself cannot be walked; a file that cannot be loaded goes to
// Result.Skipped and every other file still loads. Symbolic links to files
// and directories are followed: a dangling link or a loop of links is
// reported in Result.Skipped, and a file reached by two paths (a link to a
// file of the corpus) is loaded once, from its real path, the other path
// reported in Result.Warnings. Of two files with the same
// ID (a.md and a.txt) the first in lexical order that parses is kept. Files
// are read concurrently, so fsys must allow concurrent Open calls (os.DirFS,
// embed.FS and fstest.MapFS do).
func Load(fsys fs.FS, opts Options) (Result, error) {
	max := opts.maxFileSize()
	var res Result
	walked, err := walk(fsys)
	if err != nil {
		return Result{}, fmt.Errorf("walk corpus: %w", err)
	}
	files := walked.files
	res.Skipped = append(res.Skipped, walked.skipped...)
	res.Warnings = append(res.Warnings, walked.warnings...)
	all := make(map[string]bool, len(files))
	for _, p := range files {
		all[p] = true
	}

	var vskipped []*chokepoint.FileError
	res.Vocabulary, vskipped = loadVocabulary(fsys, all, max)
	res.Skipped = append(res.Skipped, vskipped...)

	// Articles are read and parsed in parallel, then claimed in lexical
	// order so the outcome does not depend on scheduling.
	type job struct {
		path, sidecar string
		doc           chokepoint.Document
		warns         []*chokepoint.FileError
		err           *chokepoint.FileError
		unsettled     bool
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	start := now()
	settled := func(st fs.FileInfo) bool {
		if opts.Settle <= 0 || st == nil {
			return true
		}
		age := start.Sub(st.ModTime())
		return age >= opts.Settle || age <= -opts.Settle
	}
	var jobs []*job
	for _, p := range files {
		ext := strings.ToLower(path.Ext(p))
		base := path.Base(p)
		stem := strings.TrimSuffix(base, path.Ext(base))
		switch {
		case ignoredNames[strings.ToLower(stem)]:
			continue
		case ext == ".yaml" || ext == ".yml":
			if p == vocabularyNames[0] || p == vocabularyNames[1] {
				continue
			}
			if strings.EqualFold(stem, "synonyms") {
				res.Skipped = append(res.Skipped, &chokepoint.FileError{Path: p,
					Err: errors.New("vocabulary is read only from synonyms.yaml at the corpus root")})
				continue
			}
			if !all[docID(p)+".txt"] {
				res.Skipped = append(res.Skipped, &chokepoint.FileError{Path: p,
					Err: fmt.Errorf("metadata file with no %s.txt next to it", stem)})
			}
			continue
		case !isArticle(ext):
			res.Skipped = append(res.Skipped, &chokepoint.FileError{Path: p,
				Err: fmt.Errorf("unsupported file type %q; want .md, .markdown or .txt", ext)})
			continue
		}
		j := &job{path: p}
		if ext == ".txt" {
			id := docID(p)
			for _, sext := range []string{".yaml", ".yml"} {
				if all[id+sext] {
					j.sidecar = id + sext
					break
				}
			}
		}
		jobs = append(jobs, j)
	}

	run := func(j *job) {
		data, st, ferr := readLimited(fsys, j.path, max)
		if (ferr != nil && ferr.Err == errChanging) || (ferr == nil && !settled(st)) {
			j.unsettled = true
			return
		}
		if ferr != nil {
			j.err = ferr
			return
		}
		var sidecar []byte
		if j.sidecar != "" {
			sidecar, st, ferr = readLimited(fsys, j.sidecar, max)
			if (ferr != nil && ferr.Err == errChanging) || (ferr == nil && !settled(st)) {
				j.unsettled = true
				return
			}
			if ferr != nil {
				j.err = ferr
				return
			}
		}
		doc, warns, err := parse(j.path, j.sidecar, data, sidecar)
		if err != nil {
			j.err = asFileError(j.path, err)
			return
		}
		j.doc, j.warns = doc, warns
	}
	next := make(chan *job)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				run(j)
			}
		}()
	}
	for _, j := range jobs {
		next <- j
	}
	close(next)
	wg.Wait()

	owner := map[string]string{} // document ID -> path it was loaded from
	for _, j := range jobs {
		id := docID(j.path)
		if first, dup := owner[id]; dup {
			res.Skipped = append(res.Skipped, &chokepoint.FileError{Path: j.path,
				Err: fmt.Errorf("duplicate document ID %q: already loaded from %s", id, first)})
			continue
		}
		if j.unsettled {
			// It holds its ID: a sibling must not stand in for it while
			// it is written.
			owner[id] = j.path
			res.Unsettled = append(res.Unsettled, j.path)
			continue
		}
		if j.err != nil {
			res.Skipped = append(res.Skipped, j.err)
			continue
		}
		owner[id] = j.path
		res.Documents = append(res.Documents, j.doc)
		res.Warnings = append(res.Warnings, j.warns...)
	}
	sort.Slice(res.Documents, func(i, j int) bool { return res.Documents[i].ID < res.Documents[j].ID })
	return res, nil
}

// LoadVocabulary reads only the vocabulary of fsys: synonyms.yaml at its
// root, or the embedded default when there is none or it is broken (then
// the second result says why). It is what Load puts in Result.Vocabulary,
// for callers that know the articles have not changed.
func LoadVocabulary(fsys fs.FS, opts Options) (chokepoint.Vocabulary, []*chokepoint.FileError) {
	max := opts.maxFileSize()
	all := map[string]bool{}
	for _, name := range vocabularyNames {
		if st, err := fs.Stat(fsys, name); err == nil && st.Mode().IsRegular() {
			all[name] = true
		}
	}
	return loadVocabulary(fsys, all, max)
}

// loadVocabulary reads the first of vocabularyNames that files holds.
func loadVocabulary(fsys fs.FS, files map[string]bool, max int64) (chokepoint.Vocabulary, []*chokepoint.FileError) {
	var skipped []*chokepoint.FileError
	for _, name := range vocabularyNames {
		if !files[name] {
			continue
		}
		data, _, ferr := readLimited(fsys, name, max)
		if ferr != nil {
			skipped = append(skipped, ferr)
			continue
		}
		v, replace, err := parseVocabulary(name, data)
		if err != nil {
			skipped = append(skipped, asFileError(name, err))
			continue
		}
		if !replace {
			v = extend(defaultVocabulary(), v)
		}
		v.Words = words()
		return v, skipped
	}
	return defaultVocabulary(), skipped
}

// isArticle reports whether a lower-case extension names an article file.
func isArticle(ext string) bool {
	return ext == ".md" || ext == ".markdown" || ext == ".txt"
}

// errChanging reports a file whose size or modification time changed
// while it was read.
var errChanging = errors.New("file changed while it was read")

// readLimited reads the file at p, refusing files larger than max bytes,
// and returns what the file system says of it. A file that changes while it
// is read yields an error wrapping errChanging.
func readLimited(fsys fs.FS, p string, max int64) ([]byte, fs.FileInfo, *chokepoint.FileError) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, nil, &chokepoint.FileError{Path: p, Err: fmt.Errorf("open: %w", err)}
	}
	defer f.Close()
	before, err := f.Stat()
	if err == nil && before.Size() > max {
		return nil, nil, &chokepoint.FileError{Path: p, Err: fmt.Errorf("file too large: %d bytes, limit %d", before.Size(), max)}
	}
	// Stat may under-report (or fail on) some file systems, so the read is
	// bounded too.
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, nil, &chokepoint.FileError{Path: p, Err: fmt.Errorf("read: %w", err)}
	}
	if before != nil {
		if after, err := f.Stat(); err == nil && (after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime())) {
			return nil, nil, &chokepoint.FileError{Path: p, Err: errChanging}
		}
	}
	if int64(len(data)) > max {
		return nil, nil, &chokepoint.FileError{Path: p, Err: fmt.Errorf("file too large: more than %d bytes", max)}
	}
	return data, before, nil
}

// asFileError returns err as a *FileError, naming p when err carries no path.
func asFileError(p string, err error) *chokepoint.FileError {
	var fe *chokepoint.FileError
	if errors.As(err, &fe) {
		return fe
	}
	return &chokepoint.FileError{Path: p, Err: err}
}

// defaultVocabulary parses the embedded synonyms.yaml.
func defaultVocabulary() chokepoint.Vocabulary {
	data, err := fs.ReadFile(Default(), "synonyms.yaml")
	if err != nil {
		panic(fmt.Sprintf("embedded synonyms.yaml: %v", err))
	}
	v, err := ParseVocabulary("synonyms.yaml", data)
	if err != nil {
		// A test parses the embedded file, so this cannot ship broken.
		panic(fmt.Sprintf("embedded synonyms.yaml: %v", err))
	}
	v.Words = words()
	return v
}
