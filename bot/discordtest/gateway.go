package discordtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Identify is what the client sent in an IDENTIFY (op 2).
type Identify struct {
	Token   string `json:"token"`
	Intents int    `json:"intents"`
}

// Resume is what the client sent in a RESUME (op 6).
type Resume struct {
	Token     string `json:"token"`
	SessionID string `json:"session_id"`
	Seq       int64  `json:"seq"`
}

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  int64           `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

type gateway struct {
	conn       *websocket.Conn
	sessionID  string
	seq        int64
	history    []frame // every dispatch of the session, for replay on resume
	identifies []Identify
	resumes    []Resume
	heartbeats int
}

// serveGateway speaks the gateway protocol on one websocket connection.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	c, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer c.Close()
	hello, _ := json.Marshal(map[string]int{"heartbeat_interval": 45000})
	if c.WriteJSON(frame{Op: 10, D: hello}) != nil {
		return
	}
	var first frame
	if c.ReadJSON(&first) != nil {
		return
	}
	switch first.Op {
	case 2:
		var id Identify
		if json.Unmarshal(first.D, &id) != nil {
			c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4002, "decode error"))
			return
		}
		s.identified(c, id)
	case 6:
		var rs Resume
		if json.Unmarshal(first.D, &rs) != nil || !s.resumed(c, rs) {
			return
		}
	default:
		c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4003, "not authenticated"))
		return
	}
	for {
		var f frame
		if err := c.ReadJSON(&f); err != nil {
			s.mu.Lock()
			if s.gw.conn == c {
				s.gw.conn = nil
			}
			s.mu.Unlock()
			return
		}
		if f.Op == 1 {
			s.mu.Lock()
			s.gw.heartbeats++
			if s.gw.conn == c {
				_ = c.WriteJSON(frame{Op: 11})
			}
			s.notifyLocked()
			s.mu.Unlock()
		}
	}
}

// identified starts a new session: READY, then one GUILD_CREATE per guild.
func (s *Server) identified(c *websocket.Conn, id Identify) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gw.identifies = append(s.gw.identifies, id)
	s.gw.sessionID = fmt.Sprintf("session-%d", len(s.gw.identifies))
	s.gw.seq = 0
	s.gw.history = nil
	s.gw.conn = c
	guilds := make([]map[string]any, len(s.Guilds))
	for i, g := range s.Guilds {
		guilds[i] = map[string]any{"id": g, "unavailable": true}
	}
	s.dispatchLocked("READY", map[string]any{
		"v":                  9,
		"session_id":         s.gw.sessionID,
		"resume_gateway_url": s.gatewayURL(),
		"user":               s.botUser(),
		"application":        map[string]any{"id": s.AppID, "flags": 0},
		"guilds":             guilds,
	})
	for _, g := range s.Guilds {
		s.dispatchLocked("GUILD_CREATE", map[string]any{"id": g, "name": "Guild " + g, "unavailable": false, "member_count": 3})
	}
	s.notifyLocked()
}

// resumed replays the dispatches after rs.Seq and sends RESUMED; it
// reports false (invalid session) when the session ID is unknown.
func (s *Server) resumed(c *websocket.Conn, rs Resume) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gw.resumes = append(s.gw.resumes, rs)
	s.notifyLocked()
	if rs.SessionID != s.gw.sessionID {
		_ = c.WriteJSON(frame{Op: 9, D: json.RawMessage("false")})
		return false
	}
	s.gw.conn = c
	for _, f := range s.gw.history {
		if f.S > rs.Seq {
			_ = c.WriteJSON(f)
		}
	}
	s.dispatchLocked("RESUMED", map[string]any{})
	return true
}

// dispatchLocked sends a dispatch (op 0) with the next sequence number and
// keeps it for replay; s.mu must be held. With no socket it is only kept.
func (s *Server) dispatchLocked(t string, data any) int64 {
	d, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("discordtest: marshal %s: %v", t, err))
	}
	s.gw.seq++
	f := frame{Op: 0, D: d, S: s.gw.seq, T: t}
	s.gw.history = append(s.gw.history, f)
	if s.gw.conn != nil {
		if s.gw.conn.WriteJSON(f) != nil {
			s.gw.conn = nil
		}
	}
	return s.gw.seq
}

// Dispatch sends event t with data to the connected client (or keeps it for
// replay on resume when the socket is down) and returns its sequence number.
func (s *Server) Dispatch(t string, data any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dispatchLocked(t, data)
}

// DispatchInteraction registers i's token as a live interaction, fills the
// IDs Discord fills (ID, application, token, version) when empty, and
// dispatches INTERACTION_CREATE. It returns the token.
func (s *Server) DispatchInteraction(i *discordgo.Interaction) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i.ID == "" {
		i.ID = s.newIDLocked()
	}
	if i.Token == "" {
		i.Token = "itoken-" + s.newIDLocked()
	}
	i.AppID = s.AppID
	i.Version = 1
	s.tokens[i.Token] = &interactionState{}
	payload := toMap(i)
	if i.Message != nil {
		payload["message"] = messageMap(i.Message)
	}
	s.dispatchLocked("INTERACTION_CREATE", payload)
	return i.Token
}

// DispatchMessage dispatches MESSAGE_CREATE for m, giving it an ID when it
// has none, and returns the message ID.
func (s *Server) DispatchMessage(m *discordgo.Message) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.ID == "" {
		m.ID = s.newIDLocked()
	}
	if m.Timestamp.IsZero() {
		m.Timestamp = time.Now()
	}
	s.dispatchLocked("MESSAGE_CREATE", messageMap(m))
	return m.ID
}

// DropConnection closes the gateway socket abruptly, without a close frame,
// as a network failure would; the client is expected to RESUME.
func (s *Server) DropConnection() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gw.conn != nil {
		_ = s.gw.conn.UnderlyingConn().Close()
		s.gw.conn = nil
	}
}

// WaitIdentify waits up to timeout for the n-th IDENTIFY (1-based) and
// returns it.
func (s *Server) WaitIdentify(timeout time.Duration, n int) (id Identify, ok bool) {
	ok = s.waitFor(timeout, func() bool {
		if len(s.gw.identifies) >= n && s.gw.conn != nil {
			id = s.gw.identifies[n-1]
			return true
		}
		return false
	})
	return id, ok
}

// WaitResume waits up to timeout for a RESUME that was accepted (the
// session is live on a new socket) and returns it.
func (s *Server) WaitResume(timeout time.Duration) (rs Resume, ok bool) {
	ok = s.waitFor(timeout, func() bool {
		if len(s.gw.resumes) > 0 && s.gw.conn != nil {
			rs = s.gw.resumes[len(s.gw.resumes)-1]
			return true
		}
		return false
	})
	return rs, ok
}

// SessionID returns the current gateway session's ID.
func (s *Server) SessionID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw.sessionID
}

// Connected reports whether a client socket is live.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw.conn != nil
}

// toMap marshals v and decodes it back as a JSON object.
func toMap(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("discordtest: marshal %T: %v", v, err))
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		panic(fmt.Sprintf("discordtest: decode %T: %v", v, err))
	}
	return m
}

// messageMap is m as Discord sends it: discordgo's Message does not marshal
// its components (json:"-"), so they are added here.
func messageMap(m *discordgo.Message) map[string]any {
	out := toMap(m)
	if len(m.Components) > 0 {
		comps := make([]any, len(m.Components))
		for k, c := range m.Components {
			comps[k] = toMap(c)
		}
		out["components"] = comps
	}
	return out
}
