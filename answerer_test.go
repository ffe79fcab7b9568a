package chokepoint

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// memSearcher is an in-memory Searcher with a crude analyzer: enough to
// exercise answer composition without bleve.
type memSearcher struct {
	docs []Document
	err  error
}

var memStop = map[string]bool{"the": true, "a": true, "and": true, "of": true, "in": true, "is": true, "why": true,
	"not": true, "can't": true, "to": true, "do": true, "i": true, "how": true, "who": true, "what": true, "it": true, "by": true,
	"where": true, "are": true, "could": true, "for": true, "under": true, "does": true, "was": true, "there": true,
	"me": true, "about": true, "did": true, "on": true, "at": true, "when": true, "you": true}

func (m *memSearcher) Analyze(text string) []Token {
	var out []Token
	i := 0
	for i < len(text) {
		r := rune(text[i])
		if r < 128 && !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'') {
			i++
			continue
		}
		j := i
		for j < len(text) {
			c := rune(text[j])
			if c < 128 && !(unicode.IsLetter(c) || unicode.IsDigit(c) || c == '\'') {
				break
			}
			j++
		}
		w := strings.ToLower(text[i:j])
		if !memStop[w] {
			for _, suf := range []string{"ing", "ed", "s"} {
				if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
					w = strings.TrimSuffix(w, suf)
					break
				}
			}
			out = append(out, Token{Term: w, Start: i, End: j})
		}
		i = j
	}
	return out
}

func (m *memSearcher) terms(text string) []string {
	var t []string
	for _, tok := range m.Analyze(text) {
		t = append(t, tok.Term)
	}
	return t
}

func (m *memSearcher) Search(ctx context.Context, q Query) (Result, error) {
	if m.err != nil {
		return Result{}, m.err
	}
	var res Result
	for _, d := range m.docs {
		for _, p := range d.Passages {
			res.Passages++
			terms := m.terms(p.Text)
			score := 0.0
			for _, g := range q.Groups {
				for _, alt := range g {
					if containsSeq(terms, m.terms(alt)) {
						score++
						break
					}
				}
			}
			if score > 0 {
				res.Hits = append(res.Hits, Hit{Passage: p, Title: d.Title, URL: d.URL, Score: score})
			}
		}
	}
	sort.SliceStable(res.Hits, func(i, j int) bool { return res.Hits[i].Score > res.Hits[j].Score })
	if q.Limit > 0 && len(res.Hits) > q.Limit {
		res.Hits = res.Hits[:q.Limit]
	}
	return res, nil
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// docFreq counts the passages holding each term, and the passages.
func (m *memSearcher) docFreq() (map[string]int, int) {
	df, n := map[string]int{}, 0
	for _, d := range m.docs {
		for _, p := range d.Passages {
			n++
			for _, t := range uniq(m.terms(p.Text)) {
				df[t]++
			}
		}
	}
	return df, n
}

// Terms counts passages holding each term.
func (m *memSearcher) Terms(ctx context.Context, terms []string) (TermStats, error) {
	if m.err != nil {
		return TermStats{}, m.err
	}
	df, n := m.docFreq()
	st := TermStats{Passages: n, DocFreq: map[string]int{}}
	for _, t := range terms {
		st.DocFreq[t] = df[t]
	}
	return st, nil
}

// Near offers the known terms one edit away with the same first letter.
func (m *memSearcher) Near(ctx context.Context, t string) ([]NearTerm, error) {
	if len(t) < 4 {
		return nil, nil
	}
	df, _ := m.docFreq()
	var near []NearTerm
	for known, n := range df {
		if known[0] == t[0] && oneEdit(known, t) {
			near = append(near, NearTerm{Term: known, Edits: 1, DocFreq: n})
		}
	}
	sort.Slice(near, func(i, j int) bool { return near[i].Term < near[j].Term })
	return near, nil
}

// oneEdit reports whether a and b are one insertion, deletion or
// substitution apart.
func oneEdit(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > 1 || a == b {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:]
	}
	return a[i+1:] == b[i:]
}

func (m *memSearcher) Nearest(ctx context.Context, text string, n int) ([]DocRef, error) {
	var out []DocRef
	for _, d := range m.docs {
		if len(out) < n {
			out = append(out, DocRef{ID: d.ID, Title: d.Title, URL: d.URL})
		}
	}
	return out, nil
}

func doc(id, title string, sections_texts ...string) Document {
	d := Document{ID: id, Title: title, URL: "https://example.org/" + id}
	for i := 0; i+1 < len(sections_texts); i += 2 {
		d.Passages = append(d.Passages, Passage{DocID: id, Index: len(d.Passages), Section: sections_texts[i], Kind: Paragraph, Text: sections_texts[i+1]})
	}
	return d
}

var testVocab = Vocabulary{
	Equivalent: [][]string{
		{"refining", "processing", "separation", "midstream"},
		{"rare earths", "rare earth elements", "REE"},
		{"sanctions", "sanctioned", "embargo"},
		{"replace", "substitute", "alternative"},
		{"Russia", "Russian"},
		{"China", "Chinese"},
	},
	Implies: map[string][]string{"Moscow": {"Russia"}, "Beijing": {"China"}},
}

func testCorpus() *memSearcher {
	return &memSearcher{docs: []Document{
		doc("seed", "Putin Allies Woo Trump",
			"Intro", "This overture comes as Trump pursues supply chains independent of China. Putin courts Trump in Moscow.",
			"Critical Flaws", "The article is interesting. Both Russia and Ukraine lack significant midstream and downstream rare earth processing capacity. Rare earths need refinement.",
			"Critical Flaws", "China dominates processing and refining of rare earth elements. If Trump made a deal with Russia, the U.S. would still rely on Chinese facilities for refinement, which defeats the purpose.",
			"Other Details", "Potanin and other Russian elites have been sanctioned by the U.S. and Europe, making it complex for American companies to invest.",
			"Other Details", "Vladimir Potanin is the owner of Norilsk Nickel, a Russian company.",
		),
		doc("copy", "A Copy Of The Same Point",
			"", "China dominates processing and refining of rare earth elements. If Trump made a deal with Russia, the U.S. would still rely on Chinese facilities for refinement, which defeats the purpose.",
		),
		doc("lithium", "Lithium in Chile", "", "Chile's lithium brine output grew while prices fell."),
	}}
}

func TestAnswerCitationsAreVerbatimAndNumbered(t *testing.T) {
	s := testCorpus()
	a := NewAnswerer(s, testVocab, Options{})
	for _, q := range []string{"why can't Russia replace China?", "Who is Vladimir Potanin?", "Are Russian oligarchs under sanctions?", "Could Moscow substitute for Beijing in REE refining?"} {
		ans, err := a.Answer(context.Background(), q)
		if err != nil {
			t.Fatalf("Answer(%q): %v", q, err)
		}
		if ans.Abstained || len(ans.Citations) == 0 {
			t.Fatalf("Answer(%q) abstained, want citations", q)
		}
		all := append(append([]Citation{}, ans.Citations...), ans.More...)
		for i, c := range all {
			if c.N != i+1 {
				t.Errorf("Answer(%q) citation %d numbered %d", q, i, c.N)
			}
			text := passageText(s, c.PassageID)
			if !strings.Contains(text, c.Excerpt) || c.Excerpt == "" {
				t.Errorf("Answer(%q) excerpt %q is not a substring of passage %s", q, c.Excerpt, c.PassageID)
			}
			if c.TrimmedStart != !strings.HasPrefix(text, c.Excerpt) || c.TrimmedEnd != !strings.HasSuffix(text, c.Excerpt) {
				t.Errorf("Answer(%q) excerpt %q trim flags %v,%v wrong", q, c.Excerpt, c.TrimmedStart, c.TrimmedEnd)
			}
		}
	}
}

func passageText(s *memSearcher, id string) string {
	for _, d := range s.docs {
		for _, p := range d.Passages {
			if p.ID() == id {
				return p.Text
			}
		}
	}
	return ""
}

func TestAnswerPicks(t *testing.T) {
	tests := []struct {
		q          string
		first      string   // substring the first excerpt must hold
		alsoCited  []string // substrings some shown citation must hold
		notExcerpt string   // a sentence that must not be quoted
	}{
		{q: "Who is Vladimir Potanin?", first: "owner of Norilsk Nickel"},
		{q: "why can't Russia replace China?", first: "", alsoCited: []string{"lack significant midstream", "sanctioned", "rely on Chinese facilities"}},
		{q: "Could Moscow substitute for Beijing in REE refining?", first: "", alsoCited: []string{"rely on Chinese facilities"}},
		{q: "Who owns Norilsk Nickel?", first: "owner of Norilsk Nickel", notExcerpt: "Potanin and other Russian elites"},
	}
	a := NewAnswerer(testCorpus(), testVocab, Options{})
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			ans, err := a.Answer(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(ans.Citations) == 0 {
				t.Fatalf("Answer(%q) has no citations", tt.q)
			}
			if !strings.Contains(ans.Citations[0].Excerpt, tt.first) {
				t.Errorf("Answer(%q) first excerpt = %q, want it to hold %q", tt.q, ans.Citations[0].Excerpt, tt.first)
			}
			for _, want := range tt.alsoCited {
				found := false
				for _, c := range ans.Citations {
					found = found || strings.Contains(c.Excerpt, want)
				}
				if !found {
					t.Errorf("Answer(%q) citations %v, want one holding %q", tt.q, excerpts(ans.Citations), want)
				}
			}
			if tt.notExcerpt != "" {
				for _, c := range ans.Citations[:1] {
					if strings.Contains(c.Excerpt, tt.notExcerpt) {
						t.Errorf("Answer(%q) first excerpt %q holds %q", tt.q, c.Excerpt, tt.notExcerpt)
					}
				}
			}
		})
	}
}

func excerpts(cs []Citation) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Excerpt)
	}
	return out
}

func TestAnswerDropsNearDuplicates(t *testing.T) {
	a := NewAnswerer(testCorpus(), testVocab, Options{})
	ans, err := a.Answer(context.Background(), "Does China dominate rare earth refining?")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range append(ans.Citations, ans.More...) {
		if strings.Contains(c.Excerpt, "China dominates processing and refining") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("Answer cites the duplicated passage %d times, want once: %v", n, excerpts(ans.Citations))
	}
}

func TestAnswerAbstains(t *testing.T) {
	a := NewAnswerer(testCorpus(), testVocab, Options{})
	for _, q := range []string{
		"How do I bake sourdough bread?", // no word in the corpus
		"why?",                           // only stop words
	} {
		ans, err := a.Answer(context.Background(), q)
		if err != nil {
			t.Fatalf("Answer(%q): %v", q, err)
		}
		if !ans.Abstained || len(ans.Citations) != 0 {
			t.Errorf("Answer(%q) = %v, want abstention", q, excerpts(ans.Citations))
		}
		if len(ans.Suggestions) == 0 {
			t.Errorf("Answer(%q) suggests nothing, want nearest titles", q)
		}
	}
}

func TestAnswerImpliesIsOneWay(t *testing.T) {
	s := &memSearcher{docs: []Document{doc("d", "T", "", "Talks were held in Moscow last week.")}}
	a := NewAnswerer(s, testVocab, Options{})
	ans, err := a.Answer(context.Background(), "Russia")
	if err != nil {
		t.Fatal(err)
	}
	if !ans.Abstained {
		t.Errorf("Answer(%q) = %v, want abstention: Russia does not imply Moscow", "Russia", excerpts(ans.Citations))
	}
	s = &memSearcher{docs: []Document{doc("d", "T", "", "Russia holds rare earth deposits.")}}
	a = NewAnswerer(s, testVocab, Options{})
	ans, err = a.Answer(context.Background(), "Moscow deposits")
	if err != nil {
		t.Fatal(err)
	}
	if ans.Abstained {
		t.Errorf("Answer(%q) abstained, want Moscow to match Russia", "Moscow deposits")
	}
}

func TestAnswerMultiWordSynonym(t *testing.T) {
	s := &memSearcher{docs: []Document{doc("d", "T", "", "Rare earth elements are mined in Bayan Obo. Other metals are not. "+
		"Nothing else is said of them here, in a sentence long enough that no excerpt quotes it with another, since two sentences "+
		"of this length run past the longest excerpt an answer quotes in one piece, which is four hundred and fifty bytes by default; "+
		"and so the sentence stays alone. A further sentence, as long again, sees to it that the passage runs past the longest "+
		"passage an answer quotes whole even as its lead excerpt, which is six hundred bytes; a reader then gets the window. "+
		"This last sentence only adds length, so that the count is past that limit with room to spare.")}}
	a := NewAnswerer(s, testVocab, Options{})
	ans, err := a.Answer(context.Background(), "Where are REE mined?")
	if err != nil {
		t.Fatal(err)
	}
	want := "Rare earth elements are mined in Bayan Obo. Other metals are not."
	if ans.Abstained || ans.Citations[0].Excerpt != want {
		t.Errorf("Answer(REE) = %v, want %q", excerpts(ans.Citations), want)
	}
	if !ans.Citations[0].TrimmedEnd || ans.Citations[0].TrimmedStart {
		t.Errorf("trim flags = %v,%v, want false,true", ans.Citations[0].TrimmedStart, ans.Citations[0].TrimmedEnd)
	}
	if got, want := ans.Citations[0].Quote(), want+" …"; got != want {
		t.Errorf("Quote() = %q, want %q", got, want)
	}
}

func TestAnswerErrors(t *testing.T) {
	a := NewAnswerer(testCorpus(), testVocab, Options{})
	if _, err := a.Answer(context.Background(), "  \n\t "); !errors.Is(err, ErrEmptyQuestion) {
		t.Errorf("Answer(blank) error = %v, want ErrEmptyQuestion", err)
	}
	if _, err := a.Answer(context.Background(), strings.Repeat("x ", MaxQuestionLen)); !errors.Is(err, ErrQuestionTooLong) {
		t.Errorf("Answer(long) error = %v, want ErrQuestionTooLong", err)
	}
	boom := errors.New("disk on fire")
	s := testCorpus()
	s.err = boom
	a = NewAnswerer(s, testVocab, Options{})
	if _, err := a.Answer(context.Background(), "China"); !errors.Is(err, boom) {
		t.Errorf("Answer with failing searcher error = %v, want %v wrapped", err, boom)
	}
}

func TestAnswerDeterministic(t *testing.T) {
	a := NewAnswerer(testCorpus(), testVocab, Options{})
	first, err := a.Answer(context.Background(), "why can't Russia replace China?")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		again, err := a.Answer(context.Background(), "why can't Russia replace China?")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(first, again) {
			t.Fatalf("Answer differs between runs:\n%v\n%v", first, again)
		}
	}
}

func TestAnswerMaxCitations(t *testing.T) {
	a := NewAnswerer(testCorpus(), testVocab, Options{MaxCitations: 1, MoreCitations: 2})
	ans, err := a.Answer(context.Background(), "why can't Russia replace China?")
	if err != nil {
		t.Fatal(err)
	}
	if len(ans.Citations) != 1 || len(ans.More) > 2 {
		t.Errorf("got %d citations and %d more, want 1 and at most 2", len(ans.Citations), len(ans.More))
	}
}

func TestWindowsKeepListItemsWithTheirChildren(t *testing.T) {
	text := "• Russia lacks processing\n• Deal faces obstacles:\n  • U.S. sanctions\n  • Tensions\n• Last item"
	sents := analyseSentences(text, (&memSearcher{}).Analyze)
	var got []string
	for _, w := range windows(text, List, sents, 400, true) {
		got = append(got, text[sents[w.first].span.Start:sents[w.last].span.End])
	}
	want := []string{"• Russia lacks processing", "• Deal faces obstacles:\n  • U.S. sanctions\n  • Tensions", "• Last item"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("windows(list) = %q, want %q", got, want)
	}
}

func TestSentenceCache(t *testing.T) {
	c := newSentenceCache(2)
	a := []sentence{{span: Span{0, 1}}}
	c.put("d#0", "one", a)
	c.put("d#1", "two", a)
	if _, ok := c.get("d#0", "one"); !ok {
		t.Fatal("get(d#0) missed right after put")
	}
	c.put("d#2", "three", a) // evicts d#1, the least recently used
	if _, ok := c.get("d#1", "two"); ok {
		t.Error("get(d#1) hit, want it evicted")
	}
	if _, ok := c.get("d#0", "changed text"); ok {
		t.Error("get(d#0) with changed text hit, want a miss: the passage was re-indexed")
	}
	var none *sentenceCache
	none.put("x", "y", a)
	if _, ok := none.get("x", "y"); ok {
		t.Error("a nil cache returned a hit")
	}
}

func TestAnswerSameWithAndWithoutCache(t *testing.T) {
	cached := NewAnswerer(testCorpus(), testVocab, Options{})
	uncached := NewAnswerer(testCorpus(), testVocab, Options{CacheSize: -1})
	for _, q := range []string{"why can't Russia replace China?", "Who is Vladimir Potanin?", "Does China dominate rare earth refining?"} {
		for round := 0; round < 2; round++ {
			got, err := cached.Answer(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			want, err := uncached.Answer(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Answer(%q) round %d with cache = %v, without = %v", q, round, excerpts(got.Citations), excerpts(want.Citations))
			}
		}
	}
}

func TestNumberShownCitationsFirst(t *testing.T) {
	p := func(id int) candidate {
		return candidate{hit: Hit{Passage: Passage{DocID: "d", Index: id, Text: "x"}}, span: Span{0, 1}}
	}
	shown, more := number([]candidate{p(0), p(1), p(2), p(3)}, 3, false)
	var got []string
	for _, c := range append(shown, more...) {
		got = append(got, fmt.Sprintf("%d:%s", c.N, c.PassageID))
	}
	want := []string{"1:d#0", "2:d#1", "3:d#2", "4:d#3"}
	if !reflect.DeepEqual(got, want) || len(shown) != 3 {
		t.Errorf("number = %v (%d shown), want %v (3 shown)", got, len(shown), want)
	}
}

// TestNumberQuotesShortPassagesWhole: a passage of at most wholePassage
// bytes is quoted whole, with no trim marks, and one of at most wholeLead
// bytes when it gives the first excerpt; a longer one keeps its window; and
// without the feature every passage keeps its window.
func TestNumberQuotesShortPassagesWhole(t *testing.T) {
	short := "The plant opened in 2024. It separates heavy rare earths. Its owner is Lynas."
	long := strings.Repeat("Filler sentence about nothing much. ", 12) + "The answer is here."
	c := func(text string, start int) candidate {
		return candidate{hit: Hit{Passage: Passage{DocID: "d", Text: text}}, span: Span{start, len(text)}, trimS: start > 0}
	}
	windowOf := func(text string) int { return strings.LastIndex(text, ". ") + 2 }
	shown, _ := number([]candidate{c(short, windowOf(short)), c(long, windowOf(long))}, 3, true)
	if shown[0].Excerpt != short || shown[0].TrimmedStart || shown[0].TrimmedEnd {
		t.Errorf("short passage quoted as %q (trimmed %v, %v), want it whole", shown[0].Excerpt, shown[0].TrimmedStart, shown[0].TrimmedEnd)
	}
	if shown[1].Excerpt != "The answer is here." || !shown[1].TrimmedStart {
		t.Errorf("long passage (%d bytes) quoted as %q, want its window with a trim mark", len(long), shown[1].Excerpt)
	}
	off, _ := number([]candidate{c(short, windowOf(short))}, 3, false)
	if off[0].Excerpt != "Its owner is Lynas." {
		t.Errorf("without the feature the short passage is quoted as %q, want its window", off[0].Excerpt)
	}
	// A paragraph between wholePassage and wholeLead bytes is quoted whole
	// as the lead excerpt only.
	mid := strings.Repeat("A sentence of context on the plant. ", 12) + "The answer is here."
	if len(mid) <= wholePassage || len(mid) > wholeLead {
		t.Fatalf("mid passage is %d bytes, want between %d and %d", len(mid), wholePassage, wholeLead)
	}
	lead, _ := number([]candidate{c(mid, windowOf(mid)), c(mid, windowOf(mid))}, 3, true)
	if lead[0].Excerpt != mid || lead[1].Excerpt != "The answer is here." {
		t.Errorf("a %d-byte passage quoted as %q first and %q second, want it whole first and cut second", len(mid), lead[0].Excerpt, lead[1].Excerpt)
	}
}

// TestPickSkipsWindowsOfWholeLead: once the lead excerpt quotes its
// passage whole, another window of that passage says nothing new; a window
// of a passage too long to be quoted whole may follow one of its own.
func TestPickSkipsWindowsOfWholeLead(t *testing.T) {
	mid := strings.Repeat("A sentence of context on the plant. ", 12) + "The answer is here."
	long := strings.Repeat("Filler sentence about nothing much. ", 20) + "The answer is here."
	c := func(id, text string, start int, w string) candidate {
		return candidate{hit: Hit{Passage: Passage{DocID: id, Text: text}}, span: Span{start, len(text)}, words: map[string]bool{w: true}}
	}
	got := pick([]candidate{c("m", mid, 0, "a"), c("m", mid, 40, "b"), c("l", long, 0, "c"), c("l", long, 40, "d")}, 8, true)
	var ids []string
	for _, p := range got {
		ids = append(ids, p.hit.Passage.DocID)
	}
	if want := []string{"m", "l", "l"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("picked passages %v, want %v", ids, want)
	}
}

// TestAnswerMinConfidence: a question one of whose four words the corpus
// answers ("Russia") is answered or declined by the threshold alone, and
// declined with its closest passages when it comes close.
func TestAnswerMinConfidence(t *testing.T) {
	const q = "What is the sourdough price of bread in Russia"
	ctx := context.Background()
	low, err := NewAnswerer(testCorpus(), testVocab, Options{MinConfidence: 0.05}).Answer(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if low.Abstained || len(low.Citations) == 0 {
		t.Fatalf("Answer(%q) at threshold 0.05 abstained (confidence %.2f), want an answer", q, low.Confidence)
	}
	high, err := NewAnswerer(testCorpus(), testVocab, Options{MinConfidence: low.Confidence + 0.01, ClosestConfidence: low.Confidence - 0.01}).Answer(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if !high.Abstained || len(high.Citations) != 0 || len(high.Closest) == 0 {
		t.Errorf("Answer(%q) just above its confidence %.2f = %d citations, %d closest (abstained %v), want abstention with closest passages",
			q, low.Confidence, len(high.Citations), len(high.Closest), high.Abstained)
	}
}

// FuzzAnswer: whatever a member types, Answer returns without panicking,
// with a confidence between 0 and 1, and every excerpt it shows (or quotes
// as closest) is a verbatim, non-empty substring of the passage it cites.
func FuzzAnswer(f *testing.F) {
	for _, q := range []string{
		"why can't Russia replace China?",
		"<@1> hey bot, is the 2.5bn loan legit?? 🤔",
		"what about the $7.5k credit b4 2031 lol",
		"'24 9999999999999999999999k 0k .5m 1e9bn",
		"**REE** > `Ga` ||Ge|| [x](https://e.x) sourdough",
		"",
	} {
		f.Add(q)
	}
	s := testCorpus()
	a := NewAnswerer(s, testVocab, Options{ClosestConfidence: 0.01})
	f.Fuzz(func(t *testing.T, q string) {
		ans, err := a.Answer(context.Background(), q)
		if err != nil {
			if errors.Is(err, ErrQuestionTooLong) || errors.Is(err, ErrEmptyQuestion) {
				return
			}
			t.Fatalf("Answer(%q): %v", q, err)
		}
		if ans.Confidence < 0 || ans.Confidence > 1 || math.IsNaN(ans.Confidence) {
			t.Errorf("Answer(%q) confidence %v, want 0 to 1", q, ans.Confidence)
		}
		for _, c := range append(append(slices.Clone(ans.Citations), ans.More...), ans.Closest...) {
			if c.Excerpt == "" || !strings.Contains(passageText(s, c.PassageID), c.Excerpt) {
				t.Errorf("Answer(%q) excerpt %q is not in passage %s", q, c.Excerpt, c.PassageID)
			}
		}
	})
}
