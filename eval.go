package chokepoint

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// EvalCase is one question of a question set, with the facts that answer
// it.
type EvalCase struct {
	// ID names the case in reports; "" is allowed.
	ID       string
	Question string
	// Gold are short literal phrases of the sentence that answers the
	// question. The answer passes when any one of them is inside an
	// excerpt it shows (compared case-insensitively, with white space,
	// quotes and dashes folded), not merely inside a passage it cites.
	Gold []string
	// Abstain is true when the corpus does not cover the question.
	Abstain bool
	// Base is the ID of the case this one perturbs (a greeting, a typo, a
	// mention… added to the base question); "" for a base question.
	Base string
}

// CaseResult is how one answer fared.
type CaseResult struct {
	Case   EvalCase
	Answer Answer
	// Abstained is true when the answer showed no excerpts.
	Abstained bool
	// Rank is the 1-based number of the first shown excerpt holding a gold
	// phrase, 0 when none does.
	Rank int
	// PassageRank is the 1-based number of the first shown citation whose
	// passage holds a gold phrase (the excerpt itself may leave it out), 0
	// when none does.
	PassageRank int
	// MoreRank is, when no shown excerpt holds a gold phrase, the number of
	// the first further excerpt (Answer.More) that does, numbered on from
	// the shown ones (4 is the first past three); 0 when none does. It says
	// how near a miss came, and is not scored.
	MoreRank int
	// Excerpts are the lengths, in characters, of the shown excerpts.
	Excerpts []int
}

// Pass reports whether the case passed with k excerpts shown: an off-topic
// case when the answer abstained, another when a gold phrase is inside one
// of the first k excerpts.
func (r CaseResult) Pass(k int) bool {
	if r.Case.Abstain {
		return r.Abstained
	}
	return r.Rank > 0 && r.Rank <= k
}

// EvalReport sums up a question set.
type EvalReport struct {
	Cases []CaseResult
	// Answerable and OffTopic count the cases that want an answer and those
	// that want an abstention.
	Answerable, OffTopic int
	// Top1 and Top3 count answerable cases whose first excerpt, or one of
	// whose first three, holds a gold phrase. PassageTop3 counts those with
	// a gold phrase in one of the first three cited passages.
	Top1, Top3, PassageTop3 int
	// AbstainRight counts off-topic cases that abstained; AbstainWrong
	// answerable cases that abstained.
	AbstainRight, AbstainWrong int
	// Perturbed counts cases with a Base among the cases; Agree those whose
	// answer agrees with their base's (see Agrees).
	Perturbed, Agree int
	// ExcerptMedian is the median length, in characters, of the excerpts
	// shown for answerable cases; MeanQuoted the mean characters quoted per
	// answered case.
	ExcerptMedian int
	MeanQuoted    float64
}

// Evaluate asks every case's question through ask and scores the excerpts
// shown against the gold phrases. passages are the corpus's passages: every
// gold phrase must occur in one of them (a phrase found nowhere is an error
// naming the case, so a broken question set cannot score silently), and
// they give the passage-level score. A case's Base must name an earlier
// case.
func Evaluate(ctx context.Context, ask func(context.Context, string) (Answer, error), passages []Passage, cases []EvalCase) (EvalReport, error) {
	if err := CheckCases(passages, cases); err != nil {
		return EvalReport{}, err
	}
	text := make(map[string]string, len(passages))
	for _, p := range passages {
		text[p.ID()] = p.Text
	}
	var rep EvalReport
	byID := map[string]int{}
	var lengths []int
	answered, quoted := 0, 0
	for i, c := range cases {
		ans, err := ask(ctx, c.Question)
		if err != nil {
			return EvalReport{}, fmt.Errorf("case %s: %w", c.name(i), err)
		}
		r := score(c, ans, text)
		if c.Abstain {
			rep.OffTopic++
			if r.Abstained {
				rep.AbstainRight++
			}
		} else {
			rep.Answerable++
			if r.Abstained {
				rep.AbstainWrong++
			} else {
				answered++
				for _, n := range r.Excerpts {
					quoted += n
				}
				lengths = append(lengths, r.Excerpts...)
			}
			if r.Rank == 1 {
				rep.Top1++
			}
			if r.Rank > 0 && r.Rank <= 3 {
				rep.Top3++
			}
			if r.PassageRank > 0 && r.PassageRank <= 3 {
				rep.PassageTop3++
			}
		}
		if c.Base != "" {
			rep.Perturbed++
			if Agrees(r, rep.Cases[byID[c.Base]]) {
				rep.Agree++
			}
		}
		if c.ID != "" {
			byID[c.ID] = i
		}
		rep.Cases = append(rep.Cases, r)
	}
	if answered > 0 {
		rep.MeanQuoted = float64(quoted) / float64(answered)
	}
	if len(lengths) > 0 {
		slices.Sort(lengths)
		rep.ExcerptMedian = lengths[len(lengths)/2]
	}
	return rep, nil
}

// Agrees reports whether a perturbed question's answer agrees with its
// base question's: both abstain, or both lead with the same passage and
// both pass or both fail within three excerpts.
func Agrees(perturbed, base CaseResult) bool {
	if perturbed.Abstained || base.Abstained {
		return perturbed.Abstained == base.Abstained
	}
	return perturbed.Answer.Citations[0].PassageID == base.Answer.Citations[0].PassageID &&
		perturbed.Pass(3) == base.Pass(3)
}

// CheckCases reports the first problem of a question set: a case without
// a question, an answerable case without gold phrases, a gold phrase found
// in no passage, a duplicate ID, or a Base naming no earlier case.
func CheckCases(passages []Passage, cases []EvalCase) error {
	ids := map[string]bool{}
	for i, c := range cases {
		switch {
		case strings.TrimSpace(c.Question) == "":
			return fmt.Errorf("case %s: no question", c.name(i))
		case !c.Abstain && len(c.Gold) == 0:
			return fmt.Errorf("case %s: neither gold phrases nor abstain given", c.name(i))
		case c.ID != "" && ids[c.ID]:
			return fmt.Errorf("case %s: duplicate ID", c.name(i))
		case c.Base != "" && !ids[c.Base]:
			return fmt.Errorf("case %s: base %q is not an earlier case", c.name(i), c.Base)
		}
		ids[c.ID] = true
		for _, g := range c.Gold {
			if foldForMatch(g) == "" {
				return fmt.Errorf("case %s: empty gold phrase", c.name(i))
			}
			if PassagesHolding(passages, g) == 0 {
				return fmt.Errorf("case %s: gold phrase %q is in no passage", c.name(i), g)
			}
		}
	}
	return nil
}

// PassagesHolding counts the passages holding phrase, compared as
// Evaluate compares gold phrases with excerpts.
func PassagesHolding(passages []Passage, phrase string) int {
	f, n := foldForMatch(phrase), 0
	for _, p := range passages {
		if strings.Contains(foldForMatch(p.Text), f) {
			n++
		}
	}
	return n
}

func (c EvalCase) name(i int) string {
	if c.ID != "" {
		return fmt.Sprintf("%s %q", c.ID, c.Question)
	}
	return fmt.Sprintf("%d %q", i+1, c.Question)
}

// score rates one answer against its case; passages maps passage IDs to
// their text.
func score(c EvalCase, ans Answer, passages map[string]string) CaseResult {
	r := CaseResult{Case: c, Answer: ans, Abstained: len(ans.Citations) == 0}
	gold := make([]string, len(c.Gold))
	for i, g := range c.Gold {
		gold[i] = foldForMatch(g)
	}
	holds := func(text string) bool {
		t := foldForMatch(text)
		return slices.ContainsFunc(gold, func(g string) bool { return strings.Contains(t, g) })
	}
	for i, cit := range ans.Citations {
		r.Excerpts = append(r.Excerpts, utf8.RuneCountInString(cit.Excerpt))
		if r.Rank == 0 && holds(cit.Excerpt) {
			r.Rank = i + 1
		}
		if r.PassageRank == 0 && holds(passages[cit.PassageID]) {
			r.PassageRank = i + 1
		}
	}
	if r.Rank > 0 && (r.PassageRank == 0 || r.PassageRank > r.Rank) {
		r.PassageRank = r.Rank
	}
	if r.Rank == 0 {
		for j, cit := range ans.More {
			if holds(cit.Excerpt) {
				r.MoreRank = len(ans.Citations) + j + 1
				break
			}
		}
	}
	return r
}

// foldForMatch lower-cases s and folds the differences a reader copying a
// phrase does not see: runs of white space, curly quotes, dashes.
func foldForMatch(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch r {
		case '‘', '’', '‛', '′':
			r = '\''
		case '“', '”', '„', '″':
			r = '"'
		case '‐', '‑', '‒', '–', '—', '―':
			r = '-'
		}
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// BaselineAnswer turns the top k hits of a plain search into an Answer
// that quotes each passage whole, as a bare search engine would. It
// abstains only when there are no hits. Evaluations compare Answerer
// answers against it.
func BaselineAnswer(question string, hits []Hit, k int) Answer {
	ans := Answer{Question: question, Abstained: len(hits) == 0}
	for i, h := range hits[:min(k, len(hits))] {
		ans.Citations = append(ans.Citations, Citation{
			N: i + 1, DocID: h.Passage.DocID, PassageID: h.Passage.ID(), Title: h.Title,
			Section: h.Passage.Section, URL: h.URL, Excerpt: h.Passage.Text, Score: h.Score,
		})
	}
	return ans
}

// BestSentenceAnswer is BaselineAnswer quoting, of each passage, only the
// sentence that holds the most distinct terms of the question (analysed by
// analyze; the first such sentence on a tie): a search engine's passages
// cut the simplest way.
func BestSentenceAnswer(question string, hits []Hit, k int, analyze func(string) []Token) Answer {
	ans := BaselineAnswer(question, hits, k)
	want := map[string]bool{}
	for _, t := range analyze(question) {
		want[t.Term] = true
	}
	for i := range ans.Citations {
		c := &ans.Citations[i]
		text := c.Excerpt
		spans := Sentences(text)
		if len(spans) == 0 {
			continue
		}
		best, bestN := spans[0], -1
		for _, sp := range spans {
			seen := map[string]bool{}
			for _, t := range analyze(text[sp.Start:sp.End]) {
				if want[t.Term] {
					seen[t.Term] = true
				}
			}
			if len(seen) > bestN {
				best, bestN = sp, len(seen)
			}
		}
		c.Excerpt = text[best.Start:best.End]
		c.TrimmedStart, c.TrimmedEnd = best.Start > 0, best.End < len(strings.TrimRight(text, " \n"))
	}
	return ans
}
