package fakeserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// TestRESTAPIAppFromHost: without an appId header the app is the one of a
// Host {appId}.api-{region}.cometchat.io, else the one served; keys are
// checked as documented.
func TestRESTAPIAppFromHost(t *testing.T) {
	h := newHarness(t, fakeserver.Config{})
	okREST(t, h.rest("GET", "/users/superhero1", "", ""), (*struct{})(nil))
	okREST(t, h.rest("GET", "/users/superhero1", "", "", "Host", testApp+".api-us.cometchat.io"), (*struct{})(nil))
	okREST(t, h.rest("GET", "/users/superhero1", "", "", "Host", testApp+".api-eu.cometchat.io:443"), (*struct{})(nil))
	failsREST(t, h.rest("GET", "/users/superhero1", "", "", "Host", "other-app.api-us.cometchat.io"), 401, "AUTH_ERR_INVALID_APPID")
	failsREST(t, h.rest("GET", "/users/superhero1", "", "", "appId", "other-app"), 401, "AUTH_ERR_INVALID_APPID")
	okREST(t, h.rest("GET", "/users/superhero1", "", "", "appId", testApp), (*struct{})(nil))
	failsREST(t, h.rest("GET", "/users", "", "", "apikey", "wrong"), 401, "AUTH_ERR_APIKEY_NOT_FOUND")
	failsREST(t, h.rest("GET", "/users", "", "", "apikey", ""), 401, "AUTH_ERR_EMPTY_APIKEY")
	// the auth key (authOnly) creates users and auth tokens, nothing else
	okREST(t, h.rest("POST", "/users", `{"uid":"kim","name":"Kim"}`, "", "apikey", testAuthKey), (*struct{})(nil))
	okREST(t, h.rest("POST", "/users/kim/auth_tokens", `{}`, "", "apikey", testAuthKey), (*struct{})(nil))
	failsREST(t, h.rest("GET", "/users", "", "", "apikey", testAuthKey), 403, "AUTH_ERR_NO_ACCESS")
	failsREST(t, h.rest("DELETE", "/users/kim", "", "", "apikey", testAuthKey), 403, "AUTH_ERR_NO_ACCESS")
	// a required onBehalfOf is required; an unknown one is refused
	failsREST(t, h.rest("GET", "/users/superhero2/conversation", "", ""), 400, "ERR_BAD_REQUEST")
	failsREST(t, h.rest("GET", "/groups/supergroup", "", "ghost"), 404, "ERR_UID_NOT_FOUND")
	// /v3 with an authToken stays the client API, as does /v3.0 with the REST API key
	s := h.login("superhero1")
	ok(t, h.do(req{method: "GET", path: "/v3/me", token: s.token}), (*userOut)(nil))
	fails(t, h.do(req{method: "GET", path: "groups/supergroup", apiKey: testAPIKey}), 400, "ERR_BAD_REQUEST") // onBehalfOf required there
	if v := h.rest("GET", "/users", "", "", "Origin", "https://app.example").Header.Values("Vary"); !containsString(v, "Origin") {
		t.Fatalf("Vary %v lacks Origin", v)
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}

// TestRESTAPIAppActsAsAdmin: without onBehalfOf the app does every admin
// operation with no membership (decision 2), as app_system; with it, the
// member's rights apply.
func TestRESTAPIAppActsAsAdmin(t *testing.T) {
	h := newHarness(t, fakeserver.Config{})
	okREST(t, h.rest("POST", "/groups", `{"guid":"secret","name":"Secret","type":"private","owner":"superhero2"}`, ""), (*struct{})(nil))
	// the app sees the private group, adds members to it, changes scopes
	okREST(t, h.rest("GET", "/groups/secret", "", ""), (*struct{})(nil))
	var added map[string]map[string]struct {
		Success bool   `json:"success"`
		Data    msgOut `json:"data"`
	}
	okREST(t, h.rest("POST", "/groups/secret/members", `{"participants":["superhero3"],"admins":["superhero4"]}`, ""), &added)
	if a := added["participants"]["superhero3"]; !a.Success || a.Data.Sender != "app_system" || a.Data.Data.Action != "added" {
		t.Fatalf("added: %+v", added)
	}
	okREST(t, h.rest("PUT", "/groups/secret/members/superhero3", `{"scope":"moderator"}`, ""), (*struct{})(nil))
	// …but not the owner's scope, nor kick or ban the owner
	failsREST(t, h.rest("PUT", "/groups/secret/members/superhero2", `{"scope":"participant"}`, ""), 403, "ERR_GROUP_NO_SCOPE_CLEARANCE")
	failsREST(t, h.rest("DELETE", "/groups/secret/members/superhero2", "", ""), 403, "ERR_GROUP_NO_CLEARANCE")
	// a non-member acting through onBehalfOf does not even see it
	failsREST(t, h.rest("GET", "/groups/secret", "", "superhero5"), 404, "ERR_GUID_NOT_FOUND")
	failsREST(t, h.rest("POST", "/groups/secret/members", `{"participants":["superhero5"]}`, "superhero3"), 403, "ERR_GROUP_NO_ADMIN_SCOPE")
	// the owner moves with PUT /groups/{guid} {owner}
	var g struct {
		Owner string `json:"owner"`
	}
	okREST(t, h.rest("PUT", "/groups/secret", `{"owner":"superhero4"}`, ""), &g)
	if g.Owner != "superhero4" {
		t.Fatalf("owner %q", g.Owner)
	}
	// change scope defaults to participant; members list without onBehalfOf
	var sc struct{ Scope string }
	okREST(t, h.rest("PUT", "/groups/secret/members/superhero3", `{}`, ""), &sc)
	if sc.Scope != "participant" {
		t.Fatalf("scope %q", sc.Scope)
	}
	// a group created by the app without an owner has none
	var g2 struct {
		Owner        string `json:"owner"`
		MembersCount int    `json:"membersCount"`
	}
	okREST(t, h.rest("POST", "/groups", `{"guid":"lobby","name":"Lobby","type":"public","members":{"participants":["superhero1"]}}`, ""), &g2)
	if g2.Owner != "" || g2.MembersCount != 1 {
		t.Fatalf("lobby: %+v", g2)
	}
	// with onBehalfOf the creator owns the group and is its admin
	var g3 struct {
		Owner string `json:"owner"`
		Scope string `json:"scope"`
	}
	okREST(t, h.rest("POST", "/groups", `{"guid":"mine","name":"Mine","type":"public"}`, "superhero5"), &g3)
	if g3.Owner != "superhero5" || g3.Scope != "admin" {
		t.Fatalf("mine: %+v", g3)
	}
	roundTrips(t, h)
}

// TestRESTAPIUsersLifecycle: deactivate, reactivate, unset, and a permanent
// delete after which the uid is free and the old user's traces are gone.
func TestRESTAPIUsersLifecycle(t *testing.T) {
	h := newHarness(t, fakeserver.Config{})
	okREST(t, h.rest("POST", "/users", `{"uid":"zed","name":"Zed","avatar":"https://a/z.png","metadata":{"k":"v"}}`, ""), (*struct{})(nil))
	zed := h.login("zed")
	h.sendText(zed, "user", "superhero1", "hi from zed")
	okREST(t, h.rest("POST", "/groups/supergroup/members", `{"participants":["zed"]}`, ""), (*struct{})(nil))
	h.sendText(zed, "group", "supergroup", "zed in the group")
	okREST(t, h.rest("POST", "/users/zed/friends", `{"accepted":["superhero2"]}`, ""), (*struct{})(nil))
	okREST(t, h.rest("POST", "/users/superhero3/blockedusers", `{"blockedUids":["zed"]}`, ""), (*struct{})(nil))

	var u struct {
		Avatar   string          `json:"avatar"`
		Metadata json.RawMessage `json:"metadata"`
	}
	okREST(t, h.rest("PUT", "/users/zed", `{"unset":["avatar","metadata"]}`, ""), &u)
	if u.Avatar != "" || u.Metadata != nil {
		t.Fatalf("unset: %+v", u)
	}
	failsREST(t, h.rest("PUT", "/users/zed", `{"unset":["name"]}`, ""), 400, "ERR_BAD_REQUEST")

	// deactivation: the token stops working, the user is listed only on demand
	var d struct {
		Deactivated []string `json:"deactivatedUids"`
	}
	okREST(t, h.rest("DELETE", "/users", `{"uidsToDeactivate":["zed","ghost"]}`, ""), &d)
	if fmt.Sprint(d.Deactivated) != "[zed]" {
		t.Fatalf("deactivated %v", d.Deactivated)
	}
	fails(t, h.do(req{method: "GET", path: "me", token: zed.token}), 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
	if n := countList(t, h.rest("GET", "/users?perPage=100", "", "")); n != 5 {
		t.Fatalf("%d active users, want 5", n)
	}
	if n := countList(t, h.rest("GET", "/users?onlyDeactivated=true", "", "")); n != 1 {
		t.Fatalf("%d deactivated users, want 1", n)
	}
	if n := countList(t, h.rest("GET", "/users?withDeactivated=1", "", "")); n != 6 {
		t.Fatalf("%d users with the deactivated, want 6", n)
	}
	failsREST(t, h.rest("POST", "/users", `{"uid":"zed","name":"Zed"}`, ""), 409, "ERR_UID_ALREADY_EXISTS")
	var r struct {
		Active []string `json:"nonDeactivatedUids"`
	}
	okREST(t, h.rest("PUT", "/users", `{"uidsToActivate":["zed"]}`, ""), &r)
	if fmt.Sprint(r.Active) != "[zed]" {
		t.Fatalf("reactivated %v", r.Active)
	}

	// permanent delete: gone with its messages, memberships, friends, blocks
	okREST(t, h.rest("DELETE", "/users/zed", `{"permanent":true}`, ""), (*struct{})(nil))
	failsREST(t, h.rest("GET", "/users/zed", "", ""), 404, "ERR_UID_NOT_FOUND")
	okREST(t, h.rest("POST", "/users", `{"uid":"zed","name":"Zed the second"}`, ""), (*struct{})(nil))
	if n := countList(t, h.rest("GET", "/users/zed/friends", "", "")); n != 0 {
		t.Fatalf("the new zed has %d friends", n)
	}
	if n := countList(t, h.rest("GET", "/users/superhero3/blockedusers", "", "")); n != 0 {
		t.Fatalf("superhero3 still blocks %d users", n)
	}
	var msgs []msgOut
	okREST(t, h.rest("GET", "/users/zed/messages", "", "superhero1"), &msgs)
	okREST(t, h.rest("GET", "/groups/supergroup/messages?limit=100", "", ""), &msgs)
	for _, m := range msgs {
		if m.Sender == "zed" || m.Data.Text == "zed in the group" {
			t.Fatalf("a message of the deleted zed is still listed: %+v", m)
		}
	}
	var members []struct{ UID string }
	okREST(t, h.rest("GET", "/groups/supergroup/members", "", ""), &members)
	for _, m := range members {
		if m.UID == "zed" {
			t.Fatal("the new zed inherited the old one's membership")
		}
	}
	roundTrips(t, h)
}

func countList(t *testing.T, r restReply) int {
	t.Helper()
	var items []json.RawMessage
	okREST(t, r, &items)
	return len(items)
}

// TestRESTAPIAuthTokens: create reuses the newest token unless force, the
// metadata is kept, delete and flush revoke.
func TestRESTAPIAuthTokens(t *testing.T) {
	h := newHarness(t, fakeserver.Config{})
	var a, b, c struct {
		AuthToken string `json:"authToken"`
		CreatedAt int64  `json:"createdAt"`
		Platform  string `json:"platform"`
	}
	okREST(t, h.rest("POST", "/users/superhero1/auth_tokens", `{}`, ""), &a)
	okREST(t, h.rest("POST", "/users/superhero1/auth_tokens", `{}`, ""), &b)
	okREST(t, h.rest("POST", "/users/superhero1/auth_tokens", `{"force":true}`, ""), &c)
	if a.AuthToken == "" || a.AuthToken != b.AuthToken || c.AuthToken == a.AuthToken || a.CreatedAt == 0 {
		t.Fatalf("tokens %+v %+v %+v", a, b, c)
	}
	okREST(t, h.rest("PUT", "/users/superhero1/auth_tokens/"+a.AuthToken, `{"platform":"ios"}`, ""), &b)
	if b.Platform != "ios" {
		t.Fatalf("platform %q", b.Platform)
	}
	if n := countList(t, h.rest("GET", "/users/superhero1/auth_tokens", "", "")); n != 2 {
		t.Fatalf("%d tokens, want 2", n)
	}
	failsREST(t, h.rest("GET", "/users/superhero2/auth_tokens/"+a.AuthToken, "", ""), 404, "ERR_AUTH_TOKEN_NOT_FOUND")
	if r := h.rest("GET", "/users/superhero2/auth_tokens/"+a.AuthToken, "", ""); strings.Contains(string(r.Raw), a.AuthToken) {
		t.Fatal("an error echoes the auth token")
	}
	for _, p := range []string{"/users/superhero1/auth_tokens/" + a.AuthToken + "/extra", "/apikeys/" + testAPIKey} {
		if r := h.rest("GET", p, "", ""); strings.Contains(string(r.Raw), a.AuthToken) || strings.Contains(string(r.Raw), testAPIKey) {
			t.Fatalf("an error echoes a credential: %s", r.Raw)
		}
	}
	// the token logs in (client API) until it is deleted
	ok(t, h.do(req{method: "GET", path: "me", token: a.AuthToken}), (*userOut)(nil))
	okREST(t, h.rest("DELETE", "/users/superhero1/auth_tokens/"+a.AuthToken, "", ""), (*struct{})(nil))
	fails(t, h.do(req{method: "GET", path: "me", token: a.AuthToken}), 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
	okREST(t, h.rest("DELETE", "/users/superhero1/auth_tokens", "", ""), (*struct{})(nil))
	fails(t, h.do(req{method: "GET", path: "me", token: c.AuthToken}), 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
	if n := countList(t, h.rest("GET", "/users/superhero1/auth_tokens", "", "")); n != 0 {
		t.Fatalf("%d tokens after a flush", n)
	}
	// a client's login (client API) is listed with its time and platform
	s := h.login("superhero2")
	var toks []struct {
		AuthToken string `json:"authToken"`
		CreatedAt int64  `json:"createdAt"`
		Platform  string `json:"platform"`
	}
	okREST(t, h.rest("GET", "/users/superhero2/auth_tokens", "", ""), &toks)
	if len(toks) != 1 || toks[0].AuthToken != s.token || toks[0].CreatedAt == 0 || toks[0].Platform != "GO" {
		t.Fatalf("the login's token: %+v", toks)
	}
	roundTrips(t, h)
}

// TestRESTAPIMessages: sends as the app reach the sockets; multiple
// receivers; a bot; limit and the cursors of the lists; edit and delete.
func TestRESTAPIMessages(t *testing.T) {
	h := newHarness(t, fakeserver.Config{})
	_, c2 := h.connect("superhero2", "")
	defer c2.close()
	var m msgOut
	okREST(t, h.rest("POST", "/messages", `{"receiver":"superhero2","receiverType":"user","data":{"text":"from the app"}}`, ""), &m)
	if m.Sender != "app_system" || m.Category != "message" || m.Type != "text" {
		t.Fatalf("app message %+v", m)
	}
	f := c2.waitFor("the app's message", func(f frame) bool { return f.Type == "message" && f.Sender == "app_system" })
	if !bytes.Contains(f.Body, []byte("from the app")) {
		t.Fatalf("frame %s", f.raw)
	}
	// a custom message needs its type; the category defaults to message
	failsREST(t, h.rest("POST", "/messages", `{"receiver":"superhero2","receiverType":"user","category":"custom","data":{"customData":{"a":1}}}`, ""),
		400, "ERR_EMPTY_MESSAGE_TYPE")
	var multi struct {
		UIDs  map[string]struct{ Success bool } `json:"uids"`
		GUIDs map[string]struct{ Success bool } `json:"guids"`
	}
	okREST(t, h.rest("POST", "/messages", `{"data":{"text":"to all"},"multipleReceivers":{"uids":["superhero3","ghost"],"guids":["supergroup"]}}`, "superhero1"), &multi)
	if !multi.UIDs["superhero3"].Success || multi.UIDs["ghost"].Success || !multi.GUIDs["supergroup"].Success {
		t.Fatalf("multiple receivers %+v", multi)
	}
	okREST(t, h.rest("POST", "/bots/superhero4/messages", `{"receiver":"supergroup","receiverType":"group","data":{"text":"beep"}}`, ""), &m)
	if m.Sender != "superhero4" {
		t.Fatalf("bot message from %q", m.Sender)
	}
	for i := 0; i < 5; i++ {
		okREST(t, h.rest("POST", "/messages", fmt.Sprintf(`{"receiver":"supergroup","receiverType":"group","data":{"text":"n%d"}}`, i), "superhero1"), &m)
	}
	// group messages: limit and the next cursor walk the history forward
	var seen []string
	next := ""
	for page := 0; page < 10; page++ {
		r := h.rest("GET", "/groups/supergroup/messages?limit=3"+next, "", "")
		var ms []msgOut
		okREST(t, r, &ms)
		if len(ms) == 0 {
			break
		}
		if len(ms) > 3 {
			t.Fatalf("%d messages with limit 3", len(ms))
		}
		for _, x := range ms {
			seen = append(seen, x.Data.Text)
		}
		next = "&affix=append&id=" + jsonField(t, r.Meta["next"], "id")
	}
	if got := strings.Join(seen, ","); got != "to all,beep,n0,n1,n2,n3,n4" {
		t.Fatalf("group history %q", got)
	}
	// a user's messages: newest page first, then older with the cursor
	r := h.rest("GET", "/users/superhero2/messages?limit=1", "", "superhero1")
	var ms []msgOut
	okREST(t, r, &ms)
	if len(ms) != 0 {
		t.Fatalf("superhero1 and superhero2 have no messages yet, got %d", len(ms))
	}
	okREST(t, h.rest("GET", "/users/superhero2/messages?perPage=1", "", ""), &ms)
	if len(ms) != 1 || ms[0].Data.Text != "n4" {
		t.Fatalf("superhero2's newest message: %+v", ms)
	}
	// edit and delete as the app
	okREST(t, h.rest("PUT", "/messages/"+m.ID, `{"data":{"text":"n4, edited"},"tags":["x"]}`, ""), &m)
	if m.Data.Action != "edited" || m.Sender != "app_system" {
		t.Fatalf("edit action %+v", m)
	}
	var got msgOut
	okREST(t, h.rest("GET", "/messages/"+m.Data.Entities.On.id(t), "", ""), &got)
	if got.Data.Text != "n4, edited" || got.EditedAt == 0 {
		t.Fatalf("edited message %+v", got)
	}
	okREST(t, h.rest("DELETE", "/messages/"+got.ID, `{"permanent":true}`, ""), (*struct{})(nil))
	failsREST(t, h.rest("GET", "/messages/"+got.ID, "", ""), 404, "ERR_MESSAGE_ID_NOT_FOUND")
	// the app-wide list takes filters
	var texts []msgOut
	okREST(t, h.rest("GET", "/messages?limit=100&sender=superhero4&category=message", "", ""), &texts)
	if len(texts) != 1 || texts[0].Data.Text != "beep" {
		t.Fatalf("filtered %+v", texts)
	}
	roundTrips(t, h)
}

// id returns the id of a message entity.
func (e *entity) id(t *testing.T) string {
	t.Helper()
	if e == nil {
		t.Fatal("no entity")
	}
	return jsonField(t, e.Entity, "id")
}

// TestRESTAPIConversations: marks of delivered, read and unread; pins come
// first in the list; every user's conversations without onBehalfOf.
func TestRESTAPIConversations(t *testing.T) {
	h := newHarness(t, fakeserver.Config{})
	s1 := h.login("superhero1")
	m1 := h.sendText(s1, "user", "superhero2", "one")
	h.sendText(s1, "user", "superhero2", "two")
	h.sendText(s1, "user", "superhero3", "three")
	unread := func() string {
		var c struct {
			Unread string `json:"unreadMessageCount"`
		}
		okREST(t, h.rest("GET", "/users/superhero1/conversation", "", "superhero2"), &c)
		return c.Unread
	}
	if n := unread(); n != "2" {
		t.Fatalf("unread %s, want 2", n)
	}
	okREST(t, h.rest("POST", "/users/superhero1/conversation/read", `{}`, "superhero2"), (*struct{})(nil))
	if n := unread(); n != "0" {
		t.Fatalf("unread %s after read, want 0", n)
	}
	okREST(t, h.rest("DELETE", "/users/superhero1/conversation/read", `{"messageId":`+m1.ID+`}`, "superhero2"), (*struct{})(nil))
	if n := unread(); n != "2" {
		t.Fatalf("unread %s after unread from the first, want 2", n)
	}
	var list []struct {
		ConversationID string `json:"conversationId"`
		PinnedAt       int64  `json:"pinnedAt"`
	}
	okREST(t, h.rest("GET", "/conversations", "", "superhero1"), &list)
	if len(list) != 2 || list[0].ConversationID != "superhero1_user_superhero3" {
		t.Fatalf("conversations %+v", list)
	}
	okREST(t, h.rest("POST", "/users/superhero2/conversation/pin", "", "superhero1"), (*struct{})(nil))
	okREST(t, h.rest("GET", "/conversations", "", "superhero1"), &list)
	if list[0].ConversationID != "superhero1_user_superhero2" || list[0].PinnedAt == 0 {
		t.Fatalf("pinned first: %+v", list)
	}
	// every user's conversations: superhero1's two, superhero2's and superhero3's one each
	okREST(t, h.rest("GET", "/conversations", "", ""), &list)
	if len(list) != 4 {
		t.Fatalf("%d conversations in the app, want 4", len(list))
	}
	okREST(t, h.rest("DELETE", "/users/superhero2/conversation/pin", "", "superhero1"), (*struct{})(nil))
	roundTrips(t, h)
}

// roundTrips checks that the state the REST API made survives a snapshot
// round trip byte for byte.
func roundTrips(t *testing.T, h *harness) {
	t.Helper()
	doc := h.srv.Export()
	fresh, err := fakeserver.New(fakeserver.Config{NoSeed: true, Snapshot: doc})
	if err != nil {
		t.Fatalf("import the snapshot: %v", err)
	}
	defer fresh.Close()
	if got := fresh.Export(); !bytes.Equal(got, doc) {
		t.Fatalf("export → import → export differs:\n%s", firstDiff(doc, got))
	}
	_ = http.StatusOK
}
