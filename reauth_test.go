package cometchat_test

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

// A bot that has been up for more than a day has an expired JWT: after the
// next network blip the socket refuses it, and the client gets a fresh one
// over REST, comes back and receives the next message.
func TestExpiredJWTIsRenewedAndTheClientComesBack(t *testing.T) {
	t.Parallel()
	clock := &testClock{}
	srv := startServer(t, cometchattest.Config{Now: clock.Now})
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2", fastRedial)
	got := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: got.add})
	conn := connEvents(b)

	clock.advance(25 * time.Hour) // the fake's JWTs last 24 h
	require.Equal(t, 1, srv.DropSockets("superhero2"))
	require.Equal(t, "disconnected", conn.next(t))
	require.Equal(t, "connecting", conn.next(t))
	require.Equal(t, "connected", conn.next(t))
	require.NoError(t, b.WaitConnected(ctxT(t)))
	require.NotNil(t, b.LoggedInUser())

	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "still there?")
	require.Equal(t, "still there?", got.next(t).Text)
}

// A refused socket whose JWT can be renewed comes back by itself.
func TestRejectedSocketAuthRenewsTheJWT(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	b := loggedIn(t, srv, "superhero2", fastRedial)
	conn := connEvents(b)
	srv.FailAuth("superhero2", 1)
	srv.DropSockets("superhero2")
	require.Equal(t, "disconnected", conn.next(t))
	require.Equal(t, "connecting", conn.next(t))
	require.Equal(t, "connected", conn.next(t))
	require.NoError(t, b.WaitConnected(ctxT(t)))
}

// Only when REST refuses the auth token too does the session end: the socket
// stops for good, OnDisconnected fires, the user is logged out locally, and
// WaitConnected and ConnectionState say why, until the next login.
func TestRefusedAuthTokenEndsTheSession(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	ctx := ctxT(t)
	token := authToken(t, srv, "superhero2")
	// Without recovery, so that no REST call after connecting meets the
	// revoked token first (that ends the session too, without the socket).
	b := newClient(t, srv, nil, fastRedial, cometchat.WithMissedMessageRecovery(0))
	_, err := b.LoginWithAuthToken(ctx, token)
	require.NoError(t, err)
	require.NoError(t, b.WaitConnected(ctx))
	conn := connEvents(b)
	logouts := newEvents[string]()
	b.AddLoginListener("l", cometchat.LoginListener{LogoutSuccess: func() { logouts.add("logout") }})

	srv.FailAuth("superhero2", 1)
	revoke(t, srv, token)
	srv.DropSockets("superhero2")
	require.Equal(t, "disconnected", conn.next(t))
	require.Equal(t, "connecting", conn.next(t))
	require.Equal(t, "disconnected", conn.next(t))
	require.Equal(t, "logout", logouts.next(t))

	err = b.WaitConnected(ctx)
	require.ErrorIs(t, err, cometchat.CodeAuthTokenNotFound)
	require.Contains(t, err.Error(), "session has ended")
	st := b.ConnectionState()
	require.Equal(t, cometchat.StatusDisconnected, st.Status)
	require.ErrorIs(t, st.Err, cometchat.CodeAuthTokenNotFound)
	require.Nil(t, b.LoggedInUser())

	_, err = b.Login(ctx, "superhero2", srv.Config().AuthKey)
	require.NoError(t, err)
	require.NoError(t, b.WaitConnected(ctx))
	require.NoError(t, b.ConnectionState().Err)
}

// A server that echoes the refused JWT (and the auth token) in its error
// texts: neither reaches WaitConnected's error, ConnectionState or the logs.
func TestSocketAuthRefusalDoesNotEchoSecrets(t *testing.T) {
	t.Parallel()
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ1aWQiOiJzdXBlcmhlcm8xIn0.c2VjcmV0LXNpZ25hdHVyZQ"
	const token = "superhero1_auth_token_0123456789"
	var puts atomic.Int32
	up := websocket.Upgrader{}
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ws" {
			ws, err := up.Upgrade(w, r, nil)
			if err != nil {
				return
			}
			defer ws.Close()
			var f struct {
				Body struct {
					Auth string `json:"auth"`
				} `json:"body"`
			}
			if ws.ReadJSON(&f) != nil {
				return
			}
			body, _ := json.Marshal(map[string]string{"code": "401", "status": "UNAUTHORIZED", "message": "bad JWT " + f.Body.Auth})
			_ = ws.WriteJSON(map[string]any{"type": "auth", "body": json.RawMessage(body)})
			_, _, _ = ws.ReadMessage()
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPut && r.URL.Path == "/v3.0/me" && puts.Add(1) == 1 {
			_, _ = w.Write([]byte(`{"data":{"uid":"superhero1","name":"Iron Man","jwt":"` + jwt + `","settings":{}}}`))
			return
		}
		if r.Method == http.MethodGet {
			_, _ = w.Write([]byte(`{"data":[]}`))
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"error":{"code":"AUTH_ERR_AUTH_TOKEN_NOT_FOUND","message":"unknown token ` + r.Header.Get("authToken") + `"}}`))
	}))
	t.Cleanup(ts.Close)
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c, err := cometchat.New("stub-app", cometchat.AppSettings{AdminHost: ts.URL + "/v3.0", ClientHost: ts.URL + "/v3.0",
		WebsocketURL: "wss" + strings.TrimPrefix(ts.URL, "https") + "/ws"},
		cometchat.WithHTTPClient(ts.Client()), cometchat.WithTLSConfig(ts.Client().Transport.(*http.Transport).TLSClientConfig),
		cometchat.WithLogger(logger), fastRedial)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = c.LoginWithAuthToken(ctxT(t), token)
	require.NoError(t, err)
	err = c.WaitConnected(ctxT(t))
	require.Error(t, err)
	var e *cometchat.Error
	require.True(t, errors.As(err, &e))
	all := err.Error() + "\n" + logs.String()
	if st := c.ConnectionState().Err; st != nil {
		all += "\n" + st.Error()
	}
	require.NotContains(t, all, jwt, "the JWT leaked")
	require.NotContains(t, all, token, "the auth token leaked")
}
