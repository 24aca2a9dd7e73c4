package cometchat

import (
	"context"
	"crypto/tls"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// A bot that types to many users keeps a bounded memory of what it last
// signalled to each.
func TestTypingMemoryIsBounded(t *testing.T) {
	t.Parallel()
	srv, err := fakeserver.New(fakeserver.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	c, err := New(srv.Config().AppID, AppSettings{AdminHost: srv.BaseURL(), ClientHost: srv.BaseURL()},
		WithTLSConfig(&tls.Config{RootCAs: srv.CertPool()}))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = c.Login(ctx, "superhero1", srv.Config().AuthKey)
	require.NoError(t, err)
	require.NoError(t, c.WaitConnected(ctx))
	for i := range maxTypingReceivers + 100 {
		require.NoError(t, c.StartTyping(ctx, NewTypingIndicator(fmt.Sprintf("user%d", i), ReceiverTypeUser)))
		c.typing.mu.Lock()
		n := len(c.typing.sent)
		c.typing.mu.Unlock()
		require.LessOrEqual(t, n, maxTypingReceivers)
	}
}
