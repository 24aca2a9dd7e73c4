package cometchat

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gocometchat/cometchat/internal/rest"
)

type pushNotification struct {
	FCMDeviceToken string         `json:"fcmDeviceToken"`
	Settings       map[string]any `json:"settings,omitempty"`
}

type pushAppInfo struct {
	appInfo
	PushNotification pushNotification `json:"pushNotification"`
}

type pushBody struct {
	Platform string      `json:"platform"`
	DeviceID string      `json:"deviceId"`
	AppInfo  pushAppInfo `json:"appInfo"`
}

// RegisterPushToken attaches a Firebase Cloud Messaging device token, and
// optional push settings (any JSON object), to this client's device record
// (Cordova: registerTokenForPushNotification). It is PUT /me with the token in
// appInfo.pushNotification, exactly as the Cordova SDK sends it.
func (c *Client) RegisterPushToken(ctx context.Context, token string, settings map[string]any) error {
	if strings.TrimSpace(token) == "" {
		return errorf(CodeMissingParameters, "the push token is empty")
	}
	body := c.loginBody()
	_, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPut, Path: "me", Idempotent: true,
		Body: pushBody{Platform: body.Platform, DeviceID: body.DeviceID,
			AppInfo: pushAppInfo{appInfo: body.AppInfo,
				PushNotification: pushNotification{FCMDeviceToken: token, Settings: settings}}}})
	return err
}

type jwtBody struct {
	Passthrough map[string]any `json:"passthrough"`
}

// GetJWT mints a short-lived JWT for this session (Cordova: getJWT; POST
// me/jwt). The passthrough object (any JSON object, may be nil) is carried in
// the token's claims; the Cordova calling component passes the UID and the
// call's session ID. This is not the socket credential returned at login.
func (c *Client) GetJWT(ctx context.Context, passthrough map[string]any) (string, error) {
	if passthrough == nil {
		passthrough = map[string]any{}
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPost, Path: "me/jwt", Body: jwtBody{Passthrough: passthrough}})
	if err != nil {
		return "", err
	}
	var v struct {
		Token string `json:"token"`
	}
	if json.Unmarshal(resp.Data, &v) != nil || v.Token == "" {
		return "", errorf(CodeFailedToFetch, "the server sent no token")
	}
	return v.Token, nil
}
