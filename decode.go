package cometchat

import (
	"encoding/json"

	"github.com/gocometchat/cometchat/internal/wire"
)

// The one receive path: internal/wire decodes what the server sends, a
// message, a websocket frame with its body or a message list, in one pass
// (wire.DecodeMessage, wire.DecodeFrame, wire.DecodeMessageList), entities
// included; the functions here build the SDK's values from what it decoded.

// decodeMessage turns server JSON into a typed message. It never panics and
// falls back to *UnknownMessage when the category is not one it knows; it
// fails when the JSON is not a message at all (the callers then deliver
// unreadableMessage, or report the failure).
func decodeMessage(raw json.RawMessage) (Message, error) {
	var w wire.Message
	if err := wire.DecodeMessage(raw, &w); err != nil {
		return nil, err
	}
	return messageFromWire(raw, &w), nil
}

// decodeMessageList decodes a REST message list. An element that is not a
// readable message becomes an unreadableMessage, never a failure of the
// list.
func decodeMessageList(data json.RawMessage) ([]Message, error) {
	items, err := wire.DecodeMessageList(data)
	if err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent a message list that cannot be read", Err: err}
	}
	out := make([]Message, 0, len(items))
	for i := range items {
		it := &items[i]
		if it.Err != nil {
			out = append(out, unreadableMessage(it.Raw))
			continue
		}
		// Each message's Raw is its own copy, not a window on the page.
		out = append(out, messageFromWire(append(json.RawMessage(nil), it.Raw...), &it.Message))
	}
	return out, nil
}

// unreadableMessage is the *UnknownMessage delivered for a message that
// cannot be decoded (never dropped). It keeps its id when that much can be
// read, so that it is deduplicated and advances the resume position like any
// other message, whether it came live or through recovery.
func unreadableMessage(raw json.RawMessage) *UnknownMessage {
	m := &UnknownMessage{BaseMessage: BaseMessage{Raw: append(json.RawMessage(nil), raw...)}}
	if id, ok := wire.MessageID(raw); ok {
		m.ID = int64(id)
	}
	return m
}

// entities are a message's data.entities as SDK values.
type entities struct {
	present                     bool
	sender, receiver, by, on, f Entity
}

// messageFromWire builds the typed message; raw is its JSON (BaseMessage.Raw).
func messageFromWire(raw json.RawMessage, w *wire.Message) Message {
	d := &w.Data
	var ents entities
	if e := d.Entities; e != nil {
		ents = entities{present: true, sender: entityFromWire(&e.Sender), receiver: entityFromWire(&e.Receiver),
			by: entityFromWire(&e.By), f: entityFromWire(&e.For)}
		if MessageCategory(w.Category) != CategoryCall {
			// A call's "on" is its call entity (callFromWire).
			ents.on = entityFromWire(&e.On)
		}
	}
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
	b.ReceiverID = string(w.Receiver)
	senderID := string(w.Sender)
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
		return actionFromWire(b, d, &ents)
	case CategoryCall:
		return callFromWire(b, d, &ents, string(w.Status))
	}
	return &UnknownMessage{BaseMessage: b}
}

// entityFromWire is a *User, *Group or Message for one of data.entities;
// nil when absent or unreadable. A kind other than user, group or message
// reads as a group, as it always has.
func entityFromWire(r *wire.EntityRef) Entity {
	if len(r.Entity) == 0 || r.Entity[0] != '{' {
		return nil
	}
	switch r.EntityType {
	case "user":
		if r.User == nil {
			return nil
		}
		return userFromWire(r.User)
	case "group":
		if r.Group == nil {
			return nil
		}
		return groupFromWire(r.Group)
	case "message":
		if r.Message == nil {
			return nil
		}
		return messageFromWire(append(json.RawMessage(nil), r.Entity...), r.Message)
	}
	var g wire.Group
	if wire.DecodeGroup(r.Entity, &g) != nil {
		return nil
	}
	return groupFromWire(&g)
}

func actionFromWire(b BaseMessage, d *wire.MessageData, ents *entities) *Action {
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

func callFromWire(b BaseMessage, d *wire.MessageData, ents *entities, topStatus string) *Call {
	c := &Call{BaseMessage: b, CallType: CallType(b.Type), Action: CallStatus(d.Action), Status: CallStatus(d.Action)}
	if d.Entities != nil {
		if u, ok := ents.by.(*User); ok {
			c.Sender = u
		}
		if r := ents.f; r != nil {
			c.Receiver = r
			c.CallReceiver = r
		}
		if ce := callEntityOf(&d.Entities.On); ce != nil {
			c.SessionID = string(ce.SessionID)
			if c.SessionID == "" {
				c.SessionID = string(ce.SessionIDAlt)
			}
			if ce.Status != "" {
				c.Status = CallStatus(ce.Status)
			}
			c.InitiatedAt = int64(ce.InitiatedAt)
			c.JoinedAt = int64(ce.JoinedAt)
			c.EndedAt = int64(ce.EndedAt)
			if c.EndedAt == 0 {
				c.EndedAt = int64(ce.LeftAt)
			}
			if ce.Data.Metadata != nil {
				c.Metadata = ce.Data.Metadata.Map()
			}
			if e := ce.Data.Entities; e != nil {
				if u, ok := entityFromWire(&e.Sender).(*User); ok {
					c.CallInitiator = u
				}
			}
		}
	}
	if topStatus != "" {
		c.Status = CallStatus(topStatus)
	}
	if c.CallInitiator == nil {
		c.CallInitiator = c.Sender
	}
	return c
}

// callEntityOf is the call entity of a call message: its "on" entity, read
// as a call entity whatever its entityType says, as it always has been.
func callEntityOf(on *wire.EntityRef) *wire.CallEntity {
	if len(on.Entity) == 0 || on.Entity[0] != '{' {
		return nil
	}
	if on.EntityType == "call" {
		return on.Call
	}
	var ce wire.CallEntity
	if wire.DecodeCallEntity(on.Entity, &ce) != nil {
		return nil
	}
	return &ce
}

// The signal frames: typing indicators, receipts, presence and transient
// messages, from a frame whose body decoded and whose sender is known.

func typingFromWire(f *wire.Frame, sender *User) *TypingIndicator {
	return &TypingIndicator{ReceiverID: string(f.Receiver), ReceiverType: normalizeReceiverType(string(f.ReceiverType)),
		Metadata: f.Signal.Metadata.Map(), Sender: sender}
}

// receiptFromWire is the receipt of a receipts frame; nil (and why) when it
// names no message or is neither a delivery nor a read.
func receiptFromWire(f *wire.Frame, sender *User) (r *MessageReceipt, noID bool) {
	body := &f.Signal
	r = &MessageReceipt{Sender: sender, ReceiverID: string(f.Receiver), ReceiverType: normalizeReceiverType(string(f.ReceiverType)),
		Timestamp: int64(body.Timestamp)}
	if body.MessageID <= 0 {
		return nil, true
	}
	r.MessageID = int64(body.MessageID)
	switch body.Action {
	case "delivered":
		r.ReceiptType, r.DeliveredAt = ReceiptTypeDelivery, r.Timestamp
	case "read":
		r.ReceiptType, r.ReadAt = ReceiptTypeRead, r.Timestamp
	default:
		return nil, false
	}
	return r, false
}

// presenceFromWire sets u's presence from a presence frame; ok is false for
// an action it does not know.
func presenceFromWire(f *wire.Frame, u *User) (online, ok bool) {
	switch f.Signal.Action {
	case "online", "available":
		online = true
		u.Status = UserStatusOnline
	case "offline":
		u.Status = UserStatusOffline
	default:
		return false, false
	}
	u.LastActiveAt = int64(f.Signal.Timestamp)
	return online, true
}

func transientFromWire(f *wire.Frame, sender *User) *TransientMessage {
	t := &TransientMessage{ReceiverID: string(f.Receiver), ReceiverType: normalizeReceiverType(string(f.ReceiverType)),
		Data: f.Signal.Data.Map(), Sender: sender}
	if t.Data == nil {
		t.Data = map[string]any{}
	}
	return t
}
