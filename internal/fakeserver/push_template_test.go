package fakeserver

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestPushTemplate checks that a group push built from the template is byte
// for byte the frame rendered for each member (and that messages whose
// frames depend on the viewer elsewhere get no template).
func TestPushTemplate(t *testing.T) {
	s, err := New(Config{Plain: true, NoSeed: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	users := []User{
		{UID: "owner", Name: "Owner <&> \u2028"},
		{UID: "adm", Name: "Adm", Metadata: json.RawMessage(`{"a": [1, 2], "html": "<b>"}`), Tags: []string{"x", "y"}},
		{UID: "mod", Name: "Mod é"},
		{UID: "p1", Name: "P1"},
		{UID: "p2", Name: "P2", Avatar: "https://example.com/a.png?x=1&y=2"},
		{UID: "p3", Name: "P3"},
		{UID: "p4", Name: "P4"},
		{UID: "outsider", Name: "Not a member"},
	}
	for _, u := range users {
		must(s.CreateUser(u))
	}
	must(s.CreateGroup(Group{GUID: "g", Name: "G <x>", Type: GroupPublic, Owner: "owner"}))
	must(s.AddMember("g", "adm", ScopeAdmin))
	must(s.AddMember("g", "mod", ScopeModerator))
	must(s.AddMember("g", "p1", ScopeParticipant))
	must(s.AddMember("g", "p2", ScopeParticipant))
	must(s.AddMember("g", "p3", ScopeParticipant))
	must(s.AddMember("g", "p4", ScopeParticipant))
	must(s.Block("p1", "owner"))
	must(s.Block("owner", "p2"))
	// p3 and p4 share a membership (the renderer's cache); p1 and p2 have
	// blocks with the sender; outsider and nobody are not members.
	uids := []string{"owner", "adm", "mod", "p1", "p2", "p3", "p4", "outsider", "nobody"}

	check := func(name string, in messageInput, wantTemplate bool) {
		t.Helper()
		s.mu.Lock()
		defer s.mu.Unlock()
		m, e := s.createMessageLocked("owner", "", in, nil, nil, nil)
		if e != nil {
			t.Fatalf("%s: %v", name, e)
		}
		tmpl := s.pushTemplateLocked(m, "origin-session")
		if (tmpl != nil) != wantTemplate {
			t.Fatalf("%s: template %v, want %v", name, tmpl != nil, wantTemplate)
		}
		if tmpl == nil {
			return
		}
		ents := s.newEntityRenderer(m)
		for _, uid := range append(uids, uids...) { // twice: the second time from the renderer's cache
			want := s.renderPushLocked(m, "origin-session", uid, nil)
			if got := tmpl.render(ents.render(uid)); !bytes.Equal(got, want) {
				t.Errorf("%s, member %s:\ntemplate %s\nrendered %s", name, uid, got, want)
			}
		}
	}
	text := func(req sendMessageReq) messageInput {
		t.Helper()
		in, e := validateMessage(req, 0)
		if e != nil {
			t.Fatal(e)
		}
		return in
	}
	check("text", text(sendMessageReq{Receiver: "g", ReceiverType: "group", Category: catMessage, Type: "text",
		Data: json.RawMessage(`{"text": "hi <there> & \u2028 \"you\"", "metadata": {"k": [1, {"z": null}]}}`),
		Tags: stringList{"t1", "t2"}, Muid: "m-1"}), true)
	check("custom", text(sendMessageReq{Receiver: "g", ReceiverType: "group", Category: catCustom, Type: "poll",
		Data: json.RawMessage(`{"customData": {"q": "entities?"}, "entities": "fake"}`)}), true)
	check("to a user", text(sendMessageReq{Receiver: "p1", ReceiverType: "user", Category: catMessage, Type: "text",
		Data: json.RawMessage(`{"text": "direct"}`)}), true)
}

// TestOutQueue checks the send queue: order kept across compaction, at most
// maxBytes queued (frames counted with their overhead), empty after
// draining, and nothing accepted after a close frame.
func TestOutQueue(t *testing.T) {
	const frames = 4096
	o := outQueue{ready: make(chan struct{}, 1), maxBytes: frames * (2 + frameOverhead)}
	next, want := 0, 0
	push := func() bool {
		r := o.push(outFrame{data: []byte{byte(next), byte(next >> 8)}})
		if r == pushed {
			next++
		}
		if o.bytes > o.maxBytes || o.peak > o.maxBytes {
			t.Fatalf("queued %d bytes (peak %d) over the bound %d", o.bytes, o.peak, o.maxBytes)
		}
		return r == pushed
	}
	pop := func() {
		t.Helper()
		f, ok := o.pop()
		if !ok {
			t.Fatal("queue empty")
		}
		if got := int(f.data[0]) | int(f.data[1])<<8; got != want%65536 {
			t.Fatalf("popped %d, want %d", got, want)
		}
		want++
	}
	for range frames {
		if !push() {
			t.Fatal("refused before full")
		}
	}
	if push() {
		t.Fatal("accepted a frame over the byte bound")
	}
	for round := range 20000 { // steady state: never empty, never full
		pop()
		if !push() {
			t.Fatalf("round %d: refused with room", round)
		}
		if cap(o.q) > 2*frames {
			t.Fatalf("backing array grew to %d", cap(o.q))
		}
	}
	for next > want {
		pop()
	}
	if _, ok := o.pop(); ok || o.q != nil || o.bytes != 0 {
		t.Fatal("queue not empty after draining")
	}
	// one big frame fills it; a close frame still goes in, then nothing
	if o.push(outFrame{data: make([]byte, o.maxBytes)}) != pushFull {
		t.Fatal("accepted a frame bigger than the bound")
	}
	push()
	if !o.pushClose(outFrame{close: &closeFrame{code: CloseTooSlow}}, true) || o.pushClose(outFrame{}, false) {
		t.Fatal("pushClose")
	}
	if o.push(outFrame{data: []byte("late")}) != pushClosed {
		t.Fatal("accepted a frame after the close")
	}
	if f, ok := o.pop(); !ok || f.close == nil || f.close.code != CloseTooSlow {
		t.Fatalf("the close frame must come first after a drop: %+v", f)
	}
}
