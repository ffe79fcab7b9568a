package bot

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"sync"
	"time"
)

// ServerOptions bound the HTTP server in front of the interactions
// endpoint, so that requests nobody signed cannot hold its memory or its
// connections. Zero values take the defaults noted on each field.
type ServerOptions struct {
	// ReadTimeout bounds reading a request, headers and body (default
	// 10s). Discord sends a request at once; a connection that stalls
	// while sending one is closed when it runs out.
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the
	// end of its response (default 20s): the body, the wait for the first
	// response (HTTPOptions.FirstResponseWait) and the write.
	WriteTimeout time.Duration
	// IdleTimeout closes a keep-alive connection idle this long (default
	// 60s).
	IdleTimeout time.Duration
	// MaxConns caps open connections (default 512). A connection not yet
	// read costs a few KiB, and one stalled in its headers at most
	// MaxHeaderBytes more; under a flood of new connections the cap is
	// how many newer ones may arrive before one the server has not read
	// yet may be closed (until it is read, Discord's connection looks like
	// any other).
	MaxConns int
	// MaxBodyBytes caps the request bodies (by their declared length)
	// that connections may hold at once (default 4 MiB: Discord's bodies
	// are a few KiB).
	MaxBodyBytes int64
	// MaxHeaderBytes caps request headers (default 16 KiB; Discord's are
	// well under 1 KiB).
	MaxHeaderBytes int
	// ErrorLog receives the server's own errors (default: the log
	// package's standard logger).
	ErrorLog *log.Logger
}

// NewServer returns an http.Server for h with the bounds of opts.
//
// At MaxConns, or when a request's body would take the bodies held past
// MaxBodyBytes, the server closes connections to make room rather than
// make newcomers wait, so that stalled connections cannot lock Discord
// out. It closes first those with a large body (over 64 KiB), then the
// oldest, and never one whose handler runs with its whole request in
// hand. Memory is thus bounded by MaxBodyBytes plus MaxConns times a
// connection's own buffers, whatever arrives.
func NewServer(h http.Handler, opts ServerOptions) *http.Server {
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = 10 * time.Second
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 20 * time.Second
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 60 * time.Second
	}
	if opts.MaxConns <= 0 {
		opts.MaxConns = 512
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 4 << 20
	}
	if opts.MaxHeaderBytes <= 0 {
		opts.MaxHeaderBytes = 16 << 10
	}
	cc := &connCap{maxConns: opts.MaxConns, maxBody: opts.MaxBodyBytes, conns: map[net.Conn]*connInfo{}}
	return &http.Server{
		Handler:           cc.wrap(h),
		ReadHeaderTimeout: opts.ReadTimeout,
		ReadTimeout:       opts.ReadTimeout,
		WriteTimeout:      opts.WriteTimeout,
		IdleTimeout:       opts.IdleTimeout,
		MaxHeaderBytes:    opts.MaxHeaderBytes,
		ErrorLog:          opts.ErrorLog,
		ConnContext:       cc.accepted,
		ConnState:         cc.state,
	}
}

const (
	// bigBody: a body declared larger than this is not Discord's (its
	// bodies are a few KiB); such connections are closed first.
	bigBody = 64 << 10
	// unknownBody is what a body of undeclared length (chunked) counts
	// against MaxBodyBytes: HTTPOptions.MaxBody's default.
	unknownBody = 256 << 10
)

// connCap bounds the connections and the request bodies they hold,
// closing connections to make room.
type connCap struct {
	mu       sync.Mutex
	maxConns int
	maxBody  int64
	conns    map[net.Conn]*connInfo
}

// connInfo is what the cap knows of one connection.
type connInfo struct {
	conn     net.Conn
	since    time.Time // when it arrived, or began its present request or idleness
	declared int64     // the body its request declared, while it runs
	idle     bool      // between requests
	busy     bool      // running a handler with its whole request read
	evicted  bool      // closed by the cap, not yet gone
}

type connKey struct{}

// accepted registers a new connection (http.Server.ConnContext runs for
// each one, in the accept loop) and, at MaxConns, closes one: another if
// one may be closed, else the newcomer.
func (cc *connCap) accepted(ctx context.Context, c net.Conn) context.Context {
	info := &connInfo{conn: c, since: time.Now()}
	cc.mu.Lock()
	cc.conns[c] = info
	var victim *connInfo
	if cc.openLocked() > cc.maxConns {
		if victim = cc.victimLocked(info, false); victim == nil {
			victim = info
		}
		victim.evicted = true
	}
	cc.mu.Unlock()
	if victim != nil {
		_ = victim.conn.Close()
	}
	return context.WithValue(ctx, connKey{}, info)
}

// declare counts the body a request on info declared (its headers are
// in), and closes connections while the bodies held exceed MaxBodyBytes.
// A big body that does not fit is refused itself, before anything is
// allocated for it: bodies that are not Discord's do not push out older
// ones only to be pushed out in turn. It reports whether info may go on.
func (cc *connCap) declare(info *connInfo, length int64) bool {
	if length < 0 {
		length = unknownBody
	}
	var victims []*connInfo
	cc.mu.Lock()
	info.declared = length
	if cc.bodiesLocked() > cc.maxBody && length > bigBody {
		info.evicted = true
		victims = append(victims, info)
	}
	for cc.bodiesLocked() > cc.maxBody {
		v := cc.victimLocked(nil, true)
		if v == nil {
			break
		}
		v.evicted = true
		victims = append(victims, v)
	}
	ok := !info.evicted
	cc.mu.Unlock()
	for _, v := range victims {
		_ = v.conn.Close()
	}
	return ok
}

// openLocked counts the connections not already closed by the cap.
func (cc *connCap) openLocked() int {
	n := 0
	for _, o := range cc.conns {
		if !o.evicted {
			n++
		}
	}
	return n
}

// bodiesLocked sums the bodies declared on connections not closed by the
// cap.
func (cc *connCap) bodiesLocked() int64 {
	var n int64
	for _, o := range cc.conns {
		if !o.evicted {
			n += o.declared
		}
	}
	return n
}

// victimLocked picks the connection to close: not busy, not closed
// already, not except; with a declared body when withBody; one with a big
// body before others, then the oldest. It returns nil when there is none.
func (cc *connCap) victimLocked(except *connInfo, withBody bool) *connInfo {
	var v *connInfo
	for _, o := range cc.conns {
		if o.busy || o.evicted || o == except || withBody && o.declared == 0 {
			continue
		}
		if v == nil {
			v = o
			continue
		}
		if ob, vb := o.declared > bigBody, v.declared > bigBody; ob != vb {
			if ob {
				v = o
			}
			continue
		}
		if o.since.Before(v.since) {
			v = o
		}
	}
	return v
}

// state follows connections through their states.
func (cc *connCap) state(c net.Conn, s http.ConnState) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	info := cc.conns[c]
	if info == nil {
		return
	}
	switch s {
	case http.StateActive:
		// A connection keeps its age from its arrival through its first
		// request, whenever the server gets round to reading it; a
		// keep-alive one counts from its new request.
		if info.idle {
			info.since, info.idle = time.Now(), false
		}
		info.busy, info.declared = false, 0
	case http.StateIdle:
		info.since, info.idle, info.busy, info.declared = time.Now(), true, false, 0
	case http.StateHijacked, http.StateClosed:
		delete(cc.conns, c)
	}
}

// setBusy marks the connection of a request as running a handler with its
// whole request in hand, or no longer.
func (cc *connCap) setBusy(info *connInfo, busy bool) {
	cc.mu.Lock()
	info.busy = busy
	cc.mu.Unlock()
}

// wrap counts each request's declared body and marks its connection busy
// once the body is read.
func (cc *connCap) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info, _ := r.Context().Value(connKey{}).(*connInfo)
		if info == nil {
			h.ServeHTTP(w, r)
			return
		}
		var once sync.Once
		bodyRead := func() { once.Do(func() { cc.setBusy(info, true) }) }
		defer cc.setBusy(info, false)
		if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
			bodyRead()
		} else {
			if !cc.declare(info, r.ContentLength) {
				return // closed to make room: nothing can be read or written
			}
			r.Body = &watchedBody{ReadCloser: r.Body, left: r.ContentLength, done: bodyRead}
		}
		h.ServeHTTP(w, r)
	})
}

// watchedBody calls done once the body was read to its end: its declared
// length, or EOF.
type watchedBody struct {
	io.ReadCloser
	left int64 // bytes still to come; negative when the length is unknown
	done func()
}

func (b *watchedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.left >= 0 {
		b.left -= int64(n)
	}
	if err == io.EOF || b.left == 0 {
		b.done()
	}
	return n, err
}
