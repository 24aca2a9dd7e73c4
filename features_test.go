package cometchat_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

func TestOnlineCounts(t *testing.T) {
	srv := startServer(t)
	ctx := ctxT(t)

	c, rec := recordingClient(t, srv)
	_, err := c.OnlineUserCount(ctx)
	requireCode(t, err, cometchat.CodeNotLoggedIn)

	_, err = c.Login(ctx, "superhero1", srv.Config().AuthKey)
	require.NoError(t, err)
	require.NoError(t, c.WaitConnected(ctx))
	b := loggedIn(t, srv, "superhero2")
	restClient(t, srv, "superhero3") // logged in, but no socket: not online

	n, err := c.OnlineUserCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	req := rec.last(t, http.MethodPost, "/online-members")
	assert.Equal(t, "/api/v3.0/online-members", req.Path)
	jwt := req.Header.Get("Authorization")
	assert.Len(t, strings.Split(jwt, "."), 3, "the raw socket JWT, without Bearer")
	assert.Empty(t, req.Header.Get("authToken"))

	counts, err := c.OnlineGroupMemberCount(ctx, "supergroup", "nosuchgroup")
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"supergroup": 2, "nosuchgroup": 0}, counts)
	assert.JSONEq(t, `{"groups":["supergroup","nosuchgroup"]}`, string(rec.last(t, http.MethodPost, "/online-members").Body))

	// The second user leaves: the counts follow.
	require.NoError(t, b.Close())
	require.NoError(t, srv.WaitForSockets(ctx, "superhero2", 0))
	n, err = c.OnlineUserCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	counts, err = c.OnlineGroupMemberCount(ctx, "supergroup")
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"supergroup": 1}, counts)

	// Bad input is refused before any I/O.
	before := rec.count()
	_, err = c.OnlineGroupMemberCount(ctx)
	requireCode(t, err, cometchat.CodeInvalidGroupList)
	_, err = c.OnlineGroupMemberCount(ctx, "supergroup", "bad guid")
	requireCode(t, err, cometchat.CodeInvalidGUID)
	assert.Equal(t, before, rec.count())
}

func TestGetJWT(t *testing.T) {
	srv := startServer(t)
	ctx := ctxT(t)
	c, rec := recordingClient(t, srv)
	_, err := c.GetJWT(ctx, nil)
	requireCode(t, err, cometchat.CodeNotLoggedIn)

	_, err = c.Login(ctx, "superhero1", srv.Config().AuthKey)
	require.NoError(t, err)
	tok, err := c.GetJWT(ctx, map[string]any{"uid": "superhero1", "sessionId": "v1.us.fake-app.room42"})
	require.NoError(t, err)
	assert.Len(t, strings.Split(tok, "."), 3)
	assert.JSONEq(t, `{"passthrough":{"uid":"superhero1","sessionId":"v1.us.fake-app.room42"}}`,
		string(rec.last(t, http.MethodPost, "/me/jwt").Body))

	_, err = c.GetJWT(ctx, nil)
	require.NoError(t, err)
	assert.JSONEq(t, `{"passthrough":{}}`, string(rec.last(t, http.MethodPost, "/me/jwt").Body))
}

func TestExtensionsAndFeatures(t *testing.T) {
	srv := startServer(t, cometchattest.Config{
		Extensions: []cometchattest.Extension{{ID: "reactions", Name: "Reactions"}, {ID: "polls", Name: "Polls"}},
		Features:   map[string]bool{"moderation": true, "translation": false},
	})
	ctx := ctxT(t)
	c := newClient(t, srv, func(s *cometchat.AppSettings) { s.ManualSocketConnection = true })
	_, err := c.IsExtensionEnabled(ctx, "reactions")
	requireCode(t, err, cometchat.CodeNotLoggedIn)
	_, err = c.Login(ctx, "superhero1", srv.Config().AuthKey)
	require.NoError(t, err)

	for id, want := range map[string]bool{"reactions": true, "polls": true, "stickers": false} {
		on, err := c.IsExtensionEnabled(ctx, id)
		require.NoError(t, err)
		assert.Equal(t, want, on, id)
	}
	ext, err := c.ExtensionDetails(ctx, "polls")
	require.NoError(t, err)
	assert.Equal(t, &cometchat.Extension{ID: "polls", Name: "Polls"}, ext)
	_, err = c.ExtensionDetails(ctx, "stickers")
	requireCode(t, err, cometchat.CodeExtensionNotFound)
	_, err = c.ExtensionDetails(ctx, " ")
	requireCode(t, err, cometchat.CodeInvalidExtension)
	_, err = c.IsExtensionEnabled(ctx, "")
	requireCode(t, err, cometchat.CodeInvalidExtension)

	for name, want := range map[string]bool{"moderation": true, "translation": false, "absent": false} {
		on, err := c.IsFeatureEnabled(ctx, name)
		require.NoError(t, err)
		assert.Equal(t, want, on, name)
	}
	_, err = c.IsFeatureEnabled(ctx, "")
	requireCode(t, err, cometchat.CodeInvalidFeature)
}

func TestExtensionsAbsentFromSettings(t *testing.T) {
	// Settings without "extensions" and "parameters": Cordova rejects, and
	// so does this SDK, with the same codes.
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/v3.0/settings" {
			_, _ = w.Write([]byte(`{"data":{"MODE":"DEFAULT","extensions":null}}`))
			return
		}
		failOnCall(t)(w, r)
	})
	ctx := ctxT(t)
	_, err := c.IsExtensionEnabled(ctx, "reactions")
	requireCode(t, err, cometchat.CodeExtensionNotFound)
	_, err = c.IsFeatureEnabled(ctx, "moderation")
	requireCode(t, err, cometchat.CodeFeatureNotFound)
}

func TestRegisterPushToken(t *testing.T) {
	srv := startServer(t)
	ctx := ctxT(t)
	c, rec := recordingClient(t, srv)
	requireCode(t, c.RegisterPushToken(ctx, "fcm-1", nil), cometchat.CodeNotLoggedIn)
	_, err := c.Login(ctx, "superhero1", srv.Config().AuthKey)
	require.NoError(t, err)
	requireCode(t, c.RegisterPushToken(ctx, "", nil), cometchat.CodeMissingParameters)

	require.NoError(t, c.RegisterPushToken(ctx, "fcm-1", map[string]any{"muted": true}))
	got := srv.PushTokens("superhero1")
	require.Len(t, got, 1)
	assert.Equal(t, "fcm-1", got[0].Token)
	assert.NotEmpty(t, got[0].DeviceID)
	assert.JSONEq(t, `{"muted":true}`, string(got[0].Settings))
	assert.Empty(t, srv.PushTokens("superhero2"))

	// The body has the shape of the Cordova SDK's.
	var body struct {
		Platform string `json:"platform"`
		DeviceID string `json:"deviceId"`
		AppInfo  struct {
			Version, APIVersion, UserAgent string
			PushNotification               map[string]json.RawMessage `json:"pushNotification"`
		} `json:"appInfo"`
	}
	require.NoError(t, json.Unmarshal(rec.last(t, http.MethodPut, "/me").Body, &body))
	assert.Equal(t, "GO", body.Platform)
	assert.Equal(t, got[0].DeviceID, body.DeviceID)
	assert.JSONEq(t, `"fcm-1"`, string(body.AppInfo.PushNotification["fcmDeviceToken"]))

	// A new token for the same device replaces the old one.
	require.NoError(t, c.RegisterPushToken(ctx, "fcm-2", nil))
	got = srv.PushTokens("superhero1")
	require.Len(t, got, 1)
	assert.Equal(t, "fcm-2", got[0].Token)
	assert.Empty(t, got[0].Settings)
}

func TestWithSource(t *testing.T) {
	srv := startServer(t)
	ctx := ctxT(t)
	appInfo := func(c *cometchat.Client, rec *httpRecorder) map[string]json.RawMessage {
		_, err := c.Login(ctx, "superhero1", srv.Config().AuthKey)
		require.NoError(t, err)
		var body struct {
			AppInfo map[string]json.RawMessage `json:"appInfo"`
		}
		require.NoError(t, json.Unmarshal(rec.last(t, http.MethodPut, "/me").Body, &body))
		return body.AppInfo
	}
	plain, rec := recordingClient(t, srv)
	ai := appInfo(plain, rec)
	for _, k := range []string{"resource", "platform", "language"} {
		assert.NotContains(t, ai, k, "no source, no %s (the golden login body)", k)
	}
	labelled, rec := recordingClient(t, srv, cometchat.WithSource("ui-kit", "go-bridge", "en"))
	ai = appInfo(labelled, rec)
	assert.JSONEq(t, `"ui-kit"`, string(ai["resource"]))
	assert.JSONEq(t, `"go-bridge"`, string(ai["platform"]))
	assert.JSONEq(t, `"en"`, string(ai["language"]))
}

func TestEnableAutoJoinForGroupsIsStored(t *testing.T) {
	assert.False(t, cometchat.NewAppSettingsBuilder().Build().DisableAutoJoinGroups, "auto-join is on by default")
	assert.True(t, cometchat.NewAppSettingsBuilder().EnableAutoJoinForGroups(false).Build().DisableAutoJoinGroups)
	assert.False(t, cometchat.NewAppSettingsBuilder().EnableAutoJoinForGroups(false).EnableAutoJoinForGroups(true).Build().DisableAutoJoinGroups)
}
