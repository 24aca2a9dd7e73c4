package fakeserver

import (
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// hookState holds the fault hooks (decision 25, server.md §13). Guarded by
// Server.mu.
type hookState struct {
	faults     []*faultRec
	faultSeq   int
	frameDelay map[string]time.Duration // by uid; "" = every socket
	// delaying is len(frameDelay), readable without Server.mu: every frame
	// written checks it, and most servers delay nothing.
	delaying    atomic.Int32
	refuseUntil time.Time
	failAuth    map[string]int // uid -> websocket auths still to refuse
}

func (h *hookState) init() {
	h.frameDelay = map[string]time.Duration{}
	h.failAuth = map[string]int{}
}

// Fault makes matching HTTP requests fail (decision 25): requests whose
// method is Method (any when empty) and whose path starts with PathPrefix
// (compared with and without the /v3.0 prefix) are answered with Status and
// a CometChat error, Count times (0 = until cleared).
type Fault struct {
	// PathPrefix selects requests by path, e.g. "/v3.0/messages".
	PathPrefix string `json:"pathPrefix"`
	// Method selects requests by method; empty matches every method.
	Method string `json:"method"`
	// Status is the HTTP status of the reply; 0 with a Delay only delays.
	Status int `json:"status"`
	// RetryAfter, in seconds, becomes the Retry-After header.
	RetryAfter int `json:"retryAfter"`
	// Count is how many requests fail; 0 means until ClearFaults.
	Count int `json:"count"`
	// Code overrides the error code (default by status, e.g.
	// ERR_TOO_MANY_REQUESTS for 429).
	Code string `json:"code,omitempty"`
	// Message overrides the error message.
	Message string `json:"message,omitempty"`
	// Delay is waited before answering (or before serving normally when
	// Status is 0).
	Delay time.Duration `json:"-"`
}

type faultRec struct {
	id        string
	f         Fault
	remaining int // -1 = unlimited
}

func stripVersion(p string) string {
	for _, v := range []string{"/v3.0", "/v3"} {
		if p == v {
			return "/"
		}
		if strings.HasPrefix(p, v+"/") {
			return p[len(v):]
		}
	}
	return p
}

func (f Fault) matches(r *http.Request) bool {
	if f.Method != "" && !strings.EqualFold(f.Method, r.Method) {
		return false
	}
	if f.PathPrefix == "" {
		return true
	}
	return strings.HasPrefix(r.URL.Path, f.PathPrefix) || strings.HasPrefix(stripVersion(r.URL.Path), stripVersion(f.PathPrefix))
}

func defaultFaultCode(status int) string {
	switch {
	case status == http.StatusTooManyRequests:
		return "ERR_TOO_MANY_REQUESTS"
	case status == http.StatusRequestEntityTooLarge:
		return "ERR_FILE_SIZE_EXCEEDED"
	case status == http.StatusNotFound:
		return "ERR_API_NOT_FOUND"
	case status == http.StatusUnauthorized:
		return "AUTH_ERR_AUTH_TOKEN_NOT_FOUND"
	case status >= 500:
		return "ERR_MISSION_FAILED"
	}
	return "ERR_BAD_REQUEST"
}

// applyFault answers r with the first matching fault; false to go on.
func (s *Server) applyFault(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	var hit *Fault
	for i, fr := range s.hooks.faults {
		if !fr.f.matches(r) {
			continue
		}
		f := fr.f
		hit = &f
		if fr.remaining > 0 {
			fr.remaining--
			if fr.remaining == 0 {
				s.hooks.faults = append(s.hooks.faults[:i:i], s.hooks.faults[i+1:]...)
			}
		}
		break
	}
	s.mu.Unlock()
	if hit == nil {
		return false
	}
	if hit.Delay > 0 {
		t := time.NewTimer(hit.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	if hit.Status == 0 {
		return false
	}
	code := hit.Code
	if code == "" {
		code = defaultFaultCode(hit.Status)
	}
	msg := hit.Message
	if msg == "" {
		msg = "Injected fault."
		if hit.Status == http.StatusTooManyRequests {
			msg = "Too many requests."
		}
	}
	e := newErr(hit.Status, code, "%s", msg)
	if hit.RetryAfter > 0 {
		e.RetryAfter = hit.RetryAfter
		e.ResetAt = s.cfg.Now().Add(time.Duration(hit.RetryAfter) * time.Second).Unix()
	}
	writeError(w, e)
	return true
}

// AddFault installs f and returns its id.
func (s *Server) AddFault(f Fault) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks.faultSeq++
	id := "f" + strconv.Itoa(s.hooks.faultSeq)
	rem := f.Count
	if rem <= 0 {
		rem = -1
	}
	s.hooks.faults = append(s.hooks.faults, &faultRec{id: id, f: f, remaining: rem})
	return id
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks.faults = nil
}

// socketsLocked lists the sockets of uid ("" = every socket, authenticated or
// not). Server.mu held.
func (s *Server) socketsLocked(uid string) []*wsConn {
	var out []*wsConn
	if uid == "" {
		for c := range s.allConns {
			out = append(out, c)
		}
		return out
	}
	for c := range s.conns[uid] {
		out = append(out, c)
	}
	return out
}

// DropSockets closes the TCP connections of uid's sockets (every socket
// when uid is "") without a close frame, as a network loss would, and
// returns how many it dropped. Presence offline follows as usual.
func (s *Server) DropSockets(uid string) int {
	s.mu.Lock()
	conns := s.socketsLocked(normID(uid))
	s.mu.Unlock()
	for _, c := range conns {
		c.drop()
	}
	return len(conns)
}

// HalfOpenSockets makes uid's sockets (every socket when uid is "") half
// open: the TCP connection stays up but the server stops answering pings and
// stops delivering frames to them. It returns how many it changed.
func (s *Server) HalfOpenSockets(uid string) int {
	s.mu.Lock()
	conns := s.socketsLocked(normID(uid))
	s.mu.Unlock()
	for _, c := range conns {
		c.halfOpen.Store(true)
		_ = c.ws.SetReadDeadline(time.Time{})
	}
	return len(conns)
}

// CloseSockets sends a close frame with code and reason to uid's sockets
// (every socket when uid is "") after the frames already queued.
func (s *Server) CloseSockets(uid string, code int, reason string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	conns := s.socketsLocked(normID(uid))
	for _, c := range conns {
		c.closeWith(code, reason)
	}
	return len(conns)
}

// PushFrame sends raw as one text frame, unchecked (malformed frames
// included), to uid's authenticated sockets (every socket when uid is "").
func (s *Server) PushFrame(uid string, raw []byte) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	frame := append([]byte(nil), raw...) // queued frames are never modified, so one copy serves every socket
	for _, c := range s.socketsLocked(normID(uid)) {
		if c.send(frame) {
			n++
		}
	}
	return n
}

// DelayFrames delays every frame (pongs included) written to uid's sockets
// by d; uid "" sets the delay of all sockets; d = 0 removes it.
func (s *Server) DelayFrames(uid string, d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	uid = normID(uid)
	if d <= 0 {
		delete(s.hooks.frameDelay, uid)
	} else {
		s.hooks.frameDelay[uid] = d
	}
	s.hooks.delaying.Store(int32(len(s.hooks.frameDelay)))
}

// RefuseSockets answers websocket upgrades with HTTP 503 for d (0 stops
// refusing).
func (s *Server) RefuseSockets(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks.refuseUntil = time.Now().Add(d)
}

// FailAuth makes the next n websocket auth frames of uid fail with code
// "401" and close 4001, even with a valid JWT.
func (s *Server) FailAuth(uid string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks.failAuth[normID(uid)] = n
}

// RevokeToken forgets an auth token: its next use gets
// AUTH_ERR_AUTH_TOKEN_NOT_FOUND. It reports whether the token existed.
func (s *Server) RevokeToken(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.st.tokens[token]
	delete(s.st.tokens, token)
	return ok
}

// RevokeTokens forgets every auth token of uid and returns how many.
func (s *Server) RevokeTokens(uid string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	uid = normID(uid)
	n := 0
	for tok, owner := range s.st.tokens {
		if owner == uid {
			delete(s.st.tokens, tok)
			n++
		}
	}
	return n
}

type affectedJSON struct {
	Affected int `json:"affected"`
}

type idJSON struct {
	ID string `json:"id"`
}

type emptyJSON struct{}

// serveHooks serves the HTTP test hooks under /_fake/ (loopback only,
// apiKey = auth key or REST API key).
func (s *Server) serveHooks(w http.ResponseWriter, r *http.Request) {
	if !isLoopback(r) {
		writeError(w, newErr(http.StatusForbidden, "AUTH_ERR_NO_ACCESS", "Test hooks are served to loopback clients only."))
		return
	}
	switch key := strings.TrimSpace(r.Header.Get("apiKey")); key {
	case s.cfg.AuthKey, s.cfg.APIKey:
	case "":
		writeError(w, errEmptyAPIKey())
		return
	default:
		writeError(w, errAPIKeyNotFound(key))
		return
	}
	q := parseQuery(r.URL.RawQuery)
	uid := q.get("uid")
	reply := func(b []byte) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(b)
	}
	switch r.Method + " " + strings.TrimSuffix(r.URL.Path, "/") {
	case "POST /_fake/sockets/drop":
		reply(marshal(affectedJSON{s.DropSockets(uid)}))
	case "POST /_fake/sockets/halfopen":
		reply(marshal(affectedJSON{s.HalfOpenSockets(uid)}))
	case "POST /_fake/sockets/close":
		code := q.intDefault("code", 1000)
		reply(marshal(affectedJSON{s.CloseSockets(uid, code, q.get("reason"))}))
	case "POST /_fake/sockets/refuse":
		s.RefuseSockets(time.Duration(q.intDefault("seconds", 0)) * time.Second)
		reply(marshal(emptyJSON{}))
	case "POST /_fake/sockets/delay":
		s.DelayFrames(uid, time.Duration(q.intDefault("ms", 0))*time.Millisecond)
		reply(marshal(emptyJSON{}))
	case "POST /_fake/auth/fail":
		s.FailAuth(uid, q.intDefault("count", 1))
		reply(marshal(emptyJSON{}))
	case "POST /_fake/tokens/revoke":
		n := 0
		if tok := q.get("token"); tok != "" {
			if s.RevokeToken(tok) {
				n = 1
			}
		} else {
			n = s.RevokeTokens(uid)
		}
		reply(marshal(affectedJSON{n}))
	case "POST /_fake/restart":
		keep, _ := r.Context().Value(connKey{}).(net.Conn)
		if err := s.restart(keep); err != nil {
			writeError(w, newErr(http.StatusInternalServerError, "ERR_MISSION_FAILED", "%s", err.Error()))
			return
		}
		w.Header().Set("Connection", "close")
		reply(marshal(emptyJSON{}))
	case "POST /_fake/reset":
		s.Reset()
		reply(marshal(emptyJSON{}))
	case "POST /_fake/faults":
		req, e := decodeBody[faultReq](readSmallBody(r))
		if e != nil {
			writeError(w, e)
			return
		}
		id := s.AddFault(Fault{PathPrefix: req.PathPrefix, Method: req.Method, Status: req.Status,
			RetryAfter: req.RetryAfter, Count: req.Count, Code: req.Code, Message: req.Message,
			Delay: time.Duration(req.DelayMillis) * time.Millisecond})
		reply(marshal(idJSON{ID: id}))
	case "DELETE /_fake/faults":
		s.ClearFaults()
		reply(marshal(emptyJSON{}))
	case "POST /_fake/frames":
		raw, _ := io.ReadAll(io.LimitReader(r.Body, maxFrameBytes))
		reply(marshal(affectedJSON{s.PushFrame(uid, raw)}))
	case "GET /_fake/state":
		reply(marshal(s.Stats()))
	default:
		writeError(w, errAPINotFound(r.Method, r.URL.Path))
	}
}
