package corpusgen_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"chokepoint"
	"chokepoint/corpus"
	"chokepoint/corpus/corpusgen"
)

func TestDocumentsDeterministic(t *testing.T) {
	a := corpusgen.Documents(30, 7)
	b := corpusgen.Documents(30, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("Documents(30, 7) differs between calls")
	}
	// A smaller corpus is a prefix of a larger one.
	if c := corpusgen.Documents(10, 7); !reflect.DeepEqual(c, a[:10]) {
		t.Errorf("Documents(10, 7) is not a prefix of Documents(30, 7)")
	}
	// Another seed gives other text.
	d := corpusgen.Documents(30, 8)
	same := 0
	for i := range a {
		if a[i].Hash == d[i].Hash {
			same++
		}
	}
	if same > 0 {
		t.Errorf("Documents(30, 8) shares %d of 30 hashes with seed 7, want 0", same)
	}
	if n := len(corpusgen.Documents(0, 7)); n != 0 {
		t.Errorf("len(Documents(0, 7)) = %d, want 0", n)
	}
}

func TestDocumentsShape(t *testing.T) {
	docs := corpusgen.Documents(200, 1)
	if len(docs) != 200 {
		t.Fatalf("len(Documents(200, 1)) = %d, want 200", len(docs))
	}
	total, lists := 0, 0
	ids := map[string]bool{}
	words := map[string]int{} // word -> documents using it
	for i, d := range docs {
		if ids[d.ID] {
			t.Errorf("duplicate ID %q", d.ID)
		}
		ids[d.ID] = true
		if i > 0 && docs[i-1].ID >= d.ID {
			t.Errorf("documents not sorted by ID: %q before %q", docs[i-1].ID, d.ID)
		}
		if d.Title == "" || d.Source == "" || d.URL == "" || d.Published == "" || d.Hash == "" || d.Reviews == nil {
			t.Errorf("%s: missing metadata: %+v", d.ID, d)
		}
		if n := len(d.Passages); n < 8 || n > 12 {
			t.Errorf("%s has %d passages, want 8 to 12", d.ID, n)
		}
		if n := len(d.Sections); n < 3 || n > 4 {
			t.Errorf("%s has %d sections, want 3 or 4", d.ID, n)
		}
		seen := map[string]bool{}
		for j, p := range d.Passages {
			total++
			if p.DocID != d.ID || p.Index != j || p.Text == "" {
				t.Errorf("%s passage %d = %+v, want DocID %q, Index %d, text", d.ID, j, p, d.ID, j)
			}
			if j == 0 && p.Section != "" {
				t.Errorf("%s: lead passage under section %q, want none", d.ID, p.Section)
			}
			if j > 0 && p.Section == "" {
				t.Errorf("%s passage %d has no section", d.ID, j)
			}
			if strings.Contains(p.Text, "{") {
				t.Errorf("%s passage %d holds an unfilled slot: %q", d.ID, j, p.Text)
			}
			if p.Kind == chokepoint.List {
				lists++
			}
			for _, w := range strings.Fields(strings.ToLower(p.Text)) {
				if !seen[w] {
					seen[w] = true
					words[w]++
				}
			}
		}
	}
	if avg := float64(total) / float64(len(docs)); avg < 9 || avg > 11 {
		t.Errorf("average passages per article = %.1f, want about 10", avg)
	}
	if lists < len(docs) {
		t.Errorf("%d lists in %d articles, want at least one an article", lists, len(docs))
	}
	// The vocabulary is shared: key terms recur across many articles, so
	// queries have competing candidates.
	for _, w := range []string{"refining", "processing", "separation", "sanctions", "tariffs", "lithium", "graphite", "gallium", "magnets"} {
		if words[w] < 5 {
			t.Errorf("%q appears in %d of 200 articles, want at least 5", w, words[w])
		}
	}
}

func TestWriteFilesLoads(t *testing.T) {
	dir := t.TempDir()
	const n = 200
	if err := corpusgen.WriteFiles(dir, n, 3); err != nil {
		t.Fatalf("WriteFiles: %v", err)
	}
	res, err := corpus.Load(os.DirFS(dir), corpus.Options{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	for _, s := range res.Skipped {
		t.Errorf("Load skipped %v", s)
	}
	for _, w := range res.Warnings {
		t.Errorf("Load warned %v", w)
	}
	want := corpusgen.Documents(n, 3)
	if len(res.Documents) != len(want) {
		t.Fatalf("Load found %d documents, want %d", len(res.Documents), len(want))
	}
	for i, got := range res.Documents {
		if !reflect.DeepEqual(got, want[i]) {
			t.Errorf("loaded %s =\n%+v\nwant\n%+v", got.ID, got, want[i])
			for j := range min(len(got.Passages), len(want[i].Passages)) {
				if got.Passages[j] != want[i].Passages[j] {
					t.Errorf("  passage %d = %+v\n  want %+v", j, got.Passages[j], want[i].Passages[j])
				}
			}
		}
	}
}

func TestWriteFilesBadDir(t *testing.T) {
	file := t.TempDir() + "/file"
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := corpusgen.WriteFiles(file, 1, 1); err == nil {
		t.Errorf("WriteFiles(%q) = nil, want an error (a file is in the way)", file)
	}
}
