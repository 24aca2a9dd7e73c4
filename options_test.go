package cometchat_test

import (
	"crypto/tls"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

// An invalid option makes New fail with an error that names it, before any
// I/O; nothing falls back to a default silently.
func TestInvalidOptionsAreRefusedByName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		opt  cometchat.Option
	}{
		{"WithDispatchQueueSize", cometchat.WithDispatchQueueSize(-1)},
		{"WithDispatchQueueBytes", cometchat.WithDispatchQueueBytes(0)},
		{"WithMaxFrameBytes", cometchat.WithMaxFrameBytes(10)},
		{"WithKeepAlive", cometchat.WithKeepAlive(time.Second, 0)},
		{"WithCallTimeout", cometchat.WithCallTimeout(-time.Second)},
		{"WithMissedMessageRecovery", cometchat.WithMissedMessageRecovery(-5)},
		{"WithHTTPClient", cometchat.WithHTTPClient(nil)},
		{"WithTLSConfig", cometchat.WithTLSConfig(nil)},
		{"WithTLSConfig", cometchat.WithTLSConfig(&tls.Config{InsecureSkipVerify: true})}, //nolint:gosec // refused
		{"WithLogger", cometchat.WithLogger(nil)},
		{"WithPlatform", cometchat.WithPlatform(" ")},
		{"WithReconnectBackOff", cometchat.WithReconnectBackOff(nil)},
		{"option 1 is nil", nil},
	} {
		c, err := cometchat.New("app", cometchat.AppSettings{}, cometchat.WithHTTPClient(http.DefaultClient), tc.opt)
		require.Nil(t, c, tc.name)
		requireCode(t, err, cometchat.CodeInvalidOption)
		require.Contains(t, err.Error(), tc.name)
	}
	c, err := cometchat.New("app", cometchat.AppSettings{}, cometchat.WithMissedMessageRecovery(0), cometchat.WithDispatchQueueSize(1))
	require.NoError(t, err, "0 turns recovery off; 1 is a valid size")
	require.NoError(t, c.Close())
}
