package discordtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Identify is what the client sent in an IDENTIFY (op 2).
type Identify struct {
	Token   string  `json:"token"`
	Intents int     `json:"intents"`
	Shard   *[2]int `json:"shard"`
	// At is when the fake received it, by its clock; Path is the URL path
	// of the socket it came on.
	At   time.Time `json:"-"`
	Path string    `json:"-"`
}

// Resume is what the client sent in a RESUME (op 6).
type Resume struct {
	Token     string `json:"token"`
	SessionID string `json:"session_id"`
	Seq       int64  `json:"seq"`
	// Path is the URL path of the socket it came on: "/gateway/" for the
	// URL of GET /gateway, "/resume-gateway/" for READY's
	// resume_gateway_url.
	Path string `json:"-"`
	// Accepted: the session was known and its missed events replayed.
	Accepted bool `json:"-"`
}

// resumePath is where READY's resume_gateway_url points; Discord gives a
// different host, the fake a different path.
const resumePath = "/resume-gateway"

type frame struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  int64           `json:"s,omitempty"`
	T  string          `json:"t,omitempty"`
}

// conn is one client socket.
type conn struct {
	ws      *websocket.Conn
	path    string
	session *session // attached session, nil before IDENTIFY/RESUME
	// invalidated counts op 9s sent on this socket.
	invalidated int
	// zombie: the socket stays open but nothing flows: heartbeats go
	// unacknowledged and dispatches are only kept for replay.
	zombie bool
}

// session is a gateway session: its dispatches are numbered and kept for
// replay on RESUME.
type session struct {
	id      string
	shard   [2]int
	seq     int64
	history []frame
	conn    *conn // nil while no socket is attached
}

type gateway struct {
	conns        []*conn
	sessions     map[string]*session
	last         string // ID of the newest session
	identifies   []Identify
	resumes      []Resume
	heartbeats   int
	closeCodes   []int
	lastIdentify map[int]time.Time // by rate-limit key
	// sameSocket counts IDENTIFYs sent on a socket that had received op 9,
	// which the docs say to close instead (developers/events/gateway#resuming).
	sameSocket int
	invalids   int
}

func (s *Server) gatewayURL() string { return "ws" + strings.TrimPrefix(s.ts.URL, "http") + "/gateway" }

func (s *Server) resumeURL() string {
	return "ws" + strings.TrimPrefix(s.ts.URL, "http") + resumePath
}

// writeLocked writes f on c; s.mu must be held (it serialises writers).
func (s *Server) writeLocked(c *conn, f frame) {
	if c.ws.WriteJSON(f) != nil {
		s.detachLocked(c)
	}
}

func (s *Server) closeLocked(c *conn, code int, text string) {
	_ = c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, text))
	_ = c.ws.Close()
	s.detachLocked(c)
}

// detachLocked forgets socket c; its session stays resumable.
func (s *Server) detachLocked(c *conn) {
	if c.session != nil && c.session.conn == c {
		c.session.conn = nil
	}
	for k, x := range s.gw.conns {
		if x == c {
			s.gw.conns = append(s.gw.conns[:k], s.gw.conns[k+1:]...)
			break
		}
	}
}

// serveGateway speaks the gateway protocol on one websocket connection.
func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	c := &conn{ws: ws, path: r.URL.Path}
	s.mu.Lock()
	s.gw.conns = append(s.gw.conns, c)
	hello, _ := json.Marshal(map[string]int64{"heartbeat_interval": s.HeartbeatInterval.Milliseconds()})
	s.writeLocked(c, frame{Op: 10, D: hello})
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.detachLocked(c)
		s.notifyLocked()
		s.mu.Unlock()
		_ = ws.Close()
	}()
	for {
		var f frame
		if err := ws.ReadJSON(&f); err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				s.closedBy(c, ce.Code)
			}
			return
		}
		switch f.Op {
		case 1:
			s.mu.Lock()
			s.gw.heartbeats++
			if !c.zombie {
				s.writeLocked(c, frame{Op: 11})
			}
			s.notifyLocked()
			s.mu.Unlock()
		case 2:
			var id Identify
			if json.Unmarshal(f.D, &id) != nil {
				s.mu.Lock()
				s.closeLocked(c, 4002, "Error while decoding payload.")
				s.mu.Unlock()
				return
			}
			s.identified(c, id)
		case 6:
			var rs Resume
			if json.Unmarshal(f.D, &rs) != nil {
				return
			}
			s.resumed(c, rs)
		}
	}
}

// closedBy records the client's close code. Closing with 1000 or 1001
// invalidates the session (developers/events/gateway#initiating-a-disconnect).
func (s *Server) closedBy(c *conn, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gw.closeCodes = append(s.gw.closeCodes, code)
	if (code == websocket.CloseNormalClosure || code == websocket.CloseGoingAway) && c.session != nil {
		delete(s.gw.sessions, c.session.id)
	}
	s.notifyLocked()
}

// privileged are the intents that must be enabled in the Developer Portal
// (developers/events/gateway#privileged-intents).
const privileged = discordgo.IntentsGuildMembers | discordgo.IntentsGuildPresences | discordgo.IntentsMessageContent

// identified starts a new session: READY, then one GUILD_CREATE per guild
// routed to the shard. A privileged intent not enabled closes the socket
// with 4014; a second IDENTIFY of one rate-limit key within 5 s gets op 9.
func (s *Server) identified(c *conn, id Identify) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	id.At, id.Path = s.now(), c.path
	s.gw.identifies = append(s.gw.identifies, id)
	if c.invalidated > 0 {
		s.gw.sameSocket++
	}
	if denied := discordgo.Intent(id.Intents) & privileged &^ s.PrivilegedIntents; denied != 0 {
		s.closeLocked(c, 4014, "Disallowed intent(s).")
		return
	}
	shard := [2]int{0, 1}
	if id.Shard != nil {
		shard = *id.Shard
	}
	key := shard[0] % max(s.MaxConcurrency, 1)
	if last, seen := s.gw.lastIdentify[key]; seen && id.At.Sub(last) < IdentifyInterval {
		s.invalidLocked(c, false)
		return
	}
	s.gw.lastIdentify[key] = id.At
	if c.session != nil {
		delete(s.gw.sessions, c.session.id)
	}
	ss := &session{id: fmt.Sprintf("session-%d", len(s.gw.identifies)), shard: shard, conn: c}
	s.gw.sessions[ss.id] = ss
	s.gw.last = ss.id
	c.session = ss
	guilds := []map[string]any{}
	var mine []string
	for _, g := range s.Guilds {
		if routes(g, shard) {
			guilds = append(guilds, map[string]any{"id": g, "unavailable": true})
			mine = append(mine, g)
		}
	}
	s.dispatchToLocked(ss, "READY", map[string]any{
		"v":                  9,
		"session_id":         ss.id,
		"resume_gateway_url": s.resumeURL(),
		"user":               s.botUser(),
		"application":        map[string]any{"id": s.AppID, "flags": 0},
		"guilds":             guilds,
		"shard":              shard,
	})
	for _, g := range mine {
		s.dispatchToLocked(ss, "GUILD_CREATE", map[string]any{"id": g, "name": "Guild " + g, "unavailable": false, "member_count": 3})
	}
}

// invalidLocked sends op 9; a client that keeps identifying on the socket
// instead of reconnecting is cut off after three.
func (s *Server) invalidLocked(c *conn, resumable bool) {
	c.invalidated++
	s.gw.invalids++
	s.writeLocked(c, frame{Op: 9, D: json.RawMessage(strconv.FormatBool(resumable))})
	if c.invalidated > 3 {
		s.closeLocked(c, 4000, "Unknown error.")
	}
}

// routes reports whether guild g's events go to shard
// (developers/events/gateway#sharding-sharding-formula).
func routes(g string, shard [2]int) bool {
	if shard[1] <= 1 {
		return true
	}
	id, err := strconv.ParseUint(g, 10, 64)
	if err != nil {
		return shard[0] == 0
	}
	return int((id>>22)%uint64(shard[1])) == shard[0]
}

// resumed replays the dispatches after rs.Seq and sends RESUMED, or sends
// op 9 (not resumable) when the session is unknown or was invalidated.
func (s *Server) resumed(c *conn, rs Resume) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.notifyLocked()
	rs.Path = c.path
	ss, known := s.gw.sessions[rs.SessionID]
	if !known {
		s.gw.resumes = append(s.gw.resumes, rs)
		s.invalidLocked(c, false)
		return
	}
	rs.Accepted = true
	s.gw.resumes = append(s.gw.resumes, rs)
	if ss.conn != nil && ss.conn != c {
		_ = ss.conn.ws.Close()
		ss.conn.session = nil
	}
	ss.conn, c.session = c, ss
	for _, f := range ss.history {
		if f.S > rs.Seq {
			s.writeLocked(c, f)
		}
	}
	s.dispatchToLocked(ss, "RESUMED", map[string]any{})
}

// dispatchToLocked sends a dispatch (op 0) on ss with its next sequence
// number and keeps it for replay; with no socket it is only kept.
func (s *Server) dispatchToLocked(ss *session, t string, data any) int64 {
	d, err := json.Marshal(data)
	if err != nil {
		panic(fmt.Sprintf("discordtest: marshal %s: %v", t, err))
	}
	ss.seq++
	f := frame{Op: 0, D: d, S: ss.seq, T: t}
	ss.history = append(ss.history, f)
	if ss.conn != nil && !ss.conn.zombie {
		s.writeLocked(ss.conn, f)
	}
	return ss.seq
}

// dispatchLocked sends event t to the session its guild routes to (shard 0
// for events without a guild); it returns the sequence number, 0 when no
// session exists yet.
func (s *Server) dispatchLocked(guildID, t string, data any) int64 {
	var target *session
	for _, ss := range s.gw.sessions {
		match := routes(guildID, ss.shard)
		if guildID == "" {
			match = ss.shard[0] == 0
		}
		if match && (target == nil || ss.id == s.gw.last) {
			target = ss
		}
	}
	if target == nil {
		return 0
	}
	return s.dispatchToLocked(target, t, data)
}

// Dispatch sends event t with data to the client (or keeps it for replay
// on resume when the socket is down) and returns its sequence number.
func (s *Server) Dispatch(t string, data any) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dispatchLocked("", t, data)
}

// DispatchInteraction makes i a live interaction created now (see
// NewInteraction) and dispatches INTERACTION_CREATE. It returns the token.
func (s *Server) DispatchInteraction(i *discordgo.Interaction) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.registerLocked(i)
	payload := toMap(i)
	if i.Message != nil {
		payload["message"] = messageMap(i.Message)
	}
	s.dispatchLocked(i.GuildID, "INTERACTION_CREATE", payload)
	s.notifyLocked()
	return i.Token
}

// DispatchMessage dispatches MESSAGE_CREATE for m, giving it an ID when it
// has none, and returns the message ID. The fake remembers its type, so a
// reply to a system message is refused.
func (s *Server) DispatchMessage(m *discordgo.Message) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.ID == "" {
		m.ID = s.newIDLocked()
	}
	if m.Timestamp.IsZero() {
		m.Timestamp = s.now()
	}
	s.messages[m.ID] = m.Type
	s.dispatchLocked(m.GuildID, "MESSAGE_CREATE", messageMap(m))
	return m.ID
}

// DropConnection closes every gateway socket abruptly, without a close
// frame, as a network failure would; sessions stay resumable.
func (s *Server) DropConnection() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range append([]*conn(nil), s.gw.conns...) {
		_ = c.ws.UnderlyingConn().Close()
		s.detachLocked(c)
	}
	s.notifyLocked()
}

// Reconnect sends op 7 (Reconnect) on every socket: the client should
// reconnect and resume (developers/events/gateway-events#reconnect).
func (s *Server) Reconnect() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range append([]*conn(nil), s.gw.conns...) {
		s.writeLocked(c, frame{Op: 7, D: json.RawMessage("null")})
	}
}

// InvalidSession sends op 9 with d=resumable on every socket with a
// session; when not resumable the sessions are forgotten. The docs ask
// the client to close the socket and reconnect
// (developers/events/gateway#resuming).
func (s *Server) InvalidSession(resumable bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range append([]*conn(nil), s.gw.conns...) {
		if c.session == nil {
			continue
		}
		if !resumable {
			delete(s.gw.sessions, c.session.id)
		}
		s.invalidLocked(c, resumable)
	}
}

// Zombie makes every open socket a zombied connection: it stays open,
// but heartbeats go unacknowledged and dispatches are only kept for
// replay on RESUME. New sockets are healthy.
func (s *Server) Zombie() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.gw.conns {
		c.zombie = true
	}
}

// CloseCodes returns the close codes clients sent, oldest first.
func (s *Server) CloseCodes() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.gw.closeCodes...)
}

// Identifies returns every IDENTIFY received, oldest first.
func (s *Server) Identifies() []Identify {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Identify(nil), s.gw.identifies...)
}

// Resumes returns every RESUME received, oldest first.
func (s *Server) Resumes() []Resume {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Resume(nil), s.gw.resumes...)
}

// InvalidSessions returns how many op 9s the fake sent, and how many
// IDENTIFYs arrived on a socket that had got one.
func (s *Server) InvalidSessions() (sent, identifiedOnSameSocket int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw.invalids, s.gw.sameSocket
}

// WaitIdentify waits up to timeout for the n-th IDENTIFY (1-based) to start
// a live session and returns it.
func (s *Server) WaitIdentify(timeout time.Duration, n int) (id Identify, ok bool) {
	ok = s.waitFor(timeout, func() bool {
		if len(s.gw.identifies) >= n && s.liveLocked() {
			id = s.gw.identifies[n-1]
			return true
		}
		return false
	})
	return id, ok
}

// liveLocked reports whether some session has a socket.
func (s *Server) liveLocked() bool {
	for _, ss := range s.gw.sessions {
		if ss.conn != nil {
			return true
		}
	}
	return false
}

// WaitResume waits up to timeout for an accepted RESUME (the session is
// live on a new socket) and returns it.
func (s *Server) WaitResume(timeout time.Duration) (rs Resume, ok bool) {
	ok = s.waitFor(timeout, func() bool {
		for k := len(s.gw.resumes) - 1; k >= 0; k-- {
			if r := s.gw.resumes[k]; r.Accepted {
				if ss := s.gw.sessions[r.SessionID]; ss != nil && ss.conn != nil {
					rs = r
					return true
				}
			}
		}
		return false
	})
	return rs, ok
}

// WaitHeartbeats waits up to timeout until n heartbeats arrived in all.
// discordgo v0.29.0 must have sent its first heartbeat before its socket
// is disturbed: a heartbeat goroutine that starts while the socket is
// being closed later closes the next socket with 1000, ending the session.
func (s *Server) WaitHeartbeats(timeout time.Duration, n int) bool {
	return s.waitFor(timeout, func() bool { return s.gw.heartbeats >= n })
}

// SessionID returns the newest gateway session's ID.
func (s *Server) SessionID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gw.last
}

// Connected reports whether a client socket is live.
func (s *Server) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.liveLocked()
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
