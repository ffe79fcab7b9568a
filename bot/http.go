package bot

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// HTTPOptions tune the HTTP interactions transport. Zero values take the
// defaults noted on each field.
type HTTPOptions struct {
	// MaxSkew is how far X-Signature-Timestamp may be from now before a
	// request counts as replayed (default 5 minutes).
	MaxSkew time.Duration
	// MaxBody caps a request body in bytes (default 256 KiB). Serve the
	// handler with NewServer, which bounds the time to read it and the
	// connections reading at once.
	MaxBody int64
	// FirstResponseWait is how long the handler waits for the bot's first
	// response before answering "deferred" itself (default 2.5 s, inside
	// Discord's 3-second window).
	FirstResponseWait time.Duration
	// Session sends edits and follow-ups over REST; interaction webhooks
	// need no bot token (default: a session without one).
	Session *discordgo.Session
	// Context outlives single requests: handlers keep editing their answer
	// after the HTTP response went out (default context.Background()).
	// Cancelling it cancels the handlers still running; each is bounded
	// anyway by its interaction token's 15 minutes.
	Context context.Context
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// HTTPHandler serves Discord's Interactions Endpoint URL: it verifies each
// request's Ed25519 signature before anything else (401 on failure),
// answers PINGs with PONG, and routes every other interaction through the
// same router as the gateway, writing the first response as the HTTP body.
// It runs each interaction ID once (409 for a replay while its signature
// would still pass); that memory is the replica's own, so behind several
// replicas a replay sent to another one is not caught. Refusals are
// counted by reason (Metrics.InteractionRefused) and logged at most once a
// minute. Serve it with NewServer.
type HTTPHandler struct {
	b    *Bot
	key  ed25519.PublicKey
	opts HTTPOptions
	// seen remembers accepted interaction IDs (replay guard); sample
	// thins out the refusal log.
	seen   *seenIDs
	sample sampler
}

// NewHTTPHandler returns the interactions endpoint for b. publicKey is the
// application's public key as 64 hex digits.
func NewHTTPHandler(b *Bot, publicKey string, opts HTTPOptions) (*HTTPHandler, error) {
	key, err := hex.DecodeString(publicKey)
	if err != nil || len(key) != ed25519.PublicKeySize {
		return nil, errors.New("interactions endpoint: public key must be 64 hex digits")
	}
	if opts.MaxSkew <= 0 {
		opts.MaxSkew = 5 * time.Minute
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 256 << 10
	}
	if opts.FirstResponseWait <= 0 {
		opts.FirstResponseWait = 2500 * time.Millisecond
	}
	if opts.Session == nil {
		if opts.Session, err = discordgo.New(""); err != nil {
			return nil, fmt.Errorf("interactions endpoint: %w", err)
		}
	}
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &HTTPHandler{b: b, key: ed25519.PublicKey(key), opts: opts, seen: newSeenIDs()}, nil
}

// Reasons the interactions endpoint refuses a request, as counted by
// Metrics.InteractionRefused.
const (
	RefusedUnsigned  = "unsigned"  // no signature headers
	RefusedSignature = "signature" // a malformed or wrong signature
	RefusedStale     = "stale"     // a timestamp outside the allowed skew
	RefusedReplay    = "replay"    // an interaction ID already received
	RefusedTooLarge  = "too_large" // a body over MaxBody
	RefusedBody      = "body"      // a body that could not be read in time
)

// refusal is why a request was refused: a fixed reason for the metric and
// the detail for the log.
type refusal struct{ reason, detail string }

// verify checks the signature over timestamp+body and the timestamp's age,
// and returns the signed timestamp.
func (h *HTTPHandler) verify(r *http.Request, body []byte) (time.Time, *refusal) {
	sigHex, ts := r.Header.Get("X-Signature-Ed25519"), r.Header.Get("X-Signature-Timestamp")
	if sigHex == "" || ts == "" {
		return time.Time{}, &refusal{RefusedUnsigned, "missing signature headers"}
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return time.Time{}, &refusal{RefusedSignature, "malformed signature"}
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return time.Time{}, &refusal{RefusedStale, "malformed timestamp"}
	}
	signedAt := time.Unix(secs, 0)
	if skew := h.opts.Now().Sub(signedAt); skew > h.opts.MaxSkew || skew < -h.opts.MaxSkew {
		return time.Time{}, &refusal{RefusedStale, fmt.Sprintf("timestamp off by %s", skew.Round(time.Second))}
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(h.key, msg, sig) {
		return time.Time{}, &refusal{RefusedSignature, "signature does not verify"}
	}
	return signedAt, nil
}

// refuseEvery is how often a refusal is logged at most; the refusals in
// between are counted in the metric and in the next line's "suppressed".
const refuseEvery = time.Minute

// sampler lets one event through per interval and counts the rest.
type sampler struct {
	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// allow reports whether the event at now may be logged, and how many were
// held back since the last one that was.
func (s *sampler) allow(now time.Time, every time.Duration) (bool, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.last.IsZero() && now.Sub(s.last) < every {
		s.suppressed++
		return false, 0
	}
	n := s.suppressed
	s.last, s.suppressed = now, 0
	return true, n
}

// refuse answers a refused request with status, counts it, and logs it
// sampled: a flood of forged requests costs a counter, not a log line
// each.
func (h *HTTPHandler) refuse(w http.ResponseWriter, r *http.Request, status int, why *refusal) {
	h.b.metrics.InteractionRefused(why.reason)
	if ok, suppressed := h.sample.allow(h.opts.Now(), refuseEvery); ok {
		h.b.log.Warn("interaction refused", "reason", why.reason, "detail", why.detail, "remote_addr", r.RemoteAddr,
			"suppressed", suppressed, "sampled_every", refuseEvery)
	}
	http.Error(w, http.StatusText(status), status)
}

// Drain stops taking interactions and waits up to timeout for those in
// progress (answers still being edited in); it reports whether they all
// finished. Bot.Run drains on its own; HTTP-only servers call Drain.
func (b *Bot) Drain(timeout time.Duration) bool { return b.flight.drain(timeout) }

// ServeHTTP handles one POSTed interaction.
func (h *HTTPHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := readBody(w, r, h.opts.MaxBody)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.refuse(w, r, http.StatusRequestEntityTooLarge, &refusal{RefusedTooLarge, fmt.Sprintf("body over %d bytes", h.opts.MaxBody)})
			return
		}
		h.refuse(w, r, http.StatusBadRequest, &refusal{RefusedBody, err.Error()})
		return
	}
	signedAt, why := h.verify(r, body)
	if why != nil {
		h.refuse(w, r, http.StatusUnauthorized, why)
		return
	}
	var i discordgo.Interaction
	if err := json.Unmarshal(body, &i); err != nil {
		h.b.log.Warn("interaction undecodable", "err", err)
		http.Error(w, "bad interaction", http.StatusBadRequest)
		return
	}
	if i.Type == discordgo.InteractionPing {
		writeResponse(w, &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong})
		return
	}
	// A captured request replayed while its signature still passes would
	// run again (a /reindex, an upload): each interaction ID runs once.
	if !h.seen.first(i.ID, h.opts.Now(), signedAt.Add(h.opts.MaxSkew)) {
		h.refuse(w, r, http.StatusConflict, &refusal{RefusedReplay, "interaction " + i.ID + " already received"})
		return
	}
	if !h.b.flight.begin() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	resp := &httpResponder{
		first: make(chan *discordgo.InteractionResponse, 1), written: make(chan struct{}),
		rest: h.b.newSessionResponder(h.opts.Session, &i), placeholder: h.b.placeholder(&i),
	}
	go func() {
		defer h.b.flight.end()
		h.b.HandleInteraction(h.opts.Context, &i, resp)
	}()
	timer := time.NewTimer(h.opts.FirstResponseWait)
	defer timer.Stop()
	select {
	case first := <-resp.first:
		resp.wrote(first, writeResponse(w, first))
	case <-timer.C:
		// The handler is slow: answer with its placeholder now, and let its
		// first response become what fits after it. A response that
		// slipped in before giveUp is still sent as the body.
		resp.giveUp()
		select {
		case first := <-resp.first:
			resp.wrote(first, writeResponse(w, first))
		default:
			resp.wrote(nil, writeResponse(w, resp.placeholder))
		}
	case <-r.Context().Done():
		resp.giveUp()
		resp.wrote(nil, r.Context().Err())
	}
}

// readBody reads a request body of at most limit bytes. A declared
// length over the limit is refused before anything is read, and a
// declared length is read into a buffer of exactly that size, so a body
// costs the server its own size and no more. Reading is bounded in time
// by the server (NewServer's ReadTimeout).
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, &http.MaxBytesError{Limit: limit}
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	if r.ContentLength < 0 {
		return io.ReadAll(body)
	}
	buf := make([]byte, r.ContentLength)
	if _, err := io.ReadFull(body, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

func writeResponse(w http.ResponseWriter, resp *discordgo.InteractionResponse) error {
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(wireResponse(fitResponse(resp)))
}

// placeholder is the first response the HTTP transport sends for i when
// the handler has not answered within FirstResponseWait. It must be valid
// for the interaction type: autocomplete takes only a result (type 8, the
// choices are lost), and page buttons edit the message they are on (a
// deferred update, type 6), while a deferred message (type 5) would post
// a new one (developers/interactions/receiving-and-responding#interaction-response-object-interaction-callback-type).
// And it must be as private as the handler's reply, since a deferred
// message's privacy cannot change afterwards.
func (b *Bot) placeholder(i *discordgo.Interaction) *discordgo.InteractionResponse {
	switch i.Type {
	case discordgo.InteractionApplicationCommandAutocomplete:
		return choicesResponse(nil)
	case discordgo.InteractionMessageComponent:
		if strings.HasPrefix(i.MessageComponentData().CustomID, idSources) {
			return &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}
		}
		return deferred(true) // more excerpts, a full passage, a vote: all private
	case discordgo.InteractionApplicationCommand:
		return deferred(privateCommand(i))
	}
	return deferred(true)
}

// privateCommand reports whether a command's reply shows to its user only.
func privateCommand(i *discordgo.Interaction) bool {
	switch i.ApplicationCommandData().Name {
	case "ask":
		return boolOption(i, "private")
	case "help", "reindex", "corpus", "stats", "feeds", "gaps":
		return true
	}
	return false
}

// httpResponder hands the first response to the waiting HTTP handler and
// sends everything else over REST. When the handler gave up waiting, it
// wrote the placeholder; the first response then becomes what fits after
// that placeholder.
type httpResponder struct {
	first       chan *discordgo.InteractionResponse
	written     chan struct{} // closed once the HTTP handler wrote its body (or gave up)
	rest        *sessionResponder
	placeholder *discordgo.InteractionResponse

	mu     sync.Mutex
	sent   bool                           // Respond was called
	late   bool                           // the HTTP handler stopped waiting for the first response
	body   *discordgo.InteractionResponse // what the HTTP handler wrote, nil for the placeholder
	bodyOK bool                           // it was written without error
	// moveOut: a private reply is due but Discord holds a public deferred
	// message; newOut: a reply is due but Discord holds no message of the
	// bot's (after a deferred update). The next Edit settles either.
	moveOut, newOut bool
	newPrivate      bool
}

// giveUp marks the HTTP handler as no longer waiting; after it, Respond
// goes over REST.
func (r *httpResponder) giveUp() {
	r.mu.Lock()
	r.late = true
	r.mu.Unlock()
}

// wrote records what the HTTP handler wrote as the body (nil: the
// placeholder, or nothing) and releases a waiting Respond.
func (r *httpResponder) wrote(body *discordgo.InteractionResponse, err error) {
	r.mu.Lock()
	r.body, r.bodyOK = body, err == nil
	r.mu.Unlock()
	close(r.written)
}

// Respond delivers the first response as the HTTP body and returns once it
// is written, so that no edit can reach Discord before the response it
// edits. When the handler already wrote the placeholder, resp becomes what
// fits after it.
func (r *httpResponder) Respond(ctx context.Context, resp *discordgo.InteractionResponse) error {
	r.mu.Lock()
	if r.sent {
		r.mu.Unlock()
		return errors.New("interaction already responded to")
	}
	r.sent = true
	if !r.late {
		r.first <- resp // buffered: never blocks
		r.mu.Unlock()
		select {
		case <-r.written:
		case <-ctx.Done():
			return ctx.Err()
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.body != resp || !r.bodyOK {
			return errors.New("interaction request ended before its response was written")
		}
		r.rest.noteFirst(resp)
		return nil
	}
	r.mu.Unlock()
	<-r.written
	ph := r.placeholder
	r.rest.noteFirst(ph)
	switch resp.Type {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseUpdateMessage:
		rep := Reply{Ephemeral: ephemeralResponse(resp)}
		if resp.Data != nil {
			rep.Content, rep.Components = resp.Data.Content, resp.Data.Components
		}
		if resp.Type == discordgo.InteractionResponseUpdateMessage {
			// @original is the deferred message or the message the
			// component is on: either way the one to update.
			return r.rest.Edit(ctx, rep)
		}
		return r.deliver(ctx, rep)
	case discordgo.InteractionResponseDeferredChannelMessageWithSource:
		r.mu.Lock()
		switch {
		case ph.Type == discordgo.InteractionResponseDeferredMessageUpdate:
			r.newOut, r.newPrivate = true, ephemeralResponse(resp)
		case ephemeralResponse(resp) && !ephemeralResponse(ph):
			r.moveOut = true
		}
		r.mu.Unlock()
		return nil
	default:
		// A deferred update is what Discord has or needs nothing;
		// autocomplete choices cannot be sent late.
		return nil
	}
}

// deliver sends a message reply after the placeholder.
func (r *httpResponder) deliver(ctx context.Context, rep Reply) error {
	ph := r.placeholder
	switch {
	case ph.Type == discordgo.InteractionResponseDeferredMessageUpdate:
		// Discord holds no message of the bot's: a follow-up is a new
		// message, and keeps its ephemeral flag.
		return r.newMessage(ctx, rep)
	case rep.Ephemeral && !ephemeralResponse(ph):
		return r.movePrivate(ctx, rep)
	default:
		return r.rest.Edit(ctx, rep)
	}
}

// Edit replaces the reply: the deferred message, or the message that
// stands in for it.
func (r *httpResponder) Edit(ctx context.Context, rep Reply) error {
	r.mu.Lock()
	moveOut, newOut, newPrivate := r.moveOut, r.newOut, r.newPrivate
	r.moveOut, r.newOut = false, false
	r.mu.Unlock()
	switch {
	case moveOut:
		rep.Ephemeral = true
		return r.movePrivate(ctx, rep)
	case newOut:
		rep.Ephemeral = newPrivate
		return r.newMessage(ctx, rep)
	}
	return r.rest.Edit(ctx, rep)
}

// newMessage posts rep as a follow-up and makes it the message later
// edits change.
func (r *httpResponder) newMessage(ctx context.Context, rep Reply) error {
	id, err := r.rest.followup(ctx, rep)
	if err != nil {
		return err
	}
	r.rest.retarget(id, rep.Ephemeral)
	return nil
}

// privateNote replaces a public deferred message while a private reply
// takes its place.
const privateNote = "Replied privately."

// movePrivate delivers a private reply when Discord holds a public
// deferred message. A follow-up sent directly after a deferred response
// edits it and loses its ephemeral flag
// (developers/interactions/receiving-and-responding#create-followup-message),
// so the deferred message is first settled with a note, then the reply
// goes out as an ephemeral follow-up, and the note is deleted. Later edits
// change the follow-up.
func (r *httpResponder) movePrivate(ctx context.Context, rep Reply) error {
	if err := r.rest.Edit(ctx, Reply{Content: privateNote}); err != nil {
		return fmt.Errorf("settle public placeholder: %w", err)
	}
	rep.Ephemeral = true
	if err := r.newMessage(ctx, rep); err != nil {
		return err
	}
	if err := r.rest.w.delete(ctx, "@original"); err != nil {
		r.rest.b.log.Warn("placeholder not deleted", "interaction", interactionName(r.rest.w.i), "err", err)
	}
	return nil
}

// Followup sends a further message over REST.
func (r *httpResponder) Followup(ctx context.Context, rep Reply) error {
	return r.rest.Followup(ctx, rep)
}
