package fakeserver_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

type callEntityOut struct {
	SessionID   string `json:"sessionid"`
	Status      string `json:"status"`
	Type        string `json:"type"`
	InitiatedAt int64  `json:"initiatedAt"`
	JoinedAt    int64  `json:"joinedAt"`
	Data        struct {
		Entities entities `json:"entities"`
	} `json:"data"`
}

// callOf checks the shape of a call message and returns its call entity.
func callOf(t *testing.T, raw json.RawMessage) (msgOut, callEntityOut) {
	t.Helper()
	m := decode[msgOut](t, raw)
	if m.Category != "call" || m.Status != nil || m.Data.Entities == nil || m.Data.Entities.By == nil ||
		m.Data.Entities.For == nil || m.Data.Entities.On == nil || m.Data.Entities.On.EntityType != "call" {
		t.Fatalf("call message shape: %s", raw)
	}
	c := decode[callEntityOut](t, m.Data.Entities.On.Entity)
	if c.SessionID == "" || c.SessionID != strings.ToLower(c.SessionID) || c.Status != m.Data.Action ||
		c.Data.Entities.Sender == nil || c.Data.Entities.Receiver == nil || c.InitiatedAt == 0 {
		t.Fatalf("call entity: %s", m.Data.Entities.On.Entity)
	}
	return m, c
}

func isCall(status string) func(frame) bool {
	return func(f frame) bool {
		var m msgOut
		return f.Type == "message" && json.Unmarshal(f.Body, &m) == nil && m.Category == "call" && m.Data.Action == status
	}
}

func TestDirectCallStateMachine(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{Region: "eu"})
	as, a := h.connect("superhero1", "NONE")
	bs, b := h.connect("superhero2", "NONE")
	put := func(s session, sid, status string) reply {
		return h.do(req{method: "PUT", path: "calls/" + sid, token: s.token, resource: s.session, body: `{"status":"` + status + `"}`})
	}
	r := h.do(req{method: "POST", path: "calls", token: as.token, resource: as.session,
		body: `{"type":"video","receiverType":"user","category":"call","status":"initiated","receiver":"superhero2","metadata":{"k":1}}`})
	ok[json.RawMessage](t, r, nil)
	m, c := callOf(t, r.Data)
	if m.Type != "video" || m.Sender != "superhero1" || m.Receiver != "superhero2" || c.Status != "initiated" ||
		!strings.HasPrefix(c.SessionID, "v1.eu."+testApp+".") {
		t.Fatalf("initiated: %+v %+v", m, c)
	}
	sid := c.SessionID
	if f := b.waitFor("initiated at callee", isCall("initiated")); f.DeviceID != as.session {
		t.Fatalf("initiated push: %s", f.raw)
	}
	fails(t, put(as, sid, "ongoing"), 400, "ERR_BAD_REQUEST")         // only the callee accepts
	fails(t, put(bs, sid, "cancelled"), 400, "ERR_BAD_REQUEST")       // only the initiator cancels
	fails(t, put(as, sid, "ended"), 400, "ERR_CALL_NOT_STARTED")      // nobody joined yet
	fails(t, put(as, sid, "initiated"), 400, "ERR_CALL_INVALID_INIT") // never again
	fails(t, put(as, sid, "sleeping"), 400, "ERR_BAD_REQUEST")
	fails(t, put(h.login("superhero3"), sid, "ongoing"), 403, "ERR_CALL_NOT_A_PART")
	fails(t, put(as, "v1.eu.x.nope", "ended"), 404, "ERR_CALL_SESSION_NOT_FOUND")

	r = put(bs, sid, "ongoing")
	ok[json.RawMessage](t, r, nil)
	if _, c := callOf(t, r.Data); c.Status != "ongoing" || c.JoinedAt == 0 {
		t.Fatalf("ongoing: %+v", c)
	}
	a.waitFor("ongoing at caller", isCall("ongoing"))
	fails(t, put(bs, sid, "ongoing"), 409, "ERR_CALL_USER_ALREADY_JOINED")
	// the caller's SDK sends unanswered 45 s after initiating, even when accepted
	fails(t, put(as, sid, "unanswered"), 409, "ERR_CALL_ONGOING_TO_INVALID")
	fails(t, put(bs, sid, "rejected"), 409, "ERR_CALL_ONGOING_TO_INVALID")
	ok[json.RawMessage](t, h.do(req{method: "PATCH", path: "calls/" + sid + "/type", token: as.token, body: `{"type":"audio"}`}), nil)
	r = h.do(req{method: "PUT", path: "calls/" + sid, token: as.token, resource: as.session, body: `{"status":"ended","joinedAt":1}`})
	ok[json.RawMessage](t, r, nil)
	if m, c := callOf(t, r.Data); c.Status != "ended" || m.Type != "audio" {
		t.Fatalf("ended: %+v %+v", m, c)
	}
	b.waitFor("ended at callee", isCall("ended"))
	fails(t, put(bs, sid, "ended"), 409, "ERR_CALL_TERMINATED")

	// call messages are part of the conversation's history
	msgs, _ := h.list(as, "users/superhero2/messages?per_page=30&affix=prepend&categories=call")
	if h.ids(msgs) != "1,2,3" {
		t.Fatalf("call history: %s", h.ids(msgs))
	}
	fails(t, h.do(req{method: "POST", path: "calls", token: as.token,
		body: `{"type":"audio","receiverType":"user","receiver":"superhero1"}`}), 400, "ERR_CALLING_SELF")
	fails(t, h.do(req{method: "POST", path: "calls", token: as.token,
		body: `{"type":"hologram","receiverType":"user","receiver":"superhero2"}`}), 400, "ERR_BAD_REQUEST")

	// rejected, busy, cancelled and unanswered end an initiated call
	for _, tc := range []struct {
		by     session
		status string
	}{{bs, "rejected"}, {bs, "busy"}, {as, "cancelled"}, {as, "unanswered"}} {
		r := h.do(req{method: "POST", path: "calls", token: as.token, body: `{"type":"audio","receiverType":"user","receiver":"superhero2"}`})
		ok[json.RawMessage](t, r, nil)
		_, c := callOf(t, r.Data)
		ok[json.RawMessage](t, put(tc.by, c.SessionID, tc.status), nil)
		fails(t, put(bs, c.SessionID, "ongoing"), 409, "ERR_CALL_TERMINATED")
	}
}

func TestGroupCall(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	as, a := h.connect("superhero1", "NONE")
	bs, b := h.connect("superhero2", "NONE")
	cs, c := h.connect("superhero3", "NONE")
	put := func(s session, sid, status string) reply {
		return h.do(req{method: "PUT", path: "calls/" + sid, token: s.token, resource: s.session, body: `{"status":"` + status + `"}`})
	}
	r := h.do(req{method: "POST", path: "calls", token: as.token, resource: as.session,
		body: `{"type":"audio","receiverType":"group","receiver":"supergroup"}`})
	ok[json.RawMessage](t, r, nil)
	_, call := callOf(t, r.Data)
	sid := call.SessionID
	b.waitFor("initiated at b", isCall("initiated"))
	c.waitFor("initiated at c", isCall("initiated"))
	fails(t, h.do(req{method: "POST", path: "calls", token: bs.token, body: `{"type":"audio","receiverType":"group","receiver":"supergroup"}`}),
		409, "ERR_CALL_BUSY_GROUP")
	fails(t, put(bs, sid, "busy"), 400, "ERR_CALL_GROUP_INVALID_STATUS")
	// c rejects: only the initiator is told; the call goes on
	ok[json.RawMessage](t, put(cs, sid, "rejected"), nil)
	a.waitFor("rejected at initiator", isCall("rejected"))
	// b accepts: the first acceptance reaches the initiator
	ok[json.RawMessage](t, put(bs, sid, "ongoing"), nil)
	a.waitFor("ongoing at initiator", isCall("ongoing"))
	fails(t, put(as, sid, "cancelled"), 409, "ERR_CALL_ONGOING_TO_INVALID")
	fails(t, put(as, sid, "unanswered"), 409, "ERR_CALL_ONGOING_TO_INVALID")
	// the last joined member leaving ends the call for everyone
	ok[json.RawMessage](t, put(bs, sid, "ended"), nil)
	a.waitFor("ended at initiator", isCall("ended"))
	c.waitFor("ended at c", isCall("ended"))
	fails(t, put(as, sid, "ended"), 409, "ERR_CALL_TERMINATED")
	if st := h.srv.Stats(); st.Calls != 1 {
		t.Fatalf("stats: %+v", st)
	}
}
