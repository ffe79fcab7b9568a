package chokepoint

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Stage 7 of an answer: deciding not to answer. The corpus does not cover
// a question when the best window holds too small a share of it (its
// Confidence, taken over every window scored, so that how windows rank
// never changes whether the question is answered): the question is then
// about things the corpus never discusses, or discusses apart.
// MinConfidence is calibrated on the benchmark's development split
// (README, Quality, has the table of thresholds against right and wrong
// abstentions on both splits).
//
// A window holds less of the question than its share of the words when
// neither its passage nor its article's title and headings state a year
// the question names: "are sodium-ion batteries going to kill lithium
// demand by 2030?" is not answered by a passage on lithium demand that
// names no 2030, however many of its other words it holds. The same holds
// for a place or a material the question names (a country, a city, an
// element, an ore) that neither the window's passage, nor its article's
// title and headings, nor the article's other retrieved passages state:
// "how many tonnes of cobalt does zambia mine a year" is not answered by
// an article on Congo's cobalt that mentions Zambia nowhere near. (A place
// is looked for across the article, a year only in the passage: an
// article names many years, and the one asked about must be the
// passage's.) Such a window counts for unstatedShare of its share. So
// does, by loneShare, a window that holds a single concept of a long
// question the corpus does not wholly know: one rare word in common is no
// answer.
//
// A declined answer still names the nearest articles, and when its best
// windows came close (ClosestConfidence) quotes them as "closest
// passages", never as an answer.

// unstatedShare is the part of its share of the question a window counts
// for, in the confidence, when its passage, title and headings lack a
// year the question names (or its article a place or material). On the
// development split every value from 0.3 to 0.7 declines the same
// off-topic questions and no answerable one more, on eval/fresh/fn.yaml
// every value from 0.3 to 0.5; 0.5 holds for both.
const unstatedShare = 0.5

// loneShare is the part of its share of the question a window counts for,
// in the confidence, when it holds a single concept of a question of
// loneConcepts or more that also holds a word the corpus never uses: such
// a window shares one rare word with a question about something else
// ("who won the champions league final", where the corpus has no
// "league", and "two state champions"). From 0.3 to 0.5 the development
// side declines the same off-topic questions and no answerable one;
// counting it from three concepts instead of four declines an answerable
// one of eval/fresh/fv.yaml, from five no off-topic one more. Without the
// unknown word the rule declined one more off-topic question of
// eval/fresh/fo.yaml, but also an answerable question of the seed's sets
// once real articles share the corpus ("what did the reviewer think
// newsweek got right, and where did it fall short?").
const (
	loneShare    = 0.5
	loneConcepts = 4
)

// share returns the share of the question c counts for in the confidence:
// its coverage, less when it lacks a named year, place or material (see
// unstatedShare) and when it holds one concept of many (see loneShare).
func (c candidate) share(lone bool) float64 {
	cov := c.coverage
	if lone && len(c.matched) >= loneConcepts {
		n := 0
		for _, m := range c.matched {
			if m > 0 {
				n++
			}
		}
		if n == 1 {
			cov *= loneShare
		}
	}
	if c.unstated {
		return cov * unstatedShare
	}
	return cov
}

// namedYear reports whether text is a year (1900 to 2099). Only years
// count: a question names other numbers as often for context as for the
// fact it asks ("the $500m fund", "3000°C furnaces", "april 30"), and
// those its answer need not restate.
func namedYear(text string) bool {
	return len(text) == 4 && (text[:2] == "19" || text[:2] == "20") && isDigit(text[2]) && isDigit(text[3])
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// namedThing reports whether text, a concept's own word as typed, names a
// place (a country, region, city or demonym) or a material (an element,
// an ore, a mineral) however it is typed.
func namedThing(text string) bool {
	w := strings.TrimSuffix(strings.ToLower(text), "'s")
	return places[w] || materials[w]
}

// isYear reports whether c is a year the question names (namedYear).
func (c concept) isYear() bool { return namedYear(c.alts[0].text) }

// isThing reports whether c is a place or material the question names and
// the corpus knows (namedThing), as typed or as its typo was corrected
// (concept.thing): one the corpus never uses already weighs as an unknown
// name.
func (c concept) isThing() bool { return c.known && c.thing }

// states reports whether terms hold every concept of ks, the indexes of
// the question's years or named things.
func (q question) states(ks []int, terms []string) bool {
	for _, k := range ks {
		if !slices.ContainsFunc(q.concepts[k].alts, func(al alt) bool { return containsSeq(terms, al.key) }) {
			return false
		}
	}
	return true
}

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
		for i, c := range pick(cands, 2, false) {
			ans.Closest = append(ans.Closest, c.citation(i+1))
		}
	}
	return ans, nil
}
