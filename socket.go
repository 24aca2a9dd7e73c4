package cometchat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/gocometchat/cometchat/internal/realtime"
)

// ConnectionStatus is the websocket's state (Cordova: CONNECTION_STATUS).
type ConnectionStatus string

// Connection statuses. Connected means authenticated.
const (
	StatusConnected        ConnectionStatus = "connected"
	StatusConnecting       ConnectionStatus = "connecting"
	StatusDisconnected     ConnectionStatus = "disconnected"
	StatusFeatureThrottled ConnectionStatus = "featureThrottled"
)

// ConnectionState is the socket's status with the reason of the last
// disconnection and the delay before the next attempt.
type ConnectionState struct {
	Status ConnectionStatus
	// Err is why the last connection ended or attempt failed (nil if none).
	Err error
	// RetryIn is the delay before the next dial, when one is planned.
	RetryIn time.Duration
}

// socket is the Client's glue to its realtime.Conn: which connection is
// current, its generation (events of a replaced connection are ignored) and
// the status the listeners were told. It has its own lock and starts no
// goroutine itself.
type socket struct {
	mu     sync.Mutex
	conn   *realtime.Conn
	gen    int
	status ConnectionStatus
}

// current returns the live connection (nil when none, or when it ended for
// good) and its generation.
func (s *socket) current() (*realtime.Conn, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		select {
		case <-s.conn.Done():
			return nil, s.gen
		default:
		}
	}
	return s.conn, s.gen
}

// isCurrent reports whether gen is the current connection's generation.
func (s *socket) isCurrent(gen int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return gen == s.gen
}

// attach makes a new connection current, unless a live one is (then nil is
// returned and nothing changes). newConn builds it for its generation.
func (s *socket) attach(newConn func(gen int) *realtime.Conn) *realtime.Conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conn != nil {
		select {
		case <-s.conn.Done():
		default:
			return nil
		}
	}
	s.gen++
	s.conn = newConn(s.gen)
	return s.conn
}

// detach forgets the current connection: its later events are ignored. It
// returns it (to be stopped) and whether the status changed to disconnected.
func (s *socket) detach() (*realtime.Conn, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	conn := s.conn
	s.conn = nil
	s.gen++
	changed := s.status != StatusDisconnected
	s.status = StatusDisconnected
	return conn, changed
}

// event applies a state event of connection gen; it reports whether the
// status changed (false for events of a replaced connection).
func (s *socket) event(gen int, st ConnectionStatus) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.gen || s.status == st {
		return false
	}
	s.status = st
	return true
}

func (s *socket) getStatus() ConnectionStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Connect opens the socket when it is not open (Cordova: connect) and waits
// until it is authenticated or ctx ends.
func (c *Client) Connect(ctx context.Context) error {
	if err := c.startSocket(); err != nil {
		return err
	}
	return c.WaitConnected(ctx)
}

// Disconnect closes the socket and stops reconnecting until Connect
// (Cordova: disconnect). OnDisconnected fires if it was not disconnected.
func (c *Client) Disconnect() error {
	c.stopSocket()
	return nil
}

// stopSocket detaches the current connection and asks it to stop; it never
// waits (a listener, or the connection's own goroutine, may call it).
func (c *Client) stopSocket() {
	conn, changed := c.sock.detach()
	if conn != nil {
		conn.Stop()
	}
	if changed {
		c.fireStatus(StatusDisconnected)
	}
}

// WaitConnected blocks until the socket is authenticated. It fails when
// nobody is logged in, the socket was stopped, or the session ended (the
// server no longer accepts the auth token: the error says so).
func (c *Client) WaitConnected(ctx context.Context) error {
	if c.closed.Load() {
		return errClosed()
	}
	conn, _ := c.sock.current()
	switch {
	case !c.sess.loggedIn():
		if ended := c.sess.endedErr(); ended != nil {
			return ended
		}
		return errorf(CodeNotLoggedIn, "log in first")
	case conn == nil:
		return errorf(CodeNoWebsocketConnection, "the socket is not open; call Connect")
	}
	if err := conn.WaitConnected(ctx); err != nil {
		if ctx.Err() != nil {
			return &Error{Code: CodeNoWebsocketConnection, Message: "not connected before the context ended", Err: ctx.Err()}
		}
		if ended := c.sess.endedErr(); ended != nil {
			return ended // the socket was stopped because the session ended
		}
		return c.realtimeErr(err)
	}
	return nil
}

// ConnectionStatus returns the socket's status (Cordova: getConnectionStatus).
func (c *Client) ConnectionStatus() ConnectionStatus { return c.sock.getStatus() }

// ConnectionState returns the status, the last error and the next retry delay.
func (c *Client) ConnectionState() ConnectionState {
	st := c.sock.getStatus()
	conn, _ := c.sock.current()
	if conn == nil {
		return ConnectionState{Status: st, Err: c.sess.endedErr()}
	}
	snap := conn.State()
	var err error
	if snap.Err != nil {
		err = c.realtimeErr(snap.Err)
	}
	return ConnectionState{Status: st, Err: err, RetryIn: snap.RetryIn}
}

func (c *Client) startSocket() error {
	if c.closed.Load() {
		return errClosed()
	}
	if !c.sess.loggedIn() {
		return errorf(CodeNotLoggedIn, "log in first")
	}
	if conn, _ := c.sock.current(); conn != nil {
		return nil
	}
	u, err := c.websocketURL()
	if err != nil {
		return err
	}
	conn := c.sock.attach(func(gen int) *realtime.Conn {
		return realtime.New(realtime.Config{
			URL: u, Dialer: c.dialer, Auth: c.authFrame,
			PingInterval: c.o.ping, PongTimeout: c.o.pong, MaxFrameBytes: c.o.maxFrame, NewBackOff: c.o.newBackOff,
			OnFrame:         c.handleFrame,
			BeforeDial:      c.anchorPosition,
			OnAuthenticated: func(ctx context.Context) { c.recoverMissed(ctx, gen) },
			OnEvent:         func(ev realtime.Event) { c.onConnEvent(gen, ev) },
			OnAuthRejected:  func(ctx context.Context, ae *realtime.AuthError) error { return c.renewJWT(ctx, gen, ae) },
			Logger:          c.log,
		})
	})
	if conn == nil {
		return nil // another caller opened it meanwhile
	}
	if c.closed.Load() || !c.sess.loggedIn() {
		// Closed or logged out while it was being made.
		c.stopSocket()
		if c.closed.Load() {
			return errClosed()
		}
		return errorf(CodeNotLoggedIn, "logged out")
	}
	conn.Start()
	return nil
}

type authParams struct {
	AppInfo   authAppInfo `json:"appInfo"`
	UserAgent string      `json:"userAgent"`
	DeviceID  string      `json:"deviceId"`
	Platform  string      `json:"platform"`
	Roles     []string    `json:"roles,omitempty"`
}

type authAppInfo struct {
	Version    string  `json:"version"`
	APIVersion string  `json:"apiVersion"`
	Origin     *string `json:"origin"`
	UTS        int64   `json:"uts"`
}

type authBody struct {
	Auth                 string     `json:"auth,omitempty"`
	DeviceID             string     `json:"deviceId"`
	PresenceSubscription string     `json:"presenceSubscription"`
	Params               authParams `json:"params"`
}

type outFrame struct {
	AppID         string `json:"appId"`
	Receiver      string `json:"receiver,omitempty"`
	ReceiverType  string `json:"receiverType,omitempty"`
	DeviceID      string `json:"deviceId"`
	Type          string `json:"type"`
	Sender        string `json:"sender"`
	MessageSender string `json:"messageSender,omitempty"`
	Body          any    `json:"body"`
}

// authFrame builds the auth frame of a new socket from the session's
// current credential.
func (c *Client) authFrame() ([]byte, error) {
	u, server := c.sess.current()
	if u == nil {
		return nil, errorf(CodeNotLoggedIn, "logged out")
	}
	jwt, _ := c.sess.credential()
	ver := apiVersion
	if server != nil {
		ver = versionOf(server)
	}
	p := authParams{AppInfo: authAppInfo{Version: Version, APIVersion: ver, UTS: time.Now().UnixMilli()},
		UserAgent: userAgent(), DeviceID: c.deviceID, Platform: c.o.platform}
	if c.settings.PresenceSubscription == PresenceSubscriptionRoles {
		p.Roles = c.settings.Roles
	}
	return json.Marshal(outFrame{AppID: c.appID, DeviceID: c.sessionID, Type: "auth", Sender: u.UID,
		Body: authBody{Auth: jwt, DeviceID: c.sessionID, PresenceSubscription: string(c.settings.PresenceSubscription), Params: p}})
}

// onConnEvent turns a connection's state event into the Client's status and
// one listener event per transition.
func (c *Client) onConnEvent(gen int, ev realtime.Event) {
	if ev.Final && ev.Err != nil && !errors.Is(ev.Err, realtime.ErrStopped) {
		c.log.Warn("cometchat: socket stopped", "err", c.realtimeErr(ev.Err))
	}
	var st ConnectionStatus
	switch ev.State {
	case realtime.StateConnected:
		st = StatusConnected
	case realtime.StateConnecting:
		st = StatusConnecting
	default:
		st = StatusDisconnected
	}
	if c.sock.event(gen, st) {
		c.fireStatus(st)
	}
}

// fireStatus queues the listener calls of a status transition. Listeners are
// taken now: one registered after the transition does not hear about it.
func (c *Client) fireStatus(st ConnectionStatus) {
	ls := c.ls.connection.snapshot()
	c.disp.push(func() {
		for _, l := range ls {
			var f func()
			switch st {
			case StatusConnected:
				f = l.OnConnected
			case StatusConnecting:
				f = l.InConnecting
			default:
				f = l.OnDisconnected
			}
			if f != nil {
				c.disp.guard(f)
			}
		}
	})
}

// sendFrame sends a socket frame; it fails when the socket is not connected.
func (c *Client) sendFrame(ctx context.Context, f outFrame) error {
	conn, _ := c.sock.current()
	if conn == nil {
		return errorf(CodeNoWebsocketConnection, "the socket is not open")
	}
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("cometchat: encode frame: %w", err)
	}
	return c.realtimeErr(conn.Send(ctx, b))
}
