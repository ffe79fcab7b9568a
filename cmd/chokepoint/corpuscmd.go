package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func cmdCorpus(ctx context.Context, env *environment, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(env.stderr, "Usage: chokepoint corpus add [flags] URL")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return nil
		}
		return usagef("corpus: want the subcommand add")
	}
	var c commonFlags
	fs := newFlagSet(env, "corpus add", "[flags] URL", `Fetches a web page, extracts the article's main text and saves it in the corpus
directory as Markdown with front matter (title, url, source, published), then
updates the index. An article fetched before from the same URL is replaced;
one with the same title from another URL is kept and the new one gets a
numbered file name.`)
	c.register(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("corpus add: want exactly one URL")
	}
	cfg, err := settings(env, c)
	if err != nil {
		return err
	}
	if cfg.Corpus == "" {
		return usagef("corpus add: the embedded corpus is read-only; pass --corpus DIR")
	}
	e, err := openEngine(ctx, cfg, env.getenv, env.stderr, nil, false)
	if err != nil {
		return err
	}
	defer e.Close()
	lib := newLibrary(e, nil)
	// The same path as /corpus add url: fetch, validate, write, index, and
	// put the corpus back as it was when any step fails.
	doc, replaced, err := lib.addURL(ctx, fs.Arg(0))
	if err != nil {
		return fmt.Errorf("corpus add: %w", err)
	}
	how := "Added"
	if replaced {
		how = "Replaced the article from the same URL with"
	}
	fmt.Fprintf(env.stdout, "%s %q as %s (%d passages); the index now holds %d documents.\n",
		how, doc.Title, filepath.Join(cfg.Corpus, filepath.FromSlash(doc.Path)), len(doc.Passages), e.idx.Stats().Documents)
	return nil
}

// skippedFile, in the index directory, records how many corpus files the
// last full load skipped, for the runs that find the corpus unchanged and
// do not read it.
const skippedFile = "corpus.skipped"

func writeSkipped(dir string, n int) error {
	return writeFileAtomic(filepath.Join(dir, skippedFile), []byte(strconv.Itoa(n)))
}

// readSkipped returns the recorded count, 0 when there is none.
func readSkipped(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, skippedFile))
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return n
}

// skippedNote returns the one line ask prints on stderr when files of a
// corpus directory were skipped (broken articles, dangling symlinks,
// unsupported types), and how to see why; "" when none were.
func (e *engine) skippedNote() string {
	if e.cfg.Corpus == "" || e.skipped == 0 {
		return ""
	}
	files := "1 file"
	if e.skipped > 1 {
		files = strconv.Itoa(e.skipped) + " files"
	}
	return fmt.Sprintf("chokepoint: %s of the corpus skipped; run `chokepoint index --corpus %s` to see why", files, e.cfg.Corpus)
}
