package wire

import (
	"slices"
)

// The decoders of the protocol's shapes: messages with their data and
// entities, frames with their bodies, message lists. Each struct decoder
// matches a key first exactly (a switch), then as encoding/json does for a
// key that is no field's exact name (keyTable.fold); the key tables list the
// json names in field order, as TestKeyTablesMatchStructs checks.

// DecodeMessage decodes a message object into m (reset first): the message,
// its data and every entity of data.entities, in one pass. The result and
// the error cases are those of json.Unmarshal into a Message (see the
// package comment for what is lenient). null is an empty message.
func DecodeMessage(raw []byte, m *Message) error {
	*m = Message{}
	d := decoder{b: raw}
	return d.done(d.messageValue(m))
}

// messageValue decodes a value that should be a message, in the current
// scope: null leaves m as it is, anything but an object is a type error.
func (d *decoder) messageValue(m *Message) bool {
	switch d.peek() {
	case '{':
		return d.message(m)
	case 'n':
		return d.lit("null")
	}
	return d.mismatch()
}

var messageKeys = keys("id", "muid", "conversationId", "sender", "receiver", "receiverType", "category", "type",
	"data", "sentAt", "updatedAt", "deliveredAt", "readAt", "deliveredToMeAt", "readByMeAt", "myReceipt", "editedAt",
	"editedBy", "deletedAt", "deletedBy", "parentId", "replyCount", "tags", "status", "receipts")

// message decodes the message object at d.i.
func (d *decoder) message(m *Message) bool {
	if !d.enter() {
		return false
	}
	for first := true; ; first = false {
		key, done, ok := d.member(first)
		if !ok {
			return false
		}
		if done {
			return true
		}
		if !d.messageField(key, m) {
			return false
		}
	}
}

func (d *decoder) messageField(key []byte, m *Message) bool {
	switch string(key) {
	case "id":
		return d.int(&m.ID)
	case "muid":
		return d.str(&m.MUID)
	case "conversationId":
		return d.str(&m.ConversationID)
	case "sender":
		return d.party(&m.Sender)
	case "receiver":
		return d.party(&m.Receiver)
	case "receiverType":
		return d.str(&m.ReceiverType)
	case "category":
		return d.str(&m.Category)
	case "type":
		return d.str(&m.Type)
	case "data":
		hint := d.onHint
		d.onHint = classNone
		if m.Category == "call" {
			d.onHint = classCall
		}
		ok := d.messageData(&m.Data)
		d.onHint = hint
		return ok
	case "sentAt":
		return d.int(&m.SentAt)
	case "updatedAt":
		return d.int(&m.UpdatedAt)
	case "deliveredAt":
		return d.int(&m.DeliveredAt)
	case "readAt":
		return d.int(&m.ReadAt)
	case "deliveredToMeAt":
		return d.int(&m.DeliveredToMeAt)
	case "readByMeAt":
		return d.int(&m.ReadByMeAt)
	case "myReceipt":
		return structPtr(d, &m.MyReceipt, d.receipt)
	case "editedAt":
		return d.int(&m.EditedAt)
	case "editedBy":
		return d.str(&m.EditedBy)
	case "deletedAt":
		return d.int(&m.DeletedAt)
	case "deletedBy":
		return d.str(&m.DeletedBy)
	case "parentId":
		return d.int(&m.ParentID)
	case "replyCount":
		return d.int(&m.ReplyCount)
	case "tags":
		return d.strings(&m.Tags)
	case "status":
		return d.str(&m.Status)
	case "receipts":
		return structPtr(d, &m.Receipts, d.receipts)
	}
	if k := messageKeys.fold(key); k != nil {
		return d.messageField(k, m)
	}
	return d.skip()
}

// object walks the object at d.i (after the caller checked its '{'),
// calling field for each member; field consumes the member's value. (A
// closure that captures its destination, rather than a function taking it,
// keeps the destination on the caller's stack.)
func (d *decoder) object(field func(key []byte) bool) bool {
	if !d.enter() {
		return false
	}
	for first := true; ; first = false {
		key, done, ok := d.member(first)
		if !ok {
			return false
		}
		if done {
			return true
		}
		if !field(key) {
			return false
		}
	}
}

// structPtr decodes a *T field as encoding/json does: null sets nil, an
// object decodes into the existing value (a repeated key merges) or a new
// one, anything else is a type error.
func structPtr[T any](d *decoder, dst **T, decode func(*T) bool) bool {
	switch d.peek() {
	case 'n':
		if !d.lit("null") {
			return false
		}
		*dst = nil
		return true
	case '{':
		if *dst == nil {
			*dst = new(T)
		}
		return decode(*dst)
	}
	return d.mismatch()
}

// slice decodes a []T field as encoding/json does: null sets nil; an array
// decodes element i into the existing element i, within the capacity the
// slice already has (a repeated key merges), and an empty array is an empty
// slice; an element null leaves its element as it is; anything else is a
// type error.
func slice[T any](d *decoder, dst *[]T, decode func(*T) bool) bool {
	switch d.peek() {
	case 'n':
		if !d.lit("null") {
			return false
		}
		*dst = nil
		return true
	case '[':
	default:
		return d.mismatch()
	}
	if !d.enter() {
		return false
	}
	s := *dst
	i := 0
	for first := true; ; first = false {
		done, ok := d.elem(first)
		if !ok {
			return false
		}
		if done {
			break
		}
		if i >= cap(s) {
			s = slices.Grow(s, 1)
		}
		if i >= len(s) {
			s = s[:i+1]
		}
		switch d.peek() {
		case 'n':
			if !d.lit("null") {
				return false
			}
		case '{':
			if !decode(&s[i]) {
				return false
			}
		default:
			if !d.mismatch() {
				return false
			}
		}
		i++
	}
	if i < len(s) {
		s = s[:i]
	}
	if i == 0 {
		s = []T{}
	}
	*dst = s
	return true
}

var receiptKeys = keys("messageId", "recipient", "deliveredAt", "readAt")

func (d *decoder) receipt(r *Receipt) bool {
	return d.object(func(key []byte) bool { return d.receiptField(key, r) })
}

func (d *decoder) receiptField(key []byte, r *Receipt) bool {
	switch string(key) {
	case "messageId":
		return d.str(&r.MessageID)
	case "recipient":
		return d.raw((*[]byte)(&r.Recipient))
	case "deliveredAt":
		return d.int(&r.DeliveredAt)
	case "readAt":
		return d.int(&r.ReadAt)
	}
	if k := receiptKeys.fold(key); k != nil {
		return d.receiptField(k, r)
	}
	return d.skip()
}

var receiptsKeys = keys("data")

func (d *decoder) receipts(r *Receipts) bool {
	return d.object(func(key []byte) bool { return d.receiptsField(key, r) })
}

func (d *decoder) receiptsField(key []byte, r *Receipts) bool {
	if string(key) == "data" || receiptsKeys.fold(key) != nil {
		return slice(d, &r.Data, d.receipt)
	}
	return d.skip()
}

var dataKeys = keys("text", "metadata", "customData", "subType", "url", "attachments", "action", "extras", "entities")

// messageData decodes a MessageData field: its own lenient scope, replaced
// by the zero MessageData when it is not an object or holds a value of the
// wrong type.
func (d *decoder) messageData(dst *MessageData) bool {
	*dst = MessageData{}
	if d.peek() != '{' {
		return d.skip()
	}
	bad, at := d.scope()
	ok := d.object(func(key []byte) bool { return d.dataField(key, dst) })
	if !d.end(bad, at) {
		*dst = MessageData{}
	}
	return ok
}

func (d *decoder) dataField(key []byte, m *MessageData) bool {
	switch string(key) {
	case "text":
		return d.textPtr(&m.Text)
	case "metadata":
		return d.obj(&m.Metadata)
	case "customData":
		return d.obj(&m.CustomData)
	case "subType":
		return d.str(&m.SubType)
	case "url":
		return d.str(&m.URL)
	case "attachments":
		return slice(d, &m.Attachments, d.attachment)
	case "action":
		return d.str(&m.Action)
	case "extras":
		return structPtr(d, &m.Extras, d.extras)
	case "entities":
		if m.Action == "edited" || m.Action == "deleted" {
			d.onHint = classMessage
		}
		return structPtr(d, &m.Entities, d.entities)
	}
	if k := dataKeys.fold(key); k != nil {
		return d.dataField(k, m)
	}
	return d.skip()
}

var attachmentKeys = keys("name", "extension", "mimeType", "size", "url")

func (d *decoder) attachment(a *Attachment) bool {
	return d.object(func(key []byte) bool { return d.attachmentField(key, a) })
}

func (d *decoder) attachmentField(key []byte, a *Attachment) bool {
	switch string(key) {
	case "name":
		return d.str(&a.Name)
	case "extension":
		return d.str(&a.Extension)
	case "mimeType":
		return d.str(&a.MimeType)
	case "size":
		return d.int(&a.Size)
	case "url":
		return d.str(&a.URL)
	}
	if k := attachmentKeys.fold(key); k != nil {
		return d.attachmentField(k, a)
	}
	return d.skip()
}

var (
	extrasKeys = keys("scope")
	scopeKeys  = keys("old", "new")
)

func (d *decoder) extras(e *Extras) bool {
	return d.object(func(key []byte) bool { return d.extrasField(key, e) })
}

func (d *decoder) extrasField(key []byte, e *Extras) bool {
	if string(key) == "scope" || extrasKeys.fold(key) != nil {
		return structPtr(d, &e.Scope, d.scopeChange)
	}
	return d.skip()
}

func (d *decoder) scopeChange(s *ScopeChange) bool {
	return d.object(func(key []byte) bool { return d.scopeField(key, s) })
}

func (d *decoder) scopeField(key []byte, s *ScopeChange) bool {
	switch string(key) {
	case "old":
		return d.str(&s.Old)
	case "new":
		return d.str(&s.New)
	}
	if k := scopeKeys.fold(key); k != nil {
		return d.scopeField(k, s)
	}
	return d.skip()
}
