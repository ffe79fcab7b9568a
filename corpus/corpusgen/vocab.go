package corpusgen

// The shared vocabulary articles draw on. Several spellings of one concept
// (the synonyms in corpus/default/synonyms.yaml) are listed together so that
// articles use them interchangeably, as real writers do.

type mineral struct {
	name string // as written mid-sentence
	use  string // what it goes into
}

var minerals = []mineral{
	{"rare earths", "permanent magnets for motors and wind turbines"},
	{"rare earth elements", "magnets, catalysts and precision-guided munitions"},
	{"heavy rare earths", "high-temperature magnets in fighter jets and EV motors"},
	{"lithium", "battery cathodes"},
	{"cobalt", "nickel-rich battery cathodes"},
	{"graphite", "battery anodes"},
	{"gallium", "radar chips and power semiconductors"},
	{"germanium", "fiber optics and infrared optics"},
	{"nickel", "stainless steel and battery cathodes"},
	{"dysprosium", "magnets that keep their strength when hot"},
	{"terbium", "heat-resistant magnets and phosphors"},
	{"neodymium", "NdFeB magnets"},
	{"antimony", "munitions and flame retardants"},
	{"tungsten", "armor-piercing rounds and cutting tools"},
	{"manganese", "steel and battery cathodes"},
}

type country struct {
	name    string // mid-sentence, e.g. "the U.S."
	adj     string
	capital string
}

var countries = []country{
	{"China", "Chinese", "Beijing"},
	{"Russia", "Russian", "Moscow"},
	{"Ukraine", "Ukrainian", "Kyiv"},
	{"Australia", "Australian", "Canberra"},
	{"Canada", "Canadian", "Ottawa"},
	{"Japan", "Japanese", "Tokyo"},
	{"Vietnam", "Vietnamese", "Hanoi"},
	{"Brazil", "Brazilian", "Brasilia"},
	{"Myanmar", "Burmese", "Naypyidaw"},
	{"Malaysia", "Malaysian", "Kuala Lumpur"},
	{"Indonesia", "Indonesian", "Jakarta"},
	{"Chile", "Chilean", "Santiago"},
	{"Kazakhstan", "Kazakh", "Astana"},
	{"Greenland", "Greenlandic", "Nuuk"},
	{"the Democratic Republic of Congo", "Congolese", "Kinshasa"},
	{"the U.S.", "American", "Washington"},
	{"India", "Indian", "New Delhi"},
	{"Germany", "German", "Berlin"},
	{"South Korea", "South Korean", "Seoul"},
}

// companies and people are invented.
var companies = []string{
	"Northfield Magnetics", "Aurora Lithium", "Baltic Rare Metals", "Cascade Refining",
	"Meridian Minerals", "Ironbark Resources", "Pacific Separation Technologies",
	"Silverline Graphite", "Helios Battery Materials", "Tundra Critical Metals",
	"Redstone Gallium", "Kestrel Mining", "Orion Magnet Works", "Sable Cobalt",
	"Granite Peak Metals", "Blue Ridge Anodes", "Lodestar Alloys", "Coppervale Holdings",
}

var people = []string{
	"Elena Marsh", "Daniel Okafor", "Priya Raman", "Tomasz Wielgus", "Hannah Lindqvist",
	"Marcus Feld", "Sofia Arriaga", "Kenji Morimoto", "Olivia Brandt", "Samuel Adeyemi",
	"Irina Volkova", "Liang Wen", "Grace Whitfield", "Mateo Ruiz", "Nadia Haddad",
	"Viktor Lindgren", "Amara Osei", "Felix Hartmann",
}

var roles = []string{
	"an analyst at %s", "the chief executive of %s", "a senior economist advising %s",
	"the founder of %s", "a former trade official now consulting for %s", "the head of procurement at %s",
}

// publications are the (invented) outlets whose articles the critiques review.
var publications = []string{
	"The Global Ledger", "Metals Weekly", "The Policy Wire", "Commodity Times",
	"Strategic Affairs Review", "The Daily Dispatch", "Market Signal", "The Northern Post",
}

// sources are the (invented) sites publishing the critiques.
var sources = []string{"Chokepoint Review", "Critical Minerals Watch", "Supply Chain Critique", "Midstream Monitor"}

var months = []string{"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"}

// Synonym sets: one is picked at each use.
var synonyms = map[string][]string{
	"stage":    {"refining", "processing", "separation", "midstream processing", "midstream"},
	"ctrl":     {"export controls", "export restrictions", "an export ban", "export licensing rules"},
	"sanc":     {"sanctions", "an embargo", "sanctions", "secondary sanctions"},
	"magnet":   {"permanent magnets", "rare earth magnets", "NdFeB magnets", "neodymium magnets"},
	"ev":       {"EVs", "electric vehicles", "electric vehicle makers"},
	"dod":      {"the Pentagon", "the Department of Defense", "DoD"},
	"cm":       {"critical minerals", "strategic minerals", "critical raw materials"},
	"chain":    {"supply chain", "value chain", "supply chains"},
	"deposit":  {"deposits", "reserves", "ore bodies"},
	"mining":   {"mining", "extraction"},
	"down":     {"downstream manufacturing", "component production", "alloy and magnet making"},
	"tariff":   {"tariffs", "import duties", "a 25 percent tariff", "countervailing duties"},
	"critique": {"The article", "The report", "The piece", "The story"},
	"flaw":     {"fails to mention", "glosses over", "never addresses", "skips past", "underplays"},
}
