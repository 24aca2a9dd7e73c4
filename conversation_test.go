package cometchat_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

func TestConversations(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	ctx := ctxT(t)
	sendTexts(t, b, "superhero1", cometchat.ReceiverTypeUser, "hi")
	sendTexts(t, b, "supergroup", cometchat.ReceiverTypeGroup, "hello group")
	req, err := a.NewConversationsRequestBuilder().SetLimit(1).Build()
	require.NoError(t, err)
	var convs []*cometchat.Conversation
	for cv, err := range req.All(ctx) {
		require.NoError(t, err)
		convs = append(convs, cv)
	}
	require.Len(t, convs, 2)
	require.Equal(t, "group_supergroup", convs[0].ConversationID, "most recent first")
	require.IsType(t, &cometchat.Group{}, convs[0].ConversationWith)
	require.Equal(t, "superhero1_user_superhero2", convs[1].ConversationID)
	with, ok := convs[1].ConversationWith.(*cometchat.User)
	require.True(t, ok)
	require.Equal(t, "superhero2", with.UID)
	require.Equal(t, 1, convs[1].UnreadMessageCount)
	require.Equal(t, "hi", convs[1].LastMessage.(*cometchat.TextMessage).Text)

	one, err := a.GetConversation(ctx, "superhero2", cometchat.ReceiverTypeUser)
	require.NoError(t, err)
	require.Equal(t, "superhero1_user_superhero2", one.ConversationID)
	tagged, err := a.TagConversation(ctx, "superhero2", cometchat.ReceiverTypeUser, "pinned")
	require.NoError(t, err)
	require.Equal(t, []string{"pinned"}, tagged.Tags)
	fromMsg, err := a.ConversationFromMessage(convs[1].LastMessage)
	require.NoError(t, err)
	require.Equal(t, one.ConversationID, fromMsg.ConversationID)
	require.NoError(t, a.DeleteConversation(ctx, "superhero2", cometchat.ReceiverTypeUser))
	users, err := a.NewConversationsRequestBuilder().SetLimit(50).SetConversationType(cometchat.ReceiverTypeUser).Build()
	require.NoError(t, err)
	rest, err := users.FetchNext(ctx)
	require.NoError(t, err)
	require.Empty(t, rest)
	_, err = a.NewConversationsRequestBuilder().SetLimit(51).Build()
	require.True(t, errors.Is(err, cometchat.CodeSetLimitExceeded))
}
