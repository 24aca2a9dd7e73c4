package cometchat_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

const wait = 10 * time.Second

// startServer starts a fake server, with cfg if given, closed when the test
// ends.
func startServer(t testing.TB, cfg ...cometchattest.Config) *cometchattest.Server {
	t.Helper()
	require.LessOrEqual(t, len(cfg), 1, "at most one config")
	return cometchattest.NewServer(t, cfg...)
}

func settingsFor(srv *cometchattest.Server) (cometchat.AppSettings, cometchat.Option) {
	return cometchat.AppSettings{AdminHost: srv.BaseURL(), ClientHost: srv.BaseURL()},
		cometchat.WithTLSConfig(&tls.Config{RootCAs: srv.CertPool()})
}

func newClient(t testing.TB, srv *cometchattest.Server, mod func(*cometchat.AppSettings), opts ...cometchat.Option) *cometchat.Client {
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
func loggedIn(t testing.TB, srv *cometchattest.Server, uid string, opts ...cometchat.Option) *cometchat.Client {
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
func authToken(t testing.TB, srv *cometchattest.Server, uid string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxT(t), http.MethodPost, srv.BaseURL()+"/users/"+uid+"/auth_tokens", bytes.NewReader([]byte(`{}`)))
	require.NoError(t, err)
	req.Header.Set("apiKey", srv.Config().APIKey)
	req.Header.Set("appId", srv.Config().AppID)
	req.Header.Set("Content-Type", "application/json")
	resp, err := trustingHTTPClient(t, srv).Do(req)
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
func revoke(t testing.TB, srv *cometchattest.Server, token string) {
	t.Helper()
	require.True(t, srv.RevokeToken(token))
}

// trustingTransport is an HTTP transport that trusts srv's certificate. Its
// idle connections are closed when the test ends.
func trustingTransport(t testing.TB, srv *cometchattest.Server) *http.Transport {
	t.Helper()
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}}
	t.Cleanup(tr.CloseIdleConnections)
	return tr
}

// trustingHTTPClient is an HTTP client of srv (see trustingTransport).
func trustingHTTPClient(t testing.TB, srv *cometchattest.Server) *http.Client {
	t.Helper()
	return &http.Client{Transport: trustingTransport(t, srv)}
}

// exchange is one request a client sent, as the server received it, and the
// body of the response it got.
type exchange struct {
	Method, Path string
	Header       http.Header
	Body         []byte // of the request
	Response     []byte // body; nil if Err is set
	Err          error  // of the round trip
}

// httpRecorder is an http.RoundTripper that keeps every request and
// response body.
type httpRecorder struct {
	base  http.RoundTripper
	mu    sync.Mutex
	exs   []exchange
	taken int // exchanges before this index were returned by take
}

func (r *httpRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := exchange{Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone()}
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		ex.Body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
	}
	resp, err := r.base.RoundTrip(req)
	if err == nil {
		ex.Response, err = io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(ex.Response))
	}
	ex.Err = err
	r.mu.Lock()
	r.exs = append(r.exs, ex)
	r.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// count is the number of requests sent so far.
func (r *httpRecorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.exs)
}

// last returns the last request to a path ending in suffix.
func (r *httpRecorder) last(t testing.TB, method, suffix string) exchange {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.exs) - 1; i >= 0; i-- {
		if r.exs[i].Method == method && strings.HasSuffix(r.exs[i].Path, suffix) {
			return r.exs[i]
		}
	}
	t.Fatalf("no %s request to …%s", method, suffix)
	return exchange{}
}

// take returns the responses received since the last call, each as
// "METHOD path -> body".
func (r *httpRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, ex := range r.exs[r.taken:] {
		if ex.Err == nil {
			out = append(out, ex.Method+" "+ex.Path+" -> "+string(ex.Response))
		}
	}
	r.taken = len(r.exs)
	return out
}

// recordingClient is a client of srv whose HTTP exchanges are recorded.
func recordingClient(t testing.TB, srv *cometchattest.Server, opts ...cometchat.Option) (*cometchat.Client, *httpRecorder) {
	t.Helper()
	rec := &httpRecorder{base: trustingTransport(t, srv)}
	c := newClient(t, srv, nil, append([]cometchat.Option{cometchat.WithHTTPClient(&http.Client{Transport: rec})}, opts...)...)
	return c, rec
}

// restClient logs uid in without opening the socket: enough for REST calls.
func restClient(t testing.TB, srv *cometchattest.Server, uid string) *cometchat.Client {
	t.Helper()
	c := newClient(t, srv, func(s *cometchat.AppSettings) { s.ManualSocketConnection = true })
	_, err := c.Login(ctxT(t), uid, srv.Config().AuthKey)
	require.NoError(t, err)
	return c
}

// requireCode asserts that err is an *Error with code, or no error when code
// is empty.
func requireCode(t testing.TB, err error, code cometchat.Code) {
	t.Helper()
	if code == "" {
		require.NoError(t, err)
		return
	}
	var e *cometchat.Error
	require.ErrorAs(t, err, &e, "want %s", code)
	require.Equal(t, code, e.Code, "error: %v", err)
	require.ErrorIs(t, err, code)
}

// collect runs seq to its end, failing on any error.
func collect[T any](t testing.TB, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}

// stubClient returns a client logged in (without socket) against an httptest
// TLS server: PUT /v3.0/me logs in, every other request goes to h.
func stubClient(t testing.TB, h http.HandlerFunc) *cometchat.Client {
	t.Helper()
	ts := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodPut && r.URL.Path == "/v3.0/me" {
			_, _ = w.Write([]byte(`{"data":{"uid":"superhero1","name":"Iron Man","settings":{}}}`))
			return
		}
		h(w, r)
	}))
	t.Cleanup(ts.Close)
	c, err := cometchat.New("stub-app", cometchat.AppSettings{AdminHost: ts.URL + "/v3.0", ClientHost: ts.URL + "/v3.0",
		ManualSocketConnection: true}, cometchat.WithHTTPClient(ts.Client()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	_, err = c.LoginWithAuthToken(ctxT(t), "stub-token")
	require.NoError(t, err)
	return c
}

// failOnCall is a handler for stubClient that fails the test on any call:
// validation must happen before I/O.
func failOnCall(t testing.TB) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte(`{"error":{"code":"UNEXPECTED","message":"no request expected"}}`))
	}
}

// bareServer starts a fake server without the seeded users and groups, with
// the given users, so that list totals are exact.
func bareServer(t *testing.T, uids ...string) *cometchattest.Server {
	t.Helper()
	srv := startServer(t, cometchattest.Config{NoSeed: true})
	for _, uid := range uids {
		require.NoError(t, srv.CreateUser(cometchattest.User{UID: uid, Name: "User " + uid}))
	}
	return srv
}

// connEvents records ConnectionListener callbacks as strings.
func connEvents(c *cometchat.Client) *events[string] {
	ev := newEvents[string]()
	c.AddConnectionListener("test-conn", cometchat.ConnectionListener{
		OnConnected:    func() { ev.add("connected") },
		InConnecting:   func() { ev.add("connecting") },
		OnDisconnected: func() { ev.add("disconnected") },
	})
	return ev
}

// testClock is a settable time source for cometchattest.Config.Now; it starts
// at the real time so that the certificates and JWTs it stamps look current.
type testClock struct {
	mu  sync.Mutex
	off time.Duration
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

// advance moves the clock forward by d.
func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

// fastRedial makes reconnection quick in tests.
var fastRedial = cometchat.WithReconnectBackOff(func() backoff.BackOff { return backoff.NewConstantBackOff(20 * time.Millisecond) })

func texts(t *testing.T, ev *events[*cometchat.TextMessage], n int) []string {
	t.Helper()
	out := make([]string, n)
	for i := range out {
		out[i] = ev.next(t).Text
	}
	return out
}

func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%d", prefix, i)
	}
	return out
}

func sendTexts(t *testing.T, from *cometchat.Client, to string, typ cometchat.ReceiverType, texts ...string) []*cometchat.TextMessage {
	t.Helper()
	var out []*cometchat.TextMessage
	for _, text := range texts {
		m, err := from.SendMessage(ctxT(t), cometchat.NewTextMessage(to, typ, text))
		require.NoError(t, err)
		out = append(out, m)
	}
	return out
}

func ids(ms []cometchat.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Base().ID
	}
	return out
}
