package cometchat

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"sort"
	"strings"

	"github.com/gocometchat/cometchat/internal/rest"
	"github.com/gocometchat/cometchat/internal/wire"
)

// Conversation is one entry of the recent-chats list (Cordova: Conversation).
// Its ID is "uidA_user_uidB" (sorted) or "group_guid".
type Conversation struct {
	ConversationID   string
	ConversationType ReceiverType
	// LastMessage is nil when the conversation has no message.
	LastMessage Message
	// ConversationWith is the other *User or the *Group.
	ConversationWith   Entity
	UnreadMessageCount int
	Tags               []string
	UpdatedAt          int64
}

type wireConversation struct {
	ConversationID     wire.Str        `json:"conversationId"`
	ConversationType   wire.Str        `json:"conversationType"`
	LastMessage        json.RawMessage `json:"lastMessage"`
	ConversationWith   json.RawMessage `json:"conversationWith"`
	UnreadMessageCount wire.Int        `json:"unreadMessageCount"`
	Tags               wire.Strings    `json:"tags"`
	UpdatedAt          wire.Int        `json:"updatedAt"`
}

func conversationFromWire(w *wireConversation) *Conversation {
	cv := &Conversation{ConversationID: string(w.ConversationID), ConversationType: ReceiverType(w.ConversationType),
		UnreadMessageCount: int(w.UnreadMessageCount), Tags: []string(w.Tags), UpdatedAt: int64(w.UpdatedAt)}
	if cv.Tags == nil {
		cv.Tags = []string{}
	}
	if len(w.LastMessage) > 0 && w.LastMessage[0] == '{' {
		if m, err := decodeMessage(w.LastMessage); err == nil {
			cv.LastMessage = m
		}
	}
	kind := "user"
	if cv.ConversationType == ReceiverTypeGroup {
		kind = "group"
	}
	cv.ConversationWith = conversationWith(kind, w.ConversationWith)
	return cv
}

// conversationWith decodes the other party of a conversation: a user or a
// group (REST shapes, decoded as such); nil when it is not readable.
func conversationWith(kind string, raw json.RawMessage) Entity {
	if len(raw) == 0 || raw[0] != '{' {
		return nil
	}
	if kind == "user" {
		u, err := decodeUser(raw)
		if err != nil || u == nil {
			return nil
		}
		return u
	}
	g, err := decodeGroup(raw)
	if err != nil {
		return nil
	}
	return g
}

func decodeConversation(raw json.RawMessage) (*Conversation, error) {
	var w wireConversation
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	return conversationFromWire(&w), nil
}

func conversationPath(with string, typ ReceiverType) (string, error) {
	with = strings.ToLower(with)
	switch ReceiverType(strings.ToLower(string(typ))) {
	case ReceiverTypeUser:
		if err := checkUID(with); err != nil {
			return "", err
		}
		return "users/" + with + "/conversation", nil
	case ReceiverTypeGroup:
		if err := checkGUID(with); err != nil {
			return "", err
		}
		return "groups/" + with + "/conversation", nil
	}
	return "", errorf(CodeInvalidConversationType, "conversation type must be user or group, not %q", typ)
}

func (c *Client) conversationCall(ctx context.Context, method, with string, typ ReceiverType, body any) (*Conversation, error) {
	path, err := conversationPath(with, typ)
	if err != nil {
		return nil, err
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: method, Path: path, Body: body})
	if err != nil {
		return nil, err
	}
	if method == http.MethodDelete {
		return nil, nil
	}
	if len(resp.Data) == 0 || resp.Data[0] != '{' {
		return nil, errorf(CodeConversationNotFound, "conversation for %s %s not found", typ, with)
	}
	cv, err := decodeConversation(resp.Data)
	if err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent a conversation that cannot be read", Err: err}
	}
	return cv, nil
}

// GetConversation fetches the conversation with a user or a group (Cordova:
// getConversation).
func (c *Client) GetConversation(ctx context.Context, with string, typ ReceiverType) (*Conversation, error) {
	return c.conversationCall(ctx, http.MethodGet, with, typ, nil)
}

// TagConversation replaces a conversation's tags (Cordova: tagConversation).
func (c *Client) TagConversation(ctx context.Context, with string, typ ReceiverType, tags ...string) (*Conversation, error) {
	if tags == nil {
		tags = []string{}
	}
	return c.conversationCall(ctx, http.MethodPut, with, typ, map[string][]string{"tags": tags})
}

// DeleteConversation deletes a conversation for the caller (Cordova:
// deleteConversation).
func (c *Client) DeleteConversation(ctx context.Context, with string, typ ReceiverType) error {
	_, err := c.conversationCall(ctx, http.MethodDelete, with, typ, nil)
	return err
}

// ConversationFromMessage builds the conversation a message belongs to, from
// the logged-in user's side, with the message as its last message and no
// unread count (Cordova: CometChatHelper.getConversationFromMessage).
func (c *Client) ConversationFromMessage(m Message) (*Conversation, error) {
	me := c.LoggedInUser()
	if me == nil {
		return nil, errorf(CodeNotLoggedIn, "log in first")
	}
	if m == nil {
		return nil, errorf(CodeMissingParameters, "a message is required")
	}
	b := m.Base()
	cv := &Conversation{ConversationType: b.ReceiverType, LastMessage: m, Tags: []string{}, UpdatedAt: b.UpdatedAt}
	if b.ReceiverType == ReceiverTypeGroup {
		cv.ConversationID = "group_" + strings.ToLower(b.ReceiverID)
		cv.ConversationWith = b.Receiver
		if cv.ConversationWith == nil {
			cv.ConversationWith = &Group{GUID: b.ReceiverID}
		}
		return cv, nil
	}
	other := b.Receiver
	if b.Sender != nil && !strings.EqualFold(b.Sender.UID, me.UID) {
		other = b.Sender
	}
	u, _ := other.(*User)
	if u == nil {
		u = &User{UID: b.ReceiverID}
	}
	cv.ConversationWith = u
	ids := []string{strings.ToLower(me.UID), strings.ToLower(u.UID)}
	sort.Strings(ids)
	cv.ConversationID = ids[0] + "_user_" + ids[1]
	return cv, nil
}

// ParseMessage decodes a message from CometChat's JSON (for example from a
// push payload) into its concrete type (Cordova: CometChatHelper.processMessage).
func ParseMessage(raw []byte) (Message, error) {
	m, err := decodeMessage(append(json.RawMessage(nil), raw...))
	if err != nil {
		return nil, &Error{Code: CodeInvalidMessage, Message: "not a CometChat message", Err: err}
	}
	return m, nil
}

// ConversationsRequestBuilder builds a conversation-list query (Cordova:
// ConversationsRequestBuilder). SetLimit is required (at most 50).
type ConversationsRequestBuilder struct {
	c                    *Client
	limit                int
	typ                  ReceiverType
	withUserAndGroupTags bool
	withTags             bool
	tags                 []string
	userTags, groupTags  []string
}

// NewConversationsRequestBuilder starts a conversation-list query.
func (c *Client) NewConversationsRequestBuilder() *ConversationsRequestBuilder {
	return &ConversationsRequestBuilder{c: c}
}

// SetLimit sets the page size (1 to 50; required).
func (b *ConversationsRequestBuilder) SetLimit(n int) *ConversationsRequestBuilder {
	b.limit = n
	return b
}

// SetConversationType restricts the list to user or group conversations.
func (b *ConversationsRequestBuilder) SetConversationType(t ReceiverType) *ConversationsRequestBuilder {
	b.typ = t
	return b
}

// WithUserAndGroupTags includes the tags of users and groups.
func (b *ConversationsRequestBuilder) WithUserAndGroupTags(with bool) *ConversationsRequestBuilder {
	b.withUserAndGroupTags = with
	return b
}

// WithTags includes each conversation's tags.
func (b *ConversationsRequestBuilder) WithTags(with bool) *ConversationsRequestBuilder {
	b.withTags = with
	return b
}

// SetTags filters by conversation tags.
func (b *ConversationsRequestBuilder) SetTags(tags ...string) *ConversationsRequestBuilder {
	b.tags = append([]string(nil), tags...)
	return b
}

// SetUserTags filters by the other user's tags.
func (b *ConversationsRequestBuilder) SetUserTags(tags ...string) *ConversationsRequestBuilder {
	b.userTags = append([]string(nil), tags...)
	return b
}

// SetGroupTags filters by the group's tags.
func (b *ConversationsRequestBuilder) SetGroupTags(tags ...string) *ConversationsRequestBuilder {
	b.groupTags = append([]string(nil), tags...)
	return b
}

// Build validates the query.
func (b *ConversationsRequestBuilder) Build() (*ConversationsRequest, error) {
	per, err := limitKV(b.limit, MaxConversationsLimit)
	if err != nil {
		return nil, err
	}
	q := []rest.KV{per}
	switch b.typ {
	case "":
	case ReceiverTypeUser, ReceiverTypeGroup:
		q = append(q, rest.KV{Key: "conversationType", Value: string(b.typ)})
	default:
		return nil, errorf(CodeInvalidConversationType, "conversation type must be user or group, not %q", b.typ)
	}
	if b.withUserAndGroupTags {
		q = append(q, rest.KV{Key: "withUserAndGroupTags", Value: "true"})
	}
	q = append(q, listKV("tags", b.tags)...)
	if b.withTags {
		q = append(q, rest.KV{Key: "withTags", Value: "true"})
	}
	q = append(q, listKV("userTags", b.userTags)...)
	q = append(q, listKV("groupTags", b.groupTags)...)
	return &ConversationsRequest{p: newPager(b.c, "conversations", q, decodeList(conversationFromWire),
		func(cv *Conversation) string { return cv.ConversationID })}, nil
}

// ConversationsRequest pages through the caller's conversations, most recent
// first.
type ConversationsRequest struct{ p *pager[*Conversation] }

// FetchNext returns the next page; an empty slice at the end.
func (r *ConversationsRequest) FetchNext(ctx context.Context) ([]*Conversation, error) {
	return r.p.fetchNext(ctx)
}

// All ranges over the conversations, page by page, from the first page on
// its own cursor: each range starts again, and FetchNext is not moved.
func (r *ConversationsRequest) All(ctx context.Context) iter.Seq2[*Conversation, error] {
	return r.p.all(ctx)
}
