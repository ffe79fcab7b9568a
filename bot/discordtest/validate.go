package discordtest

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Limits of the documented API the fake checks bodies against.
const (
	// maxContent: developers/resources/message#create-message, content
	// "up to 2000 characters".
	maxContent = 2000
	// maxRows: developers/components/reference#legacy-message-component-behavior,
	// "up to 5 action rows"; maxRowItems: #action-row, "up to 5 buttons".
	maxRows, maxRowItems = 5, 5
	// maxCustomID: #anatomy-of-a-component-custom-id, 1-100 characters;
	// maxLabel: #button, "max 80 characters".
	maxCustomID, maxLabel = 100, 80
	// maxChoices, maxChoiceName, maxChoiceValue:
	// developers/interactions/receiving-and-responding#interaction-response-object-autocomplete
	// and developers/interactions/application-commands#application-command-object-application-command-option-choice-structure.
	maxChoices, maxChoiceName, maxChoiceValue = 25, 100, 100
)

func str(v any) string {
	s, _ := v.(string)
	return s
}

func flags(m map[string]any) int64 {
	f, _ := m["flags"].(float64)
	return int64(f)
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// checkMessage checks a message body (a callback's data, a webhook's or a
// channel message's body) as Discord does; prefix is the field path of
// the body ("data." in a callback). needBody refuses a message with
// neither content, embeds nor components (code 50006).
func checkMessage(m map[string]any, prefix string, allowedFlags int64, needBody bool) (answer, bool) {
	content := str(m["content"])
	if n := runes(content); n > maxContent {
		return formError(prefix+"content", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length (got %d).", maxContent, n)), true
	}
	if f := flags(m); f&^allowedFlags != 0 {
		return formError(prefix+"flags", "MESSAGE_FLAGS_INVALID", fmt.Sprintf("Flags %d include ones this endpoint does not accept (allowed: %d).", f, allowedFlags)), true
	}
	rows, _ := m["components"].([]any)
	embeds, _ := m["embeds"].([]any)
	if needBody && content == "" && len(rows) == 0 && len(embeds) == 0 {
		return answer{status: 400, body: map[string]any{"code": 50006, "message": "Cannot send an empty message"}, why: "Cannot send an empty message"}, true
	}
	if len(rows) > maxRows {
		return formError(prefix+"components", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length (got %d).", maxRows, len(rows))), true
	}
	seen := map[string]bool{}
	for r, rv := range rows {
		row, _ := rv.(map[string]any)
		path := fmt.Sprintf("%scomponents.%d", prefix, r)
		if row == nil || row["type"] != float64(1) {
			return formError(path+".type", "UNION_TYPE_CHOICES", "Top-level components of a message without IS_COMPONENTS_V2 must be action rows."), true
		}
		items, _ := row["components"].([]any)
		if len(items) == 0 || len(items) > maxRowItems {
			return formError(path+".components", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length (got %d).", maxRowItems, len(items))), true
		}
		for k, iv := range items {
			item, _ := iv.(map[string]any)
			ipath := fmt.Sprintf("%s.components.%d", path, k)
			if item == nil || item["type"] != float64(2) {
				continue // only buttons are checked in detail
			}
			if n := runes(str(item["label"])); n > maxLabel {
				return formError(ipath+".label", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length (got %d).", maxLabel, n)), true
			}
			style, _ := item["style"].(float64)
			id := str(item["custom_id"])
			switch {
			case style == 5: // link
				if id != "" || str(item["url"]) == "" {
					return formError(ipath, "BUTTON_COMPONENT_INVALID", "Link buttons need a url and no custom_id."), true
				}
			case id == "" || runes(id) > maxCustomID:
				return formError(ipath+".custom_id", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length (got %d).", maxCustomID, runes(id))), true
			case seen[id]:
				return formError(ipath+".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated"), true
			}
			seen[id] = true
		}
	}
	return answer{}, false
}

// checkChoices checks an autocomplete result's choices.
func checkChoices(data map[string]any) (answer, bool) {
	choices, isList := data["choices"].([]any)
	if !isList {
		return formError("data.choices", "BASE_TYPE_REQUIRED", "This field is required"), true
	}
	if len(choices) > maxChoices {
		return formError("data.choices", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length (got %d).", maxChoices, len(choices))), true
	}
	for k, cv := range choices {
		c, _ := cv.(map[string]any)
		path := fmt.Sprintf("data.choices.%d", k)
		if n := runes(str(c["name"])); n < 1 || n > maxChoiceName {
			return formError(path+".name", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length (got %d).", maxChoiceName, n)), true
		}
		if v, isStr := c["value"].(string); isStr && runes(v) > maxChoiceValue {
			return formError(path+".value", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length (got %d).", maxChoiceValue, runes(v))), true
		}
	}
	return answer{}, false
}

// commandName is the naming rule of CHAT_INPUT commands and options
// (developers/interactions/application-commands#application-command-object-application-command-naming),
// in Go's script names.
var commandName = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// Command limits: developers/interactions/application-commands, the
// command and option structures (25 options, 25 choices, descriptions
// 1-100) and the 8000-character total of names, descriptions and values
// per command.
const (
	maxOptions, maxCommandChars, maxDescription, maxCommands = 25, 8000, 100, 100
)

// checkCommands checks a bulk overwrite as Discord does.
func checkCommands(cmds []map[string]any) (answer, bool) {
	if len(cmds) > maxCommands {
		return formError("_", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxCommands)), true
	}
	names := map[string]bool{}
	for k, c := range cmds {
		path := fmt.Sprintf("%d", k)
		name := str(c["name"])
		if names[name] {
			return formError(path+".name", "APPLICATION_COMMANDS_DUPLICATE_NAME", "Application command names must be unique"), true
		}
		names[name] = true
		typ, _ := c["type"].(float64)
		if typ == 0 || typ == 1 {
			if a, bad := checkNaming(path, name); bad {
				return a, true
			}
			if n := runes(str(c["description"])); n < 1 || n > maxDescription {
				return formError(path+".description", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length (got %d).", maxDescription, n)), true
			}
		}
		total := runes(name) + runes(str(c["description"]))
		opts, _ := c["options"].([]any)
		n, a, bad := checkOptions(path+".options", opts)
		if bad {
			return a, true
		}
		if total += n; total > maxCommandChars {
			return formError(path, "APPLICATION_COMMAND_TOO_LARGE", fmt.Sprintf("Command exceeds maximum size (%d characters, limit %d).", total, maxCommandChars)), true
		}
	}
	return answer{}, false
}

func checkNaming(path, name string) (answer, bool) {
	if !commandName.MatchString(name) {
		return formError(path+".name", "APPLICATION_COMMAND_INVALID_NAME", "Command name is invalid"), true
	}
	if strings.ToLower(name) != name {
		return formError(path+".name", "APPLICATION_COMMAND_INVALID_NAME", "Command name must be lower case where a lower-case variant exists"), true
	}
	return answer{}, false
}

// checkOptions checks an options array and returns its characters
// towards the command's total.
func checkOptions(path string, opts []any) (int, answer, bool) {
	if len(opts) > maxOptions {
		return 0, formError(path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxOptions)), true
	}
	total := 0
	optional := false
	for k, ov := range opts {
		o, _ := ov.(map[string]any)
		p := fmt.Sprintf("%s.%d", path, k)
		name := str(o["name"])
		if a, bad := checkNaming(p, name); bad {
			return 0, a, true
		}
		desc := str(o["description"])
		if n := runes(desc); n < 1 || n > maxDescription {
			return 0, formError(p+".description", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and %d in length (got %d).", maxDescription, n)), true
		}
		total += runes(name) + runes(desc)
		required, _ := o["required"].(bool)
		if required && optional {
			return 0, formError(p+".required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID", "Required options must be placed before non-required options"), true
		}
		optional = optional || !required
		choices, _ := o["choices"].([]any)
		if auto, _ := o["autocomplete"].(bool); auto && len(choices) > 0 {
			return 0, formError(p+".autocomplete", "APPLICATION_COMMAND_AUTOCOMPLETE_INVALID", "Autocomplete cannot be set with choices"), true
		}
		if len(choices) > maxChoices {
			return 0, formError(p+".choices", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length.", maxChoices)), true
		}
		for _, cv := range choices {
			c, _ := cv.(map[string]any)
			total += runes(str(c["name"])) + runes(fmt.Sprint(c["value"]))
		}
		sub, _ := o["options"].([]any)
		n, a, bad := checkOptions(p+".options", sub)
		if bad {
			return 0, a, true
		}
		total += n
	}
	return total, answer{}, false
}
