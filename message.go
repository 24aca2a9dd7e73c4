package cometchat

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gocometchat/cometchat/internal/rest"
)

// MessageCategory is a message's category.
type MessageCategory string

// Message categories.
const (
	CategoryMessage MessageCategory = "message"
	CategoryCustom  MessageCategory = "custom"
	CategoryAction  MessageCategory = "action"
	CategoryCall    MessageCategory = "call"
)

// MessageType is a message's type within its category.
type MessageType string

// Message types (Cordova: CometChat.MESSAGE_TYPE). Call messages use audio
// and video; custom-category messages carry the application's own types.
const (
	MessageTypeText   MessageType = "text"
	MessageTypeMedia  MessageType = "media"
	MessageTypeImage  MessageType = "image"
	MessageTypeVideo  MessageType = "video"
	MessageTypeAudio  MessageType = "audio"
	MessageTypeFile   MessageType = "file"
	MessageTypeCustom MessageType = "custom"
)

// ReceiverType says whether a message goes to a user or a group.
type ReceiverType string

// Receiver types.
const (
	ReceiverTypeUser  ReceiverType = "user"
	ReceiverTypeGroup ReceiverType = "group"
)

// Entity is what a message's receiver or an action's by/on/for can be:
// *User, *Group, or a message (Action.ActionOn of an edit or delete).
type Entity interface{ entity() }

// Message is any message: *TextMessage, *MediaMessage, *CustomMessage,
// *Action, *Call or *UnknownMessage. Base gives the common fields.
type Message interface {
	Entity
	Base() *BaseMessage
}

// BaseMessage holds the fields every message has (Cordova: BaseMessage).
// Timestamps are Unix seconds.
type BaseMessage struct {
	ID int64
	// MUID is the client message id the server deduplicates retried sends
	// by. Sending a message fills it in when empty; see SendMessage.
	MUID            string
	ConversationID  string
	ParentMessageID int64
	Sender          *User
	ReceiverID      string
	// Receiver is the *User or *Group the message was sent to.
	Receiver        Entity
	ReceiverType    ReceiverType
	Category        MessageCategory
	Type            MessageType
	SentAt          int64
	UpdatedAt       int64
	DeliveredAt     int64
	DeliveredToMeAt int64
	ReadAt          int64
	ReadByMeAt      int64
	EditedAt        int64
	EditedBy        string
	DeletedAt       int64
	DeletedBy       string
	ReplyCount      int
	Metadata        map[string]any
	Tags            []string
	// Raw is the message exactly as the server sent it.
	Raw json.RawMessage
	// sentAs is the fingerprint of the content this value was last sent
	// with under MUID (0: never sent by this SDK).
	sentAs uint64
}

// Base returns the common fields.
func (m *BaseMessage) Base() *BaseMessage { return m }

func (*BaseMessage) entity() {}

// Data decodes the raw `data` object of a received message (text, metadata,
// entities, extension output...). It is nil for messages built locally.
func (m *BaseMessage) Data() map[string]any {
	if len(m.Raw) == 0 {
		return nil
	}
	var v struct {
		Data map[string]any `json:"data"`
	}
	if json.Unmarshal(m.Raw, &v) != nil {
		return nil
	}
	return v.Data
}

// TextMessage is a text message (category message, type text).
type TextMessage struct {
	BaseMessage
	Text string
}

// NewTextMessage returns a text message to send (Cordova: new TextMessage).
func NewTextMessage(receiverID string, receiverType ReceiverType, text string) *TextMessage {
	return &TextMessage{BaseMessage: BaseMessage{ReceiverID: receiverID, ReceiverType: receiverType,
		Category: CategoryMessage, Type: MessageTypeText}, Text: text}
}

// Attachment is one file of a media message.
type Attachment struct {
	Name      string
	Extension string
	MimeType  string
	Size      int64
	URL       string
}

// MediaMessage is an image, video, audio or file message.
type MediaMessage struct {
	BaseMessage
	Caption     string
	Attachments []Attachment
	// URL is the legacy single media URL of received messages.
	URL string
	// Files are uploaded when the message is sent.
	Files []MediaFile
}

// Attachment returns the first attachment, or nil.
func (m *MediaMessage) Attachment() *Attachment {
	if len(m.Attachments) == 0 {
		return nil
	}
	return &m.Attachments[0]
}

// CustomMessage carries application-defined JSON. A message built with an
// empty custom type is category message / type custom (the Cordova
// three-argument form); otherwise category custom with that type.
type CustomMessage struct {
	BaseMessage
	CustomData map[string]any
	SubType    string
}

// NewCustomMessage returns a custom message to send.
func NewCustomMessage(receiverID string, receiverType ReceiverType, customType string, customData map[string]any) *CustomMessage {
	m := &CustomMessage{BaseMessage: BaseMessage{ReceiverID: receiverID, ReceiverType: receiverType,
		Category: CategoryCustom, Type: MessageType(customType)}, CustomData: customData}
	if customType == "" {
		m.Category, m.Type = CategoryMessage, MessageTypeCustom
	}
	return m
}

// ActionType is the verb of an action message.
type ActionType string

// Action verbs.
const (
	ActionMemberAdded        ActionType = "added"
	ActionMemberJoined       ActionType = "joined"
	ActionMemberLeft         ActionType = "left"
	ActionMemberKicked       ActionType = "kicked"
	ActionMemberBanned       ActionType = "banned"
	ActionMemberUnbanned     ActionType = "unbanned"
	ActionMemberInvited      ActionType = "invited"
	ActionMemberScopeChanged ActionType = "scopeChanged"
	ActionMessageEdited      ActionType = "edited"
	ActionMessageDeleted     ActionType = "deleted"
)

// Action is a system message about a group member or a message edit/delete.
type Action struct {
	BaseMessage
	Action ActionType
	// Message is an English sentence describing the action.
	Message   string
	ActionBy  Entity
	ActionOn  Entity
	ActionFor Entity
	OldScope  GroupMemberScope
	NewScope  GroupMemberScope
}

// UnknownMessage is a message whose category this SDK does not know. Nothing
// is dropped: Raw holds it whole.
type UnknownMessage struct {
	BaseMessage
}

func nameOf(e Entity) string {
	switch v := e.(type) {
	case *User:
		if v.Name != "" {
			return v.Name
		}
		return v.UID
	case *Group:
		if v.Name != "" {
			return v.Name
		}
		return v.GUID
	}
	return ""
}

// actionSentence builds the English sentence the Cordova SDK shows.
func actionSentence(a *Action) string {
	by, on := nameOf(a.ActionBy), nameOf(a.ActionOn)
	switch a.Action {
	case ActionMemberJoined:
		return by + " joined"
	case ActionMemberInvited:
		return by + " invited " + on
	case ActionMemberLeft:
		return by + " left"
	case ActionMemberKicked:
		return by + " kicked " + on
	case ActionMemberBanned:
		return by + " banned " + on
	case ActionMemberUnbanned:
		return by + " unbanned " + on
	case ActionMemberAdded:
		return by + " added " + on
	case ActionMemberScopeChanged:
		return by + " made " + on + " " + string(a.NewScope)
	case ActionMessageEdited:
		return "Message Edited"
	case ActionMessageDeleted:
		return "Message Deleted"
	}
	return ""
}

// newMUID returns a client-side unique message id: the server deduplicates
// sends by (sender, muid), which makes retried sends safe.
func newMUID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "go-" + strconv.FormatInt(time.Now().UnixMilli(), 36) + "-" + hex.EncodeToString(b[:])
}

// textBody is the JSON body of a text message, in the JavaScript SDK's key
// order plus muid (decision 24).
type textBody struct {
	MUID         string          `json:"muid,omitempty"`
	Type         MessageType     `json:"type"`
	ReceiverType ReceiverType    `json:"receiverType"`
	Category     MessageCategory `json:"category"`
	Data         textData        `json:"data"`
	Text         string          `json:"text"`
	Receiver     string          `json:"receiver"`
	Tags         []string        `json:"tags,omitempty"`
}

// textBodyOf is the REST body of a text message.
func textBodyOf(m *TextMessage) textBody {
	return textBody{MUID: m.MUID, Type: MessageTypeText, ReceiverType: m.ReceiverType, Category: CategoryMessage,
		Data: textData{Text: m.Text, Metadata: m.Metadata}, Text: m.Text, Receiver: m.ReceiverID, Tags: m.Tags}
}

type textData struct {
	Text     string         `json:"text"`
	Metadata map[string]any `json:"metadata,omitempty"`
}

type customBody struct {
	MUID         string          `json:"muid,omitempty"`
	Type         MessageType     `json:"type"`
	ReceiverType ReceiverType    `json:"receiverType"`
	Category     MessageCategory `json:"category"`
	Data         customData      `json:"data"`
	Receiver     string          `json:"receiver"`
	SubType      string          `json:"subType,omitempty"`
	Tags         []string        `json:"tags,omitempty"`
}

type customData struct {
	CustomData map[string]any `json:"customData"`
	Metadata   map[string]any `json:"metadata,omitempty"`
	SubType    string         `json:"subType,omitempty"`
}

func messagePath(parent int64) string {
	if parent > 0 {
		return "messages/" + strconv.FormatInt(parent, 10) + "/thread"
	}
	return "messages"
}

// SendMessage sends a text message (Cordova: sendMessage) and returns the
// server's copy (ID, sentAt, sender and receiver filled in). A message with
// ParentMessageID goes to that thread.
func (c *Client) SendMessage(ctx context.Context, m *TextMessage) (*TextMessage, error) {
	if m == nil {
		return nil, errorf(CodeMissingParameters, "a message is required")
	}
	if err := checkReceiver(m.ReceiverID, m.ReceiverType); err != nil {
		return nil, err
	}
	if blank(m.Text) {
		return nil, errorf(CodeInvalidMessage, "the text of a text message must not be blank")
	}
	body := textBodyOf(m)
	body.MUID = ""
	m.assignMUID(fingerprint(m.ParentMessageID, body))
	body.MUID = m.MUID
	c.noteOwnMUID(m.MUID)
	out, err := c.postMessage(ctx, m.ParentMessageID, body)
	if err != nil {
		return nil, err
	}
	tm, ok := out.(*TextMessage)
	if !ok {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server answered a text message with another kind"}
	}
	return tm, nil
}

// SendCustomMessage sends a custom message (Cordova: sendCustomMessage).
func (c *Client) SendCustomMessage(ctx context.Context, m *CustomMessage) (*CustomMessage, error) {
	if m == nil {
		return nil, errorf(CodeMissingParameters, "a message is required")
	}
	if err := checkReceiver(m.ReceiverID, m.ReceiverType); err != nil {
		return nil, err
	}
	if len(m.CustomData) == 0 {
		return nil, errorf(CodeInvalidMessage, "custom data must be a non-empty object")
	}
	if m.Category == "" {
		m.Category = CategoryCustom
	}
	if m.Type == "" {
		return nil, errorf(CodeInvalidMessage, "a custom message needs a type")
	}
	body := customBody{Type: m.Type, ReceiverType: m.ReceiverType, Category: m.Category,
		Data: customData{CustomData: m.CustomData, Metadata: m.Metadata, SubType: m.SubType}, Receiver: m.ReceiverID,
		SubType: m.SubType, Tags: m.Tags}
	m.assignMUID(fingerprint(m.ParentMessageID, body))
	body.MUID = m.MUID
	c.noteOwnMUID(m.MUID)
	out, err := c.postMessage(ctx, m.ParentMessageID, body)
	if err != nil {
		return nil, err
	}
	cm, ok := out.(*CustomMessage)
	if !ok {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server answered a custom message with another kind"}
	}
	return cm, nil
}

func (c *Client) postMessage(ctx context.Context, parent int64, body any) (Message, error) {
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPost, Path: messagePath(parent), Body: body, Idempotent: true})
	if err != nil {
		return nil, err
	}
	msg, err := decodeMessage(resp.Data)
	if err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent a message that cannot be read", Err: err}
	}
	c.noteSeen(msg.Base().ID)
	return msg, nil
}

// MediaFile is a file to upload with a media message.
type MediaFile struct {
	// Name is the file name sent to the server (its extension matters).
	Name string
	// ContentType is the MIME type; empty means guessed from the name.
	ContentType string
	// Reader supplies the bytes.
	Reader io.Reader
	// Path, used when Reader is nil, names a file to open, upload and close.
	Path string
}
