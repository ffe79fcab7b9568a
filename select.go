package chokepoint

// Stage 6 of an answer: excerpts are picked from the candidates, best
// first. An excerpt nearly the same as one already picked (a quote repeated
// in another article, the summary bullet of a paragraph already quoted)
// says nothing new and is skipped.

// nearDuplicate is the likeness (Jaccard over analysed terms) above which
// two excerpts count as the same.
const nearDuplicate = 0.6

// pick returns up to n candidates, best first, none a near-duplicate of an
// earlier one.
func pick(cands []candidate, n int) []candidate {
	var picked []candidate
	for _, c := range cands {
		if len(picked) == n {
			break
		}
		dup := false
		for _, p := range picked {
			if jaccard(c.words, p.words) > nearDuplicate {
				dup = true
				break
			}
		}
		if !dup {
			picked = append(picked, c)
		}
	}
	return picked
}

// number splits picked excerpts into the citations shown (at most max;
// after the first, only those covering at least minShare of what the first
// covers) and the further ones, numbering the shown from 1 and the rest on
// from them.
func number(picked []candidate, max int, minShare float64) (shown, more []Citation) {
	var rest []candidate
	for i, c := range picked {
		if i < max && (i == 0 || c.coverage >= minShare*picked[0].coverage) {
			shown = append(shown, c.citation(len(shown)+1))
		} else {
			rest = append(rest, c)
		}
	}
	for _, c := range rest {
		more = append(more, c.citation(len(shown)+len(more)+1))
	}
	return shown, more
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}
