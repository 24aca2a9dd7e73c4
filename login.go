package cometchat

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"runtime"

	"github.com/gocometchat/cometchat/internal/rest"
	"github.com/gocometchat/cometchat/internal/wire"
)

type appInfo struct {
	Version    string `json:"version"`
	APIVersion string `json:"apiVersion"`
	UserAgent  string `json:"userAgent"`
	// Set by WithSource only.
	Platform string `json:"platform,omitempty"`
	Language string `json:"language,omitempty"`
	Resource string `json:"resource,omitempty"`
}

type loginBody struct {
	Platform string  `json:"platform"`
	DeviceID string  `json:"deviceId"`
	AppInfo  appInfo `json:"appInfo"`
}

func (c *Client) loginBody() loginBody {
	return loginBody{Platform: c.o.platform, DeviceID: c.deviceID,
		AppInfo: appInfo{Version: "v" + Version, APIVersion: apiVersion, UserAgent: userAgent(),
			Platform: c.o.source.platform, Language: c.o.source.language, Resource: c.o.source.resource}}
}

func userAgent() string {
	return "cometchat-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}

// Login logs in with a UID and an auth key (Cordova: login(uid, authKey)): the
// auth key mints an auth token, then PUT /me returns the user, the socket
// credential and the server's settings. With automatic connection (the
// default) the socket then connects in the background; use WaitConnected to
// wait for it. Logging in again as the same user returns the current user.
func (c *Client) Login(ctx context.Context, uid, authKey string) (*User, error) {
	if err := checkUID(uid); err != nil {
		return nil, err
	}
	if blank(authKey) {
		return nil, errorf(CodeMissingParameters, "an auth key is required")
	}
	u, done, err := c.beginLogin(func(cur loginState) bool { return cur.user.UID == uid })
	if done || err != nil {
		return u, err
	}
	defer c.sess.endLogin()
	// call remembers the auth key (APIKey) before sending it.
	resp, err := c.call(ctx, &rest.Request{Method: http.MethodPost, BaseURL: c.adminBase(),
		Path: "users/" + uid + "/auth_tokens", Body: c.loginBody(), APIKey: authKey})
	if err != nil {
		return nil, c.loginFailed(err)
	}
	var tok struct {
		AuthToken wire.Str `json:"authToken"`
	}
	if json.Unmarshal(resp.Data, &tok) != nil || tok.AuthToken == "" {
		return nil, c.loginFailed(&Error{Code: CodeFailedToFetch, Message: "the server sent no auth token"})
	}
	return c.finishLogin(ctx, string(tok.AuthToken))
}

// LoginWithAuthToken logs in with an auth token created by your server
// (Cordova: login(authToken)).
func (c *Client) LoginWithAuthToken(ctx context.Context, authToken string) (*User, error) {
	if blank(authToken) {
		return nil, errorf(CodeMissingParameters, "an auth token is required")
	}
	u, done, err := c.beginLogin(func(cur loginState) bool { return cur.token == authToken })
	if done || err != nil {
		return u, err
	}
	defer c.sess.endLogin()
	return c.finishLogin(ctx, authToken)
}

// beginLogin applies the Cordova rules: a login in progress is refused; the
// same user (or token) returns the cached user; another user is logged out
// locally first. done reports that the caller has nothing more to do.
func (c *Client) beginLogin(same func(cur loginState) bool) (u *User, done bool, err error) {
	if c.closed.Load() {
		return nil, true, errClosed()
	}
	cur, err := c.sess.beginLogin()
	if err != nil {
		return nil, true, err
	}
	if cur.user != nil && cur.token != "" && same(cur) {
		c.sess.endLogin()
		c.fireLogin(cur.user, nil)
		return cur.user, true, nil
	}
	if cur.user != nil {
		c.localLogout(false)
	}
	return nil, false, nil
}

func (c *Client) loginFailed(err error) error {
	var e *Error
	if errors.As(err, &e) {
		c.fireLogin(nil, e)
	}
	return err
}

func (c *Client) fireLogin(u *User, e *Error) {
	c.disp.push(func() {
		for _, l := range c.ls.login.snapshot() {
			if u != nil && l.LoginSuccess != nil {
				c.disp.guard(func() { l.LoginSuccess(u.clone()) })
			}
			if e != nil && l.LoginFailure != nil {
				c.disp.guard(func() { l.LoginFailure(e) })
			}
		}
	})
}

func (c *Client) finishLogin(ctx context.Context, token string) (*User, error) {
	c.sess.remember(token)
	resp, err := c.call(ctx, &rest.Request{Method: http.MethodPut, BaseURL: c.clientBase(), Path: "me",
		Body: c.loginBody(), AuthToken: token})
	if err != nil {
		return nil, c.loginFailed(err)
	}
	var me wire.User
	if err := json.Unmarshal(resp.Data, &me); err != nil || me.UID == "" {
		return nil, c.loginFailed(&Error{Code: CodeFailedToFetch, Message: "the server sent a user that cannot be read", Err: err})
	}
	var settings *wire.Settings
	if len(me.Settings) > 0 { // wire.Object: only an object is kept
		settings = new(wire.Settings)
		if json.Unmarshal(me.Settings, settings) != nil {
			settings = nil
		}
	}
	if settings == nil {
		settings, err = c.fetchSettings(ctx, token)
		if err != nil {
			return nil, c.loginFailed(err)
		}
	}
	if me.AuthToken != "" {
		token = string(me.AuthToken)
	}
	u := userFromWire(&me)
	u.Status = UserStatusOnline
	u.AuthToken = ""
	if c.closed.Load() {
		return nil, errClosed()
	}
	c.resume.forUser(u.UID)
	c.sess.set(u, token, string(me.JWT), settings)
	c.fireLogin(u, nil)
	if !c.settings.ManualSocketConnection {
		if err := c.startSocket(); err != nil {
			c.log.Warn("cometchat: cannot open the socket", "err", err)
		}
	}
	return u.clone(), nil
}

func (c *Client) fetchSettings(ctx context.Context, token string) (*wire.Settings, error) {
	resp, err := c.call(ctx, &rest.Request{Method: http.MethodGet, BaseURL: c.clientBase(), Path: "settings", AuthToken: token})
	if err != nil {
		return nil, err
	}
	var s wire.Settings
	if err := json.Unmarshal(resp.Data, &s); err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent settings that cannot be read", Err: err}
	}
	return &s, nil
}

// Logout logs the user out (DELETE /me), closes the socket and fires
// LogoutSuccess. Local state is cleared even when the server call fails; the
// client stays usable for another login.
func (c *Client) Logout(ctx context.Context) error {
	token := c.sess.token()
	if token == "" {
		return errorf(CodeNotLoggedIn, "nobody is logged in")
	}
	_, err := c.call(ctx, &rest.Request{Method: http.MethodDelete, BaseURL: c.clientBase(), Path: "me", AuthToken: token})
	c.localLogout(true)
	if err != nil && !errors.Is(err, CodeAuthTokenNotFound) {
		return err
	}
	return nil
}

// localLogout clears the session and stops the socket (OnDisconnected fires
// now if it was not disconnected). It never waits, so a listener may call it.
func (c *Client) localLogout(fire bool) {
	hadUser := c.sess.clear()
	c.typing.reset()
	c.calls.reset()
	if fire && hadUser {
		c.fireLogout()
	}
	c.stopSocket()
}

func (c *Client) fireLogout() {
	c.disp.push(func() {
		for _, l := range c.ls.login.snapshot() {
			if l.LogoutSuccess != nil {
				c.disp.guard(l.LogoutSuccess)
			}
		}
	})
}
