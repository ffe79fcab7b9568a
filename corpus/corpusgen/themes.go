package corpusgen

// theme is one subject a section can treat: headings to choose from, body
// sentences, and bullet items. Templates use {slot} placeholders filled from
// the article's cast (see article.fill).
type theme struct {
	slug      string
	headings  []string
	sentences []string
	items     []string
}

var themes = []theme{
	{
		slug: "processing",
		headings: []string{"The Processing Gap Nobody Mentions", "Where the Refining Actually Happens",
			"Midstream Is the Real Bottleneck", "Separation Capacity Is Not a Footnote", "Mines Are Not Supply Chains"},
		sentences: []string{
			"{critique} {flaw} that {country} has almost no {stage} capacity for {mat}, so ore dug there would still travel to China.",
			"China handles roughly {pct} of global {mat} {stage}, and no plant outside it can absorb new feedstock at scale before {year}.",
			"Without {stage}, {deposit} of {mat} are a geological fact rather than a {chain}.",
			"{company} says its {stage} line will reach {tonnes} tonnes a year, but the plant has yet to produce a commercial batch.",
			"Building {stage} capacity takes {years} years of permitting, solvent-extraction know-how and skilled chemists, none of which money alone can buy quickly.",
			"The value of {mat} lies in {stage} and {down}, not in the rock itself.",
			"{person}, {role}, told the outlet that {stage} costs outside China run {pct2} higher because of reagent prices and environmental rules.",
			"Even {Adj} concentrate is shipped to Chinese refiners for {stage}, which leaves the {chain} exactly where it started.",
			"A {stage} plant needs a steady feed of mixed concentrate, and {country} cannot yet supply one.",
		},
		items: []string{
			"China controls about {pct} of {mat} {stage}",
			"{country} has {deposit} but no licensed {stage} plant",
			"{company} targets first output in {year}",
			"Solvent-extraction expertise is scarce outside China",
			"Permitting a new refinery takes {years} years",
		},
	},
	{
		slug: "controls",
		headings: []string{"Export Controls as Leverage", "What Beijing's Licensing Regime Means",
			"The Export Ban Question", "Controls Cut Both Ways"},
		sentences: []string{
			"Beijing imposed {ctrl} on {mat} on {date}, and shipments to {country} fell by {pct} within two quarters.",
			"{critique} {flaw} that {ctrl} on {mat2} already give China a lever over {use}.",
			"Licences under the new {ctrl} are granted case by case, which lets Beijing reward some buyers and starve others.",
			"{person}, {role}, argued that {ctrl} are a warning shot rather than a full embargo.",
			"Prices of {mat} outside China rose {pct2} after the {ctrl} took effect, while domestic Chinese prices barely moved.",
			"{Adj} manufacturers of {use} hold only a few months of {mat} inventory, so even a short licensing delay bites.",
			"China extended the {ctrl} to {stage} technology itself, barring the export of equipment and know-how.",
		},
		items: []string{
			"{ctrl} on {mat} since {date}",
			"Licences granted case by case",
			"Technology for {stage} also restricted",
			"Inventories cover a few months at most",
			"Prices outside China up {pct2}",
		},
	},
	{
		slug:     "sanctions",
		headings: []string{"Sanctions Complicate Everything", "The Sanctions Problem", "Who Can Legally Buy"},
		sentences: []string{
			"{critique} {flaw} that {sanc} on Russia make any joint {mining} venture legally fraught for {Adj} firms.",
			"Several Russian oligarchs tied to {mat} assets have been sanctioned by the U.S. and Europe since {year}.",
			"Moscow has offered {deposit} of {mat} to foreign partners, but {sanc} bar most Western banks from financing them.",
			"{person}, {role}, noted that sanctioned elites control the only {stage} plants in the region.",
			"Any deal that touches {deposit} in occupied territory would breach {sanc} and invite a backlash from allies.",
			"{company} withdrew from a {mat} project in {year} after its lenders flagged {sanc} risk.",
		},
		items: []string{
			"{sanc} on Russian metals producers",
			"Banks refuse to finance sanctioned projects",
			"Occupied territories carry legal risk",
			"Oligarchs control the regional {stage} plants",
		},
	},
	{
		slug:     "tariffs",
		headings: []string{"Tariffs Will Not Build Refineries", "The Tariff Illusion", "Who Pays the Duties"},
		sentences: []string{
			"Washington raised {tariff} on Chinese {mat} products on {date}, yet imports simply rerouted through {country2}.",
			"{critique} {flaw} that {tariff} raise costs for {Adj} makers of {use} long before any domestic {stage} exists.",
			"{person}, {role}, estimated that {tariff} add {usd} a year to the cost of {use}.",
			"Tariffs protect a {chain} only when there is a domestic supplier to protect, and for {mat} there is not.",
			"Importers in {country} absorbed the {tariff} for a year before passing them on to buyers of {ev}.",
		},
		items: []string{
			"{tariff} on Chinese {mat}",
			"Imports rerouted through {country2}",
			"Costs passed on to buyers of {ev}",
		},
	},
	{
		slug:     "magnets",
		headings: []string{"The Magnet Makers", "Magnets Are the Chokepoint", "From Oxide to Motor"},
		sentences: []string{
			"China makes about {pct} of the world's {magnet}, the parts that turn {mat} into motors for {ev} and missiles.",
			"{company} plans a {magnet} plant in {country} with capacity of {tonnes} tonnes, backed by {usd} from {dod}.",
			"{critique} {flaw} that {magnet} need {stage} of NdPr oxide and metal alloying, steps that barely exist outside China.",
			"{dod} has funded {magnet} production since {year}, but the first deliveries keep slipping.",
			"Heavy rare earths such as dysprosium and terbium keep {magnet} working at high temperature, and China refines nearly all of them.",
			"{person}, {role}, said that {Adj} automakers still buy finished {magnet} from China because no one else can match the price.",
		},
		items: []string{
			"China produces about {pct} of {magnet}",
			"{dod} awarded {usd} to {company}",
			"Dysprosium and terbium supply remains Chinese",
			"First deliveries expected in {year}",
		},
	},
	{
		slug:     "batteries",
		headings: []string{"The Battery Metals Squeeze", "Anodes, Cathodes and China", "What Electric Vehicles Need"},
		sentences: []string{
			"Demand for {mat} from {ev} is expected to triple by {year}, and China already refines about {pct} of it.",
			"{company} secured {usd} to build a {mat} {stage} plant in {country}, its first outside Asia.",
			"{critique} {flaw} that {mat} {stage} for battery-grade material is harder than {mining} itself.",
			"{person}, {role}, warned that {Adj} battery makers depend on Chinese {stage} for {use}.",
			"Prices of {mat} fell {pct2} in {year} as Chinese {stage} capacity outran demand from {ev}.",
			"Cobalt mined in the Democratic Republic of Congo is mostly refined in China before it reaches cathode plants.",
		},
		items: []string{
			"{ev} drive demand for {mat}",
			"China refines about {pct} of battery-grade {mat}",
			"{company} plans a plant in {country}",
			"Prices fell {pct2} in {year}",
		},
	},
	{
		slug:     "deposits",
		headings: []string{"Deposits Are Not Production", "Untapped Riches", "The Geology Argument"},
		sentences: []string{
			"{country} claims {deposit} of {mat} worth {usd}, but most of them have never been drilled to modern standards.",
			"{critique} {flaw} that proven {deposit} are not the same as an operating mine, let alone a {chain}.",
			"{company} holds exploration licences for {mat} in {country} but has not published a resource estimate.",
			"{person}, {role}, admitted that Soviet-era survey data on {mat} {deposit} was lost or never digitised.",
			"From discovery to first production a {mat} mine takes {years} years on average.",
			"Greenland and Canada both hold large {deposit} of {mat}, yet neither has a {stage} plant running.",
		},
		items: []string{
			"{deposit} of {mat} in {country}",
			"No resource estimate published",
			"Discovery to production takes {years} years",
			"Survey data is decades old",
		},
	},
	{
		slug:     "policy",
		headings: []string{"Stockpiles and Subsidies", "What Policy Gets Wrong", "Industrial Policy in Practice"},
		sentences: []string{
			"Washington announced a {cm} stockpile of {tonnes} tonnes on {date}, but stockpiles buy time rather than capacity.",
			"{critique} {flaw} that subsidies for {mining} do little when the {stage} step is missing.",
			"{dod} invoked the Defense Production Act for {mat} in {year}, funding {company} with {usd}.",
			"{person}, {role}, argued that price floors are needed because China can flood the market whenever a rival plant opens.",
			"{Adj} officials in {capital} list {mat} among their {cm}, yet funding has gone mostly to {mining}.",
			"A {cm} partnership between {country} and {country2} promises joint {stage}, but no site has been chosen.",
		},
		items: []string{
			"Stockpile of {tonnes} tonnes announced on {date}",
			"{usd} in grants to {company}",
			"Price floors under discussion",
			"Partnership with {country2} still without a site",
		},
	},
}

// leads open an article before its first heading.
var leads = []string{
	"{author}, writing for {pub} on {date}, argues that {country} can become a reliable source of {mat} and break China's grip on the {chain}.",
	"In a piece for {pub} published {date}, {author} describes {company}'s plan to supply {mat} for {use} from {country}.",
	"{pub} reported on {date} that {country} wants to court Western buyers with its {deposit} of {mat}, a story by {author}.",
	"{author} of {pub} examines, in an article dated {date}, whether {country} can replace China as a supplier of {mat}.",
}

// closings end a section with the critic's verdict.
var closings = []string{
	"{critique} is right about the ambition but wrong about the timeline.",
	"Until {stage} exists outside China, the {chain} for {mat} runs through Beijing.",
	"Readers deserve a clearer account of what it takes to turn {mat} into {use}.",
	"The harder question of who refines the {mat} is left unanswered.",
}

// titles of critiques.
var titles = []string{
	"{Country} Wants to Sell {Mat}, But Who Will Refine It?",
	"{Company} and the {Mat} Mirage",
	"Why {Country} Cannot Replace China in {Mat}",
	"{Mat}: {Pub} Misses the Midstream",
	"The {Mat} Story {Pub} Got Half Right",
	"Can {Country} Break China's Grip on {Mat}?",
	"{Mat} Export Controls and the Limits of Leverage",
	"Tariffs, Sanctions and the {Mat} Supply Chain",
}

// reviewedTitles are titles of the articles the critiques review.
var reviewedTitles = []string{
	"{Country} Courts Investors With {Mat} Riches",
	"How {Company} Plans to Break China's Hold on {Mat}",
	"The New Race for {Mat}",
	"{Country} Bets Big on {Mat}",
}
