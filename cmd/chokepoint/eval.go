package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"chokepoint"
	"chokepoint/corpus"
	"chokepoint/eval"
)

func cmdEval(ctx context.Context, env *environment, args []string) error {
	var c commonFlags
	fs := newFlagSet(env, "eval", "[flags] [FILE]", `Without FILE, runs the answer-quality benchmark of eval/ (its corpus, its
questions, its dev and test splits) and prints, per split, the table the
README quotes: Chokepoint against a bare bleve match query quoting its top 3
paragraphs whole, and against the same paragraphs cut to their best sentence.
With FILE, scores that question set (same YAML shape) on --corpus.`)
	c.register(fs)
	verbose := fs.Bool("v", false, "list the questions that fail, with what was shown")
	split := fs.String("split", "", "only this split: dev or test (default: both)")
	check := fs.Bool("check", false, "check question files (gold phrases present in the corpus) instead of scoring")
	ablate := fs.Bool("ablate", false, "print the ablation table: each idea of the engine turned off in turn")
	thresholds := fs.Bool("thresholds", false, "print right and wrong abstentions against the abstention threshold")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch *split {
	case "", eval.Dev, eval.Test:
	default:
		return usagef("eval: --split %q: want dev or test", *split)
	}
	if *check {
		if fs.NArg() == 0 {
			return usagef("eval --check: want one or more question files")
		}
		return checkQuestionFiles(env, c, fs.Args())
	}
	switch fs.NArg() {
	case 0:
		e, b, err := openBenchmark(ctx, env, c)
		if err != nil {
			return err
		}
		defer e.Close()
		switch {
		case *ablate:
			return ablationTable(ctx, env.stdout, e, b)
		case *thresholds:
			return thresholdTable(ctx, env.stdout, e, b)
		}
		return runBenchmark(ctx, env.stdout, e, b, *split, *verbose)
	case 1:
		return runQuestionFile(ctx, env, c, fs.Arg(0), *verbose)
	default:
		return usagef("eval: want at most one question file")
	}
}

// openBenchmark loads the embedded benchmark and opens an engine on its
// corpus, with the index in --index or under the user cache directory.
func openBenchmark(ctx context.Context, env *environment, c commonFlags) (*engine, *eval.Benchmark, error) {
	if c.corpus != "" {
		return nil, nil, usagef("eval: --corpus applies to a question FILE; the benchmark has its own corpus")
	}
	b, err := eval.Load(eval.Files())
	if err != nil {
		return nil, nil, err
	}
	cfg, err := settings(env, c)
	if err != nil {
		return nil, nil, err
	}
	dir := cfg.Index
	if dir == "" {
		if dir, err = indexDir(cfg, env.getenv); err != nil {
			return nil, nil, err
		}
		dir = filepath.Join(filepath.Dir(dir), "eval-benchmark")
	}
	e, err := openEngineFS(ctx, cfg, eval.Corpus(), dir, env.stderr, nil, false)
	if err != nil {
		return nil, nil, err
	}
	if len(e.loaded.Skipped) > 0 {
		e.Close()
		return nil, nil, fmt.Errorf("benchmark corpus: %d file(s) did not load, first: %v", len(e.loaded.Skipped), e.loaded.Skipped[0])
	}
	return e, b, nil
}

// runBenchmark prints the table of each split (or of the one asked for).
func runBenchmark(ctx context.Context, w io.Writer, e *engine, b *eval.Benchmark, split string, verbose bool) error {
	splits := []string{eval.Dev, eval.Test}
	if split != "" {
		splits = []string{split}
	}
	for i, s := range splits {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := benchmarkSplit(ctx, w, e, b, s, verbose); err != nil {
			return err
		}
	}
	return nil
}

// ablationTable prints, for the engine with every idea on and with each
// turned off in turn, its figures on both splits' plain questions.
func ablationTable(ctx context.Context, w io.Writer, e *engine, b *eval.Benchmark) error {
	fmt.Fprintln(w, "| engine | dev top-1 | dev top-3 | dev declined right / wrong | test top-1 | test top-3 | test declined right / wrong |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	variants := append([]struct {
		Name    string
		Feature chokepoint.Features
	}{{"all ideas on", 0}}, chokepoint.FeatureNames...)
	for _, v := range variants {
		opts := e.cfg.answererOptions()
		opts.Off = v.Feature
		a := chokepoint.NewAnswerer(e.idx, e.loaded.Vocabulary, opts)
		name := v.Name
		if v.Feature != 0 {
			name = "without " + name
		}
		cells := []string{name}
		for _, split := range []string{eval.Dev, eval.Test} {
			rep, err := chokepoint.Evaluate(ctx, a.Answer, e.passages(), eval.Cases(b.Select(split, true, false)))
			if err != nil {
				return err
			}
			cells = append(cells, fmt.Sprint(rep.Top1), fmt.Sprint(rep.Top3), fmt.Sprintf("%d / %d", rep.AbstainRight, rep.AbstainWrong))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	return nil
}

// thresholdTable prints, for abstention thresholds from 0.10 to 0.70, the
// right and wrong abstentions and the top-3 that remains on each split.
func thresholdTable(ctx context.Context, w io.Writer, e *engine, b *eval.Benchmark) error {
	opts := e.cfg.answererOptions()
	opts.MinConfidence = 1e-9 // never abstain; the table applies the threshold
	a := chokepoint.NewAnswerer(e.idx, e.loaded.Vocabulary, opts)
	reps := map[string]chokepoint.EvalReport{}
	for _, split := range []string{eval.Dev, eval.Test} {
		rep, err := chokepoint.Evaluate(ctx, a.Answer, e.passages(), eval.Cases(b.Select(split, true, false)))
		if err != nil {
			return err
		}
		reps[split] = rep
	}
	fmt.Fprintln(w, "| threshold | dev declined right | dev declined wrong | dev top-3 | test declined right | test declined wrong | test top-3 |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|")
	for t := 0.10; t < 0.701; t += 0.05 {
		cells := []string{fmt.Sprintf("%.2f", t)}
		for _, split := range []string{eval.Dev, eval.Test} {
			rep := reps[split]
			right, wrong, top3 := 0, 0, 0
			for _, r := range rep.Cases {
				declined := r.Abstained || r.Answer.Confidence < t
				switch {
				case r.Case.Abstain && declined:
					right++
				case !r.Case.Abstain && declined:
					wrong++
				case !r.Case.Abstain && r.Pass(3):
					top3++
				}
			}
			cells = append(cells, fmt.Sprintf("%d/%d", right, rep.OffTopic), fmt.Sprintf("%d/%d", wrong, rep.Answerable), fmt.Sprintf("%d/%d", top3, rep.Answerable))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	return nil
}

// benchmarkSplit prints one split's table.
func benchmarkSplit(ctx context.Context, w io.Writer, e *engine, b *eval.Benchmark, split string, verbose bool) error {
	plain := eval.Cases(b.Select(split, true, false))
	perturbed := eval.Cases(b.Select(split, false, true))
	systems := evalSystems(e)
	reps := make([]chokepoint.EvalReport, len(systems))
	for i, s := range systems {
		var err error
		if reps[i], err = chokepoint.Evaluate(ctx, s.ask, e.passages(), plain); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	pert := make([]chokepoint.EvalReport, len(systems))
	for i, s := range systems {
		var err error
		if pert[i], err = chokepoint.Evaluate(ctx, s.ask, e.passages(), perturbed); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	r := reps[0]
	fmt.Fprintf(w, "%s split: %d answerable and %d off-topic questions; %d perturbed questions of %d bases\n\n",
		split, r.Answerable, r.OffTopic, pert[0].Perturbed, len(perturbed)-pert[0].Perturbed)
	names := make([]string, len(systems))
	for i, s := range systems {
		names[i] = s.name
	}
	fmt.Fprintf(w, "| | %s |\n|---|%s\n", strings.Join(names, " | "), strings.Repeat("---|", len(names)))
	row := func(name string, reps []chokepoint.EvalReport, f func(chokepoint.EvalReport) string) {
		cells := make([]string, len(reps))
		for i, r := range reps {
			cells[i] = f(r)
		}
		fmt.Fprintf(w, "| %s | %s |\n", name, strings.Join(cells, " | "))
	}
	share := func(n, of int) string {
		if of == 0 {
			return "–"
		}
		return fmt.Sprintf("%.1f%% (%d/%d)", 100*float64(n)/float64(of), n, of)
	}
	row("top-1: gold in the first excerpt", reps, func(r chokepoint.EvalReport) string { return share(r.Top1, r.Answerable) })
	row("top-3: gold in a shown excerpt", reps, func(r chokepoint.EvalReport) string { return share(r.Top3, r.Answerable) })
	row("gold passage cited in the top 3 (old score)", reps, func(r chokepoint.EvalReport) string { return share(r.PassageTop3, r.Answerable) })
	row("off-topic questions declined (right)", reps, func(r chokepoint.EvalReport) string { return share(r.AbstainRight, r.OffTopic) })
	row("answerable questions declined (wrong)", reps, func(r chokepoint.EvalReport) string { return share(r.AbstainWrong, r.Answerable) })
	row("perturbed: answer agrees with the base's", pert, func(r chokepoint.EvalReport) string { return share(r.Agree, r.Perturbed) })
	row("perturbed: top-3", pert, func(r chokepoint.EvalReport) string { return share(r.Top3, r.Answerable) })
	row("excerpt length, median (characters)", reps, func(r chokepoint.EvalReport) string { return fmt.Sprint(r.ExcerptMedian) })
	row("characters quoted per answer, mean", reps, func(r chokepoint.EvalReport) string { return fmt.Sprintf("%.0f", r.MeanQuoted) })
	if verbose {
		fmt.Fprintln(w)
		printFailures(w, reps[0], reps[1])
		printFailures(w, pert[0], pert[1])
	}
	return nil
}

// evalSystem is one way of answering, scored side by side.
type evalSystem struct {
	name string
	ask  func(context.Context, string) (chokepoint.Answer, error)
}

// evalSystems returns Chokepoint and the two baselines.
func evalSystems(e *engine) []evalSystem {
	const k = 3
	baseline := func(cut bool) func(context.Context, string) (chokepoint.Answer, error) {
		return func(ctx context.Context, q string) (chokepoint.Answer, error) {
			hits, err := e.idx.Baseline(ctx, q, k)
			if err != nil {
				return chokepoint.Answer{}, err
			}
			if cut {
				return chokepoint.BestSentenceAnswer(q, hits, k, e.idx.Analyze), nil
			}
			return chokepoint.BaselineAnswer(q, hits, k), nil
		}
	}
	return []evalSystem{
		{"chokepoint", e.answerer.Answer},
		{"bleve paragraphs", baseline(false)},
		{"bleve + best sentence", baseline(true)},
	}
}

// printFailures lists the failing cases of rep with what the answer showed,
// and how the baseline (base, the same cases in the same order) fared on
// each.
func printFailures(w io.Writer, rep, base chokepoint.EvalReport) {
	for i, r := range rep.Cases {
		if r.Pass(3) && (r.Case.Abstain || r.Rank == 1) {
			continue
		}
		what := "FAIL"
		switch {
		case r.Case.Abstain:
			what = "ANSWERED off-topic"
		case r.Abstained:
			what = "DECLINED"
		case r.Rank > 1:
			what = fmt.Sprintf("rank %d", r.Rank)
		}
		fmt.Fprintf(w, "%-18s %s %q%s%s\n", what, r.Case.ID, r.Case.Question, missNote(r), baselineNote(r, base, i))
		if len(r.Case.Gold) > 0 {
			fmt.Fprintf(w, "    gold: %q\n", r.Case.Gold)
		}
		for _, cit := range r.Answer.Citations {
			fmt.Fprintf(w, "    [%d] %s %.2f: %.110q\n", cit.N, cit.PassageID, cit.Score, cit.Excerpt)
		}
	}
}

// missNote says, for an answerable case whose excerpts leave the gold
// phrase out of a citation whose passage holds it, which citation that is:
// " (in passage 1)" when the lead's passage held the answer its excerpt
// did not show; and for a case whose gold only a further excerpt (past the
// shown ones) holds, which: " (excerpt 5, not shown)".
func missNote(r chokepoint.CaseResult) string {
	if r.Case.Abstain {
		return ""
	}
	var note string
	if r.PassageRank > 0 && r.PassageRank != r.Rank {
		note = fmt.Sprintf(" (in passage %d)", r.PassageRank)
	}
	if r.MoreRank > 0 {
		note += fmt.Sprintf(" (excerpt %d, not shown)", r.MoreRank)
	}
	return note
}

// baselineNote says how the baseline's answer to case i fared, for an
// answerable case: " (bleve: rank 1)", " (bleve: fails)".
func baselineNote(r chokepoint.CaseResult, base chokepoint.EvalReport, i int) string {
	if r.Case.Abstain || i >= len(base.Cases) || base.Cases[i].Case.ID != r.Case.ID {
		return ""
	}
	if b := base.Cases[i]; b.Pass(3) {
		return fmt.Sprintf(" (bleve: rank %d)", b.Rank)
	}
	return " (bleve: fails)"
}

// runQuestionFile scores a question file on the configured corpus against
// the baselines.
func runQuestionFile(ctx context.Context, env *environment, c commonFlags, path string, verbose bool) error {
	qs, err := readQuestions(path)
	if err != nil {
		return err
	}
	cfg, err := settings(env, c)
	if err != nil {
		return err
	}
	e, err := openEngine(ctx, cfg, env.getenv, env.stderr, nil, false)
	if err != nil {
		return err
	}
	defer e.Close()
	b := &eval.Benchmark{Questions: qs}
	for i := range b.Questions {
		b.Questions[i].Split = eval.Dev
	}
	return benchmarkSplit(ctx, env.stdout, e, b, eval.Dev, verbose)
}

func readQuestions(path string) ([]eval.Question, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("question set: %w", err)
	}
	qs, err := eval.ParseQuestions(path, data)
	if err != nil {
		return nil, err
	}
	if len(qs) == 0 {
		return nil, fmt.Errorf("question set %s: no questions", path)
	}
	return qs, nil
}

// checkQuestionFiles checks question files against the corpus (the
// benchmark's unless --corpus is given): every gold phrase must be in a
// passage; phrases that are short or in several passages are warned about,
// since an excerpt could hold them by chance.
func checkQuestionFiles(env *environment, c commonFlags, paths []string) error {
	fsys := eval.Corpus()
	if c.corpus != "" {
		cfg, err := settings(env, c)
		if err != nil {
			return err
		}
		if fsys, err = corpusFS(cfg); err != nil {
			return err
		}
	}
	res, err := corpus.Load(fsys, corpus.Options{})
	if err != nil {
		return err
	}
	var passages []chokepoint.Passage
	docs := map[string]bool{}
	for _, d := range res.Documents {
		passages = append(passages, d.Passages...)
		docs[d.ID] = true
	}
	bad := 0
	for _, path := range paths {
		qs, err := readQuestions(path)
		if err != nil {
			return err
		}
		for _, q := range qs {
			if q.Doc != "" && !docs[q.Doc] {
				fmt.Fprintf(env.stdout, "%s: %s: doc %q is not in the corpus\n", path, q.ID, q.Doc)
				bad++
			}
			for _, g := range q.Gold {
				n := chokepoint.PassagesHolding(passages, g)
				switch {
				case n == 0:
					fmt.Fprintf(env.stdout, "%s: %s: gold %q is in no passage\n", path, q.ID, g)
					bad++
				case n > 2:
					fmt.Fprintf(env.stdout, "%s: %s: warning: gold %q is in %d passages; quote more of the answering sentence\n", path, q.ID, g, n)
				case utf8.RuneCountInString(g) < 8:
					fmt.Fprintf(env.stdout, "%s: %s: warning: gold %q is short; an excerpt could hold it by chance\n", path, q.ID, g)
				}
			}
		}
		fmt.Fprintf(env.stdout, "%s: %d questions checked\n", path, len(qs))
	}
	if bad > 0 {
		return fmt.Errorf("%d problem(s) in the question files", bad)
	}
	return nil
}
