package fakeserver

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

func (s *Server) settings(r *http.Request) *settingsJSON {
	hostport, host, port := s.publicHost(r)
	return &settingsJSON{
		ChatHost: host, ChatWSSPort: port, ChatWSPort: port, ChatUseSSL: !s.cfg.Plain,
		ClientAPIHost: hostport, AdminAPIHost: hostport, ChatAPIVersion: "v3.0", WSAPIVersion: "v3.0",
		Mode: "DEFAULT", AppVersion: 3, Region: s.cfg.Region, MainDomain: host, ExtensionDomain: host,
		AnalyticsPingDisabled: true, AnalyticsHost: hostport, AnalyticsVersion: "v1", AnalyticsUseSSL: !s.cfg.Plain,
		SettingsHash: "fake-settings-1", SettingsHashReceivedAt: s.now(),
		Extensions: s.extensions(), Parameters: s.features(),
	}
}

func (s *Server) extensions() []extensionJSON {
	out := make([]extensionJSON, 0, len(s.cfg.Extensions))
	for _, e := range s.cfg.Extensions {
		out = append(out, extensionJSON(e))
	}
	return out
}

func (s *Server) features() map[string]bool {
	out := make(map[string]bool, len(s.cfg.Features))
	for k, v := range s.cfg.Features {
		out[k] = v
	}
	return out
}

func (s *Server) hSettings(rc *reqCtx) ([]byte, error) {
	return dataReply(s.settings(rc.r)), nil
}

func (s *Server) hAnalyticsPing(rc *reqCtx) ([]byte, error) {
	return dataReply(successJSON{Success: true}), nil
}

type onlineMembersReq struct {
	Groups stringList `json:"groups"`
}

type onlineMembersJSON struct {
	OnlineUsersCount *int           `json:"onlineUsersCount,omitempty"`
	Groups           map[string]int `json:"groups,omitempty"`
}

// hOnlineMembers serves POST /api/{ver}/online-members,
// authenticated with the raw JWT in Authorization.
func (s *Server) hOnlineMembers(rc *reqCtx) ([]byte, error) {
	tok := strings.TrimPrefix(strings.TrimSpace(rc.r.Header.Get("Authorization")), "Bearer ")
	claims, err := verifyJWT(s.jwtKey, tok, s.cfg.Now())
	if err != nil || !s.appOK(claims.AppID) {
		return nil, errEmptyAuthToken()
	}
	req, e := decodeBody[onlineMembersReq](rc.body)
	if e != nil {
		return nil, e
	}
	viewer := normID(claims.UID)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.user(viewer) == nil || !s.st.tokenLive(claims.TID) {
		return nil, errEmptyAuthToken()
	}
	if len(req.Groups) == 0 {
		n := len(s.conns)
		return dataReply(onlineMembersJSON{OnlineUsersCount: &n}), nil
	}
	out := map[string]int{}
	for _, guid := range lowerAll(req.Groups) {
		n := 0
		// a private group the caller is not a member of is counted as a
		// group that does not exist, as every read of it answers
		if g := s.st.groups[guid]; g != nil && g.visibleTo(viewer) {
			for uid := range g.members {
				if len(s.conns[uid]) > 0 {
					n++
				}
			}
		}
		out[guid] = n
	}
	return dataReply(onlineMembersJSON{Groups: out}), nil
}

func newToken(uid string) string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return uid + "_" + hex.EncodeToString(b)
}

// recordSessionLocked remembers the device of a login body per session.
func (s *Server) recordSessionLocked(rc *reqCtx, uid string, req userReq) {
	if rc.session == "" {
		return
	}
	rec := s.st.sessions[rc.session]
	if rec == nil {
		rec = &sessionRec{id: rc.session}
		s.st.sessions[rc.session] = rec
	}
	s.st.touch(kSession, rc.session, "")
	rec.uid, rec.loggedOut = uid, false
	if req.DeviceID != "" {
		rec.deviceID = string(req.DeviceID)
	}
	if req.Platform != "" {
		rec.platform = string(req.Platform)
	}
	if len(req.AppInfo) > 0 {
		rec.appInfo = append(json.RawMessage(nil), req.AppInfo...)
		var ai struct {
			Push *struct {
				Token    string          `json:"fcmDeviceToken"`
				Settings json.RawMessage `json:"settings"`
			} `json:"pushNotification"`
		}
		if json.Unmarshal(req.AppInfo, &ai) == nil && ai.Push != nil && ai.Push.Token != "" {
			rec.pushToken = ai.Push.Token
			rec.pushSettings = append(json.RawMessage(nil), ai.Push.Settings...)
		}
	}
}

func (s *Server) hCreateAuthToken(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[userReq](rc.body)
	if e != nil {
		return nil, e
	}
	uid := rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.user(uid)
	if u == nil {
		if !s.cfg.AutoCreateUsers || !validID(uid) || s.st.users[uid] != nil {
			return nil, errUIDNotFound(uid)
		}
		u = &userRec{uid: uid, name: uid, role: "default", createdAt: s.now()}
		s.st.users[uid] = u
		s.st.touch(kUser, uid, "")
	}
	tok := newToken(uid)
	s.st.addToken(tok, uid)
	s.st.setTokenMeta(tok, tokenMeta{createdAt: s.now(), platform: string(req.Platform)}) // listed by the REST API
	s.recordSessionLocked(rc, uid, req)
	j := s.renderUser(u, "")
	j.AuthToken = tok
	j.CreatedAt = s.now()
	return dataReply(j), nil
}

// applyUserFields copies the fields present in req onto u.
func applyUserFields(u *userRec, req userReq) *apiError {
	if req.Name != nil {
		name := strings.TrimSpace(string(*req.Name))
		if name == "" {
			return badRequest("name", "The name must not be empty.")
		}
		u.name = name
	}
	if req.Avatar != nil {
		u.avatar = string(*req.Avatar)
	}
	if req.Link != nil {
		u.link = string(*req.Link)
	}
	if req.Role != nil {
		u.role = strings.TrimSpace(string(*req.Role))
		if u.role == "" {
			u.role = "default"
		}
	}
	if req.StatusMessage != nil {
		u.statusMessage = string(*req.StatusMessage)
	}
	if req.Metadata != nil {
		u.metadata = metadataValue(req.Metadata)
	}
	if req.Tags != nil {
		u.tags = append([]string(nil), (*req.Tags)...)
	}
	return nil
}

func (s *Server) hCreateUser(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[userReq](rc.body)
	if e != nil {
		return nil, e
	}
	return s.createUser(req, bool(req.WithAuthToken) && rc.restKey)
}

// createUser creates the user req describes, for the client API and the
// REST API; withToken adds a new auth token to the reply.
func (s *Server) createUser(req userReq, withToken bool) ([]byte, error) {
	uid := normID(string(req.UID))
	if !validID(uid) {
		return nil, badRequest("uid", "The uid must be 1 to 100 letters, digits, _ or -.")
	}
	if req.Name == nil || strings.TrimSpace(string(*req.Name)) == "" {
		return nil, badRequest("name", "The name is required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.users[uid] != nil || uid == appSystemUID {
		return nil, errUIDExists(uid)
	}
	now := s.now()
	u := &userRec{uid: uid, role: "default", createdAt: now}
	if e := applyUserFields(u, req); e != nil {
		return nil, e
	}
	s.st.users[uid] = u
	s.st.touch(kUser, uid, "")
	j := s.renderUser(u, "")
	if withToken {
		j.AuthToken = s.newRESTTokenLocked(uid, now)
	}
	return dataReply(j), nil
}

func (s *Server) hUpdateUser(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[userReq](rc.body)
	if e != nil {
		return nil, e
	}
	uid := rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.user(uid)
	if u == nil {
		return nil, errUIDNotFound(uid)
	}
	if e := applyUserFields(u, req); e != nil {
		return nil, e
	}
	u.updatedAt = s.now()
	s.st.touch(kUser, uid, "")
	return dataReply(s.renderUser(u, "")), nil
}

// hDeleteUser deactivates a user (REST API key only): its tokens stop
// working and its sockets are closed.
func (s *Server) hDeleteUser(rc *reqCtx) ([]byte, error) {
	uid := rc.param("uid")
	s.mu.Lock()
	u := s.st.user(uid)
	if u == nil {
		s.mu.Unlock()
		return nil, errUIDNotFound(uid)
	}
	u.deactivatedAt = s.now()
	s.st.touch(kUser, uid, "")
	for tok, owner := range s.st.tokens {
		if owner == uid {
			s.st.removeToken(tok)
		}
	}
	for c := range s.conns[uid] {
		s.dropLocked(c)
	}
	s.mu.Unlock()
	return dataReply(successJSON{Success: true, Message: "The user " + uid + " has been deleted."}), nil
}

func (s *Server) hAddFriends(rc *reqCtx) ([]byte, error) {
	return s.changeFriends(rc, true)
}

func (s *Server) hRemoveFriends(rc *reqCtx) ([]byte, error) {
	return s.changeFriends(rc, false)
}

type friendsResult struct {
	Accepted map[string]uidResult `json:"accepted,omitempty"`
	Removed  map[string]uidResult `json:"removed,omitempty"`
}

func (s *Server) changeFriends(rc *reqCtx, add bool) ([]byte, error) {
	req, e := decodeBody[uidsReq](rc.body)
	if e != nil {
		return nil, e
	}
	uids := req.Accepted
	if !add && len(req.Friends) > 0 {
		uids = req.Friends
	}
	uid := rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.user(uid) == nil {
		return nil, errUIDNotFound(uid)
	}
	res := map[string]uidResult{}
	for _, f := range lowerAll(uids) {
		if s.st.user(f) == nil {
			res[f] = failure(errUIDNotFound(f))
			continue
		}
		if f == uid {
			res[f] = failure(badRequest("uid", "A user cannot befriend themselves."))
			continue
		}
		s.st.setFriends(uid, f, add)
		res[f] = uidResult{Success: true}
	}
	if add {
		return dataReply(friendsResult{Accepted: res}), nil
	}
	return dataReply(friendsResult{Removed: res}), nil
}

func (st *state) setFriends(a, b string, on bool) {
	for _, pair := range [][2]string{{a, b}, {b, a}} {
		if on {
			if st.friends[pair[0]] == nil {
				st.friends[pair[0]] = map[string]bool{}
			}
			st.friends[pair[0]][pair[1]] = true
		} else {
			delete(st.friends[pair[0]], pair[1])
		}
		st.touch(kFriend, pair[0], pair[1])
	}
}

func failure(e *apiError) uidResult {
	return uidResult{Success: false, Error: &errorJSON{Code: e.Code, Message: e.Message, Details: map[string][]string{}}}
}

// meReplyLocked renders the logged-in user with the session bootstrap fields.
func (s *Server) meReplyLocked(rc *reqCtx, u *userRec) userJSON {
	j := s.renderUser(u, "")
	j.AuthToken = rc.token
	now := s.cfg.Now()
	j.JWT = signJWT(s.jwtKey, jwtClaims{UID: u.uid, AppID: rc.app(), Iat: now.Unix(), Exp: now.Add(jwtLifetime).Unix(),
		TID: tokenID(rc.token)})
	_, host, _ := s.publicHost(rc.r)
	j.WSChannel = &wsChannelJSON{Identity: "[" + rc.app() + "]" + u.uid, Secret: "", Service: host}
	j.Settings = s.settings(rc.r)
	return j
}

func (s *Server) hGetMe(rc *reqCtx) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.user(rc.uid)
	if u == nil {
		return nil, errUIDNotFound(rc.uid)
	}
	return dataReply(s.meReplyLocked(rc, u)), nil
}

func (s *Server) hPutMe(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[userReq](rc.body)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.user(rc.uid)
	if u == nil {
		return nil, errUIDNotFound(rc.uid)
	}
	req.Role = nil // users cannot change their own role
	if req.Name != nil || req.Avatar != nil || req.Link != nil || req.StatusMessage != nil || req.Metadata != nil || req.Tags != nil {
		if e := applyUserFields(u, req); e != nil {
			return nil, e
		}
		u.updatedAt = s.now()
		s.st.touch(kUser, u.uid, "")
	}
	s.recordSessionLocked(rc, u.uid, req)
	return dataReply(s.meReplyLocked(rc, u)), nil
}

func (s *Server) hDeleteMe(rc *reqCtx) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec := s.st.sessions[rc.session]; rec != nil {
		rec.loggedOut = true
		s.st.touch(kSession, rc.session, "")
	}
	if s.cfg.RevokeTokenOnLogout && rc.token != "" {
		s.revokeTokenLocked(rc.token)
	}
	return dataReply(successJSON{Success: true, Message: "Logged out successfully."}), nil
}

type jwtReply struct {
	Token string `json:"token"`
}

func (s *Server) hJWT(rc *reqCtx) ([]byte, error) {
	now := s.cfg.Now()
	return dataReply(jwtReply{Token: signJWT(s.jwtKey, jwtClaims{UID: rc.uid, AppID: rc.app(), Iat: now.Unix(),
		Exp: now.Add(jwtLifetime).Unix(), TID: tokenID(rc.token)})}), nil
}

func (s *Server) hGetUser(rc *reqCtx) ([]byte, error) {
	uid := rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.user(uid)
	if u == nil {
		return nil, errUIDNotFound(uid)
	}
	return dataReply(s.renderUser(u, rc.uid)), nil
}

// hListUsers serves GET users with the filters of the SDK's UsersRequest.
func (s *Server) hListUsers(rc *reqCtx) ([]byte, error) {
	q := rc.q
	search := strings.ToLower(q.get("searchKey"))
	searchIn := q.list("searchIn")
	status := strings.ToLower(q.get("status"))
	roles := q.list("roles")
	tags := q.list("tags")
	uids := lowerAll(q.list("uids"))
	hideBlocked, friendsOnly := q.flag("hideBlockedUsers"), q.flag("friendsOnly")
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*userRec
	for _, u := range s.st.users {
		if u.deactivatedAt != 0 {
			continue
		}
		if search != "" && !matchUserSearch(u, search, searchIn) {
			continue
		}
		online := len(s.conns[u.uid]) > 0
		if (status == "available" || status == "online") && !online || status == "offline" && online {
			continue
		}
		if len(roles) > 0 && !containsFold(roles, u.role) {
			continue
		}
		if len(tags) > 0 && !anyTag(u.tags, tags) {
			continue
		}
		if len(uids) > 0 && !containsFold(uids, u.uid) {
			continue
		}
		if hideBlocked && s.st.blockedEither(rc.uid, u.uid) {
			continue
		}
		if friendsOnly && !s.st.isFriend(rc.uid, u.uid) {
			continue
		}
		list = append(list, u)
	}
	byName := strings.EqualFold(q.get("sortBy"), "name")
	desc := strings.EqualFold(q.get("sortOrder"), "desc")
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if !byName {
			oa, ob := len(s.conns[a.uid]) > 0, len(s.conns[b.uid]) > 0
			if oa != ob {
				return oa != desc
			}
		}
		na, nb := strings.ToLower(a.name), strings.ToLower(b.name)
		if na != nb {
			return (na < nb) != desc
		}
		return (a.uid < b.uid) != desc
	})
	lo, hi, meta := pageBounds(q, len(list), 100)
	out := make([]userJSON, 0, hi-lo)
	for _, u := range list[lo:hi] {
		out = append(out, s.renderUser(u, rc.uid))
	}
	return listReply(out, meta), nil
}

func matchUserSearch(u *userRec, key string, in []string) bool {
	name, uid := len(in) == 0, len(in) == 0
	for _, f := range in {
		switch strings.ToLower(f) {
		case "name":
			name = true
		case "uid":
			uid = true
		}
	}
	return name && strings.Contains(strings.ToLower(u.name), key) || uid && strings.Contains(u.uid, key)
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

func anyTag(have, want []string) bool {
	for _, w := range want {
		if containsFold(have, w) {
			return true
		}
	}
	return false
}
