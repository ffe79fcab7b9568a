package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestAdminCommandsGuildInstallOnly (issue 9 item 7): admin commands are
// registered for the guild install only (integration_types [0]), and the
// permission check requires the interaction to come through this guild's
// install. With User Install enabled, a command without integration_types
// follows the app's installation contexts
// (developers/interactions/application-commands#application-command-object-application-command-structure),
// and a Manage Server member of any guild could run /reindex through a
// user install: authorizing_integration_owners then maps only "1" (user
// install) to the user
// (developers/interactions/receiving-and-responding#interaction-object-authorizing-integration-owners-object).
func TestAdminCommandsGuildInstallOnly(t *testing.T) {
	for _, c := range Commands() {
		admin := c.DefaultMemberPermissions != nil
		guildOnly := c.IntegrationTypes != nil && len(*c.IntegrationTypes) == 1 && (*c.IntegrationTypes)[0] == discordgo.ApplicationIntegrationGuildInstall
		if admin && !guildOnly {
			t.Errorf("/%s is an admin command without integration_types [GUILD_INSTALL]: %v", c.Name, c.IntegrationTypes)
		}
	}
	b, _, _ := newTestBot(Config{AdminUserIDs: []string{"u-allow"}}, newAnswerer(), newCorpus(3))
	manage := int64(discordgo.PermissionManageGuild)
	for _, tc := range []struct {
		name   string
		owners map[discordgo.ApplicationIntegrationType]string
		user   string
		want   bool
	}{
		{"guild install of this guild", guildInstall(), "u-m", true},
		{"user install only", map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationUserInstall: "u-m"}, "u-m", false},
		{"user install, allowlisted user", map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationUserInstall: "u-allow"}, "u-allow", false},
		{"another guild's install", map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationGuildInstall: "200000000000000999"}, "u-m", false},
		{"no owners", nil, "u-m", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			i := command(tc.user, manage, "stats")
			i.AuthorizingIntegrationOwners = tc.owners
			r := &recorder{}
			b.HandleInteraction(context.Background(), i, r)
			if got := strings.Contains(r.text(), "Questions answered"); got != tc.want {
				t.Errorf("/stats through %s: allowed = %v, want %v (reply %q)", tc.name, got, tc.want, r.text())
			}
		})
	}
}
