package fakeserver_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// The inspector over HTTP: its page, its API's credentials and CSRF
// defences, and its live feed. inspector_browser_test.go drives the page
// itself in Chromium.

// uiDo sends one request to the inspector (path relative to /_fake/ui/)
// with the given headers, and returns the reply.
func (h *harness) uiDo(method, path, body string, headers map[string]string) reply {
	h.t.Helper()
	hs := map[string]string{}
	for k, v := range headers {
		hs[k] = v
	}
	return h.do(req{method: method, path: "/_fake/ui/" + path, body: body, appID: "-", headers: hs})
}

// uiRaw sends one request to the inspector, Host header included, and
// returns the reply undecoded.
func (h *harness) uiRaw(method, path, host string, headers map[string]string) (int, http.Header, []byte) {
	h.t.Helper()
	r, err := http.NewRequest(method, h.srv.InspectorURL()+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	if host != "" {
		r.Host = host
	}
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	resp, err := h.client.Do(r)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

// uiToken reads the inspector token from the bootstrap, as the page does.
func (h *harness) uiToken() string {
	h.t.Helper()
	r := h.uiDo("GET", "api/bootstrap", "", map[string]string{"Sec-Fetch-Site": "same-origin"})
	var b struct {
		Token        string `json:"token"`
		AppID        string `json:"appId"`
		BaseURL      string `json:"baseUrl"`
		WebSocketURL string `json:"webSocketUrl"`
	}
	if r.Status != http.StatusOK || json.Unmarshal(r.Raw, &b) != nil || len(b.Token) < 32 {
		h.t.Fatalf("bootstrap: %d %s", r.Status, r.Raw)
	}
	if b.AppID != testApp || b.BaseURL != h.srv.BaseURL() || b.WebSocketURL != h.srv.WebSocketURL() {
		h.t.Fatalf("bootstrap: %s", r.Raw)
	}
	if b.Token != h.srv.InspectorToken() {
		h.t.Fatalf("bootstrap token %q, want the server's", b.Token)
	}
	return b.Token
}

func TestInspectorServesThePage(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	if u := h.srv.InspectorURL(); u != strings.TrimSuffix(h.srv.BaseURL(), "/v3.0")+"/_fake/ui/" {
		t.Fatalf("InspectorURL %q", u)
	}
	noRedirect := &http.Client{Transport: h.client.Transport, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	resp, err := noRedirect.Get(strings.TrimSuffix(h.srv.InspectorURL(), "/"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/_fake/ui/" {
		t.Fatalf("/_fake/ui: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	for path, ctype := range map[string]string{"": "text/html", "index.html": "text/html", "app.js": "text/javascript",
		"view.js": "text/javascript", "inspector.css": "text/css"} {
		resp, err := h.client.Get(h.srv.InspectorURL() + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), ctype) || len(body) == 0 {
			t.Fatalf("GET %q: %d %s, %d bytes", path, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
		}
		csp := resp.Header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"} {
			if !strings.Contains(csp, want) {
				t.Fatalf("GET %q: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe") {
			t.Fatalf("GET %q: CSP %q allows something unsafe", path, csp)
		}
		if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("GET %q: headers %v", path, resp.Header)
		}
	}
	for _, path := range []string{"nope.js", "ui/app.js", ".hidden", "api/nope"} {
		if r := h.uiDo("GET", path, "", nil); r.Status != http.StatusNotFound && r.Status != http.StatusForbidden {
			t.Fatalf("GET %q: %d %s", path, r.Status, r.Raw)
		}
	}
	if r := h.uiDo("POST", "index.html", "", nil); r.Status != http.StatusNotFound {
		t.Fatalf("POST index.html: %d", r.Status)
	}
}

// TestInspectorSendsNoCORS: unlike the REST API, the inspector's routes
// never allow another origin to read them, preflights included.
func TestInspectorSendsNoCORS(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	evil := map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "x-inspector-token"}
	for _, c := range []struct{ method, path string }{{"OPTIONS", "api/login"}, {"OPTIONS", "api/events"},
		{"GET", ""}, {"GET", "api/bootstrap"}, {"POST", "api/hook/reset"}} {
		status, header, body := h.uiRaw(c.method, c.path, "", evil)
		for k := range header {
			if strings.HasPrefix(k, "Access-Control-") {
				t.Fatalf("%s %s: %s: %s", c.method, c.path, k, header.Get(k))
			}
		}
		if c.path != "" && status != http.StatusForbidden {
			t.Fatalf("%s %s from another origin: %d %s", c.method, c.path, status, body)
		}
	}
	// the REST API keeps its CORS (WebView clients need it)
	r := h.do(req{method: "GET", path: "settings", headers: map[string]string{"Origin": "https://app.example"}})
	if r.Header.Get("Access-Control-Allow-Origin") != "https://app.example" {
		t.Fatalf("REST CORS: %v", r.Header)
	}
}

func TestInspectorAPINeedsTheTokenOrAKey(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	tok := h.uiToken()
	body := `{"uid":"superhero1"}`
	for name, hs := range map[string]map[string]string{
		"nothing":            {},
		"a bad token":        {"X-Inspector-Token": tok[:len(tok)-1] + "x"},
		"a token's prefix":   {"X-Inspector-Token": tok[:8]},
		"a bad key":          {"apiKey": "nope"},
		"a bad token, a key": {"X-Inspector-Token": "nope", "apiKey": testAPIKey},
	} {
		t.Run(name, func(t *testing.T) {
			fails(t, h.uiDo("POST", "api/login", body, hs), http.StatusForbidden, "AUTH_ERR_NO_ACCESS")
		})
	}
	for name, hs := range map[string]map[string]string{
		"the token":        {"X-Inspector-Token": tok},
		"the auth key":     {"apiKey": testAuthKey},
		"the REST API key": {"apiKey": testAPIKey},
	} {
		r := h.uiDo("POST", "api/login", body, hs)
		var out struct {
			UID, AuthToken string
		}
		if r.Status != http.StatusOK || json.Unmarshal(r.Raw, &out) != nil || out.UID != "superhero1" || out.AuthToken == "" {
			t.Fatalf("login with %s: %d %s", name, r.Status, r.Raw)
		}
		// the token is a real auth token: the page chats through the client API with it
		ok(t, h.do(req{method: "GET", path: "me", token: out.AuthToken}), (*struct{})(nil))
	}
	r := h.uiDo("GET", "api/events", "", nil)
	fails(t, r, http.StatusForbidden, "AUTH_ERR_NO_ACCESS")
	if r := h.uiDo("POST", "api/hook/sockets/drop", "", nil); r.Status != http.StatusForbidden {
		t.Fatalf("hook without the token: %d", r.Status)
	}
}

// TestInspectorRefusesCrossOriginRequests: the API is refused to requests
// that a browser marks as coming from another origin, whatever they carry.
func TestInspectorRefusesCrossOriginRequests(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	tok := h.uiToken()
	own := strings.TrimSuffix(h.srv.InspectorURL(), "/_fake/ui/")
	for name, hs := range map[string]map[string]string{
		"Origin of another site":    {"Origin": "https://evil.example"},
		"Origin of another port":    {"Origin": "https://127.0.0.1:1"},
		"Origin null":               {"Origin": "null"},
		"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site": "cross-site"},
		"Sec-Fetch-Site same-site":  {"Sec-Fetch-Site": "same-site"},
	} {
		t.Run(name, func(t *testing.T) {
			hs["X-Inspector-Token"] = tok
			fails(t, h.uiDo("POST", "api/hook/reset", "", hs), http.StatusForbidden, "AUTH_ERR_NO_ACCESS")
			delete(hs, "X-Inspector-Token")
			fails(t, h.uiDo("GET", "api/bootstrap", "", hs), http.StatusForbidden, "AUTH_ERR_NO_ACCESS")
		})
	}
	r := h.uiDo("POST", "api/hook/sockets/drop", "", map[string]string{"X-Inspector-Token": tok, "Origin": own,
		"Sec-Fetch-Site": "same-origin"})
	if r.Status != http.StatusOK || !strings.Contains(string(r.Raw), `"affected":0`) {
		t.Fatalf("same-origin hook: %d %s", r.Status, r.Raw)
	}
}

// TestInspectorChecksTheHost: a page that rebinds its own name to
// 127.0.0.1 (DNS rebinding) still sends its own Host header: refused.
func TestInspectorChecksTheHost(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	_, port, _ := strings.Cut(h.srv.Addr(), ":")
	for _, host := range []string{"evil.example:" + port, "evil.example", "10.0.0.1:" + port, "127.0.0.1.evil.example:" + port} {
		for _, path := range []string{"", "app.js", "api/bootstrap"} {
			if status, _, body := h.uiRaw("GET", path, host, nil); status != http.StatusForbidden || !strings.Contains(string(body), "AUTH_ERR_NO_ACCESS") {
				t.Fatalf("Host %s, %q: %d %s", host, path, status, body)
			}
		}
	}
	for _, host := range []string{"localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "app.localhost:" + port} {
		if status, _, body := h.uiRaw("GET", "api/bootstrap", host, nil); status != http.StatusOK {
			t.Fatalf("Host %s: %d %s", host, status, body)
		}
	}
	// with -public-host, that name too
	h2 := newHarness(t, fakeserver.Config{PublicHost: "chat.test:443"})
	if status, _, body := h2.uiRaw("GET", "api/bootstrap", "chat.test", nil); status != http.StatusOK {
		t.Fatalf("public host: %d %s", status, body)
	}
}

// TestInspectorActions: what the page's buttons call.
func TestInspectorActions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	tok := map[string]string{"X-Inspector-Token": h.uiToken()}
	post := func(path, body string) reply {
		t.Helper()
		return h.uiDo("POST", path, body, tok)
	}
	if r := post("api/users", `{"uid":"bot","name":"The <b>bot</b>"}`); r.Status != http.StatusOK {
		t.Fatalf("create user: %d %s", r.Status, r.Raw)
	}
	if u, found := h.srv.User("bot"); !found || u.Name != "The <b>bot</b>" {
		t.Fatalf("user: %+v", u)
	}
	fails(t, post("api/users", `{"uid":"bot"}`), http.StatusConflict, "ERR_UID_ALREADY_EXISTS")
	fails(t, post("api/users", `{"uid":"no spaces"}`), http.StatusBadRequest, "ERR_BAD_REQUEST")
	fails(t, post("api/users", `not json`), http.StatusBadRequest, "ERR_BAD_REQUEST")
	if r := post("api/groups", `{"guid":"bots","name":"Bots","type":"private","owner":"bot"}`); r.Status != http.StatusOK {
		t.Fatalf("create group: %d %s", r.Status, r.Raw)
	}
	if ms := h.srv.Members("bots"); len(ms) != 1 || ms[0].UID != "bot" || ms[0].Scope != "admin" {
		t.Fatalf("members: %+v", ms)
	}
	fails(t, post("api/groups", `{"guid":"x","owner":"ghost"}`), http.StatusNotFound, "ERR_UID_NOT_FOUND")
	fails(t, post("api/login", `{"uid":"ghost"}`), http.StatusNotFound, "ERR_UID_NOT_FOUND")

	// login reuses its auth token while it is valid
	var a, b struct{ AuthToken string }
	_ = json.Unmarshal(post("api/login", `{"uid":"bot"}`).Raw, &a)
	_ = json.Unmarshal(post("api/login", `{"uid":"BOT"}`).Raw, &b)
	if a.AuthToken == "" || a.AuthToken != b.AuthToken {
		t.Fatalf("login tokens %q, %q", a.AuthToken, b.AuthToken)
	}
	h.srv.RevokeToken(a.AuthToken)
	_ = json.Unmarshal(post("api/login", `{"uid":"bot"}`).Raw, &b)
	if b.AuthToken == "" || b.AuthToken == a.AuthToken {
		t.Fatalf("login after revoke: %q", b.AuthToken)
	}

	// the hooks, with the inspector's token instead of a key
	_, ws := h.connect("superhero2", "NONE")
	if r := post("api/hook/sockets/drop?uid=superhero2", ""); !strings.Contains(string(r.Raw), `"affected":1`) {
		t.Fatalf("drop: %d %s", r.Status, r.Raw)
	}
	ws.waitClosed(t)
	if r := post("api/hook/faults", `{"pathPrefix":"/v3.0/users","status":503,"count":1}`); r.Status != http.StatusOK {
		t.Fatalf("fault: %d %s", r.Status, r.Raw)
	}
	fails(t, h.do(req{method: "GET", path: "users", token: b.AuthToken}), http.StatusServiceUnavailable, "ERR_MISSION_FAILED")
	fails(t, post("api/hook/faults", `{"status":200}`), http.StatusBadRequest, "ERR_BAD_REQUEST")
	if r := h.uiDo("DELETE", "api/hook/faults", "", tok); r.Status != http.StatusOK {
		t.Fatalf("clear faults: %d", r.Status)
	}
	doc := h.uiDo("GET", "api/hook/export", "", tok)
	if doc.Status != http.StatusOK || !strings.Contains(string(doc.Raw), `"format": "cometchat-fake-snapshot"`) {
		t.Fatalf("export: %d %.200s", doc.Status, doc.Raw)
	}
	if r := post("api/hook/reset", ""); r.Status != http.StatusOK {
		t.Fatalf("reset: %d", r.Status)
	}
	if _, found := h.srv.User("bot"); found {
		t.Fatal("bot survived the reset")
	}
	if r := post("api/hook/import", string(doc.Raw)); r.Status != http.StatusOK {
		t.Fatalf("import: %d %s", r.Status, r.Raw)
	}
	if _, found := h.srv.User("bot"); !found {
		t.Fatal("bot not imported")
	}
	fails(t, post("api/hook/nope", ""), http.StatusNotFound, "ERR_API_NOT_FOUND")
	fails(t, h.uiDo("GET", "api/login", "", tok), http.StatusNotFound, "ERR_API_NOT_FOUND")
}

// feedEvent is an event of the inspector's feed, as far as the tests read it.
type feedEvent struct {
	Snapshot bool `json:"snapshot"`
	Users    []struct {
		UID, Name   string
		Deactivated bool
	} `json:"users"`
	RemovedUsers []string `json:"removedUsers"`
	Groups       []struct {
		GUID         string
		MembersCount int
		Members      []struct{ UID, Scope string }
		Bans         []struct{ UID string }
	} `json:"groups"`
	RemovedGroups []string `json:"removedGroups"`
	Messages      []struct {
		ID                                   int64
		Sender, Receiver, Category, Type     string
		Text, Action, Data, OnText, EditedBy string
		OnMessage, EditedAt, DeletedAt       int64
		Receipts                             []struct {
			UID                 string
			DeliveredAt, ReadAt int64
		}
	} `json:"messages"`
	Conversations []struct {
		ID    string
		Count int
		With  []string
	} `json:"conversations"`
	Calls []struct {
		SessionID, Status string
		Active            bool
	} `json:"calls"`
	Sockets *struct {
		List []struct {
			ID       uint64
			UID      string
			HalfOpen bool
		}
		Presence map[string]int
		Total    int
	} `json:"sockets"`
	Faults *[]struct {
		ID         string
		Status     int
		Remaining  int
		PathPrefix string
	} `json:"faults"`
	Totals struct{ Users, Groups, Messages, Sockets, Calls int } `json:"totals"`
}

type feedReader struct {
	t      *testing.T
	events chan feedEvent
}

// openFeed reads the inspector's feed in the background.
func (h *harness) openFeed(headers map[string]string) *feedReader {
	h.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r, err := http.NewRequestWithContext(ctx, "GET", h.srv.InspectorURL()+"api/events", nil)
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range headers {
		r.Header.Set(k, v)
	}
	resp, err := (&http.Client{Transport: h.client.Transport}).Do(r)
	if err != nil {
		h.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		h.t.Fatalf("feed: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	f := &feedReader{t: h.t, events: make(chan feedEvent, 1000)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(f.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 64<<20)
		var event, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				data = line[len("data: "):]
			case line == "" && data != "":
				var ev feedEvent
				if event != "view" || json.Unmarshal([]byte(data), &ev) != nil {
					h.t.Errorf("feed: bad event %q: %.300s", event, data)
				}
				f.events <- ev
				event, data = "", ""
			}
		}
	}()
	h.t.Cleanup(func() {
		cancel()
		resp.Body.Close()
		<-done
	})
	return f
}

// next waits for an event that pred accepts.
func (f *feedReader) next(what string, pred func(ev feedEvent) bool) feedEvent {
	f.t.Helper()
	deadline := time.After(waitTimeout)
	for {
		select {
		case ev, open := <-f.events:
			if !open {
				f.t.Fatalf("feed ended waiting for %s", what)
			}
			if pred(ev) {
				return ev
			}
		case <-deadline:
			f.t.Fatalf("feed: no %s within %s", what, waitTimeout)
		}
	}
}

func TestInspectorFeed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	feed := h.openFeed(map[string]string{"X-Inspector-Token": h.uiToken()})
	ev := feed.next("the snapshot", func(ev feedEvent) bool { return ev.Snapshot })
	if len(ev.Users) != 5 || len(ev.Groups) != 1 || ev.Groups[0].MembersCount != 5 || ev.Sockets == nil || ev.Faults == nil ||
		ev.Totals.Users != 5 {
		t.Fatalf("snapshot: %+v", ev)
	}

	// a message: the message, its conversation, within a second
	alice, ws := h.connect("superhero1", "ALL_USERS")
	feed.next("the socket", func(ev feedEvent) bool { return ev.Sockets != nil && ev.Sockets.Presence["superhero1"] == 1 })
	start := time.Now()
	m := h.sendText(alice, "user", "superhero2", "<img src=x onerror=alert(1)>")
	ev = feed.next("the message", func(ev feedEvent) bool { return len(ev.Messages) > 0 })
	if took := time.Since(start); took > time.Second {
		t.Errorf("the message reached the feed after %s", took)
	}
	if got := ev.Messages[0]; got.Text != "<img src=x onerror=alert(1)>" || got.Sender != "superhero1" || strconv.FormatInt(got.ID, 10) != m.ID ||
		len(ev.Conversations) != 1 || ev.Conversations[0].Count != 1 || ev.Totals.Messages != 1 {
		t.Fatalf("message event: %+v", ev)
	}

	// an edit: the edited message and the action message
	if r := h.do(req{method: "PUT", path: "messages/" + m.ID, token: alice.token, body: `{"data":{"text":"edited"}}`}); r.Status != http.StatusOK {
		t.Fatalf("edit: %d %s", r.Status, r.Raw)
	}
	feed.next("the edit", func(ev feedEvent) bool {
		var edited, action bool
		for _, x := range ev.Messages {
			edited = edited || (x.Text == "edited" && x.EditedAt != 0)
			action = action || (x.Category == "action" && x.Action == "edited" && x.OnText == "edited")
		}
		return edited && action
	})

	// users, groups (members, bans), faults, half-open sockets, calls
	if err := h.srv.CreateUser(fakeserver.User{UID: "carol", Name: "Carol"}); err != nil {
		t.Fatal(err)
	}
	feed.next("the new user", func(ev feedEvent) bool { return len(ev.Users) == 1 && ev.Users[0].UID == "carol" })
	if err := h.srv.BanMember("supergroup", "superhero5"); err != nil {
		t.Fatal(err)
	}
	feed.next("the ban", func(ev feedEvent) bool {
		return len(ev.Groups) == 1 && ev.Groups[0].MembersCount == 4 && len(ev.Groups[0].Bans) == 1 && ev.Groups[0].Bans[0].UID == "superhero5"
	})
	if _, err := h.srv.AddFault(fakeserver.Fault{PathPrefix: "/v3.0/groups", Status: 500, Count: 2}); err != nil {
		t.Fatal(err)
	}
	feed.next("the fault", func(ev feedEvent) bool {
		return ev.Faults != nil && len(*ev.Faults) == 1 && (*ev.Faults)[0].Remaining == 2
	})
	h.do(req{method: "GET", path: "groups", token: alice.token})
	feed.next("the fault used once", func(ev feedEvent) bool {
		return ev.Faults != nil && len(*ev.Faults) == 1 && (*ev.Faults)[0].Remaining == 1
	})
	h.srv.ClearFaults()
	feed.next("no fault", func(ev feedEvent) bool { return ev.Faults != nil && len(*ev.Faults) == 0 })
	h.srv.HalfOpenSockets("superhero1")
	feed.next("the half-open socket", func(ev feedEvent) bool {
		return ev.Sockets != nil && len(ev.Sockets.List) == 1 && ev.Sockets.List[0].HalfOpen
	})
	h.srv.DropSockets("")
	ws.waitClosed(t)
	feed.next("no socket", func(ev feedEvent) bool { return ev.Sockets != nil && ev.Sockets.Total == 0 })
	r := h.do(req{method: "POST", path: "calls", token: alice.token,
		body: `{"receiver":"superhero2","receiverType":"user","category":"call","type":"audio","data":{"action":"initiated"}}`})
	if r.Status != http.StatusOK {
		t.Fatalf("call: %d %s", r.Status, r.Raw)
	}
	feed.next("the call", func(ev feedEvent) bool { return len(ev.Calls) == 1 && ev.Calls[0].Active && ev.Totals.Calls == 1 })

	// a reset (and an import) replaces the whole view
	h.srv.Reset()
	ev = feed.next("a new snapshot", func(ev feedEvent) bool { return ev.Snapshot })
	if len(ev.Messages) != 0 || len(ev.Users) != 5 || ev.Totals.Messages != 0 {
		t.Fatalf("after reset: %+v", ev)
	}
}

// TestInspectorFeedUnderLoad: a burst of changes larger than a page's
// bound of marks collapses into a snapshot; the page still converges on
// the state.
func TestInspectorFeedUnderLoad(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	feed := h.openFeed(map[string]string{"apiKey": testAPIKey})
	feed.next("the snapshot", func(ev feedEvent) bool { return ev.Snapshot })
	const n = 3000
	var last fakeserver.Message
	for i := 0; i < n; i++ {
		m, err := h.srv.SendText("superhero1", "group", "supergroup", "burst")
		if err != nil {
			t.Fatal(err)
		}
		last = m
	}
	events := 0
	feed.next("the last message", func(ev feedEvent) bool {
		events++
		for _, m := range ev.Messages {
			if strconv.FormatInt(m.ID, 10) == last.ID {
				return ev.Totals.Messages == n
			}
		}
		return false
	})
	if events > n/10 {
		t.Errorf("%d events for %d messages: the feed should batch them", events, n)
	}
}

// TestInspectorAssetsAreSelfContained: the page works offline and cannot
// render data as HTML: no external URL, no inline script or handler, none
// of the DOM's HTML sinks; and it stays small.
func TestInspectorAssetsAreSelfContained(t *testing.T) {
	t.Parallel()
	total := 0
	sinks := regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|createContextualFragment|DOMParser|srcdoc`)
	external := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}|@import|\burl\(`)
	err := filepath.WalkDir("ui", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		total += len(b)
		src := string(b)
		if loc := sinks.FindStringIndex(src); loc != nil {
			t.Errorf("%s uses an HTML sink: %q", path, src[loc[0]:loc[1]])
		}
		if loc := external.FindStringIndex(src); loc != nil {
			t.Errorf("%s refers to something outside the page: %q", path, src[max(0, loc[0]-20):min(len(src), loc[1]+20)])
		}
		if strings.HasSuffix(path, ".html") {
			if m := regexp.MustCompile(`(?i)<script(?:[^>]*)>[^<]+</script>|\son[a-z]+=|<style|\sstyle=|javascript:`).FindString(src); m != "" {
				t.Errorf("%s has inline script or style: %q", path, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("the page is %d bytes", total)
	if total > 100<<10 {
		t.Errorf("the page is %d bytes: the README promises well under 300 KB (about 60 KB)", total)
	}
}
