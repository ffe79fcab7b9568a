package main

import (
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestAskSkipsAnUnchangedCorpus: once the index is up to date, ask reads
// only the corpus's file list, not the files; any change to a file's size
// or modification time sends it back to reading them.
func TestAskSkipsAnUnchangedCorpus(t *testing.T) {
	dir, idx := t.TempDir(), t.TempDir()
	article := filepath.Join(dir, "gallium.md")
	write := func(body string, mtime time.Time) {
		t.Helper()
		if err := os.WriteFile(article, []byte("# Gallium Controls\n\n"+body+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(article, mtime, mtime); err != nil {
			t.Fatal(err)
		}
	}
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	write("China restricts gallium exports to Western buyers.", t0)
	ask := func() string {
		return mustRun(t, "ask", "--corpus", dir, "--index", idx, "Who restricts gallium exports?").stdout
	}
	if out := ask(); !strings.Contains(out, "China restricts gallium") {
		t.Fatalf("first ask = %q, want the article quoted", out)
	}
	if _, err := os.Stat(filepath.Join(idx, fingerprintFile)); err != nil {
		t.Fatalf("no corpus fingerprint after an update: %v", err)
	}

	// Same size, same modification time, other words: the quick path
	// does not read the file, so the index still answers from the old text.
	write("Japan restricts gallium exports to Western buyers.", t0)
	if out := ask(); !strings.Contains(out, "China restricts gallium") {
		t.Errorf("ask on an unchanged file list = %q, want the indexed (old) text: the corpus was read again", out)
	}

	// A new modification time is a change.
	write("Japan restricts gallium exports to Western buyers.", t0.Add(time.Second))
	if out := ask(); !strings.Contains(out, "Japan restricts gallium") {
		t.Errorf("ask after the file changed = %q, want the new text", out)
	}
	// So is a new file.
	if err := os.WriteFile(filepath.Join(dir, "cobalt.md"), []byte("# Cobalt\n\nCongo mines most cobalt.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := mustRun(t, "ask", "--corpus", dir, "--index", idx, "Where is cobalt mined?").stdout; !strings.Contains(out, "Congo mines most cobalt") {
		t.Errorf("ask after a file was added = %q, want it quoted", out)
	}
}

func TestParseFlagsAnywhere(t *testing.T) {
	for _, tc := range []struct {
		args []string
		json bool
		pos  []string
	}{
		{[]string{"--json", "why", "not"}, true, []string{"why", "not"}},
		{[]string{"why", "not", "--json"}, true, []string{"why", "not"}},
		{[]string{"why", "--json", "not"}, true, []string{"why", "not"}},
		{[]string{"--", "-5%", "tariffs", "--json"}, false, []string{"-5%", "tariffs", "--json"}},
		{[]string{"q", "--", "--json"}, false, []string{"q", "--json"}},
		{nil, false, nil},
	} {
		env := &environment{stderr: io.Discard}
		fs := newFlagSet(env, "ask", "", "")
		asJSON := fs.Bool("json", false, "")
		if err := parseFlags(fs, tc.args); err != nil {
			t.Fatalf("parseFlags(%q) = %v", tc.args, err)
		}
		if *asJSON != tc.json || !slices.Equal(fs.Args(), tc.pos) {
			t.Errorf("parseFlags(%q): json %v, args %q; want %v, %q", tc.args, *asJSON, fs.Args(), tc.json, tc.pos)
		}
	}
	fs := newFlagSet(&environment{stderr: io.Discard}, "ask", "", "")
	if err := parseFlags(fs, []string{"q", "--nope"}); err == nil {
		t.Error("parseFlags with an unknown flag after the question: no error")
	}
}
