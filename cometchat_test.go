package cometchat_test

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

// credentialSink is a plain-http server that records the credential headers
// of every request it receives.
type credentialSink struct {
	*httptest.Server
	mu   sync.Mutex
	seen []http.Header
}

func newCredentialSink(t *testing.T) *credentialSink {
	s := &credentialSink{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, r.Header.Clone())
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":{"uid":"superhero1","authToken":"t","jwt":"j","settings":{}}}`))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *credentialSink) requests() []http.Header {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]http.Header(nil), s.seen...)
}

// A server that redirects to another host, or from https to http, never
// gets the client's credentials there: the call fails with
// CodeRedirectRefused, with the SDK's own HTTP client and with one passed by
// WithHTTPClient, which is left unchanged.
func TestRedirectsNeverCarryCredentialsElsewhere(t *testing.T) {
	for _, status := range []int{http.StatusFound, http.StatusTemporaryRedirect} {
		for _, own := range []bool{true, false} {
			name := http.StatusText(status) + "/own client"
			if !own {
				name = http.StatusText(status) + "/WithHTTPClient"
			}
			t.Run(name, func(t *testing.T) {
				sink := newCredentialSink(t)
				origin := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, sink.URL+r.URL.Path, status) // https -> http, another port
				}))
				t.Cleanup(origin.Close)
				settings := cometchat.AppSettings{AdminHost: origin.URL + "/v3.0", ClientHost: origin.URL + "/v3.0", ManualSocketConnection: true}
				var opt cometchat.Option
				callers := origin.Client()
				if own {
					pool := x509.NewCertPool()
					pool.AddCert(origin.Certificate())
					opt = cometchat.WithTLSConfig(&tls.Config{RootCAs: pool})
				} else {
					opt = cometchat.WithHTTPClient(callers)
				}
				c, err := cometchat.New("redirect-app", settings, opt)
				require.NoError(t, err)
				t.Cleanup(func() { _ = c.Close() })

				_, err = c.LoginWithAuthToken(ctxT(t), "the-auth-token-secret")
				requireCode(t, err, cometchat.CodeRedirectRefused)
				require.NotContains(t, err.Error(), "the-auth-token-secret")
				_, err = c.Login(ctxT(t), "superhero1", "the-auth-key-secret")
				requireCode(t, err, cometchat.CodeRedirectRefused)
				_, err = c.CreateUser(ctxT(t), &cometchat.User{UID: "someone", Name: "Someone"}, "the-api-key-secret")
				requireCode(t, err, cometchat.CodeRedirectRefused)

				for _, h := range sink.requests() {
					for _, k := range []string{"apiKey", "authToken", "Authorization"} {
						require.Empty(t, h.Get(k), "%s reached the other host", k)
					}
				}
				require.Empty(t, sink.requests(), "nothing is sent to the other host at all")
				require.Nil(t, callers.CheckRedirect, "the caller's http.Client is not modified")
			})
		}
	}
}

// A redirect within the same host is followed as before.
func TestRedirectOnTheSameHostIsFollowed(t *testing.T) {
	var moved sync.Once
	var token string
	origin := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v3.0/me" {
			http.Redirect(w, r, "/v3.0/me-moved", http.StatusTemporaryRedirect)
			return
		}
		moved.Do(func() { token = r.Header.Get("authToken") })
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"data":{"uid":"superhero1","name":"Iron Man","settings":{}}}`))
	}))
	t.Cleanup(origin.Close)
	c, err := cometchat.New("redirect-app", cometchat.AppSettings{AdminHost: origin.URL + "/v3.0", ClientHost: origin.URL + "/v3.0",
		ManualSocketConnection: true}, cometchat.WithHTTPClient(origin.Client()))
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	u, err := c.LoginWithAuthToken(ctxT(t), "same-host-token")
	require.NoError(t, err)
	require.Equal(t, "superhero1", u.UID)
	require.Equal(t, "same-host-token", token)
}

func TestSeveralClientsInOneProcess(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	uids := []string{"superhero1", "superhero2", "superhero3", "superhero4", "superhero5"}
	clients := make([]*cometchat.Client, len(uids))
	inbox := make([]*events[*cometchat.TextMessage], len(uids))
	for i, uid := range uids {
		clients[i] = loggedIn(t, srv, uid)
		inbox[i] = newEvents[*cometchat.TextMessage]()
		clients[i].AddMessageListener("in", cometchat.MessageListener{OnTextMessageReceived: inbox[i].add})
	}
	ctx := ctxT(t)
	for i, c := range clients {
		to := uids[(i+1)%len(uids)]
		_, err := c.SendMessage(ctx, cometchat.NewTextMessage(to, cometchat.ReceiverTypeUser, "from "+uids[i]))
		require.NoError(t, err)
	}
	for i := range clients {
		from := uids[(i+len(uids)-1)%len(uids)]
		m := inbox[i].next(t)
		require.Equal(t, "from "+from, m.Text)
		require.Equal(t, from, m.Sender.UID)
		require.Equal(t, uids[i], clients[i].LoggedInUser().UID)
	}
}
