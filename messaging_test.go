package cometchat_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

func sendTexts(t *testing.T, from *cometchat.Client, to string, typ cometchat.ReceiverType, texts ...string) []*cometchat.TextMessage {
	t.Helper()
	var out []*cometchat.TextMessage
	for _, text := range texts {
		m, err := from.SendMessage(ctxT(t), cometchat.NewTextMessage(to, typ, text))
		require.NoError(t, err)
		out = append(out, m)
	}
	return out
}

func ids(ms []cometchat.Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.Base().ID
	}
	return out
}

func TestHistoryFetchPreviousAndNext(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	var sent []int64
	for i := range 5 {
		from, to := a, "superhero2"
		if i%2 == 1 {
			from, to = b, "superhero1"
		}
		sent = append(sent, sendTexts(t, from, to, cometchat.ReceiverTypeUser, fmt.Sprint("m", i))[0].ID)
	}
	ctx := ctxT(t)
	const limit = 2
	req, err := a.NewMessagesRequestBuilder().SetUID("superhero2").SetLimit(limit).Build()
	require.NoError(t, err)
	var pages [][]int64
	for {
		page, err := req.FetchPrevious(ctx)
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		require.LessOrEqual(t, len(page), limit, "a page holds at most the limit")
		pages = append(pages, ids(page))
		require.LessOrEqual(t, len(pages), 5)
	}
	require.Equal(t, [][]int64{{sent[3], sent[4]}, {sent[1], sent[2]}, {sent[0]}}, pages)

	// Iterating backwards yields everything once; forward from the first id the rest.
	back, err := a.NewMessagesRequestBuilder().SetUID("superhero2").SetLimit(2).Build()
	require.NoError(t, err)
	var all []int64
	for m, err := range back.AllPrevious(ctx) {
		require.NoError(t, err)
		all = append(all, m.Base().ID)
	}
	require.ElementsMatch(t, sent, all)

	fwd, err := a.NewMessagesRequestBuilder().SetUID("superhero2").SetLimit(2).SetMessageID(sent[0]).Build()
	require.NoError(t, err)
	var next []int64
	for m, err := range fwd.All(ctx) {
		require.NoError(t, err)
		next = append(next, m.Base().ID)
	}
	require.Equal(t, sent[1:], next)

	_, err = a.NewMessagesRequestBuilder().SetUID("superhero2").Build()
	require.True(t, errors.Is(err, cometchat.CodeSetLimitIsCompulsory))
	_, err = a.NewMessagesRequestBuilder().SetLimit(101).Build()
	require.True(t, errors.Is(err, cometchat.CodeSetLimitExceeded))
	noAnchor, err := a.NewMessagesRequestBuilder().SetLimit(10).Build()
	require.NoError(t, err)
	_, err = noAnchor.FetchNext(ctx)
	require.True(t, errors.Is(err, cometchat.CodeNotEnoughParameters))
}

func TestHistoryFiltersAndCategories(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	ctx := ctxT(t)
	sendTexts(t, a, "supergroup", cometchat.ReceiverTypeGroup, "alpha", "beta gamma")
	custom := cometchat.NewCustomMessage("supergroup", cometchat.ReceiverTypeGroup, "location", map[string]any{"lat": 1.5})
	custom.SubType = "pin"
	cm, err := a.SendCustomMessage(ctx, custom)
	require.NoError(t, err)
	require.Equal(t, cometchat.CategoryCustom, cm.Category)
	require.Equal(t, 1.5, cm.CustomData["lat"])

	req, err := a.NewMessagesRequestBuilder().SetGUID("supergroup").SetLimit(30).SetCategory(cometchat.CategoryCustom).Build()
	require.NoError(t, err)
	page, err := req.FetchPrevious(ctx)
	require.NoError(t, err)
	require.Len(t, page, 1)
	got, ok := page[0].(*cometchat.CustomMessage)
	require.True(t, ok, "%T", page[0])
	require.Equal(t, "pin", got.SubType)

	search, err := a.NewMessagesRequestBuilder().SetGUID("supergroup").SetLimit(30).SetSearchKeyword("gamma").Build()
	require.NoError(t, err)
	page, err = search.FetchPrevious(ctx)
	require.NoError(t, err)
	require.Len(t, page, 1)
	require.Equal(t, "beta gamma", page[0].(*cometchat.TextMessage).Text)
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

func TestThreads(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	parent := sendTexts(t, a, "supergroup", cometchat.ReceiverTypeGroup, "thread start")[0]
	ctx := ctxT(t)
	for _, text := range []string{"reply 1", "reply 2"} {
		r := cometchat.NewTextMessage("supergroup", cometchat.ReceiverTypeGroup, text)
		r.ParentMessageID = parent.ID
		out, err := b.SendMessage(ctx, r)
		require.NoError(t, err)
		require.Equal(t, parent.ID, out.ParentMessageID)
	}
	p, err := a.GetMessageDetails(ctx, parent.ID)
	require.NoError(t, err)
	require.Equal(t, 2, p.Base().ReplyCount)
	thread, err := a.NewMessagesRequestBuilder().SetParentMessageID(parent.ID).SetLimit(10).Build()
	require.NoError(t, err)
	page, err := thread.FetchPrevious(ctx)
	require.NoError(t, err)
	require.Len(t, page, 2)
	require.Equal(t, "reply 1", page[0].(*cometchat.TextMessage).Text)
	main, err := a.NewMessagesRequestBuilder().SetGUID("supergroup").SetLimit(10).HideReplies(true).Build()
	require.NoError(t, err)
	page, err = main.FetchPrevious(ctx)
	require.NoError(t, err)
	require.Equal(t, []int64{parent.ID}, ids(page))
}

func TestMediaUploadAndDownload(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	media := newEvents[*cometchat.MediaMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnMediaMessageReceived: media.add})
	ctx := ctxT(t)
	png := bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 1000)
	m := cometchat.NewMediaMessage("superhero2", cometchat.ReceiverTypeUser, cometchat.MessageTypeImage,
		cometchat.MediaFile{Name: "cat.png", Reader: bytes.NewReader(png)})
	m.Caption = "look"
	sent, err := a.SendMediaMessage(ctx, m)
	require.NoError(t, err)
	att := sent.Attachment()
	require.NotNil(t, att)
	require.Equal(t, "cat.png", att.Name)
	require.Equal(t, "png", att.Extension)
	require.Equal(t, "image/png", att.MimeType)
	require.Equal(t, int64(len(png)), att.Size)
	require.Equal(t, "look", sent.Caption)

	got := media.next(t)
	require.Equal(t, sent.ID, got.ID)
	require.Equal(t, att.URL, got.Attachment().URL)

	hc := trustingHTTPClient(t, srv)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, att.URL, nil)
	require.NoError(t, err)
	resp, err := hc.Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, png, body, "the server serves the uploaded bytes back")

	// From a path, to a group.
	path := filepath.Join(t.TempDir(), "notes.txt")
	require.NoError(t, os.WriteFile(path, []byte("hello"), 0o600))
	fm, err := a.SendMediaMessage(ctx, cometchat.NewMediaMessage("supergroup", cometchat.ReceiverTypeGroup,
		cometchat.MessageTypeFile, cometchat.MediaFileFromPath(path)))
	require.NoError(t, err)
	require.Equal(t, "notes.txt", fm.Attachment().Name)
	require.Equal(t, int64(5), fm.Attachment().Size)

	_, err = a.SendMediaMessage(ctx, cometchat.NewMediaMessage("superhero2", cometchat.ReceiverTypeUser, cometchat.MessageTypeFile,
		cometchat.MediaFileFromPath(filepath.Join(t.TempDir(), "missing"))))
	require.True(t, errors.Is(err, cometchat.CodeInvalidMessage), "%v", err)
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

func TestTransientMessages(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	got := newEvents[*cometchat.TransientMessage]()
	b.AddMessageListener("b", cometchat.MessageListener{OnTransientMessageReceived: got.add})
	require.NoError(t, a.SendTransientMessage(ctxT(t), cometchat.NewTransientMessage("superhero2", cometchat.ReceiverTypeUser, map[string]any{"live_reaction": "heart"})))
	tm := got.next(t)
	require.Equal(t, "heart", tm.Data["live_reaction"])
	require.Equal(t, "superhero1", tm.Sender.UID)
}

func TestMediaOverTheSizeLimit(t *testing.T) {
	t.Parallel()
	srv := startServer(t, fakeserver.Config{MaxUploadBytes: 1024})
	a := loggedIn(t, srv, "superhero1")
	_, err := a.SendMediaMessage(ctxT(t), cometchat.NewMediaMessage("superhero2", cometchat.ReceiverTypeUser, cometchat.MessageTypeFile,
		cometchat.MediaFile{Name: "big.bin", Reader: bytes.NewReader(make([]byte, 4096))}))
	var ce *cometchat.Error
	require.ErrorAs(t, err, &ce)
	require.Equal(t, cometchat.CodeFileSizeExceeded, ce.Code)
	require.Equal(t, http.StatusRequestEntityTooLarge, ce.HTTPStatus)
	small, err := a.SendMediaMessage(ctxT(t), cometchat.NewMediaMessage("superhero2", cometchat.ReceiverTypeUser, cometchat.MessageTypeFile,
		cometchat.MediaFile{Name: "small.bin", Reader: bytes.NewReader(make([]byte, 512))}))
	require.NoError(t, err, "the client still works after a refused upload")
	require.Equal(t, int64(512), small.Attachment().Size)
}
