package cometchat_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

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
