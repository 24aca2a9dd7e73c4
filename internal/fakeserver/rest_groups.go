package fakeserver

import (
	"sort"
	"strings"
)

// Group checks in the order of decision 13 (corrected): 1 request shape,
// 2 group exists (a private group is invisible to non-members, except to a
// join), 3 actor banned, 4 actor a member, 5 no self action, 6 target state,
// 7 scope-change clearance, 8 kick/ban/unban clearance, 9 the actor's own
// scope, 10 same scope. The first failing check decides the code.

// visibleGroupLocked is step 2: the group exists and the actor may see it.
func (s *Server) visibleGroupLocked(guid, uid string) (*groupRec, *apiError) {
	g := s.st.groups[guid]
	if g == nil || !g.visibleTo(uid) {
		return nil, errGUIDNotFound(guid)
	}
	return g, nil
}

// memberGroupLocked is steps 2-4: visible, actor not banned, actor a member.
func (s *Server) memberGroupLocked(guid, uid string) (*groupRec, *memberRec, *apiError) {
	g, e := s.visibleGroupLocked(guid, uid)
	if e != nil {
		return nil, nil, e
	}
	if g.bans[uid] != nil {
		return nil, nil, errBannedMember(uid, guid)
	}
	m := g.members[uid]
	if m == nil {
		return nil, nil, errNotJoined(uid, guid)
	}
	return g, m, nil
}

var scopeRank = map[string]int{ScopeParticipant: 1, ScopeModerator: 2, ScopeAdmin: 3}

func validScope(s string) bool { return scopeRank[s] > 0 }

// requireScope is step 9 of decision 13: me needs scope least or higher.
// An operation needing a moderator answers ERR_GROUP_NO_MODERATOR_SCOPE, one
// needing an admin (delete, add members) ERR_GROUP_NO_ADMIN_SCOPE, whatever
// the actor's scope. Member scopes are always one of the three.
func requireScope(me *memberRec, guid, least string) *apiError {
	switch {
	case scopeRank[me.scope] >= scopeRank[least]:
		return nil
	case least == ScopeAdmin:
		return errNoAdminScope(me.uid, guid)
	default:
		return errNoModeratorScope(me.uid, guid)
	}
}

// hasClearance is step 8 of decision 13: whether actor has clearance over a
// kick, ban or unban target whose scope is targetScope ("" for a user banned
// while not a member). Nobody but the owner over the owner; admins over
// every other scope; participants and moderators over participants only
// (a participant then fails step 9).
func hasClearance(g *groupRec, actor *memberRec, targetUID, targetScope string) bool {
	if targetUID == g.owner {
		return actor.uid == g.owner && targetUID != actor.uid
	}
	if actor.scope == ScopeAdmin {
		return true
	}
	return targetScope == ScopeParticipant || targetScope == ""
}

// groupActionLocked stores a groupMember action message.
func (s *Server) groupActionLocked(g *groupRec, actor, action, on, oldScope, newScope string) *msgRec {
	now := s.now()
	act := &msgRec{convID: groupConvID(g.guid), sender: actor, receiver: g.guid, receiverType: "group",
		category: catAction, typ: "groupMember", action: action, onUser: on, scopeOld: oldScope, scopeNew: newScope,
		sentAt: now, updatedAt: now}
	s.st.addMessage(act)
	return act
}

// memberUIDs lists the group's members in no particular order (map order:
// it is the audience of a push, where only each socket's own frame order
// matters), plus extra users.
func memberUIDs(g *groupRec, extra ...string) []string {
	out := make([]string, 0, len(g.members)+len(extra))
	for uid := range g.members {
		out = append(out, uid)
	}
	return append(out, extra...)
}

func (s *Server) hGetGroup(rc *reqCtx) ([]byte, error) {
	guid := rc.param("guid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, e := s.visibleGroupLocked(guid, rc.uid)
	if e != nil {
		return nil, e
	}
	return dataReply(s.renderGroup(g, rc.uid)), nil
}

func (s *Server) hListGroups(rc *reqCtx) ([]byte, error) {
	q := rc.q
	search := strings.ToLower(q.get("searchKey"))
	tags := q.list("tags")
	joined := q.flag("hasJoined")
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*groupRec
	for _, g := range s.st.groups {
		if !g.visibleTo(rc.uid) {
			continue
		}
		if joined && g.members[rc.uid] == nil {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(g.name), search) && !strings.Contains(g.guid, search) {
			continue
		}
		if len(tags) > 0 && !anyTag(g.tags, tags) {
			continue
		}
		list = append(list, g)
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := strings.ToLower(list[i].name), strings.ToLower(list[j].name)
		if a != b {
			return a < b
		}
		return list[i].guid < list[j].guid
	})
	lo, hi, meta := pageBounds(q, len(list), 100)
	out := make([]groupJSON, 0, hi-lo)
	for _, g := range list[lo:hi] {
		out = append(out, s.renderGroup(g, rc.uid))
	}
	return listReply(out, meta), nil
}

// applyGroupFields validates and applies the writable fields of a create or
// update request.
func applyGroupFields(g *groupRec, req groupReq, creating bool) *apiError {
	if req.Name != nil || creating {
		name := ""
		if req.Name != nil {
			name = strings.TrimSpace(string(*req.Name))
		}
		if name == "" {
			return badRequest("name", "The group name is required.")
		}
		g.name = name
	}
	if req.Type != nil || creating {
		t := ""
		if req.Type != nil {
			t = strings.ToLower(strings.TrimSpace(string(*req.Type)))
		}
		if t != GroupPublic && t != GroupPassword && t != GroupPrivate {
			return badRequest("type", "The type must be public, password or private.")
		}
		pass := g.password
		if req.Password != nil && string(*req.Password) != "" {
			pass = string(*req.Password)
		}
		if t == GroupPassword && pass == "" {
			return errEmptyGroupPass(g.guid)
		}
		if t != GroupPassword {
			pass = ""
		}
		g.typ, g.password = t, pass
	}
	if req.Icon != nil {
		g.icon = string(*req.Icon)
	}
	if req.Description != nil {
		g.description = string(*req.Description)
	}
	if req.Metadata != nil {
		g.metadata = metadataValue(req.Metadata)
	}
	if req.Tags != nil {
		g.tags = append([]string(nil), (*req.Tags)...)
	}
	return nil
}

func (s *Server) hCreateGroup(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[groupReq](rc.body)
	if e != nil {
		return nil, e
	}
	guid := normID(string(req.GUID))
	if !validID(guid) {
		return nil, badRequest("guid", "The guid must be 1 to 100 letters, digits, _ or -.")
	}
	now := s.now()
	g := &groupRec{guid: guid, owner: rc.uid, createdAt: now, members: map[string]*memberRec{},
		bans: map[string]*banRec{}, joinSeq: map[string]int64{}}
	if e := applyGroupFields(g, req, true); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.groups[guid] != nil {
		return nil, errGUIDExists(guid)
	}
	s.st.addGroup(g)
	s.st.addMember(g, rc.uid, ScopeAdmin, now)
	j := s.renderGroup(g, rc.uid)
	if req.Members != nil {
		res, acts, extra := s.addMembersLocked(g, g.members[rc.uid], *req.Members)
		s.pushGroupActionsLocked(g, acts, extra, rc.session)
		j = s.renderGroup(g, rc.uid)
		j.Members = &groupMembersBlock{Data: res}
	}
	return dataReply(j), nil
}

func (s *Server) hUpdateGroup(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[groupReq](rc.body)
	if e != nil {
		return nil, e
	}
	guid := rc.param("guid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, me, e := s.memberGroupLocked(guid, rc.uid)
	if e != nil {
		return nil, e
	}
	if e := requireScope(me, guid, ScopeModerator); e != nil {
		return nil, e
	}
	upd := *g
	if e := applyGroupFields(&upd, req, false); e != nil {
		return nil, e
	}
	upd.updatedAt, upd.updatedBy = s.now(), rc.uid
	*g = upd
	s.st.touch(kGroup, guid, "")
	return dataReply(s.renderGroup(g, rc.uid)), nil
}

func (s *Server) hDeleteGroup(rc *reqCtx) ([]byte, error) {
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
	s.deleteGroupLocked(g)
	return dataReply(successJSON{Success: true, Message: "The group " + guid + " has been deleted."}), nil
}

// deleteGroupLocked removes g and every member's conversation state of it,
// for the client API and the REST API.
func (s *Server) deleteGroupLocked(g *groupRec) {
	delete(s.st.groups, g.guid)
	s.st.touch(kGroup, g.guid, "")
	for uid, convs := range s.st.uconv {
		if _, ok := convs[groupConvID(g.guid)]; ok {
			delete(convs, groupConvID(g.guid))
			s.st.touch(kConv, uid, groupConvID(g.guid))
		}
	}
}

func (s *Server) hJoinGroup(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[groupReq](rc.body)
	if e != nil {
		return nil, e
	}
	guid := rc.param("guid")
	s.mu.Lock()
	defer s.mu.Unlock()
	// step 2 without the visibility rule: a join of a private group by a
	// non-member is ERR_GROUP_JOIN_NOT_ALLOWED after the banned and
	// already-joined checks
	g := s.st.groups[guid]
	if g == nil {
		return nil, errGUIDNotFound(guid)
	}
	if g.bans[rc.uid] != nil {
		return nil, errBannedMember(rc.uid, guid)
	}
	if g.members[rc.uid] != nil {
		return nil, errAlreadyJoined(rc.uid, guid)
	}
	switch g.typ {
	case GroupPrivate:
		return nil, errJoinNotAllowed(guid)
	case GroupPassword:
		pass := ""
		if req.Password != nil {
			pass = string(*req.Password)
		}
		if pass == "" {
			return nil, errEmptyGroupPass(guid)
		}
		if pass != g.password {
			return nil, errWrongGroupPass(guid)
		}
	}
	s.st.addMember(g, rc.uid, ScopeParticipant, s.now())
	act := s.groupActionLocked(g, rc.uid, "joined", "", "", "")
	s.pushMessageLocked(act, rc.session, memberUIDs(g))
	return dataReply(s.renderMessage(act, rc.uid)), nil
}

func (s *Server) hLeaveGroup(rc *reqCtx) ([]byte, error) {
	guid := rc.param("guid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, _, e := s.memberGroupLocked(guid, rc.uid)
	if e != nil {
		return nil, e
	}
	if g.owner == rc.uid {
		return nil, newErr(403, "ERR_GROUP_NO_CLEARANCE", "The owner %s cannot leave the group %s before transferring the ownership.", rc.uid, guid)
	}
	delete(g.members, rc.uid)
	s.st.touch(kGroup, guid, "")
	act := s.groupActionLocked(g, rc.uid, "left", "", "", "")
	s.pushMessageLocked(act, rc.session, memberUIDs(g, rc.uid))
	return dataReply(successJSON{Success: true, Message: rc.uid + " left the group " + guid + "."}), nil
}

// actorForTargetLocked runs steps 2-5 of decision 13 for kick, ban, unban
// and scope changes.
func (s *Server) actorForTargetLocked(guid, actor, target string) (*groupRec, *memberRec, *apiError) {
	g, me, e := s.memberGroupLocked(guid, actor)
	if e != nil {
		return nil, nil, e
	}
	if target == actor {
		return nil, nil, errNoSelfAction(actor)
	}
	return g, me, nil
}

func (s *Server) hKick(rc *reqCtx) ([]byte, error) { return s.targetAction(rc, "kicked", s.kickLocked) }

func (s *Server) hBan(rc *reqCtx) ([]byte, error) { return s.targetAction(rc, "banned", s.banLocked) }

func (s *Server) hUnban(rc *reqCtx) ([]byte, error) {
	return s.targetAction(rc, "unbanned", s.unbanLocked)
}

// targetAction runs a kick, ban or unban of the uid in the path by the
// caller: steps 2-5 of decision 13, then apply (steps 6, 8 and 9 and the
// change), then the action message pushed to the members and the target.
func (s *Server) targetAction(rc *reqCtx, action string, apply func(g *groupRec, me *memberRec, target string) *apiError) ([]byte, error) {
	guid, target := rc.param("guid"), rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, me, e := s.actorForTargetLocked(guid, rc.uid, target)
	if e != nil {
		return nil, e
	}
	if e := apply(g, me, target); e != nil {
		return nil, e
	}
	s.st.touch(kGroup, guid, "")
	act := s.groupActionLocked(g, rc.uid, action, target, "", "")
	s.pushMessageLocked(act, rc.session, memberUIDs(g, target))
	return dataReply(successJSON{Success: true, Message: target + " " + action + " from " + guid + "."}), nil
}

// clearanceAndScope is steps 8 and 9 of decision 13 for a kick, ban or
// unban of a target whose scope is targetScope.
func clearanceAndScope(g *groupRec, me *memberRec, target, targetScope string) *apiError {
	if !hasClearance(g, me, target, targetScope) {
		return errNoClearance(me.uid, me.scope, target, g.guid)
	}
	return requireScope(me, g.guid, ScopeModerator)
}

// kickLocked checks steps 6, 8 and 9 for a kick and applies it.
func (s *Server) kickLocked(g *groupRec, me *memberRec, target string) *apiError {
	tm := g.members[target]
	if tm == nil {
		return errNotAMember(target, g.guid)
	}
	if e := clearanceAndScope(g, me, target, tm.scope); e != nil {
		return e
	}
	delete(g.members, target)
	return nil
}

// banLocked checks steps 6, 8 and 9 for a ban and applies it.
func (s *Server) banLocked(g *groupRec, me *memberRec, target string) *apiError {
	if g.bans[target] != nil {
		return errAlreadyBanned(target, g.guid)
	}
	if s.st.user(target) == nil {
		return errUIDNotFound(target)
	}
	scope := ""
	if tm := g.members[target]; tm != nil {
		scope = tm.scope
	}
	if e := clearanceAndScope(g, me, target, scope); e != nil {
		return e
	}
	s.st.ban(g, target, s.now())
	return nil
}

// unbanLocked checks steps 6, 8 and 9 for an unban and applies it.
func (s *Server) unbanLocked(g *groupRec, me *memberRec, target string) *apiError {
	b := g.bans[target]
	if b == nil {
		return errNotBanned(target, g.guid)
	}
	if e := clearanceAndScope(g, me, target, b.scope); e != nil {
		return e
	}
	delete(g.bans, target)
	return nil
}
