package cometchat_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// presenceWatcher logs uid in with a presence subscription and records
// online events as UIDs.
func presenceWatcher(t *testing.T, srv *fakeserver.Server, uid string, sub cometchat.PresenceSubscription, roles ...string) *events[string] {
	t.Helper()
	w := newClient(t, srv, func(s *cometchat.AppSettings) { s.PresenceSubscription = sub; s.Roles = roles })
	online := newEvents[string]()
	w.AddUserListener("p", cometchat.UserListener{OnUserOnline: func(u *cometchat.User) { online.add(u.UID) }})
	ctx := ctxT(t)
	_, err := w.Login(ctx, uid, srv.Config().AuthKey)
	require.NoError(t, err)
	require.NoError(t, w.WaitConnected(ctx))
	return online
}

func TestPresenceSubscriptions(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	require.NoError(t, srv.CreateUser(fakeserver.User{UID: "vip1", Name: "VIP", Role: "vip"}))
	require.NoError(t, srv.AddFriends("superhero2", "superhero3"))
	all := presenceWatcher(t, srv, "superhero1", cometchat.PresenceSubscriptionAllUsers)
	friends := presenceWatcher(t, srv, "superhero2", cometchat.PresenceSubscriptionFriends)
	roles := presenceWatcher(t, srv, "superhero4", cometchat.PresenceSubscriptionRoles, "vip")
	none := presenceWatcher(t, srv, "superhero5", cometchat.PresenceSubscriptionNone)
	// Drain what the watchers saw of each other.
	for _, uid := range []string{"superhero2", "superhero4", "superhero5"} {
		require.Equal(t, uid, all.next(t))
	}

	loggedIn(t, srv, "vip1")
	require.Equal(t, "vip1", all.next(t))
	require.Equal(t, "vip1", roles.next(t), "ROLES: the role list travels in the auth frame")
	loggedIn(t, srv, "superhero3")
	require.Equal(t, "superhero3", all.next(t))
	require.Equal(t, "superhero3", friends.next(t), "FRIENDS: only friends")
	// Ordered delivery: by now each watcher has seen everything meant for it.
	friends.none(t)
	roles.none(t)
	none.none(t)
}

func TestCustomMessagesReachTheListener(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	got := newEvents[*cometchat.CustomMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnCustomMessageReceived: got.add})
	ctx := ctxT(t)
	m := cometchat.NewCustomMessage("supergroup", cometchat.ReceiverTypeGroup, "poll", map[string]any{"question": "pizza?"})
	m.SubType = "yes-no"
	m.Tags = []string{"fun"}
	m.Metadata = map[string]any{"v": 2.0}
	_, err := a.SendCustomMessage(ctx, m)
	require.NoError(t, err)
	c := got.next(t)
	require.Equal(t, cometchat.CategoryCustom, c.Category)
	require.Equal(t, cometchat.MessageType("poll"), c.Type)
	require.Equal(t, "pizza?", c.CustomData["question"])
	require.Equal(t, "yes-no", c.SubType)
	require.Equal(t, 2.0, c.Metadata["v"])

	legacy := cometchat.NewCustomMessage("superhero2", cometchat.ReceiverTypeUser, "", map[string]any{"x": 1.0})
	_, err = a.SendCustomMessage(ctx, legacy)
	require.NoError(t, err)
	l := got.next(t)
	require.Equal(t, cometchat.CategoryMessage, l.Category, "the three-argument Cordova form")
	require.Equal(t, cometchat.MessageTypeCustom, l.Type)

	_, err = a.SendCustomMessage(ctx, cometchat.NewCustomMessage("superhero2", cometchat.ReceiverTypeUser, "poll", nil))
	require.True(t, errors.Is(err, cometchat.CodeInvalidMessage))
}

func TestGroupModeratorDeletesAMembersMessage(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	owner := loggedIn(t, srv, "superhero1")
	member := loggedIn(t, srv, "superhero2")
	other := loggedIn(t, srv, "superhero3")
	deleted := newEvents[cometchat.Message]()
	other.AddMessageListener("o", cometchat.MessageListener{OnMessageDeleted: deleted.add})
	ctx := ctxT(t)
	_, _, err := owner.CreateGroupWithMembers(ctx, cometchat.NewGroup("mods", "Mods", cometchat.GroupTypePublic, ""),
		[]*cometchat.GroupMember{
			cometchat.NewGroupMember("superhero2", cometchat.GroupMemberScopeParticipant),
			cometchat.NewGroupMember("superhero3", cometchat.GroupMemberScopeParticipant),
		}, nil)
	require.NoError(t, err)
	m := sendTexts(t, member, "mods", cometchat.ReceiverTypeGroup, "rude words")[0]
	_, err = other.DeleteMessage(ctx, m.ID)
	require.Error(t, err, "a participant may not delete another member's message")
	del, err := owner.DeleteMessage(ctx, m.ID)
	require.NoError(t, err)
	require.Equal(t, "superhero1", del.Base().DeletedBy)
	require.Equal(t, m.ID, deleted.next(t).Base().ID)
}

// Hiding messages from blocked users concerns one-to-one conversations, as
// live pushes do: group traffic is not affected.
func TestUnreadCountsHideBlockedUsers(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	c := loggedIn(t, srv, "superhero3")
	b := loggedIn(t, srv, "superhero2")
	ctx := ctxT(t)
	sendTexts(t, c, "superhero2", cometchat.ReceiverTypeUser, "from c 1", "from c 2")
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "from a")
	sendTexts(t, c, "supergroup", cometchat.ReceiverTypeGroup, "from c in the group")
	_, err := b.BlockUsers(ctx, "superhero3")
	require.NoError(t, err)
	all, err := b.UnreadMessageCountForAllUsers(ctx, false)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"superhero1": 1, "superhero3": 2}, all)
	visible, err := b.UnreadMessageCountForAllUsers(ctx, true)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"superhero1": 1}, visible, "one-to-one messages of a blocked user are not counted when hidden")
	inGroup, err := b.UnreadMessageCountForGroup(ctx, "supergroup", true)
	require.NoError(t, err)
	require.Equal(t, 1, inGroup, "the group's messages are counted")

	// The same filter on history, combined with a type filter and paging.
	req, err := b.NewMessagesRequestBuilder().SetUID("superhero3").SetLimit(1).
		HideMessagesFromBlockedUsers(true).SetCategories(cometchat.CategoryMessage).SetTypes(cometchat.MessageTypeText).Build()
	require.NoError(t, err)
	require.Empty(t, collect(t, req.AllPrevious(ctx)), "the blocked user's conversation is hidden")
	req, err = b.NewMessagesRequestBuilder().SetGUID("supergroup").SetLimit(1).
		HideMessagesFromBlockedUsers(true).SetCategories(cometchat.CategoryMessage).SetTypes(cometchat.MessageTypeText).Build()
	require.NoError(t, err)
	var texts []string
	for _, m := range collect(t, req.AllPrevious(ctx)) {
		texts = append(texts, m.(*cometchat.TextMessage).Text)
	}
	require.Equal(t, []string{"from c in the group"}, texts)
}

func TestGroupCallCancelledAndUnanswered(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1", cometchat.WithCallTimeout(200*time.Millisecond))
	b := loggedIn(t, srv, "superhero2")
	c := loggedIn(t, srv, "superhero3")
	atA, atB, atC := watchCalls(a), watchCalls(b), watchCalls(c)
	ctx := ctxT(t)

	out, err := a.InitiateCall(ctx, cometchat.NewCall("supergroup", cometchat.CallTypeAudio, cometchat.ReceiverTypeGroup))
	require.NoError(t, err)
	atB.next(t)
	atC.next(t)
	_, err = a.RejectCall(ctx, out.SessionID, cometchat.CallStatusCancelled)
	require.NoError(t, err)
	ev, _ := atB.next(t)
	require.Equal(t, "cancelled:cancelled", ev, "the initiator's cancel ends it for everyone")
	ev, _ = atC.next(t)
	require.Equal(t, "cancelled:cancelled", ev)

	_, err = a.InitiateCall(ctx, cometchat.NewCall("supergroup", cometchat.CallTypeAudio, cometchat.ReceiverTypeGroup))
	require.NoError(t, err)
	atB.next(t)
	atC.next(t)
	ev, _ = atA.next(t)
	require.Equal(t, "rejected:unanswered", ev, "nobody joined within the timeout")
	ev, _ = atB.next(t)
	require.Equal(t, "cancelled:unanswered", ev)
	ev, _ = atC.next(t)
	require.Equal(t, "cancelled:unanswered", ev)
	require.Nil(t, a.ActiveCall())
}
