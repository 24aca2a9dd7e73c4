// Package admin is a client of CometChat's REST API, the server-side API a
// backend calls with its REST API key: users and their auth tokens, groups
// and members, messages (as a user, as the app, as a bot), conversations,
// friends and blocked users. It talks to CometChat
// (https://{appId}.api-{region}.cometchat.io/v3) or to the emulator,
// cmd/cometchat-fake, which serves the same API (docs/emulator.md).
//
// It follows the SDK's idioms: a context first on every call, every failure
// an *cometchat.Error (errors.Is matches cometchat.Code constants; a code
// the SDK does not list is kept as cometchat.Code("...")), arguments checked
// before any I/O, lists as iter.Seq2 iterators that start afresh at each
// range and stop on a stuck cursor. The REST API key travels in the apikey
// header to the configured host only: it is never logged nor put in an
// error, a redirect to another host (or to plain http) is refused, and TLS
// verification stays on (trust a test server with WithRootCAs).
//
// A backend typically provisions a user and the auth token its client (or
// bot) logs in with:
//
//	c, err := admin.New(appID, region, restAPIKey)
//	u, err := c.CreateUser(ctx, admin.UserInput{UID: "bot-1", Name: "Helper bot"})
//	tok, err := c.CreateAuthToken(ctx, "bot-1", false)
//	// then cometchat.New(...).LoginWithAuthToken(ctx, tok.AuthToken)
package admin

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/rest"
)

// Client calls CometChat's REST API with a REST API key. It is safe for
// concurrent use.
type Client struct {
	base   string // https://host[:port]/v3, no trailing slash
	appID  string // sent as the appId header only with WithBaseURL
	sendID bool
	apiKey string
	hc     *http.Client
	log    *slog.Logger
}

// Option configures a Client; New fails with cometchat.CodeInvalidOption
// naming an invalid one.
type Option func(*options) error

type options struct {
	baseURL string
	hc      *http.Client
	tls     *tls.Config
	log     *slog.Logger
}

// WithBaseURL sends the calls to base, e.g. "https://127.0.0.1:8443/v3" for
// the emulator (the app then travels in the appId header, as the host no
// longer names it). It must be https, or http to a loopback address (the
// emulator's -plain mode); a missing path means /v3.
func WithBaseURL(base string) Option {
	return func(o *options) error {
		u, err := url.Parse(strings.TrimSpace(base))
		if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return errors.New("WithBaseURL: not an absolute URL without credentials, query or fragment")
		}
		switch strings.ToLower(u.Scheme) {
		case "https":
		case "http":
			if !loopback(u.Hostname()) {
				return errors.New("WithBaseURL: plain http is allowed to a loopback address only")
			}
		default:
			return errors.New("WithBaseURL: the scheme must be https (or http to loopback)")
		}
		if strings.Trim(u.Path, "/") == "" {
			u.Path = "/v3"
		}
		o.baseURL = strings.TrimRight(u.String(), "/")
		return nil
	}
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WithRootCAs trusts the certificates of pool (for example the emulator's
// CA file) instead of the system's. Verification stays on.
func WithRootCAs(pool *x509.CertPool) Option {
	return func(o *options) error {
		if pool == nil {
			return errors.New("WithRootCAs: nil pool")
		}
		if o.tls == nil {
			o.tls = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		o.tls.RootCAs = pool
		return nil
	}
}

// WithTLSConfig uses cfg (cloned) for TLS. A config that skips verification
// is refused.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(o *options) error {
		if cfg == nil {
			return errors.New("WithTLSConfig: nil config")
		}
		if cfg.InsecureSkipVerify {
			return errors.New("WithTLSConfig: InsecureSkipVerify is refused; trust the server's CA with RootCAs")
		}
		o.tls = cfg.Clone()
		return nil
	}
}

// WithHTTPClient sends the calls through hc (not modified: the client keeps
// a copy that refuses redirects to other hosts). Its transport's TLS
// settings apply; WithRootCAs and WithTLSConfig do not.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *options) error {
		if hc == nil {
			return errors.New("WithHTTPClient: nil client")
		}
		o.hc = hc
		return nil
	}
}

// WithLogger receives one debug line per call (method, path without any
// auth token, status, duration); never a key, token or body.
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return errors.New("WithLogger: nil logger")
		}
		o.log = l
		return nil
	}
}

// New returns a client of the app appID in region ("us", "eu", "in", ...)
// authenticated with the REST API key apiKey. With WithBaseURL the region
// may be empty.
func New(appID, region, apiKey string, opts ...Option) (*Client, error) {
	var o options
	for i, opt := range opts {
		if opt == nil {
			return nil, &cometchat.Error{Code: cometchat.CodeInvalidOption, Message: fmt.Sprintf("option %d is nil", i)}
		}
		if err := opt(&o); err != nil {
			return nil, &cometchat.Error{Code: cometchat.CodeInvalidOption, Message: err.Error()}
		}
	}
	appID, region, apiKey = strings.TrimSpace(appID), strings.ToLower(strings.TrimSpace(region)), strings.TrimSpace(apiKey)
	switch {
	case appID == "":
		return nil, &cometchat.Error{Code: cometchat.CodeMissingParameters, Message: "the app ID is empty"}
	case apiKey == "":
		return nil, &cometchat.Error{Code: cometchat.CodeMissingParameters, Message: "the REST API key is empty"}
	case o.baseURL == "" && region == "":
		return nil, &cometchat.Error{Code: cometchat.CodeMissingParameters, Message: "the region is empty"}
	}
	c := &Client{base: o.baseURL, appID: appID, apiKey: apiKey, log: o.log}
	if c.base == "" {
		if !hostLabel.MatchString(appID) || !hostLabel.MatchString(region) {
			return nil, &cometchat.Error{Code: cometchat.CodeInvalidOption,
				Message: "the app ID and region must be host name labels (letters, digits, -)"}
		}
		c.base = "https://" + strings.ToLower(appID) + ".api-" + region + ".cometchat.io/v3"
	} else {
		c.sendID = true
	}
	hc := o.hc
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = o.tls
		if tr.TLSClientConfig == nil {
			tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		hc = &http.Client{Transport: tr, Timeout: 60 * time.Second}
	}
	c.hc = rest.GuardRedirects(hc)
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	return c, nil
}

var hostLabel = regexp.MustCompile(`^[A-Za-z0-9-]{1,63}$`)

// CloseIdleConnections closes the keep-alive connections the client is not
// using (its own HTTP client's, or the one given to WithHTTPClient). The
// client stays usable.
func (c *Client) CloseIdleConnections() { c.hc.CloseIdleConnections() }

// BaseURL returns the base URL the client calls, e.g.
// "https://APP.api-us.cometchat.io/v3".
func (c *Client) BaseURL() string { return c.base }

// CallOption changes one call.
type CallOption func(*callOpts)

type callOpts struct{ onBehalfOf string }

// OnBehalfOf makes the call act as the user uid, with that user's rights,
// on the endpoints where CometChat's docs offer the onBehalfOf header.
// Without it the app itself acts, with every admin right.
func OnBehalfOf(uid string) CallOption { return func(o *callOpts) { o.onBehalfOf = uid } }

func applyCallOpts(opts []CallOption) (callOpts, error) {
	var o callOpts
	for _, f := range opts {
		if f != nil {
			f(&o)
		}
	}
	if o.onBehalfOf != "" {
		if err := checkUID(o.onBehalfOf); err != nil {
			return o, err
		}
	}
	return o, nil
}

// request is one call of the REST API.
type request struct {
	method string
	path   string // under the base, e.g. "/users/bob"
	query  []rest.KV
	body   any
	ob     string // onBehalfOf
}

// maxRetries bounds the retries of a GET after 429, 503 or a broken
// connection (waiting Retry-After, at most rest.MaxRetryAfter, plus a
// jittered backoff).
const maxRetries = 3

// maxResponseBytes bounds a reply body.
const maxResponseBytes = 64 << 20

// do performs r and decodes the reply envelope.
func (c *Client) do(ctx context.Context, r request) (*rest.Response, error) {
	var payload []byte
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, &cometchat.Error{Code: cometchat.CodeFailedToFetch, Message: "cannot encode the request body", Err: err}
		}
		payload = b
	}
	b := rest.RetryBackOff()
	for attempt := 0; ; attempt++ {
		resp, err := c.once(ctx, r, payload)
		var ae *rest.APIError
		if err == nil || r.method != http.MethodGet || attempt >= maxRetries || ctx.Err() != nil || !errors.As(err, &ae) {
			return resp, c.scrubbed(toError(err), r)
		}
		var wait time.Duration
		switch {
		case ae.Status == http.StatusTooManyRequests || ae.Status == http.StatusServiceUnavailable:
			if ae.RetryAfter > rest.MaxRetryAfter {
				return nil, c.scrubbed(toError(err), r)
			}
			wait = max(ae.RetryAfter, 0) + b.NextBackOff()
		case ae.Status == 0 && ae.Cause != nil:
			wait = b.NextBackOff()
		default:
			return nil, c.scrubbed(toError(err), r)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, c.scrubbed(toError(err), r)
		case <-t.C:
		}
	}
}

func (c *Client) once(ctx context.Context, r request, payload []byte) (*rest.Response, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, rest.URL(c.base, r.path, r.query), body)
	if err != nil {
		return nil, &rest.APIError{Code: rest.CodeFailedToFetch, Message: "cannot build the request", Cause: scrub(err)}
	}
	h := req.Header
	h.Set("apikey", c.apiKey)
	h.Set("Accept", "application/json")
	if payload != nil {
		h.Set("Content-Type", "application/json")
	}
	if r.ob != "" {
		h.Set("onBehalfOf", r.ob)
	}
	if c.sendID {
		h.Set("appId", c.appID)
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, &rest.APIError{Code: rest.CodeFailedToFetch, Message: "the request was cancelled", Cause: ctx.Err()}
		}
		if strings.Contains(err.Error(), "redirect to another host") {
			return nil, &rest.APIError{Code: rest.CodeRedirectRefused,
				Message: "the server redirected the request to another host or to plain http; the REST API key is never sent there"}
		}
		return nil, &rest.APIError{Code: rest.CodeFailedToFetch, Message: "there is an issue with the API request", Cause: scrub(err)}
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	c.log.DebugContext(ctx, "cometchat admin: rest", "method", r.method, "path", redact(r.path), "status", resp.StatusCode,
		"took", time.Since(start))
	switch {
	case err != nil:
		return nil, &rest.APIError{Status: resp.StatusCode, Code: rest.CodeFailedToFetch, Message: "cannot read the response", Cause: err}
	case len(raw) > maxResponseBytes:
		return nil, &rest.APIError{Status: resp.StatusCode, Code: rest.CodeFailedToFetch,
			Message: fmt.Sprintf("the response is larger than the limit of %d bytes", maxResponseBytes)}
	}
	return rest.Decode(resp.StatusCode, resp.Header, raw)
}

// toError turns what the transport returned into an *cometchat.Error.
func toError(err error) error {
	if err == nil {
		return nil
	}
	var ae *rest.APIError
	if errors.As(err, &ae) {
		return &cometchat.Error{Code: cometchat.Code(ae.Code), Message: ae.Message, Details: ae.Details,
			HTTPStatus: ae.Status, RetryAfter: ae.RetryAfter, Err: ae.Cause}
	}
	var ce *cometchat.Error
	if errors.As(err, &ce) {
		return err
	}
	return &cometchat.Error{Code: cometchat.CodeFailedToFetch, Message: "request failed", Err: scrub(err)}
}

// scrubbed removes the REST API key and the auth token of r's path from
// the text of err (a server may echo what it was sent).
func (c *Client) scrubbed(err error, r request) error {
	var ce *cometchat.Error
	if !errors.As(err, &ce) {
		return err
	}
	secrets := []string{c.apiKey}
	if i := strings.Index(r.path, "/auth_tokens/"); i >= 0 {
		if tok, uerr := url.PathUnescape(r.path[i+len("/auth_tokens/"):]); uerr == nil && tok != "" {
			secrets = append(secrets, tok)
		}
	}
	for _, s := range secrets {
		ce.Message = strings.ReplaceAll(ce.Message, s, "[redacted]")
		ce.Details = json.RawMessage(strings.ReplaceAll(string(ce.Details), s, "[redacted]"))
	}
	if len(ce.Details) == 0 {
		ce.Details = nil
	}
	return ce
}

// redact hides an auth token in a path (/users/{uid}/auth_tokens/{token}).
func redact(path string) string {
	const marker = "/auth_tokens/"
	i := strings.Index(path, marker)
	if i < 0 || len(path) == i+len(marker) {
		return path
	}
	return path[:i+len(marker)] + "{authToken}"
}

// scrub removes the query and any auth token from the URL of a transport
// error, so that no credential reaches an error string.
func scrub(err error) error {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err
	}
	u := ue.URL
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i]
	}
	return &url.Error{Op: ue.Op, URL: redact(u), Err: ue.Err}
}

// decodeData decodes the data of a reply into v.
func decodeData[T any](resp *rest.Response) (*T, error) {
	v := new(T)
	if err := json.Unmarshal(resp.Data, v); err != nil {
		return nil, &cometchat.Error{Code: cometchat.CodeFailedToFetch, Message: "the server sent data that cannot be read", Err: err}
	}
	return v, nil
}

// call performs r and decodes its data into a T.
func call[T any](ctx context.Context, c *Client, r request) (*T, error) {
	resp, err := c.do(ctx, r)
	if err != nil {
		return nil, err
	}
	return decodeData[T](resp)
}

// exec performs r and drops its data.
func exec(ctx context.Context, c *Client, r request) error {
	_, err := c.do(ctx, r)
	return err
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,100}$`)

func checkUID(uid string) error {
	if !idPattern.MatchString(uid) {
		return &cometchat.Error{Code: cometchat.CodeInvalidUID, Message: fmt.Sprintf("the UID %q is not 1 to 100 letters, digits, _ or -", uid)}
	}
	return nil
}

func checkGUID(guid string) error {
	if !idPattern.MatchString(guid) {
		return &cometchat.Error{Code: cometchat.CodeInvalidGUID, Message: fmt.Sprintf("the GUID %q is not 1 to 100 letters, digits, _ or -", guid)}
	}
	return nil
}

func checkUIDs(uids []string) error {
	if len(uids) == 0 {
		return &cometchat.Error{Code: cometchat.CodeEmptyUsersList, Message: "at least one UID is required"}
	}
	for _, u := range uids {
		if err := checkUID(u); err != nil {
			return err
		}
	}
	return nil
}

var messageID = regexp.MustCompile(`^[0-9]{1,20}$`)

func checkMessageID(id string) error {
	if !messageID.MatchString(id) {
		return &cometchat.Error{Code: cometchat.CodeInvalidMessage, Message: fmt.Sprintf("the message ID %q is not a number", id)}
	}
	return nil
}

func missing(what string) error {
	return &cometchat.Error{Code: cometchat.CodeMissingParameters, Message: what}
}
