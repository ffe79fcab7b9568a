package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"chokepoint"
	"chokepoint/corpus"
	"chokepoint/eval"
)

const questionsPath = "../../testdata/questions.yaml"

// cli is one in-process run of the program.
type cli struct {
	stdout, stderr string
	err            error
}

// code is the exit status main would give the run, with what main would
// print on stderr.
func (c cli) code() (int, string) {
	var stderr bytes.Buffer
	n := exitCode(c.err, &stderr)
	return n, stderr.String()
}

// runCLI runs the program in-process with args and the environment env.
func runCLI(t *testing.T, env map[string]string, args ...string) cli {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	err := run(ctx, args, strings.NewReader(""), &stdout, &stderr, envOf(env))
	return cli{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// mustRun runs the program and fails the test unless it succeeds.
func mustRun(t *testing.T, args ...string) cli {
	t.Helper()
	c := runCLI(t, nil, args...)
	if c.err != nil {
		t.Fatalf("chokepoint %s: %v\nstderr:\n%s", strings.Join(args, " "), c.err, c.stderr)
	}
	return c
}

// seedPassages returns the passages of the embedded corpus.
func seedPassages(t *testing.T) []chokepoint.Passage {
	t.Helper()
	res, err := corpus.Load(corpus.Default(), corpus.Options{})
	if err != nil {
		t.Fatalf("load embedded corpus: %v", err)
	}
	var ps []chokepoint.Passage
	for _, d := range res.Documents {
		ps = append(ps, d.Passages...)
	}
	if len(ps) == 0 {
		t.Fatal("embedded corpus has no passages")
	}
	return ps
}

func TestAskPrintsCitations(t *testing.T) {
	c := mustRun(t, "ask", "--index", t.TempDir(), "why can't Russia replace China?")
	if !strings.HasPrefix(c.stdout, "[1] “") {
		t.Errorf("ask output does not open with citation [1]:\n%s", c.stdout)
	}
	for _, want := range []string{"\n    — ", "\n[2] “"} {
		if !strings.Contains(c.stdout, want) {
			t.Errorf("ask output lacks %q:\n%s", want, c.stdout)
		}
	}
	if strings.Contains(c.stdout, "does not cover") {
		t.Errorf("ask abstained on the corpus's own topic:\n%s", c.stdout)
	}
}

func TestAskExplain(t *testing.T) {
	c := mustRun(t, "ask", "--explain", "--index", t.TempDir(), "did putin court trump in 2031 with the sourdough deposits in ukraine?")
	for _, want := range []string{
		"question: did putin court trump in 2031 with the sourdough deposits in ukraine?\nanswer type: ",
		", a year (a passage not stating it counts half): 2031 (1.00)",
		", not in the corpus: sourdough (1.00)",
		", a place or material (an article not stating it counts half): Ukraine (1.00)",
	} {
		if !strings.Contains(c.stdout, want) {
			t.Errorf("ask --explain output lacks %q:\n%s", want, c.stdout)
		}
	}
}

// askJSON is the documented --json shape; decoding with unknown fields
// allowed, then checking keys, keeps the test about the contract.
func decodeAskJSON(t *testing.T, out string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("ask --json output is not a JSON object: %v\n%s", err, out)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		t.Errorf("ask --json printed more than one JSON value (next: %v, err %v)", extra, err)
	}
	for _, k := range []string{"question", "abstained", "citations", "more", "suggestions"} {
		if _, ok := m[k]; !ok {
			t.Errorf("ask --json lacks key %q: %s", k, out)
		}
	}
	return m
}

func TestAskJSON(t *testing.T) {
	const q = "Who is Vladimir Potanin?"
	c := mustRun(t, "ask", "--json", "--index", t.TempDir(), q)
	m := decodeAskJSON(t, c.stdout)
	if m["question"] != q || m["abstained"] != false {
		t.Errorf("question %v, abstained %v; want %q, false", m["question"], m["abstained"], q)
	}
	cites, _ := m["citations"].([]any)
	if len(cites) == 0 {
		t.Fatalf("no citations: %s", c.stdout)
	}
	passages := seedPassages(t)
	for i, raw := range cites {
		cit, _ := raw.(map[string]any)
		for _, k := range []string{"n", "doc_id", "title", "section", "url", "excerpt", "score"} {
			if _, ok := cit[k]; !ok {
				t.Errorf("citation %d lacks key %q: %v", i, k, cit)
			}
		}
		if n, _ := cit["n"].(float64); int(n) != i+1 {
			t.Errorf("citation %d numbered %v, want %d", i, cit["n"], i+1)
		}
		if s, _ := cit["score"].(float64); s <= 0 {
			t.Errorf("citation %d score %v, want > 0", i, cit["score"])
		}
		// Excerpts are verbatim: each is part of one passage of its document.
		excerpt, _ := cit["excerpt"].(string)
		docID, _ := cit["doc_id"].(string)
		verbatim := false
		for _, p := range passages {
			if p.DocID == docID && excerpt != "" && strings.Contains(p.Text, excerpt) {
				verbatim = true
				break
			}
		}
		if !verbatim {
			t.Errorf("citation %d excerpt %q is not verbatim text of %s", i, excerpt, docID)
		}
	}
	if first, _ := cites[0].(map[string]any); !strings.Contains(first["excerpt"].(string), "Potanin") &&
		!strings.Contains(first["excerpt"].(string), "Norilsk") {
		t.Errorf("first excerpt %q says nothing about Potanin", first["excerpt"])
	}
}

func TestAskAbstains(t *testing.T) {
	const q = "How do I bake sourdough bread?"
	idx := t.TempDir()
	c := mustRun(t, "ask", "--json", "--index", idx, q)
	m := decodeAskJSON(t, c.stdout)
	if m["abstained"] != true {
		t.Errorf("ask --json %q: abstained %v, want true", q, m["abstained"])
	}
	if cites, _ := m["citations"].([]any); len(cites) != 0 {
		t.Errorf("abstaining answer has %d citations, want 0", len(cites))
	}
	if more, ok := m["more"].([]any); !ok || len(more) != 0 {
		t.Errorf("abstaining answer's more = %v, want []", m["more"])
	}
	sugg, _ := m["suggestions"].([]any)
	if len(sugg) == 0 {
		t.Fatalf("abstaining answer suggests nothing: %s", c.stdout)
	}
	if s, _ := sugg[0].(map[string]any); s["title"] == "" || s["doc_id"] == "" {
		t.Errorf("suggestion %v lacks title or doc_id", s)
	}

	c = mustRun(t, "ask", "--index", idx, q)
	if !strings.Contains(c.stdout, "does not cover") || !strings.Contains(c.stdout, "Nearest articles:\n  - ") {
		t.Errorf("ask %q (text) does not abstain with a suggestion:\n%s", q, c.stdout)
	}
}

func TestExitCodes(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	badConfig := writeConfig(t, "scoring: lucene\n")
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no command", nil, 2},
		{"unknown command", []string{"frobnicate"}, 2},
		{"ask without question", []string{"ask"}, 2},
		{"ask blank question", []string{"ask", "  "}, 2},
		{"bad flag", []string{"ask", "--bogus", "why?"}, 2},
		{"flag missing value", []string{"ask", "--index"}, 2},
		{"eval with two files", []string{"eval", "a.yaml", "b.yaml"}, 2},
		{"eval bad split", []string{"eval", "--split", "train"}, 2},
		{"index extra argument", []string{"index", "now"}, 2},
		{"search bad -n", []string{"search", "-n", "0", "gallium"}, 2},
		{"question too long", []string{"ask", "--index", t.TempDir(), strings.Repeat("rare earth ", 200)}, 2},
		{"search query too long", []string{"search", "--index", t.TempDir(), strings.Repeat("rare earth ", 200)}, 2},
		{"question long in bytes, not in characters", []string{"ask", "--index", t.TempDir(), strings.Repeat("редкоземельные ", 60)}, 0},
		{"sources extra argument", []string{"sources", "extra"}, 2},
		{"version extra argument", []string{"version", "extra"}, 2},
		{"health extra argument", []string{"health", "extra"}, 2},
		{"version --help", []string{"version", "--help"}, 0},
		{"help", []string{"help"}, 0},
		{"ask --help", []string{"ask", "--help"}, 0},
		{"serve -h", []string{"serve", "-h"}, 0},
		{"version", []string{"version"}, 0},
		{"corpus dir missing", []string{"ask", "--corpus", missing, "--index", t.TempDir(), "why?"}, 1},
		{"eval file missing", []string{"eval", "--index", t.TempDir(), missing + ".yaml"}, 1},
		{"bad config", []string{"sources", "--config", badConfig}, 2},
		{"config file missing", []string{"sources", "--config", missing + ".yaml"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := runCLI(t, nil, tt.args...)
			got, msg := c.code()
			if got != tt.want {
				t.Errorf("chokepoint %q: exit %d (err %v), want %d", tt.args, got, c.err, tt.want)
			}
			switch tt.want {
			case 0:
				if msg != "" {
					t.Errorf("exit 0 printed %q on stderr", msg)
				}
			case 2:
				if !strings.Contains(msg, "chokepoint help") {
					t.Errorf("usage error message %q does not point to help", msg)
				}
			case 1:
				if !strings.HasPrefix(msg, "chokepoint: ") || strings.Contains(msg, "chokepoint help") {
					t.Errorf("runtime error message %q", msg)
				}
			}
		})
	}
	if c := runCLI(t, nil, "ask", "--help"); !errors.Is(c.err, flag.ErrHelp) || !strings.Contains(c.stderr, "Usage: chokepoint ask") {
		t.Errorf("ask --help: err %v, stderr %q; want flag.ErrHelp and usage", c.err, c.stderr)
	}
	if c := runCLI(t, nil, "help"); !strings.Contains(c.stdout, "chokepoint ask") {
		t.Errorf("help prints %q, want the usage", c.stdout)
	}
	if c := runCLI(t, nil, "version", "--help"); c.stdout != "" || !strings.Contains(c.stderr, "Usage: chokepoint version") {
		t.Errorf("version --help printed %q on stdout and %q on stderr; want its usage, not the version", c.stdout, c.stderr)
	}
}

// panicWriter panics on the first write, like a bug deep in a command.
type panicWriter struct{}

func (panicWriter) Write([]byte) (int, error) { panic("boom") }

// TestPanicExitsOne: a panic in a command is a runtime error, exit 1 with
// a message, not Go's exit 2 (which reads as a usage error).
func TestPanicExitsOne(t *testing.T) {
	err := safeRun(context.Background(), []string{"version"}, strings.NewReader(""), panicWriter{}, io.Discard, noEnv)
	var stderr bytes.Buffer
	if code := exitCode(err, &stderr); code != 1 {
		t.Errorf("exit code after a panic = %d, want 1", code)
	}
	if msg := stderr.String(); !strings.Contains(msg, "internal error: boom") || !strings.Contains(msg, "goroutine") {
		t.Errorf("message after a panic = %q, want the panic and its trace", msg)
	}
}

// TestDependencyLog: the standard logger passes discordgo's lines on and
// drops bleve's.
func TestDependencyLog(t *testing.T) {
	var out bytes.Buffer
	l := log.New(&dependencyLog{w: &out}, "", 0)
	l.Printf("unable to load snapshot, %v, continuing", errors.New("bad segment"))
	l.Printf("[DG0] wsapi.go:123:listen() error reading from gateway")
	l.Printf("snapshot key, but bucket missing 0a, continuing")
	if got, want := out.String(), "[DG0] wsapi.go:123:listen() error reading from gateway\n"; got != want {
		t.Errorf("passed on %q, want %q", got, want)
	}
}

func TestServeWithoutToken(t *testing.T) {
	c := runCLI(t, map[string]string{"XDG_CACHE_HOME": t.TempDir()}, "serve", "--index", t.TempDir())
	if c.err == nil {
		t.Fatal("serve without a token: nil error")
	}
	code, msg := c.code()
	if code != 2 {
		t.Errorf("serve without a token exits %d, want 2 like any missing setting", code)
	}
	for _, want := range []string{"DISCORD_TOKEN", "https://discord.com/developers/applications", "Reset Token", "chokepoint ask"} {
		if !strings.Contains(msg, want) {
			t.Errorf("serve without a token says %q; want it to mention %q", msg, want)
		}
	}
	// --http without the public key is a usage error naming the fix.
	c = runCLI(t, map[string]string{"DISCORD_TOKEN": "x"}, "serve", "--index", t.TempDir(), "--http", "127.0.0.1:0")
	if code, msg := c.code(); code != 2 || !strings.Contains(msg, "DISCORD_PUBLIC_KEY") {
		t.Errorf("serve --http without a public key: exit %d, %q; want 2 naming DISCORD_PUBLIC_KEY", code, msg)
	}
}

func TestEvalPrintsTable(t *testing.T) {
	c := mustRun(t, "eval", "--index", t.TempDir(), questionsPath)
	for _, want := range []string{"chokepoint", "bleve paragraphs", "bleve + best sentence", "top-1", "top-3",
		"off-topic questions declined", "answerable questions declined", "excerpt length, median"} {
		if !strings.Contains(c.stdout, want) {
			t.Errorf("eval output lacks %q:\n%s", want, c.stdout)
		}
	}
	qs, err := readQuestions(questionsPath)
	if err != nil {
		t.Fatal(err)
	}
	off := 0
	for _, q := range qs {
		if q.Abstain {
			off++
		}
	}
	if want := fmt.Sprintf("%d answerable and %d off-topic", len(qs)-off, off); !strings.Contains(c.stdout, want) {
		t.Errorf("eval output does not say %q:\n%s", want, c.stdout)
	}
}

func TestIndexSummary(t *testing.T) {
	idx := t.TempDir()
	c := mustRun(t, "index", "--index", idx)
	for _, want := range []string{"Index ", idx, "documents: 1 (1 added", "passages:", "skipped:   0"} {
		if !strings.Contains(c.stdout, want) {
			t.Errorf("first index run lacks %q:\n%s", want, c.stdout)
		}
	}
	c = mustRun(t, "index", "--index", idx)
	if !strings.Contains(c.stdout, "0 added, 0 changed, 0 removed, 1 unchanged") {
		t.Errorf("second index run re-indexed something:\n%s", c.stdout)
	}
	c = mustRun(t, "index", "--rebuild", "--index", idx)
	if !strings.Contains(c.stdout, "Index rebuilt") {
		t.Errorf("index --rebuild does not say rebuilt:\n%s", c.stdout)
	}
}

func TestSourcesJSON(t *testing.T) {
	c := mustRun(t, "sources", "--json", "--index", t.TempDir())
	var docs []struct {
		ID       string   `json:"doc_id"`
		Title    string   `json:"title"`
		URL      string   `json:"url"`
		Sections []string `json:"sections"`
		Passages int      `json:"passages"`
	}
	if err := json.Unmarshal([]byte(c.stdout), &docs); err != nil {
		t.Fatalf("sources --json: %v\n%s", err, c.stdout)
	}
	if len(docs) != 1 {
		t.Fatalf("sources --json lists %d documents, want the 1 embedded one", len(docs))
	}
	d := docs[0]
	// The seed article names no URL of its own.
	if d.ID == "" || d.Title == "" || d.Passages < 5 || len(d.Sections) == 0 {
		t.Errorf("sources --json document = %+v, want id, title, sections and passages", d)
	}
	c = mustRun(t, "sources", "--index", t.TempDir())
	if !strings.HasPrefix(c.stdout, "ID") || !strings.Contains(c.stdout, d.Title) {
		t.Errorf("sources (table) output:\n%s", c.stdout)
	}
}

// TestSourcesJSONKeys: every key of sources --json is snake_case, the
// reviewed article's fields included.
func TestSourcesJSONKeys(t *testing.T) {
	dir := t.TempDir()
	article := `---
title: Critique of a critique
source: Example Review
reviews:
  title: The reviewed article
  source: Newsweek
  author: A. Writer
  published: March 19, 2025
  url: https://example.com/reviewed
---

Gallium refining is concentrated in China.
`
	if err := os.WriteFile(filepath.Join(dir, "critique.md"), []byte(article), 0o644); err != nil {
		t.Fatal(err)
	}
	c := mustRun(t, "sources", "--json", "--corpus", dir, "--index", t.TempDir())
	var docs []map[string]any
	if err := json.Unmarshal([]byte(c.stdout), &docs); err != nil || len(docs) != 1 {
		t.Fatalf("sources --json = %v, %v\n%s", docs, err, c.stdout)
	}
	rev, _ := docs[0]["reviews"].(map[string]any)
	want := map[string]any{"title": "The reviewed article", "source": "Newsweek", "author": "A. Writer", "published": "March 19, 2025", "url": "https://example.com/reviewed"}
	if !maps.Equal(rev, want) {
		t.Errorf("reviews = %v, want %v", rev, want)
	}
	var check func(path string, v any)
	check = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				if k != strings.ToLower(k) {
					t.Errorf("key %s.%s is not snake_case", path, k)
				}
				check(path+"."+k, e)
			}
		case []any:
			for _, e := range v {
				check(path+"[]", e)
			}
		}
	}
	check("", docs[0])
}

// TestQuestionSet is a regression guard on the seed's question set: the
// figures the engine reached may not drop.
func TestQuestionSet(t *testing.T) {
	qs, err := readQuestions(questionsPath)
	if err != nil {
		t.Fatal(err)
	}
	cfg := defaultConfig()
	cfg.Index = t.TempDir()
	ctx := context.Background()
	e, err := openEngine(ctx, cfg, noEnv, io.Discard, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	rep, err := chokepoint.Evaluate(ctx, e.answerer.Answer, e.passages(), eval.Cases(qs))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rep.Cases {
		if !r.Pass(3) {
			t.Logf("fails: %s %q (abstained %v, rank %d)", r.Case.ID, r.Case.Question, r.Abstained, r.Rank)
		}
	}
	if rep.Top3 < legacyTop3 || rep.Top1 < legacyTop1 || rep.AbstainRight < rep.OffTopic || rep.AbstainWrong > 0 {
		t.Errorf("seed question set: top-1 %d, top-3 %d of %d, declined %d/%d off-topic and %d answerable; want top-1 >= %d, top-3 >= %d, all off-topic and no answerable declined",
			rep.Top1, rep.Top3, rep.Answerable, rep.AbstainRight, rep.OffTopic, rep.AbstainWrong, legacyTop1, legacyTop3)
	}
}

// The seed question set's figures, as last measured; raise them when the
// engine improves.
const legacyTop1, legacyTop3 = 18, 18
