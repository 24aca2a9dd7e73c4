package fakeserver_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// restCase is one call of an endpoint as CometChat's REST API docs show it.
type restCase struct {
	method, path string // the documented endpoint (a row of the endpoint table)
	url          string // the concrete path, {name} replaced from the saved values
	body         string
	ob           string   // onBehalfOf, only where the endpoint's page documents it
	authKey      bool     // call with the auth key
	list         bool     // data is an array
	data         []string // keys data (each item of a list) must have
	meta         []string // the exact keys of meta (lists)
	check        func(t *testing.T, r restReply)
	save         map[string]string // name -> key of data to save for later urls
}

// userKeys, groupKeys, messageKeys and convKeys are the documented fields a
// user, group, message and conversation always have.
var (
	userKeys    = []string{"uid", "name", "status", "role", "createdAt"}
	groupKeys   = []string{"guid", "name", "type", "owner", "membersCount", "conversationId", "hasJoined", "createdAt"}
	messageKeys = []string{"id", "conversationId", "sender", "receiverType", "receiver", "category", "type", "data", "sentAt", "updatedAt"}
	convKeys    = []string{"conversationId", "conversationType", "unreadMessageCount", "createdAt", "updatedAt", "lastMessage", "conversationWith"}
	tokenKeys   = []string{"uid", "authToken", "createdAt"}
	okKeys      = []string{"success", "message"}
	pageMeta    = []string{"pagination"}
	cursorMeta  = []string{"cursor", "pagination"}
	msgMetaKeys = []string{"current", "next"}
)

func fieldIs(key, want string) func(t *testing.T, r restReply) {
	return func(t *testing.T, r restReply) {
		t.Helper()
		if got := jsonField(t, r.Data, key); got != want {
			t.Fatalf("data.%s = %q, want %q: %s", key, got, want, r.Raw)
		}
	}
}

func metaIs(part, key, want string) func(t *testing.T, r restReply) {
	return func(t *testing.T, r restReply) {
		t.Helper()
		if got := jsonField(t, r.Meta[part], key); got != want {
			t.Fatalf("meta.%s.%s = %s, want %s: %s", part, key, got, want, r.Raw)
		}
	}
}

// restCases calls every served endpoint in an order where each finds what
// it needs (users, a group, messages), destructive calls last.
func restCases() []restCase {
	return []restCase{
		// Users
		{method: "POST", path: "/users", body: `{"uid":"alice","name":"Alice","withAuthToken":true,"tags":["vip"]}`,
			data: append(userKeys, "authToken", "tags")},
		{method: "POST", path: "/users", body: `{"uid":"bob","name":"Bob"}`, authKey: true, data: userKeys},
		{method: "POST", path: "/users", body: `{"uid":"carol","name":"Carol","link":"https://example.com/carol"}`, data: userKeys},
		{method: "POST", path: "/users", body: `{"uid":"dave","name":"Dave"}`, data: userKeys},
		{method: "POST", path: "/users", body: `{"uid":"erin","name":"Erin"}`, data: userKeys},
		{method: "POST", path: "/users", body: `{"uid":"frank","name":"Frank"}`, data: userKeys},
		{method: "GET", path: "/users", url: "/users?perPage=2&page=2", list: true, data: userKeys, meta: cursorMeta,
			check: metaIs("pagination", "per_page", "2")},
		{method: "GET", path: "/users/{uid}", url: "/users/carol", data: userKeys, check: fieldIs("link", "https://example.com/carol")},
		{method: "PUT", path: "/users/{uid}", url: "/users/carol", body: `{"name":"Carol C","unset":["link"]}`, data: userKeys,
			check: func(t *testing.T, r restReply) {
				if jsonField(t, r.Data, "link") != "" || jsonField(t, r.Data, "name") != "Carol C" {
					t.Fatalf("unset or update not applied: %s", r.Raw)
				}
			}},
		{method: "DELETE", path: "/users", body: `{"uidsToDeactivate":["frank"]}`, data: []string{"deactivatedUids"}},
		{method: "PUT", path: "/users", body: `{"uidsToActivate":["frank"]}`, data: []string{"nonDeactivatedUids"}},
		// Auth Tokens
		{method: "POST", path: "/users/{uid}/auth_tokens", url: "/users/bob/auth_tokens", body: `{"force":true}`, authKey: true,
			data: tokenKeys, save: map[string]string{"token": "authToken"}},
		{method: "GET", path: "/users/{uid}/auth_tokens", url: "/users/bob/auth_tokens", list: true, data: tokenKeys, meta: pageMeta},
		{method: "GET", path: "/users/{uid}/auth_tokens/{authToken}", url: "/users/bob/auth_tokens/{token}", data: tokenKeys},
		{method: "PUT", path: "/users/{uid}/auth_tokens/{authToken}", url: "/users/bob/auth_tokens/{token}",
			body: `{"platform":"web","userAgent":"test","appInfo":{"version":"1"}}`, data: append(tokenKeys, "platform", "userAgent", "appInfo")},
		{method: "DELETE", path: "/users/{uid}/auth_tokens/{authToken}", url: "/users/bob/auth_tokens/{token}", data: okKeys},
		{method: "DELETE", path: "/users/{uid}/auth_tokens", url: "/users/alice/auth_tokens", data: okKeys},
		// Groups: the app creates one owned by alice
		{method: "POST", path: "/groups",
			body: `{"guid":"club","name":"Club","type":"public","owner":"alice","members":{"participants":["bob"],"moderators":["carol"]}}`,
			data: groupKeys, check: func(t *testing.T, r restReply) {
				if jsonField(t, r.Data, "owner") != "alice" || jsonField(t, r.Data, "membersCount") != "3" {
					t.Fatalf("owner or members not applied: %s", r.Raw)
				}
			}},
		{method: "GET", path: "/groups", list: true, data: groupKeys, meta: cursorMeta},
		{method: "GET", path: "/groups/{guid}", url: "/groups/club", data: groupKeys},
		{method: "PUT", path: "/groups/{guid}", url: "/groups/club", body: `{"description":"A club","unset":["icon"]}`,
			data: groupKeys, check: fieldIs("description", "A club")},
		// Group Members and Banned Users
		{method: "POST", path: "/groups/{guid}/members", url: "/groups/club/members",
			body: `{"participants":["dave"],"usersToBan":["erin"]}`, data: []string{"participants", "usersToBan"}},
		{method: "GET", path: "/groups/{guid}/members", url: "/groups/club/members?perPage=3", list: true,
			data: append(userKeys, "scope", "joinedAt"), meta: cursorMeta, check: metaIs("pagination", "count", "3")},
		{method: "PUT", path: "/groups/{guid}/members/{uid}", url: "/groups/club/members/dave", body: `{"scope":"moderator"}`,
			data: []string{"guid", "uid", "scope", "joinedAt"}, check: fieldIs("scope", "moderator")},
		{method: "DELETE", path: "/groups/{guid}/members/{uid}", url: "/groups/club/members/dave", data: okKeys},
		{method: "POST", path: "/groups/{guid}/bannedusers/{uid}", url: "/groups/club/bannedusers/dave", data: okKeys},
		{method: "GET", path: "/groups/{guid}/bannedusers", url: "/groups/club/bannedusers", list: true, data: userKeys, meta: pageMeta},
		{method: "DELETE", path: "/groups/{guid}/bannedusers/{uid}", url: "/groups/club/bannedusers/dave", data: okKeys},
		// Messages: category and type default to message and text
		{method: "POST", path: "/messages", body: `{"receiver":"bob","receiverType":"user","data":{"text":"Hello Bob"}}`, ob: "alice",
			data: messageKeys, save: map[string]string{"msg": "id"}, check: func(t *testing.T, r restReply) {
				if jsonField(t, r.Data, "category") != "message" || jsonField(t, r.Data, "type") != "text" {
					t.Fatalf("the documented defaults were not applied: %s", r.Raw)
				}
			}},
		{method: "POST", path: "/messages", body: `{"receiverType":"user","data":{"text":"News"},"multipleReceivers":{"uids":["bob","carol"],"guids":["club"]}}`,
			data: []string{"uids", "guids"}},
		{method: "POST", path: "/bots/{uid}/messages", url: "/bots/carol/messages",
			body: `{"receiver":"club","receiverType":"group","category":"message","type":"text","data":{"text":"I am a bot"}}`,
			data: messageKeys, save: map[string]string{"groupMsg": "id"}, check: fieldIs("sender", "carol")},
		{method: "GET", path: "/messages", url: "/messages?limit=2", list: true, data: messageKeys, meta: msgMetaKeys,
			check: metaIs("current", "limit", "2")},
		{method: "GET", path: "/messages/{id}", url: "/messages/{msg}", data: messageKeys},
		{method: "PUT", path: "/messages/{id}", url: "/messages/{msg}", body: `{"data":{"text":"Hello again, Bob"}}`, ob: "alice",
			data: messageKeys, check: fieldIs("type", "message")},
		{method: "POST", path: "/messages/{id}/thread", url: "/messages/{msg}/thread", body: `{"data":{"text":"A reply"}}`, ob: "bob",
			data: append(messageKeys, "parentId")},
		{method: "GET", path: "/messages/{id}/thread", url: "/messages/{msg}/thread", list: true, data: messageKeys, meta: msgMetaKeys},
		{method: "GET", path: "/users/{uid}/messages", url: "/users/bob/messages", ob: "alice", list: true, data: messageKeys, meta: cursorMeta},
		{method: "GET", path: "/groups/{guid}/messages", url: "/groups/club/messages", list: true, data: messageKeys, meta: msgMetaKeys},
		// Conversations
		{method: "GET", path: "/conversations", ob: "alice", list: true, data: convKeys, meta: pageMeta},
		{method: "GET", path: "/users/{uid}/conversation", url: "/users/bob/conversation", ob: "alice", data: convKeys},
		{method: "PUT", path: "/users/{uid}/conversation", url: "/users/bob/conversation", body: `{"tags":["work"]}`, ob: "alice", data: convKeys},
		{method: "POST", path: "/users/{uid}/conversation/delivered", url: "/users/alice/conversation/delivered", body: `{}`, ob: "bob", data: okKeys},
		{method: "POST", path: "/users/{uid}/conversation/read", url: "/users/alice/conversation/read", ob: "bob", data: okKeys},
		{method: "DELETE", path: "/users/{uid}/conversation/read", url: "/users/alice/conversation/read", body: `{"messageId":{msg}}`, ob: "bob", data: okKeys},
		{method: "POST", path: "/users/{uid}/conversation/pin", url: "/users/bob/conversation/pin", ob: "alice",
			data: append(convKeys, "pinnedAt", "pinnedBy")},
		{method: "DELETE", path: "/users/{uid}/conversation/pin", url: "/users/bob/conversation/pin", ob: "alice", data: convKeys},
		{method: "GET", path: "/groups/{guid}/conversation", url: "/groups/club/conversation", ob: "alice", data: convKeys},
		{method: "PUT", path: "/groups/{guid}/conversation", url: "/groups/club/conversation", body: `{"tags":["fun"]}`, ob: "alice", data: convKeys},
		{method: "POST", path: "/groups/{guid}/conversation/delivered", url: "/groups/club/conversation/delivered", ob: "bob", data: okKeys},
		{method: "POST", path: "/groups/{guid}/conversation/read", url: "/groups/club/conversation/read", ob: "bob", data: okKeys},
		{method: "DELETE", path: "/groups/{guid}/conversation/read", url: "/groups/club/conversation/read", body: `{"messageId":{groupMsg}}`, data: okKeys},
		{method: "POST", path: "/groups/{guid}/conversation/pin", url: "/groups/club/conversation/pin", ob: "bob", data: append(convKeys, "pinnedAt")},
		{method: "DELETE", path: "/groups/{guid}/conversation/pin", url: "/groups/club/conversation/pin", ob: "bob", data: convKeys},
		{method: "GET", path: "/conversations/{conversationId}", url: "/conversations/alice_user_bob", ob: "alice", data: convKeys},
		{method: "DELETE", path: "/groups/{guid}/conversation", url: "/groups/club/conversation", ob: "bob", data: okKeys},
		{method: "DELETE", path: "/users/{uid}/conversation", url: "/users/alice/conversation", ob: "bob", data: okKeys},
		{method: "DELETE", path: "/conversations/{conversationId}", url: "/conversations/alice_user_bob", ob: "alice", data: okKeys},
		// Friends and Blocked Users
		{method: "POST", path: "/users/{uid}/friends", url: "/users/alice/friends", body: `{"accepted":["bob","carol"]}`, data: []string{"accepted"}},
		{method: "GET", path: "/users/{uid}/friends", url: "/users/alice/friends", list: true, data: userKeys, meta: cursorMeta},
		{method: "DELETE", path: "/users/{uid}/friends", url: "/users/alice/friends", body: `{"friends":["carol"]}`, data: okKeys},
		{method: "POST", path: "/users/{uid}/blockedusers", url: "/users/alice/blockedusers", body: `{"blockedUids":["dave"]}`, data: []string{"dave"}},
		{method: "GET", path: "/users/{uid}/blockedusers", url: "/users/alice/blockedusers", list: true,
			data: append(userKeys, "blockedByMe", "blockedByMeAt"), meta: cursorMeta},
		{method: "DELETE", path: "/users/{uid}/blockedusers", url: "/users/alice/blockedusers", body: `{"blockedUids":["dave"]}`, data: []string{"dave"}},
		// Destructive calls last
		{method: "DELETE", path: "/messages/{id}", url: "/messages/{msg}", ob: "alice", data: messageKeys, check: fieldIs("type", "message")},
		{method: "DELETE", path: "/groups/{guid}", url: "/groups/club", data: okKeys},
		{method: "DELETE", path: "/users/{uid}", url: "/users/erin", body: `{"permanent":true}`, data: okKeys},
	}
}

// TestRESTAPIEndpoints calls every served endpoint of the REST API the way
// CometChat's docs show (documented headers only: apikey, onBehalfOf where
// the page has it, Content-Type) and checks the status and the shape of the
// reply: data's fields, and meta's keys for lists.
func TestRESTAPIEndpoints(t *testing.T) {
	h := newHarness(t, fakeserver.Config{NoSeed: true})
	saved := map[string]string{}
	called := map[string]bool{}
	for i, c := range restCases() {
		url := c.url
		if url == "" {
			url = c.path
		}
		body := c.body
		for k, v := range saved {
			url = strings.ReplaceAll(url, "{"+k+"}", v)
			body = strings.ReplaceAll(body, "{"+k+"}", v)
		}
		var hdr []string
		if c.authKey {
			hdr = []string{"apikey", testAuthKey}
		}
		r := h.rest(c.method, url, body, c.ob, hdr...)
		name := c.method + " " + c.path
		called[name] = true
		if r.Status != http.StatusOK || r.Error != nil {
			t.Fatalf("#%d %s (%s): %d %s", i, name, url, r.Status, r.Raw)
		}
		if c.list {
			var items []json.RawMessage
			if err := json.Unmarshal(r.Data, &items); err != nil {
				t.Fatalf("#%d %s: data is not a list: %s", i, name, r.Raw)
			}
			if len(items) == 0 {
				t.Fatalf("#%d %s: the list is empty, nothing to check: %s", i, name, r.Raw)
			}
			for _, it := range items {
				hasKeys(t, name, it, c.data)
			}
			var mk []string
			for k := range r.Meta {
				mk = append(mk, k)
			}
			sort.Strings(mk)
			if !reflect.DeepEqual(mk, c.meta) {
				t.Fatalf("#%d %s: meta keys %v, want %v: %s", i, name, mk, c.meta, r.Raw)
			}
		} else {
			hasKeys(t, name, r.Data, c.data)
		}
		if c.check != nil {
			c.check(t, r)
		}
		for k, key := range c.save {
			saved[k] = jsonField(t, r.Data, key)
		}
	}
	// every served endpoint was called
	for _, e := range fakeserver.RESTEndpoints() {
		if e.Served && !called[e.Method+" "+e.Path] {
			t.Errorf("served endpoint %s %s has no call in restCases", e.Method, e.Path)
		}
	}
	// the permanently deleted uid can be created again, as a new user
	okREST(t, h.rest("POST", "/users", `{"uid":"erin","name":"Erin again"}`, ""), (*struct{})(nil))
}

// TestRESTAPINotServed: every documented endpoint the emulator does not
// serve, and every path of a resource it does not serve, answers 501
// ERR_NOT_SERVED naming it.
func TestRESTAPINotServed(t *testing.T) {
	h := newHarness(t, fakeserver.Config{})
	n := 0
	for _, e := range fakeserver.RESTEndpoints() {
		if e.Served {
			continue
		}
		n++
		path := strings.NewReplacer("{id}", "1", "{reaction}", "x", "{uid}", "superhero1").Replace(e.Path)
		r := h.rest(e.Method, path, "", "superhero1")
		failsREST(t, r, http.StatusNotImplemented, "ERR_NOT_SERVED")
		if !strings.Contains(r.Error.Message, e.Method+" /v3"+e.Path) {
			t.Errorf("%s %s: the message does not name the endpoint: %s", e.Method, e.Path, r.Error.Message)
		}
	}
	if n == 0 {
		t.Fatal("no endpoint is listed as not served")
	}
	for _, p := range []string{"/roles", "/roles/default/permissions", "/apikeys", "/stats", "/moderation/rules",
		"/notifications/v1/settings", "/groups/supergroup/scopes/admin/permissions", "/data_import/messages"} {
		failsREST(t, h.rest("GET", p, "", ""), http.StatusNotImplemented, "ERR_NOT_SERVED")
	}
	failsREST(t, h.rest("GET", "/nothing-here", "", ""), http.StatusNotFound, "ERR_API_NOT_FOUND")
}
