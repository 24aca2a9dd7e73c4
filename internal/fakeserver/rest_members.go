package fakeserver

import (
	"sort"
	"strings"
)

func (s *Server) hChangeScope(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[groupReq](rc.body)
	if e != nil {
		return nil, e
	}
	scope := strings.ToLower(strings.TrimSpace(string(req.Scope)))
	if !validScope(scope) {
		return nil, badRequest("scope", "The scope must be admin, moderator or participant.")
	}
	guid, target := rc.param("guid"), rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, me, e := s.actorForTargetLocked(guid, rc.uid, target)
	if e != nil {
		return nil, e
	}
	tm := g.members[target] // step 6
	if tm == nil {
		return nil, errNotAMember(target, guid)
	}
	if !scopeChangeAllowed(g, me, tm, scope) { // step 7 (step 9 adds nothing)
		return nil, errNoScopeClearance(rc.uid, target, scope)
	}
	if tm.scope == scope {
		return nil, errSameScope(target, scope)
	}
	old := tm.scope
	tm.scope = scope
	s.st.touch(kGroup, guid, "")
	act := s.groupActionLocked(g, rc.uid, "scopeChanged", target, old, scope)
	s.pushMessageLocked(act, rc.session, memberUIDs(g))
	return dataReply(successJSON{Success: true, Message: target + " is now " + scope + "."}), nil
}

// scopeChangeAllowed is step 7 of decision 13, the clearance table for
// scope changes: nobody changes the owner, only the owner changes another admin,
// admins promote and demote moderators and participants, moderators move
// them between moderator and participant only, participants change nothing.
func scopeChangeAllowed(g *groupRec, me, target *memberRec, newScope string) bool {
	switch {
	case target.uid == g.owner:
		return false
	case target.scope == ScopeAdmin:
		return me.uid == g.owner
	case me.scope == ScopeAdmin:
		return true
	case me.scope == ScopeModerator:
		return newScope != ScopeAdmin
	}
	return false
}

func (s *Server) hAddMembers(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[groupReq](rc.body)
	if e != nil {
		return nil, e
	}
	mr := req.membersReq
	if req.Members != nil {
		mr = *req.Members
	}
	if len(mr.Admins)+len(mr.Moderators)+len(mr.Participants)+len(mr.UsersToBan) == 0 {
		return nil, badRequest("participants", "At least one uid is required.")
	}
	guid := rc.param("guid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, me, e := s.memberGroupLocked(guid, rc.uid)
	if e != nil {
		return nil, e
	}
	if e := requireScope(me, guid, ScopeAdmin); e != nil {
		return nil, e
	}
	res, acts, extra := s.addMembersLocked(g, me, mr)
	s.pushGroupActionsLocked(g, acts, extra, rc.session)
	return dataReply(res), nil
}

// addMembersLocked adds and bans the users of req on behalf of me and
// returns the four result maps, the action messages and the banned users.
func (s *Server) addMembersLocked(g *groupRec, me *memberRec, req membersReq) (addMembersResult, []*msgRec, []string) {
	res := addMembersResult{Admins: map[string]uidResult{}, Moderators: map[string]uidResult{},
		Participants: map[string]uidResult{}, UsersToBan: map[string]uidResult{}}
	var acts []*msgRec
	var banned []string
	now := s.now()
	add := func(uids []string, scope string, out map[string]uidResult) {
		for _, uid := range lowerAll(uids) {
			act, e := s.addMemberLocked(g, me.uid, uid, scope, now)
			if e != nil {
				out[uid] = failure(e)
				continue
			}
			acts = append(acts, act)
			out[uid] = uidResult{Success: true, Message: uid + " added to " + g.guid + " as " + scope + ".",
				Data: marshal(s.renderMessage(act, me.uid))}
		}
	}
	add(req.Admins, ScopeAdmin, res.Admins)
	add(req.Moderators, ScopeModerator, res.Moderators)
	add(req.Participants, ScopeParticipant, res.Participants)
	for _, uid := range lowerAll(req.UsersToBan) {
		if uid == me.uid {
			res.UsersToBan[uid] = failure(errNoSelfAction(uid))
			continue
		}
		if e := s.banLocked(g, me, uid); e != nil {
			res.UsersToBan[uid] = failure(e)
			continue
		}
		act := s.groupActionLocked(g, me.uid, "banned", uid, "", "")
		acts = append(acts, act)
		banned = append(banned, uid)
		res.UsersToBan[uid] = uidResult{Success: true, Message: uid + " banned from " + g.guid + ".",
			Data: marshal(s.renderMessage(act, me.uid))}
	}
	return res, acts, banned
}

// pushGroupActionsLocked pushes acts to the members after the operation and
// to extra users.
func (s *Server) pushGroupActionsLocked(g *groupRec, acts []*msgRec, extra []string, origin string) {
	to := memberUIDs(g, extra...)
	for _, a := range acts {
		s.pushMessageLocked(a, origin, to)
	}
}

type memberJSON struct {
	userJSON
	GUID string `json:"guid,omitempty"`
}

func (s *Server) hListMembers(rc *reqCtx) ([]byte, error) {
	guid := rc.param("guid")
	search := strings.ToLower(rc.q.get("searchKey"))
	scopes := rc.q.list("scopes")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, _, e := s.memberGroupLocked(guid, rc.uid)
	if e != nil {
		return nil, e
	}
	var list []*memberRec
	for _, m := range g.sortedMembers() {
		u := s.st.users[m.uid]
		if u == nil {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(u.name), search) && !strings.Contains(u.uid, search) {
			continue
		}
		if len(scopes) > 0 && !containsFold(scopes, m.scope) {
			continue
		}
		list = append(list, m)
	}
	lo, hi, meta := pageBounds(rc.q, len(list), 100)
	out := make([]memberJSON, 0, hi-lo)
	for _, m := range list[lo:hi] {
		j := s.renderUID(m.uid, rc.uid)
		j.Scope, j.JoinedAt = m.scope, m.joinedAt
		out = append(out, memberJSON{userJSON: j, GUID: g.guid})
	}
	return listReply(out, meta), nil
}

func (s *Server) hListBanned(rc *reqCtx) ([]byte, error) {
	guid := rc.param("guid")
	search := strings.ToLower(rc.q.get("searchKey"))
	s.mu.Lock()
	defer s.mu.Unlock()
	g, me, e := s.memberGroupLocked(guid, rc.uid)
	if e != nil {
		return nil, e
	}
	if e := requireScope(me, guid, ScopeModerator); e != nil {
		return nil, e
	}
	var list []*banRec
	for _, b := range g.bans {
		u := s.st.users[b.uid]
		if u == nil {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(u.name), search) && !strings.Contains(u.uid, search) {
			continue
		}
		list = append(list, b)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].seq < list[j].seq })
	lo, hi, meta := pageBounds(rc.q, len(list), 100)
	out := make([]memberJSON, 0, hi-lo)
	for _, b := range list[lo:hi] {
		j := s.renderUID(b.uid, rc.uid)
		j.Scope = b.scope
		out = append(out, memberJSON{userJSON: j, GUID: g.guid})
	}
	return listReply(out, meta), nil
}

type transferReply struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
}

func (s *Server) hTransferOwnership(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[groupReq](rc.body)
	if e != nil {
		return nil, e
	}
	target := normID(string(req.Owner))
	if target == "" {
		return nil, badRequest("owner", "The new owner is required.")
	}
	guid := rc.param("guid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, me, e := s.memberGroupLocked(guid, rc.uid)
	if e != nil {
		return nil, e
	}
	if g.owner != rc.uid {
		return nil, errNoClearance(rc.uid, me.scope, target, guid)
	}
	if target == rc.uid {
		return nil, errNoSelfAction(rc.uid)
	}
	tm := g.members[target]
	if tm == nil {
		return nil, errNotAMember(target, guid)
	}
	g.owner = target
	g.updatedAt, g.updatedBy = s.now(), rc.uid
	s.st.touch(kGroup, guid, "")
	if tm.scope != ScopeAdmin {
		old := tm.scope
		tm.scope = ScopeAdmin
		act := s.groupActionLocked(g, rc.uid, "scopeChanged", target, old, ScopeAdmin)
		s.pushMessageLocked(act, rc.session, memberUIDs(g))
	}
	return dataReply(transferReply{Success: true, Message: "Ownership of the group " + guid + " transferred to " + target + "."}), nil
}

// addMemberLocked adds uid to g with scope as actor, for the client API and
// the REST API, and returns the "added" action; it refuses an unknown user,
// a banned one and a member.
func (s *Server) addMemberLocked(g *groupRec, actor, uid, scope string, now int64) (*msgRec, *apiError) {
	switch {
	case s.st.user(uid) == nil:
		return nil, errUIDNotFound(uid)
	case g.bans[uid] != nil:
		return nil, errBannedMember(uid, g.guid)
	case g.members[uid] != nil:
		return nil, errAlreadyJoined(uid, g.guid)
	}
	s.st.addMember(g, uid, scope, now)
	return s.groupActionLocked(g, actor, "added", uid, "", ""), nil
}
