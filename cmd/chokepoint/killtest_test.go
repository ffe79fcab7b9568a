package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"chokepoint"
	"chokepoint/corpus"
	"chokepoint/index"
)

// Environment of the reindexing helper process.
const (
	envKillCorpus = "CHOKEPOINT_KILLTEST_CORPUS"
	envKillIndex  = "CHOKEPOINT_KILLTEST_INDEX"
	envKillBase   = "CHOKEPOINT_KILLTEST_BASE"
)

const (
	killArticles = 300
	killBatch    = 30 // passages per bleve batch: several progress lines per build
	markerWord   = "zebrafinch"
)

var (
	killMinerals  = []string{"gallium", "germanium", "antimony", "graphite", "cobalt", "lithium", "tungsten", "neodymium", "dysprosium", "vanadium"}
	killCountries = []string{"China", "Russia", "Congo", "Chile", "Australia", "Indonesia", "Vietnam", "Brazil", "Canada", "Kazakhstan"}
	killVerbs     = []string{"refines", "exports", "stockpiles", "smelts", "restricts", "processes", "mines", "subsidises"}
)

// writeKillCorpus writes n small Markdown critiques of one passage each to
// dir; the index's cost is per passage, and the test must stay quick under
// the race detector.
func writeKillCorpus(t *testing.T, dir string, n int) {
	t.Helper()
	for k := 0; k < n; k++ {
		m, c, v := killMinerals[k%len(killMinerals)], killCountries[(k/3)%len(killCountries)], killVerbs[(k/7)%len(killVerbs)]
		var b strings.Builder
		fmt.Fprintf(&b, "---\ntitle: \"Critique %d: %s and %s\"\nsource: Generated Review\nurl: https://example.org/gen/%d\n---\n\n", k, c, m, k)
		fmt.Fprintf(&b, "## Supply\n\n%s %s most of the world's %s, article %d argues. Analysts say %s output from %s depends on separation plants, sanctions and long permitting times.\n",
			c, v, m, k, m, killCountries[(k+1)%len(killCountries)])
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("gen-%03d.md", k)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// markerDoc is a document whose only passage names the build that wrote
// it, so a search tells which build the live index came from.
func markerDoc(build int) chokepoint.Document {
	id := "zz-marker"
	return chokepoint.Document{ID: id, Path: id + ".md", Title: "Build marker", Hash: fmt.Sprintf("marker-%d", build),
		Passages: []chokepoint.Passage{{DocID: id, Index: 0, Kind: chokepoint.Paragraph, Text: fmt.Sprintf("%s %d", markerWord, build)}}}
}

// loadKillDocs loads the generated corpus plus the marker of build.
func loadKillDocs(dir string, build int) ([]chokepoint.Document, error) {
	res, err := corpus.Load(os.DirFS(dir), corpus.Options{})
	if err != nil {
		return nil, err
	}
	if len(res.Skipped) > 0 {
		return nil, fmt.Errorf("generated corpus: %d files skipped, first: %v", len(res.Skipped), res.Skipped[0])
	}
	return append(res.Documents, markerDoc(build)), nil
}

// TestHelperReindex is not a test: run by TestKillDuringReindex as a child
// process, it rebuilds the index in a loop and reports progress on stdout
// until it is killed.
func TestHelperReindex(t *testing.T) {
	corpusDir, indexDir := os.Getenv(envKillCorpus), os.Getenv(envKillIndex)
	if corpusDir == "" || indexDir == "" {
		t.Skip("helper process for TestKillDuringReindex")
	}
	base, _ := strconv.Atoi(os.Getenv(envKillBase))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute) // the parent kills us long before
	defer cancel()
	x, err := index.Open(ctx, indexDir, index.Options{BatchSize: killBatch, OpenTimeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(3)
	}
	for n := base; n < base+200; n++ {
		docs, err := loadKillDocs(corpusDir, n)
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(3)
		}
		fmt.Printf("started %d\n", n)
		_, err = x.Rebuild(ctx, docs, func(done, total int) { fmt.Printf("progress %d %d/%d\n", n, done, total) })
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			os.Exit(3)
		}
		fmt.Printf("rebuilt %d\n", n)
	}
	os.Exit(0)
}

// liveBuild opens the index in dir, checks it is whole and returns the
// build its marker names.
func liveBuild(ctx context.Context, dir string, docs int) (int, error) {
	x, err := index.Open(ctx, dir, index.Options{OpenTimeout: 5 * time.Second})
	if err != nil {
		return 0, err
	}
	defer x.Close()
	if why := x.Recovered(); why != "" {
		return 0, fmt.Errorf("index was discarded: %s", why)
	}
	if st := x.Stats(); st.Documents != docs {
		return 0, fmt.Errorf("live index holds %d documents, want %d", st.Documents, docs)
	}
	res, err := x.Search(ctx, chokepoint.Query{Text: "gallium separation plants", Limit: 5})
	if err != nil {
		return 0, fmt.Errorf("search: %w", err)
	}
	if len(res.Hits) == 0 {
		return 0, fmt.Errorf("search for gallium returned no hits of %d passages", res.Passages)
	}
	res, err = x.Search(ctx, chokepoint.Query{Text: markerWord, Limit: 2})
	if err != nil {
		return 0, fmt.Errorf("search marker: %w", err)
	}
	if len(res.Hits) != 1 {
		return 0, fmt.Errorf("marker search returned %d hits, want 1", len(res.Hits))
	}
	var build int
	if _, err := fmt.Sscanf(res.Hits[0].Passage.Text, markerWord+" %d", &build); err != nil {
		return 0, fmt.Errorf("marker passage %q: %w", res.Hits[0].Passage.Text, err)
	}
	return build, nil
}

// TestKillDuringReindex SIGKILLs a process in the middle of full rebuilds,
// 20 times at varied moments, and checks after each kill that the index
// opens and serves the last complete build.
func TestKillDuringReindex(t *testing.T) {
	if os.Getenv(envKillCorpus) != "" {
		t.Skip("inside the helper")
	}
	if testing.Short() {
		t.Skip("starts 20 processes")
	}
	const kills = 20
	corpusDir, indexDir := t.TempDir(), t.TempDir()
	writeKillCorpus(t, corpusDir, killArticles)
	ctx := context.Background()

	// The first build completes before any kill.
	docs, err := loadKillDocs(corpusDir, 0)
	if err != nil {
		t.Fatal(err)
	}
	x, err := index.Open(ctx, indexDir, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.Rebuild(ctx, docs, nil); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	good, err := liveBuild(ctx, indexDir, len(docs))
	if err != nil || good != 0 {
		t.Fatalf("after the first build: build %d, %v; want 0", good, err)
	}

	served, midBuild := 0, 0
	for i := 0; i < kills; i++ {
		base := 1000 * (i + 1)
		// Kill after the k-th line of output (a build prints 12: started,
		// 10 progress lines, rebuilt; k spans about one and a half), and a
		// little later still, so kills land before, inside and between
		// batches, at the switch, and during the next build.
		k := 1 + (i*7)%18
		delay := time.Duration(i%5) * 900 * time.Microsecond

		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperReindex$", "-test.count=1")
		cmd.Env = append(os.Environ(), envKillCorpus+"="+corpusDir, envKillIndex+"="+indexDir, envKillBase+"="+strconv.Itoa(base))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		watchdog := time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
		sc := bufio.NewScanner(out)
		var lines []string
		for len(lines) < k && sc.Scan() {
			lines = append(lines, sc.Text())
		}
		if len(lines) < k {
			watchdog.Stop()
			_ = cmd.Wait()
			t.Fatalf("kill %d: helper ended after %d lines, before line %d; stderr:\n%s", i, len(lines), k, stderr.String())
		}
		time.Sleep(delay) // varies the moment of the kill; not synchronisation
		if err := cmd.Process.Kill(); err != nil {
			t.Fatalf("kill %d: %v", i, err)
		}
		for sc.Scan() { // what the helper printed before it died
			lines = append(lines, sc.Text())
		}
		werr := cmd.Wait()
		watchdog.Stop()
		if werr == nil {
			t.Fatalf("kill %d: helper exited cleanly; stderr:\n%s", i, stderr.String())
		}

		// The live build must be the last one the helper finished, or the
		// one it was in when killed (the switch can precede the print).
		lastDone, lastStarted, progress := good, -1, ""
		for _, l := range lines {
			var n int
			switch {
			case strings.HasPrefix(l, "rebuilt "):
				fmt.Sscanf(l, "rebuilt %d", &n)
				lastDone = n
			case strings.HasPrefix(l, "started "):
				fmt.Sscanf(l, "started %d", &n)
				lastStarted = n
			case strings.HasPrefix(l, "progress "):
				progress = l
			}
		}
		got, err := liveBuild(ctx, indexDir, len(docs))
		if err != nil {
			t.Errorf("kill %d (after line %d, +%v; last %q): %v", i, k, delay, progress, err)
			continue
		}
		if got != lastDone && got != lastStarted {
			t.Errorf("kill %d: live index is build %d, want %d (last finished) or %d (in progress)", i, got, lastDone, lastStarted)
			continue
		}
		if lastStarted > lastDone {
			midBuild++
		}
		served++
		good = got
		t.Logf("kill %d after line %d +%v (%q): opened and served build %d", i, k, delay, progress, got)
	}
	t.Logf("%d/%d kills: index opened and served the last complete build (%d kills landed inside a build)", served, kills, midBuild)
	if midBuild == 0 {
		t.Errorf("no kill landed inside a build; the test exercised nothing")
	}
	// Interrupted builds leave no more than the live generation behind
	// after the next Open.
	gens, _ := filepath.Glob(filepath.Join(indexDir, "gen-*"))
	if len(gens) != 1 {
		t.Errorf("index dir holds %d generations after a clean open, want 1: %v", len(gens), gens)
	}
}
