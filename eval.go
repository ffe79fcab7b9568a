package chokepoint

import (
	"context"
	"fmt"
	"strings"
)

// EvalCase is one question of a question set, with what a good answer cites.
type EvalCase struct {
	Question string
	// Cite identifies the passages the answer's shown citations must
	// include, each by a passage ID ("doc#3") or by a snippet of its text.
	Cite []string
	// First identifies the passages the first citation may come from; when
	// empty, any passage of Cite will do.
	First []string
	// Abstain is true when the corpus does not cover the question.
	Abstain bool
}

// CaseResult is how one answer fared.
type CaseResult struct {
	Case      EvalCase
	Answer    Answer
	Abstained bool
	// FirstOK: the first citation came from an allowed passage (or, for an
	// abstain case, the answer abstained).
	FirstOK bool
	// Found counts the Cite passages among the shown citations.
	Found int
	// Quoted is the number of characters (runes) the shown excerpts quote.
	Quoted int
	Pass   bool
}

// EvalReport sums up a question set.
type EvalReport struct {
	Cases                  []CaseResult
	Questions, Passed      int
	FirstOK                int     // first citation right (abstain cases count when abstained)
	Recall                 float64 // found / wanted Cite passages, over answer cases
	AbstainOK, AbstainWant int     // abstain cases that abstained, of all abstain cases
	FalseAbstain           int     // answer cases that abstained
	MeanQuoted             float64 // characters quoted per answered question
}

// Evaluate asks every case's question through ask and scores the answers
// against the passages they should cite. passages resolves Cite and First
// snippets; a snippet that matches no passage is an error naming the case,
// so a broken question set cannot score silently.
func Evaluate(ctx context.Context, ask func(context.Context, string) (Answer, error), passages []Passage, cases []EvalCase) (EvalReport, error) {
	var rep EvalReport
	wanted, found, answered, quoted := 0, 0, 0, 0
	for i, c := range cases {
		cite, err := resolve(passages, c.Cite)
		if err != nil {
			return EvalReport{}, fmt.Errorf("case %d %q: cite: %w", i+1, c.Question, err)
		}
		first, err := resolve(passages, c.First)
		if err != nil {
			return EvalReport{}, fmt.Errorf("case %d %q: first: %w", i+1, c.Question, err)
		}
		if len(first) == 0 {
			first = cite
		}
		if !c.Abstain && len(cite) == 0 {
			return EvalReport{}, fmt.Errorf("case %d %q: neither cite nor abstain given", i+1, c.Question)
		}
		ans, err := ask(ctx, c.Question)
		if err != nil {
			return EvalReport{}, fmt.Errorf("case %d %q: %w", i+1, c.Question, err)
		}
		r := CaseResult{Case: c, Answer: ans, Abstained: ans.Abstained}
		for _, cit := range ans.Citations {
			r.Quoted += len([]rune(cit.Excerpt))
		}
		if c.Abstain {
			rep.AbstainWant++
			r.FirstOK = ans.Abstained
			r.Pass = ans.Abstained
			if ans.Abstained {
				rep.AbstainOK++
			}
		} else {
			wanted += len(cite)
			if ans.Abstained {
				rep.FalseAbstain++
			} else {
				answered++
				quoted += r.Quoted
			}
			if len(ans.Citations) > 0 && first[ans.Citations[0].PassageID] {
				r.FirstOK = true
			}
			for id := range cite {
				for _, cit := range ans.Citations {
					if cit.PassageID == id {
						r.Found++
						break
					}
				}
			}
			found += r.Found
			r.Pass = !ans.Abstained && r.FirstOK && r.Found == len(cite)
		}
		rep.Questions++
		if r.Pass {
			rep.Passed++
		}
		if r.FirstOK {
			rep.FirstOK++
		}
		rep.Cases = append(rep.Cases, r)
	}
	if wanted > 0 {
		rep.Recall = float64(found) / float64(wanted)
	}
	if answered > 0 {
		rep.MeanQuoted = float64(quoted) / float64(answered)
	}
	return rep, nil
}

// resolve maps passage IDs or text snippets to the set of passage IDs they
// name. A snippet must name exactly one passage.
func resolve(passages []Passage, refs []string) (map[string]bool, error) {
	ids := map[string]bool{}
	for _, ref := range refs {
		var match []string
		for _, p := range passages {
			if p.ID() == ref || strings.Contains(p.Text, ref) {
				match = append(match, p.ID())
			}
		}
		switch len(match) {
		case 0:
			return nil, fmt.Errorf("%q matches no passage", ref)
		case 1:
			ids[match[0]] = true
		default:
			return nil, fmt.Errorf("%q matches %d passages (%s); quote more of it", ref, len(match), strings.Join(match, ", "))
		}
	}
	return ids, nil
}

// BaselineAnswer turns the top k hits of a plain search into an Answer
// that quotes each passage whole, as a bare search engine would. It
// abstains only when there are no hits. Evaluations compare Answerer
// answers against it.
func BaselineAnswer(question string, hits []Hit, k int) Answer {
	ans := Answer{Question: question, Abstained: len(hits) == 0}
	for i, h := range hits {
		if i == k {
			break
		}
		ans.Citations = append(ans.Citations, Citation{
			N: i + 1, DocID: h.Passage.DocID, PassageID: h.Passage.ID(), Title: h.Title,
			Section: h.Passage.Section, URL: h.URL, Excerpt: h.Passage.Text, Score: h.Score,
		})
	}
	return ans
}
