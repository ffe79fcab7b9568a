package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"chokepoint"
	"chokepoint/corpus"
	"chokepoint/index"
)

// commonFlags are the flags every subcommand takes.
type commonFlags struct {
	corpus, index, config string
}

func (c *commonFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.corpus, "corpus", "", "article `dir`ectory (default: the embedded corpus)")
	fs.StringVar(&c.index, "index", "", "index `dir`ectory (default: under the user cache directory)")
	fs.StringVar(&c.config, "config", "", "YAML configuration `file`")
}

// newFlagSet returns a flag set that reports errors instead of exiting
// and prints its usage to stderr.
func newFlagSet(env *environment, name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "Usage: chokepoint %s %s\n\n%s\n\nFlags:\n", name, args, about)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args into fs, turning flag errors into usage errors.
// Flags may come after the positional arguments too ("ask QUESTION
// --json"), as people type them; after "--" everything is positional.
// fs.Args() then holds the positional arguments in order.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return &usageError{err}
		}
		rest := fs.Args()
		if consumed := args[:len(args)-len(rest)]; len(consumed) > 0 && consumed[len(consumed)-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	// Leave the positional arguments where fs.Args() finds them.
	return fs.Parse(append([]string{"--"}, pos...))
}

// settings resolves the configuration file, the environment and the
// flags (in rising order of precedence) into a validated Config. Its
// errors are usage errors: the command cannot run as configured.
func settings(env *environment, c commonFlags) (Config, error) {
	cfg := defaultConfig()
	if c.config != "" {
		var err error
		if cfg, err = loadConfig(c.config); err != nil {
			return Config{}, &usageError{err}
		}
	}
	cfg.applyEnv(env.getenv)
	if c.corpus != "" {
		cfg.Corpus = c.corpus
	}
	if c.index != "" {
		cfg.Index = c.index
	}
	if err := cfg.validate(); err != nil {
		return Config{}, &usageError{err}
	}
	return cfg, nil
}

// corpusFS returns the corpus to read: the directory cfg names, or the
// embedded default.
func corpusFS(cfg Config) (fs.FS, error) {
	if cfg.Corpus == "" {
		return corpus.Default(), nil
	}
	st, err := os.Stat(cfg.Corpus)
	if err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("corpus %s: not a directory", cfg.Corpus)
	}
	return os.DirFS(cfg.Corpus), nil
}

// indexDir returns where the index lives: the configured directory, or a
// directory under the user cache directory keyed by the corpus, so that
// two corpora never share an index.
func indexDir(cfg Config, getenv func(string) string) (string, error) {
	if cfg.Index != "" {
		return cfg.Index, nil
	}
	base := getenv("XDG_CACHE_HOME")
	if base == "" {
		var err error
		if base, err = os.UserCacheDir(); err != nil {
			return "", fmt.Errorf("find a cache directory for the index (pass --index DIR): %w", err)
		}
	}
	key := "default"
	if cfg.Corpus != "" {
		abs, err := filepath.Abs(cfg.Corpus)
		if err != nil {
			return "", fmt.Errorf("corpus %s: %w", cfg.Corpus, err)
		}
		sum := sha256.Sum256([]byte(abs))
		key = filepath.Base(abs) + "-" + hex.EncodeToString(sum[:6])
	}
	return filepath.Join(base, "chokepoint", key), nil
}

// engine is an open index with the corpus it was brought up to date with.
type engine struct {
	cfg      Config
	fsys     fs.FS // the corpus read
	dir      string
	idx      *index.Index
	answerer *chokepoint.Answerer
	loaded   corpus.Result
	stats    chokepoint.IndexStats
	skipped  int // corpus files the last full load skipped
	// stale is the error of an update that could not write the index
	// directory; the engine then answers from the index as it was.
	stale error
}

// indexOptions are the index options for cfg: a note on warn when another
// process is updating the index in dir and this one must wait, and the
// corpus to rebuild a damaged index from.
func indexOptions(cfg Config, fsys fs.FS, dir string, warn io.Writer) index.Options {
	return index.Options{
		Scoring: cfg.Scoring,
		Waiting: func(holder string) {
			fmt.Fprintf(warn, "chokepoint: waiting for %s to finish updating the index in %s\n", holder, dir)
		},
		Source: func(context.Context) ([]chokepoint.Document, error) {
			res, err := corpus.Load(fsys, corpus.Options{MaxFileSize: cfg.MaxFileSize})
			return res.Documents, err
		},
	}
}

// openEngine loads the corpus, opens the index and brings it up to date
// (only what changed is re-indexed). Progress, when non-nil, receives the
// indexing progress. Index recovery is reported on warn, and so is an
// index that is out of date but cannot be written (a read-only directory):
// the engine then answers from it as it is, and e.stale says why.
//
// With quick set, a corpus directory whose files (names, sizes, modification
// times) are as they were after the last successful update is not read at
// all: only its vocabulary is. Then e.loaded holds no documents; quick suits
// commands that only query the index.
func openEngine(ctx context.Context, cfg Config, getenv func(string) string, warn io.Writer, progress func(done, total int), quick bool) (*engine, error) {
	fsys, err := corpusFS(cfg)
	if err != nil {
		return nil, err
	}
	dir, err := indexDir(cfg, getenv)
	if err != nil {
		return nil, err
	}
	return openEngineFS(ctx, cfg, fsys, dir, warn, progress, quick)
}

// openEngineFS is openEngine on the corpus fsys and the index in dir.
func openEngineFS(ctx context.Context, cfg Config, fsys fs.FS, dir string, warn io.Writer, progress func(done, total int), quick bool) (*engine, error) {
	idx, err := index.Open(ctx, dir, indexOptions(cfg, fsys, dir, warn))
	if err != nil {
		return nil, err
	}
	if why := idx.Recovered(); why != "" {
		fmt.Fprintf(warn, "chokepoint: the index in %s would not open (%s); rebuilding it from the corpus\n", dir, why)
	}
	e := &engine{cfg: cfg, fsys: fsys, dir: dir, idx: idx}
	fp := ""
	if cfg.Corpus != "" {
		// A fingerprint that cannot be taken only costs the quick path.
		fp, _ = fingerprint(fsys, cfg)
	}
	if quick && fp != "" && idx.Recovered() == "" && idx.Stats().Documents > 0 &&
		readFingerprint(dir) == idx.Stats().Dir+"\n"+fp {
		e.loaded.Vocabulary, e.loaded.Skipped = corpus.LoadVocabulary(fsys, corpus.Options{MaxFileSize: cfg.MaxFileSize})
		e.skipped = readSkipped(dir)
		st := idx.Stats()
		e.stats = chokepoint.IndexStats{Documents: st.Documents, Passages: st.Passages, Unchanged: st.Documents}
	} else {
		e.loaded, err = corpus.Load(fsys, corpus.Options{MaxFileSize: cfg.MaxFileSize})
		if err != nil {
			idx.Close()
			return nil, err
		}
		e.stats, err = idx.Update(ctx, e.loaded.Documents, progress)
		switch {
		case errors.Is(err, index.ErrReadOnly) && idx.Stats().Documents > 0:
			fmt.Fprintf(warn, "chokepoint: the index in %s is out of date and cannot be written; answering from it as it is (%v)\n", dir, err)
			st := idx.Stats()
			e.stats, e.stale = chokepoint.IndexStats{Documents: st.Documents, Passages: st.Passages}, err
		case err != nil:
			idx.Close()
			return nil, err
		}
		e.skipped = len(e.loaded.Skipped)
		if fp != "" && e.stale == nil {
			// Best effort: without it the next run just reads the corpus.
			_ = writeSkipped(dir, e.skipped)
			_ = writeFingerprint(dir, idx.Stats().Dir+"\n"+fp)
		}
	}
	e.answerer = chokepoint.NewAnswerer(idx, e.loaded.Vocabulary, cfg.answererOptions())
	return e, nil
}

// rebuildIndex is "index --rebuild": it reads the corpus and builds a new
// index without reading the live one, so a damaged index cannot stop it;
// other processes keep using the live one until the new one replaces it.
func rebuildIndex(ctx context.Context, env *environment, cfg Config) (string, corpus.Result, chokepoint.IndexStats, error) {
	fsys, err := corpusFS(cfg)
	if err != nil {
		return "", corpus.Result{}, chokepoint.IndexStats{}, err
	}
	dir, err := indexDir(cfg, env.getenv)
	if err != nil {
		return "", corpus.Result{}, chokepoint.IndexStats{}, err
	}
	loaded, err := corpus.Load(fsys, corpus.Options{MaxFileSize: cfg.MaxFileSize})
	if err != nil {
		return "", corpus.Result{}, chokepoint.IndexStats{}, err
	}
	opts := indexOptions(cfg, fsys, dir, env.stderr)
	opts.IgnoreLive = true
	idx, err := index.Open(ctx, dir, opts)
	if err != nil {
		return "", corpus.Result{}, chokepoint.IndexStats{}, err
	}
	defer idx.Close()
	progress, done := progressBar(env.stderr, "rebuilding")
	stats, err := idx.Rebuild(ctx, loaded.Documents, progress)
	done()
	if err != nil {
		return "", corpus.Result{}, chokepoint.IndexStats{}, err
	}
	if cfg.Corpus != "" {
		if fp, err := fingerprint(fsys, cfg); err == nil {
			_ = writeFingerprint(dir, idx.Stats().Dir+"\n"+fp)
		}
	}
	return dir, loaded, stats, nil
}

// fingerprintFile, in the index directory, records the corpus directory as
// it was at the last successful update.
const fingerprintFile = "corpus.fingerprint"

// fingerprint hashes the name, size and modification time of every file
// of fsys, with the loader's version and the settings that change what
// loading makes of them.
func fingerprint(fsys fs.FS, cfg Config) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "loader=%q scoring=%s max_file_size=%d\n", corpus.LoaderVersion, cfg.Scoring, cfg.MaxFileSize)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%q %d %d %v\n", p, info.Size(), info.ModTime().UnixNano(), info.Mode())
		return nil
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func readFingerprint(dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, fingerprintFile))
	if err != nil {
		return ""
	}
	return string(b)
}

func writeFingerprint(dir, fp string) error {
	return writeFileAtomic(filepath.Join(dir, fingerprintFile), []byte(fp))
}

func (e *engine) Close() error { return e.idx.Close() }

// passages returns every loaded passage, for resolving question sets.
func (e *engine) passages() []chokepoint.Passage {
	var ps []chokepoint.Passage
	for _, d := range e.loaded.Documents {
		ps = append(ps, d.Passages...)
	}
	return ps
}

// progressBar returns a progress callback that draws a bar on w when w is
// a terminal, and nil (no progress) otherwise.
func progressBar(w io.Writer, what string) (func(done, total int), func()) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	var bar *progressbar.ProgressBar
	return func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(w),
					progressbar.OptionSetDescription(what), progressbar.OptionShowCount(),
					progressbar.OptionThrottle(65*time.Millisecond), progressbar.OptionClearOnFinish())
			}
			bar.Set(done)
		}, func() {
			if bar != nil {
				bar.Finish()
			}
		}
}
