package admin

import (
	"encoding/json"
	"errors"

	"github.com/gocometchat/cometchat"
)

// What the REST API answers, as CometChat's docs show it. Times are Unix
// seconds; JSON objects the API leaves open (metadata, message data) stay raw.

// User is a user of the app.
type User struct {
	UID           string          `json:"uid"`
	Name          string          `json:"name"`
	Avatar        string          `json:"avatar,omitempty"`
	Link          string          `json:"link,omitempty"`
	Role          string          `json:"role,omitempty"`
	Metadata      json.RawMessage `json:"metadata,omitempty"`
	Status        string          `json:"status,omitempty"` // "available" or "offline"
	StatusMessage string          `json:"statusMessage,omitempty"`
	Tags          []string        `json:"tags,omitempty"`
	CreatedAt     int64           `json:"createdAt,omitempty"`
	UpdatedAt     int64           `json:"updatedAt,omitempty"`
	DeactivatedAt int64           `json:"deactivatedAt,omitempty"`
	// AuthToken is set by CreateUser with WithAuthToken.
	AuthToken string `json:"authToken,omitempty"`
	// Set in the lists and reads made on behalf of a user, relative to it.
	ConversationID string `json:"conversationId,omitempty"`
	BlockedByMe    bool   `json:"blockedByMe,omitempty"`
	HasBlockedMe   bool   `json:"hasBlockedMe,omitempty"`
	// Scope and JoinedAt are set in a group's member list.
	Scope    string `json:"scope,omitempty"`
	JoinedAt int64  `json:"joinedAt,omitempty"`
}

// AuthToken is an auth token of a user: what its client logs in with.
type AuthToken struct {
	UID       string          `json:"uid"`
	AuthToken string          `json:"authToken"`
	CreatedAt int64           `json:"createdAt"`
	Platform  string          `json:"platform,omitempty"`
	UserAgent string          `json:"userAgent,omitempty"`
	AppInfo   json.RawMessage `json:"appInfo,omitempty"`
}

// Group is a group of the app, with the membership of the user a call was
// made on behalf of (HasJoined, Scope, JoinedAt).
type Group struct {
	GUID           string          `json:"guid"`
	Name           string          `json:"name"`
	Type           string          `json:"type"` // "public", "password" or "private"
	Icon           string          `json:"icon,omitempty"`
	Description    string          `json:"description,omitempty"`
	Owner          string          `json:"owner"`
	Metadata       json.RawMessage `json:"metadata,omitempty"`
	Tags           []string        `json:"tags,omitempty"`
	MembersCount   int             `json:"membersCount"`
	ConversationID string          `json:"conversationId"`
	CreatedAt      int64           `json:"createdAt"`
	UpdatedAt      int64           `json:"updatedAt,omitempty"`
	HasJoined      bool            `json:"hasJoined"`
	Scope          string          `json:"scope,omitempty"`
	JoinedAt       int64           `json:"joinedAt,omitempty"`
}

// Group types and member scopes.
const (
	GroupPublic   = "public"
	GroupPassword = "password"
	GroupPrivate  = "private"

	ScopeAdmin       = "admin"
	ScopeModerator   = "moderator"
	ScopeParticipant = "participant"
)

// Receiver types of a message.
const (
	ReceiverUser  = "user"
	ReceiverGroup = "group"
)

// Message is a message: a text, media or custom message, or an action (a
// member added, a message edited...). Data is the message's data object.
type Message struct {
	ID             string          `json:"id"`
	Muid           string          `json:"muid,omitempty"`
	ConversationID string          `json:"conversationId"`
	Sender         string          `json:"sender"`
	ReceiverType   string          `json:"receiverType"`
	Receiver       string          `json:"receiver"`
	Category       string          `json:"category"`
	Type           string          `json:"type"`
	Data           json.RawMessage `json:"data"`
	SentAt         int64           `json:"sentAt"`
	UpdatedAt      int64           `json:"updatedAt"`
	EditedAt       int64           `json:"editedAt,omitempty"`
	EditedBy       string          `json:"editedBy,omitempty"`
	DeletedAt      int64           `json:"deletedAt,omitempty"`
	DeletedBy      string          `json:"deletedBy,omitempty"`
	ParentID       string          `json:"parentId,omitempty"`
	ReplyCount     int             `json:"replyCount,omitempty"`
	Tags           []string        `json:"tags,omitempty"`
}

// Text returns data.text ("" when the message has none).
func (m *Message) Text() string { return m.dataString("text") }

// Action returns data.action of an action message ("edited", "added"...).
func (m *Message) Action() string { return m.dataString("action") }

func (m *Message) dataString(key string) string {
	var d map[string]json.RawMessage
	if json.Unmarshal(m.Data, &d) != nil {
		return ""
	}
	var s string
	_ = json.Unmarshal(d[key], &s)
	return s
}

// Conversation is a user's conversation with a user or a group.
type Conversation struct {
	ConversationID     string          `json:"conversationId"`
	ConversationType   string          `json:"conversationType"` // "user" or "group"
	ConversationWith   json.RawMessage `json:"conversationWith"` // the user or the group
	LastMessage        *Message        `json:"lastMessage,omitempty"`
	UnreadMessageCount string          `json:"unreadMessageCount"`
	Tags               []string        `json:"tags,omitempty"`
	CreatedAt          int64           `json:"createdAt,omitempty"`
	UpdatedAt          int64           `json:"updatedAt,omitempty"`
	PinnedAt           int64           `json:"pinnedAt,omitempty"`
	PinnedBy           string          `json:"pinnedBy,omitempty"`
}

// Outcome is the result for one uid (or guid) of a bulk call: nil Err on
// success. Message is the action or message the call made, when there is one.
type Outcome struct {
	Err     error
	Message *Message
}

// outcomeJSON is one entry of a bulk reply.
type outcomeJSON struct {
	Success bool            `json:"success"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
	Error   *struct {
		Code    string          `json:"code"`
		Message string          `json:"message"`
		Details json.RawMessage `json:"details"`
	} `json:"error"`
}

func outcomes(in map[string]outcomeJSON) map[string]Outcome {
	out := make(map[string]Outcome, len(in))
	for k, v := range in {
		var o Outcome
		switch {
		case v.Error != nil:
			o.Err = &cometchat.Error{Code: cometchat.Code(v.Error.Code), Message: v.Error.Message, Details: v.Error.Details}
		case !v.Success:
			o.Err = &cometchat.Error{Code: cometchat.CodeFailedToFetch, Message: "the server reported a failure without an error"}
		}
		if len(v.Data) > 0 && string(v.Data) != "null" {
			var m Message
			if json.Unmarshal(v.Data, &m) == nil && m.ID != "" {
				o.Message = &m
			}
		}
		out[k] = o
	}
	return out
}

// Failed returns the first failure of a bulk result, or nil.
func Failed(results ...map[string]Outcome) error {
	var errs []error
	for _, r := range results {
		for _, o := range r {
			if o.Err != nil {
				errs = append(errs, o.Err)
			}
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}
