package bot

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
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
// commands when they changed, and serves interactions and messages until
// ctx is cancelled. Then it stops taking events, waits up to
// Config.ShutdownTimeout for running handlers and closes the session.
func (b *Bot) Run(ctx context.Context) error {
	s := b.deps.Session
	if s == nil {
		return errors.New("run bot: no discord session")
	}
	if b.deps.Answerer == nil {
		return errors.New("run bot: no answerer")
	}
	s.Identify.Intents = b.Intents()

	// Handlers outlive ctx by up to the shutdown timeout so that answers in
	// progress are delivered.
	hctx, hcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer hcancel()

	var readies int
	var readyMu sync.Mutex
	removers := []func(){
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
			b.HandleInteraction(hctx, ic.Interaction, &sessionResponder{s: s, i: ic.Interaction})
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

	if err := s.Open(); err != nil {
		return fmt.Errorf("open gateway: %w", err)
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
	if _, err := b.Register(ctx, s, appID); err != nil && ctx.Err() == nil {
		b.flight.drain(b.cfg.ShutdownTimeout)
		_ = s.Close()
		return fmt.Errorf("register commands: %w", err)
	}

	<-ctx.Done()
	if !b.flight.drain(b.cfg.ShutdownTimeout) {
		b.log.Warn("shutdown timed out with handlers running", "timeout", b.cfg.ShutdownTimeout)
	}
	hcancel()
	if err := s.Close(); err != nil {
		return fmt.Errorf("close gateway: %w", err)
	}
	return nil
}

// sessionResponder responds to an interaction over Discord's REST API.
type sessionResponder struct {
	s *discordgo.Session
	i *discordgo.Interaction
}

func (r *sessionResponder) Respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	return r.s.InteractionRespond(r.i, resp, discordgo.WithContext(ctx))
}

// editBody is an edit of @original. discordgo's WebhookEdit has no flags
// field, and SUPPRESS_EMBEDS must be on every message.
type editBody struct {
	Content         string                            `json:"content"`
	Components      []discordgo.MessageComponent      `json:"components"`
	AllowedMentions *discordgo.MessageAllowedMentions `json:"allowed_mentions"`
	Flags           discordgo.MessageFlags            `json:"flags"`
}

func (r *sessionResponder) Edit(ctx context.Context, rep Reply) error {
	comps := rep.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{}
	}
	url := discordgo.EndpointInteractionResponseActions(r.i.AppID, r.i.Token)
	_, err := r.s.RequestWithBucketID("PATCH", url,
		editBody{Content: rep.Content, Components: comps, AllowedMentions: noMentions(), Flags: discordgo.MessageFlagsSuppressEmbeds},
		editBucket(r.i.AppID, r.i.Token), discordgo.WithContext(ctx))
	return err
}

// editBuckets is how many rate-limit buckets edits are spread over.
// discordgo holds a bucket's lock for a whole request, so one shared bucket
// (discordgo's choice for webhook edits) serialises every answer; Discord
// limits webhooks per token, and a bucket per token would grow discordgo's
// bucket map forever. A few shards bound both.
const editBuckets = 16

func editBucket(appID, token string) string {
	h := fnv.New32a()
	h.Write([]byte(token))
	return discordgo.EndpointInteractionResponseActions(appID, "") + "#" + strconv.Itoa(int(h.Sum32()%editBuckets))
}

func (r *sessionResponder) Followup(ctx context.Context, rep Reply) error {
	flags := discordgo.MessageFlagsSuppressEmbeds
	if rep.Ephemeral {
		flags |= discordgo.MessageFlagsEphemeral
	}
	_, err := r.s.FollowupMessageCreate(r.i, true, &discordgo.WebhookParams{
		Content: rep.Content, Components: rep.Components, AllowedMentions: noMentions(), Flags: flags,
	}, discordgo.WithContext(ctx))
	return err
}

// Messenger sends channel messages; *discordgo.Session implements it.
type Messenger interface {
	ChannelMessageSendComplex(channelID string, data *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
	MessageThreadStartComplex(channelID, messageID string, data *discordgo.ThreadStart, options ...discordgo.RequestOption) (*discordgo.Channel, error)
}

// HandleMessage answers a message that mentions the bot (selfID), a DM, or
// any message in a Config.ListenChannelIDs channel, by replying through m.
// Messages from bots, itself included, are ignored. Errors end at one exit:
// logged, and the asker gets fixed text.
func (b *Bot) HandleMessage(ctx context.Context, out Messenger, m *discordgo.Message, selfID string) {
	if m == nil || m.Author == nil || m.Author.Bot || m.Author.ID == selfID {
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
	if _, sendErr := out.ChannelMessageSendComplex(m.ChannelID, reply(m, Reply{Content: msg}), discordgo.WithContext(ctx)); sendErr != nil {
		b.log.Error("error reply failed", "channel_id", m.ChannelID, "err", sendErr)
	}
}

// stripMention removes the bot's mentions (<@id> and <@!id>) from content.
func stripMention(content, selfID string) string {
	if selfID != "" {
		content = strings.ReplaceAll(content, "<@"+selfID+">", " ")
		content = strings.ReplaceAll(content, "<@!"+selfID+">", " ")
	}
	return strings.TrimSpace(content)
}

// reply builds a reply to m that pings no one, not even m's author.
func reply(m *discordgo.Message, r Reply) *discordgo.MessageSend {
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
	switch v, note := b.admit(m.Author.ID, channel, q); v {
	case limited:
		return tellUser(note, nil)
	case duplicate:
		return nil // answered just above; mentions get no pointer, to keep channels quiet
	}
	began := b.cfg.Now()
	a, err := b.answer(ctx, q)
	if err != nil {
		return err
	}
	logged := LoggedQuestion{Asked: began, GuildID: m.GuildID, ChannelID: channel, UserID: m.Author.ID, Latency: b.cfg.Now().Sub(began)}
	rep := renderAnswer(a)
	if !dm && slices.Contains(b.cfg.ThreadChannelIDs, channel) {
		th, err := out.MessageThreadStartComplex(channel, m.ID, &discordgo.ThreadStart{
			Name: truncate(oneLine(q), 100), AutoArchiveDuration: 1440,
		}, discordgo.WithContext(ctx))
		if err != nil {
			return fmt.Errorf("start thread: %w", err)
		}
		sent, err := out.ChannelMessageSendComplex(th.ID, reply(nil, rep), discordgo.WithContext(ctx))
		if err != nil {
			return fmt.Errorf("send answer in thread: %w", err)
		}
		logged.ChannelID, logged.MessageID = th.ID, messageID(sent)
		b.logAnswer(ctx, logged, a)
		return nil
	}
	sent, err := out.ChannelMessageSendComplex(channel, reply(m, rep), discordgo.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("send answer: %w", err)
	}
	logged.MessageID = messageID(sent)
	b.logAnswer(ctx, logged, a)
	return nil
}
