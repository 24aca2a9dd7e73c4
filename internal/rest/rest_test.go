package rest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// A response body over MaxResponseBytes is not read past the limit and gives
// a clear error.
func TestResponseOverTheLimitIsRefused(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"data":"` + strings.Repeat("x", 4096) + `"}`))
	}))
	defer ts.Close()
	defer ts.Client().CloseIdleConnections()
	c := &Caller{HTTP: ts.Client(), AppID: "app", MaxResponseBytes: 1024}
	_, err := c.Do(ctxT(t), &Request{Method: http.MethodGet, BaseURL: ts.URL, Path: "x"})
	var ae *APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, CodeFailedToFetch, ae.Code)
	require.Contains(t, ae.Message, "larger than the limit of 1024 bytes")

	c.MaxResponseBytes = 8192
	resp, err := c.Do(ctxT(t), &Request{Method: http.MethodGet, BaseURL: ts.URL, Path: "x"})
	require.NoError(t, err)
	require.Len(t, resp.Data, 4098)
}
