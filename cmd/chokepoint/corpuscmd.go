package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"chokepoint/corpus"
	"chokepoint/fetch"
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
updates the index.`)
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
	art, err := fetch.Fetch(ctx, fs.Arg(0), fetch.Options{Timeout: cfg.Fetch.Timeout, MaxBytes: cfg.Fetch.MaxBytes, AllowPrivate: cfg.Fetch.AllowPrivate})
	if err != nil {
		return err
	}
	name, data := art.FileName(), art.Markdown()
	if _, _, err := corpus.Parse(name, data, nil); err != nil {
		return fmt.Errorf("corpus add %s: the fetched page is not a usable article: %w", fs.Arg(0), err)
	}
	dst := filepath.Join(cfg.Corpus, name)
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("corpus add: %s already exists; remove it first to fetch the page again", dst)
	}
	if err := writeFileAtomic(dst, data); err != nil {
		return fmt.Errorf("corpus add: %w", err)
	}
	e, err := openEngine(ctx, cfg, env.getenv, env.stderr, nil, false)
	if err != nil {
		os.Remove(dst)
		return err
	}
	defer e.Close()
	fmt.Fprintf(env.stdout, "Added %q as %s (%d passages); the index now holds %d documents.\n",
		art.Title, dst, e.idx.PassageCount(pathID(name)), e.stats.Documents)
	return nil
}

// pathID is the document ID of a file at the corpus root.
func pathID(name string) string { return name[:len(name)-len(filepath.Ext(name))] }
