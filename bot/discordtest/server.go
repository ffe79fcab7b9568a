package discordtest

import (
	"encoding/json"
	"fmt"
	"io"
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

// Request is one REST request the fake received.
type Request struct {
	Method string
	// Path is the URL path without the /api/v9 prefix, e.g.
	// "/interactions/1/tok/callback".
	Path  string
	Query url.Values
	// Body is the raw request body; JSON holds it decoded (nil when it is
	// not JSON), so escaped characters such as \u003c read as themselves.
	Body []byte
	JSON map[string]any
}

// Decode unmarshals the request body into v.
func (r Request) Decode(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("decode %s %s body: %w", r.Method, r.Path, err)
	}
	return nil
}

// Server is a fake Discord. The zero value is not usable; call New.
type Server struct {
	// AppID and BotID are the application and bot user IDs reported in READY
	// and by /users/@me.
	AppID, BotID string
	// Guilds are the guild IDs announced in READY and GUILD_CREATE.
	Guilds []string

	ts *httptest.Server

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every state change
	requests []Request
	commands map[string][]*discordgo.ApplicationCommand // by guild ID, "" = global
	nextID   int64
	files    map[string][]byte // attachment path → bytes
	tokens   map[string]*interactionState
	gw       gateway
	puts     int
}

type interactionState struct {
	responded   bool
	respondedAt time.Time
}

// New starts a fake Discord; Close stops it.
func New() *Server {
	s := &Server{
		AppID:    "100000000000000001",
		BotID:    "100000000000000001",
		Guilds:   []string{"200000000000000001"},
		changed:  make(chan struct{}),
		commands: map[string][]*discordgo.ApplicationCommand{},
		files:    map[string][]byte{},
		tokens:   map[string]*interactionState{},
		nextID:   900000000000000000,
	}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Close closes the gateway socket and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	if s.gw.conn != nil {
		s.gw.conn.Close()
		s.gw.conn = nil
	}
	s.mu.Unlock()
	s.ts.CloseClientConnections()
	s.ts.Close()
}

// URL returns the fake's base URL (http://127.0.0.1:port).
func (s *Server) URL() string { return s.ts.URL }

// gatewayURL is the websocket address of the fake's gateway.
func (s *Server) gatewayURL() string { return "ws" + strings.TrimPrefix(s.ts.URL, "http") + "/gateway" }

// Client returns an http.Client whose requests for discord.com,
// cdn.discordapp.com and media.discordapp.net go to the fake.
func (s *Server) Client() *http.Client {
	u, _ := url.Parse(s.ts.URL)
	return &http.Client{Transport: rewrite{host: u.Host, next: s.ts.Client().Transport}, Timeout: 10 * time.Second}
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

// CommandPuts returns how many bulk overwrites of commands were received.
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

// request decodes r into a Request.
func request(r *http.Request, body []byte) Request {
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

// apiError writes a Discord-shaped JSON error.
func apiError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/gateway/" || r.URL.Path == "/gateway" {
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
		apiError(w, http.StatusBadRequest, 50109, "bad body")
		return
	}
	req := request(r, body)
	defer s.record(req)
	parts := strings.Split(strings.Trim(req.Path, "/"), "/")
	route := r.Method + " " + pattern(parts)
	switch route {
	case "GET gateway":
		writeJSON(w, 200, map[string]string{"url": s.gatewayURL()})
	case "GET gateway/bot":
		writeJSON(w, 200, map[string]any{"url": s.gatewayURL(), "shards": 1})
	case "GET users/@me":
		writeJSON(w, 200, s.botUser())
	case "POST interactions/*/*/callback":
		s.callback(w, parts[2], body)
	case "PATCH webhooks/*/*/messages/*":
		s.webhookEdit(w, parts[2], parts[4], body)
	case "POST webhooks/*/*":
		s.followup(w, parts[2], body)
	case "POST channels/*/messages":
		s.respondMessage(w, parts[1], body)
	case "POST channels/*/messages/*/threads":
		s.thread(w, parts[1], parts[3], body)
	case "GET applications/*/commands":
		s.getCommands(w, "")
	case "GET applications/*/guilds/*/commands":
		s.getCommands(w, parts[3])
	case "PUT applications/*/commands":
		s.putCommands(w, "", body)
	case "PUT applications/*/guilds/*/commands":
		s.putCommands(w, parts[3], body)
	default:
		apiError(w, http.StatusNotFound, 0, "404: Not Found")
	}
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

// contentTooLong reports whether a message body's content exceeds Discord's
// 2000 character limit.
func contentTooLong(body []byte) bool {
	var m struct {
		Content string `json:"content"`
	}
	_ = json.Unmarshal(body, &m)
	return utf8.RuneCountInString(m.Content) > 2000
}

func (s *Server) callback(w http.ResponseWriter, token string, body []byte) {
	s.mu.Lock()
	st, ok := s.tokens[token]
	switch {
	case !ok:
		s.mu.Unlock()
		apiError(w, http.StatusNotFound, 10062, "Unknown interaction")
		return
	case st.responded:
		s.mu.Unlock()
		apiError(w, http.StatusBadRequest, 40060, "Interaction has already been acknowledged.")
		return
	}
	var cb struct {
		Data json.RawMessage `json:"data"`
	}
	_ = json.Unmarshal(body, &cb)
	if contentTooLong(cb.Data) {
		s.mu.Unlock()
		tooLong(w)
		return
	}
	st.responded = true
	st.respondedAt = time.Now()
	s.notifyLocked()
	s.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// tooLong writes Discord's answer to content over 2000 characters.
func tooLong(w http.ResponseWriter) {
	apiError(w, http.StatusBadRequest, 50035, "Invalid Form Body: content must be 2000 or fewer in length")
}

// live reports whether token is a known interaction and, when
// needResponse, whether it got its first response.
func (s *Server) live(token string, needResponse bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.tokens[token]
	return ok && (st.responded || !needResponse)
}

func (s *Server) webhookEdit(w http.ResponseWriter, token, msgID string, body []byte) {
	if !s.live(token, msgID == "@original") {
		apiError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}
	s.respondMessage(w, "", body)
}

func (s *Server) followup(w http.ResponseWriter, token string, body []byte) {
	if !s.live(token, true) {
		apiError(w, http.StatusNotFound, 10015, "Unknown Webhook")
		return
	}
	s.respondMessage(w, "", body)
}

// respondMessage answers with the message the body describes, as Discord
// returns the created or edited message, after refusing content Discord
// refuses.
func (s *Server) respondMessage(w http.ResponseWriter, channelID string, body []byte) {
	if contentTooLong(body) {
		tooLong(w)
		return
	}
	var m discordgo.Message
	if err := json.Unmarshal(body, &m); err != nil {
		apiError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	s.mu.Lock()
	m.ID = s.newIDLocked()
	s.mu.Unlock()
	m.ChannelID = channelID
	m.Author = s.botUser()
	writeJSON(w, 200, &m)
}

func (s *Server) thread(w http.ResponseWriter, channelID, msgID string, body []byte) {
	var ts discordgo.ThreadStart
	if err := json.Unmarshal(body, &ts); err != nil || ts.Name == "" || utf8.RuneCountInString(ts.Name) > 100 {
		apiError(w, http.StatusBadRequest, 50035, "Invalid Form Body: name")
		return
	}
	// Discord gives a thread started on a message the message's ID.
	writeJSON(w, 201, &discordgo.Channel{ID: msgID, ParentID: channelID, Name: ts.Name, Type: discordgo.ChannelTypeGuildPublicThread})
}

func (s *Server) getCommands(w http.ResponseWriter, guildID string) {
	s.mu.Lock()
	cmds := append([]*discordgo.ApplicationCommand{}, s.commands[guildID]...)
	s.mu.Unlock()
	writeJSON(w, 200, cmds)
}

func (s *Server) putCommands(w http.ResponseWriter, guildID string, body []byte) {
	var cmds []*discordgo.ApplicationCommand
	if err := json.Unmarshal(body, &cmds); err != nil {
		apiError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return
	}
	for _, c := range cmds {
		if c.Name == "" || len(c.Name) > 32 || strings.ToLower(c.Name) != c.Name || len(c.Description) > 100 {
			apiError(w, http.StatusBadRequest, 50035, "Invalid Form Body: name or description")
			return
		}
	}
	s.mu.Lock()
	for _, c := range cmds {
		c.ID = s.newIDLocked()
		c.ApplicationID = s.AppID
		c.GuildID = guildID
		c.Version = c.ID
	}
	s.commands[guildID] = cmds
	s.puts++
	s.notifyLocked()
	s.mu.Unlock()
	writeJSON(w, 200, cmds)
}

// Responded reports whether the interaction with the given token got its
// first response.
func (s *Server) Responded(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.tokens[token]
	return ok && st.responded
}

// RespondedAt returns when the fake received the interaction's first
// response; ok is false when it has none.
func (s *Server) RespondedAt(token string) (at time.Time, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, found := s.tokens[token]
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
			if st, ok := s.tokens[t]; !ok || !st.responded {
				missing = append(missing, t)
			}
		}
		return len(missing) == 0
	})
	return missing
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
