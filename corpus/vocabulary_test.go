package corpus

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"chokepoint"
)

func TestParseVocabulary(t *testing.T) {
	tests := []struct {
		name string
		data string
		want chokepoint.Vocabulary
		line int    // error line; 0 with errText "" means no error
		err  string // substring of the error
	}{
		{"empty", "", chokepoint.Vocabulary{}, 0, ""},
		{"comments only", "# nothing yet\n", chokepoint.Vocabulary{}, 0, ""},
		{"full", "# c\nequivalent:\n  - [a, b c]\n  - - x\n    - y\nimplies:\n  Moscow: [Russia, Russian]\n  Kyiv: Ukraine\n",
			chokepoint.Vocabulary{Equivalent: [][]string{{"a", "b c"}, {"x", "y"}},
				Implies: map[string][]string{"Moscow": {"Russia", "Russian"}, "Kyiv": {"Ukraine"}}}, 0, ""},
		{"empty sections", "equivalent:\nimplies:\nreasons:\n", chokepoint.Vocabulary{}, 0, ""},
		{"an older file's reasons are ignored", "reasons:\n  processing gap: [refining, midstream]\n  sanctions: sanctioned\n", chokepoint.Vocabulary{}, 0, ""},
		{"unknown key", "equivalent: []\nsynonyms: []\n", chokepoint.Vocabulary{}, 2, `unknown key "synonyms"`},
		{"short group", "equivalent:\n  - [a, b]\n  - [solo]\n", chokepoint.Vocabulary{}, 3, "1 term(s); want at least 2"},
		{"empty term", "equivalent:\n  - [a, \"\"]\n", chokepoint.Vocabulary{}, 2, "empty term"},
		{"blank term", "equivalent:\n  - [a, \"  \"]\n", chokepoint.Vocabulary{}, 2, "empty term"},
		{"null term", "equivalent:\n  - [a, ~]\n", chokepoint.Vocabulary{}, 2, "empty term"},
		{"nested term", "equivalent:\n  - [a, [b]]\n", chokepoint.Vocabulary{}, 2, "want a term"},
		{"group not a list", "equivalent:\n  - a\n", chokepoint.Vocabulary{}, 2, "want a list of terms"},
		{"equivalent not a list", "equivalent: x\n", chokepoint.Vocabulary{}, 1, "want a list of groups"},
		{"implies empty", "implies:\n  Moscow: []\n", chokepoint.Vocabulary{}, 2, `implies "Moscow": no terms`},
		{"implies empty key", "implies:\n  \"\": [x]\n", chokepoint.Vocabulary{}, 2, "empty term"},
		{"implies not a mapping", "implies: [a]\n", chokepoint.Vocabulary{}, 1, "want a mapping"},
		{"not a mapping", "- a\n", chokepoint.Vocabulary{}, 1, "want a mapping"},
		{"bad YAML", "implies: {}\nequivalent: x\n  y: z\n", chokepoint.Vocabulary{}, 3, "invalid YAML"},
		{"not UTF-8", "equivalent: [[a, \xff]]\n", chokepoint.Vocabulary{}, 1, "not valid UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseVocabulary("synonyms.yaml", []byte(tt.data))
			if tt.err == "" {
				if err != nil {
					t.Fatalf("ParseVocabulary(%q) error: %v", tt.data, err)
				}
				if !reflect.DeepEqual(got, tt.want) {
					t.Errorf("ParseVocabulary(%q) = %+v, want %+v", tt.data, got, tt.want)
				}
				return
			}
			var fe *chokepoint.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseVocabulary(%q) error = %v, want a *FileError", tt.data, err)
			}
			if fe.Path != "synonyms.yaml" || fe.Line != tt.line || !strings.Contains(fe.Err.Error(), tt.err) {
				t.Errorf("ParseVocabulary(%q) error = %v (line %d), want line %d containing %q", tt.data, err, fe.Line, tt.line, tt.err)
			}
		})
	}
}
