package cometchat

import (
	"sync"
	"sync/atomic"
)

// MessageListener receives messages, typing indicators, receipts and
// transient messages (Cordova: MessageListener). Every field is optional.
type MessageListener struct {
	OnTextMessageReceived      func(*TextMessage)
	OnMediaMessageReceived     func(*MediaMessage)
	OnCustomMessageReceived    func(*CustomMessage)
	OnTypingStarted            func(*TypingIndicator)
	OnTypingEnded              func(*TypingIndicator)
	OnMessagesDelivered        func(*MessageReceipt)
	OnMessagesRead             func(*MessageReceipt)
	OnMessageEdited            func(Message)
	OnMessageDeleted           func(Message)
	OnTransientMessageReceived func(*TransientMessage)
	// OnUnknownMessageReceived receives messages of a category this SDK does
	// not know (Go addition: the Cordova SDK drops them).
	OnUnknownMessageReceived func(*UnknownMessage)
}

// UserListener receives presence changes (Cordova: UserListener).
type UserListener struct {
	OnUserOnline  func(*User)
	OnUserOffline func(*User)
}

// GroupListener receives group member actions (Cordova: GroupListener).
type GroupListener struct {
	OnGroupMemberJoined       func(action *Action, joinedUser *User, joinedGroup *Group)
	OnGroupMemberLeft         func(action *Action, leftUser *User, leftGroup *Group)
	OnGroupMemberKicked       func(action *Action, kickedUser, kickedBy *User, kickedFrom *Group)
	OnGroupMemberBanned       func(action *Action, bannedUser, bannedBy *User, bannedFrom *Group)
	OnGroupMemberUnbanned     func(action *Action, unbannedUser, unbannedBy *User, unbannedFrom *Group)
	OnGroupMemberScopeChanged func(action *Action, changedUser *User, newScope, oldScope GroupMemberScope, group *Group)
	OnMemberAddedToGroup      func(action *Action, userAdded, addedBy *User, addedTo *Group)
}

// CallListener receives call signalling (Cordova: CallListener).
type CallListener struct {
	OnIncomingCallReceived     func(*Call)
	OnOutgoingCallAccepted     func(*Call)
	OnOutgoingCallRejected     func(*Call)
	OnIncomingCallCancelled    func(*Call)
	OnCallEndedMessageReceived func(*Call)
}

// ConnectionListener receives websocket state changes (Cordova:
// ConnectionListener). OnConnected means authenticated; each callback fires
// once per transition.
type ConnectionListener struct {
	OnConnected    func()
	InConnecting   func()
	OnDisconnected func()
	// OnFeatureThrottled is reserved: CometChat 3.0 never reports it.
	OnFeatureThrottled func()
	// OnSlowConsumer reports that listeners fall behind: the dispatch queue
	// is full and reading from the socket waits (once per episode; Go addition).
	OnSlowConsumer func(pending int)
	// OnResyncRequired reports that messages missed while disconnected could
	// not all be recovered (Go addition); fetch history to resync. err is an
	// *Error whose Code says why: CodeResyncGapTooLarge,
	// CodeResyncRecoveryFailed or CodeResyncServerBehind (the server was reset
	// or replaced: its newest id is below the resume position, which then
	// moves back to it).
	OnResyncRequired func(err error)
}

// LoginListener receives login and logout outcomes (Cordova: LoginListener).
type LoginListener struct {
	LoginSuccess  func(*User)
	LoginFailure  func(*Error)
	LogoutSuccess func()
	// LogoutFailure is reserved: logout always succeeds locally.
	LogoutFailure func(*Error)
}

type entry[T any] struct {
	id string
	l  T
}

// registry keeps listeners in registration order; re-adding an ID replaces
// the old entry and moves it to the end, as in the Cordova SDK.
//
// Every change publishes a new immutable copy of the listeners (snap), so
// that the receive path takes a snapshot without locking or allocating.
type registry[T any] struct {
	mu    sync.Mutex
	items []entry[T]
	snap  atomic.Pointer[[]T]
}

func (r *registry[T]) add(id string, l T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.removeLocked(id)
	r.items = append(r.items, entry[T]{id, l})
	r.publishLocked()
}

func (r *registry[T]) remove(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.removeLocked(id) {
		r.publishLocked()
	}
}

func (r *registry[T]) removeLocked(id string) bool {
	for i, e := range r.items {
		if e.id == id {
			r.items = append(r.items[:i:i], r.items[i+1:]...)
			return true
		}
	}
	return false
}

func (r *registry[T]) publishLocked() {
	out := make([]T, len(r.items))
	for i, e := range r.items {
		out[i] = e.l
	}
	r.snap.Store(&out)
}

// snapshot returns the listeners registered now. The slice is shared: it
// must not be modified.
func (r *registry[T]) snapshot() []T {
	if p := r.snap.Load(); p != nil {
		return *p
	}
	return nil
}

type listeners struct {
	message    registry[MessageListener]
	user       registry[UserListener]
	group      registry[GroupListener]
	call       registry[CallListener]
	connection registry[ConnectionListener]
	login      registry[LoginListener]
}

// AddMessageListener registers l under id; the same id replaces and moves to the end.
func (c *Client) AddMessageListener(id string, l MessageListener) { c.ls.message.add(id, l) }

// RemoveMessageListener unregisters id (unknown ids are ignored).
func (c *Client) RemoveMessageListener(id string) { c.ls.message.remove(id) }

// AddUserListener registers l under id; the same id replaces and moves to the end.
func (c *Client) AddUserListener(id string, l UserListener) { c.ls.user.add(id, l) }

// RemoveUserListener unregisters id.
func (c *Client) RemoveUserListener(id string) { c.ls.user.remove(id) }

// AddGroupListener registers l under id; the same id replaces and moves to the end.
func (c *Client) AddGroupListener(id string, l GroupListener) { c.ls.group.add(id, l) }

// RemoveGroupListener unregisters id.
func (c *Client) RemoveGroupListener(id string) { c.ls.group.remove(id) }

// AddCallListener registers l under id; the same id replaces and moves to the end.
func (c *Client) AddCallListener(id string, l CallListener) { c.ls.call.add(id, l) }

// RemoveCallListener unregisters id.
func (c *Client) RemoveCallListener(id string) { c.ls.call.remove(id) }

// AddConnectionListener registers l under id; the same id replaces and moves to the end.
func (c *Client) AddConnectionListener(id string, l ConnectionListener) { c.ls.connection.add(id, l) }

// RemoveConnectionListener unregisters id.
func (c *Client) RemoveConnectionListener(id string) { c.ls.connection.remove(id) }

// AddLoginListener registers l under id; the same id replaces and moves to the end.
func (c *Client) AddLoginListener(id string, l LoginListener) { c.ls.login.add(id, l) }

// RemoveLoginListener unregisters id.
func (c *Client) RemoveLoginListener(id string) { c.ls.login.remove(id) }
