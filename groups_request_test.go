package cometchat_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

// Listing tests of issue 3: pagination across pages, combined filters,
// private groups, passwords never returned, iterator termination.

func groupGUIDs(gs []*cometchat.Group) []string {
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		out = append(out, g.GUID)
	}
	return out
}

func memberList(ms []*cometchat.GroupMember) []string {
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, m.UID)
	}
	return out
}

// listGroups runs a groups request to its end with All.
func listGroups(t *testing.T, b *cometchat.GroupsRequestBuilder) []*cometchat.Group {
	t.Helper()
	req, err := b.Build()
	require.NoError(t, err)
	return collect(t, req.All(ctxT(t)))
}

func TestGroupsListPagination(t *testing.T) {
	t.Parallel()
	srv := bareServer(t, "lister", "viewer")
	owner := restClient(t, srv, "lister")
	viewer := restClient(t, srv, "viewer")
	ctx := ctxT(t)

	// Created out of name order: the list is ordered by name, then GUID.
	var want []string
	for _, i := range []int{4, 0, 6, 2, 5, 1, 3} {
		_, err := owner.CreateGroup(ctx, cometchat.NewGroup(fmt.Sprintf("page-%d", i), fmt.Sprintf("Page %d", i), cometchat.GroupTypePublic, ""))
		require.NoError(t, err)
	}
	for i := range 7 {
		want = append(want, fmt.Sprintf("page-%d", i))
	}

	for _, c := range []struct {
		name string
		cl   *cometchat.Client
	}{{"owner", owner}, {"non-member", viewer}} {
		t.Run(c.name, func(t *testing.T) {
			ctx := ctxT(t)
			// FetchNext: pages of 3, 3 and 1, then empty pages, never an error.
			req, err := c.cl.NewGroupsRequestBuilder().SetLimit(3).Build()
			require.NoError(t, err)
			var pages [][]string
			for range 3 {
				page, err := req.FetchNext(ctx)
				require.NoError(t, err)
				pages = append(pages, groupGUIDs(page))
			}
			require.Equal(t, [][]string{want[0:3], want[3:6], want[6:7]}, pages)
			for range 2 {
				page, err := req.FetchNext(ctx)
				require.NoError(t, err)
				require.NotNil(t, page)
				require.Empty(t, page, "after the last page")
			}
			// All starts from the first page on its own cursor, even on a
			// finished request.
			require.Equal(t, want, groupGUIDs(collect(t, req.All(ctx))))

			// All on a fresh request yields each group once, in order, and ends.
			for _, limit := range []int{1, 3, 7, 100} {
				req, err := c.cl.NewGroupsRequestBuilder().SetLimit(limit).Build()
				require.NoError(t, err)
				got := collect(t, req.All(ctx))
				require.Equal(t, want, groupGUIDs(got), "limit %d", limit)
				for _, g := range got {
					assert.Equal(t, c.cl == owner, g.HasJoined, g.GUID)
					assert.Equal(t, "lister", g.Owner, g.GUID)
					assert.Equal(t, 1, g.MembersCount, g.GUID)
				}
				page, err := req.FetchNext(ctx)
				require.NoError(t, err)
				require.Equal(t, want[:min(limit, len(want))], groupGUIDs(page), "All leaves FetchNext's cursor alone (limit %d)", limit)
			}
		})
	}

	// All starts from the first page whatever FetchNext did; breaking out of
	// All stops it, and nothing more is yielded; FetchNext goes on from its
	// own place.
	req, err := owner.NewGroupsRequestBuilder().SetLimit(3).Build()
	require.NoError(t, err)
	page, err := req.FetchNext(ctx)
	require.NoError(t, err)
	require.Equal(t, want[:3], groupGUIDs(page))
	var some []string
	for g, err := range req.All(ctx) {
		require.NoError(t, err)
		some = append(some, g.GUID)
		if len(some) == 2 {
			break
		}
	}
	require.Equal(t, want[:2], some)
	page, err = req.FetchNext(ctx)
	require.NoError(t, err)
	require.Equal(t, want[3:6], groupGUIDs(page))
}

func TestGroupMembersListPagination(t *testing.T) {
	t.Parallel()
	uids := []string{"m-1", "m-2", "m-3", "m-4", "m-5", "m-6"}
	bans := []string{"b-1", "b-2", "b-3", "b-4"}
	srv := bareServer(t, append(append([]string{"lister", "viewer"}, uids...), bans...)...)
	owner := restClient(t, srv, "lister")
	member := restClient(t, srv, "m-6")
	ctx := ctxT(t)

	var add []*cometchat.GroupMember
	for i, uid := range uids {
		scope := []cometchat.GroupMemberScope{"participant", "moderator", "admin"}[i%3]
		add = append(add, cometchat.NewGroupMember(uid, scope))
	}
	_, res, err := owner.CreateGroupWithMembers(ctx, cometchat.NewGroup("crowd", "Crowd", cometchat.GroupTypePrivate, ""), add, bans)
	require.NoError(t, err)
	require.Len(t, res, 10)
	for uid, r := range res {
		require.Equal(t, "success", r, uid)
	}
	all := append([]string{"lister"}, uids...)

	// Members: 7 in pages of 3, 3, 1, then empty; owner first (joinedAt order).
	for _, cl := range []*cometchat.Client{owner, member} {
		req, err := cl.NewGroupMembersRequestBuilder("crowd").SetLimit(3).Build()
		require.NoError(t, err)
		var sizes []int
		var got []*cometchat.GroupMember
		for {
			page, err := req.FetchNext(ctx)
			require.NoError(t, err)
			if len(page) == 0 {
				break
			}
			sizes = append(sizes, len(page))
			got = append(got, page...)
			require.LessOrEqual(t, len(sizes), 4, "the member list must end")
		}
		require.Equal(t, []int{3, 3, 1}, sizes)
		require.ElementsMatch(t, all, memberList(got))
		require.Equal(t, "lister", got[0].UID, "owner first")
		for i, m := range got {
			assert.Equal(t, "crowd", m.GUID)
			assert.NotZero(t, m.JoinedAt)
			if i > 0 {
				assert.LessOrEqual(t, got[i-1].JoinedAt, m.JoinedAt, "ordered by joinedAt")
			}
		}

		// All yields each member once and ends.
		req, err = cl.NewGroupMembersRequestBuilder("crowd").SetLimit(2).Build()
		require.NoError(t, err)
		require.Equal(t, memberList(got), memberList(collect(t, req.All(ctx))))
	}

	// Scope filter + search, across pages.
	req, err := owner.NewGroupMembersRequestBuilder("crowd").SetLimit(1).SetScopes("moderator", "admin").Build()
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"lister", "m-2", "m-3", "m-5", "m-6"}, memberList(collect(t, req.All(ctx))))
	req, err = owner.NewGroupMembersRequestBuilder("crowd").SetLimit(1).SetScopes("admin").SetSearchKeyword("m-").Build()
	require.NoError(t, err)
	require.ElementsMatch(t, []string{"m-3", "m-6"}, memberList(collect(t, req.All(ctx))))

	// Banned members: 4 in pages of 3 and 1, then empty.
	breq, err := owner.NewBannedMembersRequestBuilder("crowd").SetLimit(3).Build()
	require.NoError(t, err)
	p1, err := breq.FetchNext(ctx)
	require.NoError(t, err)
	p2, err := breq.FetchNext(ctx)
	require.NoError(t, err)
	p3, err := breq.FetchNext(ctx)
	require.NoError(t, err)
	require.Len(t, p1, 3)
	require.Len(t, p2, 1)
	require.Empty(t, p3)
	require.ElementsMatch(t, bans, memberList(append(p1, p2...)))

	// A participant may not list the banned users: the iterator yields the
	// error once and stops.
	participant := restClient(t, srv, "m-1")
	breq, err = participant.NewBannedMembersRequestBuilder("crowd").SetLimit(3).Build()
	require.NoError(t, err)
	var errs []error
	n := 0
	for m, err := range breq.All(ctx) {
		n++
		if err != nil {
			errs = append(errs, err)
		} else {
			t.Errorf("unexpected banned member %s", m.UID)
		}
	}
	require.Equal(t, 1, n)
	require.Len(t, errs, 1)
	requireCode(t, errs[0], cometchat.CodeGroupNoModerator)
}

func TestGroupsListFiltersCombined(t *testing.T) {
	t.Parallel()
	srv := bareServer(t, "me", "them")
	me := restClient(t, srv, "me")
	them := restClient(t, srv, "them")
	ctx := ctxT(t)

	create := func(c *cometchat.Client, guid string, typ cometchat.GroupType, tags ...string) {
		t.Helper()
		g := cometchat.NewGroup(guid, strings.ReplaceAll(guid, "-", " "), typ, "")
		if typ == cometchat.GroupTypePassword {
			g.Password = "pw"
		}
		g.Tags = tags
		_, err := c.CreateGroup(ctx, g)
		require.NoError(t, err)
	}
	// Mine (joined): created by me.
	create(me, "alpha-red", cometchat.GroupTypePublic, "red")
	create(me, "alpha-blue", cometchat.GroupTypePassword, "blue")
	create(me, "beta-red", cometchat.GroupTypePublic, "red", "green")
	// Theirs, not joined by me.
	create(them, "alpha-red-open", cometchat.GroupTypePublic, "red")
	create(them, "alpha-green", cometchat.GroupTypePublic, "green")
	create(them, "alpha-red-locked", cometchat.GroupTypePassword, "red")
	create(them, "alpha-red-secret", cometchat.GroupTypePrivate, "red")
	// Theirs, private, with me added: listed for me.
	create(them, "alpha-red-club", cometchat.GroupTypePrivate, "red")
	res, err := them.AddMembersToGroup(ctx, "alpha-red-club", []*cometchat.GroupMember{cometchat.NewGroupMember("me", "participant")}, nil)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"me": "success"}, res)
	// Theirs, public, which I joined.
	create(them, "beta-joined", cometchat.GroupTypePublic, "red")
	_, err = me.JoinGroup(ctx, "beta-joined", cometchat.GroupTypePublic, "")
	require.NoError(t, err)

	for _, c := range []struct {
		name  string
		build func(*cometchat.GroupsRequestBuilder) *cometchat.GroupsRequestBuilder
		want  []string
	}{
		{"no filter", func(b *cometchat.GroupsRequestBuilder) *cometchat.GroupsRequestBuilder { return b },
			[]string{"alpha-blue", "alpha-green", "alpha-red", "alpha-red-club", "alpha-red-locked", "alpha-red-open", "beta-joined", "beta-red"}},
		{"search", func(b *cometchat.GroupsRequestBuilder) *cometchat.GroupsRequestBuilder {
			return b.SetSearchKeyword("alpha")
		},
			[]string{"alpha-blue", "alpha-green", "alpha-red", "alpha-red-club", "alpha-red-locked", "alpha-red-open"}},
		{"joined only", func(b *cometchat.GroupsRequestBuilder) *cometchat.GroupsRequestBuilder { return b.JoinedOnly(true) },
			[]string{"alpha-blue", "alpha-red", "alpha-red-club", "beta-joined", "beta-red"}},
		{"tags", func(b *cometchat.GroupsRequestBuilder) *cometchat.GroupsRequestBuilder { return b.SetTags("red") },
			[]string{"alpha-red", "alpha-red-club", "alpha-red-locked", "alpha-red-open", "beta-joined", "beta-red"}},
		{"search + joined only", func(b *cometchat.GroupsRequestBuilder) *cometchat.GroupsRequestBuilder {
			return b.SetSearchKeyword("alpha").JoinedOnly(true)
		}, []string{"alpha-blue", "alpha-red", "alpha-red-club"}},
		{"search + tags", func(b *cometchat.GroupsRequestBuilder) *cometchat.GroupsRequestBuilder {
			return b.SetSearchKeyword("alpha").SetTags("red")
		}, []string{"alpha-red", "alpha-red-club", "alpha-red-locked", "alpha-red-open"}},
		{"joined only + tags", func(b *cometchat.GroupsRequestBuilder) *cometchat.GroupsRequestBuilder {
			return b.JoinedOnly(true).SetTags("red")
		}, []string{"alpha-red", "alpha-red-club", "beta-joined", "beta-red"}},
		{"search + joined only + tags", func(b *cometchat.GroupsRequestBuilder) *cometchat.GroupsRequestBuilder {
			return b.SetSearchKeyword("alpha").JoinedOnly(true).SetTags("red")
		}, []string{"alpha-red", "alpha-red-club"}},
		{"search + joined only + any of two tags", func(b *cometchat.GroupsRequestBuilder) *cometchat.GroupsRequestBuilder {
			return b.SetSearchKeyword("alpha").JoinedOnly(true).SetTags("blue", "green")
		}, []string{"alpha-blue"}},
		{"search + joined only + tags, nothing", func(b *cometchat.GroupsRequestBuilder) *cometchat.GroupsRequestBuilder {
			return b.SetSearchKeyword("beta").JoinedOnly(true).SetTags("blue")
		}, nil},
		{"search matches nothing", func(b *cometchat.GroupsRequestBuilder) *cometchat.GroupsRequestBuilder {
			return b.SetSearchKeyword("gamma")
		}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, limit := range []int{1, 2, 100} {
				got := listGroups(t, c.build(me.NewGroupsRequestBuilder().SetLimit(limit).WithTags(true)))
				gs := groupGUIDs(got)
				require.Equal(t, c.want, nilIfEmpty(gs), "limit %d", limit)
				for _, g := range got {
					joined := slices.Contains([]string{"alpha-blue", "alpha-red", "alpha-red-club", "beta-joined", "beta-red"}, g.GUID)
					assert.Equal(t, joined, g.HasJoined, "%s: hasJoined is the caller's", g.GUID)
					if joined {
						assert.NotEmpty(t, g.Scope, g.GUID)
					} else {
						assert.Empty(t, g.Scope, g.GUID)
					}
					assert.NotEmpty(t, g.Tags, "%s: withTags returns the tags", g.GUID)
					assert.Empty(t, g.Password, g.GUID)
				}
			}
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestGroupsPrivateInvisibleToNonMembers(t *testing.T) {
	t.Parallel()
	srv := bareServer(t, "boss", "member", "outsider", "kicked", "banned")
	clients := map[string]*cometchat.Client{}
	for _, uid := range []string{"boss", "member", "outsider", "kicked", "banned"} {
		clients[uid] = restClient(t, srv, uid)
	}
	ctx := ctxT(t)
	_, res, err := clients["boss"].CreateGroupWithMembers(ctx, cometchat.NewGroup("secret", "Secret", cometchat.GroupTypePrivate, ""),
		[]*cometchat.GroupMember{
			cometchat.NewGroupMember("member", "participant"),
			cometchat.NewGroupMember("kicked", "participant"),
			cometchat.NewGroupMember("banned", "moderator"),
		}, nil)
	require.NoError(t, err)
	require.Len(t, res, 3)
	_, err = clients["boss"].CreateGroup(ctx, cometchat.NewGroup("lobby", "Lobby", cometchat.GroupTypePublic, ""))
	require.NoError(t, err)
	require.NoError(t, clients["boss"].KickGroupMember(ctx, "secret", "kicked"))
	require.NoError(t, clients["boss"].BanGroupMember(ctx, "secret", "banned"))

	visible := func(t *testing.T, uid string) {
		t.Helper()
		c := clients[uid]
		g, err := c.GetGroup(ctx, "secret")
		require.NoError(t, err)
		assert.Equal(t, cometchat.GroupTypePrivate, g.Type)
		assert.True(t, g.HasJoined)
		assert.NotEmpty(t, g.Scope)
		require.Equal(t, []string{"lobby", "secret"}, groupGUIDs(listGroups(t, c.NewGroupsRequestBuilder().SetLimit(1))))
		require.Equal(t, []string{"secret"}, groupGUIDs(listGroups(t, c.NewGroupsRequestBuilder().SetLimit(10).SetSearchKeyword("secret"))))
		require.Contains(t, groupGUIDs(listGroups(t, c.NewGroupsRequestBuilder().SetLimit(10).JoinedOnly(true))), "secret")
		req, err := c.NewGroupMembersRequestBuilder("secret").SetLimit(10).Build()
		require.NoError(t, err)
		require.Contains(t, memberList(collect(t, req.All(ctx))), uid)
	}
	invisible := func(t *testing.T, uid string) {
		t.Helper()
		c := clients[uid]
		_, err := c.GetGroup(ctx, "secret")
		requireCode(t, err, cometchat.CodeGUIDNotFound)
		require.Equal(t, []string{"lobby"}, groupGUIDs(listGroups(t, c.NewGroupsRequestBuilder().SetLimit(1))))
		require.Empty(t, listGroups(t, c.NewGroupsRequestBuilder().SetLimit(10).SetSearchKeyword("secret")))
		require.Empty(t, listGroups(t, c.NewGroupsRequestBuilder().SetLimit(10).JoinedOnly(true)))
		// Its member list is refused as if the group did not exist; the
		// iterator yields that error once and stops.
		req, err := c.NewGroupMembersRequestBuilder("secret").SetLimit(10).Build()
		require.NoError(t, err)
		var errs []error
		for m, err := range req.All(ctx) {
			require.Error(t, err, "unexpected member %+v", m)
			errs = append(errs, err)
		}
		require.Len(t, errs, 1)
		requireCode(t, errs[0], cometchat.CodeGUIDNotFound)
		// Nor can they join it: a join sees the private group (decision 13,
		// corrected): banned first, then "not allowed".
		_, err = c.JoinGroup(ctx, "secret", cometchat.GroupTypePrivate, "")
		if uid == "banned" {
			requireCode(t, err, cometchat.CodeBannedGroupMember)
		} else {
			requireCode(t, err, cometchat.CodeGroupJoinNotAllowed)
		}
	}

	for _, uid := range []string{"boss", "member"} {
		t.Run("visible to "+uid, func(t *testing.T) { visible(t, uid) })
	}
	for _, uid := range []string{"outsider", "kicked", "banned"} {
		t.Run("invisible to "+uid, func(t *testing.T) { invisible(t, uid) })
	}

	// Once added, the outsider sees it.
	res, err = clients["boss"].AddMembersToGroup(ctx, "secret", []*cometchat.GroupMember{cometchat.NewGroupMember("outsider", "participant")}, nil)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"outsider": "success"}, res)
	t.Run("visible once added", func(t *testing.T) { visible(t, "outsider") })
	// And after leaving, it is gone again.
	require.NoError(t, clients["member"].LeaveGroup(ctx, "secret"))
	t.Run("invisible after leaving", func(t *testing.T) { invisible(t, "member") })
}

func TestGroupPasswordNeverReturned(t *testing.T) {
	t.Parallel()
	const secret = "s3cret-pa55"
	srv := bareServer(t, "keeper", "guest", "watcher")
	recorded := func(uid string) (*cometchat.Client, *httpRecorder) {
		c, rec := recordingClient(t, srv)
		_, err := c.Login(ctxT(t), uid, srv.Config().AuthKey)
		require.NoError(t, err)
		require.NoError(t, c.WaitConnected(ctxT(t)))
		return c, rec
	}
	keeper, krec := recorded("keeper")
	guest, grec := recorded("guest")
	watcher, wrec := recorded("watcher")
	ctx := ctxT(t)
	actions := newEvents[*cometchat.Action]()
	watcher.AddGroupListener("pw", cometchat.GroupListener{
		OnGroupMemberJoined:  func(a *cometchat.Action, _ *cometchat.User, _ *cometchat.Group) { actions.add(a) },
		OnMemberAddedToGroup: func(a *cometchat.Action, _, _ *cometchat.User, _ *cometchat.Group) { actions.add(a) },
		OnGroupMemberScopeChanged: func(a *cometchat.Action, _ *cometchat.User, _, _ cometchat.GroupMemberScope, _ *cometchat.Group) {
			actions.add(a)
		},
	})

	// noSecret checks the SDK's view (Password empty) and the wire: no
	// response body carries the password or a password field.
	noSecret := func(t *testing.T, what string, recs []*httpRecorder, gs ...*cometchat.Group) {
		t.Helper()
		for _, g := range gs {
			require.NotNil(t, g, what)
			assert.Empty(t, g.Password, "%s: %s", what, g.GUID)
		}
		n := 0
		for _, rec := range recs {
			for _, body := range rec.take() {
				n++
				assert.NotContains(t, body, secret, what)
				assert.NotContains(t, body, `"password":`, what)
			}
		}
		assert.NotZero(t, n, "%s: some response was checked", what)
	}

	g := cometchat.NewGroup("vault", "Vault", cometchat.GroupTypePassword, secret)
	g.Tags = []string{"vault"}
	created, _, err := keeper.CreateGroupWithMembers(ctx, g, []*cometchat.GroupMember{cometchat.NewGroupMember("watcher", "participant")}, nil)
	require.NoError(t, err)
	noSecret(t, "create with members", []*httpRecorder{krec}, created)
	created, err = keeper.CreateGroup(ctx, cometchat.NewGroup("vault2", "Vault 2", cometchat.GroupTypePassword, secret))
	require.NoError(t, err)
	noSecret(t, "create", []*httpRecorder{krec}, created)
	a := actions.next(t)
	require.Equal(t, cometchat.ActionMemberAdded, a.Action)
	assert.NotContains(t, string(a.Raw), secret, "pushed added action")
	assert.NotContains(t, string(a.Raw), `"password":`, "pushed added action")

	for _, c := range []struct {
		who string
		cl  *cometchat.Client
		rec *httpRecorder
	}{{"owner", keeper, krec}, {"non-member", guest, grec}, {"member", watcher, wrec}} {
		got, err := c.cl.GetGroup(ctx, "vault")
		require.NoError(t, err)
		assert.Equal(t, cometchat.GroupTypePassword, got.Type)
		noSecret(t, "get by "+c.who, []*httpRecorder{c.rec}, got)
		list := listGroups(t, c.cl.NewGroupsRequestBuilder().SetLimit(1).WithTags(true))
		require.Equal(t, []string{"vault", "vault2"}, groupGUIDs(list))
		noSecret(t, "list by "+c.who, []*httpRecorder{c.rec}, list...)
		list = listGroups(t, c.cl.NewGroupsRequestBuilder().SetLimit(10).SetSearchKeyword("vault").SetTags("vault"))
		require.Equal(t, []string{"vault"}, groupGUIDs(list))
		noSecret(t, "filtered list by "+c.who, []*httpRecorder{c.rec}, list...)
	}

	// Joining sends the password; the answer does not carry it back.
	joined, err := guest.JoinGroup(ctx, "vault", cometchat.GroupTypePassword, secret)
	require.NoError(t, err)
	noSecret(t, "join", []*httpRecorder{grec}, joined)
	a = actions.next(t)
	require.Equal(t, cometchat.ActionMemberJoined, a.Action)
	assert.NotContains(t, string(a.Raw), secret, "pushed joined action")
	assert.NotContains(t, string(a.Raw), `"password":`, "pushed joined action")

	// Updating (with a new password) does not return either password.
	upd, err := keeper.UpdateGroup(ctx, &cometchat.Group{GUID: "vault", Name: "Vault v2", Type: cometchat.GroupTypePassword, Password: secret + "-2"})
	require.NoError(t, err)
	assert.Equal(t, "Vault v2", upd.Name)
	noSecret(t, "update", []*httpRecorder{krec}, upd)

	// Actions in history carry the group without its password.
	require.NoError(t, keeper.UpdateGroupMemberScope(ctx, "vault", "guest", "moderator"))
	a = actions.next(t)
	require.Equal(t, cometchat.ActionMemberScopeChanged, a.Action)
	assert.NotContains(t, string(a.Raw), secret)
	_ = krec.take()
	mreq, err := keeper.NewMessagesRequestBuilder().SetGUID("vault").SetLimit(50).Build()
	require.NoError(t, err)
	msgs, err := mreq.FetchPrevious(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, msgs)
	noSecret(t, "history", []*httpRecorder{krec})

	// Members and banned lists neither.
	mr, err := keeper.NewGroupMembersRequestBuilder("vault").SetLimit(1).Build()
	require.NoError(t, err)
	require.Len(t, collect(t, mr.All(ctx)), 3)
	noSecret(t, "members", []*httpRecorder{krec})
	actions.none(t)
}
