package cometchat_test

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
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
