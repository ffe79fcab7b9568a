package corpus

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestParseMarkdownCommonMark feeds CommonMark's (and GitHub Flavored
// Markdown's) tricky cases: each body follows "# T" and must give the
// passages a CommonMark renderer's visible text gives, split as the loader
// splits paragraphs, lists and headings.
func TestParseMarkdownCommonMark(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		sections []string
		want     []string
	}{
		{
			name: "GFM table: one passage a row, cells as written",
			body: "| Metal | Share of refining |\n|-------|------:|\n| Gallium | 98% |\n| Germanium | *about* 60% |\n\nAfter the table.\n",
			want: []string{"P||Metal | Share of refining", "P||Gallium | 98%", "P||Germanium | about 60%", "P||After the table."},
		},
		{
			name: "HTML block: tags dropped, its text kept raw (no Markdown inside)",
			body: "<div class=\"note\">\n*not emphasis* and <b>bold</b> &amp; more\n</div>\n\nThen *real* emphasis.\n",
			want: []string{"P||*not emphasis* and bold & more", "P||Then real emphasis."},
		},
		{
			name: "HTML block: script and style say nothing",
			body: "<script>\nvar x = \"<p>hidden</p>\";\n</script>\n<style>\np { color: red }\n</style>\n\nVisible text.\n",
			want: []string{"P||Visible text."},
		},
		{
			name: "HTML comment across blank lines",
			body: "<!--\nA comment that spans\n\nblank lines\n-->\n\nVisible text.\n",
			want: []string{"P||Visible text."},
		},
		{
			name:     "HTML block: paragraphs and a heading",
			body:     "<figure>\n<p>First caption line.</p><p>Second one.</p>\n<h2>Inside Heading</h2>\n</figure>\n\nBody under it.\n",
			sections: []string{"Inside Heading"},
			want:     []string{"P||First caption line.", "P||Second one.", "P|Inside Heading|Body under it."},
		},
		{
			name: "nested ordered and bullet lists",
			body: "1. First\n   - sub a\n   - sub b\n2) Second\n",
			want: []string{"L||1. First\n  - sub a\n  - sub b", "L||2) Second"},
		},
		{
			name: "loose list item with two paragraphs",
			body: "- Item one\n\n  Continued paragraph of item one.\n\n- Item two\n",
			want: []string{"L||- Item one Continued paragraph of item one.\n- Item two"},
		},
		{
			name: "lazy continuation line",
			body: "- an item\ncontinued lazily\n- next item\n",
			want: []string{"L||- an item continued lazily\n- next item"},
		},
		{
			name: "ordered list keeps its numbers as written",
			body: "1. one\n1. two\n1. three\n",
			want: []string{"L||1. one\n1. two\n1. three"},
		},
		{
			name: "reference links, definitions over several lines",
			body: "See [the report][r1], [another][] and [r2].\n\n[r1]: https://example.com/r \"Title\"\n[another]: <https://example.com/b>\n[r2]:\n  https://example.com/two\n  \"A title\"\n",
			want: []string{"P||See the report, another and r2."},
		},
		{
			name: "undefined reference stays literal",
			body: "This is [not a link][nowhere] at all.\n",
			want: []string{"P||This is [not a link][nowhere] at all."},
		},
		{
			name: "block quote with lazy line and nested quote",
			body: "> Quoted line one\ncontinues lazily.\n>\n> > Nested quote.\n",
			want: []string{"P||Quoted line one continues lazily.", "P||Nested quote."},
		},
		{
			name: "emphasis rules",
			body: "*foo bar *\n\n**foo*\n\nfoo*bar*\n\nfoo_bar_\n\n__a, __b__, c__\n\n**x \"*y*\" z**\n\n*(*foo*)*\n",
			want: []string{"P||*foo bar *", "P||*foo", "P||foobar", "P||foo_bar_", "P||a, b, c", "P||x \"y\" z", "P||(foo)"},
		},
		{
			name: "code spans keep backslashes and markup",
			body: "Code `\\*` and `*a*` and ``a ` b`` but \\*escaped\\* outside.\n",
			want: []string{"P||Code \\* and *a* and a ` b but *escaped* outside."},
		},
		{
			name: "indented code block is code",
			body: "Before.\n\n    *not em* <b>\n    second line\n\nAfter.\n",
			want: []string{"P||Before.", "P||*not em* <b> second line", "P||After."},
		},
		{
			name: "images dropped, nested brackets too",
			body: "Text ![alt [x] y](img.png \"t\") and [![badge](b.svg)](https://ci) end.\n",
			want: []string{"P||Text and end."},
		},
		{
			name: "autolinks, entities, escapes",
			body: "Mail <mailto:a@b.example> or <https://example.com/x_y>; &copy; &#35; &#x22; \\<not a tag> \\& 5 * 3.\n",
			want: []string{"P||Mail mailto:a@b.example or https://example.com/x_y; © # \" <not a tag> & 5 * 3."},
		},
		{
			name:     "headings: closing hashes, setext, emphasis inside",
			body:     "## A *Heading* ##\n\nText one.\n\nSetext **Two**\n-------------\n\nText two.\n",
			sections: []string{"A Heading", "Setext Two"},
			want:     []string{"P|A Heading|Text one.", "P|Setext Two|Text two."},
		},
		{
			name: "thematic break between paragraphs",
			body: "Foo\n***\nbar\n",
			want: []string{"P||Foo", "P||bar"},
		},
		{
			name: "strikethrough and inline HTML",
			body: "~~old~~ new with a <span class=\"x\">span</span> and <!-- a comment --> end.\n",
			want: []string{"P||old new with a span and end."},
		},
		{
			name: "scraped bullets that are not Markdown bullets",
			body: "• first point\n• second point\n",
			want: []string{"L||• first point\n• second point"},
		},
		{
			name: "hard line breaks fold to a space",
			body: "one\\\ntwo\n",
			want: []string{"P||one two"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, _, err := Parse("a.md", []byte("# T\n\n"+tt.body), nil)
			if err != nil {
				t.Fatalf("Parse error: %v", err)
			}
			if doc.Title != "T" {
				t.Errorf("title = %q, want T", doc.Title)
			}
			if !reflect.DeepEqual(doc.Sections, tt.sections) {
				t.Errorf("sections = %q, want %q", doc.Sections, tt.sections)
			}
			if got := summary(doc); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) passages =\n%s\nwant\n%s", tt.body, strings.Join(got, "\n~~\n"), strings.Join(tt.want, "\n~~\n"))
			}
			checkInvariants(t, doc)
		})
	}
}

// TestParseScrapedMarkdown reads Markdown as a page-to-Markdown converter
// writes it (written for this test in that style): navigation lists, linked
// images, an HTML figure, a table, share links and a related-posts tail.
func TestParseScrapedMarkdown(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "scraped.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc, _, err := Parse("scraped.md", data, nil)
	if err != nil {
		t.Fatalf("Parse(scraped.md) error: %v", err)
	}
	if want := "Why Gallium Is the Chokepoint Nobody Priced In"; doc.Title != want {
		t.Errorf("title = %q, want %q", doc.Title, want)
	}
	want := []string{
		"P||China refines about 98% of the world's primary gallium, a by-product of alumina production that few Western refineries ever bothered to recover.",
		"P||When Beijing added gallium to its export-licence list in August 2023, buyers learned how thin the alternatives were: a plant in Germany had closed years earlier, and Japan recycled what it could.",
		"P||Figure 1: Primary gallium output by country, 2023.",
		"P|What the critics miss|The usual answer is “build a refinery”. But recovery circuits cost little next to the alumina refinery they bolt on to, and the real obstacle is a price that China can push below anyone's cost.",
		"P|What the critics miss|Country | Share of primary output",
		"P|What the critics miss|China | 98%",
		"P|What the critics miss|Japan | 1%",
		"L|What the critics miss|- Stockpiles cover months, not years.\n- Recycling needs scrap streams that take a decade to build.\n  - Wafer offcuts are the exception.",
		"P|What the critics miss|As one analyst put it: the chokepoint is the price, not the rock.",
	}
	if got := summary(doc); !reflect.DeepEqual(got, want) {
		t.Errorf("Parse(scraped.md) passages =\n%s\nwant\n%s", strings.Join(got, "\n~~\n"), strings.Join(want, "\n~~\n"))
	}
	checkInvariants(t, doc)
	for _, p := range doc.Passages {
		for _, junk := range []string{"](", "![", "**", "<", ">", "&amp;", "&#"} {
			if strings.Contains(p.Text, junk) {
				t.Errorf("passage %d holds markup %q: %q", p.Index, junk, p.Text)
			}
		}
	}
}

// hostileMarkdown are bodies on which goldmark's parsers take quadratic
// time: a 2 MB file of any of them took minutes before defuse.
func hostileMarkdown(size int) map[string]string {
	return map[string]string{
		"brackets": strings.Repeat("[", size),
		"links":    strings.Repeat("[a](", size/4),
		"emphasis": strings.Repeat("*a **a ", size/7),
		"quotes":   strings.Repeat(">", size) + " x",
		"lists":    strings.Repeat("- ", size/2) + "x",
		"code":     strings.Repeat("`a``", size/4),
	}
}

func TestParseMarkdownDefusesHostileMarkup(t *testing.T) {
	for name, body := range hostileMarkdown(200_000) {
		t.Run(name, func(t *testing.T) {
			doc, warns, err := Parse("h.md", []byte("# T\n\n"+body+"\n\nA normal *paragraph* after it.\n"), nil)
			if err != nil {
				t.Fatalf("Parse error: %v", err)
			}
			if len(warns) != 1 || warns[0].Line != 3 || !strings.Contains(warns[0].Error(), "read as plain text") {
				t.Errorf("warnings = %v, want one at line 3 saying it was read as plain text", warns)
			}
			last := doc.Passages[len(doc.Passages)-1].Text
			if last != "A normal paragraph after it." {
				t.Errorf("last passage = %q, want the paragraph after the hostile one, parsed as Markdown", last)
			}
			checkInvariants(t, doc)
		})
	}
	// The bounds leave real articles alone.
	doc, warns, err := Parse("ok.md", []byte("# T\n\n"+strings.Repeat("See [a link](https://x.example/a_b) and *this*.\n", 90)+"\n> > > > nested quote\n"), nil)
	if err != nil || len(warns) != 0 || strings.Contains(doc.Passages[0].Text, "[") {
		t.Errorf("Parse(ordinary Markdown) = %q, warnings %v, err %v; want it parsed, no warning", doc.Passages[0].Text, warns, err)
	}
}

// BenchmarkParseHostileMarkdown reports how long the worst bodies of 2 MB
// (the default file-size limit) take: those defused, and "spread", the
// most "[" a 2 MB paragraph may hold and still be parsed as Markdown.
func BenchmarkParseHostileMarkdown(b *testing.B) {
	bodies := hostileMarkdown(int(DefaultMaxFileSize) - 10)
	bodies["spread"] = strings.Repeat("["+strings.Repeat("a", 20_000), 95)
	for name, body := range bodies {
		data := []byte("# T\n\n" + body)
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, _, err := Parse("h.md", data, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestDefuseWhitespaceLine checks that a line of spaces and tabs, blank to
// Markdown but not to a trim of spaces alone, ends the loader's scan of
// paragraphs instead of stalling it (found by FuzzParse).
func TestDefuseWhitespaceLine(t *testing.T) {
	out, warns := defuse("a.md", 1, []string{"# T", "", " \t", "", "Text."})
	if len(out) != 5 || len(warns) != 0 {
		t.Errorf("defuse = %q, %v; want the lines back and no warning", out, warns)
	}
	d, _, err := Parse("a.md", []byte("# T\n\n \t\n\nText under the title.\n"), nil)
	if err != nil || len(d.Passages) != 1 {
		t.Errorf("Parse = %+v, %v; want one passage", d.Passages, err)
	}
}
