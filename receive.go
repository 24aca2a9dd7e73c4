package cometchat

import (
	"context"

	"github.com/gocometchat/cometchat/internal/wire"
)

// handleFrame runs on the socket reader: it queues the frame, as read, for
// the dispatcher, which decodes it there (runFrame). Decoding one frame and
// reading the next thus proceed in parallel, on two cores when there are two;
// order is kept because the dispatcher is one ordered queue, and a full queue
// holds the reader back as before (back-pressure).
//
// handleFrame keeps raw: a received message's Raw is a slice of it, so the
// caller must not modify raw afterwards (the socket reader hands over a
// fresh buffer per frame).
func (c *Client) handleFrame(ctx context.Context, raw []byte) {
	_ = c.disp.pushWait(ctx, len(raw), func() { c.runFrame(raw) })
}

// runFrame decodes one server frame on the dispatcher and runs what it means
// for the listeners. Nothing the server sends can make it panic; frames it
// cannot read are logged, and messages it cannot read are still delivered as
// *UnknownMessage.
func (c *Client) runFrame(raw []byte) {
	var f wire.Frame
	if err := wire.DecodeFrame(raw, &f); err != nil {
		c.log.Warn("cometchat: ignoring a frame that is not a JSON object", "bytes", len(raw), "err", err)
		return
	}
	if f.DeviceID != "" && string(f.DeviceID) == c.sessionID && f.Type != "auth" {
		return // our own action echoed back: the Cordova SDK drops these too
	}
	switch f.Type {
	case "message":
		if m := c.messageFromFrame(&f); m != nil {
			c.deliverOnce(m)
		}
	case "typing_indicator", "receipts", "presence", "transient_message":
		if f.BodyErr != nil {
			c.log.Warn("cometchat: ignoring a frame with an unreadable body", "type", string(f.Type))
			return
		}
		sender := userFromWire(f.Signal.User.User)
		if sender == nil {
			c.log.Warn("cometchat: ignoring a frame without a user", "type", string(f.Type))
			return
		}
		switch f.Type {
		case "typing_indicator":
			c.fireTyping(&f, sender)
		case "receipts":
			c.fireReceipt(&f, sender)
		case "presence":
			c.firePresence(&f, sender)
		case "transient_message":
			c.fireTransient(&f, sender)
		}
	case "auth":
	default:
		c.log.Debug("cometchat: ignoring a frame of unknown type", "type", string(f.Type))
	}
}

// messageFromFrame is the message of a "message" frame; nil when there is no
// message object at all.
func (c *Client) messageFromFrame(f *wire.Frame) Message {
	if len(f.Body) == 0 || f.Body[0] != '{' {
		c.log.Warn("cometchat: ignoring a message frame without a message object")
		return nil
	}
	if f.BodyErr != nil {
		c.log.Warn("cometchat: delivering an unreadable message as UnknownMessage", "err", f.BodyErr)
		return unreadableMessage(f.Body)
	}
	return messageFromWire(f.Body, &f.Message)
}

// deliverOnce delivers msg unless its id was seen (on the dispatcher).
func (c *Client) deliverOnce(msg Message) {
	if id := msg.Base().ID; id > 0 && !c.markSeen(id) {
		return
	}
	c.deliver(msg)
}

// queueMessage dedupes by id and queues delivery; missed-message recovery
// comes through here.
func (c *Client) queueMessage(ctx context.Context, msg Message) {
	id := msg.Base().ID
	if id > 0 && !c.markSeen(id) {
		return
	}
	_ = c.disp.pushWait(ctx, len(msg.Base().Raw), func() { c.deliver(msg) })
}

// fireTyping calls the typing callbacks of a typing_indicator frame.
func (c *Client) fireTyping(f *wire.Frame, sender *User) {
	var started bool
	switch f.Signal.Action {
	case "started":
		started = true
	case "ended":
	default:
		return
	}
	t := typingFromWire(f, sender)
	for _, l := range c.ls.message.snapshot() {
		cb := l.OnTypingEnded
		if started {
			cb = l.OnTypingStarted
		}
		if cb != nil {
			c.disp.guard(func() { cb(t) })
		}
	}
}

// fireReceipt calls the receipt callbacks of a receipts frame.
func (c *Client) fireReceipt(f *wire.Frame, sender *User) {
	r, noID := receiptFromWire(f, sender)
	if noID {
		c.log.Warn("cometchat: ignoring a receipt without a message id")
	}
	if r == nil {
		return
	}
	for _, l := range c.ls.message.snapshot() {
		cb := l.OnMessagesDelivered
		if r.ReceiptType == ReceiptTypeRead {
			cb = l.OnMessagesRead
		}
		if cb != nil {
			c.disp.guard(func() { cb(r) })
		}
	}
}

// firePresence calls the user callbacks of a presence frame.
func (c *Client) firePresence(f *wire.Frame, u *User) {
	online, ok := presenceFromWire(f, u)
	if !ok {
		return
	}
	for _, l := range c.ls.user.snapshot() {
		cb := l.OnUserOffline
		if online {
			cb = l.OnUserOnline
		}
		if cb != nil {
			c.disp.guard(func() { cb(u.clone()) })
		}
	}
}

// fireTransient calls the callbacks of a transient_message frame.
func (c *Client) fireTransient(f *wire.Frame, sender *User) {
	t := transientFromWire(f, sender)
	for _, l := range c.ls.message.snapshot() {
		if l.OnTransientMessageReceived != nil {
			c.disp.guard(func() { l.OnTransientMessageReceived(t) })
		}
	}
}

// deliver routes a message to the listeners (on the dispatcher) and then
// advances the resume position.
func (c *Client) deliver(msg Message) {
	// The position includes a message from the moment its listeners are
	// called, so that a listener (or whoever its callback signals) that
	// saves LastDeliveredMessageID saves this message as delivered.
	if id := msg.Base().ID; id > 0 {
		c.resume.delivered(id)
	}
	switch m := msg.(type) {
	case *TextMessage:
		for _, l := range c.ls.message.snapshot() {
			if l.OnTextMessageReceived != nil {
				c.disp.guard(func() { l.OnTextMessageReceived(m) })
			}
		}
	case *MediaMessage:
		for _, l := range c.ls.message.snapshot() {
			if l.OnMediaMessageReceived != nil {
				c.disp.guard(func() { l.OnMediaMessageReceived(m) })
			}
		}
	case *CustomMessage:
		for _, l := range c.ls.message.snapshot() {
			if l.OnCustomMessageReceived != nil {
				c.disp.guard(func() { l.OnCustomMessageReceived(m) })
			}
		}
	case *Action:
		c.deliverAction(m)
	case *Call:
		c.deliverCall(m)
	case *UnknownMessage:
		for _, l := range c.ls.message.snapshot() {
			if l.OnUnknownMessageReceived != nil {
				c.disp.guard(func() { l.OnUnknownMessageReceived(m) })
			}
		}
	}
}

func (c *Client) deliverAction(a *Action) {
	switch a.Action {
	case ActionMessageEdited, ActionMessageDeleted:
		on, _ := a.ActionOn.(Message)
		if on == nil {
			return
		}
		for _, l := range c.ls.message.snapshot() {
			f := l.OnMessageEdited
			if a.Action == ActionMessageDeleted {
				f = l.OnMessageDeleted
			}
			if f != nil {
				c.disp.guard(func() { f(on) })
			}
		}
		return
	}
	by, _ := a.ActionBy.(*User)
	on, _ := a.ActionOn.(*User)
	grp, _ := a.ActionFor.(*Group)
	for _, l := range c.ls.group.snapshot() {
		var f func()
		switch a.Action {
		case ActionMemberJoined, ActionMemberInvited:
			if l.OnGroupMemberJoined != nil {
				f = func() { l.OnGroupMemberJoined(a, by, grp) }
			}
		case ActionMemberLeft:
			if l.OnGroupMemberLeft != nil {
				f = func() { l.OnGroupMemberLeft(a, by, grp) }
			}
		case ActionMemberKicked:
			if l.OnGroupMemberKicked != nil {
				f = func() { l.OnGroupMemberKicked(a, on, by, grp) }
			}
		case ActionMemberBanned:
			if l.OnGroupMemberBanned != nil {
				f = func() { l.OnGroupMemberBanned(a, on, by, grp) }
			}
		case ActionMemberUnbanned:
			if l.OnGroupMemberUnbanned != nil {
				f = func() { l.OnGroupMemberUnbanned(a, on, by, grp) }
			}
		case ActionMemberScopeChanged:
			if l.OnGroupMemberScopeChanged != nil {
				f = func() { l.OnGroupMemberScopeChanged(a, on, a.NewScope, a.OldScope, grp) }
			}
		case ActionMemberAdded:
			if l.OnMemberAddedToGroup != nil {
				f = func() { l.OnMemberAddedToGroup(a, on, by, grp) }
			}
		}
		if f != nil {
			c.disp.guard(f)
		}
	}
}

// markSeen records id and reports whether it was new.
func (c *Client) markSeen(id int64) bool { return c.resume.markSeen(id) }

// noteSeen records the id of a message this session sent, so that it is not
// delivered back by missed-message recovery.
func (c *Client) noteSeen(id int64) {
	if id > 0 {
		c.markSeen(id)
	}
}
