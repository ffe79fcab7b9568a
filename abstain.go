package chokepoint

import (
	"context"
	"fmt"
)

// Stage 7 of an answer: deciding not to answer. The corpus does not cover
// a question when the best window holds too small a share of it (its
// Confidence): the question is then about things the corpus never
// discusses, or discusses apart. MinConfidence is calibrated on the
// benchmark's development split (eval/README.md has the table of
// thresholds against right and wrong abstentions on both splits).
//
// A declined answer still names the nearest articles, and when its best
// windows came close (ClosestConfidence) quotes them as "closest
// passages", never as an answer.

// abstain returns ans declined, with the nearest documents and, when the
// best candidates came close, up to two of them as Closest.
func (a *Answerer) abstain(ctx context.Context, ans Answer, cands []candidate) (Answer, error) {
	ans.Abstained = true
	refs, err := a.s.Nearest(ctx, ans.Question, a.opts.Suggestions)
	if err != nil {
		return Answer{}, fmt.Errorf("suggest titles for %q: %w", ans.Question, err)
	}
	ans.Suggestions = refs
	if ans.Confidence >= a.opts.ClosestConfidence {
		for i, c := range pick(cands, 2) {
			ans.Closest = append(ans.Closest, c.citation(i+1))
		}
	}
	return ans, nil
}
