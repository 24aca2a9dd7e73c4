package admin

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"strconv"
	"strings"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/rest"
)

// Messages: sent as a user (OnBehalfOf), as the app (without it; the sender
// is then "app_system"), or as a bot.

// MessageInput is a message to send. The category defaults to "message" and
// the type to "text"; Text fills data.text.
type MessageInput struct {
	Receiver     string // a UID or a GUID
	ReceiverType string // ReceiverUser or ReceiverGroup
	Category     string // "message" (default) or "custom"
	Type         string // "text" (default), "image", "video", "audio", "file", or a custom type
	Text         string // data.text of a text message
	// Data is the whole data object (text, metadata, attachments,
	// customData...); Text and Metadata are added to it.
	Data     json.RawMessage
	Metadata json.RawMessage
	Tags     []string
	// Muid identifies the message on the client side: a retried send with
	// the same muid and content is answered with the stored message.
	Muid string
}

type sendBody struct {
	Receiver          string           `json:"receiver,omitempty"`
	ReceiverType      string           `json:"receiverType,omitempty"`
	Category          string           `json:"category,omitempty"`
	Type              string           `json:"type,omitempty"`
	Data              json.RawMessage  `json:"data,omitempty"`
	Tags              []string         `json:"tags,omitempty"`
	Muid              string           `json:"muid,omitempty"`
	MultipleReceivers *json.RawMessage `json:"multipleReceivers,omitempty"`
}

// body validates in and builds the request body (receiver optional when
// receiverOptional).
func (in *MessageInput) body(receiverOptional bool) (*sendBody, error) {
	b := &sendBody{Receiver: in.Receiver, ReceiverType: in.ReceiverType, Category: in.Category, Type: in.Type,
		Tags: in.Tags, Muid: in.Muid}
	if !receiverOptional || in.Receiver != "" {
		switch in.ReceiverType {
		case ReceiverUser:
			if err := checkUID(in.Receiver); err != nil {
				return nil, err
			}
		case ReceiverGroup:
			if err := checkGUID(in.Receiver); err != nil {
				return nil, err
			}
		default:
			return nil, &cometchat.Error{Code: cometchat.CodeInvalidReceiverType, Message: "the receiver type must be user or group"}
		}
	}
	data := map[string]json.RawMessage{}
	if len(in.Data) > 0 {
		if json.Unmarshal(in.Data, &data) != nil || data == nil {
			return nil, &cometchat.Error{Code: cometchat.CodeInvalidMessage, Message: "Data must be a JSON object"}
		}
	}
	if in.Text != "" {
		data["text"], _ = json.Marshal(in.Text)
	}
	if len(in.Metadata) > 0 {
		if err := checkObject("Metadata", in.Metadata); err != nil {
			return nil, err
		}
		data["metadata"] = in.Metadata
	}
	category, typ := in.Category, in.Type
	if category == "" {
		category = "message"
	}
	if typ == "" && category == "message" {
		typ = "text"
	}
	switch {
	case category == "message" && typ == "text":
		var text string
		if json.Unmarshal(data["text"], &text) != nil || strings.TrimSpace(text) == "" {
			return nil, &cometchat.Error{Code: cometchat.CodeInvalidMessage, Message: "a text message needs a text"}
		}
	case category == "custom" && typ == "":
		return nil, &cometchat.Error{Code: cometchat.CodeInvalidMessage, Message: "a custom message needs a type"}
	}
	b.Data, _ = json.Marshal(data)
	return b, nil
}

// SendMessage sends a message.
func (c *Client) SendMessage(ctx context.Context, in MessageInput, opts ...CallOption) (*Message, error) {
	o, err := applyCallOpts(opts)
	if err != nil {
		return nil, err
	}
	b, err := in.body(false)
	if err != nil {
		return nil, err
	}
	return call[Message](ctx, c, request{method: http.MethodPost, path: "/messages", body: b, ob: o.onBehalfOf})
}

// MultiSendResult holds the outcome per receiver of SendToMany.
type MultiSendResult struct {
	UIDs, GUIDs map[string]Outcome
}

// Err returns the failures joined, or nil.
func (r *MultiSendResult) Err() error { return Failed(r.UIDs, r.GUIDs) }

// SendToMany sends the message (its Receiver, if any, and) to every user of
// uids and group of guids, in one call (multipleReceivers).
func (c *Client) SendToMany(ctx context.Context, in MessageInput, uids, guids []string, opts ...CallOption) (*MultiSendResult, error) {
	o, err := applyCallOpts(opts)
	if err != nil {
		return nil, err
	}
	for _, u := range uids {
		if err := checkUID(u); err != nil {
			return nil, err
		}
	}
	for _, g := range guids {
		if err := checkGUID(g); err != nil {
			return nil, err
		}
	}
	if len(uids)+len(guids) == 0 && in.Receiver == "" {
		return nil, &cometchat.Error{Code: cometchat.CodeEmptyUsersList, Message: "no receiver"}
	}
	b, err := in.body(true)
	if err != nil {
		return nil, err
	}
	mr, _ := json.Marshal(map[string][]string{"uids": nonNil(uids), "guids": nonNil(guids)})
	raw := json.RawMessage(mr)
	b.MultipleReceivers = &raw
	out, err := call[struct {
		UIDs  map[string]outcomeJSON `json:"uids"`
		GUIDs map[string]outcomeJSON `json:"guids"`
	}](ctx, c, request{method: http.MethodPost, path: "/messages", body: b, ob: o.onBehalfOf})
	if err != nil {
		return nil, err
	}
	return &MultiSendResult{UIDs: outcomes(out.UIDs), GUIDs: outcomes(out.GUIDs)}, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SendBotMessage sends a message as the bot botUID (a user of the app).
func (c *Client) SendBotMessage(ctx context.Context, botUID string, in MessageInput) (*Message, error) {
	if err := checkUID(botUID); err != nil {
		return nil, err
	}
	b, err := in.body(false)
	if err != nil {
		return nil, err
	}
	return call[Message](ctx, c, request{method: http.MethodPost, path: "/bots/" + botUID + "/messages", body: b})
}

// ReplyInThread sends in as asUID in the thread of the message parentID;
// the receiver defaults to the parent's conversation.
func (c *Client) ReplyInThread(ctx context.Context, asUID, parentID string, in MessageInput) (*Message, error) {
	if err := checkUID(asUID); err != nil {
		return nil, err
	}
	if err := checkMessageID(parentID); err != nil {
		return nil, err
	}
	b, err := in.body(true)
	if err != nil {
		return nil, err
	}
	return call[Message](ctx, c, request{method: http.MethodPost, path: "/messages/" + parentID + "/thread", body: b, ob: asUID})
}

// GetMessage reads a message.
func (c *Client) GetMessage(ctx context.Context, id string, opts ...CallOption) (*Message, error) {
	o, err := applyCallOpts(opts)
	if err != nil {
		return nil, err
	}
	if err := checkMessageID(id); err != nil {
		return nil, err
	}
	return call[Message](ctx, c, request{method: http.MethodGet, path: "/messages/" + id, ob: o.onBehalfOf})
}

// MessageUpdate holds what an edit changes: nil fields stay as they are.
type MessageUpdate struct {
	Text     *string
	Metadata json.RawMessage
	Tags     []string
}

// UpdateMessage edits a message and returns the "edited" action message
// (whose data.entities.on is the message as edited).
func (c *Client) UpdateMessage(ctx context.Context, id string, u MessageUpdate, opts ...CallOption) (*Message, error) {
	o, err := applyCallOpts(opts)
	if err != nil {
		return nil, err
	}
	if err := checkMessageID(id); err != nil {
		return nil, err
	}
	data := map[string]any{}
	if u.Text != nil {
		data["text"] = *u.Text
	}
	if len(u.Metadata) > 0 {
		if err := checkObject("Metadata", u.Metadata); err != nil {
			return nil, err
		}
		data["metadata"] = u.Metadata
	}
	body := map[string]any{"data": data}
	if u.Tags != nil {
		body["tags"] = u.Tags
	}
	return call[Message](ctx, c, request{method: http.MethodPut, path: "/messages/" + id, body: body, ob: o.onBehalfOf})
}

// DeleteMessage deletes a message: soft (it stays, marked deleted; the
// "deleted" action is returned), or permanent (it is gone; nil is returned).
func (c *Client) DeleteMessage(ctx context.Context, id string, permanent bool, opts ...CallOption) (*Message, error) {
	o, err := applyCallOpts(opts)
	if err != nil {
		return nil, err
	}
	if err := checkMessageID(id); err != nil {
		return nil, err
	}
	r := request{method: http.MethodDelete, path: "/messages/" + id, body: map[string]bool{"permanent": permanent}, ob: o.onBehalfOf}
	if permanent {
		return nil, exec(ctx, c, r)
	}
	return call[Message](ctx, c, r)
}

// MessagesQuery filters a list of messages; the zero value lists them all.
type MessagesQuery struct {
	Categories     []string // "message", "custom", "action", "call"
	Types          []string // "text", "image", ...
	Sender         string
	ReceiverType   string // ReceiverUser or ReceiverGroup (Messages only)
	ConversationID string // Messages only
	SearchKey      string // part of the text
	Tags           []string
	HideDeleted    bool
	HideReplies    bool
	// FromTimestamp and ToTimestamp bound sentAt (Unix seconds).
	FromTimestamp, ToTimestamp int64
	// AfterID starts after this message id.
	AfterID string
	// Limit is the page size, default 100 (at most 1000).
	Limit int
}

func (q MessagesQuery) kv() []rest.KV {
	var kv []rest.KV
	kv = addList(kv, "categories", q.Categories)
	kv = addList(kv, "types", q.Types)
	kv = addString(kv, "sender", q.Sender)
	kv = addString(kv, "receiverType", q.ReceiverType)
	kv = addString(kv, "conversationId", q.ConversationID)
	kv = addString(kv, "searchKey", q.SearchKey)
	kv = addList(kv, "tags", q.Tags)
	kv = addFlag(kv, "hideDeleted", q.HideDeleted)
	kv = addFlag(kv, "hideReplies", q.HideReplies)
	if q.FromTimestamp > 0 {
		kv = append(kv, rest.KV{Key: "fromTimestamp", Value: strconv.FormatInt(q.FromTimestamp, 10)})
		if q.ToTimestamp > 0 {
			kv = append(kv, rest.KV{Key: "toTimestamp", Value: strconv.FormatInt(q.ToTimestamp, 10)})
		}
	}
	return kv
}

func (q MessagesQuery) size() int {
	if q.Limit <= 0 {
		return 100
	}
	return min(q.Limit, 1000)
}

func (q MessagesQuery) check() error {
	if q.AfterID != "" {
		return checkMessageID(q.AfterID)
	}
	return nil
}

// Messages ranges over the app's messages (or, with OnBehalfOf, those that
// user can see), oldest first.
func (c *Client) Messages(ctx context.Context, q MessagesQuery, opts ...CallOption) iter.Seq2[*Message, error] {
	o, err := applyCallOpts(opts)
	if err == nil {
		err = q.check()
	}
	if err != nil {
		return failed[Message](err)
	}
	return c.cursorMessages(ctx, request{method: http.MethodGet, path: "/messages", query: q.kv(), ob: o.onBehalfOf}, q, "limit", nextFromMeta)
}

// GroupMessages ranges over a group's messages, oldest first.
func (c *Client) GroupMessages(ctx context.Context, guid string, q MessagesQuery, opts ...CallOption) iter.Seq2[*Message, error] {
	o, err := applyCallOpts(opts)
	if err == nil {
		err = checkGUID(guid)
	}
	if err == nil {
		err = q.check()
	}
	if err != nil {
		return failed[Message](err)
	}
	return c.cursorMessages(ctx, request{method: http.MethodGet, path: "/groups/" + guid + "/messages", query: q.kv(), ob: o.onBehalfOf},
		q, "limit", nextFromMeta)
}

// UserMessages ranges, oldest first, over the messages between the
// OnBehalfOf user and uid, or, without OnBehalfOf, over every message uid
// can see.
func (c *Client) UserMessages(ctx context.Context, uid string, q MessagesQuery, opts ...CallOption) iter.Seq2[*Message, error] {
	o, err := applyCallOpts(opts)
	if err == nil {
		err = checkUID(uid)
	}
	if err == nil {
		err = q.check()
	}
	if err != nil {
		return failed[Message](err)
	}
	size := "perPage"
	if o.onBehalfOf != "" {
		size = "limit"
	}
	return c.cursorMessages(ctx, request{method: http.MethodGet, path: "/users/" + uid + "/messages", query: q.kv(), ob: o.onBehalfOf},
		q, size, cursorFromMeta)
}

func (c *Client) cursorMessages(ctx context.Context, r request, q MessagesQuery, sizeKey string,
	next func(json.RawMessage, []*Message) string) iter.Seq2[*Message, error] {
	return cursorsFrom(ctx, c, r, sizeKey, q.size(), next, q.AfterID)
}

// ThreadMessages ranges over the replies of a message, oldest first.
func (c *Client) ThreadMessages(ctx context.Context, parentID string, opts ...CallOption) iter.Seq2[*Message, error] {
	o, err := applyCallOpts(opts)
	if err == nil {
		err = checkMessageID(parentID)
	}
	if err != nil {
		return failed[Message](err)
	}
	return pages(ctx, c, request{method: http.MethodGet, path: "/messages/" + parentID + "/thread", ob: o.onBehalfOf}, 100,
		func(m *Message) string { return m.ID })
}
