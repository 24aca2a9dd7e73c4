package fakeserver_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

func TestHistoryPrependPaging(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	a, b := h.login("superhero1"), h.login("superhero2")
	for i := 0; i < 5; i++ {
		from, to := a, "superhero2"
		if i%2 == 1 {
			from, to = b, "superhero1"
		}
		h.sendText(from, "user", to, "h"+strconv.Itoa(i))
	}
	h.sendText(h.login("superhero3"), "user", "superhero1", "elsewhere") // id 6, another conversation
	base := "users/superhero2/messages?per_page=2&affix=prepend&hideMessagesFromBlockedUsers=0&unread=0&withTags=0&hideDeleted=0"
	for _, step := range []struct {
		query, want, cursorID string
		total, pages          int
	}{
		{"", "4,5", "4", 5, 3},
		{"&id=" + h.id(4), "2,3", "2", 3, 2},
		{"&id=" + h.id(2), "1", "1", 1, 1},
		{"&id=" + h.id(1), "", "1", 0, 1},
	} {
		msgs, m := h.list(a, base+step.query)
		if h.ids(msgs) != step.want || h.rel(m.Cursor.ID) != step.cursorID || m.Cursor.Affix != "prepend" ||
			m.Pagination.Total != step.total || m.Pagination.TotalPages != step.pages || m.Pagination.Count != len(msgs) {
			t.Fatalf("%q: ids %s, meta %+v %+v", step.query, h.ids(msgs), m.Cursor, m.Pagination)
		}
	}
	// the same conversation from the other side, and one page of everything
	msgs, m := h.list(b, "users/SuperHero1/messages?per_page=30&affix=prepend")
	if h.ids(msgs) != "1,2,3,4,5" || m.Pagination.TotalPages != 1 {
		t.Fatalf("full page %s %+v", h.ids(msgs), m.Pagination)
	}
	if msgs[1].Data.Text != "h1" || msgs[1].Sender != "superhero2" || msgs[1].Category != "message" {
		t.Fatalf("message 2: %+v", msgs[1])
	}
	// all of a user's conversations
	msgs, _ = h.list(a, "messages?per_page=100&affix=append&id=0")
	if h.ids(msgs) != "1,2,3,4,5,6" {
		t.Fatalf("GET messages append from 0: %s", h.ids(msgs))
	}
	msgs, m = h.list(a, "messages?per_page=2&affix=append&id="+h.id(4))
	if h.ids(msgs) != "5,6" || h.rel(m.Cursor.ID) != "6" || m.Pagination.Total != 2 || m.Pagination.TotalPages != 1 {
		t.Fatalf("append after 4: %s %+v %+v", h.ids(msgs), m.Cursor, m.Pagination)
	}
	msgs, m = h.list(a, "messages?per_page=2&affix=append&id="+h.id(6))
	if len(msgs) != 0 || h.rel(m.Cursor.ID) != "6" {
		t.Fatalf("append at the end: %s %+v", h.ids(msgs), m.Cursor)
	}
	// superhero3 sees only its own conversation
	msgs, _ = h.list(h.login("superhero3"), "messages?per_page=100&affix=prepend")
	if h.ids(msgs) != "6" {
		t.Fatalf("other user's messages leaked: %s", h.ids(msgs))
	}
}

func TestHistoryTimeAnchorsAndUpdates(t *testing.T) {
	t.Parallel()
	clk := newClock()
	h := newHarness(t, fakeserver.Config{Now: clk.Now})
	a := h.login("superhero1")
	for i := 1; i <= 4; i++ {
		h.sendText(a, "user", "superhero2", "t"+strconv.Itoa(i))
		clk.advance(10 * time.Second)
	}
	t3 := clk.Now().Add(-20 * time.Second).Unix() // sentAt of message 3
	msgs, _ := h.list(a, "users/superhero2/messages?per_page=10&affix=prepend&sentAt="+strconv.FormatInt(t3, 10))
	if h.ids(msgs) != "1,2" {
		t.Fatalf("prepend before sentAt: %s", h.ids(msgs))
	}
	msgs, _ = h.list(a, "users/superhero2/messages?per_page=10&affix=append&sentAt="+strconv.FormatInt(t3*1000, 10))
	if h.ids(msgs) != "4" {
		t.Fatalf("append after sentAt in ms: %s", h.ids(msgs))
	}
	// id wins over sentAt
	msgs, _ = h.list(a, "users/superhero2/messages?per_page=10&affix=prepend&id="+h.id(2)+"&sentAt="+strconv.FormatInt(t3, 10))
	if h.ids(msgs) != "1" {
		t.Fatalf("id and sentAt: %s", h.ids(msgs))
	}

	since := clk.Now().Unix()
	clk.advance(5 * time.Second)
	ok(t, h.do(req{method: "PUT", path: "messages/" + h.id(2), token: a.token, body: `{"id":"` + h.id(2) + `","data":{"text":"t2 edited"}}`}), &msgOut{})
	clk.advance(5 * time.Second)
	ok(t, h.do(req{method: "DELETE", path: "messages/" + h.id(1), token: a.token, body: `{"id":"` + h.id(1) + `"}`}), &msgOut{})
	msgs, m := h.list(a, "users/superhero2/messages?per_page=2&affix=append&onlyUpdates=1&updatedAt="+strconv.FormatInt(since, 10))
	// by updatedAt then id: the edit (2) and its action (5), then the delete (1) and its action (6)
	if h.ids(msgs) != "2,5" || m.Pagination.Total != 4 || h.rel(m.Cursor.ID) != "5" || m.Cursor.UpdatedAt == 0 {
		t.Fatalf("updates page 1: %s %+v %+v", h.ids(msgs), m.Cursor, m.Pagination)
	}
	if msgs[0].Data.Text != "t2 edited" || msgs[0].EditedAt == 0 {
		t.Fatalf("edited message: %+v", msgs[0])
	}
	msgs, _ = h.list(a, "users/superhero2/messages?per_page=2&affix=append&onlyUpdates=1&updatedAt="+
		strconv.FormatInt(m.Cursor.UpdatedAt, 10)+"&id="+m.Cursor.ID)
	if h.ids(msgs) != "1,6" || msgs[0].DeletedAt == 0 {
		t.Fatalf("updates page 2: %s", h.ids(msgs))
	}
}

func TestHistoryFilters(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	a, b := h.login("superhero1"), h.login("superhero2")
	h.sendText(a, "user", "superhero2", "Hello world") // 1
	ok(t, h.do(req{method: "POST", path: "messages", token: b.token, body: `{"receiver":"superhero1","receiverType":"user",
		"category":"custom","type":"location","data":{"customData":{"lat":1}},"tags":["geo"]}`}), &msgOut{}) // 2
	h.sendText(b, "user", "superhero1", "another hello") // 3
	ok(t, h.do(req{method: "POST", path: "messages/" + h.id(3) + "/thread", token: a.token, body: `{"receiver":"superhero2",
		"receiverType":"user","category":"message","type":"text","data":{"text":"reply"},"parentMessageId":` + h.id(3) + `}`}), &msgOut{}) // 4
	ok(t, h.do(req{method: "DELETE", path: "messages/" + h.id(1), token: a.token}), &msgOut{}) // 5 = deleted action
	base := "users/superhero2/messages?per_page=30&affix=prepend"
	for _, tc := range []struct{ query, want string }{
		{"", "1,2,3,4,5"},
		{"&categories=message,custom", "1,2,3,4"},
		{"&categories=action", "5"},
		{"&types=location", "2"},
		{"&types=text&categories=message", "1,3,4"},
		{"&tags=geo", "2"},
		{"&searchKey=HELLO", "1,3"},
		{"&hideDeleted=1", "2,3,4,5"},
		{"&hideReplies=true", "1,2,3,5"},
		{"&unread=1", "2,3"},
	} {
		if msgs, _ := h.list(a, base+tc.query); h.ids(msgs) != tc.want {
			t.Errorf("%q: got %s, want %s", tc.query, h.ids(msgs), tc.want)
		}
	}
	msgs, _ := h.list(a, "messages/"+h.id(3)+"/thread?per_page=30&affix=prepend&hideReplies=true")
	if h.ids(msgs) != "4" || h.rel(msgs[0].ParentID) != "3" {
		t.Fatalf("thread: %s", h.ids(msgs))
	}
	var parent msgOut
	ok(t, h.do(req{method: "GET", path: "messages/" + h.id(3), token: a.token}), &parent)
	if parent.ReplyCount != 1 {
		t.Fatalf("replyCount %d", parent.ReplyCount)
	}
	fails(t, h.do(req{method: "POST", path: "messages/" + h.id(4) + "/thread", token: a.token, body: `{"receiver":"superhero2",
		"receiverType":"user","category":"message","type":"text","data":{"text":"nested"}}`}), 400, "ERR_MESSAGE_THREAD_NESTING")
	fails(t, h.do(req{method: "POST", path: "messages/" + h.id(3) + "/thread", token: a.token, body: `{"receiver":"supergroup",
		"receiverType":"group","category":"message","type":"text","data":{"text":"wrong"}}`}), 400, "ERR_WRONG_MESSAGE_THREAD")
	fails(t, h.do(req{method: "GET", path: "messages/" + h.id(3), token: h.login("superhero3").token}), 403, "ERR_MESSAGE_NO_ACCESS")
}

type unreadRow struct {
	EntityID   string `json:"entityId"`
	EntityType string `json:"entityType"`
	Count      int    `json:"count"`
}

func TestUnreadCounts(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	a, b, c := h.login("superhero1"), h.login("superhero2"), h.login("superhero3")
	bc := h.dial()
	bc.auth(b, "NONE")
	h.sendText(b, "user", "superhero1", "1")
	h.sendText(b, "user", "superhero1", "2")
	h.sendText(c, "user", "superhero1", "3")
	h.sendText(c, "group", "supergroup", "4")
	h.sendText(a, "user", "superhero2", "mine") // not unread for a
	var rows []unreadRow
	ok(t, h.do(req{method: "GET", path: "messages?unread=1&count=1&hideMessagesFromBlockedUsers=0", token: a.token}), &rows)
	want := map[string]int{"user:superhero2": 2, "user:superhero3": 1, "group:supergroup": 1}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for _, r := range rows {
		if want[r.EntityType+":"+r.EntityID] != r.Count {
			t.Fatalf("rows %+v", rows)
		}
	}
	ok(t, h.do(req{method: "GET", path: "messages?hideMessagesFromBlockedUsers=0&receiverType=group&unread=1&count=1", token: a.token}), &rows)
	if len(rows) != 1 || rows[0].EntityID != "supergroup" {
		t.Fatalf("group rows %+v", rows)
	}
	// a read receipt for message 1 marks only message 1
	ac := h.dial()
	ac.auth(a, "NONE")
	ac.send(outFrame{AppID: testApp, Receiver: "superhero2", ReceiverType: "user", DeviceID: a.session, Type: "receipts",
		Sender: "superhero1", MessageSender: "superhero2", Body: mustJSON(typingBody{Action: "read", MessageID: h.id(1), User: userRef{UID: "superhero1"}})})
	bc.waitFor("read receipt", func(f frame) bool { return f.Type == "receipts" })
	ok(t, h.do(req{method: "GET", path: "users/superhero2/messages?hideMessagesFromBlockedUsers=0&unread=1&count=1&uid=superhero2", token: a.token}), &rows)
	if len(rows) != 1 || rows[0].Count != 1 {
		t.Fatalf("after read: %+v", rows)
	}
	// blocked senders are hidden on request
	if err := h.srv.Block("superhero1", "superhero3"); err != nil {
		t.Fatal(err)
	}
	ok(t, h.do(req{method: "GET", path: "messages?unread=1&count=1&hideMessagesFromBlockedUsers=1&receiverType=user", token: a.token}), &rows)
	if len(rows) != 1 || rows[0].EntityID != "superhero2" {
		t.Fatalf("hide blocked: %+v", rows)
	}
}

func TestEditAndDelete(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	as, _ := h.connect("superhero1", "NONE")
	_, a2 := h.another(as, "NONE")
	bs, b := h.connect("superhero2", "NONE")
	m := h.sendText(as, "user", "superhero2", "draft")
	b.waitFor("message", isMessage("draft"))
	a2.waitFor("message", isMessage("draft"))

	var act msgOut
	ok(t, h.do(req{method: "PUT", path: "messages/" + m.ID, token: as.token, resource: as.session,
		body: `{"id":` + m.ID + `,"data":{"text":"final","metadata":{"x":1}},"text":"ignored","tags":["t"],"sender":{"uid":"x"}}`}), &act)
	if act.Category != "action" || act.Type != "message" || act.Data.Action != "edited" || act.Data.Entities == nil ||
		act.Data.Entities.By == nil || act.Data.Entities.On == nil || act.Data.Entities.For == nil ||
		act.Data.Entities.On.EntityType != "message" {
		t.Fatalf("edit action: %+v", act)
	}
	on := decode[msgOut](t, act.Data.Entities.On.Entity)
	if on.ID != m.ID || on.Data.Text != "final" || on.EditedAt == 0 || on.Data.Entities == nil || len(on.Tags) != 1 {
		t.Fatalf("edited message: %+v", on)
	}
	for name, c := range map[string]*wsClient{"receiver": b, "sender's other session": a2} {
		f := c.next("edit push at " + name)
		got := decode[msgOut](t, f.Body)
		if got.Data.Action != "edited" || f.DeviceID != as.session {
			t.Fatalf("%s: %s", name, f.raw)
		}
	}
	fails(t, h.do(req{method: "PUT", path: "messages/" + m.ID, token: bs.token, body: `{"data":{"text":"hack"}}`}), 403, "ERR_MESSAGE_NOT_A_SENDER")
	fails(t, h.do(req{method: "PUT", path: "messages/" + act.ID, token: as.token, body: `{"data":{"text":"x"}}`}), 403, "ERR_MESSAGE_ACTION_NOT_ALLOWED")
	fails(t, h.do(req{method: "DELETE", path: "messages/" + m.ID, token: bs.token}), 403, "ERR_MESSAGE_NOT_A_SENDER")
	fails(t, h.do(req{method: "DELETE", path: "messages/77", token: bs.token}), 404, "ERR_MESSAGE_ID_NOT_FOUND")

	var del msgOut
	ok(t, h.do(req{method: "DELETE", path: "messages/" + m.ID, token: as.token, resource: as.session, body: `{"id":"` + m.ID + `"}`}), &del)
	if del.Data.Action != "deleted" || decode[msgOut](t, del.Data.Entities.On.Entity).DeletedAt == 0 {
		t.Fatalf("delete action: %+v", del)
	}
	if f := b.next("delete push"); decode[msgOut](t, f.Body).Data.Action != "deleted" {
		t.Fatalf("delete push: %s", f.raw)
	}
	fails(t, h.do(req{method: "DELETE", path: "messages/" + m.ID, token: as.token}), 404, "ERR_MESSAGE_ID_NOT_FOUND")

	// in a group a moderator may delete a participant's message
	if err := h.srv.AddMember("supergroup", "superhero3", "moderator"); err != nil {
		t.Fatal(err)
	}
	g := h.sendText(bs, "group", "supergroup", "group text")
	fails(t, h.do(req{method: "DELETE", path: "messages/" + g.ID, token: h.login("superhero4").token}), 403, "ERR_MESSAGE_NOT_A_SENDER")
	ok(t, h.do(req{method: "DELETE", path: "messages/" + g.ID, token: h.login("superhero3").token}), &del)
}

func TestBlockedUsers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	as, a := h.connect("superhero1", "NONE")
	bs, b := h.connect("superhero2", "ALL_USERS")
	var res map[string]struct {
		Success bool     `json:"success"`
		Error   *errBody `json:"error"`
	}
	ok(t, h.do(req{method: "POST", path: "blockedusers", token: as.token, body: `{"blockedUids":["SuperHero2","superhero1","ghost"]}`}), &res)
	if !res["superhero2"].Success || res["superhero1"].Error == nil || res["superhero1"].Error.Code != "ERR_CANNOT_BLOCK_SELF" ||
		res["ghost"].Error == nil || res["ghost"].Error.Code != "ERR_UID_NOT_FOUND" {
		t.Fatalf("block result: %+v", res)
	}
	fails(t, h.do(req{method: "POST", path: "messages", token: as.token, body: `{"receiver":"superhero2","receiverType":"user",
		"category":"message","type":"text","data":{"text":"x"}}`}), 403, "ERR_BLOCKED_RECEIVER")
	// the blocked user's message is stored but not pushed to the blocker
	m := h.sendText(bs, "user", "superhero1", "can you hear me")
	h.sendText(h.login("superhero3"), "user", "superhero1", "marker")
	if f := a.next("marker"); !isMessage("marker")(f) {
		t.Fatalf("blocked message pushed: %s", f.raw)
	}
	msgs, _ := h.list(as, "users/superhero2/messages?per_page=10&affix=prepend&hideMessagesFromBlockedUsers=1")
	if len(msgs) != 0 {
		t.Fatalf("hidden: %s", h.ids(msgs))
	}
	msgs, _ = h.list(as, "users/superhero2/messages?per_page=10&affix=prepend&hideMessagesFromBlockedUsers=0")
	if h.ids(msgs) != h.rel(m.ID) {
		t.Fatalf("stored: %s", h.ids(msgs))
	}
	// group traffic is not affected, as with live pushes: the blocker's
	// recovery (GET messages, hidden) gets the group message, not the 1:1 one
	g := h.sendText(bs, "group", "supergroup", "to the group")
	a.waitFor("the group message", isMessage("to the group"))
	msgs, _ = h.list(as, "messages?per_page=10&affix=append&hideMessagesFromBlockedUsers=1&id="+m.ID)
	if got := h.ids(msgs); !strings.HasSuffix(got, h.rel(g.ID)) || strings.Contains(","+got+",", ","+h.rel(m.ID)+",") {
		t.Fatalf("after the hidden message: %s, want the group message %s and not %s", got, h.rel(g.ID), h.rel(m.ID))
	}
	// typing is not relayed between them
	a.send(outFrame{AppID: testApp, Receiver: "superhero2", ReceiverType: "user", DeviceID: as.session, Type: "typing_indicator",
		Sender: "superhero1", Body: mustJSON(typingBody{Action: "started", User: userRef{UID: "superhero1"}})})
	h.sendText(h.login("superhero3"), "user", "superhero2", "marker b")
	if f := b.next("marker b"); !isMessage("marker b")(f) {
		t.Fatalf("typing relayed across a block: %s", f.raw)
	}
	var users []userOut
	r := h.do(req{method: "GET", path: "blockedusers?per_page=10&page=1", token: as.token})
	ok(t, r, &users)
	if len(users) != 1 || users[0].UID != "superhero2" || !users[0].BlockedByMe || r.Meta == nil || r.Meta.Pagination == nil {
		t.Fatalf("blocked by me: %+v", users)
	}
	ok(t, h.do(req{method: "GET", path: "blockedusers?per_page=10&direction=hasBlockedMe", token: bs.token}), &users)
	if len(users) != 1 || users[0].UID != "superhero1" || !users[0].HasBlockedMe {
		t.Fatalf("has blocked me: %+v", users)
	}
	ok(t, h.do(req{method: "GET", path: "blockedusers?per_page=10", token: bs.token}), &users)
	if len(users) != 0 {
		t.Fatalf("default direction is blockedByMe: %+v", users)
	}
	ok(t, h.do(req{method: "DELETE", path: "blockedusers", token: as.token, body: `{"blockedUids":["superhero2"]}`}), &res)
	if !res["superhero2"].Success {
		t.Fatalf("unblock: %+v", res)
	}
	h.sendText(as, "user", "superhero2", "friends again")
	b.waitFor("message after unblock", isMessage("friends again"))
}

type conversationOut struct {
	ConversationID     string          `json:"conversationId"`
	ConversationType   string          `json:"conversationType"`
	ConversationWith   json.RawMessage `json:"conversationWith"`
	LastMessage        *msgOut         `json:"lastMessage"`
	UnreadMessageCount string          `json:"unreadMessageCount"`
	Tags               []string        `json:"tags"`
}

func TestConversations(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	a, b, c := h.login("superhero1"), h.login("superhero2"), h.login("superhero3")
	h.sendText(b, "user", "superhero1", "from b")
	h.sendText(c, "group", "supergroup", "to the group")
	h.sendText(c, "user", "superhero1", "from c")
	var convs []conversationOut
	r := h.do(req{method: "GET", path: "conversations?per_page=2&page=1", token: a.token})
	ok(t, r, &convs)
	if len(convs) != 2 || convs[0].ConversationID != "superhero1_user_superhero3" || convs[1].ConversationID != "group_supergroup" ||
		r.Meta.Pagination.Total != 3 || r.Meta.Pagination.TotalPages != 2 {
		t.Fatalf("page 1: %+v %+v", convs, r.Meta.Pagination)
	}
	if convs[0].LastMessage == nil || convs[0].LastMessage.Data.Text != "from c" || convs[0].UnreadMessageCount != "1" ||
		decode[userOut](t, convs[0].ConversationWith).UID != "superhero3" || convs[0].Tags == nil {
		t.Fatalf("conversation: %+v", convs[0])
	}
	ok(t, h.do(req{method: "GET", path: "conversations?per_page=2&page=3", token: a.token}), &convs)
	if len(convs) != 0 {
		t.Fatalf("past the end: %+v", convs)
	}
	ok(t, h.do(req{method: "GET", path: "conversations?per_page=50&conversationType=group", token: a.token}), &convs)
	if len(convs) != 1 || convs[0].ConversationType != "group" {
		t.Fatalf("groups only: %+v", convs)
	}

	var conv conversationOut
	ok(t, h.do(req{method: "PUT", path: "users/superhero2/conversation", token: a.token, body: `{"tags":["pinned"]}`}), &conv)
	if len(conv.Tags) != 1 || conv.ConversationType != "user" {
		t.Fatalf("tagged: %+v", conv)
	}
	ok(t, h.do(req{method: "GET", path: "conversations?per_page=50&tags=pinned", token: a.token}), &convs)
	if len(convs) != 1 || convs[0].ConversationID != "superhero1_user_superhero2" {
		t.Fatalf("by tag: %+v", convs)
	}
	ok(t, h.do(req{method: "GET", path: "groups/supergroup/conversation", token: a.token}), &conv)
	if conv.ConversationID != "group_supergroup" || conv.LastMessage == nil {
		t.Fatalf("group conversation: %+v", conv)
	}
	ok(t, h.do(req{method: "DELETE", path: "users/superhero3/conversation", token: a.token}), &struct{}{})
	fails(t, h.do(req{method: "GET", path: "users/superhero3/conversation", token: a.token}), 404, "ERR_CONVERSATION_NOT_FOUND")
	fails(t, h.do(req{method: "GET", path: "users/superhero4/conversation", token: a.token}), 404, "ERR_CONVERSATION_NOT_FOUND")
	if err := h.srv.CreateUser(fakeserver.User{UID: "outsider"}); err != nil {
		t.Fatal(err)
	}
	fails(t, h.do(req{method: "GET", path: "groups/supergroup/conversation", token: h.login("outsider").token}), 403, "ERR_CONVERSATION_NOT_ACCESSIBLE")
	// a new message brings the deleted conversation back, counting only itself as unread
	h.sendText(c, "user", "superhero1", "again")
	ok(t, h.do(req{method: "GET", path: "users/superhero3/conversation", token: a.token}), &conv)
	if conv.UnreadMessageCount != "1" || conv.LastMessage.Data.Text != "again" {
		t.Fatalf("back: %+v", conv)
	}
	// the other side sees its own view
	ok(t, h.do(req{method: "GET", path: "users/superhero1/conversation", token: c.token}), &conv)
	if conv.UnreadMessageCount != "0" || len(conv.Tags) != 0 {
		t.Fatalf("sender view: %+v", conv)
	}
}

func TestListUsers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	a := h.login("superhero1")
	if err := h.srv.CreateUser(fakeserver.User{UID: "zed", Name: "Zed", Role: "admin", Tags: []string{"vip"}}); err != nil {
		t.Fatal(err)
	}
	_, _ = h.connect("superhero4", "NONE")
	if err := h.srv.AddFriends("superhero1", "superhero5"); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.Block("superhero1", "superhero3"); err != nil {
		t.Fatal(err)
	}
	names := func(path string) string {
		var users []userOut
		r := h.do(req{method: "GET", path: path, token: a.token})
		ok(t, r, &users)
		if len(users) > 0 && (r.Meta == nil || r.Meta.Pagination == nil) {
			t.Fatalf("%s: no pagination", path)
		}
		out := ""
		for _, u := range users {
			out += u.UID + " "
		}
		return out
	}
	for _, tc := range []struct{ query, want string }{
		{"users?per_page=100", "superhero4 superhero2 superhero5 superhero1 superhero3 zed "}, // online first, then by name
		{"users?per_page=100&sortBy=name", "superhero2 superhero5 superhero1 superhero3 superhero4 zed "},
		{"users?per_page=100&sortBy=name&sortOrder=desc", "zed superhero4 superhero3 superhero1 superhero5 superhero2 "},
		{"users?per_page=2&page=2&sortBy=name", "superhero1 superhero3 "},
		{"users?per_page=2&page=9", ""},
		{"users?per_page=100&searchKey=man", "superhero1 superhero3 "},
		{"users?per_page=100&searchKey=hero5&searchIn=uid", "superhero5 "},
		{"users?per_page=100&searchKey=hero5&searchIn=name", ""},
		{"users?per_page=100&status=available", "superhero4 "},
		{"users?per_page=100&status=offline&roles=admin", "zed "},
		{"users?per_page=100&tags=vip", "zed "},
		{"users?per_page=100&uids=zed,SuperHero2&sortBy=name", "superhero2 zed "},
		{"users?per_page=100&friendsOnly=1", "superhero5 "},
		{"users?per_page=100&hideBlockedUsers=1&sortBy=name", "superhero2 superhero5 superhero1 superhero4 zed "},
	} {
		if got := names(tc.query); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.query, got, tc.want)
		}
	}
}
