package realtime

import (
	"context"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// wsServer is a scriptable websocket peer.
type wsServer struct {
	srv      *httptest.Server
	authCode atomic.Value // string
	noPong   atomic.Bool
	accepts  atomic.Int32
	frames   chan string
	closes   chan string
	pinged   chan struct{} // one per ping received (dropped when full)
	mu       sync.Mutex
	conns    []*websocket.Conn
}

func newWSServer(t *testing.T) *wsServer {
	s := &wsServer{frames: make(chan string, 100), closes: make(chan string, 10), pinged: make(chan struct{}, 100)}
	s.authCode.Store("200")
	up := websocket.Upgrader{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		s.accepts.Add(1)
		s.mu.Lock()
		s.conns = append(s.conns, ws)
		s.mu.Unlock()
		ws.SetCloseHandler(func(code int, text string) error {
			s.closes <- text
			return nil
		})
		defer ws.Close()
		for {
			_, b, err := ws.ReadMessage()
			if err != nil {
				return
			}
			f := string(b)
			switch {
			case strings.Contains(f, `"type":"auth"`):
				code := s.authCode.Load().(string)
				_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"auth","body":{"code":"`+code+`","status":"OK"}}`))
				if code != "200" {
					return
				}
			case strings.Contains(f, `"action":"ping"`):
				select {
				case s.pinged <- struct{}{}:
				default:
				}
				if !s.noPong.Load() {
					_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"action":"pong"}`))
				}
			default:
				s.frames <- f
				_ = ws.WriteMessage(websocket.TextMessage, []byte(`{"type":"echo","body":`+f+`}`))
			}
		}
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *wsServer) url() string { return "ws" + strings.TrimPrefix(s.srv.URL, "http") }

func (s *wsServer) dropAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

type recorder struct {
	events chan Event
	frames chan string
}

func newConn(t *testing.T, s *wsServer, mod func(*Config)) (*Conn, *recorder) {
	rec := &recorder{events: make(chan Event, 100), frames: make(chan string, 100)}
	cfg := Config{
		URL:          s.url(),
		Auth:         func() ([]byte, error) { return []byte(`{"type":"auth","body":{}}`), nil },
		PingInterval: 40 * time.Millisecond, PongTimeout: 60 * time.Millisecond,
		NewBackOff: func() backoff.BackOff { return backoff.NewConstantBackOff(10 * time.Millisecond) },
		OnFrame:    func(_ context.Context, raw []byte) { rec.frames <- string(raw) },
		OnEvent:    func(ev Event) { rec.events <- ev },
	}
	if mod != nil {
		mod(&cfg)
	}
	c := New(cfg)
	c.Start()
	t.Cleanup(c.Stop)
	return c, rec
}

func (r *recorder) expect(t *testing.T, want ...State) []Event {
	t.Helper()
	var got []Event
	for _, w := range want {
		select {
		case ev := <-r.events:
			require.Equal(t, w, ev.State, "events so far: %v", got)
			got = append(got, ev)
		case <-time.After(5 * time.Second):
			t.Fatalf("waited for %v; got %v", w, got)
		}
	}
	return got
}

// recv returns the next value from ch, failing t if none comes within 5 s.
func recv[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		var zero T
		t.Fatalf("waited 5 s for a %T", zero)
		return zero
	}
}

func TestConnectSendStop(t *testing.T) {
	s := newWSServer(t)
	c, rec := newConn(t, s, nil)
	rec.expect(t, StateConnecting, StateConnected)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, c.WaitConnected(ctx))
	require.NoError(t, c.Send(ctx, []byte(`{"type":"typing_indicator"}`)))
	require.Equal(t, `{"type":"typing_indicator"}`, recv(t, s.frames))
	require.Contains(t, recv(t, rec.frames), `"type":"echo"`)
	c.Stop()
	require.Equal(t, "User logged out", recv(t, s.closes))
	evs := rec.expect(t, StateDisconnected)
	require.True(t, evs[0].Final)
	require.ErrorIs(t, c.Send(ctx, []byte(`{}`)), ErrStopped)
	c.Stop() // idempotent
}

// connGoroutines counts the goroutines running code of this package's
// types (the test's own goroutines and the server's handlers are functions,
// not methods, and do not count).
func connGoroutines() int {
	buf := make([]byte, 4<<20)
	dump := string(buf[:runtime.Stack(buf, true)])
	n := 0
	for _, g := range strings.Split(dump, "\n\n") {
		if strings.Contains(g, "internal/realtime.(*") {
			n++
		}
	}
	return n
}

// TestConnectedConnHoldsOneGoroutine: a connected Conn holds one goroutine,
// its reader. Sends run on the caller's goroutine and the keep-alive on
// timers, and both still work: pings go out and are answered round after
// round without a reconnect, and a frame sent after them arrives.
func TestConnectedConnHoldsOneGoroutine(t *testing.T) {
	s := newWSServer(t)
	c, rec := newConn(t, s, nil)
	rec.expect(t, StateConnecting, StateConnected)
	for range 3 {
		recv(t, s.pinged)
	}
	deadline := time.Now().Add(5 * time.Second)
	for connGoroutines() != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("a connected Conn holds %d goroutines, want 1", connGoroutines())
		}
		runtime.Gosched() // a timer's callback may be finishing
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, c.Send(ctx, []byte(`{"type":"typing_indicator"}`)))
	require.Equal(t, `{"type":"typing_indicator"}`, recv(t, s.frames))
	require.Equal(t, int32(1), s.accepts.Load(), "the connection was replaced")
	select {
	case ev := <-rec.events:
		t.Fatalf("unexpected event %+v", ev)
	default:
	}
}

func TestReconnectAfterServerDrop(t *testing.T) {
	s := newWSServer(t)
	c, rec := newConn(t, s, nil)
	rec.expect(t, StateConnecting, StateConnected)
	s.dropAll()
	evs := rec.expect(t, StateDisconnected, StateConnecting, StateConnected)
	require.Error(t, evs[0].Err)
	require.Greater(t, evs[0].RetryIn, time.Duration(0))
	require.Equal(t, int32(2), s.accepts.Load())
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.NoError(t, c.WaitConnected(ctx))
}

func TestMissingPongReplacesConnection(t *testing.T) {
	s := newWSServer(t)
	s.noPong.Store(true)
	_, rec := newConn(t, s, nil)
	rec.expect(t, StateConnecting, StateConnected)
	evs := rec.expect(t, StateDisconnected, StateConnecting)
	require.ErrorContains(t, evs[0].Err, "no pong")
	require.Equal(t, "User logged out", recv(t, s.closes))
	s.noPong.Store(false)
	rec.expect(t, StateConnected)
}

func TestAuthRejectedStopsForGood(t *testing.T) {
	s := newWSServer(t)
	s.authCode.Store("401")
	c, rec := newConn(t, s, nil)
	evs := rec.expect(t, StateConnecting, StateDisconnected)
	require.True(t, evs[1].Final)
	var ae *AuthError
	require.ErrorAs(t, evs[1].Err, &ae)
	require.Equal(t, "401", ae.Code)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.ErrorAs(t, c.WaitConnected(ctx), &ae)
	recv(t, c.Done())
	require.Equal(t, int32(1), s.accepts.Load(), "no redial after a rejection")
}

func TestStopWhileRedialling(t *testing.T) {
	s := newWSServer(t)
	s.srv.Close() // nothing listens: every dial fails
	c, rec := newConn(t, s, func(cfg *Config) {
		cfg.NewBackOff = func() backoff.BackOff { return backoff.NewConstantBackOff(time.Hour) }
	})
	evs := rec.expect(t, StateConnecting, StateConnecting)
	require.Error(t, evs[1].Err, "the failed dial is reported")
	require.Equal(t, time.Hour, evs[1].RetryIn)
	snap := c.State()
	require.Equal(t, StateConnecting, snap.State)
	require.Error(t, snap.Err)
	require.Equal(t, time.Hour, snap.RetryIn)
	c.Stop()
	select {
	case <-c.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the loop did not end within 5 s of Stop while waiting to redial")
	}
}
