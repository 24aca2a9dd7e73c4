package cometchat_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

// The full privilege matrix of issue 3: actor × operation × target × group
// type. Every cell runs on a fresh group, asserts the outcome computed by
// mxOracle (decision 13's check order and clearance table) and what an
// uninvolved, connected participant (the watcher) sees.

type mxActor string

const (
	mxOwner       mxActor = "owner"
	mxAdmin       mxActor = "admin"
	mxModerator   mxActor = "moderator"
	mxParticipant mxActor = "participant"
	mxNonMember   mxActor = "non-member"
	mxBanned      mxActor = "banned"
)

var mxActors = []mxActor{mxOwner, mxAdmin, mxModerator, mxParticipant, mxNonMember, mxBanned}

type mxOp string

const (
	mxUpdate           mxOp = "update"
	mxDelete           mxOp = "delete"
	mxAdd              mxOp = "add"
	mxKick             mxOp = "kick"
	mxBan              mxOp = "ban"
	mxUnban            mxOp = "unban"
	mxScopeAdmin       mxOp = "scope-admin"
	mxScopeModerator   mxOp = "scope-moderator"
	mxScopeParticipant mxOp = "scope-participant"
	mxTransfer         mxOp = "transfer"
)

var mxOps = []mxOp{mxUpdate, mxDelete, mxAdd, mxKick, mxBan, mxUnban, mxScopeAdmin, mxScopeModerator, mxScopeParticipant, mxTransfer}

// newScope is the scope a scope-change operation sets.
func (o mxOp) newScope() cometchat.GroupMemberScope {
	switch o {
	case mxScopeAdmin:
		return cometchat.GroupMemberScopeAdmin
	case mxScopeModerator:
		return cometchat.GroupMemberScopeModerator
	case mxScopeParticipant:
		return cometchat.GroupMemberScopeParticipant
	}
	return ""
}

func (o mxOp) isScope() bool { return o.newScope() != "" }

// The users of the matrix. Actors and targets are distinct users except the
// owner, who is both the "owner" actor and the "owner" target (a self action).
const (
	uOwner     = "mx-owner"
	uAdmin     = "mx-admin"  // actor
	uAdmin2    = "mx-admin2" // target
	uMod       = "mx-mod"
	uMod2      = "mx-mod2"
	uPart      = "mx-part"
	uPart2     = "mx-part2"
	uWatcher   = "mx-watcher" // uninvolved participant with a socket
	uOutsider  = "mx-outsider"
	uBanned    = "mx-banned"       // banned actor (banned while a participant)
	uBanAdmin  = "mx-banned-admin" // unban targets, banned with their scope
	uBanMod    = "mx-banned-mod"   //
	uBanPart   = "mx-banned-part"  //
	uNewcomer  = "mx-newcomer"     // add target, never a member before
	mxPassword = "open-sesame"
)

var mxActorUID = map[mxActor]string{
	mxOwner: uOwner, mxAdmin: uAdmin, mxModerator: uMod, mxParticipant: uPart, mxNonMember: uOutsider, mxBanned: uBanned,
}

// mxTarget names the target of an operation and the state it is in before.
type mxTarget struct {
	name   string
	uid    string
	scope  cometchat.GroupMemberScope // the member's scope, the scope at ban time, or the scope added with
	member bool
	banned bool
}

var (
	tOwner       = mxTarget{name: "owner", uid: uOwner, scope: "admin", member: true}
	tAdmin       = mxTarget{name: "admin", uid: uAdmin2, scope: "admin", member: true}
	tModerator   = mxTarget{name: "moderator", uid: uMod2, scope: "moderator", member: true}
	tParticipant = mxTarget{name: "participant", uid: uPart2, scope: "participant", member: true}
	memberTgts   = []mxTarget{tOwner, tAdmin, tModerator, tParticipant}
	bannedTgts   = []mxTarget{
		{name: "banned-admin", uid: uBanAdmin, scope: "admin", banned: true},
		{name: "banned-moderator", uid: uBanMod, scope: "moderator", banned: true},
		{name: "banned-participant", uid: uBanPart, scope: "participant", banned: true},
	}
	newTgts = []mxTarget{
		{name: "new-admin", uid: uNewcomer, scope: "admin"},
		{name: "new-moderator", uid: uNewcomer, scope: "moderator"},
		{name: "new-participant", uid: uNewcomer, scope: "participant"},
	}
)

func (o mxOp) targets() []mxTarget {
	switch o {
	case mxUpdate, mxDelete:
		return []mxTarget{{}}
	case mxAdd:
		return newTgts
	case mxUnban:
		return bannedTgts
	}
	return memberTgts
}

type mxCell struct {
	typ    cometchat.GroupType
	actor  mxActor
	op     mxOp
	target mxTarget
}

func (c mxCell) name() string {
	var verb string
	switch c.op {
	case mxUpdate:
		verb = "updates group"
	case mxDelete:
		verb = "deletes group"
	case mxAdd:
		verb = "adds " + c.target.name
	case mxKick, mxBan, mxUnban:
		verb = string(c.op) + "s " + c.target.name
	case mxTransfer:
		verb = "transfers ownership to " + c.target.name
	default:
		verb = "sets " + c.target.name + " to " + string(c.op.newScope())
	}
	return string(c.actor) + " " + verb
}

// mxOracle computes the expected outcome of a cell: "" for success, else the
// error code. It follows decision 13's (corrected) order of checks, the
// first failing check deciding (docs/decisions.md).
func mxOracle(c mxCell) cometchat.Code {
	actorUID := mxActorUID[c.actor]
	// 1. Request shape: every request of the matrix is well formed.

	// 2. The group exists and is visible to the actor: a private group is
	//    invisible to non-members, and a banned user is not a member. (Only
	//    a join, not in this matrix, sees a private group it has not joined.)
	if c.typ == cometchat.GroupTypePrivate && (c.actor == mxNonMember || c.actor == mxBanned) {
		return cometchat.CodeGUIDNotFound
	}
	// 3. The actor is banned.
	if c.actor == mxBanned {
		return cometchat.CodeBannedGroupMember
	}
	// 4. The actor is a member.
	if c.actor == mxNonMember {
		return cometchat.CodeGroupNotJoined
	}
	// 5. No kick, ban, unban or scope change on oneself. Decision 13 does not
	//    list transfer of ownership, and no document says what a transfer to
	//    the current owner answers; this test extends the self-action rule
	//    to it (the transfer would change nothing), the fake server's choice
	//    too. Reported as a gap in the documents.
	if (c.op == mxKick || c.op == mxBan || c.op == mxUnban || c.op.isScope() || c.op == mxTransfer) && c.target.uid == actorUID {
		return cometchat.CodeGroupNoSelfAction
	}
	// 6. The target's state.
	switch {
	case (c.op == mxKick || c.op.isScope() || c.op == mxTransfer) && !c.target.member:
		return cometchat.CodeNotAMember
	case c.op == mxUnban && !c.target.banned:
		return cometchat.CodeNotABannedUser
	case c.op == mxBan && c.target.banned:
		return cometchat.CodeAlreadyBanned
	}
	isOwner := c.target.uid == uOwner
	// 7. Any scope change the clearance table does not allow: a participant
	//    changing anyone's scope, a moderator promoting to admin or touching
	//    an admin, a non-owner touching an admin, anyone touching the owner.
	if c.op.isScope() {
		switch {
		case isOwner,
			c.actor == mxParticipant,
			c.target.scope == cometchat.GroupMemberScopeAdmin && c.actor != mxOwner,
			c.actor == mxModerator && c.op == mxScopeAdmin:
			return cometchat.CodeGroupNoScopeChange
		}
	}
	// 8. Kick, ban or unban of a target the actor has no clearance over:
	//    nobody but the owner over the owner, participants and moderators
	//    over participants only. Unban rights follow the scope the user had
	//    when banned.
	if (c.op == mxKick || c.op == mxBan || c.op == mxUnban) &&
		(isOwner || (c.actor == mxParticipant || c.actor == mxModerator) && c.target.scope != cometchat.GroupMemberScopeParticipant) {
		return cometchat.CodeGroupNoClearance
	}
	// 9. The actor's scope allows the operation at all: transfer by a
	//    non-owner is ERR_GROUP_NO_CLEARANCE; delete and add members need an
	//    admin (ERR_GROUP_NO_ADMIN_SCOPE, participants included); update,
	//    kick, ban and unban need a moderator.
	switch {
	case c.op == mxTransfer && c.actor != mxOwner:
		return cometchat.CodeGroupNoClearance
	case (c.op == mxDelete || c.op == mxAdd) && (c.actor == mxParticipant || c.actor == mxModerator):
		return cometchat.CodeGroupNoAdmin
	case (c.op == mxUpdate || c.op == mxKick || c.op == mxBan || c.op == mxUnban) && c.actor == mxParticipant:
		return cometchat.CodeGroupNoModerator
	}
	// 10. Scope change to the current scope.
	if c.op.isScope() && c.target.scope == c.op.newScope() {
		return cometchat.CodeSameScope
	}
	return ""
}

// mxExpected is what the watcher must see after a successful cell: one
// groupMember action, or nothing (kind "").
type mxExpected struct {
	kind     string // kicked, banned, unbanned, scopeChanged, added
	on, by   string
	newScope cometchat.GroupMemberScope
	oldScope cometchat.GroupMemberScope
}

func mxEffect(c mxCell) mxExpected {
	by := mxActorUID[c.actor]
	switch c.op {
	case mxKick:
		return mxExpected{kind: "kicked", on: c.target.uid, by: by}
	case mxBan:
		return mxExpected{kind: "banned", on: c.target.uid, by: by}
	case mxUnban:
		return mxExpected{kind: "unbanned", on: c.target.uid, by: by}
	case mxAdd:
		return mxExpected{kind: "added", on: c.target.uid, by: by}
	case mxScopeAdmin, mxScopeModerator, mxScopeParticipant:
		return mxExpected{kind: "scopeChanged", on: c.target.uid, by: by, newScope: c.op.newScope(), oldScope: c.target.scope}
	case mxTransfer:
		// The new owner becomes admin if not already, with a
		// scopeChanged action when the scope changed.
		if c.target.scope != cometchat.GroupMemberScopeAdmin {
			return mxExpected{kind: "scopeChanged", on: c.target.uid, by: by, newScope: "admin", oldScope: c.target.scope}
		}
	}
	return mxExpected{}
}

// mxEvent is one callback at the watcher, group or message listener alike.
type mxEvent struct {
	groupEvent
	text *cometchat.TextMessage
	msg  cometchat.Message // any other message callback
}

func (e mxEvent) String() string {
	switch {
	case e.text != nil:
		return fmt.Sprintf("text %q", e.text.Text)
	case e.msg != nil:
		return fmt.Sprintf("message %T %+v", e.msg, e.msg.Base())
	}
	s := e.kind
	if e.user != nil {
		s += " on " + e.user.UID
	}
	if e.by != nil {
		s += " by " + e.by.UID
	}
	return s
}

// mxRouter keeps one ordered stream per group (or per sentinel key): the
// watcher's callbacks all run on its one dispatcher goroutine, in order, so
// each stream keeps the order of the frames of its group.
type mxRouter struct {
	mu sync.Mutex
	m  map[string]*events[mxEvent]
}

func (r *mxRouter) stream(key string) *events[mxEvent] {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]*events[mxEvent]{}
	}
	if r.m[key] == nil {
		r.m[key] = newEvents[mxEvent]()
	}
	return r.m[key]
}

func (r *mxRouter) groupEv(e groupEvent) {
	key := "?"
	switch {
	case e.group != nil:
		key = e.group.GUID
	case e.action != nil:
		key = e.action.ReceiverID
	}
	r.stream(key).add(mxEvent{groupEvent: e})
}

func (r *mxRouter) message(m cometchat.Message) {
	key := m.Base().ReceiverID
	ev := mxEvent{msg: m}
	if t, ok := m.(*cometchat.TextMessage); ok {
		ev = mxEvent{text: t}
		// A 1:1 sentinel names its group.
		if k, ok := strings.CutPrefix(t.Text, "sentinel "); ok {
			key = k
		}
	}
	r.stream(key).add(ev)
}

func (r *mxRouter) listeners() (cometchat.GroupListener, cometchat.MessageListener) {
	gl := groupRecorder(r.groupEv)
	ml := cometchat.MessageListener{
		OnTextMessageReceived:    func(m *cometchat.TextMessage) { r.message(m) },
		OnMediaMessageReceived:   func(m *cometchat.MediaMessage) { r.message(m) },
		OnCustomMessageReceived:  func(m *cometchat.CustomMessage) { r.message(m) },
		OnUnknownMessageReceived: func(m *cometchat.UnknownMessage) { r.message(m) },
		OnMessageEdited:          func(m cometchat.Message) { r.message(m) },
		OnMessageDeleted:         func(m cometchat.Message) { r.message(m) },
	}
	return gl, ml
}

type mxWorld struct {
	srv     *cometchattest.Server
	clients map[string]*cometchat.Client
	router  *mxRouter
}

// seed builds the cell's group through the server's Go API (no action
// messages): the owner, every actor and target in its scope, the watcher,
// and the banned users, banned with their scope.
func (w *mxWorld) seed(t *testing.T, guid string, typ cometchat.GroupType) {
	t.Helper()
	g := cometchattest.Group{GUID: guid, Name: "Matrix " + guid, Type: string(typ), Owner: uOwner}
	if typ == cometchat.GroupTypePassword {
		g.Password = mxPassword
	}
	require.NoError(t, w.srv.CreateGroup(g))
	for _, m := range []struct{ uid, scope string }{
		{uAdmin, "admin"}, {uAdmin2, "admin"}, {uMod, "moderator"}, {uMod2, "moderator"},
		{uPart, "participant"}, {uPart2, "participant"}, {uWatcher, "participant"},
		{uBanned, "participant"}, {uBanAdmin, "admin"}, {uBanMod, "moderator"}, {uBanPart, "participant"},
	} {
		require.NoError(t, w.srv.AddMember(guid, m.uid, m.scope))
	}
	for _, uid := range []string{uBanned, uBanAdmin, uBanMod, uBanPart} {
		require.NoError(t, w.srv.BanMember(guid, uid))
	}
}

func (w *mxWorld) members(guid string) map[string]string {
	out := map[string]string{}
	for _, m := range w.srv.Members(guid) {
		out[m.UID] = m.Scope
	}
	return out
}

func (w *mxWorld) group(guid string) (cometchattest.Group, bool) {
	for _, g := range w.srv.Groups() {
		if g.GUID == guid {
			return g, true
		}
	}
	return cometchattest.Group{}, false
}

func (w *mxWorld) banned(t *testing.T, guid string) []string {
	t.Helper()
	req, err := w.clients[uOwner].NewBannedMembersRequestBuilder(guid).SetLimit(100).Build()
	require.NoError(t, err)
	var out []string
	for _, m := range collect(t, req.All(ctxT(t))) {
		out = append(out, m.UID)
	}
	slices.Sort(out)
	return out
}

func (w *mxWorld) run(ctx context.Context, c mxCell, guid string) error {
	cl := w.clients[mxActorUID[c.actor]]
	switch c.op {
	case mxUpdate:
		g, err := cl.UpdateGroup(ctx, &cometchat.Group{GUID: guid, Name: "Renamed " + guid})
		if err == nil && (g == nil || g.Name != "Renamed "+guid || g.Password != "") {
			return fmt.Errorf("update returned %+v", g)
		}
		return err
	case mxDelete:
		return cl.DeleteGroup(ctx, guid)
	case mxAdd:
		res, err := cl.AddMembersToGroup(ctx, guid, []*cometchat.GroupMember{cometchat.NewGroupMember(c.target.uid, c.target.scope)}, nil)
		if err == nil && (len(res) != 1 || res[c.target.uid] != "success") {
			return fmt.Errorf("add result %v", res)
		}
		return err
	case mxKick:
		return cl.KickGroupMember(ctx, guid, c.target.uid)
	case mxBan:
		return cl.BanGroupMember(ctx, guid, c.target.uid)
	case mxUnban:
		return cl.UnbanGroupMember(ctx, guid, c.target.uid)
	case mxTransfer:
		return cl.TransferGroupOwnership(ctx, guid, c.target.uid)
	default:
		return cl.UpdateGroupMemberScope(ctx, guid, c.target.uid, c.op.newScope())
	}
}

// wantState applies a successful operation to the seeded state.
func wantState(c mxCell, guid string, members map[string]string, banned []string, owner, name string) (map[string]string, []string, string, string) {
	members = maps.Clone(members)
	banned = slices.Clone(banned)
	switch c.op {
	case mxUpdate:
		name = "Renamed " + guid
	case mxAdd:
		members[c.target.uid] = string(c.target.scope)
	case mxKick:
		delete(members, c.target.uid)
	case mxBan:
		delete(members, c.target.uid)
		banned = append(banned, c.target.uid)
		slices.Sort(banned)
	case mxUnban:
		banned = slices.DeleteFunc(banned, func(u string) bool { return u == c.target.uid })
	case mxTransfer:
		members[c.target.uid] = "admin"
		owner = c.target.uid
	case mxScopeAdmin, mxScopeModerator, mxScopeParticipant:
		members[c.target.uid] = string(c.op.newScope())
	}
	return members, banned, owner, name
}

func TestGroupPrivilegeMatrixFull(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	for _, uid := range []string{uOwner, uAdmin, uAdmin2, uMod, uMod2, uPart, uPart2, uWatcher, uOutsider,
		uBanned, uBanAdmin, uBanMod, uBanPart, uNewcomer} {
		require.NoError(t, srv.CreateUser(cometchattest.User{UID: uid, Name: "User " + uid}))
	}
	w := &mxWorld{srv: srv, clients: map[string]*cometchat.Client{}, router: &mxRouter{}}
	for _, uid := range mxActorUID {
		w.clients[uid] = restClient(t, srv, uid)
	}
	watcher := newClient(t, srv, nil)
	gl, ml := w.router.listeners()
	watcher.AddGroupListener("mx", gl)
	watcher.AddMessageListener("mx", ml)
	_, err := watcher.Login(ctxT(t), uWatcher, srv.Config().AuthKey)
	require.NoError(t, err)
	require.NoError(t, watcher.WaitConnected(ctxT(t)))

	var cells []mxCell
	for _, typ := range []cometchat.GroupType{cometchat.GroupTypePublic, cometchat.GroupTypePassword, cometchat.GroupTypePrivate} {
		for _, actor := range mxActors {
			for _, op := range mxOps {
				for _, tg := range op.targets() {
					cells = append(cells, mxCell{typ: typ, actor: actor, op: op, target: tg})
				}
			}
		}
	}
	require.Len(t, cells, 3*6*32)

	var historyMu sync.Mutex
	type stored struct {
		cell string
		want []string // the groupMember verbs the group's history must hold
	}
	history := map[string]stored{}
	t.Run("cells", func(t *testing.T) {
		for i, c := range cells {
			t.Run(string(c.typ)+"/"+c.name(), func(t *testing.T) {
				t.Parallel()
				ctx := ctxT(t)
				guid := fmt.Sprintf("mx-%s-%d", c.typ, i)
				w.seed(t, guid, c.typ)
				stream := w.router.stream(guid)
				members0 := w.members(guid)
				g0, _ := w.group(guid)
				var banned0 []string
				if c.op == mxBan || c.op == mxUnban {
					banned0 = w.banned(t, guid)
				}

				want := mxOracle(c)
				err := w.run(ctx, c, guid)
				requireCode(t, err, want)

				// The state afterwards: changed as the operation says, or not at all.
				wantMembers, wantBanned, wantOwner, wantName := members0, banned0, g0.Owner, g0.Name
				if want == "" {
					wantMembers, wantBanned, wantOwner, wantName = wantState(c, guid, members0, banned0, g0.Owner, g0.Name)
				}
				g1, exists := w.group(guid)
				if c.op == mxDelete && want == "" {
					assert.False(t, exists, "deleted")
					_, err := watcher.GetGroup(ctx, guid)
					requireCode(t, err, cometchat.CodeGUIDNotFound)
				} else {
					require.True(t, exists)
					assert.Equal(t, wantMembers, w.members(guid), "members")
					assert.Equal(t, wantOwner, g1.Owner, "owner")
					assert.Equal(t, wantName, g1.Name, "name")
					if c.op == mxBan || c.op == mxUnban {
						assert.Equal(t, wantBanned, w.banned(t, guid), "banned users")
					}
				}

				// Stored history: exactly the expected groupMember action,
				// checked once all cells ran (one snapshot of the messages).
				exp := mxExpected{}
				if want == "" {
					exp = mxEffect(c)
				}
				var wantActions []string
				if exp.kind != "" {
					wantActions = []string{exp.kind}
				}
				historyMu.Lock()
				history[guid] = stored{cell: t.Name(), want: wantActions}
				historyMu.Unlock()

				// The watcher: the action, then the owner's sentinel, and nothing else.
				if exp.kind != "" {
					e := stream.next(t)
					require.Equal(t, exp.kind, e.kind, "watcher saw %v", e)
					a := e.action
					require.NotNil(t, a)
					assert.Equal(t, cometchat.ActionType(exp.kind), a.Action)
					assert.Equal(t, cometchat.CategoryAction, a.Category)
					assert.Equal(t, guid, a.ReceiverID)
					assert.Equal(t, cometchat.ReceiverTypeGroup, a.ReceiverType)
					assert.Equal(t, "group_"+guid, a.ConversationID)
					if assert.NotNil(t, a.Sender) {
						assert.Equal(t, exp.by, a.Sender.UID, "sender")
					}
					if by, ok := a.ActionBy.(*cometchat.User); assert.True(t, ok, "actionBy %T", a.ActionBy) {
						assert.Equal(t, exp.by, by.UID, "actionBy")
					}
					if on, ok := a.ActionOn.(*cometchat.User); assert.True(t, ok, "actionOn %T", a.ActionOn) {
						assert.Equal(t, exp.on, on.UID, "actionOn")
					}
					if f, ok := a.ActionFor.(*cometchat.Group); assert.True(t, ok, "actionFor %T", a.ActionFor) {
						assert.Equal(t, guid, f.GUID, "actionFor")
					}
					if assert.NotNil(t, e.user) {
						assert.Equal(t, exp.on, e.user.UID, "listener's user")
					}
					if exp.kind != "scopeChanged" && assert.NotNil(t, e.by) {
						assert.Equal(t, exp.by, e.by.UID, "listener's actor")
					}
					if assert.NotNil(t, e.group) {
						assert.Equal(t, guid, e.group.GUID, "listener's group")
						assert.Equal(t, len(wantMembers), e.group.MembersCount, "membersCount after the change")
					}
					if exp.kind == "scopeChanged" {
						assert.Equal(t, exp.newScope, e.newScope, "new scope")
						assert.Equal(t, exp.oldScope, e.oldScope, "old scope")
						assert.Equal(t, exp.newScope, a.NewScope)
						assert.Equal(t, exp.oldScope, a.OldScope)
					}
				}
				sentinel := "sentinel " + guid
				if c.op == mxDelete && want == "" {
					_, err = w.clients[uOwner].SendMessage(ctx, cometchat.NewTextMessage(uWatcher, cometchat.ReceiverTypeUser, sentinel))
				} else {
					_, err = w.clients[uOwner].SendMessage(ctx, cometchat.NewTextMessage(guid, cometchat.ReceiverTypeGroup, sentinel))
				}
				require.NoError(t, err)
				e := stream.next(t)
				require.NotNil(t, e.text, "the watcher's next event must be the sentinel, got %v", e)
				require.Equal(t, sentinel, e.text.Text)
				stream.none(t)
			})
		}
	})

	// Every group's history holds exactly the groupMember actions of its
	// cell: none for a refused operation.
	got := map[string][]string{}
	for _, m := range srv.Messages() {
		if m.Category == "action" && m.Type == "groupMember" {
			guid, _ := strings.CutPrefix(m.ConversationID, "group_")
			got[guid] = append(got[guid], m.Action)
		}
	}
	for guid, h := range history {
		assert.Equal(t, h.want, got[guid], "groupMember actions in the history of %s (%s)", guid, h.cell)
	}
}
