package bot

import (
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// NewSession returns a gateway session for a bot token (with or without
// its "Bot " prefix), sharded when shardCount > 0. discordgo's own logging
// is kept to errors. Pass it to New in Deps.Session; Run opens it.
func NewSession(token string, shardID, shardCount int) (*discordgo.Session, error) {
	s, err := discordgo.New("Bot " + strings.TrimPrefix(token, "Bot "))
	if err != nil {
		return nil, fmt.Errorf("discord session: %w", err)
	}
	if shardCount > 0 {
		s.ShardID, s.ShardCount = shardID, shardCount
	}
	s.LogLevel = discordgo.LogError
	// The bot retries rate-limited requests itself, a bounded number of
	// times; discordgo would retry forever.
	s.ShouldRetryOnRateLimit = false
	return s, nil
}

// Connected reports whether Run's gateway session is open and has
// received READY (or RESUMED); false when the bot has no session. It
// takes no lock of the session's, which Open holds while it connects, so
// a readiness probe answers at once.
func (b *Bot) Connected() bool { return b.connected.Load() }

// RegisterOverREST registers the commands for application appID over REST
// with a bot token, for deployments that receive interactions over HTTP
// and never open the gateway. It uses Deps.HTTPClient when set. As
// Register, it writes only when the definitions changed, and reports
// whether they did. While Discord cannot be reached it retries with
// backoff until ctx ends; it returns an error at once for what retrying
// cannot change, such as a refused token.
func (b *Bot) RegisterOverREST(ctx context.Context, token, appID string) (bool, error) {
	s, err := NewSession(token, 0, 0)
	if err != nil {
		return false, err
	}
	if b.deps.HTTPClient != nil {
		s.Client = b.deps.HTTPClient
	}
	var changed bool
	err = b.untilReachable(ctx, "register commands", func() (err error) {
		changed, err = b.Register(ctx, s, appID)
		return err
	})
	return changed, err
}
