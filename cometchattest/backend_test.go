package cometchattest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat/cometchattest"
)

func clearEnv(t *testing.T) {
	for _, k := range []string{cometchattest.EnvAppID, cometchattest.EnvRegion, cometchattest.EnvAuthKey,
		cometchattest.EnvRESTAPIKey, cometchattest.EnvUIDs} {
		t.Setenv(k, "")
	}
}

// TestStartOrEnvStartsTheFake: with no environment, a fake server whose
// clients log in with the backend's auth key.
func TestStartOrEnvStartsTheFake(t *testing.T) {
	clearEnv(t)
	be, err := cometchattest.StartOrEnv()
	require.NoError(t, err)
	defer func() { require.NoError(t, be.Close()) }()
	require.NotNil(t, be.Fake)
	require.Equal(t, "the fake CometChat server at "+be.Fake.Addr(), be.String())
	require.Equal(t, be.Fake.AppID(), be.AppID)
	require.Equal(t, be.Fake.APIKey(), be.APIKey)
	c, err := be.NewClient()
	require.NoError(t, err)
	defer func() { _ = c.Close() }()
	u, err := c.Login(ctx10(t), "superhero1", be.AuthKey)
	require.NoError(t, err)
	require.Equal(t, "Iron Man", u.Name)
	uids, err := be.UIDs("superhero1", "superhero2")
	require.NoError(t, err)
	require.Equal(t, []string{"superhero1", "superhero2"}, uids)
}

// TestStartOrEnvReadsTheEnvironment: CometChat itself with the variables,
// an error for half of them.
func TestStartOrEnvReadsTheEnvironment(t *testing.T) {
	clearEnv(t)
	t.Setenv(cometchattest.EnvAppID, "12345abc")
	t.Setenv(cometchattest.EnvRegion, "eu")
	_, err := cometchattest.StartOrEnv()
	require.ErrorContains(t, err, "neither COMETCHAT_AUTH_KEY nor COMETCHAT_REST_API_KEY")

	t.Setenv(cometchattest.EnvAuthKey, "secret")
	be, err := cometchattest.StartOrEnv()
	require.NoError(t, err)
	require.Nil(t, be.Fake)
	require.NoError(t, be.Close())
	require.Equal(t, "CometChat, app 12345abc, region eu", be.String())
	require.Equal(t, "secret", be.AuthKey)
	require.Empty(t, be.APIKey)
	require.Equal(t, "eu", string(be.Settings.Region))
	require.Empty(t, be.Options)

	t.Setenv(cometchattest.EnvUIDs, " bot , alice,bob ")
	uids, err := be.UIDs("a", "b")
	require.NoError(t, err)
	require.Equal(t, []string{"bot", "alice"}, uids, "the first ones")
	_, err = be.UIDs("a", "b", "c", "d")
	require.ErrorContains(t, err, "COMETCHAT_UIDS needs 4 UIDs")

	t.Setenv(cometchattest.EnvRegion, "")
	_, err = cometchattest.StartOrEnv()
	require.ErrorContains(t, err, "set both COMETCHAT_APP_ID and COMETCHAT_REGION")
}
