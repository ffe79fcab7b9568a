package corpus

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"chokepoint"
)

// ParseVocabulary reads a synonyms file: a mapping with "equivalent", a list
// of groups of at least two interchangeable terms, and "implies", a mapping
// from a term to the terms it also matches. An empty file is an empty
// Vocabulary. Bad YAML, unknown top-level keys, empty terms and groups of
// fewer than two terms are errors: a *chokepoint.FileError naming path and
// the line.
func ParseVocabulary(path string, data []byte) (chokepoint.Vocabulary, error) {
	var v chokepoint.Vocabulary
	if err := checkBytes(path, data); err != nil {
		if len(data) == 0 {
			return v, nil
		}
		return v, err
	}
	root, err := decodeYAML(path, 0, "vocabulary", data)
	if err != nil || root == nil {
		return v, err
	}
	fail := func(n *yaml.Node, format string, args ...any) error {
		return &chokepoint.FileError{Path: path, Line: n.Line, Err: fmt.Errorf("vocabulary: "+format, args...)}
	}
	if root.Kind != yaml.MappingNode {
		return v, fail(root, "want a mapping with keys equivalent and implies")
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, val := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "equivalent":
			if isNull(val) {
				continue
			}
			if val.Kind != yaml.SequenceNode {
				return v, fail(val, "equivalent: want a list of groups like [refining, processing]")
			}
			for _, g := range val.Content {
				terms, err := terms(g, fail, "equivalent group")
				if err != nil {
					return chokepoint.Vocabulary{}, err
				}
				if len(terms) < 2 {
					return chokepoint.Vocabulary{}, fail(g, "equivalent group has %d term(s); want at least 2", len(terms))
				}
				v.Equivalent = append(v.Equivalent, terms)
			}
		case "implies":
			if isNull(val) {
				continue
			}
			if val.Kind != yaml.MappingNode {
				return v, fail(val, "implies: want a mapping like Moscow: [Russia]")
			}
			for j := 0; j+1 < len(val.Content); j += 2 {
				from, to := val.Content[j], val.Content[j+1]
				name, ok := scalar(from)
				if !ok || name == "" {
					return chokepoint.Vocabulary{}, fail(from, "implies: empty term")
				}
				var targets []string
				if to.Kind == yaml.ScalarNode && !isNull(to) {
					t, _ := scalar(to)
					if t != "" {
						targets = []string{t}
					}
				} else {
					targets, err = terms(to, fail, fmt.Sprintf("implies %q", name))
					if err != nil {
						return chokepoint.Vocabulary{}, err
					}
				}
				if len(targets) == 0 {
					return chokepoint.Vocabulary{}, fail(to, "implies %q: no terms", name)
				}
				if v.Implies == nil {
					v.Implies = map[string][]string{}
				}
				v.Implies[name] = append(v.Implies[name], targets...)
			}
		default:
			return chokepoint.Vocabulary{}, fail(k, "unknown key %q; want equivalent or implies", k.Value)
		}
	}
	return v, nil
}

// isNull reports whether n is an empty YAML value.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

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
