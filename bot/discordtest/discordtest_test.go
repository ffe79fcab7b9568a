package discordtest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
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
