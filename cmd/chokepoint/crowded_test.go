package main

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"chokepoint"
	"chokepoint/corpus"
	"chokepoint/corpus/corpusgen"
)

// genericQuestions are the question set's questions that the generated
// articles answer too (they are about Russia, China, refining and
// sanctions): among them the seed's passages need not come first.
var genericQuestions = []string{
	"why can't Russia replace China?",
	"Could Moscow substitute for Beijing in rare earth refining?",
	"Are Russian oligarchs under sanctions?",
	"Can Russia process and refine its own rare earths?",
	"Who controls rare earth refining worldwide?",
	"Why would American companies struggle to invest in Russian mining projects?",
	"Could the Kremlin free America from Chinese refineries?",
}

// TestQuestionSetAmongOtherArticles puts the seed among 300 generated
// critiques sharing its vocabulary (minerals, refining, sanctions,
// Russia, China): the questions only the seed answers must still cite it,
// first, and the off-topic ones must still abstain.
func TestQuestionSetAmongOtherArticles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 3,000-passage index")
	}
	dir := t.TempDir()
	if err := corpusgen.WriteFiles(dir, 300, 20250319); err != nil {
		t.Fatal(err)
	}
	err := fs.WalkDir(corpus.Default(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(corpus.Default(), p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := readQuestions(questionsPath)
	if err != nil {
		t.Fatal(err)
	}
	var cases []chokepoint.EvalCase
	for _, q := range all {
		if !slices.Contains(genericQuestions, q.Text) {
			cases = append(cases, q.Case())
		}
	}
	if len(cases) != len(all)-len(genericQuestions) {
		t.Fatalf("genericQuestions names questions the set does not hold")
	}
	cfg := defaultConfig()
	cfg.Corpus, cfg.Index = dir, t.TempDir()
	ctx := context.Background()
	e, err := openEngine(ctx, cfg, noEnv, io.Discard, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if len(e.loaded.Skipped) != 0 || e.stats.Documents != 301 {
		t.Fatalf("loaded %d documents, skipped %v; want 301 and none", e.stats.Documents, e.loaded.Skipped)
	}
	systems := evalSystems(e)
	ours, err := chokepoint.Evaluate(ctx, systems[0].ask, e.passages(), cases)
	if err != nil {
		t.Fatal(err)
	}
	base, err := chokepoint.Evaluate(ctx, systems[1].ask, e.passages(), cases)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range ours.Cases {
		if !r.Pass(3) {
			var cited []string
			for _, c := range r.Answer.Citations {
				cited = append(cited, c.PassageID)
			}
			t.Errorf("%q among other articles: cited %v (abstained %v); want gold %q shown", r.Case.Question, cited, r.Abstained, r.Case.Gold)
		}
	}
	t.Logf("among 300 other articles: chokepoint top-3 %d/%d, baseline %d/%d; declined off-topic %d/%d vs %d/%d; quoted %.0f vs %.0f characters",
		ours.Top3, ours.Answerable, base.Top3, base.Answerable, ours.AbstainRight, ours.OffTopic, base.AbstainRight, base.OffTopic, ours.MeanQuoted, base.MeanQuoted)
}
