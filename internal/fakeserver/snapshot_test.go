package fakeserver_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// richTraffic leaves something of every kind in the state: users, tokens,
// sessions with a push token, blocks, friends, a password group with members
// and a ban, messages with an edit, a deletion, a thread, a receipt, a
// tagged conversation, a call and a media file.
func richTraffic(t *testing.T, h *harness) {
	t.Helper()
	alice, bob := h.login("superhero1"), h.login("superhero2")
	ok[json.RawMessage](t, h.do(req{method: "POST", path: "users", apiKey: testAPIKey,
		body: `{"uid":"zed","name":"Zed <z&z>","tags":["t1"],"metadata":{"b":[1,2],"a":"x"}}`}), nil)
	ok[json.RawMessage](t, h.do(req{method: "POST", path: "blockedusers", token: alice.token, body: `{"blockedUids":["superhero3"]}`}), nil)
	ok[json.RawMessage](t, h.do(req{method: "POST", path: "users/superhero1/friends", apiKey: testAPIKey, body: `{"accepted":["superhero2"]}`}), nil)
	ok[json.RawMessage](t, h.do(req{method: "POST", path: "groups", token: alice.token,
		body: `{"guid":"g1","name":"G1","type":"password","password":"pw","tags":["team"]}`}), nil)
	ok[json.RawMessage](t, h.do(req{method: "PUT", path: "groups/g1/members", token: alice.token,
		body: `{"participants":["superhero2"],"usersToBan":["superhero4"]}`}), nil)
	m1 := h.sendText(alice, "user", "superhero2", "hello <b>")
	m2 := h.sendText(alice, "group", "g1", "to the group")
	h.sendText(bob, "user", "superhero1", "reply")
	ok[json.RawMessage](t, h.do(req{method: "PUT", path: "messages/" + m1.ID, token: alice.token, body: `{"text":"hello, edited"}`}), nil)
	ok[json.RawMessage](t, h.do(req{method: "DELETE", path: "messages/" + m2.ID, token: alice.token}), nil)
	ok[json.RawMessage](t, h.do(req{method: "POST", path: "messages/" + m1.ID + "/thread", token: bob.token, resource: bob.session,
		body: `{"receiver":"superhero1","receiverType":"user","category":"message","type":"text","data":{"text":"in thread"}}`}), nil)
	ok[json.RawMessage](t, h.do(req{method: "PUT", path: "users/superhero2/conversation", token: alice.token, body: `{"tags":["vip"]}`}), nil)
	ok[json.RawMessage](t, h.do(req{method: "POST", path: "calls", token: alice.token,
		body: `{"receiver":"superhero2","receiverType":"user","type":"audio"}`}), nil)
	ok[json.RawMessage](t, h.do(req{method: "PUT", path: "me", token: bob.token, resource: bob.session,
		body: `{"appInfo":{"pushNotification":{"fcmDeviceToken":"fcm-1","settings":{"sound":true}}}}`}), nil)
	ct, body := multipartBody(t, [][2]string{{"receiver", "superhero2"}, {"receiverType", "user"}, {"category", "message"},
		{"type", "image"}}, map[string][]byte{"pic.png": {0x89, 'P', 'N', 'G', 0, 1, 2}})
	if r := h.postMultipart(alice, ct, body); r.Status != http.StatusOK {
		t.Fatalf("upload: %d %s", r.Status, r.Raw)
	}
	_, c := h.connect("superhero2", "NONE")
	c.send(outFrame{AppID: testApp, Type: "receipts", Receiver: "superhero1", ReceiverType: "user", Sender: "superhero2",
		Body: mustJSON(map[string]string{"messageId": m1.ID, "action": "read"})})
	for deadline := time.Now().Add(waitTimeout); ; time.Sleep(5 * time.Millisecond) {
		var got msgOut
		ok(t, h.do(req{method: "GET", path: "messages/" + m1.ID, token: alice.token}), &got)
		if got.Receipts != nil && len(got.Receipts.Data) > 0 && got.Receipts.Data[0].ReadAt != 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the read receipt was not recorded")
		}
	}
	c.close()
	if err := h.srv.Close(); err != nil { // the socket's presence has settled
		t.Fatal(err)
	}
}

// TestSnapshotRoundTrip: export, import into a fresh server, export again
// gives the same document; through Config.Snapshot and through Import.
func TestSnapshotRoundTrip(t *testing.T) {
	h := newHarness(t, fakeserver.Config{})
	richTraffic(t, h)
	doc := h.srv.Export()
	for _, want := range []string{`"format": "cometchat-fake-snapshot"`, `"version": 1`, `"password": "pw"`,
		`"pushToken": "fcm-1"`, `"text": "hello, edited"`, `"readAt"`, `"name": "pic.png"`, `"name": "Zed <z&z>"`} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("the snapshot lacks %s", want)
		}
	}
	fresh, err := fakeserver.New(fakeserver.Config{Snapshot: doc})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	if got := fresh.Export(); !bytes.Equal(got, doc) {
		t.Fatalf("export → New(Snapshot) → export differs:\n%s", firstDiff(doc, got))
	}
	other, err := fakeserver.New(fakeserver.Config{NoSeed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := other.Import(doc); err != nil {
		t.Fatal(err)
	}
	if got := other.Export(); !bytes.Equal(got, doc) {
		t.Fatalf("export → Import → export differs:\n%s", firstDiff(doc, got))
	}
	if other.LastMessageID() != h.srv.LastMessageID() {
		t.Fatalf("last id %d, want %d", other.LastMessageID(), h.srv.LastMessageID())
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n- " + al[i] + "\n+ " + bl[i]
		}
	}
	return "lengths differ"
}

func itoa(n int) string { return strings.TrimSpace(string(mustJSON(n))) }

// mutate decodes doc, lets f change it and encodes it again.
func mutate(t *testing.T, doc []byte, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	f(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func list(m map[string]any, key string) []any { return m[key].([]any) }

func obj(v any) map[string]any { return v.(map[string]any) }

// TestBadSnapshotsAreRefused: a wrong version, dangling member or message
// references, duplicate ids... are refused with an error naming the first
// problem, and the running state is untouched (Import and the hook alike).
func TestBadSnapshotsAreRefused(t *testing.T) {
	h := newHarness(t, fakeserver.Config{})
	alice := h.login("superhero1")
	m1 := h.sendText(alice, "user", "superhero2", "one")
	h.sendText(alice, "group", "supergroup", "two")
	ok[json.RawMessage](t, h.do(req{method: "POST", path: "messages/" + m1.ID + "/thread", token: alice.token,
		body: `{"receiver":"superhero2","receiverType":"user","category":"message","type":"text","data":{"text":"t"}}`}), nil)
	good := h.srv.Export()
	cases := []struct {
		name string
		doc  []byte
		want string
	}{
		{"not JSON", []byte("{"), "not a JSON snapshot"},
		{"wrong format", mutate(t, good, func(m map[string]any) { m["format"] = "something-else" }), `format is "something-else"`},
		{"newer version", mutate(t, good, func(m map[string]any) { m["version"] = 2 }), "version 2 is not supported"},
		{"unknown field", mutate(t, good, func(m map[string]any) { m["colour"] = "blue" }), `unknown field "colour"`},
		{"dangling member", mutate(t, good, func(m map[string]any) {
			obj(obj(list(m, "groups")[0])["members"].([]any)[0])["uid"] = "ghost"
		}), `groups[0] (supergroup) members[0]: uid "ghost" is not a user`},
		{"dangling owner", mutate(t, good, func(m map[string]any) { obj(list(m, "groups")[0])["owner"] = "ghost" }),
			`owner "ghost" is not a user`},
		{"dangling sender", mutate(t, good, func(m map[string]any) { obj(list(m, "messages")[1])["sender"] = "ghost" }),
			`messages[1]`},
		{"dangling parent", mutate(t, good, func(m map[string]any) { obj(list(m, "messages")[2])["parentId"] = 12 }),
			`parentId 12 is not an earlier message`},
		{"dangling token", mutate(t, good, func(m map[string]any) { obj(list(m, "authTokens")[0])["uid"] = "ghost" }),
			`authTokens[0]: uid "ghost" is not a user`},
		{"duplicate message id", mutate(t, good, func(m map[string]any) {
			obj(list(m, "messages")[1])["id"] = obj(list(m, "messages")[0])["id"]
		}), "messages[1]", // duplicate or out-of-order message id
		},
		{"gap in message ids", mutate(t, good, func(m map[string]any) {
			msgs := list(m, "messages")
			m["messages"] = append(msgs[:1:1], msgs[2:]...)
		}), "must be consecutive"},
		{"duplicate user", mutate(t, good, func(m map[string]any) { m["users"] = append(list(m, "users"), list(m, "users")[0]) }),
			`duplicate uid "superhero1"`},
		{"duplicate group", mutate(t, good, func(m map[string]any) { m["groups"] = append(list(m, "groups"), list(m, "groups")[0]) }),
			`duplicate guid "supergroup"`},
		{"bad scope", mutate(t, good, func(m map[string]any) {
			obj(obj(list(m, "groups")[0])["members"].([]any)[0])["scope"] = "king"
		}), `scope "king"`},
		{"trailing data", append(append([]byte(nil), good...), []byte(`{}`)...), "after top-level value"},
	}
	before := h.srv.Export()
	for _, c := range cases {
		err := h.srv.Import(c.doc)
		if err == nil || !errors.Is(err, fakeserver.ErrBadSnapshot) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want ErrBadSnapshot naming %q", c.name, err, c.want)
		}
		hr, _ := http.NewRequest("POST", strings.TrimSuffix(h.srv.BaseURL(), "/v3.0")+"/_fake/import", bytes.NewReader(c.doc))
		hr.Header.Set("apiKey", testAPIKey)
		resp, err := h.client.Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(raw), "ERR_BAD_REQUEST") ||
			!strings.Contains(string(raw), jsonEscaped(c.want)) {
			t.Errorf("%s: hook answered %d %s", c.name, resp.StatusCode, raw)
		}
		if after := h.srv.Export(); !bytes.Equal(after, before) {
			t.Fatalf("%s: the refused snapshot changed the state:\n%s", c.name, firstDiff(before, after))
		}
	}
	// the good one is accepted by the hook, and export serves it back
	resp := hookDo(t, h, "POST", "/_fake/import", good)
	if resp.Status != http.StatusOK {
		t.Fatalf("import of a good snapshot: %d %s", resp.Status, resp.Raw)
	}
	if got := hookDo(t, h, "GET", "/_fake/export", nil); got.Status != http.StatusOK || !bytes.Equal(got.Raw, good) {
		t.Fatalf("GET /_fake/export: %d\n%s", got.Status, firstDiff(good, got.Raw))
	}
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return strings.Trim(string(b), `"`)
}

func hookDo(t *testing.T, h *harness, method, path string, body []byte) reply {
	t.Helper()
	hr, _ := http.NewRequest(method, strings.TrimSuffix(h.srv.BaseURL(), "/v3.0")+path, bytes.NewReader(body))
	hr.Header.Set("apiKey", testAPIKey)
	resp, err := h.client.Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return reply{Status: resp.StatusCode, Raw: raw}
}
