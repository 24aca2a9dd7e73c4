package fakeserver

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// authKind says which credential a route needs.
type authKind int

const (
	authNone   authKind = iota // appId only
	authAdmin                  // apiKey: the auth key or the REST API key
	authREST                   // apiKey: the REST API key only
	authClient                 // authToken (or REST API key + onBehalfOf)
)

// rateKind is the rate-limit class of a route (decision 24).
type rateKind int

const (
	rateStandard rateKind = iota
	rateCore
)

type handlerFunc func(rc *reqCtx) ([]byte, error)

type route struct {
	method  string
	pattern []string // literal segments, or ":name" parameters
	auth    authKind
	rate    rateKind
	h       handlerFunc
}

// reqCtx is one REST request being served.
type reqCtx struct {
	s       *Server
	r       *http.Request
	params  map[string]string
	q       query
	body    []byte
	uid     string // acting user (authClient)
	token   string // auth token used, if any
	session string // the resource header: the originating session
	restKey bool   // authenticated with the REST API key
	appID   string
	// rate is the bucket the reply's rate-limit headers report: the
	// route's, or a tighter one that applied (messages per user).
	rate *rateInfo
}

func (rc *reqCtx) param(name string) string { return rc.params[name] }

// app is the app id of the request (the configured one unless AnyAppID).
func (rc *reqCtx) app() string {
	if rc.appID != "" {
		return rc.appID
	}
	return rc.s.cfg.AppID
}

const maxJSONBody = 4 << 20

func (s *Server) routes() []route {
	return []route{
		{"POST", p("users/:uid/auth_tokens"), authAdmin, rateCore, s.hCreateAuthToken},
		{"POST", p("users"), authAdmin, rateCore, s.hCreateUser},
		{"PUT", p("users/:uid"), authAdmin, rateStandard, s.hUpdateUser},
		{"DELETE", p("users/:uid"), authREST, rateCore, s.hDeleteUser},
		{"POST", p("users/:uid/friends"), authREST, rateStandard, s.hAddFriends},
		{"DELETE", p("users/:uid/friends"), authREST, rateStandard, s.hRemoveFriends},
		{"GET", p("settings"), authNone, rateStandard, s.hSettings},
		{"GET", p("me"), authClient, rateStandard, s.hGetMe},
		{"PUT", p("me"), authClient, rateCore, s.hPutMe},
		{"DELETE", p("me"), authClient, rateCore, s.hDeleteMe},
		{"POST", p("me/jwt"), authClient, rateStandard, s.hJWT},
		{"GET", p("users"), authClient, rateStandard, s.hListUsers},
		{"GET", p("users/:uid"), authClient, rateStandard, s.hGetUser},
		{"GET", p("blockedusers"), authClient, rateStandard, s.hListBlocked},
		{"POST", p("blockedusers"), authClient, rateStandard, s.hBlock},
		{"DELETE", p("blockedusers"), authClient, rateStandard, s.hUnblock},
		{"POST", p("messages"), authClient, rateStandard, s.hSendMessage},
		{"GET", p("messages"), authClient, rateStandard, s.hListAllMessages},
		{"GET", p("messages/:id"), authClient, rateStandard, s.hGetMessage},
		{"PUT", p("messages/:id"), authClient, rateStandard, s.hEditMessage},
		{"DELETE", p("messages/:id"), authClient, rateStandard, s.hDeleteMessage},
		{"POST", p("messages/:id/thread"), authClient, rateStandard, s.hSendThreadMessage},
		{"GET", p("messages/:id/thread"), authClient, rateStandard, s.hListThreadMessages},
		{"GET", p("users/:uid/messages"), authClient, rateStandard, s.hListUserMessages},
		{"GET", p("groups/:guid/messages"), authClient, rateStandard, s.hListGroupMessages},
		{"GET", p("conversations"), authClient, rateStandard, s.hListConversations},
		{"GET", p("users/:uid/conversation"), authClient, rateStandard, s.hGetUserConversation},
		{"PUT", p("users/:uid/conversation"), authClient, rateStandard, s.hTagUserConversation},
		{"DELETE", p("users/:uid/conversation"), authClient, rateStandard, s.hDeleteUserConversation},
		{"GET", p("groups/:guid/conversation"), authClient, rateStandard, s.hGetGroupConversation},
		{"PUT", p("groups/:guid/conversation"), authClient, rateStandard, s.hTagGroupConversation},
		{"DELETE", p("groups/:guid/conversation"), authClient, rateStandard, s.hDeleteGroupConversation},
		{"POST", p("groups"), authClient, rateCore, s.hCreateGroup},
		{"GET", p("groups"), authClient, rateStandard, s.hListGroups},
		{"GET", p("groups/:guid"), authClient, rateStandard, s.hGetGroup},
		{"PUT", p("groups/:guid"), authClient, rateStandard, s.hUpdateGroup},
		{"DELETE", p("groups/:guid"), authClient, rateStandard, s.hDeleteGroup},
		{"POST", p("groups/:guid/members"), authClient, rateCore, s.hJoinGroup},
		{"DELETE", p("groups/:guid/members"), authClient, rateCore, s.hLeaveGroup},
		{"PUT", p("groups/:guid/members"), authClient, rateStandard, s.hAddMembers},
		{"GET", p("groups/:guid/members"), authClient, rateStandard, s.hListMembers},
		{"DELETE", p("groups/:guid/members/:uid"), authClient, rateStandard, s.hKick},
		{"PUT", p("groups/:guid/members/:uid"), authClient, rateStandard, s.hChangeScope},
		{"GET", p("groups/:guid/bannedusers"), authClient, rateStandard, s.hListBanned},
		{"POST", p("groups/:guid/bannedusers/:uid"), authClient, rateStandard, s.hBan},
		{"DELETE", p("groups/:guid/bannedusers/:uid"), authClient, rateStandard, s.hUnban},
		{"PATCH", p("groups/:guid/owner"), authClient, rateStandard, s.hTransferOwnership},
		{"POST", p("calls"), authClient, rateStandard, s.hInitiateCall},
		{"PUT", p("calls/:sid"), authClient, rateStandard, s.hUpdateCall},
		{"PATCH", p("calls/:sid/type"), authClient, rateStandard, s.hUpdateCallType},
		{"POST", p("v1/ping"), authNone, rateStandard, s.hAnalyticsPing},
		{"POST", p("api/:ver/online-members"), authNone, rateStandard, s.hOnlineMembers},
	}
}

func p(pattern string) []string { return strings.Split(pattern, "/") }

// match finds the route of method and path segments.
func (s *Server) match(method string, seg []string) (*route, map[string]string) {
	for i := range s.routeTable {
		rt := &s.routeTable[i]
		if rt.method != method || len(rt.pattern) != len(seg) {
			continue
		}
		var params map[string]string
		ok := true
		for j, part := range rt.pattern {
			if strings.HasPrefix(part, ":") {
				if seg[j] == "" {
					ok = false
					break
				}
				if params == nil {
					params = map[string]string{}
				}
				v := seg[j]
				if part == ":uid" || part == ":guid" {
					v = normID(v)
				}
				params[part[1:]] = v
				continue
			}
			if !strings.EqualFold(part, seg[j]) {
				ok = false
				break
			}
		}
		if ok {
			return rt, params
		}
	}
	return nil, nil
}

// apiSegments strips the optional version prefix (/v3.0 or /v3) and splits
// the path.
func apiSegments(path string) []string {
	path = strings.Trim(path, "/")
	seg := strings.Split(path, "/")
	if len(seg) > 0 && (strings.EqualFold(seg[0], "v3.0") || strings.EqualFold(seg[0], "v3")) {
		seg = seg[1:]
	}
	return seg
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if s.logsRequests() {
		lw := &loggedWriter{ResponseWriter: w}
		defer s.logRequest(r, lw, time.Now())
		w = lw
	}
	if !s.enter() {
		writeError(w, newErr(http.StatusServiceUnavailable, "ERR_MISSION_FAILED", "The server is shutting down."))
		return
	}
	defer s.leave()
	if r.URL.Path == "/_fake/ui" || strings.HasPrefix(r.URL.Path, "/_fake/ui/") {
		s.serveInspector(w, r) // same-origin only: no CORS (inspector.go)
		return
	}
	if r.URL.Path == "/_fake" || strings.HasPrefix(r.URL.Path, "/_fake/") {
		// The hooks are for programs on this machine, never for a web page:
		// no CORS headers, and a browser request from another origin (a
		// page of some site calling the default keys) is refused (CSRF).
		if s.inspectorCrossOrigin(r) {
			writeError(w, newErr(http.StatusForbidden, "AUTH_ERR_NO_ACCESS", "Test hooks refuse requests from other origins."))
			return
		}
		s.serveHooks(w, r)
		return
	}
	setCORS(w, r)
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if s.applyFault(w, r) {
		return
	}
	if r.URL.Path == "/" && websocket.IsWebSocketUpgrade(r) {
		s.handleWebSocket(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/media/") {
		s.serveMedia(w, r)
		return
	}
	if isRESTAPI(r) {
		s.serveRESTAPI(w, r) // the documented REST API (admin_http.go)
		return
	}
	s.serveAPI(w, r)
}

func setCORS(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	origin := r.Header.Get("Origin")
	if origin == "" {
		origin = "*"
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin") // the answer depends on the Origin: caches must not share it
	h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "appId, authToken, apiKey, resource, sdk, chatApiVersion, Authorization, "+
		"settingsHash, settingsHashReceivedAt, onBehalfOf, Accept, Content-Type")
	h.Set("Access-Control-Expose-Headers", "Retry-After, X-Rate-Limit, X-Rate-Limit-Remaining, X-Rate-Limit-Reset")
	h.Set("Access-Control-Max-Age", "600")
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request) {
	seg := apiSegments(r.URL.Path)
	rt, params := s.match(r.Method, seg)
	kind := rateStandard
	if rt != nil {
		kind = rt.rate
	}
	// every reply carries the rate-limit headers, but only an authenticated
	// request of this app counts against its buckets (decision 24)
	if rt == nil {
		s.peekRate(kind).set(w)
		writeError(w, errAPINotFound(r.Method, redactPath(r.URL.Path)))
		return
	}
	rc := &reqCtx{s: s, r: r, params: params, q: parseQuery(r.URL.RawQuery),
		session: strings.TrimSpace(r.Header.Get("resource"))}
	e := s.checkApp(rc)
	if e == nil {
		e = s.authenticate(rc, rt.auth)
	}
	if e != nil {
		s.peekRate(kind).set(w)
		writeError(w, e)
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
	if !isMultipart(r) {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxJSONBody+1))
		if err != nil {
			rc.rate.set(w)
			writeError(w, badRequest("body", "The request body could not be read."))
			return
		}
		if len(b) > maxJSONBody {
			rc.rate.set(w)
			writeError(w, newErr(http.StatusRequestEntityTooLarge, "ERR_BAD_REQUEST", "The request body is too large."))
			return
		}
		rc.body = b
	}
	out, err := rt.h(rc)
	if serr := s.sync(); serr != nil {
		// the change is not durable: nothing is acknowledged
		s.log.Error("reply withheld: the store failed", "path", r.URL.Path, "err", serr)
		out, err = nil, newErr(http.StatusInternalServerError, "ERR_MISSION_FAILED", "The change could not be stored.")
	}
	rc.rate.set(w)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			s.log.Error("handler failed", "path", r.URL.Path, "err", err)
			ae = errInternal()
		}
		writeError(w, ae)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(out) // a client that went away is no concern
}

func isMultipart(r *http.Request) bool {
	return strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "multipart/")
}

func (s *Server) appOK(app string) bool { return s.cfg.AnyAppID || app == s.cfg.AppID }

func (s *Server) checkApp(rc *reqCtx) *apiError {
	app := strings.TrimSpace(rc.r.Header.Get("appId"))
	if app == "" {
		if rc.params != nil && rc.params["ver"] != "" {
			return nil // online-members carries the app in the JWT
		}
		return errEmptyAppID()
	}
	if !s.appOK(app) {
		return errInvalidAppID(app)
	}
	rc.appID = app
	return nil
}

func (s *Server) authenticate(rc *reqCtx, kind authKind) *apiError {
	key := strings.TrimSpace(rc.r.Header.Get("apiKey"))
	switch kind {
	case authNone:
		return nil
	case authAdmin, authREST:
		if key == "" {
			return errEmptyAPIKey()
		}
		switch key {
		case s.cfg.APIKey:
			rc.restKey = true
			return nil
		case s.cfg.AuthKey:
			if kind == authREST {
				return errNoAccess()
			}
			return nil
		}
		return errAPIKeyNotFound()
	}
	token := strings.TrimSpace(rc.r.Header.Get("authToken"))
	if token == "" {
		if key != "" && key == s.cfg.APIKey {
			uid := normID(rc.r.Header.Get("onBehalfOf"))
			s.mu.Lock()
			u := s.st.user(uid)
			s.mu.Unlock()
			if u == nil {
				if uid == "" {
					return badRequest("onBehalfOf", "The onBehalfOf header is required with the REST API key.")
				}
				return errUIDNotFound(uid)
			}
			rc.uid, rc.restKey = uid, true
			return nil
		}
		if key != "" && key != s.cfg.AuthKey {
			return errAPIKeyNotFound()
		}
		return errEmptyAuthToken()
	}
	s.mu.Lock()
	uid, ok := s.st.tokens[token]
	if ok && s.st.user(uid) == nil {
		ok = false
	}
	s.mu.Unlock()
	if !ok {
		return errTokenNotFound()
	}
	rc.uid, rc.token = uid, token
	return nil
}

type errorEnvelope struct {
	Error errorJSON `json:"error"`
}

func writeError(w http.ResponseWriter, e *apiError) {
	details := e.Details
	if details == nil {
		details = map[string][]string{}
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	if e.ResetAt > 0 {
		w.Header().Set("X-Rate-Limit-Reset", strconv.FormatInt(e.ResetAt, 10))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(e.Status)
	_, _ = w.Write(marshal(errorEnvelope{Error: errorJSON{Code: e.Code, Message: e.Message, Details: details}}))
}

type dataEnvelope[T any] struct {
	Data T `json:"data"`
}

type listEnvelope[T any] struct {
	Data []T      `json:"data"`
	Meta metaJSON `json:"meta"`
}

func dataReply[T any](v T) []byte { return marshal(dataEnvelope[T]{Data: v}) }

func listReply[T any](items []T, meta metaJSON) []byte {
	if items == nil {
		items = []T{}
	}
	return marshal(listEnvelope[T]{Data: items, Meta: meta})
}

// pageBounds applies page-number pagination to n items.
// Every numeric input is clamped, never trusted in arithmetic: per_page to
// 1..maxPer (default 30), page to 1 or more (default 1); a page past the end
// is an empty page (see "Limits and security" in docs/emulator.md).
func pageBounds(q query, n, maxPer int) (lo, hi int, meta metaJSON) {
	per := clampInt(q.intDefault("per_page", 30), 30, maxPer)
	pg := q.intDefault("page", 1)
	if pg < 1 {
		pg = 1
	}
	// (pg-1)*per may overflow: compare in division instead.
	if pg-1 >= (n+per-1)/per {
		lo = n
	} else {
		lo = (pg - 1) * per
	}
	hi = n
	if n-lo > per {
		hi = lo + per
	}
	pages := (n + per - 1) / per
	if pages < 1 {
		pages = 1
	}
	return lo, hi, metaJSON{Pagination: &paginationJSON{Total: n, Count: hi - lo, PerPage: per, CurrentPage: pg, TotalPages: pages}}
}

// clampInt bounds a page size: below 1 is def, above max is max.
func clampInt(v, def, max int) int {
	if v < 1 {
		return def
	}
	if v > max {
		return max
	}
	return v
}

// isLoopback reports whether the request comes from the local machine.
func isLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// readSmallBody reads the (small) body of a hook request.
func readSmallBody(r *http.Request) []byte {
	b, _ := io.ReadAll(io.LimitReader(r.Body, maxJSONBody))
	return bytes.TrimSpace(b)
}
