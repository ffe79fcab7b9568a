package chokepoint

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Answer types. A question asks for a kind of thing — a date, a quantity, a
// name, a place, a reason — and an excerpt lacking that kind of thing does
// not answer it however many of its words it shares. The question's wh-words
// tell the kind (the index's analyzer drops them as stop words, so they are
// read from the cleaned text); the excerpt's surface tells whether it has
// one.

// answerType is the kind of thing a question asks for.
type answerType uint8

const (
	typeAny answerType = iota
	typeReason
	typeDate
	typeQuantity
	typeName // a person or an organisation
	typePlace
	// typeLack is a why-not question ("why can't Russia replace China?"):
	// its answer says what its subject lacks or what stands in its way.
	typeLack
	// typeDefinition asks what something is ("what even is black mass?"):
	// its answer says what the thing is.
	typeDefinition
	// typeShare, typeMoney and typeDuration are quantities of a kind: a
	// share of a whole ("what % of…", "how dependent was…"), an amount of
	// money ("how much did it cost"), a span of time ("how long…").
	typeShare
	typeMoney
	typeDuration
	// typeRole asks what someone does ("whats dmitriev's job"): its answer
	// gives the person a role ("the CEO of the Russian Direct Investment
	// Fund"), not a name, which the question already gives.
	typeRole
)

func (t answerType) String() string {
	return [...]string{"any", "reason", "date", "quantity", "name", "place", "lack", "definition", "share", "money", "duration", "role"}[t]
}

// typePatterns are tried in order on the lower-cased question; the first
// that matches gives its type.
var typePatterns = []struct {
	t  answerType
	re *regexp.Regexp
}{
	{typeReason, regexp.MustCompile(`\bwhy\b|\bhow come\b|\bwhat(?:'s| is| are)? (?:stopping|stops|preventing|prevents|blocking|blocks|holding back|keeps|keeping)\b|\bthe reasons?\b|\bwhat(?:'s| is) the (?:problem|catch|issue|obstacle|hurdle)\b`)},
	{typeDate, regexp.MustCompile(`^(?:\W*)when\b|[,;:] ?when\b|\b(?:know|tell me|wondering|wonder|idea|sure|remember|explain) when\b|\b(?:what|which) (?:year|date|month|day)\b|\b(?:since|until|till|by) when\b|\bhow long ago\b|\bwhat time\b|\bwhen (?:did|does|do|was|were|is|will|has|had|could|would|are|can)\b|\bdates?\b|\bwhat year\b`)},
	{typeQuantity, regexp.MustCompile(`\bhow (?:much|many|big|large|high|low|fast|long|far|expensive|cheap|costly|deep|tall|heavy|dependent|dependant|reliant|badly|severely|sharply|steeply)\b|\bwhat (?:share|percentage|percent|proportion|fraction|portion|price|cost|value|amount|volume|number|level|rate|size|capacity|quota|tariff|figure|sum|tonnage|purity|grade|concentration|yield|output|production|temperature|speed|budget)\b|\bwhat % |\bhow much of\b|\b(?:amount|spend|spent|cost|costs|costing|worth|percentage|tonnage)\b|\bwhat (?:was|is|were|are) the (?:\w+ )?(?:price|cost|value|size|share|rate|level|cap|target|benchmark|quota|tariff)\b`)},
	{typeRole, roleAsked},
	{typeName, regexp.MustCompile(`^(?:\W*)who\b|\bwho(?:'s| is| was| are| were| runs| ran| leads| led| heads| owns| owned| wrote| writes| said| says| made| makes| built| builds| founded| controls| bought| buys| sold| sells| signed| announced| received| got| won| financed| funds| funded| produces| mines| refines)\b|\bwhose\b|\b(?:which|what) (?:\w+ ){0,2}(?:company|companies|firm|firms|miner|miners|group|agency|agencies|person|people|official|officials|minister|ceo|outlet|newspaper|site|bank|banks|fund|law|laws|act|organi[sz]ations?|body|bodies|producer|producers|buyer|buyers|partner|partners)\b`)},
	{typeDefinition, regexp.MustCompile(`^(?:\W*)(?:what(?: even| exactly| actually)?(?:'s| is| are)(?: even| exactly| actually)?(?: an?| the)? [^ ?]+(?: [^ ?]+){0,2}|what does [^?]+ (?:mean|stand for)|define [^?]+|meaning of [^?]+)\W*$`)},
	{typePlace, regexp.MustCompile(`^(?:\W*)where\b|\b(?:know|tell me|wondering|wonder|idea|sure|remember|explain) where\b|\bwhere(?:'s| is| are| was| were| do| does| did| will| can| would)\b|\b(?:which|what) (?:\w+ ){0,2}(?:country|countries|region|regions|province|provinces|state|states|city|cities|place|places|port|ports|nation|nations)\b`)},
}

// roleAsked matches, in a lower-cased question, a question about what
// someone does: their job, role, position or title ("whats dmitriev's
// job", "what does he do, whats his job"). ("who is X" also asks it, but
// read as this type it gained nothing on the development side and lost a
// question elsewhere, so it stays a name question.)
var roleAsked = regexp.MustCompile(`(?:'s|s'|\bhis|\bher|\btheir) (?:actual |real |exact |current |official |day )?(?:job|role|position|title|post)\b`)

// negation matches a negated verb of a question.
var negation = regexp.MustCompile(`n't\b|\b(?:not|cannot|never|no longer)\b`)

// classify returns the type of answer the cleaned question q asks for.
// With kinds, a quantity question that says which kind of quantity it
// wants (quantityKind) gets that kind's type.
func classify(q string, kinds bool) answerType {
	l := trimFiller(strings.ToLower(q))
	for _, p := range typePatterns {
		if p.re.MatchString(l) {
			if p.t == typeReason && negation.MatchString(l) {
				return typeLack
			}
			if p.t == typeQuantity && kinds {
				return quantityKind(l)
			}
			return p.t
		}
	}
	return typeAny
}

// trimFiller drops the filler words and polite openers that open the
// lower-cased question l, and the filler words that close it ("hey all,
// who recovers germanium", "does anyone know who…", "what does SC6 mean
// pls"), so that the patterns anchored at its start or end see the
// question itself.
func trimFiller(l string) string {
	for {
		for _, p := range politeOpeners {
			l = strings.TrimPrefix(l, p+" ")
		}
		w, rest, _ := strings.Cut(l, " ")
		w = strings.Trim(w, ",.!:;-")
		if !filler[w] && w != "all" && w != "there" || rest == "" { // "hey all", "hi there"
			break
		}
		l = strings.TrimLeft(rest, " ")
	}
	for {
		i := strings.LastIndexByte(l, ' ')
		if i < 0 {
			break
		}
		w := strings.Trim(l[i+1:], ",.!?:;-")
		if !filler[w] || typeCues[w] {
			break
		}
		l = strings.TrimRight(l[:i], " ,")
	}
	return l
}

// typeCues are filler words the type patterns read at the end of a
// question ("what does SC6 mean", "worth how much").
var typeCues = setOf("mean", "means", "much", "many")

// quantityKind returns the kind of quantity the lower-cased quantity
// question l asks for, when its words say (kindAsked): "how much of the
// world's gallium…" wants a share, and a window saying "about 6,000 metres
// deep" holds a quantity but not that one. Kinds are tried in order, so
// "what share of the cost…" wants a share; a question that names no kind
// stays typeQuantity.
func quantityKind(l string) answerType {
	for _, t := range []answerType{typeShare, typeDuration, typeMoney} {
		if kindAsked[t].MatchString(l) {
			return t
		}
	}
	return typeQuantity
}

// kindAsked match, in a lower-cased quantity question, the words that ask
// for a kind of quantity.
var kindAsked = map[answerType]*regexp.Regexp{
	typeShare:    regexp.MustCompile(`\bwhat (?:share|percentage|percent|proportion|fraction|portion|part)\b|%|\bper ?cent|\bpercentage|\bhow (?:dependent|dependant|reliant|relient)\b|\bhow much of\b`),
	typeDuration: regexp.MustCompile(`\bhow long\b|\bhow many (?:years|months|weeks|days|decades)\b`),
	typeMoney:    regexp.MustCompile(`\bcost(?:s|ing)?\b|\bspen[dt]\b|\bspending\b|\bpa(?:y|id)\b|\bprices?\b|\bworth\b|\bmoney\b|\bfund(?:s|ing|ed)?\b|\binvest(?:ed|ing|ment)?\b|\blen[dt]\b|\bloan\b|\bgrant\b|\bbudget\b|\bvalu(?:e|ed|ation)\b|\brevenue\b|\bprofit\b|\bsubsid(?:y|ies)\b|\$|€|£`),
}

// kindRE match, in a window, a quantity of each kind: a percentage or a
// fraction; a sum of money (a currency sign or word); a span of time, or
// a year something runs until.
var kindRE = map[answerType]*regexp.Regexp{
	typeShare:    regexp.MustCompile(`(?i)\d\s?(?:%|per ?cent|percent)|\b(?:half|a third|one[- ]third|two[- ]thirds|a quarter|one[- ]quarter|three[- ]quarters|a fifth|a tenth|\w+ (?:percent|per cent)|majority|most of|nearly all|almost all|all of)\b`),
	typeMoney:    regexp.MustCompile(`(?i)[$€£¥₹]\s?\d|\b(?:US|A|C|NZ|HK)\$|\b(?:dollars|euros|yuan|yen|rupees|crore|lakh|roubles|rubles)\b`),
	typeDuration: regexp.MustCompile(`(?i)\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|a few|several|a couple of|a|an)(?:[- ]\w+)?[- ](?:years?|months?|weeks?|days?|decades?|hours?)\b|\b(?:until|through|till|to) (?:(?:January|February|March|April|May|June|July|August|September|October|November|December) )?(?:19|20)\d\d\b`),
}

// typeWords are the words that only say which type is asked for ("what
// year", "how much"): dropped from the question's concepts once the type is
// known, since the answer says "in 2023", not "in the year 2023".
var typeWords = map[answerType]map[string]bool{
	typeDate:     setOf("year", "years", "date", "dates", "month", "months", "day", "time", "when"),
	typeQuantity: quantityWords,
	typeShare:    quantityWords,
	typeMoney:    quantityWords,
	typeDuration: durationWords,
	typeName:     setOf("person", "company", "companies", "firm", "firms", "official", "name"),
	typeRole:     setOf("job", "jobs", "role", "roles", "position", "title", "post"),
	typePlace:    setOf("country", "countries", "region", "regions", "place", "places", "nation", "nations", "located", "location"),
}

// quantityWords say that a quantity is asked for, durationWords that a
// span of time is.
var quantityWords = setOf("much", "many", "big", "large", "high", "badly", "severely", "sharply", "steeply", "share", "percentage", "percent", "proportion", "fraction", "portion", "amount", "number", "figure", "level", "size", "sum")

var durationWords = setOf("much", "many", "long", "amount", "number", "figure", "time", "years", "months", "weeks", "days")

var (
	monthRE = regexp.MustCompile(`\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)`)
	yearRE  = regexp.MustCompile(`\b(?:1[89]\d\d|20\d\d)s?\b|\bQ[1-4]\b|\b(?:last|next|this) (?:year|month|week|decade|spring|summer|autumn|fall|winter)\b|\b(?:mid|early|late)-?(?:19|20)\d\d`)
	// A quantity: a number with a unit (of mass, energy, length, area,
	// volume, temperature, money…), a percentage, a scale word or a
	// multiple.
	quantityRE   = regexp.MustCompile(`(?i)[$€£¥₹]\s?\d|\d\s?(?:%|°|per ?cent|percent|-fold|fold|x\b|times\b|kg\b|kilo|tonnes?\b|tons?\b|t\b|kt\b|mt\b|gw\b|mw\b|gwh\b|twh\b|kwh\b|mwh\b|kw\b|ppm\b|km\b|miles?\b|bn\b|m\b|b\b)|\d[\d,.]*\s+(?:million|billion|trillion|thousand|hundred|crore|lakh|tonnes?|tons|metric|kilograms?|grams|pounds|ounces|barrels|(?:kilo|mega|giga|tera)?watt|(?:kilo)?met(?:er|re)s|hectares|acres|square|cubic|litres|liters|gallons|degrees|rupees|roubles|rubles|won|per ?cent|percent|percentage points?|points|dollars|euros|yuan|yen|years?|months?|days|weeks|workers|jobs|mines|plants|companies|times)\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|a hundred|several hundred|a few hundred|a thousand|a million|a billion)(?:[- ](?:to|or)[- ]\w+)?\s+(?:hundred|thousand|million|billion|tonnes?|tons|kilograms?|kilogram|grams?|percent|per cent|years|months|weeks|days|times|vessels|ships|companies|plants|mines|projects|workers)\b|\b(?:half|a third|two[- ]thirds|a quarter|three[- ]quarters|a fifth|a tenth|twice|double|triple|tripled|doubled|quadrupled|(?:two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty|fifty|hundred|thousand)fold|dozens?|hundreds|thousands|millions|billions)\b`)
	bareNumberRE = regexp.MustCompile(`\b\d[\d,.]*\b`)
)

// typeMatch rates how well text holds the answer type t: 1 when it clearly
// does, 0.5 for weak evidence (a bare number for a quantity, a lone
// capitalised word for a name), 0 when not at all. asked holds the
// question's analysed terms, so that a name the question itself gives is
// not taken for the answer; analyze is the index's analyzer. typeAny always
// matches.
func typeMatch(t answerType, text string, asked map[string]bool, analyze func(string) []Token) float64 {
	switch t {
	case typeDate:
		if monthRE.MatchString(text) || yearRE.MatchString(text) {
			return 1
		}
		return 0
	case typeQuantity:
		if quantityRE.MatchString(text) {
			return 1
		}
		for _, m := range bareNumberRE.FindAllString(text, -1) {
			if !yearRE.MatchString(m) {
				return 0.5
			}
		}
		return 0
	case typeShare, typeMoney, typeDuration:
		// A quantity of another kind is weak evidence: the kind may be
		// written in a way kindRE does not know.
		if kindRE[t].MatchString(text) {
			return 1
		}
		return 0.5 * typeMatch(typeQuantity, text, asked, analyze)
	case typeName:
		return nameMatch(text, asked, analyze)
	case typePlace:
		return placeMatch(text, asked)
	case typeReason:
		return reasonMatch(text)
	case typeRole:
		if roleCue.MatchString(text) {
			return 1
		}
		return 0
	case typeDefinition:
		if definitionCue.MatchString(text) {
			return 1
		}
		return 0.5
	case typeLack:
		if lackCue.MatchString(text) {
			return 1
		}
		return 0.5 * reasonMatch(text)
	}
	return 1
}

// placeMatch: a capitalised word the question does not name is a place
// when it is a known place name or follows a preposition of place ("at
// Eneabba", "north of Perth"); any other such word is weak evidence.
func placeMatch(text string, asked map[string]bool) float64 {
	best := 0.0
	for _, w := range capitalised(text) {
		l := strings.ToLower(w.word)
		if asked[l] || months[w.word] {
			continue
		}
		if places[l] || locative.MatchString(text[:w.start]) {
			return 1
		}
		if !w.initial {
			best = 0.5
		}
	}
	return best
}

// locative matches text ending in a preposition of place.
var locative = regexp.MustCompile(`(?i)\b(?:in|at|near|outside|inside|across|within|from|north of|south of|east of|west of|based in|located in)\s+(?:the\s+)?$`)

// nameMatch: two or more capitalised words in a row that the question does
// not name are a name; one such word is weak evidence. A place is a name
// too: "who chairs the partnership" is answered by "South Korea took over
// the rotating chair".
func nameMatch(text string, asked map[string]bool, analyze func(string) []Token) float64 {
	best := 0.0
	run := 0
	prevEnd := -1
	for _, w := range capitalised(text) {
		known := false
		for _, t := range analyze(w.word) {
			known = known || asked[t.Term]
		}
		if known || w.initial || months[w.word] {
			run, prevEnd = 0, -1
			continue
		}
		if prevEnd >= 0 && onlySpace(text[prevEnd:w.start]) {
			run++
		} else {
			run = 1
		}
		prevEnd = w.start + len(w.word)
		if run >= 2 {
			return 1
		}
		best = 0.5
	}
	return best
}

func onlySpace(s string) bool { return strings.TrimSpace(s) == "" }

type capWord struct {
	word    string
	start   int
	initial bool // first word of a sentence, or of the text
}

// capitalised returns the words of text that begin with a capital letter.
func capitalised(text string) []capWord {
	var out []capWord
	initial := true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !unicode.IsLetter(r) {
			if r == '.' || r == '!' || r == '?' || r == ':' || r == '•' || r == '\n' {
				initial = true
			}
			i += size
			continue
		}
		j := i
		for j < len(text) {
			c, cs := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(c) && c != '\'' && c != '’' && c != '-' {
				break
			}
			j += cs
		}
		if unicode.IsUpper(r) {
			w := strings.TrimRight(text[i:j], "'’-")
			w = strings.TrimSuffix(strings.TrimSuffix(w, "'s"), "’s")
			out = append(out, capWord{word: w, start: i, initial: initial})
		}
		initial = false
		i = j
	}
	return out
}

var months = setOf("January", "February", "March", "April", "May", "June", "July", "August",
	"September", "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday",
	"Friday", "Saturday", "Sunday")

// reasonCues mark a sentence that gives a cause, a lack or an obstacle.
// Matched as word prefixes on the lower-cased text.
var reasonCues = []string{
	"because", "due to", "since ", "as a result", "owing to", "thanks to", "given ", "lack", "fail",
	"unable", "cannot", "can't", "not ", "n't", "without", "no ", "never", "require", "depend",
	"rely", "reli", "dominat", "control", "sanction", "ban", "restrict", "limit", "barrier", "obstacle",
	"hurdle", "bottleneck", "risk", "cost", "expensive", "shortage", "gap", "too ", "only ",
	"problem", "challenge", "difficult", "hard", "slow", "delay", "uncertain", "unproven", "why",
	"so that", "in order to", "means", "leave", "leaves", "forc", "block", "prevent", "hinder",
}

// definitionCue matches the shapes of a definition: "X is a …", "X, the …
// that …", "(X)", "known as X", "stands for", "refers to".
var definitionCue = regexp.MustCompile(`(?i)\b(?:is|are) (?:a|an|the)\b|, (?:a|an|the) \w+ (?:that|which|of|used)\b|\b(?:known as|called|stands for|refers to|means|meaning)\b|\([A-Za-z][^)]{2,}\)|:\s`)

// roleCue matches, in a window, a word for what someone is or does: an
// office, a trade, a standing.
var roleCue = regexp.MustCompile(`(?i)\b(?:CEO|chief(?: executive)?|head(?:s|ed)? (?:of|the)|chair(?:man|woman|person)?|(?:vice[- ])?president|founder|co-founder|owner|owns|director|minister|secretary|governor|senator|ambassador|envoy|spokes(?:man|woman|person)|executive|manager|managing|official|advis[eo]r|analyst|economist|professor|researcher|scientist|oligarch|billionaire|tycoon|businessman|businesswoman|entrepreneur|shareholder|leader|commissioner|chancellor|premier|prime minister|mayor|editor|reporter|journalist|correspondent|author|lawmaker|legislator|trader|banker|investor|partner|runs|leads)\b`)

// lackCue matches a statement that something is missing, short or in the
// way.
var lackCue = regexp.MustCompile(`(?i)\b(?:lack|lacks|lacking|lacked|no|not|without|fail|fails|failed|unable|cannot|absence|absent|shortage|short of|insufficient|missing|gap|barrier|obstacle|hurdle|bottleneck|sanction\w*|ban|banned|never)\b|n't\b`)

// reasonMatch rates how much text reads as a reason: one cue is weak
// evidence, two or more strong.
func reasonMatch(text string) float64 {
	l := " " + strings.ToLower(strings.ReplaceAll(text, "’", "'")) + " "
	n := 0
	for _, c := range reasonCues {
		if strings.Contains(l, " "+c) || c == "n't" && strings.Contains(l, c) {
			n++
			if n == 2 {
				return 1
			}
		}
	}
	return 0.5 * float64(n)
}

// places are country, region and capital names (lower case) that answer a
// where-question.
var places = setOf(
	"afghanistan", "africa", "alaska", "albania", "algeria", "angola", "antarctica", "arctic", "argentina",
	"armenia", "asia", "australia", "austria", "azerbaijan", "bangladesh", "belarus", "belgium", "bolivia",
	"bosnia", "botswana", "brazil", "britain", "bulgaria", "burma", "burundi", "california", "cambodia",
	"cameroon", "canada", "chile", "china", "colombia", "congo", "croatia", "cuba", "czechia", "denmark",
	"ecuador", "egypt", "england", "estonia", "ethiopia", "europe", "finland", "france", "gabon", "georgia",
	"germany", "ghana", "greece", "greenland", "guinea", "guyana", "hungary", "iceland", "idaho", "india",
	"indonesia", "iran", "iraq", "ireland", "israel", "italy", "japan", "jordan", "kazakhstan", "kenya",
	"korea", "kosovo", "kyrgyzstan", "laos", "latvia", "lithuania", "madagascar", "malawi", "malaysia",
	"mali", "mauritania", "mexico", "mongolia", "montana", "morocco", "mozambique", "myanmar", "namibia",
	"nevada", "netherlands", "niger", "nigeria", "norway", "oman", "pakistan", "peru", "philippines",
	"poland", "portugal", "qatar", "quebec", "romania", "russia", "rwanda", "saskatchewan", "serbia",
	"singapore", "slovakia", "slovenia", "spain", "sweden", "switzerland", "taiwan", "tajikistan",
	"tanzania", "texas", "thailand", "tibet", "turkey", "turkmenistan", "uganda", "ukraine", "uzbekistan",
	"venezuela", "vietnam", "wyoming", "xinjiang", "yemen", "zambia", "zimbabwe", "america", "kachin",
	"jiangxi", "guangdong", "guangxi", "fujian", "sichuan", "inner", "mongolian", "baotou", "goiás", "goias",
	"malaysia", "kuantan", "kalgoorlie", "pahang", "queensland", "ontario", "alberta", "siberia", "urals",
	"yakutia", "murmansk", "kola", "norilsk", "beijing", "moscow", "kyiv", "kiev", "washington", "brussels",
	"tokyo", "canberra", "ottawa", "jakarta", "kinshasa", "delhi", "seoul", "london", "paris", "berlin",
	"sulawesi", "katanga", "lualaba", "pilbara", "patagonia", "andes", "sahel", "balkans", "caucasus",
	// demonyms: "rely on Chinese facilities" says where
	"chinese", "russian", "american", "japanese", "korean", "indian", "australian", "canadian",
	"european", "african", "brazilian", "indonesian", "malaysian", "ukrainian", "german", "french",
	"british", "mexican", "chilean", "congolese", "kazakh", "mongolian", "vietnamese", "burmese",
)
