package cometchat_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

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

func TestCustomMessagesReachTheListener(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	got := newEvents[*cometchat.CustomMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnCustomMessageReceived: got.add})
	ctx := ctxT(t)
	m := cometchat.NewCustomMessage("supergroup", cometchat.ReceiverTypeGroup, "poll", map[string]any{"question": "pizza?"})
	m.SubType = "yes-no"
	m.Tags = []string{"fun"}
	m.Metadata = map[string]any{"v": 2.0}
	_, err := a.SendCustomMessage(ctx, m)
	require.NoError(t, err)
	c := got.next(t)
	require.Equal(t, cometchat.CategoryCustom, c.Category)
	require.Equal(t, cometchat.MessageType("poll"), c.Type)
	require.Equal(t, "pizza?", c.CustomData["question"])
	require.Equal(t, "yes-no", c.SubType)
	require.Equal(t, 2.0, c.Metadata["v"])

	legacy := cometchat.NewCustomMessage("superhero2", cometchat.ReceiverTypeUser, "", map[string]any{"x": 1.0})
	_, err = a.SendCustomMessage(ctx, legacy)
	require.NoError(t, err)
	l := got.next(t)
	require.Equal(t, cometchat.CategoryMessage, l.Category, "the three-argument Cordova form")
	require.Equal(t, cometchat.MessageTypeCustom, l.Type)

	_, err = a.SendCustomMessage(ctx, cometchat.NewCustomMessage("superhero2", cometchat.ReceiverTypeUser, "poll", nil))
	require.True(t, errors.Is(err, cometchat.CodeInvalidMessage))
}

func TestRateLimitedSendIsRetried(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	got := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	srv.AddFault(cometchattest.Fault{PathPrefix: "/v3.0/messages", Method: "POST", Status: 429, RetryAfter: 1, Count: 1})
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "patient")
	require.Equal(t, "patient", got.next(t).Text)

	// A call that is not idempotent is not retried: the caller sees the 429.
	srv.AddFault(cometchattest.Fault{PathPrefix: "/v3.0/users", Method: "POST", Status: 429, RetryAfter: 7, Count: 1})
	_, err := a.CreateUser(ctxT(t), cometchat.NewUser("thor", "Thor"), srv.Config().AuthKey)
	require.ErrorIs(t, err, cometchat.CodeTooManyRequests)
	var ce *cometchat.Error
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 429, ce.HTTPStatus)
	require.Equal(t, 7*time.Second, ce.RetryAfter)

	// A 5xx on a GET is reported after the retries give up, not hidden.
	srv.AddFault(cometchattest.Fault{PathPrefix: "/v3.0/users/superhero3", Method: "GET", Status: 500})
	_, err = a.GetUser(ctxT(t), "superhero3")
	require.ErrorAs(t, err, &ce)
	require.Equal(t, 500, ce.HTTPStatus)
	srv.ClearFaults()
	_, err = a.GetUser(ctxT(t), "superhero3")
	require.NoError(t, err)
}

func TestThreads(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	parent := sendTexts(t, a, "supergroup", cometchat.ReceiverTypeGroup, "thread start")[0]
	ctx := ctxT(t)
	for _, text := range []string{"reply 1", "reply 2"} {
		r := cometchat.NewTextMessage("supergroup", cometchat.ReceiverTypeGroup, text)
		r.ParentMessageID = parent.ID
		out, err := b.SendMessage(ctx, r)
		require.NoError(t, err)
		require.Equal(t, parent.ID, out.ParentMessageID)
	}
	p, err := a.GetMessageDetails(ctx, parent.ID)
	require.NoError(t, err)
	require.Equal(t, 2, p.Base().ReplyCount)
	thread, err := a.NewMessagesRequestBuilder().SetParentMessageID(parent.ID).SetLimit(10).Build()
	require.NoError(t, err)
	page, err := thread.FetchPrevious(ctx)
	require.NoError(t, err)
	require.Len(t, page, 2)
	require.Equal(t, "reply 1", page[0].(*cometchat.TextMessage).Text)
	main, err := a.NewMessagesRequestBuilder().SetGUID("supergroup").SetLimit(10).HideReplies(true).Build()
	require.NoError(t, err)
	page, err = main.FetchPrevious(ctx)
	require.NoError(t, err)
	require.Equal(t, []int64{parent.ID}, ids(page))
}
