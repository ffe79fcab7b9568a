package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"chokepoint"
	"chokepoint/corpus"
	"chokepoint/eval"
)

// reached are the benchmark's frozen test split figures as last measured
// (eval/README.md): TestBenchmark fails when the engine falls below them.
// Raise them when it improves.
var reached = struct {
	top1, top3         int // answerable questions, of 201
	declinedRight      int // off-topic questions declined, of 32
	declinedWrong      int // answerable questions declined, at most
	agree              int // perturbed questions agreeing with their base, of 60
	maxExcerptMedian   int // characters
	minBaselineMarginP int // top-3 points above bare bleve's, at least
}{top1: 145, top3: 176, declinedRight: 24, declinedWrong: 1, agree: 60, maxExcerptMedian: 300, minBaselineMarginP: 5}

// benchmarkEngine loads the benchmark and opens an engine on its corpus,
// closed when the test ends.
func benchmarkEngine(t *testing.T) (*eval.Benchmark, *engine) {
	t.Helper()
	b, err := eval.Load(eval.Files())
	if err != nil {
		t.Fatal(err)
	}
	e, err := openEngineFS(context.Background(), defaultConfig(), eval.Corpus(), t.TempDir(), io.Discard, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return b, e
}

// TestBenchmark runs the answer-quality benchmark's frozen test split, as
// `chokepoint eval --split test` does, and guards the figures it reached.
func TestBenchmark(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the benchmark's index and answers 500 questions")
	}
	b, e := benchmarkEngine(t)
	ctx := context.Background()
	systems := evalSystems(e)
	plain := eval.Cases(b.Select(eval.Test, true, false))
	ours, err := chokepoint.Evaluate(ctx, systems[0].ask, e.passages(), plain)
	if err != nil {
		t.Fatal(err)
	}
	bleve, err := chokepoint.Evaluate(ctx, systems[1].ask, e.passages(), plain)
	if err != nil {
		t.Fatal(err)
	}
	pert, err := chokepoint.Evaluate(ctx, systems[0].ask, e.passages(), eval.Cases(b.Select(eval.Test, false, true)))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("test split: top-1 %d, top-3 %d of %d (bare bleve %d, %d); declined %d/%d off-topic, %d answerable; perturbed agree %d/%d; excerpt median %d",
		ours.Top1, ours.Top3, ours.Answerable, bleve.Top1, bleve.Top3, ours.AbstainRight, ours.OffTopic, ours.AbstainWrong, pert.Agree, pert.Perturbed, ours.ExcerptMedian)
	check := func(name string, got, want int, atLeast bool) {
		if atLeast && got < want || !atLeast && got > want {
			t.Errorf("%s = %d, want %s %d", name, got, map[bool]string{true: "at least", false: "at most"}[atLeast], want)
		}
	}
	check("top-1", ours.Top1, reached.top1, true)
	check("top-3", ours.Top3, reached.top3, true)
	check("off-topic declined", ours.AbstainRight, reached.declinedRight, true)
	check("answerable declined", ours.AbstainWrong, reached.declinedWrong, false)
	check("perturbed agreeing", pert.Agree, reached.agree, true)
	check("excerpt median", ours.ExcerptMedian, reached.maxExcerptMedian, false)
	check("top-3 points above bare bleve", 100*(ours.Top3-bleve.Top3)/ours.Answerable, reached.minBaselineMarginP, true)
}

// fresh are the figures reached on eval/fresh/ (written after the engine
// was tuned; eval/fresh/README.md): fa, fs, fn, fd, fv, fw, fo and fg
// were read to find what failed, fb, fu, fc, fe, fx, fy, fz, fq and fh
// only as totals (ft's failures once, for an experiment that was
// dropped). fs, ft, fu, fv, fw, fx and fz are asked of the seed article
// alone.
var fresh = map[string]struct {
	seedOnly                                 bool
	top1, top3, declinedRight, declinedWrong int
}{
	"fa.yaml": {top1: 28, top3: 32, declinedRight: 7, declinedWrong: 1},
	"fb.yaml": {top1: 24, top3: 32, declinedRight: 7, declinedWrong: 0},
	"fs.yaml": {seedOnly: true, top1: 22, top3: 25, declinedRight: 3, declinedWrong: 0},
	"ft.yaml": {seedOnly: true, top1: 20, top3: 22, declinedRight: 3, declinedWrong: 1},
	"fu.yaml": {seedOnly: true, top1: 20, top3: 23, declinedRight: 3, declinedWrong: 0},
	"fn.yaml": {top1: 31, top3: 33, declinedRight: 13, declinedWrong: 0},
	"fc.yaml": {top1: 18, top3: 28, declinedRight: 5, declinedWrong: 1},
	"fd.yaml": {top1: 35, top3: 38, declinedRight: 8, declinedWrong: 0},
	"fe.yaml": {top1: 30, top3: 34, declinedRight: 8, declinedWrong: 0},
	"fv.yaml": {seedOnly: true, top1: 21, top3: 23, declinedRight: 1, declinedWrong: 0},
	"fw.yaml": {seedOnly: true, top1: 20, top3: 24, declinedRight: 2, declinedWrong: 0},
	"fx.yaml": {seedOnly: true, top1: 21, top3: 24, declinedRight: 2, declinedWrong: 1},
	"fo.yaml": {top1: 13, top3: 17, declinedRight: 13, declinedWrong: 0},
	"fy.yaml": {top1: 28, top3: 34, declinedRight: 9, declinedWrong: 0},
	"fz.yaml": {seedOnly: true, top1: 19, top3: 22, declinedRight: 1, declinedWrong: 1},
	"fq.yaml": {top1: 20, top3: 31, declinedRight: 8, declinedWrong: 1},
	"fg.yaml": {top1: 25, top3: 33, declinedRight: 9, declinedWrong: 0},
	"fh.yaml": {top1: 21, top3: 32, declinedRight: 8, declinedWrong: 0},
}

// TestFreshQuestions scores the fresh question sets on the benchmark's
// corpus (fs on the embedded one), as `chokepoint eval --corpus eval/corpus
// eval/fresh/F` does, and guards the figures reached.
func TestFreshQuestions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the benchmark's index")
	}
	ctx := context.Background()
	e, err := openEngineFS(ctx, defaultConfig(), eval.Corpus(), t.TempDir(), io.Discard, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	seed, err := openEngineFS(ctx, defaultConfig(), corpus.Default(), t.TempDir(), io.Discard, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer seed.Close()
	for name, want := range fresh {
		eng := e
		if want.seedOnly {
			eng = seed
		}
		qs, err := readQuestions(filepath.Join("..", "..", "eval", "fresh", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := chokepoint.CheckCases(eng.passages(), eval.Cases(qs)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		got, err := chokepoint.Evaluate(ctx, evalSystems(eng)[0].ask, eng.passages(), eval.Cases(qs))
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: top-1 %d, top-3 %d of %d; declined %d/%d off-topic, %d answerable",
			name, got.Top1, got.Top3, got.Answerable, got.AbstainRight, got.OffTopic, got.AbstainWrong)
		if got.Top1 < want.top1 || got.Top3 < want.top3 || got.AbstainRight < want.declinedRight || got.AbstainWrong > want.declinedWrong {
			t.Errorf("%s: top-1 %d, top-3 %d, declined %d right and %d wrong; want at least %d, %d, %d and at most %d",
				name, got.Top1, got.Top3, got.AbstainRight, got.AbstainWrong, want.top1, want.top3, want.declinedRight, want.declinedWrong)
		}
	}
}

// TestPrintFailures checks the verbose listing: each question that does not
// lead with its gold, with the citation whose passage held the gold its
// excerpt left out, and how the baseline fared on it.
func TestPrintFailures(t *testing.T) {
	c := func(id string, rank int, abstain bool) chokepoint.CaseResult {
		return chokepoint.CaseResult{Case: chokepoint.EvalCase{ID: id, Question: id + "?", Abstain: abstain}, Rank: rank}
	}
	held := c("e", 0, false)
	held.PassageRank = 1 // the lead's passage holds the gold; its excerpt does not
	further := c("f", 0, false)
	further.MoreRank = 5 // a further excerpt, not shown, holds it
	rep := chokepoint.EvalReport{Cases: []chokepoint.CaseResult{c("a", 1, false), c("b", 2, false), c("c", 0, false), c("d", 0, true), held, further}}
	base := chokepoint.EvalReport{Cases: []chokepoint.CaseResult{c("a", 0, false), c("b", 1, false), c("c", 0, false), c("d", 0, true), c("e", 3, false), c("f", 0, false)}}
	var b strings.Builder
	printFailures(&b, rep, base)
	got := b.String()
	for _, want := range []string{
		`rank 2             b "b?" (bleve: rank 1)`,
		`FAIL               c "c?" (bleve: fails)`,
		`ANSWERED off-topic d "d?"` + "\n",
		`FAIL               e "e?" (in passage 1) (bleve: rank 3)`,
		`FAIL               f "f?" (excerpt 5, not shown) (bleve: fails)`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("listing lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "in passage") != 1 || strings.Count(got, "not shown") != 1 {
		t.Errorf("listing names a passage or a further excerpt holding the gold for other than e and f:\n%s", got)
	}
	if strings.Contains(got, ` a "a?"`) {
		t.Errorf("listing holds a question that leads with its gold:\n%s", got)
	}
}

// TestEverydayPhrasings checks entries of the embedded vocabulary that
// link how members say a thing to how articles write it: on the
// benchmark's corpus, each question leads with the sentence its entry
// reaches ("set up": founded; "covid": pandemic; "global": world).
// Without the entry each led with another passage.
func TestEverydayPhrasings(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the benchmark's index")
	}
	_, e := benchmarkEngine(t)
	for q, want := range map[string]string{
		"hello, when was IREL set up":                                                                "founded in 1950 as Indian Rare Earths Limited",
		"how much did covid delay the tomtor project":                                                "pandemic had pushed the schedule back",
		"what % of global REE mining did china do in 2024":                                           "roughly 69 percent of world output",
		"how many tonnes of spodumene concentrate does it take to make a tonne of lithium carbonate": "roughly seven to eight tonnes of SC6",
	} {
		a, err := e.answerer.Answer(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Citations) == 0 || !strings.Contains(a.Citations[0].Excerpt, want) {
			t.Errorf("%q: citations %+v, want the first holding %q", q, a.Citations, want)
		}
	}
}
