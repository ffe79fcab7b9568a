package corpus

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"unicode/utf8"

	"chokepoint"
)

func FuzzParse(f *testing.F) {
	seed, err := fs.ReadFile(Default(), "000_0524fadb7a41a105.txt")
	if err != nil {
		f.Fatalf("read seed: %v", err)
	}
	f.Add(true, seed, []byte("title: x\nreviews: {source: y}\n"))
	f.Add(false, []byte("---\ntitle: T\ntags: [a]\n---\n# H\n\nSome *em* and [link](u).\n\n- a\n  - b\n"), []byte(nil))
	f.Add(true, []byte("T\r\nline one\r\nline two\r\n• x\r\n\t• y\r\n"), []byte(nil))
	f.Add(true, []byte("\ufeffCaf\u00c3\u00a9\n\nItâ€™s â€œcutâ€\n\nShare this:\n\nLeave a Reply\n"), []byte(nil))
	f.Add(false, []byte("```\ncode\n\n> q\n---\n\\*x\\* `a` ``b`` <i>t</i> &amp;"), []byte(nil))
	f.Fuzz(func(t *testing.T, txt bool, data, sidecar []byte) {
		p := "fuzz/doc.md"
		if txt {
			p = "fuzz/doc.txt"
		}
		doc, warns, err := Parse(p, data, sidecar)
		if err != nil {
			var fe *chokepoint.FileError
			if !errors.As(err, &fe) || fe.Path == "" {
				t.Fatalf("Parse error %v is not a *FileError with a path", err)
			}
			return
		}
		for _, w := range warns {
			if w.Path == "" || w.Err == nil {
				t.Fatalf("warning %+v lacks path or error", w)
			}
		}
		if len(doc.Passages) == 0 {
			t.Fatalf("Parse returned a document without passages")
		}
		if !utf8.ValidString(doc.Title) || strings.Contains(doc.Title, "\n") {
			t.Fatalf("title %q is not one valid line", doc.Title)
		}
		for i, s := range doc.Sections {
			if s == "" || !utf8.ValidString(s) || strings.Contains(s, "\n") {
				t.Fatalf("section %d = %q, want one non-empty valid line", i, s)
			}
		}
		for i, ps := range doc.Passages {
			if ps.Index != i {
				t.Fatalf("passage %d has Index %d", i, ps.Index)
			}
			if strings.TrimSpace(ps.Text) == "" {
				t.Fatalf("passage %d is empty", i)
			}
			if !utf8.ValidString(ps.Text) {
				t.Fatalf("passage %d is not valid UTF-8: %q", i, ps.Text)
			}
			if strings.Contains(ps.Text, "\n\n") {
				t.Fatalf("passage %d holds a blank line: %q", i, ps.Text)
			}
			if ps.Kind == chokepoint.Paragraph && strings.Contains(ps.Text, "\n") {
				t.Fatalf("paragraph %d holds a line break: %q", i, ps.Text)
			}
		}
	})
}

func FuzzParseVocabulary(f *testing.F) {
	data, err := fs.ReadFile(Default(), "synonyms.yaml")
	if err != nil {
		f.Fatalf("read synonyms: %v", err)
	}
	f.Add(data)
	f.Add([]byte("equivalent: [[a, b], [c]]\n"))
	f.Add([]byte("implies: {a: b, c: [d, ~]}\n"))
	f.Add([]byte("- [x]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := ParseVocabulary("synonyms.yaml", data)
		if err != nil {
			var fe *chokepoint.FileError
			if !errors.As(err, &fe) || fe.Path != "synonyms.yaml" {
				t.Fatalf("ParseVocabulary error %v is not a *FileError naming the file", err)
			}
			return
		}
		for _, g := range v.Equivalent {
			if len(g) < 2 {
				t.Fatalf("group %q has fewer than 2 terms", g)
			}
			for _, term := range g {
				if term == "" {
					t.Fatalf("group %q holds an empty term", g)
				}
			}
		}
		for k, ts := range v.Implies {
			if k == "" || len(ts) == 0 {
				t.Fatalf("implies %q: %q", k, ts)
			}
			for _, term := range ts {
				if term == "" {
					t.Fatalf("implies %q holds an empty term", k)
				}
			}
		}
	})
}
