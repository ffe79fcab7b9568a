package chokepoint

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// alternatives returns each concept's alternatives, as Explain gives them.
func alternatives(t *testing.T, a *Answerer, q string) ([][]string, Explanation) {
	t.Helper()
	ex, err := a.Explain(context.Background(), q)
	if err != nil {
		t.Fatalf("Explain(%q): %v", q, err)
	}
	var out [][]string
	for _, c := range ex.Concepts {
		var alts []string
		for _, al := range c.Alternatives {
			alts = append(alts, al.Text)
		}
		out = append(out, alts)
	}
	return out, ex
}

func TestExpandDropsFiller(t *testing.T) {
	a := NewAnswerer(testCorpus(), testVocab, Options{})
	got, _ := alternatives(t, a, "hey bot pls tell me, what does the article say about sanctions, tbh?")
	if len(got) != 1 || got[0][0] != "sanctions" {
		t.Errorf("concepts = %q, want sanctions alone", got)
	}
	if got, _ := alternatives(t, a, "lowkey prolly need the sanctions asap dude, smh, fwiw, info pls"); len(got) != 1 || got[0][0] != "sanctions" {
		t.Errorf("concepts = %q, want sanctions alone (chat slang dropped)", got)
	}
	if got, _ := alternatives(t, a, "when are the sanctions supposed to start, I reckon"); len(got) != 2 || got[0][0] != "sanctions" || got[1][0] != "start" {
		t.Errorf("concepts = %q, want sanctions and start (hedges dropped)", got)
	}
	// An opener is filler only where it opens the question.
	if got, _ := alternatives(t, a, "wait, the sanctions wait"); len(got) != 2 || got[0][0] != "sanctions" || got[1][0] != "wait" {
		t.Errorf("concepts = %q, want sanctions, then the second wait", got)
	}
	if got, _ := alternatives(t, a, "what year did it happen befor the sanctions"); len(got) != 1 {
		t.Errorf("concepts = %q, want sanctions alone (the type word and a stop-word typo dropped)", got)
	}
	// Talks are negotiations, though talking about the text is filler.
	if got, _ := alternatives(t, a, "what did the piece talk about in the sanctions talks, can you tell me"); len(got) != 2 || got[0][0] != "sanctions" || got[1][0] != "talks" {
		t.Errorf("concepts = %q, want sanctions and talks", got)
	}
}

func TestExpandFixesTypos(t *testing.T) {
	a := NewAnswerer(testCorpus(), testVocab, Options{})
	got, _ := alternatives(t, a, "why cant rusia replace china")
	if len(got) != 3 || !slices.Contains(got[0], "Russia") {
		t.Errorf("concepts = %q, want the first to take russia for rusia", got)
	}
	// A word of English the corpus lacks is no typo of a word it has.
	v := testVocab
	v.Words = map[string]bool{"bread": true}
	s := &memSearcher{docs: []Document{doc("d", "T", "", "They break the deal and broad sanctions follow.")}}
	got, _ = alternatives(t, NewAnswerer(s, v, Options{}), "bread sanctions")
	if len(got[0]) != 1 {
		t.Errorf("bread's alternatives = %q, want none", got[0])
	}
	// A word spelt as it sounds is one slip from the word meant, though
	// two edits: "grafite" is "graphite", ahead of "granite", one edit away
	// but rarer.
	s = &memSearcher{docs: []Document{
		doc("g", "T", "", "China requires permits for graphite exports.", "", "Graphite prices fell.", "", "The granite quarry closed."),
	}}
	got, _ = alternatives(t, NewAnswerer(s, Vocabulary{}, Options{}), "grafite exports")
	if len(got[0]) < 2 || got[0][1] != "graphite" {
		t.Errorf("grafite's alternatives = %q, want graphite first after itself", got[0])
	}
}

func TestSoundAlikes(t *testing.T) {
	for term, want := range map[string][]string{
		"grafit":  {"graphit"},
		"phosfat": {"fosfat", "phosphat"},
		"sulfur":  {"sulphur"},
		"nickel":  nil,
	} {
		if got := soundAlikes(term); !slices.Equal(got, want) {
			t.Errorf("soundAlikes(%q) = %q, want %q", term, got, want)
		}
	}
}

func TestExpandDecompounds(t *testing.T) {
	s := &memSearcher{docs: []Document{doc("d", "T", "", "The supply was cut off in May. Pay back the loan.")}}
	a := NewAnswerer(s, Vocabulary{}, Options{})
	for q, want := range map[string]string{"when was the cutoff": "cut off", "the payback terms": "pay back"} {
		got, _ := alternatives(t, a, q)
		if !slices.Contains(got[0], want) {
			t.Errorf("Explain(%q) concept = %q, want %q among its alternatives", q, got[0], want)
		}
	}
	// With a word list, each half must be English: "incident" is not
	// "Inc." and "identified", nor "proline" "pro" and "line"; and a word
	// of English is no two words run together ("reaction", "react ion").
	s = &memSearcher{docs: []Document{doc("d", "T", "", "The pro forma line was cut off. They react with ion resins.")}}
	v := Vocabulary{Words: map[string]bool{"cut": true, "off": true, "line": true, "react": true, "ion": true, "reaction": true}}
	for q, want := range map[string]int{"the cutoff": 2, "the proline": 1, "the reaction": 1} {
		if got, _ := alternatives(t, NewAnswerer(s, v, Options{}), q); len(got[0]) != want {
			t.Errorf("Explain(%q) concept = %q, want %d alternatives", q, got[0], want)
		}
	}
	// A compound whose first half the corpus lacks is a kind of its head:
	// "boxships" are ships, at weightHead.
	s = &memSearcher{docs: []Document{doc("d", "T", "", "Container ships now sail round the Cape.")}}
	v = Vocabulary{Words: map[string]bool{"box": true, "ship": true}}
	ex, err := NewAnswerer(s, v, Options{}).Explain(context.Background(), "how long do boxships take")
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(ex.Concepts, func(c ExplainedConcept) bool { return c.Alternatives[0].Text == "boxships" })
	if i < 0 || !slices.Contains(ex.Concepts[i].Alternatives, ExplainedAlternative{Text: "ships", Weight: weightHead}) {
		t.Errorf("Explain(boxships) = %+v, want ships at %v among the alternatives", ex.Concepts, weightHead)
	}
}

func TestExpandWeighsUnknownNames(t *testing.T) {
	v := testVocab
	v.Words = map[string]bool{"bake": true, "bread": true, "helium": true}
	a := NewAnswerer(testCorpus(), v, Options{})
	_, ex := alternatives(t, a, "sanctions on bread in Zimbabwe")
	byText := map[string]ExplainedConcept{}
	for _, c := range ex.Concepts {
		byText[c.Alternatives[0].Text] = c
	}
	sanctions, bread, zimbabwe := byText["sanctions"], byText["bread"], byText["Zimbabwe"]
	if !sanctions.Known || bread.Known || zimbabwe.Known {
		t.Fatalf("known = %v %v %v, want only sanctions known", sanctions.Known, bread.Known, zimbabwe.Known)
	}
	// An unknown common word weighs as the known ones on average; an
	// unknown name far more, so that the answer declines.
	if len(ex.Concepts) != 3 || bread.Weight != sanctions.Weight || zimbabwe.Weight != unknownNameWeight*sanctions.Weight {
		t.Errorf("weights: sanctions %v, bread %v, Zimbabwe %v; want bread = sanctions, Zimbabwe = %v × sanctions",
			sanctions.Weight, bread.Weight, zimbabwe.Weight, unknownNameWeight)
	}
	ans, err := a.Answer(context.Background(), "sanctions on bread in Zimbabwe")
	if err != nil || !ans.Abstained {
		t.Errorf("Answer about Zimbabwe = %v (%v), want a declined answer", excerpts(ans.Citations), err)
	}
	// A word typed in capitals is a name, not a typo of an English word
	// ("CATL" is one slip from "cat"); typed in lower case it may be one.
	for q, want := range map[string]float64{"sanctions on CATL": unknownNameWeight, "sanctions on catl": 1} {
		_, ex := alternatives(t, NewAnswerer(testCorpus(), Vocabulary{Words: map[string]bool{"cat": true}}, Options{}), q)
		if len(ex.Concepts) != 2 || ex.Concepts[1].Weight != want*ex.Concepts[0].Weight {
			t.Errorf("Explain(%q) = %+v, want the second concept at %v × the first", q, ex.Concepts, want)
		}
	}
	// A word that does not look like a name weighs less than one that
	// does, however the name is typed; without the feature, as much. A
	// material that is also an English word ("helium") is a name all the
	// same; without the feature, a common word.
	for _, tt := range []struct {
		off          Features
		want, helium float64 // × the sanctions weight
	}{{0, unknownWordWeight, unknownNameWeight}, {FeatureNameShape, unknownNameWeight, 1}} {
		_, ex := alternatives(t, NewAnswerer(testCorpus(), v, Options{Off: tt.off}), "sanctions prelim hafnium zimbabwe helium")
		got := map[string]float64{}
		for _, c := range ex.Concepts {
			got[c.Alternatives[0].Text] = c.Weight / ex.Concepts[0].Weight
		}
		if got["prelim"] != tt.want || got["hafnium"] != unknownNameWeight || got["zimbabwe"] != unknownNameWeight || got["helium"] != tt.helium {
			t.Errorf("Off=%v: weights over sanctions' = %v, want prelim %v, hafnium and zimbabwe %v, helium %v", tt.off, got, tt.want, unknownNameWeight, tt.helium)
		}
	}
}

func TestLooksLikeName(t *testing.T) {
	for w, want := range map[string]bool{
		"Zimbabwe": true, "zimbabwe": true, "venezuela's": true, "BYD": true, "sc6": true, "hafnium": true,
		"coltan": true, "april": true, "outta": false, "prelim": false, "btwn": false, "dinkum": false,
		"2024": true, "": false,
		// typos of places and materials are still names
		"zimabbwe": true, "hanfium": true, "flurospar": true, "kazakstan": true, "tarrif": false, "ameria": true, "blorpy": false,
	} {
		if got := looksLikeName(w); got != want {
			t.Errorf("looksLikeName(%q) = %v, want %v", w, got, want)
		}
	}
}

// TestExpandKeepsAcronymsApart: stemming makes "NDS" (the stockpile) and
// "Nd" (neodymium) one term, "nd"; each keeps its own alternatives when
// the question writes it.
func TestExpandKeepsAcronymsApart(t *testing.T) {
	v := Vocabulary{
		Equivalent: [][]string{{"NDS", "National Defense Stockpile"}},
		Implies:    map[string][]string{"Nd": {"neodymium"}},
	}
	s := pluralStemmer{&memSearcher{docs: []Document{doc("d", "T", "", "The National Defense Stockpile buys neodymium; nd is its symbol.")}}}
	if k := s.Analyze("NDS"); len(k) != 1 || k[0].Term != "nd" {
		t.Fatalf("the test analyzer gives %v for NDS, want nd", k)
	}
	a := NewAnswerer(s, v, Options{})
	for q, want := range map[string][]string{
		"NDS":    {"NDS", "National Defense Stockpile"},
		"nds":    {"NDS", "National Defense Stockpile"},
		"Nd":     {"Nd", "neodymium"},
		"nd":     {"Nd", "neodymium"},
		"Nds ok": {"NDS", "National Defense Stockpile"},
	} {
		got, _ := alternatives(t, a, q)
		if len(got) == 0 || !slices.Equal(got[0], want) {
			t.Errorf("Explain(%q) first concept = %q, want %q", q, got, want)
		}
	}
}

// pluralStemmer stems a final s away from every word, as Porter does from
// "NDS".
type pluralStemmer struct{ *memSearcher }

func (p pluralStemmer) Analyze(text string) []Token {
	toks := p.memSearcher.Analyze(text)
	for i, t := range toks {
		if len(t.Term) > 2 {
			toks[i].Term = strings.TrimSuffix(t.Term, "s")
		}
	}
	return toks
}

func TestSpelledOut(t *testing.T) {
	tests := []struct {
		word string
		want []string
	}{
		{"2.5bn", []string{"2.5 billion"}},
		{"400m", []string{"400 million"}},
		{"400M", []string{"400 million"}},
		{"3mn", []string{"3 million"}},
		{"1.2tn", []string{"1.2 trillion"}},
		{"7.5k", []string{"7,500", "7500"}},
		{"600k", []string{"600,000", "600000"}},
		{"0.3k", []string{"300", "300"}},
		{"7.5005k", nil},
		{"2030", nil},
		{"bn", nil},
		{"5g", nil},
	}
	for _, tt := range tests {
		if got := spelledOut(tt.word); !slices.Equal(got, tt.want) {
			t.Errorf("spelledOut(%q) = %q, want %q", tt.word, got, tt.want)
		}
	}
}

func TestExpandSpellsOutAmounts(t *testing.T) {
	// The test Searcher splits numbers at points and commas, as bleve
	// does not: whole amounts keep the test about spelling out.
	s := &memSearcher{docs: []Document{doc("d", "T", "", "The fund lent $400 million to the refinery. Buyers got a $7,000 credit.")}}
	a := NewAnswerer(s, Vocabulary{}, Options{})
	for q, want := range map[string]string{"who got the 400m loan": "400 million", "the $7k credit": "7,000"} {
		got, _ := alternatives(t, a, q)
		if !slices.ContainsFunc(got, func(alts []string) bool { return slices.Contains(alts, want) }) {
			t.Errorf("Explain(%q) concepts = %q, want %q among the alternatives", q, got, want)
		}
	}
	ans, err := a.Answer(context.Background(), "who got the 400m loan")
	if err != nil {
		t.Fatal(err)
	}
	if ans.Abstained || len(ans.Citations) == 0 || !strings.Contains(ans.Citations[0].Excerpt, "$400 million") {
		t.Errorf("Answer(who got the 400m loan) = %+v, want the $400 million sentence", ans)
	}
}

func TestExpandHeadWordStandsForPhrase(t *testing.T) {
	v := Vocabulary{Equivalent: [][]string{{"export licence", "export permit"}, {"licence", "license"}}}
	s := &memSearcher{docs: []Document{
		doc("d", "T", "", "Licences are unlikely to be issued to arms manufacturers.", "", "An export permit is needed for gallium."),
	}}
	weights := func(opts Options) map[string]float64 {
		_, ex := alternatives(t, NewAnswerer(s, v, opts), "will arms makers get export licences")
		for _, c := range ex.Concepts {
			if c.Alternatives[0].Text == "export licence" {
				w := map[string]float64{}
				for _, al := range c.Alternatives {
					w[al.Text] = al.Weight
				}
				return w
			}
		}
		t.Fatalf("no export licence concept in %+v", ex.Concepts)
		return nil
	}
	// The head word comes alone: its own equivalents ("license") may name
	// other things, as "Korea" of "North Korea" names South Korea.
	w := weights(Options{})
	if w["export permit"] != weightVocabulary || w["licences"] != weightHead || len(w) != 3 {
		t.Errorf("alternatives = %v, want export licence 1, export permit %v and licences %v", w, weightVocabulary, weightHead)
	}
	// The licence-only passage now holds the concept.
	a := NewAnswerer(s, v, Options{})
	ans, err := a.Answer(context.Background(), "will arms makers get export licences")
	if err != nil || len(ans.Citations) == 0 || !strings.Contains(ans.Citations[0].Excerpt, "Licences are unlikely") {
		t.Errorf("Answer = %+v, %v; want the licences passage first", ans.Citations, err)
	}
	if w := weights(Options{Off: FeatureHeadWord}); len(w) != 2 {
		t.Errorf("with the head word off, alternatives = %v, want the phrase and its equivalent alone", w)
	}
}

// TestExpandTypoOfThing checks that a place or material typed wrong is
// still one once corrected, though the correction is an index term that
// is not the name as written ("antimoni" for antimony).
func TestExpandTypoOfThing(t *testing.T) {
	s := &memSearcher{docs: []Document{doc("sb", "Antimony Controls", "", "Antimony exports fell after the licensing began.")}}
	a := NewAnswerer(s, testVocab, Options{})
	for q, want := range map[string]bool{"did antimonny exports fall": true, "did antimony exports fall": true, "did exports fall": false} {
		cs, _, err := a.expand(context.Background(), q, typeAny)
		if err != nil {
			t.Fatal(err)
		}
		got := slices.ContainsFunc(cs, concept.isThing)
		if got != want {
			t.Errorf("expand(%q): a concept is a thing = %v, want %v (%+v)", q, got, want, cs)
		}
	}
}

// TestNamesThing checks that a place or material is known by its analysed
// form, as the index stems it ("antimoni"), and that other terms are not.
func TestNamesThing(t *testing.T) {
	stem := func(s string) []Token {
		var out []Token
		for _, w := range strings.Fields(strings.ToLower(s)) {
			if strings.HasSuffix(w, "y") {
				w = strings.TrimSuffix(w, "y") + "i" // as Porter stems "antimony"
			}
			out = append(out, Token{Term: w})
		}
		return out
	}
	cv := compileVocabulary(stem, Vocabulary{})
	for key, want := range map[string]bool{"antimoni": true, "zambia": true, "antimony": false, "export": false} {
		if got := cv.namesThing([]string{key}); got != want {
			t.Errorf("namesThing(%q) = %v, want %v", key, got, want)
		}
	}
}

// TestExpandPhraseTypo checks that a typo inside a phrase the vocabulary
// knows is read as the phrase's word, so the phrase stays one concept with
// its alternatives ("rare eatrhs" is rare earths, and so REE), and that
// without typo matching it is not.
func TestExpandPhraseTypo(t *testing.T) {
	a := NewAnswerer(testCorpus(), testVocab, Options{})
	hasPhrase := func(got [][]string) bool {
		return slices.ContainsFunc(got, func(alts []string) bool { return slices.Contains(alts, "REE") })
	}
	if got, _ := alternatives(t, a, "sanctions on rare eatrhs"); !hasPhrase(got) {
		t.Errorf("concepts = %q, want rare earths with REE", got)
	}
	off := NewAnswerer(testCorpus(), testVocab, Options{Off: FeatureTypos})
	if got, _ := alternatives(t, off, "sanctions on rare eatrhs"); hasPhrase(got) {
		t.Errorf("without typo matching, concepts = %q, want no rare earths (else this test shows nothing)", got)
	}
}

// TestExpandElementSymbols checks that a chemical symbol typed as chemists
// write it also asks for its element ("Ge" germanium, "W" tungsten), and
// that the same letters as a word or in lower case do not ("In 2024",
// "ge", "w").
func TestExpandElementSymbols(t *testing.T) {
	s := &memSearcher{docs: []Document{doc("ge", "Germanium", "", "China restricted germanium and tungsten exports in 2024.")}}
	a := NewAnswerer(s, Vocabulary{}, Options{})
	for q, want := range map[string][]string{
		"the Ga/Ge ban":        {"gallium", "germanium"},
		"who buys W powder":    {"tungsten"},
		"In 2024 what changed": nil,
		"ge and w exports":     nil,
	} {
		got, _ := alternatives(t, a, q)
		var elements []string
		for _, alts := range got {
			for _, al := range alts[1:] {
				if materials[al] {
					elements = append(elements, al)
				}
			}
		}
		if !slices.Equal(elements, want) {
			t.Errorf("%q: element alternatives %v, want %v (%v)", q, elements, want, got)
		}
	}
	if got, _ := alternatives(t, NewAnswerer(s, Vocabulary{}, Options{Off: FeatureVocabulary}), "the Ge ban"); len(got[0]) != 1 {
		t.Errorf("with the vocabulary off, %v, want Ge alone", got)
	}
}

// TestExpandPhrasalVerb checks a vocabulary trigger whose last word the
// analyzer drops ("for" in "pay for", as bleve's English analyzer drops
// "up" in "set up"): it triggers only when the question goes on with that
// word, so "pay for" reaches "fund" and a bare "pay" reaches nothing.
func TestExpandPhrasalVerb(t *testing.T) {
	s := &memSearcher{docs: []Document{doc("p", "Plant", "", "The state will fund the plant; buyers pay more.")}}
	a := NewAnswerer(s, Vocabulary{Implies: map[string][]string{"pay for": {"fund"}}}, Options{})
	for q, want := range map[string][]string{
		"who will pay for the plant":   {"pay for", "fund"},
		"what will the plant pay for?": {"pay for", "fund"},
		"who will pay FOR it":          {"pay for", "fund"},
		"will buyers pay more":         {"pay"},
		"will buyers pay formally":     {"pay"},
	} {
		got, _ := alternatives(t, a, q)
		var pay []string
		for _, alts := range got {
			if strings.HasPrefix(alts[0], "pay") {
				pay = alts
			}
		}
		if !slices.Equal(pay, want) {
			t.Errorf("%q: the concept of 'pay' is %v, want %v (%v)", q, pay, want, got)
		}
	}
}
