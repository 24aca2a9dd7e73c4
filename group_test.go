package cometchat_test

import (
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

func memberUIDs(ms []*cometchat.GroupMember) map[string]cometchat.GroupMemberScope {
	out := map[string]cometchat.GroupMemberScope{}
	for _, m := range ms {
		out[m.UID] = m.Scope
	}
	return out
}

func listMembers(t testing.TB, c *cometchat.Client, guid string) map[string]cometchat.GroupMemberScope {
	t.Helper()
	req, err := c.NewGroupMembersRequestBuilder(guid).SetLimit(100).Build()
	require.NoError(t, err)
	ms := collect(t, req.All(ctxT(t)))
	for _, m := range ms {
		require.Equal(t, guid, m.GUID, "member lists stamp the GUID")
	}
	return memberUIDs(ms)
}

func TestGroupsCreateGetUpdateList(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	c1 := restClient(t, srv, "superhero1")
	c2 := restClient(t, srv, "superhero2")
	ctx := ctxT(t)

	in := cometchat.NewGroup("Team-Rocket", "Team Rocket", cometchat.GroupTypePassword, "s3cret")
	in.Icon = "https://cdn.fake.test/g.png"
	in.Description = "Prepare for trouble"
	in.Tags = []string{"pokemon"}
	in.Metadata = map[string]any{"motto": "blast off"}
	g, err := c1.CreateGroup(ctx, in)
	require.NoError(t, err)
	assert.Equal(t, "team-rocket", g.GUID, "the server lower-cases GUIDs")
	assert.Equal(t, "Team Rocket", g.Name)
	assert.Equal(t, cometchat.GroupTypePassword, g.Type)
	assert.Empty(t, g.Password)
	assert.Equal(t, in.Icon, g.Icon)
	assert.Equal(t, in.Description, g.Description)
	assert.Equal(t, []string{"pokemon"}, g.Tags)
	assert.Equal(t, "blast off", g.Metadata["motto"])
	assert.Equal(t, "superhero1", g.Owner)
	assert.True(t, g.HasJoined)
	assert.Equal(t, cometchat.GroupMemberScopeAdmin, g.Scope)
	assert.Equal(t, 1, g.MembersCount)
	assert.NotZero(t, g.CreatedAt)
	assert.NotZero(t, g.JoinedAt)
	assert.Equal(t, "group_team-rocket", g.ConversationID)

	_, err = c1.CreateGroup(ctx, in)
	requireCode(t, err, cometchat.CodeGUIDAlreadyExists)

	got, err := c2.GetGroup(ctx, "team-rocket")
	require.NoError(t, err)
	assert.False(t, got.HasJoined, "relative to the caller")
	assert.Empty(t, got.Scope)
	assert.Equal(t, "superhero1", got.Owner)

	g.Name = "Team Rocket II"
	g.Description = "Double trouble"
	upd, err := c1.UpdateGroup(ctx, g)
	require.NoError(t, err)
	assert.Equal(t, "Team Rocket II", upd.Name)
	assert.Equal(t, "Double trouble", upd.Description)
	assert.Equal(t, "superhero1", upd.Owner)

	_, err = c1.GetGroup(ctx, "nope")
	requireCode(t, err, cometchat.CodeGUIDNotFound)

	// Groups list: joined only, search, tags, paging without duplicates.
	for i := range 3 {
		_, err := c1.CreateGroup(ctx, cometchat.NewGroup(fmt.Sprintf("extra-%d", i), fmt.Sprintf("Extra %d", i), cometchat.GroupTypePublic, ""))
		require.NoError(t, err)
	}
	_, err = c1.CreateGroup(ctx, cometchat.NewGroup("hidden", "Hidden", cometchat.GroupTypePrivate, ""))
	require.NoError(t, err)
	guids := func(c *cometchat.Client, b *cometchat.GroupsRequestBuilder) []string {
		t.Helper()
		req, err := b.Build()
		require.NoError(t, err)
		var out []string
		for _, g := range collect(t, req.All(ctx)) {
			out = append(out, g.GUID)
		}
		return out
	}
	all1 := guids(c1, c1.NewGroupsRequestBuilder().SetLimit(2))
	require.ElementsMatch(t, []string{"supergroup", "team-rocket", "extra-0", "extra-1", "extra-2", "hidden"}, all1)
	all2 := guids(c2, c2.NewGroupsRequestBuilder().SetLimit(2))
	require.ElementsMatch(t, []string{"supergroup", "team-rocket", "extra-0", "extra-1", "extra-2"}, all2, "private groups are hidden from non-members")
	require.Equal(t, []string{"supergroup"}, guids(c2, c2.NewGroupsRequestBuilder().SetLimit(10).JoinedOnly(true)))
	require.Equal(t, []string{"supergroup"}, guids(c2, c2.NewGroupsRequestBuilder().SetLimit(10).SetSearchKeyword("hangout")))
	require.Equal(t, []string{"team-rocket"}, guids(c2, c2.NewGroupsRequestBuilder().SetLimit(10).SetTags("pokemon")))

	req, err := c2.NewGroupsRequestBuilder().SetLimit(10).JoinedOnly(true).Build()
	require.NoError(t, err)
	page, err := req.FetchNext(ctx)
	require.NoError(t, err)
	require.Len(t, page, 1)
	assert.True(t, page[0].HasJoined)
	assert.Equal(t, cometchat.GroupMemberScopeParticipant, page[0].Scope)
	assert.Equal(t, 5, page[0].MembersCount)
	page, err = req.FetchNext(ctx)
	require.NoError(t, err)
	require.Empty(t, page)

	require.NoError(t, c1.DeleteGroup(ctx, "extra-0"))
	_, err = c1.GetGroup(ctx, "extra-0")
	requireCode(t, err, cometchat.CodeGUIDNotFound)
}

func TestGroupMembersAndBannedLists(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	require.NoError(t, srv.CreateUser(cometchattest.User{UID: "outsider", Name: "Outsider"}))
	c1 := restClient(t, srv, "superhero1")
	c4 := restClient(t, srv, "superhero4")
	ctx := ctxT(t)

	g, res, err := c1.CreateGroupWithMembers(ctx, cometchat.NewGroup("crew", "Crew", cometchat.GroupTypePrivate, ""),
		[]*cometchat.GroupMember{
			cometchat.NewGroupMember("superhero2", cometchat.GroupMemberScopeAdmin),
			cometchat.NewGroupMember("superhero3", cometchat.GroupMemberScopeModerator),
			cometchat.NewGroupMember("superhero4", cometchat.GroupMemberScopeParticipant),
			cometchat.NewGroupMember("ghost", cometchat.GroupMemberScopeParticipant),
		}, []string{"superhero5"})
	require.NoError(t, err)
	assert.True(t, g.HasJoined)
	assert.Equal(t, "superhero1", g.Owner)
	assert.Equal(t, 4, g.MembersCount)
	require.Len(t, res, 5, "%v", res)
	for _, uid := range []string{"superhero2", "superhero3", "superhero4", "superhero5"} {
		assert.Equal(t, "success", res[uid], uid)
	}
	assert.NotEqual(t, "success", res["ghost"])
	assert.NotEmpty(t, res["ghost"])

	require.Equal(t, map[string]cometchat.GroupMemberScope{
		"superhero1": cometchat.GroupMemberScopeAdmin, "superhero2": cometchat.GroupMemberScopeAdmin,
		"superhero3": cometchat.GroupMemberScopeModerator, "superhero4": cometchat.GroupMemberScopeParticipant,
	}, listMembers(t, c4, "crew"))

	// Paging and the scope filter.
	req, err := c1.NewGroupMembersRequestBuilder("crew").SetLimit(1).SetScopes(cometchat.GroupMemberScopeAdmin).Build()
	require.NoError(t, err)
	admins := collect(t, req.All(ctx))
	require.Equal(t, map[string]cometchat.GroupMemberScope{"superhero1": "admin", "superhero2": "admin"}, memberUIDs(admins))
	req, err = c1.NewGroupMembersRequestBuilder("crew").SetLimit(10).SetSearchKeyword("spider").Build()
	require.NoError(t, err)
	require.Equal(t, map[string]cometchat.GroupMemberScope{"superhero3": "moderator"}, memberUIDs(collect(t, req.All(ctx))))
	for _, m := range admins {
		assert.NotZero(t, m.JoinedAt)
		assert.NotEmpty(t, m.Name)
	}

	// Banned list: moderators and up.
	breq, err := c1.NewBannedMembersRequestBuilder("crew").SetLimit(10).Build()
	require.NoError(t, err)
	banned := collect(t, breq.All(ctx))
	require.Len(t, banned, 1)
	assert.Equal(t, "superhero5", banned[0].UID)
	assert.Equal(t, "crew", banned[0].GUID)
	breq, err = c4.NewBannedMembersRequestBuilder("crew").SetLimit(10).Build()
	require.NoError(t, err)
	_, err = breq.FetchNext(ctx)
	requireCode(t, err, cometchat.CodeGroupNoModerator)

	// A private group is invisible to non-members.
	c5 := restClient(t, srv, "superhero5")
	mreq, err := c5.NewGroupMembersRequestBuilder("crew").SetLimit(10).Build()
	require.NoError(t, err)
	_, err = mreq.FetchNext(ctx)
	requireCode(t, err, cometchat.CodeGUIDNotFound)
}

func TestGroupJoinRules(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	owner := restClient(t, srv, "superhero1")
	c2 := restClient(t, srv, "superhero2")
	c3 := restClient(t, srv, "superhero3")
	ctx := ctxT(t)
	for _, g := range []*cometchat.Group{
		cometchat.NewGroup("pub", "Public", cometchat.GroupTypePublic, ""),
		cometchat.NewGroup("pwd", "Password", cometchat.GroupTypePassword, "sesame"),
		cometchat.NewGroup("prv", "Private", cometchat.GroupTypePrivate, ""),
	} {
		_, err := owner.CreateGroup(ctx, g)
		require.NoError(t, err)
	}

	// Public: anyone joins, once.
	g, err := c2.JoinGroup(ctx, "pub", "", "")
	require.NoError(t, err)
	assert.Equal(t, "pub", g.GUID)
	assert.Equal(t, "Public", g.Name)
	assert.True(t, g.HasJoined)
	assert.Equal(t, cometchat.GroupMemberScopeParticipant, g.Scope)
	assert.Equal(t, 2, g.MembersCount)
	assert.NotZero(t, g.JoinedAt)
	_, err = c2.JoinGroup(ctx, "pub", cometchat.GroupTypePublic, "")
	requireCode(t, err, cometchat.CodeAlreadyJoined)

	// Password: wrong, missing (the client claims public; the server applies the real type), right.
	_, err = c2.JoinGroup(ctx, "pwd", cometchat.GroupTypePassword, "wrong")
	requireCode(t, err, cometchat.CodeWrongGroupPassword)
	_, err = c2.JoinGroup(ctx, "pwd", cometchat.GroupTypePublic, "")
	requireCode(t, err, cometchat.CodeEmptyGroupPassword)
	g, err = c2.JoinGroup(ctx, "pwd", cometchat.GroupTypePassword, "sesame")
	require.NoError(t, err)
	assert.True(t, g.HasJoined)
	assert.Equal(t, cometchat.GroupTypePassword, g.Type)

	// Private: a non-member's join is refused with ERR_GROUP_JOIN_NOT_ALLOWED
	// (decision 13, corrected); an admin adds members instead.
	_, err = c2.JoinGroup(ctx, "prv", cometchat.GroupTypePrivate, "")
	requireCode(t, err, cometchat.CodeGroupJoinNotAllowed)
	res, err := owner.AddMembersToGroup(ctx, "prv", []*cometchat.GroupMember{cometchat.NewGroupMember("superhero2", cometchat.GroupMemberScopeParticipant)}, nil)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"superhero2": "success"}, res)
	g, err = c2.GetGroup(ctx, "prv")
	require.NoError(t, err)
	assert.True(t, g.HasJoined)
	_, err = c2.JoinGroup(ctx, "prv", cometchat.GroupTypePrivate, "")
	requireCode(t, err, cometchat.CodeAlreadyJoined)

	// Banned: can neither join nor be added until unbanned.
	_, err = c3.JoinGroup(ctx, "pub", "", "")
	require.NoError(t, err)
	require.NoError(t, owner.BanGroupMember(ctx, "pub", "superhero3"))
	_, err = c3.JoinGroup(ctx, "pub", "", "")
	requireCode(t, err, cometchat.CodeBannedGroupMember)
	res, err = owner.AddMembersToGroup(ctx, "pub", []*cometchat.GroupMember{cometchat.NewGroupMember("superhero3", cometchat.GroupMemberScopeParticipant)}, nil)
	require.NoError(t, err)
	require.Contains(t, res, "superhero3")
	require.NotEqual(t, "success", res["superhero3"])
	require.NotContains(t, listMembers(t, owner, "pub"), "superhero3")
	require.NoError(t, owner.UnbanGroupMember(ctx, "pub", "superhero3"))
	require.NotContains(t, listMembers(t, owner, "pub"), "superhero3", "unban does not re-add")
	_, err = c3.JoinGroup(ctx, "pub", "", "")
	require.NoError(t, err)

	// Kicked: may join again.
	require.NoError(t, owner.KickGroupMember(ctx, "pub", "superhero3"))
	_, err = c3.JoinGroup(ctx, "pub", "", "")
	require.NoError(t, err)

	// Leave.
	require.NoError(t, c2.LeaveGroup(ctx, "pub"))
	g, err = c2.GetGroup(ctx, "pub")
	require.NoError(t, err)
	assert.False(t, g.HasJoined)
	requireCode(t, c2.LeaveGroup(ctx, "pub"), cometchat.CodeGroupNotJoined)
	requireCode(t, owner.LeaveGroup(ctx, "pub"), cometchat.CodeGroupNoClearance)

	// After a transfer the old owner may leave.
	require.NoError(t, owner.TransferGroupOwnership(ctx, "pub", "superhero3"))
	g, err = c3.GetGroup(ctx, "pub")
	require.NoError(t, err)
	assert.Equal(t, "superhero3", g.Owner)
	assert.Equal(t, cometchat.GroupMemberScopeAdmin, g.Scope)
	require.NoError(t, owner.LeaveGroup(ctx, "pub"))
}

type groupEvent struct {
	kind               string
	action             *cometchat.Action
	user, by           *cometchat.User
	group              *cometchat.Group
	newScope, oldScope cometchat.GroupMemberScope
}

// groupRecorder is a GroupListener that passes every member action to add.
func groupRecorder(add func(groupEvent)) cometchat.GroupListener {
	return cometchat.GroupListener{
		OnGroupMemberJoined: func(a *cometchat.Action, u *cometchat.User, g *cometchat.Group) {
			add(groupEvent{kind: "joined", action: a, user: u, group: g})
		},
		OnGroupMemberLeft: func(a *cometchat.Action, u *cometchat.User, g *cometchat.Group) {
			add(groupEvent{kind: "left", action: a, user: u, group: g})
		},
		OnGroupMemberKicked: func(a *cometchat.Action, u, by *cometchat.User, g *cometchat.Group) {
			add(groupEvent{kind: "kicked", action: a, user: u, by: by, group: g})
		},
		OnGroupMemberBanned: func(a *cometchat.Action, u, by *cometchat.User, g *cometchat.Group) {
			add(groupEvent{kind: "banned", action: a, user: u, by: by, group: g})
		},
		OnGroupMemberUnbanned: func(a *cometchat.Action, u, by *cometchat.User, g *cometchat.Group) {
			add(groupEvent{kind: "unbanned", action: a, user: u, by: by, group: g})
		},
		OnGroupMemberScopeChanged: func(a *cometchat.Action, u *cometchat.User, n, o cometchat.GroupMemberScope, g *cometchat.Group) {
			add(groupEvent{kind: "scopeChanged", action: a, user: u, group: g, newScope: n, oldScope: o})
		},
		OnMemberAddedToGroup: func(a *cometchat.Action, u, by *cometchat.User, g *cometchat.Group) {
			add(groupEvent{kind: "added", action: a, user: u, by: by, group: g})
		},
	}
}

func TestGroupListenerSeesMemberActions(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	owner := restClient(t, srv, "superhero1")
	joiner := loggedIn(t, srv, "superhero2")
	observer := loggedIn(t, srv, "superhero5")
	ctx := ctxT(t)

	ev := newEvents[groupEvent]()
	observer.AddGroupListener("obs", groupRecorder(ev.add))
	_, _, err := owner.CreateGroupWithMembers(ctx, cometchat.NewGroup("watch", "Watch", cometchat.GroupTypePublic, ""),
		[]*cometchat.GroupMember{
			cometchat.NewGroupMember("superhero5", cometchat.GroupMemberScopeParticipant),
			cometchat.NewGroupMember("superhero3", cometchat.GroupMemberScopeParticipant),
		}, nil)
	require.NoError(t, err)

	kickedSeen := newEvents[groupEvent]()
	joiner.AddGroupListener("self", cometchat.GroupListener{
		OnGroupMemberKicked: func(a *cometchat.Action, u, by *cometchat.User, g *cometchat.Group) {
			kickedSeen.add(groupEvent{kind: "kicked", action: a, user: u, by: by, group: g})
		},
	})

	expect := func(kind, user, by string) groupEvent {
		t.Helper()
		e := ev.next(t)
		require.Equal(t, kind, e.kind)
		require.NotNil(t, e.action)
		require.Equal(t, cometchat.ActionType(kind), e.action.Action)
		require.NotNil(t, e.user)
		require.Equal(t, user, e.user.UID)
		if by != "" {
			require.NotNil(t, e.by)
			require.Equal(t, by, e.by.UID)
		}
		require.NotNil(t, e.group)
		require.Equal(t, "watch", e.group.GUID)
		require.Equal(t, "watch", e.action.ReceiverID)
		return e
	}

	// Create-with-members pushes one "added" per member.
	added := map[string]bool{}
	for range 2 {
		e := ev.next(t)
		require.Equal(t, "added", e.kind)
		require.Equal(t, "superhero1", e.by.UID)
		require.Equal(t, "watch", e.group.GUID)
		added[e.user.UID] = true
	}
	require.Equal(t, map[string]bool{"superhero3": true, "superhero5": true}, added)

	_, err = joiner.JoinGroup(ctx, "watch", cometchat.GroupTypePublic, "")
	require.NoError(t, err)
	e := expect("joined", "superhero2", "")
	require.Equal(t, 4, e.group.MembersCount)

	require.NoError(t, owner.UpdateGroupMemberScope(ctx, "watch", "superhero3", cometchat.GroupMemberScopeModerator))
	e = expect("scopeChanged", "superhero3", "")
	require.Equal(t, cometchat.GroupMemberScopeModerator, e.newScope)
	require.Equal(t, cometchat.GroupMemberScopeParticipant, e.oldScope)
	by, ok := e.action.ActionBy.(*cometchat.User)
	require.True(t, ok)
	require.Equal(t, "superhero1", by.UID)

	require.NoError(t, owner.KickGroupMember(ctx, "watch", "superhero2"))
	expect("kicked", "superhero2", "superhero1")
	k := kickedSeen.next(t)
	require.Equal(t, "superhero2", k.user.UID, "the kicked user is told too")
	require.Equal(t, "superhero1", k.by.UID)

	_, err = joiner.JoinGroup(ctx, "watch", "", "")
	require.NoError(t, err)
	expect("joined", "superhero2", "")
	require.NoError(t, joiner.LeaveGroup(ctx, "watch"))
	expect("left", "superhero2", "")

	require.NoError(t, owner.BanGroupMember(ctx, "watch", "superhero2"))
	expect("banned", "superhero2", "superhero1")
	require.NoError(t, owner.UnbanGroupMember(ctx, "watch", "superhero2"))
	expect("unbanned", "superhero2", "superhero1")

	res, err := owner.AddMembersToGroup(ctx, "watch", []*cometchat.GroupMember{cometchat.NewGroupMember("superhero2", cometchat.GroupMemberScopeParticipant)}, nil)
	require.NoError(t, err)
	require.Equal(t, "success", res["superhero2"])
	e = expect("added", "superhero2", "superhero1")
	require.Equal(t, 4, e.group.MembersCount)

	// Moderator action, seen with the moderator as actor.
	mod := restClient(t, srv, "superhero3")
	require.NoError(t, mod.KickGroupMember(ctx, "watch", "superhero2"))
	expect("kicked", "superhero2", "superhero3")
	ev.none(t)
}

// TestGroupValidationBeforeIO: every invalid argument is refused locally
// with its code; the stub fails the test on any request.
func TestGroupValidationBeforeIO(t *testing.T) {
	t.Parallel()
	c := stubClient(t, failOnCall(t))
	ctx := ctxT(t)
	pub := cometchat.GroupTypePublic
	member := func(uid string, s cometchat.GroupMemberScope) []*cometchat.GroupMember {
		return []*cometchat.GroupMember{cometchat.NewGroupMember(uid, s)}
	}
	cases := []struct {
		name string
		call func() error
		code cometchat.Code
	}{
		{"create nil", func() error { _, err := c.CreateGroup(ctx, nil); return err }, cometchat.CodeMissingParameters},
		{"create bad guid", func() error { _, err := c.CreateGroup(ctx, cometchat.NewGroup("a b", "N", pub, "")); return err }, cometchat.CodeInvalidGUID},
		{"create empty guid", func() error { _, err := c.CreateGroup(ctx, cometchat.NewGroup("", "N", pub, "")); return err }, cometchat.CodeInvalidGUID},
		{"create no name", func() error { _, err := c.CreateGroup(ctx, cometchat.NewGroup("g", " ", pub, "")); return err }, cometchat.CodeGroupNameIsCompulsory},
		{"create no type", func() error { _, err := c.CreateGroup(ctx, cometchat.NewGroup("g", "N", "", "")); return err }, cometchat.CodeGroupTypeIsCompulsory},
		{"create protected", func() error { _, err := c.CreateGroup(ctx, cometchat.NewGroup("g", "N", "protected", "x")); return err }, cometchat.CodeInvalidGroupType},
		{"create password without password", func() error {
			_, err := c.CreateGroup(ctx, cometchat.NewGroup("g", "N", cometchat.GroupTypePassword, ""))
			return err
		}, cometchat.CodePasswordIsCompulsory},
		{"create empty tags", func() error {
			g := cometchat.NewGroup("g", "N", pub, "")
			g.Tags = []string{}
			_, err := c.CreateGroup(ctx, g)
			return err
		}, cometchat.CodeInvalidGroupTags},
		{"create with members bad scope", func() error {
			_, _, err := c.CreateGroupWithMembers(ctx, cometchat.NewGroup("g", "N", pub, ""), member("u", "member"), nil)
			return err
		}, cometchat.CodeInvalidScope},
		{"create with members bad ban uid", func() error {
			_, _, err := c.CreateGroupWithMembers(ctx, cometchat.NewGroup("g", "N", pub, ""), nil, []string{"a/b"})
			return err
		}, cometchat.CodeInvalidUID},
		{"get bad guid", func() error { _, err := c.GetGroup(ctx, "../x"); return err }, cometchat.CodeInvalidGUID},
		{"update nil", func() error { _, err := c.UpdateGroup(ctx, nil); return err }, cometchat.CodeMissingParameters},
		{"update bad type", func() error { _, err := c.UpdateGroup(ctx, &cometchat.Group{GUID: "g", Type: "protected"}); return err }, cometchat.CodeInvalidGroupType},
		{"delete bad guid", func() error { return c.DeleteGroup(ctx, "") }, cometchat.CodeInvalidGUID},
		{"join bad guid", func() error { _, err := c.JoinGroup(ctx, "a?b", pub, ""); return err }, cometchat.CodeInvalidGUID},
		{"join protected", func() error { _, err := c.JoinGroup(ctx, "g", "protected", "x"); return err }, cometchat.CodeInvalidGroupType},
		{"join password without password", func() error {
			_, err := c.JoinGroup(ctx, "g", cometchat.GroupTypePassword, "")
			return err
		}, cometchat.CodePasswordIsCompulsory},
		{"leave bad guid", func() error { return c.LeaveGroup(ctx, "a b") }, cometchat.CodeInvalidGUID},
		{"kick bad uid", func() error { return c.KickGroupMember(ctx, "g", "a b") }, cometchat.CodeInvalidUID},
		{"kick bad guid", func() error { return c.KickGroupMember(ctx, "", "u") }, cometchat.CodeInvalidGUID},
		{"ban bad uid", func() error { return c.BanGroupMember(ctx, "g", "") }, cometchat.CodeInvalidUID},
		{"unban bad uid", func() error { return c.UnbanGroupMember(ctx, "g", "é") }, cometchat.CodeInvalidUID},
		{"scope member", func() error { return c.UpdateGroupMemberScope(ctx, "g", "u", "member") }, cometchat.CodeInvalidScope},
		{"scope empty", func() error { return c.UpdateGroupMemberScope(ctx, "g", "u", "") }, cometchat.CodeInvalidScope},
		{"scope bad uid", func() error { return c.UpdateGroupMemberScope(ctx, "g", "a b", "admin") }, cometchat.CodeInvalidUID},
		{"transfer bad uid", func() error { return c.TransferGroupOwnership(ctx, "g", "") }, cometchat.CodeInvalidUID},
		{"add nothing", func() error { _, err := c.AddMembersToGroup(ctx, "g", nil, nil); return err }, cometchat.CodeEmptyUsersList},
		{"add unscoped member", func() error { _, err := c.AddMembersToGroup(ctx, "g", member("u", ""), nil); return err }, cometchat.CodeInvalidScope},
		{"add bad uid", func() error { _, err := c.AddMembersToGroup(ctx, "g", member("a b", "admin"), nil); return err }, cometchat.CodeInvalidUID},
		{"groups no limit", func() error { _, err := c.NewGroupsRequestBuilder().Build(); return err }, cometchat.CodeSetLimitIsCompulsory},
		{"groups limit 101", func() error { _, err := c.NewGroupsRequestBuilder().SetLimit(101).Build(); return err }, cometchat.CodeSetLimitExceeded},
		{"members bad guid", func() error { _, err := c.NewGroupMembersRequestBuilder("a b").SetLimit(1).Build(); return err }, cometchat.CodeInvalidGUID},
		{"members no limit", func() error { _, err := c.NewGroupMembersRequestBuilder("g").Build(); return err }, cometchat.CodeSetLimitIsCompulsory},
		{"members bad scope", func() error {
			_, err := c.NewGroupMembersRequestBuilder("g").SetLimit(1).SetScopes("owner").Build()
			return err
		}, cometchat.CodeInvalidScope},
		{"banned limit 101", func() error { _, err := c.NewBannedMembersRequestBuilder("g").SetLimit(101).Build(); return err }, cometchat.CodeSetLimitExceeded},
		{"banned bad guid", func() error { _, err := c.NewBannedMembersRequestBuilder("").SetLimit(1).Build(); return err }, cometchat.CodeInvalidGUID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { requireCode(t, tc.call(), tc.code) })
	}
}

// TestGroupJoinBody: the join request carries the Cordova SDK's body.
func TestGroupJoinBody(t *testing.T) {
	t.Parallel()
	bodies := make(chan string, 2)
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies <- r.Method + " " + r.URL.Path + " " + string(b)
		_, _ = w.Write([]byte(`{"data":{"id":"7","category":"action","type":"groupMember","receiverType":"group","receiver":"g1",
			"data":{"action":"joined","entities":{"by":{"entityType":"user","entity":{"uid":"superhero1","name":"Iron Man"}},
			"for":{"entityType":"group","entity":{"guid":"g1","name":"G","type":"password","scope":"participant","membersCount":2,"hasJoined":true,"joinedAt":5}}}}}}`))
	})
	g, err := c.JoinGroup(ctxT(t), "g1", cometchat.GroupTypePassword, "open")
	require.NoError(t, err)
	require.Equal(t, `POST /v3.0/groups/g1/members {"hasJoined":false,"membersCount":0,"guid":"g1","name":"name","type":"password","password":"open"}`, <-bodies)
	require.Equal(t, "g1", g.GUID)
	require.True(t, g.HasJoined)
	require.Equal(t, int64(5), g.JoinedAt)
	require.Equal(t, 2, g.MembersCount)

	_, err = c.CreateGroup(ctxT(t), cometchat.NewGroup("g2", "Public group", cometchat.GroupTypePublic, "ignored"))
	require.Error(t, err, "the stub answers with an action, not a group")
	require.Equal(t, `POST /v3.0/groups {"hasJoined":false,"membersCount":0,"guid":"g2","name":"Public group","type":"public"}`, <-bodies)
}
