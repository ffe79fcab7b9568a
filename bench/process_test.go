package bench

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"chokepoint"
	"chokepoint/corpus/corpusgen"
)

// serveEnv names the index directory TestServeHelper serves when this test
// binary is re-run as a helper process.
const serveEnv = "CHOKEPOINT_BENCH_SERVE_DIR"

// TestServeHelper is not a test: BenchmarkServeRSS re-runs the test binary
// with serveEnv set so that memory is measured in a process holding nothing
// but the open index. It opens the index, answers the question set three
// times and prints VmRSS and VmHWM in kB.
func TestServeHelper(t *testing.T) {
	dir := os.Getenv(serveEnv)
	if dir == "" {
		t.Skip("helper process for BenchmarkServeRSS")
	}
	x := openIndex(t, dir)
	a := chokepoint.NewAnswerer(x, vocab(), chokepoint.Options{})
	for range 3 {
		for _, q := range questions {
			if _, err := a.Answer(context.Background(), q); err != nil {
				t.Fatalf("Answer(%q): %v", q, err)
			}
		}
	}
	st, err := procStatus("VmRSS", "VmHWM")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("serve-rss-kB %.0f %.0f\n", st["VmRSS"], st["VmHWM"])
}

// BenchmarkServeRSS measures resident memory while serving: a fresh
// process opens the prebuilt index, answers the question set three times
// and reports VmRSS (rss-MB) and its peak (hwm-MB).
func BenchmarkServeRSS(b *testing.B) {
	for _, s := range sizes {
		b.Run("passages="+s.name, func(b *testing.B) {
			f := getFixture(b, s)
			var rss, hwm float64
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestServeHelper$", "-test.bench=^$", "-test.v")
				cmd.Env = append(os.Environ(), serveEnv+"="+f.dir)
				out, err := cmd.CombinedOutput()
				if err != nil {
					b.Fatalf("helper: %v\n%s", err, out)
				}
				i := strings.Index(string(out), "serve-rss-kB ")
				if i < 0 {
					b.Fatalf("helper printed no figures:\n%s", out)
				}
				var r, h float64
				if _, err := fmt.Sscanf(string(out[i:]), "serve-rss-kB %g %g", &r, &h); err != nil {
					b.Fatalf("helper output %q: %v", out[i:], err)
				}
				rss, hwm = max(rss, r), max(hwm, h)
			}
			b.ReportMetric(rss/1024, "rss-MB")
			b.ReportMetric(hwm/1024, "hwm-MB")
		})
	}
}

// cli builds cmd/chokepoint once per process.
var cli = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(root, "chokepoint")
	out, err := exec.Command("go", "build", "-o", bin, "chokepoint/cmd/chokepoint").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build chokepoint: %v\n%s", err, out)
	}
	return bin, nil
})

// timeBin is GNU time, used to read the CLI's own peak RSS: the rusage Go
// gets from wait4 also counts the parent's memory, which the child shares
// until exec.
const timeBin = "/usr/bin/time"

// ask runs the CLI's ask subcommand with a clean home directory and
// returns its peak RSS in kB, or -1 when GNU time is not installed.
func ask(bin string, question string, args ...string) (float64, error) {
	home := filepath.Join(root, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return 0, err
	}
	argv := append(append([]string{bin, "ask"}, args...), question)
	rssFile := filepath.Join(root, "maxrss")
	_, err := os.Stat(timeBin)
	haveTime := err == nil
	if haveTime {
		argv = append([]string{timeBin, "-f", "%M", "-o", rssFile}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + home, "XDG_CACHE_HOME=" + home, "PATH=" + os.Getenv("PATH")}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("chokepoint ask: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "[1]") {
		return 0, fmt.Errorf("chokepoint ask %q: no citation in\n%s", question, out)
	}
	if !haveTime {
		return -1, nil
	}
	data, err := os.ReadFile(rssFile)
	if err != nil {
		return 0, fmt.Errorf("read peak RSS: %w", err)
	}
	kb, err := strconv.ParseFloat(strings.TrimSpace(string(data)), 64)
	if err != nil {
		return 0, fmt.Errorf("parse peak RSS %q: %w", data, err)
	}
	return kb, nil
}

// BenchmarkColdStart measures the CLI from process start to first answer:
// on the embedded corpus with a fresh index directory each time (cold,
// which builds the index) and with the same one (warm), and on a 100k
// passage corpus written as files whose index is already built (ask still
// loads and hashes the corpus to detect changes). It reports the CLI's
// peak RSS as maxrss-MB (negative without GNU time); the time includes GNU
// time's own start, about a millisecond.
func BenchmarkColdStart(b *testing.B) {
	bin, err := cli()
	if err != nil {
		b.Fatal(err)
	}
	const seedQ = "Who is Vladimir Potanin?"
	measure := func(b *testing.B, question string, args func(i int) []string) {
		var peak float64
		i := 0
		for b.Loop() {
			i++
			rss, err := ask(bin, question, args(i)...)
			if err != nil {
				b.Fatal(err)
			}
			peak = max(peak, rss)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/ask")
		b.ReportMetric(peak/1024, "maxrss-MB")
	}
	b.Run("embedded/cold", func(b *testing.B) {
		base := b.TempDir()
		measure(b, seedQ, func(i int) []string {
			return []string{"--index", filepath.Join(base, strconv.Itoa(i))}
		})
	})
	b.Run("embedded/warm", func(b *testing.B) {
		dir := b.TempDir()
		if _, err := ask(bin, seedQ, "--index", dir); err != nil {
			b.Fatal(err)
		}
		measure(b, seedQ, func(int) []string { return []string{"--index", dir} })
	})
	b.Run("passages=100k/prebuilt", func(b *testing.B) {
		corpusDir, indexDir := filepath.Join(root, "files-100k"), filepath.Join(root, "cli-index-100k")
		if _, err := os.Stat(corpusDir); err != nil {
			if err := corpusgen.WriteFiles(corpusDir, size100k.articles, seed); err != nil {
				b.Fatal(err)
			}
		}
		args := []string{"--corpus", corpusDir, "--index", indexDir}
		t0 := time.Now()
		if _, err := ask(bin, questions[0], args...); err != nil { // builds the index
			b.Fatal(err)
		}
		b.Logf("first ask, building the 100k index: %v", time.Since(t0))
		measure(b, questions[0], func(int) []string { return args })
	})
}
