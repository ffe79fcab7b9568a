package corpus

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"unicode"

	"gopkg.in/yaml.v3"

	"chokepoint"
)

// minVocabularyEntries is the fewest equivalent groups plus implies keys the
// embedded vocabulary holds: a vocabulary of the field, not of one article.
const minVocabularyEntries = 300

// elementSymbols are the chemical symbols, lower-cased. A symbol is a
// shorthand only chemists mean; the same letters are often a word or
// another abbreviation ("In", "Co.", "EU"), so symbols go under implies
// (symbol → element), never into an equivalent group, where asking about
// the element would also match every "in" and "co".
var elementSymbols = setOf(
	"h", "he", "li", "be", "b", "c", "n", "o", "f", "ne", "na", "mg", "al", "si", "p", "s", "cl", "ar",
	"k", "ca", "sc", "ti", "v", "cr", "mn", "fe", "co", "ni", "cu", "zn", "ga", "ge", "as", "se", "br", "kr",
	"rb", "sr", "y", "zr", "nb", "mo", "tc", "ru", "rh", "pd", "ag", "cd", "in", "sn", "sb", "te", "i", "xe",
	"cs", "ba", "la", "ce", "pr", "nd", "pm", "sm", "eu", "gd", "tb", "dy", "ho", "er", "tm", "yb", "lu",
	"hf", "ta", "w", "re", "os", "ir", "pt", "au", "hg", "tl", "pb", "bi", "po", "at", "rn", "fr", "ra",
	"ac", "th", "pa", "u", "np", "pu", "am", "cm", "bk", "cf", "es", "fm", "md", "no", "lr", "rf", "db",
	"sg", "bh", "hs", "mt", "ds", "rg", "cn", "nh", "fl", "mc", "lv", "ts", "og")

// symbolGroups are element symbols allowed in an equivalent group because
// there they stand for something else, which they name.
var symbolGroups = map[string]string{"eu": "european union"}

// commonWords are tokens questions hold as ordinary words or chat
// shorthand: English words that are also symbols or abbreviations, the
// pronoun "us" (which "U.S." analyses to), and what Discord users type
// ("pls why..."). None may be an implies key or an equivalent term, or
// every question holding it would be expanded.
var commonWords = setOf(
	"a", "i", "as", "at", "be", "he", "in", "is", "it", "no", "of", "on", "or", "so", "to", "us", "we", "am",
	"an", "do", "go", "if", "me", "my", "up", "co", "w", "la", "pm", "pr", "mg", "al", "ta", "nb", "pt",
	"ho", "er", "lu", "ge", "li", "ir", "ru", "mt", "mp", "doc", "cam", "ear",
	"pls", "plz", "thx", "ty", "tbh", "btw", "imo", "idk", "rn", "ngl", "fr", "lol", "np", "ok", "ya",
	"yo", "hi", "hey", "gm")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// normTerm folds a term the way matching sees its words: lower case, with
// punctuation ("rare-earth", "U.S.") as spaces between words.
func normTerm(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

func TestEmbeddedVocabulary(t *testing.T) {
	v, skipped := LoadVocabulary(Default(), Options{})
	if len(skipped) != 0 {
		t.Fatalf("LoadVocabulary(Default()) skipped %v", skipped)
	}
	if n := len(v.Equivalent) + len(v.Implies); n < minVocabularyEntries {
		t.Errorf("embedded vocabulary has %d entries (%d groups, %d implies keys), want at least %d",
			n, len(v.Equivalent), len(v.Implies), minVocabularyEntries)
	}
	data, err := fs.ReadFile(Default(), "synonyms.yaml")
	if err != nil {
		t.Fatal(err)
	}
	problems, err := vocabularyProblems(v, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("synonyms.yaml: %s", p)
	}
}

// TestVocabularyProblems shows each check catches the fault it is for.
func TestVocabularyProblems(t *testing.T) {
	tests := []struct {
		name, data, want string // want "": no problem
	}{
		{"clean", "equivalent:\n  - [rare earths, REE]\n  - [EU, European Union]\nimplies:\n  Dy: [dysprosium]\n  Beijing: [China]\n", ""},
		{"term in two groups", "equivalent:\n  - [REE, rare earths]\n  - [Rare-Earths, RE metals]\n", "two equivalent groups"},
		{"term twice in a group", "equivalent:\n  - [licence, Licence]\n", "twice in group"},
		{"common word in a group", "equivalent:\n  - [indium, In]\n", `common word "In"`},
		{"pronoun us in a group", "equivalent:\n  - [United States, US]\n", `common word "US"`},
		{"symbol in a group", "equivalent:\n  - [gallium, Ga]\n", `chemical symbol "Ga"`},
		{"symbol in another's group", "equivalent:\n  - [Eu, europium]\n", `chemical symbol "Eu"`},
		{"common word as a key", "implies:\n  Co: [cobalt]\n", `key "Co" is a common word`},
		{"chat shorthand as a key", "implies:\n  pls: [Pilbara Minerals]\n", `key "pls" is a common word`},
		{"blank target", "implies:\n  Dy: [dysprosium, \"-\"]\n", "empty term"},
		{"target repeats the key", "implies:\n  Kyiv: [Ukraine, kyiv]\n", "lists itself"},
		{"exact duplicate key", "implies:\n  Ga: [gallium]\n  Ga: [Ga metal]\n", `line 3: implies key "Ga" already at line 2`},
		{"duplicate key", "implies:\n  Ga: [gallium]\n  Nd: [neodymium]\n  ga: [gallium]\n", `line 4: implies key "ga" already at line 2`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseVocabulary("synonyms.yaml", []byte(tt.data))
			if err != nil {
				t.Fatalf("ParseVocabulary: %v", err)
			}
			problems, err := vocabularyProblems(v, []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(problems, "\n")
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("vocabularyProblems(%q) = %q, want %q", tt.data, got, tt.want)
			}
		})
	}
}

// vocabularyProblems checks the invariants of a vocabulary v parsed from
// data: no term in two equivalent groups, no chemical symbol or common word
// in an equivalent group, no common word as an implies key, no empty or
// self-repeating implies target, no key twice (the loader would merge
// them silently).
func vocabularyProblems(v chokepoint.Vocabulary, data []byte) ([]string, error) {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	seen := map[string][]string{} // normalised term -> the group holding it
	for _, g := range v.Equivalent {
		mine := map[string]bool{}
		for _, term := range g {
			k := normTerm(term)
			switch {
			case mine[k]:
				add("term %q twice in group %q", term, g)
			case seen[k] != nil:
				add("term %q in two equivalent groups: %q and %q; merge them or use implies", term, seen[k], g)
			}
			mine[k] = true
			if commonWords[k] {
				add("common word %q in equivalent group %q", term, g)
			} else if elementSymbols[k] && !groupNames(g, symbolGroups[k]) {
				add("chemical symbol %q in equivalent group %q; put it under implies", term, g)
			}
		}
		for k := range mine {
			seen[k] = g
		}
	}

	for key, targets := range v.Implies {
		if commonWords[normTerm(key)] {
			add("implies key %q is a common word: every question holding it would be expanded", key)
		}
		if len(targets) == 0 {
			add("implies %q has no terms", key)
		}
		mine := map[string]bool{normTerm(key): true}
		for _, to := range targets {
			k := normTerm(to)
			if k == "" {
				add("implies %q has an empty term %q", key, to)
			} else if mine[k] {
				add("implies %q lists %q twice or lists itself", key, to)
			}
			mine[k] = true
		}
	}

	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("vocabulary YAML: %w", err)
	}
	if len(root.Content) == 0 {
		return out, nil
	}
	doc := root.Content[0]
	for i := 0; i+1 < len(doc.Content); i += 2 {
		section, m := doc.Content[i].Value, doc.Content[i+1]
		if m.Kind != yaml.MappingNode {
			continue
		}
		lines := map[string]int{}
		for j := 0; j+1 < len(m.Content); j += 2 {
			k := m.Content[j]
			if first, ok := lines[normTerm(k.Value)]; ok {
				add("line %d: %s key %q already at line %d; the loader would merge them", k.Line, section, k.Value, first)
			}
			lines[normTerm(k.Value)] = k.Line
		}
	}
	return out, nil
}

// groupNames reports whether group holds the term name (normalised); an
// empty name is never held.
func groupNames(group []string, name string) bool {
	if name == "" {
		return false
	}
	for _, t := range group {
		if normTerm(t) == name {
			return true
		}
	}
	return false
}
