package main

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

var update = flag.Bool("update", false, "rewrite testdata/want.txt")

// fixture is a hand-written WordNet dictionary in testdata/wordnet. Its
// synset offsets are ids the index files refer to, not byte positions:
// the command looks synsets up by the offset field and never seeks.
const fixture = "testdata/wordnet"

func readFixture(t *testing.T) *wordNet {
	t.Helper()
	wn, err := readWordNet(os.DirFS(fixture))
	if err != nil {
		t.Fatalf("readWordNet(%s): %v", fixture, err)
	}
	return wn
}

func TestBuild(t *testing.T) {
	got := map[string][]string{}
	for _, e := range build(readFixture(t), defaultRules) {
		got[e.word] = e.alts
	}
	// Words without alternatives are listed too, names are not.
	for word, listed := range map[string]bool{"bank": true, "china": false, "cut_back": false, "ax": false} {
		if _, ok := got[word]; ok != listed {
			t.Errorf("build lists %q: %v, want %v", word, ok, listed)
		}
	}
	tests := []struct {
		name, word string
		want       []string // nil: no line
	}{
		{"both senses tagged alike, nouns then verbs", "answer", []string{"reply", "response", "solution", "result", "resolution", "respond"}},
		{"second sense tagged a fifth as often counts", "respond", []string{"react", "answer", "reply"}},
		{"noun and verb senses merge", "reply", []string{"answer", "response", "respond"}},
		{"shared synset not a main sense of the alternative", "resolution", []string{"solution", "answer", "result"}},
		{"untagged second sense is not a main sense", "solvent", []string{"dissolvent"}},
		{"only multi-word alternatives", "bank", nil},
		{"first sense a proper noun", "china", nil},
		{"alternative's first sense a proper noun", "chinaware", nil},
		{"alternative whose first sense is a proper noun left out", "coffee", nil},
		{"second sense after a proper first sense", "java", nil},
		{"multi-word lemma is no headword", "cut_back", nil},
		{"multi-word alternative left out", "curb", []string{"restrict", "curtail"}},
		{"hyphenated alternative left out", "refine", []string{"polish"}},
		{"hyphenated lemma is no headword", "fine-tune", nil},
		{"two-letter alternative left out", "axe", nil},
		{"two-letter lemma is no headword", "ax", nil},
		{"rarely tagged second sense does not count", "cheap", []string{"inexpensive"}},
		{"adjective marker removed", "brassy", []string{"flashy"}},
		{"satellite sense not main for the alternative", "flashy", []string{"brassy"}},
		{"untagged headword kept for a tagged alternative", "stockpile", []string{"reserve", "backlog"}},
		{"untagged spelling variants kept", "sulphate", []string{"sulfate"}},
		{"untagged rare pair dropped", "aardwolf", nil},
		{"capped at MaxAlts, first listed first", "bar", []string{"forbid", "prohibit", "interdict", "proscribe", "veto", "disallow", "nix", "stop"}},
		{"lone lemma", "entity", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if alts := got[tt.word]; !reflect.DeepEqual(alts, tt.want) {
				t.Errorf("build()[%q] = %q, want %q", tt.word, alts, tt.want)
			}
		})
	}
}

func TestRunGolden(t *testing.T) {
	out := filepath.Join(t.TempDir(), "thesaurus.txt")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-wordnet", fixture, "-o", out}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v (stderr %q)", err, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "wrote 37 headwords to ") {
		t.Errorf("run printed %q, want it to start %q", stdout.String(), "wrote 37 headwords to ")
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// The header names the output path; the golden file holds a fixed one.
	got = bytes.Replace(got, []byte(filepath.ToSlash(out)), []byte("OUT"), 1)
	golden := "testdata/want.txt"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./corpus/thesaurusgen -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("run wrote\n%s\nwant (%s)\n%s", got, golden, want)
	}
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no output", []string{"-wordnet", fixture}, "usage"},
		{"stray argument", []string{"-o", "x", "y"}, "usage"},
		{"missing dictionary", []string{"-wordnet", "testdata/none", "-o", filepath.Join(t.TempDir(), "t.txt")}, "index.noun"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(tt.args, &bytes.Buffer{}, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%q) = %v, want an error containing %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestReadWordNetErrors(t *testing.T) {
	good := fstest.MapFS{}
	for _, name := range []string{"index.noun", "index.verb", "index.adj", "data.noun", "data.verb", "data.adj", "cntlist.rev"} {
		data, err := os.ReadFile(filepath.Join(fixture, name))
		if err != nil {
			t.Fatal(err)
		}
		good[name] = &fstest.MapFile{Data: data}
	}
	tests := []struct {
		name, file, line string
		want             string // "$next" stands for the added line's number
	}{
		{"index offsets short of synset_cnt", "index.verb", "curb v 2 1 @ 2 1 00002300\n", "index.verb line $next"},
		{"index synset_cnt not a number", "index.adj", "dear a x 1 & 1 0 00003100\n", "synset_cnt"},
		{"data w_cnt not hexadecimal", "data.adj", "00003300 00 a zz dear 0 000 | costly\n", "w_cnt"},
		{"data words missing", "data.noun", "00001300 06 n 03 axe 0 | tool\n", "names 3 words"},
		{"count line short", "cntlist.rev", "cheap%3:00:00:: 1\n", "cntlist.rev line $next"},
		{"count unknown ss_type", "cntlist.rev", "cheap%9:00:00:: 1 2\n", "ss_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for k, v := range good {
				fsys[k] = v
			}
			fsys[tt.file] = &fstest.MapFile{Data: append(slices.Clone(good[tt.file].Data), tt.line...)}
			next := bytes.Count(good[tt.file].Data, []byte("\n")) + 1
			want := strings.ReplaceAll(tt.want, "$next", strconv.Itoa(next))
			_, err := readWordNet(fsys)
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("readWordNet with %s line %q = %v, want an error containing %q", tt.file, tt.line, err, want)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"sulphate", "sulfate", 2},
		{"licence", "license", 1},
		{"", "abc", 3},
		{"same", "same", 0},
		{"aardwolf", "proteles", 7},
	}
	for _, tt := range tests {
		if got := editDistance(tt.a, tt.b); got != tt.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestShippedTable checks the table in the repository is well formed:
// the regeneration command first, then sorted unique headwords, each with
// plain lower-case alternatives other than itself, and compact.
func TestShippedTable(t *testing.T) {
	const path = "../thesaurus.txt"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 1<<20 {
		t.Errorf("%s is %d bytes, want at most 1 MiB", path, len(data))
	}
	const first = "# generated by: go run ./corpus/thesaurusgen -wordnet /usr/share/wordnet -o corpus/thesaurus.txt\n"
	if !bytes.HasPrefix(data, []byte(first)) {
		t.Errorf("%s does not open with %q", path, first)
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	prev, n := "", 0
	for ln := 1; sc.Scan(); ln++ {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		word, alts, ok := strings.Cut(line, "\t")
		if !plainWord(word, 3) || word <= prev {
			t.Fatalf("%s:%d: %q: want a plain headword after %q, then a tab and alternatives or nothing", path, ln, line, prev)
		}
		prev = word
		n++
		if !ok {
			continue
		}
		for _, a := range strings.Split(alts, ",") {
			if !plainWord(a, 3) || a == word {
				t.Fatalf("%s:%d: alternative %q of %q: want another plain word of 3 letters or more", path, ln, a, word)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 10000 {
		t.Errorf("%s has %d headwords, want at least 10000", path, n)
	}
}
