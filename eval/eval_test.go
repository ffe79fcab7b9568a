package eval

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadEmbedded(t *testing.T) {
	b, err := Load(Files())
	if err != nil {
		t.Fatal(err)
	}
	count := func(split string, abstain bool) int {
		n := 0
		for _, q := range b.Select(split, true, false) {
			if q.Abstain == abstain {
				n++
			}
		}
		return n
	}
	// The floor for the benchmark: 250 answerable questions, 40
	// off-topic ones, 30 bases with five perturbations each.
	if n := count(Dev, false) + count(Test, false); n < 250 {
		t.Errorf("%d answerable questions, want at least 250", n)
	}
	if n := count(Dev, true) + count(Test, true); n < 40 {
		t.Errorf("%d off-topic questions, want at least 40", n)
	}
	bases, variants := 0, map[string]int{}
	for _, q := range b.Select("", false, true) {
		if q.Base == "" {
			bases++
		} else {
			variants[q.Variant]++
		}
	}
	if bases < 30 {
		t.Errorf("%d perturbation bases, want at least 30", bases)
	}
	for _, kind := range []string{"greeting", "typo", "mention", "markdown", "filler"} {
		if variants[kind] != bases {
			t.Errorf("%d %s variants for %d bases, want one each", variants[kind], kind, bases)
		}
	}
	// Both splits are used, and a base and its variants share one.
	if count(Test, false) < 100 || count(Dev, false) < 100 {
		t.Errorf("answerable questions: %d dev, %d test; want both splits well filled", count(Dev, false), count(Test, false))
	}
	split := map[string]string{}
	for _, q := range b.Questions {
		if q.Base == "" {
			split[q.ID] = q.Split
		} else if split[q.Base] != q.Split {
			t.Errorf("%s is in %s, its base %s in %s", q.ID, q.Split, q.Base, split[q.Base])
		}
	}
}

func TestParseQuestions(t *testing.T) {
	qs, err := ParseQuestions("q.yaml", []byte(`
- id: a
  q: why can't Russia replace China?
  gold: [lack significant midstream]
  doc: seed
  variants:
    typo: why cant rusia replace china
    greeting: hey bot, why can't Russia replace China?
- id: off
  q: best pizza?
  abstain: true
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, q := range qs {
		got = append(got, q.ID+"|"+q.Base+"|"+q.Variant)
	}
	want := "a|| a/greeting|a|greeting a/typo|a|typo off||"
	if strings.Join(got, " ") != want {
		t.Errorf("ParseQuestions = %q, want %q", strings.Join(got, " "), want)
	}
	if qs[2].Gold[0] != "lack significant midstream" || qs[2].Doc != "seed" {
		t.Errorf("a variant = %+v, want its base's gold and doc", qs[2])
	}
	for _, tc := range []struct{ name, yaml, want string }{
		{"no id", "- q: x\n  abstain: true\n", "no id"},
		{"duplicate", "- id: a\n  q: x\n  abstain: true\n- id: a\n  q: y\n  abstain: true\n", "duplicate"},
		{"no text", "- id: a\n  abstain: true\n", "no text"},
		{"no gold", "- id: a\n  q: x\n", "gold"},
		{"unknown key", "- id: a\n  q: x\n  abstain: true\n  colour: red\n", "colour"},
		{"empty variant", "- id: a\n  q: x\n  gold: [y]\n  variants:\n    typo: \"\"\n", "empty variant"},
	} {
		if _, err := ParseQuestions("q.yaml", []byte(tc.yaml)); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "q.yaml") {
			t.Errorf("%s: ParseQuestions error = %v, want one naming q.yaml and %q", tc.name, err, tc.want)
		}
	}
}

func TestLoadSplits(t *testing.T) {
	fsys := fstest.MapFS{
		"corpus/a.txt":     {Data: []byte("A\n\nText.\n")},
		"corpus/sub/b.md":  {Data: []byte("# B\n\nText.\n")},
		"split.yaml":       {Data: []byte("test: [sub/b]\n")},
		"questions/q.yaml": {Data: []byte("- {id: qa, q: x, gold: [y], doc: a}\n- {id: qb, q: x, gold: [y], doc: sub/b}\n- {id: off, q: z, abstain: true}\n")},
	}
	b, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if b.Questions[0].Split != Dev || b.Questions[1].Split != Test {
		t.Errorf("splits = %s, %s; want dev for a's question, test for b's", b.Questions[0].Split, b.Questions[1].Split)
	}
	if s := b.Questions[2].Split; s != Dev && s != Test {
		t.Errorf("off-topic split = %q", s)
	}
	for name, change := range map[string][2]string{
		"unknown test doc":  {"split.yaml", "test: [nope]\n"},
		"unknown doc":       {"questions/q.yaml", "- {id: qa, q: x, gold: [y], doc: nope}\n"},
		"answerable no doc": {"questions/q.yaml", "- {id: qa, q: x, gold: [y]}\n"},
	} {
		bad := fstest.MapFS{}
		for k, v := range fsys {
			bad[k] = v
		}
		bad[change[0]] = &fstest.MapFile{Data: []byte(change[1])}
		if _, err := Load(bad); err == nil {
			t.Errorf("%s: Load succeeded, want an error", name)
		}
	}
}
