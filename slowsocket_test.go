package cometchat_test

import (
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// TestSlowSocketIsDisconnectedAndRecoversEveryMessageOnce: a client whose
// listener stalls stops reading its socket (back-pressure from a tiny
// dispatch queue); the server closes the socket once its queue for it
// outgrows Config.MaxSocketQueueBytes, instead of holding the backlog. When
// the listener resumes, the client reconnects and recovers every message,
// each exactly once, in order.
func TestSlowSocketIsDisconnectedAndRecoversEveryMessageOnce(t *testing.T) {
	t.Parallel()
	srv := startServer(t, fakeserver.Config{MaxSocketQueueBytes: 1 << 20})
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
