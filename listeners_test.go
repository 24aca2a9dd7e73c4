package cometchat_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

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
