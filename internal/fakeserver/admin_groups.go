package fakeserver

import (
	"sort"
	"strings"
)

// The REST API's Groups, Group Members and Banned Users (admin_http.go).
// With onBehalfOf the named user acts, with that member's rights (decision
// 13's checks, as in the client API); without it the app acts as an admin
// of every group, member or not, under the uid app_system.

// appActor is the app acting in a group: an admin that is no member.
func appActor() *memberRec { return &memberRec{uid: appSystemUID, scope: ScopeAdmin} }

// restGroupActorLocked finds the group and the actor: the onBehalfOf member
// (steps 2-4 of decision 13), or the app.
func (s *Server) restGroupActorLocked(rc *reqCtx, guid string) (*groupRec, *memberRec, *apiError) {
	if rc.uid != "" {
		return s.memberGroupLocked(guid, rc.uid)
	}
	g := s.st.groups[guid]
	if g == nil {
		return nil, nil, errGUIDNotFound(guid)
	}
	return g, appActor(), nil
}

// viewerOf is whom a reply is rendered for: the acting user, or nobody.
func viewerOf(me *memberRec) string {
	if me == nil || me.uid == appSystemUID {
		return ""
	}
	return me.uid
}

type restGroupReq struct {
	groupReq
	unsetReq
}

func (s *Server) aCreateGroup(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[restGroupReq](rc.body)
	if e != nil {
		return nil, e
	}
	guid := normID(string(req.GUID))
	if !validID(guid) {
		return nil, badRequest("guid", "The guid must be 1 to 100 letters, digits, _ or -.")
	}
	owner := normID(string(req.Owner))
	if owner == "" {
		owner = rc.uid
	}
	now := s.now()
	g := &groupRec{guid: guid, owner: owner, createdAt: now, members: map[string]*memberRec{},
		bans: map[string]*banRec{}, joinSeq: map[string]int64{}}
	if e := applyGroupFields(g, req.groupReq, true); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if owner != "" && s.st.user(owner) == nil {
		return nil, errUIDNotFound(owner)
	}
	if s.st.groups[guid] != nil {
		return nil, errGUIDExists(guid)
	}
	s.st.addGroup(g)
	actor := appActor()
	if rc.uid != "" {
		actor = s.st.addMember(g, rc.uid, ScopeAdmin, now)
	}
	if owner != "" && g.members[owner] == nil {
		s.st.addMember(g, owner, ScopeAdmin, now)
	}
	if req.Members != nil {
		_, acts, extra := s.restAddMembersLocked(g, actor, *req.Members)
		s.pushGroupActionsLocked(g, acts, extra, "")
	}
	viewer := rc.uid
	if viewer == "" {
		viewer = owner
	}
	return dataReply(s.renderGroup(g, viewer)), nil
}

func (s *Server) aListGroups(rc *reqCtx) ([]byte, error) {
	q := rc.q
	search := strings.ToLower(q.get("searchKey"))
	searchIn := q.list("searchIn")
	tags := q.list("tags")
	types := append(q.list("types"), q.list("type")...)
	joined := q.flag("hasJoined") && rc.uid != ""
	affix, since := strings.ToLower(q.get("affix")), q.int64("updatedAt")
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*groupRec
	for _, g := range s.st.groups {
		switch {
		case rc.uid != "" && !g.visibleTo(rc.uid), joined && g.members[rc.uid] == nil:
			continue
		case search != "" && !matchGroupSearch(g, search, searchIn):
			continue
		case len(tags) > 0 && !anyTag(g.tags, tags), len(types) > 0 && !containsFold(types, g.typ):
			continue
		}
		if t := updatedOr(g.updatedAt, g.createdAt); since > 0 && (affix == "append" && t <= since || affix != "append" && t >= since) {
			continue
		}
		list = append(list, g)
	}
	sortGroups(list, q.get("sortBy"), q.get("sortOrder"))
	lo, hi, p := restPage(q, len(list))
	out := make([]groupJSON, 0, hi-lo)
	meta := restMeta{Pagination: p}
	for _, g := range list[lo:hi] {
		out = append(out, s.renderGroup(g, rc.uid))
		meta.Cursor = &restCursor{UpdatedAt: updatedOr(g.updatedAt, g.createdAt), Affix: "prepend"}
	}
	return restList(out, meta), nil
}

func matchGroupSearch(g *groupRec, key string, in []string) bool {
	name, guid := len(in) == 0, len(in) == 0
	for _, f := range in {
		switch strings.ToLower(f) {
		case "name":
			name = true
		case "guid":
			guid = true
		}
	}
	return name && strings.Contains(strings.ToLower(g.name), key) || guid && strings.Contains(g.guid, key)
}

// sortGroups orders a group list: by sortBy (name, guid or createdAt;
// default the newest change first) in sortOrder (asc or desc).
func sortGroups(list []*groupRec, by, order string) {
	desc := strings.EqualFold(order, "desc")
	key := func(g *groupRec) (string, int64) {
		switch strings.ToLower(by) {
		case "name":
			return strings.ToLower(g.name), 0
		case "guid":
			return g.guid, 0
		case "createdat":
			return "", g.createdAt
		}
		return "", -updatedOr(g.updatedAt, g.createdAt) // newest first by default
	}
	sort.Slice(list, func(i, j int) bool {
		si, ni := key(list[i])
		sj, nj := key(list[j])
		if si != sj {
			return (si < sj) != desc
		}
		if ni != nj {
			return (ni < nj) != desc
		}
		return (list[i].guid < list[j].guid) != desc
	})
}

func (s *Server) aGetGroup(rc *reqCtx) ([]byte, error) {
	guid := rc.param("guid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.st.groups[guid]
	if g == nil || rc.uid != "" && !g.visibleTo(rc.uid) {
		return nil, errGUIDNotFound(guid)
	}
	return dataReply(s.renderGroup(g, rc.uid)), nil
}

func (s *Server) aUpdateGroup(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[restGroupReq](rc.body)
	if e != nil {
		return nil, e
	}
	unset, e := checkUnset(req.Unset, "icon", "description", "metadata")
	if e != nil {
		return nil, e
	}
	guid := rc.param("guid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, me, e := s.restGroupActorLocked(rc, guid)
	if e != nil {
		return nil, e
	}
	if e := requireScope(me, guid, ScopeModerator); e != nil {
		return nil, e
	}
	// the owner field counts only when the app acts (documented: ignored
	// with onBehalfOf)
	owner := ""
	if rc.uid == "" {
		owner = normID(string(req.Owner))
		if owner != "" && s.st.user(owner) == nil {
			return nil, errUIDNotFound(owner)
		}
		if owner != "" && g.bans[owner] != nil {
			return nil, errBannedMember(owner, guid)
		}
	}
	upd := *g
	if e := applyGroupFields(&upd, req.groupReq, false); e != nil {
		return nil, e
	}
	if unset["icon"] {
		upd.icon = ""
	}
	if unset["description"] {
		upd.description = ""
	}
	if unset["metadata"] {
		upd.metadata = nil
	}
	now := s.now()
	upd.updatedAt, upd.updatedBy = now, me.uid
	*g = upd
	s.st.touch(kGroup, guid, "")
	if owner != "" && owner != g.owner {
		s.makeOwnerLocked(g, me, owner)
	}
	return dataReply(s.renderGroup(g, rc.uid)), nil
}

// makeOwnerLocked makes uid the owner of g, adding it as an admin or making
// it one, with the action message members see.
func (s *Server) makeOwnerLocked(g *groupRec, me *memberRec, uid string) {
	g.owner = uid
	var act *msgRec
	switch m := g.members[uid]; {
	case m == nil:
		s.st.addMember(g, uid, ScopeAdmin, s.now())
		act = s.groupActionLocked(g, me.uid, "added", uid, "", "")
	case m.scope != ScopeAdmin:
		old := m.scope
		m.scope = ScopeAdmin
		act = s.groupActionLocked(g, me.uid, "scopeChanged", uid, old, ScopeAdmin)
	}
	s.st.touch(kGroup, g.guid, "")
	if act != nil {
		s.pushMessageLocked(act, "", memberUIDs(g))
	}
}

func (s *Server) aDeleteGroup(rc *reqCtx) ([]byte, error) {
	guid := rc.param("guid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, me, e := s.restGroupActorLocked(rc, guid)
	if e != nil {
		return nil, e
	}
	if e := requireScope(me, guid, ScopeAdmin); e != nil {
		return nil, e
	}
	s.deleteGroupLocked(g)
	return okJSON("Group with guid " + guid + " has been deleted successfully."), nil
}

// Group Members.

// restAddResult is the answer of an add: one map per list the request gave.
type restAddResult struct {
	Admins       map[string]uidResult `json:"admins,omitempty"`
	Moderators   map[string]uidResult `json:"moderators,omitempty"`
	Participants map[string]uidResult `json:"participants,omitempty"`
	UsersToBan   map[string]uidResult `json:"usersToBan,omitempty"`
}

// restAddMembersLocked adds and bans the users of req as me: each added
// user's entry holds the "added" action message ({"success":true,"data":…}),
// a ban's entry {"success":true}. It returns the actions and the banned users.
func (s *Server) restAddMembersLocked(g *groupRec, me *memberRec, req membersReq) (restAddResult, []*msgRec, []string) {
	var res restAddResult
	var acts []*msgRec
	var banned []string
	now := s.now()
	viewer := viewerOf(me)
	add := func(uids []string, scope string) map[string]uidResult {
		if len(uids) == 0 {
			return nil
		}
		out := map[string]uidResult{}
		for _, uid := range lowerAll(uids) {
			act, e := s.addMemberLocked(g, me.uid, uid, scope, now)
			if e != nil {
				out[uid] = failure(e)
				continue
			}
			acts = append(acts, act)
			out[uid] = uidResult{Success: true, Data: marshal(s.renderMessage(act, viewer))}
		}
		return out
	}
	res.Admins = add(req.Admins, ScopeAdmin)
	res.Moderators = add(req.Moderators, ScopeModerator)
	res.Participants = add(req.Participants, ScopeParticipant)
	if len(req.UsersToBan) > 0 {
		res.UsersToBan = map[string]uidResult{}
	}
	for _, uid := range lowerAll(req.UsersToBan) {
		if uid == me.uid {
			res.UsersToBan[uid] = failure(errNoSelfAction(uid))
			continue
		}
		if e := s.banLocked(g, me, uid); e != nil {
			res.UsersToBan[uid] = failure(e)
			continue
		}
		acts = append(acts, s.groupActionLocked(g, me.uid, "banned", uid, "", ""))
		banned = append(banned, uid)
		res.UsersToBan[uid] = uidResult{Success: true}
	}
	return res, acts, banned
}

func (s *Server) aAddMembers(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[membersReq](rc.body)
	if e != nil {
		return nil, e
	}
	if len(req.Admins)+len(req.Moderators)+len(req.Participants)+len(req.UsersToBan) == 0 {
		return nil, badRequest("participants", "At least one of admins, moderators, participants or usersToBan is required.")
	}
	guid := rc.param("guid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, me, e := s.restGroupActorLocked(rc, guid)
	if e != nil {
		return nil, e
	}
	if e := requireScope(me, guid, ScopeAdmin); e != nil {
		return nil, e
	}
	res, acts, extra := s.restAddMembersLocked(g, me, req)
	s.pushGroupActionsLocked(g, acts, extra, "")
	return dataReply(res), nil
}

func (s *Server) aListMembers(rc *reqCtx) ([]byte, error) {
	guid := rc.param("guid")
	scopes := rc.q.list("scopes")
	status := strings.ToLower(rc.q.get("status"))
	search := strings.ToLower(rc.q.get("searchKey"))
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.st.groups[guid]
	if g == nil {
		return nil, errGUIDNotFound(guid)
	}
	var list []*memberRec
	for _, m := range g.sortedMembers() {
		u := s.st.users[m.uid]
		online := len(s.conns[m.uid]) > 0
		switch {
		case u == nil, len(scopes) > 0 && !containsFold(scopes, m.scope):
			continue
		case (status == "available" || status == "online") && !online, status == "offline" && online:
			continue
		case search != "" && !strings.Contains(strings.ToLower(u.name), search) && !strings.Contains(u.uid, search):
			continue
		}
		list = append(list, m)
	}
	lo, hi, p := restPage(rc.q, len(list))
	out := make([]userJSON, 0, hi-lo)
	meta := restMeta{Pagination: p}
	for _, m := range list[lo:hi] {
		u := s.st.users[m.uid]
		j := s.renderUser(u, "")
		j.Scope, j.JoinedAt = m.scope, m.joinedAt
		out = append(out, j)
		meta.Cursor = &restCursor{UpdatedAt: updatedOr(u.updatedAt, u.createdAt), Affix: "prepend"}
	}
	return restList(out, meta), nil
}

type scopeReply struct {
	GUID     string `json:"guid"`
	UID      string `json:"uid"`
	Scope    string `json:"scope"`
	JoinedAt int64  `json:"joinedAt"`
}

func (s *Server) aChangeScope(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[groupReq](rc.body)
	if e != nil {
		return nil, e
	}
	scope := strings.ToLower(strings.TrimSpace(string(req.Scope)))
	if scope == "" {
		scope = ScopeParticipant // the documented default
	}
	if !validScope(scope) {
		return nil, badRequest("scope", "The scope must be admin, moderator or participant.")
	}
	guid, target := rc.param("guid"), rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, me, e := s.restGroupActorLocked(rc, guid)
	if e != nil {
		return nil, e
	}
	if target == me.uid {
		return nil, errNoSelfAction(me.uid)
	}
	tm := g.members[target]
	if tm == nil {
		return nil, errNotAMember(target, guid)
	}
	allowed := scopeChangeAllowed(g, me, tm, scope)
	if me.uid == appSystemUID {
		allowed = target != g.owner // the app changes every scope but the owner's
	}
	if !allowed {
		return nil, errNoScopeClearance(me.uid, target, scope)
	}
	if tm.scope == scope {
		return nil, errSameScope(target, scope)
	}
	old := tm.scope
	tm.scope = scope
	s.st.touch(kGroup, guid, "")
	act := s.groupActionLocked(g, me.uid, "scopeChanged", target, old, scope)
	s.pushMessageLocked(act, "", memberUIDs(g))
	return dataReply(scopeReply{GUID: guid, UID: target, Scope: scope, JoinedAt: tm.joinedAt}), nil
}

func (s *Server) aKick(rc *reqCtx) ([]byte, error) {
	return s.restTargetAction(rc, "kicked", s.kickLocked, func(uid, guid string) string {
		return "The member with " + uid + " has been kicked from the Group with " + guid + "."
	})
}

func (s *Server) aBan(rc *reqCtx) ([]byte, error) {
	return s.restTargetAction(rc, "banned", s.banLocked, func(uid, guid string) string {
		return "The user with uid " + uid + " has been banned from the Group with " + guid + "."
	})
}

func (s *Server) aUnban(rc *reqCtx) ([]byte, error) {
	return s.restTargetAction(rc, "unbanned", s.unbanLocked, func(uid, guid string) string {
		return "The user with uid " + uid + " has been unbanned from the Group with " + guid + "."
	})
}

// restTargetAction runs a kick, ban or unban of the path's uid by the actor
// (the app has an admin's clearance, which does not reach the owner).
func (s *Server) restTargetAction(rc *reqCtx, action string, apply func(g *groupRec, me *memberRec, target string) *apiError,
	message func(uid, guid string) string) ([]byte, error) {
	guid, target := rc.param("guid"), rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g, me, e := s.restGroupActorLocked(rc, guid)
	if e != nil {
		return nil, e
	}
	if target == me.uid {
		return nil, errNoSelfAction(me.uid)
	}
	if e := apply(g, me, target); e != nil {
		return nil, e
	}
	s.st.touch(kGroup, guid, "")
	act := s.groupActionLocked(g, me.uid, action, target, "", "")
	s.pushMessageLocked(act, "", memberUIDs(g, target))
	return okJSON(message(target, guid)), nil
}

func (s *Server) aListBanned(rc *reqCtx) ([]byte, error) {
	guid := rc.param("guid")
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.st.groups[guid]
	if g == nil {
		return nil, errGUIDNotFound(guid)
	}
	var list []*banRec
	for _, b := range g.bans {
		if s.st.users[b.uid] != nil {
			list = append(list, b)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].seq < list[j].seq })
	lo, hi, p := restPage(rc.q, len(list))
	out := make([]userJSON, 0, hi-lo)
	for _, b := range list[lo:hi] {
		out = append(out, s.renderUser(s.st.users[b.uid], ""))
	}
	return restList(out, restMeta{Pagination: p}), nil
}
