package fakeserver

import (
	"errors"
	"net/http"
	"strings"
)

// The inspector's API, under /_fake/ui/api/ (see inspector.go for who may
// call it):
//
//	GET  bootstrap        the token and what the page needs to talk to the server (no token needed: same-origin only)
//	GET  events           the live feed (server-sent events, inspector_feed.go)
//	POST login            {"uid"}: an auth token of that user (one it has, else a new one), to chat as them through the client API
//	POST users            {"uid","name"}: create a user
//	POST groups           {"guid","name","type","password","owner"}: create a group
//	ANY  hook/PATH        the test hook /_fake/PATH (sockets/drop, restart, faults, export, import, ...)
//
// Chatting as a user goes through the emulator's own client REST API and
// websocket, with the auth token that login mints: the page is then a
// client like any other, and what it sends, receives, types and reads is
// what an SDK client would.

type inspBootstrap struct {
	Token        string `json:"token"`
	AppID        string `json:"appId"`
	Region       string `json:"region"`
	BaseURL      string `json:"baseUrl"`
	WebSocketURL string `json:"webSocketUrl"`
	Durable      bool   `json:"durable"`
}

type inspLoginReq struct {
	UID string `json:"uid"`
}

type inspLoginReply struct {
	UID       string `json:"uid"`
	Name      string `json:"name"`
	AuthToken string `json:"authToken"`
}

type inspUserReq struct {
	UID  string `json:"uid"`
	Name string `json:"name"`
}

type inspGroupReq struct {
	GUID     string `json:"guid"`
	Name     string `json:"name"`
	Type     string `json:"type"`
	Password string `json:"password"`
	Owner    string `json:"owner"`
}

func (s *Server) serveInspectorAPI(w http.ResponseWriter, r *http.Request, api string) {
	if api == "bootstrap" {
		if r.Method != http.MethodGet {
			writeError(w, errAPINotFound(r.Method, r.URL.Path))
			return
		}
		s.inspBootstrap(w, r)
		return
	}
	if !s.inspectorAuthorized(r) {
		inspectorForbidden(w, "The inspector's API needs the inspector token (header "+InspectorTokenHeader+") or a key (header apiKey).")
		return
	}
	if hook, ok := strings.CutPrefix(api, "hook/"); ok {
		// the hooks themselves, with the credentials checked above
		r2 := r.Clone(r.Context())
		r2.URL.Path = "/_fake/" + hook
		r2.URL.RawPath = ""
		r2.Header.Set("apiKey", s.cfg.APIKey)
		s.serveHooks(w, r2)
		return
	}
	switch r.Method + " " + api {
	case "GET events":
		s.inspEvents(w, r)
	case "POST login":
		s.inspLogin(w, r)
	case "POST users":
		req, e := decodeBody[inspUserReq](readSmallBody(r))
		if e != nil {
			writeError(w, e)
			return
		}
		s.inspReply(w, s.CreateUser(User{UID: req.UID, Name: req.Name}), marshal(emptyJSON{}))
	case "POST groups":
		req, e := decodeBody[inspGroupReq](readSmallBody(r))
		if e != nil {
			writeError(w, e)
			return
		}
		err := s.CreateGroup(Group{GUID: req.GUID, Name: req.Name, Type: req.Type, Password: req.Password, Owner: req.Owner})
		s.inspReply(w, err, marshal(emptyJSON{}))
	default:
		writeError(w, errAPINotFound(r.Method, r.URL.Path))
	}
}

// inspReply answers ok, or err in CometChat's envelope.
func (s *Server) inspReply(w http.ResponseWriter, err error, ok []byte) {
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			ae = newErr(http.StatusInternalServerError, "ERR_MISSION_FAILED", "The change could not be stored.")
		}
		writeError(w, ae)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(ok)
}

func (s *Server) inspBootstrap(w http.ResponseWriter, r *http.Request) {
	scheme, ws := "https://", "wss://"
	if s.cfg.Plain {
		scheme, ws = "http://", "ws://"
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(marshal(inspBootstrap{Token: s.InspectorToken(), AppID: s.cfg.AppID, Region: s.cfg.Region,
		BaseURL: scheme + r.Host + "/v3.0", WebSocketURL: ws + r.Host, Durable: s.store != nil}))
}

// inspLogin mints (or reuses) an auth token for the page to act as a user.
func (s *Server) inspLogin(w http.ResponseWriter, r *http.Request) {
	req, e := decodeBody[inspLoginReq](readSmallBody(r))
	if e != nil {
		writeError(w, e)
		return
	}
	uid := normID(req.UID)
	s.mu.Lock()
	u := s.st.user(uid)
	if u == nil {
		s.mu.Unlock()
		writeError(w, errUIDNotFound(uid))
		return
	}
	if s.insp.logins == nil {
		s.insp.logins = map[string]string{}
	}
	tok := s.insp.logins[uid]
	if tok == "" || s.st.tokens[tok] != uid {
		// an auth token the user has already (the page changes no state
		// to look), else a new one
		tok = ""
		for t, owner := range s.st.tokens {
			if owner == uid && (tok == "" || t < tok) {
				tok = t
			}
		}
		if tok == "" {
			tok = newToken(uid)
			s.st.addToken(tok, uid)
		}
		s.insp.logins[uid] = tok
	}
	reply := inspLoginReply{UID: uid, Name: u.name, AuthToken: tok}
	s.mu.Unlock()
	s.inspReply(w, s.sync(), marshal(reply))
}
