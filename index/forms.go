package index

import (
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// formsFilter is a token filter that runs after lower-casing and before
// stemming: it spells British words the American way ("licence" →
// "license", "aluminium" → "aluminum", "organisation" → "organization")
// and turns irregular verb forms into their base ("sold" → "sell", "rose"
// → "rise"), which the Porter stemmer leaves apart. Corpus and question go
// through the same analyzer, so "licences" in an article meets "license" in
// a question.
const formsFilterName = "chokepoint_forms"

// registerForms registers the filter with bleve's registry, once per
// process (the registry refuses a second registration).
var registerForms = sync.OnceValue(func() error {
	return registry.RegisterTokenFilter(formsFilterName, func(map[string]interface{}, *registry.Cache) (analysis.TokenFilter, error) {
		return formsFilter{}, nil
	})
})

type formsFilter struct{}

func (formsFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if f, ok := baseForm(string(t.Term)); ok {
			t.Term = []byte(f)
		}
	}
	return in
}

// baseForm returns the American, base form of a lower-case word when it
// differs from the word.
func baseForm(w string) (string, bool) {
	if f, ok := forms[w]; ok {
		return f, true
	}
	// -isation/-ise verbs of British usage: only the stems listed, since
	// "rise", "advise" and "enterprise" are -ise in both.
	for _, suf := range [...]struct{ br, us string }{
		{"isations", "izations"}, {"isation", "ization"}, {"ising", "izing"},
		{"ised", "ized"}, {"ises", "izes"}, {"ise", "ize"},
		{"ysing", "yzing"}, {"ysed", "yzed"}, {"yses", "yzes"}, {"yse", "yze"},
	} {
		if stem, ok := strings.CutSuffix(w, suf.br); ok && izeStems[stem] {
			return stem + suf.us, true
		}
	}
	return "", false
}

// izeStems are the stems whose -ise/-isation forms are British spellings of
// -ize/-ization (and -yse of -yze).
var izeStems = setOf(
	"organ", "real", "recogn", "priorit", "privat", "national", "subsid", "stabil", "minim", "maxim",
	"critic", "emphas", "author", "util", "mobil", "character", "special", "capital", "summar", "final",
	"standard", "legal", "local", "global", "industrial", "modern", "optim", "penal", "apolog", "categor",
	"central", "commercial", "decentral", "democrat", "digit", "econom", "energ", "equal", "familiar",
	"fertil", "formal", "general", "harmon", "hospital", "ideal", "immun", "initial", "jeopard", "legit",
	"liberal", "memor", "militar", "monet", "monopol", "neutral", "normal", "patron", "polar", "popular",
	"public", "rational", "revolution", "scrutin", "social", "sympath", "synchron", "synthes", "visual",
	"weapon", "urban", "incentiv", "decarbon",
)

// forms maps British spellings and irregular verb forms to the American
// base form.
var forms = map[string]string{
	// British → American
	"licence": "license", "licences": "licenses", "licenced": "licensed", "licencing": "licensing",
	"defence": "defense", "defences": "defenses", "offence": "offense", "offences": "offenses",
	"pretence": "pretense", "aluminium": "aluminum", "sulphur": "sulfur", "sulphate": "sulfate",
	"sulphates": "sulfates", "sulphide": "sulfide", "sulphides": "sulfides", "sulphuric": "sulfuric",
	"caesium": "cesium", "programme": "program", "programmes": "programs", "centre": "center",
	"centres": "centers", "metre": "meter", "metres": "meters", "litre": "liter", "litres": "liters",
	"fibre": "fiber", "fibres": "fibers", "theatre": "theater", "calibre": "caliber", "colour": "color",
	"colours": "colors", "labour": "labor", "favour": "favor", "favours": "favors", "favoured": "favored",
	"favourable": "favorable", "behaviour": "behavior", "harbour": "harbor", "harbours": "harbors",
	"neighbour": "neighbor", "neighbours": "neighbors", "neighbouring": "neighboring", "honour": "honor",
	"rumour": "rumor", "rumours": "rumors", "vigour": "vigor", "endeavour": "endeavor", "saviour": "savior",
	"grey": "gray", "plough": "plow", "mould": "mold", "moulds": "molds", "smoulder": "smolder",
	"cheque": "check", "cheques": "checks", "tyre": "tire", "tyres": "tires", "storey": "story",
	"jewellery": "jewelry", "judgement": "judgment", "ageing": "aging", "manoeuvre": "maneuver",
	"haematite": "hematite", "fulfil": "fulfill", "enrol": "enroll", "instalment": "installment",
	"catalogue": "catalog", "dialogue": "dialog", "analogue": "analog", "practise": "practice",
	"practised": "practiced", "travelled": "traveled", "travelling": "traveling", "fuelled": "fueled",
	"fuelling": "fueling", "labelled": "labeled", "labelling": "labeling", "modelled": "modeled",
	"modelling": "modeling", "cancelled": "canceled", "cancelling": "canceling", "signalled": "signaled",
	"totalled": "totaled", "channelled": "channeled", "counsellor": "counselor", "sceptical": "skeptical",
	"sceptic": "skeptic", "sceptics": "skeptics", "draught": "draft", "kerb": "curb", "whilst": "while",
	"amongst": "among", "enquiry": "inquiry", "enquiries": "inquiries", "speciality": "specialty",
	"towards": "toward", "afterwards": "afterward", "oestrogen": "estrogen", "paediatric": "pediatric",
	"analyse": "analyze", "analysed": "analyzed", "analysing": "analyzing", "paralyse": "paralyze",
	"catalyse": "catalyze", "catalysed": "catalyzed",
	// irregular verbs → base
	"sold": "sell", "bought": "buy", "made": "make", "began": "begin", "begun": "begin", "rose": "rise",
	"risen": "rise", "fell": "fall", "fallen": "fall", "grew": "grow", "grown": "grow",
	"spent": "spend", "built": "build", "held": "hold", "paid": "pay", "struck": "strike", "took": "take",
	"taken": "take", "gave": "give", "given": "give", "lost": "lose", "sought": "seek", "told": "tell",
	"thought": "think", "brought": "bring", "caught": "catch", "taught": "teach", "fought": "fight",
	"kept": "keep", "left": "leave", "meant": "mean", "met": "meet", "sent": "send",
	"stood": "stand", "understood": "understand", "wrote": "write", "written": "write", "drove": "drive",
	"driven": "drive", "chose": "choose", "chosen": "choose", "froze": "freeze", "frozen": "freeze",
	"broke": "break", "broken": "break", "spoke": "speak", "spoken": "speak", "stole": "steal",
	"stolen": "steal", "forgot": "forget", "forgotten": "forget", "forbade": "forbid",
	"forbidden": "forbid", "withdrew": "withdraw", "withdrawn": "withdraw", "overtook": "overtake",
	"overtaken": "overtake", "undertook": "undertake", "undertaken": "undertake", "saw": "see",
	"seen": "see", "knew": "know", "known": "know", "threw": "throw", "thrown": "throw", "drew": "draw",
	"drawn": "draw", "flew": "fly", "flown": "fly", "shook": "shake", "shaken": "shake", "swore": "swear",
	"sworn": "swear", "wore": "wear", "worn": "wear", "tore": "tear", "torn": "tear", "bore": "bear",
	"borne": "bear", "dug": "dig", "hung": "hang", "slid": "slide", "sank": "sink", "sunk": "sink",
	"shrank": "shrink", "shrunk": "shrink", "sprang": "spring", "swung": "swing", "stuck": "stick",
	"ran": "run", "came": "come", "became": "become", "overcame": "overcome",
	"went": "go", "gone": "go", "done": "do", "found": "find", "led": "lead",
	"fed": "feed", "bred": "breed", "fled": "flee", "lent": "lend", "bent": "bend", "dealt": "deal",
	"felt": "feel", "heard": "hear", "laid": "lay", "mistook": "mistake",
	"oversaw": "oversee", "overseen": "oversee", "rebuilt": "rebuild", "redrew": "redraw",
	"outgrew": "outgrow", "upheld": "uphold", "withheld": "withhold", "sped": "speed", "spun": "spin",
	"woke": "wake", "woken": "wake",
}

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
