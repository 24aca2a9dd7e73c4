package fakeserver

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
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

// outFrame is one item of a socket's send queue: a text frame, or a close.
type outFrame struct {
	data  []byte
	close *closeFrame
}

type closeFrame struct {
	code   int
	reason string
}

// frameOverhead is what a queued frame costs beyond its bytes (its slot and
// slice header), counted against the queue's byte bound.
const frameOverhead = 64

// pushResult says what became of a pushed frame.
type pushResult int

const (
	pushed     pushResult = iota
	pushFull              // over the byte bound: the socket is too slow
	pushClosed            // a close frame is queued: nothing more is sent
)

// outQueue is a socket's send queue, bounded in bytes (maxBytes, each frame
// counted with frameOverhead), in order. Unlike a buffered channel, it holds
// memory only for what is queued.
type outQueue struct {
	mu       sync.Mutex
	q        []outFrame
	head     int
	bytes    int           // queued bytes, overhead included
	peak     int           // the most bytes ever queued
	maxBytes int           // 0: unbounded
	closed   bool          // a close frame is queued
	ready    chan struct{} // signalled after each push
}

func frameCost(f outFrame) int { return len(f.data) + frameOverhead }

func (o *outQueue) signal() {
	select {
	case o.ready <- struct{}{}:
	default:
	}
}

// push appends a data frame unless it would overflow the byte bound or a
// close frame is already queued.
func (o *outQueue) push(f outFrame) pushResult {
	o.mu.Lock()
	switch {
	case o.closed:
		o.mu.Unlock()
		return pushClosed
	case o.maxBytes > 0 && o.bytes+frameCost(f) > o.maxBytes:
		o.mu.Unlock()
		return pushFull
	}
	o.appendLocked(f)
	o.mu.Unlock()
	o.signal()
	return pushed
}

// pushClose appends a close frame after the queued frames, beyond the byte
// bound, and accepts nothing after it; now drops the queued frames first
// (for a socket too slow to be owed them).
func (o *outQueue) pushClose(f outFrame, now bool) bool {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return false
	}
	if now {
		clear(o.q)
		o.q, o.head, o.bytes = nil, 0, 0
	}
	o.closed = true
	o.appendLocked(f)
	o.mu.Unlock()
	o.signal()
	return true
}

func (o *outQueue) appendLocked(f outFrame) {
	if len(o.q) == cap(o.q) && o.head > 0 {
		// Full backing array with consumed frames at the front: reuse it.
		n := copy(o.q, o.q[o.head:])
		clear(o.q[n:])
		o.q, o.head = o.q[:n], 0
	}
	o.q = append(o.q, f)
	o.bytes += frameCost(f)
	o.peak = max(o.peak, o.bytes)
}

// pop takes the oldest frame.
func (o *outQueue) pop() (outFrame, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.head == len(o.q) {
		return outFrame{}, false
	}
	f := o.q[o.head]
	o.q[o.head] = outFrame{}
	o.head++
	o.bytes -= frameCost(f)
	if o.head == len(o.q) {
		// Empty: start again at the front, and let a burst's large
		// backing array go.
		o.head = 0
		if cap(o.q) > 64 {
			o.q = nil
		} else {
			o.q = o.q[:0]
		}
	}
	return f, true
}

// Close codes the server sends (see the README's "Limits and security").
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
	cork       *corkConn   // nil when the socket is not a corkConn
	authTimer  *time.Timer // nil when Config.AuthTimeout is off

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
	s.log.Debug("ws open", "conn", c.id, "remote", c.remote)
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
		if len(set) == 0 {
			delete(s.conns, c.uid)
			s.broadcastPresenceLocked(c.uid, "offline", c.session)
		}
	}
	s.notifyLocked()
	s.mu.Unlock()
	s.log.Debug("ws closed", "conn", c.id, "uid", c.uid)
	close(c.finished)
}

// notifyLocked wakes WaitForSockets callers; Server.mu held.
func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// clientFrame is a client-to-server frame (websocket.md §6). Pings have only
// action (and ack); every other frame uses the common envelope.
type clientFrame struct {
	Action        flexString      `json:"action"`
	AppID         flexString      `json:"appId"`
	Receiver      flexString      `json:"receiver"`
	ReceiverType  flexString      `json:"receiverType"`
	DeviceID      flexString      `json:"deviceId"`
	Type          flexString      `json:"type"`
	Sender        flexString      `json:"sender"`
	MessageSender flexString      `json:"messageSender"`
	Body          json.RawMessage `json:"body"`
}

// decodeClientFrame decodes one text frame; it fails for anything that is
// not a JSON object.
func decodeClientFrame(data []byte) (clientFrame, error) {
	var f clientFrame
	if !isJSONObject(data) {
		return f, errors.New("frame is not a JSON object")
	}
	err := json.Unmarshal(data, &f)
	return f, err
}

type authParams struct {
	Roles    stringList `json:"roles"`
	Platform flexString `json:"platform"`
}

type authFrameBody struct {
	Auth                 flexString `json:"auth"`
	DeviceID             flexString `json:"deviceId"`
	PresenceSubscription flexString `json:"presenceSubscription"`
	Params               authParams `json:"params"`
}

func decodeAuthBody(raw json.RawMessage) authFrameBody {
	var b authFrameBody
	if isJSONObject(raw) {
		if json.Unmarshal(raw, &b) != nil {
			return authFrameBody{}
		}
	}
	return b
}

func (s *Server) handleFrame(c *wsConn, data []byte) {
	f, err := decodeClientFrame(data)
	if err != nil {
		return // not JSON: ignored
	}
	if f.Action == "ping" {
		c.send(pongFrame)
		return
	}
	switch f.Type {
	case "auth":
		s.handleAuth(c, f)
	case "typing_indicator", "transient_message":
		s.relayTransient(c, f)
	case "receipts":
		s.handleReceipt(c, f)
	}
	// presence frames from clients are dead code in 3.0.13; others unknown
}

func (s *Server) handleAuth(c *wsConn, f clientFrame) {
	b := decodeAuthBody(f.Body)
	session := strings.TrimSpace(string(b.DeviceID))
	if session == "" {
		session = strings.TrimSpace(string(f.DeviceID))
	}
	sender := normID(string(f.Sender))
	claims, err := verifyJWT(s.jwtKey, string(b.Auth), s.cfg.Now())
	reason := ""
	switch {
	case b.Auth == "":
		reason = "The auth frame carries no JWT."
	case err != nil:
		reason = "Invalid JWT: " + err.Error() + "."
	case sender != "" && normID(claims.UID) != sender:
		reason = "The JWT does not belong to " + sender + "."
	case !s.appOK(claims.AppID) || (f.AppID != "" && string(f.AppID) != claims.AppID):
		reason = "The JWT does not belong to this app."
	}
	uid := normID(claims.UID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.closeQueued() {
		return // timed out or refused already
	}
	if reason == "" && s.st.user(uid) == nil {
		reason = "The user " + uid + " does not exist."
	}
	if reason == "" && !s.st.tokenLive(claims.TID) {
		reason = "The auth token of this JWT was revoked."
	}
	if reason == "" && c.authed && c.uid != uid {
		reason = "The socket is already authenticated as " + c.uid + "."
	}
	if reason != "" {
		s.log.Debug("ws auth refused", "conn", c.id, "reason", reason)
		c.send(marshal(pushEnvelope{AppID: string(f.AppID), Type: "auth", Sender: sender, DeviceID: session,
			Body: marshal(authReplyBody{Code: "401", Status: "UNAUTHORIZED", Message: reason})}))
		c.closeWith(CloseUnauthorized, "Unauthorized")
		return
	}
	reply := marshal(pushEnvelope{AppID: claims.AppID, Type: "auth", Sender: uid, DeviceID: session,
		Body: marshal(authReplyBody{Code: "200", Status: "OK"})})
	if c.authed {
		c.send(reply)
		return
	}
	if s.hooks.failAuth[uid] > 0 {
		s.hooks.failAuth[uid]--
		c.send(marshal(pushEnvelope{AppID: claims.AppID, Type: "auth", Sender: uid, DeviceID: session,
			Body: marshal(authReplyBody{Code: "401", Status: "UNAUTHORIZED", Message: "Refused by a test hook."})}))
		c.closeWith(CloseUnauthorized, "Unauthorized")
		return
	}
	if max := s.cfg.MaxSocketsPerUser; max > 0 && len(s.conns[uid]) >= max {
		s.log.Warn("ws closed: too many sockets for one user", "conn", c.id, "uid", uid, "limit", max)
		c.closeWith(CloseTooManySockets, "Too many sockets")
		return
	}
	if c.authTimer != nil {
		c.authTimer.Stop()
	}
	s.pending--
	c.authed, c.appID, c.uid, c.tid, c.session = true, claims.AppID, uid, claims.TID, session
	c.presence = strings.ToUpper(strings.TrimSpace(string(b.PresenceSubscription)))
	if c.presence == "" {
		c.presence = "NONE"
	}
	c.roles = lowerAll(b.Params.Roles)
	first := len(s.conns[uid]) == 0
	if first {
		s.conns[uid] = map[*wsConn]struct{}{}
	}
	s.conns[uid][c] = struct{}{}
	c.send(reply)
	if first {
		s.broadcastPresenceLocked(uid, "online", session)
	}
	s.notifyLocked()
}

// normReceiverType maps the legacy chat/groupchat values (websocket.md §6.4).
func normReceiverType(t string) string {
	switch strings.ToLower(strings.TrimSpace(t)) {
	case "user", "chat":
		return "user"
	case "group", "groupchat":
		return "group"
	}
	return ""
}

// relayTransient relays typing indicators and transient messages (server.md
// §8.1, §8.3, decisions 11 and 12).
func (s *Server) relayTransient(c *wsConn, f clientFrame) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !c.authed || (f.Sender != "" && normID(string(f.Sender)) != c.uid) {
		return
	}
	rt := normReceiverType(string(f.ReceiverType))
	receiver := normID(string(f.Receiver))
	body, ok := s.stampedBodyLocked(c, f.Body)
	if !ok {
		return
	}
	frame := marshal(pushEnvelope{AppID: c.appID, Receiver: receiver, ReceiverType: rt, DeviceID: c.session,
		Type: string(f.Type), Sender: c.uid, Body: marshal(body)})
	switch rt {
	case "user":
		if s.st.user(receiver) == nil || s.st.blockedEither(c.uid, receiver) {
			return
		}
		s.sendToUserLocked(receiver, c.session, frame)
	case "group":
		g := s.st.groups[receiver]
		if g == nil || g.members[c.uid] == nil {
			return
		}
		for uid := range g.members {
			s.sendToUserLocked(uid, c.session, frame)
		}
	}
}

// stampedBodyLocked decodes the body of a relayed frame (an empty object
// when it is not one) and replaces its "user" with the server's record of
// the socket's authenticated user, so that nobody can relay as someone else.
// False when the user no longer exists. Server.mu held.
func (s *Server) stampedBodyLocked(c *wsConn, raw json.RawMessage) (map[string]json.RawMessage, bool) {
	u := s.st.user(c.uid)
	if u == nil {
		return nil, false
	}
	var body map[string]json.RawMessage
	if !isJSONObject(raw) || json.Unmarshal(raw, &body) != nil || body == nil {
		body = map[string]json.RawMessage{}
	}
	body["user"] = marshal(s.renderUser(u, ""))
	return body, true
}

// handleReceipt persists a delivered/read receipt and relays it with the
// server's timestamp (server.md §8.2, decision 12).
func (s *Server) handleReceipt(c *wsConn, f clientFrame) {
	var body map[string]json.RawMessage
	if !isJSONObject(f.Body) || json.Unmarshal(f.Body, &body) != nil {
		return
	}
	var id, action flexString
	_ = json.Unmarshal(body["messageId"], &id)
	_ = json.Unmarshal(body["action"], &action)
	if action != "delivered" && action != "read" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !c.authed || (f.Sender != "" && normID(string(f.Sender)) != c.uid) {
		return
	}
	m := s.st.message(string(id))
	if m == nil || !s.st.canSee(c.uid, m) {
		return
	}
	body, ok := s.stampedBodyLocked(c, f.Body)
	if !ok {
		return
	}
	now := s.now()
	s.applyReceiptLocked(c.uid, m, string(action), now)
	body["timestamp"] = json.RawMessage(itoa(now))
	body["messageId"] = marshal(m.idString())
	body["action"] = marshal(string(action))
	// the receiver is the message's conversation as the reader sees it,
	// whatever the client wrote
	receiver := m.otherParty(c.uid)
	if m.receiverType == "group" {
		receiver = m.receiver
	}
	frame := marshal(pushEnvelope{AppID: c.appID, Receiver: receiver, ReceiverType: m.receiverType,
		DeviceID: c.session, Type: "receipts", Sender: c.uid, MessageSender: m.sender, Body: marshal(body)})
	if m.receiverType == "group" {
		if g := s.st.groups[m.receiver]; g != nil {
			for uid := range g.members {
				s.sendToUserLocked(uid, c.session, frame)
			}
		}
		return
	}
	if s.st.blockedEither(c.uid, m.sender) {
		return
	}
	s.sendToUserLocked(m.sender, c.session, frame)
}
