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
	// MaxBody caps a request body in bytes (default 256 KiB).
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
	Context context.Context
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// HTTPHandler serves Discord's Interactions Endpoint URL: it verifies each
// request's Ed25519 signature before anything else (401 on failure),
// answers PINGs with PONG, and routes every other interaction through the
// same router as the gateway, writing the first response as the HTTP body.
// It keeps no state between requests, so any number of replicas can serve.
type HTTPHandler struct {
	b    *Bot
	key  ed25519.PublicKey
	opts HTTPOptions
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
	return &HTTPHandler{b: b, key: ed25519.PublicKey(key), opts: opts}, nil
}

// verify checks the signature over timestamp+body and the timestamp's age.
func (h *HTTPHandler) verify(r *http.Request, body []byte) error {
	sigHex, ts := r.Header.Get("X-Signature-Ed25519"), r.Header.Get("X-Signature-Timestamp")
	if sigHex == "" || ts == "" {
		return errors.New("missing signature headers")
	}
	sig, err := hex.DecodeString(sigHex)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return errors.New("malformed signature")
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("malformed timestamp")
	}
	if skew := h.opts.Now().Sub(time.Unix(secs, 0)); skew > h.opts.MaxSkew || skew < -h.opts.MaxSkew {
		return fmt.Errorf("timestamp %s off by %s", ts, skew.Round(time.Second))
	}
	msg := make([]byte, 0, len(ts)+len(body))
	msg = append(append(msg, ts...), body...)
	if !ed25519.Verify(h.key, msg, sig) {
		return errors.New("signature does not verify")
	}
	return nil
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
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if err := h.verify(r, body); err != nil {
		h.b.log.Warn("interaction refused", "reason", err.Error(), "remote_addr", r.RemoteAddr)
		http.Error(w, "invalid request signature", http.StatusUnauthorized)
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
	if !h.b.flight.begin() {
		http.Error(w, "shutting down", http.StatusServiceUnavailable)
		return
	}
	resp := &httpResponder{first: make(chan *discordgo.InteractionResponse, 1), rest: &sessionResponder{s: h.opts.Session, i: &i}}
	go func() {
		defer h.b.flight.end()
		h.b.HandleInteraction(h.opts.Context, &i, resp)
	}()
	timer := time.NewTimer(h.opts.FirstResponseWait)
	defer timer.Stop()
	select {
	case first := <-resp.first:
		writeResponse(w, first)
	case <-timer.C:
		// The handler is slow: defer now, and let its first response
		// become an edit of the deferred message. A response that slipped
		// in before giveUp is still sent as the body.
		resp.giveUp()
		select {
		case first := <-resp.first:
			writeResponse(w, first)
		default:
			writeResponse(w, deferred(false))
		}
	case <-r.Context().Done():
		resp.giveUp()
	}
}

func writeResponse(w http.ResponseWriter, resp *discordgo.InteractionResponse) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

// httpResponder hands the first response to the waiting HTTP handler and
// sends everything else over REST.
type httpResponder struct {
	first chan *discordgo.InteractionResponse
	rest  *sessionResponder

	mu   sync.Mutex
	sent bool // Respond was called
	late bool // the HTTP handler stopped waiting for the first response
	// private: the reply is ephemeral but Discord holds a public deferred
	// message; deleted: that message was removed.
	private, deleted bool
}

// giveUp marks the HTTP handler as no longer waiting; after it, Respond
// goes over REST.
func (r *httpResponder) giveUp() {
	r.mu.Lock()
	r.late = true
	r.mu.Unlock()
}

// Respond delivers the first response as the HTTP body; when the handler
// already deferred, a message response becomes an edit of @original.
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
		return nil
	}
	// Too late for the body: the HTTP handler already sent a public
	// "deferred" response. A private reply must not land in it.
	if resp.Data != nil && resp.Data.Flags&discordgo.MessageFlagsEphemeral != 0 {
		r.private = true
	}
	r.mu.Unlock()
	switch resp.Type {
	case discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseUpdateMessage:
		rep := Reply{}
		if resp.Data != nil {
			rep.Content, rep.Components = resp.Data.Content, resp.Data.Components
		}
		return r.Edit(ctx, rep)
	default:
		// Deferred is already what Discord has; autocomplete choices
		// cannot be sent late.
		return nil
	}
}

// Edit replaces the original response; when a private reply came too late
// for the HTTP body, it goes out as an ephemeral follow-up instead and the
// public placeholder is deleted.
func (r *httpResponder) Edit(ctx context.Context, rep Reply) error {
	r.mu.Lock()
	private, deleted := r.private, r.deleted
	r.deleted = r.deleted || private
	r.mu.Unlock()
	if !private {
		return r.rest.Edit(ctx, rep)
	}
	rep.Ephemeral = true
	if err := r.rest.Followup(ctx, rep); err != nil {
		return err
	}
	if !deleted {
		return r.rest.s.InteractionResponseDelete(r.rest.i, discordgo.WithContext(ctx))
	}
	return nil
}

// Followup sends a further message over REST.
func (r *httpResponder) Followup(ctx context.Context, rep Reply) error {
	return r.rest.Followup(ctx, rep)
}
