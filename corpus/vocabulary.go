package corpus

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"chokepoint"
)

// MaxReasons is the most kinds of reason a vocabulary may name; the
// Answerer tracks them as bits of a uint64.
const MaxReasons = 64

// ParseVocabulary reads a synonyms file: a mapping with "equivalent", a list
// of groups of at least two interchangeable terms; "implies", a mapping from
// a term to the terms it also matches; "reasons", a mapping from a kind of
// reason ("processing gap") to the terms that mark it; and "replace", a
// boolean (see Load: a corpus's file extends the embedded vocabulary unless
// it says replace: true). A mapping's value may be one term or a list. An
// empty file is an empty Vocabulary. Bad YAML, unknown top-level keys, empty
// terms, groups of fewer than two terms and more than MaxReasons reasons are
// errors: a *chokepoint.FileError naming path and the line.
func ParseVocabulary(path string, data []byte) (chokepoint.Vocabulary, error) {
	v, _, err := parseVocabulary(path, data)
	return v, err
}

// parseVocabulary is ParseVocabulary, also returning the file's replace
// setting.
func parseVocabulary(path string, data []byte) (v chokepoint.Vocabulary, replace bool, err error) {
	if err := checkBytes(path, data); err != nil {
		if len(data) == 0 {
			return v, false, nil
		}
		return v, false, err
	}
	root, err := decodeYAML(path, 0, "vocabulary", data)
	if err != nil || root == nil {
		return v, false, err
	}
	fail := func(n *yaml.Node, format string, args ...any) error {
		return &chokepoint.FileError{Path: path, Line: n.Line, Err: fmt.Errorf("vocabulary: "+format, args...)}
	}
	if root.Kind != yaml.MappingNode {
		return v, false, fail(root, "want a mapping with keys equivalent and implies")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, val := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "replace":
			if err := val.Decode(&replace); err != nil || val.Kind != yaml.ScalarNode {
				return chokepoint.Vocabulary{}, false, fail(val, "replace: want true or false")
			}
		case "equivalent":
			if isNull(val) {
				continue
			}
			if val.Kind != yaml.SequenceNode {
				return v, false, fail(val, "equivalent: want a list of groups like [refining, processing]")
			}
			for _, g := range val.Content {
				terms, err := terms(g, fail, "equivalent group")
				if err != nil {
					return chokepoint.Vocabulary{}, false, err
				}
				if len(terms) < 2 {
					return chokepoint.Vocabulary{}, false, fail(g, "equivalent group has %d term(s); want at least 2", len(terms))
				}
				v.Equivalent = append(v.Equivalent, terms)
			}
		case "implies", "reasons":
			if isNull(val) {
				continue
			}
			m, err := termMap(val, fail, k.Value)
			if err != nil {
				return chokepoint.Vocabulary{}, false, err
			}
			if k.Value == "implies" {
				v.Implies = m
			} else {
				if len(m) > MaxReasons {
					return chokepoint.Vocabulary{}, false, fail(val, "reasons: %d kinds; want at most %d", len(m), MaxReasons)
				}
				v.Reasons = m
			}
		default:
			return chokepoint.Vocabulary{}, false, fail(k, "unknown key %q; want equivalent, implies, reasons or replace", k.Value)
		}
	}
	return v, replace, nil
}

// extend returns base with more's groups, implications and reasons added;
// what base has already is not added twice.
func extend(base, more chokepoint.Vocabulary) chokepoint.Vocabulary {
	out := chokepoint.Vocabulary{Words: base.Words}
	for _, g := range append(slices.Clone(base.Equivalent), more.Equivalent...) {
		if !slices.ContainsFunc(out.Equivalent, func(h []string) bool { return slices.Equal(g, h) }) {
			out.Equivalent = append(out.Equivalent, g)
		}
	}
	merge := func(a, b map[string][]string) map[string][]string {
		if a == nil && b == nil {
			return nil
		}
		m := map[string][]string{}
		for _, src := range []map[string][]string{a, b} {
			for k, terms := range src {
				for _, t := range terms {
					if !slices.Contains(m[k], t) {
						m[k] = append(m[k], t)
					}
				}
			}
		}
		return m
	}
	out.Implies = merge(base.Implies, more.Implies)
	out.Reasons = merge(base.Reasons, more.Reasons)
	return out
}

// wordsText is the list of common English words, derived from WordNet by
// corpus/wordsgen. It sits outside default/, where every text file is an
// article.
//
//go:embed words.txt
var wordsText string

// words parses the embedded word list once: one word a line, "#" comments.
var words = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(wordsText, "\n") {
		if line = strings.TrimSpace(line); line != "" && line[0] != '#' {
			m[line] = true
		}
	}
	return m
})

// terms reads a list of non-empty terms.
func terms(n *yaml.Node, fail func(*yaml.Node, string, ...any) error, what string) ([]string, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, fail(n, "%s: want a list of terms", what)
	}
	var out []string
	for _, t := range n.Content {
		s, ok := scalar(t)
		if !ok {
			return nil, fail(t, "%s: want a term, not a list or mapping", what)
		}
		if s == "" {
			return nil, fail(t, "%s: empty term", what)
		}
		out = append(out, s)
	}
	return out, nil
}

// termMap reads a mapping from a non-empty term to one term or a non-empty
// list of terms, as "implies" and "reasons" hold.
func termMap(n *yaml.Node, fail func(*yaml.Node, string, ...any) error, what string) (map[string][]string, error) {
	if n.Kind != yaml.MappingNode {
		return nil, fail(n, "%s: want a mapping like Moscow: [Russia]", what)
	}
	out := map[string][]string{}
	for j := 0; j+1 < len(n.Content); j += 2 {
		from, to := n.Content[j], n.Content[j+1]
		name, ok := scalar(from)
		if !ok || name == "" {
			return nil, fail(from, "%s: empty term", what)
		}
		var targets []string
		if to.Kind == yaml.ScalarNode && !isNull(to) {
			if t, _ := scalar(to); t != "" {
				targets = []string{t}
			}
		} else if !isNull(to) {
			var err error
			targets, err = terms(to, fail, fmt.Sprintf("%s %q", what, name))
			if err != nil {
				return nil, err
			}
		}
		if len(targets) == 0 {
			return nil, fail(to, "%s %q: no terms", what, name)
		}
		out[name] = append(out[name], targets...)
	}
	return out, nil
}
