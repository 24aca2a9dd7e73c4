package fakeserver

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
)

// entityRenderer renders data.entities of one plain group message for each
// member of a push, byte for byte what renderEntities gives (TestPushTemplate)
// without marshalling two entities per member: the group entity depends on
// the viewer only through its membership (joined, scope, joinedAt), so it is
// rendered once per distinct membership; the sender entity depends on the
// viewer only through conversationId (and blocks), so it is rendered once
// with the conversationId cut out. Viewers with blocks either way, the
// sender itself, and non-group messages take renderEntities. Server.mu held.
type entityRenderer struct {
	s          *Server
	m          *msgRec
	head, tail []byte // sender entity around its conversationId value; nil: no cut
	groups     map[groupView][]byte
	g          *groupRec
}

// groupView is what a viewer changes in a group entity.
type groupView struct {
	joined   bool
	scope    string
	joinedAt int64
}

func (s *Server) newEntityRenderer(m *msgRec) *entityRenderer {
	r := &entityRenderer{s: s, m: m}
	if m.receiverType != "group" {
		return r
	}
	u, g := s.st.users[m.sender], s.st.groups[m.receiver]
	if u == nil || g == nil || !plainID(m.sender) {
		return r
	}
	r.g, r.groups = g, map[groupView][]byte{}
	marker := newMarker("fakeserver-conversation-")
	j := s.renderUser(u, "")
	j.ConversationID = marker
	if head, tail, ok := cutAt(marshal(j), []byte(marker)); ok {
		r.head, r.tail = head, tail
	}
	return r
}

// render returns data.entities as viewer sees it.
func (r *entityRenderer) render(viewer string) []byte {
	s, m := r.s, r.m
	if r.g == nil || r.head == nil || viewer == "" || viewer == m.sender || !plainID(viewer) || s.st.blockedEither(viewer, m.sender) {
		return s.renderEntities(m, viewer)
	}
	var v groupView
	if mem := r.g.members[viewer]; mem != nil {
		v = groupView{joined: true, scope: mem.scope, joinedAt: mem.joinedAt}
	}
	ge, ok := r.groups[v]
	if !ok {
		ge = marshal(s.renderGroup(r.g, viewer))
		r.groups[v] = ge
	}
	conv := userConvID(viewer, m.sender)
	const (
		p1 = `{"sender":{"entity":`
		p2 = `,"entityType":"user"},"receiver":{"entity":`
		p3 = `,"entityType":"group"}}`
	)
	out := make([]byte, 0, len(p1)+len(r.head)+len(conv)+len(r.tail)+len(p2)+len(ge)+len(p3))
	out = append(out, p1...)
	out = append(out, r.head...)
	out = append(out, conv...)
	out = append(out, r.tail...)
	out = append(out, p2...)
	out = append(out, ge...)
	return append(out, p3...)
}

// newMarker returns prefix followed by 24 random hex digits: a string that
// rendered data does not contain by chance, to be found and cut out again.
func newMarker(prefix string) string {
	var nonce [12]byte
	_, _ = rand.Read(nonce[:])
	return prefix + hex.EncodeToString(nonce[:])
}

// cutAt splits b around marker; ok is false unless marker occurs exactly
// once.
func cutAt(b, marker []byte) (head, tail []byte, ok bool) {
	if bytes.Count(b, marker) != 1 {
		return nil, nil, false
	}
	i := bytes.Index(b, marker)
	return b[:i], b[i+len(marker):], true
}

// plainID reports whether id needs no escaping inside a JSON string.
func plainID(id string) bool {
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}
