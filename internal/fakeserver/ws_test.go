package fakeserver_test

import (
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

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

// TestUnauthenticatedSocketIsClosedAfterAuthTimeout: a socket that sends no
// valid auth frame within AuthTimeout is closed with 4002; one that
// authenticated in time stays.
func TestUnauthenticatedSocketIsClosedAfterAuthTimeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{AuthTimeout: 200 * time.Millisecond})
	_, authed := h.connect("superhero1", "NONE")
	idle := h.dial()
	idle.sendRaw([]byte(`{"action":"ping","ack":"true"}`)) // a ping is no auth
	if ci, ok := idle.waitClosed(t); !ok || ci.code != fakeserver.CloseAuthTimeout || ci.text != "Auth timeout" {
		t.Fatalf("close %+v %v", ci, ok)
	}
	authed.sendRaw([]byte(`{"action":"ping","ack":"true"}`))
	authed.waitFor("pong", func(f frame) bool { return f.Action == "pong" })
}

// TestSocketsPerUserAreCapped: an auth beyond MaxSocketsPerUser is closed
// with 4003; once a socket is gone, a new one is accepted.
func TestSocketsPerUserAreCapped(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{MaxSocketsPerUser: 2})
	s, first := h.connect("superhero1", "NONE")
	h.another(s, "NONE")
	extra := h.dial()
	extra.authWith(s, "NONE", nil)
	if ci, ok := extra.waitClosed(t); !ok || ci.code != fakeserver.CloseTooManySockets || ci.text != "Too many sockets" {
		t.Fatalf("close %+v %v", ci, ok)
	}
	h.connect("superhero2", "NONE") // other users are not affected
	first.close()
	if err := h.srv.WaitForSockets(ctxTimeout(t), "superhero1", 1); err != nil {
		t.Fatal(err)
	}
	h.another(s, "NONE")
}

// TestPendingSocketsAreCapped: beyond MaxPendingSockets unauthenticated
// sockets, an upgrade is answered 503 ERR_TOO_MANY_CONNECTIONS; a socket
// that authenticates frees its place.
func TestPendingSocketsAreCapped(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{MaxPendingSockets: 2})
	a, b := h.dial(), h.dial()
	d := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: h.srv.CertPool()}, HandshakeTimeout: waitTimeout}
	conn, resp, err := d.Dial(h.srv.WebSocketURL(), nil)
	if err == nil {
		conn.Close()
		t.Fatal("a third unauthenticated socket was accepted")
	}
	if resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("refused dial: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `"ERR_TOO_MANY_CONNECTIONS"`) {
		t.Fatalf("refusal body %s", body)
	}
	a.auth(h.login("superhero1"), "NONE")
	h.dial().auth(h.login("superhero2"), "NONE")
	b.close()
}
