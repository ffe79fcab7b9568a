package bot

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Backoff of start-up attempts while Discord cannot be reached: a short
// outage (a deploy of theirs, a network blip) is ridden out without an
// outside restart, and a long one costs a request a minute.
const (
	startupBackoff    = time.Second
	startupBackoffMax = time.Minute
)

// untilReachable runs f until it succeeds, ctx ends (it returns ctx's
// error), or it fails in a way that retrying will not change (it returns
// that error). Other failures are logged and retried with backoff.
func (b *Bot) untilReachable(ctx context.Context, what string, f func() error) error {
	for delay := startupBackoff; ; delay = min(2*delay, startupBackoffMax) {
		err := f()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !transient(err) {
			return err
		}
		b.log.Warn("discord unreachable; retrying", "what", what, "err", err, "retry_in", delay)
		if err := b.sleep(ctx, delay); err != nil {
			return err
		}
	}
}

// transient reports whether err may go away by itself: a network error, a
// server error or rate limit of Discord's, a gateway socket that closed
// with a code other than the ones that refuse the bot. A request Discord
// refused (a bad token, missing access, a bad request) or a gateway close
// that refuses the bot's identity, shard, version or intents is not.
func transient(err error) bool {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil {
		code := rest.Response.StatusCode
		return code >= 500 || code == http.StatusTooManyRequests || code == http.StatusRequestTimeout
	}
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		// developers/topics/opcodes-and-status-codes#gateway-gateway-close-event-codes:
		// 4004 authentication failed, 4010 invalid shard, 4011 sharding
		// required, 4012 invalid API version, 4013 invalid intents, 4014
		// disallowed intents; the others say to reconnect.
		switch ce.Code {
		case 4004, 4010, 4011, 4012, 4013, 4014:
			return false
		}
		return true
	}
	if errors.Is(err, discordgo.ErrWSShardBounds) {
		return false
	}
	return true
}

// openGateway opens s, after this shard's turn to identify, retrying while
// Discord cannot be reached.
func (b *Bot) openGateway(ctx context.Context, s *discordgo.Session) error {
	err := b.untilReachable(ctx, "open gateway", func() error {
		if err := b.awaitIdentifyTurn(ctx, s); err != nil {
			return err
		}
		return s.Open()
	})
	var ce *websocket.CloseError
	switch {
	case err == nil, ctx.Err() != nil:
		return err
	case errors.As(err, &ce) && ce.Code == 4014:
		return fmt.Errorf("open gateway: Discord refused a privileged intent (close 4014): enable the Message Content intent on the application's Bot page in the Developer Portal, or configure no listen channels: %w", err)
	}
	return fmt.Errorf("open gateway: %w", err)
}
