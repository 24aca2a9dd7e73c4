package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Int is an integer that decodes from a JSON number, a string of digits, a float,
// an empty string or null (zero). CometChat sends ids as strings and timestamps as
// numbers, but neither is guaranteed.
type Int int64

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*n = 0
		return nil
	}
	var s string
	if b[0] == '"' {
		str, ok := plainString(b)
		if !ok {
			if err := json.Unmarshal(b, &str); err != nil {
				return err
			}
		}
		s = strings.TrimSpace(str)
		if s == "" {
			*n = 0
			return nil
		}
	}
	if b[0] != '"' {
		s = string(b)
	}
	v, err := intText(s)
	if err != nil {
		return err
	}
	*n = v
	return nil
}

// intText reads the text of a number, or of a string holding one, as Int
// does: an integer, or a float within int64 range, truncated.
func intText(s string) (Int, error) {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Int(v), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f || f > 9.2e18 || f < -9.2e18 {
		return 0, fmt.Errorf("wire: %q is not an integer", s)
	}
	return Int(int64(f)), nil
}

// Bool decodes from true/false, 1/0 and "1"/"0"/"true"/"false".
type Bool bool

// UnmarshalJSON implements json.Unmarshaler.
func (v *Bool) UnmarshalJSON(b []byte) error {
	switch strings.Trim(string(bytes.TrimSpace(b)), `"`) {
	case "true", "1":
		*v = true
	case "false", "0", "", "null":
		*v = false
	default:
		return fmt.Errorf("wire: %s is not a boolean", b)
	}
	return nil
}

// plainString returns the text of a JSON string literal that needs no
// unescaping (no backslash, no control character, valid UTF-8): what
// json.Unmarshal would return, without a second decoder pass. ok is false
// for anything else; the caller then falls back to json.Unmarshal.
func plainString(b []byte) (s string, ok bool) {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return "", false
	}
	in := b[1 : len(b)-1]
	ascii := true
	for _, c := range in {
		switch {
		case c < 0x20 || c == '\\' || c == '"':
			return "", false
		case c >= 0x80:
			ascii = false
		}
	}
	if !ascii && !utf8.Valid(in) {
		return "", false
	}
	return string(in), true
}

// Str decodes from a JSON string, or from a number (kept as its text). Null is "".
type Str string

// UnmarshalJSON implements json.Unmarshaler.
func (s *Str) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*s = ""
		return nil
	}
	if b[0] == '"' {
		str, ok := plainString(b)
		if !ok {
			if err := json.Unmarshal(b, &str); err != nil {
				return err
			}
		}
		*s = Str(str)
		return nil
	}
	if b[0] == '-' || (b[0] >= '0' && b[0] <= '9') || b[0] == 't' || b[0] == 'f' {
		*s = Str(b)
		return nil
	}
	return fmt.Errorf("wire: %.40s is not a string", b)
}

// Object is a JSON object kept raw; it decodes only from an object (null and
// anything else yield nil without error, so a server sending `"metadata": ""`
// does not fail a whole message).
type Object json.RawMessage

// UnmarshalJSON implements json.Unmarshaler.
func (o *Object) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		*o = append((*o)[:0], b...)
		return nil
	}
	*o = nil
	return nil
}

// MarshalJSON implements json.Marshaler.
func (o Object) MarshalJSON() ([]byte, error) {
	if len(o) == 0 {
		return []byte("null"), nil
	}
	return o, nil
}

// Map decodes the object into a map; nil when absent or not an object.
func (o Object) Map() map[string]any {
	if len(o) == 0 {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(o, &m) != nil {
		return nil
	}
	return m
}

// Strings decodes from an array of strings, a single string, or a comma list.
type Strings []string

// UnmarshalJSON implements json.Unmarshaler.
func (s *Strings) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		*s = nil
		return nil
	}
	if b[0] == '[' {
		var raw []Str
		if err := json.Unmarshal(b, &raw); err != nil {
			return err
		}
		out := make([]string, len(raw))
		for i, r := range raw {
			out[i] = string(r)
		}
		*s = out
		return nil
	}
	var one Str
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	if one == "" {
		*s = nil
		return nil
	}
	*s = strings.Split(string(one), ",")
	return nil
}

// User is a user as CometChat sends it.
type User struct {
	UID           Str     `json:"uid"`
	Name          Str     `json:"name"`
	Avatar        Str     `json:"avatar"`
	Link          Str     `json:"link"`
	Role          Str     `json:"role"`
	Metadata      Object  `json:"metadata"`
	Status        Str     `json:"status"`
	StatusMessage Str     `json:"statusMessage"`
	LastActiveAt  Int     `json:"lastActiveAt"`
	Tags          Strings `json:"tags"`
	HasBlockedMe  Bool    `json:"hasBlockedMe"`
	BlockedByMe   Bool    `json:"blockedByMe"`
	DeactivatedAt Int     `json:"deactivatedAt"`
	CreatedAt     Int     `json:"createdAt"`
	UpdatedAt     Int     `json:"updatedAt"`
	AuthToken     Str     `json:"authToken"`
	JWT           Str     `json:"jwt"`
	Settings      Object  `json:"settings"`
	// Fields of lists: the caller-relative conversation and block times.
	ConversationID Str `json:"conversationId"`
	BlockedByMeAt  Int `json:"blockedByMeAt"`
	BlockedAt      Int `json:"blockedAt"`
	// Group member fields (members lists share the user shape).
	Scope    Str `json:"scope"`
	JoinedAt Int `json:"joinedAt"`
	GUID     Str `json:"guid"`
}

// Group is a group as CometChat sends it.
type Group struct {
	GUID               Str     `json:"guid"`
	Name               Str     `json:"name"`
	Type               Str     `json:"type"`
	Icon               Str     `json:"icon"`
	Description        Str     `json:"description"`
	Owner              Str     `json:"owner"`
	Metadata           Object  `json:"metadata"`
	CreatedAt          Int     `json:"createdAt"`
	UpdatedAt          Int     `json:"updatedAt"`
	HasJoined          Bool    `json:"hasJoined"`
	JoinedAt           Int     `json:"joinedAt"`
	MembersCount       Int     `json:"membersCount"`
	Scope              Str     `json:"scope"`
	Tags               Strings `json:"tags"`
	ConversationID     Str     `json:"conversationId"`
	UpdatedBy          Str     `json:"updatedBy"`
	OnlineMembersCount Int     `json:"onlineMembersCount"`
}

// EntityRef is one of a message's `data.entities`:
// `{"entityType": ..., "entity": {...}}`, with the entity decoded by its
// kind: User for "user", Group for "group", Message for "message" (the
// message an edit or delete acted on), Call for "call" (the `on` entity of a
// call message). The typed field is nil when the entity is not an object or
// does not decode as its kind; other kinds have none. Entity keeps the
// entity's JSON as sent, whatever its kind.
type EntityRef struct {
	EntityType Str             `json:"entityType"`
	Entity     json.RawMessage `json:"entity"`
	User       *User           `json:"-"`
	Group      *Group          `json:"-"`
	Message    *Message        `json:"-"`
	Call       *CallEntity     `json:"-"`
}

// Entities is the `data.entities` object of a message. An absent or null
// reference is the zero EntityRef.
type Entities struct {
	Sender   EntityRef `json:"sender"`
	Receiver EntityRef `json:"receiver"`
	By       EntityRef `json:"by"`
	On       EntityRef `json:"on"`
	For      EntityRef `json:"for"`
}

// Attachment is one file of a media message.
type Attachment struct {
	Name      Str `json:"name"`
	Extension Str `json:"extension"`
	MimeType  Str `json:"mimeType"`
	Size      Int `json:"size"`
	URL       Str `json:"url"`
}

// ScopeChange is `data.extras.scope`.
type ScopeChange struct {
	Old Str `json:"old"`
	New Str `json:"new"`
}

// Extras is `data.extras`.
type Extras struct {
	Scope *ScopeChange `json:"scope"`
}

// MessageData is the `data` object of a message (and of a call entity). It
// is lenient as a whole: a `data` that is not an object, or that holds a
// value of the wrong type, decodes as the zero MessageData.
type MessageData struct {
	Text        *string      `json:"text"`
	Metadata    Object       `json:"metadata"`
	CustomData  Object       `json:"customData"`
	SubType     Str          `json:"subType"`
	URL         Str          `json:"url"`
	Attachments []Attachment `json:"attachments"`
	Action      Str          `json:"action"`
	Extras      *Extras      `json:"extras"`
	Entities    *Entities    `json:"entities"`
}

// Receipt is a receipt as stored on a message (`myReceipt`, `receipts.data[]`).
type Receipt struct {
	MessageID   Str             `json:"messageId"`
	Recipient   json.RawMessage `json:"recipient"`
	DeliveredAt Int             `json:"deliveredAt"`
	ReadAt      Int             `json:"readAt"`
}

// Receipts is a message's `receipts` object.
type Receipts struct {
	Data []Receipt `json:"data"`
}

// PartyID is a message's top-level sender or receiver: sent as a uid or guid
// string (a number or a boolean keeps its text), or as a user or group
// object, of which it is the uid (or, failing that, the guid). Anything
// else is "" without error.
type PartyID string

// Message is the REST message object (also the body of a `message` push and
// a nested `message` entity), decoded with its data and entities.
type Message struct {
	ID              Int         `json:"id"`
	MUID            Str         `json:"muid"`
	ConversationID  Str         `json:"conversationId"`
	Sender          PartyID     `json:"sender"`
	Receiver        PartyID     `json:"receiver"`
	ReceiverType    Str         `json:"receiverType"`
	Category        Str         `json:"category"`
	Type            Str         `json:"type"`
	Data            MessageData `json:"data"`
	SentAt          Int         `json:"sentAt"`
	UpdatedAt       Int         `json:"updatedAt"`
	DeliveredAt     Int         `json:"deliveredAt"`
	ReadAt          Int         `json:"readAt"`
	DeliveredToMeAt Int         `json:"deliveredToMeAt"`
	ReadByMeAt      Int         `json:"readByMeAt"`
	MyReceipt       *Receipt    `json:"myReceipt"`
	EditedAt        Int         `json:"editedAt"`
	EditedBy        Str         `json:"editedBy"`
	DeletedAt       Int         `json:"deletedAt"`
	DeletedBy       Str         `json:"deletedBy"`
	ParentID        Int         `json:"parentId"`
	ReplyCount      Int         `json:"replyCount"`
	Tags            Strings     `json:"tags"`
	Status          Str         `json:"status"`
	Receipts        *Receipts   `json:"receipts"`
}

// CallEntity is the `on` entity of a call message (entityType "call").
// Its Data.Entities.Sender is the user who started the call.
type CallEntity struct {
	SessionID    Str         `json:"sessionid"`
	SessionIDAlt Str         `json:"sessionId"`
	Status       Str         `json:"status"`
	Type         Str         `json:"type"`
	ReceiverType Str         `json:"receiverType"`
	Sender       Str         `json:"sender"`
	Receiver     Str         `json:"receiver"`
	InitiatedAt  Int         `json:"initiatedAt"`
	JoinedAt     Int         `json:"joinedAt"`
	LeftAt       Int         `json:"leftAt"`
	EndedAt      Int         `json:"endedAt"`
	Data         MessageData `json:"data"`
}

// Envelope is a websocket application frame. Body stays raw: its shape
// depends on Type (DecodeFrame decodes it).
type Envelope struct {
	AppID         Str             `json:"appId,omitempty"`
	Receiver      Str             `json:"receiver,omitempty"`
	ReceiverType  Str             `json:"receiverType,omitempty"`
	DeviceID      Str             `json:"deviceId,omitempty"`
	Type          Str             `json:"type,omitempty"`
	Sender        Str             `json:"sender,omitempty"`
	MessageSender Str             `json:"messageSender,omitempty"`
	Body          json.RawMessage `json:"body,omitempty"`
	Action        Str             `json:"action,omitempty"`
}

// AuthReply is the body of the server's `auth` frame.
type AuthReply struct {
	Code    Str `json:"code"`
	Status  Str `json:"status"`
	Message Str `json:"message"`
}

// UserOrUID is a user sent as an object or as a bare uid string (the `user`
// of signal frames). User is nil for null, for any other value, and for an
// object that does not decode as a user.
type UserOrUID struct {
	User *User
}

// SignalBody is the body of typing_indicator, receipts, presence and
// transient_message frames.
type SignalBody struct {
	Action    Str       `json:"action"`
	User      UserOrUID `json:"user"`
	Metadata  Object    `json:"metadata"`
	MessageID Int       `json:"messageId"`
	Timestamp Int       `json:"timestamp"`
	Data      Object    `json:"data"`
}

// Frame is a websocket frame decoded by DecodeFrame: its envelope, and its
// body by frame type. A body that does not decode leaves the frame readable:
// BodyErr says why, and Message and Signal stay zero.
type Frame struct {
	Envelope
	// Message is the body of a "message" frame.
	Message Message `json:"-"`
	// Signal is the body of a typing_indicator, receipts, presence or
	// transient_message frame.
	Signal SignalBody `json:"-"`
	// BodyErr is set when a frame of one of those types has no body
	// (ErrNoBody) or one that does not decode.
	BodyErr error `json:"-"`
}

// DecodeUser decodes a user given as an object or as a bare uid string
// (REST shapes: users, receipt recipients).
func DecodeUser(raw json.RawMessage) (*User, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var uid string
		if err := json.Unmarshal(raw, &uid); err != nil {
			return nil, err
		}
		return &User{UID: Str(uid)}, nil
	}
	var u User
	if err := json.Unmarshal(raw, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// ErrorBody is `{"error": {...}}`.
type ErrorBody struct {
	Code    Str             `json:"code"`
	Message Str             `json:"message"`
	Details json.RawMessage `json:"details"`
}

// Pagination is `meta.pagination` of page-numbered lists.
type Pagination struct {
	Total       Int `json:"total"`
	Count       Int `json:"count"`
	PerPage     Int `json:"per_page"`
	CurrentPage Int `json:"current_page"`
	TotalPages  Int `json:"total_pages"`
}

// Cursor is `meta.cursor` of message lists.
type Cursor struct {
	Affix     Str `json:"affix"`
	ID        Int `json:"id"`
	SentAt    Int `json:"sentAt"`
	UpdatedAt Int `json:"updatedAt"`
}

// Meta is the `meta` object of list responses.
type Meta struct {
	Pagination *Pagination `json:"pagination"`
	Cursor     *Cursor     `json:"cursor"`
}

// Settings holds the app settings keys the Go SDK reads.
type Settings struct {
	ClientAPIHost       Str `json:"CLIENT_API_HOST"`
	AdminAPIHost        Str `json:"ADMIN_API_HOST"`
	ChatAPIVersion      Str `json:"CHAT_API_VERSION"`
	ChatHost            Str `json:"CHAT_HOST"`
	ChatHostOverride    Str `json:"CHAT_HOST_OVERRIDE"`
	ChatHostAppSpecific Str `json:"CHAT_HOST_APP_SPECIFIC"`
	ChatWSSPort         Str `json:"CHAT_WSS_PORT"`
	Mode                Str `json:"MODE"`
	Region              Str `json:"REGION"`
}
