package cometchat_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

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

func TestConcurrentLoginIsRefused(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	// The server holds the first login for a second, so the two overlap.
	srv.AddFault(cometchattest.Fault{PathPrefix: "/v3.0/users/superhero1/auth_tokens", Method: "POST", Delay: time.Second, Count: 1})
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
	srv.AddFault(cometchattest.Fault{PathPrefix: "/v3.0/me", Method: "DELETE", Status: 500, Count: 10})
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
