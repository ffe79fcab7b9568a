package chokepoint

import "slices"

// Stage 4 of an answer: each retrieved passage is cut into the windows an
// excerpt may quote. An excerpt is one or two adjacent sentences: one
// sentence alone loses answers split over two ("Potanin's company does not
// hold licences. The same is true of …"), three quote more than a reader
// needs. A list item is quoted with its nested items, since "Obstacles:"
// means nothing without what follows it.

// maxWindows is the most windows of one passage that become candidates: a
// long paragraph can answer a question in two places.
const maxWindows = 2

// sentence is one analysed sentence of a passage.
type sentence struct {
	span  Span
	terms []string
}

// window is a run of sentences [first, last] of one passage.
type window struct {
	first, last int
}

// windows lists the windows of a passage of the given kind over its
// sentences: in a paragraph, every sentence alone and every two adjacent
// sentences within maxLen bytes (with pairs off, only single sentences);
// in a list, every item with its nested items.
func windows(text string, kind PassageKind, sents []sentence, maxLen int, pairs bool) []window {
	var out []window
	if kind == List {
		indent := func(k int) int {
			n := 0
			for i := sents[k].span.Start - 1; i >= 0 && text[i] == ' '; i-- {
				n++
			}
			return n
		}
		for i := 0; i < len(sents); {
			j := i
			for j+1 < len(sents) && indent(j+1) > indent(i) {
				j++
			}
			out = append(out, window{i, j})
			i = j + 1
		}
		return out
	}
	for i := range sents {
		out = append(out, window{i, i})
		if pairs && i+1 < len(sents) && sents[i+1].span.End-sents[i].span.Start <= maxLen {
			out = append(out, window{i, i + 1})
		}
	}
	return out
}

// terms returns the window's analysed terms in order.
func (w window) terms(sents []sentence) []string {
	if w.first == w.last {
		return sents[w.first].terms
	}
	var out []string
	for _, s := range sents[w.first : w.last+1] {
		out = append(out, s.terms...)
	}
	return out
}

func (w window) overlaps(o window) bool { return w.first <= o.last && o.first <= w.last }

// analyseSentences splits text into sentences and gives each its terms,
// analysing the text once.
func analyseSentences(text string, analyze func(string) []Token) []sentence {
	spans := Sentences(text)
	out := make([]sentence, len(spans))
	for i, sp := range spans {
		out[i].span = sp
	}
	k := 0
	for _, t := range analyze(text) {
		for k < len(out)-1 && t.Start >= out[k].span.End {
			k++
		}
		if len(out) > 0 {
			out[k].terms = append(out[k].terms, t.Term)
		}
	}
	for i := range out {
		out[i].terms = slices.Clip(out[i].terms)
	}
	return out
}
