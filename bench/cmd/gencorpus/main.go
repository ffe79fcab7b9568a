// Command gencorpus writes a synthetic corpus of supply-chain critique
// articles (see corpus/corpusgen) to a directory, for trying the chokepoint
// CLI at scale:
//
//	go run ./bench/cmd/gencorpus -n 10000 /tmp/corpus100k
//	chokepoint ask --corpus /tmp/corpus100k --index /tmp/index100k "..."
//
// Articles average ten passages, so -n 10000 gives about 100k passages.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"chokepoint/corpus/corpusgen"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(2)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gencorpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 1000, "number of articles (about ten passages each)")
	seed := fs.Uint64("seed", 20250319, "random seed; the same seed writes the same corpus")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: gencorpus [-n N] [-seed S] DIR")
	}
	if *n < 1 {
		return fmt.Errorf("-n %d: want at least 1", *n)
	}
	dir := fs.Arg(0)
	if err := corpusgen.WriteFiles(dir, *n, *seed); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %d articles to %s\n", *n, dir)
	return nil
}
