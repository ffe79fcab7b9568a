package bot

import (
	"testing"

	"github.com/bwmarrin/discordgo"

	"chokepoint/bot/discordtest"
)

// TestListenChannelIgnoresSystemMessages (issue 9 item 2): in a listen
// channel the bot answers people, not system messages (a member joined, a
// message pinned, a thread created…). Replies carry a message_reference,
// and Discord refuses a reply to a system message with 400 ("Cannot reply
// to a system message"); only DEFAULT (0) and REPLY (19) messages are
// ordinary (developers/resources/message#message-object-message-types).
func TestListenChannelIgnoresSystemMessages(t *testing.T) {
	e := startEnv(t, Config{ListenChannelIDs: []string{"listen-sys"}})
	for _, typ := range []discordgo.MessageType{
		discordgo.MessageTypeChannelPinnedMessage, discordgo.MessageTypeGuildMemberJoin,
		discordgo.MessageTypeThreadCreated, discordgo.MessageTypeUserPremiumGuildSubscription,
	} {
		e.fake.DispatchMessage(&discordgo.Message{Type: typ, ChannelID: "listen-sys", GuildID: guildID,
			Content: "Why can't Russia replace China? (system)", Author: &discordgo.User{ID: "u-sys"}})
	}
	// A reply by a person, dispatched after the system messages, is
	// answered; by then the system messages would have been.
	id := e.fake.DispatchMessage(&discordgo.Message{Type: discordgo.MessageTypeReply, ChannelID: "listen-sys", GuildID: guildID,
		Content: "Why can't Russia replace China? (person)", Author: &discordgo.User{ID: "u-person"}})
	r := mustWait(t, e, "reply to the person", func(r discordtest.Request) bool {
		ref, _ := r.JSON["message_reference"].(map[string]any)
		return r.Path == "/channels/listen-sys/messages" && ref["message_id"] == id
	})
	if r.Refused() {
		t.Errorf("reply to a person refused: %s", r.Error)
	}
	e.stop(t) // waits for every handler, system messages' included
	got := e.fake.WaitRequests(0, 2, func(r discordtest.Request) bool { return r.Path == "/channels/listen-sys/messages" })
	if len(got) != 1 {
		t.Errorf("bot sent %d messages in the listen channel, want 1 (system messages ignored)", len(got))
	}
	checkAccepted(t, e.fake, "")
}
