package cometchat_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

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

func TestTransientMessages(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	got := newEvents[*cometchat.TransientMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTransientMessageReceived: got.add})
	require.NoError(t, a.SendTransientMessage(ctxT(t), cometchat.NewTransientMessage("superhero2", cometchat.ReceiverTypeUser, map[string]any{"live_reaction": "heart"})))
	tm := got.next(t)
	require.Equal(t, "heart", tm.Data["live_reaction"])
	require.Equal(t, "superhero1", tm.Sender.UID)
}
