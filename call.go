package cometchat

import (
	"encoding/json"
	"time"

	"github.com/gocometchat/cometchat/internal/wire"
)

// CallStatus is the state of a call session.
type CallStatus string

// Call statuses (Cordova: CometChat.CALL_STATUS).
const (
	CallStatusInitiated  CallStatus = "initiated"
	CallStatusOngoing    CallStatus = "ongoing"
	CallStatusUnanswered CallStatus = "unanswered"
	CallStatusRejected   CallStatus = "rejected"
	CallStatusBusy       CallStatus = "busy"
	CallStatusCancelled  CallStatus = "cancelled"
	CallStatusEnded      CallStatus = "ended"
)

// CallType is audio or video.
type CallType string

// Call types.
const (
	CallTypeAudio CallType = "audio"
	CallTypeVideo CallType = "video"
)

// Call is a call-signalling message (category call). Only signalling is in
// scope for this SDK: audio and video media (WebRTC) are not.
type Call struct {
	BaseMessage
	SessionID   string
	Status      CallStatus
	CallType    CallType
	InitiatedAt int64
	JoinedAt    int64
	EndedAt     int64
	// CallInitiator is the user who started the call.
	CallInitiator *User
	// CallReceiver is the *User or *Group called.
	CallReceiver Entity
	// Action is the status carried by this particular message.
	Action CallStatus
}

// NewCall returns a call to initiate (Cordova: new Call(receiverID, callType, receiverType)).
func NewCall(receiverID string, callType CallType, receiverType ReceiverType) *Call {
	return &Call{BaseMessage: BaseMessage{ReceiverID: receiverID, ReceiverType: receiverType,
		Category: CategoryCall, Type: MessageType(callType)}, CallType: callType}
}

func decodeCall(b BaseMessage, d *wire.MessageData, topStatus string) *Call {
	c := &Call{BaseMessage: b, CallType: CallType(b.Type), Action: CallStatus(d.Action), Status: CallStatus(d.Action)}
	if d.Entities != nil {
		if u, ok := entityOf(d.Entities.By).(*User); ok {
			c.Sender = u
		}
		if r := entityOf(d.Entities.For); r != nil {
			c.Receiver = r
			c.CallReceiver = r
		}
		if on := d.Entities.On; on != nil && len(on.Entity) > 0 && on.Entity[0] == '{' {
			var ce wire.CallEntity
			if json.Unmarshal(on.Entity, &ce) == nil {
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
				if len(ce.Data) > 0 && ce.Data[0] == '{' {
					var cd wire.MessageData
					if json.Unmarshal(ce.Data, &cd) == nil {
						if cd.Metadata != nil {
							c.Metadata = cd.Metadata.Map()
						}
						if cd.Entities != nil {
							if u, ok := entityOf(cd.Entities.Sender).(*User); ok {
								c.CallInitiator = u
							}
						}
					}
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

// callState is the client's active call (decision 21: in memory only).
type callState struct {
	active *Call
	timer  *time.Timer
}

func (c *Client) stopCallTimerLocked() {
	if c.calls.timer != nil {
		c.calls.timer.Stop()
		c.calls.timer = nil
	}
}

// deliverCall routes a call message as surface.md §4.3 point 25 says.
func (c *Client) deliverCall(call *Call) {
	me := c.LoggedInUser()
	isInitiator := me != nil && call.CallInitiator != nil && call.CallInitiator.UID == me.UID
	var pick func(l CallListener) func(*Call)
	switch call.Status {
	case CallStatusInitiated:
		if isInitiator {
			return
		}
		pick = func(l CallListener) func(*Call) { return l.OnIncomingCallReceived }
	case CallStatusOngoing:
		pick = func(l CallListener) func(*Call) { return l.OnOutgoingCallAccepted }
	case CallStatusRejected, CallStatusBusy:
		pick = func(l CallListener) func(*Call) { return l.OnOutgoingCallRejected }
	case CallStatusUnanswered:
		if isInitiator {
			pick = func(l CallListener) func(*Call) { return l.OnOutgoingCallRejected }
		} else {
			pick = func(l CallListener) func(*Call) { return l.OnIncomingCallCancelled }
		}
	case CallStatusCancelled:
		pick = func(l CallListener) func(*Call) { return l.OnIncomingCallCancelled }
	case CallStatusEnded:
		pick = func(l CallListener) func(*Call) { return l.OnCallEndedMessageReceived }
	default:
		return
	}
	for _, l := range c.ls.call.snapshot() {
		if f := pick(l); f != nil {
			c.disp.guard(func() { f(call) })
		}
	}
}
