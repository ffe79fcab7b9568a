package corpus

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"chokepoint"
)

// meta is the metadata of front matter or a sidecar file. The article's own
// title, source, author, date and URL are the same fields as a Review's.
type meta struct {
	chokepoint.Review
	Reviews *chokepoint.Review
	Tags    []string
}

// reviewField returns the field of r that a (case-insensitive) metadata key
// names, or nil when the key names none.
func reviewField(r *chokepoint.Review, key string) *string {
	switch strings.ToLower(key) {
	case "title":
		return &r.Title
	case "source":
		return &r.Source
	case "author":
		return &r.Author
	case "published":
		return &r.Published
	case "url":
		return &r.URL
	}
	return nil
}

// yamlLineRE finds the line yaml.v3 names in its error messages.
var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): `)

// yamlError turns a yaml.v3 error into a FileError whose line counts from
// the start of the file; offset is the number of file lines before the YAML.
func yamlError(p string, offset int, what string, err error) *chokepoint.FileError {
	msg := err.Error()
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		if n, cerr := strconv.Atoi(m[1]); cerr == nil {
			line = n + offset
		}
		msg = msg[len(m[0]):]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	return &chokepoint.FileError{Path: p, Line: line, Err: fmt.Errorf("%s: invalid YAML: %s", what, msg)}
}

// decodeYAML parses data into its root node; an empty document yields nil.
func decodeYAML(p string, offset int, what string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, yamlError(p, offset, what, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, &chokepoint.FileError{Path: p, Line: extra.Line + offset,
			Err: fmt.Errorf("%s: more than one YAML document", what)}
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		root := doc.Content[0]
		if isNull(root) {
			return nil, nil
		}
		return root, nil
	}
	return nil, nil
}

// parseMeta reads article metadata. Bad YAML, or YAML that is not a mapping,
// is an error; unknown keys and values of the wrong shape are warnings and
// are ignored.
func parseMeta(p string, offset int, what string, data []byte) (meta, []*chokepoint.FileError, error) {
	var m meta
	root, err := decodeYAML(p, offset, what, data)
	if err != nil || root == nil {
		return m, nil, err
	}
	if root.Kind != yaml.MappingNode {
		return m, nil, &chokepoint.FileError{Path: p, Line: root.Line + offset,
			Err: fmt.Errorf("%s: want a mapping of keys (title, source, url, ...)", what)}
	}
	var warns []*chokepoint.FileError
	warn := func(n *yaml.Node, format string, args ...any) {
		warns = append(warns, &chokepoint.FileError{Path: p, Line: n.Line + offset,
			Err: fmt.Errorf("%s: "+format, append([]any{what}, args...)...)})
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if f := reviewField(&m.Review, k.Value); f != nil {
			s, ok := scalar(v)
			if !ok {
				warn(v, "key %q: want a single value; ignored", k.Value)
				continue
			}
			*f = s
			continue
		}
		switch strings.ToLower(k.Value) {
		case "reviews":
			r, bad := parseReview(v)
			for _, b := range bad {
				warn(b.node, "%s", b.msg)
			}
			m.Reviews = r
		case "tags":
			tags, ok := stringList(v)
			if !ok {
				warn(v, "key %q: want a list of words; ignored", k.Value)
				continue
			}
			m.Tags = tags
		default:
			warn(k, "unknown key %q ignored", k.Value)
		}
	}
	return m, warns, nil
}

// scalar returns a scalar node's value as written, trimmed; null is "".
func scalar(n *yaml.Node) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		return "", false
	}
	if isNull(n) {
		return "", true
	}
	return cleanLine(n.Value), true
}

// isNull reports whether n is an empty YAML value.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// stringList accepts a sequence of scalars or one comma-separated scalar.
func stringList(n *yaml.Node) ([]string, bool) {
	var out []string
	switch n.Kind {
	case yaml.ScalarNode:
		s, _ := scalar(n)
		for _, t := range strings.Split(s, ",") {
			if t = strings.TrimSpace(t); t != "" {
				out = append(out, t)
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			s, ok := scalar(c)
			if !ok {
				return nil, false
			}
			if s != "" {
				out = append(out, s)
			}
		}
	default:
		return nil, false
	}
	return out, true
}

type badNode struct {
	node *yaml.Node
	msg  string
}

// parseReview accepts a mapping of review fields, or a plain string naming
// the reviewed article (its URL when it looks like one, else its title).
func parseReview(n *yaml.Node) (*chokepoint.Review, []badNode) {
	var r chokepoint.Review
	switch n.Kind {
	case yaml.ScalarNode:
		s, _ := scalar(n)
		if s == "" {
			return nil, nil
		}
		if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
			r.URL = s
		} else {
			r.Title = s
		}
		return &r, nil
	case yaml.MappingNode:
	default:
		return nil, []badNode{{n, `key "reviews": want a mapping (title, source, author, published, url) or a string; ignored`}}
	}
	var bad []badNode
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		s, ok := scalar(v)
		if !ok {
			bad = append(bad, badNode{v, fmt.Sprintf("key \"reviews.%s\": want a single value; ignored", k.Value)})
			continue
		}
		f := reviewField(&r, k.Value)
		if f == nil {
			bad = append(bad, badNode{k, fmt.Sprintf("unknown key \"reviews.%s\" ignored", k.Value)})
			continue
		}
		*f = s
	}
	if r == (chokepoint.Review{}) {
		return nil, bad
	}
	return &r, bad
}

// errNoFrontMatterEnd reports front matter that is opened but never closed.
var errNoFrontMatterEnd = errors.New("front matter opened with --- is not closed by a --- line")

// splitFrontMatter separates YAML front matter from a Markdown body. lines
// are the normalised lines of the file. It returns the YAML, the index of
// the first body line, and whether front matter was present.
func splitFrontMatter(lines []string) (yamlText string, body int, ok bool, err error) {
	if len(lines) == 0 || strings.TrimRight(lines[0], " \t") != "---" {
		return "", 0, false, nil
	}
	for i := 1; i < len(lines); i++ {
		if t := strings.TrimRight(lines[i], " \t"); t == "---" || t == "..." {
			return strings.Join(lines[1:i], "\n"), i + 1, true, nil
		}
	}
	return "", 0, false, errNoFrontMatterEnd
}
