package chokepoint

import "slices"

// Stage 6 of an answer: excerpts are picked from the candidates, best
// first. An excerpt nearly the same as one already picked (a quote repeated
// in another article, the summary bullet of a paragraph already quoted)
// says nothing new and is skipped.

// nearDuplicate is the likeness (Jaccard over analysed terms) above which
// two excerpts count as the same.
const nearDuplicate = 0.6

// pick returns up to n candidates, best first, none a near-duplicate of an
// earlier one; with whole, none another window of a passage an earlier one
// quotes whole (quotedWhole; the first as the lead).
func pick(cands []candidate, n int, whole bool) []candidate {
	var picked []candidate
	for _, c := range cands {
		if len(picked) == n {
			break
		}
		dup := false
		for j, p := range picked {
			if jaccard(c.words, p.words) > nearDuplicate || whole && quotedWhole(p, j == 0) && p.hit.Passage.ID() == c.hit.Passage.ID() {
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

// proseForSummaries puts, in the place of a list item that summarises a
// point ("• Russia lacks critical processing infrastructure" in a Highlights
// box), the prose of the same article that makes that point: a window
// holding at least summaryContainment of the item's terms and every
// concept the item matched. The prose argues what the bullet only states,
// and quotes the article's own words in context. cands is best first; the
// prose leaves its own place.
func proseForSummaries(cands []candidate) []candidate {
	out := slices.Clone(cands)
	for i := 0; i < len(out); i++ {
		c := out[i]
		if c.hit.Passage.Kind != List || len(c.words) == 0 {
			continue
		}
		for j := i + 1; j < len(out); j++ {
			p := out[j]
			if p.hit.Passage.Kind == List || p.hit.Passage.DocID != c.hit.Passage.DocID || containment(c.words, p.words) < summaryContainment || !holdsAll(p.matched, c.matched) {
				continue
			}
			p.score = c.score
			out[i] = p
			out = slices.Delete(out, j, j+1)
			break
		}
	}
	return out
}

// summaryContainment is the share of a list item's terms a prose window
// must hold to stand for it.
const summaryContainment = 0.75

// containment is the share of a's terms that b holds.
func containment(a, b map[string]bool) float64 {
	if len(a) == 0 {
		return 0
	}
	n := 0
	for w := range a {
		if b[w] {
			n++
		}
	}
	return float64(n) / float64(len(a))
}

// holdsAll reports whether every concept matched in want is matched in got.
func holdsAll(got, want []float64) bool {
	for k := range want {
		if want[k] > 0 && got[k] == 0 {
			return false
		}
	}
	return true
}

// wholePassage is the longest passage, in bytes, quoted whole rather than
// cut to its window: a short paragraph cut to one of its sentences loses
// context for little saved, and its answer is often the sentence next to
// the one the question's words point at. It was 400 until the lead excerpt
// got wholeLead; with that, 300 scores as 400 did on the development side
// and one top-3 more on the sets read as totals, and keeps the median
// excerpt under 300 characters on the development split.
const wholePassage = 300

// wholeLead is the longest passage quoted whole when it gives the first
// excerpt, the one a member reads as the answer: a paragraph of three or
// four sentences, whose answer often sits beside the sentence the
// question's words point at ("what did albemarle do with the kemerton
// expansion": the sentence naming Kemerton, then the one saying
// construction stopped). Measured against the lead cut to its window, over
// the development side: at 500 bytes top-1 +5, at 600 +11 and top-3 +3, at
// 700 +15 and +3; the sets read as totals moved alike (+7, +13 / +5, +15 /
// +4). At 700 the median excerpt passes 300 characters on the dev split and
// reaches 390 on the seed article, whose paragraphs run 600 to 700 bytes;
// at 600 it stays at 298 on dev and 273 on test, and an answer quotes 875
// characters on test against 803 before (bare bleve: 1,145).
const wholeLead = 600

// quotedWhole reports whether c's passage is quoted whole when it gives
// an excerpt, the first one (lead) or another.
func quotedWhole(c candidate, lead bool) bool {
	n := len(c.hit.Passage.Text)
	return n <= wholePassage || lead && n <= wholeLead
}

// number splits picked excerpts into the citations shown (the first max)
// and the further ones, numbered on from them; with whole, a short passage
// is quoted whole (quotedWhole).
func number(picked []candidate, max int, whole bool) (shown, more []Citation) {
	for i, c := range picked {
		if whole && quotedWhole(c, i == 0) {
			c.span = Span{0, len(c.hit.Passage.Text)}
			c.trimS, c.trimE = false, false
		}
		if i < max {
			shown = append(shown, c.citation(i+1))
		} else {
			more = append(more, c.citation(i+1))
		}
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
