package cometchat_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

// syncBuffer is a goroutine-safe log sink.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSecretsNeverLogged runs logins (good and bad), reconnects, a rejected
// socket, errors and a logout with debug logging on, and checks that neither
// the auth key, the auth token nor the socket's JWT appears in the logs or in
// any error string.
func TestSecretsNeverLogged(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx := ctxT(t)
	authKey := srv.Config().AuthKey
	token := authToken(t, srv, "superhero1")
	var errs []string

	c := newClient(t, srv, nil, cometchat.WithLogger(logger), fastRedial)
	_, err := c.Login(ctx, "superhero1", authKey+"-wrong")
	require.Error(t, err)
	errs = append(errs, err.Error())
	_, err = c.LoginWithAuthToken(ctx, token+"x")
	require.Error(t, err)
	errs = append(errs, err.Error())
	_, err = c.LoginWithAuthToken(ctx, token)
	require.NoError(t, err)
	require.NoError(t, c.WaitConnected(ctx))
	conn := connEvents(c)
	srv.DropSockets("superhero1")
	require.Equal(t, "disconnected", conn.next(t))
	require.Equal(t, "connecting", conn.next(t))
	require.Equal(t, "connected", conn.next(t))
	_, err = c.GetUser(ctx, "nobody")
	require.Error(t, err)
	errs = append(errs, err.Error())
	// A refused socket renews its JWT; then one whose auth token is revoked
	// too ends the session.
	srv.FailAuth("superhero1", 1)
	srv.DropSockets("superhero1")
	require.Equal(t, "disconnected", conn.next(t))
	require.Equal(t, "connecting", conn.next(t))
	require.Equal(t, "connected", conn.next(t))
	srv.FailAuth("superhero1", 1)
	srv.RevokeTokens("superhero1")
	srv.DropSockets("superhero1")
	require.Equal(t, "disconnected", conn.next(t))
	err = c.WaitConnected(ctx)
	require.ErrorIs(t, err, cometchat.CodeAuthTokenNotFound)
	errs = append(errs, err.Error(), c.ConnectionState().Err.Error())

	k := newClient(t, srv, nil, cometchat.WithLogger(logger))
	_, err = k.Login(ctx, "superhero2", authKey)
	require.NoError(t, err)
	require.NoError(t, k.WaitConnected(ctx))
	require.NoError(t, k.Logout(ctx))

	out := logs.String()
	require.NotEmpty(t, out, "debug logging was on")
	all := out + strings.Join(errs, "\n")
	for name, secret := range map[string]string{"auth key": authKey, "auth token": token} {
		require.NotContains(t, all, secret, "the %s leaked", name)
	}
	require.NotContains(t, all, "eyJ", "a JWT leaked")
}
