package cometchat

import (
	"context"
	"crypto/tls"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// TestRememberedSecretsBounded logs in and out many times and checks that the
// list of secrets scrubbed from errors stays bounded, while the auth key and
// the current token stay in it.
func TestRememberedSecretsBounded(t *testing.T) {
	t.Parallel()
	srv, err := fakeserver.New(fakeserver.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	c, err := New(srv.Config().AppID,
		AppSettings{AdminHost: srv.BaseURL(), ClientHost: srv.BaseURL(), ManualSocketConnection: true},
		WithTLSConfig(&tls.Config{RootCAs: srv.CertPool()}))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	authKey := srv.Config().AuthKey
	for range 30 {
		_, err := c.Login(ctx, "superhero1", authKey)
		require.NoError(t, err)
		require.NoError(t, c.Logout(ctx))
	}
	_, err = c.Login(ctx, "superhero1", authKey)
	require.NoError(t, err)

	s := &c.sess
	s.mu.Lock()
	defer s.mu.Unlock()
	require.LessOrEqual(t, len(s.secrets), maxSecrets)
	require.Contains(t, s.secrets, s.authToken)
	require.Contains(t, s.secrets, s.jwt)
}
