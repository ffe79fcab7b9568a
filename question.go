package chokepoint

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Stage 1 of an answer: the question as Discord delivers it becomes plain
// words. Mentions, channel links, custom emoji and timestamps are Discord
// markup, not words; Markdown markers and emoji are decoration; "cant" and
// "whats" are how people type "can't" and "what's"; none may reach the
// index as a term.

// discordMarkup matches user, role and channel mentions, custom emoji,
// timestamps, @everyone/@here and typed @names, and links.
var discordMarkup = regexp.MustCompile(`<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(?::[tTdDfFR])?)>|@\w+|https?://\S+|:[a-z0-9_+-]+:`)

// maskedLink matches a Markdown link, whose text is kept.
var maskedLink = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)

// contractions restores the apostrophe people leave out, so the stop list
// recognises the word; and spells out the shorthand of chat. A one-letter
// shorthand applies only as typed here, in lower case: "V", "U" and "Y" are
// the symbols of vanadium, uranium and yttrium ("how much V does China
// produce"), never "versus", "you" and "why".
var contractions = map[string]string{
	"cant": "can't", "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "isnt": "isn't",
	"arent": "aren't", "wasnt": "wasn't", "werent": "weren't", "wont": "won't", "wouldnt": "wouldn't",
	"couldnt": "couldn't", "shouldnt": "shouldn't", "hasnt": "hasn't", "havent": "haven't",
	"hadnt": "hadn't", "whats": "what's", "whos": "who's", "wheres": "where's", "hows": "how's",
	"whys": "why's", "thats": "that's", "theres": "there's", "im": "i'm", "ive": "i've",
	"youre": "you're", "theyre": "they're", "u": "you", "ur": "your", "r": "are", "y": "why",
	"wat": "what", "wut": "what", "wht": "what", "wen": "when", "abt": "about", "bc": "because",
	"cuz": "because", "coz": "because", "bcos": "because", "tho": "though", "thru": "through",
	"w/": "with", "w/o": "without", "ppl": "people", "govt": "government", "gov't": "government",
	"yr": "year", "yrs": "years", "cr": "crore", "b/c": "because", "n": "and", "&": "and", "gonna": "going to",
	"wanna": "want to", "gotta": "got to", "avg": "average", "max": "maximum", "min": "minimum",
	"approx": "approximately", "aus": "Australia", "kwh": "kilowatt-hour", "vs": "versus", "v": "versus",
	"b4": "before", "smth": "something", "sth": "something", "tmrw": "tomorrow", "yday": "yesterday",
	"mgmt": "management", "btwn": "between", "wld": "would", "cld": "could", "shld": "should",
	"youd": "you'd", "theyd": "they'd", "youll": "you'll", "theyll": "they'll", "itll": "it'll",
	"youve": "you've", "theyve": "they've", "weve": "we've", "wouldve": "would've",
	"couldve": "could've", "shouldve": "should've", "aint": "ain't",
	"w": "with", "tl;dr": "tldr", "outta": "out of", "tryna": "trying to", "wot": "what",
	// months as abbreviated ("on oct 19"; not "mar" and "may", which are words)
	"jan": "January", "feb": "February", "apr": "April", "jun": "June", "jul": "July",
	"aug": "August", "sep": "September", "sept": "September", "oct": "October",
	"nov": "November", "dec": "December",
}

// shouted reports whether q is typed in capitals throughout ("WHY CANT
// RUSSIA REPLACE CHINA"): at least three words, and no lower-case letter.
// Such a question is read in lower case, where its capitals would else be
// taken for acronyms and symbols ("CAN", "U").
func shouted(q string) bool {
	words, lower := 0, false
	for _, w := range strings.Fields(q) {
		if strings.IndexFunc(w, unicode.IsLetter) >= 0 {
			words++
		}
		if strings.IndexFunc(w, unicode.IsLower) >= 0 {
			lower = true
			break
		}
	}
	return words >= 3 && !lower
}

// unstretch undoes a word stretched for emphasis ("whyyy", "pleaseee",
// "soooo"): a letter typed three times or more running, which English never
// does, is read once at the end of the word and twice inside it ("coool").
func unstretch(w string) string {
	if !tripled(w) {
		return w
	}
	rs := []rune(w)
	out := rs[:0:0]
	stretched := false
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && rs[j] == rs[i] {
			j++
		}
		n := j - i
		if n >= 3 && unicode.IsLetter(rs[i]) {
			stretched = true
			n = 2
			if j == len(rs) || !unicode.IsLetter(rs[j]) {
				n = 1
			}
		}
		for range n {
			out = append(out, rs[i])
		}
		i = j
	}
	if !stretched {
		return w
	}
	return string(out)
}

// tripled reports whether w holds a byte three times running, as every
// stretched word does: most words are not, and are not copied.
func tripled(w string) bool {
	for i := 2; i < len(w); i++ {
		if w[i] == w[i-1] && w[i] == w[i-2] {
			return true
		}
	}
	return false
}

// CleanQuestion turns a question as typed in Discord into plain text:
// mentions, channel links, custom and Unicode emoji, links and Markdown
// markers removed (a masked link keeps its text), curly apostrophes
// straightened, chat spellings ("cant", "whats", "u") restored, shouting
// and stretched words ("whyyy") undone, white space folded. It returns
// ErrQuestionTooLong past MaxQuestionLen characters and ErrEmptyQuestion
// when no word is left.
func CleanQuestion(q string) (string, error) {
	if n := utf8.RuneCountInString(q); n > MaxQuestionLen {
		return "", fmt.Errorf("%w: %d characters, at most %d", ErrQuestionTooLong, n, MaxQuestionLen)
	}
	if !utf8.ValidString(q) {
		q = strings.ToValidUTF8(q, " ")
	}
	q = maskedLink.ReplaceAllString(q, "$1")
	q = discordMarkup.ReplaceAllString(q, " ")
	var b strings.Builder
	for _, line := range strings.Split(q, "\n") {
		// Block quotes, headings, subtext and list markers open a line.
		line = strings.TrimLeft(line, " \t")
		for _, p := range []string{">>> ", "> ", "-# ", "### ", "## ", "# ", "- ", "* ", "• "} {
			line = strings.TrimPrefix(line, p)
		}
		b.WriteString(line)
		b.WriteByte(' ')
	}
	q = strings.Map(func(r rune) rune {
		switch {
		case r == '’' || r == '‘':
			return '\''
		case r == '*' || r == '_' || r == '~' || r == '|' || r == '`' || r == '#':
			return ' ' // Markdown markers
		case r == '\u200d' || unicode.Is(unicode.Variation_Selector, r) || r >= 0x1F3FB && r <= 0x1F3FF:
			return -1 // emoji joiners, presentation selectors, skin tones
		case unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) || unicode.IsControl(r) || unicode.Is(unicode.Co, r):
			return ' ' // emoji and other symbols, control characters
		}
		return r
	}, b.String())
	if shouted(q) {
		q = strings.ToLower(q)
	}
	words := strings.Fields(q)
	for i, w := range words {
		w = unstretch(w)
		words[i] = w
		core := strings.TrimRight(w, "?!.,;:")
		key := strings.ToLower(core)
		if len(core) == 1 && key != core || elementSymbols[core] != "" {
			continue // a capital letter alone is a symbol or an initial; "Cr" is chromium
		}
		if r, ok := contractions[key]; ok {
			words[i] = r + w[len(core):]
		}
	}
	q = strings.Join(words, " ")
	if !strings.ContainsFunc(q, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return "", ErrEmptyQuestion
	}
	return q, nil
}

// filler are words of a question that say nothing about what it asks:
// greetings, politeness, chat filler, and the words that ask about the text
// itself ("what does the article say about …"; not "talks", which in
// this field are negotiations: "what else was on the table in those
// talks"). The index's stop list misses them; they are dropped from the
// question's concepts. Matched on the lower-cased surface word.
var filler = setOf(
	// greetings, politeness, addressing the bot
	"hi", "hey", "heya", "hello", "hallo", "yo", "hiya", "howdy", "greetings", "morning", "evening",
	"afternoon", "sup", "please", "pls", "plz", "pleeease", "thanks", "thank", "thx", "ty", "cheers",
	"bot", "chokepoint", "guys", "folks", "everyone", "anyone", "someone", "somebody", "mate", "team",
	// chat filler and hedges
	"lol", "lmao", "haha", "ok", "okay", "um", "uh", "umm", "hmm", "well", "just", "actually",
	"basically", "really", "quick", "question", "questions", "curious", "wondering", "wonder", "know",
	"tell", "explain", "help", "like", "kind", "sort", "thing", "things", "stuff", "roughly",
	"approximately", "exactly", "idea", "eli5", "tldr", "btw", "fyi", "anyway", "also", "ask",
	"asking", "q", "versus", "got", "get", "gets", "getting", "bit", "lot", "lots", "say", "says", "said", "saying",
	"mention", "mentions", "mentioned", "talk", "talking", "discuss", "discussed",
	"article", "articles", "piece", "post", "story", "critique", "blog", "text", "source", "reviewer",
	"much", "many", "happen", "happened", "happening", "go", "going", "mean", "means",
	"think", "want", "need", "exist", "exists", "anything", "something", "way",
	"else", "besides",
	// hedges
	"mostly", "mainly", "usually", "typically", "generally", "currently", "nowadays", "anyway",
	"exactly", "precisely", "literally", "totally", "supposedly", "apparently", "honestly",
	// chat slang
	"tbh", "imo", "imho", "ngl", "bruh", "bro", "lmk", "idk", "afaik", "iirc", "rn", "lmfao", "rofl",
	"yall", "kinda", "sorta", "dunno", "gimme", "lemme", "okey", "thanx", "thnx", "wassup", "ya",
	"yeah", "yep", "nope", "nah", "hmmm", "uhh", "welp", "anyways", "pleeease", "guyz", "fam",
	"lowkey", "highkey", "prolly", "probs", "rly", "irl", "smh", "omg", "omfg", "wtf", "dude", "asap",
	"srsly", "ikr", "istg", "info", "infos", "deets", "iykyk", "fwiw", "obvi", "obv", "deffo", "defo",
	"tysm", "atm", "innit", "tbf", "sus", "sorry", "apologies", "reckon", "reckons", "probably", "seems", "seem", "supposed",
)

// fillerPhrases are chat phrases whose words are content elsewhere ("the
// bottom line of a balance sheet", "a price cap"): the phrase is filler
// where it stands as a clause of its own, opening or closing the question
// or set off by punctuation ("bottom line, is it real?", "…is $60, no
// cap").
var fillerPhrases = []string{
	"to be fair", "to be honest", "bottom line", "long story short", "at the end of the day",
	"in a nutshell", "out of curiosity", "for real", "no cap", "not gonna lie", "not going to lie",
	"in your opinion", "if you ask me", "real talk", "big picture",
	"in the first place", "and co", "and so on", "and so forth", "or something", "or whatever",
	"and stuff", "and all that", "etc",
}

// anywhereFiller are chat phrases that are filler wherever they stand:
// "how come" asks why (the answer type says so; "come" is no concept),
// and an apology for not being an expert is not about the corpus.
var anywhereFiller = []string{
	"how come", "i'm no expert", "im no expert", "i am no expert", "not an expert", "not expert",
	"real question", "serious question", "honest question", "random question", "dumb question",
	"stupid question",
}

// politeOpeners ask the bot to answer ("can you tell me why…"); they are
// filler wherever they stand (maskFillerPhrases reads them with
// anywhereFiller).
var politeOpeners = []string{
	"can you tell me", "could you tell me", "can you explain", "could you explain",
	"can someone explain", "can anyone explain", "can someone tell me", "can anyone tell me",
	"does anyone know", "does anybody know", "do you know",
}

// maskFillerPhrases blanks every filler phrase of q that stands as a
// clause (see fillerPhrases), and every phrase of anywhereFiller and
// politeOpeners, keeping q's length so that offsets into it still hold.
func maskFillerPhrases(q string) string {
	lower := strings.ToLower(q)
	if len(lower) != len(q) {
		return q // a rune changed width in lower case: leave q be
	}
	b := []byte(q)
	mask := func(p string, anywhere bool) {
		for from := 0; ; {
			i := strings.Index(lower[from:], p)
			if i < 0 {
				return
			}
			i += from
			end := i + len(p)
			whole := (i == 0 || !isWordByte(lower[i-1])) && (end == len(lower) || !isWordByte(lower[end]))
			if whole && (anywhere || clauseEdge(lower[:i], true) || clauseEdge(lower[end:], false)) {
				for k := i; k < end; k++ {
					b[k] = ' '
				}
			}
			from = end
		}
	}
	for _, p := range fillerPhrases {
		mask(p, false)
	}
	for _, p := range anywhereFiller {
		mask(p, true)
	}
	for _, p := range politeOpeners {
		mask(p, true)
	}
	return string(b)
}

// clauseEdge reports whether s, the text before (before is true) or after
// a phrase, ends or starts a clause there: nothing but spaces, or
// punctuation, stands between the phrase and the clause's edge.
func clauseEdge(s string, before bool) bool {
	if before {
		s = strings.TrimRight(s, " ")
		return s == "" || strings.ContainsRune(",;:.!?-(", rune(s[len(s)-1]))
	}
	s = strings.TrimLeft(s, " ")
	return s == "" || strings.ContainsRune(",;:.!?-)", rune(s[0]))
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '\'' || c >= 0x80
}

// openers are words that open a chat message as filler ("wait, why…",
// "right so…") but are content later in it ("the wait for a licence", "the
// right to mine").
var openers = setOf("wait", "right", "alright")

// stopWords are the longer function words of English, which the index
// drops: a word one typo from one of them ("befor", "becuase") is that
// word, not a term to look for.
var stopWords = []string{"about", "above", "after", "again", "against", "because", "before", "being",
	"below", "between", "could", "doesn't", "during", "further", "having", "other", "should",
	"their", "there", "these", "those", "through", "under", "until", "where", "which", "while",
	"would", "yourself", "themselves"}

// isStopTypo reports whether w is one edit (or one swap of neighbours)
// from a stop word.
func isStopTypo(w string) bool {
	if len(w) < 4 {
		return false
	}
	for _, s := range stopWords {
		if w != s && editDistance(w, s) <= 1 {
			return true
		}
	}
	return false
}

// slipOf reports whether w is a typo of word as people make them: the same
// first letter, and one slip apart (TypoDistance), two from seven letters.
// The typo lists (misspelt), names (nearName) and phrases (phraseTypo)
// all read typos so.
func slipOf(w, word string) bool {
	edits := 1
	if len(w) >= 7 {
		edits = 2
	}
	d := len(word) - len(w)
	return w != "" && word != "" && word[0] == w[0] && d <= edits && d >= -edits && TypoDistance(w, word) <= edits
}

// TypoDistance is how many typing slips turn a into b: the
// Damerau–Levenshtein distance (optimal string alignment, a swap of
// neighbours is one slip), except that a double letter typed in the wrong
// place ("tarrif" for "tariff", "ocurrence" for "occurrence") is one slip,
// not the two edits it takes.
func TypoDistance(a, b string) int {
	d := editDistance(a, b)
	if d > 1 && collapseDoubles(a) == collapseDoubles(b) {
		return 1
	}
	return d
}

// collapseDoubles writes each run of a repeated byte once.
func collapseDoubles(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if i == 0 || s[i] != s[i-1] {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// editDistance is the Damerau–Levenshtein distance (optimal string
// alignment) between a and b, in bytes.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
