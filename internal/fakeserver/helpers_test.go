package fakeserver_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

const (
	testApp     = "test-app"
	testAuthKey = "test-auth-key"
	testAPIKey  = "test-api-key"
	waitTimeout = 5 * time.Second
)

// harness is one fake server with an HTTP client that trusts it.
type harness struct {
	t      *testing.T
	srv    *fakeserver.Server
	client *http.Client
	// base is the id the server's first message follows: tests write
	// message ids as ordinals from it (h.id, h.ids, h.rel).
	base int64
}

func newHarness(t *testing.T, cfg fakeserver.Config) *harness {
	t.Helper()
	if cfg.AppID == "" {
		cfg.AppID = testApp
	}
	if cfg.AuthKey == "" {
		cfg.AuthKey = testAuthKey
	}
	if cfg.APIKey == "" {
		cfg.APIKey = testAPIKey
	}
	durable := os.Getenv("FAKESERVER_DURABLE") != "" && cfg.DataDir == ""
	if durable {
		cfg.DataDir = t.TempDir()
	}
	srv, err := fakeserver.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: srv.CertPool()}}
	h := &harness{t: t, srv: srv, client: &http.Client{Transport: tr, Timeout: waitTimeout}, base: srv.LastMessageID()}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if durable {
			checkStoreMatches(t, srv, cfg.DataDir)
		}
	})
	return h
}

// checkStoreMatches is the durable mode of every harness test
// (FAKESERVER_DURABLE=1, as .ci/run sets for one run): after the test, the
// state a new server loads from the store must be the state the server had
// in memory, record for record. A mutation that forgot to mark what it
// changed shows up here.
func checkStoreMatches(t *testing.T, srv *fakeserver.Server, dir string) {
	t.Helper()
	want := srv.Export()
	again, err := fakeserver.New(fakeserver.Config{DataDir: dir, Addr: "127.0.0.1:0"})
	if err != nil {
		t.Errorf("reopen the store: %v", err)
		return
	}
	got := again.Export()
	if err := again.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if !bytes.Equal(got, want) {
		wl, gl := strings.Split(string(want), "\n"), strings.Split(string(got), "\n")
		for i := 0; i < len(wl) || i < len(gl); i++ {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				lo := max(0, i-8)
				t.Errorf("the store differs from memory at line %d:\nmemory: %s\nstore:  %s\ncontext (memory):\n%s",
					i+1, w, g, strings.Join(wl[lo:min(len(wl), i+3)], "\n"))
				return
			}
		}
	}
}

// errBody is CometChat's error object.
type errBody struct {
	Code    string              `json:"code"`
	Message string              `json:"message"`
	Details map[string][]string `json:"details"`
}

type pagination struct {
	Total       int `json:"total"`
	Count       int `json:"count"`
	PerPage     int `json:"per_page"`
	CurrentPage int `json:"current_page"`
	TotalPages  int `json:"total_pages"`
}

type cursor struct {
	Affix     string `json:"affix"`
	ID        string `json:"id"`
	UpdatedAt int64  `json:"updatedAt"`
}

type meta struct {
	Pagination *pagination `json:"pagination"`
	Cursor     *cursor     `json:"cursor"`
}

// reply is a decoded REST response.
type reply struct {
	Status int
	Header http.Header
	Raw    []byte
	Data   json.RawMessage `json:"data"`
	Meta   *meta           `json:"meta"`
	Error  *errBody        `json:"error"`
}

// req describes one REST call.
type req struct {
	method   string
	path     string // relative to BaseURL unless it starts with "/"
	body     string
	token    string
	apiKey   string
	resource string
	appID    string // default testApp; "-" for none
	headers  map[string]string
}

func (h *harness) do(r req) reply {
	h.t.Helper()
	url := h.srv.BaseURL() + "/" + strings.TrimPrefix(r.path, "/")
	if strings.HasPrefix(r.path, "/") {
		url = strings.TrimSuffix(h.srv.BaseURL(), "/v3.0") + r.path
	}
	var body io.Reader
	if r.body != "" {
		body = strings.NewReader(r.body)
	}
	hr, err := http.NewRequest(r.method, url, body)
	if err != nil {
		h.t.Fatalf("request: %v", err)
	}
	hr.Header.Set("Content-Type", "application/json")
	switch r.appID {
	case "":
		hr.Header.Set("appId", testApp)
	case "-":
	default:
		hr.Header.Set("appId", r.appID)
	}
	if r.token != "" {
		hr.Header.Set("authToken", r.token)
	}
	if r.apiKey != "" {
		hr.Header.Set("apiKey", r.apiKey)
	}
	if r.resource != "" {
		hr.Header.Set("resource", r.resource)
	}
	for k, v := range r.headers {
		hr.Header.Set(k, v)
	}
	resp, err := h.client.Do(hr)
	if err != nil {
		h.t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("read body: %v", err)
	}
	out := reply{Status: resp.StatusCode, Header: resp.Header, Raw: raw}
	if len(bytes.TrimSpace(raw)) > 0 && json.Unmarshal(raw, &out) != nil {
		h.t.Fatalf("%s %s: body is not JSON: %s", r.method, r.path, raw)
	}
	return out
}

// ok fails unless the reply has data, and decodes it into v (if non-nil).
func ok[T any](t *testing.T, r reply, v *T) {
	t.Helper()
	if r.Data == nil || r.Error != nil {
		t.Fatalf("want data, got %d %s", r.Status, r.Raw)
	}
	if v != nil {
		if err := json.Unmarshal(r.Data, v); err != nil {
			t.Fatalf("decode data: %v in %s", err, r.Data)
		}
	}
}

// fails checks a CometChat error reply.
func fails(t *testing.T, r reply, status int, code string) {
	t.Helper()
	if r.Error == nil || r.Data != nil {
		t.Fatalf("want error %s, got %d %s", code, r.Status, r.Raw)
	}
	if r.Error.Code != code || r.Status != status {
		t.Fatalf("want %d %s, got %d %s (%s)", status, code, r.Status, r.Error.Code, r.Error.Message)
	}
	if r.Error.Message == "" || r.Error.Details == nil {
		t.Fatalf("error needs message and details: %s", r.Raw)
	}
}

type userOut struct {
	UID            string `json:"uid"`
	Name           string `json:"name"`
	Status         string `json:"status"`
	Role           string `json:"role"`
	AuthToken      string `json:"authToken"`
	JWT            string `json:"jwt"`
	LastActiveAt   int64  `json:"lastActiveAt"`
	ConversationID string `json:"conversationId"`
	BlockedByMe    bool   `json:"blockedByMe"`
	HasBlockedMe   bool   `json:"hasBlockedMe"`
	Scope          string `json:"scope"`
	JoinedAt       int64  `json:"joinedAt"`
	Tags           []string
	Settings       *settingsOut `json:"settings"`
}

type settingsOut struct {
	ChatHost              string          `json:"CHAT_HOST"`
	ChatWSSPort           string          `json:"CHAT_WSS_PORT"`
	ClientAPIHost         string          `json:"CLIENT_API_HOST"`
	AdminAPIHost          string          `json:"ADMIN_API_HOST"`
	ChatAPIVersion        string          `json:"CHAT_API_VERSION"`
	Mode                  string          `json:"MODE"`
	AppVersion            int             `json:"APP_VERSION"`
	Region                string          `json:"REGION"`
	AnalyticsPingDisabled bool            `json:"ANALYTICS_PING_DISABLED"`
	Extensions            json.RawMessage `json:"extensions"`
	Parameters            json.RawMessage `json:"parameters"`
}

type entity struct {
	Entity     json.RawMessage `json:"entity"`
	EntityType string          `json:"entityType"`
}

type entities struct {
	Sender   *entity `json:"sender"`
	Receiver *entity `json:"receiver"`
	By       *entity `json:"by"`
	On       *entity `json:"on"`
	For      *entity `json:"for"`
}

type msgData struct {
	Text     string    `json:"text"`
	Action   string    `json:"action"`
	Entities *entities `json:"entities"`
	Extras   *struct {
		Scope struct {
			New string `json:"new"`
			Old string `json:"old"`
		} `json:"scope"`
	} `json:"extras"`
	Attachments []struct {
		Name      string `json:"name"`
		Extension string `json:"extension"`
		Size      int64  `json:"size"`
		MimeType  string `json:"mimeType"`
		URL       string `json:"url"`
	} `json:"attachments"`
	URL        string          `json:"url"`
	CustomData json.RawMessage `json:"customData"`
}

type receiptOut struct {
	MessageID   string  `json:"messageId"`
	Recipient   userOut `json:"recipient"`
	DeliveredAt int64   `json:"deliveredAt"`
	ReadAt      int64   `json:"readAt"`
}

type msgOut struct {
	ID             string  `json:"id"`
	Muid           string  `json:"muid"`
	ConversationID string  `json:"conversationId"`
	Sender         string  `json:"sender"`
	Receiver       string  `json:"receiver"`
	ReceiverType   string  `json:"receiverType"`
	Category       string  `json:"category"`
	Type           string  `json:"type"`
	Data           msgData `json:"data"`
	SentAt         int64   `json:"sentAt"`
	UpdatedAt      int64   `json:"updatedAt"`
	DeliveredAt    int64   `json:"deliveredAt"`
	ReadAt         int64   `json:"readAt"`
	MyReceipt      *struct {
		DeliveredAt int64 `json:"deliveredAt"`
		ReadAt      int64 `json:"readAt"`
	} `json:"myReceipt"`
	EditedAt   int64    `json:"editedAt"`
	DeletedAt  int64    `json:"deletedAt"`
	ParentID   string   `json:"parentId"`
	ReplyCount int      `json:"replyCount"`
	Tags       []string `json:"tags"`
	Status     *string  `json:"status"`
	Receipts   *struct {
		Data []receiptOut `json:"data"`
	} `json:"receipts"`
}

// session is a logged-in user: token, JWT and a session id.
type session struct {
	uid     string
	token   string
	jwt     string
	session string
}

var sessionSeq struct {
	sync.Mutex
	n int
}

func newSessionID(uid string) string {
	sessionSeq.Lock()
	defer sessionSeq.Unlock()
	sessionSeq.n++
	return "GO-TEST-" + uid + "-" + time.Now().Format("150405.000000") + "-" + strings.Repeat("x", sessionSeq.n%3) +
		string(rune('a'+sessionSeq.n%26))
}

// login runs POST users/{uid}/auth_tokens and PUT /me.
func (h *harness) login(uid string) session {
	h.t.Helper()
	s := session{uid: uid, session: newSessionID(uid)}
	var tok userOut
	ok(h.t, h.do(req{method: "POST", path: "users/" + uid + "/auth_tokens", apiKey: testAuthKey, resource: s.session,
		body: `{"platform":"GO","deviceId":"dev-1"}`}), &tok)
	s.token = tok.AuthToken
	var me userOut
	ok(h.t, h.do(req{method: "PUT", path: "me", token: s.token, resource: s.session,
		body: `{"platform":"GO","deviceId":"dev-1","appInfo":{"version":"test"}}`}), &me)
	if me.JWT == "" || me.AuthToken != s.token {
		h.t.Fatalf("PUT /me: jwt %q, authToken %q (want %q)", me.JWT, me.AuthToken, s.token)
	}
	s.jwt = me.JWT
	return s
}

// sendText posts a text message as s.
func (h *harness) sendText(s session, receiverType, receiver, text string) msgOut {
	h.t.Helper()
	body := mustJSON(textReq{Receiver: receiver, ReceiverType: receiverType, Category: "message", Type: "text",
		Data: textData{Text: text}})
	var m msgOut
	ok(h.t, h.do(req{method: "POST", path: "messages", token: s.token, resource: s.session, body: string(body)}), &m)
	return m
}

// frame is a server-to-client websocket frame.
type frame struct {
	Action        string          `json:"action"`
	AppID         string          `json:"appId"`
	Receiver      string          `json:"receiver"`
	ReceiverType  string          `json:"receiverType"`
	DeviceID      string          `json:"deviceId"`
	Type          string          `json:"type"`
	Sender        string          `json:"sender"`
	MessageSender string          `json:"messageSender"`
	Body          json.RawMessage `json:"body"`
	raw           []byte
}

// wsClient is a raw websocket client reading frames in the background.
type wsClient struct {
	t      *testing.T
	conn   *websocket.Conn
	frames chan frame
	done   chan struct{}
	closed chan closeInfo
	s      session
}

type closeInfo struct {
	code int
	text string
}

func (h *harness) dial() *wsClient {
	h.t.Helper()
	d := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: h.srv.CertPool()}, HandshakeTimeout: waitTimeout}
	conn, _, err := d.Dial(h.srv.WebSocketURL(), nil)
	if err != nil {
		h.t.Fatalf("dial: %v", err)
	}
	c := &wsClient{t: h.t, conn: conn, frames: make(chan frame, 1024), done: make(chan struct{}), closed: make(chan closeInfo, 1)}
	go c.read()
	h.t.Cleanup(c.close)
	return c
}

func (c *wsClient) read() {
	defer close(c.done)
	defer close(c.frames)
	for {
		mt, data, err := c.conn.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				c.closed <- closeInfo{ce.Code, ce.Text}
			}
			return
		}
		if mt != websocket.TextMessage {
			c.t.Errorf("server sent a non-text frame (%d)", mt)
			continue
		}
		var f frame
		if json.Unmarshal(data, &f) != nil {
			f = frame{Type: "<invalid json>"}
		}
		f.raw = data
		c.frames <- f
	}
}

func (c *wsClient) close() {
	_ = c.conn.Close()
	<-c.done
}

// waitClosed drains frames until the server closes the socket and returns
// the close frame, if one came. It fails t if the socket is still open after
// waitTimeout.
func (c *wsClient) waitClosed(t *testing.T) (closeInfo, bool) {
	t.Helper()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for {
		select {
		case _, open := <-c.frames:
			if open {
				continue
			}
			// read sends the close frame (if any) before closing frames
			select {
			case ci := <-c.closed:
				return ci, true
			default:
				return closeInfo{}, false
			}
		case <-timer.C:
			t.Fatal("timed out waiting for the server to close the socket")
			return closeInfo{}, false
		}
	}
}

func (c *wsClient) send(f outFrame) {
	c.t.Helper()
	c.sendRaw(mustJSON(f))
}

func (c *wsClient) sendRaw(b []byte) {
	c.t.Helper()
	if err := c.conn.WriteMessage(websocket.TextMessage, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// waitFor returns the first frame matching pred, skipping others.
func (c *wsClient) waitFor(what string, pred func(frame) bool) frame {
	c.t.Helper()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for {
		select {
		case f, open := <-c.frames:
			if !open {
				c.t.Fatalf("socket closed while waiting for %s", what)
			}
			if pred(f) {
				return f
			}
		case <-timer.C:
			c.t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// next returns the next frame that is not presence.
func (c *wsClient) next(what string) frame {
	c.t.Helper()
	return c.waitFor(what, func(f frame) bool { return f.Type != "presence" })
}

// auth authenticates as s and waits for the "200" reply.
func (c *wsClient) auth(s session, presence string) {
	c.t.Helper()
	c.authWith(s, presence, nil)
	f := c.waitFor("auth reply", func(f frame) bool { return f.Type == "auth" })
	var b struct {
		Code   json.RawMessage `json:"code"`
		Status string          `json:"status"`
	}
	_ = json.Unmarshal(f.Body, &b)
	if string(b.Code) != `"200"` || b.Status != "OK" {
		c.t.Fatalf("auth reply: %s", f.raw)
	}
}

// connect logs uid in and opens an authenticated socket.
func (h *harness) connect(uid, presence string) (session, *wsClient) {
	h.t.Helper()
	s := h.login(uid)
	c := h.dial()
	c.auth(s, presence)
	return s, c
}

// another opens a second session (own session id and socket) for s.uid.
func (h *harness) another(s session, presence string) (session, *wsClient) {
	h.t.Helper()
	s2 := s
	s2.session = newSessionID(s.uid)
	c := h.dial()
	c.auth(s2, presence)
	return s2, c
}

// authWith sends an auth frame for s with optional presence roles.
func (c *wsClient) authWith(s session, presence string, roles []string) {
	c.t.Helper()
	c.s = s
	c.send(outFrame{AppID: testApp, DeviceID: s.session, Type: "auth", Sender: s.uid,
		Body: mustJSON(authBodyOut{Auth: s.jwt, DeviceID: s.session, PresenceSubscription: presence,
			Params: authParamsOut{Platform: "GO", Roles: roles}})})
}

// outFrame is a client-to-server frame.
type outFrame struct {
	AppID         string          `json:"appId,omitempty"`
	Receiver      string          `json:"receiver,omitempty"`
	ReceiverType  string          `json:"receiverType,omitempty"`
	DeviceID      string          `json:"deviceId,omitempty"`
	Type          string          `json:"type,omitempty"`
	Sender        string          `json:"sender,omitempty"`
	MessageSender string          `json:"messageSender,omitempty"`
	Body          json.RawMessage `json:"body,omitempty"`
}

type authBodyOut struct {
	Auth                 string        `json:"auth,omitempty"`
	DeviceID             string        `json:"deviceId"`
	PresenceSubscription string        `json:"presenceSubscription"`
	Params               authParamsOut `json:"params"`
}

type authParamsOut struct {
	Platform string   `json:"platform"`
	Roles    []string `json:"roles,omitempty"`
}

type textData struct {
	Text string `json:"text"`
}

type textReq struct {
	Receiver     string   `json:"receiver"`
	ReceiverType string   `json:"receiverType"`
	Category     string   `json:"category"`
	Type         string   `json:"type"`
	Data         textData `json:"data"`
	Muid         string   `json:"muid,omitempty"`
	Tags         []string `json:"tags,omitempty"`
}

// typingBody is the body of typing, receipt and transient frames.
type typingBody struct {
	Action    string          `json:"action,omitempty"`
	MessageID string          `json:"messageId,omitempty"`
	User      userRef         `json:"user"`
	Data      json.RawMessage `json:"data,omitempty"`
	Timestamp int64           `json:"timestamp,omitempty"`
}

type userRef struct {
	UID  string `json:"uid"`
	Name string `json:"name,omitempty"`
}

func mustJSON[T any](v T) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func decode[T any](t *testing.T, raw json.RawMessage) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("decode %T: %v in %s", v, err, raw)
	}
	return v
}

func ctxTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	t.Cleanup(cancel)
	return ctx
}

// clock is a settable time source for Config.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Unix(1_800_000_000, 0)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// list fetches a message list and returns its ids and meta.
func (h *harness) list(s session, path string) ([]msgOut, meta) {
	h.t.Helper()
	r := h.do(req{method: "GET", path: path, token: s.token})
	var msgs []msgOut
	ok(h.t, r, &msgs)
	if r.Meta == nil || r.Meta.Cursor == nil || r.Meta.Pagination == nil {
		h.t.Fatalf("%s: meta.cursor and meta.pagination are required: %s", path, r.Raw)
	}
	return msgs, *r.Meta
}

// ids lists the ids of msgs as ordinals of this server's messages ("1" is
// its first message).
func (h *harness) ids(msgs []msgOut) string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = h.rel(m.ID)
	}
	return strings.Join(out, ",")
}

// id is the id of this server's n-th message.
func (h *harness) id(n int) string { return strconv.FormatInt(h.base+int64(n), 10) }

// rel turns a message id into its ordinal ("" and ids at or below the
// base come back unchanged, so that they fail any ordinal comparison).
func (h *harness) rel(id string) string {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= h.base {
		return id
	}
	return strconv.FormatInt(n-h.base, 10)
}

func jsonUnmarshal[T any](b []byte, v *T) error { return json.Unmarshal(b, v) }

// restarted forgets pooled connections that a server restart closed: a POST
// on such a connection fails instead of being retried.
func (h *harness) restarted() {
	h.client.Transport.(*http.Transport).CloseIdleConnections()
}
