// Package rest performs CometChat REST calls: it builds the URL and the
// standard headers, encodes the body, decodes the {"data"} / {"error"} envelope
// and retries idempotent calls that the server rate-limits.
//
// It owns HTTP details only; it must not know the public SDK types, the
// session state or the websocket. Credentials arrive per request and never
// appear in errors or logs.
package rest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/gocometchat/cometchat/internal/wire"
)

// KV is one query parameter; queries keep their order on the wire.
type KV struct{ Key, Value string }

// Request describes one REST call.
type Request struct {
	Method  string
	BaseURL string // scheme://host[:port]/v3.0
	Path    string // relative path, e.g. "users/bob"
	Query   []KV
	// Body is JSON-encoded when non-nil. Raw, when set, is sent as-is with
	// ContentType (multipart uploads).
	Body        any
	Raw         io.Reader
	ContentType string
	APIKey      string
	AuthToken   string
	// Authorization, when set, is sent as-is in the Authorization header
	// (the socket service's online counts take the raw JWT there).
	Authorization string
	// Idempotent calls are retried on 429/503 with Retry-After (GETs always are).
	Idempotent bool
}

// Response is a decoded success envelope.
type Response struct {
	Data   json.RawMessage
	Meta   json.RawMessage
	Status int
	Header http.Header
}

// APIError is what CometChat (or the transport) said instead of data.
type APIError struct {
	Status     int
	Code       string
	Message    string
	Details    json.RawMessage
	RetryAfter time.Duration
	Cause      error
}

func (e *APIError) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return e.Code + ": " + e.Message
}

// Unwrap returns the transport cause, if any.
func (e *APIError) Unwrap() error { return e.Cause }

// CodeFailedToFetch is the code of transport and decoding failures, as in the
// JavaScript SDK.
const CodeFailedToFetch = "FAILED_TO_FETCH"

// Caller sends requests with the headers every CometChat call carries.
type Caller struct {
	HTTP      *http.Client
	AppID     string
	SessionID string // header "resource"
	SDK       string // header "sdk"
	Logger    *slog.Logger
	// MaxRetries bounds automatic retries of idempotent calls (default 3).
	MaxRetries int
	// MaxResponseBytes bounds the body read (default 64 MiB).
	MaxResponseBytes int64
	// NewBackOff returns the pause policy between the retries of one call
	// (default RetryBackOff).
	NewBackOff func() backoff.BackOff
}

// RetryBackOff is the default pause policy between retries: jittered
// exponential, about 100–300 ms first, tripling up to 5 s. The jitter keeps
// thousands of clients that failed together (a server restart) from retrying
// together.
func RetryBackOff() backoff.BackOff {
	b := backoff.NewExponentialBackOff()
	b.InitialInterval = 200 * time.Millisecond
	b.RandomizationFactor = 0.5
	b.Multiplier = 3
	b.MaxInterval = 5 * time.Second
	b.MaxElapsedTime = 0
	b.Reset()
	return b
}

// MaxRetryAfter is the longest Retry-After an automatic retry waits for; a
// longer one is returned to the caller.
const MaxRetryAfter = 30 * time.Second

// retryWait is the pause before the next retry of a call that failed with
// ae, or false when it must not be retried. Rate limits and unavailability
// wait Retry-After (a floor) plus the jittered backoff; a connection that
// broke before an answer (server restart, reset) waits the backoff alone.
func retryWait(b backoff.BackOff, ae *APIError) (time.Duration, bool) {
	switch {
	case ae.Status == http.StatusTooManyRequests || ae.Status == http.StatusServiceUnavailable:
		if ae.RetryAfter > MaxRetryAfter {
			return 0, false
		}
		return max(ae.RetryAfter, 0) + b.NextBackOff(), true
	case ae.Status == 0 && ae.Cause != nil:
		return b.NextBackOff(), true
	}
	return 0, false
}

// Do performs the request, retrying idempotent calls on 429/503.
func (c *Caller) Do(ctx context.Context, r *Request) (*Response, error) {
	retries := c.MaxRetries
	if retries == 0 {
		retries = 3
	}
	// A streamed body (Raw) cannot be sent twice.
	idempotent := (r.Idempotent || r.Method == http.MethodGet) && r.Raw == nil
	var payload []byte // the JSON body, encoded once for every attempt
	if r.Raw == nil && r.Body != nil {
		b, err := json.Marshal(r.Body)
		if err != nil {
			return nil, &APIError{Code: CodeFailedToFetch, Message: "cannot encode the request body", Cause: err}
		}
		payload = b
	}
	var b backoff.BackOff
	for attempt := 0; ; attempt++ {
		resp, err := c.once(ctx, r, payload)
		var ae *APIError
		if err == nil || !idempotent || attempt >= retries || !errors.As(err, &ae) || ctx.Err() != nil {
			return resp, err
		}
		// Only idempotent calls get here: GETs, and sends whose muid the
		// server deduplicates.
		if b == nil {
			b = c.newBackOff()
		}
		wait, ok := retryWait(b, ae)
		if !ok {
			return resp, err
		}
		c.log().DebugContext(ctx, "cometchat: retrying a call", "path", r.Path, "status", ae.Status, "wait", wait)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
	}
}

func (c *Caller) newBackOff() backoff.BackOff {
	if c.NewBackOff != nil {
		return c.NewBackOff()
	}
	return RetryBackOff()
}

func (c *Caller) log() *slog.Logger {
	if c.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Logger
}

// URL joins base, path and query.
func URL(base, path string, q []KV) string {
	u := strings.TrimRight(base, "/") + "/" + strings.TrimLeft(path, "/")
	if len(q) == 0 {
		return u
	}
	var b strings.Builder
	b.WriteString(u)
	for i, kv := range q {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(kv.Key))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(kv.Value))
	}
	return b.String()
}

func (c *Caller) once(ctx context.Context, r *Request, payload []byte) (*Response, error) {
	var body io.Reader
	contentType := "application/json"
	if r.Raw != nil {
		body = r.Raw
		contentType = r.ContentType
	} else if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, URL(r.BaseURL, r.Path, r.Query), body)
	if err != nil {
		return nil, &APIError{Code: CodeFailedToFetch, Message: "cannot build the request", Cause: err}
	}
	h := req.Header
	h.Set("resource", c.SessionID)
	h.Set("appId", c.AppID)
	h.Set("Accept", "application/json")
	h.Set("sdk", c.SDK)
	h.Set("Content-Type", contentType)
	if r.APIKey != "" {
		h.Set("apiKey", r.APIKey)
	}
	if r.AuthToken != "" {
		h.Set("authToken", r.AuthToken)
	}
	if r.Authorization != "" {
		h.Set("Authorization", r.Authorization)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &APIError{Code: CodeFailedToFetch, Message: "the request was cancelled", Cause: ctx.Err()}
		}
		if errors.Is(err, errRedirectRefused) {
			return nil, &APIError{Code: CodeRedirectRefused,
				Message: "the server redirected the request to another host or to plain http; credentials are never sent there"}
		}
		return nil, &APIError{Code: CodeFailedToFetch, Message: "there is an issue with the API request", Cause: scrubURLError(err)}
	}
	defer func() { _ = resp.Body.Close() }()
	limit := c.MaxResponseBytes
	if limit <= 0 {
		limit = 64 << 20
	}
	raw, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	c.log().DebugContext(ctx, "cometchat: rest", "method", r.Method, "path", r.Path, "status", resp.StatusCode, "took", time.Since(start))
	if err != nil {
		return nil, &APIError{Status: resp.StatusCode, Code: CodeFailedToFetch, Message: "cannot read the response", Cause: err}
	}
	if int64(len(raw)) > limit {
		return nil, &APIError{Status: resp.StatusCode, Code: CodeFailedToFetch,
			Message: fmt.Sprintf("the response is larger than the limit of %d bytes", limit)}
	}
	return Decode(resp.StatusCode, resp.Header, raw)
}

// Decode interprets a response body: success is "has a data key" (a null data
// is a failure, as in the JavaScript SDK); otherwise the error object.
func Decode(status int, header http.Header, raw []byte) (*Response, error) {
	var env struct {
		Data  json.RawMessage `json:"data"`
		Meta  json.RawMessage `json:"meta"`
		Error json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, &APIError{Status: status, Code: CodeFailedToFetch, RetryAfter: parseRetryAfter(header),
			Message: fmt.Sprintf("the server sent a response that is not JSON (HTTP %d)", status)}
	}
	if len(env.Data) > 0 && string(env.Data) != "null" {
		return &Response{Data: env.Data, Meta: env.Meta, Status: status, Header: header}, nil
	}
	retryAfter := parseRetryAfter(header) // failures only
	var eb wire.ErrorBody
	if len(env.Error) > 0 && json.Unmarshal(env.Error, &eb) == nil && eb.Code != "" {
		return nil, &APIError{Status: status, Code: string(eb.Code), Message: string(eb.Message), Details: eb.Details, RetryAfter: retryAfter}
	}
	return nil, &APIError{Status: status, Code: CodeFailedToFetch, RetryAfter: retryAfter,
		Message: fmt.Sprintf("the server sent neither data nor an error (HTTP %d)", status)}
}

func parseRetryAfter(h http.Header) time.Duration {
	if h == nil {
		return 0
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// scrubURLError drops the query string from *url.Error so that nothing the
// caller put in a URL leaks into error strings.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		u := ue.URL
		if i := strings.IndexByte(u, '?'); i >= 0 {
			u = u[:i]
		}
		return &url.Error{Op: ue.Op, URL: u, Err: ue.Err}
	}
	return err
}
