package bot

import (
	"github.com/bwmarrin/discordgo"
)

// Discord's limits on what the bot sends. They are applied in one place:
// every message leaves through fitReply or fitResponse (the interaction
// responders and reply), so no handler can produce a body Discord refuses
// and leave the user looking at "thinking…".
const (
	// maxContent: message content, "up to 2000 characters"
	// (developers/resources/message#create-message). Discord counts
	// UTF-16 code units in places, so length counts those: never fewer
	// than runes.
	maxContent = 2000
	// maxRows: "Legacy messages allow up to 5 action rows"; rowButtons: an
	// action row holds "up to 5 buttons"
	// (developers/components/reference#legacy-message-component-behavior,
	// #action-row).
	maxRows    = 5
	rowButtons = 5
	// maxCustom: custom_id, 1-100 characters; maxLabel: a button label,
	// max 80 characters (developers/components/reference#button).
	maxCustom = 100
	maxLabel  = 80
	// maxChoices, maxChoiceLen: an autocomplete result has at most 25
	// choices, names and values of at most 100 characters
	// (developers/interactions/application-commands#application-command-object-application-command-option-choice-structure).
	maxChoices   = 25
	maxChoiceLen = 100
	// maxEcho bounds user input quoted back in a reply (an ID, a URL, a
	// file name), so an error about it stays readable.
	maxEcho = 100
)

// echo quotes user input in a reply: on one line, at most maxEcho
// characters, escaped.
func echo(s string) string { return escape(truncate(oneLine(s), maxEcho)) }

// fitReply cuts r to Discord's limits: content to maxContent, at most
// maxRows rows of at most rowButtons buttons, labels to maxLabel, and no
// button whose custom ID is empty, too long or already used (Discord
// refuses the whole message for one).
func fitReply(r Reply) Reply {
	r.Content = truncate(r.Content, maxContent)
	r.Components = fitComponents(r.Components)
	return r
}

// fitResponse returns resp cut to Discord's limits: its message as
// fitReply does, its autocomplete choices to maxChoices of valid length.
// resp itself is not changed.
func fitResponse(resp *discordgo.InteractionResponse) *discordgo.InteractionResponse {
	if resp == nil || resp.Data == nil {
		return resp
	}
	out := *resp
	d := *resp.Data
	d.Content = truncate(d.Content, maxContent)
	d.Components = fitComponents(d.Components)
	if d.Choices != nil {
		choices := make([]*discordgo.ApplicationCommandOptionChoice, 0, min(len(d.Choices), maxChoices))
		for _, c := range d.Choices {
			if len(choices) == maxChoices {
				break
			}
			if c == nil || c.Name == "" {
				continue
			}
			if v, isStr := c.Value.(string); isStr && length(v) > maxChoiceLen {
				continue // a cut value would name something else
			}
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: truncate(c.Name, maxChoiceLen), Value: c.Value})
		}
		d.Choices = choices
	}
	out.Data = &d
	return &out
}

// fitComponents applies the row and button limits to top-level action
// rows; other components pass unchanged.
func fitComponents(rows []discordgo.MessageComponent) []discordgo.MessageComponent {
	if rows == nil {
		return nil
	}
	out := make([]discordgo.MessageComponent, 0, min(len(rows), maxRows))
	seen := map[string]bool{}
	for _, c := range rows {
		if len(out) == maxRows {
			break
		}
		var row discordgo.ActionsRow
		switch v := c.(type) {
		case discordgo.ActionsRow:
			row = v
		case *discordgo.ActionsRow:
			row = *v
		default:
			out = append(out, c)
			continue
		}
		var items []discordgo.MessageComponent
		for _, x := range row.Components {
			if len(items) == rowButtons {
				break
			}
			var b discordgo.Button
			switch v := x.(type) {
			case discordgo.Button:
				b = v
			case *discordgo.Button:
				b = *v
			default:
				items = append(items, x)
				continue
			}
			if b.Style != discordgo.LinkButton {
				if b.CustomID == "" || length(b.CustomID) > maxCustom || seen[b.CustomID] {
					continue
				}
				seen[b.CustomID] = true
			}
			b.Label = truncate(b.Label, maxLabel)
			items = append(items, b)
		}
		if len(items) > 0 {
			out = append(out, discordgo.ActionsRow{Components: items})
		}
	}
	return out
}

// wireResponse is resp as it goes on the wire. discordgo drops an empty
// choices list (omitempty), but an autocomplete result with no match must
// still carry "choices": [] (the field is not optional:
// developers/interactions/receiving-and-responding#interaction-response-object-autocomplete).
func wireResponse(resp *discordgo.InteractionResponse) any {
	if resp == nil || resp.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
		return resp
	}
	type data struct {
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	}
	w := struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data data                              `json:"data"`
	}{Type: resp.Type, Data: data{Choices: []*discordgo.ApplicationCommandOptionChoice{}}}
	if resp.Data != nil && resp.Data.Choices != nil {
		w.Data.Choices = resp.Data.Choices
	}
	return w
}
