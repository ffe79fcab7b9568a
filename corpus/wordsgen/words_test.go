package main

import (
	"bufio"
	"bytes"
	"flag"
	"os"
	"path/filepath"
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
	got := build(readFixture(t))
	if !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != len(got) {
		t.Errorf("build() = %q, want sorted unique words", got)
	}
	tests := []struct {
		name, word string
		listed     bool
	}{
		{"tagged noun and verb", "answer", true},
		{"tagged verb", "respond", true},
		{"tagged adjective", "cheap", true},
		{"first sense a proper noun", "china", false},
		{"multi-word lemma", "cut_back", false},
		{"hyphenated lemma", "fine-tune", false},
		{"two letters", "ax", false},
		{"never tagged", "aardwolf", false},
		{"tagged adverb", "probably", true},
		{"untagged adverb", "seldomly", false},
		{"irregular form of a listed verb", "forbade", true},
		{"irregular form of a tagged two-letter verb", "went", true},
		{"irregular form of an unlisted verb", "sped", false},
		{"irregular plural of an unlisted noun", "mice", false},
		{"irregular comparative of a listed adjective", "cheaper", true},
		{"-es form of a tagged two-letter verb", "goes", true},
		{"-ing form of a tagged two-letter verb", "going", true},
		{"two-letter verb itself", "go", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, found := slices.BinarySearch(got, tt.word); found != tt.listed {
				t.Errorf("build() lists %q: %v, want %v", tt.word, found, tt.listed)
			}
		})
	}
}

func TestRunGolden(t *testing.T) {
	out := filepath.Join(t.TempDir(), "words.txt")
	var stdout, stderr bytes.Buffer
	if err := run([]string{"-wordnet", fixture, "-o", out}, &stdout, &stderr); err != nil {
		t.Fatalf("run: %v (stderr %q)", err, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "wrote ") || !strings.Contains(stdout.String(), " words to ") {
		t.Errorf("run printed %q, want \"wrote N words to …\"", stdout.String())
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
		t.Fatalf("%v (run go test ./corpus/wordsgen -update)", err)
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
	for _, name := range []string{"index.noun", "index.verb", "index.adj", "index.adv", "data.noun", "data.verb", "data.adj", "data.adv", "noun.exc", "verb.exc", "adj.exc", "adv.exc", "cntlist.rev"} {
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
		{"exception without a base", "verb.exc", "forbade\n", "verb.exc line $next"},
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

// TestShippedList checks the list in the repository is well formed: the
// regeneration command first, then sorted unique plain words, compact.
func TestShippedList(t *testing.T) {
	const path = "../words.txt"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 1<<20 {
		t.Errorf("%s is %d bytes, want at most 1 MiB", path, len(data))
	}
	const first = "# generated by: go run ./corpus/wordsgen -wordnet /usr/share/wordnet -o corpus/words.txt\n"
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
		if !plainWord(line, minLen) || line <= prev {
			t.Fatalf("%s:%d: %q: want a plain word after %q", path, ln, line, prev)
		}
		prev = line
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 10000 {
		t.Errorf("%s has %d words, want at least 10000", path, n)
	}
}
