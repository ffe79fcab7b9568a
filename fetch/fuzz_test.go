package fetch

import (
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzExtract feeds extract hostile pages: it must return, without
// panicking, either an error or an article whose Markdown is valid UTF-8
// and opens with front matter.
func FuzzExtract(f *testing.F) {
	page, err := os.ReadFile(filepath.Join("testdata", "article.html"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(page)
	f.Add([]byte("<html><head><title>T</title></head><body><p>Only one short line.</p></body></html>"))
	f.Add([]byte("<article><h1>Gallium</h1><p>China restricted gallium exports in 2023, requiring licences for every shipment abroad.</p><script>var x = {a: 1};</script></article>"))
	f.Add([]byte("<div><div><div><p>" + string(make([]byte, 64)) + "</p></div></div></div>"))
	u, _ := url.Parse("https://example.com/article")
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := extract(body, u, fixedNow())
		if err != nil {
			return
		}
		md := a.Markdown()
		if !utf8.Valid(md) {
			t.Errorf("Markdown of an extracted article is not valid UTF-8: %q", md)
		}
		if len(md) < 4 || string(md[:4]) != "---\n" {
			t.Errorf("Markdown does not open with front matter: %q", md)
		}
	})
}
