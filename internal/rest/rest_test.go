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

// Retries are jittered, so that clients that failed together do not retry
// together; Retry-After is a floor; a Retry-After over MaxRetryAfter is not
// waited for.
func TestRetryWaitsAreJitteredWithRetryAfterAsFloor(t *testing.T) {
	for _, tc := range []struct {
		name       string
		ae         APIError
		floor, top time.Duration
	}{
		{"broken connection", APIError{Cause: context.Canceled}, 100 * time.Millisecond, 300 * time.Millisecond},
		{"429 without Retry-After", APIError{Status: 429}, 100 * time.Millisecond, 300 * time.Millisecond},
		{"503 with Retry-After", APIError{Status: 503, RetryAfter: 2 * time.Second}, 2100 * time.Millisecond, 2300 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			distinct := map[time.Duration]bool{}
			lo, hi := time.Hour, time.Duration(0)
			for range 1000 {
				w, ok := retryWait(RetryBackOff(), &tc.ae) // the first retry of 1,000 clients
				require.True(t, ok)
				distinct[w] = true
				lo, hi = min(lo, w), max(hi, w)
			}
			require.GreaterOrEqual(t, lo, tc.floor)
			require.LessOrEqual(t, hi, tc.top)
			require.Greater(t, hi-lo, (tc.top-tc.floor)/2, "spread over the jitter window")
			require.Greater(t, len(distinct), 900, "hardly two clients wait the same")
		})
	}
	_, ok := retryWait(RetryBackOff(), &APIError{Status: 429, RetryAfter: time.Minute})
	require.False(t, ok)
	_, ok = retryWait(RetryBackOff(), &APIError{Status: 400, Code: "ERR_BAD_REQUEST"})
	require.False(t, ok)
	// Later attempts wait longer.
	b := RetryBackOff()
	first, _ := retryWait(b, &APIError{Cause: context.Canceled})
	retryWait(b, &APIError{Cause: context.Canceled})
	third, _ := retryWait(b, &APIError{Cause: context.Canceled})
	require.Greater(t, third, first)
}
