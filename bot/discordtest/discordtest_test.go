package discordtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

const wait = 10 * time.Second

func restStatus(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) {
		return re.Response.StatusCode
	}
	return 0
}

func TestInteractionRules(t *testing.T) {
	s := New()
	defer s.Close()
	ds := s.Session("tok")
	i := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, ChannelID: "c",
		Data: discordgo.ApplicationCommandInteractionData{Name: "ask"}}
	tok := s.DispatchInteraction(i) // no client connected: kept for replay
	msg := func(content string) *discordgo.InteractionResponse {
		return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: content}}
	}
	text := "<@&123> hello"

	if _, err := ds.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &text}); restStatus(err) != http.StatusNotFound {
		t.Errorf("edit before first response: err = %v, want 404", err)
	}
	if err := ds.InteractionRespond(i, msg(strings.Repeat("x", 2001))); restStatus(err) != http.StatusBadRequest {
		t.Errorf("2001-character response: err = %v, want 400", err)
	}
	if err := ds.InteractionRespond(i, msg(text)); err != nil {
		t.Fatalf("first response: %v", err)
	}
	if err := ds.InteractionRespond(i, msg(text)); restStatus(err) != http.StatusBadRequest {
		t.Errorf("second response: err = %v, want 400 already acknowledged", err)
	}
	if _, err := ds.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &text}); err != nil {
		t.Errorf("edit after response: %v", err)
	}
	unknown := &discordgo.Interaction{ID: "1", Token: "forged", AppID: s.AppID}
	if err := ds.InteractionRespond(unknown, msg("x")); restStatus(err) != http.StatusNotFound {
		t.Errorf("forged interaction: err = %v, want 404", err)
	}
	if !s.Responded(tok) {
		t.Errorf("Responded(%q) = false after a response", tok)
	}
	r, ok := s.WaitRequest(0, func(r Request) bool { return r.Method == "PATCH" })
	if !ok || r.JSON["content"] != text {
		t.Errorf("recorded PATCH content = %v, want %q decoded from \\u003c", r.JSON["content"], text)
	}
}

func TestCommandsRoundTrip(t *testing.T) {
	s := New()
	defer s.Close()
	ds := s.Session("tok")
	perm := int64(discordgo.PermissionManageGuild)
	cmds := []*discordgo.ApplicationCommand{{Name: "ask", Description: "Ask"}, {Name: "reindex", Description: "Admin", DefaultMemberPermissions: &perm}}
	if _, err := ds.ApplicationCommandBulkOverwrite(s.AppID, "g1", cmds); err != nil {
		t.Fatal(err)
	}
	got, err := ds.ApplicationCommands(s.AppID, "g1")
	if err != nil || len(got) != 2 || got[1].DefaultMemberPermissions == nil || *got[1].DefaultMemberPermissions != perm || got[0].ID == "" {
		t.Errorf("ApplicationCommands = %+v, %v; want both back with IDs and permissions", got, err)
	}
	if g, _ := ds.ApplicationCommands(s.AppID, ""); len(g) != 0 {
		t.Errorf("global commands = %d, want 0 (only the guild was set)", len(g))
	}
	bad := []*discordgo.ApplicationCommand{{Name: "Ask", Description: "upper case"}}
	if _, err := ds.ApplicationCommandBulkOverwrite(s.AppID, "g1", bad); restStatus(err) != http.StatusBadRequest {
		t.Errorf("upper-case name: err = %v, want 400", err)
	}
}

func TestGatewayResumeReplays(t *testing.T) {
	s := New()
	defer s.Close()
	ds := s.Session("tok")
	ds.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsDirectMessages
	var mu sync.Mutex
	seen := map[string]bool{}
	got := make(chan struct{}, 100)
	ds.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) {
		mu.Lock()
		seen[m.Content] = true
		mu.Unlock()
		got <- struct{}{}
	})
	if err := ds.Open(); err != nil {
		t.Fatal(err)
	}
	defer ds.Close()
	id, ok := s.WaitIdentify(wait, 1)
	if !ok || id.Intents != int(ds.Identify.Intents) || id.Token != "Bot tok" {
		t.Fatalf("IDENTIFY = %+v, %v", id, ok)
	}
	if ds.State.User == nil || ds.State.User.ID != s.BotID {
		t.Errorf("READY user not applied to the session state")
	}
	if !s.WaitHeartbeats(wait, 1) {
		t.Fatal("no heartbeat")
	}
	const n = 10
	for k := 0; k < n; k++ {
		if k == n/2 {
			s.DropConnection()
		}
		s.DispatchMessage(&discordgo.Message{ChannelID: "c", Content: fmt.Sprint("m", k), Author: &discordgo.User{ID: "u"}})
	}
	rs, ok := s.WaitResume(wait)
	if !ok || rs.SessionID != s.SessionID() {
		t.Fatalf("RESUME = %+v, %v; want session %q", rs, ok, s.SessionID())
	}
	deadline := time.After(wait)
	for k := 0; k < n; k++ {
		select {
		case <-got:
		case <-deadline:
			t.Fatalf("received %d of %d messages across the resume", k, n)
		}
	}
	for k := 0; k < n; k++ {
		if !seen[fmt.Sprint("m", k)] {
			t.Errorf("message m%d lost", k)
		}
	}
}

// post sends body to the fake at path (without /api/v9) and returns the
// status and decoded answer.
func post(t *testing.T, s *Server, method, path string, body any) (int, map[string]any) {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(method, "https://discord.com/api/v"+discordgo.APIVersion+path, bytes.NewReader(data))
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// formCode returns the first _errors code of a 50035 answer, "" when the
// answer is not one.
func formCode(m map[string]any) string {
	if m["code"] != float64(50035) {
		return ""
	}
	var walk func(v any) string
	walk = func(v any) string {
		obj, _ := v.(map[string]any)
		if errs, ok := obj["_errors"].([]any); ok && len(errs) > 0 {
			e, _ := errs[0].(map[string]any)
			return fmt.Sprint(e["code"])
		}
		for _, x := range obj {
			if c := walk(x); c != "" {
				return c
			}
		}
		return ""
	}
	return walk(m["errors"])
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func buttons(n int, id func(k int) string, label string) map[string]any {
	var items []any
	for k := 0; k < n; k++ {
		items = append(items, map[string]any{"type": 2, "style": 2, "label": label, "custom_id": id(k)})
	}
	return map[string]any{"type": 1, "components": items}
}

// TestCallbackRules: the callback endpoint refuses what
// developers/interactions/receiving-and-responding and
// developers/components/reference say Discord refuses, with Discord's
// error shape (50035 and a field path), and names the interaction.
func TestCallbackRules(t *testing.T) {
	row := func(n int) map[string]any { return buttons(n, func(k int) string { return fmt.Sprint("b", k) }, "ok") }
	msg := func(d map[string]any) map[string]any { return map[string]any{"type": 4, "data": d} }
	long := strings.Repeat("x", 2001)
	tests := []struct {
		name     string
		itype    discordgo.InteractionType
		body     map[string]any
		wantCode string // 50035 error code; "" = accepted
	}{
		{"message", discordgo.InteractionApplicationCommand, msg(map[string]any{"content": "hi", "components": []any{row(5)}}), ""},
		{"content over 2000", discordgo.InteractionApplicationCommand, msg(map[string]any{"content": long}), "BASE_TYPE_MAX_LENGTH"},
		{"six action rows", discordgo.InteractionApplicationCommand, msg(map[string]any{"content": "x", "components": []any{row(1), row(1), row(1), row(1), row(1), row(1)}}), "BASE_TYPE_MAX_LENGTH"},
		{"six buttons in a row", discordgo.InteractionApplicationCommand, msg(map[string]any{"content": "x", "components": []any{row(6)}}), "BASE_TYPE_BAD_LENGTH"},
		{"custom_id over 100", discordgo.InteractionApplicationCommand, msg(map[string]any{"content": "x", "components": []any{buttons(1, func(int) string { return strings.Repeat("c", 101) }, "ok")}}), "BASE_TYPE_BAD_LENGTH"},
		{"label over 80", discordgo.InteractionApplicationCommand, msg(map[string]any{"content": "x", "components": []any{buttons(1, func(int) string { return "c" }, strings.Repeat("l", 81))}}), "BASE_TYPE_MAX_LENGTH"},
		{"repeated custom_id", discordgo.InteractionApplicationCommand, msg(map[string]any{"content": "x", "components": []any{row(2), row(2)}}), "COMPONENT_CUSTOM_ID_DUPLICATED"},
		{"deferred with SUPPRESS_EMBEDS", discordgo.InteractionApplicationCommand, map[string]any{"type": 5, "data": map[string]any{"flags": 4 | 64}}, "INTERACTION_RESPONSE_FLAGS_INVALID"},
		{"deferred ephemeral", discordgo.InteractionApplicationCommand, map[string]any{"type": 5, "data": map[string]any{"flags": 64}}, ""},
		{"deferred update for a command", discordgo.InteractionApplicationCommand, map[string]any{"type": 6}, "INTERACTION_RESPONSE_TYPE_INVALID"},
		{"deferred update for a button", discordgo.InteractionMessageComponent, map[string]any{"type": 6}, ""},
		{"deferred message for autocomplete", discordgo.InteractionApplicationCommandAutocomplete, map[string]any{"type": 5}, "INTERACTION_RESPONSE_TYPE_INVALID"},
		{"choices for a command", discordgo.InteractionApplicationCommand, map[string]any{"type": 8, "data": map[string]any{"choices": []any{}}}, "INTERACTION_RESPONSE_TYPE_INVALID"},
		{"26 choices", discordgo.InteractionApplicationCommandAutocomplete, map[string]any{"type": 8, "data": map[string]any{"choices": make([]any, 26)}}, "BASE_TYPE_MAX_LENGTH"},
		{"no choices list", discordgo.InteractionApplicationCommandAutocomplete, map[string]any{"type": 8, "data": map[string]any{}}, "BASE_TYPE_REQUIRED"},
		{"empty choices list", discordgo.InteractionApplicationCommandAutocomplete, map[string]any{"type": 8, "data": map[string]any{"choices": []any{}}}, ""},
	}
	s := New()
	defer s.Close()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			i := &discordgo.Interaction{Type: tc.itype, Data: discordgo.ApplicationCommandInteractionData{Name: "ask"}}
			if tc.itype == discordgo.InteractionMessageComponent {
				i.Data = discordgo.MessageComponentInteractionData{CustomID: "more"}
				i.Message = &discordgo.Message{ID: "1"}
			}
			tok := s.NewInteraction(i)
			status, m := post(t, s, "POST", "/interactions/"+i.ID+"/"+tok+"/callback", tc.body)
			if tc.wantCode == "" {
				if status != http.StatusNoContent {
					t.Errorf("status %d %v, want 204", status, m)
				}
				return
			}
			if status != http.StatusBadRequest || formCode(m) != tc.wantCode {
				t.Errorf("status %d, error %v; want 400 with %s", status, m, tc.wantCode)
			}
			r, _ := s.WaitRequest(0, func(r Request) bool { return strings.Contains(r.Path, tok) })
			if !strings.HasPrefix(r.Error, "/ask") && !strings.HasPrefix(r.Error, "button:more") {
				t.Errorf("refusal %q does not name the interaction", r.Error)
			}
		})
	}
}

// TestInteractionDeadlines: the first response within 3 seconds, edits
// and follow-ups for 15 minutes, on the fake's clock
// (developers/interactions/receiving-and-responding#interaction-callback).
func TestInteractionDeadlines(t *testing.T) {
	s := New()
	defer s.Close()
	clk := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s.SetClock(clk.Now)
	late := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, Data: discordgo.ApplicationCommandInteractionData{Name: "slow"}}
	lateTok := s.NewInteraction(late)
	i := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, Data: discordgo.ApplicationCommandInteractionData{Name: "ask"}}
	tok := s.NewInteraction(i)
	if status, _ := post(t, s, "POST", "/interactions/"+i.ID+"/"+tok+"/callback", map[string]any{"type": 5}); status != http.StatusNoContent {
		t.Fatalf("deferred response: status %d", status)
	}
	clk.Advance(ResponseWindow + time.Millisecond)
	status, m := post(t, s, "POST", "/interactions/"+late.ID+"/"+lateTok+"/callback", map[string]any{"type": 5})
	if status != http.StatusNotFound || m["code"] != float64(10062) {
		t.Errorf("late callback: %d %v, want 404 Unknown interaction", status, m)
	}
	if r := s.Refusals(); len(r) != 1 || !strings.Contains(r[0].Error, "/slow") || !strings.Contains(r[0].Error, "window") {
		t.Errorf("refusals %+v, want the late /slow named", r)
	}
	edit := "/webhooks/" + s.AppID + "/" + tok + "/messages/@original"
	if status, _ := post(t, s, "PATCH", edit, map[string]any{"content": "x"}); status != http.StatusOK {
		t.Errorf("edit at 3 s: status %d, want 200", status)
	}
	clk.Advance(TokenLife)
	for _, q := range []struct{ method, path string }{{"PATCH", edit}, {"POST", "/webhooks/" + s.AppID + "/" + tok}} {
		status, m := post(t, s, q.method, q.path, map[string]any{"content": "x"})
		if status != http.StatusUnauthorized || m["code"] != float64(50027) {
			t.Errorf("%s after 15 minutes: %d %v, want 401 Invalid Webhook Token", q.method, status, m)
		}
	}
}

// TestFollowupAfterDeferred: directly after a deferred response a
// follow-up edits the loading message and ignores the ephemeral flag;
// after that follow-ups are new messages
// (developers/interactions/receiving-and-responding#create-followup-message).
func TestFollowupAfterDeferred(t *testing.T) {
	s := New()
	defer s.Close()
	i := &discordgo.Interaction{Type: discordgo.InteractionApplicationCommand, Data: discordgo.ApplicationCommandInteractionData{Name: "ask"}}
	tok := s.NewInteraction(i)
	post(t, s, "POST", "/interactions/"+i.ID+"/"+tok+"/callback", map[string]any{"type": 5})
	follow := "/webhooks/" + s.AppID + "/" + tok
	post(t, s, "POST", follow, map[string]any{"content": "first", "flags": 64})
	post(t, s, "POST", follow, map[string]any{"content": "second", "flags": 64})
	msgs := s.Messages(tok)
	if len(msgs) != 2 || msgs[0].Content != "first" || msgs[0].Ephemeral || msgs[0].Loading || msgs[1].Content != "second" || !msgs[1].Ephemeral {
		t.Errorf("messages = %+v, want the public original edited to \"first\", then an ephemeral \"second\"", msgs)
	}
}

// TestReplyToSystemMessage: a reply to a system message is refused; only
// DEFAULT and REPLY messages are ordinary
// (developers/resources/message#message-object-message-types).
func TestReplyToSystemMessage(t *testing.T) {
	s := New()
	defer s.Close()
	join := s.DispatchMessage(&discordgo.Message{Type: discordgo.MessageTypeGuildMemberJoin, ChannelID: "c"})
	person := s.DispatchMessage(&discordgo.Message{Type: discordgo.MessageTypeDefault, ChannelID: "c"})
	for id, want := range map[string]int{join: http.StatusBadRequest, person: http.StatusOK} {
		status, m := post(t, s, "POST", "/channels/c/messages", map[string]any{"content": "hi", "message_reference": map[string]any{"message_id": id}})
		if status != want {
			t.Errorf("reply to %s: %d %v, want %d", id, status, m, want)
		}
	}
}

// TestCommandValidation: a bulk overwrite is checked as
// developers/interactions/application-commands documents: naming regex
// and lower case, descriptions of 1-100, at most 25 options, required
// options first, choices and autocomplete exclusive, 8000 characters per
// command.
func TestCommandValidation(t *testing.T) {
	opt := func(name string, required bool) map[string]any {
		return map[string]any{"type": 3, "name": name, "description": "d", "required": required}
	}
	var many []any
	for k := 0; k < 26; k++ {
		many = append(many, opt(fmt.Sprint("o", k), false))
	}
	var big []any
	for k := 0; k < 25; k++ {
		o := opt(fmt.Sprint("o", k), false)
		o["description"] = strings.Repeat("d", 100)
		var choices []any
		for c := 0; c < 25; c++ {
			choices = append(choices, map[string]any{"name": strings.Repeat("n", 20), "value": fmt.Sprint(c)})
		}
		o["choices"] = choices
		big = append(big, o)
	}
	choiceAuto := opt("q", false)
	choiceAuto["autocomplete"] = true
	choiceAuto["choices"] = []any{map[string]any{"name": "a", "value": "a"}}
	tests := []struct {
		name string
		cmd  map[string]any
		ok   bool
	}{
		{"valid", map[string]any{"name": "ask", "description": "Ask", "options": []any{opt("q", true), opt("p", false)}}, true},
		{"upper case", map[string]any{"name": "Ask", "description": "Ask"}, false},
		{"space in name", map[string]any{"name": "ask me", "description": "Ask"}, false},
		{"name over 32", map[string]any{"name": strings.Repeat("a", 33), "description": "Ask"}, false},
		{"empty description", map[string]any{"name": "ask", "description": ""}, false},
		{"description over 100", map[string]any{"name": "ask", "description": strings.Repeat("d", 101)}, false},
		{"26 options", map[string]any{"name": "ask", "description": "Ask", "options": many}, false},
		{"required after optional", map[string]any{"name": "ask", "description": "Ask", "options": []any{opt("p", false), opt("q", true)}}, false},
		{"choices and autocomplete", map[string]any{"name": "ask", "description": "Ask", "options": []any{choiceAuto}}, false},
		{"over 8000 characters", map[string]any{"name": "ask", "description": "Ask", "options": big}, false},
	}
	s := New()
	defer s.Close()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data, _ := json.Marshal([]any{tc.cmd})
			req, _ := http.NewRequest("PUT", "https://discord.com/api/v"+discordgo.APIVersion+"/applications/"+s.AppID+"/commands", bytes.NewReader(data))
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.StatusCode == http.StatusOK; got != tc.ok {
				t.Errorf("PUT %s: status %d, want accepted=%v", tc.name, resp.StatusCode, tc.ok)
			}
		})
	}
}

// TestRateLimitOnDemand: a 429 has Discord's body and headers
// (developers/topics/rate-limits#exceeding-a-rate-limit), and discordgo
// with its retry off reports it as a RateLimitError.
func TestRateLimitOnDemand(t *testing.T) {
	s := New()
	defer s.Close()
	s.RateLimit(1, 1500*time.Millisecond, true, func(r Request) bool { return r.Method == "GET" })
	req, _ := http.NewRequest("GET", "https://discord.com/api/v"+discordgo.APIVersion+"/users/@me", nil)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || body["retry_after"] != 1.5 || body["global"] != true ||
		resp.Header.Get("X-RateLimit-Global") != "true" || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("429: %d %v %v", resp.StatusCode, body, resp.Header)
	}
	s.RateLimit(1, time.Second, false, func(r Request) bool { return r.Method == "GET" })
	ds := s.Session("tok")
	_, err = ds.User("@me", discordgo.WithRetryOnRatelimit(false))
	var rl *discordgo.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter != time.Second {
		t.Errorf("discordgo error = %v, want a RateLimitError asking for 1s", err)
	}
	if _, err := ds.User("@me"); err != nil {
		t.Errorf("after the limit: %v", err)
	}
}

// TestGatewayRules: READY's resume_gateway_url differs from the main
// URL; a privileged intent that is not enabled closes with 4014
// (developers/events/gateway#gateway-intents); an IDENTIFY of the same
// rate-limit key within 5 seconds gets op 9
// (developers/events/gateway#identifying); closing with 1000 ends the
// session (developers/events/gateway#initiating-a-disconnect).
func TestGatewayRules(t *testing.T) {
	s := New()
	defer s.Close()
	clk := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s.SetClock(clk.Now)
	s.PrivilegedIntents = 0
	dial := func() *websocket.Conn {
		c, _, err := websocket.DefaultDialer.Dial(s.gatewayURL()+"?v=9&encoding=json", nil)
		if err != nil {
			t.Fatal(err)
		}
		var hello frame
		if err := c.ReadJSON(&hello); err != nil || hello.Op != 10 {
			t.Fatalf("HELLO = %+v, %v", hello, err)
		}
		return c
	}
	identify := func(c *websocket.Conn, intents discordgo.Intent) {
		d, _ := json.Marshal(map[string]any{"token": "Bot tok", "intents": intents})
		if err := c.WriteJSON(frame{Op: 2, D: d}); err != nil {
			t.Fatal(err)
		}
	}
	c := dial()
	identify(c, discordgo.IntentsGuilds|discordgo.IntentsMessageContent)
	var f frame
	_, _, err := c.ReadMessage()
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != 4014 {
		t.Errorf("privileged intent not enabled: %v, want close 4014", err)
	}
	c.Close()

	c = dial()
	identify(c, discordgo.IntentsGuilds)
	if err := c.ReadJSON(&f); err != nil || f.T != "READY" {
		t.Fatalf("READY = %+v, %v", f, err)
	}
	var ready struct {
		SessionID string `json:"session_id"`
		ResumeURL string `json:"resume_gateway_url"`
	}
	_ = json.Unmarshal(f.D, &ready)
	if ready.ResumeURL == "" || strings.HasPrefix(ready.ResumeURL, s.gatewayURL()) {
		t.Errorf("resume_gateway_url = %q, want one that differs from %q", ready.ResumeURL, s.gatewayURL())
	}
	second := dial()
	identify(second, discordgo.IntentsGuilds)
	if err := second.ReadJSON(&f); err != nil || f.Op != 9 || string(f.D) != "false" {
		t.Errorf("IDENTIFY within 5 s: %+v, %v; want op 9 false", f, err)
	}
	second.Close()
	_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	c.Close()
	// Wait for the 1000 itself: the second socket's close may be recorded
	// first, and a RESUME sent before the 1000 is seen would still resume.
	if !s.waitFor(wait, func() bool { return slices.Contains(s.gw.closeCodes, websocket.CloseNormalClosure) }) {
		t.Fatal("close frame not seen")
	}
	c = dial()
	d, _ := json.Marshal(map[string]any{"token": "Bot tok", "session_id": ready.SessionID, "seq": 1})
	_ = c.WriteJSON(frame{Op: 6, D: d})
	if err := c.ReadJSON(&f); err != nil || f.Op != 9 {
		t.Errorf("RESUME after closing with 1000: %+v, %v; want op 9", f, err)
	}
	c.Close()
}
