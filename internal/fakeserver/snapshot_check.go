package fakeserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrBadSnapshot is wrapped by every refusal of a snapshot (Import, the
// import hook, Config.Snapshot): the error names the first problem found.
var ErrBadSnapshot = errors.New("snapshot refused")

func snapErr(format string, args ...any) error {
	return fmt.Errorf("fakeserver: %w: %s", ErrBadSnapshot, fmt.Sprintf(format, args...))
}

// MaxSnapshotBytes bounds a snapshot given to the import hook.
const MaxSnapshotBytes = 1 << 30

// decodeSnapshot reads and validates a snapshot document: unknown fields,
// trailing data, a wrong format or version and dangling or duplicate
// references are refused.
func decodeSnapshot(doc []byte) (*snapshot, error) {
	var head struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
	}
	if err := json.Unmarshal(doc, &head); err != nil {
		return nil, snapErr("not a JSON snapshot: %v", err)
	}
	if head.Format != SnapshotFormat {
		return nil, snapErr("format is %q, want %q", head.Format, SnapshotFormat)
	}
	if head.Version != SnapshotVersion {
		return nil, snapErr("version %d is not supported (this server reads version %d)", head.Version, SnapshotVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	var sn snapshot
	if err := dec.Decode(&sn); err != nil {
		return nil, snapErr("%v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, snapErr("data after the snapshot's JSON object")
	}
	if err := sn.validate(); err != nil {
		return nil, err
	}
	return &sn, nil
}

// validate returns the first problem of sn, in document order, or nil.
func (sn *snapshot) validate() error {
	if sn.IDBase < 0 || sn.Seq < 0 {
		return snapErr("idBase and seq must not be negative")
	}
	users := map[string]bool{}
	for i, u := range sn.Users {
		switch {
		case !validID(u.UID):
			return snapErr("users[%d]: uid %q is not 1 to 100 of a-z, 0-9, _ and -", i, u.UID)
		case users[u.UID]:
			return snapErr("users[%d]: duplicate uid %q", i, u.UID)
		}
		users[u.UID] = true
	}
	userRef := func(where, field, uid string) error {
		if !users[uid] {
			return snapErr("%s: %s %q is not a user", where, field, uid)
		}
		return nil
	}
	tokens := map[string]bool{}
	for i, t := range sn.AuthTokens {
		where := fmt.Sprintf("authTokens[%d]", i)
		switch {
		case strings.TrimSpace(t.Token) == "":
			return snapErr("%s: empty token", where)
		case tokens[t.Token]:
			return snapErr("%s: duplicate token", where)
		}
		tokens[t.Token] = true
		if err := userRef(where, "uid", t.UID); err != nil {
			return err
		}
	}
	groups := map[string]bool{}
	for i, g := range sn.Groups {
		where := fmt.Sprintf("groups[%d] (%s)", i, g.GUID)
		switch {
		case !validID(g.GUID):
			return snapErr("groups[%d]: guid %q is not 1 to 100 of a-z, 0-9, _ and -", i, g.GUID)
		case groups[g.GUID]:
			return snapErr("groups[%d]: duplicate guid %q", i, g.GUID)
		case g.Type != GroupPublic && g.Type != GroupPassword && g.Type != GroupPrivate:
			return snapErr("%s: type %q is not public, password or private", where, g.Type)
		}
		groups[g.GUID] = true
		// a group the app created without an owner has none
		if err := userRef(where, "owner", g.Owner); g.Owner != "" && err != nil {
			return err
		}
		members := map[string]bool{}
		for j, m := range g.Members {
			w := fmt.Sprintf("%s members[%d]", where, j)
			if err := userRef(w, "uid", m.UID); err != nil {
				return err
			}
			if members[m.UID] {
				return snapErr("%s: duplicate member %q", w, m.UID)
			}
			if !validScope(m.Scope) {
				return snapErr("%s: scope %q is not admin, moderator or participant", w, m.Scope)
			}
			members[m.UID] = true
		}
		banned := map[string]bool{}
		for j, b := range g.Bans {
			w := fmt.Sprintf("%s bans[%d]", where, j)
			if err := userRef(w, "uid", b.UID); err != nil {
				return err
			}
			if banned[b.UID] || members[b.UID] {
				return snapErr("%s: %q is listed twice (banned twice, or banned and a member)", w, b.UID)
			}
			banned[b.UID] = true
		}
	}
	if err := sn.validateMessages(userRef); err != nil {
		return err
	}
	return sn.validatePerUser(userRef)
}

func (sn *snapshot) validateMessages(userRef func(where, field, uid string) error) error {
	last := sn.IDBase
	for i := range sn.Messages {
		m := &sn.Messages[i]
		where := fmt.Sprintf("messages[%d] (id %d)", i, m.ID)
		switch {
		case m.ID <= last:
			return snapErr("%s: duplicate or out-of-order message id (the previous id is %d)", where, last)
		case m.ID != last+1:
			return snapErr("%s: message ids must be consecutive from idBase+1: want %d", where, last+1)
		}
		last = m.ID
		if m.Erased {
			continue // deleted permanently: its users may be gone
		}
		if err := sn.validateMessage(where, m, userRef); err != nil {
			return err
		}
		if m.ParentID != 0 && (m.ParentID <= sn.IDBase || m.ParentID >= m.ID) {
			return snapErr("%s: parentId %d is not an earlier message", where, m.ParentID)
		}
		if o := m.OnMessage; o != nil {
			if o.ID <= sn.IDBase || o.ID >= m.ID {
				return snapErr("%s: onMessage.id %d is not an earlier message", where, o.ID)
			}
			if err := sn.validateMessage(where+" onMessage", o, userRef); err != nil {
				return err
			}
		}
	}
	return nil
}

func (sn *snapshot) validateMessage(where string, m *snapMessage, userRef func(where, field, uid string) error) error {
	// the app itself sends as app_system (REST API calls without onBehalfOf)
	if err := userRef(where, "sender", m.Sender); m.Sender != appSystemUID && err != nil {
		return err
	}
	switch m.ReceiverType {
	case "user":
		if err := userRef(where, "receiver", m.Receiver); err != nil {
			return err
		}
	case "group":
		// the group may have been deleted since: its messages stay, unreachable
		if !validID(m.Receiver) {
			return snapErr("%s: receiver %q is not a guid", where, m.Receiver)
		}
	default:
		return snapErr("%s: receiverType %q is not user or group", where, m.ReceiverType)
	}
	switch m.Category {
	case catMessage, catCustom, catAction, catCall:
	default:
		return snapErr("%s: category %q is not message, custom, action or call", where, m.Category)
	}
	if m.ConversationID == "" {
		return snapErr("%s: conversationId is empty", where)
	}
	if m.SendKey != "" {
		var k uint64
		if _, err := fmt.Sscanf(m.SendKey, "%x", &k); err != nil || len(m.SendKey) > 16 {
			return snapErr("%s: sendKey %q is not a hexadecimal number", where, m.SendKey)
		}
	}
	for j, r := range m.Receipts {
		if err := userRef(fmt.Sprintf("%s receipts[%d]", where, j), "uid", r.UID); err != nil {
			return err
		}
	}
	if m.OnCall != nil && m.OnCall.SessionID == "" {
		return snapErr("%s: onCall.sessionId is empty", where)
	}
	return nil
}

func (sn *snapshot) validatePerUser(userRef func(where, field, uid string) error) error {
	seen := map[string]bool{}
	for i, c := range sn.Conversations {
		where := fmt.Sprintf("conversations[%d]", i)
		if err := userRef(where, "uid", c.UID); err != nil {
			return err
		}
		if c.ConversationID == "" {
			return snapErr("%s: conversationId is empty", where)
		}
		if k := c.UID + "\x00" + c.ConversationID; seen[k] {
			return snapErr("%s: duplicate conversation %q of %q", where, c.ConversationID, c.UID)
		} else {
			seen[k] = true
		}
	}
	seen = map[string]bool{}
	for i, b := range sn.Blocks {
		where := fmt.Sprintf("blocks[%d]", i)
		if err := userRef(where, "blocker", b.Blocker); err != nil {
			return err
		}
		if err := userRef(where, "blocked", b.Blocked); err != nil {
			return err
		}
		if k := b.Blocker + "\x00" + b.Blocked; seen[k] || b.Blocker == b.Blocked {
			return snapErr("%s: duplicate or self block %q -> %q", where, b.Blocker, b.Blocked)
		} else {
			seen[k] = true
		}
	}
	seen = map[string]bool{}
	for i, f := range sn.Friends {
		where := fmt.Sprintf("friends[%d]", i)
		if err := userRef(where, "uid", f.UID); err != nil {
			return err
		}
		if err := userRef(where, "friend", f.Friend); err != nil {
			return err
		}
		if k := f.UID + "\x00" + f.Friend; seen[k] || f.UID == f.Friend {
			return snapErr("%s: duplicate or self friendship %q -> %q", where, f.UID, f.Friend)
		} else {
			seen[k] = true
		}
	}
	seen = map[string]bool{}
	for i, c := range sn.Calls {
		where := fmt.Sprintf("calls[%d]", i)
		if c.SessionID == "" || seen[c.SessionID] {
			return snapErr("%s: empty or duplicate sessionId %q", where, c.SessionID)
		}
		seen[c.SessionID] = true
		if err := userRef(where, "initiator", c.Initiator); err != nil {
			return err
		}
		if c.ReceiverType != "user" && c.ReceiverType != "group" {
			return snapErr("%s: receiverType %q is not user or group", where, c.ReceiverType)
		}
	}
	seen = map[string]bool{}
	for i, r := range sn.Sessions {
		where := fmt.Sprintf("sessions[%d]", i)
		if r.ID == "" || seen[r.ID] {
			return snapErr("%s: empty or duplicate id %q", where, r.ID)
		}
		seen[r.ID] = true
		if err := userRef(where, "uid", r.UID); err != nil {
			return err
		}
	}
	seen = map[string]bool{}
	for i, f := range sn.Media {
		where := fmt.Sprintf("media[%d]", i)
		if f.MessageID <= sn.IDBase || f.MessageID > sn.IDBase+int64(len(sn.Messages)) {
			return snapErr("%s: messageId %d is not a message", where, f.MessageID)
		}
		if f.Name == "" || strings.Contains(f.Name, "/") {
			return snapErr("%s: name %q is empty or holds a /", where, f.Name)
		}
		if k := itoa(f.MessageID) + "/" + f.Name; seen[k] {
			return snapErr("%s: duplicate file %q of message %d", where, f.Name, f.MessageID)
		} else {
			seen[k] = true
		}
	}
	return nil
}
