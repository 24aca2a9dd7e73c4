package fakeserver

import (
	"cmp"
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Records of the server's state. All of them are guarded by Server.mu.

type userRec struct {
	uid           string
	name          string
	avatar        string
	link          string
	role          string
	metadata      json.RawMessage
	statusMessage string
	tags          []string
	createdAt     int64
	updatedAt     int64
	lastActiveAt  int64
	deactivatedAt int64
}

// Group types and member scopes as they travel on the wire.
const (
	GroupPublic   = "public"
	GroupPassword = "password"
	GroupPrivate  = "private"

	ScopeAdmin       = "admin"
	ScopeModerator   = "moderator"
	ScopeParticipant = "participant"
)

type memberRec struct {
	uid      string
	scope    string
	joinedAt int64
	// joinedAfter is the last message id when the user joined: older
	// messages are history, not unread.
	joinedAfter int64
}

type banRec struct {
	uid      string
	scope    string // scope held when banned ("" when not a member)
	bannedAt int64
	seq      int64
}

type groupRec struct {
	guid        string
	name        string
	typ         string
	password    string
	icon        string
	description string
	owner       string
	metadata    json.RawMessage
	tags        []string
	createdAt   int64
	updatedAt   int64
	updatedBy   string
	members     map[string]*memberRec
	bans        map[string]*banRec
	joinSeq     map[string]int64 // order of joining, for stable member lists
	// baseID is the last message id when the group was created: older
	// messages of the same conversation id belong to a deleted group of the
	// same guid and stay unreachable.
	baseID int64
}

type receiptRec struct {
	deliveredAt int64
	readAt      int64
}

// Message categories.
const (
	catMessage = "message"
	catCustom  = "custom"
	catAction  = "action"
	catCall    = "call"
)

type msgRec struct {
	id           int64
	muid         string
	sendKey      uint64 // what the send asked for besides the muid (sendKey)
	convID       string
	sender       string
	receiver     string
	receiverType string // "user" or "group"
	category     string
	typ          string
	// data is the message's data object without entities (text, metadata,
	// customData, attachments, url, ...) for message/custom categories.
	data       map[string]json.RawMessage
	tags       []string
	sentAt     int64
	updatedAt  int64
	editedAt   int64
	editedBy   string
	deletedAt  int64
	deletedBy  string
	parentID   int64
	replyCount int
	receipts   map[string]*receiptRec // recipient uid -> receipt
	// erased: deleted permanently (REST API). The record keeps its id, so
	// that ids stay consecutive, but nobody sees it any more.
	erased bool

	// action and call messages
	action    string
	onUser    string  // target user of a group member action
	onMessage *msgRec // snapshot of the edited/deleted message
	onCall    *callRec
	scopeOld  string
	scopeNew  string
}

func (m *msgRec) idString() string { return strconv.FormatInt(m.id, 10) }

func (m *msgRec) text() string {
	raw, ok := m.data["text"]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// isPlain reports whether m is a user-authored message (not an action or call).
func (m *msgRec) isPlain() bool { return m.category == catMessage || m.category == catCustom }

// Call states.
const (
	callInitiated  = "initiated"
	callOngoing    = "ongoing"
	callRejected   = "rejected"
	callBusy       = "busy"
	callCancelled  = "cancelled"
	callUnanswered = "unanswered"
	callEnded      = "ended"
)

type callRec struct {
	sessionID    string
	typ          string
	receiverType string
	initiator    string
	receiver     string
	status       string
	initiatedAt  int64
	joinedAt     int64
	leftAt       int64
	metadata     json.RawMessage
	joined       map[string]bool // group calls: members that accepted and have not left
	convID       string
}

func (c *callRec) active() bool { return c.status == callInitiated || c.status == callOngoing }

// userConv is a user's private state about one conversation.
type userConv struct {
	tags          []string
	hiddenUpTo    int64 // deleted conversation: hidden until a message newer than this
	deliveredUpTo int64
	readUpTo      int64
	pinnedAt      int64 // pinned by the user (REST API), 0 when not
}

type blockRec struct {
	at  int64
	seq int64
}

type sessionRec struct {
	id        string
	uid       string
	deviceID  string
	platform  string
	appInfo   json.RawMessage
	loggedOut bool
	// The push token registered through PUT /me.
	pushToken    string
	pushSettings json.RawMessage
}

// state is the whole CometChat app.
type state struct {
	users    map[string]*userRec
	tokens   map[string]string // auth token -> uid
	tokenIDs map[string]string // tokenID(token) -> token, for the JWTs minted for a token
	groups   map[string]*groupRec
	messages []*msgRec // ascending ids; messages[i].id == idBase+i+1
	idBase   int64     // the id the first message follows (see newIDBase)
	byMuid   map[string]*msgRec
	convs    map[string][]*msgRec // conversation id -> messages, ascending
	// directConvs and groupConvs index the conversations a user-wide
	// history reads (historyConvsLocked): uid -> the conversation ids of
	// the one-to-one messages it sent or received, guid -> the
	// conversation ids of the group's messages. Derived from the messages
	// (indexConv), never stored.
	directConvs map[string]map[string]struct{}
	groupConvs  map[string]map[string]struct{}
	blocks      map[string]map[string]blockRec // blocker -> blocked
	friends     map[string]map[string]bool
	uconv       map[string]map[string]*userConv // uid -> conversation id -> state
	calls       map[string]*callRec
	sessions    map[string]*sessionRec
	media       map[string]mediaFile // "<message id>/<file name>" -> file
	// mediaBytes is the size of every stored file, bounded by
	// Config.MaxMediaBytes.
	mediaBytes int64
	seq        int64 // for stable ordering of bans, blocks and joins
	// j records the changes for the durable store; nil without one.
	j *journal
	// obs records them for the inspector's live feed (inspector_feed.go);
	// nil while no page watches.
	obs *inspHub

	// tokenMeta holds what the REST API keeps about an auth token (its
	// creation time, platform, user agent, app info); a token without an
	// entry has none of it. Created when first needed.
	tokenMeta map[string]tokenMeta
}

type mediaFile struct {
	mimeType string
	data     []byte
}

// newIDBase returns where message ids start: after the highest id given so
// far (last) and after the current wall-clock time in unix milliseconds ×
// 1000, so that ids strictly increase for the life of an app id across
// Reset and process restarts (a run would have to create more than 1,000
// messages per millisecond of its life to reach the next run's base). It
// uses the real clock, not Config.Now: a fixed test clock would repeat.
// 1000 × unix ms stays below 2^53 (exact in JavaScript) until the year 2255.
func newIDBase(last int64) int64 {
	return max(last, time.Now().UnixMilli()*1000)
}

func newState(idBase int64) *state {
	return &state{
		idBase:      idBase,
		users:       map[string]*userRec{},
		tokens:      map[string]string{},
		tokenIDs:    map[string]string{},
		groups:      map[string]*groupRec{},
		byMuid:      map[string]*msgRec{},
		convs:       map[string][]*msgRec{},
		directConvs: map[string]map[string]struct{}{},
		groupConvs:  map[string]map[string]struct{}{},
		blocks:      map[string]map[string]blockRec{},
		friends:     map[string]map[string]bool{},
		uconv:       map[string]map[string]*userConv{},
		calls:       map[string]*callRec{},
		sessions:    map[string]*sessionRec{},
		media:       map[string]mediaFile{},
	}
}

// addToken stores an auth token of uid.
func (st *state) addToken(tok, uid string) {
	st.tokens[tok] = uid
	st.tokenIDs[tokenID(tok)] = tok
	st.touch(kToken, tok, "")
}

// removeToken forgets an auth token; it reports whether it existed.
func (st *state) removeToken(tok string) bool {
	_, ok := st.tokens[tok]
	delete(st.tokens, tok)
	delete(st.tokenIDs, tokenID(tok))
	delete(st.tokenMeta, tok)
	if ok {
		st.touch(kToken, tok, "")
	}
	return ok
}

// tokenLive reports whether the auth token a JWT was minted for (by its
// tokenID; "" for a JWT minted without one) is still valid.
func (st *state) tokenLive(tid string) bool {
	if tid == "" {
		return true
	}
	_, ok := st.tokenIDs[tid]
	return ok
}

func (st *state) nextSeq() int64 {
	st.seq++
	st.touch(kCounters, "", "")
	return st.seq
}

// seed adds CometChat's sample users (superhero1-5) and group (supergroup).
func (st *state) seed(now int64) {
	heroes := []struct{ uid, name, avatar string }{
		{"superhero1", "Iron Man", "ironman"},
		{"superhero2", "Captain America", "captainamerica"},
		{"superhero3", "Spiderman", "spiderman"},
		{"superhero4", "Wolverine", "wolverine"},
		{"superhero5", "Cyclops", "cyclops"},
	}
	for _, h := range heroes {
		st.users[h.uid] = &userRec{uid: h.uid, name: h.name, role: "default", createdAt: now,
			avatar: "https://data-us.cometchat.io/assets/images/avatars/" + h.avatar + ".png"}
	}
	g := &groupRec{guid: "supergroup", name: "Comic Heros' Hangout", typ: GroupPublic, owner: "superhero1",
		createdAt: now, members: map[string]*memberRec{}, bans: map[string]*banRec{}, joinSeq: map[string]int64{}}
	st.addGroup(g)
	for i, h := range heroes {
		scope := ScopeParticipant
		if i == 0 {
			scope = ScopeAdmin
		}
		st.addMember(g, h.uid, scope, now)
	}
}

// lastID is the id of the newest message (idBase when there is none).
func (st *state) lastID() int64 { return st.idBase + int64(len(st.messages)) }

// addGroup stores a new group; its history starts now.
func (st *state) addGroup(g *groupRec) {
	g.baseID = st.lastID()
	st.groups[g.guid] = g
	st.touch(kGroup, g.guid, "")
}

func (st *state) addMember(g *groupRec, uid, scope string, now int64) *memberRec {
	m := &memberRec{uid: uid, scope: scope, joinedAt: now, joinedAfter: st.lastID()}
	g.members[uid] = m
	g.joinSeq[uid] = st.nextSeq()
	st.touch(kGroup, g.guid, "")
	return m
}

// ban removes uid's membership of g and bans it, remembering the scope it
// had for the unban rights.
func (st *state) ban(g *groupRec, uid string, now int64) {
	scope := ""
	if m := g.members[uid]; m != nil {
		scope = m.scope
	}
	delete(g.members, uid)
	g.bans[uid] = &banRec{uid: uid, scope: scope, bannedAt: now, seq: st.nextSeq()}
	st.touch(kGroup, g.guid, "")
}

var idPattern = regexp.MustCompile(`^[a-z0-9_-]{1,100}$`)

// normID lower-cases a uid or guid (decision 3).
func normID(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func validID(s string) bool { return idPattern.MatchString(s) }

// userConvID is the conversation id of two users: the uids sorted.
func userConvID(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + "_user_" + b
}

func groupConvID(guid string) string { return "group_" + guid }

func (st *state) user(uid string) *userRec {
	u := st.users[uid]
	if u == nil || u.deactivatedAt != 0 {
		return nil
	}
	return u
}

// blocked reports whether a has blocked b.
func (st *state) blocked(a, b string) bool {
	_, ok := st.blocks[a][b]
	return ok
}

// blockedEither reports whether a and b blocked each other in any direction.
func (st *state) blockedEither(a, b string) bool { return st.blocked(a, b) || st.blocked(b, a) }

// block records that blocker blocked blocked; blocking again keeps the
// original time (as CometChat does: blockedAt does not move).
func (st *state) block(blocker, blocked string, now int64) {
	if st.blocks[blocker] == nil {
		st.blocks[blocker] = map[string]blockRec{}
	}
	if _, ok := st.blocks[blocker][blocked]; !ok {
		st.blocks[blocker][blocked] = blockRec{at: now, seq: st.nextSeq()}
		st.touch(kBlock, blocker, blocked)
	}
}

// unblock removes a block of blocked by blocker.
func (st *state) unblock(blocker, blocked string) {
	if _, ok := st.blocks[blocker][blocked]; ok {
		delete(st.blocks[blocker], blocked)
		st.touch(kBlock, blocker, blocked)
	}
}

func (st *state) isFriend(a, b string) bool { return st.friends[a][b] }

func (st *state) userConv(uid, convID string) *userConv {
	m := st.uconv[uid]
	if m == nil {
		m = map[string]*userConv{}
		st.uconv[uid] = m
	}
	c := m[convID]
	if c == nil {
		c = &userConv{}
		m[convID] = c
	}
	st.touch(kConv, uid, convID) // it is asked for to be changed
	return c
}

// visibleTo reports whether the group is visible to uid: private groups are
// invisible to non-members (decision 13 step 2).
func (g *groupRec) visibleTo(uid string) bool {
	if g.typ != GroupPrivate {
		return true
	}
	_, ok := g.members[uid]
	return ok
}

// sortedMembers lists the members in the order they joined.
func (g *groupRec) sortedMembers() []*memberRec {
	out := make([]*memberRec, 0, len(g.members))
	for _, m := range g.members {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].joinedAt != out[j].joinedAt {
			return out[i].joinedAt < out[j].joinedAt
		}
		return g.joinSeq[out[i].uid] < g.joinSeq[out[j].uid]
	})
	return out
}

// canSee reports whether uid may read message m: a party of a 1:1 message or
// a current member of the group.
func (st *state) canSee(uid string, m *msgRec) bool {
	if m.erased {
		return false
	}
	if m.receiverType == "group" {
		g := st.groups[m.receiver]
		return g != nil && g.members[uid] != nil && m.id > g.baseID
	}
	return m.sender == uid || m.receiver == uid
}

// message returns the message with the given decimal id, or nil.
func (st *state) message(id string) *msgRec {
	n, err := strconv.ParseInt(strings.TrimSpace(id), 10, 64)
	if err != nil || n <= st.idBase || n > st.lastID() {
		return nil
	}
	return st.messages[n-st.idBase-1]
}

// indexConv files m's conversation under the users (one-to-one) or the
// group that can see it, for historyConvsLocked.
func (st *state) indexConv(m *msgRec) {
	add := func(idx map[string]map[string]struct{}, key string) {
		set := idx[key]
		if set == nil {
			set = map[string]struct{}{}
			idx[key] = set
		}
		set[m.convID] = struct{}{}
	}
	if m.receiverType == "group" {
		add(st.groupConvs, m.receiver)
		return
	}
	add(st.directConvs, m.sender)
	add(st.directConvs, m.receiver)
}

// userMessages returns, ascending by id, the messages of every
// conversation that holds a message uid may see (canSee): its one-to-one
// conversations and those of the groups it is a member of. It is a
// superset of what canSee admits, and much smaller than all messages: a
// user-wide history (the SDK's recovery after every reconnect) reads it
// instead of every message of the app.
func (st *state) userMessages(uid string) []*msgRec {
	var ids []string
	seen := map[string]bool{}
	collect := func(set map[string]struct{}) {
		for id := range set {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	collect(st.directConvs[uid])
	for guid, set := range st.groupConvs {
		if g := st.groups[guid]; g != nil && g.members[uid] != nil {
			collect(set)
		}
	}
	switch len(ids) {
	case 0:
		return nil
	case 1:
		return st.convs[ids[0]]
	}
	var out []*msgRec
	for _, id := range ids {
		out = append(out, st.convs[id]...)
	}
	slices.SortFunc(out, func(a, b *msgRec) int { return cmp.Compare(a.id, b.id) })
	return out
}

// addMessage gives m the next id and stores it.
func (st *state) addMessage(m *msgRec) {
	m.id = st.lastID() + 1
	st.messages = append(st.messages, m)
	st.convs[m.convID] = append(st.convs[m.convID], m)
	st.indexConv(m)
	if m.muid != "" && m.isPlain() {
		st.byMuid[m.sender+"\x00"+m.muid] = m
	}
	st.touchMsg(m)
}

// otherParty returns the other user of a 1:1 message, seen from uid.
func (m *msgRec) otherParty(uid string) string {
	if m.sender == uid {
		return m.receiver
	}
	return m.sender
}
