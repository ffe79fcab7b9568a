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
		{"how much did the plant cost", typeMoney},
		{"what share of magnets does China make", typeShare},
		{"how dependent was Japan on China", typeShare},
		{"how much of the worlds gallium comes outta china", typeShare},
		{"what % of world mining is china", typeShare},
		{"how much eu money went to the magnet factory", typeMoney},
		{"how much is the program worth", typeMoney},
		{"how long can mofcom sit on an application", typeDuration},
		{"how many years of feed is in the stockpile", typeDuration},
		{"how long ago did the ban start", typeDate},
		{"what purity do the oxides reach", typeQuantity},
		{"how many tankers are in the fleet", typeQuantity},
		{"how badly did magnet exports drop after the licensing", typeQuantity}, // a degree is a quantity
		{"who runs the fund", typeName},
		{"which central asian country is a big Sb producer", typePlace},
		{"which US law is TMC using", typeName},
		{"where is the refinery", typePlace},
		{"what even is black mass", typeDefinition},
		{"what does SC6 mean", typeDefinition},
		{"does the EU fine companies", typeAny},
		{"whats Kirill Dmitriev's job", typeRole},
		{"does anyone know when the gallium ban started", typeDate},
		{"yo who recovers germanium outside of china", typeName},
		{"hey all, does anyone know who recovers germanium", typeName},
		{"hey, what does SC6 mean pls", typeDefinition},
		{"what does SC6 mean lol thx", typeDefinition},
		{"any idea where the refinery is", typePlace},
		{"what does dmitriev actually do, whats his job", typeRole},
		{"what's the minister's role in the licensing", typeRole},
		{"who runs the fund", typeName},
		{"who is potanin", typeName}, // read as a name question; see roleAsked
		{"what's the job of the stockpile", typeAny},
	} {
		if got := classify(tc.q, true); got != tc.want {
			t.Errorf("classify(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
	// Without kinds, every quantity question asks for any quantity.
	if got := classify("how much did the plant cost", false); got != typeQuantity {
		t.Errorf("classify without kinds = %v, want %v", got, typeQuantity)
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
		{typeQuantity, "A smelter uses roughly 13 to 15 megawatt-hours of electricity a tonne.", 1},
		{typeQuantity, "Blocks are sintered at 1,000 to 1,100 °C.", 1},
		{typeQuantity, "The Cabinet added a ₹1,500 crore scheme.", 1},
		{typeQuantity, "Prices rose more than twentyfold.", 1},
		{typeShare, "It mines roughly 69 percent of world output.", 1},
		{typeShare, "China mines two-thirds of the world's graphite.", 1},
		{typeShare, "A trial lifts sediment from about 6,000 metres.", 0.5}, // a quantity, not a share
		{typeShare, "It has 3 lines.", 0.25},
		{typeShare, "Nothing is measured here.", 0},
		{typeMoney, "The plant cost more than A$500 million.", 1},
		{typeMoney, "It added a ₹1,500 crore incentive scheme.", 1},
		{typeMoney, "The plant makes 25,000 tonnes a year.", 0.5},
		{typeDuration, "The ministry has up to 45 working days to decide.", 1},
		{typeDuration, "The exemption runs until 2026.", 1},
		{typeDuration, "The exemption covers 40% of cells.", 0.5},
		{typeName, "The plant is run by Kirill Dmitriev, the fund's chief.", 1},
		{typeName, "It is run by Potanin.", 0}, // a name the question gives is no answer
		{typeName, "It is run by the state.", 0},
		{typeName, "Since mid-2024 the chair has been held by South Korea.", 1}, // a country answers who
		{typePlace, "The refinery is being built at Eneabba, north of Perth.", 1},
		{typePlace, "Most of it goes to China.", 1},
		{typePlace, "It is built near the coast.", 0},
		{typePlace, "The U.S. would still rely on Chinese facilities.", 1}, // a demonym says where
		{typeDefinition, "Black mass is the powder that holds the metals.", 1},
		{typeRole, "Kirill Dmitriev, the CEO of the Russian Direct Investment Fund, led the talks.", 1},
		{typeRole, "Potanin, a Russian oligarch and the owner of Norilsk Nickel, said so.", 1},
		{typeRole, "The report does a good job of outlining the politics.", 0},
		{typeLack, "Russia lacks processing capacity.", 1},
		{typeLack, "Russia has deposits.", 0},
		{typeAny, "Anything at all.", 1},
	} {
		if got := typeMatch(tc.t, tc.text, asked, analyze); got != tc.want {
			t.Errorf("typeMatch(%v, %q) = %v, want %v", tc.t, tc.text, got, tc.want)
		}
	}
}
