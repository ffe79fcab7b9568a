package corpus

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// benchCorpus returns n articles made from the seed: scraped text, Markdown
// with front matter and hard-wrapped text in turn.
func benchCorpus(b *testing.B, n int) (fstest.MapFS, int64) {
	b.Helper()
	seed, err := fs.ReadFile(Default(), "000_0524fadb7a41a105.txt")
	if err != nil {
		b.Fatalf("read seed: %v", err)
	}
	text := string(seed)
	md := "---\ntitle: Copy\nsource: Bench\ntags: [a, b]\n---\n# Copy\n\n" +
		strings.ReplaceAll(strings.ReplaceAll(text, "Highlights", "## Highlights"), "Other Details", "## Other Details")
	wrapped := wrap(text, 72)
	fsys := fstest.MapFS{}
	var total int64
	for i := range n {
		var name, data string
		switch i % 3 {
		case 0:
			name, data = fmt.Sprintf("s%02d/a%05d.txt", i/1000, i), text
		case 1:
			name, data = fmt.Sprintf("s%02d/a%05d.md", i/1000, i), md
		default:
			name, data = fmt.Sprintf("s%02d/a%05d.txt", i/1000, i), wrapped
		}
		data = strings.Replace(data, "Russia", fmt.Sprintf("Russia%d", i), 1)
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
		total += int64(len(data))
	}
	return fsys, total
}

// wrap hard-wraps every line of text at width columns.
func wrap(text string, width int) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		indent := l[:indentOf(l)]
		line := ""
		for _, w := range strings.Fields(l) {
			if line != "" && runeLen(line)+1+runeLen(w) > width {
				out = append(out, line)
				line = ""
			}
			if line == "" {
				line = indent
			} else {
				line += " "
			}
			line += w
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

func BenchmarkLoad(b *testing.B) {
	fsys, total := benchCorpus(b, 3000)
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		res, err := Load(fsys, Options{})
		if err != nil || len(res.Documents) != 3000 {
			b.Fatalf("Load = %d documents, skipped %v, err %v", len(res.Documents), res.Skipped, err)
		}
	}
}

func BenchmarkParseSeed(b *testing.B) {
	seed, err := fs.ReadFile(Default(), "000_0524fadb7a41a105.txt")
	if err != nil {
		b.Fatalf("read seed: %v", err)
	}
	b.SetBytes(int64(len(seed)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Parse("seed.txt", seed, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBenchCorpusLoadsCleanly(t *testing.T) {
	// The benchmark's wrapped copy must parse like the original, or the
	// benchmark measures the wrong thing.
	seed, _ := fs.ReadFile(Default(), "000_0524fadb7a41a105.txt")
	a, _, err1 := Parse("a.txt", seed, nil)
	w, _, err2 := Parse("w.txt", []byte(wrap(string(seed), 72)), nil)
	if err1 != nil || err2 != nil {
		t.Fatalf("Parse errors %v %v", err1, err2)
	}
	if fmt.Sprint(summary(a)) != fmt.Sprint(summary(w)) || !slices.Equal(a.Sections, w.Sections) {
		t.Errorf("seed wrapped at 72 columns parses differently:\n%q\nwant\n%q", summary(w), summary(a))
	}
}
