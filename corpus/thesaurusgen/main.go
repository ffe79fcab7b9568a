package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "thesaurusgen:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("thesaurusgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("wordnet", "/usr/share/wordnet", "WordNet dictionary directory (index.noun, data.noun, cntlist.rev, ...)")
	out := fs.String("o", "", "file to write the table to (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() != 0 {
		return errors.New("usage: thesaurusgen [-wordnet DIR] -o FILE")
	}
	wn, err := readWordNet(os.DirFS(*dir))
	if err != nil {
		return err
	}
	entries := build(wn, defaultRules)
	if err := writeFile(*out, entries); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d headwords to %s\n", len(entries), *out)
	return nil
}

// writeFile writes the table to path through a temporary file in the same
// directory, so a failed run leaves the old table whole.
func writeFile(path string, entries []entry) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".thesaurus-*")
	if err != nil {
		return fmt.Errorf("write thesaurus: %w", err)
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriter(tmp)
	if err := write(bw, filepath.ToSlash(path), entries); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("write thesaurus: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write thesaurus: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write thesaurus: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write thesaurus: %w", err)
	}
	return nil
}
