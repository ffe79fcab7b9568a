package index

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"chokepoint"
)

// searchCorpus is a small corpus for ranking tests.
func searchCorpus() []chokepoint.Document {
	return []chokepoint.Document{
		newDoc("china", "China's grip on minerals", "h1",
			"China dominates the processing of rare earth elements.",    // china#0: both groups
			"A rare opportunity for earth science: new elements named.", // china#1: words, no phrase
			"Refining capacity is concentrated in a few provinces.",     // china#2: group 2 only
		),
		newDoc("russia", "Russia woos the U.S.", "h2",
			"## Rare earth elements\nMoscow offers deposits to the US.", // russia#0: phrase in section only
			"## Sanctions\nSanctions by the U.S. block the deal.",       // russia#1
		),
		newDoc("twin-a", "Twin", "h3", "Gallium export controls tighten."),
		newDoc("twin-b", "Twin", "h4", "Gallium export controls tighten."),
		newDoc("empty", "Lonely tungsten essay", "h5"),
	}
}

func TestAnalyze(t *testing.T) {
	x, _ := openTest(t, Options{})
	for _, tc := range []struct {
		text  string
		terms []string
	}{
		{"Rare Earth Elements", []string{"rare", "earth", "element"}},
		{"Why can't the U.S. refine it?", []string{"us", "refin"}},
		{"US sanctions, U.S.-Russia talks", []string{"us", "sanction", "us", "russia", "talk"}},
		{"Russia’s and Trump's", []string{"russia", "trump"}},
		{"the of and", nil},
		{"", nil},
	} {
		toks := x.Analyze(tc.text)
		var terms []string
		for _, tok := range toks {
			terms = append(terms, tok.Term)
			surface := tc.text[tok.Start:tok.End]
			if surface == "" || len(x.Analyze(surface)) != 1 || x.Analyze(surface)[0].Term != tok.Term {
				t.Errorf("Analyze(%q): token %q has surface %q", tc.text, tok.Term, surface)
			}
		}
		if !slices.Equal(terms, tc.terms) {
			t.Errorf("Analyze(%q) = %v, want %v", tc.text, terms, tc.terms)
		}
	}
	toks := x.Analyze("Why can't the U.S. refine it?")
	if got := "Why can't the U.S. refine it?"[toks[0].Start:toks[0].End]; got != "U.S" && got != "US" && got != "U.S." {
		t.Errorf("Analyze: surface of %q = %q, want the U.S. abbreviation", toks[0].Term, got)
	}
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	x, _ := openTest(t, Options{})
	mustUpdate(t, x, searchCorpus()...)
	for _, tc := range []struct {
		name   string
		q      chokepoint.Query
		want   []string // exact hit order
		absent []string
	}{
		{
			// china#0 satisfies both groups, china#2 one in its text,
			// russia#0 one only through its section heading, weighed less.
			name:   "phrase alternative and second group",
			q:      chokepoint.Query{Groups: [][]string{{"rare earth elements"}, {"refining", "processing"}}},
			want:   []string{"china#0", "china#2", "russia#0"},
			absent: []string{"china#1"},
		},
		{
			name:   "stray words do not satisfy a phrase",
			q:      chokepoint.Query{Groups: [][]string{{"rare earth elements"}}},
			want:   []string{"china#0", "russia#0"},
			absent: []string{"china#1"},
		},
		{
			name: "single words match anywhere",
			q:    chokepoint.Query{Groups: [][]string{{"rare"}}},
			want: []string{"china#0", "china#1", "russia#0"},
		},
		{
			name: "US and U.S. are one term",
			q:    chokepoint.Query{Groups: [][]string{{"U.S."}}},
			want: []string{"russia#0", "russia#1"},
		},
		{
			name: "text without groups",
			q:    chokepoint.Query{Text: "Who refines rare earths?"},
			want: []string{"china#0", "china#1", "china#2", "russia#0"},
		},
		{
			name: "ties broken by passage ID",
			q:    chokepoint.Query{Text: "gallium export"},
			want: []string{"twin-a#0", "twin-b#0"},
		},
		{
			name: "limit",
			q:    chokepoint.Query{Text: "gallium export", Limit: 1},
			want: []string{"twin-a#0"},
		},
		{
			name: "no match",
			q:    chokepoint.Query{Text: "semiconductors"},
		},
		{
			name: "only stop words",
			q:    chokepoint.Query{Groups: [][]string{{"the", "of"}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := x.Search(ctx, tc.q)
			if err != nil {
				t.Fatalf("Search(%+v) = %v", tc.q, err)
			}
			got := hitIDs(res.Hits)
			if len(tc.want) == 0 && len(got) != 0 || len(tc.want) > 0 && !slices.Equal(got, tc.want) {
				t.Errorf("Search(%+v) = %v, want %v", tc.q, got, tc.want)
			}
			for _, id := range tc.absent {
				if slices.Contains(got, id) {
					t.Errorf("Search(%+v) = %v, want no %s", tc.q, got, id)
				}
			}
			for i := 1; i < len(res.Hits); i++ {
				if res.Hits[i].Score > res.Hits[i-1].Score {
					t.Errorf("Search(%+v): hit %d scores %v above hit %d's %v", tc.q, i, res.Hits[i].Score, i-1, res.Hits[i-1].Score)
				}
			}
			if res.Passages != 7 {
				t.Errorf("Search(%+v).Passages = %d, want 7", tc.q, res.Passages)
			}
		})
	}
}

func TestSearchTermsAndHits(t *testing.T) {
	x, _ := openTest(t, Options{})
	mustUpdate(t, x, searchCorpus()...)
	ctx := context.Background()
	st, err := x.Terms(ctx, []string{"rare", "earth", "element", "us", "refin", "absent"})
	if err != nil {
		t.Fatal(err)
	}
	// "element" occurs in china#0 and china#1 text; russia#0 has it only
	// in its section heading, which Terms does not count.
	want := map[string]int{"rare": 2, "earth": 2, "element": 2, "us": 2, "refin": 1, "absent": 0}
	if !reflect.DeepEqual(st.DocFreq, want) || st.Passages != 7 {
		t.Errorf("Terms = %v over %d passages, want %v over 7", st.DocFreq, st.Passages, want)
	}
	res, err := x.Search(ctx, chokepoint.Query{Groups: [][]string{{"rare earth elements", "U.S."}, {"refining", "of"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 {
		t.Fatal("no hits")
	}
	h := res.Hits[0]
	if h.Title == "" || h.URL == "" || h.Score <= 0 || h.Passage.Text == "" || h.Passage.DocID == "" {
		t.Errorf("hit = %+v, want title, URL, score and passage", h)
	}
}

func TestPassageRoundTrip(t *testing.T) {
	ctx := context.Background()
	x, _ := openTest(t, Options{})
	list := chokepoint.Passage{DocID: "doc/one", Index: 1, Section: "Highlights", Kind: chokepoint.List,
		Text: "• Russia proposes exploration with the U.S.\n• Sanctions — “new” territories"}
	d := chokepoint.Document{ID: "doc/one", Title: "Putin’s offer", URL: "", Hash: "h", Passages: []chokepoint.Passage{
		{DocID: "doc/one", Index: 0, Kind: chokepoint.Paragraph, Text: "Before any heading."},
		list,
	}}
	mustUpdate(t, x, d)
	for _, want := range []chokepoint.Hit{
		{Passage: d.Passages[0], Title: d.Title},
		{Passage: list, Title: d.Title},
	} {
		got, err := x.Passage(ctx, want.Passage.ID())
		if err != nil {
			t.Fatalf("Passage(%q) = %v", want.Passage.ID(), err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Passage(%q) = %+v, want %+v", want.Passage.ID(), got, want)
		}
	}
	if _, err := x.Passage(ctx, "doc/one#2"); !errors.Is(err, chokepoint.ErrNotFound) {
		t.Errorf("Passage(doc/one#2) = %v, want ErrNotFound", err)
	}
}

func TestBaseline(t *testing.T) {
	x, _ := openTest(t, Options{})
	mustUpdate(t, x, searchCorpus()...)
	hs, err := x.Baseline(context.Background(), "rare earth elements", 10)
	if err != nil {
		t.Fatal(err)
	}
	got := hitIDs(hs)
	// A bare match query is a disjunction of words: the stray-words passage
	// matches too, and section headings do not count.
	slices.Sort(got)
	if want := []string{"china#0", "china#1"}; !slices.Equal(got, want) {
		t.Errorf("Baseline(rare earth elements) = %v, want %v in any order", got, want)
	}
	if hs, err := x.Baseline(context.Background(), "rare earth elements", 1); err != nil || len(hs) != 1 {
		t.Errorf("Baseline(n=1) = %d hits, %v; want 1", len(hs), err)
	}
}

func TestNearest(t *testing.T) {
	ctx := context.Background()
	x, _ := openTest(t, Options{})
	refs, err := x.Nearest(ctx, "anything", 3)
	if err != nil || len(refs) != 0 {
		t.Errorf("Nearest on empty index = %v, %v; want none", refs, err)
	}
	mustUpdate(t, x, searchCorpus()...)
	for _, tc := range []struct {
		text string
		n    int
		want []string
	}{
		{"sanctions on Moscow", 3, []string{"russia"}},
		{"rare earth refining", 2, []string{"china", "russia"}},
		{"rare earth refining", 1, []string{"china"}},
		{"tungsten", 3, []string{"empty"}},                // title of a document without passages
		{"semiconductors", 2, []string{"china", "empty"}}, // nothing: first by title
		{"", 0, []string{"china", "empty", "russia", "twin-a", "twin-b"}},
	} {
		refs, err := x.Nearest(ctx, tc.text, tc.n)
		if err != nil {
			t.Fatalf("Nearest(%q, %d) = %v", tc.text, tc.n, err)
		}
		var got []string
		for _, r := range refs {
			got = append(got, r.ID)
			if r.Title == "" {
				t.Errorf("Nearest(%q): %s has no title", tc.text, r.ID)
			}
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Nearest(%q, %d) = %v, want %v", tc.text, tc.n, got, tc.want)
		}
	}
}

func TestNear(t *testing.T) {
	x, _ := openTest(t, Options{})
	mustUpdate(t, x, searchCorpus()...)
	ctx := context.Background()
	for _, tc := range []struct {
		term string
		want []string
	}{
		{"galium", []string{"gallium"}},      // one edit, six letters
		{"tungstan", nil},                    // "tungsten" is in a title, not in passage text
		{"sallium", nil},                     // the first letter is kept
		{"gallum", []string{"gallium"}},      // one edit
		{"sanctionz", []string{"sanction"}},  // stems are compared
		{"rar", nil},                         // too short to guess
		{"gallium", nil},                     // the term itself is not near
		{"xylophone", nil},                   // nothing close
		{"refinin", []string{"refin"}},       // two edits from seven letters
		{"concentrat", []string{"concentr"}}, // two edits
		{"elemnts", []string{"element"}},     // two edits at seven letters
		{"dominat", []string{"domin"}},       // two edits at seven letters
		{"tighte", []string{"tighten"}},      // one edit at six letters
		{"mosco", []string{"moscow"}},        // one edit at five letters
		{"mocsow", []string{"moscow"}},       // a swap of neighbours is one slip
		{"oferr", []string{"offer"}},         // so is a misplaced double letter
		{"mxscxw", nil},                      // two edits that are no slip, at six letters
	} {
		near, err := x.Near(ctx, tc.term)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range near {
			got = append(got, n.Term)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Near(%q) = %q, want %q", tc.term, got, tc.want)
		}
	}
}
