package fakeserver

import (
	"errors"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

const (
	maxFrameBytes = 1 << 20
	writeWait     = 10 * time.Second
)

var upgrader = websocket.Upgrader{
	ReadBufferSize:  4096,
	WriteBufferSize: 4096,
	CheckOrigin:     func(*http.Request) bool { return true }, // WebView origins vary
}

// Close codes the server sends (see "Limits and security" in docs/emulator.md).
const (
	// CloseUnauthorized closes a socket whose auth frame was refused.
	CloseUnauthorized = 4001
	// CloseTokenRevoked closes a socket whose auth token was revoked.
	CloseTokenRevoked = 4001
	// CloseAuthTimeout closes a socket not authenticated within
	// Config.AuthTimeout.
	CloseAuthTimeout = 4002
	// CloseTooManySockets closes a socket whose user already has
	// Config.MaxSocketsPerUser authenticated sockets.
	CloseTooManySockets = 4003
	// CloseTooSlow closes a socket whose send queue outgrew
	// Config.MaxSocketQueueBytes.
	CloseTooSlow = 4004
)

// wsConn is one websocket. One reader and one writer goroutine own it; every
// write goes through the writer (gorilla allows one concurrent writer).
type wsConn struct {
	s          *Server
	ws         *websocket.Conn
	id         uint64
	remote     string
	out        outQueue
	done       chan struct{} // closed when the reader stops
	writerDone chan struct{}
	finished   chan struct{} // closed once unregistered
	doneOnce   sync.Once
	halfOpen   atomic.Bool
	closing    atomic.Bool
	closeCode  atomic.Int32 // the first close code sent or received, for the log
	cork       *corkConn    // nil when the socket is not a corkConn
	authTimer  *time.Timer  // nil when Config.AuthTimeout is off

	// guarded by Server.mu
	authed   bool
	appID    string
	uid      string
	tid      string // tokenID of the auth token the JWT was minted for
	session  string
	presence string
	roles    []string
}

func (s *Server) handleWebSocket(w http.ResponseWriter, r *http.Request) {
	if s.refusingSockets() {
		writeError(w, newErr(http.StatusServiceUnavailable, "ERR_MISSION_FAILED", "Websocket connections are refused for now."))
		return
	}
	// reserve a pending (unauthenticated) place before upgrading
	s.mu.Lock()
	if max := s.cfg.MaxPendingSockets; max > 0 && s.pending >= max {
		s.mu.Unlock()
		s.log.Warn("ws refused: too many unauthenticated sockets", "remote", r.RemoteAddr, "limit", max)
		writeError(w, newErr(http.StatusServiceUnavailable, "ERR_TOO_MANY_CONNECTIONS",
			"Too many websockets are waiting to authenticate; try again later."))
		return
	}
	s.pending++
	s.mu.Unlock()
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.mu.Lock()
		s.pending--
		s.mu.Unlock()
		return // the upgrader answered with an HTTP error
	}
	c := &wsConn{s: s, ws: ws, cork: corkOf(ws), remote: r.RemoteAddr,
		out:  outQueue{ready: make(chan struct{}, 1), maxBytes: s.cfg.MaxSocketQueueBytes},
		done: make(chan struct{}), writerDone: make(chan struct{}), finished: make(chan struct{})}
	s.mu.Lock()
	s.connSeq++
	c.id = s.connSeq
	s.allConns[c] = struct{}{}
	if d := s.cfg.AuthTimeout; d > 0 {
		c.authTimer = time.AfterFunc(d, c.authExpired)
	}
	s.notifyLocked()
	s.mu.Unlock()
	s.log.Info("ws open", "conn", c.id, "remote", c.remote)
	s.wg.Add(2)
	go c.readLoop()
	go c.writeLoop()
}

// authExpired closes the socket if it has not authenticated in time.
func (c *wsConn) authExpired() {
	s := c.s
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.authed {
		return
	}
	s.log.Warn("ws closed: no auth in time", "conn", c.id, "remote", c.remote, "timeout", s.cfg.AuthTimeout)
	c.closeWith(CloseAuthTimeout, "Auth timeout")
}

// idle is how long a socket may stay silent before the server closes it.
func (c *wsConn) idle() time.Duration {
	if iv := c.s.cfg.PingInterval; iv > 0 {
		return 3 * iv
	}
	return 0
}

func (c *wsConn) extendDeadline() {
	if c.halfOpen.Load() {
		_ = c.ws.SetReadDeadline(time.Time{})
		return
	}
	if c.closing.Load() {
		return
	}
	if d := c.idle(); d > 0 {
		_ = c.ws.SetReadDeadline(time.Now().Add(d))
	}
}

func (c *wsConn) readLoop() {
	defer c.s.wg.Done()
	defer c.cleanup()
	ws := c.ws
	ws.SetReadLimit(maxFrameBytes)
	c.extendDeadline()
	ws.SetPingHandler(func(data string) error {
		if c.halfOpen.Load() {
			return nil
		}
		c.extendDeadline()
		err := ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(writeWait))
		if err != nil && !errors.Is(err, websocket.ErrCloseSent) {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				return nil
			}
			return err
		}
		return nil
	})
	ws.SetPongHandler(func(string) error {
		c.extendDeadline()
		return nil
	})
	ws.SetCloseHandler(func(code int, _ string) error {
		if c.halfOpen.Load() {
			return nil
		}
		c.closeCode.CompareAndSwap(0, int32(code))
		msg := []byte{}
		if code != websocket.CloseNoStatusReceived {
			msg = websocket.FormatCloseMessage(code, "")
		}
		_ = ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second))
		return nil
	})
	for {
		mt, data, err := ws.ReadMessage()
		if err != nil {
			c.s.log.Debug("ws read ended", "conn", c.id, "err", err)
			return
		}
		if c.halfOpen.Load() {
			_ = ws.SetReadDeadline(time.Time{})
			continue
		}
		c.extendDeadline()
		if mt == websocket.TextMessage {
			c.s.handleFrame(c, data)
		}
	}
}

func (c *wsConn) writeLoop() {
	defer c.s.wg.Done()
	defer close(c.writerDone)
	var tick <-chan time.Time
	if iv := c.s.cfg.PingInterval; iv > 0 {
		t := time.NewTicker(iv)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-c.done:
			return
		case <-c.out.ready:
			if !c.writeQueued(tick) {
				return
			}
		case <-tick:
			if !c.ping() {
				return
			}
		}
	}
}

// ping sends a websocket ping; false means the socket failed.
func (c *wsConn) ping() bool {
	if c.halfOpen.Load() {
		return true
	}
	if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
		c.drop()
		return false
	}
	return true
}

// writeQueued writes the queued frames in order, corked (see corkConn) so
// that a backlog leaves in few system calls; false means the writer must
// stop (a close frame was sent, the socket failed, or the reader stopped).
func (c *wsConn) writeQueued(tick <-chan time.Time) bool {
	if c.cork == nil {
		return c.writeBatch(tick)
	}
	c.cork.cork()
	ok := c.writeBatch(tick)
	if err := c.cork.uncork(); err != nil && ok {
		c.drop()
		return false
	}
	return ok
}

// writeBatch writes the queued frames, one at a time, in order.
func (c *wsConn) writeBatch(tick <-chan time.Time) bool {
	for {
		select {
		case <-c.done:
			return false
		case <-tick:
			if !c.ping() {
				return false
			}
		default:
		}
		f, ok := c.out.pop()
		if !ok {
			return true
		}
		if f.close != nil {
			c.closing.Store(true)
			c.closeCode.CompareAndSwap(0, int32(f.close.code))
			_ = c.ws.SetWriteDeadline(time.Now().Add(time.Second))
			_ = c.ws.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(f.close.code, f.close.reason))
			// wait for the client's close reply, but not for long
			_ = c.ws.SetReadDeadline(time.Now().Add(2 * time.Second))
			return false
		}
		if c.halfOpen.Load() {
			continue
		}
		if d := c.s.frameDelay(c); d > 0 {
			if c.cork != nil { // what was written before goes out before the delay
				if err := c.cork.uncork(); err != nil {
					c.drop()
					return false
				}
			}
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-c.done:
				t.Stop()
				return false
			}
			if c.cork != nil {
				c.cork.cork()
			}
			if c.halfOpen.Load() {
				continue
			}
		}
		_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
		if err := c.ws.WriteMessage(websocket.TextMessage, f.data); err != nil {
			c.drop()
			return false
		}
	}
}

// send queues a text frame. A socket whose queue would outgrow
// Config.MaxSocketQueueBytes is too slow: its queue is dropped and it is
// closed with CloseTooSlow. It never blocks, so it may be called with
// Server.mu held.
func (c *wsConn) send(b []byte) bool {
	select {
	case <-c.done:
		return false
	default:
	}
	switch c.out.push(outFrame{data: b}) {
	case pushed:
		return true
	case pushFull:
		c.s.log.Warn("ws closed: too slow", "conn", c.id, "uid", c.uid, "queueBytes", c.s.cfg.MaxSocketQueueBytes)
		c.out.pushClose(outFrame{close: &closeFrame{code: CloseTooSlow, reason: "Too slow"}}, true)
	}
	return false
}

// closeWith queues a close frame with the given code after the frames
// already queued; the socket then accepts no more frames.
func (c *wsConn) closeWith(code int, reason string) {
	c.out.pushClose(outFrame{close: &closeFrame{code: code, reason: reason}}, false)
}

// closeQueued reports whether a close frame is queued (the socket is on
// its way out).
func (c *wsConn) closeQueued() bool {
	c.out.mu.Lock()
	defer c.out.mu.Unlock()
	return c.out.closed
}

// drop closes the TCP connection at once (a network loss, for the client).
func (c *wsConn) drop() { _ = c.ws.Close() }

// cleanup runs when the reader stops: it unregisters the socket and sends
// presence offline after a user's last socket.
func (c *wsConn) cleanup() {
	c.doneOnce.Do(func() { close(c.done) })
	_ = c.ws.Close()
	<-c.writerDone
	if c.authTimer != nil {
		c.authTimer.Stop()
	}
	s := c.s
	s.mu.Lock()
	delete(s.allConns, c)
	if !c.authed {
		s.pending--
	}
	if c.authed {
		set := s.conns[c.uid]
		delete(set, c)
		delete(s.presenceSubs, c)
		if len(set) == 0 {
			delete(s.conns, c.uid)
			s.broadcastPresenceLocked(c.uid, "offline", c.session)
		}
	}
	s.notifyLocked()
	s.mu.Unlock()
	code := c.closeCode.Load()
	if code == 0 {
		code = websocket.CloseAbnormalClosure // the connection ended without a close frame
	}
	s.log.Info("ws close", "conn", c.id, "uid", c.uid, "code", code)
	close(c.finished)
}

// notifyLocked wakes WaitForSockets callers; Server.mu held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}
