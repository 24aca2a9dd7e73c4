package realtime

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gocometchat/cometchat/internal/wire"
)

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
	var deadline time.Time
	for {
		// The deadline moves only once it is half spent: resetting the
		// poller's timer for every frame costs more than the frame.
		if now := time.Now(); deadline.Sub(now) < idle/2 {
			deadline = now.Add(idle)
			_ = ws.SetReadDeadline(deadline)
		}
		mt, raw, err := readFrame(ws)
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

// readFrame reads one message like ws.ReadMessage, into one buffer sized for
// a typical frame (io.ReadAll starts at 512 bytes and grows three or four
// times for a message frame of 1–2 KiB). The buffer is the caller's: a
// received message keeps a slice of it.
func readFrame(ws *websocket.Conn) (int, []byte, error) {
	mt, r, err := ws.NextReader()
	if err != nil {
		return mt, nil, err
	}
	buf := make([]byte, 0, 2048)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return mt, buf, nil
		}
		if err != nil {
			return mt, nil, err
		}
	}
}
