package fakeserver

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// The REST API's Users and Auth Tokens (admin_http.go).

// restUserReq is a create or update body: the user fields and unset.
type restUserReq struct {
	userReq
	unsetReq
}

func (s *Server) aCreateUser(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[restUserReq](rc.body)
	if e != nil {
		return nil, e
	}
	return s.createUser(req.userReq, bool(req.WithAuthToken))
}

// newRESTTokenLocked creates an auth token of uid with its REST metadata.
func (s *Server) newRESTTokenLocked(uid string, now int64) string {
	tok := newToken(uid)
	s.st.addToken(tok, uid)
	s.st.setTokenMeta(tok, tokenMeta{createdAt: now})
	return tok
}

func (s *Server) aListUsers(rc *reqCtx) ([]byte, error) {
	q := rc.q
	search := strings.ToLower(q.get("searchKey"))
	searchIn := q.list("searchIn")
	status := strings.ToLower(q.get("status"))
	roles := append(q.list("roles"), q.list("role")...)
	tags := q.list("tags")
	onlyDeactivated, withDeactivated := q.flag("onlyDeactivated"), q.flag("withDeactivated")
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*userRec
	for _, u := range s.st.users {
		deactivated := u.deactivatedAt != 0
		switch {
		case onlyDeactivated && !deactivated, !onlyDeactivated && !withDeactivated && deactivated:
			continue
		case search != "" && !matchUserPrefix(u, search, searchIn):
			continue
		case len(roles) > 0 && !containsFold(roles, u.role):
			continue
		case len(tags) > 0 && !anyTag(u.tags, tags):
			continue
		}
		online := len(s.conns[u.uid]) > 0
		if (status == "available" || status == "online") && !online || status == "offline" && online {
			continue
		}
		list = append(list, u)
	}
	// newest first, as the documented cursor (updatedAt, prepend) says
	sort.Slice(list, func(i, j int) bool {
		a, b := updatedOr(list[i].updatedAt, list[i].createdAt), updatedOr(list[j].updatedAt, list[j].createdAt)
		if a != b {
			return a > b
		}
		return list[i].uid < list[j].uid
	})
	lo, hi, p := restPage(q, len(list))
	out := make([]userJSON, 0, hi-lo)
	meta := restMeta{Pagination: p}
	for _, u := range list[lo:hi] {
		out = append(out, s.renderUser(u, ""))
		meta.Cursor = &restCursor{UpdatedAt: updatedOr(u.updatedAt, u.createdAt), Affix: "prepend"}
	}
	return restList(out, meta), nil
}

// matchUserPrefix is the documented search: uid or name starting with key
// (searchIn name, uid or both).
func matchUserPrefix(u *userRec, key string, in []string) bool {
	name, uid := len(in) == 0, len(in) == 0
	for _, f := range in {
		switch strings.ToLower(f) {
		case "name":
			name = true
		case "uid":
			uid = true
		}
	}
	return name && strings.HasPrefix(strings.ToLower(u.name), key) || uid && strings.HasPrefix(u.uid, key)
}

type bulkUsersReq struct {
	Activate   stringList `json:"uidsToActivate"`
	Deactivate stringList `json:"uidsToDeactivate"`
}

func (s *Server) aReactivateUsers(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[bulkUsersReq](rc.body)
	if e != nil {
		return nil, e
	}
	uids := lowerAll(req.Activate)
	if len(uids) == 0 {
		return nil, badRequest("uidsToActivate", "At least one uid is required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	done := []string{}
	now := s.now()
	for _, uid := range uids {
		u := s.st.users[uid]
		if u == nil {
			continue
		}
		if u.deactivatedAt != 0 {
			u.deactivatedAt, u.updatedAt = 0, now
			s.st.touch(kUser, uid, "")
		}
		done = append(done, uid)
	}
	// the documented answer names the users that are active now
	return dataReply(map[string][]string{"nonDeactivatedUids": done}), nil
}

func (s *Server) aDeactivateUsers(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[bulkUsersReq](rc.body)
	if e != nil {
		return nil, e
	}
	uids := lowerAll(req.Deactivate)
	if len(uids) == 0 {
		return nil, badRequest("uidsToDeactivate", "At least one uid is required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	done := []string{}
	for _, uid := range uids {
		if s.st.users[uid] == nil {
			continue
		}
		s.deactivateLocked(uid)
		done = append(done, uid)
	}
	return dataReply(map[string][]string{"deactivatedUids": done}), nil
}

// deactivateLocked deactivates uid: its auth tokens (and their JWTs) stop
// working and its sockets are closed; its data stays.
func (s *Server) deactivateLocked(uid string) {
	u := s.st.users[uid]
	if u.deactivatedAt == 0 {
		u.deactivatedAt = s.now()
		s.st.touch(kUser, uid, "")
	}
	for tok, owner := range s.st.tokens {
		if owner == uid {
			s.revokeTokenLocked(tok)
		}
	}
	for c := range s.conns[uid] {
		s.dropLocked(c)
	}
}

func (s *Server) aGetUser(rc *reqCtx) ([]byte, error) {
	uid := rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[uid] // the app sees deactivated users too
	if u == nil || rc.uid != "" && u.deactivatedAt != 0 {
		return nil, errUIDNotFound(uid)
	}
	return dataReply(s.renderUser(u, rc.uid)), nil
}

func (s *Server) aUpdateUser(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[restUserReq](rc.body)
	if e != nil {
		return nil, e
	}
	unset, e := checkUnset(req.Unset, "avatar", "link", "metadata")
	if e != nil {
		return nil, e
	}
	uid := rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.st.users[uid]
	if u == nil {
		return nil, errUIDNotFound(uid)
	}
	upd := *u
	if e := applyUserFields(&upd, req.userReq); e != nil {
		return nil, e
	}
	if unset["avatar"] {
		upd.avatar = ""
	}
	if unset["link"] {
		upd.link = ""
	}
	if unset["metadata"] {
		upd.metadata = nil
	}
	upd.updatedAt = s.now()
	*u = upd
	s.st.touch(kUser, uid, "")
	return dataReply(s.renderUser(u, "")), nil
}

func (s *Server) aDeleteUser(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[deleteReq](rc.body)
	if e != nil {
		return nil, e
	}
	uid := rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.users[uid] == nil {
		return nil, errUIDNotFound(uid)
	}
	if req.Permanent {
		s.eraseUserLocked(uid)
	} else {
		s.deactivateLocked(uid)
	}
	return okJSON("User with " + uid + " has been deleted successfully."), nil
}

// Auth Tokens.

// tokenJSON is an auth token as the REST API renders it.
type tokenJSON struct {
	UID       string          `json:"uid"`
	AuthToken string          `json:"authToken"`
	CreatedAt int64           `json:"createdAt"`
	Platform  string          `json:"platform,omitempty"`
	UserAgent string          `json:"userAgent,omitempty"`
	AppInfo   json.RawMessage `json:"appInfo,omitempty"`
}

func (s *Server) renderToken(tok, uid string) tokenJSON {
	m := s.st.tokenMeta[tok]
	return tokenJSON{UID: uid, AuthToken: tok, CreatedAt: m.createdAt, Platform: m.platform, UserAgent: m.userAgent,
		AppInfo: cloneRaw(m.appInfo)}
}

// tokensOfLocked lists uid's auth tokens, oldest first.
func (s *Server) tokensOfLocked(uid string) []string {
	var out []string
	for tok, owner := range s.st.tokens {
		if owner == uid {
			out = append(out, tok)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := s.st.tokenMeta[out[i]].createdAt, s.st.tokenMeta[out[j]].createdAt
		if a != b {
			return a < b
		}
		return out[i] < out[j]
	})
	return out
}

func errAuthTokenNotFound(uid string) *apiError {
	return newErr(http.StatusNotFound, "ERR_AUTH_TOKEN_NOT_FOUND", "The user %s has no such auth token.", uid)
}

type tokenReq struct {
	Force     flexBool        `json:"force"`
	Platform  *flexString     `json:"platform"`
	UserAgent *flexString     `json:"userAgent"`
	AppInfo   json.RawMessage `json:"appInfo"`
}

// aCreateToken gives the user's newest auth token, or a new one when it has
// none or force is true (as CometChat reuses a user's token).
func (s *Server) aCreateToken(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[tokenReq](rc.body)
	if e != nil {
		return nil, e
	}
	uid := rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.user(uid) == nil {
		return nil, errUIDNotFound(uid)
	}
	var tok string
	if toks := s.tokensOfLocked(uid); len(toks) > 0 && !req.Force {
		tok = toks[len(toks)-1]
		if _, ok := s.st.tokenMeta[tok]; !ok { // made by a login: it gets a creation time now
			s.st.setTokenMeta(tok, tokenMeta{createdAt: s.now()})
		}
	} else {
		tok = s.newRESTTokenLocked(uid, s.now())
	}
	return dataReply(s.renderToken(tok, uid)), nil
}

func (s *Server) aListTokens(rc *reqCtx) ([]byte, error) {
	uid := rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.users[uid] == nil {
		return nil, errUIDNotFound(uid)
	}
	toks := s.tokensOfLocked(uid)
	lo, hi, p := restPage(rc.q, len(toks))
	out := make([]tokenJSON, 0, hi-lo)
	for _, tok := range toks[lo:hi] {
		out = append(out, s.renderToken(tok, uid))
	}
	return restList(out, restMeta{Pagination: p}), nil
}

func (s *Server) aFlushTokens(rc *reqCtx) ([]byte, error) {
	uid := rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.users[uid] == nil {
		return nil, errUIDNotFound(uid)
	}
	for _, tok := range s.tokensOfLocked(uid) {
		s.revokeTokenLocked(tok)
	}
	return okJSON("Cleared Auth Tokens successfully for uid " + uid + "."), nil
}

// userTokenLocked checks that the path's auth token belongs to the path's uid.
func (s *Server) userTokenLocked(rc *reqCtx) (uid, tok string, e *apiError) {
	uid, tok = rc.param("uid"), rc.param("authToken")
	if s.st.users[uid] == nil {
		return "", "", errUIDNotFound(uid)
	}
	if owner, ok := s.st.tokens[tok]; !ok || owner != uid {
		return "", "", errAuthTokenNotFound(uid)
	}
	return uid, tok, nil
}

func (s *Server) aGetToken(rc *reqCtx) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	uid, tok, e := s.userTokenLocked(rc)
	if e != nil {
		return nil, e
	}
	return dataReply(s.renderToken(tok, uid)), nil
}

func (s *Server) aUpdateToken(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[tokenReq](rc.body)
	if e != nil {
		return nil, e
	}
	if len(req.AppInfo) > 0 && string(req.AppInfo) != "null" && !isJSONObject(req.AppInfo) {
		return nil, badRequest("appInfo", "appInfo must be a JSON object.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	uid, tok, e := s.userTokenLocked(rc)
	if e != nil {
		return nil, e
	}
	m := s.st.tokenMeta[tok]
	if req.Platform != nil {
		m.platform = string(*req.Platform)
	}
	if req.UserAgent != nil {
		m.userAgent = string(*req.UserAgent)
	}
	if len(req.AppInfo) > 0 {
		m.appInfo = rawObject(req.AppInfo)
	}
	s.st.setTokenMeta(tok, m)
	return dataReply(s.renderToken(tok, uid)), nil
}

func (s *Server) aDeleteToken(rc *reqCtx) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	uid, tok, e := s.userTokenLocked(rc)
	if e != nil {
		return nil, e
	}
	s.revokeTokenLocked(tok)
	return okJSON("The auth token of " + uid + " has been deleted successfully."), nil
}

// Friends and Blocked Users, under /users/{uid}.

func (s *Server) aAddFriends(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[uidsReq](rc.body)
	if e != nil {
		return nil, e
	}
	uids := lowerAll(req.Accepted)
	if len(uids) == 0 {
		return nil, badRequest("accepted", "At least one uid is required.")
	}
	uid := rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.user(uid) == nil {
		return nil, errUIDNotFound(uid)
	}
	res := map[string]uidResult{}
	for _, f := range uids {
		switch {
		case s.st.user(f) == nil:
			res[f] = failure(errUIDNotFound(f))
		case f == uid:
			res[f] = failure(badRequest("uid", "A user cannot befriend themselves."))
		default:
			s.st.setFriends(uid, f, true)
			res[f] = uidResult{Success: true, Message: "Created relationship with status accepted."}
		}
	}
	return dataReply(friendsResult{Accepted: res}), nil
}

func (s *Server) aRemoveFriends(rc *reqCtx) ([]byte, error) {
	req, e := decodeBody[uidsReq](rc.body)
	if e != nil {
		return nil, e
	}
	if len(req.Friends) == 0 {
		return nil, badRequest("friends", "At least one uid is required.")
	}
	if _, err := s.changeFriends(rc, false); err != nil {
		return nil, err
	}
	return okJSON("Deleted the friend relations successfully"), nil
}

func (s *Server) aListFriends(rc *reqCtx) ([]byte, error) {
	uid := rc.param("uid")
	search := strings.ToLower(rc.q.get("searchKey"))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.user(uid) == nil {
		return nil, errUIDNotFound(uid)
	}
	var list []*userRec
	for f, on := range s.st.friends[uid] {
		u := s.st.user(f)
		if !on || u == nil {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(u.name), search) && !strings.Contains(u.uid, search) {
			continue
		}
		list = append(list, u)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].uid < list[j].uid })
	lo, hi, p := restPage(rc.q, len(list))
	out := make([]userJSON, 0, hi-lo)
	meta := restMeta{Pagination: p}
	for _, u := range list[lo:hi] {
		out = append(out, s.renderUser(u, uid))
		meta.Cursor = &restCursor{UpdatedAt: updatedOr(u.updatedAt, u.createdAt), Affix: "prepend"}
	}
	return restList(out, meta), nil
}

func (s *Server) aBlockUsers(rc *reqCtx) ([]byte, error)   { return s.restBlocks(rc, true) }
func (s *Server) aUnblockUsers(rc *reqCtx) ([]byte, error) { return s.restBlocks(rc, false) }

// restBlocks blocks or unblocks blockedUids for the path's user.
func (s *Server) restBlocks(rc *reqCtx, block bool) ([]byte, error) {
	uid := rc.param("uid")
	s.mu.Lock()
	ok := s.st.user(uid) != nil
	s.mu.Unlock()
	if !ok {
		return nil, errUIDNotFound(uid)
	}
	rc.uid = uid // the blocker
	if block {
		return s.hBlock(rc)
	}
	return s.hUnblock(rc)
}

func (s *Server) aListBlockedUsers(rc *reqCtx) ([]byte, error) {
	uid := rc.param("uid")
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.user(uid) == nil {
		return nil, errUIDNotFound(uid)
	}
	type entry struct {
		u   *userRec
		seq int64
	}
	var list []entry
	for b, rec := range s.st.blocks[uid] {
		if u := s.st.user(b); u != nil {
			list = append(list, entry{u, rec.seq})
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].seq < list[j].seq })
	lo, hi, p := restPage(rc.q, len(list))
	out := make([]userJSON, 0, hi-lo)
	meta := restMeta{Pagination: p}
	for _, e := range list[lo:hi] {
		out = append(out, s.renderUser(e.u, uid))
		meta.Cursor = &restCursor{UpdatedAt: updatedOr(e.u.updatedAt, e.u.createdAt), Affix: "prepend"}
	}
	return restList(out, meta), nil
}
