package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bwmarrin/discordgo"

	"chokepoint"
)

// Answerer composes answers; *chokepoint.Answerer implements it.
type Answerer interface {
	// Answer answers question; it returns chokepoint.ErrEmptyQuestion or
	// chokepoint.ErrQuestionTooLong for bad questions.
	Answer(ctx context.Context, question string) (chokepoint.Answer, error)
	// Search returns up to n passages matching query, best first.
	Search(ctx context.Context, query string, n int) ([]chokepoint.Hit, error)
}

// Library looks up passages and documents of the corpus.
type Library interface {
	// Passage returns the passage with the given ID ("DOCID#INDEX") or an
	// error wrapping chokepoint.ErrNotFound.
	Passage(ctx context.Context, id string) (chokepoint.Hit, error)
	// Documents returns the metadata of every document (Passages nil).
	Documents() []chokepoint.Document
	// Document returns one document or an error wrapping
	// chokepoint.ErrNotFound.
	Document(id string) (chokepoint.Document, error)
}

// Corpus administers the corpus and its index.
type Corpus interface {
	// Reindex brings the index up to date with the corpus directory,
	// calling progress as files are processed. Files that could not be
	// loaded are skipped and returned, not an error.
	Reindex(ctx context.Context, progress func(done, total int)) (chokepoint.IndexStats, []*chokepoint.FileError, error)
	// Add validates an article, writes it to the corpus and indexes it. A
	// bad file yields an error wrapping a *chokepoint.FileError and leaves
	// the corpus unchanged.
	Add(ctx context.Context, filename string, data []byte) (chokepoint.Document, error)
	// AddURL fetches a web page, extracts its article and adds it as Add
	// does; a page that cannot be fetched or is no article yields an error
	// wrapping a *chokepoint.FileError naming the URL.
	AddURL(ctx context.Context, url string) (chokepoint.Document, error)
	// Remove deletes a document from the corpus and the index; an unknown
	// ID yields an error wrapping chokepoint.ErrNotFound.
	Remove(ctx context.Context, id string) error
	// Status describes the corpus and index now.
	Status() Status
}

// Status describes the corpus and its index.
type Status struct {
	Documents, Passages int
	LastReindex         time.Time // zero when never reindexed
	Skipped             []*chokepoint.FileError
}

// Metrics counts what the bot does; package metrics implements it with
// Prometheus. A nil Metrics in Deps counts nothing.
type Metrics interface {
	Answered(abstained bool, took time.Duration)
	FirstResponse(took time.Duration)
	RateLimited()
	Feedback(positive bool)
	Reconnected()
	// InteractionRefused counts a request the interactions endpoint
	// refused, by reason: one of the Refused* constants.
	InteractionRefused(reason string)
}

// Config holds the bot's plain settings; zero values take the defaults
// noted on each field.
type Config struct {
	// Version is shown by /about.
	Version string
	// DevGuildIDs, when set, registers commands in these guilds (instant)
	// instead of globally.
	DevGuildIDs []string
	// AdminRoleIDs and AdminUserIDs may use admin commands in addition to
	// members with the Manage Server permission.
	AdminRoleIDs, AdminUserIDs []string
	// ListenChannelIDs are channels where un-mentioned messages are
	// answered; setting any adds the privileged Message Content intent.
	ListenChannelIDs []string
	// ThreadChannelIDs are channels where answers to messages go into a new
	// thread on the message.
	ThreadChannelIDs []string
	// RateLimit questions per user per RateWindow (default 5 per 30s).
	RateLimit  int
	RateWindow time.Duration
	// DuplicateWindow: the same question in the same channel within it is
	// answered once (default 30s).
	DuplicateWindow time.Duration
	// MaxUpload is the largest /corpus add attachment in bytes (default 1 MiB).
	MaxUpload int64
	// DownloadTimeout bounds the download of an attachment (default 20s);
	// the interaction's own deadline bounds it too.
	DownloadTimeout time.Duration
	// ShutdownTimeout bounds the wait for in-flight handlers (default 10s).
	ShutdownTimeout time.Duration
	// ProgressEvery throttles /reindex progress edits (default 2s).
	ProgressEvery time.Duration
	// HeartbeatTimeout: a gateway connection whose last heartbeat ACK is
	// older than this is a zombie; the bot closes it with a resumable code
	// and resumes (default 60s: Discord's heartbeat interval is about 41 s,
	// and discordgo itself would wait five intervals and then close with
	// 1000, which ends the session).
	HeartbeatTimeout time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Deps are the bot's collaborators. Answerer is required; a nil Library or
// Corpus makes the commands that need it answer that they are unavailable.
type Deps struct {
	// Session is the Discord session Run opens; it carries the token. Only
	// the gateway transport uses it: Run, its message replies, and
	// Connected.
	Session  *discordgo.Session
	Answerer Answerer
	Library  Library
	Corpus   Corpus
	Metrics  Metrics
	// Feedback receives one JSON line per 👍/👎; nil keeps none.
	Feedback io.Writer
	// Log records questions and votes for /gaps and /stats; nil keeps none.
	Log QuestionLog
	// Feeds administers feed subscriptions (/feeds); nil turns it off.
	Feeds Feeds
	// HTTPClient downloads attachments and, for RegisterOverREST, talks to
	// Discord's REST API (default: a client with timeouts; never
	// http.DefaultClient, which has none).
	HTTPClient *http.Client
}

// Bot routes Discord interactions and messages to handlers. It is safe for
// concurrent use.
type Bot struct {
	cfg     Config
	deps    Deps
	log     *slog.Logger
	metrics Metrics
	limits  *limiter
	stats   *stats

	fbMu  sync.Mutex // serialises feedback lines
	votes *votes     // who voted on which message

	reindexMu sync.Mutex
	reindex   *reindexRun // non-nil while a reindex runs

	flight flight

	// connected follows the gateway session's Connect and Disconnect
	// events while Run runs.
	connected atomic.Bool

	// sleep waits for a rate limit or a shard's turn to IDENTIFY; tests
	// replace it.
	sleep func(context.Context, time.Duration) error
}

// New returns a Bot. It does not touch the network; Run connects.
func New(cfg Config, deps Deps, logger *slog.Logger) *Bot {
	if cfg.RateLimit <= 0 {
		cfg.RateLimit = 5
	}
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = 30 * time.Second
	}
	if cfg.DuplicateWindow <= 0 {
		cfg.DuplicateWindow = 30 * time.Second
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 1 << 20
	}
	if cfg.DownloadTimeout <= 0 {
		cfg.DownloadTimeout = 20 * time.Second
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = 10 * time.Second
	}
	if cfg.ProgressEvery <= 0 {
		cfg.ProgressEvery = 2 * time.Second
	}
	if cfg.HeartbeatTimeout <= 0 {
		cfg.HeartbeatTimeout = 60 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if deps.HTTPClient == nil {
		deps.HTTPClient = defaultHTTPClient()
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	m := deps.Metrics
	if m == nil {
		m = noMetrics{}
	}
	return &Bot{
		cfg: cfg, deps: deps, log: logger, metrics: m,
		limits: newLimiter(cfg.RateLimit, cfg.RateWindow, cfg.DuplicateWindow),
		stats:  newStats(1024),
		votes:  newVotes(maxVotes),
		sleep:  sleepCtx,
	}
}

type noMetrics struct{}

func (noMetrics) Answered(bool, time.Duration) {}
func (noMetrics) FirstResponse(time.Duration)  {}
func (noMetrics) RateLimited()                 {}
func (noMetrics) Feedback(bool)                {}
func (noMetrics) Reconnected()                 {}
func (noMetrics) InteractionRefused(string)    {}

// Reply is a message the bot sends in answer to an interaction. The bot adds
// allowed_mentions (parse nothing) and SUPPRESS_EMBEDS to every one.
type Reply struct {
	Content    string
	Components []discordgo.MessageComponent
	// Ephemeral shows the message to the invoking user only; it is honoured
	// by Respond and Followup, not by Edit.
	Ephemeral bool
}

// Responder sends the responses to one interaction. The gateway transport
// sends them over REST; an HTTP-interactions transport writes the first
// response as the HTTP body and the rest over REST.
type Responder interface {
	// Respond sends the first response (the interaction callback).
	Respond(ctx context.Context, r *discordgo.InteractionResponse) error
	// Edit replaces the original response.
	Edit(ctx context.Context, r Reply) error
	// Followup sends a further message.
	Followup(ctx context.Context, r Reply) error
}

// userError carries text meant for the user; the wrapped error is logged.
type userError struct {
	msg string
	err error
}

func (e *userError) Error() string {
	if e.err == nil {
		return e.msg
	}
	return e.msg + ": " + e.err.Error()
}

func (e *userError) Unwrap() error { return e.err }

// tellUser returns an error whose msg is shown to the user as is.
func tellUser(msg string, err error) error { return &userError{msg: msg, err: err} }

const friendlyError = "Sorry, something went wrong on my side. Please try again in a moment."

// tracker remembers whether the first response was sent, so the error exit
// knows whether to respond or to edit.
type tracker struct {
	Responder
	mu        sync.Mutex
	responded bool
}

func (t *tracker) Respond(ctx context.Context, r *discordgo.InteractionResponse) error {
	err := t.Responder.Respond(ctx, r)
	if err == nil {
		t.mu.Lock()
		t.responded = true
		t.mu.Unlock()
	}
	return err
}

func (t *tracker) done() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.responded
}

// HandleInteraction routes one interaction to its handler and sends its
// responses through r. The handler's context ends with the interaction
// token's 15-minute life: nothing it could still send would be accepted
// after. Errors and panics end at one exit: logged, and the user gets
// fixed text.
func (b *Bot) HandleInteraction(ctx context.Context, i *discordgo.Interaction, r Responder) {
	ctx, cancel := context.WithTimeout(ctx, tokenLife)
	defer cancel()
	t := &tracker{Responder: r}
	start := b.cfg.Now()
	err := b.safely(func() error { return b.route(ctx, i, t, start) })
	if err != nil {
		b.fail(ctx, i, t, err)
	}
}

// safely runs f, turning a panic into an error.
func (b *Bot) safely(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return f()
}

// fail is the one error exit for interactions.
func (b *Bot) fail(ctx context.Context, i *discordgo.Interaction, t *tracker, err error) {
	msg := friendlyError
	var ue *userError
	if errors.As(err, &ue) {
		msg = ue.msg
		if ue.err != nil {
			b.log.Info("interaction refused", "interaction", interactionName(i), "user_id", userID(i), "err", err)
		}
	} else {
		b.log.Error("interaction failed", "interaction", interactionName(i), "user_id", userID(i), "guild_id", i.GuildID, "err", err)
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && !t.done() {
		return // another response would only draw another 429
	}
	if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
		if !t.done() {
			_ = t.Respond(ctx, choicesResponse(nil))
		}
		return
	}
	var sendErr error
	if t.done() {
		sendErr = t.Edit(ctx, Reply{Content: msg})
	} else {
		sendErr = t.Respond(ctx, message(Reply{Content: msg, Ephemeral: true}))
	}
	if sendErr != nil {
		b.log.Error("error reply failed", "interaction", interactionName(i), "err", sendErr)
	}
}

func interactionName(i *discordgo.Interaction) string {
	switch i.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		return "/" + i.ApplicationCommandData().Name
	case discordgo.InteractionMessageComponent:
		return "button:" + i.MessageComponentData().CustomID
	}
	return i.Type.String()
}

// userID returns the invoking user's ID, in a guild or a DM.
func userID(i *discordgo.Interaction) string {
	if i.Member != nil && i.Member.User != nil {
		return i.Member.User.ID
	}
	if i.User != nil {
		return i.User.ID
	}
	return ""
}

// noMentions parses no mention of any kind, replied user included.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// message builds a channel-message interaction response from r.
func message(r Reply) *discordgo.InteractionResponse {
	flags := discordgo.MessageFlagsSuppressEmbeds
	if r.Ephemeral {
		flags |= discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content: r.Content, Components: r.Components,
			AllowedMentions: noMentions(), Flags: flags,
		},
	}
}

// deferred builds a deferred response (type 5), ephemeral when asked. It
// carries no other flag: "the only valid message flag you may use is
// EPHEMERAL" (developers/interactions/receiving-and-responding#interaction-response-object-messages);
// the edit that fills it in suppresses embeds.
func deferred(ephemeral bool) *discordgo.InteractionResponse {
	var flags discordgo.MessageFlags
	if ephemeral {
		flags = discordgo.MessageFlagsEphemeral
	}
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Flags: flags},
	}
}

// ephemeralResponse reports whether resp shows only to the invoking user.
func ephemeralResponse(resp *discordgo.InteractionResponse) bool {
	return resp != nil && resp.Data != nil && resp.Data.Flags&discordgo.MessageFlagsEphemeral != 0
}

// updateMsg builds a response that edits the message a component is on.
func updateMsg(r Reply) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{
			Content: r.Content, Components: r.Components,
			AllowedMentions: noMentions(), Flags: discordgo.MessageFlagsSuppressEmbeds,
		},
	}
}

// respondFirst sends the first response and records the first-response
// latency.
func (b *Bot) respondFirst(ctx context.Context, r Responder, resp *discordgo.InteractionResponse, start time.Time) error {
	if err := r.Respond(ctx, resp); err != nil {
		return fmt.Errorf("respond: %w", err)
	}
	b.metrics.FirstResponse(b.cfg.Now().Sub(start))
	return nil
}
