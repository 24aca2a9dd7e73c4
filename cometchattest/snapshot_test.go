package cometchattest_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat/cometchattest"
)

// TestStartFromASnapshot takes a snapshot after some traffic and starts a
// second server from it, as a team would from a committed fixture: the
// users, groups, messages and tokens are there, and its export is the same
// document.
func TestStartFromASnapshot(t *testing.T) {
	srv := cometchattest.NewServer(t)
	require.NoError(t, srv.CreateUser(cometchattest.User{UID: "fixture-user", Name: "Fixture"}))
	require.NoError(t, srv.CreateGroup(cometchattest.Group{GUID: "fixture-group", Name: "Fixtures", Owner: "fixture-user"}))
	sent, err := srv.SendText("fixture-user", "group", "fixture-group", "hello from the fixture")
	require.NoError(t, err)
	token, err := srv.AuthToken("fixture-user")
	require.NoError(t, err)
	fixture := srv.Export()

	again := cometchattest.NewServer(t, cometchattest.Config{Snapshot: fixture})
	require.True(t, bytes.Equal(fixture, again.Export()), "the export of a server started from a snapshot differs")
	m, ok := again.Message(sent.ID)
	require.True(t, ok)
	require.Equal(t, "hello from the fixture", m.Text)

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := again.NewClient(t)
	u, err := c.LoginWithAuthToken(ctx, token)
	require.NoError(t, err)
	require.Equal(t, "fixture-user", u.UID)
	msgs, err := c.NewMessagesRequestBuilder().SetGUID("fixture-group").SetLimit(10).Build()
	require.NoError(t, err)
	got, err := msgs.FetchPrevious(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, got)

	// a refused snapshot leaves the state as it was
	before := again.Export()
	require.Error(t, again.Import([]byte(`{"format":"cometchat-fake-snapshot","version":99}`)))
	require.Equal(t, string(before), string(again.Export()))
}
