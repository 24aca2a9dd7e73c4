package rest

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

func req(t *testing.T, raw string) *http.Request {
	u, err := url.Parse(raw)
	require.NoError(t, err)
	return &http.Request{URL: u, Header: http.Header{}}
}

// The guarded policy lets a redirect keep the credentials only on the same
// host and scheme (or an upgrade to https), then defers to the caller's own
// policy; the caller's client is not changed.
func TestGuardRedirects(t *testing.T) {
	inner := errors.New("the caller's policy")
	calls := 0
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { calls++; return inner }}
	g := GuardRedirects(hc)
	require.NotSame(t, hc, g)

	first := req(t, "https://api.example.com:443/v3.0/me")
	for _, tc := range []struct {
		to      string
		allowed bool
	}{
		{"https://api.example.com:443/v3.0/me2", true},
		{"https://API.example.com:443/other", true},
		{"https://evil.example.com/v3.0/me", false},
		{"https://api.example.com:8443/v3.0/me", false},
		{"http://api.example.com:443/v3.0/me", false},
	} {
		err := g.CheckRedirect(req(t, tc.to), []*http.Request{first})
		if tc.allowed {
			require.ErrorIs(t, err, inner, tc.to)
		} else {
			require.ErrorIs(t, err, errRedirectRefused, tc.to)
		}
	}
	require.Equal(t, 2, calls, "the caller's policy runs for allowed redirects only")
	require.NoError(t, GuardRedirects(&http.Client{}).CheckRedirect(req(t, "https://h/b"), []*http.Request{req(t, "http://h/a")}),
		"an upgrade to https on the same host is followed")
	var ten []*http.Request
	for range 10 {
		ten = append(ten, req(t, "https://h/a"))
	}
	require.Error(t, GuardRedirects(nil).CheckRedirect(req(t, "https://h/b"), ten), "Go's default limit of 10 stays")
	require.ErrorIs(t, hc.CheckRedirect(nil, nil), inner, "the caller's client keeps its policy")
}
