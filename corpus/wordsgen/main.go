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
		fmt.Fprintln(os.Stderr, "wordsgen:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("wordsgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("wordnet", "/usr/share/wordnet", "WordNet dictionary directory (index.noun, data.noun, cntlist.rev, ...)")
	out := fs.String("o", "", "file to write the table to (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" || fs.NArg() != 0 {
		return errors.New("usage: wordsgen [-wordnet DIR] -o FILE")
	}
	wn, err := readWordNet(os.DirFS(*dir))
	if err != nil {
		return err
	}
	words := build(wn)
	if err := writeFile(*out, words); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d words to %s\n", len(words), *out)
	return nil
}

// writeFile writes the list to path through a temporary file in the same
// directory, so a failed run leaves the old list whole.
func writeFile(path string, words []string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".words-*")
	if err != nil {
		return fmt.Errorf("write word list: %w", err)
	}
	defer os.Remove(tmp.Name())
	bw := bufio.NewWriter(tmp)
	if err := write(bw, filepath.ToSlash(path), words); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("write word list: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write word list: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write word list: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write word list: %w", err)
	}
	return nil
}
