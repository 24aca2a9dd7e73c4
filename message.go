package cometchat

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gocometchat/cometchat/internal/rest"
	"github.com/gocometchat/cometchat/internal/wire"
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

// decodeMessage turns server JSON into a typed message. It never panics and
// falls back to *UnknownMessage when the shape is unexpected.
//
// Most messages decode in one pass (decodeMessageFast); anything that pass
// does not cover, or any value it cannot read, goes through the original
// layer-by-layer decode (decodeMessageSlow), which is lenient per layer. Both
// give the same result wherever the fast pass succeeds (TestDecodeFastMatchesSlow).
func decodeMessage(raw json.RawMessage) (Message, error) {
	if m, ok := decodeMessageFast(raw); ok {
		return m, nil
	}
	return decodeMessageSlow(raw)
}

// entities are a message's decoded data.entities (nil when absent).
type entities struct {
	present                     bool
	sender, receiver, by, on, f Entity
}

func decodeMessageSlow(raw json.RawMessage) (Message, error) {
	var w wire.Message
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	var d wire.MessageData
	if len(w.Data) > 0 && w.Data[0] == '{' {
		if err := json.Unmarshal(w.Data, &d); err != nil {
			d = wire.MessageData{}
		}
	}
	var ents entities
	if d.Entities != nil {
		ents = entities{present: true, sender: entityOf(d.Entities.Sender), receiver: entityOf(d.Entities.Receiver),
			by: entityOf(d.Entities.By), f: entityOf(d.Entities.For)}
		if MessageCategory(w.Category) != CategoryCall {
			// A call's "on" is the call entity, which decodeCall reads
			// from its raw JSON: as a group it would be decoded for nothing.
			ents.on = entityOf(d.Entities.On)
		}
	}
	return buildMessage(raw, &w, &d, &ents), nil
}

// fastMessage is wire.Message with its data decoded in the same pass
// (the outer Data field hides wire.Message.Data).
type fastMessage struct {
	wire.Message
	Data *fastData `json:"data"`
}

type fastData struct {
	wire.MessageData
	Entities *fastEntities `json:"entities"`
}

type fastEntities struct {
	Sender   *fastRef `json:"sender"`
	Receiver *fastRef `json:"receiver"`
	By       *fastRef `json:"by"`
	On       *fastRef `json:"on"`
	For      *fastRef `json:"for"`
}

type fastRef struct {
	EntityType wire.Str    `json:"entityType"`
	Entity     *fastEntity `json:"entity"`
}

// fastEntity holds the fields of a user entity and of a group entity.
type fastEntity struct {
	wire.User
	Type               wire.Str  `json:"type"`
	Icon               wire.Str  `json:"icon"`
	Description        wire.Str  `json:"description"`
	Owner              wire.Str  `json:"owner"`
	HasJoined          wire.Bool `json:"hasJoined"`
	MembersCount       wire.Int  `json:"membersCount"`
	UpdatedBy          wire.Str  `json:"updatedBy"`
	OnlineMembersCount wire.Int  `json:"onlineMembersCount"`
}

func (e *fastEntity) group() *Group {
	u := &e.User
	return groupFromWire(&wire.Group{GUID: u.GUID, Name: u.Name, Type: e.Type, Icon: e.Icon, Description: e.Description,
		Owner: e.Owner, Metadata: u.Metadata, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, HasJoined: e.HasJoined,
		JoinedAt: u.JoinedAt, MembersCount: e.MembersCount, Scope: u.Scope, Tags: u.Tags,
		ConversationID: u.ConversationID, UpdatedBy: e.UpdatedBy, OnlineMembersCount: e.OnlineMembersCount})
}

// entity resolves a reference as entityOf does; ok is false for kinds the
// fast pass leaves to the slow one (messages, calls, unknown kinds).
func (r *fastRef) entity() (Entity, bool) {
	if r == nil || r.Entity == nil {
		return nil, true
	}
	switch r.EntityType {
	case "user":
		return userFromWire(&r.Entity.User), true
	case "group":
		return r.Entity.group(), true
	}
	return nil, false
}

var callCategory = []byte(`"category":"call"`)

// decodeMessageFast decodes the message, its data and its user and group
// entities in one pass (scanMessage; json.Unmarshal into the same struct
// where scanMessage gives up). ok is false when it cannot: the caller then
// uses decodeMessageSlow.
func decodeMessageFast(raw json.RawMessage) (Message, bool) {
	if bytes.Contains(raw, callCategory) {
		return nil, false // a call (buildFast would refuse it): skip the scan
	}
	var w fastMessage
	if !scanMessage(raw, &w) {
		// A separate value, so that w itself does not escape to the heap.
		p := new(fastMessage)
		if json.Unmarshal(raw, p) != nil {
			return nil, false
		}
		w = *p
	}
	return buildFast(raw, &w)
}

// decodeScanned is decodeMessage for a message the frame scanner already
// decoded into w (scanFrame). When buildFast cannot use w, a fast decode of
// raw could not either (it would produce the same w), so the slow decode
// follows directly.
func decodeScanned(raw json.RawMessage, w *fastMessage) (Message, error) {
	if m, ok := buildFast(raw, w); ok {
		return m, nil
	}
	return decodeMessageSlow(raw)
}

// buildFast makes the message from its one-pass decode; ok is false when
// the slow decode must be used, as for calls (their entities need their raw
// JSON).
func buildFast(raw json.RawMessage, w *fastMessage) (Message, bool) {
	if MessageCategory(w.Category) == CategoryCall {
		return nil, false
	}
	var d wire.MessageData
	var ents entities
	if w.Data != nil {
		d = w.Data.MessageData
		if e := w.Data.Entities; e != nil {
			ents.present = true
			var ok [5]bool
			ents.sender, ok[0] = e.Sender.entity()
			ents.receiver, ok[1] = e.Receiver.entity()
			ents.by, ok[2] = e.By.entity()
			ents.on, ok[3] = e.On.entity()
			ents.f, ok[4] = e.For.entity()
			if ok != [5]bool{true, true, true, true, true} {
				return nil, false
			}
		}
	}
	return buildMessage(raw, &w.Message, &d, &ents), true
}

// buildMessage makes the typed message from its decoded layers.
func buildMessage(raw json.RawMessage, w *wire.Message, d *wire.MessageData, ents *entities) Message {
	b := BaseMessage{
		ID: int64(w.ID), MUID: string(w.MUID), ConversationID: string(w.ConversationID), ParentMessageID: int64(w.ParentID),
		ReceiverType: ReceiverType(w.ReceiverType), Category: MessageCategory(w.Category), Type: MessageType(w.Type),
		SentAt: int64(w.SentAt), UpdatedAt: int64(w.UpdatedAt), DeliveredAt: int64(w.DeliveredAt), ReadAt: int64(w.ReadAt),
		DeliveredToMeAt: int64(w.DeliveredToMeAt), ReadByMeAt: int64(w.ReadByMeAt), EditedAt: int64(w.EditedAt),
		EditedBy: string(w.EditedBy), DeletedAt: int64(w.DeletedAt), DeletedBy: string(w.DeletedBy),
		ReplyCount: int(w.ReplyCount), Metadata: d.Metadata.Map(), Tags: []string(w.Tags), Raw: raw,
	}
	if w.MyReceipt != nil && len(w.MyReceipt.Recipient) == 0 {
		if b.DeliveredToMeAt == 0 {
			b.DeliveredToMeAt = int64(w.MyReceipt.DeliveredAt)
		}
		if b.ReadByMeAt == 0 {
			b.ReadByMeAt = int64(w.MyReceipt.ReadAt)
		}
	}
	b.ReceiverID = rawString(w.Receiver)
	senderID := rawString(w.Sender)
	if ents.present {
		if u, ok := ents.sender.(*User); ok {
			b.Sender = u
		}
		b.Receiver = ents.receiver
	}
	if b.Sender == nil && senderID != "" {
		b.Sender = &User{UID: senderID, Status: UserStatusOffline}
	}
	if b.ReceiverID == "" {
		switch r := b.Receiver.(type) {
		case *User:
			b.ReceiverID = r.UID
		case *Group:
			b.ReceiverID = r.GUID
		}
	}
	switch b.Category {
	case CategoryMessage:
		switch b.Type {
		case MessageTypeText:
			m := &TextMessage{BaseMessage: b}
			if d.Text != nil {
				m.Text = *d.Text
			}
			return m
		case MessageTypeCustom:
			return &CustomMessage{BaseMessage: b, CustomData: d.CustomData.Map(), SubType: string(d.SubType)}
		default:
			m := &MediaMessage{BaseMessage: b, URL: string(d.URL)}
			if d.Text != nil {
				m.Caption = *d.Text
			}
			for _, a := range d.Attachments {
				m.Attachments = append(m.Attachments, Attachment{Name: string(a.Name), Extension: string(a.Extension),
					MimeType: string(a.MimeType), Size: int64(a.Size), URL: string(a.URL)})
			}
			return m
		}
	case CategoryCustom:
		return &CustomMessage{BaseMessage: b, CustomData: d.CustomData.Map(), SubType: string(d.SubType)}
	case CategoryAction:
		return decodeAction(b, d, ents)
	case CategoryCall:
		return decodeCall(b, d, ents, string(w.Status))
	}
	return &UnknownMessage{BaseMessage: b}
}

func rawString(raw json.RawMessage) string {
	var s wire.Str
	// raw is part of a document json.Unmarshal has validated: decoding it
	// directly gives the same result without validating it again.
	if len(raw) == 0 || raw[0] == '{' || s.UnmarshalJSON(raw) != nil {
		if len(raw) > 0 && raw[0] == '{' {
			var u wire.User
			if json.Unmarshal(raw, &u) == nil && u.UID != "" {
				return string(u.UID)
			}
			var g wire.Group
			if json.Unmarshal(raw, &g) == nil {
				return string(g.GUID)
			}
		}
		return ""
	}
	return string(s)
}

// entityOf decodes {entityType, entity}: user, group, or message.
func entityOf(ref *wire.EntityRef) Entity {
	if ref == nil || len(ref.Entity) == 0 || ref.Entity[0] != '{' {
		return nil
	}
	switch ref.EntityType {
	case "user":
		u, err := decodeUser(ref.Entity)
		if err != nil || u == nil {
			return nil
		}
		return u
	case "message":
		m, err := decodeMessage(ref.Entity)
		if err != nil {
			return nil
		}
		return m
	default:
		g, err := decodeGroup(ref.Entity)
		if err != nil {
			return nil
		}
		return g
	}
}

func decodeAction(b BaseMessage, d *wire.MessageData, ents *entities) *Action {
	a := &Action{BaseMessage: b, Action: ActionType(d.Action)}
	if ents.present {
		a.ActionBy = ents.by
		a.ActionOn = ents.on
		a.ActionFor = ents.f
	}
	if u, ok := a.ActionBy.(*User); ok {
		a.Sender = u
	}
	if a.ActionFor != nil {
		a.Receiver = a.ActionFor
	}
	if d.Extras != nil && d.Extras.Scope != nil {
		a.OldScope = GroupMemberScope(d.Extras.Scope.Old)
		a.NewScope = GroupMemberScope(d.Extras.Scope.New)
	}
	a.Message = actionSentence(a)
	return a
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
