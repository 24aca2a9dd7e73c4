package cometchat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gocometchat/cometchat/internal/realtime"
	"github.com/gocometchat/cometchat/internal/rest"
	"github.com/gocometchat/cometchat/internal/wire"
)

// Version is this SDK's version, sent as `sdk: go@Version`.
const Version = "0.1.0"

// apiVersion is the CometChat REST API version this SDK speaks.
const apiVersion = "v3.0"

// Region is a CometChat data-centre region.
type Region string

// Regions.
const (
	RegionEU      Region = "eu"
	RegionUS      Region = "us"
	RegionIN      Region = "in"
	RegionPrivate Region = "private"
)

// PresenceSubscription selects whose presence events the socket receives.
type PresenceSubscription string

// Presence subscriptions (wire values of the auth frame).
const (
	PresenceSubscriptionNone     PresenceSubscription = "NONE"
	PresenceSubscriptionAllUsers PresenceSubscription = "ALL_USERS"
	PresenceSubscriptionRoles    PresenceSubscription = "ROLES"
	PresenceSubscriptionFriends  PresenceSubscription = "FRIENDS"
)

// ConnectionStatus is the websocket's state (Cordova: CONNECTION_STATUS).
type ConnectionStatus string

// Connection statuses. Connected means authenticated.
const (
	StatusConnected        ConnectionStatus = "connected"
	StatusConnecting       ConnectionStatus = "connecting"
	StatusDisconnected     ConnectionStatus = "disconnected"
	StatusFeatureThrottled ConnectionStatus = "featureThrottled"
)

// AppSettings configures a client (Cordova: AppSettings). The zero value means
// region eu, no presence events, and a socket opened automatically on login.
type AppSettings struct {
	Region               Region
	PresenceSubscription PresenceSubscription
	// Roles filter presence events when PresenceSubscription is ROLES.
	Roles []string
	// ManualSocketConnection, when true, leaves opening the socket to
	// Connect (Cordova: autoEstablishSocketConnection(false)).
	ManualSocketConnection bool
	// AdminHost and ClientHost override the REST base URLs, e.g.
	// "https://127.0.0.1:8443/v3.0". They always win over server settings.
	// A value without a scheme ("host:port/v3.0", the Cordova form) means https.
	AdminHost  string
	ClientHost string
	// WebsocketURL overrides the socket address (default: from the server's
	// settings; ws:// when ClientHost uses http://).
	WebsocketURL string
	// DisableAutoJoinGroups records Cordova's enableAutoJoinForGroups(false).
	// It is stored only: CometChat 3.0 attaches no behaviour to it.
	DisableAutoJoinGroups bool
}

// AppSettingsBuilder builds AppSettings with the Cordova method names.
type AppSettingsBuilder struct{ s AppSettings }

// NewAppSettingsBuilder starts from the defaults.
func NewAppSettingsBuilder() *AppSettingsBuilder { return &AppSettingsBuilder{} }

// SubscribePresenceForAllUsers asks for every user's presence.
func (b *AppSettingsBuilder) SubscribePresenceForAllUsers() *AppSettingsBuilder {
	b.s.PresenceSubscription = PresenceSubscriptionAllUsers
	return b
}

// SubscribePresenceForRoles asks for the presence of users with these roles.
func (b *AppSettingsBuilder) SubscribePresenceForRoles(roles ...string) *AppSettingsBuilder {
	b.s.PresenceSubscription = PresenceSubscriptionRoles
	b.s.Roles = append([]string(nil), roles...)
	return b
}

// SubscribePresenceForFriends asks for the presence of friends only.
func (b *AppSettingsBuilder) SubscribePresenceForFriends() *AppSettingsBuilder {
	b.s.PresenceSubscription = PresenceSubscriptionFriends
	return b
}

// SetRegion sets the region (lower-cased).
func (b *AppSettingsBuilder) SetRegion(r Region) *AppSettingsBuilder {
	b.s.Region = Region(strings.ToLower(string(r)))
	return b
}

// AutoEstablishSocketConnection chooses whether login opens the socket.
func (b *AppSettingsBuilder) AutoEstablishSocketConnection(enabled bool) *AppSettingsBuilder {
	b.s.ManualSocketConnection = !enabled
	return b
}

// EnableAutoJoinForGroups records the auto-join choice (stored only; see
// AppSettings.DisableAutoJoinGroups).
func (b *AppSettingsBuilder) EnableAutoJoinForGroups(enabled bool) *AppSettingsBuilder {
	b.s.DisableAutoJoinGroups = !enabled
	return b
}

// OverrideAdminHost sets the admin REST base (URL, or "host:port/v3.0").
func (b *AppSettingsBuilder) OverrideAdminHost(host string) *AppSettingsBuilder {
	b.s.AdminHost = host
	return b
}

// OverrideClientHost sets the client REST base (URL, or "host:port/v3.0").
func (b *AppSettingsBuilder) OverrideClientHost(host string) *AppSettingsBuilder {
	b.s.ClientHost = host
	return b
}

// Build returns the settings.
func (b *AppSettingsBuilder) Build() AppSettings {
	s := b.s
	s.Roles = append([]string(nil), b.s.Roles...)
	return s
}

// Client is one CometChat app session: one logged-in user and one socket.
// Several clients can live in one process. It is safe for concurrent use.
type Client struct {
	appID     string
	settings  AppSettings
	o         options
	sessionID string
	deviceID  string
	rest      *rest.Caller
	dialer    *websocket.Dialer
	log       *slog.Logger
	ls        listeners
	disp      *dispatcher
	bg        sync.WaitGroup // background work (busy answers)
	busySlots chan struct{}  // bounds the busy answers in flight

	mu        sync.Mutex
	user      *User
	authToken string
	jwt       string
	server    *wire.Settings
	loggingIn bool
	conn      *realtime.Conn
	connGen   int
	closed    bool
	status    ConnectionStatus
	typing    map[string]string
	secrets   []string
	calls     callState
	position  int64
	own       boundedSet[string] // client message ids this session sent
	anchored  bool
	posUID    string
	seen      boundedSet[int64] // message ids already delivered
	// ended is why the session ended by itself (the server stopped
	// accepting its auth token); cleared by the next login or logout.
	ended error
}

// New creates a client for an app (Cordova: CometChat.init). It does no I/O.
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
			tr.TLSClientConfig = o.tlsConfig.Clone()
		}
		tr.MaxIdleConnsPerHost = 16
		hc = &http.Client{Transport: tr, Timeout: 60 * time.Second}
	}
	// Credentials travel in headers; never let a redirect carry them to
	// another host or to plain http (a copy: the caller's client is kept).
	hc = rest.GuardRedirects(hc)
	dialer := &websocket.Dialer{HandshakeTimeout: 10 * time.Second, Proxy: http.ProxyFromEnvironment,
		ReadBufferSize: 4096, WriteBufferSize: 4096, WriteBufferPool: wsWriteBuffers}
	if o.tlsConfig != nil {
		dialer.TLSClientConfig = o.tlsConfig.Clone()
	}
	uuid := newUUID()
	ms := strconv.FormatInt(time.Now().UnixMilli(), 10)
	c := &Client{
		appID: appID, settings: settings, o: o, dialer: dialer, log: o.logger,
		sessionID: o.platform + "-" + strings.ReplaceAll(Version, ".", "_") + "-" + uuid + "-" + ms,
		deviceID:  appID + "_" + newUUID() + "_" + ms,
		status:    StatusDisconnected,
		typing:    map[string]string{},
		busySlots: make(chan struct{}, maxBusyAnswers),
		own:       newBoundedSet[string](ownMUIDCapacity),
		seen:      newBoundedSet[int64](seenCapacity),
	}
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
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.user.clone()
}

// region for default hosts; "private" is replaced by the app ID, as in Cordova.
func (c *Client) region() string {
	if c.settings.Region == RegionPrivate {
		return c.appID
	}
	return string(c.settings.Region)
}

func (c *Client) adminBase() string {
	if c.settings.AdminHost != "" {
		return c.settings.AdminHost
	}
	c.mu.Lock()
	s := c.server
	c.mu.Unlock()
	if s != nil && s.AdminAPIHost != "" {
		return "https://" + string(s.AdminAPIHost) + "/" + versionOf(s)
	}
	return "https://" + c.appID + ".api-" + c.region() + ".cometchat.io/" + apiVersion
}

func (c *Client) clientBase() string {
	if c.settings.ClientHost != "" {
		return c.settings.ClientHost
	}
	c.mu.Lock()
	s := c.server
	c.mu.Unlock()
	if s != nil && s.ClientAPIHost != "" {
		return "https://" + string(s.ClientAPIHost) + "/" + versionOf(s)
	}
	return "https://" + c.appID + ".apiclient-" + c.region() + ".cometchat.io/" + apiVersion
}

func versionOf(s *wire.Settings) string {
	if s.ChatAPIVersion != "" {
		return string(s.ChatAPIVersion)
	}
	return apiVersion
}

func (c *Client) websocketURL() (string, error) {
	if c.settings.WebsocketURL != "" {
		return c.settings.WebsocketURL, nil
	}
	c.mu.Lock()
	s := c.server
	c.mu.Unlock()
	if s == nil {
		return "", errorf(CodeNoWebsocketConnection, "the server sent no settings; set AppSettings.WebsocketURL")
	}
	host := string(s.ChatHostOverride)
	if host == "" {
		host = string(s.ChatHostAppSpecific)
	}
	if host == "" {
		host = string(s.ChatHost)
	}
	if host == "" || s.ChatWSSPort == "" {
		return "", errorf(CodeNoWebsocketConnection, "the server's settings lack CHAT_HOST or CHAT_WSS_PORT")
	}
	scheme := "wss"
	if strings.HasPrefix(c.settings.ClientHost, "http://") {
		scheme = "ws"
	}
	return scheme + "://" + host + ":" + string(s.ChatWSSPort), nil
}

// call performs a REST call and converts failures to *Error, with any known
// secret scrubbed from server messages.
func (c *Client) call(ctx context.Context, r *rest.Request) (*rest.Response, error) {
	c.mu.Lock()
	closed := c.closed
	c.mu.Unlock()
	if closed {
		return nil, errClosed()
	}
	if r.APIKey != "" {
		c.remember(r.APIKey)
	}
	resp, err := c.rest.Do(ctx, r)
	if err != nil {
		return nil, c.scrub(fromREST(err))
	}
	return resp, nil
}

// clientCall performs a call to the client API as the logged-in user. An
// AUTH_ERR_AUTH_TOKEN_NOT_FOUND answer logs the client out locally.
func (c *Client) clientCall(ctx context.Context, r *rest.Request) (*rest.Response, error) {
	c.mu.Lock()
	token := c.authToken
	c.mu.Unlock()
	if token == "" {
		return nil, errorf(CodeNotLoggedIn, "log in first")
	}
	r.BaseURL = c.clientBase()
	r.AuthToken = token
	resp, err := c.call(ctx, r)
	if err != nil && errors.Is(err, CodeAuthTokenNotFound) {
		c.mu.Lock()
		same := c.authToken == token
		c.mu.Unlock()
		if same {
			c.log.Warn("cometchat: the server no longer knows the auth token; logging out locally")
			c.endSession(token, err)
		}
	}
	return resp, err
}

// remember adds a secret to those scrubbed from error texts.
func (c *Client) remember(secret string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rememberLocked(secret)
}

// rememberLocked is remember with c.mu held. Short strings are ignored (they
// would redact ordinary words), a known secret is not added twice, and the
// list keeps the 17 most recent.
func (c *Client) rememberLocked(secret string) {
	if len(secret) < 4 || slices.Contains(c.secrets, secret) {
		return
	}
	if len(c.secrets) > 16 {
		c.secrets = slices.Delete(c.secrets, 0, 1)
	}
	c.secrets = append(c.secrets, secret)
}

// scrub removes known secrets from an error's text.
func (c *Client) scrub(err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c.mu.Lock()
	// The current token and JWT are always scrubbed, even once evicted
	// from the list.
	secrets := append([]string(nil), c.secrets...)
	for _, s := range []string{c.authToken, c.jwt} {
		if s != "" && !slices.Contains(secrets, s) {
			secrets = append(secrets, s)
		}
	}
	c.mu.Unlock()
	for _, s := range secrets {
		if s != "" && strings.Contains(e.Message, s) {
			e.Message = strings.ReplaceAll(e.Message, s, "[redacted]")
		}
		if s != "" && len(e.Details) > 0 && strings.Contains(string(e.Details), s) {
			e.Details = json.RawMessage(strings.ReplaceAll(string(e.Details), s, "[redacted]"))
		}
	}
	return e
}

type appInfo struct {
	Version    string `json:"version"`
	APIVersion string `json:"apiVersion"`
	UserAgent  string `json:"userAgent"`
	// Set by WithSource only.
	Platform string `json:"platform,omitempty"`
	Language string `json:"language,omitempty"`
	Resource string `json:"resource,omitempty"`
}

type loginBody struct {
	Platform string  `json:"platform"`
	DeviceID string  `json:"deviceId"`
	AppInfo  appInfo `json:"appInfo"`
}

func (c *Client) loginBody() loginBody {
	return loginBody{Platform: c.o.platform, DeviceID: c.deviceID,
		AppInfo: appInfo{Version: "v" + Version, APIVersion: apiVersion, UserAgent: userAgent(),
			Platform: c.o.source.platform, Language: c.o.source.language, Resource: c.o.source.resource}}
}

func userAgent() string {
	return "cometchat-go/" + Version + " (" + runtime.Version() + "; " + runtime.GOOS + "/" + runtime.GOARCH + ")"
}

// Login logs in with a UID and an auth key (Cordova: login(uid, authKey)): the
// auth key mints an auth token, then PUT /me returns the user, the socket
// credential and the server's settings. With automatic connection (the
// default) the socket then connects in the background; use WaitConnected to
// wait for it. Logging in again as the same user returns the current user.
func (c *Client) Login(ctx context.Context, uid, authKey string) (*User, error) {
	if err := checkUID(uid); err != nil {
		return nil, err
	}
	if blank(authKey) {
		return nil, errorf(CodeMissingParameters, "an auth key is required")
	}
	u, done, err := c.beginLogin(func(cur *User, _ string) bool { return cur.UID == uid })
	if done || err != nil {
		return u, err
	}
	defer c.endLogin()
	// call remembers the auth key (APIKey) before sending it.
	resp, err := c.call(ctx, &rest.Request{Method: http.MethodPost, BaseURL: c.adminBase(),
		Path: "users/" + uid + "/auth_tokens", Body: c.loginBody(), APIKey: authKey})
	if err != nil {
		return nil, c.loginFailed(err)
	}
	var tok struct {
		AuthToken wire.Str `json:"authToken"`
	}
	if json.Unmarshal(resp.Data, &tok) != nil || tok.AuthToken == "" {
		return nil, c.loginFailed(&Error{Code: CodeFailedToFetch, Message: "the server sent no auth token"})
	}
	return c.finishLogin(ctx, string(tok.AuthToken))
}

// LoginWithAuthToken logs in with an auth token created by your server
// (Cordova: login(authToken)).
func (c *Client) LoginWithAuthToken(ctx context.Context, authToken string) (*User, error) {
	if blank(authToken) {
		return nil, errorf(CodeMissingParameters, "an auth token is required")
	}
	u, done, err := c.beginLogin(func(_ *User, tok string) bool { return tok == authToken })
	if done || err != nil {
		return u, err
	}
	defer c.endLogin()
	return c.finishLogin(ctx, authToken)
}

// beginLogin applies the Cordova rules: a login in progress is refused; the
// same user (or token) returns the cached user; another user is logged out
// locally first.
func (c *Client) beginLogin(same func(cur *User, token string) bool) (*User, bool, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, true, errClosed()
	}
	if c.loggingIn {
		c.mu.Unlock()
		return nil, true, errorf(CodeLoginInProgress, "another login is in progress")
	}
	if c.user != nil && c.authToken != "" && same(c.user, c.authToken) {
		u := c.user.clone()
		c.mu.Unlock()
		c.fireLogin(u, nil)
		return u, true, nil
	}
	c.loggingIn = true
	prev := c.user != nil
	c.mu.Unlock()
	if prev {
		c.localLogout(false)
	}
	return nil, false, nil
}

func (c *Client) endLogin() {
	c.mu.Lock()
	c.loggingIn = false
	c.mu.Unlock()
}

func (c *Client) loginFailed(err error) error {
	var e *Error
	if errors.As(err, &e) {
		c.fireLogin(nil, e)
	}
	return err
}

func (c *Client) fireLogin(u *User, e *Error) {
	c.disp.push(func() {
		for _, l := range c.ls.login.snapshot() {
			if u != nil && l.LoginSuccess != nil {
				c.disp.guard(func() { l.LoginSuccess(u.clone()) })
			}
			if e != nil && l.LoginFailure != nil {
				c.disp.guard(func() { l.LoginFailure(e) })
			}
		}
	})
}

func (c *Client) finishLogin(ctx context.Context, token string) (*User, error) {
	c.remember(token)
	resp, err := c.call(ctx, &rest.Request{Method: http.MethodPut, BaseURL: c.clientBase(), Path: "me",
		Body: c.loginBody(), AuthToken: token})
	if err != nil {
		return nil, c.loginFailed(err)
	}
	var me wire.User
	if err := json.Unmarshal(resp.Data, &me); err != nil || me.UID == "" {
		return nil, c.loginFailed(&Error{Code: CodeFailedToFetch, Message: "the server sent a user that cannot be read", Err: err})
	}
	var settings *wire.Settings
	if len(me.Settings) > 0 { // wire.Object: only an object is kept
		settings = new(wire.Settings)
		if json.Unmarshal(me.Settings, settings) != nil {
			settings = nil
		}
	}
	if settings == nil {
		settings, err = c.fetchSettings(ctx, token)
		if err != nil {
			return nil, c.loginFailed(err)
		}
	}
	if me.AuthToken != "" {
		token = string(me.AuthToken)
	}
	u := userFromWire(&me)
	u.Status = UserStatusOnline
	u.AuthToken = ""
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, errClosed()
	}
	if c.posUID != "" && !strings.EqualFold(c.posUID, u.UID) {
		// Another user: the resume position belonged to the previous one.
		c.position, c.anchored, c.seen = 0, false, newBoundedSet[int64](seenCapacity)
	}
	c.posUID = u.UID
	c.ended = nil
	c.user, c.authToken, c.jwt, c.server = u, token, string(me.JWT), settings
	c.rememberLocked(token)
	c.rememberLocked(string(me.JWT))
	c.mu.Unlock()
	c.fireLogin(u, nil)
	if !c.settings.ManualSocketConnection {
		if err := c.startSocket(); err != nil {
			c.log.Warn("cometchat: cannot open the socket", "err", err)
		}
	}
	return u.clone(), nil
}

func (c *Client) fetchSettings(ctx context.Context, token string) (*wire.Settings, error) {
	resp, err := c.call(ctx, &rest.Request{Method: http.MethodGet, BaseURL: c.clientBase(), Path: "settings", AuthToken: token})
	if err != nil {
		return nil, err
	}
	var s wire.Settings
	if err := json.Unmarshal(resp.Data, &s); err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent settings that cannot be read", Err: err}
	}
	return &s, nil
}

// Logout logs the user out (DELETE /me), closes the socket and fires
// LogoutSuccess. Local state is cleared even when the server call fails; the
// client stays usable for another login.
func (c *Client) Logout(ctx context.Context) error {
	c.mu.Lock()
	token := c.authToken
	c.mu.Unlock()
	if token == "" {
		return errorf(CodeNotLoggedIn, "nobody is logged in")
	}
	_, err := c.call(ctx, &rest.Request{Method: http.MethodDelete, BaseURL: c.clientBase(), Path: "me", AuthToken: token})
	c.localLogout(true)
	if err != nil && !errors.Is(err, CodeAuthTokenNotFound) {
		return err
	}
	return nil
}

// localLogout clears the session and stops the socket. It is safe to call
// from a listener.
func (c *Client) localLogout(fire bool) {
	c.mu.Lock()
	conn := c.conn
	c.conn = nil
	hadUser := c.clearSessionLocked()
	c.mu.Unlock()
	if fire && hadUser {
		c.fireLogout()
	}
	if conn != nil {
		conn.Stop()
	}
}

// clearSessionLocked forgets the logged-in user and everything that belongs
// to the session, except the socket (the caller decides how it ends). It
// reports whether a user was logged in.
func (c *Client) clearSessionLocked() bool {
	hadUser := c.user != nil
	c.user, c.authToken, c.jwt, c.server, c.ended = nil, "", "", nil, nil
	c.typing = map[string]string{}
	c.stopCallTimerLocked()
	c.calls = callState{}
	return hadUser
}

func (c *Client) fireLogout() {
	c.disp.push(func() {
		for _, l := range c.ls.login.snapshot() {
			if l.LogoutSuccess != nil {
				c.disp.guard(l.LogoutSuccess)
			}
		}
	})
}

// Close stops the client: socket, timers and goroutines. It makes no server
// call (the user stays logged in on the server) and is final. It is
// idempotent and may be called from a listener.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	conn := c.conn
	c.conn = nil
	c.stopCallTimerLocked()
	c.mu.Unlock()
	if conn != nil {
		conn.Stop()
	}
	c.bg.Wait()
	c.disp.close()
	if c.o.httpClient == nil {
		// Only the client's own transport: a shared one serves other clients.
		c.rest.HTTP.CloseIdleConnections()
	}
	return nil
}

// Connect opens the socket when it is not open (Cordova: connect) and waits
// until it is authenticated or ctx ends.
func (c *Client) Connect(ctx context.Context) error {
	if err := c.startSocket(); err != nil {
		return err
	}
	return c.WaitConnected(ctx)
}

// Disconnect closes the socket and stops reconnecting until Connect
// (Cordova: disconnect).
func (c *Client) Disconnect() error {
	c.mu.Lock()
	conn := c.conn
	c.conn = nil
	c.mu.Unlock()
	if conn != nil {
		conn.Stop()
	}
	return nil
}

// WaitConnected blocks until the socket is authenticated. It fails when
// nobody is logged in, the socket was stopped, or the server rejected the
// socket's credentials.
func (c *Client) WaitConnected(ctx context.Context) error {
	c.mu.Lock()
	conn, closed, logged, ended := c.conn, c.closed, c.user != nil, c.ended
	c.mu.Unlock()
	switch {
	case closed:
		return errClosed()
	case !logged && ended != nil:
		return ended
	case !logged:
		return errorf(CodeNotLoggedIn, "log in first")
	case conn == nil:
		return errorf(CodeNoWebsocketConnection, "the socket is not open; call Connect")
	}
	if err := conn.WaitConnected(ctx); err != nil {
		if ctx.Err() != nil {
			return &Error{Code: CodeNoWebsocketConnection, Message: "not connected before the context ended", Err: ctx.Err()}
		}
		c.mu.Lock()
		ended = c.ended
		c.mu.Unlock()
		if ended != nil {
			return ended // the socket was stopped because the session ended
		}
		return c.realtimeErr(err)
	}
	return nil
}

// ConnectionStatus returns the socket's status (Cordova: getConnectionStatus).
func (c *Client) ConnectionStatus() ConnectionStatus {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status
}

// ConnectionState is the socket's status with the reason of the last
// disconnection and the delay before the next attempt.
type ConnectionState struct {
	Status ConnectionStatus
	// Err is why the last connection ended or attempt failed (nil if none).
	Err error
	// RetryIn is the delay before the next dial, when one is planned.
	RetryIn time.Duration
}

// ConnectionState returns the status, the last error and the next retry delay.
func (c *Client) ConnectionState() ConnectionState {
	c.mu.Lock()
	conn, st, ended := c.conn, c.status, c.ended
	c.mu.Unlock()
	if conn == nil {
		return ConnectionState{Status: st, Err: ended}
	}
	snap := conn.State()
	var err error
	if snap.Err != nil {
		err = c.realtimeErr(snap.Err)
	}
	return ConnectionState{Status: st, Err: err, RetryIn: snap.RetryIn}
}

func (c *Client) startSocket() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return errClosed()
	}
	if c.user == nil {
		c.mu.Unlock()
		return errorf(CodeNotLoggedIn, "log in first")
	}
	if c.conn != nil {
		c.mu.Unlock()
		return nil
	}
	c.mu.Unlock()
	u, err := c.websocketURL()
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn != nil || c.user == nil || c.closed {
		return nil
	}
	c.connGen++
	gen := c.connGen
	conn := realtime.New(realtime.Config{
		URL: u, Dialer: c.dialer, Auth: c.authFrame,
		PingInterval: c.o.ping, PongTimeout: c.o.pong, MaxFrameBytes: c.o.maxFrame, NewBackOff: c.o.newBackOff,
		OnFrame:         c.handleFrame,
		BeforeDial:      c.anchorPosition,
		OnAuthenticated: func(ctx context.Context) { c.recoverMissed(ctx, gen) },
		OnEvent:         func(ev realtime.Event) { c.onConnEvent(gen, ev) },
		OnAuthRejected:  func(ctx context.Context, ae *realtime.AuthError) error { return c.renewJWT(ctx, gen, ae) },
		Logger:          c.log,
	})
	c.conn = conn
	conn.Start()
	return nil
}

type authParams struct {
	AppInfo   authAppInfo `json:"appInfo"`
	UserAgent string      `json:"userAgent"`
	DeviceID  string      `json:"deviceId"`
	Platform  string      `json:"platform"`
	Roles     []string    `json:"roles,omitempty"`
}

type authAppInfo struct {
	Version    string  `json:"version"`
	APIVersion string  `json:"apiVersion"`
	Origin     *string `json:"origin"`
	UTS        int64   `json:"uts"`
}

type authBody struct {
	Auth                 string     `json:"auth,omitempty"`
	DeviceID             string     `json:"deviceId"`
	PresenceSubscription string     `json:"presenceSubscription"`
	Params               authParams `json:"params"`
}

type outFrame struct {
	AppID         string `json:"appId"`
	Receiver      string `json:"receiver,omitempty"`
	ReceiverType  string `json:"receiverType,omitempty"`
	DeviceID      string `json:"deviceId"`
	Type          string `json:"type"`
	Sender        string `json:"sender"`
	MessageSender string `json:"messageSender,omitempty"`
	Body          any    `json:"body"`
}

func (c *Client) authFrame() ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.user == nil {
		return nil, errorf(CodeNotLoggedIn, "logged out")
	}
	ver := apiVersion
	if c.server != nil {
		ver = versionOf(c.server)
	}
	p := authParams{AppInfo: authAppInfo{Version: Version, APIVersion: ver, UTS: time.Now().UnixMilli()},
		UserAgent: userAgent(), DeviceID: c.deviceID, Platform: c.o.platform}
	if c.settings.PresenceSubscription == PresenceSubscriptionRoles {
		p.Roles = c.settings.Roles
	}
	return json.Marshal(outFrame{AppID: c.appID, DeviceID: c.sessionID, Type: "auth", Sender: c.user.UID,
		Body: authBody{Auth: c.jwt, DeviceID: c.sessionID, PresenceSubscription: string(c.settings.PresenceSubscription), Params: p}})
}

func (c *Client) onConnEvent(gen int, ev realtime.Event) {
	var st ConnectionStatus
	switch ev.State {
	case realtime.StateConnected:
		st = StatusConnected
	case realtime.StateConnecting:
		st = StatusConnecting
	default:
		st = StatusDisconnected
	}
	c.mu.Lock()
	if gen != c.connGen && st != StatusDisconnected {
		c.mu.Unlock()
		return
	}
	prev := c.status
	c.status = st
	c.mu.Unlock()
	if ev.Final && ev.Err != nil && !errors.Is(ev.Err, realtime.ErrStopped) {
		c.log.Warn("cometchat: socket stopped", "err", c.realtimeErr(ev.Err))
	}
	if prev == st {
		return
	}
	// Listeners are taken now: one registered after this transition does
	// not hear about it.
	ls := c.ls.connection.snapshot()
	c.disp.push(func() {
		for _, l := range ls {
			var f func()
			switch st {
			case StatusConnected:
				f = l.OnConnected
			case StatusConnecting:
				f = l.InConnecting
			default:
				f = l.OnDisconnected
			}
			if f != nil {
				c.disp.guard(f)
			}
		}
	})
}

// sendFrame sends a socket frame; it fails when the socket is not connected.
func (c *Client) sendFrame(ctx context.Context, f outFrame) error {
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if conn == nil {
		return errorf(CodeNoWebsocketConnection, "the socket is not open")
	}
	b, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("cometchat: encode frame: %w", err)
	}
	return c.realtimeErr(conn.Send(ctx, b))
}
