package cometchat

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gocometchat/cometchat/internal/rest"
	"github.com/gocometchat/cometchat/internal/wire"
)

// MessagesRequestBuilder builds a message-history query (Cordova:
// MessagesRequestBuilder). SetLimit is required (at most 100); everything
// else is optional.
//
// Which conversation: SetGUID (a group's history), SetUID (the one-to-one
// conversation with that user) or SetParentMessageID (the replies of one
// thread). With none of them the request fetches the logged-in user's
// messages of every conversation: the one-to-one conversations they sent or
// received in, and the groups they are a member of.
//
// What: by default every category, in the order sent:
//
//   - CategoryMessage: the users' messages (*TextMessage, *MediaMessage, and
//     *CustomMessage sent without a type);
//   - CategoryCustom: custom messages (*CustomMessage);
//   - CategoryAction: *Action messages the server adds. A group's history
//     holds one for each membership change (a member joined, left, was
//     added, kicked, banned or unbanned, or had their scope changed:
//     ActionMemberJoined ... ActionMemberScopeChanged), so the history of a
//     group you joined holds your own "joined"; every conversation holds one
//     for each edited or deleted message (ActionMessageEdited,
//     ActionMessageDeleted), besides the message itself;
//   - CategoryCall: the messages of calls (*Call: initiated, ongoing,
//     ended ...).
//
// SetCategories(CategoryMessage, CategoryCustom) keeps what users sent and
// leaves the actions and calls out; SetTypes narrows further (e.g. to
// MessageTypeText). Deleted messages are included (with DeletedAt set)
// unless HideDeletedMessages; thread replies are included unless
// HideReplies; messages of blocked users are included unless
// HideMessagesFromBlockedUsers; tags are left out unless WithTags.
//
// Where from: FetchPrevious and AllPrevious start at the newest message and
// walk back; SetMessageID, SetTimestamp or SetUpdatedAfter anchor the cursor
// instead (FetchNext and All need one of them to walk forward).
type MessagesRequestBuilder struct {
	c            *Client
	limit        int
	uid, guid    string
	parentID     int64
	timestamp    int64
	messageID    int64
	unread       bool
	hideBlocked  bool
	search       string
	updatedAfter int64
	updatesOnly  bool
	categories   []string
	types        []string
	hideReplies  bool
	hideDeleted  bool
	tags         []string
	withTags     bool
}

// NewMessagesRequestBuilder starts a message-history query. With only
// SetLimit it fetches the logged-in user's messages of every conversation
// (one-to-one and groups), of every category, actions and calls included:
// see MessagesRequestBuilder for the defaults and the filters.
func (c *Client) NewMessagesRequestBuilder() *MessagesRequestBuilder {
	return &MessagesRequestBuilder{c: c}
}

// SetLimit sets the page size (1 to 100; required).
func (b *MessagesRequestBuilder) SetLimit(n int) *MessagesRequestBuilder { b.limit = n; return b }

// SetUID selects the one-to-one conversation between the logged-in user and
// uid. Without SetUID, SetGUID or SetParentMessageID the request fetches
// the logged-in user's messages of every conversation.
func (b *MessagesRequestBuilder) SetUID(uid string) *MessagesRequestBuilder { b.uid = uid; return b }

// SetGUID selects a group's conversation (it wins over SetUID); the caller
// must be a member. Its history holds the group's action messages (members
// joining, leaving, kicked ...) besides the users' messages:
// SetCategories(CategoryMessage) leaves them out.
func (b *MessagesRequestBuilder) SetGUID(guid string) *MessagesRequestBuilder {
	b.guid = guid
	return b
}

// SetParentMessageID selects the replies of one thread (it wins over
// SetGUID and SetUID).
func (b *MessagesRequestBuilder) SetParentMessageID(id int64) *MessagesRequestBuilder {
	b.parentID = id
	return b
}

// SetTimestamp anchors the cursor at a send time (Unix seconds):
// FetchPrevious returns the messages sent before it, FetchNext those sent
// after. Without an anchor FetchPrevious starts at the newest message.
func (b *MessagesRequestBuilder) SetTimestamp(unixSeconds int64) *MessagesRequestBuilder {
	b.timestamp = unixSeconds
	return b
}

// SetMessageID anchors the cursor at a message ID: FetchPrevious returns
// the messages before it, FetchNext those after (the message itself is in
// neither).
func (b *MessagesRequestBuilder) SetMessageID(id int64) *MessagesRequestBuilder {
	b.messageID = id
	return b
}

// SetUnread selects unread messages only: messages others sent that the
// logged-in user has not read (default false: read and unread).
func (b *MessagesRequestBuilder) SetUnread(only bool) *MessagesRequestBuilder {
	b.unread = only
	return b
}

// HideMessagesFromBlockedUsers leaves out one-to-one messages of users the
// caller blocked (default false: they are included).
func (b *MessagesRequestBuilder) HideMessagesFromBlockedUsers(hide bool) *MessagesRequestBuilder {
	b.hideBlocked = hide
	return b
}

// SetSearchKeyword keeps the messages whose text contains s (ignoring case).
func (b *MessagesRequestBuilder) SetSearchKeyword(s string) *MessagesRequestBuilder {
	b.search = strings.TrimSpace(s)
	return b
}

// SetUpdatedAfter anchors the cursor at an update time (Unix seconds), for
// syncing edits and deletes.
func (b *MessagesRequestBuilder) SetUpdatedAfter(unixSeconds int64) *MessagesRequestBuilder {
	b.updatedAfter = unixSeconds
	return b
}

// UpdatesOnly selects only messages updated (edited or deleted, for
// instance) after SetUpdatedAfter.
func (b *MessagesRequestBuilder) UpdatesOnly(only bool) *MessagesRequestBuilder {
	b.updatesOnly = only
	return b
}

// SetCategory filters by one category (merged with SetCategories): see
// SetCategories.
func (b *MessagesRequestBuilder) SetCategory(c MessageCategory) *MessagesRequestBuilder {
	b.categories = appendUnique(b.categories, string(c))
	return b
}

// SetCategories keeps the messages of these categories only (merged with
// SetCategory); by default every category is fetched. CategoryMessage
// (with CategoryCustom, if you use custom messages) keeps what users sent
// and leaves out the action messages (group members joining, leaving,
// kicked ...; messages edited or deleted) and the call messages
// (CategoryAction, CategoryCall).
func (b *MessagesRequestBuilder) SetCategories(cs ...MessageCategory) *MessagesRequestBuilder {
	for _, c := range cs {
		b.categories = appendUnique(b.categories, string(c))
	}
	return b
}

// SetType filters by one type (merged with SetTypes); by default every type
// is fetched.
func (b *MessagesRequestBuilder) SetType(t MessageType) *MessagesRequestBuilder {
	b.types = appendUnique(b.types, string(t))
	return b
}

// SetTypes keeps the messages of these types only (merged with SetType),
// e.g. MessageTypeText and MessageTypeImage; by default every type is
// fetched.
func (b *MessagesRequestBuilder) SetTypes(ts ...MessageType) *MessagesRequestBuilder {
	for _, t := range ts {
		b.types = appendUnique(b.types, string(t))
	}
	return b
}

// HideReplies leaves thread replies out of the main conversation (default
// false: replies are included).
func (b *MessagesRequestBuilder) HideReplies(hide bool) *MessagesRequestBuilder {
	b.hideReplies = hide
	return b
}

// HideDeletedMessages leaves deleted messages out (default false: they are
// included, with DeletedAt set).
func (b *MessagesRequestBuilder) HideDeletedMessages(hide bool) *MessagesRequestBuilder {
	b.hideDeleted = hide
	return b
}

// SetTags keeps the messages that carry one of these tags.
func (b *MessagesRequestBuilder) SetTags(tags ...string) *MessagesRequestBuilder {
	b.tags = append([]string(nil), tags...)
	return b
}

// WithTags includes each message's tags (default false: left out).
func (b *MessagesRequestBuilder) WithTags(with bool) *MessagesRequestBuilder {
	b.withTags = with
	return b
}

func appendUnique(list []string, v string) []string {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// Build validates the query (Cordova: build): SetLimit between 1 and 100,
// a valid UID or GUID, SetUpdatedAfter with UpdatesOnly. It does no I/O.
func (b *MessagesRequestBuilder) Build() (*MessagesRequest, error) {
	per, err := limitKV(b.limit, MaxMessagesLimit)
	if err != nil {
		return nil, err
	}
	if b.guid != "" {
		if err := checkGUID(b.guid); err != nil {
			return nil, err
		}
	} else if b.uid != "" {
		if err := checkUID(b.uid); err != nil {
			return nil, err
		}
	}
	if b.updatesOnly && b.updatedAfter == 0 {
		return nil, errorf(CodeNotEnoughParameters, "UpdatesOnly needs SetUpdatedAfter")
	}
	r := &MessagesRequest{c: b.c, id: b.messageID, ts: b.timestamp, upd: b.updatedAfter,
		startID: b.messageID, startTS: b.timestamp, startUpd: b.updatedAfter}
	switch {
	case b.parentID > 0:
		r.path = "messages/" + strconv.FormatInt(b.parentID, 10) + "/thread"
	case b.guid != "":
		r.path = "groups/" + b.guid + "/messages"
	case b.uid != "":
		r.path = "users/" + b.uid + "/messages"
	default:
		r.path = "messages"
	}
	q := []rest.KV{per}
	q = append(q, rest.KV{Key: "hideMessagesFromBlockedUsers", Value: bit(b.hideBlocked)}, rest.KV{Key: "unread", Value: bit(b.unread)})
	if b.search != "" {
		q = append(q, rest.KV{Key: "searchKey", Value: b.search})
	}
	q = append(q, listKV("categories", b.categories)...)
	q = append(q, listKV("types", b.types)...)
	q = append(q, listKV("tags", b.tags)...)
	q = append(q, rest.KV{Key: "withTags", Value: bit(b.withTags)}, rest.KV{Key: "hideDeleted", Value: bit(b.hideDeleted)})
	if b.hideReplies && b.parentID == 0 {
		q = append(q, rest.KV{Key: "hideReplies", Value: "true"})
	}
	if b.updatesOnly {
		q = append(q, rest.KV{Key: "onlyUpdates", Value: "1"})
	}
	r.query = q
	r.updatesOnly = b.updatesOnly
	return r, nil
}

func bit(v bool) string {
	if v {
		return "1"
	}
	return "0"
}

// MessagesRequest pages through message history with a cursor (Cordova:
// MessagesRequest). FetchPrevious walks back from the anchor (the newest
// message when none), FetchNext forward; both share one cursor, so use one
// request per direction. Pages are ascending by ID. A fetch started while
// another runs on the same request fails with REQUEST_IN_PROGRESS, as in the
// Cordova SDK.
type MessagesRequest struct {
	c           *Client
	path        string
	query       []rest.KV
	updatesOnly bool
	// The cursor the request was built with, where every All range starts.
	startID, startTS, startUpd int64

	mu         sync.Mutex
	id, ts     int64
	upd        int64
	totalPages int
	lastAffix  string
}

// FetchPrevious returns the page of messages before the cursor; an empty
// slice at the beginning of the history.
func (r *MessagesRequest) FetchPrevious(ctx context.Context) ([]Message, error) {
	return r.fetch(ctx, "prepend")
}

// FetchNext returns the page of messages after the cursor; an empty slice
// at the end. It needs a message ID, timestamp or updated-after anchor.
func (r *MessagesRequest) FetchNext(ctx context.Context) ([]Message, error) {
	return r.fetch(ctx, "append")
}

// All iterates forward to the newest message, from the cursor the request
// was built with, on its own cursor: each range starts again there, and
// FetchNext and FetchPrevious are not moved.
func (r *MessagesRequest) All(ctx context.Context) iter.Seq2[Message, error] {
	return iterate(ctx, func() func(context.Context) ([]Message, error) { return r.fresh().guarded(true) })
}

// AllPrevious iterates backward to the oldest message, like All: pages come
// newest first, each page ascending by ID.
func (r *MessagesRequest) AllPrevious(ctx context.Context) iter.Seq2[Message, error] {
	return iterate(ctx, func() func(context.Context) ([]Message, error) { return r.fresh().guarded(false) })
}

// fresh is a copy of r at the cursor it was built with.
func (r *MessagesRequest) fresh() *MessagesRequest {
	return &MessagesRequest{c: r.c, path: r.path, query: r.query, updatesOnly: r.updatesOnly,
		startID: r.startID, startTS: r.startTS, startUpd: r.startUpd, id: r.startID, ts: r.startTS, upd: r.startUpd}
}

// guarded is r's FetchNext (forward) or FetchPrevious, failing instead of
// looping when the server's cursor stops moving.
func (r *MessagesRequest) guarded(forward bool) func(context.Context) ([]Message, error) {
	fetch := r.FetchPrevious
	if forward {
		fetch = r.FetchNext
	}
	var lastFirst, lastLast int64 = -1, -1
	return func(ctx context.Context) ([]Message, error) {
		page, err := fetch(ctx)
		if err != nil || len(page) == 0 {
			return page, err
		}
		first, last := page[0].Base().ID, page[len(page)-1].Base().ID
		if first == lastFirst && last == lastLast {
			return nil, errorf(CodeCursorStuck, "the server sent the same page again (ids %d..%d); stopping instead of looping", first, last)
		}
		lastFirst, lastLast = first, last
		return page, nil
	}
}

func (r *MessagesRequest) fetch(ctx context.Context, affix string) ([]Message, error) {
	if !r.mu.TryLock() {
		return nil, errorf(CodeRequestInProgress, "a fetch on this request is already running")
	}
	defer r.mu.Unlock()
	if affix == "append" && r.id == 0 && r.ts == 0 && r.upd == 0 {
		return nil, errorf(CodeNotEnoughParameters, "FetchNext needs SetMessageID, SetTimestamp or SetUpdatedAfter")
	}
	if r.totalPages == 1 && r.lastAffix == affix {
		return []Message{}, nil
	}
	q := append(append([]rest.KV(nil), r.query...), rest.KV{Key: "affix", Value: affix})
	if r.id > 0 {
		q = append(q, rest.KV{Key: "id", Value: strconv.FormatInt(r.id, 10)})
	}
	if r.ts > 0 {
		q = append(q, rest.KV{Key: "sentAt", Value: strconv.FormatInt(r.ts, 10)})
	}
	if r.upd > 0 {
		q = append(q, rest.KV{Key: "updatedAt", Value: strconv.FormatInt(r.upd, 10)})
	}
	resp, err := r.c.clientCall(ctx, &rest.Request{Method: http.MethodGet, Path: r.path, Query: q})
	if err != nil {
		return nil, err
	}
	msgs, err := decodeMessageList(resp.Data)
	if err != nil {
		return nil, err
	}
	var meta wire.Meta
	if len(resp.Meta) > 0 {
		_ = json.Unmarshal(resp.Meta, &meta)
	}
	if c := meta.Cursor; c != nil {
		if r.id == 0 && c.ID > 0 {
			r.id = int64(c.ID)
		}
		if r.ts == 0 && c.SentAt > 0 {
			r.ts = int64(c.SentAt)
		}
		if c.Affix != "" {
			r.lastAffix = string(c.Affix)
		}
	}
	if meta.Pagination != nil {
		r.totalPages = int(meta.Pagination.TotalPages)
	}
	for _, m := range msgs {
		b := m.Base()
		if affix == "append" {
			r.id = max(r.id, b.ID)
			if r.ts > 0 {
				r.ts = max(r.ts, b.SentAt)
			}
			if r.upd > 0 {
				r.upd = max(r.upd, b.UpdatedAt)
			}
		} else {
			if r.id == 0 || b.ID < r.id {
				r.id = b.ID
			}
			if r.ts > 0 && b.SentAt > 0 && b.SentAt < r.ts {
				r.ts = b.SentAt
			}
			if r.upd > 0 && b.UpdatedAt > 0 && b.UpdatedAt < r.upd {
				r.upd = b.UpdatedAt
			}
		}
	}
	return msgs, nil
}
