package bot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"chokepoint"
	"chokepoint/bot/discordtest"
)

// TestDeferredResponseFlags (issue 9 item 4): a deferred response (type 5)
// carries no flag but EPHEMERAL. Discord: "If you create a callback with
// the type DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE the only valid message
// flag you may use is EPHEMERAL"
// (developers/interactions/receiving-and-responding#interaction-response-object-messages).
// The fake refuses anything else with 50035, as Discord does.
func TestDeferredResponseFlags(t *testing.T) {
	e := shared(t)
	for _, private := range []bool{false, true} {
		t.Run(fmt.Sprint("private=", private), func(t *testing.T) {
			tok := e.fake.DispatchInteraction(command("u-flags"+run(), 0, "ask",
				strOpt("question", "Why can't Russia replace China? (flags "+run()+")"), boolOpt("private", private)))
			cb := mustWait(t, e, "callback", callbackOf(tok))
			if cb.Refused() {
				t.Fatalf("Discord refused the deferred response: %s", cb.Error)
			}
			want := 0
			if private {
				want = int(discordgo.MessageFlagsEphemeral)
			}
			if got := flagsOf(data(cb)); got != want {
				t.Errorf("deferred flags = %d, want %d", got, want)
			}
			ed := mustWait(t, e, "answer edit", editOf(tok))
			if ed.Refused() || flagsOf(ed.JSON)&int(discordgo.MessageFlagsSuppressEmbeds) == 0 {
				t.Errorf("answer edit: status %d (%s), flags %d; want accepted with SUPPRESS_EMBEDS", ed.Status, ed.Error, flagsOf(ed.JSON))
			}
		})
	}
}

// gatedCorpus holds every Library and Corpus read until gate is closed,
// so a handler misses the HTTP transport's FirstResponseWait for sure.
type gatedCorpus struct {
	*fakeCorpus
	gate chan struct{}
}

func (g gatedCorpus) Documents() []chokepoint.Document {
	<-g.gate
	return g.fakeCorpus.Documents()
}

func (g gatedCorpus) Document(id string) (chokepoint.Document, error) {
	<-g.gate
	return g.fakeCorpus.Document(id)
}

func (g gatedCorpus) Passage(ctx context.Context, id string) (chokepoint.Hit, error) {
	<-g.gate
	return g.fakeCorpus.Passage(ctx, id)
}

func (g gatedCorpus) Status() Status {
	<-g.gate
	return g.fakeCorpus.Status()
}

// gatedWriter holds writes until gate is closed.
type gatedWriter struct {
	gate chan struct{}
	buf  syncBuffer
}

func (w *gatedWriter) Write(p []byte) (int, error) {
	<-w.gate
	return w.buf.Write(p)
}

// interactionJSON is i as Discord POSTs it, with the given token.
func interactionJSON(t *testing.T, i *discordgo.Interaction, token string) []byte {
	t.Helper()
	i.ID, i.AppID, i.Token, i.Version = idFor(token), httpAppID, token, 1
	b, err := json.Marshal(i)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestHTTPLateReplies (issue 9 items 1 and 3): over the HTTP transport, a
// handler slower than FirstResponseWait gets a placeholder response from
// the endpoint, and what it sends later must land where Discord puts it.
//
//   - The placeholder must fit the interaction: autocomplete takes only
//     type 8, and type 6 (deferred update) is what lets page buttons edit
//     the list instead of posting a new message
//     (developers/interactions/receiving-and-responding#interaction-response-object-interaction-callback-type).
//   - A deferred message's privacy is fixed, and "when using this endpoint
//     [create followup] directly after responding with
//     DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE ... the loading message will be
//     edited instead. The ephemeral flag will be ignored"
//     (developers/interactions/receiving-and-responding#create-followup-message):
//     a private reply sent as an ephemeral follow-up to a public
//     placeholder was shown publicly, then deleted with it.
//
// Each case checks what the user ends up seeing, and that Discord refused
// nothing.
func TestHTTPLateReplies(t *testing.T) {
	admin := int64(discordgo.PermissionManageGuild)
	list := &discordgo.Message{ID: "700000000000000001", ChannelID: channelID, Content: "**Sources** — 40 articles, page 1/4"}
	ac := command("u-ac", 0, "source", &discordgo.ApplicationCommandInteractionDataOption{Name: "title", Type: discordgo.ApplicationCommandOptionString, Value: "crit", Focused: true})
	ac.Type = discordgo.InteractionApplicationCommandAutocomplete
	tests := []struct {
		name string
		i    *discordgo.Interaction
		// want is the text of the one message the user sees in the end;
		// private, whether only they see it; onList, whether it is the
		// message the button was on. autocomplete checks the response.
		want                   string
		private, onList, autoc bool
	}{
		{name: "/source with an unknown title", i: command("u1", 0, "source", strOpt("title", "No Such Article")),
			want: "no article with that title", private: true},
		{name: "Full passage", i: button("u2", idPassage+answerRussia.Citations[0].PassageID, answerMessage(answerRussia)),
			want: "After the excerpt.", private: true},
		{name: "feedback", i: button("u3", idFeedback+"0", answerMessage(answerRussia)),
			want: "Thanks for the feedback!", private: true},
		{name: "/corpus status", i: command("u4", admin, "corpus", &discordgo.ApplicationCommandInteractionDataOption{Name: "status", Type: discordgo.ApplicationCommandOptionSubCommand}),
			want: "40 documents", private: true},
		{name: "/sources", i: command("u5", 0, "sources"), want: "**Sources** — 40 articles, page 1/4"},
		{name: "sources page button", i: button("u6", idSources+"1:next", list), want: "page 2/4", onList: true},
		{name: "autocomplete", i: ac, autoc: true},
	}
	for k, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := gatedCorpus{fakeCorpus: newCorpus(40), gate: make(chan struct{})}
			fw := &gatedWriter{gate: g.gate}
			e := newHTTPEnv(t, HTTPOptions{FirstResponseWait: time.Millisecond}, Deps{Library: g, Corpus: g, Feedback: fw})
			tok := fmt.Sprintf("late-tok-%d", k)
			w := e.serve(signed(appKey, e.clock.Now(), interactionJSON(t, tc.i, tok)))
			close(g.gate) // only now can the handler respond: after the HTTP response went out
			if w.Code != 200 {
				t.Fatalf("status %d (%s), want 200", w.Code, w.Body)
			}
			if !e.bot.Drain(wait) {
				t.Fatal("handler still running")
			}
			checkAccepted(t, e.fake, tok)
			if tc.autoc {
				cb, ok := e.fake.WaitRequest(0, callbackOf(tok))
				if !ok || cb.JSON["type"] != float64(discordgo.InteractionApplicationCommandAutocompleteResult) {
					t.Errorf("autocomplete answered with %v, want type 8", cb.JSON)
				}
				return
			}
			var shown []discordtest.Message
			for _, m := range e.fake.Messages(tok) {
				if !m.Deleted {
					shown = append(shown, m)
				}
			}
			if len(shown) != 1 {
				t.Fatalf("user sees %d messages %+v, want 1", len(shown), shown)
			}
			m := shown[0]
			if !strings.Contains(m.Content, tc.want) || m.Loading {
				t.Errorf("user sees %q (loading %v), want %q", m.Content, m.Loading, tc.want)
			}
			if m.Ephemeral != tc.private {
				t.Errorf("message ephemeral = %v, want %v", m.Ephemeral, tc.private)
			}
			if onList := m.ID == list.ID; onList != tc.onList {
				t.Errorf("reply edited the list = %v, want %v", onList, tc.onList)
			}
		})
	}
}

// TestHTTPLateReindexKeepsOneMessage (issue 9 item 1): a late /reindex
// over HTTP shows its progress and summary by editing one private message;
// before, the first edit became an ephemeral follow-up of a public
// placeholder and every later edit a new message. Driven through the late
// responder directly, since nothing gates /reindex before its first
// response.
func TestHTTPLateReindexKeepsOneMessage(t *testing.T) {
	clk := newClock()
	c := &tickingCorpus{fakeCorpus: newCorpus(1), clk: clk, files: 6}
	fake := discordtest.New()
	defer fake.Close()
	b := New(Config{Now: clk.Now, ProgressEvery: time.Second}, Deps{Answerer: newAnswerer(), Corpus: c}, nil)
	i := command("admin", int64(discordgo.PermissionManageGuild), "reindex")
	tok := fake.NewInteraction(i)
	r := lateResponder(t, b, fake.Session(""), i)
	b.HandleInteraction(context.Background(), i, r)
	checkAccepted(t, fake, tok)
	msgs := fake.Messages(tok)
	if len(msgs) != 1 || !msgs[0].Ephemeral || !strings.HasPrefix(msgs[0].Content, "Reindex finished") || msgs[0].Edits < 2 {
		t.Errorf("messages = %+v, want one private message edited with progress, then the summary", msgs)
	}
}

// lateResponder is the HTTP transport's responder for i after the HTTP
// handler gave up waiting and Discord received the placeholder as the
// response body.
func lateResponder(t *testing.T, b *Bot, s *discordgo.Session, i *discordgo.Interaction) *httpResponder {
	t.Helper()
	r := &httpResponder{first: make(chan *discordgo.InteractionResponse, 1), written: make(chan struct{}),
		rest: b.newSessionResponder(s, i), placeholder: b.placeholder(i)}
	if err := r.rest.w.callback(context.Background(), fitResponse(r.placeholder)); err != nil {
		t.Fatalf("placeholder: %v", err)
	}
	r.giveUp()
	r.wrote(nil, nil)
	return r
}

// TestPlaceholderMatchesReply: for every interaction the bot handles, the
// HTTP placeholder is the deferred form of the handler's own first
// response, with the same privacy, so a late reply never has to change a
// message's privacy or kind (issue 9 items 1 and 3).
func TestPlaceholderMatchesReply(t *testing.T) {
	admin := int64(discordgo.PermissionManageGuild)
	sub := func(name string) *discordgo.ApplicationCommandInteractionDataOption {
		return &discordgo.ApplicationCommandInteractionDataOption{Name: name, Type: discordgo.ApplicationCommandOptionSubCommand}
	}
	ac := command("u", 0, "source", &discordgo.ApplicationCommandInteractionDataOption{Name: "title", Type: discordgo.ApplicationCommandOptionString, Value: "crit", Focused: true})
	ac.Type = discordgo.InteractionApplicationCommandAutocomplete
	msg := answerMessage(answerRussia)
	for _, i := range []*discordgo.Interaction{
		command("u", 0, "ask", strOpt("question", "Why can't Russia replace China?")),
		command("u", 0, "ask", strOpt("question", "Why can't Russia replace China?"), boolOpt("private", true)),
		command("u", 0, "search", strOpt("query", "separation plants")),
		command("u", 0, "source", strOpt("title", "russia/001_1eef")),
		command("u", 0, "sources"), command("u", 0, "help"), command("u", 0, "about"),
		command("u", admin, "reindex"), command("u", admin, "stats"),
		command("u", admin, "corpus", sub("status")),
		command("u", admin, "corpus", &discordgo.ApplicationCommandInteractionDataOption{Name: "remove", Type: discordgo.ApplicationCommandOptionSubCommand,
			Options: []*discordgo.ApplicationCommandInteractionDataOption{strOpt("id", "russia/000_0")}}),
		button("u", idMore, msg), button("u", idPassage+answerRussia.Citations[0].PassageID, msg),
		button("u", idFeedback+"1", msg), button("u", idSources+"1:next", &discordgo.Message{ID: "m"}),
		ac,
	} {
		name := interactionName(i)
		t.Run(name, func(t *testing.T) {
			b, _, _ := newTestBot(Config{RateLimit: 1 << 30}, newAnswerer(), newCorpus(12))
			r := &recorder{}
			b.HandleInteraction(context.Background(), i, r)
			got, ph := r.first, b.placeholder(i)
			if got == nil {
				t.Fatalf("%s sent no first response", name)
			}
			kind := map[discordgo.InteractionResponseType]discordgo.InteractionResponseType{
				discordgo.InteractionResponseChannelMessageWithSource: discordgo.InteractionResponseDeferredChannelMessageWithSource,
				discordgo.InteractionResponseUpdateMessage:            discordgo.InteractionResponseDeferredMessageUpdate,
			}
			want := got.Type
			if d, ok := kind[got.Type]; ok {
				want = d
			}
			if ph.Type != want || ephemeralResponse(ph) != ephemeralResponse(got) {
				t.Errorf("%s: placeholder type %d ephemeral %v; the handler answers type %d ephemeral %v",
					name, ph.Type, ephemeralResponse(ph), got.Type, ephemeralResponse(got))
			}
		})
	}
}

// TestAutocompleteNoMatch: an autocomplete that matches nothing still
// answers with an empty choices list; the field is not optional
// (developers/interactions/receiving-and-responding#interaction-response-object-autocomplete),
// and discordgo's omitempty dropped it, so Discord showed "Loading
// options failed".
func TestAutocompleteNoMatch(t *testing.T) {
	e := shared(t)
	i := command("u-ac-none", 0, "source", &discordgo.ApplicationCommandInteractionDataOption{
		Name: "title", Type: discordgo.ApplicationCommandOptionString, Value: "zzz no such title", Focused: true})
	i.Type = discordgo.InteractionApplicationCommandAutocomplete
	tok := e.fake.DispatchInteraction(i)
	cb := mustWait(t, e, "callback", callbackOf(tok))
	if cb.Refused() {
		t.Fatalf("Discord refused the autocomplete result: %s", cb.Error)
	}
	if choices, isList := data(cb)["choices"].([]any); !isList || len(choices) != 0 {
		t.Errorf("choices = %v, want an empty list", data(cb)["choices"])
	}
}
