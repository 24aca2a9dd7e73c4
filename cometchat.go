package cometchat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gocometchat/cometchat/internal/rest"
)

// Version is this SDK's version, sent as `sdk: go@Version`.
const Version = "0.1.0"

// apiVersion is the CometChat REST API version this SDK speaks.
const apiVersion = "v3.0"

// Client is one CometChat app session: one logged-in user and one socket.
// Several clients can live in one process. It is safe for concurrent use.
//
// A Client is a façade over parts that each own one job and one lock:
// session (login state and secrets), socket (the realtime connection and its
// status), resume (resume position and dedupe), the dispatcher (listener
// callbacks, in order, on one goroutine), the call state and the typing
// memory.
type Client struct {
	appID     string
	settings  AppSettings
	o         options
	sessionID string
	deviceID  string
	rest      *rest.Caller
	dialer    *websocket.Dialer
	log       *slog.Logger

	ls     listeners
	disp   *dispatcher
	sess   session
	sock   socket
	resume *resume
	calls  callState
	typing typingMemory

	closed atomic.Bool
	// life ends with Close: background work (busy answers, call timeouts)
	// runs within it. Made on first use: most clients never need it.
	lifeMu    sync.Mutex
	life      context.Context
	endLife   context.CancelFunc
	bg        sync.WaitGroup // background work (busy answers)
	busySlots chan struct{}  // bounds the busy answers in flight
}

// New creates a client for an app (Cordova: CometChat.init). It does no I/O.
// It fails with CodeMissingParameters without an app ID, and with
// CodeInvalidOption, naming the option, for an invalid option.
func New(appID string, settings AppSettings, opts ...Option) (*Client, error) {
	if blank(appID) {
		return nil, errorf(CodeMissingParameters, "an app ID is required")
	}
	o, err := buildOptions(opts)
	if err != nil {
		return nil, err
	}
	settings.Region = Region(strings.ToLower(string(settings.Region)))
	if settings.Region == "" {
		settings.Region = RegionEU
	}
	if settings.PresenceSubscription == "" {
		settings.PresenceSubscription = PresenceSubscriptionNone
	}
	for _, h := range []*string{&settings.AdminHost, &settings.ClientHost} {
		if *h != "" && !strings.Contains(*h, "://") {
			*h = "https://" + *h
		}
		if *h != "" {
			if _, err := url.Parse(*h); err != nil {
				return nil, errorf(CodeMissingParameters, "host override %q is not a URL", *h)
			}
		}
	}
	hc := o.httpClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if o.tlsConfig != nil {
			tr.TLSClientConfig = o.tlsConfig // shared: each connection clones it
		}
		tr.MaxIdleConnsPerHost = 16
		hc = &http.Client{Transport: tr, Timeout: 60 * time.Second}
	}
	// Credentials travel in headers; never let a redirect carry them to
	// another host or to plain http (a copy: the caller's client is kept).
	hc = rest.GuardRedirects(hc)
	dialer := &websocket.Dialer{HandshakeTimeout: 10 * time.Second, Proxy: http.ProxyFromEnvironment,
		ReadBufferSize: 512, WriteBufferSize: 4096, WriteBufferPool: wsWriteBuffers}
	if o.tlsConfig != nil {
		// Shared, not cloned per client (1 KiB each with 10,000 clients):
		// the dialer clones it for each connection.
		dialer.TLSClientConfig = o.tlsConfig
	}
	uuid := newUUID()
	ms := strconv.FormatInt(time.Now().UnixMilli(), 10)
	c := &Client{
		appID: appID, settings: settings, o: o, dialer: dialer, log: o.logger,
		sessionID: o.platform + "-" + strings.ReplaceAll(Version, ".", "_") + "-" + uuid + "-" + ms,
		deviceID:  appID + "_" + newUUID() + "_" + ms,
		resume:    newResume(),
		busySlots: make(chan struct{}, maxBusyAnswers),
	}
	c.sock.status = StatusDisconnected
	c.rest = &rest.Caller{HTTP: hc, AppID: appID, SessionID: c.sessionID, SDK: "go@" + Version, Logger: o.logger}
	c.disp = newDispatcher(o.queueSize, o.queueBytes, func(v any, stack []byte) {
		c.log.Error("cometchat: a listener panicked; the client goes on", "panic", describePanic(v), "stack", string(stack))
	}, func(pending int) {
		for _, l := range c.ls.connection.snapshot() {
			if l.OnSlowConsumer != nil {
				c.disp.guard(func() { l.OnSlowConsumer(pending) })
			}
		}
	})
	return c, nil
}

// lifetime is a context that ends with Close, for background work.
func (c *Client) lifetime() context.Context {
	c.lifeMu.Lock()
	defer c.lifeMu.Unlock()
	if c.life == nil {
		c.life, c.endLife = context.WithCancel(context.Background())
		if c.closed.Load() {
			c.endLife()
		}
	}
	return c.life
}

// maxBusyAnswers bounds the automatic busy answers in flight at once.
const maxBusyAnswers = 16

// wsWriteBuffers lends websocket write buffers for the time of one write:
// clients write rarely (pings, typing, receipts), so a connection need not
// keep 4 KiB of its own.
var wsWriteBuffers = &sync.Pool{}

func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// AppID returns the app ID.
func (c *Client) AppID() string { return c.appID }

// AppSettings returns a copy of the settings the client was created with.
func (c *Client) AppSettings() AppSettings {
	s := c.settings
	s.Roles = append([]string(nil), c.settings.Roles...)
	return s
}

// SessionID returns this client's session id (HTTP header `resource`, socket
// `deviceId`): events this session causes are not echoed back to it.
func (c *Client) SessionID() string { return c.sessionID }

// LoggedInUser returns the logged-in user, or nil (Cordova: getLoggedinUser).
func (c *Client) LoggedInUser() *User {
	u, _ := c.sess.current()
	return u
}

// call performs a REST call and converts failures to *Error, with any known
// secret scrubbed from what the server said.
func (c *Client) call(ctx context.Context, r *rest.Request) (*rest.Response, error) {
	if c.closed.Load() {
		return nil, errClosed()
	}
	if r.APIKey != "" {
		c.sess.remember(r.APIKey)
	}
	resp, err := c.rest.Do(ctx, r)
	if err != nil {
		return nil, c.sess.scrub(fromREST(err))
	}
	return resp, nil
}

// clientCall performs a call to the client API as the logged-in user. An
// AUTH_ERR_AUTH_TOKEN_NOT_FOUND answer ends the session (see endSession).
func (c *Client) clientCall(ctx context.Context, r *rest.Request) (*rest.Response, error) {
	token := c.sess.token()
	if token == "" {
		return nil, errorf(CodeNotLoggedIn, "log in first")
	}
	r.BaseURL = c.clientBase()
	r.AuthToken = token
	resp, err := c.call(ctx, r)
	if err != nil && errors.Is(err, CodeAuthTokenNotFound) {
		_ = c.endSession(token, err) // err already says why; the session is over
	}
	return resp, err
}

// Close stops the client: socket, timers and goroutines. It makes no server
// call (the user stays logged in on the server) and is final. It is
// idempotent and may be called from a listener. Once it returns, no listener
// callback starts; one that is running (perhaps the one calling Close)
// finishes on its own.
func (c *Client) Close() error {
	if !c.closed.CompareAndSwap(false, true) {
		return nil
	}
	c.lifeMu.Lock()
	if c.endLife != nil {
		c.endLife()
	}
	c.lifeMu.Unlock()
	conn, _ := c.sock.detach()
	if conn != nil {
		conn.Stop()
		// The connection's goroutines never wait for a listener (their
		// waits end with Stop), so this returns even from a listener.
		<-conn.Done()
	}
	c.calls.reset()
	c.bg.Wait()
	c.disp.close()
	if c.o.httpClient == nil {
		// Only the client's own transport: a shared one serves other clients.
		c.rest.HTTP.CloseIdleConnections()
	}
	return nil
}
