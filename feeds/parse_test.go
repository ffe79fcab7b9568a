package feeds

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestParse(t *testing.T) {
	tests := []struct {
		file, base string
		kind       Kind
		title      string
		entries    []Entry
		sitemaps   []string
		skipped    int
	}{
		{"rss.xml", "https://critique.example/feed", RSS, "Supply Chain Critiques", []Entry{
			{URL: "https://critique.example/gallium", Title: "Why gallium export controls backfire", Author: "Ana Ortiz", Published: date("2026-11-10T08:00:00Z")},
			{URL: "https://critique.example/cobalt?utm_source=rss", Title: "Relative link", Published: date("2026-11-09T08:00:00Z")},
			{URL: "https://critique.example/guid-only", Title: "Permalink guid only", Author: "editor@critique.example (Editor)"},
		}, nil, 3},
		{"atom.xml", "https://ree.example/atom.xml", Atom, "Rare Earth Review", []Entry{
			{URL: "https://ree.example/separation", Title: "Separation is the chokepoint", Author: "Li Wei, Sam Park", Published: date("2026-11-05T08:30:00Z")},
			{URL: "https://ree.example/magnets", Title: "No rel means alternate", Published: date("2026-11-04T00:00:00Z")},
			{URL: "https://ree.example/by-id", Title: "Id is the link"},
		}, nil, 0},
		{"feed.json", "https://minerals.example/feed.json", JSONFeed, "Minerals Weekly", []Entry{
			{URL: "https://minerals.example/lithium", Title: "Lithium brine", Author: "A. Author, B. Author", Published: date("2026-11-01T10:00:00Z")},
			{URL: "https://minerals.example/by-id", Title: "By id", Author: "Old Style"},
			{URL: "https://elsewhere.example/story", Title: "Linked elsewhere", Published: date("2026-10-30T00:00:00Z")},
		}, nil, 1},
		{"news-sitemap.xml", "https://news.example/sitemap.xml", Sitemap, "", []Entry{
			{URL: "https://news.example/2026/11/graphite-anodes", Title: "Graphite anodes and the export licence", Source: "The Mineral Times", Published: date("2026-11-08T12:00:00Z")},
			{URL: "https://news.example/about", Published: date("2026-01-02T00:00:00Z")},
		}, nil, 0},
		{"sitemapindex.xml", "https://news.example/sitemap.xml", SitemapIndex, "", nil,
			[]string{"https://news.example/sitemap-2026-11.xml", "https://news.example/sitemap-2026-10.xml"}, 0},
		{"rdf.xml", "https://old.example/rss", RSS, "Old School", []Entry{
			{URL: "https://old.example/tungsten", Title: "Tungsten", Published: date("2026-11-02T00:00:00Z")},
		}, nil, 0},
		{"latin1.xml", "https://latin.example/rss", RSS, "Café métaux", []Entry{
			{URL: "https://latin.example/nino", Title: "Niño"},
		}, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			f, err := Parse(readTestdata(t, tc.file), mustURL(tc.base))
			if err != nil {
				t.Fatalf("Parse(%s) = %v", tc.file, err)
			}
			if f.Kind != tc.kind || f.Title != tc.title || f.Skipped != tc.skipped {
				t.Errorf("Parse(%s) = kind %q title %q skipped %d, want %q %q %d", tc.file, f.Kind, f.Title, f.Skipped, tc.kind, tc.title, tc.skipped)
			}
			if got, want := fmt.Sprintf("%+v", f.Entries), fmt.Sprintf("%+v", tc.entries); got != want {
				t.Errorf("Parse(%s).Entries =\n%s\nwant\n%s", tc.file, got, want)
			}
			var sm []string
			for _, s := range f.Sitemaps {
				sm = append(sm, s.URL)
			}
			if fmt.Sprint(sm) != fmt.Sprint(tc.sitemaps) {
				t.Errorf("Parse(%s).Sitemaps = %v, want %v", tc.file, sm, tc.sitemaps)
			}
		})
	}
}

func TestParseMalformedKeepsEntriesBeforeTheFault(t *testing.T) {
	f, err := Parse(readTestdata(t, "truncated.xml"), mustURL("https://cut.example/rss"))
	if err == nil || !strings.Contains(err.Error(), "malformed XML at line") {
		t.Errorf("Parse(truncated) error = %v, want one naming the line", err)
	}
	if f == nil || len(f.Entries) != 2 || f.Entries[1].URL != "https://cut.example/2" {
		t.Fatalf("Parse(truncated) = %+v, want the two entries before the cut", f)
	}
	js := []byte(`{"version": "https://jsonfeed.org/version/1", "items": [{"url": "https://j.example/1"}, {"url": "https://j.example/2"}, {"url": `)
	f, err = Parse(js, nil)
	if err == nil || f == nil || len(f.Entries) != 2 {
		t.Errorf("Parse(truncated JSON) = %+v, %v, want 2 entries and an error", f, err)
	}
}

func TestParseRefusesWhatIsNoFeed(t *testing.T) {
	for name, body := range map[string]string{
		"empty":        "   ",
		"html":         "<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>",
		"other xml":    `<?xml version="1.0"?><note><to>x</to></note>`,
		"other json":   `{"name": "package.json"}`,
		"json version": `{"version": "2.0", "items": []}`,
		"text":         "User-agent: *\nDisallow: /",
		"broken xml":   "<<<>>>",
		"not atom":     `<feed xmlns="urn:other"><entry/></feed>`,
		"json array":   `[1, 2, 3]`,
	} {
		if f, err := Parse([]byte(body), nil); !errors.Is(err, ErrNotFeed) || f != nil {
			t.Errorf("Parse(%s) = %v, %v, want ErrNotFeed", name, f, err)
		}
	}
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Tue, 10 Nov 2026 08:00:00 +0000", "2026-11-10T08:00:00Z"},
		{"Wed, 10 Nov 2026 08:00:00 +0000", "2026-11-10T08:00:00Z"}, // wrong weekday
		{"10 Nov 2026 08:00:00 GMT", "2026-11-10T08:00:00Z"},
		{"Tue, 10 Nov 26 08:00:00 +0100", "2026-11-10T07:00:00Z"},
		{"2026-11-10T08:00:00.123+02:00", "2026-11-10T06:00:00.123Z"},
		{"2026-11-10", "2026-11-10T00:00:00Z"},
		{"2026-11-10T08:00+01:00", "2026-11-10T07:00:00Z"},
		{"  ", ""},
		{"last Tuesday", ""},
	} {
		got := parseDate(tc.in)
		s := ""
		if !got.IsZero() {
			s = got.Format(time.RFC3339Nano)
		}
		if s != tc.want {
			t.Errorf("parseDate(%q) = %q, want %q", tc.in, s, tc.want)
		}
	}
}

// bigFeed is an RSS feed of n entries.
func bigFeed(n int, host string) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>`)
	for i := range n {
		fmt.Fprintf(&b, "<item><title>Entry %d</title><link>%s/a/%d</link><pubDate>Tue, 10 Nov 2026 08:00:00 +0000</pubDate><description>Some text about entry %d, with a few words.</description></item>\n", i, host, i, i)
	}
	b.WriteString("</channel></rss>")
	return []byte(b.String())
}

func TestParseTenThousandEntries(t *testing.T) {
	f, err := Parse(bigFeed(10000, "https://big.example"), nil)
	if err != nil || len(f.Entries) != 10000 || f.Entries[9999].URL != "https://big.example/a/9999" {
		t.Fatalf("Parse(10,000 entries) = %v entries, %v", len(f.Entries), err)
	}
}

func BenchmarkParseTenThousandEntries(b *testing.B) {
	data := bigFeed(10000, "https://big.example")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"rss.xml", "atom.xml", "feed.json", "news-sitemap.xml", "truncated.xml"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	base := mustURL("https://fuzz.example/feed")
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := Parse(data, base)
		if feed == nil {
			return
		}
		_ = err
		seen := map[string]bool{}
		for _, e := range feed.Entries {
			u, perr := url.Parse(e.URL)
			if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || seen[e.URL] {
				t.Fatalf("entry URL %q: not a unique absolute http(s) URL", e.URL)
			}
			seen[e.URL] = true
		}
	})
}
