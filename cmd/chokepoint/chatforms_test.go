package main

import (
	"context"
	"io"
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

// TestChatForms asks every question of the benchmark's development split
// in each chat form and checks that the answer leads with the same excerpt
// as the question asked plainly, or declines as it does.
func TestChatForms(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the benchmark's index and answers 20 forms of 239 questions")
	}
	b, err := eval.Load(eval.Files())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	e, err := openEngineFS(ctx, defaultConfig(), eval.Corpus(), t.TempDir(), io.Discard, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
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
