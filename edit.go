package cometchat

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/gocometchat/cometchat/internal/rest"
	"github.com/gocometchat/cometchat/internal/wire"
)

type editBody struct {
	ID           string          `json:"id"`
	Type         MessageType     `json:"type"`
	ReceiverType ReceiverType    `json:"receiverType"`
	Category     MessageCategory `json:"category"`
	Data         editData        `json:"data"`
	Text         string          `json:"text,omitempty"`
	Receiver     string          `json:"receiver"`
	Tags         []string        `json:"tags,omitempty"`
}

type editData struct {
	Text       string         `json:"text,omitempty"`
	Metadata   map[string]any `json:"metadata,omitempty"`
	CustomData map[string]any `json:"customData,omitempty"`
}

// EditMessage replaces the text (or custom data), metadata and tags of a sent
// message (Cordova: editMessage) and returns the edited message, with
// EditedAt and EditedBy set. Only the sender may edit.
func (c *Client) EditMessage(ctx context.Context, m Message) (Message, error) {
	if m == nil {
		return nil, errorf(CodeMissingParameters, "a message is required")
	}
	b := m.Base()
	if b.ID <= 0 {
		return nil, errorf(CodeMissingParameters, "the message to edit needs its ID")
	}
	body := editBody{ID: strconv.FormatInt(b.ID, 10), Type: b.Type, ReceiverType: b.ReceiverType, Category: b.Category,
		Receiver: b.ReceiverID, Tags: b.Tags, Data: editData{Metadata: b.Metadata}}
	switch v := m.(type) {
	case *TextMessage:
		if blank(v.Text) {
			return nil, errorf(CodeInvalidMessage, "the text of a text message must not be blank")
		}
		body.Data.Text, body.Text = v.Text, v.Text
	case *CustomMessage:
		body.Data.CustomData = v.CustomData
	case *MediaMessage:
		body.Data.Text = v.Caption
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPut, Path: "messages/" + body.ID, Body: body})
	if err != nil {
		return nil, err
	}
	return actionTarget(resp.Data)
}

// DeleteMessage deletes a message (Cordova: deleteMessage) and returns it with
// DeletedAt and DeletedBy set. The sender, or a group's admins and moderators,
// may delete.
func (c *Client) DeleteMessage(ctx context.Context, id int64) (Message, error) {
	if id <= 0 {
		return nil, errorf(CodeMissingParameters, "a message ID is required")
	}
	sid := strconv.FormatInt(id, 10)
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodDelete, Path: "messages/" + sid, Body: map[string]string{"id": sid}})
	if err != nil {
		return nil, err
	}
	return actionTarget(resp.Data)
}

// actionTarget returns the message an edit/delete action acted on.
func actionTarget(raw json.RawMessage) (Message, error) {
	msg, err := decodeMessage(raw)
	if err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent an action that cannot be read", Err: err}
	}
	if a, ok := msg.(*Action); ok {
		if on, ok := a.ActionOn.(Message); ok {
			return on, nil
		}
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server's action names no message"}
	}
	return msg, nil
}

// GetMessageDetails fetches one message as its concrete type (Cordova:
// getMessageDetails).
func (c *Client) GetMessageDetails(ctx context.Context, id int64) (Message, error) {
	if id <= 0 {
		return nil, errorf(CodeMissingParameters, "a message ID is required")
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodGet, Path: "messages/" + strconv.FormatInt(id, 10)})
	if err != nil {
		return nil, err
	}
	msg, err := decodeMessage(resp.Data)
	if err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent a message that cannot be read", Err: err}
	}
	return msg, nil
}

// GetMessageReceipts returns the per-recipient delivery and read receipts of
// a message (Cordova: getMessageReceipts): one receipt per recipient and kind.
func (c *Client) GetMessageReceipts(ctx context.Context, id int64) ([]*MessageReceipt, error) {
	if id <= 0 {
		return nil, errorf(CodeMissingParameters, "a message ID is required")
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodGet, Path: "messages/" + strconv.FormatInt(id, 10)})
	if err != nil {
		return nil, err
	}
	var w wire.Message
	if err := wire.DecodeMessage(resp.Data, &w); err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent a message that cannot be read", Err: err}
	}
	out := []*MessageReceipt{}
	if w.Receipts == nil {
		return out, nil
	}
	for _, r := range w.Receipts.Data {
		who, _ := decodeUser(r.Recipient)
		if who == nil {
			who = c.LoggedInUser()
		}
		base := MessageReceipt{MessageID: int64(w.ID), Sender: who, ReceiverID: string(w.Receiver), ReceiverType: ReceiverType(w.ReceiverType)}
		if r.DeliveredAt > 0 {
			d := base
			d.ReceiptType, d.DeliveredAt, d.Timestamp = ReceiptTypeDelivery, int64(r.DeliveredAt), int64(r.DeliveredAt)
			out = append(out, &d)
		}
		if r.ReadAt > 0 {
			rd := base
			rd.ReceiptType, rd.ReadAt, rd.DeliveredAt, rd.Timestamp = ReceiptTypeRead, int64(r.ReadAt), int64(r.DeliveredAt), int64(r.ReadAt)
			out = append(out, &rd)
		}
	}
	return out, nil
}
