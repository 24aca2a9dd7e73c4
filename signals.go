package cometchat

import (
	"context"
	"strconv"
	"sync"
)

type signalBody struct {
	Action    string         `json:"action,omitempty"`
	MessageID string         `json:"messageId,omitempty"`
	User      userBody       `json:"user"`
	Metadata  map[string]any `json:"metadata,omitempty"`
}

type transientBody struct {
	User userBody       `json:"user"`
	Data map[string]any `json:"data"`
}

func (c *Client) me() (*User, string, error) {
	u, server := c.sess.current()
	if u == nil {
		return nil, "", errorf(CodeNotLoggedIn, "log in first")
	}
	mode := ""
	if server != nil {
		mode = string(server.Mode)
	}
	return u, mode, nil
}

// StartTyping tells the receiver that the logged-in user is typing (Cordova:
// startTyping). A second StartTyping for the same receiver is not sent again
// until EndTyping. It fails with NO_WEBSOCKET_CONNECTION when the socket is
// not connected.
func (c *Client) StartTyping(ctx context.Context, t *TypingIndicator) error {
	return c.typingSignal(ctx, t, "started")
}

// EndTyping tells the receiver that the logged-in user stopped typing
// (Cordova: endTyping).
func (c *Client) EndTyping(ctx context.Context, t *TypingIndicator) error {
	return c.typingSignal(ctx, t, "ended")
}

// maxTypingReceivers bounds the receivers whose last typing indicator is
// remembered (to skip sending the same one twice).
const maxTypingReceivers = 1024

// typingMemory is the last typing indicator sent to each receiver, for the
// session (cleared at logout).
type typingMemory struct {
	mu   sync.Mutex
	sent map[string]string
}

func (t *typingMemory) last(receiver string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sent[receiver]
}

func (t *typingMemory) record(receiver, action string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.sent == nil || len(t.sent) >= maxTypingReceivers {
		// A bot that types to a million users over weeks must not keep a
		// million entries; forgetting only means that the next identical
		// indicator is sent again.
		t.sent = map[string]string{}
	}
	t.sent[receiver] = action
}

func (t *typingMemory) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.sent = nil
}

func (c *Client) typingSignal(ctx context.Context, t *TypingIndicator, action string) error {
	if t == nil {
		return errorf(CodeMissingParameters, "a typing indicator is required")
	}
	if err := checkReceiver(t.ReceiverID, t.ReceiverType); err != nil {
		return err
	}
	me, mode, err := c.me()
	if err != nil {
		return err
	}
	if mode == "NO_TRANSIENT" || mode == "LIMITED_TRANSIENT" {
		return errorf(CodeTransientBlocked, "typing indicators are disabled for this app (MODE %s)", mode)
	}
	if c.typing.last(t.ReceiverID) == action {
		return nil
	}
	err = c.sendFrame(ctx, c.typingFrame(me, t, action))
	if err == nil {
		c.typing.record(t.ReceiverID, action)
	}
	return err
}

// MarkAsDelivered tells the message's sender that it (and everything before
// it in the conversation) was delivered (Cordova: markAsDelivered).
func (c *Client) MarkAsDelivered(ctx context.Context, m Message) error {
	return c.receiptFor(ctx, m, "delivered")
}

// MarkAsRead tells the message's sender that it (and everything before it)
// was read (Cordova: markAsRead).
func (c *Client) MarkAsRead(ctx context.Context, m Message) error {
	return c.receiptFor(ctx, m, "read")
}

// MarkAsDeliveredByID is MarkAsDelivered with the message given by its ids
// (Cordova: markAsDelivered(messageId, receiverId, receiverType, senderId)).
func (c *Client) MarkAsDeliveredByID(ctx context.Context, messageID int64, receiverID string, receiverType ReceiverType, senderID string) error {
	return c.receipt(ctx, messageID, receiverID, receiverType, senderID, "delivered")
}

// MarkAsReadByID is MarkAsRead with the message given by its ids.
func (c *Client) MarkAsReadByID(ctx context.Context, messageID int64, receiverID string, receiverType ReceiverType, senderID string) error {
	return c.receipt(ctx, messageID, receiverID, receiverType, senderID, "read")
}

func (c *Client) receiptFor(ctx context.Context, m Message, action string) error {
	if m == nil {
		return errorf(CodeMissingParameters, "a message is required")
	}
	b := m.Base()
	if b.Sender == nil || b.Sender.UID == "" {
		return errorf(CodeMissingParameters, "the message has no sender")
	}
	receiver := b.ReceiverID
	if b.ReceiverType == ReceiverTypeUser {
		me, _, err := c.me()
		if err != nil {
			return err
		}
		if b.Sender.UID != me.UID {
			receiver = b.Sender.UID
		}
	}
	return c.receipt(ctx, b.ID, receiver, b.ReceiverType, b.Sender.UID, action)
}

func (c *Client) receipt(ctx context.Context, messageID int64, receiverID string, receiverType ReceiverType, senderID, action string) error {
	if messageID <= 0 {
		return errorf(CodeMissingParameters, "a message id is required")
	}
	if err := checkReceiver(receiverID, receiverType); err != nil {
		return err
	}
	if err := checkUID(senderID); err != nil {
		return err
	}
	me, mode, err := c.me()
	if err != nil {
		return err
	}
	if mode == "NO_TRANSIENT" || mode == "LIMITED_TRANSIENT" {
		return errorf(CodeReceiptsBlocked, "receipts are disabled for this app (MODE %s)", mode)
	}
	if c.ConnectionStatus() != StatusConnected {
		return errorf(CodeNoWebsocketConnection, "receipts need a connected socket")
	}
	return c.sendFrame(ctx, c.receiptFrame(me, messageID, receiverID, receiverType, senderID, action))
}

// typingFrame is the typing_indicator frame (encoded by sendFrame).
func (c *Client) typingFrame(me *User, t *TypingIndicator, action string) outFrame {
	return outFrame{AppID: c.appID, Receiver: t.ReceiverID, ReceiverType: string(t.ReceiverType),
		DeviceID: c.sessionID, Type: "typing_indicator", Sender: me.UID,
		Body: signalBody{Action: action, User: bodyOfUser(me, true), Metadata: t.Metadata}}
}

// receiptFrame is the receipts frame (encoded by sendFrame).
func (c *Client) receiptFrame(me *User, messageID int64, receiverID string, receiverType ReceiverType, senderID, action string) outFrame {
	return outFrame{AppID: c.appID, Receiver: receiverID, ReceiverType: string(receiverType),
		DeviceID: c.sessionID, Type: "receipts", Sender: me.UID, MessageSender: senderID,
		Body: signalBody{Action: action, MessageID: strconv.FormatInt(messageID, 10), User: bodyOfUser(me, true)}}
}

// SendTransientMessage sends a payload that is relayed but never stored
// (Cordova: sendTransientMessage).
func (c *Client) SendTransientMessage(ctx context.Context, m *TransientMessage) error {
	if m == nil {
		return errorf(CodeMissingParameters, "a transient message is required")
	}
	if err := checkReceiver(m.ReceiverID, m.ReceiverType); err != nil {
		return err
	}
	me, mode, err := c.me()
	if err != nil {
		return err
	}
	if mode == "NO_TRANSIENT" {
		return errorf(CodeTransientBlocked, "transient messages are disabled for this app (MODE %s)", mode)
	}
	data := m.Data
	if data == nil {
		data = map[string]any{}
	}
	return c.sendFrame(ctx, outFrame{AppID: c.appID, Receiver: m.ReceiverID, ReceiverType: string(m.ReceiverType),
		DeviceID: c.sessionID, Type: "transient_message", Sender: me.UID,
		Body: transientBody{User: bodyOfUser(me, true), Data: data}})
}

// TypingIndicator says that a user started or stopped typing (Cordova:
// TypingIndicator). On received indicators, ReceiverID is the conversation
// target (the logged-in user's own UID in one-to-one chats) and Sender is the
// typist.
type TypingIndicator struct {
	ReceiverID   string
	ReceiverType ReceiverType
	Metadata     map[string]any
	Sender       *User
}

// NewTypingIndicator returns an indicator to send.
func NewTypingIndicator(receiverID string, receiverType ReceiverType) *TypingIndicator {
	return &TypingIndicator{ReceiverID: receiverID, ReceiverType: receiverType}
}

// ReceiptType says whether a receipt is for delivery or reading.
type ReceiptType string

// Receipt types.
const (
	ReceiptTypeDelivery ReceiptType = "delivery"
	ReceiptTypeRead     ReceiptType = "read"
)

// MessageReceipt reports that a message was delivered to or read by Sender
// (Cordova: MessageReceipt). Timestamps are Unix seconds from the server.
type MessageReceipt struct {
	MessageID    int64
	Sender       *User
	ReceiverID   string
	ReceiverType ReceiverType
	ReceiptType  ReceiptType
	Timestamp    int64
	DeliveredAt  int64
	ReadAt       int64
}

// TransientMessage is a real-time payload that is never stored (Cordova:
// TransientMessage).
type TransientMessage struct {
	ReceiverID   string
	ReceiverType ReceiverType
	Data         map[string]any
	Sender       *User
}

// NewTransientMessage returns a transient message to send.
func NewTransientMessage(receiverID string, receiverType ReceiverType, data map[string]any) *TransientMessage {
	return &TransientMessage{ReceiverID: receiverID, ReceiverType: receiverType, Data: data}
}

func normalizeReceiverType(s string) ReceiverType {
	switch s {
	case "chat":
		return ReceiverTypeUser
	case "groupchat":
		return ReceiverTypeGroup
	}
	return ReceiverType(s)
}
