package fetch

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"gopkg.in/yaml.v3"
)

// splitFrontMatter parses md the way a Markdown-with-front-matter loader
// does: a "---" line, YAML, a "---" line, then the body.
func splitFrontMatter(t *testing.T, md []byte) (map[string]any, string) {
	t.Helper()
	rest, ok := bytes.CutPrefix(md, []byte("---\n"))
	if !ok {
		t.Fatalf("Markdown does not start with a front matter line:\n%s", md)
	}
	head, body, ok := bytes.Cut(rest, []byte("\n---\n"))
	if !ok {
		t.Fatalf("Markdown has no closing front matter line:\n%s", md)
	}
	meta := map[string]any{}
	if err := yaml.Unmarshal(head, &meta); err != nil {
		t.Fatalf("front matter is not YAML: %v\n%s", err, head)
	}
	return meta, string(body)
}

func TestMarkdownRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		a    Article
		want map[string]any
		// escaped is a substring the raw body must hold, "" for none.
		escaped string
	}{
		{
			name: "full",
			a: Article{
				Title:     `Putin's "Deal": Rare Earths # Yes --- or No?`,
				URL:       "https://example.com/a?b=1&c=2#frag",
				Site:      "Example: News",
				Author:    "- Jane, Doe",
				Published: "2025-03-20",
				Text:      "First paragraph.\n\n## Heading\n\n- one\n- two",
			},
			want: map[string]any{
				"title":     `Putin's "Deal": Rare Earths # Yes --- or No?`,
				"url":       "https://example.com/a?b=1&c=2#frag",
				"source":    "Example: News",
				"author":    "- Jane, Doe",
				"published": "2025-03-20",
			},
		},
		{
			name: "unknown author and date",
			a:    Article{Title: "yes", URL: "https://e.com/", Site: "e.com", Text: "Body."},
			want: map[string]any{"title": "yes", "url": "https://e.com/", "source": "e.com"},
		},
		{
			name:    "markup in text",
			a:       Article{Title: "t", URL: "https://e.com/", Site: "e", Text: "*a* [b](c) <i>\\\n\n## H_1\n\n- `x`"},
			want:    map[string]any{"title": "t", "url": "https://e.com/", "source": "e"},
			escaped: "\\*a\\* \\[b\\](c) \\<i>\\\\\n\n## H\\_1\n\n- \\`x\\`",
		},
		{
			name: "numeric-looking title",
			a:    Article{Title: "2025", URL: "https://e.com/", Site: "null", Text: "Body."},
			want: map[string]any{"title": "2025", "url": "https://e.com/", "source": "null"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			meta, body := splitFrontMatter(t, tc.a.Markdown())
			if len(meta) != len(tc.want) {
				t.Errorf("front matter keys = %v, want %v", meta, tc.want)
			}
			for k, v := range tc.want {
				if meta[k] != v {
					t.Errorf("front matter %s = %#v, want %#v", k, meta[k], v)
				}
			}
			if want := "\n" + tc.a.Text + "\n"; unescape(body) != want {
				t.Errorf("body = %q, want %q once unescaped", body, want)
			}
			if !strings.Contains(body, tc.escaped) {
				t.Errorf("body = %q, want it to hold %q", body, tc.escaped)
			}
		})
	}
}

func TestFileName(t *testing.T) {
	long := strings.Repeat("supply chain ", 20)
	tests := []struct {
		title, url, want string
	}{
		{"Rare Earths: Why Refining, Not Mining, Is the Chokepoint", "", "rare-earths-why-refining-not-mining-is-the-chokepoint.md"},
		{"Putin’s Allies Woo Trump's Team", "", "putins-allies-woo-trumps-team.md"},
		{"Élan vital — Ñandú façade", "", "elan-vital-nandu-facade.md"},
		{"../../etc/passwd", "", "etc-passwd.md"},
		{`C:\Windows\system32`, "", "c-windows-system32.md"},
		{".hidden", "", "hidden.md"},
		{"稀土", "https://www.example.com/news/2025/rare-earths.html", "example-com-news-2025-rare-earths-html.md"},
		{"", "https://example.com/", "example-com.md"},
		{"", "", "article.md"},
		{"!!!", "not a url at all %%", "article.md"},
		{"CON", "", "con-article.md"},
		{long, "", strings.TrimSuffix(strings.Repeat("supply-chain-", 5), "-") + ".md"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			got := Article{Title: tc.title, URL: tc.url}.FileName()
			if got != tc.want {
				t.Errorf("FileName(title %q, url %q) = %q, want %q", tc.title, tc.url, got, tc.want)
			}
			if len(got) > 80 || strings.ContainsAny(got, `/\`) || strings.Contains(got, "..") ||
				strings.HasPrefix(got, ".") || !strings.HasSuffix(got, ".md") {
				t.Errorf("FileName(title %q) = %q is not a safe name", tc.title, got)
			}
			for _, r := range got {
				if r > 127 {
					t.Errorf("FileName(title %q) = %q is not ASCII", tc.title, got)
					break
				}
			}
		})
	}
}

func TestToText(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"paragraphs", "<p>One\n  two.</p><p>Three&nbsp;four.</p>", "One two.\n\nThree four."},
		{"headings", "<h2>Part  one</h2><p>x</p><h3>Sub</h3><p>y</p>", "## Part one\n\nx\n\n### Sub\n\ny"},
		{"inline markup", "<p>A <a href='#'>link</a>, <em>em</em> and <strong>bold</strong>.</p>", "A link, em and bold."},
		{"br folds", "<p>line one<br>line two</p>", "line one line two"},
		{"nested lists", "<ul><li>a<ul><li>a1</li><li><p>a2</p></li></ul></li><li>b</li></ul>", "- a\n  - a1\n  - a2\n- b"},
		{"ordered list", "<ol><li>first</li><li>second</li></ol>", "- first\n- second"},
		{"wrapped items", "<ul><div><li>x</li></div><li>y</li></ul>", "- x\n- y"},
		{"empty items dropped", "<ul><li> </li><li>z</li></ul>", "- z"},
		{"div text", "<div>loose text<p>para</p>tail</div>", "loose text\n\npara\n\ntail"},
		{"table rows", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\n\nc"},
		{"pre keeps lines", "<pre>  x = 1\n  y = 2  \n</pre>", "  x = 1\n  y = 2"},
		{"skipped", "<p>keep</p><script>var x</script><nav>menu</nav><form>f</form><p>also</p>", "keep\n\nalso"},
		{"blockquote", "<blockquote>quoted</blockquote><p>after</p>", "quoted\n\nafter"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := html.Parse(strings.NewReader("<html><body>" + tc.html + "</body></html>"))
			if err != nil {
				t.Fatal(err)
			}
			if got := toText(doc); got != tc.want {
				t.Errorf("toText(%q) = %q, want %q", tc.html, got, tc.want)
			}
		})
	}
}

func TestDropByline(t *testing.T) {
	tests := []struct{ text, author, want string }{
		{"By Jane Doe\n\nBody.", "Jane Doe", "Body."},
		{"jane doe\n\nBody.", "Jane Doe", "Body."},
		{"By Jane Doe and others\n\nBody.", "Jane Doe", "By Jane Doe and others\n\nBody."},
		{"By Jane Doe\n\nBody.", "", "By Jane Doe\n\nBody."},
		{"By Jane Doe", "Jane Doe", "By Jane Doe"},
	}
	for _, tc := range tests {
		if got := dropByline(tc.text, tc.author); got != tc.want {
			t.Errorf("dropByline(%q, %q) = %q, want %q", tc.text, tc.author, got, tc.want)
		}
	}
}

func TestPublicAddr(t *testing.T) {
	tests := []struct {
		ip   string
		want bool
	}{
		{"93.184.216.34", true},
		{"2606:2800:220:1:248:1893:25c8:1946", true},
		{"127.0.0.1", false},
		{"127.8.9.10", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"fe80::1", false},
		{"fc00::1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"224.0.0.1", false},
		{"ff02::1", false},
		{"100.64.0.1", false},
		{"255.255.255.255", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"64:ff9b::7f00:1", false},   // NAT64 of 127.0.0.1
		{"64:ff9b::5db8:d822", true}, // NAT64 of 93.184.216.34
	}
	for _, tc := range tests {
		if got := publicAddr(netip.MustParseAddr(tc.ip)); got != tc.want {
			t.Errorf("publicAddr(%s) = %v, want %v", tc.ip, got, tc.want)
		}
	}
}

func TestMarkdownLine(t *testing.T) {
	tests := []struct{ line, want string }{
		{"Plain words, nothing special.", "Plain words, nothing special."},
		{"## A *starred* heading", `## A \*starred\* heading`},
		{"  - item with [brackets]", `  - item with \[brackets\]`},
		{"- - item starting with a dash", `- \- item starting with a dash`},
		{"snake_case and `code` and <b>tag</b>", "snake\\_case and \\`code\\` and \\<b>tag\\</b>"},
		{`a \ backslash`, `a \\ backslash`},
		{"~~not struck~~", `\~\~not struck\~\~`},
		{"# is not a heading without a space? it is: #hashtag", `# is not a heading without a space? it is: #hashtag`},
		{"#hashtag paragraph", `\#hashtag paragraph`},
		{"- is a bullet line in Text", "- is a bullet line in Text"},
		{"+ plus", `\+ plus`},
		{"> not a quote", `\> not a quote`},
		{"2025. A year", `2025\. A year`},
		{"3) third", `3\) third`},
		{"20 percent. Not a list", "20 percent. Not a list"},
	}
	for _, tc := range tests {
		if got := markdownLine(tc.line); got != tc.want {
			t.Errorf("markdownLine(%q) = %q, want %q", tc.line, got, tc.want)
		}
	}
}

// unescape drops Markdown backslash escapes, as a Markdown reader does.
func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_{}[]()#+-.!|~<>", s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
