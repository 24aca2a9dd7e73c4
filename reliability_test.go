package cometchat_test

import (
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// fastRedial makes reconnection quick in tests.
var fastRedial = cometchat.WithReconnectBackOff(func() backoff.BackOff { return backoff.NewConstantBackOff(20 * time.Millisecond) })

func texts(t *testing.T, ev *events[*cometchat.TextMessage], n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		out[i] = ev.next(t).Text
	}
	return out
}

func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

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

func TestMalformedAndUnknownFrames(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	got := newEvents[*cometchat.TextMessage]()
	unknown := newEvents[*cometchat.UnknownMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add, OnUnknownMessageReceived: unknown.add})
	for _, f := range []string{`not json`, `{"type":"message"}`, `{"type":"message","body":[]}`, `{"type":"typing_indicator","body":{}}`,
		`{"type":"receipts","body":{"user":"x"}}`, `[]`, `{"type":"message","body":{"id":{"x":1}}}`} {
		require.Equal(t, 1, srv.PushFrame("superhero2", []byte(f)))
	}
	require.Equal(t, 1, srv.PushFrame("superhero2", []byte(`{"type":"message","body":{"id":"99999","category":"interactive","type":"form","sender":"superhero1","receiver":"superhero2","receiverType":"user","data":{"form":1}}}`)))
	bad := unknown.next(t)
	require.Zero(t, bad.ID, "an unreadable message object is delivered raw, not dropped")
	require.Contains(t, string(bad.Raw), `{"x":1}`)
	u := unknown.next(t)
	require.Equal(t, int64(99999), u.ID)
	require.Contains(t, string(u.Raw), `"interactive"`)
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "still alive")
	require.Equal(t, "still alive", got.next(t).Text)
	require.Equal(t, cometchat.StatusConnected, b.ConnectionStatus())
}

func TestRateLimitedSendIsRetried(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	got := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	srv.AddFault(fakeserver.Fault{PathPrefix: "/v3.0/messages", Method: "POST", Status: 429, RetryAfter: 1, Count: 1})
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "patient")
	require.Equal(t, "patient", got.next(t).Text)

	// A call that is not idempotent is not retried: the caller sees the 429.
	srv.AddFault(fakeserver.Fault{PathPrefix: "/v3.0/users", Method: "POST", Status: 429, RetryAfter: 7, Count: 1})
	_, err := a.CreateUser(ctxT(t), cometchat.NewUser("thor", "Thor"), srv.Config().AuthKey)
	require.ErrorIs(t, err, cometchat.CodeTooManyRequests)
	var ce *cometchat.Error
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 429, ce.HTTPStatus)
	require.Equal(t, 7*time.Second, ce.RetryAfter)

	// A 5xx on a GET is reported after the retries give up, not hidden.
	srv.AddFault(fakeserver.Fault{PathPrefix: "/v3.0/users/superhero3", Method: "GET", Status: 500})
	_, err = a.GetUser(ctxT(t), "superhero3")
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 500, ce.HTTPStatus)
	srv.ClearFaults()
	_, err = a.GetUser(ctxT(t), "superhero3")
	require.NoError(t, err)
}

func TestSlowListenerGetsBackPressureNotLoss(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2", cometchat.WithDispatchQueueSize(2))
	release := make(chan struct{})
	got := newEvents[*cometchat.TextMessage]()
	slow := newEvents[int]()
	var once sync.Once
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: func(m *cometchat.TextMessage) {
		once.Do(func() { <-release })
		got.add(m)
	}})
	b.AddConnectionListener("slow", cometchat.ConnectionListener{OnSlowConsumer: slow.add})
	want := numbered("s", 10)
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, want...)
	close(release)
	require.Equal(t, want, texts(t, got, 10))
	require.Positive(t, slow.next(t))
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
	srv.AddFault(fakeserver.Fault{PathPrefix: "/v3.0/messages", Method: "GET", Delay: 300 * time.Millisecond, Count: 2})
	require.NoError(t, b.Connect(ctx))
	mine := sendTexts(t, b, "superhero1", cometchat.ReceiverTypeUser, "mine")[0]
	theirs := sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "theirs")[0]
	m := got.next(t)
	require.Equal(t, "theirs", m.Text, "the session's own message was not handed back")
	require.Equal(t, theirs.ID, b.LastDeliveredMessageID())
	require.Greater(t, theirs.ID, mine.ID)
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

// A message whose send failed (or whose answer was lost) can be sent again as
// the same value: its muid makes the server keep, and push, one copy.
func TestResendingTheSameMessageKeepsOneCopy(t *testing.T) {
	srv := startServer(t)
	ctx := ctxT(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	got := newEvents[string]()
	b.AddMessageListener("t", cometchat.MessageListener{OnTextMessageReceived: func(m *cometchat.TextMessage) { got.add(m.Text) }})

	m := cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, "once")
	first, err := a.SendMessage(ctx, m)
	require.NoError(t, err)
	require.NotEmpty(t, m.MUID, "the first send gives the message its muid")
	again, err := a.SendMessage(ctx, m)
	require.NoError(t, err)
	require.Equal(t, first.ID, again.ID, "the server answers with the stored message")
	_, err = a.SendMessage(ctx, cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, "after"))
	require.NoError(t, err)

	require.Equal(t, "once", got.next(t))
	require.Equal(t, "after", got.next(t), "no second copy was pushed")
	n := 0
	for _, sm := range srv.Messages() {
		if sm.Text == "once" {
			n++
		}
	}
	require.Equal(t, 1, n, "one copy stored")
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

// A message value sent again after a change is a new message, never a retry:
// the SDK gives it a new muid, and each receiver gets its own copy. So is a
// received message forwarded as it came.
func TestResendingAChangedMessageSendsANewOne(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	ctx := ctxT(t)
	a := loggedIn(t, srv, "superhero1")
	at2, at3 := newEvents[*cometchat.TextMessage](), newEvents[*cometchat.TextMessage]()
	loggedIn(t, srv, "superhero2").AddMessageListener("t", cometchat.MessageListener{OnTextMessageReceived: at2.add})
	c := loggedIn(t, srv, "superhero3")
	c.AddMessageListener("t", cometchat.MessageListener{OnTextMessageReceived: at3.add})

	m := cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, "hello")
	first, err := a.SendMessage(ctx, m)
	require.NoError(t, err)
	firstMUID := m.MUID
	m.ReceiverID = "superhero3"
	second, err := a.SendMessage(ctx, m)
	require.NoError(t, err)
	require.NotEqual(t, first.ID, second.ID, "a new message, not the stored one")
	require.Equal(t, "superhero3", second.ReceiverID)
	require.NotEqual(t, firstMUID, m.MUID, "never the same muid for another message")
	m.Text = "hello again"
	third, err := a.SendMessage(ctx, m)
	require.NoError(t, err)
	require.Equal(t, "hello again", third.Text)

	require.Equal(t, "hello", at2.next(t).Text)
	require.Equal(t, "hello", at3.next(t).Text)
	got := at3.next(t)
	require.Equal(t, "hello again", got.Text)

	// superhero3 forwards what it received to superhero2, unchanged but for
	// the receiver.
	got.ReceiverID = "superhero2"
	fwd, err := c.SendMessage(ctx, got)
	require.NoError(t, err)
	require.NotEqual(t, got.ID, fwd.ID)
	require.Equal(t, "hello again", at2.next(t).Text)

	texts := map[string]int{}
	for _, sm := range srv.Messages() {
		texts[sm.Receiver+":"+sm.Text]++
	}
	require.Equal(t, map[string]int{"superhero2:hello": 1, "superhero3:hello": 1, "superhero3:hello again": 1, "superhero2:hello again": 1}, texts)
}
