package cometchat_test

import (
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

// A frame over the read limit is never read into memory: the client drops
// that socket, logs it, reconnects and recovers what the socket lost, so the
// messages around the frame all arrive, once and in order.
func TestFrameOverTheReadLimitReconnectsAndLosesNothing(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	var logs syncBuffer
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2", fastRedial, cometchat.WithMaxFrameBytes(256<<10),
		cometchat.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	got := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	conn := connEvents(b)

	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "before")
	require.Equal(t, "before", got.next(t).Text)

	huge := `{"type":"message","body":{"id":"999999999","category":"message","type":"text","sender":"superhero1",` +
		`"receiver":"superhero2","receiverType":"user","data":{"text":"` + strings.Repeat("x", 1<<20) + `"}}}`
	require.Equal(t, 1, srv.PushFrame("superhero2", []byte(huge)))
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "right after") // behind it on the doomed socket
	require.Equal(t, "disconnected", conn.next(t))
	require.Equal(t, "connecting", conn.next(t))
	require.Equal(t, "connected", conn.next(t))
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "after")
	require.Equal(t, []string{"right after", "after"}, texts(t, got, 2))
	got.none(t)
	require.Contains(t, logs.String(), "a frame exceeded the read limit")
}

// TestSlowSocketIsDisconnectedAndRecoversEveryMessageOnce: a client whose
// listener stalls stops reading its socket (back-pressure from a tiny
// dispatch queue); the server closes the socket once its queue for it
// outgrows Config.MaxSocketQueueBytes, instead of holding the backlog. When
// the listener resumes, the client reconnects and recovers every message,
// each exactly once, in order.
func TestSlowSocketIsDisconnectedAndRecoversEveryMessageOnce(t *testing.T) {
	t.Parallel()
	srv := startServer(t, cometchattest.Config{MaxSocketQueueBytes: 1 << 20})
	b := loggedIn(t, srv, "superhero2", fastRedial, cometchat.WithDispatchQueueSize(2))
	release := make(chan struct{})
	var releaseOnce sync.Once
	releaseAll := func() { releaseOnce.Do(func() { close(release) }) }
	t.Cleanup(releaseAll)     // before the client's Close, should the test fail early
	got := newEvents[int64]() // room for every message: the listener never blocks on it
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: func(m *cometchat.TextMessage) {
		<-release
		got.add(m.ID)
	}})
	conn := connEvents(b)
	var sent []int64
	send := func(text string) int64 {
		m, err := srv.SendText("superhero1", "user", "superhero2", text)
		require.NoError(t, err)
		id, err := strconv.ParseInt(m.ID, 10, 64)
		require.NoError(t, err)
		return id
	}

	// The first message blocks the listener, the next two fill the
	// dispatch queue, and the client's reader then waits with the fourth.
	for i := 0; i < 5; i++ {
		sent = append(sent, send("before "+strconv.Itoa(i)))
	}
	// Traffic the client does not read piles up: socket buffers first, then
	// the server's queue for the socket, until it is closed as too slow
	// (PushFrame then reaches no socket). 64 KiB frames, at most 128 MiB.
	junk := []byte(`{"type":"junk","body":{"pad":"` + strings.Repeat("j", 64<<10) + `"}}`)
	pushes := 0
	for srv.PushFrame("superhero2", junk) == 1 {
		pushes++
		require.Less(t, pushes, 2048, "the server kept queueing for a socket that reads nothing")
	}
	// Messages sent meanwhile are recovered after the reconnect.
	for i := 0; i < 20; i++ {
		sent = append(sent, send("during "+strconv.Itoa(i)))
	}
	releaseAll()
	require.Equal(t, "disconnected", conn.next(t), "the server closed the slow socket")
	require.Equal(t, "connecting", conn.next(t))
	require.Equal(t, "connected", conn.next(t))

	ids := make([]int64, 0, len(sent))
	deadline := time.After(wait)
	for len(ids) < len(sent) {
		select {
		case id := <-got.ch:
			ids = append(ids, id)
		case <-deadline:
			t.Fatalf("recovered %d of %d messages: %v", len(ids), len(sent), ids)
		}
	}
	require.Equal(t, sent, ids, "every message exactly once, in order")
	// and no late duplicate: the next message delivered is a new one
	marker := send("marker")
	require.Equal(t, marker, got.next(t))
	got.none(t)
}

func TestHalfOpenSocketIsDetectedAndReplaced(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2", fastRedial, cometchat.WithKeepAlive(50*time.Millisecond, 100*time.Millisecond))
	got := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	conn := connEvents(b)
	require.Equal(t, 1, srv.HalfOpenSockets("superhero2"))
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "into the void")
	require.Equal(t, "disconnected", conn.next(t))
	require.Equal(t, "connecting", conn.next(t))
	require.Equal(t, "connected", conn.next(t))
	require.Equal(t, "into the void", got.next(t).Text, "the frame the half-open socket swallowed is recovered")
}

func TestServerRestartKeepsTheSession(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1", fastRedial)
	b := loggedIn(t, srv, "superhero2", fastRedial)
	got := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	conn := connEvents(b)
	require.NoError(t, srv.Restart())
	require.Equal(t, "disconnected", conn.next(t))
	require.Equal(t, "connecting", conn.next(t))
	require.Equal(t, "connected", conn.next(t))
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "after restart")
	require.Equal(t, "after restart", got.next(t).Text)
}

func TestCloseWhileReconnectingIsQuick(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := loggedIn(t, srv, "superhero2")
	conn := connEvents(b)
	srv.RefuseSockets(time.Hour)
	srv.DropSockets("superhero2")
	require.Equal(t, "disconnected", conn.next(t))
	start := time.Now()
	require.NoError(t, b.Close())
	require.NoError(t, b.Close(), "idempotent")
	if d := time.Since(start); d > time.Second {
		t.Fatalf("Close took %v", d)
	}
}

// A forced logout that happens inside the connection's own work (the token
// is gone when the socket anchors its resume position) must not deadlock.
func TestForcedLogoutDuringConnect(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := authToken(t, srv, "superhero1")
	c := newClient(t, srv, func(s *cometchat.AppSettings) { s.ManualSocketConnection = true })
	logouts := newEvents[struct{}]()
	c.AddLoginListener("l", cometchat.LoginListener{LogoutSuccess: func() { logouts.add(struct{}{}) }})
	ctx := ctxT(t)
	_, err := c.LoginWithAuthToken(ctx, token)
	require.NoError(t, err)
	revoke(t, srv, token)
	err = c.Connect(ctx)
	require.Error(t, err)
	require.NoError(t, ctx.Err(), "Connect returned instead of hanging")
	logouts.next(t)
	require.Nil(t, c.LoggedInUser())
	require.NoError(t, c.Close())
}
