package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"chokepoint/index"
)

// envMainArgs, when set, makes the test binary run as the chokepoint
// command with these arguments (JSON), for tests that need real processes:
// separate processes on one index, stderr as the user sees it, exit codes.
const envMainArgs = "CHOKEPOINT_TEST_MAIN_ARGS"

func TestMain(m *testing.M) {
	if v := os.Getenv(envMainArgs); v != "" {
		var args []string
		if err := json.Unmarshal([]byte(v), &args); err != nil {
			fmt.Fprintln(os.Stderr, "bad", envMainArgs, err)
			os.Exit(3)
		}
		os.Args = append([]string{"chokepoint"}, args...)
		main() // exits
	}
	os.Exit(m.Run())
}

// proc is the outcome of one chokepoint process.
type proc struct {
	args           []string
	code           int
	stdout, stderr string
}

func (p proc) String() string {
	return fmt.Sprintf("chokepoint %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(p.args, " "), p.code, p.stdout, p.stderr)
}

// command prepares the test binary to run as chokepoint with args, as
// user uid when uid >= 0 (bin must then be a copy that user may run).
func command(ctx context.Context, bin string, uid int, args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	a, _ := json.Marshal(args)
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), envMainArgs+"="+string(a))
	if uid >= 0 {
		runAs(cmd, uid)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// runProc runs chokepoint with args in a process of its own and waits.
func runProc(t *testing.T, args ...string) proc {
	t.Helper()
	return runProcAs(t, os.Args[0], -1, args...)
}

func runProcAs(t *testing.T, bin string, uid int, args ...string) proc {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd, stdout, stderr := command(ctx, bin, uid, args...)
	return finish(cmd, cmd.Run(), args, stdout, stderr)
}

func finish(cmd *exec.Cmd, err error, args []string, stdout, stderr *bytes.Buffer) proc {
	p := proc{args: args, stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		p.code = ee.ExitCode()
	default:
		p.code, p.stderr = -1, p.stderr+"\n(start: "+err.Error()+")"
	}
	return p
}

// bleveNoise is what bleve and Go print when a damaged index gets the
// better of them.
var bleveNoise = []string{"unable to load snapshot", "continuing", "panic", "goroutine ", "zapx"}

// TestConcurrentProcesses runs 8 chokepoint processes at once on one
// index directory, mixing ask, index and index --rebuild, while this
// process holds the index open as serve does, twice: on a fresh directory
// and after an article changed. Every process must succeed and the index
// must end whole.
func TestConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 16 processes")
	}
	corpusDir, idx := t.TempDir(), t.TempDir()
	writeKillCorpus(t, corpusDir, 40)
	common := []string{"--corpus", corpusDir, "--index", idx}
	kinds := [][]string{
		{"ask", "Who refines most of the world's gallium?"},
		{"index"},
		{"index", "--rebuild"},
	}
	failures, waited, total := 0, 0, 0
	start := time.Now()
	for round := range 2 {
		if round == 1 {
			// An article changed: the updates have work to do.
			writeKillArticle(t, corpusDir, 7, "Gallium output doubled after the new separation plant opened.")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
		var wg sync.WaitGroup
		procs := make([]proc, 8)
		for i := range procs {
			args := append(slices.Clone(kinds[i%len(kinds)]), common...)
			cmd, stdout, stderr := command(ctx, os.Args[0], -1, args...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				procs[i] = finish(cmd, cmd.Wait(), args, stdout, stderr)
			}()
		}
		// Meanwhile this process opens the index and answers, as serve
		// does, and goes on answering after the others replaced it.
		cfg := defaultConfig()
		cfg.Corpus, cfg.Index = corpusDir, idx
		e, err := openEngine(ctx, cfg, noEnv, io.Discard, nil, false)
		if err != nil {
			t.Errorf("round %d: in-process open during the others: %v", round, err)
		} else if _, err := e.answerer.Answer(ctx, "Who refines most of the world's gallium?"); err != nil {
			t.Errorf("round %d: in-process answer: %v", round, err)
		}
		wg.Wait()
		if e != nil {
			if ans, err := e.answerer.Answer(ctx, "Who refines most of the world's gallium?"); err != nil || len(ans.Citations) == 0 {
				t.Errorf("round %d: in-process answer after the others = %d citations, %v", round, len(ans.Citations), err)
			}
			e.Close()
		}
		cancel()
		for _, p := range procs {
			total++
			if strings.Contains(p.stderr, "waiting for process") {
				waited++
			}
			ok := p.code == 0 && p.args[0] != "ask" || p.code == 0 && strings.Contains(p.stdout, "[1]")
			if !ok {
				failures++
				t.Errorf("round %d: %v", round, p)
			}
		}
	}
	x, err := index.Open(context.Background(), idx, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if x.Recovered() != "" || x.Stats().Documents != 40 {
		t.Errorf("index after the processes: %d documents, Recovered %q; want 40 and none", x.Stats().Documents, x.Recovered())
	}
	if gens, _ := filepath.Glob(filepath.Join(idx, "gen-*")); len(gens) != 1 {
		t.Errorf("index dir holds generations %v, want one", gens)
	}
	t.Logf("%d processes (ask, index, index --rebuild; 8 at a time, twice) and an in-process reader on one index dir: %d failed, %d waited for a builder and said so; %v",
		total, failures, waited, time.Since(start).Round(time.Millisecond))
}

// writeKillArticle rewrites article k of writeKillCorpus with text as its
// only paragraph.
func writeKillArticle(t *testing.T, dir string, k int, text string) {
	t.Helper()
	body := fmt.Sprintf("---\ntitle: \"Critique %d revised\"\nsource: Generated Review\n---\n\n## Supply\n\n%s\n", k, text)
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("gen-%03d.md", k)), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedIndexDoesNotCrash flips bytes in a segment of a built index
// and runs each command on it in a process of its own: none may crash or
// let bleve's messages through; each rebuilds or works around the damage.
func TestDamagedIndexDoesNotCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	corpusDir, good := t.TempDir(), t.TempDir()
	writeKillCorpus(t, corpusDir, 60)
	if p := runProc(t, "index", "--corpus", corpusDir, "--index", good); p.code != 0 {
		t.Fatalf("build: %v", p)
	}
	for _, tc := range []struct {
		args []string
		out  string // in stdout
		told bool   // stderr says the index was rebuilt
	}{
		{[]string{"ask", "Who refines most of the world's gallium?"}, "[1]", true},
		{[]string{"sources"}, "Critique 12", true},
		{[]string{"search", "gallium"}, "1. ", true},
		{[]string{"index"}, "documents: 60", true},
		{[]string{"index", "--rebuild"}, "Index rebuilt", false},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			idx := filepath.Join(t.TempDir(), "idx")
			copyTree(t, good, idx)
			zaps, _ := filepath.Glob(filepath.Join(idx, "gen-*", "bleve", "store", "*.zap"))
			if len(zaps) == 0 {
				t.Fatal("no segment files")
			}
			slices.Sort(zaps)
			flipBytes(t, zaps[len(zaps)/2])

			p := runProc(t, append(tc.args, "--corpus", corpusDir, "--index", idx)...)
			if p.code != 0 || !strings.Contains(p.stdout, tc.out) {
				t.Fatalf("%v\nwant exit 0 and %q", p, tc.out)
			}
			for _, noise := range bleveNoise {
				if strings.Contains(p.stderr, noise) {
					t.Errorf("stderr holds %q:\n%s", noise, p.stderr)
				}
			}
			if said := strings.Contains(p.stderr, "would not open") && strings.Contains(p.stderr, "damaged"); said != tc.told {
				t.Errorf("stderr says the index was damaged and rebuilt: %v, want %v:\n%s", said, tc.told, p.stderr)
			}
			// The next process finds it whole.
			if p := runProc(t, "sources", "--corpus", corpusDir, "--index", idx); p.code != 0 || p.stderr != "" {
				t.Errorf("after the repair: %v", p)
			}
		})
	}
}

// flipBytes flips every 997th byte of the file at path.
func flipBytes(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(b); i += 997 {
		b[i] ^= 0xff
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies the directory tree src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// readOnly makes the trees at dirs readable but not writable by the
// processes runProcAs starts with the returned binary and uid, and undoes
// it at the end of the test. Root writes anywhere whatever the modes say,
// so under root the processes run as nobody, from a copy of the test
// binary nobody may run.
func readOnly(t *testing.T, dirs ...string) (bin string, uid int) {
	t.Helper()
	walk := func(dir string, f func(p string, d fs.DirEntry) error) {
		t.Helper()
		if err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			return f(p, d)
		}); err != nil {
			t.Fatal(err)
		}
	}
	if os.Geteuid() != 0 {
		for _, dir := range dirs {
			walk(dir, func(p string, d fs.DirEntry) error {
				if d.IsDir() {
					return os.Chmod(p, 0o555)
				}
				return os.Chmod(p, 0o444)
			})
			t.Cleanup(func() {
				walk(dir, func(p string, d fs.DirEntry) error { return os.Chmod(p, 0o755) })
			})
		}
		return os.Args[0], -1
	}
	const nobody = 65534
	for _, dir := range dirs {
		// nobody must reach the tree: open its parents for traversal.
		for p := filepath.Dir(dir); p != filepath.Dir(p) && p != os.TempDir(); p = filepath.Dir(p) {
			if err := os.Chmod(p, 0o755); err != nil {
				t.Fatal(err)
			}
		}
		walk(dir, func(p string, d fs.DirEntry) error {
			if d.IsDir() {
				return os.Chmod(p, 0o755)
			}
			return os.Chmod(p, 0o644)
		})
	}
	binDir, err := os.MkdirTemp("", "chokepoint-bin-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(binDir) })
	if err := os.Chmod(binDir, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(binDir, "chokepoint.test")
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, nobody
}

// TestReadOnlyIndex: an up-to-date index in a directory that cannot be
// written answers without a word; one the corpus has moved past answers
// from what it has and warns; index fails, saying why. Nothing is written.
func TestReadOnlyIndex(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	corpusDir, idx := t.TempDir(), t.TempDir()
	writeKillCorpus(t, corpusDir, 20)
	if p := runProc(t, "index", "--corpus", corpusDir, "--index", idx); p.code != 0 {
		t.Fatalf("build: %v", p)
	}
	bin, uid := readOnly(t, idx, corpusDir)
	before := tree(t, idx)
	const q = "Who refines most of the world's gallium?"

	p := runProcAs(t, bin, uid, "ask", "--corpus", corpusDir, "--index", idx, q)
	if p.code == -1 && uid >= 0 {
		t.Skipf("cannot start a process as nobody: %v", p)
	}
	if p.code != 0 || !strings.Contains(p.stdout, "[1]") || p.stderr != "" {
		t.Errorf("ask on a read-only, up-to-date index: %v\nwant an answer and nothing on stderr", p)
	}

	// The corpus moves on; the index cannot follow.
	if uid < 0 {
		os.Chmod(corpusDir, 0o755)
	}
	writeKillArticle(t, corpusDir, 3, "Gallium output doubled after the new separation plant opened.")
	if uid < 0 {
		os.Chmod(filepath.Join(corpusDir, "gen-003.md"), 0o444)
		os.Chmod(corpusDir, 0o555)
	}
	p = runProcAs(t, bin, uid, "ask", "--corpus", corpusDir, "--index", idx, q)
	if p.code != 0 || !strings.Contains(p.stdout, "[1]") || !strings.Contains(p.stderr, "out of date and cannot be written") {
		t.Errorf("ask on a read-only, stale index: %v\nwant an answer and a warning", p)
	}
	p = runProcAs(t, bin, uid, "index", "--corpus", corpusDir, "--index", idx)
	if p.code != 1 || !strings.Contains(p.stderr, "not writable") {
		t.Errorf("index on a read-only index: %v\nwant exit 1 saying it is not writable", p)
	}
	if after := tree(t, idx); !slices.Equal(before, after) {
		t.Errorf("the read-only index changed:\nbefore %q\nafter  %q", before, after)
	}
}

// tree lists every file under dir with its size and modification time.
func tree(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, fmt.Sprintf("%s %d %d", rel, fi.Size(), fi.ModTime().UnixNano()))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
