package fakeserver_test

import (
	"encoding/json"
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

func isMessage(text string) func(frame) bool {
	return func(f frame) bool {
		if f.Type != "message" {
			return false
		}
		var m msgOut
		return json.Unmarshal(f.Body, &m) == nil && m.Data.Text == text
	}
}

func TestPingBeforeAndAfterAuth(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	c := h.dial()
	c.sendRaw([]byte(`{"action":"ping","ack":"true"}`))
	if f := c.waitFor("pong", func(frame) bool { return true }); string(f.raw) != `{"action":"pong"}` {
		t.Fatalf("pong before auth: %s", f.raw)
	}
	// garbage is ignored, the socket stays usable
	c.sendRaw([]byte(`not json`))
	c.sendRaw([]byte(`[1,2]`))
	c.auth(h.login("superhero1"), "NONE")
	c.sendRaw([]byte(`{"action":"ping","ack":"true"}`))
	if f := c.waitFor("pong", func(frame) bool { return true }); f.Action != "pong" {
		t.Fatalf("pong after auth: %s", f.raw)
	}
}

func TestAuthFrame(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	s := h.login("superhero1")
	c := h.dial()
	c.auth(s, "ALL_USERS")
	if err := h.srv.WaitForSockets(ctxTimeout(t), "superhero1", 1); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		s    session
	}{
		{"bad jwt", session{uid: "superhero2", jwt: "a.b.c", session: "X"}},
		{"no jwt", session{uid: "superhero2", session: "X"}},
		{"jwt of another user", session{uid: "superhero2", jwt: s.jwt, session: "X"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := h.dial()
			bad.authWith(tc.s, "NONE", nil)
			f := bad.waitFor("auth reply", func(f frame) bool { return f.Type == "auth" })
			var b struct {
				Code   json.RawMessage `json:"code"`
				Status string          `json:"status"`
			}
			_ = json.Unmarshal(f.Body, &b)
			if string(b.Code) != `"401"` || b.Status != "UNAUTHORIZED" {
				t.Fatalf("auth failure reply: %s", f.raw)
			}
			ci, closeFrame := bad.waitClosed(t)
			if !closeFrame {
				t.Fatal("socket was not closed with a close frame")
			}
			if ci.code != 4001 {
				t.Fatalf("close code %d", ci.code)
			}
		})
	}
}

func TestMessageFanOutAndDeviceID(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	a1s, a1 := h.connect("superhero1", "NONE")
	_, a2 := h.another(a1s, "NONE")
	b1s, b1 := h.connect("superhero2", "NONE")

	m := h.sendText(a1s, "user", "superhero2", "hi b")
	for name, c := range map[string]*wsClient{"receiver": b1, "sender's other session": a2} {
		f := c.next("message at " + name)
		got := decode[msgOut](t, f.Body)
		if f.Type != "message" || got.ID != m.ID || got.Data.Text != "hi b" || f.DeviceID != a1s.session ||
			f.Sender != "superhero1" || f.Receiver != "superhero2" || f.ReceiverType != "user" || f.AppID != testApp {
			t.Fatalf("%s got %s", name, f.raw)
		}
		if got.Data.Entities == nil || got.Data.Entities.Sender == nil || got.Data.Entities.Receiver == nil {
			t.Fatalf("push without entities: %s", f.raw)
		}
	}
	// the originating session gets nothing: its next frame is b's reply
	h.sendText(b1s, "user", "superhero1", "hi a")
	if f := a1.next("reply at a1"); !isMessage("hi a")(f) || f.DeviceID != b1s.session {
		t.Fatalf("originating session got %s", f.raw)
	}
	// a message from b reaches both of a's sessions
	if f := a2.next("reply at a2"); !isMessage("hi a")(f) {
		t.Fatalf("a2 got %s", f.raw)
	}
	// a repeated muid is neither stored nor pushed again
	body := string(mustJSON(textReq{Receiver: "superhero2", ReceiverType: "user", Category: "message", Type: "text",
		Data: textData{Text: "once"}, Muid: "mu-1"}))
	ok(t, h.do(req{method: "POST", path: "messages", token: a1s.token, resource: a1s.session, body: body}), &msgOut{})
	ok(t, h.do(req{method: "POST", path: "messages", token: a1s.token, resource: a1s.session, body: body}), &msgOut{})
	h.sendText(a1s, "user", "superhero2", "twice?")
	if f := b1.next("first"); !isMessage("once")(f) {
		t.Fatalf("b got %s", f.raw)
	}
	if f := b1.next("second"); !isMessage("twice?")(f) {
		t.Fatalf("duplicate muid was pushed again: %s", f.raw)
	}
	// a message without a resource header reaches every session
	if _, err := h.srv.SendText("superhero2", "user", "superhero1", "from helper"); err != nil {
		t.Fatal(err)
	}
	a1.waitFor("helper message at a1", isMessage("from helper"))
	a2.waitFor("helper message at a2", isMessage("from helper"))
}

func TestGroupMessageFanOut(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	as, a := h.connect("superhero1", "NONE")
	_, b := h.connect("superhero2", "NONE")
	_, c := h.connect("superhero3", "NONE")
	if err := h.srv.CreateUser(fakeserver.User{UID: "outsider"}); err != nil {
		t.Fatal(err)
	}
	os, o := h.connect("outsider", "NONE")
	h.sendText(as, "group", "supergroup", "hello heroes")
	for _, cl := range []*wsClient{b, c} {
		f := cl.waitFor("group message", isMessage("hello heroes"))
		if f.Receiver != "supergroup" || f.ReceiverType != "group" || f.DeviceID != as.session {
			t.Fatalf("group push %s", f.raw)
		}
	}
	fails(t, h.do(req{method: "POST", path: "messages", token: os.token,
		body: `{"receiver":"supergroup","receiverType":"group","category":"message","type":"text","data":{"text":"x"}}`}),
		403, "ERR_GROUP_NOT_JOINED")
	// neither the sender's session nor the outsider got it
	h.sendText(h.login("superhero2"), "user", "superhero1", "marker")
	if f := a.next("marker"); !isMessage("marker")(f) {
		t.Fatalf("sender session got %s", f.raw)
	}
	if _, err := h.srv.SendText("superhero2", "user", "outsider", "marker2"); err != nil {
		t.Fatal(err)
	}
	if f := o.next("marker2"); !isMessage("marker2")(f) {
		t.Fatalf("outsider got %s", f.raw)
	}
}

func TestTypingNormalisation(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	as, a := h.connect("superhero1", "NONE")
	a2s, a2 := h.another(as, "NONE")
	_, b := h.connect("superhero2", "NONE")
	_, c := h.connect("superhero3", "NONE")

	body := mustJSON(typingBody{Action: "ended", User: userRef{UID: "superhero1", Name: "Iron Man"}, Data: json.RawMessage(`{}`)})
	a.send(outFrame{AppID: testApp, Receiver: "SuperHero2", ReceiverType: "chat", DeviceID: as.session,
		Type: "typing_indicator", Sender: "superhero1", Body: body})
	f := b.next("typing at b")
	if got := decode[typingBody](t, f.Body); f.Type != "typing_indicator" || f.ReceiverType != "user" || f.Receiver != "superhero2" ||
		f.DeviceID != as.session || f.Sender != "superhero1" || got.Action != "ended" || got.User != (userRef{UID: "superhero1", Name: "Iron Man"}) ||
		string(got.Data) != `{}` {
		t.Fatalf("typing relay: %s", f.raw)
	}
	// group typing: every member's sessions but the typer's own session
	a.send(outFrame{AppID: testApp, Receiver: "supergroup", ReceiverType: "groupchat", DeviceID: as.session,
		Type: "typing_indicator", Sender: "superhero1", Body: body})
	for _, cl := range []*wsClient{b, c, a2} {
		if f := cl.next("group typing"); f.Type != "typing_indicator" || f.ReceiverType != "group" || f.Receiver != "supergroup" {
			t.Fatalf("group typing: %s", f.raw)
		}
	}
	// transient messages route the same way, data untouched
	tb := mustJSON(typingBody{User: userRef{UID: "superhero1"}, Data: json.RawMessage(`{"live_reaction":"heart"}`)})
	a2.send(outFrame{AppID: testApp, Receiver: "superhero2", ReceiverType: "user", DeviceID: a2s.session,
		Type: "transient_message", Sender: "superhero1", Body: tb})
	if f := b.next("transient"); f.Type != "transient_message" || f.DeviceID != a2s.session ||
		string(decode[typingBody](t, f.Body).Data) != `{"live_reaction":"heart"}` {
		t.Fatalf("transient: %s", f.raw)
	}
	// frames claiming another sender are ignored; the typer never gets its own
	a.send(outFrame{AppID: testApp, Receiver: "superhero2", ReceiverType: "user", DeviceID: as.session,
		Type: "typing_indicator", Sender: "superhero3", Body: body})
	h.sendText(h.login("superhero3"), "user", "superhero2", "marker")
	if f := b.next("marker"); !isMessage("marker")(f) {
		t.Fatalf("spoofed typing relayed: %s", f.raw)
	}
	h.sendText(h.login("superhero3"), "user", "superhero1", "marker")
	if f := a.next("marker"); !isMessage("marker")(f) {
		t.Fatalf("typer got %s", f.raw)
	}
}

func TestReceiptsTimestampAndPersistence(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	as, a := h.connect("superhero1", "NONE")
	bs, b := h.connect("superhero2", "NONE")
	m1 := h.sendText(as, "user", "superhero2", "one")
	m2 := h.sendText(as, "user", "superhero2", "two")
	b.waitFor("two", isMessage("two"))

	rb := mustJSON(typingBody{Action: "delivered", MessageID: m2.ID, User: userRef{UID: "superhero2"}})
	b.send(outFrame{AppID: testApp, Receiver: "superhero1", ReceiverType: "user", DeviceID: bs.session, Type: "receipts",
		Sender: "superhero2", MessageSender: "superhero1", Body: rb})
	f := a.next("delivered receipt")
	got := decode[typingBody](t, f.Body)
	if f.Type != "receipts" || got.Action != "delivered" || got.MessageID != m2.ID || got.Timestamp == 0 ||
		got.User.UID != "superhero2" || f.DeviceID != bs.session || f.MessageSender != "superhero1" {
		t.Fatalf("receipt: %s", f.raw)
	}
	// cumulative: the older message is delivered too
	var d1 msgOut
	ok(t, h.do(req{method: "GET", path: "messages/" + m1.ID, token: as.token}), &d1)
	if d1.DeliveredAt == 0 || d1.ReadAt != 0 || d1.Receipts == nil || len(d1.Receipts.Data) != 1 ||
		d1.Receipts.Data[0].Recipient.UID != "superhero2" || d1.Receipts.Data[0].DeliveredAt == 0 {
		t.Fatalf("sender view after delivered: %+v", d1)
	}
	rb = mustJSON(typingBody{Action: "read", MessageID: m1.ID, User: userRef{UID: "superhero2"}})
	b.send(outFrame{AppID: testApp, Receiver: "superhero1", ReceiverType: "user", DeviceID: bs.session, Type: "receipts",
		Sender: "superhero2", MessageSender: "superhero1", Body: rb})
	a.waitFor("read receipt", func(f frame) bool { return f.Type == "receipts" })
	var r1, r2 msgOut
	ok(t, h.do(req{method: "GET", path: "messages/" + m1.ID, token: bs.token}), &r1)
	ok(t, h.do(req{method: "GET", path: "messages/" + m2.ID, token: bs.token}), &r2)
	if r1.MyReceipt == nil || r1.MyReceipt.ReadAt == 0 || r2.MyReceipt == nil || r2.MyReceipt.ReadAt != 0 {
		t.Fatalf("receiver view: %+v / %+v", r1.MyReceipt, r2.MyReceipt)
	}
	if r1.UpdatedAt < r1.SentAt {
		t.Fatalf("updatedAt must follow the receipt: %+v", r1)
	}
}

func TestPresenceSubscriptions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	if err := h.srv.AddFriends("superhero1", "superhero4"); err != nil {
		t.Fatal(err)
	}
	_, all := h.connect("superhero2", "ALL_USERS")
	_, none := h.connect("superhero3", "NONE")
	_, friends := h.connect("superhero4", "FRIENDS")
	rs := h.login("superhero5")
	roles := h.dial()
	roles.authWith(rs, "ROLES", []string{"admin"})
	roles.waitFor("auth", func(f frame) bool { return f.Type == "auth" })

	as, a := h.connect("superhero1", "NONE")
	isPresence := func(action string) func(frame) bool {
		return func(f frame) bool {
			if f.Type != "presence" {
				return false
			}
			var b struct {
				Action    string  `json:"action"`
				Timestamp int64   `json:"timestamp"`
				User      userOut `json:"user"`
			}
			return json.Unmarshal(f.Body, &b) == nil && b.Action == action && b.User.UID == "superhero1" && b.Timestamp > 0
		}
	}
	for name, c := range map[string]*wsClient{"all": all, "friends": friends} {
		f := c.waitFor(name+" online", isPresence("online"))
		if f.DeviceID != as.session || f.Sender != "superhero1" {
			t.Fatalf("presence envelope: %s", f.raw)
		}
	}
	// a second session of the same user does not repeat online
	_, a2 := h.another(as, "NONE")
	a2.close()
	a.close()
	if err := h.srv.WaitForSockets(ctxTimeout(t), "superhero1", 0); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*wsClient{"all": all, "friends": friends} {
		if f := c.waitFor(name+" after online", func(frame) bool { return true }); !isPresence("offline")(f) {
			t.Fatalf("%s: want offline next, got %s", name, f.raw)
		}
	}
	// NONE and ROLES-without-the-role saw nothing: their next frame is a marker
	for name, c := range map[string]*wsClient{"none": none, "roles": roles} {
		if _, err := h.srv.SendText("superhero2", "user", c.s.uid, "marker"); err != nil {
			t.Fatal(err)
		}
		if f := c.waitFor(name+" marker", func(frame) bool { return true }); !isMessage("marker")(f) {
			t.Fatalf("%s got %s", name, f.raw)
		}
	}
}

func TestWebSocketCloseCodes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	_, a := h.connect("superhero1", "NONE")
	if n := h.srv.CloseSockets("superhero1", 4000, "bye"); n != 1 {
		t.Fatalf("closed %d", n)
	}
	if ci, closeFrame := a.waitClosed(t); !closeFrame || ci.code != 4000 || ci.text != "bye" {
		t.Fatalf("close: %+v", ci)
	}
	if err := h.srv.WaitForSockets(ctxTimeout(t), "superhero1", 0); err != nil {
		t.Fatal(err)
	}
}
