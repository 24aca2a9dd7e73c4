package cometchat_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

func TestValidationHappensBeforeIO(t *testing.T) {
	t.Parallel()
	// Nothing listens on port 1: any I/O would fail with FAILED_TO_FETCH.
	c, err := cometchat.New("app", cometchat.AppSettings{AdminHost: "https://127.0.0.1:1/v3.0", ClientHost: "https://127.0.0.1:1/v3.0"})
	require.NoError(t, err)
	defer c.Close()
	ctx := ctxT(t)
	for _, uid := range []string{"", "has space", "semi;colon", strings.Repeat("a", 101), "ümlaut"} {
		_, err := c.Login(ctx, uid, "key")
		require.ErrorIs(t, err, cometchat.CodeInvalidUID, "uid %q", uid)
		_, err = c.GetUser(ctx, uid)
		require.ErrorIs(t, err, cometchat.CodeInvalidUID, "uid %q", uid)
	}
	_, err = c.Login(ctx, strings.Repeat("a", 100), "")
	require.ErrorIs(t, err, cometchat.CodeMissingParameters)
	_, err = c.SendMessage(ctx, cometchat.NewTextMessage("bad guid!", cometchat.ReceiverTypeGroup, "hi"))
	require.ErrorIs(t, err, cometchat.CodeInvalidGUID)
	_, err = c.SendMessage(ctx, cometchat.NewTextMessage("bob", cometchat.ReceiverTypeUser, "   "))
	require.True(t, errors.Is(err, cometchat.CodeInvalidMessage))
	_, err = c.SendMessage(ctx, cometchat.NewTextMessage("bob", "room", "hi"))
	require.True(t, errors.Is(err, cometchat.CodeInvalidReceiverType))
	_, err = cometchat.New("", cometchat.AppSettings{})
	require.ErrorIs(t, err, cometchat.CodeMissingParameters)
	// A valid call does reach the network (and fails there).
	_, err = c.Login(ctx, "superhero1", "key")
	require.ErrorIs(t, err, cometchat.CodeFailedToFetch)
}
