package cometchat_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

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

func TestEditAndDelete(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	edited, deleted := newEvents[cometchat.Message](), newEvents[cometchat.Message]()
	b.AddMessageListener("b", cometchat.MessageListener{OnMessageEdited: edited.add, OnMessageDeleted: deleted.add})
	ctx := ctxT(t)
	m := sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "tpyo")[0]

	m.Text = "typo"
	out, err := a.EditMessage(ctx, m)
	require.NoError(t, err)
	require.Equal(t, "typo", out.(*cometchat.TextMessage).Text)
	require.Positive(t, out.Base().EditedAt)
	require.Equal(t, "superhero1", out.Base().EditedBy)
	e := edited.next(t)
	require.Equal(t, m.ID, e.Base().ID)
	require.Equal(t, "typo", e.(*cometchat.TextMessage).Text)

	// Only the sender may edit.
	other := *m
	other.Text = "hijack"
	_, err = b.EditMessage(ctx, &other)
	var ce *cometchat.Error
	require.ErrorAs(t, err, &ce)

	del, err := a.DeleteMessage(ctx, m.ID)
	require.NoError(t, err)
	require.Positive(t, del.Base().DeletedAt)
	require.Equal(t, "superhero1", del.Base().DeletedBy)
	require.Equal(t, m.ID, deleted.next(t).Base().ID)

	details, err := b.GetMessageDetails(ctx, m.ID)
	require.NoError(t, err)
	require.Positive(t, details.Base().DeletedAt)
	hidden, err := b.NewMessagesRequestBuilder().SetUID("superhero1").SetLimit(10).HideDeletedMessages(true).Build()
	require.NoError(t, err)
	page, err := hidden.FetchPrevious(ctx)
	require.NoError(t, err)
	for _, p := range page {
		require.NotEqual(t, m.ID, p.Base().ID, "deleted messages are hidden")
	}
}
