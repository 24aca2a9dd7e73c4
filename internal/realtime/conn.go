// Package realtime keeps one authenticated CometChat websocket alive: it dials,
// sends the auth frame, waits for the "200" reply, pings and checks pongs,
// detects dead connections, and redials with jittered exponential backoff until
// stopped or until the server rejects the credentials.
//
// It owns the socket and one goroutine per connection, which reads (writes
// run on the callers' goroutines, pings on timers); it must not know message
// types or listeners: frames leave it as raw bytes through Config.OnFrame, on
// the reader goroutine, in arrival order.
package realtime

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/gorilla/websocket"
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
	writer atomic.Pointer[sessionWriter] // the serving session's, for Send
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
	c := &Conn{cfg: cfg, stop: make(chan struct{}), done: make(chan struct{})}
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

// Send writes a frame on the caller's goroutine, after any write in
// progress (frames from one goroutine go out in order). It fails when not
// connected or when ctx is already done; a write the network does not take
// within 10 s fails and ends the connection, which then redials. A failed
// write is the connection's end too.
func (c *Conn) Send(ctx context.Context, frame []byte) error {
	c.mu.Lock()
	st, fin := c.state, c.final
	c.mu.Unlock()
	if fin != nil || c.stopped() {
		return ErrStopped
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	w := c.writer.Load()
	if st != StateConnected || w == nil {
		return ErrNotConnected
	}
	return w.write(frame, "write")
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
