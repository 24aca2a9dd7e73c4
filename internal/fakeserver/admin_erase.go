package fakeserver

import "strings"

// Permanent deletes of the REST API: a user deleted with {"permanent":true}
// goes with everything that names it, so that its uid can be created again
// as a new user with nothing of the old one. Messages keep their ids (they
// stay consecutive) as erased records that nobody sees.

// eraseUserLocked deletes uid and everything that refers to it.
func (s *Server) eraseUserLocked(uid string) {
	for c := range s.conns[uid] {
		s.dropLocked(c)
	}
	for tok, owner := range s.st.tokens {
		if owner == uid {
			s.revokeTokenLocked(tok)
		}
	}
	for id, r := range s.st.sessions {
		if r.uid == uid {
			delete(s.st.sessions, id)
			s.st.touch(kSession, id, "")
		}
	}
	for b := range s.st.blocks[uid] {
		s.st.unblock(uid, b)
	}
	for a := range s.st.blocks {
		s.st.unblock(a, uid)
	}
	for f := range s.st.friends[uid] {
		s.st.setFriends(uid, f, false)
	}
	for _, g := range s.st.groups {
		s.leaveGroupForGoodLocked(g, uid)
	}
	for cid := range s.st.uconv[uid] {
		s.st.touch(kConv, uid, cid)
	}
	delete(s.st.uconv, uid)
	for other, convs := range s.st.uconv {
		cid := userConvID(uid, other)
		if _, ok := convs[cid]; ok {
			delete(convs, cid)
			s.st.touch(kConv, other, cid)
		}
	}
	for sid, c := range s.st.calls {
		switch {
		case c.initiator == uid, c.receiverType == "user" && c.receiver == uid:
			delete(s.st.calls, sid)
			s.st.touch(kCall, sid, "")
		case c.joined[uid]:
			delete(c.joined, uid)
			s.st.touch(kCall, sid, "")
		}
	}
	for _, m := range s.st.messages {
		switch {
		case m.erased:
		case namesUser(m, uid):
			s.eraseMessageLocked(m)
		case m.receipts[uid] != nil:
			delete(m.receipts, uid)
			s.st.touchMsg(m)
		}
	}
	delete(s.st.users, uid)
	s.st.touch(kUser, uid, "")
}

// leaveGroupForGoodLocked removes uid's membership and ban of g; a group it
// owned goes to its longest-standing admin, else to its longest-standing
// member (made admin), else it keeps no owner.
func (s *Server) leaveGroupForGoodLocked(g *groupRec, uid string) {
	_, member := g.members[uid]
	_, banned := g.bans[uid]
	if !member && !banned && g.owner != uid {
		return
	}
	delete(g.members, uid)
	delete(g.bans, uid)
	delete(g.joinSeq, uid)
	if g.owner == uid {
		g.owner = ""
		ms := g.sortedMembers()
		for _, m := range ms {
			if m.scope == ScopeAdmin {
				g.owner = m.uid
				break
			}
		}
		if g.owner == "" && len(ms) > 0 {
			ms[0].scope = ScopeAdmin
			g.owner = ms[0].uid
		}
	}
	s.st.touch(kGroup, g.guid, "")
}

// namesUser reports whether m (or the message or call it is about) was sent
// by uid, to uid, or is an action on uid.
func namesUser(m *msgRec, uid string) bool {
	switch {
	case m == nil:
		return false
	case m.sender == uid, m.receiverType == "user" && m.receiver == uid, m.onUser == uid:
		return true
	case m.onCall != nil && (m.onCall.initiator == uid || m.onCall.receiverType == "user" && m.onCall.receiver == uid):
		return true
	}
	return namesUser(m.onMessage, uid)
}

// eraseMessageLocked deletes m permanently: it keeps its id and its
// conversation (so that the store and snapshots stay consistent) and loses
// everything else; its files go too.
func (s *Server) eraseMessageLocked(m *msgRec) {
	if m.erased {
		return
	}
	if m.muid != "" && s.st.byMuid[m.sender+"\x00"+m.muid] == m {
		delete(s.st.byMuid, m.sender+"\x00"+m.muid)
	}
	if m.parentID != 0 {
		if p := s.st.message(itoa(m.parentID)); p != nil && !p.erased && p.replyCount > 0 {
			p.replyCount--
			s.st.touchMsg(p)
		}
	}
	prefix := m.idString() + "/"
	for k, f := range s.st.media {
		if strings.HasPrefix(k, prefix) {
			s.st.mediaBytes -= int64(len(f.data))
			delete(s.st.media, k)
			s.st.touch(kMedia, k, "")
		}
	}
	m.erased = true
	m.muid, m.sendKey, m.data, m.tags, m.receipts = "", 0, nil, nil, nil
	m.onMessage, m.onCall, m.onUser, m.action, m.scopeOld, m.scopeNew = nil, nil, "", "", "", ""
	m.editedBy, m.deletedBy, m.replyCount = "", "", 0
	m.updatedAt = s.now()
	s.st.touchMsg(m)
}
