package cometchat_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

const wait = 10 * time.Second

func startServer(t testing.TB) *fakeserver.Server {
	t.Helper()
	srv, err := fakeserver.New(fakeserver.Config{})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

func settingsFor(srv *fakeserver.Server) (cometchat.AppSettings, cometchat.Option) {
	return cometchat.AppSettings{AdminHost: srv.BaseURL(), ClientHost: srv.BaseURL()},
		cometchat.WithTLSConfig(&tls.Config{RootCAs: srv.CertPool()})
}

func newClient(t testing.TB, srv *fakeserver.Server, mod func(*cometchat.AppSettings), opts ...cometchat.Option) *cometchat.Client {
	t.Helper()
	s, tlsOpt := settingsFor(srv)
	if mod != nil {
		mod(&s)
	}
	c, err := cometchat.New(srv.Config().AppID, s, append([]cometchat.Option{tlsOpt}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	t.Cleanup(cancel)
	return ctx
}

// loggedIn returns a client logged in as uid with a connected socket.
func loggedIn(t testing.TB, srv *fakeserver.Server, uid string, opts ...cometchat.Option) *cometchat.Client {
	t.Helper()
	c := newClient(t, srv, nil, opts...)
	ctx := ctxT(t)
	_, err := c.Login(ctx, uid, srv.Config().AuthKey)
	require.NoError(t, err)
	require.NoError(t, c.WaitConnected(ctx))
	return c
}

// events is a listener sink that tests read with a deadline.
type events[T any] struct{ ch chan T }

func newEvents[T any]() *events[T] { return &events[T]{ch: make(chan T, 1024)} }

func (e *events[T]) add(v T) { e.ch <- v }

func (e *events[T]) next(t testing.TB) T {
	t.Helper()
	select {
	case v := <-e.ch:
		return v
	case <-time.After(wait):
		t.Fatalf("no event within %v", wait)
		var zero T
		return zero
	}
}

// none asserts that nothing is pending right now (callers first wait for a
// later event that is ordered after the one that must not exist).
func (e *events[T]) none(t testing.TB) {
	t.Helper()
	select {
	case v := <-e.ch:
		t.Fatalf("unexpected event %+v", v)
	default:
	}
}

// authToken creates an auth token through the admin REST API, as an app's
// server would.
func authToken(t testing.TB, srv *fakeserver.Server, uid string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxT(t), http.MethodPost, srv.BaseURL()+"/users/"+uid+"/auth_tokens", bytes.NewReader([]byte(`{}`)))
	require.NoError(t, err)
	req.Header.Set("apiKey", srv.Config().APIKey)
	req.Header.Set("appId", srv.Config().AppID)
	req.Header.Set("Content-Type", "application/json")
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}}}
	defer hc.CloseIdleConnections()
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body struct {
		Data struct {
			AuthToken string `json:"authToken"`
		} `json:"data"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.NotEmpty(t, body.Data.AuthToken)
	return body.Data.AuthToken
}

// revoke makes the server forget a token, as an admin revoking a session
// would.
func revoke(t testing.TB, srv *fakeserver.Server, token string) {
	t.Helper()
	require.True(t, srv.RevokeToken(token))
}
