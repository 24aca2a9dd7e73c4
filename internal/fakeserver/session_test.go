package fakeserver_test

import (
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

func TestLoginFlow(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	var tok userOut
	ok(t, h.do(req{method: "POST", path: "users/SuperHero1/auth_tokens", apiKey: testAuthKey, body: `{}`}), &tok)
	if tok.UID != "superhero1" || !strings.HasPrefix(tok.AuthToken, "superhero1_") {
		t.Fatalf("auth token reply: %+v", tok)
	}
	// the REST API key may log users in too (decision 2)
	ok(t, h.do(req{method: "POST", path: "users/superhero2/auth_tokens", apiKey: testAPIKey}), &userOut{})

	var me userOut
	ok(t, h.do(req{method: "PUT", path: "me", token: tok.AuthToken, resource: "S1",
		body: `{"platform":"WEB","deviceId":"d","appInfo":{"version":"v3.0.12"}}`}), &me)
	if me.UID != "superhero1" || me.Name != "Iron Man" || me.AuthToken != tok.AuthToken || me.JWT == "" {
		t.Fatalf("PUT /me: %+v", me)
	}
	_, port, _ := net.SplitHostPort(h.srv.Addr())
	st := me.Settings
	if st == nil || st.ClientAPIHost != h.srv.Addr() || st.AdminAPIHost != h.srv.Addr() || st.ChatHost != "127.0.0.1" ||
		st.ChatWSSPort != port || st.ChatAPIVersion != "v3.0" || !st.AnalyticsPingDisabled || st.Mode != "DEFAULT" ||
		st.AppVersion != 3 || st.Region != "us" || string(st.Extensions) != "[]" || string(st.Parameters) != "{}" {
		t.Fatalf("settings do not point back at the server: %+v", st)
	}

	// GET /me and the profile form of PUT /me keep authToken and jwt
	var got userOut
	ok(t, h.do(req{method: "GET", path: "me", token: tok.AuthToken}), &got)
	if got.JWT == "" || got.AuthToken != tok.AuthToken {
		t.Fatalf("GET /me: %+v", got)
	}
	ok(t, h.do(req{method: "PUT", path: "me", token: tok.AuthToken,
		body: `{"hasBlockedMe":false,"blockedByMe":false,"deactivatedAt":0,"uid":"superhero1","name":"Tony","role":"boss"}`}), &got)
	if got.Name != "Tony" || got.Role != "default" || got.JWT == "" || got.AuthToken != tok.AuthToken {
		t.Fatalf("profile update: %+v", got)
	}

	// routes also work without the version prefix
	ok(t, h.do(req{method: "GET", path: "/me", token: tok.AuthToken}), &got)

	var bye struct {
		Success bool `json:"success"`
	}
	ok(t, h.do(req{method: "DELETE", path: "me", token: tok.AuthToken, resource: "S1"}), &bye)
	if !bye.Success {
		t.Fatal("logout not successful")
	}
	// the token stays valid by default
	ok(t, h.do(req{method: "GET", path: "me", token: tok.AuthToken}), &got)
}

func TestLogoutRevokesWhenConfigured(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{RevokeTokenOnLogout: true})
	s := h.login("superhero1")
	ok(t, h.do(req{method: "DELETE", path: "me", token: s.token}), &struct{}{})
	fails(t, h.do(req{method: "GET", path: "me", token: s.token}), 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
}

func TestSettings(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{Region: "eu", Plain: true})
	var st settingsOut
	ok(t, h.do(req{method: "GET", path: "settings"}), &st)
	_, port, _ := net.SplitHostPort(h.srv.Addr())
	if st.ChatHost != "127.0.0.1" || st.ChatWSSPort != port || st.ClientAPIHost != h.srv.Addr() || st.Region != "eu" {
		t.Fatalf("settings: %+v", st)
	}
	if !strings.HasPrefix(h.srv.BaseURL(), "http://") || h.srv.CertPEM() != nil || h.srv.CertPool() != nil {
		t.Fatal("plain server must not use TLS")
	}
}

func TestErrorCodes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	s := h.login("superhero1")
	for _, tc := range []struct {
		name   string
		r      req
		status int
		code   string
	}{
		{"missing app id", req{method: "GET", path: "me", token: s.token, appID: "-"}, 401, "AUTH_ERR_EMPTY_APPID"},
		{"unknown app id", req{method: "GET", path: "me", token: s.token, appID: "other"}, 401, "AUTH_ERR_INVALID_APPID"},
		{"missing token", req{method: "GET", path: "me"}, 401, "AUTH_ERR_EMPTY_AUTH_TOKEN"},
		{"unknown token", req{method: "GET", path: "me", token: "nope"}, 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND"},
		{"missing api key", req{method: "POST", path: "users/superhero1/auth_tokens"}, 401, "AUTH_ERR_EMPTY_APIKEY"},
		{"wrong api key", req{method: "POST", path: "users/superhero1/auth_tokens", apiKey: "bad"}, 401, "AUTH_ERR_APIKEY_NOT_FOUND"},
		{"unknown uid", req{method: "POST", path: "users/nobody/auth_tokens", apiKey: testAuthKey}, 404, "ERR_UID_NOT_FOUND"},
		{"unknown user", req{method: "GET", path: "users/nobody", token: s.token}, 404, "ERR_UID_NOT_FOUND"},
		{"unknown route", req{method: "GET", path: "nothing/here", token: s.token}, 404, "ERR_API_NOT_FOUND"},
		{"wrong method", req{method: "PATCH", path: "me", token: s.token}, 404, "ERR_API_NOT_FOUND"},
		{"auth key cannot add friends", req{method: "POST", path: "users/superhero1/friends", apiKey: testAuthKey,
			body: `{"accepted":["superhero2"]}`}, 403, "AUTH_ERR_NO_ACCESS"},
		{"bad json", req{method: "POST", path: "messages", token: s.token, body: `{`}, 400, "ERR_BAD_REQUEST"},
		{"no receiver", req{method: "POST", path: "messages", token: s.token,
			body: `{"receiverType":"user","category":"message","type":"text","data":{"text":"x"}}`}, 400, "ERR_EMPTY_RECEIVER"},
		{"bad receiver type", req{method: "POST", path: "messages", token: s.token,
			body: `{"receiver":"superhero2","receiverType":"room","category":"message","type":"text","data":{"text":"x"}}`}, 400, "ERR_INVALID_RECEIVER_TYPE"},
		{"empty text", req{method: "POST", path: "messages", token: s.token,
			body: `{"receiver":"superhero2","receiverType":"user","category":"message","type":"text","data":{"text":"  "}}`}, 400, "ERR_EMPTY_MESSAGE_TEXT"},
		{"bad category", req{method: "POST", path: "messages", token: s.token,
			body: `{"receiver":"superhero2","receiverType":"user","category":"action","type":"text","data":{"text":"x"}}`}, 400, "ERR_INVALID_MESSAGE_CATEGORY"},
		{"bad type", req{method: "POST", path: "messages", token: s.token,
			body: `{"receiver":"superhero2","receiverType":"user","category":"message","type":"gif","data":{}}`}, 400, "ERR_INVALID_MESSAGE_TYPE"},
		{"custom without data", req{method: "POST", path: "messages", token: s.token,
			body: `{"receiver":"superhero2","receiverType":"user","category":"custom","type":"location","data":{}}`}, 400, "ERR_EMPTY_CUSTOM_DATA"},
		{"media without file", req{method: "POST", path: "messages", token: s.token,
			body: `{"receiver":"superhero2","receiverType":"user","category":"message","type":"image","data":{}}`}, 400, "ERR_EMPTY_MESSAGE_FILE"},
		{"unknown receiver", req{method: "POST", path: "messages", token: s.token,
			body: `{"receiver":"ghost","receiverType":"user","category":"message","type":"text","data":{"text":"x"}}`}, 404, "ERR_UID_NOT_FOUND"},
		{"unknown group", req{method: "POST", path: "messages", token: s.token,
			body: `{"receiver":"ghost","receiverType":"group","category":"message","type":"text","data":{"text":"x"}}`}, 404, "ERR_GUID_NOT_FOUND"},
		{"unknown message", req{method: "GET", path: "messages/999", token: s.token}, 404, "ERR_MESSAGE_ID_NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fails(t, h.do(tc.r), tc.status, tc.code)
		})
	}
}

func TestUsersCreateUpdateGet(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	var u userOut
	r := h.do(req{method: "POST", path: "users", apiKey: testAuthKey,
		body: `{"hasBlockedMe":false,"blockedByMe":false,"deactivatedAt":0,"uid":"Alice","name":"Alice","tags":["vip"],"metadata":{"team":"blue"}}`})
	ok(t, r, &u)
	if u.UID != "alice" || u.Name != "Alice" || u.Status != "offline" || u.Role != "default" {
		t.Fatalf("created: %+v", u)
	}
	if strings.Contains(string(r.Data), "authToken") {
		t.Fatalf("create-user reply must not carry an authToken: %s", r.Data)
	}
	fails(t, h.do(req{method: "POST", path: "users", apiKey: testAuthKey, body: `{"uid":"alice","name":"A"}`}), 409, "ERR_UID_ALREADY_EXISTS")
	fails(t, h.do(req{method: "POST", path: "users", apiKey: testAuthKey, body: `{"uid":"bad uid","name":"A"}`}), 400, "ERR_BAD_REQUEST")
	ok(t, h.do(req{method: "PUT", path: "users/ALICE", apiKey: testAuthKey, body: `{"uid":"alice","name":"Alice B."}`}), &u)
	if u.Name != "Alice B." || len(u.Tags) != 1 {
		t.Fatalf("updated: %+v", u)
	}
	s := h.login("superhero1")
	ok(t, h.do(req{method: "GET", path: "users/alice", token: s.token}), &u)
	if u.Name != "Alice B." || u.ConversationID != "alice_user_superhero1" {
		t.Fatalf("get: %+v", u)
	}
	if got, found := h.srv.User("Alice"); !found || got.Name != "Alice B." || string(got.Metadata) != `{"team":"blue"}` {
		t.Fatalf("User helper: %+v %v", got, found)
	}
}

func TestSeedData(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	names := map[string]string{"superhero1": "Iron Man", "superhero2": "Captain America", "superhero3": "Spiderman",
		"superhero4": "Wolverine", "superhero5": "Cyclops"}
	users := h.srv.Users()
	if len(users) != 5 {
		t.Fatalf("users: %+v", users)
	}
	for _, u := range users {
		if names[u.UID] != u.Name || u.Online {
			t.Fatalf("seed user %+v", u)
		}
	}
	groups := h.srv.Groups()
	if len(groups) != 1 || groups[0].GUID != "supergroup" || groups[0].Type != "public" || groups[0].Owner != "superhero1" ||
		groups[0].MembersCount != 5 {
		t.Fatalf("seed group: %+v", groups)
	}
	members := h.srv.Members("supergroup")
	if members[0].UID != "superhero1" || members[0].Scope != "admin" || members[1].Scope != "participant" {
		t.Fatalf("members: %+v", members)
	}
	if st := h.srv.Stats(); st != (fakeserver.Stats{Users: 5, Groups: 1}) {
		t.Fatalf("stats: %+v", st)
	}
}

func TestCORSPreflight(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	r := h.do(req{method: "OPTIONS", path: "messages", headers: map[string]string{"Origin": "ionic://localhost"}})
	if r.Status != 204 || r.Header.Get("Access-Control-Allow-Origin") != "ionic://localhost" ||
		!strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "authToken") {
		t.Fatalf("preflight: %d %v", r.Status, r.Header)
	}
}

func TestSendMessageShapes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	s := h.login("superhero1")
	m := h.sendText(s, "user", "SuperHero2", "hello")
	if h.rel(m.ID) != "1" || m.ConversationID != "superhero1_user_superhero2" || m.Sender != "superhero1" || m.Receiver != "superhero2" ||
		m.Data.Text != "hello" || m.Data.Entities == nil || m.Data.Entities.Sender == nil || m.Data.Entities.Receiver == nil ||
		m.SentAt == 0 || m.UpdatedAt != m.SentAt {
		t.Fatalf("message: %+v", m)
	}
	sender := decode[userOut](t, m.Data.Entities.Sender.Entity)
	receiver := decode[userOut](t, m.Data.Entities.Receiver.Entity)
	if sender.UID != "superhero1" || receiver.UID != "superhero2" || m.Data.Entities.Receiver.EntityType != "user" {
		t.Fatalf("entities: %+v %+v", sender, receiver)
	}
	// custom message keeps customData and tags, muid is echoed
	var c msgOut
	ok(t, h.do(req{method: "POST", path: "messages", token: s.token, body: `{"receiver":"supergroup","receiverType":"group",
		"category":"custom","type":"location","data":{"customData":{"lat":1,"lng":2},"metadata":{"a":1}},"tags":["t1"],"muid":"m-1"}`}), &c)
	if c.Category != "custom" || c.Type != "location" || string(c.Data.CustomData) != `{"lat":1,"lng":2}` || c.Muid != "m-1" ||
		len(c.Tags) != 1 || c.ConversationID != "group_supergroup" || c.Data.Entities.Receiver.EntityType != "group" {
		t.Fatalf("custom: %+v", c)
	}
	// a true retry (same sender, muid and content) is not stored twice
	// (decision 24)
	var again msgOut
	ok(t, h.do(req{method: "POST", path: "messages", token: s.token, body: `{"receiver":"supergroup","receiverType":"group",
		"category":"custom","type":"location","data":{"customData":{"lat":1,"lng":2},"metadata":{"a":1}},"tags":["t1"],"muid":"m-1"}`}), &again)
	if again.ID != c.ID || len(h.srv.Messages()) != 2 {
		t.Fatalf("muid dedupe: %s vs %s, %d messages", again.ID, c.ID, len(h.srv.Messages()))
	}
	// the same muid on another message (other data, other receiver) is
	// stored as the new message it is, never answered with the old one
	for i, body := range []string{
		`{"receiver":"supergroup","receiverType":"group","category":"custom","type":"location","data":{"customData":{"lat":1}},"tags":["t1"],"muid":"m-1"}`,
		`{"receiver":"superhero2","receiverType":"user","category":"custom","type":"location","data":{"customData":{"lat":1,"lng":2},"metadata":{"a":1}},"tags":["t1"],"muid":"m-1"}`,
	} {
		var other msgOut
		ok(t, h.do(req{method: "POST", path: "messages", token: s.token, body: body}), &other)
		if other.ID == c.ID || len(h.srv.Messages()) != 3+i {
			t.Fatalf("reused muid %d: answered %s (first %s), %d messages", i, other.ID, c.ID, len(h.srv.Messages()))
		}
	}
	// legacy custom type and the top-level text fallback
	ok(t, h.do(req{method: "POST", path: "messages", token: s.token,
		body: `{"receiver":"superhero2","receiverType":"user","category":"message","type":"text","text":"top"}`}), &c)
	if c.Data.Text != "top" {
		t.Fatalf("top-level text: %+v", c)
	}
	var raw json.RawMessage
	ok(t, h.do(req{method: "GET", path: "messages/" + h.id(1), token: s.token}), &raw)
	if !strings.Contains(string(raw), `"receipts":{"data":[]}`) {
		t.Fatalf("GET messages/1: %s", raw)
	}
}

func TestConfigSwitchesAndPlainSockets(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{Plain: true, AnyAppID: true, AutoCreateUsers: true})
	if !strings.HasPrefix(h.srv.WebSocketURL(), "ws://") {
		t.Fatalf("plain websocket URL %s", h.srv.WebSocketURL())
	}
	var tok userOut
	ok(t, h.do(req{method: "POST", path: "users/NewUser/auth_tokens", apiKey: testAuthKey, appID: "any-app"}), &tok)
	if tok.UID != "newuser" || tok.Name != "newuser" {
		t.Fatalf("auto-created: %+v", tok)
	}
	// the REST API key acts on anyone's behalf
	var me userOut
	ok(t, h.do(req{method: "GET", path: "me", apiKey: testAPIKey, headers: map[string]string{"onBehalfOf": "superhero3"}}), &me)
	if me.UID != "superhero3" || me.AuthToken != "" {
		t.Fatalf("on behalf of: %+v", me)
	}
	fails(t, h.do(req{method: "GET", path: "me", apiKey: testAPIKey}), 400, "ERR_BAD_REQUEST")
	fails(t, h.do(req{method: "GET", path: "me", apiKey: testAuthKey, headers: map[string]string{"onBehalfOf": "superhero3"}}),
		401, "AUTH_ERR_EMPTY_AUTH_TOKEN")
	// sockets work over plain ws, for another app id too
	s := session{uid: "newuser", session: "plain-1"}
	ok(t, h.do(req{method: "POST", path: "users/newuser/auth_tokens", apiKey: testAuthKey, appID: "any-app"}), &tok)
	s.token = tok.AuthToken
	ok(t, h.do(req{method: "PUT", path: "me", token: s.token, appID: "any-app"}), &me)
	s.jwt = me.JWT
	c := h.dial()
	c.send(outFrame{AppID: "any-app", DeviceID: s.session, Type: "auth", Sender: s.uid,
		Body: mustJSON(authBodyOut{Auth: s.jwt, DeviceID: s.session, PresenceSubscription: "NONE"})})
	if f := c.waitFor("auth", func(f frame) bool { return f.Type == "auth" }); !strings.Contains(string(f.Body), `"200"`) {
		t.Fatalf("auth for another app: %s", f.raw)
	}
	c.sendRaw([]byte(`{"action":"ping","ack":"true"}`))
	c.waitFor("pong", func(f frame) bool { return f.Action == "pong" })
	if h.srv.Sockets("NewUser") != 1 || s.uid != "newuser" {
		t.Fatal("socket not registered")
	}
}
