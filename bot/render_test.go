package bot

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"chokepoint"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test ./bot -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s: rendered\n%s\nwant\n%s", name, got, want)
	}
}

func TestRenderGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    chokepoint.Answer
	}{
		{"answer", answerRussia},
		{"mentions", answerMentions},
		{"abstain", answerAbstain},
		{"closest", answerClosest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := renderAnswer(tc.a)
			if n := length(r.Content); n > maxContent {
				t.Errorf("renderAnswer(%q) is %d long, want <= %d", tc.a.Question, n, maxContent)
			}
			golden(t, tc.name, r.Content)
		})
	}
	golden(t, "more", renderMore(answerRussia).Content)
}

// liveMention matches what Discord would parse as a mention.
var liveMention = regexp.MustCompile(`@everyone|@here|<@[!&]?\d+>|<#\d+>`)

func TestEscapeMakesMentionsInert(t *testing.T) {
	for _, in := range []string{"@everyone", "@here", "<@&123>", "<@456>", "<@!456>", "<#789>", "**bold** _it_ `code` ||spoiler||"} {
		out := escape(in)
		if liveMention.MatchString(out) {
			t.Errorf("escape(%q) = %q, still a live mention", in, out)
		}
		if got := unescape(out); got != in {
			t.Errorf("unescape(escape(%q)) = %q, want it back", in, got)
		}
	}
}

func TestQuestionSurvivesRendering(t *testing.T) {
	q := "Why can't <@&123> @everyone *replace* China?"
	a := answerRussia
	a.Question = q
	got, ok := questionOf(renderAnswer(a).Content)
	if !ok || got != q {
		t.Errorf("questionOf(renderAnswer(%q)) = %q, %v, want the question back", q, got, ok)
	}
}

func TestFitDropsWholeCitationsThenCutsSafely(t *testing.T) {
	long := strings.Repeat("Ünïcödé 🌏 supply chains rely on refining. ", 30) // ~1300 chars with astral runes
	a := chokepoint.Answer{Question: "q", Citations: []chokepoint.Citation{
		{N: 1, Title: "A", Excerpt: long, PassageID: "a#1"},
		{N: 2, Title: "B", Excerpt: long, PassageID: "b#1"},
		{N: 3, Title: "C", Excerpt: long, PassageID: "c#1"},
	}}
	r := renderAnswer(a)
	if n := length(r.Content); n > maxContent {
		t.Fatalf("content length %d > %d", n, maxContent)
	}
	if !strings.Contains(r.Content, "**[1]**") || strings.Contains(r.Content, "**[2]**") {
		t.Errorf("want citation 1 kept whole and 2, 3 dropped; got\n%s", r.Content)
	}
	a.Citations = a.Citations[:1]
	a.Citations[0].Excerpt = strings.Repeat(long, 3)
	r = renderAnswer(a)
	if n := length(r.Content); n > maxContent || !utf8.ValidString(r.Content) {
		t.Errorf("one huge citation: length %d valid %v, want <= %d and valid UTF-8", n, utf8.ValidString(r.Content), maxContent)
	}
	if !strings.Contains(r.Content, "**[1]**") || !strings.HasSuffix(strings.TrimSpace(r.Content), "…") {
		t.Errorf("one huge citation: want it kept and cut with an ellipsis; got tail %q", r.Content[len(r.Content)-40:])
	}
}

func TestTruncateNeverSplitsCodePoints(t *testing.T) {
	s := strings.Repeat("a🌏é", 50)
	for n := 0; n < 160; n++ {
		got := truncate(s, n)
		if !utf8.ValidString(got) || length(got) > n {
			t.Fatalf("truncate(%d) = %q (length %d, valid %v)", n, got, length(got), utf8.ValidString(got))
		}
	}
}

func TestPercentile(t *testing.T) {
	s := newStats(4)
	for _, ms := range []int{5, 1, 2, 3, 4, 100} { // ring keeps the last 4: 2,3,4,100
		s.answered(false, msDur(ms))
	}
	sn := s.snapshot()
	if sn.Samples != 4 || sn.P50 != msDur(3) || sn.P99 != msDur(100) || sn.Questions != 6 {
		t.Errorf("snapshot = %+v, want 4 samples, p50 3ms, p99 100ms, 6 questions", sn)
	}
}
