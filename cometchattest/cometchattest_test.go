package cometchattest_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func waitFor[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatal("timed out")
		var zero T
		return zero
	}
}

// TestAsAUserWould uses only the public API, as an application's own test
// would: login, messaging, a group operation, a call and a fault.
func TestAsAUserWould(t *testing.T) {
	srv := cometchattest.NewServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	bot := srv.NewClient(t)
	alice := srv.NewClient(t)
	inbox := make(chan *cometchat.TextMessage, 10)
	calls := make(chan *cometchat.Call, 10)
	joined := make(chan *cometchat.User, 10)
	bot.AddMessageListener("bot", cometchat.MessageListener{OnTextMessageReceived: func(m *cometchat.TextMessage) { inbox <- m }})
	bot.AddCallListener("bot", cometchat.CallListener{OnIncomingCallReceived: func(c *cometchat.Call) { calls <- c }})
	bot.AddGroupListener("bot", cometchat.GroupListener{OnGroupMemberJoined: func(_ *cometchat.Action, u *cometchat.User, _ *cometchat.Group) { joined <- u }})

	_, err := bot.Login(ctx, "superhero1", srv.AuthKey())
	require.NoError(t, err)
	require.NoError(t, bot.WaitConnected(ctx))
	_, err = alice.Login(ctx, "superhero2", srv.AuthKey())
	require.NoError(t, err)

	// Messaging.
	_, err = alice.SendMessage(ctx, cometchat.NewTextMessage("superhero1", cometchat.ReceiverTypeUser, "hello bot"))
	require.NoError(t, err)
	require.Equal(t, "hello bot", waitFor(t, inbox).Text)
	require.Equal(t, "hello bot", srv.Messages()[len(srv.Messages())-1].Text, "state is inspectable")

	// A group operation, seeded through the server.
	require.NoError(t, srv.CreateGroup(cometchattest.Group{GUID: "ops", Name: "Ops", Type: "public", Owner: "superhero1"}))
	_, err = alice.JoinGroup(ctx, "ops", cometchat.GroupTypePublic, "")
	require.NoError(t, err)
	require.Equal(t, "superhero2", waitFor(t, joined).UID)
	require.Len(t, srv.Members("ops"), 2)

	// A call.
	call, err := alice.InitiateCall(ctx, cometchat.NewCall("superhero1", cometchat.CallTypeAudio, cometchat.ReceiverTypeUser))
	require.NoError(t, err)
	require.Equal(t, call.SessionID, waitFor(t, calls).SessionID)
	_, err = bot.RejectCall(ctx, call.SessionID, cometchat.CallStatusRejected)
	require.NoError(t, err)
	sessions := srv.Calls()
	require.Len(t, sessions, 1)
	require.Equal(t, "rejected", sessions[0].Status)
	require.Equal(t, "superhero2", sessions[0].Initiator)

	// A fault: the bot's socket drops; what was sent meanwhile still arrives.
	srv.RefuseSockets(time.Hour)
	require.Equal(t, 1, srv.DropSockets("superhero1"))
	_, err = alice.SendMessage(ctx, cometchat.NewTextMessage("superhero1", cometchat.ReceiverTypeUser, "while you were away"))
	require.NoError(t, err)
	srv.RefuseSockets(0)
	require.Equal(t, "while you were away", waitFor(t, inbox).Text)
	require.Positive(t, srv.Stats().Messages)
}

// recorder is a test framework that is not testing.T.
type recorder struct {
	cleanups []func()
	failed   string
}

func (r *recorder) Helper()                           {}
func (r *recorder) Cleanup(f func())                  { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestWorksWithOtherFrameworks(t *testing.T) {
	r := &recorder{}
	srv := cometchattest.NewServer(r, cometchattest.Config{AppID: "my-app", AuthKey: "my-key"})
	require.Empty(t, r.failed)
	require.Equal(t, "my-app", srv.AppID())
	require.Equal(t, "my-key", srv.AuthKey())
	require.Len(t, r.cleanups, 1)
	r.cleanups[0]()

	bad := &recorder{}
	_ = cometchattest.NewServer(bad, cometchattest.Config{Addr: "256.0.0.1:0"})
	require.Contains(t, bad.failed, "start the fake server")
}

func TestStartOutsideTests(t *testing.T) {
	srv, err := cometchattest.Start()
	require.NoError(t, err)
	require.NotEmpty(t, srv.CertPEM())
	require.NoError(t, srv.Close())
	require.NoError(t, srv.Close())
}
