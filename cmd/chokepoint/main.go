package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// usageError marks a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// exitCode reports err on stderr and maps it to the process's exit code:
// 0 ok, 1 runtime error, 2 usage error.
func exitCode(err error, stderr io.Writer) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "chokepoint: %v\nRun 'chokepoint help' for usage.\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "chokepoint: %v\n", err)
		return 1
	}
}

const usage = `chokepoint answers supply-chain questions from a corpus of critique articles,
with verbatim quoted excerpts and numbered citations.

Usage:
  chokepoint ask [--json] QUESTION     answer a question
  chokepoint search [--json] QUERY     list ranked passages
  chokepoint index                     build or update the index
  chokepoint sources [--json]          list the corpus's articles
  chokepoint eval [FILE]               run the answer-quality benchmark (or a question set) against bleve baselines
  chokepoint corpus add URL            fetch a web article into the corpus
  chokepoint feeds add|remove|list|poll   subscribe to RSS, Atom, JSON feeds and sitemaps
  chokepoint gaps [--days N] [--csv]   questions the corpus could not answer, most asked first
  chokepoint store info|backup FILE    the store of feeds and the question log
  chokepoint serve                     run the Discord bot
  chokepoint health                    probe a running server's /healthz
  chokepoint version                   print the version

Common flags (every subcommand; see 'chokepoint CMD --help'):
  --corpus DIR    article directory (default: the embedded corpus)
  --index DIR     index directory (default: under the user cache directory)
  --config FILE   YAML configuration file
`

// run is the whole program: it parses args, does the work and returns the
// error main reports. Everything it needs from the process comes in as
// arguments, so tests run it in-process.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("no command given")
	}
	cmd, rest := args[0], args[1:]
	env := &environment{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv}
	switch cmd {
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	case "version", "--version":
		fmt.Fprintf(stdout, "chokepoint %s\n", version)
		return nil
	case "ask":
		return cmdAsk(ctx, env, rest)
	case "search":
		return cmdSearch(ctx, env, rest)
	case "index":
		return cmdIndex(ctx, env, rest)
	case "sources":
		return cmdSources(ctx, env, rest)
	case "eval":
		return cmdEval(ctx, env, rest)
	case "corpus":
		return cmdCorpus(ctx, env, rest)
	case "feeds":
		return cmdFeeds(ctx, env, rest)
	case "gaps":
		return cmdGaps(ctx, env, rest)
	case "store":
		return cmdStore(ctx, env, rest)
	case "serve":
		return cmdServe(ctx, env, rest)
	case "health":
		return cmdHealth(ctx, env, rest)
	default:
		fmt.Fprint(stderr, usage)
		return usagef("unknown command %q", cmd)
	}
}

// environment is the process's outside world, as run received it.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}
