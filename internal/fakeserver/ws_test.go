package fakeserver_test

import (
	"encoding/json"
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// TestRelayedFramesCarryTheServersIdentity: typing, transient and receipt
// frames reach their recipients with the server's record of the
// authenticated sender as body.user, whatever user the client wrote, and a
// receipt's receiver is the message's conversation, not the client's claim.
func TestRelayedFramesCarryTheServersIdentity(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	as, a := h.connect("superhero1", "NONE")
	bs, b := h.connect("superhero2", "NONE")
	_, c := h.connect("superhero3", "NONE")
	spoof := userRef{UID: "superhero3", Name: "Spiderman (not really)"}
	isIronMan := func(t *testing.T, what string, f frame) {
		t.Helper()
		var body struct {
			User struct {
				UID    string `json:"uid"`
				Name   string `json:"name"`
				Avatar string `json:"avatar"`
				Status string `json:"status"`
			} `json:"user"`
		}
		if err := json.Unmarshal(f.Body, &body); err != nil || body.User.UID != "superhero1" || body.User.Name != "Iron Man" ||
			body.User.Avatar == "" || body.User.Status != "available" || f.Sender != "superhero1" {
			t.Fatalf("%s: sender not stamped: %s", what, f.raw)
		}
	}
	for _, typ := range []string{"typing_indicator", "transient_message"} {
		a.send(outFrame{AppID: testApp, Receiver: "superhero2", ReceiverType: "user", DeviceID: as.session, Type: typ,
			Sender: "superhero1", Body: mustJSON(typingBody{Action: "started", User: spoof, Data: json.RawMessage(`{"k":1}`)})})
		f := b.waitFor(typ, func(f frame) bool { return f.Type == typ })
		isIronMan(t, typ+" to a user", f)
		if string(decode[typingBody](t, f.Body).Data) != `{"k":1}` {
			t.Fatalf("%s: data lost: %s", typ, f.raw)
		}
		// a body that is no object, or has no user, gets one too
		a.send(outFrame{AppID: testApp, Receiver: "supergroup", ReceiverType: "group", DeviceID: as.session, Type: typ,
			Sender: "superhero1", Body: json.RawMessage(`[1,2]`)})
		isIronMan(t, typ+" to a group", c.waitFor(typ, func(f frame) bool { return f.Type == typ }))
	}
	// a receipt claiming another reader and another conversation
	m := h.sendText(bs, "user", "superhero1", "read me")
	a.waitFor("message", isMessage("read me"))
	a.send(outFrame{AppID: testApp, Receiver: "superhero3", ReceiverType: "user", DeviceID: as.session, Type: "receipts",
		Sender: "superhero1", MessageSender: "superhero2", Body: mustJSON(typingBody{Action: "read", MessageID: m.ID, User: spoof})})
	f := b.waitFor("receipt", func(f frame) bool { return f.Type == "receipts" })
	isIronMan(t, "receipt", f)
	if f.Receiver != "superhero2" || f.MessageSender != "superhero2" {
		t.Fatalf("receipt routing: %s", f.raw)
	}
}
