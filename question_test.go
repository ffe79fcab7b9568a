package chokepoint

import (
	"errors"
	"strings"
	"testing"
)

func TestCleanQuestion(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"why can't Russia replace China?", "why can't Russia replace China?"},
		{"<@1100000000000000001> why can't Russia replace China?", "why can't Russia replace China?"},
		{"<@!42> <@&2200000000000000002> <#77> hi", "hi"},
		{"@everyone @here why?", "why?"},
		{"why can't **Russia** replace _China_? 🤔", "why can't Russia replace China ?"},
		{"> why `Ga` and ||Ge||", "why Ga and Ge"},
		{"see [the deal](https://example.com/x) https://example.com/y now", "see the deal now"},
		{"why cant russia replace china", "why can't russia replace china"},
		{"whats the price, u know?", "what's the price, you know?"},
		{"gonna ban it?", "going to ban it?"},
		{"did smth change b4 the ban tmrw", "did something change before the ban tomorrow"},
		{"the gap btwn them wld grow", "the gap between them would grow"},
		{"doesn’t it?", "doesn't it?"},
		{"<:thinking:123456> <a:party:9> :thinking: ok", "ok"},
		{"line one\nline two", "line one line two"},
		{"👍🏽 why", "why"},
		{"how much V does china produce, u know", "how much V does china produce, you know"},
		{"is U or Y short, n why", "is U or Y short, and why"},
		{"tl;dr: who came up w the cascade theory", "tldr: who came up with the cascade theory"},
		{"CAN U TELL ME WHY RUSSIA CANT REPLACE CHINA??", "can you tell me why russia can't replace china??"},
		{"why is REE so hard", "why is REE so hard"},
		{"whyyy can't russia replace china, pleaseee helppp, it's soooo coool", "why can't russia replace china, please help, it's so cool"},
		{"did 2000 tonnes or $1000000 go?!!!", "did 2000 tonnes or $1000000 go?!!!"},
		{"which town did they take on oct 19, dec 2024 or sept?", "which town did they take on October 19, December 2024 or September?"},
		{"how much comes outta china, tryna do maths, or wot", "how much comes out of china, trying to do maths, or what"},
		{"what's the ₹7,280 cr scheme, and is Cr in it", "what's the ₹7,280 crore scheme, and is Cr in it"},
	} {
		got, err := CleanQuestion(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("CleanQuestion(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "   ", "<@123> 🤔 ** _ _", "@everyone"} {
		if _, err := CleanQuestion(in); !errors.Is(err, ErrEmptyQuestion) {
			t.Errorf("CleanQuestion(%q) error = %v, want ErrEmptyQuestion", in, err)
		}
	}
	if _, err := CleanQuestion(strings.Repeat("é", MaxQuestionLen)); err != nil {
		t.Errorf("CleanQuestion(%d characters) = %v, want it accepted: the limit counts characters", MaxQuestionLen, err)
	}
	if _, err := CleanQuestion(strings.Repeat("é", MaxQuestionLen+1)); !errors.Is(err, ErrQuestionTooLong) {
		t.Errorf("CleanQuestion(%d characters) error = %v, want ErrQuestionTooLong", MaxQuestionLen+1, err)
	}
}

func TestStopTypos(t *testing.T) {
	for w, want := range map[string]bool{"befor": true, "becuase": true, "whcih": true, "before": false, "refine": false, "abot": true, "the": false} {
		if got := isStopTypo(w); got != want {
			t.Errorf("isStopTypo(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestTypoDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"tarrif", "tariff", 1}, {"ocurrence", "occurrence", 1}, {"recieve", "receive", 1},
		{"tarif", "tariff", 1}, {"grafite", "graphite", 2}, {"same", "same", 0}, {"nickle", "nickel", 1}, {"sanctoins", "sanctions", 1},
	} {
		if got := TypoDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("TypoDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "abc", 3}, {"same", "same", 0}, {"rusia", "russia", 1}, {"becuase", "because", 1},
		{"grafite", "graphite", 2}, {"ab", "ba", 1}, {"kitten", "sitting", 3},
	} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestMaskFillerPhrases(t *testing.T) {
	for in, want := range map[string]string{
		"to be fair, is it legit":                 "          , is it legit",
		"Bottom line: who pays the cap?":          "           : who pays the cap?",
		"the bottom line of the balance":          "the bottom line of the balance",
		"no cap, the price cap is $60":            "      , the price cap is $60",
		"cap no capital":                          "cap no capital",
		"for really real, for real":               "for really real,         ",
		"so how come it failed":                   "so          it failed",
		"real question: why":                      "             : why",
		"sorry im no expert, why":                 "sorry" + strings.Repeat(" ", 13) + ", why",
		"why the rush in the first place":         "why the rush" + strings.Repeat(" ", 19),
		"who came in the first place in the race": "who came in the first place in the race",
		"rules on Dy, Tb and co?":                 "rules on Dy, Tb       ?",
		"who runs Albemarle and co":               "who runs Albemarle       ",
		"ev makers and consumers":                 "ev makers and consumers",
	} {
		if got := maskFillerPhrases(in); got != want {
			t.Errorf("maskFillerPhrases(%q) = %q, want %q", in, got, want)
		}
	}
}
