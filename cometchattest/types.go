package cometchattest

import (
	"encoding/json"
	"time"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// The types below are copies the server hands out: changing one changes
// nothing on the server. Times are Unix seconds.

// User is a user of the app, as CreateUser takes it and Users returns it.
type User struct {
	// UID is the user's id: 1 to 100 letters, digits, _ or -; the server
	// lower-cases it.
	UID string
	// Name is the display name; CreateUser uses the UID when it is empty.
	Name string
	// Avatar is the URL of the user's picture.
	Avatar string
	// Link is the URL of the user's profile.
	Link string
	// Role is the user's role; CreateUser uses "default" when it is empty.
	Role string
	// StatusMessage is the user's status text.
	StatusMessage string
	// Metadata is free JSON (an object) stored with the user.
	Metadata json.RawMessage
	// Tags are the user's tags.
	Tags []string
	// Online reports whether the user has an authenticated socket; filled
	// in by the server, ignored by CreateUser.
	Online bool
	// CreatedAt is when the user was created; filled in by the server.
	CreatedAt int64
	// LastActiveAt is when the user was last online; filled in by the
	// server.
	LastActiveAt int64
}

// Group is a group of the app, as CreateGroup takes it and Groups returns
// it.
type Group struct {
	// GUID is the group's id: 1 to 100 letters, digits, _ or -; the server
	// lower-cases it.
	GUID string
	// Name is the display name; CreateGroup uses the GUID when it is empty.
	Name string
	// Type is "public" (the default), "password" or "private".
	Type string
	// Password is the password of a "password" group. Groups returns it;
	// the server's API never does.
	Password string
	// Icon is the URL of the group's picture.
	Icon string
	// Description describes the group.
	Description string
	// Owner is the UID of the group's owner, who becomes its first member
	// with scope "admin"; CreateGroup needs an existing user.
	Owner string
	// Metadata is free JSON (an object) stored with the group.
	Metadata json.RawMessage
	// Tags are the group's tags.
	Tags []string
	// MembersCount is how many members the group has; filled in by the
	// server, ignored by CreateGroup.
	MembersCount int
	// CreatedAt is when the group was created; filled in by the server.
	CreatedAt int64
}

// Member is a user's membership of a group.
type Member struct {
	// UID is the member.
	UID string
	// Scope is "admin", "moderator" or "participant".
	Scope string
	// JoinedAt is when the user joined the group.
	JoinedAt int64
}

// Message is a message as the server stores it: a plain message (category
// "message": text, image, file ...), a custom one, an action (a member
// joined, a message was edited or deleted ...) or a call message.
type Message struct {
	// ID is the message's id, a decimal number; ids strictly increase.
	ID string
	// Muid is the id the sending client chose (empty for a message sent
	// with SendText).
	Muid string
	// ConversationID is the conversation it belongs to, e.g.
	// "group_supergroup" or "superhero1_user_superhero2".
	ConversationID string
	// Sender is the UID of the sender (of an action: the user who acted).
	Sender string
	// Receiver is the UID or GUID it was sent to.
	Receiver string
	// ReceiverType is "user" or "group".
	ReceiverType string
	// Category is "message", "custom", "action" or "call".
	Category string
	// Type is the message's type within its category, e.g. "text",
	// "image", "groupMember" (an action on a member), "message" (an action
	// on a message), "audio" or "video" (a call).
	Type string
	// Action is what happened, for action and call messages: "joined",
	// "left", "kicked", "banned", "unbanned", "added", "scopeChanged",
	// "edited", "deleted"; "initiated", "ongoing", "ended" ...
	Action string
	// Text is the text of a text message.
	Text string
	// ParentID is the id of the thread's parent message, for a reply.
	ParentID string
	// ReplyCount is how many replies the message's thread holds.
	ReplyCount int
	// Tags are the message's tags.
	Tags []string
	// SentAt is when it was sent.
	SentAt int64
	// UpdatedAt is when it last changed.
	UpdatedAt int64
	// EditedAt is when it was edited (0 if never).
	EditedAt int64
	// DeletedAt is when it was deleted (0 if not).
	DeletedAt int64
	// JSON is the message as the REST API renders it to its sender.
	JSON json.RawMessage
}

// Stats counts the server's state.
type Stats struct {
	// Users counts the active users.
	Users int `json:"users"`
	// Groups counts the groups.
	Groups int `json:"groups"`
	// Messages counts the stored messages, actions and call messages
	// included.
	Messages int `json:"messages"`
	// Sockets counts the open websockets, authenticated or not.
	Sockets int `json:"sockets"`
	// Calls counts the call sessions.
	Calls int `json:"calls"`
}

// PushToken is a push-notification token a session registered with
// Client.RegisterPushToken.
type PushToken struct {
	// Token is the FCM device token.
	Token string
	// DeviceID is the device that registered it.
	DeviceID string
	// Settings are the push settings sent with it (raw JSON; empty if none).
	Settings json.RawMessage
}

// Call is a call session as the server keeps it.
type Call struct {
	// SessionID is the call's session id.
	SessionID string
	// Type is "audio" or "video".
	Type string
	// ReceiverType is "user" or "group".
	ReceiverType string
	// Initiator is the UID of the caller.
	Initiator string
	// Receiver is the UID or GUID called.
	Receiver string
	// Status is "initiated", "ongoing", "rejected", "busy", "cancelled",
	// "unanswered" or "ended".
	Status string
	// InitiatedAt is when the call was initiated.
	InitiatedAt int64
	// JoinedAt is when it was accepted (0 if never).
	JoinedAt int64
	// LeftAt is when it ended (0 if not yet).
	LeftAt int64
	// Joined lists the group members in the call (group calls), sorted.
	Joined []string
}

// Fault makes matching HTTP requests fail: a request whose method is Method
// (any when empty) and whose path starts with PathPrefix (compared with and
// without the "/v3.0" prefix) is answered with Status and a CometChat error,
// Count times (0: until ClearFaults). Server.AddFault refuses a fault
// outside the bounds written on its fields.
type Fault struct {
	// PathPrefix selects requests by path, e.g. "/v3.0/messages"; empty
	// matches every path.
	PathPrefix string `json:"pathPrefix"`
	// Method selects requests by method, e.g. "POST"; empty matches every
	// method.
	Method string `json:"method"`
	// Status is the HTTP status of the reply, 400-599; 0 with a Delay only
	// delays the request, which is then served normally.
	Status int `json:"status"`
	// RetryAfter, in seconds (at most 86400), becomes the Retry-After
	// header.
	RetryAfter int `json:"retryAfter"`
	// Count is how many requests fail; 0 means until ClearFaults.
	Count int `json:"count"`
	// Code overrides the error code (by default one that fits the status,
	// e.g. ERR_TOO_MANY_REQUESTS for 429, ERR_MISSION_FAILED for a 5xx).
	Code string `json:"code,omitempty"`
	// Message overrides the error message (at most 1024 bytes).
	Message string `json:"message,omitempty"`
	// Delay is waited before answering (or before serving normally when
	// Status is 0); at most 2 minutes.
	Delay time.Duration `json:"-"`
}

func usersOf(in []fakeserver.User) []User {
	out := make([]User, len(in))
	for i, u := range in {
		out[i] = User(u)
	}
	return out
}

func groupsOf(in []fakeserver.Group) []Group {
	out := make([]Group, len(in))
	for i, g := range in {
		out[i] = Group(g)
	}
	return out
}

func membersOf(in []fakeserver.Member) []Member {
	if in == nil {
		return nil
	}
	out := make([]Member, len(in))
	for i, m := range in {
		out[i] = Member(m)
	}
	return out
}

func messagesOf(in []fakeserver.Message) []Message {
	out := make([]Message, len(in))
	for i, m := range in {
		out[i] = Message(m)
	}
	return out
}

func callsOf(in []fakeserver.Call) []Call {
	out := make([]Call, len(in))
	for i, c := range in {
		out[i] = Call(c)
	}
	return out
}

func pushTokensOf(in []fakeserver.PushToken) []PushToken {
	if in == nil {
		return nil
	}
	out := make([]PushToken, len(in))
	for i, p := range in {
		out[i] = PushToken(p)
	}
	return out
}
