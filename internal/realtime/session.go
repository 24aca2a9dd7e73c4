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

// session runs one socket from dial to failure, on the connection's one
// long-lived goroutine, which reads. healthy reports whether it stayed
// authenticated for HealthyAfter.
//
// Nothing else holds a goroutine while the socket is up: Send writes on its
// caller's goroutine, the keep-alive ping and the pong deadline are timers
// (their callbacks run briefly on goroutines of their own), and Stop's close
// frame is written by a context.AfterFunc callback. A connected client costs
// one goroutine here.
func (c *Conn) session() (healthy bool, err error) {
	// ctx ends with Stop (it derives from stopCtx) or when the session
	// returns. On Stop the socket is closed, which ends the dial, the auth
	// read or the read loop; once serving, a close frame goes first.
	ctx, cancel := context.WithCancel(c.stopCtx)
	var serving atomic.Bool
	var hardClose func()
	var live *sessionWriter
	var hcMu sync.Mutex
	afterDone := make(chan struct{})
	stopAfter := context.AfterFunc(ctx, func() {
		defer close(afterDone)
		hcMu.Lock()
		hc, w := hardClose, live
		hcMu.Unlock()
		if hc == nil || !c.stopped() {
			return
		}
		if w != nil && serving.Load() {
			w.goodbye(ErrStopped)
		}
		hc()
	})
	defer func() {
		if !stopAfter() {
			<-afterDone
		}
		cancel()
	}()
	// Dialling, the TLS handshake, authentication and the OnAuthenticated
	// hook (recovery: REST calls, JSON) need deep stacks: they run on a
	// goroutine of their own that ends afterwards, so that this long-lived
	// goroutine keeps a small stack between reconnects.
	type established struct {
		ws          *websocket.Conn
		hc          func()
		connectedAt time.Time
		err         error
	}
	done := make(chan established, 1)
	go func() {
		var e established
		e.ws, e.hc, e.connectedAt, e.err = c.establish(ctx, &serving, &hcMu, &hardClose, &live)
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
	hcMu.Lock()
	w := live
	hcMu.Unlock()
	if w != nil {
		defer func() {
			c.writer.CompareAndSwap(w, nil)
			w.close()
		}()
	}
	if est.err != nil {
		return false, est.err
	}
	w.startPings()
	rerr := c.read(ctx, est.ws, w.gotPong)
	healthy = time.Since(est.connectedAt) >= c.cfg.HealthyAfter
	if cause := w.failure(); cause != nil {
		return healthy, cause
	}
	return healthy, rerr
}

// sessionWriter writes to one socket for every goroutine that sends on it
// (Send's callers, the ping timer), one at a time, and keeps the ping and
// pong timers. The first failure it sees is why the session ended. Its state
// has a lock of its own, so that a write the network holds up (at most 10 s)
// delays neither Stop nor the pong deadline.
type sessionWriter struct {
	c         *Conn
	ws        *websocket.Conn
	hardClose func()

	wmu sync.Mutex // one write at a time

	mu       sync.Mutex // the fields below
	closed   bool
	cause    error
	pingT    *time.Timer
	pongT    *time.Timer
	awaiting bool // a ping is out and its pong not back
}

// write sends one text frame; a failed write ends the session.
func (w *sessionWriter) write(frame []byte, what string) error {
	w.mu.Lock()
	closed := w.closed
	w.mu.Unlock()
	if closed {
		return ErrNotConnected
	}
	w.wmu.Lock()
	_ = w.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	err := w.ws.WriteMessage(websocket.TextMessage, frame)
	w.wmu.Unlock()
	if err != nil {
		err = fmt.Errorf("%s: %w", what, err)
		w.fail(err)
		w.hardClose() // ends the read: the session returns
		return err
	}
	return nil
}

// fail records why the session ends, unless a reason is known already.
func (w *sessionWriter) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cause == nil {
		w.cause = err
	}
}

func (w *sessionWriter) failure() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cause
}

// goodbye records why the session ends and sends the close frame
// (1000 "User logged out"); the caller closes the socket.
func (w *sessionWriter) goodbye(why error) {
	w.fail(why)
	// WriteControl may run beside a write in progress (gorilla allows it).
	_ = w.ws.WriteControl(websocket.CloseMessage, closeLoggedOut, time.Now().Add(time.Second))
}

func (w *sessionWriter) startPings() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.pingT = time.AfterFunc(w.c.cfg.PingInterval, w.ping)
	}
}

// ping runs every PingInterval: unless a ping is still unanswered, it sends
// one and gives the pong PongTimeout. The pong may arrive before the write
// returns, so the deadline is set before the write.
func (w *sessionWriter) ping() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.pingT.Reset(w.c.cfg.PingInterval)
	if w.awaiting {
		w.mu.Unlock()
		return
	}
	w.awaiting = true
	if w.pongT == nil {
		w.pongT = time.AfterFunc(w.c.cfg.PongTimeout, w.pongLate)
	} else {
		w.pongT.Reset(w.c.cfg.PongTimeout)
	}
	w.mu.Unlock()
	_ = w.write(pingFrame, "ping") // a failure ends the session
}

// gotPong runs on the reader when a pong arrives.
func (w *sessionWriter) gotPong() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.awaiting = false
	if w.pongT != nil {
		w.pongT.Stop()
	}
}

// pongLate ends the session when a ping's pong did not come in time.
func (w *sessionWriter) pongLate() {
	w.mu.Lock()
	late := !w.closed && w.awaiting
	w.mu.Unlock()
	if late {
		w.goodbye(errors.New("no pong within " + w.c.cfg.PongTimeout.String()))
		w.hardClose()
	}
}

// close stops the timers; later writes fail with ErrNotConnected. A timer
// callback that already started sees closed and does nothing.
func (w *sessionWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	if w.pingT != nil {
		w.pingT.Stop()
	}
	if w.pongT != nil {
		w.pongT.Stop()
	}
}

// establish dials, authenticates, reports the connection and runs the
// OnAuthenticated hook. It returns the socket and its hard close (set as
// soon as the socket exists, also on failure after the dial).
func (c *Conn) establish(ctx context.Context, serving *atomic.Bool, hcMu *sync.Mutex, hardCloseOut *func(), liveOut **sessionWriter) (*websocket.Conn, func(), time.Time, error) {
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
	*liveOut = &sessionWriter{c: c, ws: ws, hardClose: hardClose}
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
	hcMu.Lock()
	c.writer.Store(*liveOut) // Send writes from here on
	hcMu.Unlock()
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

func (c *Conn) read(ctx context.Context, ws *websocket.Conn, onPong func()) error {
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
				onPong()
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
