package cometchat_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

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

func TestUnreadCountsAndReceiptsInHistory(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	msgs := newEvents[*cometchat.TextMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTextMessageReceived: msgs.add})
	ctx := ctxT(t)
	sendTexts(t, a, "superhero2", cometchat.ReceiverTypeUser, "one", "two", "three")
	sendTexts(t, a, "supergroup", cometchat.ReceiverTypeGroup, "group one")

	n, err := b.UnreadMessageCountForUser(ctx, "superhero1", false)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	g, err := b.UnreadMessageCountForGroup(ctx, "supergroup", false)
	require.NoError(t, err)
	require.Equal(t, 1, g)
	all, err := b.UnreadMessageCount(ctx, false)
	require.NoError(t, err)
	require.Equal(t, 3, all.Users["superhero1"])
	require.Equal(t, 1, all.Groups["supergroup"])
	users, err := b.UnreadMessageCountForAllUsers(ctx, false)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"superhero1": 3}, users)
	groups, err := b.UnreadMessageCountForAllGroups(ctx, false)
	require.NoError(t, err)
	require.Equal(t, map[string]int{"supergroup": 1}, groups)

	// Reading the second message marks everything up to it read.
	msgs.next(t)
	second := msgs.next(t)
	read := newEvents[*cometchat.MessageReceipt]()
	a.AddMessageListener("a", cometchat.MessageListener{OnMessagesRead: read.add})
	require.NoError(t, b.MarkAsRead(ctx, second))
	read.next(t)
	n, err = b.UnreadMessageCountForUser(ctx, "superhero1", false)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	receipts, err := a.GetMessageReceipts(ctx, second.ID)
	require.NoError(t, err)
	var sawRead bool
	for _, r := range receipts {
		if r.ReceiptType == cometchat.ReceiptTypeRead {
			sawRead = true
			require.Equal(t, "superhero2", r.Sender.UID)
			require.Positive(t, r.ReadAt)
		}
	}
	require.True(t, sawRead, "receipts: %+v", receipts)
	details, err := a.GetMessageDetails(ctx, second.ID)
	require.NoError(t, err)
	require.Positive(t, details.Base().ReadAt, "readAt is updated in history")
}
