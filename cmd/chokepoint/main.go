package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	log.SetFlags(0)
	log.SetOutput(&dependencyLog{w: os.Stderr})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := safeRun(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// safeRun is run with a panic turned into an error, so that a bug exits 1
// with a message (and the stack, for a report) instead of Go's exit 2, which
// would read as a usage error. Panics in other goroutines are not caught.
func safeRun(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v (please report it, with this trace)\n%s", r, debug.Stack())
		}
	}()
	return run(ctx, args, stdin, stdout, stderr, getenv)
}

// dependencyLog is the standard logger's output. Only dependencies write
// there: discordgo's error lines (prefixed "[DG") are passed on; the rest,
// bleve's notes on segments it could not load, which the index reports
// itself, are dropped.
type dependencyLog struct {
	mu  sync.Mutex
	w   io.Writer
	buf []byte
}

func (d *dependencyLog) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.buf = append(d.buf, p...)
	for {
		i := bytes.IndexByte(d.buf, '\n')
		if i < 0 {
			break
		}
		line := d.buf[:i+1]
		if bytes.HasPrefix(line, []byte("[DG")) {
			if _, err := d.w.Write(line); err != nil {
				d.buf = d.buf[i+1:]
				return len(p), err
			}
		}
		d.buf = d.buf[i+1:]
	}
	return len(p), nil
}

// usageError marks a command that cannot run as invoked, a mistake in the
// command line or the configuration: exit code 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return &usageError{fmt.Errorf(format, a...)} }

// exitCode reports err on stderr and maps it to the process's exit code:
// 0 ok, 1 runtime error (the command ran and failed), 2 usage error (it
// cannot run as invoked: the command line or the configuration is wrong).
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
  chokepoint health                    probe a running server's /healthz (at ops.listen)
  chokepoint version                   print the version

Common flags (every subcommand; see 'chokepoint CMD --help'):
  --corpus DIR    article directory (default: the embedded corpus)
  --index DIR     index directory (default: under the user cache directory)
  --config FILE   YAML configuration file

Questions are at most 1,000 characters. Exit codes: 0 ok (abstaining is ok),
1 the command ran and failed, 2 it cannot run as invoked (command line or
configuration).
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
		return cmdVersion(env, rest)
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

func cmdVersion(env *environment, args []string) error {
	fs := newFlagSet(env, "version", "", "Prints the version.")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "chokepoint %s\n", version)
	return nil
}

// noArgs refuses positional arguments to a command that takes none.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// environment is the process's outside world, as run received it.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}
