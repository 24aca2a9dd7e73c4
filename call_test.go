package cometchat_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

// callSink records every CallListener callback as "callback:status".
type callSink struct {
	ev    *events[string]
	calls *events[*cometchat.Call]
}

func watchCalls(c *cometchat.Client) *callSink {
	s := &callSink{ev: newEvents[string](), calls: newEvents[*cometchat.Call]()}
	rec := func(name string) func(*cometchat.Call) {
		return func(call *cometchat.Call) {
			s.calls.add(call)
			s.ev.add(name + ":" + string(call.Status))
		}
	}
	c.AddCallListener("calls", cometchat.CallListener{
		OnIncomingCallReceived:     rec("incoming"),
		OnOutgoingCallAccepted:     rec("accepted"),
		OnOutgoingCallRejected:     rec("rejected"),
		OnIncomingCallCancelled:    rec("cancelled"),
		OnCallEndedMessageReceived: rec("ended"),
	})
	return s
}

func (s *callSink) next(t *testing.T) (string, *cometchat.Call) {
	t.Helper()
	return s.ev.next(t), s.calls.next(t)
}

func TestCallAcceptedThenEnded(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	atA, atB := watchCalls(a), watchCalls(b)
	ctx := ctxT(t)

	out, err := a.InitiateCall(ctx, cometchat.NewCall("superhero2", cometchat.CallTypeVideo, cometchat.ReceiverTypeUser))
	require.NoError(t, err)
	require.NotEmpty(t, out.SessionID)
	require.Equal(t, cometchat.CallStatusInitiated, out.Status)
	require.Equal(t, out.SessionID, a.ActiveCall().SessionID)

	ev, in := atB.next(t)
	require.Equal(t, "incoming:initiated", ev)
	require.Equal(t, out.SessionID, in.SessionID)
	require.Equal(t, cometchat.CallTypeVideo, in.CallType)
	require.Equal(t, "superhero1", in.CallInitiator.UID)
	rcv, ok := in.CallReceiver.(*cometchat.User)
	require.True(t, ok)
	require.Equal(t, "superhero2", rcv.UID)
	require.Positive(t, in.InitiatedAt)
	require.Nil(t, b.ActiveCall(), "ringing is not active")

	_, err = b.AcceptCall(ctx, in.SessionID)
	require.NoError(t, err)
	require.Equal(t, cometchat.CallStatusOngoing, b.ActiveCall().Status)
	ev, _ = atA.next(t)
	require.Equal(t, "accepted:ongoing", ev)
	require.Equal(t, cometchat.CallStatusOngoing, a.ActiveCall().Status)

	_, err = a.InitiateCall(ctx, cometchat.NewCall("superhero3", cometchat.CallTypeAudio, cometchat.ReceiverTypeUser))
	require.True(t, errors.Is(err, cometchat.CodeCallAlreadyInitiated))

	a.ClearActiveCall()
	require.Nil(t, a.ActiveCall())

	ended, err := a.EndCall(ctx, out.SessionID)
	require.NoError(t, err)
	require.Equal(t, cometchat.CallStatusEnded, ended.Status)
	require.Nil(t, a.ActiveCall())
	ev, _ = atB.next(t)
	require.Equal(t, "ended:ended", ev)
	require.Nil(t, b.ActiveCall())

	// Call messages are stored in history.
	req, err := a.NewMessagesRequestBuilder().SetUID("superhero2").SetCategory(cometchat.CategoryCall).SetLimit(10).Build()
	require.NoError(t, err)
	page, err := req.FetchPrevious(ctx)
	require.NoError(t, err)
	var statuses []cometchat.CallStatus
	for _, m := range page {
		statuses = append(statuses, m.(*cometchat.Call).Status)
	}
	require.Equal(t, []cometchat.CallStatus{cometchat.CallStatusInitiated, cometchat.CallStatusOngoing, cometchat.CallStatusEnded}, statuses)
}

func TestCallRejectedAndCancelled(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	atA, atB := watchCalls(a), watchCalls(b)
	ctx := ctxT(t)

	out, err := a.InitiateCall(ctx, cometchat.NewCall("superhero2", cometchat.CallTypeAudio, cometchat.ReceiverTypeUser))
	require.NoError(t, err)
	atB.next(t)
	_, err = b.RejectCall(ctx, out.SessionID, cometchat.CallStatusRejected)
	require.NoError(t, err)
	ev, _ := atA.next(t)
	require.Equal(t, "rejected:rejected", ev)
	require.Nil(t, a.ActiveCall())

	out, err = a.InitiateCall(ctx, cometchat.NewCall("superhero2", cometchat.CallTypeAudio, cometchat.ReceiverTypeUser))
	require.NoError(t, err)
	atB.next(t)
	_, err = a.RejectCall(ctx, out.SessionID, cometchat.CallStatusCancelled)
	require.NoError(t, err)
	require.Nil(t, a.ActiveCall())
	ev, _ = atB.next(t)
	require.Equal(t, "cancelled:cancelled", ev)

	// Impossible transitions are refused by the server with CometChat's codes.
	_, err = a.RejectCall(ctx, out.SessionID, cometchat.CallStatusCancelled)
	require.True(t, errors.Is(err, cometchat.Code("ERR_CALL_TERMINATED")), "%v", err)
	out, err = a.InitiateCall(ctx, cometchat.NewCall("superhero2", cometchat.CallTypeAudio, cometchat.ReceiverTypeUser))
	require.NoError(t, err)
	atB.next(t)
	_, err = b.EndCall(ctx, out.SessionID)
	require.True(t, errors.Is(err, cometchat.Code("ERR_CALL_NOT_STARTED")), "%v", err)
}

func TestUnansweredCallTimesOut(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1", cometchat.WithCallTimeout(150*time.Millisecond))
	b := loggedIn(t, srv, "superhero2")
	atA, atB := watchCalls(a), watchCalls(b)
	_, err := a.InitiateCall(ctxT(t), cometchat.NewCall("superhero2", cometchat.CallTypeAudio, cometchat.ReceiverTypeUser))
	require.NoError(t, err)
	ev, _ := atB.next(t)
	require.Equal(t, "incoming:initiated", ev)
	ev, _ = atA.next(t)
	require.Equal(t, "rejected:unanswered", ev, "the caller hears its own timeout")
	ev, _ = atB.next(t)
	require.Equal(t, "cancelled:unanswered", ev)
	require.Nil(t, a.ActiveCall())
}

func TestBusyCalleeAnswersBusyByItself(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	c := loggedIn(t, srv, "superhero3")
	atA, atB, atC := watchCalls(a), watchCalls(b), watchCalls(c)
	ctx := ctxT(t)
	out, err := a.InitiateCall(ctx, cometchat.NewCall("superhero3", cometchat.CallTypeAudio, cometchat.ReceiverTypeUser))
	require.NoError(t, err)
	atC.next(t)
	_, err = c.AcceptCall(ctx, out.SessionID)
	require.NoError(t, err)
	atA.next(t)

	second, err := b.InitiateCall(ctx, cometchat.NewCall("superhero3", cometchat.CallTypeAudio, cometchat.ReceiverTypeUser))
	if err != nil {
		// A server may refuse a call to a busy user itself.
		require.True(t, errors.Is(err, cometchat.Code("ERR_CALL_BUSY_USER")), "%v", err)
		return
	}
	ev, call := atB.next(t)
	require.Equal(t, "rejected:busy", ev)
	require.Equal(t, second.SessionID, call.SessionID)
	require.Nil(t, b.ActiveCall())
	_, err = c.AcceptCall(ctx, second.SessionID)
	require.True(t, errors.Is(err, cometchat.CodeCallInProgress))
	// C never heard the second call ring: its next event is the end of the first.
	_, err = a.EndCall(ctx, out.SessionID)
	require.NoError(t, err)
	ev, _ = atC.next(t)
	require.Equal(t, "ended:ended", ev)
}

func TestGroupCall(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	c := loggedIn(t, srv, "superhero3")
	atA, atB, atC := watchCalls(a), watchCalls(b), watchCalls(c)
	ctx := ctxT(t)
	out, err := a.InitiateCall(ctx, cometchat.NewCall("supergroup", cometchat.CallTypeVideo, cometchat.ReceiverTypeGroup))
	require.NoError(t, err)
	ev, in := atB.next(t)
	require.Equal(t, "incoming:initiated", ev)
	g, ok := in.CallReceiver.(*cometchat.Group)
	require.True(t, ok)
	require.Equal(t, "supergroup", g.GUID)
	ev, _ = atC.next(t)
	require.Equal(t, "incoming:initiated", ev)

	_, err = b.AcceptCall(ctx, out.SessionID)
	require.NoError(t, err)
	ev, _ = atA.next(t)
	require.Equal(t, "accepted:ongoing", ev, "only the initiator hears the acceptance")
	_, err = c.RejectCall(ctx, out.SessionID, cometchat.CallStatusRejected)
	require.NoError(t, err)
	ev, _ = atA.next(t)
	require.Equal(t, "rejected:rejected", ev, "the initiator is told")
	require.NotNil(t, a.ActiveCall(), "one member's rejection does not end a group call")

	_, err = a.EndCall(ctx, out.SessionID)
	require.NoError(t, err)
	ev, _ = atB.next(t)
	require.Equal(t, "ended:ended", ev)
	ev, _ = atC.next(t)
	require.Equal(t, "ended:ended", ev, "C heard nothing between the ring and the end")
}

func TestGroupCallCancelledAndUnanswered(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1", cometchat.WithCallTimeout(200*time.Millisecond))
	b := loggedIn(t, srv, "superhero2")
	c := loggedIn(t, srv, "superhero3")
	atA, atB, atC := watchCalls(a), watchCalls(b), watchCalls(c)
	ctx := ctxT(t)

	out, err := a.InitiateCall(ctx, cometchat.NewCall("supergroup", cometchat.CallTypeAudio, cometchat.ReceiverTypeGroup))
	require.NoError(t, err)
	atB.next(t)
	atC.next(t)
	_, err = a.RejectCall(ctx, out.SessionID, cometchat.CallStatusCancelled)
	require.NoError(t, err)
	ev, _ := atB.next(t)
	require.Equal(t, "cancelled:cancelled", ev, "the initiator's cancel ends it for everyone")
	ev, _ = atC.next(t)
	require.Equal(t, "cancelled:cancelled", ev)

	_, err = a.InitiateCall(ctx, cometchat.NewCall("supergroup", cometchat.CallTypeAudio, cometchat.ReceiverTypeGroup))
	require.NoError(t, err)
	atB.next(t)
	atC.next(t)
	ev, _ = atA.next(t)
	require.Equal(t, "rejected:unanswered", ev, "nobody joined within the timeout")
	ev, _ = atB.next(t)
	require.Equal(t, "cancelled:unanswered", ev)
	ev, _ = atC.next(t)
	require.Equal(t, "cancelled:unanswered", ev)
	require.Nil(t, a.ActiveCall())
}
