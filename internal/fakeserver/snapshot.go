package fakeserver

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strconv"
)

// The snapshot: the whole state as one versioned JSON document (docs/emulator.md,
// "Snapshots"). Its records are also what the durable store keeps, one per key,
// so that the store and the snapshot cannot disagree on what the state is.

// Snapshot format identifiers: a snapshot whose "format" or "version" differs
// is refused.
const (
	SnapshotFormat  = "cometchat-fake-snapshot"
	SnapshotVersion = 1
)

type snapshot struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// IDBase is the id the first message follows: messages have the ids
	// IDBase+1, IDBase+2, ... in order, and the next message gets the id
	// after the last one.
	IDBase int64 `json:"idBase"`
	// Seq orders joins, bans and blocks; the next one gets Seq+1.
	Seq           int64         `json:"seq"`
	Users         []snapUser    `json:"users"`
	AuthTokens    []snapToken   `json:"authTokens"`
	Groups        []snapGroup   `json:"groups"`
	Messages      []snapMessage `json:"messages"`
	Conversations []snapConv    `json:"conversations"`
	Blocks        []snapBlock   `json:"blocks"`
	Friends       []snapFriend  `json:"friends"`
	Calls         []snapCall    `json:"calls"`
	Sessions      []snapSession `json:"sessions"`
	Media         []snapMedia   `json:"media"`
}

type snapUser struct {
	UID           string          `json:"uid"`
	Name          string          `json:"name"`
	Avatar        string          `json:"avatar,omitempty"`
	Link          string          `json:"link,omitempty"`
	Role          string          `json:"role,omitempty"`
	Metadata      json.RawMessage `json:"metadata,omitempty"`
	StatusMessage string          `json:"statusMessage,omitempty"`
	Tags          []string        `json:"tags,omitempty"`
	CreatedAt     int64           `json:"createdAt,omitempty"`
	UpdatedAt     int64           `json:"updatedAt,omitempty"`
	LastActiveAt  int64           `json:"lastActiveAt,omitempty"`
	DeactivatedAt int64           `json:"deactivatedAt,omitempty"`
}

type snapToken struct {
	Token string `json:"token"`
	UID   string `json:"uid"`
	// What the REST API keeps about a token (absent for older tokens).
	CreatedAt int64           `json:"createdAt,omitempty"`
	Platform  string          `json:"platform,omitempty"`
	UserAgent string          `json:"userAgent,omitempty"`
	AppInfo   json.RawMessage `json:"appInfo,omitempty"`
}

type snapMember struct {
	UID         string `json:"uid"`
	Scope       string `json:"scope"`
	JoinedAt    int64  `json:"joinedAt,omitempty"`
	JoinedAfter int64  `json:"joinedAfter,omitempty"`
	JoinSeq     int64  `json:"joinSeq,omitempty"`
}

type snapBan struct {
	UID      string `json:"uid"`
	Scope    string `json:"scope,omitempty"`
	BannedAt int64  `json:"bannedAt,omitempty"`
	Seq      int64  `json:"seq,omitempty"`
}

type snapGroup struct {
	GUID        string          `json:"guid"`
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Password    string          `json:"password,omitempty"`
	Icon        string          `json:"icon,omitempty"`
	Description string          `json:"description,omitempty"`
	Owner       string          `json:"owner"`
	Metadata    json.RawMessage `json:"metadata,omitempty"`
	Tags        []string        `json:"tags,omitempty"`
	CreatedAt   int64           `json:"createdAt,omitempty"`
	UpdatedAt   int64           `json:"updatedAt,omitempty"`
	UpdatedBy   string          `json:"updatedBy,omitempty"`
	// BaseID is the last message id when the group was created.
	BaseID  int64        `json:"baseId,omitempty"`
	Members []snapMember `json:"members"`
	Bans    []snapBan    `json:"bans,omitempty"`
}

type snapReceipt struct {
	UID         string `json:"uid"`
	DeliveredAt int64  `json:"deliveredAt,omitempty"`
	ReadAt      int64  `json:"readAt,omitempty"`
}

type snapMessage struct {
	ID             int64                      `json:"id"`
	Muid           string                     `json:"muid,omitempty"`
	SendKey        string                     `json:"sendKey,omitempty"`
	ConversationID string                     `json:"conversationId"`
	Sender         string                     `json:"sender"`
	Receiver       string                     `json:"receiver"`
	ReceiverType   string                     `json:"receiverType"`
	Category       string                     `json:"category"`
	Type           string                     `json:"type"`
	Data           map[string]json.RawMessage `json:"data,omitempty"`
	Tags           []string                   `json:"tags,omitempty"`
	SentAt         int64                      `json:"sentAt"`
	UpdatedAt      int64                      `json:"updatedAt,omitempty"`
	EditedAt       int64                      `json:"editedAt,omitempty"`
	EditedBy       string                     `json:"editedBy,omitempty"`
	DeletedAt      int64                      `json:"deletedAt,omitempty"`
	DeletedBy      string                     `json:"deletedBy,omitempty"`
	ParentID       int64                      `json:"parentId,omitempty"`
	ReplyCount     int                        `json:"replyCount,omitempty"`
	Receipts       []snapReceipt              `json:"receipts,omitempty"`
	Action         string                     `json:"action,omitempty"`
	OnUser         string                     `json:"onUser,omitempty"`
	OnMessage      *snapMessage               `json:"onMessage,omitempty"`
	OnCall         *snapCall                  `json:"onCall,omitempty"`
	ScopeOld       string                     `json:"scopeOld,omitempty"`
	ScopeNew       string                     `json:"scopeNew,omitempty"`
	// Erased: deleted permanently; it keeps its id and nothing else counts.
	Erased bool `json:"erased,omitempty"`
}

type snapConv struct {
	UID            string   `json:"uid"`
	ConversationID string   `json:"conversationId"`
	Tags           []string `json:"tags,omitempty"`
	HiddenUpTo     int64    `json:"hiddenUpTo,omitempty"`
	DeliveredUpTo  int64    `json:"deliveredUpTo,omitempty"`
	ReadUpTo       int64    `json:"readUpTo,omitempty"`
	PinnedAt       int64    `json:"pinnedAt,omitempty"`
}

type snapBlock struct {
	Blocker string `json:"blocker"`
	Blocked string `json:"blocked"`
	At      int64  `json:"at,omitempty"`
	Seq     int64  `json:"seq,omitempty"`
}

// snapFriend is one direction of a friendship (the fake keeps both).
type snapFriend struct {
	UID    string `json:"uid"`
	Friend string `json:"friend"`
}

type snapCall struct {
	SessionID      string          `json:"sessionId"`
	Type           string          `json:"type"`
	ReceiverType   string          `json:"receiverType"`
	Initiator      string          `json:"initiator"`
	Receiver       string          `json:"receiver"`
	Status         string          `json:"status"`
	InitiatedAt    int64           `json:"initiatedAt,omitempty"`
	JoinedAt       int64           `json:"joinedAt,omitempty"`
	LeftAt         int64           `json:"leftAt,omitempty"`
	Metadata       json.RawMessage `json:"metadata,omitempty"`
	Joined         []string        `json:"joined,omitempty"`
	ConversationID string          `json:"conversationId"`
}

type snapSession struct {
	ID           string          `json:"id"`
	UID          string          `json:"uid"`
	DeviceID     string          `json:"deviceId,omitempty"`
	Platform     string          `json:"platform,omitempty"`
	AppInfo      json.RawMessage `json:"appInfo,omitempty"`
	LoggedOut    bool            `json:"loggedOut,omitempty"`
	PushToken    string          `json:"pushToken,omitempty"`
	PushSettings json.RawMessage `json:"pushSettings,omitempty"`
}

// snapMedia is one uploaded file; Data is base64 in JSON.
type snapMedia struct {
	MessageID int64  `json:"messageId"`
	Name      string `json:"name"`
	MimeType  string `json:"mimeType"`
	Data      []byte `json:"data"`
}

// encodeJSON encodes v without HTML escaping, indented for a snapshot
// document or compact for a store record.
func encodeJSON(v any, indent bool) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		panic("fakeserver: encode: " + err.Error()) // plain data: cannot fail
	}
	if indent {
		return b.Bytes() // a document ends with a newline
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

func cloneRaw(r json.RawMessage) json.RawMessage {
	if len(r) == 0 {
		return nil
	}
	return append(json.RawMessage(nil), r...)
}

func cloneStrings(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

// Records of the state (Server.mu held).

func snapUserOf(u *userRec) snapUser {
	return snapUser{UID: u.uid, Name: u.name, Avatar: u.avatar, Link: u.link, Role: u.role, Metadata: cloneRaw(u.metadata),
		StatusMessage: u.statusMessage, Tags: cloneStrings(u.tags), CreatedAt: u.createdAt, UpdatedAt: u.updatedAt,
		LastActiveAt: u.lastActiveAt, DeactivatedAt: u.deactivatedAt}
}

func snapGroupOf(g *groupRec) snapGroup {
	j := snapGroup{GUID: g.guid, Name: g.name, Type: g.typ, Password: g.password, Icon: g.icon, Description: g.description,
		Owner: g.owner, Metadata: cloneRaw(g.metadata), Tags: cloneStrings(g.tags), CreatedAt: g.createdAt,
		UpdatedAt: g.updatedAt, UpdatedBy: g.updatedBy, BaseID: g.baseID, Members: []snapMember{}}
	for _, m := range g.members {
		j.Members = append(j.Members, snapMember{UID: m.uid, Scope: m.scope, JoinedAt: m.joinedAt,
			JoinedAfter: m.joinedAfter, JoinSeq: g.joinSeq[m.uid]})
	}
	sort.Slice(j.Members, func(a, b int) bool { return j.Members[a].UID < j.Members[b].UID })
	for _, b := range g.bans {
		j.Bans = append(j.Bans, snapBan{UID: b.uid, Scope: b.scope, BannedAt: b.bannedAt, Seq: b.seq})
	}
	sort.Slice(j.Bans, func(a, b int) bool { return j.Bans[a].UID < j.Bans[b].UID })
	return j
}

func snapCallOf(c *callRec) *snapCall {
	if c == nil {
		return nil
	}
	j := &snapCall{SessionID: c.sessionID, Type: c.typ, ReceiverType: c.receiverType, Initiator: c.initiator,
		Receiver: c.receiver, Status: c.status, InitiatedAt: c.initiatedAt, JoinedAt: c.joinedAt, LeftAt: c.leftAt,
		Metadata: cloneRaw(c.metadata), ConversationID: c.convID}
	for uid, on := range c.joined {
		if on {
			j.Joined = append(j.Joined, uid)
		}
	}
	sort.Strings(j.Joined)
	return j
}

func snapMessageOf(m *msgRec) *snapMessage {
	j := &snapMessage{ID: m.id, Muid: m.muid, ConversationID: m.convID, Sender: m.sender, Receiver: m.receiver,
		ReceiverType: m.receiverType, Category: m.category, Type: m.typ, Tags: cloneStrings(m.tags), SentAt: m.sentAt,
		UpdatedAt: m.updatedAt, EditedAt: m.editedAt, EditedBy: m.editedBy, DeletedAt: m.deletedAt, DeletedBy: m.deletedBy,
		ParentID: m.parentID, ReplyCount: m.replyCount, Action: m.action, OnUser: m.onUser, OnCall: snapCallOf(m.onCall),
		ScopeOld: m.scopeOld, ScopeNew: m.scopeNew, Erased: m.erased}
	if m.sendKey != 0 {
		j.SendKey = strconv.FormatUint(m.sendKey, 16)
	}
	if len(m.data) > 0 {
		j.Data = make(map[string]json.RawMessage, len(m.data))
		for k, v := range m.data {
			j.Data[k] = cloneRaw(v)
		}
	}
	for uid, r := range m.receipts {
		j.Receipts = append(j.Receipts, snapReceipt{UID: uid, DeliveredAt: r.deliveredAt, ReadAt: r.readAt})
	}
	sort.Slice(j.Receipts, func(a, b int) bool { return j.Receipts[a].UID < j.Receipts[b].UID })
	if m.onMessage != nil {
		j.OnMessage = snapMessageOf(m.onMessage)
	}
	return j
}

func snapConvOf(uid, convID string, c *userConv) snapConv {
	return snapConv{UID: uid, ConversationID: convID, Tags: cloneStrings(c.tags), HiddenUpTo: c.hiddenUpTo,
		DeliveredUpTo: c.deliveredUpTo, ReadUpTo: c.readUpTo, PinnedAt: c.pinnedAt}
}

// snapTokenOf is the record of the auth token tok of uid.
func (st *state) snapTokenOf(tok, uid string) snapToken {
	j := snapToken{Token: tok, UID: uid}
	if m, ok := st.tokenMeta[tok]; ok {
		j.CreatedAt, j.Platform, j.UserAgent, j.AppInfo = m.createdAt, m.platform, m.userAgent, cloneRaw(m.appInfo)
	}
	return j
}

func snapSessionOf(r *sessionRec) snapSession {
	return snapSession{ID: r.id, UID: r.uid, DeviceID: r.deviceID, Platform: r.platform, AppInfo: cloneRaw(r.appInfo),
		LoggedOut: r.loggedOut, PushToken: r.pushToken, PushSettings: cloneRaw(r.pushSettings)}
}

// splitMediaKey splits "<message id>/<file name>".
func splitMediaKey(key string) (int64, string) {
	i := bytes.IndexByte([]byte(key), '/')
	if i < 0 {
		return 0, key
	}
	id, _ := strconv.ParseInt(key[:i], 10, 64)
	return id, key[i+1:]
}

// toSnapshot renders the whole state, every list in a stable order.
// Server.mu held.
func (st *state) toSnapshot() *snapshot {
	sn := &snapshot{Format: SnapshotFormat, Version: SnapshotVersion, IDBase: st.idBase, Seq: st.seq,
		Users: []snapUser{}, AuthTokens: []snapToken{}, Groups: []snapGroup{}, Messages: []snapMessage{},
		Conversations: []snapConv{}, Blocks: []snapBlock{}, Friends: []snapFriend{}, Calls: []snapCall{},
		Sessions: []snapSession{}, Media: []snapMedia{}}
	for _, uid := range sortedKeys(st.users) {
		sn.Users = append(sn.Users, snapUserOf(st.users[uid]))
	}
	for _, tok := range sortedKeys(st.tokens) {
		sn.AuthTokens = append(sn.AuthTokens, st.snapTokenOf(tok, st.tokens[tok]))
	}
	for _, guid := range sortedKeys(st.groups) {
		sn.Groups = append(sn.Groups, snapGroupOf(st.groups[guid]))
	}
	for _, m := range st.messages {
		sn.Messages = append(sn.Messages, *snapMessageOf(m))
	}
	for _, uid := range sortedKeys(st.uconv) {
		for _, cid := range sortedKeys(st.uconv[uid]) {
			sn.Conversations = append(sn.Conversations, snapConvOf(uid, cid, st.uconv[uid][cid]))
		}
	}
	for _, a := range sortedKeys(st.blocks) {
		for _, b := range sortedKeys(st.blocks[a]) {
			r := st.blocks[a][b]
			sn.Blocks = append(sn.Blocks, snapBlock{Blocker: a, Blocked: b, At: r.at, Seq: r.seq})
		}
	}
	for _, a := range sortedKeys(st.friends) {
		for _, b := range sortedKeys(st.friends[a]) {
			if st.friends[a][b] {
				sn.Friends = append(sn.Friends, snapFriend{UID: a, Friend: b})
			}
		}
	}
	for _, sid := range sortedKeys(st.calls) {
		sn.Calls = append(sn.Calls, *snapCallOf(st.calls[sid]))
	}
	for _, id := range sortedKeys(st.sessions) {
		sn.Sessions = append(sn.Sessions, snapSessionOf(st.sessions[id]))
	}
	keys := sortedKeys(st.media)
	sort.SliceStable(keys, func(a, b int) bool { // by message id, then name
		ia, na := splitMediaKey(keys[a])
		ib, nb := splitMediaKey(keys[b])
		if ia != ib {
			return ia < ib
		}
		return na < nb
	})
	for _, k := range keys {
		id, name := splitMediaKey(k)
		f := st.media[k]
		sn.Media = append(sn.Media, snapMedia{MessageID: id, Name: name, MimeType: f.mimeType, Data: f.data})
	}
	return sn
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// toState builds the state a valid snapshot describes (validate first).
func (sn *snapshot) toState() *state {
	st := newState(sn.IDBase)
	st.seq = sn.Seq
	for _, u := range sn.Users {
		st.users[u.UID] = &userRec{uid: u.UID, name: u.Name, avatar: u.Avatar, link: u.Link, role: u.Role,
			metadata: cloneRaw(u.Metadata), statusMessage: u.StatusMessage, tags: cloneStrings(u.Tags),
			createdAt: u.CreatedAt, updatedAt: u.UpdatedAt, lastActiveAt: u.LastActiveAt, deactivatedAt: u.DeactivatedAt}
	}
	for _, t := range sn.AuthTokens {
		st.addToken(t.Token, t.UID)
		if t.CreatedAt != 0 || t.Platform != "" || t.UserAgent != "" || len(t.AppInfo) > 0 {
			st.setTokenMeta(t.Token, tokenMeta{createdAt: t.CreatedAt, platform: t.Platform, userAgent: t.UserAgent,
				appInfo: cloneRaw(t.AppInfo)})
		}
	}
	for _, g := range sn.Groups {
		rec := &groupRec{guid: g.GUID, name: g.Name, typ: g.Type, password: g.Password, icon: g.Icon,
			description: g.Description, owner: g.Owner, metadata: cloneRaw(g.Metadata), tags: cloneStrings(g.Tags),
			createdAt: g.CreatedAt, updatedAt: g.UpdatedAt, updatedBy: g.UpdatedBy, baseID: g.BaseID,
			members: map[string]*memberRec{}, bans: map[string]*banRec{}, joinSeq: map[string]int64{}}
		for _, m := range g.Members {
			rec.members[m.UID] = &memberRec{uid: m.UID, scope: m.Scope, joinedAt: m.JoinedAt, joinedAfter: m.JoinedAfter}
			rec.joinSeq[m.UID] = m.JoinSeq
		}
		for _, b := range g.Bans {
			rec.bans[b.UID] = &banRec{uid: b.UID, scope: b.Scope, bannedAt: b.BannedAt, seq: b.Seq}
		}
		st.groups[g.GUID] = rec
	}
	for i := range sn.Messages {
		m := msgOfSnap(&sn.Messages[i])
		st.messages = append(st.messages, m)
		st.convs[m.convID] = append(st.convs[m.convID], m)
		st.indexConv(m)
		if m.muid != "" && m.isPlain() && !m.erased {
			st.byMuid[m.sender+"\x00"+m.muid] = m
		}
	}
	for _, c := range sn.Conversations {
		uc := st.userConv(c.UID, c.ConversationID)
		uc.tags, uc.hiddenUpTo, uc.deliveredUpTo, uc.readUpTo = cloneStrings(c.Tags), c.HiddenUpTo, c.DeliveredUpTo, c.ReadUpTo
		uc.pinnedAt = c.PinnedAt
	}
	for _, b := range sn.Blocks {
		if st.blocks[b.Blocker] == nil {
			st.blocks[b.Blocker] = map[string]blockRec{}
		}
		st.blocks[b.Blocker][b.Blocked] = blockRec{at: b.At, seq: b.Seq}
	}
	for _, f := range sn.Friends {
		if st.friends[f.UID] == nil {
			st.friends[f.UID] = map[string]bool{}
		}
		st.friends[f.UID][f.Friend] = true
	}
	for i := range sn.Calls {
		c := callOfSnap(&sn.Calls[i])
		st.calls[c.sessionID] = c
	}
	for _, r := range sn.Sessions {
		st.sessions[r.ID] = &sessionRec{id: r.ID, uid: r.UID, deviceID: r.DeviceID, platform: r.Platform,
			appInfo: cloneRaw(r.AppInfo), loggedOut: r.LoggedOut, pushToken: r.PushToken, pushSettings: cloneRaw(r.PushSettings)}
	}
	for _, f := range sn.Media {
		st.media[itoa(f.MessageID)+"/"+f.Name] = mediaFile{mimeType: f.MimeType, data: f.Data}
		st.mediaBytes += int64(len(f.Data))
	}
	return st
}

func callOfSnap(j *snapCall) *callRec {
	if j == nil {
		return nil
	}
	c := &callRec{sessionID: j.SessionID, typ: j.Type, receiverType: j.ReceiverType, initiator: j.Initiator,
		receiver: j.Receiver, status: j.Status, initiatedAt: j.InitiatedAt, joinedAt: j.JoinedAt, leftAt: j.LeftAt,
		metadata: cloneRaw(j.Metadata), joined: map[string]bool{}, convID: j.ConversationID}
	for _, uid := range j.Joined {
		c.joined[uid] = true
	}
	return c
}

func msgOfSnap(j *snapMessage) *msgRec {
	m := &msgRec{id: j.ID, muid: j.Muid, convID: j.ConversationID, sender: j.Sender, receiver: j.Receiver,
		receiverType: j.ReceiverType, category: j.Category, typ: j.Type, tags: cloneStrings(j.Tags), sentAt: j.SentAt,
		updatedAt: j.UpdatedAt, editedAt: j.EditedAt, editedBy: j.EditedBy, deletedAt: j.DeletedAt, deletedBy: j.DeletedBy,
		parentID: j.ParentID, replyCount: j.ReplyCount, action: j.Action, onUser: j.OnUser, scopeOld: j.ScopeOld,
		scopeNew: j.ScopeNew, erased: j.Erased}
	m.sendKey, _ = strconv.ParseUint(j.SendKey, 16, 64)
	if len(j.Data) > 0 || m.isPlain() {
		m.data = make(map[string]json.RawMessage, len(j.Data))
		for k, v := range j.Data {
			m.data[k] = cloneRaw(v)
		}
	}
	if len(j.Receipts) > 0 {
		m.receipts = make(map[string]*receiptRec, len(j.Receipts))
		for _, r := range j.Receipts {
			m.receipts[r.UID] = &receiptRec{deliveredAt: r.DeliveredAt, readAt: r.ReadAt}
		}
	}
	if j.OnMessage != nil {
		m.onMessage = msgOfSnap(j.OnMessage)
	}
	if j.OnCall != nil {
		m.onCall = callOfSnap(j.OnCall)
		m.onCall.joined = nil // a call message holds a snapshot, without its members
	}
	return m
}

// hexKey renders a store key for an error message.
func hexKey(k []byte) string {
	for _, c := range k {
		if c < ' ' || c > '~' {
			return "0x" + hex.EncodeToString(k)
		}
	}
	return string(k)
}
