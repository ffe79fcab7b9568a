package corpus

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"chokepoint"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

func TestLoad(t *testing.T) {
	big := "Big\n\n" + strings.Repeat("word ", 300) + "\n"
	fsys := fstest.MapFS{
		"good.md":              file("---\ntitle: Good\nfoo: 1\n---\nBody of good.\n"),
		"dup.md":               file("# Dup MD\n\nFrom markdown.\n"),
		"dup.txt":              file("Dup TXT\n\nFrom text.\n"),
		"sub/article.txt":      file("Sub Article\n\nSub body.\n"),
		"sub/article.yml":      file("source: Sub Source\n"),
		"sub/orphan.yaml":      file("title: nobody\n"),
		"sub/synonyms.yaml":    file("equivalent: [[a, b]]\n"),
		"empty.txt":            file(""),
		"binary.txt":           file("bin\x00ary"),
		"latin1.txt":           file("Caf\xe9\n\nBody.\n"),
		"big.txt":              file(big),
		"titleonly.txt":        file("Only A Title\n"),
		"badyaml.md":           file("---\ntitle: [\n---\nBody.\n"),
		"notes.pdf":            file("%PDF"),
		"README.md":            file("# About this corpus\n\nNot an article.\n"),
		".hidden/secret.md":    file("# Hidden\n\nHidden body.\n"),
		".DS_Store":            file("junk"),
		"synonyms.yaml":        file("equivalent:\n  - [magnet, magnets, NdFeB]\nimplies:\n  Moscow: [Russia]\n"),
		"z/last.markdown":      file("Last\n\nLast body.\n"),
		"baddup.markdown":      file(""),
		"baddup.txt":           file("Bad Dup Survivor\n\nThe txt loads because the markdown failed.\n"),
		"crlf/windows.txt":     file("\ufeffWin\r\n\r\nBody line.\r\n"),
		"sub/deeper/x.txt":     file("X\n\nx body.\n"),
		"sub/deeper/x.txt.bak": file("old"),
	}
	res, err := Load(fsys, Options{MaxFileSize: 1000})
	if err != nil {
		t.Fatalf("Load error: %v", err)
	}
	var ids []string
	for _, d := range res.Documents {
		ids = append(ids, d.ID)
		checkInvariants(t, d)
	}
	wantIDs := []string{"baddup", "crlf/windows", "dup", "good", "sub/article", "sub/deeper/x", "z/last"}
	if !reflect.DeepEqual(ids, wantIDs) {
		t.Errorf("Load IDs = %q, want %q", ids, wantIDs)
	}
	byID := map[string]chokepoint.Document{}
	for _, d := range res.Documents {
		byID[d.ID] = d
	}
	if d := byID["dup"]; d.Path != "dup.md" || d.Title != "Dup MD" {
		t.Errorf("dup loaded from %q titled %q, want dup.md titled Dup MD", d.Path, d.Title)
	}
	if d := byID["sub/article"]; d.Source != "Sub Source" {
		t.Errorf("sub/article source = %q, want the sidecar's Sub Source", d.Source)
	}
	if d := byID["crlf/windows"]; d.Title != "Win" || len(d.Passages) != 1 || d.Passages[0].Text != "Body line." {
		t.Errorf("crlf/windows = %q %+v", d.Title, d.Passages)
	}

	wantSkipped := map[string]string{
		"dup.txt":              `duplicate document ID "dup": already loaded from dup.md`,
		"sub/orphan.yaml":      "no orphan.txt next to it",
		"sub/synonyms.yaml":    "only from synonyms.yaml at the corpus root",
		"empty.txt":            "empty file",
		"binary.txt":           "NUL byte at byte 3",
		"latin1.txt":           "not valid UTF-8 at byte 3",
		"big.txt":              "file too large",
		"titleonly.txt":        "no body text after the title",
		"badyaml.md":           "front matter: invalid YAML",
		"notes.pdf":            "unsupported file type",
		"baddup.markdown":      "empty file",
		"sub/deeper/x.txt.bak": "unsupported file type",
	}
	got := map[string]string{}
	for _, s := range res.Skipped {
		got[s.Path] = s.Error()
	}
	for p, want := range wantSkipped {
		if !strings.Contains(got[p], want) {
			t.Errorf("Skipped[%q] = %q, want it to contain %q", p, got[p], want)
		}
	}
	for p := range got {
		if _, ok := wantSkipped[p]; !ok {
			t.Errorf("Skipped unexpected %q: %s", p, got[p])
		}
	}
	if len(res.Warnings) != 1 || res.Warnings[0].Path != "good.md" || res.Warnings[0].Line != 3 ||
		!strings.Contains(res.Warnings[0].Error(), `unknown key "foo"`) {
		t.Errorf("Warnings = %v, want good.md:3 unknown key \"foo\"", res.Warnings)
	}
	// The corpus's own synonyms file extends the embedded vocabulary.
	wantVocab := extend(defaultVocabulary(), chokepoint.Vocabulary{
		Equivalent: [][]string{{"magnet", "magnets", "NdFeB"}},
		Implies:    map[string][]string{"Moscow": {"Russia"}},
	})
	if !reflect.DeepEqual(res.Vocabulary, wantVocab) {
		t.Errorf("Vocabulary = %+v, want %+v", res.Vocabulary, wantVocab)
	}
}

func TestLoadVocabularyFallback(t *testing.T) {
	def := loadDefault(t).Vocabulary
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		skipped string
	}{
		{"absent", fstest.MapFS{"a.txt": file("A\n\nBody.\n")}, ""},
		{"invalid", fstest.MapFS{"a.txt": file("A\n\nBody.\n"), "synonyms.yaml": file("equivalent:\n  - [lonely]\n")}, "synonyms.yaml:2:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Load(tt.fsys, Options{})
			if err != nil {
				t.Fatalf("Load error: %v", err)
			}
			if !reflect.DeepEqual(res.Vocabulary, def) {
				t.Errorf("Vocabulary = %+v, want the default", res.Vocabulary)
			}
			if len(res.Documents) != 1 {
				t.Errorf("Load = %d documents, want 1", len(res.Documents))
			}
			if tt.skipped == "" && len(res.Skipped) != 0 {
				t.Errorf("Skipped = %v, want none", res.Skipped)
			}
			if tt.skipped != "" && (len(res.Skipped) != 1 || !strings.HasPrefix(res.Skipped[0].Error(), tt.skipped)) {
				t.Errorf("Skipped = %v, want one starting %q", res.Skipped, tt.skipped)
			}
		})
	}
}

// brokenFS fails to list its root.
type brokenFS struct{}

func (brokenFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
}

func TestLoadUnwalkable(t *testing.T) {
	_, err := Load(brokenFS{}, Options{})
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("Load(broken) error = %v, want fs.ErrPermission", err)
	}
}

func TestLoadDefaultSize(t *testing.T) {
	body := "Big\n\n" + strings.Repeat("Words make a paragraph. ", 50000) + "\n" // ~1.2 MB
	res, err := Load(fstest.MapFS{"big.txt": file(body)}, Options{})
	if err != nil || len(res.Documents) != 1 {
		t.Fatalf("Load 1.2 MB file with default limit: %d documents, skipped %v, err %v", len(res.Documents), res.Skipped, err)
	}
	huge := strings.Repeat("x", int(DefaultMaxFileSize)+1)
	res, _ = Load(fstest.MapFS{"huge.txt": file(huge)}, Options{})
	if len(res.Documents) != 0 || len(res.Skipped) != 1 {
		t.Errorf("Load over DefaultMaxFileSize: %d documents, skipped %v; want it skipped", len(res.Documents), res.Skipped)
	}
}

func TestLoadDirFS(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("real/a.txt", "A\n\nBody a.\n")
	write("b.md", "# B\n\nBody b.\n")
	if err := os.Symlink(filepath.Join(dir, "real", "a.txt"), filepath.Join(dir, "linked.txt")); err != nil {
		t.Skipf("symlinks unsupported: %v", err)
	}
	res, err := Load(os.DirFS(dir), Options{})
	if err != nil {
		t.Fatalf("Load error: %v", err)
	}
	var ids []string
	for _, d := range res.Documents {
		ids = append(ids, d.ID)
	}
	// The link is the same file as real/a.txt: indexed once, there.
	if want := []string{"b", "real/a"}; !reflect.DeepEqual(ids, want) || len(res.Skipped) != 0 {
		t.Errorf("Load(DirFS) IDs = %q skipped %v, want %q and none skipped", ids, res.Skipped, want)
	}
}

func TestLoadSymlinks(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	write := func(root, name, data string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		t.Helper()
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Skipf("symlinks unsupported: %v", err)
		}
	}
	write(dir, "real/a.txt", "A\n\nBody a.\n")
	write(dir, "sub/c.md", "# C\n\nBody c.\n")
	write(outside, "ext/b.md", "# B\n\nBody b.\n")
	link(filepath.Join(dir, "real", "a.txt"), "abs.txt") // absolute link to a corpus file
	link("real/a.txt", "rel.txt")                        // relative link to a corpus file
	link("real", "linkdir")                              // link to a corpus directory
	link(filepath.Join(outside, "ext"), "extlink")       // link to a directory outside
	link("missing.md", "dangling.md")                    // dangling
	link("loop2.md", "loop1.md")                         // a loop of two links
	link("loop1.md", "loop2.md")
	link("..", "sub/up")                                    // a directory link to an ancestor
	link(filepath.Join(dir, "sub", "deeper"), "sub/deeper") // a directory link to itself

	res, err := Load(os.DirFS(dir), Options{})
	if err != nil {
		t.Fatalf("Load error: %v", err)
	}
	var ids []string
	for _, d := range res.Documents {
		ids = append(ids, d.ID)
	}
	if want := []string{"extlink/b", "real/a", "sub/c"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("Load IDs = %q, want %q: each file once, by its real path", ids, want)
	}
	wantSkipped := map[string]string{
		"dangling.md": "dangling symlink",
		"loop1.md":    "symlink loop",
		"loop2.md":    "symlink loop",
		"sub/up":      "symlink loop",
		"sub/deeper":  "symlink loop",
	}
	got := map[string]string{}
	for _, s := range res.Skipped {
		got[s.Path] = s.Error()
	}
	if len(got) != len(wantSkipped) {
		t.Errorf("Skipped = %v, want %d entries", res.Skipped, len(wantSkipped))
	}
	for p, want := range wantSkipped {
		if !strings.Contains(got[p], want) {
			t.Errorf("Skipped[%q] = %q, want it to say %q", p, got[p], want)
		}
	}
	warned := map[string]string{}
	for _, w := range res.Warnings {
		warned[w.Path] = w.Error()
	}
	for _, p := range []string{"abs.txt", "rel.txt", "linkdir/a.txt"} {
		if !strings.Contains(warned[p], "same file as real/a.txt") {
			t.Errorf("Warnings[%q] = %q, want it to name real/a.txt", p, warned[p])
		}
	}
}

func TestLoadVocabulary(t *testing.T) {
	own := fstest.MapFS{
		"synonyms.yaml": {Data: []byte("equivalent:\n  - [cobalt, Co]\n")},
		"a.md":          {Data: []byte("# A\n\nText.\n")},
	}
	v, skipped := LoadVocabulary(own, Options{})
	def := defaultVocabulary()
	if len(skipped) != 0 || len(v.Equivalent) != len(def.Equivalent)+1 || v.Equivalent[len(def.Equivalent)][0] != "cobalt" {
		t.Errorf("LoadVocabulary(own) = %v, %v; want the embedded groups and the corpus's one", v, skipped)
	}
	replace := fstest.MapFS{"synonyms.yaml": {Data: []byte("replace: true\nequivalent:\n  - [cobalt, Co]\n")}}
	if v, _ := LoadVocabulary(replace, Options{}); len(v.Equivalent) != 1 || len(v.Implies) != 0 {
		t.Errorf("LoadVocabulary(replace: true) = %v; want the corpus's one group alone", v)
	}
	if _, err := ParseVocabulary("s.yaml", []byte("replace: [yes]\n")); err == nil || !strings.Contains(err.Error(), "s.yaml:1") {
		t.Errorf("ParseVocabulary(replace: list) error = %v, want one naming s.yaml:1", err)
	}
	res, err := Load(own, Options{})
	if err != nil || !reflect.DeepEqual(res.Vocabulary, v) {
		t.Errorf("Load's vocabulary = %v (%v), want LoadVocabulary's %v", res.Vocabulary, err, v)
	}
	broken := fstest.MapFS{"synonyms.yaml": {Data: []byte("equivalent: [[lonely]]\n")}}
	v, skipped = LoadVocabulary(broken, Options{})
	if len(skipped) != 1 || len(v.Equivalent) < 4 {
		t.Errorf("LoadVocabulary(broken) = %d groups, skipped %v; want the default vocabulary and the file reported", len(v.Equivalent), skipped)
	}
}
