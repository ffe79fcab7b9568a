package bot

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestEchoedInputFits (issue 10 item 12): errors that quote the admin's
// input (an ID, a URL) stay within Discord's 2000 characters: content over
// it is refused with 50035 (developers/resources/message#create-message,
// "up to 2000 characters"), and the admin saw only "thinking…". Echoed
// input is shortened to maxEcho.
func TestEchoedInputFits(t *testing.T) {
	e := shared(t)
	admin := int64(discordgo.PermissionManageGuild)
	longID := "ghost/" + strings.Repeat("x", 3000)
	longURL := "https://evil.example/" + strings.Repeat("a", 1900)
	for _, tc := range []struct {
		name string
		sub  *discordgo.ApplicationCommandInteractionDataOption
		want string
	}{
		{"remove unknown id", &discordgo.ApplicationCommandInteractionDataOption{Name: "remove", Type: discordgo.ApplicationCommandOptionSubCommand,
			Options: []*discordgo.ApplicationCommandInteractionDataOption{strOpt("id", longID)}}, "There is no document with ID ghost/xxx"},
		{"add refused url", &discordgo.ApplicationCommandInteractionDataOption{Name: "add", Type: discordgo.ApplicationCommandOptionSubCommand,
			Options: []*discordgo.ApplicationCommandInteractionDataOption{strOpt("url", longURL)}}, "Could not add https://evil.example/aaa"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := e.fake.DispatchInteraction(command("u-echo"+run(), admin, "corpus", tc.sub))
			ed := mustWait(t, e, "edit with the outcome", editOf(tok))
			if ed.Refused() {
				t.Fatalf("Discord refused the reply: %s", ed.Error)
			}
			content, _ := ed.JSON["content"].(string)
			if !strings.Contains(content, tc.want) {
				t.Errorf("reply %.120q…, want %q", content, tc.want)
			}
			if n := length(content); n > 700 {
				t.Errorf("reply is %d characters: the echoed input was not shortened", n)
			}
		})
	}
}

// TestFitReply: whatever a handler builds, what goes out fits Discord's
// limits (developers/components/reference: at most 5 action rows of at
// most 5 buttons, custom_id 1-100 characters and unique in the message,
// labels of at most 80; developers/interactions/application-commands: at
// most 25 choices of at most 100 characters).
func TestFitReply(t *testing.T) {
	var rows []discordgo.MessageComponent
	for r := 0; r < 7; r++ {
		var row []discordgo.MessageComponent
		for k := 0; k < 7; k++ {
			row = append(row, discordgo.Button{Label: strings.Repeat("L", 90), Style: discordgo.SecondaryButton, CustomID: fmt.Sprintf("b%d-%d", r, k)})
		}
		rows = append(rows, discordgo.ActionsRow{Components: row})
	}
	first := rows[0].(discordgo.ActionsRow)
	first.Components[1] = discordgo.Button{Label: "dup", CustomID: "b0-0"}
	first.Components[2] = discordgo.Button{Label: "long", CustomID: strings.Repeat("p", 101)}
	first.Components[3] = &discordgo.Button{Label: "pointer", CustomID: "ptr"}
	rows[0] = first
	got := fitReply(Reply{Content: strings.Repeat("é🌏", 1500), Components: rows})
	if n := length(got.Content); n > maxContent {
		t.Errorf("content length %d > %d", n, maxContent)
	}
	if len(got.Components) != maxRows {
		t.Fatalf("%d rows, want %d", len(got.Components), maxRows)
	}
	seen := map[string]bool{}
	for _, c := range got.Components {
		row := c.(discordgo.ActionsRow)
		if len(row.Components) > rowButtons {
			t.Errorf("row of %d buttons", len(row.Components))
		}
		for _, x := range row.Components {
			btn := x.(discordgo.Button)
			if seen[btn.CustomID] || len(btn.CustomID) > maxCustom || length(btn.Label) > maxLabel {
				t.Errorf("button %q (label %d) breaks a limit", btn.CustomID, length(btn.Label))
			}
			seen[btn.CustomID] = true
		}
	}
	if !seen["ptr"] {
		t.Errorf("a *Button was dropped")
	}
	var choices []*discordgo.ApplicationCommandOptionChoice
	for k := 0; k < 30; k++ {
		choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: strings.Repeat("n", 120), Value: fmt.Sprint(k)})
	}
	choices[0].Value = strings.Repeat("v", 101)
	resp := fitResponse(choicesResponse(choices))
	if n := len(resp.Data.Choices); n != maxChoices {
		t.Errorf("%d choices, want %d", n, maxChoices)
	}
	for _, c := range resp.Data.Choices {
		if length(c.Name) > maxChoiceLen || length(fmt.Sprint(c.Value)) > maxChoiceLen {
			t.Errorf("choice %q = %q too long", c.Name, c.Value)
		}
	}
}
