package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Intents returns the gateway intents the bot needs: guilds, guild messages
// and DMs, plus the privileged Message Content intent only when un-mentioned
// messages are answered somewhere (Config.ListenChannelIDs).
func (b *Bot) Intents() discordgo.Intent {
	in := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages | discordgo.IntentsDirectMessages
	if len(b.cfg.ListenChannelIDs) > 0 {
		in |= discordgo.IntentsMessageContent
	}
	return in
}

// flight counts in-flight handlers so shutdown can wait for them.
type flight struct {
	mu     sync.Mutex
	closed bool
	wg     sync.WaitGroup
}

// begin reports whether a new handler may start; it may not after drain.
func (f *flight) begin() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.wg.Add(1)
	return true
}

func (f *flight) end() { f.wg.Done() }

// drain refuses new handlers and waits up to timeout for running ones; it
// reports whether they all finished.
func (f *flight) drain(timeout time.Duration) bool {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	done := make(chan struct{})
	go func() { f.wg.Wait(); close(done) }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-done:
		return true
	case <-t.C:
		return false
	}
}

// Run connects to the Discord gateway with Deps.Session, registers the
// commands when they changed (shard 0 only, when sharded), and serves
// interactions and messages until ctx is cancelled. Then it stops taking
// events, waits up to Config.ShutdownTimeout for running handlers, cancels
// those still running and closes the session. While Discord cannot be
// reached at start it retries with backoff (1 s doubling to 1 min); it
// returns an error only for what retrying cannot change, such as a
// refused token or intent.
func (b *Bot) Run(ctx context.Context) error {
	s := b.deps.Session
	if s == nil {
		return errors.New("run bot: no discord session")
	}
	if b.deps.Answerer == nil {
		return errors.New("run bot: no answerer")
	}
	s.Identify.Intents = b.Intents()
	// The bot retries rate-limited requests itself, boundedly; discordgo
	// would retry forever.
	s.ShouldRetryOnRateLimit = false

	// Handlers outlive ctx by up to the shutdown timeout so that answers in
	// progress are delivered.
	hctx, hcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer hcancel()

	var readies int
	var readyMu sync.Mutex
	defer b.connected.Store(false)
	removers := []func(){
		s.AddHandler(func(*discordgo.Session, *discordgo.Connect) { b.connected.Store(true) }),
		s.AddHandler(func(*discordgo.Session, *discordgo.Disconnect) { b.connected.Store(false) }),
		s.AddHandler(func(_ *discordgo.Session, r *discordgo.Ready) {
			readyMu.Lock()
			readies++
			again := readies > 1
			readyMu.Unlock()
			b.log.Info("ready", "guild_count", len(r.Guilds))
			if again {
				b.metrics.Reconnected()
			}
		}),
		s.AddHandler(func(_ *discordgo.Session, _ *discordgo.Resumed) {
			b.log.Info("gateway resumed")
			b.metrics.Reconnected()
		}),
		s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
			if !b.flight.begin() {
				return
			}
			defer b.flight.end()
			b.HandleInteraction(hctx, ic.Interaction, b.newSessionResponder(s, ic.Interaction))
		}),
		s.AddHandler(func(s *discordgo.Session, mc *discordgo.MessageCreate) {
			if !b.flight.begin() {
				return
			}
			defer b.flight.end()
			s.State.RLock()
			self := ""
			if s.State.User != nil {
				self = s.State.User.ID
			}
			s.State.RUnlock()
			b.HandleMessage(hctx, s, mc.Message, self)
		}),
	}
	defer func() {
		for _, rm := range removers {
			rm()
		}
	}()

	// Until the gateway is open Connected is false, which /readyz shows.
	if err := b.openGateway(ctx, s); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while waiting for Discord: nothing to close
		}
		return err
	}
	s.State.RLock()
	appID := ""
	if s.State.Application != nil {
		appID = s.State.Application.ID
	}
	s.State.RUnlock()
	if appID == "" {
		_ = s.Close()
		return errors.New("open gateway: ready carried no application id")
	}
	// Every shard of a sharded bot sees the same commands: one registers.
	// Interactions are served meanwhile (with the commands Discord holds).
	if s.ShardCount <= 1 || s.ShardID == 0 {
		err := b.untilReachable(ctx, "register commands", func() error {
			_, err := b.Register(ctx, s, appID)
			return err
		})
		if err != nil && ctx.Err() == nil {
			b.shutdown(hcancel)
			_ = s.Close()
			return fmt.Errorf("register commands: %w", err)
		}
	}

	b.log.Info("serving", "shard_id", s.ShardID, "shard_count", s.ShardCount)

	wctx, wcancel := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		b.watchHeartbeats(wctx, s)
	}()

	<-ctx.Done()
	wcancel()
	<-watched
	b.shutdown(hcancel)
	if err := s.Close(); err != nil {
		return fmt.Errorf("close gateway: %w", err)
	}
	return nil
}

// shutdown drains handlers for Config.ShutdownTimeout, then cancels the
// ones still running and gives them a moment to return, so that nothing
// they hold is closed under them.
func (b *Bot) shutdown(cancel context.CancelFunc) {
	if b.flight.drain(b.cfg.ShutdownTimeout) {
		return
	}
	b.log.Warn("shutdown timed out with handlers running; cancelling them", "timeout", b.cfg.ShutdownTimeout)
	cancel()
	if !b.flight.drain(cancelGrace) {
		b.log.Error("handlers still running after cancel", "grace", cancelGrace)
	}
}

// cancelGrace is how long cancelled handlers get to return.
const cancelGrace = 5 * time.Second

// identifyInterval: one IDENTIFY per rate-limit key per 5 seconds
// (developers/events/gateway#session-start-limit-object, max_concurrency).
const identifyInterval = 5 * time.Second

// awaitIdentifyTurn delays a shard's first IDENTIFY until its turn: shards
// start max_concurrency at a time, in order of shard_id / max_concurrency,
// one group per 5 seconds (developers/events/gateway#sharding-max-concurrency).
// Shard processes started together would otherwise identify at once, get
// op 9, and (discordgo re-identifying at once on the same socket) could
// loop. It also waits out an exhausted session start limit.
func (b *Bot) awaitIdentifyTurn(ctx context.Context, s *discordgo.Session) error {
	if s.ShardCount <= 1 {
		return nil
	}
	var gb *discordgo.GatewayBotResponse
	err := b.retryREST(ctx, func() (err error) {
		gb, err = s.GatewayBot(noRetry(ctx)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("open gateway: session start limit: %w", err)
	}
	lim := gb.SessionStartLimit
	wait := time.Duration(s.ShardID/max(lim.MaxConcurrency, 1)) * identifyInterval
	if lim.Total > 0 && lim.Remaining <= 0 {
		wait = max(wait, time.Duration(lim.ResetAfter)*time.Millisecond)
	}
	if wait <= 0 {
		return nil
	}
	b.log.Info("waiting for this shard's turn to identify", "shard_id", s.ShardID, "max_concurrency", lim.MaxConcurrency, "wait", wait)
	if err := b.sleep(ctx, wait); err != nil {
		return fmt.Errorf("open gateway: %w", err)
	}
	return nil
}

// watchHeartbeats resumes a zombied connection. When the last heartbeat
// ACK is older than Config.HeartbeatTimeout, it closes the socket with a
// code other than 1000 or 1001, which keeps the session resumable, and
// opens it again, which resumes
// (developers/events/gateway#sending-heartbeats). discordgo v0.29.0 would
// notice only after five heartbeat intervals and close with 1000, which
// invalidates the session and loses the events in the gap.
func (b *Bot) watchHeartbeats(ctx context.Context, s *discordgo.Session) {
	t := time.NewTicker(max(b.cfg.HeartbeatTimeout/4, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.RLock()
		ready, ack := s.DataReady, s.LastHeartbeatAck
		s.RUnlock()
		// discordgo stamps ACKs with the wall clock, not Config.Now.
		if !ready || time.Since(ack) < b.cfg.HeartbeatTimeout {
			continue
		}
		b.log.Warn("gateway heartbeat not acknowledged; reconnecting to resume", "last_ack", ack)
		_ = s.CloseWithCode(websocket.CloseServiceRestart)
		b.reopen(ctx, s)
	}
}

// reopen opens the session again (a RESUME, since it keeps its session
// ID), backing off while it fails.
func (b *Bot) reopen(ctx context.Context, s *discordgo.Session) {
	for delay := time.Second; ; delay = min(2*delay, time.Minute) {
		err := s.Open()
		if err == nil || errors.Is(err, discordgo.ErrWSAlreadyOpen) {
			return
		}
		b.log.Warn("gateway reconnect failed", "err", err, "retry_in", delay)
		if b.sleep(ctx, delay) != nil {
			return
		}
	}
}

// sessionResponder responds to an interaction over Discord's REST API.
type sessionResponder struct {
	b *Bot
	w *webhook

	mu sync.Mutex
	// target is the message Edit changes: "@original", or a follow-up
	// that stands in for it; private: that message is ephemeral.
	target  string
	private bool
}

func (b *Bot) newSessionResponder(s *discordgo.Session, i *discordgo.Interaction) *sessionResponder {
	return &sessionResponder{b: b, target: "@original",
		w: &webhook{s: s, i: i, received: b.cfg.Now(), now: b.cfg.Now, sleep: b.sleep}}
}

func (r *sessionResponder) Respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	resp = fitResponse(resp)
	if err := r.w.callback(ctx, resp); err != nil {
		return err
	}
	r.noteFirst(resp)
	return nil
}

// noteFirst records the first response Discord got, whoever sent it.
func (r *sessionResponder) noteFirst(resp *discordgo.InteractionResponse) {
	r.mu.Lock()
	r.private = ephemeralResponse(resp)
	r.mu.Unlock()
}

// editBody is an edit of a message. discordgo's WebhookEdit has no flags
// field, and SUPPRESS_EMBEDS must be on every message.
type editBody struct {
	Content         string                            `json:"content"`
	Components      []discordgo.MessageComponent      `json:"components"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Flags           discordgo.MessageFlags            `json:"flags"`
}

// Edit replaces the message the interaction shows (see target).
func (r *sessionResponder) Edit(ctx context.Context, rep Reply) error {
	rep = fitReply(rep)
	comps := rep.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	r.mu.Lock()
	target, private := r.target, r.private
	r.mu.Unlock()
	err := r.w.edit(ctx, target, editBody{Content: rep.Content, Components: comps, AllowedMentions: noMentions(), Flags: discordgo.MessageFlagsSuppressEmbeds})
	if errors.Is(err, errTokenExpired) {
		return r.expired(ctx, rep, private)
	}
	return err
}

// Followup sends a further message.
func (r *sessionResponder) Followup(ctx context.Context, rep Reply) error {
	_, err := r.followup(ctx, rep)
	return err
}

// followup sends a further message and returns its ID.
func (r *sessionResponder) followup(ctx context.Context, rep Reply) (string, error) {
	rep = fitReply(rep)
	flags := discordgo.MessageFlagsSuppressEmbeds
	if rep.Ephemeral {
		flags |= discordgo.MessageFlagsEphemeral
	}
	id, err := r.w.followup(ctx, &discordgo.WebhookParams{
		Content: rep.Content, Components: rep.Components, AllowedMentions: noMentions(), Flags: flags,
	})
	if errors.Is(err, errTokenExpired) {
		return "", r.expired(ctx, rep, rep.Ephemeral)
	}
	return id, err
}

// retarget makes later Edits change message id.
func (r *sessionResponder) retarget(id string, private bool) {
	r.mu.Lock()
	r.target, r.private = id, private
	r.mu.Unlock()
}

// expired handles a reply that came after the token's life. A public one
// is posted as an ordinary channel message when the bot has a gateway
// session (which carries the bot token); a private one, or any without
// such a session, is not delivered. The log says which.
func (r *sessionResponder) expired(ctx context.Context, rep Reply, private bool) error {
	i, s := r.w.i, r.b.deps.Session
	if private || s == nil || s.Token == "" || i.ChannelID == "" {
		r.b.log.Warn("reply not delivered: interaction token expired", "interaction", interactionName(i), "user_id", userID(i))
		return errTokenExpired
	}
	err := r.b.retryREST(ctx, func() error {
		_, err := s.ChannelMessageSendComplex(i.ChannelID, reply(nil, rep), noRetry(ctx)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("post reply after token expiry: %w", err)
	}
	r.b.log.Info("interaction token expired; reply posted as a channel message", "interaction", interactionName(i), "channel_id", i.ChannelID)
	return nil
}

// Messenger sends channel messages; *discordgo.Session implements it.
type Messenger interface {
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
	MessageThreadStartComplex(channelID, messageID string, data *discordgo.ThreadStart, options ...discordgo.RequestOption) (*discordgo.Channel, error)
}

// HandleMessage answers a message that mentions the bot (selfID), a DM, or
// any message in a Config.ListenChannelIDs channel, by replying through m.
// Messages from bots, itself included, are ignored, and so are system
// messages (member joins, pins, threads created…): only DEFAULT and REPLY
// messages can be replied to
// (developers/resources/message#message-object-message-types). Errors end
// at one exit: logged, and the asker gets fixed text.
func (b *Bot) HandleMessage(ctx context.Context, out Messenger, m *discordgo.Message, selfID string) {
	if m == nil || m.Author == nil || m.Author.Bot || m.Author.ID == selfID {
		return
	}
	if m.Type != discordgo.MessageTypeDefault && m.Type != discordgo.MessageTypeReply {
		return
	}
	dm := m.GuildID == ""
	mentioned := false
	for _, u := range m.Mentions {
		if u != nil && u.ID == selfID {
			mentioned = true
		}
	}
	if selfID != "" && (strings.Contains(m.Content, "<@"+selfID+">") || strings.Contains(m.Content, "<@!"+selfID+">")) {
		mentioned = true
	}
	if !dm && !mentioned && !slices.Contains(b.cfg.ListenChannelIDs, m.ChannelID) {
		return
	}
	err := b.safely(func() error { return b.message(ctx, out, m, selfID, dm) })
	if err == nil {
		return
	}
	msg := friendlyError
	var ue *userError
	if errors.As(err, &ue) {
		msg = ue.msg
	} else {
		b.log.Error("message failed", "channel_id", m.ChannelID, "user_id", m.Author.ID, "message_id", m.ID, "err", err)
	}
	if _, sendErr := b.send(ctx, out, m.ChannelID, reply(m, Reply{Content: msg})); sendErr != nil {
		b.log.Error("error reply failed", "channel_id", m.ChannelID, "err", sendErr)
	}
}

// send posts a channel message, retrying a rate limit boundedly.
func (b *Bot) send(ctx context.Context, out Messenger, channelID string, ms *discordgo.MessageSend) (*discordgo.Message, error) {
	var sent *discordgo.Message
	err := b.retryREST(ctx, func() (err error) {
		sent, err = out.ChannelMessageSendComplex(channelID, ms, noRetry(ctx)...)
		return err
	})
	return sent, err
}

// stripMention removes the bot's mentions (<@id> and <@!id>) from content.
func stripMention(content, selfID string) string {
	if selfID != "" {
		content = strings.ReplaceAll(content, "<@"+selfID+">", " ")
		content = strings.ReplaceAll(content, "<@!"+selfID+">", " ")
	}
	return strings.TrimSpace(content)
}

// reply builds a reply to m that pings no one, not even m's author, cut to
// Discord's limits.
func reply(m *discordgo.Message, r Reply) *discordgo.MessageSend {
	r = fitReply(r)
	ms := &discordgo.MessageSend{
		Content: r.Content, Components: r.Components,
		AllowedMentions: noMentions(), Flags: discordgo.MessageFlagsSuppressEmbeds,
	}
	if m != nil {
		f := false
		ms.Reference = &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: &f}
	}
	return ms
}

func (b *Bot) message(ctx context.Context, out Messenger, m *discordgo.Message, selfID string, dm bool) error {
	q := stripMention(m.Content, selfID)
	if q == "" {
		return tellUser("Ask me a question after the mention, e.g. “why can't Russia replace China?”", nil)
	}
	if length(q) > MaxQuestion {
		return errTooLong
	}
	channel := m.ChannelID
	switch v, note := b.admit(m.Author.ID, channel, q, true); v {
	case limited:
		return tellUser(note, nil)
	case duplicate, answering:
		return nil // answered just above, or about to be; mentions get no pointer, to keep channels quiet
	}
	began := b.cfg.Now()
	delivered := false // stays false on an error or a panic
	defer func() { b.settle(channel, q, delivered) }()
	a, err := b.answer(ctx, q)
	if err != nil {
		return err
	}
	logged := LoggedQuestion{Asked: began, GuildID: m.GuildID, ChannelID: channel, UserID: m.Author.ID, Latency: b.cfg.Now().Sub(began)}
	rep := renderAnswer(a)
	if !dm && slices.Contains(b.cfg.ThreadChannelIDs, channel) {
		var th *discordgo.Channel
		err := b.retryREST(ctx, func() (err error) {
			th, err = out.MessageThreadStartComplex(channel, m.ID, &discordgo.ThreadStart{
				Name: truncate(oneLine(q), 100), AutoArchiveDuration: 1440,
			}, noRetry(ctx)...)
			return err
		})
		if err != nil {
			return fmt.Errorf("start thread: %w", err)
		}
		sent, err := b.send(ctx, out, th.ID, reply(nil, rep))
		if err != nil {
			return fmt.Errorf("send answer in thread: %w", err)
		}
		delivered = true
		logged.ChannelID, logged.MessageID = th.ID, messageID(sent)
		b.logAnswer(ctx, logged, a)
		return nil
	}
	sent, err := b.send(ctx, out, channel, reply(m, rep))
	if err != nil {
		return fmt.Errorf("send answer: %w", err)
	}
	delivered = true
	logged.MessageID = messageID(sent)
	b.logAnswer(ctx, logged, a)
	return nil
}
