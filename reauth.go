package cometchat

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/gocometchat/cometchat/internal/realtime"
	"github.com/gocometchat/cometchat/internal/rest"
	"github.com/gocometchat/cometchat/internal/wire"
)

// renewJWT answers the socket's refusal of its auth frame, on the
// connection's goroutine. The usual cause is an expired JWT (they last a day)
// on a client that has been up longer: it asks the REST API for a fresh one
// with the auth token (PUT /me, as at login; POST /me/jwt if that answer has
// none), and the socket redials with it after its backoff. A transient
// failure is retried the same way at the next refusal. Only when REST itself
// refuses the auth token does the session end: the client is logged out
// locally, and the connection stops for good with that reason, which
// WaitConnected and ConnectionState report.
func (c *Client) renewJWT(ctx context.Context, gen int, ae *realtime.AuthError) error {
	token := c.sess.token()
	if !c.sock.isCurrent(gen) || token == "" {
		return errorf(CodeNotLoggedIn, "the session this socket belonged to is over")
	}
	c.log.Info("cometchat: the socket refused its credential; renewing the JWT", "code", ae.Code)
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	jwt, err := c.fetchJWT(ctx, token)
	if err != nil {
		if authTokenRefused(err) {
			return c.endSession(token, err)
		}
		if ctx.Err() == nil {
			c.log.Warn("cometchat: cannot renew the JWT now; the socket keeps retrying", "err", err)
		}
		return nil
	}
	c.sess.renew(token, jwt)
	return nil
}

// fetchJWT gets a fresh socket credential for token.
func (c *Client) fetchJWT(ctx context.Context, token string) (string, error) {
	resp, err := c.call(ctx, &rest.Request{Method: http.MethodPut, BaseURL: c.clientBase(), Path: "me",
		Body: c.loginBody(), AuthToken: token, Idempotent: true})
	if err != nil {
		return "", err
	}
	var me struct {
		JWT wire.Str `json:"jwt"`
	}
	if json.Unmarshal(resp.Data, &me) == nil && me.JWT != "" {
		c.sess.remember(string(me.JWT))
		return string(me.JWT), nil
	}
	resp, err = c.call(ctx, &rest.Request{Method: http.MethodPost, BaseURL: c.clientBase(), Path: "me/jwt",
		Body: struct{}{}, AuthToken: token, Idempotent: true})
	if err != nil {
		return "", err
	}
	var jt struct {
		Token wire.Str `json:"token"`
	}
	if json.Unmarshal(resp.Data, &jt) != nil || jt.Token == "" {
		return "", &Error{Code: CodeFailedToFetch, Message: "the server sent no JWT"}
	}
	c.sess.remember(string(jt.Token))
	return string(jt.Token), nil
}

// authTokenRefused reports whether a REST failure means that the server no
// longer accepts the auth token (as opposed to a failure worth retrying).
func authTokenRefused(err error) bool {
	var e *Error
	return errors.As(err, &e) && (e.Code == CodeAuthTokenNotFound || e.HTTPStatus == http.StatusUnauthorized)
}

// endSession ends the session of token because the server refused it
// (cause): the client is logged out locally (LogoutSuccess fires), and the
// returned error — also what WaitConnected and ConnectionState report until
// the next login — says why. The socket, if any, stops by itself with it.
func (c *Client) endSession(token string, cause error) error {
	ended := &Error{Code: CodeAuthTokenNotFound, HTTPStatus: http.StatusUnauthorized,
		Message: "the session has ended: the server no longer accepts the auth token; log in again"}
	var e *Error
	if errors.As(cause, &e) {
		ended.Code, ended.HTTPStatus = e.Code, e.HTTPStatus
	}
	current, hadUser := c.sess.end(token, ended)
	if !current {
		return ended // another login replaced that session meanwhile
	}
	c.log.Warn("cometchat: the server no longer accepts the auth token; the session has ended")
	c.typing.reset()
	c.calls.reset()
	if hadUser {
		c.fireLogout()
	}
	// Never waits: renewJWT runs on the connection's own goroutine.
	c.stopSocket()
	return ended
}

// realtimeErr converts a socket failure into *Error, with known secrets
// scrubbed from what the server said.
func (c *Client) realtimeErr(err error) error {
	return c.sess.scrub(fromRealtime(err))
}
