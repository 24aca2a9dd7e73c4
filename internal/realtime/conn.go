// Package realtime keeps one authenticated CometChat websocket alive: it dials,
// sends the auth frame, waits for the "200" reply, pings and checks pongs,
// detects dead connections, and redials with jittered exponential backoff until
// stopped or until the server rejects the credentials.
//
// It owns the socket and its goroutines (one reader, one writer per
// connection); it must not know message types or listeners: frames leave it as
// raw bytes through Config.OnFrame, on the reader goroutine, in arrival order.
package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/gorilla/websocket"

	"github.com/gocometchat/cometchat/internal/wire"
)

// State is the connection state.
type State int

// States of a connection.
const (
	StateDisconnected State = iota
	StateConnecting
	StateConnected
)

func (s State) String() string {
	switch s {
	case StateConnecting:
		return "connecting"
	case StateConnected:
		return "connected"
	default:
		return "disconnected"
	}
}

// Event reports a change of state, or a failed attempt while connecting.
type Event struct {
	State State
	// Err is why the previous connection ended or the attempt failed.
	Err error
	// RetryIn is the delay before the next dial (0 when none is planned).
	RetryIn time.Duration
	// Final is true when the loop stopped for good (auth rejected or Stop).
	Final bool
}

// ErrNotConnected is returned by Send when no authenticated socket is open.
var ErrNotConnected = errors.New("realtime: not connected")

// ErrStopped is returned by Send after Stop.
var ErrStopped = errors.New("realtime: stopped")

// AuthError is the server's refusal of the auth frame. Its Error text holds
// the code only: the server's Message may echo the credential it refused, so
// whoever shows it must scrub it first.
type AuthError struct{ Code, Message string }

func (e *AuthError) Error() string {
	return fmt.Sprintf("realtime: authentication rejected (code %q)", e.Code)
}

// Config configures a Conn. Zero durations mean the protocol defaults.
type Config struct {
	URL    string
	Header http.Header
	Dialer *websocket.Dialer
	// Auth builds the auth frame for each new socket.
	Auth func() ([]byte, error)
	// PingInterval is the keep-alive period (default 15 s); PongTimeout how
	// long a pong may take (default 3 s); AuthTimeout how long the auth reply
	// may take (default 10 s); DialTimeout bounds one dial (default 10 s).
	PingInterval, PongTimeout, AuthTimeout, DialTimeout time.Duration
	// NewBackOff returns the redial policy; default: jittered exponential
	// from 500 ms to 30 s that never gives up.
	NewBackOff func() backoff.BackOff
	// MaxFrameBytes bounds one received frame (default DefaultMaxFrameBytes).
	// A larger frame is not read into memory: the socket is closed (1009
	// "message too big") and the loop redials, as after any failure.
	MaxFrameBytes int64
	// HealthyAfter is how long a connection must stay up for the backoff to
	// start again from its first interval (default 30 s).
	HealthyAfter time.Duration
	// OnFrame receives every application frame except pongs, on the reader
	// goroutine. It may block (back-pressure); ctx ends when the connection
	// or the Conn stops.
	OnFrame func(ctx context.Context, raw []byte)
	// BeforeDial runs on the connection's goroutine before each dial.
	BeforeDial func(ctx context.Context)
	// OnAuthenticated runs after the "200" reply and before any later frame
	// is read, on the connection's goroutine (missed-message recovery).
	OnAuthenticated func(ctx context.Context)
	// OnEvent reports state changes. It must not block for long.
	OnEvent func(Event)
	// OnAuthRejected runs on the connection's goroutine when the server
	// refuses the auth frame, typically because the credential expired: it
	// may renew the credential that Auth sends. When it returns nil the loop
	// redials after the usual backoff; when it returns an error, or when it is
	// nil, the loop stops for good with that error (or the *AuthError). ctx
	// ends with Stop.
	OnAuthRejected func(ctx context.Context, err *AuthError) error
	Logger         *slog.Logger
}

// DefaultMaxFrameBytes is the default bound of one received frame.
const DefaultMaxFrameBytes = 8 << 20

// ErrFrameTooLarge is why a session ended on a frame over MaxFrameBytes.
var ErrFrameTooLarge = errors.New("realtime: a frame exceeded the read limit")

// DefaultBackOff is the default redial policy.
func DefaultBackOff() backoff.BackOff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 500 * time.Millisecond
	b.RandomizationFactor = 0.5
	b.Multiplier = 2
	b.MaxInterval = 30 * time.Second
	b.MaxElapsedTime = 0
	b.Reset()
	return b
}

// Conn is a self-healing authenticated websocket.
type Conn struct {
	cfg    Config
	sendCh chan []byte
	stop   chan struct{}
	done   chan struct{}
	once   sync.Once
	// stopCtx ends with Stop; each session's context derives from it, so
	// that stopping needs no watcher goroutine per session.
	stopCtx    context.Context
	stopCancel context.CancelFunc

	mu        sync.Mutex
	state     State
	lastErr   error
	nextRetry time.Duration
	waiters   []chan struct{}
	final     error

	dropMu sync.Mutex
	drop   func() // closes the current socket (DropNow)
}

// sendQueue is how many frames Send queues before it waits for the writer.
// Clients send few frames (typing, receipts, pings); every slot costs 24
// bytes per connection.
const sendQueue = 8

// New returns a Conn; Start begins dialling.
func New(cfg Config) *Conn {
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = 15 * time.Second
	}
	if cfg.PongTimeout <= 0 {
		cfg.PongTimeout = 3 * time.Second
	}
	if cfg.AuthTimeout <= 0 {
		cfg.AuthTimeout = 10 * time.Second
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 10 * time.Second
	}
	if cfg.HealthyAfter <= 0 {
		cfg.HealthyAfter = 30 * time.Second
	}
	if cfg.MaxFrameBytes <= 0 {
		cfg.MaxFrameBytes = DefaultMaxFrameBytes
	}
	if cfg.NewBackOff == nil {
		cfg.NewBackOff = DefaultBackOff
	}
	if cfg.Dialer == nil {
		cfg.Dialer = websocket.DefaultDialer
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Conn{cfg: cfg, sendCh: make(chan []byte, sendQueue), stop: make(chan struct{}), done: make(chan struct{})}
	c.stopCtx, c.stopCancel = context.WithCancel(context.Background())
	return c
}

// Start launches the connection loop.
func (c *Conn) Start() { go c.run() }

// Stop asks the loop to close the socket with 1000 "User logged out" and
// end; it never waits, so that a hook may call it. Wait on Done for the loop
// and its goroutines to end (not from a hook: the loop waits for its hooks).
// It is idempotent.
func (c *Conn) Stop() {
	c.once.Do(func() {
		close(c.stop)
		c.stopCancel()
	})
}

// Done is closed when the loop and its goroutines have ended (after Stop or
// a final failure).
func (c *Conn) Done() <-chan struct{} { return c.done }

// State returns the current state, the last error and the next retry delay.
func (c *Conn) State() Snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	return Snapshot{State: c.state, Err: c.lastErr, RetryIn: c.nextRetry}
}

// Snapshot is a Conn's state with the last error and the next retry delay.
type Snapshot struct {
	State   State
	Err     error
	RetryIn time.Duration
}

// WaitConnected blocks until the socket is authenticated, the loop ends, or
// ctx is done.
func (c *Conn) WaitConnected(ctx context.Context) error {
	for {
		c.mu.Lock()
		if c.state == StateConnected {
			c.mu.Unlock()
			return nil
		}
		if c.final != nil {
			err := c.final
			c.mu.Unlock()
			return err
		}
		ch := make(chan struct{})
		c.waiters = append(c.waiters, ch)
		c.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

// Send queues a frame for the writer. It fails when not connected.
func (c *Conn) Send(ctx context.Context, frame []byte) error {
	c.mu.Lock()
	st, fin := c.state, c.final
	c.mu.Unlock()
	if fin != nil {
		return ErrStopped
	}
	if st != StateConnected {
		return ErrNotConnected
	}
	select {
	case c.sendCh <- frame:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-c.stop:
		return ErrStopped
	}
}

// DropNow closes the current socket without a close frame, as a network
// failure would; the loop then reconnects. Used by tests and by callers that
// know the network changed.
func (c *Conn) DropNow() {
	c.dropMu.Lock()
	f := c.drop
	c.dropMu.Unlock()
	if f != nil {
		f()
	}
}

func (c *Conn) setState(ev Event) {
	c.mu.Lock()
	c.state = ev.State
	c.lastErr = ev.Err
	c.nextRetry = ev.RetryIn
	if ev.Final {
		c.final = ev.Err
		if c.final == nil {
			c.final = ErrStopped
		}
	}
	ws := c.waiters
	if ev.State == StateConnected || ev.Final {
		c.waiters = nil
	} else {
		ws = nil
	}
	c.mu.Unlock()
	// Report before waking waiters, so that whoever waited sees the
	// consequences of the event (e.g. queued listener calls).
	if c.cfg.OnEvent != nil {
		c.cfg.OnEvent(ev)
	}
	for _, w := range ws {
		close(w)
	}
}

func (c *Conn) stopped() bool {
	select {
	case <-c.stop:
		return true
	default:
		return false
	}
}

func (c *Conn) run() {
	defer close(c.done)
	b := c.cfg.NewBackOff()
	b.Reset()
	c.setState(Event{State: StateConnecting})
	for {
		healthy, err := c.session()
		if c.stopped() {
			c.setState(Event{State: StateDisconnected, Err: ErrStopped, Final: true})
			return
		}
		var ae *AuthError
		if errors.As(err, &ae) {
			if c.cfg.OnAuthRejected == nil {
				c.cfg.Logger.Warn("cometchat: websocket authentication rejected; not reconnecting", "code", ae.Code)
				c.setState(Event{State: StateDisconnected, Err: err, Final: true})
				return
			}
			if ferr := c.cfg.OnAuthRejected(c.stopCtx, ae); ferr != nil {
				// ferr is the verdict even if the hook also stopped the Conn.
				c.cfg.Logger.Warn("cometchat: websocket authentication rejected and the credential cannot be renewed; not reconnecting", "code", ae.Code)
				c.setState(Event{State: StateDisconnected, Err: ferr, Final: true})
				return
			}
			c.cfg.Logger.Info("cometchat: websocket authentication rejected; credential renewed, redialling", "code", ae.Code)
		}
		if healthy {
			b.Reset()
		}
		wait := b.NextBackOff()
		if wait == backoff.Stop {
			c.setState(Event{State: StateDisconnected, Err: err, Final: true})
			return
		}
		c.mu.Lock()
		was := c.state
		c.mu.Unlock()
		if was == StateConnected {
			c.setState(Event{State: StateDisconnected, Err: err, RetryIn: wait})
		}
		c.setState(Event{State: StateConnecting, Err: err, RetryIn: wait})
		c.cfg.Logger.Debug("cometchat: websocket down, redialling", "err", err, "in", wait)
		t := time.NewTimer(wait)
		select {
		case <-c.stop:
			t.Stop()
			c.setState(Event{State: StateDisconnected, Err: ErrStopped, Final: true})
			return
		case <-t.C:
		}
	}
}

var closeLoggedOut = websocket.FormatCloseMessage(websocket.CloseNormalClosure, "User logged out")

// session runs one socket from dial to failure. healthy reports whether it
// stayed authenticated for HealthyAfter.
func (c *Conn) session() (healthy bool, err error) {
	// ctx ends with Stop (it derives from stopCtx) or when the session
	// returns. On Stop before serving, the socket is closed to unblock the
	// dial or the auth read; while serving, the writer sends the close frame
	// itself. context.AfterFunc starts a goroutine only when that happens.
	ctx, cancel := context.WithCancel(c.stopCtx)
	var serving atomic.Bool
	var hardClose func()
	var hcMu sync.Mutex
	afterDone := make(chan struct{})
	stopAfter := context.AfterFunc(ctx, func() {
		defer close(afterDone)
		hcMu.Lock()
		if !serving.Load() && hardClose != nil && c.stopped() {
			hardClose()
		}
		hcMu.Unlock()
	})
	defer func() {
		if !stopAfter() {
			<-afterDone
		}
		cancel()
	}()
	// Dialling, the TLS handshake, authentication and the OnAuthenticated
	// hook (recovery: REST calls, JSON) need deep stacks: they run on a
	// goroutine of their own that ends afterwards, so that the loop's
	// long-lived goroutine keeps a small stack between reconnects.
	type established struct {
		ws          *websocket.Conn
		hc          func()
		connectedAt time.Time
		err         error
	}
	done := make(chan established, 1)
	go func() {
		var e established
		e.ws, e.hc, e.connectedAt, e.err = c.establish(ctx, &serving, &hcMu, &hardClose)
		done <- e
	}()
	est := <-done
	if est.hc != nil {
		defer est.hc()
		defer func() {
			c.dropMu.Lock()
			c.drop = nil
			c.dropMu.Unlock()
		}()
	}
	if est.err != nil {
		return false, est.err
	}
	ws, connectedAt := est.ws, est.connectedAt // establish set hardClose

	readErr := make(chan error, 1)
	pong := make(chan struct{}, 1)
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		readErr <- c.read(ctx, ws, pong)
	}()
	defer func() { hardClose(); <-readerDone }()

	ping := time.NewTicker(c.cfg.PingInterval)
	defer ping.Stop()
	var pongDue <-chan time.Time
	var pongTimer *time.Timer
	defer func() {
		if pongTimer != nil {
			pongTimer.Stop()
		}
	}()
	write := func(b []byte) error {
		_ = ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
		return ws.WriteMessage(websocket.TextMessage, b)
	}
	for {
		select {
		case <-c.stop:
			_ = ws.WriteControl(websocket.CloseMessage, closeLoggedOut, time.Now().Add(time.Second))
			return false, ErrStopped
		case err := <-readErr:
			return time.Since(connectedAt) >= c.cfg.HealthyAfter, err
		case f := <-c.sendCh:
			if err := write(f); err != nil {
				return time.Since(connectedAt) >= c.cfg.HealthyAfter, fmt.Errorf("write: %w", err)
			}
		case <-ping.C:
			if pongDue != nil {
				continue // a ping is already outstanding
			}
			if err := write(pingFrame); err != nil {
				return time.Since(connectedAt) >= c.cfg.HealthyAfter, fmt.Errorf("ping: %w", err)
			}
			pongTimer = time.NewTimer(c.cfg.PongTimeout)
			pongDue = pongTimer.C
		case <-pong:
			if pongTimer != nil {
				pongTimer.Stop()
			}
			pongDue = nil
		case <-pongDue:
			_ = ws.WriteControl(websocket.CloseMessage, closeLoggedOut, time.Now().Add(time.Second))
			return time.Since(connectedAt) >= c.cfg.HealthyAfter, errors.New("no pong within " + c.cfg.PongTimeout.String())
		}
	}
}

// establish dials, authenticates, reports the connection and runs the
// OnAuthenticated hook. It returns the socket and its hard close (set as
// soon as the socket exists, also on failure after the dial).
func (c *Conn) establish(ctx context.Context, serving *atomic.Bool, hcMu *sync.Mutex, hardCloseOut *func()) (*websocket.Conn, func(), time.Time, error) {
	if c.cfg.BeforeDial != nil {
		c.cfg.BeforeDial(ctx)
	}
	dctx, dcancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	ws, resp, err := c.cfg.Dialer.DialContext(dctx, c.cfg.URL, c.cfg.Header)
	dcancel()
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, nil, time.Time{}, fmt.Errorf("dial: %w", err)
	}
	ws.SetReadLimit(c.cfg.MaxFrameBytes)
	var closeOnce sync.Once
	hardClose := func() { closeOnce.Do(func() { _ = ws.Close() }) }
	hcMu.Lock()
	*hardCloseOut = hardClose
	hcMu.Unlock()
	if c.stopped() {
		hardClose()
	}
	c.dropMu.Lock()
	c.drop = hardClose
	c.dropMu.Unlock()

	frame, err := c.cfg.Auth()
	if err != nil {
		return ws, hardClose, time.Time{}, err
	}
	_ = ws.SetWriteDeadline(time.Now().Add(c.cfg.AuthTimeout))
	if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
		return ws, hardClose, time.Time{}, fmt.Errorf("send auth: %w", err)
	}
	if err := c.awaitAuth(ctx, ws); err != nil {
		return ws, hardClose, time.Time{}, err
	}
	serving.Store(true)
	if c.stopped() {
		return ws, hardClose, time.Time{}, ErrStopped
	}
	connectedAt := time.Now()
	c.setState(Event{State: StateConnected})
	if c.cfg.OnAuthenticated != nil {
		c.cfg.OnAuthenticated(ctx)
	}
	return ws, hardClose, connectedAt, nil
}

var pingFrame = []byte(`{"action":"ping","ack":"true"}`)

// awaitAuth reads until the auth reply. Pongs are skipped; any other frame
// that arrives first is passed on.
func (c *Conn) awaitAuth(ctx context.Context, ws *websocket.Conn) error {
	deadline := time.Now().Add(c.cfg.AuthTimeout)
	_ = ws.SetReadDeadline(deadline)
	for {
		mt, raw, err := ws.ReadMessage()
		if err != nil {
			return fmt.Errorf("waiting for the auth reply: %w", err)
		}
		if mt != websocket.TextMessage {
			continue
		}
		var env wire.Envelope
		if json.Unmarshal(raw, &env) != nil {
			c.cfg.Logger.Warn("cometchat: undecodable frame before auth reply", "bytes", len(raw))
			continue
		}
		if env.Action == "pong" {
			continue
		}
		if env.Type != "auth" {
			if c.cfg.OnFrame != nil {
				c.cfg.OnFrame(ctx, raw)
			}
			continue
		}
		var rep wire.AuthReply
		if len(env.Body) > 0 {
			_ = json.Unmarshal(env.Body, &rep)
		}
		if rep.Code == "200" && rep.Status == "OK" {
			return nil
		}
		return &AuthError{Code: string(rep.Code), Message: string(rep.Message)}
	}
}

var pongMarker = []byte(`"pong"`)

func (c *Conn) read(ctx context.Context, ws *websocket.Conn, pong chan<- struct{}) error {
	idle := c.cfg.PingInterval + c.cfg.PongTimeout + 5*time.Second
	for {
		_ = ws.SetReadDeadline(time.Now().Add(idle))
		mt, raw, err := ws.ReadMessage()
		if errors.Is(err, websocket.ErrReadLimit) {
			c.cfg.Logger.Warn("cometchat: a frame exceeded the read limit; reconnecting (missed messages are recovered)",
				"limit_bytes", c.cfg.MaxFrameBytes)
			return fmt.Errorf("%w (%d bytes)", ErrFrameTooLarge, c.cfg.MaxFrameBytes)
		}
		if err != nil {
			return fmt.Errorf("read: %w", err)
		}
		if mt != websocket.TextMessage {
			continue
		}
		if bytes.Contains(raw, pongMarker) {
			var p struct {
				Action string `json:"action"`
			}
			if json.Unmarshal(raw, &p) == nil && p.Action == "pong" {
				select {
				case pong <- struct{}{}:
				default:
				}
				continue
			}
		}
		if c.cfg.OnFrame != nil {
			c.cfg.OnFrame(ctx, raw)
		}
	}
}
