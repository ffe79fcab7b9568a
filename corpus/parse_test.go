package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"chokepoint"
)

// summary renders passages as "P|section|text" or "L|section|text".
func summary(d chokepoint.Document) []string {
	var out []string
	for _, p := range d.Passages {
		k := "P"
		if p.Kind == chokepoint.List {
			k = "L"
		}
		out = append(out, k+"|"+p.Section+"|"+p.Text)
	}
	return out
}

func TestParseText(t *testing.T) {
	tests := []struct {
		name     string
		path     string
		data     string
		title    string
		sections []string
		want     []string
	}{
		{
			name:  "markdown with markup",
			path:  "a.md",
			data:  "# The *Title*\n\nIntro with **bold**, _em_, `code` and a [link](https://x.example/a_(b)).\n![chart](c.png)\n\n## Second <b>Part</b>\n\nText with <span class=\"x\">tags</span> &amp; snake_case_name, 5 * 3 and an escaped \\*star\\*.\nSoft wrapped line.\n\n- one\n- two\n  - nested\n",
			title: "The Title", sections: []string{"Second Part"},
			want: []string{
				"P||Intro with bold, em, code and a link.",
				"P|Second Part|Text with tags & snake_case_name, 5 * 3 and an escaped *star*. Soft wrapped line.",
				"L|Second Part|- one\n- two\n  - nested",
			},
		},
		{
			name:  "scraped markdown, one long paragraph a line",
			path:  "long.md",
			data:  "# T\n\n" + strings.Repeat("A long sentence of scraped text that goes on. ", 3) + "\n" + strings.Repeat("Another long sentence follows it right away. ", 3) + "\nA short line.\nJoined *here*.\n",
			title: "T",
			want: []string{
				"P||" + strings.TrimSpace(strings.Repeat("A long sentence of scraped text that goes on. ", 3)),
				"P||" + strings.TrimSpace(strings.Repeat("Another long sentence follows it right away. ", 3)),
				"P||A short line. Joined here.",
			},
		},
		{
			name:  "markdown image before the title",
			path:  "img.md",
			data:  "![logo](l.png)\n\n<div class=\"x\"></div>\n\n# Real Title\n\nBody.\n",
			title: "Real Title",
			want:  []string{"P||Body."},
		},
		{
			name:  "markdown title from first line",
			path:  "b.markdown",
			data:  "Plain first line\n\nBody paragraph here.\n",
			title: "Plain first line",
			want:  []string{"P||Body paragraph here."},
		},
		{
			name:  "markdown setext heading and fences",
			path:  "c.md",
			data:  "# T\n\nSection A\n---------\n\n```\nx := *p*\n```\n\n> quoted *text*\n",
			title: "T", sections: []string{"Section A"},
			want: []string{"P|Section A|x := *p*", "P|Section A|quoted text"},
		},
		{
			name:  "text one line a paragraph",
			path:  "d.txt",
			data:  "My Title\nFirst paragraph is a full sentence about rare earths.\nSecond paragraph follows on the next line directly.\nThird one ends here!\n",
			title: "My Title",
			want: []string{
				"P||First paragraph is a full sentence about rare earths.",
				"P||Second paragraph follows on the next line directly.",
				"P||Third one ends here!",
			},
		},
		{
			name: "text hard-wrapped with blank lines",
			path: "e.txt",
			data: "Wrapped Title\n\n" +
				"China dominates the separation of rare earth oxides and the\n" +
				"production of metals and magnets, which gives it leverage over\n" +
				"every buyer in the West.\n\n" +
				"Western projects need decades of investment and patient capital\n" +
				"before they can compete on cost with incumbent refiners.\n",
			title: "Wrapped Title",
			want: []string{
				"P||China dominates the separation of rare earth oxides and the production of metals and magnets, which gives it leverage over every buyer in the West.",
				"P||Western projects need decades of investment and patient capital before they can compete on cost with incumbent refiners.",
			},
		},
		{
			name: "text hard-wrapped without blank lines",
			path: "f.txt",
			data: "Wrapped Title\n" +
				"China dominates the separation of rare earth oxides and the\n" +
				"production of metals and magnets, which gives it leverage over\n" +
				"every buyer.\n" +
				"Western projects need decades of investment and patient capital\n" +
				"before they can compete on cost with incumbent refiners.\n",
			title: "Wrapped Title",
			want: []string{
				"P||China dominates the separation of rare earth oxides and the production of metals and magnets, which gives it leverage over every buyer.",
				"P||Western projects need decades of investment and patient capital before they can compete on cost with incumbent refiners.",
			},
		},
		{
			name:  "bullets of each kind",
			path:  "g.txt",
			data:  "Bullets\n\nKinds of bullets follow in this article, one list each:\n\n• dot\n• dot two\n\nA paragraph between lists keeps them apart from each other.\n\n- dash\n- dash two\n\nAnother paragraph between the lists keeps them apart.\n\n* star\n* star two\n\nYet another paragraph between the lists keeps them apart.\n\n– en dash\n– en dash two\n\nAnd one more paragraph before the numbered list here.\n\n1. first\n2. second\n   continued\n",
			title: "Bullets",
			want: []string{
				"P||Kinds of bullets follow in this article, one list each:",
				"L||• dot\n• dot two",
				"P||A paragraph between lists keeps them apart from each other.",
				"L||- dash\n- dash two",
				"P||Another paragraph between the lists keeps them apart.",
				"L||* star\n* star two",
				"P||Yet another paragraph between the lists keeps them apart.",
				"L||– en dash\n– en dash two",
				"P||And one more paragraph before the numbered list here.",
				"L||1. first\n2. second continued",
			},
		},
		{
			name:  "mojibake, NBSP and zero-width",
			path:  "h.txt",
			data:  "Caf\u00c3\u00a9 Notes\n\nItâ€™s the â€œcheapestâ€\u009d option â€” says Jos\u00c3\u00a9.\u00a0 Price\u200b rose â€“ again\u00c2\u00a0today.\n",
			title: "Café Notes",
			want:  []string{"P||It’s the “cheapest” option — says José. Price rose – again today."},
		},
		{
			name:  "UTF-8 punctuation read as Windows-874",
			path:  "h2.txt",
			data:  "Beijingโs Grip\n\nThe new restrictionsโfirst analyzed by Gracelin Baskaranโextend Chinaโs grip. She said they could โlargely deny export licencesโ to militaries.\n\nMPโ€™s stake at $30.03 per shareโ€”instantly made it the largest, byย Rare Earth Exchanges.\n",
			title: "Beijing’s Grip",
			want:  []string{"P||The new restrictions—first analyzed by Gracelin Baskaran—extend China’s grip. She said they could “largely deny export licences” to militaries.", "P||MP’s stake at $30.03 per share—instantly made it the largest, by Rare Earth Exchanges."},
		},
		{
			name:  "double-spaced hard-wrapped text",
			path:  "h3.txt",
			data:  "Nickel Ban\n\nJAKARTA - Indonesia said on Monday it will\n\nstop nickel ore exports from Jan. 1, 2020, two years earlier\n\nthan initially indicated.\n\nBambang Gatot Ariyono, the director general for coal and\n\nminerals, said the ban will apply to all grades of nickel ore\n\nregardless of standing contracts.\n\n\nA paragraph after two blank lines stands alone.\n",
			title: "Nickel Ban",
			want: []string{
				"P||JAKARTA - Indonesia said on Monday it will stop nickel ore exports from Jan. 1, 2020, two years earlier than initially indicated.",
				"P||Bambang Gatot Ariyono, the director general for coal and minerals, said the ban will apply to all grades of nickel ore regardless of standing contracts.",
				"P||A paragraph after two blank lines stands alone.",
			},
		},
		{
			name:  "one-line paragraphs and headings are not double-spaced text",
			path:  "h4.txt",
			data:  "Short Paragraphs\n\nThe first paragraph is one line.\n\nWhat Changed\n\nThe second paragraph is one line too.\n\nWhy It Matters\n\nThe third paragraph sits under a heading.\n\nWhat Comes Next\n\nThe fourth paragraph ends the article.\n",
			title: "Short Paragraphs", sections: []string{"What Changed", "Why It Matters", "What Comes Next"},
			want: []string{
				"P||The first paragraph is one line.",
				"P|What Changed|The second paragraph is one line too.",
				"P|Why It Matters|The third paragraph sits under a heading.",
				"P|What Comes Next|The fourth paragraph ends the article.",
			},
		},
		{
			name:  "CRLF and BOM",
			path:  "i.txt",
			data:  "\ufeffWindows Title\r\n\r\nFirst paragraph.\r\n\r\nSecond paragraph.\r\n",
			title: "Windows Title",
			want:  []string{"P||First paragraph.", "P||Second paragraph."},
		},
		{
			name:  "CR line endings",
			path:  "j.txt",
			data:  "Old Mac Title\r\rFirst paragraph.\r\rSecond paragraph.",
			title: "Old Mac Title",
			want:  []string{"P||First paragraph.", "P||Second paragraph."},
		},
		{
			name:  "truncated page",
			path:  "k.txt",
			data:  "Cut Off\n\nA full first paragraph ends properly.\n\nThe second paragraph stops in the middle of a sent",
			title: "Cut Off",
			want:  []string{"P||A full first paragraph ends properly.", "P||The second paragraph stops in the middle of a sent"},
		},
		{
			name:  "short sentence is not a heading",
			path:  "l.txt",
			data:  "T\n\nThat is the point.\n\nA long paragraph follows the short sentence and explains it at length.\n\nNot So Fast\n\nThis paragraph sits under a real heading and is long enough.\n",
			title: "T", sections: []string{"Not So Fast"},
			want: []string{
				"P||That is the point.",
				"P||A long paragraph follows the short sentence and explains it at length.",
				"P|Not So Fast|This paragraph sits under a real heading and is long enough.",
			},
		},
		{
			name:  "heading must be followed by body",
			path:  "m.txt",
			data:  "T\n\nA paragraph opens the article with enough words in it.\n\nTrailing Words Alone\n",
			title: "T",
			want:  []string{"P||A paragraph opens the article with enough words in it.", "P||Trailing Words Alone"},
		},
		{
			name:  "boilerplate",
			path:  "n.txt",
			data:  "T\n\nShare this:\n\nThe article says you should leave a reply to critics and all rights reserved people.\n\nWe use cookies to improve your experience.\n\nRelated\n\nMore body text after a mid-article Related line stays in.\n\n© 2025 Example Media. All rights reserved.\n\nLike this:\n\nRelated\n\nSome other article title\n",
			title: "T",
			want: []string{
				"P||The article says you should leave a reply to critics and all rights reserved people.",
				"P||More body text after a mid-article Related line stays in.",
			},
		},
		{
			name:  "comment section cut",
			path:  "o.txt",
			data:  "T\n\nBody of the article, a full paragraph of text.\n\nLeave a Reply\n\nA reader comment that is long enough to look like a paragraph of real text, really it is long enough to pass any tail check at all.\n",
			title: "T",
			want:  []string{"P||Body of the article, a full paragraph of text."},
		},
		{
			name:  "opens in a new window note",
			path:  "p.txt",
			data:  "T\n\nSee the report (Opens in new window) and (opens in a new tab) more.\n",
			title: "T",
			want:  []string{"P||See the report and more."},
		},
		{
			name:  "nested numbered and tab-indented bullets",
			path:  "q.txt",
			data:  "T\n\nSteps:\n\n1) Mine\n\t• ore\n\t\t• deep ore\n2) Refine\n",
			title: "T",
			want:  []string{"P||Steps:", "L||1) Mine\n  • ore\n    • deep ore\n2) Refine"},
		},
		{
			name:  "scraper header: repeated title, byline, date",
			path:  "r.txt",
			data:  "Magnets Matter\n\nMagnets Matter\n\nBy Jane Doe\n\nMarch 3, 2025\n\nThe body paragraph of this article is long enough to count as real body text here.\n\nBy the Numbers\n\nA section on numbers follows, long enough to be body text under it.\n",
			title: "Magnets Matter", sections: []string{"By the Numbers"},
			want: []string{
				"P||The body paragraph of this article is long enough to count as real body text here.",
				"P|By the Numbers|A section on numbers follows, long enough to be body text under it.",
			},
		},
		{
			name:  "page furniture before the body",
			path:  "r2.txt",
			data:  "Recycling Race\n\nPlay Live Radio\n\n0:00\n\n31 °c\n\n|\n\nRecycling Race\n\nAnalyst Note | Battery Desk | May 20, 2025\n\nKey points:\n\n- recyclers are short of scrap\n\nWhy It Matters\n\nBattery recyclers have built more capacity than there is scrap to feed it, for now.\n",
			title: "Recycling Race", sections: []string{"Why It Matters"},
			want: []string{
				"P||Key points:",
				"L||- recyclers are short of scrap",
				"P|Why It Matters|Battery recyclers have built more capacity than there is scrap to feed it, for now.",
			},
		},
		{
			name:  "furniture in the body: bylines, credits, see-also, repeats",
			path:  "r3.txt",
			data:  "Cobalt Quotas\n\nThe regulator will let miners export up to 18,125 tonnes of cobalt for the rest of 2025.\n\nA worker sorts cobalt ore at a depot near Kolwezi, in Congo's copper belt, in June.\n\nSource: Reuters\n\nBy GlobalData\n\nSee also: What the cobalt ban did to prices\n\nFind out more\n\nA worker sorts cobalt ore at a depot near Kolwezi, in Congo's copper belt, in June.\n\nBy Friday, prices had doubled.\n\nMarch 3, 2025\n\nOn March 3 the quota system was extended to copper-cobalt concentrate as well.\n",
			title: "Cobalt Quotas",
			want: []string{
				"P||The regulator will let miners export up to 18,125 tonnes of cobalt for the rest of 2025.",
				"P||A worker sorts cobalt ore at a depot near Kolwezi, in Congo's copper belt, in June.",
				"P||By Friday, prices had doubled.",
				"P||March 3, 2025",
				"P||On March 3 the quota system was extended to copper-cobalt concentrate as well.",
			},
		},
		{
			name: "cookie panels, tags, code, contents, captions, ads, sign-ups",
			path: "r4.txt",
			data: "Antimony Record\n\nCustomize Consent Preferences\n\nNecessary cookies are required to enable the basic features of this site, such as adjusting your consent preferences.\n\nNo cookies to display.\n\n" +
				".amp-carousel{background:url('x')}.ampstart{min-width:200px}.nav{display:none;}\n\n" +
				"Introduction ........................ 1 Smelter Survey ........ 24\n\n" +
				"<article><p class=\"lead\">Antimony prices hit <i>record</i> highs, according to Bloomberg.</p>\n\n" +
				"A sample of antimony is displayed in London, June 6, 2025. REUTERS/Isabel Infantes/File photo\n\nImage\n\n" +
				"– Advertisement –\n\nSubscribe now and stay up to date!\n\n[mepr-membership-registration-form id=\"4595\"]\n\n" +
				"Buyers turned to Tajikistan; Vietnam; Myanmar; Bolivia; Turkey; Oman; and Russia for feed.\n\nThe spread means x<y and z>w for buyers.\n\n" +
				"(Reporting by Nelson Banya; editing by Deepa Babington)\n",
			title: "Antimony Record",
			want: []string{
				"P||Antimony prices hit record highs, according to Bloomberg.",
				"P||Buyers turned to Tajikistan; Vietnam; Myanmar; Bolivia; Turkey; Oman; and Russia for feed.",
				"P||The spread means x<y and z>w for buyers.",
			},
		},
		{
			name:  "lone bullets",
			path:  "s.txt",
			data:  "T\n\nKey points:\n\n•\nfirst point\n•\n\nsecond point\n•\n",
			title: "T",
			want:  []string{"P||Key points:", "L||• first point\n• second point"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, warns, err := Parse(tt.path, []byte(tt.data), nil)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.path, err)
			}
			if len(warns) != 0 {
				t.Errorf("Parse(%q) warnings %v, want none", tt.path, warns)
			}
			if doc.Title != tt.title {
				t.Errorf("Parse(%q) title = %q, want %q", tt.path, doc.Title, tt.title)
			}
			if !reflect.DeepEqual(doc.Sections, tt.sections) {
				t.Errorf("Parse(%q) sections = %q, want %q", tt.path, doc.Sections, tt.sections)
			}
			if got := summary(doc); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) passages =\n%s\nwant\n%s", tt.path, strings.Join(got, "\n~~\n"), strings.Join(tt.want, "\n~~\n"))
			}
			checkInvariants(t, doc)
		})
	}
}

// checkInvariants asserts what every parsed document must satisfy.
func checkInvariants(t *testing.T, d chokepoint.Document) {
	t.Helper()
	for i, p := range d.Passages {
		if p.Index != i {
			t.Errorf("passage %d has Index %d", i, p.Index)
		}
		if p.DocID != d.ID {
			t.Errorf("passage %d has DocID %q, want %q", i, p.DocID, d.ID)
		}
		if strings.TrimSpace(p.Text) == "" {
			t.Errorf("passage %d is empty", i)
		}
		if strings.Contains(p.Text, "\n\n") {
			t.Errorf("passage %d holds a blank line: %q", i, p.Text)
		}
		if !utf8.ValidString(p.Text) {
			t.Errorf("passage %d is not valid UTF-8: %q", i, p.Text)
		}
		if p.Kind != chokepoint.Paragraph && p.Kind != chokepoint.List {
			t.Errorf("passage %d has kind %q", i, p.Kind)
		}
	}
}

func TestParseMetadata(t *testing.T) {
	md := "---\ntitle: Front Title\nsource: Rare Earth Exchanges\nurl: https://example.org/a\nauthor: A. Writer\npublished: 2025-03-20\nreviews:\n  title: Original Piece\n  source: Newsweek\n  author: B. Reporter\n  published: March 19, 2025\n  url: https://example.com/o\ntags: [russia, magnets]\n---\n# Front Title\n\nBody.\n"
	doc, warns, err := Parse("x/a.md", []byte(md), nil)
	if err != nil || len(warns) != 0 {
		t.Fatalf("Parse front matter: err %v warnings %v", err, warns)
	}
	want := chokepoint.Document{
		ID: "x/a", Path: "x/a.md", Title: "Front Title", Source: "Rare Earth Exchanges",
		URL: "https://example.org/a", Author: "A. Writer", Published: "2025-03-20",
		Reviews: &chokepoint.Review{Title: "Original Piece", Source: "Newsweek", Author: "B. Reporter",
			Published: "March 19, 2025", URL: "https://example.com/o"},
		Tags:     []string{"russia", "magnets"},
		Hash:     doc.Hash,
		Passages: []chokepoint.Passage{{DocID: "x/a", Index: 0, Kind: chokepoint.Paragraph, Text: "Body."}},
	}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("Parse front matter =\n%+v\nwant\n%+v", doc, want)
	}

	tests := []struct {
		name    string
		path    string
		data    string
		sidecar string
		reviews *chokepoint.Review
		title   string
		warns   []string // "line: substring"
	}{
		{"reviews as string", "a.md", "---\nreviews: Newsweek on rare earths\n---\nT\n\nBody.\n", "",
			&chokepoint.Review{Title: "Newsweek on rare earths"}, "T", nil},
		{"reviews as URL", "a.md", "---\nreviews: https://n.example/x\n---\nT\n\nBody.\n", "",
			&chokepoint.Review{URL: "https://n.example/x"}, "T", nil},
		{"unknown key", "a.md", "---\ntitle: X\nfoo: bar\n---\nBody.\n", "",
			nil, "X", []string{`3: unknown key "foo"`}},
		{"wrong shapes", "a.md", "---\ntitle: [a, b]\nreviews:\n  sauce: x\ntags: {a: b}\n---\nT\n\nBody.\n", "",
			nil, "T", []string{`2: key "title"`, `4: unknown key "reviews.sauce"`, `5: key "tags"`}},
		{"sidecar", "s.txt", "First Line Title\n\nBody.\n", "title: Sidecar Title\nreviews: {source: Newsweek}\n",
			&chokepoint.Review{Source: "Newsweek"}, "Sidecar Title", nil},
		{"sidecar unknown key", "s.txt", "First Line Title\n\nBody.\n", "\nbogus: 1\n",
			nil, "First Line Title", []string{`2: unknown key "bogus"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sc []byte
			if tt.sidecar != "" {
				sc = []byte(tt.sidecar)
			}
			doc, warns, err := Parse(tt.path, []byte(tt.data), sc)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.path, err)
			}
			if doc.Title != tt.title || !reflect.DeepEqual(doc.Reviews, tt.reviews) {
				t.Errorf("Parse(%q) title %q reviews %+v, want %q %+v", tt.path, doc.Title, doc.Reviews, tt.title, tt.reviews)
			}
			if len(warns) != len(tt.warns) {
				t.Fatalf("Parse(%q) warnings %v, want %d: %q", tt.path, warns, len(tt.warns), tt.warns)
			}
			for i, w := range warns {
				if got := fmt.Sprintf("%d: %v", w.Line, w.Err); !strings.HasPrefix(got, strings.SplitN(tt.warns[i], ":", 2)[0]+":") || !strings.Contains(got, strings.SplitN(tt.warns[i], ": ", 2)[1]) {
					t.Errorf("Parse(%q) warning %d = %q, want %q", tt.path, i, got, tt.warns[i])
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		data    []byte
		sidecar []byte
		errPath string
		line    int
		want    string
	}{
		{"empty", "a.txt", []byte{}, nil, "a.txt", 0, "empty file"},
		{"white space only", "a.txt", []byte(" \n\t\n"), nil, "a.txt", 0, "no text"},
		{"binary", "a.txt", []byte("ab\ncd\x00ef"), nil, "a.txt", 2, "NUL byte at byte 5"},
		{"not UTF-8", "a.md", []byte("Title\n\nok \xff bad"), nil, "a.md", 3, "not valid UTF-8 at byte 10"},
		{"title only", "a.txt", []byte("Just A Title\n\n"), nil, "a.txt", 0, "no body text after the title"},
		{"boilerplate only", "a.txt", []byte("Title\n\nShare this:\n\nLeave a Reply\n"), nil, "a.txt", 0, "no body text"},
		{"bad front matter", "a.md", []byte("---\ntitle: ok\nbad: [unclosed\n---\nBody.\n"), nil, "a.md", 0, "front matter: invalid YAML"},
		{"bad front matter line", "a.md", []byte("---\ntitle: ok\n  - x: y\n---\nBody.\n"), nil, "a.md", 3, "front matter: invalid YAML"},
		{"unclosed front matter", "a.md", []byte("---\ntitle: ok\n\nBody.\n"), nil, "a.md", 1, "not closed"},
		{"front matter not a mapping", "a.md", []byte("---\n- a\n---\nBody.\n"), nil, "a.md", 2, "want a mapping"},
		{"bad sidecar", "d/a.txt", []byte("T\n\nBody.\n"), []byte("title: x\n\ttab: y\n"), "d/a.yaml", 2, "metadata: invalid YAML"},
		{"unsupported", "a.pdf", []byte("x"), nil, "a.pdf", 0, "unsupported file type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Parse(tt.path, tt.data, tt.sidecar)
			var fe *chokepoint.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Parse(%q) error = %v, want a *FileError", tt.path, err)
			}
			if fe.Path != tt.errPath || !strings.Contains(fe.Err.Error(), tt.want) {
				t.Errorf("Parse(%q) error = %v, want path %q containing %q", tt.path, err, tt.errPath, tt.want)
			}
			if tt.line != 0 && fe.Line != tt.line {
				t.Errorf("Parse(%q) error line = %d, want %d (%v)", tt.path, fe.Line, tt.line, err)
			}
		})
	}
}

func TestParseHash(t *testing.T) {
	a, _, _ := Parse("a.txt", []byte("T\n\nBody.\n"), nil)
	b, _, _ := Parse("a.txt", []byte("T\n\nBody.\n"), []byte("source: X\n"))
	c, _, _ := Parse("a.txt", []byte("T\n\nBody!\n"), nil)
	if len(a.Hash) != 64 || a.Hash == b.Hash || a.Hash == c.Hash {
		t.Errorf("hashes %q %q %q: want 64 hex digits, different when file or sidecar differ", a.Hash, b.Hash, c.Hash)
	}
	// The loader's version is part of the hash, so an index built by an
	// older loader sees every article as changed.
	plain := sha256.Sum256([]byte("T\n\nBody.\n"))
	if a.Hash == hex.EncodeToString(plain[:]) {
		t.Errorf("hash %q is the file's bare SHA-256: the loader version is not in it", a.Hash)
	}
	versioned := sha256.Sum256([]byte(LoaderVersion + "T\n\nBody.\n"))
	if a.Hash != hex.EncodeToString(versioned[:]) {
		t.Errorf("hash %q, want SHA-256 of loader version, file and sidecar", a.Hash)
	}
}

func TestSummaryHeadingEndsWithItsList(t *testing.T) {
	src := "Title Of It\n\nKey Takeaways\n\n- one point\n- another point\n\nThe article starts here with a sentence.\n\nBackground\n\nMore text under a real heading.\n"
	d, _, err := Parse("a.txt", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range d.Passages {
		got = append(got, p.Section)
	}
	want := []string{"Key Takeaways", "", "Background"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sections = %q, want %q", got, want)
	}
}

func TestRepairThaiO(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Thatโs not hype; itโs real, and we donโt know; theyโre, weโve, Iโm, sheโd, youโll", "That’s not hype; it’s real, and we don’t know; they’re, we’ve, I’m, she’d, you’ll"},
		{"curbsโtungsten and antimonyโwent first", "curbs—tungsten and antimony—went first"},
		{"prices rose โ again", "prices rose — again"},
		{"the so-called (โnew territoriesโ) and โoil weapon.โ", "the so-called (“new territories”) and “oil weapon.”"},
		{"in 2022โ23", "in 2022–23"},
		{"Restrictionsโsome of them", "Restrictions—some of them"},
		{"MPโ€™s stake at $30.03 per shareโ€”instantly", "MPâ€™s stake at $30.03 per shareâ€”instantly"}, // for the Windows-1252 table
		{"written byย Rare Earth Exchanges", "written by Rare Earth Exchanges"},
		{"ภาษาไทย โรงเรียน ยาว", "ภาษาไทย โรงเรียน ยาว"}, // Thai text keeps its letters
		{"no mojibake here", "no mojibake here"},
	}
	for _, tt := range tests {
		if got := repairThaiO(tt.in); got != tt.want {
			t.Errorf("repairThaiO(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRemoveFootnotes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"classified as critical by the European Commission[1] and are", "classified as critical by the European Commission and are"},
		{"as the ISA said.[12] Then", "as the ISA said. Then"},
		{"exploration of deep-sea minerals.4 As part of these", "exploration of deep-sea minerals. As part of these"},
		{"of basaltic debris.2", "of basaltic debris."},
		{"to the United States.2Elaine Kurtenbach wrote", "to the United States. Elaine Kurtenbach wrote"},
		{"Member States”).1", "Member States”)."},
		// Not marks: a number that is part of the text.
		{"some companies,15 firms in all", "some companies,15 firms in all"},
		{"prices rose 3.5 percent to $1.3 billion in 2023.", "prices rose 3.5 percent to $1.3 billion in 2023."},
		{"Notice 57 and Notices 61 and 62 cover it", "Notice 57 and Notices 61 and 62 cover it"},
		{"see item [3] below", "see item [3] below"},
		{"U.S. Route 66, (2) and", "U.S. Route 66, (2) and"},
	}
	for _, tt := range tests {
		if got := removeFootnotes(tt.in); got != tt.want {
			t.Errorf("removeFootnotes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldedAgreesWithFold(t *testing.T) {
	for _, s := range []string{"", "a", "a b", " a", "a ", "a  b", "a\tb", "a\nb", "a\u00a0b", "a\u2003", "\u3000a", "Café — ok", "x\u0085y"} {
		if got, want := folded(s), fold(s) == s; got != want {
			t.Errorf("folded(%q) = %v, but fold gives %q", s, got, fold(s))
		}
	}
}
