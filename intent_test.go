package chokepoint

import "testing"

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want answerType
	}{
		{"why did prices rise?", typeReason},
		{"how come the deal stalled", typeReason},
		{"why can't Russia replace China?", typeLack},
		{"why isn't the plant open yet", typeLack},
		{"when did the ban start", typeDate},
		{"gallium ban date?", typeDate},
		{"what year was IREL founded", typeDate},
		{"how much did the plant cost", typeQuantity},
		{"what share of magnets does China make", typeQuantity},
		{"how dependent was Japan on China", typeQuantity},
		{"what purity do the oxides reach", typeQuantity},
		{"who runs the fund", typeName},
		{"which central asian country is a big Sb producer", typePlace},
		{"which US law is TMC using", typeName},
		{"where is the refinery", typePlace},
		{"what even is black mass", typeDefinition},
		{"what does SC6 mean", typeDefinition},
		{"does the EU fine companies", typeAny},
	} {
		if got := classify(tc.q); got != tc.want {
			t.Errorf("classify(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestTypeMatch(t *testing.T) {
	analyze := (&memSearcher{}).Analyze
	asked := map[string]bool{"potanin": true}
	for _, tc := range []struct {
		t    answerType
		text string
		want float64
	}{
		{typeDate, "The ban took effect on December 3, 2024.", 1},
		{typeDate, "It took effect in 2023.", 1},
		{typeDate, "It took effect after a long delay.", 0},
		{typeQuantity, "The loan was A$1.65 billion.", 1},
		{typeQuantity, "Output rose 40% in a year.", 1},
		{typeQuantity, "It holds several hundred vessels.", 1},
		{typeQuantity, "It has 3 lines.", 0.5},
		{typeQuantity, "It was built in 2012.", 0},
		{typeName, "The plant is run by Kirill Dmitriev, the fund's chief.", 1},
		{typeName, "It is run by Potanin.", 0}, // a name the question gives is no answer
		{typeName, "It is run by the state.", 0},
		{typePlace, "The refinery is being built at Eneabba, north of Perth.", 1},
		{typePlace, "Most of it goes to China.", 1},
		{typePlace, "It is built near the coast.", 0},
		{typePlace, "The U.S. would still rely on Chinese facilities.", 1}, // a demonym says where
		{typeDefinition, "Black mass is the powder that holds the metals.", 1},
		{typeLack, "Russia lacks processing capacity.", 1},
		{typeLack, "Russia has deposits.", 0},
		{typeAny, "Anything at all.", 1},
	} {
		if got := typeMatch(tc.t, tc.text, asked, analyze); got != tc.want {
			t.Errorf("typeMatch(%v, %q) = %v, want %v", tc.t, tc.text, got, tc.want)
		}
	}
}
