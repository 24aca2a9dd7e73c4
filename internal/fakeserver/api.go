package fakeserver

import (
	"context"
	"encoding/json"
	"sort"
	"strings"
)

// Go helpers for tests: seeding and inspecting the state without HTTP.

// User is a user of the app. Online, CreatedAt and LastActiveAt are filled
// in by the server and ignored by CreateUser.
type User struct {
	UID           string
	Name          string
	Avatar        string
	Link          string
	Role          string
	StatusMessage string
	Metadata      json.RawMessage
	Tags          []string
	Online        bool
	CreatedAt     int64
	LastActiveAt  int64
}

// Group is a group of the app. Password is never returned by the server's
// API; MembersCount is filled in by the server and ignored by CreateGroup.
type Group struct {
	GUID         string
	Name         string
	Type         string // GroupPublic, GroupPassword or GroupPrivate
	Password     string
	Icon         string
	Description  string
	Owner        string
	Metadata     json.RawMessage
	Tags         []string
	MembersCount int
	CreatedAt    int64
}

// Member is a membership of a group.
type Member struct {
	UID      string
	Scope    string // ScopeAdmin, ScopeModerator or ScopeParticipant
	JoinedAt int64
}

// Message is a stored message (plain, action or call).
type Message struct {
	ID             string
	Muid           string
	ConversationID string
	Sender         string
	Receiver       string
	ReceiverType   string
	Category       string
	Type           string
	Action         string // action and call messages
	Text           string
	ParentID       string
	ReplyCount     int
	Tags           []string
	SentAt         int64
	UpdatedAt      int64
	EditedAt       int64
	DeletedAt      int64
	// JSON is the message as the REST API renders it to its sender.
	JSON json.RawMessage
}

// Stats counts the state, as GET /_fake/state reports it.
type Stats struct {
	Users    int `json:"users"`
	Groups   int `json:"groups"`
	Messages int `json:"messages"`
	Sockets  int `json:"sockets"`
	Calls    int `json:"calls"`
}

func (s *Server) userSnapshotLocked(u *userRec) User {
	return User{UID: u.uid, Name: u.name, Avatar: u.avatar, Link: u.link, Role: u.role, StatusMessage: u.statusMessage,
		Metadata: append(json.RawMessage(nil), u.metadata...), Tags: append([]string(nil), u.tags...),
		Online: len(s.conns[u.uid]) > 0, CreatedAt: u.createdAt, LastActiveAt: u.lastActiveAt}
}

// CreateUser adds a user (the uid is lower-cased); it fails when the uid is
// invalid or taken.
func (s *Server) CreateUser(u User) (err error) {
	defer s.syncInto(&err)
	uid := normID(u.UID)
	if !validID(uid) {
		return badRequest("uid", "The uid must be 1 to 100 letters, digits, _ or -.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.users[uid] != nil {
		return errUIDExists(uid)
	}
	rec := &userRec{uid: uid, name: u.Name, avatar: u.Avatar, link: u.Link, role: u.Role, statusMessage: u.StatusMessage,
		metadata: metadataValue(u.Metadata), tags: append([]string(nil), u.Tags...), createdAt: s.now()}
	if rec.name == "" {
		rec.name = uid
	}
	if rec.role == "" {
		rec.role = "default"
	}
	s.st.users[uid] = rec
	s.st.touch(kUser, uid, "")
	return nil
}

// Users lists the active users by uid.
func (s *Server) Users() []User {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]User, 0, len(s.st.users))
	for _, u := range s.st.users {
		if u.deactivatedAt == 0 {
			out = append(out, s.userSnapshotLocked(u))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].UID < out[j].UID })
	return out
}

// User returns the user uid.
func (s *Server) User(uid string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.user(normID(uid))
	if u == nil {
		return User{}, false
	}
	return s.userSnapshotLocked(u), true
}

// AuthToken mints an auth token for uid, as POST users/{uid}/auth_tokens does.
func (s *Server) AuthToken(uid string) (_ string, err error) {
	defer s.syncInto(&err)
	uid = normID(uid)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.user(uid) == nil {
		return "", errUIDNotFound(uid)
	}
	tok := newToken(uid)
	s.st.addToken(tok, uid)
	return tok, nil
}

// CreateGroup adds a group owned by g.Owner, who becomes its admin.
func (s *Server) CreateGroup(g Group) (err error) {
	defer s.syncInto(&err)
	guid := normID(g.GUID)
	if !validID(guid) {
		return badRequest("guid", "The guid must be 1 to 100 letters, digits, _ or -.")
	}
	owner := normID(g.Owner)
	now := s.now()
	rec := &groupRec{guid: guid, owner: owner, icon: g.Icon, description: g.Description, metadata: metadataValue(g.Metadata),
		tags: append([]string(nil), g.Tags...), createdAt: now, members: map[string]*memberRec{},
		bans: map[string]*banRec{}, joinSeq: map[string]int64{}}
	name, typ, pass := flexString(g.Name), flexString(g.Type), flexString(g.Password)
	if typ == "" {
		typ = GroupPublic
	}
	if name == "" {
		name = flexString(guid)
	}
	if e := applyGroupFields(rec, groupReq{Name: &name, Type: &typ, Password: &pass}, true); e != nil {
		return e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.user(owner) == nil {
		return errUIDNotFound(owner)
	}
	if s.st.groups[guid] != nil {
		return errGUIDExists(guid)
	}
	s.st.addGroup(rec)
	s.st.addMember(rec, owner, ScopeAdmin, now)
	return nil
}

// AddMember makes uid a member of guid with scope (participant when empty),
// without an action message.
func (s *Server) AddMember(guid, uid, scope string) (err error) {
	defer s.syncInto(&err)
	guid, uid = normID(guid), normID(uid)
	if scope == "" {
		scope = ScopeParticipant
	}
	if !validScope(scope) {
		return badRequest("scope", "The scope must be admin, moderator or participant.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.st.groups[guid]
	if g == nil {
		return errGUIDNotFound(guid)
	}
	if s.st.user(uid) == nil {
		return errUIDNotFound(uid)
	}
	s.st.touch(kGroup, guid, "")
	if m := g.members[uid]; m != nil {
		m.scope = scope
		return nil
	}
	delete(g.bans, uid)
	s.st.addMember(g, uid, scope, s.now())
	return nil
}

// BanMember bans uid from guid (removing the membership, remembering its
// scope for the unban rights), without an action message.
func (s *Server) BanMember(guid, uid string) (err error) {
	defer s.syncInto(&err)
	guid, uid = normID(guid), normID(uid)
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.st.groups[guid]
	if g == nil {
		return errGUIDNotFound(guid)
	}
	if s.st.user(uid) == nil {
		return errUIDNotFound(uid)
	}
	if g.bans[uid] != nil {
		return errAlreadyBanned(uid, guid)
	}
	s.st.ban(g, uid, s.now())
	return nil
}

// Groups lists the groups by guid.
func (s *Server) Groups() []Group {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Group, 0, len(s.st.groups))
	for _, g := range s.st.groups {
		out = append(out, Group{GUID: g.guid, Name: g.name, Type: g.typ, Password: g.password, Icon: g.icon,
			Description: g.description, Owner: g.owner, Metadata: append(json.RawMessage(nil), g.metadata...),
			Tags: append([]string(nil), g.tags...), MembersCount: len(g.members), CreatedAt: g.createdAt})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].GUID < out[j].GUID })
	return out
}

// Members lists the members of guid in the order they joined.
func (s *Server) Members(guid string) []Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.st.groups[normID(guid)]
	if g == nil {
		return nil
	}
	var out []Member
	for _, m := range g.sortedMembers() {
		out = append(out, Member{UID: m.uid, Scope: m.scope, JoinedAt: m.joinedAt})
	}
	return out
}

// Block makes blocker block blocked, as POST blockedusers does (blocking
// again keeps the original block time).
func (s *Server) Block(blocker, blocked string) (err error) {
	defer s.syncInto(&err)
	blocker, blocked = normID(blocker), normID(blocked)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, uid := range []string{blocker, blocked} {
		if s.st.user(uid) == nil {
			return errUIDNotFound(uid)
		}
	}
	if blocker == blocked {
		return errCannotBlockSelf()
	}
	s.st.block(blocker, blocked, s.now())
	return nil
}

// AddFriends makes uid and each of friends friends of each other (for the
// FRIENDS presence subscription and friendsOnly user lists).
func (s *Server) AddFriends(uid string, friends ...string) (err error) {
	defer s.syncInto(&err)
	uid = normID(uid)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.user(uid) == nil {
		return errUIDNotFound(uid)
	}
	for _, f := range lowerAll(friends) {
		if s.st.user(f) == nil {
			return errUIDNotFound(f)
		}
		if f != uid {
			s.st.setFriends(uid, f, true)
		}
	}
	return nil
}

// SendText stores a text message from sender and pushes it like POST
// messages does, with no originating session (so every socket of the sender
// gets it too). receiverType is "user" or "group".
func (s *Server) SendText(sender, receiverType, receiver, text string) (_ Message, err error) {
	defer s.syncInto(&err)
	req := sendMessageReq{Receiver: flexString(receiver), ReceiverType: flexString(receiverType), Category: catMessage,
		Type: "text", Data: marshal(map[string]string{"text": text})}
	in, e := validateMessage(req, 0)
	if e != nil {
		return Message{}, e
	}
	sender = normID(sender)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.user(sender) == nil {
		return Message{}, errUIDNotFound(sender)
	}
	m, e := s.createMessageLocked(sender, "", in, nil, nil, nil)
	if e != nil {
		return Message{}, e
	}
	return s.messageSnapshotLocked(m), nil
}

func (s *Server) messageSnapshotLocked(m *msgRec) Message {
	out := Message{ID: m.idString(), Muid: m.muid, ConversationID: m.convID, Sender: m.sender, Receiver: m.receiver,
		ReceiverType: m.receiverType, Category: m.category, Type: m.typ, Action: m.action, Text: m.text(),
		ReplyCount: m.replyCount, Tags: append([]string(nil), m.tags...), SentAt: m.sentAt, UpdatedAt: m.updatedAt,
		EditedAt: m.editedAt, DeletedAt: m.deletedAt, JSON: marshal(s.renderMessage(m, m.sender))}
	if m.parentID != 0 {
		out.ParentID = itoa(m.parentID)
	}
	return out
}

// Messages lists every stored message by id.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, 0, len(s.st.messages))
	for _, m := range s.st.messages {
		out = append(out, s.messageSnapshotLocked(m))
	}
	return out
}

// Message returns the message with the given id.
func (s *Server) Message(id string) (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.st.message(id)
	if m == nil {
		return Message{}, false
	}
	return s.messageSnapshotLocked(m), true
}

// Stats counts users, groups, messages, open sockets and calls.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	users := 0
	for _, u := range s.st.users {
		if u.deactivatedAt == 0 {
			users++
		}
	}
	return Stats{Users: users, Groups: len(s.st.groups), Messages: len(s.st.messages), Sockets: len(s.allConns),
		Calls: len(s.st.calls)}
}

// Sockets returns how many authenticated sockets uid has ("" for every
// user).
func (s *Server) Sockets(uid string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authedLocked(normID(uid))
}

// authedLocked counts uid's authenticated sockets ("" for every user).
// Server.mu held.
func (s *Server) authedLocked(uid string) int {
	if uid != "" {
		return len(s.conns[uid])
	}
	n := 0
	for _, set := range s.conns {
		n += len(set)
	}
	return n
}

// WaitForSockets waits until uid ("" for every user) has exactly n
// authenticated sockets (n = 0: until it has none), or ctx ends.
func (s *Server) WaitForSockets(ctx context.Context, uid string, n int) error {
	uid = normID(uid)
	for {
		s.mu.Lock()
		have, ch := s.authedLocked(uid), s.changed
		s.mu.Unlock()
		if have == n {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Reset drops every socket and goes back to the seeded state (tokens,
// messages, groups and users created since are forgotten; faults are kept).
// Message ids keep increasing: the next id is above every id given before.
func (s *Server) Reset() {
	s.dropAllSockets()
	s.mu.Lock()
	s.replaceStateLocked(s.newSeededState(newIDBase(s.st.lastID())))
	s.mu.Unlock()
	_ = s.sync()
}

// LastMessageID returns the id of the newest message; with no message yet,
// the id the first one will follow. Ids strictly increase for the life of
// the app, across Reset and process restarts (see the README).
func (s *Server) LastMessageID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.lastID()
}

// PushToken is a push-notification token a session registered (Cordova:
// registerTokenForPushNotification).
type PushToken struct {
	// Token is the FCM device token.
	Token string
	// DeviceID is the device that registered it.
	DeviceID string
	// Settings are the push settings sent with it (raw JSON; empty if none).
	Settings json.RawMessage
}

// PushTokens returns the push tokens registered by uid's sessions, sorted by
// token.
func (s *Server) PushTokens(uid string) []PushToken {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []PushToken
	for _, rec := range s.st.sessions {
		if rec.pushToken != "" && strings.EqualFold(rec.uid, uid) {
			out = append(out, PushToken{Token: rec.pushToken, DeviceID: rec.deviceID,
				Settings: append(json.RawMessage(nil), rec.pushSettings...)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Token < out[j].Token })
	return out
}
