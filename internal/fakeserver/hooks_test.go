package fakeserver_test

import (
	"crypto/tls"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// hook calls a /_fake/ test hook with the auth key.
func (h *harness) hook(method, path, body string) reply {
	h.t.Helper()
	return h.do(req{method: method, path: path, body: body, apiKey: testAuthKey, appID: "-"})
}

type affected struct {
	Affected int `json:"affected"`
}

func hookReply[T any](t *testing.T, r reply) T {
	t.Helper()
	var v T
	if r.Status != 200 || json.Unmarshal(r.Raw, &v) != nil {
		t.Fatalf("hook reply %d %s", r.Status, r.Raw)
	}
	return v
}

// quiet asserts that no frame arrives within a short bound (for behaviour
// that can only be observed as an absence).
func (c *wsClient) quiet(what string) {
	c.t.Helper()
	select {
	case f, open := <-c.frames:
		if open {
			c.t.Fatalf("%s: unexpected frame %s", what, f.raw)
		}
	case <-time.After(300 * time.Millisecond):
	}
}

func TestHookAuthAndState(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	fails(t, h.do(req{method: "GET", path: "/_fake/state", appID: "-"}), 401, "AUTH_ERR_EMPTY_APIKEY")
	fails(t, h.do(req{method: "GET", path: "/_fake/state", apiKey: "bad", appID: "-"}), 401, "AUTH_ERR_APIKEY_NOT_FOUND")
	fails(t, h.hook("GET", "/_fake/nothing", ""), 404, "ERR_API_NOT_FOUND")
	_, _ = h.connect("superhero1", "NONE")
	h.sendText(h.login("superhero2"), "user", "superhero1", "x")
	st := hookReply[fakeserver.Stats](t, h.do(req{method: "GET", path: "/_fake/state", apiKey: testAPIKey, appID: "-"}))
	if st != (fakeserver.Stats{Users: 5, Groups: 1, Messages: 1, Sockets: 1}) {
		t.Fatalf("state: %+v", st)
	}
}

func TestHookDropSockets(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	_, watcher := h.connect("superhero2", "ALL_USERS")
	_, a := h.connect("superhero1", "NONE")
	watcher.waitFor("online", func(f frame) bool { return f.Type == "presence" })
	if got := hookReply[affected](t, h.hook("POST", "/_fake/sockets/drop?uid=superhero1", "")); got.Affected != 1 {
		t.Fatalf("dropped %d", got.Affected)
	}
	a.waitClosed(t)
	watcher.waitFor("offline after drop", func(f frame) bool {
		var b struct {
			Action string `json:"action"`
		}
		return f.Type == "presence" && json.Unmarshal(f.Body, &b) == nil && b.Action == "offline"
	})
	if n := h.srv.DropSockets(""); n != 1 {
		t.Fatalf("drop all: %d", n)
	}
}

func TestHookHalfOpen(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	as, a := h.connect("superhero1", "NONE")
	if got := hookReply[affected](t, h.hook("POST", "/_fake/sockets/halfopen?uid=SuperHero1", "")); got.Affected != 1 {
		t.Fatalf("half-opened %d", got.Affected)
	}
	a.sendRaw([]byte(`{"action":"ping","ack":"true"}`))
	h.sendText(h.login("superhero2"), "user", "superhero1", "lost")
	a.quiet("half-open socket")
	if h.srv.Sockets("superhero1") != 1 {
		t.Fatal("the half-open socket must stay registered")
	}
	// the client gives up (as on a missed pong) and reconnects
	a.close()
	if err := h.srv.WaitForSockets(ctxTimeout(t), "superhero1", 0); err != nil {
		t.Fatal(err)
	}
	a2 := h.dial()
	a2.auth(as, "NONE")
	a2.sendRaw([]byte(`{"action":"ping","ack":"true"}`))
	a2.waitFor("pong on the new socket", func(f frame) bool { return f.Action == "pong" })
}

func TestHookRestartKeepsStateAndPort(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	addr := h.srv.Addr()
	as, a := h.connect("superhero1", "NONE")
	h.sendText(as, "user", "superhero2", "before")
	hookReply[struct{}](t, h.hook("POST", "/_fake/restart", ""))
	h.restarted()
	a.waitClosed(t)
	if h.srv.Addr() != addr || h.srv.Sockets("superhero1") != 0 {
		t.Fatal("restart changed the port or kept sockets")
	}
	msgs, _ := h.list(as, "users/superhero2/messages?per_page=10&affix=prepend")
	if h.ids(msgs) != "1" {
		t.Fatalf("state lost: %s", h.ids(msgs))
	}
	a2 := h.dial()
	a2.auth(as, "NONE")
	if err := h.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	h.restarted()
	a2.waitClosed(t)
	ok(t, h.do(req{method: "GET", path: "me", token: as.token}), &userOut{})
}

func TestHookFaults(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	s := h.login("superhero1")
	id := hookReply[struct {
		ID string `json:"id"`
	}](t, h.hook("POST", "/_fake/faults", `{"pathPrefix":"/v3.0/messages","method":"POST","status":429,"retryAfter":2,"count":2}`))
	if id.ID == "" {
		t.Fatal("no fault id")
	}
	for i := 0; i < 2; i++ {
		r := h.do(req{method: "POST", path: "/messages", token: s.token, body: `{"receiver":"superhero2","receiverType":"user",
			"category":"message","type":"text","data":{"text":"x"}}`})
		fails(t, r, 429, "ERR_TOO_MANY_REQUESTS")
		if r.Header.Get("Retry-After") != "2" || r.Header.Get("X-Rate-Limit-Reset") == "" {
			t.Fatalf("headers: %v", r.Header)
		}
	}
	h.sendText(s, "user", "superhero2", "third time lucky")
	// GETs are not affected by a POST fault; a 503 with a custom code
	h.srv.AddFault(fakeserver.Fault{PathPrefix: "/users", Status: 503, Code: "ERR_OUT_OF_ORDER"})
	fails(t, h.do(req{method: "GET", path: "users/superhero2", token: s.token}), 503, "ERR_OUT_OF_ORDER")
	hookReply[struct{}](t, h.hook("DELETE", "/_fake/faults", ""))
	ok(t, h.do(req{method: "GET", path: "users/superhero2", token: s.token}), &userOut{})
}

func TestHookFramesAndSocketControls(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	as, a := h.connect("superhero1", "NONE")
	got := hookReply[affected](t, h.hook("POST", "/_fake/frames?uid=superhero1", `{"type":"message","body":{"id":"x"}} trailing`))
	if got.Affected != 1 {
		t.Fatalf("frames: %+v", got)
	}
	if f := a.waitFor("raw frame", func(frame) bool { return true }); string(f.raw) != `{"type":"message","body":{"id":"x"}} trailing` {
		t.Fatalf("raw frame %q", f.raw)
	}
	// delayed frames still arrive in order
	hookReply[struct{}](t, h.hook("POST", "/_fake/sockets/delay?uid=superhero1&ms=50", ""))
	start := time.Now() // before the ping: a descheduled test must not shorten the measure
	a.sendRaw([]byte(`{"action":"ping","ack":"true"}`))
	a.waitFor("delayed pong", func(f frame) bool { return f.Action == "pong" })
	if time.Since(start) < 50*time.Millisecond {
		t.Fatal("pong was not delayed")
	}
	h.srv.DelayFrames("superhero1", 0)
	// refused upgrades, then accepted again
	hookReply[struct{}](t, h.hook("POST", "/_fake/sockets/refuse?seconds=60", ""))
	d := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: h.srv.CertPool()}, HandshakeTimeout: waitTimeout}
	conn, resp, err := d.Dial(h.srv.WebSocketURL(), nil)
	if err == nil {
		conn.Close()
	}
	if resp != nil {
		resp.Body.Close()
	}
	if err == nil || resp == nil || resp.StatusCode != 503 {
		t.Fatalf("refused dial: %v", err)
	}
	h.srv.RefuseSockets(0)
	// the next auth of a user fails on request
	hookReply[struct{}](t, h.hook("POST", "/_fake/auth/fail?uid=superhero1&count=1", ""))
	c := h.dial()
	c.authWith(as, "NONE", nil)
	if f := c.waitFor("auth reply", func(f frame) bool { return f.Type == "auth" }); !json.Valid(f.Body) ||
		decode[struct {
			Code string `json:"code"`
		}](t, f.Body).Code != "401" {
		t.Fatalf("forced auth failure: %s", f.raw)
	}
	// revoked tokens log the SDK out
	n := hookReply[affected](t, h.hook("POST", "/_fake/tokens/revoke?uid=superhero1", ""))
	if n.Affected < 1 {
		t.Fatalf("revoked %d", n.Affected)
	}
	fails(t, h.do(req{method: "GET", path: "me", token: as.token}), 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
}

func TestRateLimits(t *testing.T) {
	t.Parallel()
	clk := newClock()
	h := newHarness(t, fakeserver.Config{Now: clk.Now, RateLimits: fakeserver.RateLimits{Enforce: true, Standard: 3, MessagesPerUser: 2}})
	s := h.login("superhero1") // core operations: not counted against Standard
	for i := 0; i < 3; i++ {
		r := h.do(req{method: "GET", path: "users/superhero2", token: s.token})
		ok(t, r, &userOut{})
		if r.Header.Get("X-Rate-Limit") != "3" || r.Header.Get("X-Rate-Limit-Remaining") != strconv.Itoa(2-i) {
			t.Fatalf("headers %d: %v", i, r.Header)
		}
	}
	r := h.do(req{method: "GET", path: "users/superhero2", token: s.token})
	fails(t, r, 429, "ERR_TOO_MANY_REQUESTS")
	if r.Header.Get("Retry-After") != "60" || r.Header.Get("X-Rate-Limit-Reset") != strconv.FormatInt(clk.Now().Unix()+60, 10) {
		t.Fatalf("429 headers: %v", r.Header)
	}
	// errors carry the headers too
	r = h.do(req{method: "GET", path: "nothing", token: s.token})
	if r.Header.Get("X-Rate-Limit") != "3" || r.Header.Get("X-Rate-Limit-Remaining") != "0" {
		t.Fatalf("error headers: %v", r.Header)
	}
	clk.advance(time.Minute)
	h.sendText(s, "user", "superhero2", "1")
	h.sendText(s, "user", "superhero2", "2")
	fails(t, h.do(req{method: "POST", path: "messages", token: s.token, body: `{"receiver":"superhero2","receiverType":"user",
		"category":"message","type":"text","data":{"text":"3"}}`}), 429, "ERR_TOO_MANY_REQUESTS")
}

// TestFaultHookRefusesBadInput: a fault outside the documented bounds is
// refused with 400 at the hook (HTTP) or an error (Go), and installs
// nothing; requests the refused fault would have matched are served
// normally instead of panicking.
func TestFaultHookRefusesBadInput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	s := h.login("superhero1")
	for _, body := range []string{
		`{"pathPrefix":"/v3.0/users","status":42}`,
		`{"pathPrefix":"/v3.0/users","status":99}`,
		`{"pathPrefix":"/v3.0/users","status":200}`,
		`{"pathPrefix":"/v3.0/users","status":600}`,
		`{"pathPrefix":"/v3.0/users","status":-500}`,
		`{"pathPrefix":"/v3.0/users","status":500,"count":-1}`,
		`{"pathPrefix":"/v3.0/users","status":429,"retryAfter":-1}`,
		`{"pathPrefix":"/v3.0/users","status":429,"retryAfter":99999999}`,
		`{"pathPrefix":"/v3.0/users","delayMs":-5}`,
		`{"pathPrefix":"/v3.0/users","delayMs":999999999}`,
		`{"pathPrefix":"/v3.0/users"}`,
		`{"pathPrefix":"v3.0/users","status":500}`,
		`{"pathPrefix":"/v3.0/us ers","status":500}`,
		`{"pathPrefix":"/v3.0/users","method":"GET /x","status":500}`,
		`{"pathPrefix":"/v3.0/users","status":500,"code":"bad code\n"}`,
		`{"pathPrefix":"/v3.0/users","status":1e40}`,
	} {
		r := h.hook("POST", "/_fake/faults", body)
		fails(t, r, 400, "ERR_BAD_REQUEST")
	}
	ok(t, h.do(req{method: "GET", path: "users/superhero2", token: s.token}), &userOut{})

	for _, f := range []fakeserver.Fault{
		{PathPrefix: "/v3.0/users", Status: 42},
		{PathPrefix: "/v3.0/users", Status: 503, Count: -2},
		{PathPrefix: "/v3.0/users", Delay: time.Hour},
		{PathPrefix: "/v3.0/users", Delay: -time.Second},
		{PathPrefix: "/v3.0/users", Status: 500, Method: "G E T"},
	} {
		if id, err := h.srv.AddFault(f); err == nil {
			t.Fatalf("AddFault(%+v) = %q, want an error", f, id)
		}
	}
	ok(t, h.do(req{method: "GET", path: "users/superhero2", token: s.token}), &userOut{})
	// a valid fault is still installed
	if _, err := h.srv.AddFault(fakeserver.Fault{PathPrefix: "/v3.0/users", Method: "get", Status: 500, Count: 1}); err != nil {
		t.Fatal(err)
	}
	fails(t, h.do(req{method: "GET", path: "users/superhero2", token: s.token}), 500, "ERR_MISSION_FAILED")
}

// TestSocketHooksRefuseBadNumbers: the socket hooks refuse a close code that
// is not a websocket close code and numbers out of range, with 400.
func TestSocketHooksRefuseBadNumbers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	_, a := h.connect("superhero1", "NONE")
	for _, path := range []string{
		"/_fake/sockets/close?uid=superhero1&code=42",
		"/_fake/sockets/close?uid=superhero1&code=70000",
		"/_fake/sockets/close?uid=superhero1&code=1005",
		"/_fake/sockets/close?uid=superhero1&code=abc",
		"/_fake/sockets/refuse?seconds=-1",
		"/_fake/sockets/refuse?seconds=99999999999999999999",
		"/_fake/sockets/delay?uid=superhero1&ms=-3",
		"/_fake/sockets/delay?uid=superhero1&ms=9223372036854775807",
		"/_fake/auth/fail?uid=superhero1&count=-1",
	} {
		fails(t, h.do(req{method: "POST", path: path, apiKey: testAuthKey, appID: "-"}), 400, "ERR_BAD_REQUEST")
	}
	// nothing was changed: the socket still answers pings at once
	a.sendRaw([]byte(`{"action":"ping","ack":"true"}`))
	a.waitFor("pong", func(f frame) bool { return f.Action == "pong" })
	hookReply[affected](t, h.hook("POST", "/_fake/sockets/close?uid=superhero1&code=4000&reason=bye", ""))
	if ci, ok := a.waitClosed(t); !ok || ci.code != 4000 || ci.text != "bye" {
		t.Fatalf("close %+v %v", ci, ok)
	}
}

// TestRevokeHookClosesSocketsOfTheToken: revoking a token through the hook
// closes the sockets authenticated with its JWTs and refuses the JWT.
func TestRevokeHookClosesSocketsOfTheToken(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	s, c := h.connect("superhero1", "NONE")
	n := hookReply[affected](t, h.hook("POST", "/_fake/tokens/revoke?token="+s.token, ""))
	if n.Affected != 1 {
		t.Fatalf("revoked %d", n.Affected)
	}
	if ci, ok := c.waitClosed(t); !ok || ci.code != 4001 || ci.text != "Auth token revoked" {
		t.Fatalf("close %+v %v", ci, ok)
	}
	h.authRefused(t, s)
	// revoking every token of a user does the same
	s2, c2 := h.connect("superhero2", "NONE")
	if n := h.srv.RevokeTokens("superhero2"); n != 1 {
		t.Fatalf("RevokeTokens %d", n)
	}
	if ci, ok := c2.waitClosed(t); !ok || ci.code != 4001 {
		t.Fatalf("close %+v %v", ci, ok)
	}
	h.authRefused(t, s2)
}

// The hooks are for programs, never for a web page: they send no CORS
// headers, and a browser request from another origin is refused, so that a
// page of some site cannot reset the emulator with the default keys.
func TestHooksRefuseOtherOrigins(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	before := hookReply[fakeserver.Stats](t, h.hook("GET", "/_fake/state", ""))
	for name, headers := range map[string]map[string]string{
		"Origin of another site":    {"Origin": "https://evil.example"},
		"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site": "cross-site"},
		"Sec-Fetch-Site same-site":  {"Sec-Fetch-Site": "same-site"},
	} {
		r := h.do(req{method: "POST", path: "/_fake/reset", apiKey: testAuthKey, appID: "-", headers: headers})
		if r.Status != 403 {
			t.Fatalf("%s: %d %s", name, r.Status, r.Raw)
		}
		if got := r.Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Fatalf("%s: CORS header %q on a hook", name, got)
		}
	}
	pre := h.do(req{method: "OPTIONS", path: "/_fake/reset", apiKey: testAuthKey, appID: "-",
		headers: map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}})
	if got := pre.Header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Fatalf("preflight allowed %q", got)
	}
	if after := hookReply[fakeserver.Stats](t, h.hook("GET", "/_fake/state", "")); after != before {
		t.Fatalf("state changed: %+v -> %+v", before, after)
	}
	// programs (no Origin) still use them
	hookReply[map[string]any](t, h.hook("POST", "/_fake/reset", ""))
}
