package bot

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
)

// MaxQuestion is the longest question, in characters, the bot accepts.
const MaxQuestion = 300

// adminPermission is what admin commands require: Manage Server.
const adminPermission = int64(discordgo.PermissionManageGuild)

// Commands returns the slash command definitions the bot registers.
func Commands() []*discordgo.ApplicationCommand {
	admin := adminPermission
	noDM := false
	guildOnly := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	// Admin commands exist only where the app is installed to the guild: a
	// user install would let a Manage Server member of any guild run them
	// (developers/interactions/application-commands#contexts).
	guildInstall := &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	str := discordgo.ApplicationCommandOptionString
	return []*discordgo.ApplicationCommand{
		{Name: "ask", Description: "Ask a supply-chain question; answered with quoted, cited excerpts",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: str, Name: "question", Description: "Your question", Required: true, MaxLength: MaxQuestion},
				{Type: discordgo.ApplicationCommandOptionBoolean, Name: "private", Description: "Show the answer to you only"},
			}},
		{Name: "search", Description: "Search the corpus for passages",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: str, Name: "query", Description: "Words to look for", Required: true, MaxLength: MaxQuestion},
			}},
		{Name: "source", Description: "Show an article of the corpus",
			Options: []*discordgo.ApplicationCommandOption{
				{Type: str, Name: "title", Description: "Article title", Required: true, Autocomplete: true},
			}},
		{Name: "sources", Description: "List the articles of the corpus"},
		{Name: "help", Description: "How to use Chokepoint"},
		{Name: "about", Description: "Corpus size, index age and version"},
		{Name: "reindex", Description: "Rebuild the index from the corpus (admins)",
			DefaultMemberPermissions: &admin, DMPermission: &noDM, Contexts: guildOnly, IntegrationTypes: guildInstall},
		{Name: "corpus", Description: "Manage the corpus (admins)",
			DefaultMemberPermissions: &admin, DMPermission: &noDM, Contexts: guildOnly, IntegrationTypes: guildInstall,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", Description: "Add an article: a .md or .txt file, or a web page's URL",
					Options: []*discordgo.ApplicationCommandOption{
						{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "The article file (.md or .txt)"},
						{Type: str, Name: "url", Description: "A web page whose article to fetch (http or https)", MaxLength: 2000},
					}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "remove", Description: "Remove an article",
					Options: []*discordgo.ApplicationCommandOption{
						{Type: str, Name: "id", Description: "Document ID", Required: true, Autocomplete: true},
					}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "status", Description: "Corpus and index status"},
			}},
		{Name: "stats", Description: "Usage statistics (admins)",
			DefaultMemberPermissions: &admin, DMPermission: &noDM, Contexts: guildOnly, IntegrationTypes: guildInstall,
			Options: []*discordgo.ApplicationCommandOption{daysOption("Window in days (default 7)")}},
		feedsCommand(&admin, &noDM, guildOnly, guildInstall),
		{Name: "gaps", Description: "Questions the corpus could not answer, most asked first (admins)",
			DefaultMemberPermissions: &admin, DMPermission: &noDM, Contexts: guildOnly, IntegrationTypes: guildInstall,
			Options: []*discordgo.ApplicationCommandOption{daysOption("Window in days (default 30)")}},
	}
}

// normalCommand is the part of a definition that matters when comparing
// what Discord has with what the bot wants; Discord adds IDs and versions.
type normalCommand struct {
	Name        string
	Type        discordgo.ApplicationCommandType
	Description string
	Perms       string
	Contexts    []discordgo.InteractionContextType
	Integration []discordgo.ApplicationIntegrationType
	Options     []normalOption
}

type normalOption struct {
	Type         discordgo.ApplicationCommandOptionType
	Name         string
	Description  string
	Required     bool
	Autocomplete bool
	MaxLength    int
	Options      []normalOption
}

func normalise(cmds []*discordgo.ApplicationCommand) map[string]normalCommand {
	out := make(map[string]normalCommand, len(cmds))
	for _, c := range cmds {
		n := normalCommand{Name: c.Name, Type: c.Type, Description: c.Description, Options: normalOptions(c.Options)}
		if n.Type == 0 {
			n.Type = discordgo.ChatApplicationCommand
		}
		if c.DefaultMemberPermissions != nil {
			n.Perms = fmt.Sprint(*c.DefaultMemberPermissions)
		}
		if c.Contexts != nil {
			n.Contexts = *c.Contexts
		}
		if c.IntegrationTypes != nil {
			n.Integration = *c.IntegrationTypes
		}
		out[c.Name] = n
	}
	return out
}

func normalOptions(opts []*discordgo.ApplicationCommandOption) []normalOption {
	var out []normalOption
	for _, o := range opts {
		out = append(out, normalOption{Type: o.Type, Name: o.Name, Description: o.Description,
			Required: o.Required, Autocomplete: o.Autocomplete, MaxLength: o.MaxLength, Options: normalOptions(o.Options)})
	}
	return out
}

// commandAPI is the part of *discordgo.Session registration uses.
type commandAPI interface {
	ApplicationCommands(appID, guildID string, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
	ApplicationCommandBulkOverwrite(appID, guildID string, commands []*discordgo.ApplicationCommand, options ...discordgo.RequestOption) ([]*discordgo.ApplicationCommand, error)
}

// Register makes Discord's commands for appID match Commands(), globally or
// in each of Config.DevGuildIDs, with one bulk overwrite per scope and only
// when the definitions differ. It reports whether it overwrote any.
func (b *Bot) Register(ctx context.Context, api commandAPI, appID string) (changed bool, err error) {
	want := Commands()
	scopes := b.cfg.DevGuildIDs
	if len(scopes) == 0 {
		scopes = []string{""}
	}
	for _, guild := range scopes {
		var have []*discordgo.ApplicationCommand
		err := b.retryREST(ctx, func() (err error) {
			have, err = api.ApplicationCommands(appID, guild, noRetry(ctx)...)
			return err
		})
		if err != nil {
			return changed, fmt.Errorf("list commands of guild %q: %w", guild, err)
		}
		if reflect.DeepEqual(normalise(have), normalise(want)) {
			continue
		}
		err = b.retryREST(ctx, func() error {
			_, err := api.ApplicationCommandBulkOverwrite(appID, guild, want, noRetry(ctx)...)
			return err
		})
		if err != nil {
			return changed, fmt.Errorf("overwrite commands of guild %q: %w", guild, err)
		}
		changed = true
		b.log.Info("commands registered", "guild_id", guild, "count", len(want))
	}
	return changed, nil
}

// route dispatches an interaction to its handler.
func (b *Bot) route(ctx context.Context, i *discordgo.Interaction, r Responder, start time.Time) error {
	switch i.Type {
	case discordgo.InteractionPing:
		return r.Respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
	case discordgo.InteractionApplicationCommandAutocomplete:
		return b.autocomplete(ctx, i, r)
	case discordgo.InteractionMessageComponent:
		return b.component(ctx, i, r, start)
	case discordgo.InteractionApplicationCommand:
	default:
		return fmt.Errorf("unsupported interaction type %d", i.Type)
	}
	d := i.ApplicationCommandData()
	switch d.Name {
	case "ask":
		return b.ask(ctx, i, r, start)
	case "search":
		return b.search(ctx, i, r, start)
	case "source":
		return b.source(ctx, i, r, start)
	case "sources":
		return b.sources(ctx, i, r, start)
	case "help":
		return b.respondFirst(ctx, r, message(Reply{Content: helpText, Ephemeral: true}), start)
	case "about":
		return b.about(ctx, r, start)
	case "reindex", "corpus", "stats", "feeds", "gaps":
		if !b.isAdmin(i) {
			return tellUser("This command is for server managers only.", nil)
		}
		switch d.Name {
		case "reindex":
			return b.reindexCmd(ctx, r, start)
		case "stats":
			if b.deps.Log != nil {
				return b.logStatsCmd(ctx, i, r, start)
			}
			return b.statsCmd(ctx, r, start)
		case "feeds":
			return b.feedsCmd(ctx, i, r, start)
		case "gaps":
			return b.gapsCmd(ctx, i, r, start)
		}
		return b.corpusCmd(ctx, i, r, start)
	}
	return fmt.Errorf("unknown command %q", d.Name)
}

// isAdmin re-checks in code what default_member_permissions only hides:
// Manage Server (or Administrator) in this guild, or an allowlisted user or
// role. In DMs nobody is an admin, and nobody is through an install of the
// app that is not this guild's: authorizing_integration_owners must map the
// guild install to this guild
// (developers/interactions/receiving-and-responding#interaction-object-authorizing-integration-owners-object).
func (b *Bot) isAdmin(i *discordgo.Interaction) bool {
	if i.Member == nil || i.GuildID == "" {
		return false
	}
	if i.AuthorizingIntegrationOwners[discordgo.ApplicationIntegrationGuildInstall] != i.GuildID {
		return false
	}
	if i.Member.Permissions&(adminPermission|discordgo.PermissionAdministrator) != 0 {
		return true
	}
	if i.Member.User != nil && slices.Contains(b.cfg.AdminUserIDs, i.Member.User.ID) {
		return true
	}
	for _, role := range i.Member.Roles {
		if slices.Contains(b.cfg.AdminRoleIDs, role) {
			return true
		}
	}
	return false
}

// option returns the named option of a command (searching one level of
// subcommand), or nil.
func option(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) *discordgo.ApplicationCommandInteractionDataOption {
	for _, o := range opts {
		if o.Name == name {
			return o
		}
		if o.Type == discordgo.ApplicationCommandOptionSubCommand {
			if x := option(o.Options, name); x != nil {
				return x
			}
		}
	}
	return nil
}

func stringOption(i *discordgo.Interaction, name string) string {
	o := option(i.ApplicationCommandData().Options, name)
	if o == nil {
		return ""
	}
	s, _ := o.Value.(string)
	return s
}

func boolOption(i *discordgo.Interaction, name string) bool {
	o := option(i.ApplicationCommandData().Options, name)
	if o == nil {
		return false
	}
	v, _ := o.Value.(bool)
	return v
}

// subcommand returns the name of the invoked subcommand, or "".
func subcommand(i *discordgo.Interaction) string {
	for _, o := range i.ApplicationCommandData().Options {
		if o.Type == discordgo.ApplicationCommandOptionSubCommand {
			return o.Name
		}
	}
	return ""
}

const helpText = "**Chokepoint** answers supply-chain questions from a corpus of critique articles, " +
	"quoting them verbatim with numbered citations. When the corpus does not cover a question it says so.\n\n" +
	"• `/ask question:` — ask (add `private:true` to see the answer alone)\n" +
	"• mention me with a question, or DM me\n" +
	"• `/search query:` — find passages\n" +
	"• `/source title:` and `/sources` — browse the articles\n" +
	"• `/about` — corpus size, index age, version\n" +
	"Buttons under an answer show more excerpts, a whole passage, or record 👍/👎."

// autocomplete answers autocomplete for /source title and /corpus remove id.
func (b *Bot) autocomplete(ctx context.Context, i *discordgo.Interaction, r Responder) error {
	var typed string
	for _, o := range flatten(i.ApplicationCommandData().Options) {
		if o.Focused {
			typed, _ = o.Value.(string)
		}
	}
	var choices []*discordgo.ApplicationCommandOptionChoice
	// Document IDs are offered to admins only.
	byID := i.ApplicationCommandData().Name == "corpus"
	if b.deps.Library != nil && (!byID || b.isAdmin(i)) {
		typed = strings.ToLower(strings.TrimSpace(typed))
		for _, d := range b.deps.Library.Documents() {
			if len(choices) == 25 {
				break
			}
			if len(d.ID) > 100 {
				continue
			}
			hay := strings.ToLower(d.Title + " " + d.ID)
			if typed != "" && !strings.Contains(hay, typed) {
				continue
			}
			name := truncate(d.Title, 100)
			if byID {
				name = truncate(d.ID+" — "+d.Title, 100)
			}
			if name == "" {
				name = d.ID
			}
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: d.ID})
		}
	}
	return r.Respond(ctx, choicesResponse(choices))
}

// choicesResponse answers an autocomplete with choices; nil sends an empty
// list, as Discord wants a list even when nothing matches.
func choicesResponse(choices []*discordgo.ApplicationCommandOptionChoice) *discordgo.InteractionResponse {
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	return &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices}}
}

func flatten(opts []*discordgo.ApplicationCommandInteractionDataOption) []*discordgo.ApplicationCommandInteractionDataOption {
	var out []*discordgo.ApplicationCommandInteractionDataOption
	for _, o := range opts {
		out = append(out, o)
		out = append(out, flatten(o.Options)...)
	}
	return out
}
