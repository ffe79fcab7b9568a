package eval

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"chokepoint"
)

//go:embed corpus questions split.yaml
var files embed.FS

// Files returns the embedded benchmark: corpus/, questions/ and
// split.yaml.
func Files() fs.FS { return files }

// Corpus returns the benchmark's article corpus.
func Corpus() fs.FS {
	sub, err := fs.Sub(files, "corpus")
	if err != nil {
		// fs.Sub fails only on an invalid path; "corpus" is valid.
		panic(err)
	}
	return sub
}

// Splits of the benchmark.
const (
	Dev  = "dev"
	Test = "test"
)

// Question is one question of the benchmark.
type Question struct {
	ID   string
	Text string
	// Gold are literal phrases of the sentence that answers the question;
	// any one inside a shown excerpt passes.
	Gold []string
	// Doc is the ID of the article that answers the question; "" for an
	// off-topic question.
	Doc string
	// Abstain is true for an off-topic question.
	Abstain bool
	Tags    []string
	// Base is the ID of the question this one perturbs, and Variant the
	// kind of perturbation ("greeting", "typo", …); both "" for a question
	// that perturbs none.
	Base, Variant string
	// Split is Dev or Test: the article's split, or for an off-topic
	// question one fixed by a hash of its ID.
	Split string
	// File is the slash path of the file the question comes from.
	File string
}

// Case returns the question as a chokepoint.EvalCase.
func (q Question) Case() chokepoint.EvalCase {
	return chokepoint.EvalCase{ID: q.ID, Question: q.Text, Gold: q.Gold, Abstain: q.Abstain, Base: q.Base}
}

// Benchmark is the parsed benchmark.
type Benchmark struct {
	// Questions are questions/*.yaml's in file order, each base question
	// of a perturbation set followed by its variants.
	Questions []Question
	// TestDocs are the articles of the test split.
	TestDocs []string
}

// Select returns the questions of split (Dev, Test, or "" for all),
// keeping perturbed questions only when perturbed is true and the others
// only when plain is true.
func (b *Benchmark) Select(split string, plain, perturbed bool) []Question {
	var out []Question
	for _, q := range b.Questions {
		inPerturb := q.Base != "" || b.isBase(q.ID)
		if (split == "" || q.Split == split) && (inPerturb && perturbed || !inPerturb && plain) {
			out = append(out, q)
		}
	}
	return out
}

func (b *Benchmark) isBase(id string) bool {
	return slices.ContainsFunc(b.Questions, func(q Question) bool { return q.Base == id })
}

// Cases returns qs as chokepoint.EvalCases.
func Cases(qs []Question) []chokepoint.EvalCase {
	out := make([]chokepoint.EvalCase, len(qs))
	for i, q := range qs {
		out[i] = q.Case()
	}
	return out
}

// Load reads the benchmark from fsys (laid out as Files is). Unknown keys,
// questions without text, answerable questions without gold phrases or
// article, duplicate IDs and articles of split.yaml missing from corpus/ are
// errors naming the file and question.
func Load(fsys fs.FS) (*Benchmark, error) {
	b := &Benchmark{}
	var split struct {
		Test []string `yaml:"test"`
	}
	if err := decode(fsys, "split.yaml", &split); err != nil {
		return nil, err
	}
	docs, err := corpusIDs(fsys)
	if err != nil {
		return nil, err
	}
	for _, d := range split.Test {
		if !docs[d] {
			return nil, fmt.Errorf("split.yaml: test article %q is not in corpus/", d)
		}
	}
	b.TestDocs = split.Test
	names, err := fs.Glob(fsys, "questions/*.yaml")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("benchmark: %w", err)
		}
		qs, err := ParseQuestions(name, data)
		if err != nil {
			return nil, err
		}
		b.Questions = append(b.Questions, qs...)
	}
	ids := map[string]bool{}
	for i := range b.Questions {
		q := &b.Questions[i]
		where := fmt.Sprintf("%s: question %q", q.File, q.ID)
		switch {
		case ids[q.ID]:
			return nil, fmt.Errorf("%s: duplicate id", where)
		case !q.Abstain && q.Doc == "":
			return nil, fmt.Errorf("%s: an answerable question needs its doc", where)
		case q.Doc != "" && !docs[q.Doc]:
			return nil, fmt.Errorf("%s: doc %q is not in corpus/", where, q.Doc)
		}
		ids[q.ID] = true
		q.Split = Dev
		switch {
		case q.Doc != "" && slices.Contains(split.Test, q.Doc):
			q.Split = Test
		case q.Doc == "" && hashSplit(q.splitKey()):
			q.Split = Test
		}
	}
	return b, nil
}

// ParseQuestions reads a question file: a YAML list of {id, q, gold, doc,
// abstain, tags, note, variants}. An entry with variants (a mapping from
// the kind of perturbation to the perturbed text) gives its base question
// followed by one question a variant, with ID "BASE/KIND". Unknown keys,
// entries without id or text, duplicate IDs, and answerable entries without
// gold phrases are errors naming the file and entry.
func ParseQuestions(name string, data []byte) ([]Question, error) {
	var entries []entry
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// An empty file is an empty list.
	if err := dec.Decode(&entries); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("questions %s: %w", name, err)
	}
	var out []Question
	ids := map[string]bool{}
	for i, e := range entries {
		switch {
		case e.ID == "":
			return nil, fmt.Errorf("questions %s: entry %d has no id", name, i+1)
		case ids[e.ID]:
			return nil, fmt.Errorf("questions %s: %q: duplicate id", name, e.ID)
		case strings.TrimSpace(e.Q) == "":
			return nil, fmt.Errorf("questions %s: %q: no text (q)", name, e.ID)
		case !e.Abstain && len(e.Gold) == 0:
			return nil, fmt.Errorf("questions %s: %q: an answerable question needs gold phrases", name, e.ID)
		}
		ids[e.ID] = true
		base := Question{ID: e.ID, Text: e.Q, Gold: e.Gold, Doc: e.Doc, Abstain: e.Abstain, Tags: e.Tags, File: name}
		out = append(out, base)
		kinds := make([]string, 0, len(e.Variants))
		for k := range e.Variants {
			kinds = append(kinds, k)
		}
		slices.Sort(kinds)
		for _, k := range kinds {
			v := base
			v.ID, v.Text, v.Base, v.Variant = base.ID+"/"+k, e.Variants[k], base.ID, k
			if strings.TrimSpace(v.Text) == "" {
				return nil, fmt.Errorf("questions %s: %q: empty variant %q", name, e.ID, k)
			}
			out = append(out, v)
		}
	}
	return out, nil
}

// splitKey is what decides an off-topic question's split: its base's ID
// for a variant, so a base and its variants stay together.
func (q Question) splitKey() string {
	if q.Base != "" {
		return q.Base
	}
	return q.ID
}

// hashSplit puts about half of the keys in the test split, by a hash
// fixed once and for all.
func hashSplit(key string) bool {
	h := fnv.New32a()
	h.Write([]byte(key))
	return h.Sum32()%2 == 1
}

// entry is the YAML shape of a question.
type entry struct {
	ID       string            `yaml:"id"`
	Q        string            `yaml:"q"`
	Gold     []string          `yaml:"gold"`
	Doc      string            `yaml:"doc"`
	Abstain  bool              `yaml:"abstain"`
	Tags     []string          `yaml:"tags"`
	Note     string            `yaml:"note"`
	Variants map[string]string `yaml:"variants"`
}

// decode reads a YAML file of fsys into v; unknown keys are errors.
func decode(fsys fs.FS, name string, v any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("benchmark: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// An empty file is an empty list.
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("benchmark %s: %w", name, err)
	}
	return nil
}

// corpusIDs returns the IDs of corpus/'s articles: their paths without
// the extension, as the corpus loader names documents.
func corpusIDs(fsys fs.FS) (map[string]bool, error) {
	ids := map[string]bool{}
	err := fs.WalkDir(fsys, "corpus", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch ext := path.Ext(p); ext {
		case ".md", ".markdown", ".txt":
			ids[strings.TrimSuffix(strings.TrimPrefix(p, "corpus/"), ext)] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("benchmark corpus: %w", err)
	}
	return ids, nil
}
