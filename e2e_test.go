package cometchat_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestLoginWithAuthKey(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	c := newClient(t, srv, nil)
	logins := newEvents[*cometchat.User]()
	c.AddLoginListener("l", cometchat.LoginListener{LoginSuccess: logins.add})
	conn := connEvents(c)
	ctx := ctxT(t)
	u, err := c.Login(ctx, "superhero1", srv.Config().AuthKey)
	require.NoError(t, err)
	require.Equal(t, "superhero1", u.UID)
	require.Equal(t, "Iron Man", u.Name)
	require.Equal(t, cometchat.UserStatusOnline, u.Status)
	require.Empty(t, u.AuthToken, "the session token is not handed out")
	require.Equal(t, "superhero1", logins.next(t).UID)
	require.NoError(t, c.WaitConnected(ctx))
	require.Equal(t, "connecting", conn.next(t))
	require.Equal(t, "connected", conn.next(t))
	require.Equal(t, cometchat.StatusConnected, c.ConnectionStatus())
	require.Equal(t, "superhero1", c.LoggedInUser().UID)

	// Same user again: the cached user, no second session.
	again, err := c.Login(ctx, "superhero1", srv.Config().AuthKey)
	require.NoError(t, err)
	require.Equal(t, u.UID, again.UID)
	require.Equal(t, "superhero1", logins.next(t).UID)

	require.NoError(t, c.Logout(ctx))
	require.Equal(t, "disconnected", conn.next(t))
	require.Nil(t, c.LoggedInUser())
	require.Equal(t, cometchat.StatusDisconnected, c.ConnectionStatus())
	// The client is usable again after logout.
	_, err = c.Login(ctx, "superhero3", srv.Config().AuthKey)
	require.NoError(t, err)
	require.NoError(t, c.WaitConnected(ctx))
}

func TestLoginWithAuthToken(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := authToken(t, srv, "superhero2")
	c := newClient(t, srv, nil)
	ctx := ctxT(t)
	u, err := c.LoginWithAuthToken(ctx, token)
	require.NoError(t, err)
	require.Equal(t, "superhero2", u.UID)
	require.NoError(t, c.WaitConnected(ctx))
}

func TestLoginErrors(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	failures := newEvents[*cometchat.Error]()
	c := newClient(t, srv, nil)
	c.AddLoginListener("l", cometchat.LoginListener{LoginFailure: failures.add})
	ctx := ctxT(t)

	_, err := c.Login(ctx, "nobody-here", srv.Config().AuthKey)
	require.ErrorIs(t, err, cometchat.CodeUIDNotFound)
	var ce *cometchat.Error
	require.ErrorAs(t, err, &ce)
	require.NotZero(t, ce.HTTPStatus)
	require.Equal(t, cometchat.CodeUIDNotFound, failures.next(t).Code)

	const wrongKey = "wrong-auth-key-0123456789"
	_, err = c.Login(ctx, "superhero1", wrongKey)
	require.ErrorIs(t, err, cometchat.CodeAPIKeyNotFound)
	require.NotContains(t, err.Error(), wrongKey, "auth keys never appear in errors")

	const badToken = "superhero1_not-a-real-token-0123456789"
	_, err = c.LoginWithAuthToken(ctx, badToken)
	require.ErrorIs(t, err, cometchat.CodeAuthTokenNotFound)
	require.NotContains(t, err.Error(), badToken)
	require.Nil(t, c.LoggedInUser())
}

func TestValidationHappensBeforeIO(t *testing.T) {
	t.Parallel()
	// Nothing listens on port 1: any I/O would fail with FAILED_TO_FETCH.
	c, err := cometchat.New("app", cometchat.AppSettings{AdminHost: "https://127.0.0.1:1/v3.0", ClientHost: "https://127.0.0.1:1/v3.0"})
	require.NoError(t, err)
	defer c.Close()
	ctx := ctxT(t)
	for _, uid := range []string{"", "has space", "semi;colon", strings.Repeat("a", 101), "ümlaut"} {
		_, err := c.Login(ctx, uid, "key")
		require.ErrorIs(t, err, cometchat.CodeInvalidUID, "uid %q", uid)
		_, err = c.GetUser(ctx, uid)
		require.ErrorIs(t, err, cometchat.CodeInvalidUID, "uid %q", uid)
	}
	_, err = c.Login(ctx, strings.Repeat("a", 100), "")
	require.ErrorIs(t, err, cometchat.CodeMissingParameters)
	_, err = c.SendMessage(ctx, cometchat.NewTextMessage("bad guid!", cometchat.ReceiverTypeGroup, "hi"))
	require.ErrorIs(t, err, cometchat.CodeInvalidGUID)
	_, err = c.SendMessage(ctx, cometchat.NewTextMessage("bob", cometchat.ReceiverTypeUser, "   "))
	require.True(t, errors.Is(err, cometchat.CodeInvalidMessage))
	_, err = c.SendMessage(ctx, cometchat.NewTextMessage("bob", "room", "hi"))
	require.True(t, errors.Is(err, cometchat.CodeInvalidReceiverType))
	_, err = cometchat.New("", cometchat.AppSettings{})
	require.ErrorIs(t, err, cometchat.CodeMissingParameters)
	// A valid call does reach the network (and fails there).
	_, err = c.Login(ctx, "superhero1", "key")
	require.ErrorIs(t, err, cometchat.CodeFailedToFetch)
}

func TestTextMessageUserToUser(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	atA, atB := newEvents[*cometchat.TextMessage](), newEvents[*cometchat.TextMessage]()
	a.AddMessageListener("a", cometchat.MessageListener{OnTextMessageReceived: atA.add})
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: atB.add})
	ctx := ctxT(t)

	out := cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, "hello bob")
	out.Metadata = map[string]any{"priority": "high"}
	sent, err := a.SendMessage(ctx, out)
	require.NoError(t, err)
	require.Positive(t, sent.ID)
	require.Equal(t, "superhero1", sent.Sender.UID)

	got := atB.next(t)
	require.Equal(t, sent.ID, got.ID)
	require.Equal(t, "hello bob", got.Text)
	require.Equal(t, sent.MUID, got.MUID)
	require.Equal(t, "superhero1", got.Sender.UID)
	require.Equal(t, "Iron Man", got.Sender.Name)
	require.Equal(t, "superhero2", got.ReceiverID)
	rcv, ok := got.Receiver.(*cometchat.User)
	require.True(t, ok, "receiver is a user: %T", got.Receiver)
	require.Equal(t, "superhero2", rcv.UID)
	require.Equal(t, cometchat.ReceiverTypeUser, got.ReceiverType)
	require.Equal(t, cometchat.CategoryMessage, got.Category)
	require.Equal(t, cometchat.MessageTypeText, got.Type)
	require.Equal(t, "superhero1_user_superhero2", got.ConversationID)
	require.Positive(t, got.SentAt)
	require.Equal(t, "high", got.Metadata["priority"])
	require.NotEmpty(t, got.Raw)

	// The reply reaches A; A never heard its own message (echo suppression):
	// dispatch is ordered, so it would have arrived before the reply.
	_, err = b.SendMessage(ctx, cometchat.NewTextMessage("superhero1", cometchat.ReceiverTypeUser, "hi alice"))
	require.NoError(t, err)
	require.Equal(t, "hi alice", atA.next(t).Text)
	atA.none(t)
	require.Equal(t, got.ID, b.LastDeliveredMessageID())
}

func TestTextMessageInGroup(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	c := loggedIn(t, srv, "superhero3")
	atB, atC := newEvents[*cometchat.TextMessage](), newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: atB.add})
	c.AddMessageListener("c", cometchat.MessageListener{OnTextMessageReceived: atC.add})
	sent, err := a.SendMessage(ctxT(t), cometchat.NewTextMessage("supergroup", cometchat.ReceiverTypeGroup, "hello heroes"))
	require.NoError(t, err)
	for _, got := range []*cometchat.TextMessage{atB.next(t), atC.next(t)} {
		require.Equal(t, sent.ID, got.ID)
		require.Equal(t, "hello heroes", got.Text)
		require.Equal(t, cometchat.ReceiverTypeGroup, got.ReceiverType)
		require.Equal(t, "supergroup", got.ReceiverID)
		g, ok := got.Receiver.(*cometchat.Group)
		require.True(t, ok, "receiver is a group: %T", got.Receiver)
		require.Equal(t, "supergroup", g.GUID)
		require.Equal(t, "group_supergroup", got.ConversationID)
		require.Equal(t, "superhero1", got.Sender.UID)
	}
}

func TestTypingAndReceipts(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	started, ended := newEvents[*cometchat.TypingIndicator](), newEvents[*cometchat.TypingIndicator]()
	delivered, read := newEvents[*cometchat.MessageReceipt](), newEvents[*cometchat.MessageReceipt]()
	msgs := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTypingStarted: started.add, OnTypingEnded: ended.add, OnTextMessageReceived: msgs.add})
	a.AddMessageListener("a", cometchat.MessageListener{OnMessagesDelivered: delivered.add, OnMessagesRead: read.add})
	ctx := ctxT(t)

	ti := cometchat.NewTypingIndicator("superhero2", cometchat.ReceiverTypeUser)
	ti.Metadata = map[string]any{"draft": "he"}
	require.NoError(t, a.StartTyping(ctx, ti))
	s := started.next(t)
	require.Equal(t, "superhero1", s.Sender.UID)
	require.Equal(t, "superhero2", s.ReceiverID)
	require.Equal(t, cometchat.ReceiverTypeUser, s.ReceiverType)
	require.Equal(t, "he", s.Metadata["draft"])
	require.NoError(t, a.EndTyping(ctx, cometchat.NewTypingIndicator("superhero2", cometchat.ReceiverTypeUser)))
	require.Equal(t, "superhero1", ended.next(t).Sender.UID)

	sent, err := a.SendMessage(ctx, cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, "read me"))
	require.NoError(t, err)
	m := msgs.next(t)
	require.NoError(t, b.MarkAsDelivered(ctx, m))
	d := delivered.next(t)
	require.Equal(t, sent.ID, d.MessageID)
	require.Equal(t, "superhero2", d.Sender.UID)
	require.Equal(t, cometchat.ReceiptTypeDelivery, d.ReceiptType)
	require.Positive(t, d.DeliveredAt, "the server stamps receipts")
	require.NoError(t, b.MarkAsRead(ctx, m))
	r := read.next(t)
	require.Equal(t, sent.ID, r.MessageID)
	require.Equal(t, cometchat.ReceiptTypeRead, r.ReceiptType)
	require.Positive(t, r.ReadAt)

	// Group typing reaches the other members.
	c := loggedIn(t, srv, "superhero3")
	groupTyping := newEvents[*cometchat.TypingIndicator]()
	c.AddMessageListener("c", cometchat.MessageListener{OnTypingStarted: groupTyping.add})
	require.NoError(t, a.StartTyping(ctx, cometchat.NewTypingIndicator("supergroup", cometchat.ReceiverTypeGroup)))
	g := groupTyping.next(t)
	require.Equal(t, "supergroup", g.ReceiverID)
	require.Equal(t, cometchat.ReceiverTypeGroup, g.ReceiverType)
}

func TestReceiptsNeedASocket(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	c := newClient(t, srv, func(s *cometchat.AppSettings) { s.ManualSocketConnection = true })
	ctx := ctxT(t)
	_, err := c.Login(ctx, "superhero1", srv.Config().AuthKey)
	require.NoError(t, err)
	require.Equal(t, cometchat.StatusDisconnected, c.ConnectionStatus())
	err = c.MarkAsReadByID(ctx, 1, "superhero2", cometchat.ReceiverTypeUser, "superhero2")
	require.ErrorIs(t, err, cometchat.CodeNoWebsocketConnection)
	require.NoError(t, c.Connect(ctx))
	require.NoError(t, c.MarkAsReadByID(ctx, 1, "superhero2", cometchat.ReceiverTypeUser, "superhero2"))
	require.NoError(t, c.Disconnect())
	require.Equal(t, cometchat.StatusDisconnected, c.ConnectionStatus())
}

func TestListenerReplaceAndRemove(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	order := newEvents[string]()
	on := func(name string) cometchat.MessageListener {
		return cometchat.MessageListener{OnTextMessageReceived: func(m *cometchat.TextMessage) { order.add(name + ":" + m.Text) }}
	}
	b.AddMessageListener("x", on("x1"))
	b.AddMessageListener("y", on("y"))
	b.AddMessageListener("x", on("x2")) // replaces x1 and moves to the end
	ctx := ctxT(t)
	send := func(text string) {
		_, err := a.SendMessage(ctx, cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, text))
		require.NoError(t, err)
	}
	send("one")
	require.Equal(t, "y:one", order.next(t))
	require.Equal(t, "x2:one", order.next(t))
	b.RemoveMessageListener("x")
	b.RemoveMessageListener("unknown")
	send("two")
	require.Equal(t, "y:two", order.next(t))
	b.RemoveMessageListener("y")
	b.AddMessageListener("z", on("z"))
	send("three")
	require.Equal(t, "z:three", order.next(t))
	order.none(t)
}

func TestOrderingUnderLoad(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	c := loggedIn(t, srv, "superhero3")
	b := loggedIn(t, srv, "superhero2")
	got := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	ctx := ctxT(t)
	const n = 150
	var wg sync.WaitGroup
	for _, sender := range []*cometchat.Client{a, c} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range n {
				_, err := sender.SendMessage(ctx, cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, fmt.Sprint(i)))
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	last := map[string]int{}
	var lastID int64
	for range 2 * n {
		m := got.next(t)
		require.Greater(t, m.ID, lastID, "ids arrive in order")
		lastID = m.ID
		i := 0
		_, _ = fmt.Sscan(m.Text, &i)
		if prev, ok := last[m.Sender.UID]; ok {
			require.Equal(t, prev+1, i, "messages of one sender arrive in order")
		}
		last[m.Sender.UID] = i
	}
	wg.Wait()
}

func TestPanickingListenerDoesNotStopTheClient(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	got := newEvents[string]()
	b.AddMessageListener("boom", cometchat.MessageListener{OnTextMessageReceived: func(*cometchat.TextMessage) { panic("listener bug") }})
	b.AddMessageListener("ok", cometchat.MessageListener{OnTextMessageReceived: func(m *cometchat.TextMessage) { got.add(m.Text) }})
	ctx := ctxT(t)
	for _, text := range []string{"first", "second"} {
		_, err := a.SendMessage(ctx, cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, text))
		require.NoError(t, err)
		require.Equal(t, text, got.next(t))
	}
	require.Equal(t, cometchat.StatusConnected, b.ConnectionStatus())
}

func TestListenerMayLogoutAndClose(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	loggedOut := newEvents[error]()
	logoutEvents := newEvents[struct{}]()
	b.AddLoginListener("l", cometchat.LoginListener{LogoutSuccess: func() { logoutEvents.add(struct{}{}) }})
	logoutCtx := ctxT(t)
	b.AddMessageListener("m", cometchat.MessageListener{OnTextMessageReceived: func(*cometchat.TextMessage) {
		loggedOut.add(b.Logout(logoutCtx))
	}})
	_, err := a.SendMessage(ctxT(t), cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, "log out now"))
	require.NoError(t, err)
	require.NoError(t, loggedOut.next(t))
	logoutEvents.next(t)
	require.Nil(t, b.LoggedInUser())

	closed := newEvents[error]()
	c := loggedIn(t, srv, "superhero3")
	c.AddMessageListener("m", cometchat.MessageListener{OnTextMessageReceived: func(*cometchat.TextMessage) { closed.add(c.Close()) }})
	_, err = a.SendMessage(ctxT(t), cometchat.NewTextMessage("superhero3", cometchat.ReceiverTypeUser, "close now"))
	require.NoError(t, err)
	require.NoError(t, closed.next(t))
	_, err = c.Login(ctxT(t), "superhero3", srv.Config().AuthKey)
	require.ErrorIs(t, err, cometchat.CodeClosed)
}

func TestSeveralClientsInOneProcess(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	uids := []string{"superhero1", "superhero2", "superhero3", "superhero4", "superhero5"}
	clients := make([]*cometchat.Client, len(uids))
	inbox := make([]*events[*cometchat.TextMessage], len(uids))
	for i, uid := range uids {
		clients[i] = loggedIn(t, srv, uid)
		inbox[i] = newEvents[*cometchat.TextMessage]()
		clients[i].AddMessageListener("in", cometchat.MessageListener{OnTextMessageReceived: inbox[i].add})
	}
	ctx := ctxT(t)
	for i, c := range clients {
		to := uids[(i+1)%len(uids)]
		_, err := c.SendMessage(ctx, cometchat.NewTextMessage(to, cometchat.ReceiverTypeUser, "from "+uids[i]))
		require.NoError(t, err)
	}
	for i := range clients {
		from := uids[(i+len(uids)-1)%len(uids)]
		m := inbox[i].next(t)
		require.Equal(t, "from "+from, m.Text)
		require.Equal(t, from, m.Sender.UID)
		require.Equal(t, uids[i], clients[i].LoggedInUser().UID)
	}
}

func TestForcedLogoutWhenTheTokenIsGone(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	token := authToken(t, srv, "superhero1")
	c := newClient(t, srv, nil)
	logouts := newEvents[struct{}]()
	c.AddLoginListener("l", cometchat.LoginListener{LogoutSuccess: func() { logouts.add(struct{}{}) }})
	ctx := ctxT(t)
	_, err := c.LoginWithAuthToken(ctx, token)
	require.NoError(t, err)
	revoke(t, srv, token)
	_, err = c.GetUser(ctx, "superhero2")
	require.ErrorIs(t, err, cometchat.CodeAuthTokenNotFound)
	logouts.next(t)
	require.Nil(t, c.LoggedInUser())
	_, err = c.GetUser(ctx, "superhero2")
	require.ErrorIs(t, err, cometchat.CodeNotLoggedIn)
}

func TestPresenceAndLogoutClosesTheSocket(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	watcher := newClient(t, srv, func(s *cometchat.AppSettings) { s.PresenceSubscription = cometchat.PresenceSubscriptionAllUsers })
	ctx := ctxT(t)
	_, err := watcher.Login(ctx, "superhero2", srv.Config().AuthKey)
	require.NoError(t, err)
	require.NoError(t, watcher.WaitConnected(ctx))
	online, offline := newEvents[*cometchat.User](), newEvents[*cometchat.User]()
	watcher.AddUserListener("p", cometchat.UserListener{OnUserOnline: online.add, OnUserOffline: offline.add})

	a := newClient(t, srv, nil)
	order := newEvents[string]()
	a.AddLoginListener("l", cometchat.LoginListener{LogoutSuccess: func() { order.add("logoutSuccess") }})
	a.AddConnectionListener("c", cometchat.ConnectionListener{OnDisconnected: func() { order.add("disconnected") }})
	_, err = a.Login(ctx, "superhero1", srv.Config().AuthKey)
	require.NoError(t, err)
	require.NoError(t, a.WaitConnected(ctx))
	u := online.next(t)
	require.Equal(t, "superhero1", u.UID)
	require.Equal(t, cometchat.UserStatusOnline, u.Status)
	require.Positive(t, u.LastActiveAt)
	require.NoError(t, a.Logout(ctx))
	require.Equal(t, "logoutSuccess", order.next(t))
	require.Equal(t, "disconnected", order.next(t))
	off := offline.next(t)
	require.Equal(t, "superhero1", off.UID)
	require.Equal(t, cometchat.UserStatusOffline, off.Status)
}

func TestGetAndUpdateUsers(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	ctx := ctxT(t)
	u, err := a.GetUser(ctx, "superhero2")
	require.NoError(t, err)
	require.Equal(t, "Captain America", u.Name)
	_, err = a.GetUser(ctx, "nobody")
	require.ErrorIs(t, err, cometchat.CodeUIDNotFound)

	created, err := a.CreateUser(ctx, &cometchat.User{UID: "hulk", Name: "Hulk", Metadata: map[string]any{"team": "green"}}, srv.Config().AuthKey)
	require.NoError(t, err)
	require.Equal(t, "hulk", created.UID)
	_, err = a.CreateUser(ctx, &cometchat.User{UID: "hulk", Name: "Hulk"}, srv.Config().AuthKey)
	var ce *cometchat.Error
	require.True(t, errors.As(err, &ce), "%v", err)
	require.Equal(t, cometchat.CodeUIDAlreadyExists, ce.Code)

	up, err := a.UpdateUser(ctx, &cometchat.User{UID: "hulk", Name: "Bruce Banner"}, srv.Config().AuthKey)
	require.NoError(t, err)
	require.Equal(t, "Bruce Banner", up.Name)

	me, err := a.UpdateCurrentUserDetails(ctx, &cometchat.User{Name: "Tony Stark", StatusMessage: "building"})
	require.NoError(t, err)
	require.Equal(t, "superhero1", me.UID)
	require.Equal(t, "Tony Stark", me.Name)
	require.Equal(t, "Tony Stark", a.LoggedInUser().Name)
}

func TestConcurrentLoginIsRefused(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	// The server holds the first login for a second, so the two overlap.
	srv.AddFault(fakeserver.Fault{PathPrefix: "/v3.0/users/superhero1/auth_tokens", Method: "POST", Delay: time.Second, Count: 1})
	c := newClient(t, srv, nil)
	ctx := ctxT(t)
	results := make(chan error, 2)
	for range 2 {
		go func() {
			_, err := c.Login(ctx, "superhero1", srv.Config().AuthKey)
			results <- err
		}()
	}
	errs := []error{<-results, <-results}
	var ok, refused int
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, cometchat.CodeLoginInProgress):
			refused++
		default:
			t.Fatalf("unexpected error: %v", err)
		}
	}
	require.Equal(t, 1, ok, "%v", errs)
	require.Equal(t, 1, refused, "%v", errs)
	require.Equal(t, "superhero1", c.LoggedInUser().UID)
}

func TestLogoutCleansUpEvenWhenTheServerFails(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	c := loggedIn(t, srv, "superhero1")
	logouts := newEvents[struct{}]()
	conn := connEvents(c)
	c.AddLoginListener("l", cometchat.LoginListener{LogoutSuccess: func() { logouts.add(struct{}{}) }})
	srv.AddFault(fakeserver.Fault{PathPrefix: "/v3.0/me", Method: "DELETE", Status: 500, Count: 10})
	err := c.Logout(ctxT(t))
	var ce *cometchat.Error
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 500, ce.HTTPStatus)
	logouts.next(t)
	require.Equal(t, "disconnected", conn.next(t))
	require.Nil(t, c.LoggedInUser())
	require.Equal(t, cometchat.StatusDisconnected, c.ConnectionStatus())
	_, err = c.GetUser(ctxT(t), "superhero2")
	require.ErrorIs(t, err, cometchat.CodeNotLoggedIn)
}
