package fakeserver

import (
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
)

// The REST API as CometChat documents it (https://www.cometchat.com/docs/rest-api,
// built from chat-apis.json in github.com/cometchat/docs): what a backend
// calls with its REST API key, at https://{appId}.api-{region}.cometchat.io/v3.
//
// A request is served here when its path is under /v3 (not /v3.0, the client
// API the SDKs call) and it carries no authToken header. It needs no appId
// header: the app is the appId header when there is one, else the app named
// by a Host of the form {appId}.api-{region}.cometchat.io, else the app the
// server hosts. The header apikey holds the REST API key (the auth key may
// only create users and auth tokens, as its authOnly scope allows). The
// header onBehalfOf names the acting user only on the endpoints whose page
// documents it; without it the app itself acts, with every admin right and
// no membership needed (decision 2).

// obMode says what an endpoint does with the onBehalfOf header.
type obMode uint8

const (
	obNone     obMode = iota // not documented: ignored
	obOptional               // documented, optional: the app acts without it
	obRequired               // documented as required
)

// adminRoute is one documented endpoint of the REST API.
type adminRoute struct {
	method   string
	path     string // as documented, e.g. "/users/{uid}/auth_tokens"
	resource string // the docs' section, e.g. "Auth Tokens"
	title    string // the docs' page title
	ob       obMode
	authKey  bool // the auth key may call it too
	rate     rateKind
	h        handlerFunc // nil: documented but not served (reason)
	reason   string
	pattern  []string
}

// notServedResources are the documented resources the emulator does not
// serve at all: every path under them answers errNotServed.
var notServedResources = []struct {
	prefix   string // path prefix under /v3
	resource string
}{
	{"/apikeys", "API Keys"},
	{"/roles", "Roles, Restrict Features and RBAC"},
	{"/notifications", "Notifications"},
	{"/stats", "Metrics"},
	{"/moderation", "Moderation"},
	{"/data_import", "Data Import"},
	{"/webhooks", "Webhooks"},
	{"/triggers", "Webhooks"},
}

// groupScopePermissions is the RBAC path under a group.
var groupScopePermissions = regexp.MustCompile(`^/groups/[^/]+/scopes(/|$)`)

func (s *Server) adminRoutes() []adminRoute {
	const (
		users, tokens, groups, members = "Users", "Auth Tokens", "Groups", "Group Members"
		banned, messages, convs        = "Banned Users", "Messages", "Conversations"
		friends, blocked               = "Friends", "Blocked Users"
	)
	notServed := func(why string) string { return why }
	rs := []adminRoute{
		// Users
		{method: "POST", path: "/users", resource: users, title: "Create", authKey: true, rate: rateCore, h: s.aCreateUser},
		{method: "GET", path: "/users", resource: users, title: "List", h: s.aListUsers},
		{method: "PUT", path: "/users", resource: users, title: "Reactivate", rate: rateCore, h: s.aReactivateUsers},
		{method: "DELETE", path: "/users", resource: users, title: "Deactivate", rate: rateCore, h: s.aDeactivateUsers},
		{method: "GET", path: "/users/{uid}", resource: users, title: "Get", ob: obOptional, h: s.aGetUser},
		{method: "PUT", path: "/users/{uid}", resource: users, title: "Update", h: s.aUpdateUser},
		{method: "DELETE", path: "/users/{uid}", resource: users, title: "Delete", rate: rateCore, h: s.aDeleteUser},
		// Auth Tokens
		{method: "POST", path: "/users/{uid}/auth_tokens", resource: tokens, title: "Create", authKey: true, rate: rateCore, h: s.aCreateToken},
		{method: "GET", path: "/users/{uid}/auth_tokens", resource: tokens, title: "List", h: s.aListTokens},
		{method: "DELETE", path: "/users/{uid}/auth_tokens", resource: tokens, title: "Flush", h: s.aFlushTokens},
		{method: "GET", path: "/users/{uid}/auth_tokens/{authToken}", resource: tokens, title: "Get", h: s.aGetToken},
		{method: "PUT", path: "/users/{uid}/auth_tokens/{authToken}", resource: tokens, title: "Update", h: s.aUpdateToken},
		{method: "DELETE", path: "/users/{uid}/auth_tokens/{authToken}", resource: tokens, title: "Delete", h: s.aDeleteToken},
		// Groups
		{method: "POST", path: "/groups", resource: groups, title: "Create", ob: obOptional, rate: rateCore, h: s.aCreateGroup},
		{method: "GET", path: "/groups", resource: groups, title: "List", ob: obOptional, h: s.aListGroups},
		{method: "GET", path: "/groups/{guid}", resource: groups, title: "Get", ob: obOptional, h: s.aGetGroup},
		{method: "PUT", path: "/groups/{guid}", resource: groups, title: "Update", ob: obOptional, h: s.aUpdateGroup},
		{method: "DELETE", path: "/groups/{guid}", resource: groups, title: "Delete", ob: obOptional, rate: rateCore, h: s.aDeleteGroup},
		// Group Members
		{method: "POST", path: "/groups/{guid}/members", resource: members, title: "Add members", ob: obOptional, h: s.aAddMembers},
		{method: "GET", path: "/groups/{guid}/members", resource: members, title: "List", h: s.aListMembers},
		{method: "PUT", path: "/groups/{guid}/members/{uid}", resource: members, title: "Change Scope", ob: obOptional, h: s.aChangeScope},
		{method: "DELETE", path: "/groups/{guid}/members/{uid}", resource: members, title: "Kick", ob: obOptional, h: s.aKick},
		// Banned Users
		{method: "POST", path: "/groups/{guid}/bannedusers/{uid}", resource: banned, title: "Ban", ob: obOptional, h: s.aBan},
		{method: "DELETE", path: "/groups/{guid}/bannedusers/{uid}", resource: banned, title: "Unban", ob: obOptional, h: s.aUnban},
		{method: "GET", path: "/groups/{guid}/bannedusers", resource: banned, title: "List", h: s.aListBanned},
		// Messages
		{method: "POST", path: "/messages", resource: messages, title: "Send Message", ob: obOptional, h: s.aSendMessage},
		{method: "GET", path: "/messages", resource: messages, title: "List Messages", ob: obOptional, h: s.aListMessages},
		{method: "GET", path: "/messages/{id}", resource: messages, title: "Get Message", ob: obOptional, h: s.aGetMessage},
		{method: "PUT", path: "/messages/{id}", resource: messages, title: "Update Message", ob: obOptional, h: s.aUpdateMessage},
		{method: "DELETE", path: "/messages/{id}", resource: messages, title: "Delete Message", ob: obOptional, h: s.aDeleteMessage},
		{method: "POST", path: "/messages/{id}/thread", resource: messages, title: "Send Threaded Message", ob: obRequired, h: s.aSendThreadMessage},
		{method: "GET", path: "/messages/{id}/thread", resource: messages, title: "List Threaded Messages", ob: obOptional, h: s.aListThread},
		{method: "GET", path: "/users/{uid}/messages", resource: messages, title: "List User Messages", ob: obOptional, h: s.aListUserMessages},
		{method: "GET", path: "/groups/{guid}/messages", resource: messages, title: "List Group Messages", ob: obOptional, h: s.aListGroupMessages},
		{method: "POST", path: "/bots/{uid}/messages", resource: messages, title: "Send Bot Message", h: s.aSendBotMessage},
		{method: "GET", path: "/messages/{id}/reactions", resource: messages, title: "List all reactions", ob: obOptional,
			reason: notServed("reactions are not part of the emulator's state")},
		{method: "GET", path: "/messages/{id}/reactions/{reaction}", resource: messages, title: "List reactions with a specific emoji", ob: obOptional,
			reason: notServed("reactions are not part of the emulator's state")},
		{method: "POST", path: "/messages/{id}/reactions/{reaction}", resource: messages, title: "Add reaction", ob: obRequired,
			reason: notServed("reactions are not part of the emulator's state")},
		{method: "DELETE", path: "/messages/{id}/reactions/{reaction}", resource: messages, title: "Remove reaction", ob: obRequired,
			reason: notServed("reactions are not part of the emulator's state")},
		{method: "POST", path: "/messages/{id}/pin", resource: messages, title: "Pin Message",
			reason: notServed("message pins are not part of the emulator's state")},
		{method: "DELETE", path: "/messages/{id}/pin", resource: messages, title: "Unpin Message",
			reason: notServed("message pins are not part of the emulator's state")},
		{method: "POST", path: "/messages/{id}/save", resource: messages, title: "Save Message", ob: obRequired,
			reason: notServed("saved messages are not part of the emulator's state")},
		{method: "DELETE", path: "/messages/{id}/save", resource: messages, title: "Unsave Message", ob: obRequired,
			reason: notServed("saved messages are not part of the emulator's state")},
		{method: "PATCH", path: "/messages/{id}/interacted", resource: messages, title: "Mark Message As Interacted", ob: obRequired,
			reason: notServed("interactive messages are not part of the emulator's state")},
		// Conversations
		{method: "GET", path: "/conversations", resource: convs, title: "List conversations", ob: obOptional, h: s.aListConversations},
		{method: "GET", path: "/conversations/{conversationId}", resource: convs, title: "Get conversation (deprecated)", ob: obRequired, h: s.aGetConversationByID},
		{method: "DELETE", path: "/conversations/{conversationId}", resource: convs, title: "Delete Conversation (deprecated)", ob: obRequired, h: s.aDeleteConversationByID},
		{method: "GET", path: "/users/{uid}/conversation", resource: convs, title: "Get User Conversation", ob: obRequired, h: s.aGetUserConversation},
		{method: "PUT", path: "/users/{uid}/conversation", resource: convs, title: "Update User Conversation", ob: obRequired, h: s.aTagUserConversation},
		{method: "DELETE", path: "/users/{uid}/conversation", resource: convs, title: "Reset User Conversation", ob: obRequired, h: s.aResetUserConversation},
		{method: "POST", path: "/users/{uid}/conversation/delivered", resource: convs, title: "Mark User Conversation As Delivered", ob: obRequired, h: s.aMarkUserDelivered},
		{method: "POST", path: "/users/{uid}/conversation/read", resource: convs, title: "Mark User Conversation As Read", ob: obRequired, h: s.aMarkUserRead},
		{method: "DELETE", path: "/users/{uid}/conversation/read", resource: convs, title: "Mark Conversation Messages As Unread", ob: obRequired, h: s.aMarkUserUnread},
		{method: "POST", path: "/users/{uid}/conversation/pin", resource: convs, title: "Pin User Conversation", ob: obRequired, h: s.aPinUserConversation},
		{method: "DELETE", path: "/users/{uid}/conversation/pin", resource: convs, title: "Unpin User Conversation", ob: obRequired, h: s.aUnpinUserConversation},
		{method: "GET", path: "/groups/{guid}/conversation", resource: convs, title: "Get Group Conversation", ob: obRequired, h: s.aGetGroupConversation},
		{method: "PUT", path: "/groups/{guid}/conversation", resource: convs, title: "Update Group Conversation", ob: obRequired, h: s.aTagGroupConversation},
		{method: "DELETE", path: "/groups/{guid}/conversation", resource: convs, title: "Reset Group Conversation", ob: obRequired, h: s.aResetGroupConversation},
		{method: "POST", path: "/groups/{guid}/conversation/delivered", resource: convs, title: "Mark Group Conversation As Delivered", ob: obRequired, h: s.aMarkGroupDelivered},
		{method: "POST", path: "/groups/{guid}/conversation/read", resource: convs, title: "Mark Group Conversation As Read", ob: obRequired, h: s.aMarkGroupRead},
		{method: "DELETE", path: "/groups/{guid}/conversation/read", resource: convs, title: "Mark Group Conversation As Unread", ob: obOptional, h: s.aMarkGroupUnread},
		{method: "POST", path: "/groups/{guid}/conversation/pin", resource: convs, title: "Pin Group Conversation", ob: obRequired, h: s.aPinGroupConversation},
		{method: "DELETE", path: "/groups/{guid}/conversation/pin", resource: convs, title: "Unpin Group Conversation", ob: obRequired, h: s.aUnpinGroupConversation},
		{method: "GET", path: "/conversations/pinned", resource: convs, title: "List Global Pinned Conversations",
			reason: notServed("app-wide (dashboard) pins are not part of the emulator's state")},
		{method: "PUT", path: "/conversations/pinned", resource: convs, title: "Replace Global Pinned Conversations",
			reason: notServed("app-wide (dashboard) pins are not part of the emulator's state")},
		// Friends
		{method: "POST", path: "/users/{uid}/friends", resource: friends, title: "Add Friends", h: s.aAddFriends},
		{method: "GET", path: "/users/{uid}/friends", resource: friends, title: "List Friends", h: s.aListFriends},
		{method: "DELETE", path: "/users/{uid}/friends", resource: friends, title: "Remove Friends", h: s.aRemoveFriends},
		// Blocked Users
		{method: "POST", path: "/users/{uid}/blockedusers", resource: blocked, title: "Block User", h: s.aBlockUsers},
		{method: "DELETE", path: "/users/{uid}/blockedusers", resource: blocked, title: "Unblock User", h: s.aUnblockUsers},
		{method: "GET", path: "/users/{uid}/blockedusers", resource: blocked, title: "List Blocked Users", h: s.aListBlockedUsers},
	}
	for i := range rs {
		rs[i].pattern = strings.Split(strings.Trim(rs[i].path, "/"), "/")
	}
	return rs
}

// isRESTAPI reports whether r is for the documented REST API: a path under
// /v3 (not /v3.0) without an authToken header (a client's call keeps going
// to the client API whatever the version prefix).
func isRESTAPI(r *http.Request) bool {
	p := r.URL.Path
	if len(p) < 3 || !strings.EqualFold(p[:3], "/v3") || len(p) > 3 && p[3] != '/' {
		return false
	}
	return strings.TrimSpace(r.Header.Get("authToken")) == ""
}

// adminMatch finds the route of method and the path segments (after /v3).
// Literal segments win over parameters (/conversations/pinned before
// /conversations/{conversationId}).
func (s *Server) adminMatch(method string, seg []string) (*adminRoute, map[string]string) {
	var best *adminRoute
	var bestParams map[string]string
	bestLiterals := -1
	for i := range s.adminTable {
		rt := &s.adminTable[i]
		if rt.method != method || len(rt.pattern) != len(seg) {
			continue
		}
		params, literals, ok := map[string]string{}, 0, true
		for j, part := range rt.pattern {
			if strings.HasPrefix(part, "{") {
				if seg[j] == "" {
					ok = false
					break
				}
				name := strings.Trim(part, "{}")
				v := seg[j]
				if name == "uid" || name == "guid" {
					v = normID(v)
				}
				params[name] = v
				continue
			}
			if !strings.EqualFold(part, seg[j]) {
				ok = false
				break
			}
			literals++
		}
		if ok && literals > bestLiterals {
			best, bestParams, bestLiterals = rt, params, literals
		}
	}
	return best, bestParams
}

// hostApp returns the app id of a Host of the form
// {appId}.api-{region}.cometchat.io (port ignored), or "".
func hostApp(host string) string {
	host = strings.ToLower(host)
	if i := strings.LastIndexByte(host, ':'); i >= 0 && !strings.Contains(host[i:], "]") {
		host = host[:i]
	}
	app, rest, ok := strings.Cut(host, ".")
	if !ok || app == "" || !strings.HasPrefix(rest, "api-") || !strings.HasSuffix(rest, ".cometchat.io") {
		return ""
	}
	region := strings.TrimSuffix(strings.TrimPrefix(rest, "api-"), ".cometchat.io")
	if region == "" || strings.Contains(region, ".") {
		return ""
	}
	return app
}

// restApp is the app of a REST API request: the appId header, else the
// host's, else the one app served.
func (s *Server) restApp(r *http.Request) (string, *apiError) {
	app := strings.TrimSpace(r.Header.Get("appId"))
	if app == "" {
		app = hostApp(r.Host)
	}
	if app == "" {
		return s.cfg.AppID, nil
	}
	if !s.appOK(app) {
		return "", errInvalidAppID(app)
	}
	return app, nil
}

// errNotServed answers a documented endpoint the emulator does not serve.
func errNotServed(method, path, resource, reason string) *apiError {
	msg := "The CometChat emulator does not serve " + method + " /v3" + path + " (" + resource + ")"
	if reason != "" {
		msg += ": " + reason
	}
	return newErr(http.StatusNotImplemented, "ERR_NOT_SERVED", "%s; see docs/emulator.md.", msg)
}

// serveRESTAPI serves one request of the documented REST API, with the same
// envelope, rate-limit headers and durability as the client API.
func (s *Server) serveRESTAPI(w http.ResponseWriter, r *http.Request) {
	rel := "/" + strings.Trim(r.URL.Path[3:], "/")
	seg := strings.Split(strings.Trim(rel, "/"), "/")
	rt, params := s.adminMatch(r.Method, seg)
	kind := rateStandard
	if rt != nil {
		kind = rt.rate
	}
	fail := func(e *apiError) {
		s.peekRate(kind).set(w)
		writeError(w, e)
	}
	app, e := s.restApp(r)
	if e != nil {
		fail(e)
		return
	}
	key := strings.TrimSpace(r.Header.Get("apikey"))
	switch key {
	case "":
		fail(errEmptyAPIKey())
		return
	case s.cfg.APIKey, s.cfg.AuthKey:
	default:
		fail(errAPIKeyNotFound())
		return
	}
	if rt == nil {
		for _, nr := range notServedResources {
			if rel == nr.prefix || strings.HasPrefix(rel, nr.prefix+"/") {
				// only the resource is named: a path such as /apikeys/{apiKey} holds a credential
				fail(errNotServed(r.Method, nr.prefix+"/…", nr.resource, ""))
				return
			}
		}
		if groupScopePermissions.MatchString(rel) {
			fail(errNotServed(r.Method, rel, "RBAC", ""))
			return
		}
		fail(errAPINotFound(r.Method, redactPath(r.URL.Path)))
		return
	}
	if key != s.cfg.APIKey && !rt.authKey {
		fail(errNoAccess())
		return
	}
	if rt.h == nil {
		fail(errNotServed(rt.method, rt.path, rt.resource, rt.reason))
		return
	}
	rc := &reqCtx{s: s, r: r, params: params, q: parseQuery(r.URL.RawQuery), appID: app, restKey: key == s.cfg.APIKey}
	if e := s.actingUser(rc, rt.ob); e != nil {
		fail(e)
		return
	}
	noteUID(w, rc.uid)
	ri, limited := s.countRequest(kind)
	rc.rate = &ri
	if limited != nil {
		ri.set(w)
		writeError(w, limited)
		return
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
	switch {
	case err != nil:
		e = badRequest("body", "The request body could not be read.")
	case len(b) > maxJSONBody:
		e = newErr(http.StatusRequestEntityTooLarge, "ERR_BAD_REQUEST", "The request body is too large.")
	}
	if e != nil {
		rc.rate.set(w)
		writeError(w, e)
		return
	}
	rc.body = b
	out, herr := rt.h(rc)
	if serr := s.sync(); serr != nil {
		s.log.Error("reply withheld: the store failed", "path", redactPath(r.URL.Path), "err", serr)
		out, herr = nil, newErr(http.StatusInternalServerError, "ERR_MISSION_FAILED", "The change could not be stored.")
	}
	rc.rate.set(w)
	if herr != nil {
		var ae *apiError
		if !errors.As(herr, &ae) {
			s.log.Error("handler failed", "path", redactPath(r.URL.Path), "err", herr)
			ae = errInternal()
		}
		writeError(w, ae)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(out)
}

// actingUser applies the route's onBehalfOf rule: rc.uid is the acting
// user, "" when the app itself acts.
func (s *Server) actingUser(rc *reqCtx, mode obMode) *apiError {
	if mode == obNone {
		return nil
	}
	uid := normID(rc.r.Header.Get("onBehalfOf"))
	if uid == "" {
		if mode == obRequired {
			return badRequest("onBehalfOf", "The onBehalfOf header is required for this endpoint.")
		}
		return nil
	}
	s.mu.Lock()
	u := s.st.user(uid)
	s.mu.Unlock()
	if u == nil {
		return errUIDNotFound(uid)
	}
	rc.uid = uid
	return nil
}

// redactPath hides the auth token or API key of a path such as
// /v3/users/{uid}/auth_tokens/{authToken} or /v3/apikeys/{apiKey}: paths are
// logged and echoed in errors, credentials never are.
func redactPath(p string) string {
	for _, m := range [...]struct{ marker, name string }{{"/auth_tokens/", "{authToken}"}, {"/apikeys/", "{apiKey}"}} {
		i := strings.Index(strings.ToLower(p), m.marker)
		if i < 0 || len(p) == i+len(m.marker) {
			continue
		}
		rest := p[i+len(m.marker):]
		tail := ""
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			tail = rest[j:]
		}
		p = p[:i+len(m.marker)] + m.name + tail
	}
	return p
}

// RESTBaseURL returns the base URL of the documented REST API, e.g.
// "https://127.0.0.1:PORT/v3" ("http://" when Plain).
func (s *Server) RESTBaseURL() string { return strings.TrimSuffix(s.BaseURL(), ".0") }

// RESTEndpoint is one documented endpoint of CometChat's REST API and what
// the emulator does with it (docs/emulator.md lists them all).
type RESTEndpoint struct {
	Method   string // "GET", "POST", ...
	Path     string // under /v3, as documented: "/users/{uid}/auth_tokens"
	Resource string // the docs' section: "Users", "Auth Tokens", ...
	Title    string // the docs' page title
	// OnBehalfOf is "", "optional" or "required", as the endpoint's page says.
	OnBehalfOf string
	Served     bool
	// Reason says why an endpoint is not served.
	Reason string
}

// RESTEndpoints lists the documented endpoints of the resources the
// emulator serves (Users, Auth Tokens, Groups, Group Members, Banned Users,
// Messages, Conversations, Friends, Blocked Users), in the docs' order, with
// the ones it does not serve. Other resources (API keys, roles, RBAC,
// notifications, metrics, moderation, data import) answer 501 ERR_NOT_SERVED
// as a whole.
func RESTEndpoints() []RESTEndpoint {
	rs := (*Server)(nil).adminRoutes()
	out := make([]RESTEndpoint, 0, len(rs))
	for _, r := range rs {
		ob := [...]string{obNone: "", obOptional: "optional", obRequired: "required"}[r.ob]
		out = append(out, RESTEndpoint{Method: r.method, Path: r.path, Resource: r.resource, Title: r.title,
			OnBehalfOf: ob, Served: r.h != nil, Reason: r.reason})
	}
	return out
}

// NotServedResources names the documented resources the emulator does not
// serve at all, with the path prefix (under /v3) each one answers 501 on.
func NotServedResources() [][2]string {
	out := make([][2]string, 0, len(notServedResources)+1)
	for _, r := range notServedResources {
		out = append(out, [2]string{r.prefix, r.resource})
	}
	return append(out, [2]string{"/groups/{guid}/scopes", "RBAC"})
}
