package chokepoint

import (
	"reflect"
	"testing"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"empty", "", nil},
		{"no terminator", "a page cut off mid", []string{"a page cut off mid"}},
		{"two", "China dominates refining. Russia does not.", []string{"China dominates refining.", "Russia does not."}},
		{"U.S. mid sentence", "The U.S. would still need to build plants. It would take years.",
			[]string{"The U.S. would still need to build plants.", "It would take years."}},
		{"U.S. before capital", "Potanin was sanctioned by the U.S. Treasury in 2022. He objected.",
			[]string{"Potanin was sanctioned by the U.S. Treasury in 2022.", "He objected."}},
		{"Mr.", "Mr. Potanin owns Nornickel. Dr. Astrov disagrees.", []string{"Mr. Potanin owns Nornickel.", "Dr. Astrov disagrees."}},
		{"initial", "John F. Kennedy spoke. Then he left.", []string{"John F. Kennedy spoke.", "Then he left."}},
		{"question and quote", "Is it “arguably over-hyped?” Yes! Perhaps.", []string{"Is it “arguably over-hyped?”", "Yes!", "Perhaps."}},
		{"lowercase after period", "Output rose 5.5 per cent. in 2024 it fell.", []string{"Output rose 5.5 per cent. in 2024 it fell."}},
		{"list lines", "• Russia lacks processing\n• U.S. sanctions\n  • Unproven deposits", []string{"• Russia lacks processing", "• U.S. sanctions", "• Unproven deposits"}},
		{"numbered", "1. First step\n2. Second step", []string{"1. First step", "2. Second step"}},
		{"white space", "  One.   Two.  ", []string{"One.", "Two."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range Sentences(tt.text) {
				got = append(got, tt.text[s.Start:s.End])
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Sentences(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func FuzzSentences(f *testing.F) {
	f.Add("The U.S. would. Mr. X said “no.” • a\n• b")
	f.Add("1. a\n2) b… c")
	f.Fuzz(func(t *testing.T, text string) {
		prev := 0
		for _, s := range Sentences(text) {
			if s.Start < prev || s.End <= s.Start || s.End > len(text) {
				t.Fatalf("Sentences(%q): bad span %v after %d", text, s, prev)
			}
			prev = s.End
		}
	})
}
