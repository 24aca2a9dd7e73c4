package cometchat

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gocometchat/cometchat/internal/rest"
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

// callState is the client's active call (decision 21: in memory only), with
// its own lock.
type callState struct {
	mu     sync.Mutex
	active *Call
	timer  *time.Timer
	// recent remembers the last status seen on the socket for recent
	// sessions: an answer can arrive before the REST reply that makes the
	// call active.
	recent []sessionStatus
}

type sessionStatus struct {
	id string
	st CallStatus
}

const rememberSessions = 64

func (s *callState) note(sessionID string, st CallStatus) {
	for i := range s.recent {
		if s.recent[i].id == sessionID {
			s.recent[i].st = st
			return
		}
	}
	if len(s.recent) >= rememberSessions {
		s.recent = s.recent[1:]
	}
	s.recent = append(s.recent, sessionStatus{sessionID, st})
}

func (s *callState) seen(sessionID string) CallStatus {
	for _, r := range s.recent {
		if r.id == sessionID {
			return r.st
		}
	}
	return ""
}

func terminal(st CallStatus) bool {
	switch st {
	case CallStatusRejected, CallStatusBusy, CallStatusCancelled, CallStatusUnanswered, CallStatusEnded:
		return true
	}
	return false
}

func (c *Client) stopCallTimerLocked() { c.calls.stopTimerLocked() }

func (s *callState) stopTimerLocked() {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
}

// reset forgets the active call and its timer (logout, close).
func (s *callState) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopTimerLocked()
	s.active, s.recent = nil, nil
}

// deliverCall routes a call message to the call listeners, as the Cordova SDK does.
func (c *Client) deliverCall(call *Call) {
	me := c.LoggedInUser()
	isInitiator := me != nil && call.CallInitiator != nil && call.CallInitiator.UID == me.UID
	if !c.trackIncomingCall(call, isInitiator) {
		return
	}
	var pick func(l CallListener) func(*Call)
	switch call.Status {
	case CallStatusInitiated:
		if isInitiator {
			return
		}
		pick = func(l CallListener) func(*Call) { return l.OnIncomingCallReceived }
	case CallStatusOngoing:
		if call.ReceiverType == ReceiverTypeGroup && !isInitiator {
			return
		}
		pick = func(l CallListener) func(*Call) { return l.OnOutgoingCallAccepted }
	case CallStatusRejected, CallStatusBusy:
		if call.ReceiverType == ReceiverTypeGroup && !isInitiator {
			return
		}
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

type callBody struct {
	Type         CallType        `json:"type"`
	ReceiverType ReceiverType    `json:"receiverType"`
	Category     MessageCategory `json:"category"`
	Status       CallStatus      `json:"status"`
	Receiver     string          `json:"receiver"`
	Metadata     map[string]any  `json:"metadata,omitempty"`
}

type callUpdate struct {
	Status   CallStatus `json:"status"`
	JoinedAt int64      `json:"joinedAt,omitempty"`
}

// ActiveCall returns the call this client initiated or accepted and that has
// not ended, or nil (Cordova: getActiveCall).
func (c *Client) ActiveCall() *Call {
	c.calls.mu.Lock()
	defer c.calls.mu.Unlock()
	if c.calls.active == nil {
		return nil
	}
	cp := *c.calls.active
	return &cp
}

// ClearActiveCall forgets the active call locally, without telling the
// server (for a call that ended elsewhere, e.g. after a crash).
func (c *Client) ClearActiveCall() { c.forgetCall("") }

// InitiateCall starts a call to a user or a group (Cordova: initiateCall).
// It rings until answered or until the call timeout (WithCallTimeout, 45 s by
// default), when the client marks it unanswered and reports it to its own
// CallListeners as OnOutgoingCallRejected.
func (c *Client) InitiateCall(ctx context.Context, call *Call) (*Call, error) {
	if call == nil {
		return nil, errorf(CodeMissingParameters, "a call is required")
	}
	if err := checkReceiver(call.ReceiverID, call.ReceiverType); err != nil {
		return nil, err
	}
	typ := call.CallType
	if typ == "" {
		typ = CallType(call.Type)
	}
	if typ != CallTypeAudio && typ != CallTypeVideo {
		return nil, errorf(CodeMissingParameters, "the call type must be audio or video, not %q", typ)
	}
	c.calls.mu.Lock()
	busy := c.calls.active != nil
	c.calls.mu.Unlock()
	if busy {
		return nil, errorf(CodeCallAlreadyInitiated, "a call is already active; end it first")
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPost, Path: "calls", Body: callBody{Type: typ,
		ReceiverType: call.ReceiverType, Category: CategoryCall, Status: CallStatusInitiated, Receiver: call.ReceiverID, Metadata: call.Metadata}})
	if err != nil {
		return nil, err
	}
	out, err := decodeCallData(resp.Data)
	if err != nil {
		return nil, err
	}
	c.noteSeen(out.ID)
	c.calls.mu.Lock()
	defer c.calls.mu.Unlock()
	switch st := c.calls.seen(out.SessionID); {
	case terminal(st):
		// Answered busy or rejected before the reply came back.
		return out, nil
	case c.calls.active != nil:
		return out, errorf(CodeCallAlreadyInitiated, "another call became active meanwhile")
	case st == CallStatusOngoing:
		// Accepted before the reply came back: no ringing timeout.
		active := *out
		active.Status = CallStatusOngoing
		c.calls.active = &active
		return out, nil
	}
	c.calls.active = out
	c.stopCallTimerLocked()
	sid := out.SessionID
	c.calls.timer = time.AfterFunc(c.o.callTimeout, func() { c.callTimedOut(sid) })
	return out, nil
}

// callTimedOut marks an unanswered outgoing call, as the Cordova SDK does
// after 45 s.
func (c *Client) callTimedOut(sessionID string) {
	c.calls.mu.Lock()
	a := c.calls.active
	if a == nil || a.SessionID != sessionID || a.Status != CallStatusInitiated || c.closed.Load() {
		c.calls.mu.Unlock()
		return
	}
	c.calls.active, c.calls.timer = nil, nil
	c.calls.mu.Unlock()
	ctx, cancel := context.WithTimeout(c.lifetime(), 30*time.Second)
	defer cancel()
	out, err := c.updateCall(ctx, sessionID, callUpdate{Status: CallStatusUnanswered})
	if err != nil {
		// Accepted meanwhile, or already over: the server refuses, and the
		// call is only forgotten locally (as in the Cordova SDK).
		c.log.Debug("cometchat: unanswered call not recorded", "session", sessionID, "err", err)
		return
	}
	ls := c.ls.call.snapshot()
	c.disp.push(func() {
		for _, l := range ls {
			if l.OnOutgoingCallRejected != nil {
				c.disp.guard(func() { l.OnOutgoingCallRejected(out) })
			}
		}
	})
}

// AcceptCall accepts an incoming call (Cordova: acceptCall); it becomes the
// active call.
func (c *Client) AcceptCall(ctx context.Context, sessionID string) (*Call, error) {
	if blank(sessionID) {
		return nil, errorf(CodeMissingParameters, "a session ID is required")
	}
	c.calls.mu.Lock()
	a := c.calls.active
	c.calls.mu.Unlock()
	if a != nil && a.SessionID != sessionID {
		return nil, errorf(CodeCallInProgress, "another call is active; end it first")
	}
	out, err := c.updateCall(ctx, sessionID, callUpdate{Status: CallStatusOngoing})
	if err != nil {
		return nil, err
	}
	c.calls.mu.Lock()
	if !terminal(c.calls.seen(sessionID)) {
		c.calls.active = out
	}
	c.calls.mu.Unlock()
	return out, nil
}

// RejectCall answers a call with rejected (callee declines), busy (callee is
// busy) or cancelled (caller withdraws); any other status ends the call
// (Cordova: rejectCall).
func (c *Client) RejectCall(ctx context.Context, sessionID string, status CallStatus) (*Call, error) {
	switch status {
	case CallStatusRejected, CallStatusBusy, CallStatusCancelled:
	default:
		return c.EndCall(ctx, sessionID)
	}
	if blank(sessionID) {
		return nil, errorf(CodeMissingParameters, "a session ID is required")
	}
	out, err := c.updateCall(ctx, sessionID, callUpdate{Status: status})
	c.forgetCall(sessionID)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EndCall ends an ongoing call (Cordova: endCall). The active call is cleared
// even when the server call fails.
func (c *Client) EndCall(ctx context.Context, sessionID string) (*Call, error) {
	if blank(sessionID) {
		return nil, errorf(CodeMissingParameters, "a session ID is required")
	}
	var joinedAt int64
	c.calls.mu.Lock()
	if a := c.calls.active; a != nil && a.SessionID == sessionID {
		joinedAt = a.JoinedAt
	}
	c.calls.mu.Unlock()
	out, err := c.updateCall(ctx, sessionID, callUpdate{Status: CallStatusEnded, JoinedAt: joinedAt})
	c.forgetCall(sessionID)
	return out, err
}

// forgetCall clears the active call if it is sessionID ("" for any).
func (c *Client) forgetCall(sessionID string) {
	c.calls.mu.Lock()
	defer c.calls.mu.Unlock()
	if a := c.calls.active; a != nil && (sessionID == "" || a.SessionID == sessionID) {
		c.calls.active = nil
		c.stopCallTimerLocked()
	}
}

func (c *Client) updateCall(ctx context.Context, sessionID string, u callUpdate) (*Call, error) {
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPut, Path: "calls/" + url.PathEscape(sessionID), Body: u})
	if err != nil {
		return nil, err
	}
	out, err := decodeCallData(resp.Data)
	if err != nil {
		return nil, err
	}
	c.noteSeen(out.ID)
	return out, nil
}

func decodeCallData(raw json.RawMessage) (*Call, error) {
	m, err := decodeMessage(raw)
	if err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent a call that cannot be read", Err: err}
	}
	call, ok := m.(*Call)
	if !ok {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server answered a call with another kind of message"}
	}
	return call, nil
}

// trackIncomingCall keeps the active call in step with what the other
// parties did, and answers busy when asked to ring while in a call. It
// reports whether the listeners should hear about this call message.
func (c *Client) trackIncomingCall(call *Call, isInitiator bool) bool {
	c.calls.mu.Lock()
	a := c.calls.active
	same := a != nil && a.SessionID == call.SessionID
	// One member's refusal does not end a group call.
	memberRefusal := call.ReceiverType == ReceiverTypeGroup && (call.Status == CallStatusRejected || call.Status == CallStatusBusy)
	if !memberRefusal {
		c.calls.note(call.SessionID, call.Status)
	}
	switch call.Status {
	case CallStatusInitiated:
		if !isInitiator && a != nil && !same && !c.o.noAutoBusy {
			c.calls.mu.Unlock()
			c.log.Debug("cometchat: busy: answering an incoming call while in another", "session", call.SessionID)
			select {
			case c.busySlots <- struct{}{}:
			default:
				// A flood of calls must not become a flood of goroutines:
				// this one is left to ring out unanswered.
				c.log.Warn("cometchat: too many busy answers in flight; leaving an incoming call unanswered", "session", call.SessionID)
				return false
			}
			c.bg.Add(1)
			go func() {
				defer c.bg.Done()
				defer func() { <-c.busySlots }()
				ctx, cancel := context.WithTimeout(c.lifetime(), 30*time.Second)
				defer cancel()
				if _, err := c.updateCall(ctx, call.SessionID, callUpdate{Status: CallStatusBusy}); err != nil {
					c.log.Debug("cometchat: busy answer failed", "err", err)
				}
			}()
			return false
		}
	case CallStatusOngoing:
		if same {
			a.Status = CallStatusOngoing
			if a.JoinedAt == 0 {
				a.JoinedAt = call.JoinedAt
			}
			c.stopCallTimerLocked()
		}
	case CallStatusRejected, CallStatusBusy, CallStatusCancelled, CallStatusUnanswered, CallStatusEnded:
		// In a group call one member's rejection concerns that member only.
		memberOnly := call.ReceiverType == ReceiverTypeGroup && (call.Status == CallStatusRejected || call.Status == CallStatusBusy)
		if same && !memberOnly {
			c.calls.active = nil
			c.stopCallTimerLocked()
		}
	}
	c.calls.mu.Unlock()
	return true
}
