package cometchattest_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

func ctx10(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func login(t *testing.T, srv *cometchattest.Server, uid string) *cometchat.Client {
	t.Helper()
	c := srv.NewClient(t)
	_, err := c.Login(ctx10(t), uid, srv.AuthKey())
	require.NoError(t, err)
	require.NoError(t, c.WaitConnected(ctx10(t)))
	return c
}

// TestConfigHasTheDefaults: Config returns what the server runs with.
func TestConfigHasTheDefaults(t *testing.T) {
	srv := cometchattest.NewServer(t, cometchattest.Config{AppID: "my-app",
		Extensions: []cometchattest.Extension{{ID: "polls", Name: "Polls"}}})
	cfg := srv.Config()
	require.Equal(t, "my-app", cfg.AppID)
	require.Equal(t, "fake-auth-key", cfg.AuthKey)
	require.Equal(t, "fake-api-key", cfg.APIKey)
	require.Equal(t, "us", cfg.Region)
	require.Equal(t, "127.0.0.1:0", cfg.Addr, "the address asked for; Addr is the one it got")
	require.Equal(t, []cometchattest.Extension{{ID: "polls", Name: "Polls"}}, cfg.Extensions)
	require.NotNil(t, cfg.Now)
	require.Positive(t, cfg.MaxSocketQueueBytes)
}

// TestSeedingWithoutActions: BanMember bans, LastMessageID follows the
// messages, and neither the seeding calls store an action message.
func TestSeedingWithoutActions(t *testing.T) {
	srv := cometchattest.NewServer(t)
	first := srv.LastMessageID()
	require.NoError(t, srv.CreateGroup(cometchattest.Group{GUID: "Ops", Owner: "superhero1"}))
	require.NoError(t, srv.AddMember("ops", "superhero2", ""))
	require.NoError(t, srv.AddMember("ops", "superhero3", "moderator"))
	require.Equal(t, []cometchattest.Member{{UID: "superhero1", Scope: "admin"}, {UID: "superhero2", Scope: "participant"},
		{UID: "superhero3", Scope: "moderator"}}, withoutTimes(srv.Members("ops")))
	require.NoError(t, srv.BanMember("ops", "superhero2"))
	require.Len(t, srv.Members("ops"), 2)
	var ce interface{ Error() string }
	err := srv.BanMember("ops", "superhero2")
	require.ErrorAs(t, err, &ce)
	require.Contains(t, err.Error(), "ERR_ALREADY_BANNED")
	require.Equal(t, first, srv.LastMessageID(), "seeding stores no action message")
	require.Empty(t, srv.Messages())

	m, err := srv.SendText("superhero1", "group", "ops", "hello")
	require.NoError(t, err)
	require.Equal(t, m.ID, strconv.FormatInt(srv.LastMessageID(), 10))

	// a banned user cannot join until AddMember lifts the ban
	c := srv.NewClient(t)
	_, err = c.Login(ctx10(t), "superhero2", srv.AuthKey())
	require.NoError(t, err)
	_, err = c.JoinGroup(ctx10(t), "ops", cometchat.GroupTypePublic, "")
	require.ErrorIs(t, err, cometchat.CodeBannedGroupMember)
	require.NoError(t, srv.AddMember("ops", "superhero2", ""))
	require.Len(t, srv.Members("ops"), 3)
}

func withoutTimes(ms []cometchattest.Member) []cometchattest.Member {
	for i := range ms {
		ms[i].JoinedAt = 0
	}
	return ms
}

// TestResetKeepsIDsIncreasing: Reset forgets what was created and drops the
// sockets before it returns; message ids go on increasing.
func TestResetKeepsIDsIncreasing(t *testing.T) {
	srv := cometchattest.NewServer(t)
	login(t, srv, "superhero1")
	require.NoError(t, srv.CreateUser(cometchattest.User{UID: "temp"}))
	_, err := srv.SendText("superhero1", "user", "superhero2", "before")
	require.NoError(t, err)
	last := srv.LastMessageID()
	srv.Reset()
	require.Equal(t, 0, srv.Sockets("superhero1"), "Reset returns once the sockets are gone")
	_, ok := srv.User("temp")
	require.False(t, ok)
	require.Len(t, srv.Users(), 5)
	require.Empty(t, srv.Messages())
	require.GreaterOrEqual(t, srv.LastMessageID(), last)
	m, err := srv.SendText("superhero1", "user", "superhero2", "after")
	require.NoError(t, err)
	id, err := strconv.ParseInt(m.ID, 10, 64)
	require.NoError(t, err)
	require.Greater(t, id, last)
}

// TestWaitForSockets: after DropSockets (reconnections refused) or a
// logout, WaitForSockets waits for the server to forget the socket.
func TestWaitForSockets(t *testing.T) {
	srv := cometchattest.NewServer(t)
	c := login(t, srv, "superhero1")
	login(t, srv, "superhero2")
	require.Equal(t, 1, srv.Sockets("superhero1"))
	require.Equal(t, 2, srv.Sockets(""))

	srv.RefuseSockets(time.Hour) // no reconnection meanwhile
	require.Equal(t, 1, srv.DropSockets("superhero1"))
	require.NoError(t, srv.WaitForSockets(ctx10(t), "superhero1", 0))
	require.NoError(t, srv.WaitForSockets(ctx10(t), "", 1))
	u, ok := srv.User("superhero1")
	require.True(t, ok)
	require.False(t, u.Online)
	srv.RefuseSockets(0)
	require.NoError(t, srv.WaitForSockets(ctx10(t), "superhero1", 1))

	require.NoError(t, c.Logout(ctx10(t)))
	require.NoError(t, srv.WaitForSockets(ctx10(t), "superhero1", 0))
	require.Equal(t, 1, srv.Sockets(""))

	short, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, srv.WaitForSockets(short, "superhero2", 3), context.DeadlineExceeded)
}

// TestCloseSocketsSendsTheCode: the client sees the close code (4001 makes
// the SDK re-authenticate); CloseSockets returns at once.
func TestCloseSocketsSendsTheCode(t *testing.T) {
	srv := cometchattest.NewServer(t)
	c := login(t, srv, "superhero2")
	disconnected := make(chan struct{}, 4)
	c.AddConnectionListener("t", cometchat.ConnectionListener{OnDisconnected: func() { disconnected <- struct{}{} }})
	require.Equal(t, 1, srv.CloseSockets("superhero2", 4000, "bye"))
	select {
	case <-disconnected:
	case <-time.After(10 * time.Second):
		t.Fatal("the client did not see the close")
	}
	require.Equal(t, 0, srv.CloseSockets("nobody", 4000, "bye"))
}

// TestRevokeTokens revokes every token of a user: the next use fails.
func TestRevokeTokens(t *testing.T) {
	srv := cometchattest.NewServer(t)
	tok1, err := srv.AuthToken("superhero3")
	require.NoError(t, err)
	_, err = srv.AuthToken("superhero3")
	require.NoError(t, err)
	require.Equal(t, 2, srv.RevokeTokens("superhero3"))
	require.Equal(t, 0, srv.RevokeTokens("superhero3"))
	require.False(t, srv.RevokeToken(tok1))
	c := srv.NewClient(t)
	_, err = c.LoginWithAuthToken(ctx10(t), tok1)
	require.ErrorIs(t, err, cometchat.CodeAuthTokenNotFound)
}

// TestStartErrors: the store and snapshot errors can be tested with
// errors.Is.
func TestStartErrors(t *testing.T) {
	_, err := cometchattest.Start(cometchattest.Config{Snapshot: []byte(`{"format":"cometchat-fake-snapshot","version":99}`)})
	require.True(t, errors.Is(err, cometchattest.ErrBadSnapshot), "%v", err)

	dir := t.TempDir()
	srv := cometchattest.NewServer(t, cometchattest.Config{DataDir: dir})
	_, err = cometchattest.Start(cometchattest.Config{DataDir: dir})
	require.True(t, errors.Is(err, cometchattest.ErrStoreInUse), "%v", err)
	require.NoError(t, srv.Close())
}
