package cometchat_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

func TestMessagesSentWhileDisconnectedAreRecoveredInOrder(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2", fastRedial)
	got := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	conn := connEvents(b)

	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "before")
	require.Equal(t, "before", got.next(t).Text)

	srv.RefuseSockets(time.Hour)
	require.Equal(t, 1, srv.DropSockets("superhero2"))
	require.Equal(t, "disconnected", conn.next(t))
	require.Equal(t, "connecting", conn.next(t))
	missed := numbered("missed-", 5)
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, missed...)
	sendTexts(t, a, "supergroup", cometchat.ReceiverTypeGroup, "missed-group")
	require.NotEqual(t, cometchat.StatusConnected, b.ConnectionStatus())
	st := b.ConnectionState()
	require.Error(t, st.Err, "the reason is available")

	srv.RefuseSockets(0)
	require.Equal(t, "connected", conn.next(t))
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "live")
	require.Equal(t, append(missed, "missed-group", "live"), texts(t, got, 7), "recovered first, in order, then live")
	got.none(t)
}

func TestNoMessageLostOrDuplicatedAcrossRepeatedDrops(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2", fastRedial)
	got := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	conn := connEvents(b)
	const n = 120
	want := numbered("m", n)
	ctx := ctxT(t)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, text := range want {
			if _, err := a.SendMessage(ctx, cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, text)); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 4 {
		srv.DropSockets("superhero2")
		for ev := conn.next(t); ev != "connected"; ev = conn.next(t) {
		}
	}
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatalf("sender did not finish within %v", wait)
	}
	require.Equal(t, want, texts(t, got, n))
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "after")
	require.Equal(t, "after", got.next(t).Text, "nothing delivered twice")
}

func TestResumePositionSurvivesARestartOfTheBot(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	bot := loggedIn(t, srv, "superhero2")
	got := newEvents[*cometchat.TextMessage]()
	bot.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "day one")
	require.Equal(t, "day one", got.next(t).Text)
	pos := bot.LastDeliveredMessageID()
	require.Positive(t, pos)
	require.NoError(t, bot.Close())

	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "overnight 1", "overnight 2")
	tomorrow := newClient(t, srv, nil)
	got2 := newEvents[*cometchat.TextMessage]()
	tomorrow.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got2.add})
	tomorrow.SetLastDeliveredMessageID(pos)
	_, err := tomorrow.Login(ctxT(t), "superhero2", srv.Config().AuthKey)
	require.NoError(t, err)
	require.Equal(t, []string{"overnight 1", "overnight 2"}, texts(t, got2, 2))
}

func TestTooLargeAGapAsksForAResync(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2", fastRedial, cometchat.WithMissedMessageRecovery(3))
	got := newEvents[*cometchat.TextMessage]()
	resync := newEvents[error]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	b.AddConnectionListener("r", cometchat.ConnectionListener{OnResyncRequired: resync.add})
	conn := connEvents(b)
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "seen")
	got.next(t)
	srv.RefuseSockets(time.Hour)
	srv.DropSockets("superhero2")
	require.Equal(t, "disconnected", conn.next(t))
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, numbered("gap", 250)...)
	srv.RefuseSockets(0)
	err := resync.next(t)
	require.ErrorContains(t, err, "more than 3")
	requireCode(t, err, cometchat.CodeResyncGapTooLarge)
}

// A server whose newest message id is below the client's resume position
// forgot the ids it gave out (a reset, or a fresh server behind the same
// host). The client says so with OnResyncRequired and goes on from the
// server's position: a new message whose id it had seen in the old epoch is
// delivered, not dropped as already seen.
func TestServerBehindTheResumePositionAsksForAResync(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2", fastRedial)
	got := newEvents[*cometchat.TextMessage]()
	resync := newEvents[error]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	b.AddConnectionListener("r", cometchat.ConnectionListener{OnResyncRequired: resync.add})
	conn := connEvents(b)

	// Messages of the old epoch, with ids far above anything this server has.
	frame := func(id int64, text string) []byte {
		return []byte(fmt.Sprintf(`{"type":"message","body":{"id":"%d","sentAt":1,"category":"message","type":"text",`+
			`"sender":"superhero1","receiver":"superhero2","receiverType":"user","data":{"text":%q}}}`, id, text))
	}
	old := sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "now")[0].ID
	require.Equal(t, "now", got.next(t).Text)
	high := old + 1_000_000
	require.Equal(t, 1, srv.PushFrame("superhero2", frame(high, "old epoch")))
	require.Equal(t, "old epoch", got.next(t).Text)
	require.Equal(t, high, b.LastDeliveredMessageID())

	srv.DropSockets("superhero2")
	require.Equal(t, "disconnected", conn.next(t))
	require.Equal(t, "connecting", conn.next(t))
	require.Equal(t, "connected", conn.next(t))
	err := resync.next(t)
	requireCode(t, err, cometchat.CodeResyncServerBehind)
	require.ErrorContains(t, err, "reset or replaced")
	require.Less(t, b.LastDeliveredMessageID(), high, "the position follows the server")

	require.Equal(t, 1, srv.PushFrame("superhero2", frame(high, "new epoch, same id")))
	require.Equal(t, "new epoch, same id", got.next(t).Text, "not dropped as seen")
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "and on")
	require.Equal(t, "and on", got.next(t).Text)
}

// A message this session sends while recovery runs comes back in the
// recovered page; it must not reach the session's own listeners.
func TestRecoveryDoesNotEchoOwnSends(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := newClient(t, srv, func(s *cometchat.AppSettings) { s.ManualSocketConnection = true })
	got := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	ctx := ctxT(t)
	_, err := b.Login(ctx, "superhero2", srv.Config().AuthKey)
	require.NoError(t, err)
	// Slow down the anchor and the recovery page so that a send overlaps them.
	srv.AddFault(cometchattest.Fault{PathPrefix: "/v3.0/messages", Method: "GET", Delay: 300 * time.Millisecond, Count: 2})
	require.NoError(t, b.Connect(ctx))
	mine := sendTexts(t, b, "superhero1", cometchat.ReceiverTypeUser, "mine")[0]
	theirs := sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "theirs")[0]
	m := got.next(t)
	require.Equal(t, "theirs", m.Text, "the session's own message was not handed back")
	require.Equal(t, theirs.ID, b.LastDeliveredMessageID())
	require.Greater(t, theirs.ID, mine.ID)
}

// A message that cannot be decoded but whose id can is delivered raw once,
// however often it comes, and advances the resume position, live as through
// recovery.
func TestUnreadableMessageWithAnIDIsDeliveredOnce(t *testing.T) {
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	unknown := newEvents[*cometchat.UnknownMessage]()
	got := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add, OnUnknownMessageReceived: unknown.add})
	// an id above every id the server gives next (they start from a wall-clock base)
	fakeID := srv.LastMessageID() + 1000
	frame := []byte(`{"type":"message","body":{"id":"` + strconv.FormatInt(fakeID, 10) + `","sentAt":"not a time","category":"message","type":"text","sender":"superhero1","receiver":"superhero2","receiverType":"user","data":{"text":"?"}}}`)
	require.Equal(t, 1, srv.PushFrame("superhero2", frame))
	require.Equal(t, 1, srv.PushFrame("superhero2", frame))
	m := unknown.next(t)
	require.Equal(t, fakeID, m.ID)
	require.Contains(t, string(m.Raw), `"not a time"`)
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "after")
	require.Equal(t, "after", got.next(t).Text)
	unknown.none(t) // the second copy was not delivered
	require.Equal(t, fakeID, b.LastDeliveredMessageID(), "the position followed it")
}

// Recovery hands over what the live stream would have, no more: one-to-one
// messages from a user the receiver blocked are neither pushed nor recovered,
// while the group's messages are both.
func TestRecoveryHidesMessagesFromBlockedUsers(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	ctx := ctxT(t)
	blocked := loggedIn(t, srv, "superhero3")
	friend := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2", fastRedial)
	_, err := b.BlockUsers(ctx, "superhero3")
	require.NoError(t, err)
	got := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	conn := connEvents(b)

	sendTexts(t, blocked, "superhero2", cometchat.ReceiverTypeUser, "live from blocked")
	sendTexts(t, friend, "superhero2", cometchat.ReceiverTypeUser, "live from friend")
	require.Equal(t, "live from friend", got.next(t).Text, "live pushes from the blocked user are hidden")

	srv.RefuseSockets(time.Hour)
	require.Equal(t, 1, srv.DropSockets("superhero2"))
	require.Equal(t, "disconnected", conn.next(t))
	require.Equal(t, "connecting", conn.next(t))
	sendTexts(t, blocked, "superhero2", cometchat.ReceiverTypeUser, "missed from blocked")
	sendTexts(t, blocked, "supergroup", cometchat.ReceiverTypeGroup, "missed group from blocked")
	sendTexts(t, friend, "superhero2", cometchat.ReceiverTypeUser, "missed from friend")
	srv.RefuseSockets(0)
	require.Equal(t, "connected", conn.next(t))
	sendTexts(t, friend, "superhero2", cometchat.ReceiverTypeUser, "live again")
	require.Equal(t, []string{"missed group from blocked", "missed from friend", "live again"}, texts(t, got, 3))
	got.none(t)
}
