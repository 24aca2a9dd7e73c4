package fakeserver

import (
	"encoding/json"
	"sort"
	"time"
)

// sendToUserLocked queues frame on every authenticated socket of uid except
// the originating session. Server.mu held.
func (s *Server) sendToUserLocked(uid, origin string, frame []byte) int {
	n := 0
	for c := range s.conns[uid] {
		if origin != "" && c.session == origin {
			continue
		}
		if s.sendLocked(c, frame) {
			n++
		}
	}
	return n
}

// pushMessageLocked pushes message m as a "message" frame to every user in
// uids (each rendered for its recipient), skipping the origin session.
// Recipients are taken in the order of uids; only the users with a socket
// cost a render, and the shared template is built only for more than two.
func (s *Server) pushMessageLocked(m *msgRec, origin string, uids []string) {
	online := make([]string, 0, len(uids))
	seen := make(map[string]bool, len(uids))
	for _, uid := range uids {
		if seen[uid] || len(s.conns[uid]) == 0 {
			continue
		}
		seen[uid] = true
		online = append(online, uid)
	}
	if len(online) == 0 {
		return
	}
	var tmpl *pushTemplate
	var ents *entityRenderer
	if len(online) > 2 {
		tmpl = s.pushTemplateLocked(m, origin) // nil when m does not allow one
		if tmpl != nil {
			ents = s.newEntityRenderer(m)
		}
	}
	for _, uid := range online {
		var frame []byte
		if tmpl != nil {
			frame = tmpl.render(ents.render(uid))
		} else {
			frame = s.renderPushLocked(m, origin, uid, nil)
		}
		s.sendToUserLocked(uid, origin, frame)
	}
}

// renderPushLocked renders the "message" frame of m for viewer (entities as
// in renderMessageWith).
func (s *Server) renderPushLocked(m *msgRec, origin, viewer string, entities json.RawMessage) []byte {
	return marshal(pushEnvelope{AppID: s.cfg.AppID, Receiver: m.receiver, ReceiverType: m.receiverType,
		DeviceID: origin, Type: "message", Sender: m.sender, Body: marshal(s.renderMessageWith(m, viewer, entities))})
}

// pushTemplate is the "message" frame of a plain message with its only
// viewer-dependent part, data.entities, cut out: a group message is
// rendered once, and each member's frame is head + that member's entities +
// tail, byte for byte what renderPushLocked gives (TestPushTemplate).
type pushTemplate struct {
	head, tail []byte
}

func (t *pushTemplate) render(entities []byte) []byte {
	out := make([]byte, 0, len(t.head)+len(entities)+len(t.tail))
	out = append(out, t.head...)
	out = append(out, entities...)
	return append(out, t.tail...)
}

// pushTemplateLocked returns the template of m's frame, or nil when m's
// frame depends on the viewer elsewhere than in data.entities (actions,
// calls, receipts) or the cut cannot be made unambiguously.
func (s *Server) pushTemplateLocked(m *msgRec, origin string) *pushTemplate {
	if m.category == catAction || m.category == catCall || m.receipts != nil {
		return nil
	}
	marker := []byte(`"` + newMarker("fakeserver-entities-") + `"`)
	head, tail, ok := cutAt(s.renderPushLocked(m, origin, "", marker), marker)
	if !ok {
		return nil
	}
	return &pushTemplate{head: head, tail: tail}
}

// audienceLocked lists who receives pushes about m: both parties of a 1:1
// message (minus a receiver who blocked the sender), or the group's members
// in no particular order.
func (s *Server) audienceLocked(m *msgRec) []string {
	if m.receiverType == "group" {
		g := s.st.groups[m.receiver]
		if g == nil {
			return nil
		}
		return memberUIDs(g)
	}
	out := []string{m.sender}
	if m.receiver != m.sender && !s.st.blocked(m.receiver, m.sender) {
		out = append(out, m.receiver)
	}
	return out
}

// broadcastPresenceLocked sends presence of uid to the subscribed sockets
// of other users. Server.mu held.
func (s *Server) broadcastPresenceLocked(uid, action, origin string) {
	u := s.st.users[uid]
	if u == nil {
		return
	}
	now := s.now()
	u.lastActiveAt = now
	s.st.touch(kUser, uid, "")
	frame := marshal(pushEnvelope{AppID: s.cfg.AppID, DeviceID: origin, Type: "presence", Sender: uid,
		Body: marshal(presenceBody{Action: action, Timestamp: now, User: s.renderUser(u, "")})})
	for c := range s.presenceSubs {
		if c.uid == uid || !s.wantsPresenceLocked(c, u) || s.st.blockedEither(c.uid, uid) {
			continue
		}
		s.sendLocked(c, frame)
	}
}

func (s *Server) wantsPresenceLocked(c *wsConn, u *userRec) bool {
	switch c.presence {
	case "ALL_USERS":
		return true
	case "ROLES":
		if len(c.roles) == 0 {
			return true // the JS SDK never sends its role list
		}
		for _, r := range c.roles {
			if r == normID(u.role) {
				return true
			}
		}
		return false
	case "FRIENDS":
		return s.st.isFriend(c.uid, u.uid)
	}
	return false
}

// applyReceiptLocked records a cumulative receipt: every message up to m in
// its conversation that reader received is delivered (and read) now.
func (s *Server) applyReceiptLocked(reader string, m *msgRec, action string, now int64) {
	uc := s.st.userConv(reader, m.convID)
	from := uc.deliveredUpTo
	if action == "read" {
		from = uc.readUpTo
	}
	if m.id <= from {
		return
	}
	msgs := s.st.convs[m.convID]
	i := sort.Search(len(msgs), func(i int) bool { return msgs[i].id > from })
	for ; i < len(msgs) && msgs[i].id <= m.id; i++ {
		x := msgs[i]
		if x.sender == reader || !x.isPlain() {
			continue
		}
		if x.receipts == nil {
			x.receipts = map[string]*receiptRec{}
		}
		r := x.receipts[reader]
		if r == nil {
			r = &receiptRec{}
			x.receipts[reader] = r
		}
		changed := false
		if r.deliveredAt == 0 {
			r.deliveredAt, changed = now, true
		}
		if action == "read" && r.readAt == 0 {
			r.readAt, changed = now, true
		}
		if changed {
			x.updatedAt = now
			s.st.touchMsg(x)
		}
	}
	if m.id > uc.deliveredUpTo {
		uc.deliveredUpTo = m.id
	}
	if action == "read" && m.id > uc.readUpTo {
		uc.readUpTo = m.id
	}
}

func (s *Server) frameDelay(c *wsConn) time.Duration {
	if s.hooks.delaying.Load() == 0 {
		return 0 // without taking the server's lock, which a push may hold
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.hooks.frameDelay[c.uid]; ok && c.uid != "" {
		return d
	}
	return s.hooks.frameDelay[""]
}

func (s *Server) refusingSockets() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Before(s.hooks.refuseUntil)
}
