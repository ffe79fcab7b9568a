package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"chokepoint/eval"
)

// chatForms are ways a Discord member wraps a question that say nothing
// about what is asked: every one must leave the answer as it is.
var chatForms = []struct {
	name string
	wrap func(string) string
}{
	{"shouted", strings.ToUpper},
	{"lower case", strings.ToLower},
	{"capitalised words", capitaliseWords},
	{"greeting", func(q string) string { return "yo " + q }},
	{"greeting to all", func(q string) string { return "hey all, " + q }},
	{"polite opener", func(q string) string { return "does anyone know " + q }},
	{"quick question", func(q string) string { return "quick question: " + q }},
	{"line break", func(q string) string { return "hi\n" + q }},
	{"btw", func(q string) string { return "btw " + q }},
	{"please", func(q string) string { return q + " pls" }},
	{"thanks", func(q string) string { return q + " thx!!" }},
	{"lol", func(q string) string { return q + " lol" }},
	{"emoji", func(q string) string { return q + " 😅🙏" }},
	{"trailing mention", func(q string) string { return q + " <@1100000000000000001>" }},
	{"block quote", func(q string) string { return "> " + q }},
	{"spoiler", func(q string) string { return "||" + q + "||" }},
	{"inline code", func(q string) string { return "`" + q + "`" }},
	{"no apostrophes", func(q string) string { return strings.ReplaceAll(q, "'", "") }},
	{"no question mark", func(q string) string { return strings.TrimRight(q, "?!. ") }},
	{"question marks", func(q string) string { return strings.TrimRight(q, "?!. ") + "???" }},
}

// capitaliseWords capitalises the first letter of every word, as some
// people type titles.
func capitaliseWords(q string) string {
	words := strings.Fields(strings.ToLower(q))
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// leadingExcerpts opens an engine on the benchmark's corpus and returns
// the development split's plain questions and a function giving what an
// answer leads with: its first excerpt and passage, or "(declined)".
func leadingExcerpts(t *testing.T) ([]eval.Question, func(string) string) {
	t.Helper()
	b, e := benchmarkEngine(t)
	ctx := context.Background()
	lead := func(q string) string {
		ans, err := e.answerer.Answer(ctx, q)
		if err != nil {
			t.Fatalf("Answer(%q): %v", q, err)
		}
		if ans.Abstained || len(ans.Citations) == 0 {
			return "(declined)"
		}
		return ans.Citations[0].PassageID + ": " + ans.Citations[0].Excerpt
	}
	qs := b.Select(eval.Dev, true, false)
	if len(qs) < 200 {
		t.Fatalf("the development split has %d plain questions, want at least 200", len(qs))
	}
	return qs, lead
}

// TestChatForms asks every question of the benchmark's development split
// in each chat form and checks that the answer leads with the same excerpt
// as the question asked plainly, or declines as it does.
func TestChatForms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the benchmark's index and answers 20 forms of 239 questions")
	}
	qs, lead := leadingExcerpts(t)
	for _, q := range qs {
		want := lead(q.Text)
		for _, f := range chatForms {
			asked := f.wrap(q.Text)
			if got := lead(asked); got != want {
				t.Errorf("%s (%s): %q leads with\n\t%.120s\nwant, as asked plainly,\n\t%.120s", q.ID, f.name, asked, got, want)
			}
		}
	}
}

// typos are four slips of the keyboard, each made in the middle of a word.
var typos = []struct {
	name string
	slip func(string) string
}{
	{"swap", func(w string) string { i := len(w) / 2; return w[:i-1] + w[i:i+1] + w[i-1:i] + w[i+1:] }},
	{"drop", func(w string) string { i := len(w) / 2; return w[:i] + w[i+1:] }},
	{"double", func(w string) string { i := len(w) / 2; return w[:i] + w[i:i+1] + w[i:] }},
	{"substitute", func(w string) string {
		i, c := len(w)/2, "e"
		if w[i] == 'e' {
			c = "a"
		}
		return w[:i] + c + w[i+1:]
	}},
}

// typosChanging is how many one-typo questions of TestTypos lead with
// another excerpt than their question asked right, at most: 39 of 832
// when it was written. Unlike a chat form, a typo may change an answer
// (its correction is read as a near word, perhaps two), so this guards
// the figure reached instead of wanting none.
const typosChanging = 39

// TestTypos asks every question of the development split that has a
// word of seven or more lower-case letters with one typo in the longest
// such word, in each of four ways, and counts the answers that lead with
// another excerpt than the question asked right.
func TestTypos(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the benchmark's index and answers 4 typos of 208 questions")
	}
	qs, lead := leadingExcerpts(t)
	asked, changed := 0, 0
	for _, q := range qs {
		words := strings.Fields(q.Text)
		k := -1
		for i, w := range words {
			lower := strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) < 0
			if lower && len(w) >= 7 && (k < 0 || len(w) > len(words[k])) {
				k = i
			}
		}
		if k < 0 {
			continue
		}
		want := lead(q.Text)
		for _, ty := range typos {
			ws := slices.Clone(words)
			ws[k] = ty.slip(ws[k])
			asked++
			if got := lead(strings.Join(ws, " ")); got != want {
				changed++
				t.Logf("%s (%s %q → %q) leads with %.80q, not %.80q", q.ID, ty.name, words[k], ws[k], got, want)
			}
		}
	}
	if asked < 800 {
		t.Errorf("asked %d one-typo questions, want at least 800", asked)
	}
	if changed > typosChanging {
		t.Errorf("%d of %d one-typo questions lead with another excerpt, want at most %d", changed, asked, typosChanging)
	}
}
