package admin

import (
	"context"
	"iter"
	"net/http"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/rest"
)

// Conversations are a user's: every call names that user (onBehalfOf on
// the wire) and the peer, a user or a group.

// Peer is the other side of a conversation: a user or a group.
type Peer struct {
	uid, guid string
}

// WithUser is the conversation with the user uid.
func WithUser(uid string) Peer { return Peer{uid: uid} }

// WithGroup is the conversation of the group guid.
func WithGroup(guid string) Peer { return Peer{guid: guid} }

// path is "/users/{uid}/conversation" or "/groups/{guid}/conversation".
func (p Peer) path() (string, error) {
	switch {
	case p.uid != "" && p.guid == "":
		if err := checkUID(p.uid); err != nil {
			return "", err
		}
		return "/users/" + p.uid + "/conversation", nil
	case p.guid != "" && p.uid == "":
		if err := checkGUID(p.guid); err != nil {
			return "", err
		}
		return "/groups/" + p.guid + "/conversation", nil
	}
	return "", missing("the conversation's peer is empty: use WithUser or WithGroup")
}

// convCall checks the owner and the peer and returns the conversation path.
func convCall(of string, with Peer) (string, error) {
	if err := checkUID(of); err != nil {
		return "", err
	}
	return with.path()
}

// GetConversation reads of's conversation with a peer.
func (c *Client) GetConversation(ctx context.Context, of string, with Peer) (*Conversation, error) {
	p, err := convCall(of, with)
	if err != nil {
		return nil, err
	}
	return call[Conversation](ctx, c, request{method: http.MethodGet, path: p, ob: of})
}

// TagConversation sets the tags of of's conversation with a peer.
func (c *Client) TagConversation(ctx context.Context, of string, with Peer, tags ...string) (*Conversation, error) {
	p, err := convCall(of, with)
	if err != nil {
		return nil, err
	}
	return call[Conversation](ctx, c, request{method: http.MethodPut, path: p, body: map[string][]string{"tags": nonNil(tags)}, ob: of})
}

// ResetConversation deletes of's conversation with a peer for of (it comes
// back with a newer message); deleteMessages also deletes its messages
// permanently, for everyone.
func (c *Client) ResetConversation(ctx context.Context, of string, with Peer, deleteMessages bool) error {
	p, err := convCall(of, with)
	if err != nil {
		return err
	}
	return exec(ctx, c, request{method: http.MethodDelete, path: p, body: map[string]bool{"deleteMessagesPermanently": deleteMessages}, ob: of})
}

// MarkDelivered marks of's conversation with a peer as delivered to of, up
// to the message upTo ("" for all of it); the senders are told.
func (c *Client) MarkDelivered(ctx context.Context, of string, with Peer, upTo string) error {
	return c.mark(ctx, http.MethodPost, "/delivered", of, with, upTo, false)
}

// MarkRead marks the conversation as read by of, up to upTo ("" for all).
func (c *Client) MarkRead(ctx context.Context, of string, with Peer, upTo string) error {
	return c.mark(ctx, http.MethodPost, "/read", of, with, upTo, false)
}

// MarkUnread makes the conversation unread for of from the message from on.
func (c *Client) MarkUnread(ctx context.Context, of string, with Peer, from string) error {
	return c.mark(ctx, http.MethodDelete, "/read", of, with, from, true)
}

func (c *Client) mark(ctx context.Context, method, sub, of string, with Peer, id string, needID bool) error {
	p, err := convCall(of, with)
	if err != nil {
		return err
	}
	body := map[string]any{}
	if id != "" || needID {
		if err := checkMessageID(id); err != nil {
			return err
		}
		body["messageId"] = id
	}
	return exec(ctx, c, request{method: method, path: p + sub, body: body, ob: of})
}

// PinConversation pins of's conversation with a peer at the top of of's
// list (a private pin; pinning again keeps the first pin's time).
func (c *Client) PinConversation(ctx context.Context, of string, with Peer) (*Conversation, error) {
	return c.pin(ctx, http.MethodPost, of, with)
}

// UnpinConversation removes of's pin.
func (c *Client) UnpinConversation(ctx context.Context, of string, with Peer) (*Conversation, error) {
	return c.pin(ctx, http.MethodDelete, of, with)
}

func (c *Client) pin(ctx context.Context, method, of string, with Peer) (*Conversation, error) {
	p, err := convCall(of, with)
	if err != nil {
		return nil, err
	}
	return call[Conversation](ctx, c, request{method: method, path: p + "/pin", ob: of})
}

// ConversationsQuery filters a list of conversations.
type ConversationsQuery struct {
	Type    string   // ReceiverUser or ReceiverGroup
	Tags    []string // conversations with any of these tags
	Unread  bool     // only those with unread messages
	PerPage int      // page size, default 100 (at most 1000)
}

// Conversations ranges over of's conversations, pinned first, then the
// latest first; with of empty, over every user's conversations, by user.
func (c *Client) Conversations(ctx context.Context, of string, q ConversationsQuery) iter.Seq2[*Conversation, error] {
	if of != "" {
		if err := checkUID(of); err != nil {
			return failed[Conversation](err)
		}
	}
	if q.Type != "" && q.Type != ReceiverUser && q.Type != ReceiverGroup {
		return failed[Conversation](&cometchat.Error{Code: cometchat.CodeInvalidConversationType, Message: "the type must be user or group"})
	}
	var kv []rest.KV
	kv = addString(kv, "conversationType", q.Type)
	kv = addList(kv, "tags", q.Tags)
	kv = addFlag(kv, "unread", q.Unread)
	owner := of
	return pages(ctx, c, request{method: http.MethodGet, path: "/conversations", query: kv, ob: of}, perPage(q.PerPage),
		func(v *Conversation) string {
			return owner + "\x00" + v.ConversationID + "\x00" + string(v.ConversationWith)
		})
}
