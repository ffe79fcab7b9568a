package discordtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Request is one REST request the fake received, with what it answered.
type Request struct {
	Method string
	// Path is the URL path without the /api/v9 prefix, e.g.
	// "/interactions/1/tok/callback". A response written as the body of an
	// HTTP interaction (Endpoint) is recorded as a POST to its callback path
	// with Inline set.
	Path  string
	Query url.Values
	// Body is the raw request body; JSON holds it decoded (nil when it is
	// not a JSON object), so escaped characters such as \u003c read as
	// themselves.
	Body []byte
	JSON map[string]any
	// At is when the fake received it, by the fake's clock.
	At time.Time
	// Status is the HTTP status the fake answered; Error says why it
	// refused the request (Discord's message, and the interaction it
	// concerned), empty when it was accepted.
	Status int
	Error  string
	// Inline marks an interaction response written as the HTTP body.
	Inline bool
	// RateLimited marks a 429 the test asked for with RateLimit.
	RateLimited bool
}

// Refused reports whether the fake refused the request as Discord would
// (a 4xx other than a 429 the test asked for).
func (r Request) Refused() bool { return r.Status >= 400 && !r.RateLimited }

// Decode unmarshals the request body into v.
func (r Request) Decode(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("decode %s %s body: %w", r.Method, r.Path, err)
	}
	return nil
}

// Message is a message an interaction shows: its original response or a
// follow-up, as the user sees it.
type Message struct {
	ID      string
	Content string
	// Ephemeral: only the invoking user sees it. Loading: a deferred
	// response still "thinking". Deleted: removed by the app.
	Ephemeral, Loading, Deleted bool
	// Edits counts the edits the message received.
	Edits int
}

// Server is a fake Discord. The zero value is not usable; call New. Set
// the exported fields before a client connects.
type Server struct {
	// AppID and BotID are the application and bot user IDs reported in READY
	// and by /users/@me.
	AppID, BotID string
	// Guilds are the guild IDs announced in READY and GUILD_CREATE.
	Guilds []string
	// PrivilegedIntents are the privileged intents enabled for the app in
	// the Developer Portal (default all three); an IDENTIFY asking for
	// another is closed with 4014.
	PrivilegedIntents discordgo.Intent
	// HeartbeatInterval is sent in HELLO (default 45 s).
	HeartbeatInterval time.Duration
	// MaxConcurrency is the session start limit's max_concurrency (default
	// 1): IDENTIFYs with one rate-limit key (shard ID % MaxConcurrency)
	// less than 5 s apart are answered with op 9.
	MaxConcurrency int
	// Shards is the recommended shard count of GET /gateway/bot (default 1).
	Shards int

	ts *httptest.Server

	mu           sync.Mutex
	changed      chan struct{} // closed and replaced on every state change
	now          func() time.Time
	requests     []Request
	commands     map[string][]*discordgo.ApplicationCommand // by guild ID, "" = global
	nextID       int64
	files        map[string][]byte // attachment path → bytes
	interactions map[string]*interaction
	messages     map[string]discordgo.MessageType // messages the fake dispatched or stored, by ID
	limits       []*rateLimit
	gw           gateway
	puts         int
}

// interaction is what Discord keeps about one interaction token.
type interaction struct {
	id, name    string
	typ         discordgo.InteractionType
	created     time.Time
	responded   bool
	respondedAt time.Time
	// component is the message a component was on; the target of
	// callbacks 6 and 7 and of @original after them.
	component *Message
	original  *Message // nil until a callback creates or targets one
	followups []*Message
}

// Rules of the documented API the fake enforces.
const (
	// ResponseWindow is how long after an interaction its first response
	// may arrive (developers/interactions/receiving-and-responding).
	ResponseWindow = 3 * time.Second
	// TokenLife is how long an interaction token accepts edits and
	// follow-ups.
	TokenLife = 15 * time.Minute
	// IdentifyInterval is the window in which one rate-limit key may
	// IDENTIFY once (developers/events/gateway#session-start-limit-object).
	IdentifyInterval = 5 * time.Second
)

// New starts a fake Discord; Close stops it.
func New() *Server {
	s := &Server{
		AppID:             "100000000000000001",
		BotID:             "100000000000000001",
		Guilds:            []string{"200000000000000001"},
		PrivilegedIntents: discordgo.IntentsGuildMembers | discordgo.IntentsGuildPresences | discordgo.IntentsMessageContent,
		HeartbeatInterval: 45 * time.Second,
		MaxConcurrency:    1,
		Shards:            1,
		changed:           make(chan struct{}),
		now:               time.Now,
		commands:          map[string][]*discordgo.ApplicationCommand{},
		files:             map[string][]byte{},
		interactions:      map[string]*interaction{},
		messages:          map[string]discordgo.MessageType{},
		nextID:            900000000000000000,
	}
	s.gw.sessions = map[string]*session{}
	s.gw.lastIdentify = map[int]time.Time{}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// SetClock replaces the clock the fake judges deadlines by (the 3-second
// window, token life, IDENTIFY spacing); the default is time.Now.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now = now
}

// Close closes the gateway sockets and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	for _, c := range s.gw.conns {
		_ = c.ws.Close()
	}
	s.gw.conns = nil
	s.mu.Unlock()
	s.ts.CloseClientConnections()
	s.ts.Close()
}

// URL returns the fake's base URL (http://127.0.0.1:port).
func (s *Server) URL() string { return s.ts.URL }

// Client returns an http.Client whose requests for discord.com,
// cdn.discordapp.com and media.discordapp.net go to the fake.
func (s *Server) Client() *http.Client {
	u, _ := url.Parse(s.ts.URL)
	tr := s.ts.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: rewrite{host: u.Host, next: tr}, Timeout: 30 * time.Second}
}

// InProcessClient returns an http.Client that hands REST requests for
// discord.com straight to the fake, without a socket: for tests that
// send many thousands of requests. The gateway and attachments need
// Client.
func (s *Server) InProcessClient() *http.Client {
	return &http.Client{Transport: inProcess{s}}
}

type inProcess struct{ s *Server }

func (p inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host != "discord.com" {
		return nil, fmt.Errorf("discordtest: in-process client: no route to %s", req.URL.Host)
	}
	w := httptest.NewRecorder()
	p.s.serve(w, req)
	resp := w.Result()
	resp.Request = req
	return resp, nil
}

type rewrite struct {
	host string
	next http.RoundTripper
}

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	switch req.URL.Host {
	case "discord.com", "cdn.discordapp.com", "media.discordapp.net":
		req = req.Clone(req.Context())
		req.URL.Scheme = "http"
		req.URL.Host = r.host
		req.Host = r.host
	}
	return r.next.RoundTrip(req)
}

// Session returns a real discordgo session pointed at the fake, with state
// tracking and logging off. It is not opened.
func (s *Server) Session(token string) *discordgo.Session {
	ds, _ := discordgo.New("Bot " + token) // New only fails with variadic legacy arguments
	ds.Client = s.Client()
	ds.LogLevel = -1
	ds.StateEnabled = false
	return ds
}

// NewID returns a fresh snowflake-like ID.
func (s *Server) NewID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newIDLocked()
}

func (s *Server) newIDLocked() string {
	s.nextID++
	return strconv.FormatInt(s.nextID, 10)
}

// notifyLocked wakes every waiter; s.mu must be held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor waits until cond, evaluated under s.mu, holds, or timeout passes.
func (s *Server) waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok := cond()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			return false
		}
	}
}

// Requests returns a copy of every REST request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Refusals returns the requests the fake refused as Discord would (see
// Request.Refused), each with why.
func (s *Server) Refusals() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.Refused() {
			out = append(out, r)
		}
	}
	return out
}

// WaitRequest returns the first recorded request matching match, waiting up
// to timeout for it; ok is false when none arrived in time.
func (s *Server) WaitRequest(timeout time.Duration, match func(Request) bool) (r Request, ok bool) {
	ok = s.waitFor(timeout, func() bool {
		for _, q := range s.requests {
			if match(q) {
				r = q
				return true
			}
		}
		return false
	})
	return r, ok
}

// WaitRequests waits up to timeout until n recorded requests match, and
// returns those found.
func (s *Server) WaitRequests(timeout time.Duration, n int, match func(Request) bool) []Request {
	var found []Request
	s.waitFor(timeout, func() bool {
		found = found[:0]
		for _, q := range s.requests {
			if match(q) {
				found = append(found, q)
			}
		}
		return len(found) >= n
	})
	return found
}

// CommandPuts returns how many bulk overwrites of commands were accepted.
func (s *Server) CommandPuts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.puts
}

// Commands returns the commands registered for guildID ("" for global).
func (s *Server) Commands(guildID string) []*discordgo.ApplicationCommand {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*discordgo.ApplicationCommand(nil), s.commands[guildID]...)
}

// AddAttachment serves data as an attachment and returns it, with a
// cdn.discordapp.com URL that Client routes to the fake.
func (s *Server) AddAttachment(filename string, data []byte) *discordgo.MessageAttachment {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.newIDLocked()
	path := "/attachments/" + id + "/" + filename
	s.files[path] = data
	return &discordgo.MessageAttachment{
		ID: id, Filename: filename, Size: len(data),
		URL:         "https://cdn.discordapp.com" + path,
		ContentType: "text/markdown; charset=utf-8",
	}
}

// rateLimit is a 429 the test asked for.
type rateLimit struct {
	n          int
	retryAfter time.Duration
	global     bool
	match      func(Request) bool
}

// RateLimit makes the next n requests that match answer 429 Too Many
// Requests with retry_after, the Retry-After and X-RateLimit-Reset-After
// headers and, when global, X-RateLimit-Global, as
// developers/topics/rate-limits#exceeding-a-rate-limit shows.
func (s *Server) RateLimit(n int, retryAfter time.Duration, global bool, match func(Request) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = append(s.limits, &rateLimit{n: n, retryAfter: retryAfter, global: global, match: match})
}

// limitedLocked returns the rate limit q falls under, using it up.
func (s *Server) limitedLocked(q Request) *rateLimit {
	for _, l := range s.limits {
		if l.n > 0 && l.match(q) {
			l.n--
			return l
		}
	}
	return nil
}

func writeRateLimited(w http.ResponseWriter, l *rateLimit) {
	secs := l.retryAfter.Seconds()
	h := w.Header()
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	scope := "user"
	if l.global {
		h.Set("X-RateLimit-Global", "true")
		scope = "global"
	}
	h.Set("X-RateLimit-Scope", scope)
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"message": "You are being rate limited.", "retry_after": secs, "global": l.global,
	})
}

// request decodes r into a Request.
func (s *Server) request(r *http.Request, body []byte) Request {
	q := Request{Method: r.Method, Path: strings.TrimPrefix(r.URL.Path, "/api/v"+discordgo.APIVersion), Query: r.URL.Query(), Body: body}
	if len(body) > 0 {
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			q.JSON = m
		}
	}
	return q
}

// record keeps q. serve records a request after handling it, so a waiter
// that sees it also sees its effects (stored commands, a response mark).
func (s *Server) record(q Request) {
	s.mu.Lock()
	s.requests = append(s.requests, q)
	s.notifyLocked()
	s.mu.Unlock()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// answer is what a route answers: a status, a JSON body (nil: none) and,
// for a refusal, why.
type answer struct {
	status int
	body   any
	why    string
}

func ok(body any) answer { return answer{status: http.StatusOK, body: body} }

var noContent = answer{status: http.StatusNoContent}

// apiError is Discord's error shape for status with a JSON error code
// (developers/topics/opcodes-and-status-codes#json).
func apiError(status, code int, msg, why string) answer {
	return answer{status: status, body: map[string]any{"code": code, "message": msg}, why: why}
}

// formError is Discord's 400 "Invalid Form Body" (code 50035) naming the
// field path and the reason, as developers/reference#error-messages shows.
func formError(path, code, msg string) answer {
	var errs any = map[string]any{"_errors": []any{map[string]any{"code": code, "message": msg}}}
	parts := strings.Split(path, ".")
	for i := len(parts) - 1; i >= 0; i-- {
		errs = map[string]any{parts[i]: errs}
	}
	return answer{status: http.StatusBadRequest,
		body: map[string]any{"code": 50035, "errors": errs, "message": "Invalid Form Body"},
		why:  fmt.Sprintf("Invalid Form Body: %s: %s", path, msg)}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/gateway/" || r.URL.Path == "/gateway" || strings.HasPrefix(r.URL.Path, resumePath) {
		s.serveGateway(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/attachments/") {
		s.mu.Lock()
		data, ok := s.files[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write(data)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"code": 50109, "message": "bad body"})
		return
	}
	req := s.request(r, body)
	s.mu.Lock()
	req.At = s.now()
	l := s.limitedLocked(req)
	s.mu.Unlock()
	if l != nil {
		req.Status, req.RateLimited, req.Error = http.StatusTooManyRequests, true, "rate limited (asked for by the test)"
		writeRateLimited(w, l)
		s.record(req)
		return
	}
	a := s.route(r.Method, req, body)
	req.Status, req.Error = a.status, a.why
	if a.body == nil {
		w.WriteHeader(a.status)
	} else {
		writeJSON(w, a.status, a.body)
	}
	s.record(req)
}

func (s *Server) route(method string, req Request, body []byte) answer {
	parts := strings.Split(strings.Trim(req.Path, "/"), "/")
	switch method + " " + pattern(parts) {
	case "GET gateway":
		return ok(map[string]string{"url": s.gatewayURL()})
	case "GET gateway/bot":
		s.mu.Lock()
		defer s.mu.Unlock()
		return ok(map[string]any{"url": s.gatewayURL(), "shards": s.Shards, "session_start_limit": map[string]any{
			"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": s.MaxConcurrency}})
	case "GET users/@me":
		return ok(s.botUser())
	case "POST interactions/*/*/callback":
		return s.callback(parts[2], body)
	case "PATCH webhooks/*/*/messages/*":
		return s.webhookEdit(parts[2], parts[4], body)
	case "DELETE webhooks/*/*/messages/*":
		return s.webhookDelete(parts[2], parts[4])
	case "POST webhooks/*/*":
		return s.followup(parts[2], body)
	case "POST channels/*/messages":
		return s.channelMessage(parts[1], body)
	case "POST channels/*/messages/*/threads":
		return s.thread(parts[1], parts[3], body)
	case "GET applications/*/commands":
		return s.getCommands("")
	case "GET applications/*/guilds/*/commands":
		return s.getCommands(parts[3])
	case "PUT applications/*/commands":
		return s.putCommands("", body)
	case "PUT applications/*/guilds/*/commands":
		return s.putCommands(parts[3], body)
	}
	return apiError(http.StatusNotFound, 0, "404: Not Found", "no such route: "+method+" "+req.Path)
}

// pattern replaces the variable segments of a path with "*".
func pattern(parts []string) string {
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = p
		if i > 0 {
			switch parts[0] {
			case "interactions", "webhooks", "channels", "applications":
				if p != "callback" && p != "messages" && p != "threads" && p != "commands" && p != "guilds" {
					out[i] = "*"
				}
			}
		}
	}
	return strings.Join(out, "/")
}

func (s *Server) botUser() *discordgo.User {
	return &discordgo.User{ID: s.BotID, Username: "Chokepoint", Bot: true}
}

// interactionName names an interaction in refusals: "/ask",
// "/source (autocomplete)", "button:more".
func interactionName(i *discordgo.Interaction) string {
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		return "/" + i.ApplicationCommandData().Name
	case discordgo.InteractionApplicationCommandAutocomplete:
		return "/" + i.ApplicationCommandData().Name + " (autocomplete)"
	case discordgo.InteractionMessageComponent:
		return "button:" + i.MessageComponentData().CustomID
	}
	return i.Type.String()
}

// registerLocked makes i a live interaction created now, filling what
// Discord fills (ID, application, token, version, the authorizing
// integration owners of a guild install) when empty.
func (s *Server) registerLocked(i *discordgo.Interaction) *interaction {
	if i.ID == "" {
		i.ID = s.newIDLocked()
	}
	if i.Token == "" {
		i.Token = "itoken-" + s.newIDLocked()
	}
	i.AppID = s.AppID
	i.Version = 1
	if i.AuthorizingIntegrationOwners == nil && i.Type != discordgo.InteractionPing {
		// developers/interactions/receiving-and-responding#interaction-object-authorizing-integration-owners-object:
		// a guild install is keyed "0", valued the guild ID ("0" in a DM
		// with the bot).
		owner := i.GuildID
		if owner == "" {
			owner = "0"
		}
		i.AuthorizingIntegrationOwners = map[discordgo.ApplicationIntegrationType]string{discordgo.ApplicationIntegrationGuildInstall: owner}
	}
	st := &interaction{id: i.ID, name: interactionName(i), typ: i.Type, created: s.now()}
	if i.Message != nil {
		st.component = &Message{ID: i.Message.ID, Content: i.Message.Content, Ephemeral: i.Message.Flags&discordgo.MessageFlagsEphemeral != 0}
	}
	s.interactions[i.Token] = st
	return st
}

// NewInteraction makes i a live interaction, as DispatchInteraction does,
// without sending it over the gateway; it returns the token.
func (s *Server) NewInteraction(i *discordgo.Interaction) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registerLocked(i)
	return i.Token
}

// allowedCallbacks are the callback types valid per interaction type
// (developers/interactions/receiving-and-responding#interaction-response-object-interaction-callback-type).
var allowedCallbacks = map[discordgo.InteractionType][]discordgo.InteractionResponseType{
	discordgo.InteractionPing:                           {discordgo.InteractionResponsePong},
	discordgo.InteractionApplicationCommand:             {4, 5, 9},
	discordgo.InteractionMessageComponent:               {4, 5, 6, 7, 9},
	discordgo.InteractionApplicationCommandAutocomplete: {8},
	discordgo.InteractionModalSubmit:                    {4, 5, 6, 7},
}

// Message flags by what accepts them.
const (
	flagSuppressEmbeds = int64(discordgo.MessageFlagsSuppressEmbeds)
	flagEphemeral      = int64(discordgo.MessageFlagsEphemeral)
	flagNoNotify       = int64(discordgo.MessageFlagsSuppressNotifications)
	flagVoice          = int64(discordgo.MessageFlagsIsVoiceMessage)
	flagComponentsV2   = 1 << 15
	// callbackFlags: developers/interactions/receiving-and-responding#interaction-response-object-messages.
	callbackFlags = flagSuppressEmbeds | flagEphemeral | flagComponentsV2 | flagVoice | flagNoNotify
	// followupFlags: create followup message (ephemeral allowed) and
	// developers/resources/webhook#execute-webhook.
	followupFlags = flagSuppressEmbeds | flagEphemeral | flagNoNotify | flagComponentsV2
	// editFlags: developers/resources/webhook#edit-webhook-message.
	editFlags = flagSuppressEmbeds | flagComponentsV2
	// channelFlags: developers/resources/message#create-message.
	channelFlags = flagSuppressEmbeds | flagNoNotify | flagComponentsV2
)

func (s *Server) callback(token string, body []byte) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, found := s.interactions[token]
	if !found {
		return apiError(http.StatusNotFound, 10062, "Unknown interaction", "callback for an unknown interaction token")
	}
	a := s.respondLocked(st, body)
	s.notifyLocked()
	return a
}

// respondLocked applies an interaction response to st after checking it
// as Discord does: once, within the window, a type that fits the
// interaction, and a body within the limits.
func (s *Server) respondLocked(st *interaction, body []byte) answer {
	if st.responded {
		return apiError(http.StatusBadRequest, 40060, "Interaction has already been acknowledged.", st.name+": second response")
	}
	if late := s.now().Sub(st.created); late > ResponseWindow {
		return apiError(http.StatusNotFound, 10062, "Unknown interaction",
			fmt.Sprintf("%s: first response %s after the interaction, past the %s window", st.name, late.Round(time.Millisecond), ResponseWindow))
	}
	var cb struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data map[string]any                    `json:"data"`
	}
	if err := json.Unmarshal(body, &cb); err != nil {
		return apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.", st.name+": "+err.Error())
	}
	if !containsType(allowedCallbacks[st.typ], cb.Type) {
		a := formError("type", "INTERACTION_RESPONSE_TYPE_INVALID", fmt.Sprintf("Interaction response type %d is not valid for interaction type %d", cb.Type, st.typ))
		a.why = st.name + ": " + a.why
		return a
	}
	switch cb.Type {
	case discordgo.InteractionResponseDeferredChannelMessageWithSource:
		// "the only valid message flag you may use is EPHEMERAL"
		if f := flags(cb.Data); f&^flagEphemeral != 0 {
			return named(st, formError("data.flags", "INTERACTION_RESPONSE_FLAGS_INVALID", fmt.Sprintf("Flags %d are not valid for a deferred response; only EPHEMERAL", f)))
		}
	case discordgo.InteractionResponseChannelMessageWithSource:
		if a, bad := checkMessage(cb.Data, "data.", callbackFlags, true); bad {
			return named(st, a)
		}
	case discordgo.InteractionResponseUpdateMessage:
		if a, bad := checkMessage(cb.Data, "data.", callbackFlags, false); bad {
			return named(st, a)
		}
	case discordgo.InteractionApplicationCommandAutocompleteResult:
		if a, bad := checkChoices(cb.Data); bad {
			return named(st, a)
		}
	}
	st.responded = true
	st.respondedAt = s.now()
	switch cb.Type {
	case discordgo.InteractionResponseChannelMessageWithSource:
		st.original = &Message{ID: s.newIDLocked(), Content: str(cb.Data["content"]), Ephemeral: flags(cb.Data)&flagEphemeral != 0}
	case discordgo.InteractionResponseDeferredChannelMessageWithSource:
		st.original = &Message{ID: s.newIDLocked(), Loading: true, Ephemeral: flags(cb.Data)&flagEphemeral != 0}
	case discordgo.InteractionResponseDeferredMessageUpdate:
		st.original = st.component
	case discordgo.InteractionResponseUpdateMessage:
		st.original = st.component
		if st.original != nil {
			st.original.Content = str(cb.Data["content"])
			st.original.Edits++
		}
	}
	return noContent
}

func named(st *interaction, a answer) answer {
	a.why = st.name + ": " + a.why
	return a
}

func containsType(ts []discordgo.InteractionResponseType, t discordgo.InteractionResponseType) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

// webhookLocked finds the interaction of a webhook token and checks the
// token is still valid.
func (s *Server) webhookLocked(token string) (*interaction, answer, bool) {
	st, found := s.interactions[token]
	if !found {
		return nil, apiError(http.StatusNotFound, 10015, "Unknown Webhook", "webhook request for an unknown interaction token"), false
	}
	if age := s.now().Sub(st.created); age > TokenLife {
		return nil, apiError(http.StatusUnauthorized, 50027, "Invalid Webhook Token",
			fmt.Sprintf("%s: token used %s after the interaction, past its %s life", st.name, age.Round(time.Second), TokenLife)), false
	}
	return st, answer{}, true
}

// messageLocked finds an interaction's message by ID ("@original" or a
// follow-up's).
func (st *interaction) message(id string) *Message {
	if id == "@original" {
		return st.original
	}
	for _, m := range st.followups {
		if m.ID == id {
			return m
		}
	}
	if st.original != nil && st.original.ID == id {
		return st.original
	}
	return nil
}

func (s *Server) webhookEdit(token, msgID string, body []byte) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, a, valid := s.webhookLocked(token)
	if !valid {
		return a
	}
	m := st.message(msgID)
	if m == nil || m.Deleted {
		return apiError(http.StatusNotFound, 10008, "Unknown Message", st.name+": edit of a message that does not exist: "+msgID)
	}
	var data map[string]any
	if err := json.Unmarshal(body, &data); err != nil {
		return apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.", st.name+": "+err.Error())
	}
	if a, bad := checkMessage(data, "", editFlags, false); bad {
		return named(st, a)
	}
	if c, ok := data["content"]; ok {
		m.Content = str(c)
	}
	m.Loading = false
	m.Edits++
	s.notifyLocked()
	return ok(messageBody(m))
}

func (s *Server) webhookDelete(token, msgID string) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, a, valid := s.webhookLocked(token)
	if !valid {
		return a
	}
	m := st.message(msgID)
	if m == nil || m.Deleted {
		return apiError(http.StatusNotFound, 10008, "Unknown Message", st.name+": delete of a message that does not exist: "+msgID)
	}
	m.Deleted = true
	s.notifyLocked()
	return noContent
}

// followup creates a follow-up message. Directly after a deferred
// response it edits the loading message instead and ignores the
// ephemeral flag (developers/interactions/receiving-and-responding#create-followup-message).
func (s *Server) followup(token string, body []byte) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, a, valid := s.webhookLocked(token)
	if !valid {
		return a
	}
	if !st.responded {
		return apiError(http.StatusNotFound, 10015, "Unknown Webhook", st.name+": follow-up before the first response")
	}
	var data map[string]any
	if err := json.Unmarshal(body, &data); err != nil {
		return apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.", st.name+": "+err.Error())
	}
	if a, bad := checkMessage(data, "", followupFlags, true); bad {
		return named(st, a)
	}
	defer s.notifyLocked()
	if o := st.original; o != nil && o.Loading && !o.Deleted {
		o.Content, o.Loading = str(data["content"]), false
		o.Edits++
		return ok(messageBody(o))
	}
	m := &Message{ID: s.newIDLocked(), Content: str(data["content"]), Ephemeral: flags(data)&flagEphemeral != 0}
	st.followups = append(st.followups, m)
	return ok(messageBody(m))
}

func messageBody(m *Message) map[string]any {
	var f int64
	if m.Ephemeral {
		f = flagEphemeral
	}
	return map[string]any{"id": m.ID, "content": m.Content, "flags": f, "type": 0}
}

// Messages returns the messages the interaction with the given token
// shows, as its user sees them: the original response first (when there
// is one), then the follow-ups.
func (s *Server) Messages(token string) []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, found := s.interactions[token]
	if !found {
		return nil
	}
	var out []Message
	if st.original != nil {
		out = append(out, *st.original)
	}
	for _, m := range st.followups {
		out = append(out, *m)
	}
	return out
}

// channelMessage creates a channel message, refusing a reply to a system
// message: only DEFAULT and REPLY messages
// (developers/resources/message#message-object-message-types) can be
// replied to.
func (s *Server) channelMessage(channelID string, body []byte) answer {
	var data map[string]any
	if err := json.Unmarshal(body, &data); err != nil {
		return apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.", err.Error())
	}
	if a, bad := checkMessage(data, "", channelFlags, true); bad {
		return a
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	typ := discordgo.MessageTypeDefault
	if ref, _ := data["message_reference"].(map[string]any); ref != nil {
		id := str(ref["message_id"])
		if t, known := s.messages[id]; known && t != discordgo.MessageTypeDefault && t != discordgo.MessageTypeReply {
			a := formError("message_reference", "REPLIES_CANNOT_REPLY_TO_SYSTEM_MESSAGE", "Cannot reply to a system message")
			a.why = fmt.Sprintf("reply to message %s of type %d: %s", id, t, a.why)
			return a
		}
		typ = discordgo.MessageTypeReply
	}
	id := s.newIDLocked()
	s.messages[id] = typ
	return ok(map[string]any{"id": id, "channel_id": channelID, "content": str(data["content"]), "type": typ,
		"author": s.botUser(), "flags": flags(data)})
}

func (s *Server) thread(channelID, msgID string, body []byte) answer {
	var ts discordgo.ThreadStart
	if err := json.Unmarshal(body, &ts); err != nil || ts.Name == "" || utf8.RuneCountInString(ts.Name) > 100 {
		return formError("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.")
	}
	// Discord gives a thread started on a message the message's ID.
	return answer{status: http.StatusCreated, body: &discordgo.Channel{ID: msgID, ParentID: channelID, Name: ts.Name, Type: discordgo.ChannelTypeGuildPublicThread}}
}

func (s *Server) getCommands(guildID string) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ok(append([]*discordgo.ApplicationCommand{}, s.commands[guildID]...))
}

func (s *Server) putCommands(guildID string, body []byte) answer {
	var raw []map[string]any
	if err := json.Unmarshal(body, &raw); err != nil {
		return apiError(http.StatusBadRequest, 50109, "The request body contains invalid JSON.", err.Error())
	}
	if a, bad := checkCommands(raw); bad {
		return a
	}
	var cmds []*discordgo.ApplicationCommand
	_ = json.Unmarshal(body, &cmds)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range cmds {
		c.ID = s.newIDLocked()
		c.ApplicationID = s.AppID
		c.GuildID = guildID
		c.Version = c.ID
	}
	s.commands[guildID] = cmds
	s.puts++
	s.notifyLocked()
	return ok(cmds)
}

// Responded reports whether the interaction with the given token got its
// first response.
func (s *Server) Responded(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.interactions[token]
	return ok && st.responded
}

// RespondedAt returns when, by the fake's clock, it received the
// interaction's first response; ok is false when it has none.
func (s *Server) RespondedAt(token string) (at time.Time, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, found := s.interactions[token]
	if !found || !st.responded {
		return time.Time{}, false
	}
	return st.respondedAt, true
}

// WaitResponded waits up to timeout until every token got its first
// response, and returns the tokens that did not.
func (s *Server) WaitResponded(timeout time.Duration, tokens []string) (missing []string) {
	s.waitFor(timeout, func() bool {
		missing = missing[:0]
		for _, t := range tokens {
			if st, ok := s.interactions[t]; !ok || !st.responded {
				missing = append(missing, t)
			}
		}
		return len(missing) == 0
	})
	return missing
}

// Endpoint wraps an Interactions Endpoint URL handler as Discord calls it:
// each request's interaction becomes live when the request arrives, and
// what h writes is taken as the interaction's first response the moment
// it is written, under the same rules as the callback endpoint. A
// response h does not write, or writes unparsable, is recorded as refused.
// Requests must be built and signed by the caller.
func (s *Server) Endpoint(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "read body", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		var i discordgo.Interaction
		var st *interaction
		if json.Unmarshal(body, &i) == nil && i.Token != "" && i.Type != discordgo.InteractionPing {
			s.mu.Lock()
			if old, seen := s.interactions[i.Token]; seen {
				st = old
			} else {
				st = s.registerLocked(&i)
			}
			s.mu.Unlock()
		}
		iw := &inlineWriter{ResponseWriter: w, s: s, st: st, token: i.Token, id: i.ID}
		h.ServeHTTP(iw, r)
		if st != nil && !iw.applied && iw.status == http.StatusOK {
			iw.apply()
		}
	})
}

// inlineWriter applies an HTTP interaction response as the callback when
// it is written.
type inlineWriter struct {
	http.ResponseWriter
	s         *Server
	st        *interaction
	token, id string
	status    int
	buf       bytes.Buffer
	applied   bool
}

func (w *inlineWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *inlineWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.buf.Write(p)
	if w.st != nil && !w.applied && w.status == http.StatusOK && json.Valid(w.buf.Bytes()) {
		w.apply()
	}
	return w.ResponseWriter.Write(p)
}

// apply takes the buffered body as the interaction's response.
func (w *inlineWriter) apply() {
	w.applied = true
	body := w.buf.Bytes()
	q := Request{Method: http.MethodPost, Path: "/interactions/" + w.id + "/" + w.token + "/callback", Body: append([]byte(nil), body...), Inline: true}
	_ = json.Unmarshal(body, &q.JSON)
	w.s.mu.Lock()
	q.At = w.s.now()
	a := w.s.respondLocked(w.st, body)
	w.s.notifyLocked()
	w.s.mu.Unlock()
	if a.status == 0 {
		a.status = http.StatusOK
	}
	q.Status, q.Error = a.status, a.why
	if a.status == http.StatusNoContent {
		q.Status = http.StatusOK
	}
	w.s.record(q)
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
