package cometchat_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

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

func TestPresenceSubscriptions(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	require.NoError(t, srv.CreateUser(cometchattest.User{UID: "vip1", Name: "VIP", Role: "vip"}))
	require.NoError(t, srv.AddFriends("superhero2", "superhero3"))
	all := presenceWatcher(t, srv, "superhero1", cometchat.PresenceSubscriptionAllUsers)
	friends := presenceWatcher(t, srv, "superhero2", cometchat.PresenceSubscriptionFriends)
	roles := presenceWatcher(t, srv, "superhero4", cometchat.PresenceSubscriptionRoles, "vip")
	none := presenceWatcher(t, srv, "superhero5", cometchat.PresenceSubscriptionNone)
	// Drain what the watchers saw of each other.
	for _, uid := range []string{"superhero2", "superhero4", "superhero5"} {
		require.Equal(t, uid, all.next(t))
	}

	loggedIn(t, srv, "vip1")
	require.Equal(t, "vip1", all.next(t))
	require.Equal(t, "vip1", roles.next(t), "ROLES: the role list travels in the auth frame")
	loggedIn(t, srv, "superhero3")
	require.Equal(t, "superhero3", all.next(t))
	require.Equal(t, "superhero3", friends.next(t), "FRIENDS: only friends")
	// Ordered delivery: by now each watcher has seen everything meant for it.
	friends.none(t)
	roles.none(t)
	none.none(t)
}

// presenceWatcher logs uid in with a presence subscription and records
// online events as UIDs.
func presenceWatcher(t *testing.T, srv *cometchattest.Server, uid string, sub cometchat.PresenceSubscription, roles ...string) *events[string] {
	t.Helper()
	w := newClient(t, srv, func(s *cometchat.AppSettings) { s.PresenceSubscription = sub; s.Roles = roles })
	online := newEvents[string]()
	w.AddUserListener("p", cometchat.UserListener{OnUserOnline: func(u *cometchat.User) { online.add(u.UID) }})
	ctx := ctxT(t)
	_, err := w.Login(ctx, uid, srv.Config().AuthKey)
	require.NoError(t, err)
	require.NoError(t, w.WaitConnected(ctx))
	return online
}
