package fakeserver_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

type groupOut struct {
	GUID         string `json:"guid"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	Owner        string `json:"owner"`
	MembersCount int    `json:"membersCount"`
	HasJoined    bool   `json:"hasJoined"`
	Scope        string `json:"scope"`
	JoinedAt     int64  `json:"joinedAt"`
	Members      *struct {
		Data map[string]map[string]struct {
			Success bool            `json:"success"`
			Data    json.RawMessage `json:"data"`
			Error   *errBody        `json:"error"`
		} `json:"data"`
	} `json:"members"`
}

func isAction(action, on string) func(frame) bool {
	return func(f frame) bool {
		if f.Type != "message" {
			return false
		}
		var m msgOut
		if json.Unmarshal(f.Body, &m) != nil || m.Category != "action" || m.Data.Action != action {
			return false
		}
		if on == "" {
			return true
		}
		var u userOut
		return m.Data.Entities != nil && m.Data.Entities.On != nil && json.Unmarshal(m.Data.Entities.On.Entity, &u) == nil && u.UID == on
	}
}

func TestGroupLifecycleAndActions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	as, a := h.connect("superhero1", "NONE")
	bs, b := h.connect("superhero2", "NONE")
	cs, c := h.connect("superhero3", "NONE")

	var g groupOut
	r := h.do(req{method: "POST", path: "groups", token: as.token, resource: as.session,
		body: `{"hasJoined":false,"membersCount":0,"guid":"Team","name":"Team","type":"password","password":"sesame","tags":["x"]}`})
	ok(t, r, &g)
	if g.GUID != "team" || g.Owner != "superhero1" || !g.HasJoined || g.Scope != "admin" || g.MembersCount != 1 || g.Type != "password" ||
		strings.Contains(string(r.Data), `"password":`) || g.Members != nil {
		t.Fatalf("created: %s", r.Data)
	}
	fails(t, h.do(req{method: "POST", path: "groups", token: as.token, body: `{"guid":"team","name":"T","type":"public"}`}), 409, "ERR_GUID_ALREADY_EXISTS")
	fails(t, h.do(req{method: "POST", path: "groups", token: as.token, body: `{"guid":"t2","name":"T","type":"protected"}`}), 400, "ERR_BAD_REQUEST")
	fails(t, h.do(req{method: "POST", path: "groups", token: as.token, body: `{"guid":"t2","name":"T","type":"password"}`}), 400, "ERR_EMPTY_GROUP_PASS")

	// join: the reply is the joined action; members get the push
	var joined msgOut
	ok(t, h.do(req{method: "POST", path: "groups/team/members", token: bs.token, resource: bs.session,
		body: `{"hasJoined":false,"membersCount":0,"guid":"team","name":"name","type":"password","password":"sesame"}`}), &joined)
	forGroup := decode[groupOut](t, joined.Data.Entities.For.Entity)
	if joined.Data.Action != "joined" || joined.Category != "action" || joined.Type != "groupMember" || joined.Sender != "superhero2" ||
		joined.ConversationID != "group_team" || !forGroup.HasJoined || forGroup.Scope != "participant" || forGroup.MembersCount != 2 ||
		decode[userOut](t, joined.Data.Entities.By.Entity).UID != "superhero2" {
		t.Fatalf("joined: %+v / %+v", joined, forGroup)
	}
	f := a.waitFor("joined at owner", isAction("joined", ""))
	if f.DeviceID != bs.session || f.ReceiverType != "group" || f.Receiver != "team" {
		t.Fatalf("joined push %s", f.raw)
	}
	// the for entity is rendered for each recipient
	if fg := decode[groupOut](t, decode[msgOut](t, f.Body).Data.Entities.For.Entity); fg.Scope != "admin" {
		t.Fatalf("for entity at owner: %+v", fg)
	}

	// add members: all four maps, with the added action in each success
	var res map[string]map[string]struct {
		Success bool            `json:"success"`
		Data    json.RawMessage `json:"data"`
		Error   *errBody        `json:"error"`
	}
	ok(t, h.do(req{method: "PUT", path: "groups/team/members", token: as.token, resource: as.session,
		body: `{"moderators":["superhero3"],"participants":["superhero2","ghost"],"usersToBan":["superhero4"]}`}), &res)
	if len(res) != 4 || !res["moderators"]["superhero3"].Success || res["participants"]["superhero2"].Error.Code != "ERR_ALREADY_JOINED" ||
		res["participants"]["ghost"].Error.Code != "ERR_UID_NOT_FOUND" || !res["usersToBan"]["superhero4"].Success || len(res["admins"]) != 0 {
		t.Fatalf("add members: %+v", res)
	}
	if decode[msgOut](t, res["moderators"]["superhero3"].Data).Data.Action != "added" {
		t.Fatalf("added action: %s", res["moderators"]["superhero3"].Data)
	}
	c.waitFor("added at the added user", isAction("added", "superhero3"))
	b.waitFor("added at member", isAction("added", "superhero3"))
	b.waitFor("banned at member", isAction("banned", "superhero4"))

	// scope change: extras.scope.new/old, pushed to everyone incl. the changed user
	ok[json.RawMessage](t, h.do(req{method: "PUT", path: "groups/team/members/superhero2", token: as.token, resource: as.session,
		body: `{"scope":"moderator"}`}), nil)
	for _, cl := range []*wsClient{b, c} {
		f := cl.waitFor("scopeChanged", isAction("scopeChanged", "superhero2"))
		m := decode[msgOut](t, f.Body)
		if m.Data.Extras == nil || m.Data.Extras.Scope.New != "moderator" || m.Data.Extras.Scope.Old != "participant" {
			t.Fatalf("scope extras: %s", f.raw)
		}
	}
	// kick reaches the kicked user too; ban and unban likewise
	ok[json.RawMessage](t, h.do(req{method: "DELETE", path: "groups/team/members/superhero3", token: as.token, resource: as.session}), nil)
	c.waitFor("kicked at the kicked user", isAction("kicked", "superhero3"))
	b.waitFor("kicked at member", isAction("kicked", "superhero3"))
	ok[json.RawMessage](t, h.do(req{method: "POST", path: "groups/team/bannedusers/superhero3", token: bs.token, resource: bs.session}), nil)
	c.waitFor("banned at the banned user", isAction("banned", "superhero3"))
	fails(t, h.do(req{method: "POST", path: "groups/team/members", token: cs.token, body: `{"guid":"team","type":"password","password":"sesame"}`}),
		403, "ERR_BANNED_GROUPMEMBER")
	var banned []userOut
	ok(t, h.do(req{method: "GET", path: "groups/team/bannedusers?per_page=30&page=1", token: as.token}), &banned)
	if len(banned) != 2 || banned[0].UID != "superhero4" || banned[1].UID != "superhero3" {
		t.Fatalf("banned list: %+v", banned)
	}
	ok[json.RawMessage](t, h.do(req{method: "DELETE", path: "groups/team/bannedusers/superhero3", token: as.token, resource: as.session}), nil)
	c.waitFor("unbanned at the unbanned user", isAction("unbanned", "superhero3"))
	b.waitFor("unbanned at member", isAction("unbanned", "superhero3"))

	// members list in join order, scopes, pagination
	var members []userOut
	r = h.do(req{method: "GET", path: "groups/team/members?per_page=30&page=1", token: bs.token})
	ok(t, r, &members)
	if len(members) != 2 || members[0].UID != "superhero1" || members[0].Scope != "admin" || members[1].Scope != "moderator" ||
		members[1].JoinedAt == 0 || r.Meta.Pagination.Total != 2 {
		t.Fatalf("members: %+v", members)
	}
	ok(t, h.do(req{method: "GET", path: "groups/team/members?per_page=30&scopes=moderator", token: bs.token}), &members)
	if len(members) != 1 || members[0].UID != "superhero2" {
		t.Fatalf("members by scope: %+v", members)
	}

	// leave: remaining members and the leaver's other sessions
	_, b2 := h.another(bs, "NONE")
	ok[json.RawMessage](t, h.do(req{method: "DELETE", path: "groups/team/members", token: bs.token, resource: bs.session}), nil)
	a.waitFor("left at owner", isAction("left", ""))
	b2.waitFor("left at leaver's other session", isAction("left", ""))
	// history stays closed to former members (decision 15)
	fails(t, h.do(req{method: "GET", path: "groups/team/messages?per_page=30&affix=prepend", token: bs.token}), 403, "ERR_GROUP_NOT_JOINED")
	msgs, _ := h.list(as, "groups/team/messages?per_page=100&affix=prepend&categories=action")
	if len(msgs) != 8 { // joined, added, banned, scopeChanged, kicked, banned, unbanned, left
		t.Fatalf("action messages in history: %d (%s)", len(msgs), h.ids(msgs))
	}

	// transfer ownership promotes the new owner
	ok[json.RawMessage](t, h.do(req{method: "POST", path: "groups/team/members", token: cs.token, resource: cs.session,
		body: `{"guid":"team","type":"password","password":"sesame"}`}), nil)
	var tr struct {
		Message string `json:"message"`
	}
	ok(t, h.do(req{method: "PATCH", path: "groups/team/owner", token: as.token, resource: as.session, body: `{"owner":"superhero3"}`}), &tr)
	if tr.Message == "" {
		t.Fatal("transfer reply needs a message")
	}
	c.waitFor("promoted", isAction("scopeChanged", "superhero3"))
	ok(t, h.do(req{method: "GET", path: "groups/team", token: cs.token}), &g)
	if g.Owner != "superhero3" || g.Scope != "admin" {
		t.Fatalf("after transfer: %+v", g)
	}
	ok[json.RawMessage](t, h.do(req{method: "DELETE", path: "groups/team/members", token: as.token}), nil)
	ok[json.RawMessage](t, h.do(req{method: "DELETE", path: "groups/team", token: cs.token}), nil)
	fails(t, h.do(req{method: "GET", path: "groups/team", token: cs.token}), 404, "ERR_GUID_NOT_FOUND")
	// a new group with the same guid starts with an empty history
	ok[json.RawMessage](t, h.do(req{method: "POST", path: "groups", token: as.token, body: `{"guid":"team","name":"Team 2","type":"public"}`}), nil)
	if msgs, _ := h.list(as, "groups/team/messages?per_page=100&affix=prepend"); len(msgs) != 0 {
		t.Fatalf("old history resurfaced: %s", h.ids(msgs))
	}
}

func TestGroupVisibilityAndLists(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	a, b := h.login("superhero1"), h.login("superhero2")
	for _, body := range []string{`{"guid":"alpha","name":"Alpha","type":"public","tags":["t"]}`,
		`{"guid":"beta","name":"Beta","type":"password","password":"p"}`,
		`{"guid":"gamma","name":"Gamma","type":"private"}`} {
		ok[json.RawMessage](t, h.do(req{method: "POST", path: "groups", token: a.token, body: body}), nil)
	}
	names := func(s session, q string) string {
		var gs []groupOut
		ok(t, h.do(req{method: "GET", path: "groups?" + q, token: s.token}), &gs)
		out := ""
		for _, g := range gs {
			out += g.GUID + " "
		}
		return out
	}
	for _, tc := range []struct {
		s          session
		q, want    string
		asOwner    bool
		hasJoined  bool
		passwordOK bool
	}{
		{s: a, q: "per_page=30", want: "alpha beta supergroup gamma "},
		{s: b, q: "per_page=30", want: "alpha beta supergroup "},
		{s: b, q: "per_page=30&hasJoined=1", want: "supergroup "},
		{s: a, q: "per_page=30&searchKey=AMM", want: "gamma "},
		{s: a, q: "per_page=30&tags=t", want: "alpha "},
		{s: a, q: "per_page=2&page=2", want: "supergroup gamma "},
		{s: a, q: "per_page=2&page=3", want: ""},
	} {
		if got := names(tc.s, tc.q); got != tc.want {
			t.Errorf("%s %s: got %q want %q", tc.s.uid, tc.q, got, tc.want)
		}
	}
	var g groupOut
	r := h.do(req{method: "GET", path: "groups/beta", token: b.token})
	ok(t, r, &g)
	if g.HasJoined || g.Scope != "" || strings.Contains(string(r.Raw), `"password":`) {
		t.Fatalf("non-member view: %s", r.Raw)
	}
	fails(t, h.do(req{method: "GET", path: "groups/gamma", token: b.token}), 404, "ERR_GUID_NOT_FOUND")
	// the SDK's plain-object updateGroup quirk hits groups/guid
	fails(t, h.do(req{method: "PUT", path: "groups/guid", token: a.token, body: `{"guid":"guid","name":"x"}`}), 404, "ERR_GUID_NOT_FOUND")
	ok(t, h.do(req{method: "PUT", path: "groups/alpha", token: a.token,
		body: `{"hasJoined":false,"membersCount":0,"guid":"alpha","name":"Alpha 2","type":"public","description":"d","owner":"superhero2"}`}), &g)
	if g.Name != "Alpha 2" || g.Owner != "superhero1" || g.MembersCount != 1 {
		t.Fatalf("updated: %+v", g)
	}

	// create with members: data.members.data holds the four maps
	r = h.do(req{method: "POST", path: "groups", token: a.token, body: `{"guid":"delta","name":"Delta","type":"private",
		"members":{"admins":["superhero2"],"participants":["superhero3"],"usersToBan":["superhero4"]}}`})
	ok(t, r, &g)
	if g.Members == nil || len(g.Members.Data) != 4 || !g.Members.Data["admins"]["superhero2"].Success ||
		!g.Members.Data["usersToBan"]["superhero4"].Success || g.MembersCount != 3 || !g.HasJoined {
		t.Fatalf("create with members: %s", r.Raw)
	}
	ok(t, h.do(req{method: "GET", path: "groups/delta", token: b.token}), &g)
	if g.Scope != "admin" || !g.HasJoined {
		t.Fatalf("added admin's view: %+v", g)
	}
}
