package fakeserver

import (
	"bytes"
	"encoding/json"
	"sort"
	"strings"
	"unicode/utf8"
)

// The records of an inspector event: what the page shows, as text, and how
// they are rendered from the state.

type inspUser struct {
	UID           string   `json:"uid"`
	Name          string   `json:"name"`
	Role          string   `json:"role,omitempty"`
	StatusMessage string   `json:"statusMessage,omitempty"`
	Tags          []string `json:"tags,omitempty"`
	Metadata      string   `json:"metadata,omitempty"`
	CreatedAt     int64    `json:"createdAt,omitempty"`
	LastActiveAt  int64    `json:"lastActiveAt,omitempty"`
	Deactivated   bool     `json:"deactivated,omitempty"`
}

type inspMember struct {
	UID      string `json:"uid"`
	Scope    string `json:"scope"`
	JoinedAt int64  `json:"joinedAt,omitempty"`
}

type inspBan struct {
	UID      string `json:"uid"`
	BannedAt int64  `json:"bannedAt,omitempty"`
}

type inspGroup struct {
	GUID         string       `json:"guid"`
	Name         string       `json:"name"`
	Type         string       `json:"type"`
	Owner        string       `json:"owner"`
	Description  string       `json:"description,omitempty"`
	Tags         []string     `json:"tags,omitempty"`
	Metadata     string       `json:"metadata,omitempty"`
	CreatedAt    int64        `json:"createdAt,omitempty"`
	MembersCount int          `json:"membersCount"`
	Members      []inspMember `json:"members"`
	BansCount    int          `json:"bansCount,omitempty"`
	Bans         []inspBan    `json:"bans,omitempty"`
}

type inspReceipt struct {
	UID         string `json:"uid"`
	DeliveredAt int64  `json:"deliveredAt,omitempty"`
	ReadAt      int64  `json:"readAt,omitempty"`
}

type inspCallBrief struct {
	SessionID string `json:"sessionId"`
	Type      string `json:"type"`
	Status    string `json:"status"`
}

type inspMessage struct {
	ID            int64          `json:"id"`
	Conversation  string         `json:"conversationId"`
	Sender        string         `json:"sender"`
	Receiver      string         `json:"receiver"`
	ReceiverType  string         `json:"receiverType"`
	Category      string         `json:"category"`
	Type          string         `json:"type"`
	Text          string         `json:"text,omitempty"`
	Data          string         `json:"data,omitempty"` // the data object without its text, as JSON (clipped)
	Action        string         `json:"action,omitempty"`
	OnUser        string         `json:"onUser,omitempty"`
	OnMessage     int64          `json:"onMessage,omitempty"`
	OnText        string         `json:"onText,omitempty"`
	ScopeOld      string         `json:"scopeOld,omitempty"`
	ScopeNew      string         `json:"scopeNew,omitempty"`
	Call          *inspCallBrief `json:"call,omitempty"`
	SentAt        int64          `json:"sentAt"`
	EditedAt      int64          `json:"editedAt,omitempty"`
	EditedBy      string         `json:"editedBy,omitempty"`
	DeletedAt     int64          `json:"deletedAt,omitempty"`
	DeletedBy     string         `json:"deletedBy,omitempty"`
	ParentID      int64          `json:"parentId,omitempty"`
	ReplyCount    int            `json:"replyCount,omitempty"`
	Receipts      []inspReceipt  `json:"receipts,omitempty"`
	ReceiptsCount int            `json:"receiptsCount,omitempty"`
}

type inspConv struct {
	ID           string   `json:"id"`
	ReceiverType string   `json:"receiverType"`
	With         []string `json:"with"` // the two users, or the group
	Count        int      `json:"count"`
	LastID       int64    `json:"lastId"`
	LastAt       int64    `json:"lastAt"`
	LastSender   string   `json:"lastSender"`
	LastText     string   `json:"lastText,omitempty"`
	LastCategory string   `json:"lastCategory"`
	LastType     string   `json:"lastType"`
}

type inspSocket struct {
	ID       uint64 `json:"id"`
	UID      string `json:"uid,omitempty"` // empty: not authenticated yet
	Session  string `json:"session,omitempty"`
	Remote   string `json:"remote"`
	Presence string `json:"presence,omitempty"`
	HalfOpen bool   `json:"halfOpen,omitempty"`
	Closing  bool   `json:"closing,omitempty"`
}

type inspSockets struct {
	List     []inspSocket   `json:"list"`
	Presence map[string]int `json:"presence"` // authenticated sockets by uid
	Total    int            `json:"total"`
}

type inspCall struct {
	SessionID    string   `json:"sessionId"`
	Type         string   `json:"type"`
	ReceiverType string   `json:"receiverType"`
	Initiator    string   `json:"initiator"`
	Receiver     string   `json:"receiver"`
	Status       string   `json:"status"`
	Active       bool     `json:"active"`
	InitiatedAt  int64    `json:"initiatedAt,omitempty"`
	JoinedAt     int64    `json:"joinedAt,omitempty"`
	Joined       []string `json:"joined,omitempty"`
}

type inspFault struct {
	ID         string `json:"id"`
	Method     string `json:"method,omitempty"`
	PathPrefix string `json:"pathPrefix,omitempty"`
	Status     int    `json:"status,omitempty"`
	Remaining  int    `json:"remaining"` // -1: until cleared
	RetryAfter int    `json:"retryAfter,omitempty"`
	DelayMs    int64  `json:"delayMs,omitempty"`
}

type inspTotals struct {
	Users         int `json:"users"`
	Groups        int `json:"groups"`
	Messages      int `json:"messages"`
	Conversations int `json:"conversations"`
	Sockets       int `json:"sockets"`
	Calls         int `json:"calls"` // in progress
}

// inspEvent is one event of the feed: a snapshot (the whole view, every
// list replacing the page's) or a delta (records to add or replace).
type inspEvent struct {
	Snapshot      bool          `json:"snapshot,omitempty"`
	Users         []inspUser    `json:"users,omitempty"`
	RemovedUsers  []string      `json:"removedUsers,omitempty"`
	Groups        []inspGroup   `json:"groups,omitempty"`
	RemovedGroups []string      `json:"removedGroups,omitempty"`
	Messages      []inspMessage `json:"messages,omitempty"`
	Conversations []inspConv    `json:"conversations,omitempty"`
	Calls         []inspCall    `json:"calls,omitempty"`
	RemovedCalls  []string      `json:"removedCalls,omitempty"`
	Sockets       *inspSockets  `json:"sockets,omitempty"`
	Faults        *[]inspFault  `json:"faults,omitempty"`
	Totals        inspTotals    `json:"totals"`
}

// clipText cuts s to n runes, marking the cut with "…".
func clipText(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i, k := 0, 0
	for i = range s {
		if k == n {
			break
		}
		k++
	}
	return s[:i] + "…"
}

// clipJSON renders raw JSON compactly, cut to inspMaxJSON bytes.
func clipJSON(raw []byte) string {
	if len(raw) == 0 || bytes.Equal(raw, []byte("null")) || bytes.Equal(raw, []byte("{}")) {
		return ""
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return ""
	}
	out := b.String()
	if len(out) <= inspMaxJSON {
		return out
	}
	i := inspMaxJSON
	for i > 0 && !utf8.RuneStart(out[i]) {
		i--
	}
	return out[:i] + "…"
}

func inspUserOf(u *userRec) inspUser {
	return inspUser{UID: u.uid, Name: u.name, Role: u.role, StatusMessage: clipText(u.statusMessage, inspMaxText),
		Tags: cloneStrings(u.tags), Metadata: clipJSON(u.metadata), CreatedAt: u.createdAt, LastActiveAt: u.lastActiveAt,
		Deactivated: u.deactivatedAt != 0}
}

func inspGroupOf(g *groupRec) inspGroup {
	v := inspGroup{GUID: g.guid, Name: g.name, Type: g.typ, Owner: g.owner, Description: clipText(g.description, inspMaxText),
		Tags: cloneStrings(g.tags), Metadata: clipJSON(g.metadata), CreatedAt: g.createdAt, MembersCount: len(g.members),
		Members: []inspMember{}, BansCount: len(g.bans)}
	for _, m := range g.sortedMembers() {
		if len(v.Members) == inspMaxMembers {
			break
		}
		v.Members = append(v.Members, inspMember{UID: m.uid, Scope: m.scope, JoinedAt: m.joinedAt})
	}
	bans := make([]*banRec, 0, len(g.bans))
	for _, b := range g.bans {
		bans = append(bans, b)
	}
	sort.Slice(bans, func(i, j int) bool { return bans[i].seq < bans[j].seq })
	for _, b := range bans {
		if len(v.Bans) == inspMaxMembers {
			break
		}
		v.Bans = append(v.Bans, inspBan{UID: b.uid, BannedAt: b.bannedAt})
	}
	return v
}

func inspMessageOf(m *msgRec) inspMessage {
	v := inspMessage{ID: m.id, Conversation: m.convID, Sender: m.sender, Receiver: m.receiver, ReceiverType: m.receiverType,
		Category: m.category, Type: m.typ, Action: m.action, OnUser: m.onUser, ScopeOld: m.scopeOld, ScopeNew: m.scopeNew,
		SentAt: m.sentAt, EditedAt: m.editedAt, EditedBy: m.editedBy, DeletedAt: m.deletedAt, DeletedBy: m.deletedBy,
		ParentID: m.parentID, ReplyCount: m.replyCount, ReceiptsCount: len(m.receipts)}
	v.Text = clipText(m.text(), inspMaxText)
	if len(m.data) > 0 {
		rest := make(map[string]json.RawMessage, len(m.data))
		for k, raw := range m.data {
			if k != "text" {
				rest[k] = raw
			}
		}
		if len(rest) > 0 {
			v.Data = clipJSON(marshal(rest))
		}
	}
	if m.onMessage != nil {
		v.OnMessage, v.OnText = m.onMessage.id, clipText(m.onMessage.text(), inspMaxText)
	}
	if c := m.onCall; c != nil {
		v.Call = &inspCallBrief{SessionID: c.sessionID, Type: c.typ, Status: c.status}
	}
	uids := make([]string, 0, len(m.receipts))
	for uid := range m.receipts {
		uids = append(uids, uid)
	}
	sort.Strings(uids)
	for _, uid := range uids {
		if len(v.Receipts) == inspMaxReceipts {
			break
		}
		r := m.receipts[uid]
		v.Receipts = append(v.Receipts, inspReceipt{UID: uid, DeliveredAt: r.deliveredAt, ReadAt: r.readAt})
	}
	return v
}

// inspConvOf renders a conversation from its messages (ascending); false
// when it has none.
func inspConvOf(id string, msgs []*msgRec) (inspConv, bool) {
	if len(msgs) == 0 {
		return inspConv{}, false
	}
	last := msgs[len(msgs)-1]
	v := inspConv{ID: id, ReceiverType: last.receiverType, Count: len(msgs), LastID: last.id, LastAt: last.sentAt,
		LastSender: last.sender, LastText: clipText(last.text(), 200), LastCategory: last.category, LastType: last.typ}
	switch {
	case last.category == catAction:
		v.LastText = strings.TrimSpace(last.action + " " + last.onUser)
	case last.onCall != nil:
		v.LastText = last.onCall.typ + " call " + last.onCall.status
	}
	if last.receiverType == "group" {
		v.With = []string{last.receiver}
	} else {
		a, b := last.sender, last.receiver
		if b < a {
			a, b = b, a
		}
		v.With = []string{a, b}
	}
	return v, true
}

func inspCallOf(c *callRec) inspCall {
	v := inspCall{SessionID: c.sessionID, Type: c.typ, ReceiverType: c.receiverType, Initiator: c.initiator,
		Receiver: c.receiver, Status: c.status, Active: c.active(), InitiatedAt: c.initiatedAt, JoinedAt: c.joinedAt}
	for uid, on := range c.joined {
		if on {
			v.Joined = append(v.Joined, uid)
		}
	}
	sort.Strings(v.Joined)
	return v
}

// inspSocketsLocked renders the open sockets. Server.mu held.
func (s *Server) inspSocketsLocked() *inspSockets {
	v := &inspSockets{List: []inspSocket{}, Presence: map[string]int{}, Total: len(s.allConns)}
	for uid, set := range s.conns {
		v.Presence[uid] = len(set)
	}
	conns := make([]*wsConn, 0, len(s.allConns))
	for c := range s.allConns {
		conns = append(conns, c)
	}
	sort.Slice(conns, func(i, j int) bool { return conns[i].id < conns[j].id })
	for _, c := range conns {
		if len(v.List) == inspMaxSockets {
			break
		}
		x := inspSocket{ID: c.id, Remote: c.remote, HalfOpen: c.halfOpen.Load(), Closing: c.closing.Load()}
		if c.authed {
			x.UID, x.Session, x.Presence = c.uid, c.session, c.presence
		}
		v.List = append(v.List, x)
	}
	return v
}

// inspFaultsLocked renders the installed faults. Server.mu held.
func (s *Server) inspFaultsLocked() *[]inspFault {
	out := make([]inspFault, 0, len(s.hooks.faults))
	for _, fr := range s.hooks.faults {
		out = append(out, inspFault{ID: fr.id, Method: fr.f.Method, PathPrefix: fr.f.PathPrefix, Status: fr.f.Status,
			Remaining: fr.remaining, RetryAfter: fr.f.RetryAfter, DelayMs: fr.f.Delay.Milliseconds()})
	}
	return &out
}

func (s *Server) inspTotalsLocked() inspTotals {
	t := inspTotals{Groups: len(s.st.groups), Messages: len(s.st.messages), Conversations: len(s.st.convs),
		Sockets: len(s.allConns)}
	for _, u := range s.st.users {
		if u.deactivatedAt == 0 {
			t.Users++
		}
	}
	for _, c := range s.st.calls {
		if c.active() {
			t.Calls++
		}
	}
	return t
}

// inspRenderLocked renders the event for marks. Server.mu held.
func (s *Server) inspRenderLocked(m inspMarks) *inspEvent {
	st := s.st
	ev := &inspEvent{Totals: s.inspTotalsLocked()}
	if m.all {
		return s.inspSnapshotLocked(ev)
	}
	for _, uid := range sortedKeys(m.users) {
		if u := st.users[uid]; u != nil {
			ev.Users = append(ev.Users, inspUserOf(u))
		} else {
			ev.RemovedUsers = append(ev.RemovedUsers, uid)
		}
	}
	for _, guid := range sortedKeys(m.groups) {
		if g := st.groups[guid]; g != nil {
			ev.Groups = append(ev.Groups, inspGroupOf(g))
		} else {
			ev.RemovedGroups = append(ev.RemovedGroups, guid)
		}
	}
	convs := m.convs
	ids := make([]int64, 0, len(m.msgs))
	for id := range m.msgs {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		if id <= st.idBase || id > st.lastID() {
			continue
		}
		msg := st.messages[id-st.idBase-1]
		ev.Messages = append(ev.Messages, inspMessageOf(msg))
		addKey(&convs, msg.convID)
	}
	for _, id := range sortedKeys(convs) {
		if v, ok := inspConvOf(id, st.convs[id]); ok {
			ev.Conversations = append(ev.Conversations, v)
		}
	}
	for _, sid := range sortedKeys(m.calls) {
		if c := st.calls[sid]; c != nil {
			ev.Calls = append(ev.Calls, inspCallOf(c))
		} else {
			ev.RemovedCalls = append(ev.RemovedCalls, sid)
		}
	}
	if m.sockets {
		ev.Sockets = s.inspSocketsLocked()
	}
	if m.faults {
		ev.Faults = s.inspFaultsLocked()
	}
	return ev
}

// inspSnapshotLocked fills ev with the whole view (each list bounded).
// Server.mu held.
func (s *Server) inspSnapshotLocked(ev *inspEvent) *inspEvent {
	st := s.st
	ev.Snapshot = true
	ev.Users, ev.Groups, ev.Messages, ev.Conversations, ev.Calls =
		[]inspUser{}, []inspGroup{}, []inspMessage{}, []inspConv{}, []inspCall{}
	for _, uid := range sortedKeys(st.users) {
		if len(ev.Users) == inspMaxUsers {
			break
		}
		if u := st.users[uid]; u.deactivatedAt == 0 {
			ev.Users = append(ev.Users, inspUserOf(u))
		}
	}
	for _, guid := range sortedKeys(st.groups) {
		if len(ev.Groups) == inspMaxGroups {
			break
		}
		ev.Groups = append(ev.Groups, inspGroupOf(st.groups[guid]))
	}
	from := max(0, len(st.messages)-inspMaxMessages)
	for _, msg := range st.messages[from:] {
		ev.Messages = append(ev.Messages, inspMessageOf(msg))
	}
	type convLast struct {
		id   string
		last int64
	}
	recent := make([]convLast, 0, len(st.convs))
	for id, msgs := range st.convs {
		if len(msgs) > 0 {
			recent = append(recent, convLast{id, msgs[len(msgs)-1].id})
		}
	}
	sort.Slice(recent, func(i, j int) bool { return recent[i].last > recent[j].last })
	for _, c := range recent[:min(len(recent), inspMaxConvs)] {
		if v, ok := inspConvOf(c.id, st.convs[c.id]); ok {
			ev.Conversations = append(ev.Conversations, v)
		}
	}
	for _, sid := range sortedKeys(st.calls) {
		if c := st.calls[sid]; c.active() {
			ev.Calls = append(ev.Calls, inspCallOf(c))
		}
	}
	ev.Sockets = s.inspSocketsLocked()
	ev.Faults = s.inspFaultsLocked()
	return ev
}
