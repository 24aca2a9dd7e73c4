package fakeserver

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// hookState holds the fault hooks. Guarded by
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
	// Status is the HTTP status of the reply, 400-599; 0 with a Delay only
	// delays.
	Status int `json:"status"`
	// RetryAfter, in seconds (at most MaxFaultRetryAfter), becomes the
	// Retry-After header.
	RetryAfter int `json:"retryAfter"`
	// Count is how many requests fail; 0 means until ClearFaults.
	Count int `json:"count"`
	// Code overrides the error code (default by status, e.g.
	// ERR_TOO_MANY_REQUESTS for 429).
	Code string `json:"code,omitempty"`
	// Message overrides the error message.
	Message string `json:"message,omitempty"`
	// Delay is waited before answering (or before serving normally when
	// Status is 0); at most MaxFaultDelay.
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
			s.inspectFaultsLocked()
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

// Bounds of a Fault, checked by AddFault and the /_fake/faults hook.
const (
	// MaxFaults is how many faults may be installed at once.
	MaxFaults = 1000
	// MaxFaultDelay bounds Fault.Delay.
	MaxFaultDelay = 2 * time.Minute
	// MaxFaultRetryAfter bounds Fault.RetryAfter (seconds).
	MaxFaultRetryAfter = 86400
	maxFaultText       = 1024
)

var (
	faultMethod = regexp.MustCompile(`^[A-Za-z]{1,16}$`)
	faultCode   = regexp.MustCompile(`^[A-Z0-9_]{1,100}$`)
)

// validate checks a fault before it is installed: Status is 0 (a delay
// only) or an error status 400-599; Count, RetryAfter and Delay are not
// negative and within their bounds; PathPrefix is empty or a path ("/..."),
// Method empty or a method name, Code empty or an upper-case code.
func (f Fault) validate() error {
	switch {
	case f.Status != 0 && (f.Status < 400 || f.Status > 599):
		return fmt.Errorf("status %d: want 0 (delay only) or 400-599", f.Status)
	case f.Status == 0 && f.Delay == 0:
		return errors.New("a fault needs a status or a delay")
	case f.Count < 0:
		return fmt.Errorf("count %d: want 0 (until cleared) or more", f.Count)
	case f.RetryAfter < 0 || f.RetryAfter > MaxFaultRetryAfter:
		return fmt.Errorf("retryAfter %d: want 0-%d seconds", f.RetryAfter, MaxFaultRetryAfter)
	case f.Delay < 0 || f.Delay > MaxFaultDelay:
		return fmt.Errorf("delay %s: want 0-%s", f.Delay, MaxFaultDelay)
	case f.PathPrefix != "" && (!strings.HasPrefix(f.PathPrefix, "/") || len(f.PathPrefix) > maxFaultText ||
		strings.ContainsFunc(f.PathPrefix, func(r rune) bool { return r <= ' ' || r == 0x7f })):
		return errors.New("pathPrefix: want empty or a path starting with / (no spaces or control characters)")
	case f.Method != "" && !faultMethod.MatchString(f.Method):
		return errors.New("method: want empty or a method name such as POST")
	case f.Code != "" && !faultCode.MatchString(f.Code):
		return errors.New("code: want empty or an upper-case code such as ERR_TOO_MANY_REQUESTS")
	case len(f.Message) > maxFaultText:
		return fmt.Errorf("message: at most %d bytes", maxFaultText)
	}
	return nil
}

// AddFault installs f and returns its id. It refuses (with an error, and
// installs nothing) a fault that fails the checks documented on Fault, or
// one beyond MaxFaults.
func (s *Server) AddFault(f Fault) (string, error) {
	if err := f.validate(); err != nil {
		return "", fmt.Errorf("fakeserver: invalid fault: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.hooks.faults) >= MaxFaults {
		return "", fmt.Errorf("fakeserver: invalid fault: %d faults are installed already", MaxFaults)
	}
	s.hooks.faultSeq++
	id := "f" + strconv.Itoa(s.hooks.faultSeq)
	rem := f.Count
	if rem <= 0 {
		rem = -1
	}
	s.hooks.faults = append(s.hooks.faults, &faultRec{id: id, f: f, remaining: rem})
	s.inspectFaultsLocked()
	return id, nil
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hooks.faults = nil
	s.inspectFaultsLocked()
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
// returns how many it dropped. It returns once the connections are closed;
// each socket is unregistered (Sockets stops counting it, presence offline
// follows as usual) a moment later, when its reader sees the end.
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
	s.inspectSockets()
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
// AUTH_ERR_AUTH_TOKEN_NOT_FOUND, the JWTs minted for it no longer
// authenticate a socket, and the sockets authenticated with them are closed
// (4001 "Auth token revoked"). It reports whether the token existed.
func (s *Server) RevokeToken(token string) bool {
	defer func() { _ = s.sync() }()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.revokeTokenLocked(token)
}

// RevokeTokens revokes every auth token of uid, as RevokeToken does, and
// returns how many.
func (s *Server) RevokeTokens(uid string) int {
	defer func() { _ = s.sync() }()
	s.mu.Lock()
	defer s.mu.Unlock()
	uid = normID(uid)
	n := 0
	for tok, owner := range s.st.tokens {
		if owner == uid && s.revokeTokenLocked(tok) {
			n++
		}
	}
	return n
}

// revokeTokenLocked forgets tok and closes the sockets authenticated with a
// JWT minted for it. Server.mu held.
func (s *Server) revokeTokenLocked(tok string) bool {
	uid, ok := s.st.tokens[tok]
	s.st.removeToken(tok)
	if !ok {
		return false
	}
	tid := tokenID(tok)
	for c := range s.conns[uid] {
		if c.tid == tid {
			s.log.Info("ws closed: auth token revoked", "conn", c.id, "uid", uid)
			s.closeLocked(c, CloseTokenRevoked, "Auth token revoked")
		}
	}
	return true
}

// Bounds of the numbers the HTTP hooks take.
const (
	maxHookSeconds = 86400
	maxCloseReason = 123 // a close frame's payload is at most 125 bytes
)

// hookNumber reads an integer hook parameter (def when absent) and answers
// 400 when it is not a number within lo..hi.
func hookNumber(w http.ResponseWriter, q query, name string, def, hi int) (int, bool) {
	raw := q.get(name)
	if raw == "" {
		return def, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 || n > hi {
		writeError(w, badRequest(name, fmt.Sprintf("%s must be a number from 0 to %d.", name, hi)))
		return 0, false
	}
	return n, true
}

// validCloseCode reports whether a server may send code in a close frame
// (RFC 6455 §7.4).
func validCloseCode(code int) bool {
	return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999
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
		writeError(w, errAPIKeyNotFound())
		return
	}
	q := parseQuery(r.URL.RawQuery)
	uid := q.get("uid")
	reply := func(b []byte) {
		if err := s.sync(); err != nil {
			writeError(w, newErr(http.StatusInternalServerError, "ERR_MISSION_FAILED", "The change could not be stored."))
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(b)
	}
	switch r.Method + " " + strings.TrimSuffix(r.URL.Path, "/") {
	case "POST /_fake/sockets/drop":
		reply(marshal(affectedJSON{s.DropSockets(uid)}))
	case "POST /_fake/sockets/halfopen":
		reply(marshal(affectedJSON{s.HalfOpenSockets(uid)}))
	case "POST /_fake/sockets/close":
		code, ok := hookNumber(w, q, "code", 1000, 4999)
		if !ok {
			return
		}
		reason := q.get("reason")
		if !validCloseCode(code) {
			writeError(w, badRequest("code", "code must be a websocket close code: 1000-1003, 1007-1014 or 3000-4999."))
			return
		}
		if len(reason) > maxCloseReason {
			writeError(w, badRequest("reason", fmt.Sprintf("reason must be at most %d bytes.", maxCloseReason)))
			return
		}
		reply(marshal(affectedJSON{s.CloseSockets(uid, code, reason)}))
	case "POST /_fake/sockets/refuse":
		secs, ok := hookNumber(w, q, "seconds", 0, maxHookSeconds)
		if !ok {
			return
		}
		s.RefuseSockets(time.Duration(secs) * time.Second)
		reply(marshal(emptyJSON{}))
	case "POST /_fake/sockets/delay":
		ms, ok := hookNumber(w, q, "ms", 0, maxHookSeconds*1000)
		if !ok {
			return
		}
		s.DelayFrames(uid, time.Duration(ms)*time.Millisecond)
		reply(marshal(emptyJSON{}))
	case "POST /_fake/auth/fail":
		n, ok := hookNumber(w, q, "count", 1, 1<<20)
		if !ok {
			return
		}
		s.FailAuth(uid, n)
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
		if req.DelayMillis < 0 || req.DelayMillis > int(MaxFaultDelay/time.Millisecond) {
			writeError(w, badRequest("delayMs", fmt.Sprintf("delayMs must be 0-%d.", MaxFaultDelay/time.Millisecond)))
			return
		}
		id, err := s.AddFault(Fault{PathPrefix: req.PathPrefix, Method: req.Method, Status: req.Status,
			RetryAfter: req.RetryAfter, Count: req.Count, Code: req.Code, Message: req.Message,
			Delay: time.Duration(req.DelayMillis) * time.Millisecond})
		if err != nil {
			writeError(w, badRequest("fault", strings.TrimPrefix(err.Error(), "fakeserver: invalid fault: ")))
			return
		}
		reply(marshal(idJSON{ID: id}))
	case "DELETE /_fake/faults":
		s.ClearFaults()
		reply(marshal(emptyJSON{}))
	case "POST /_fake/frames":
		raw, _ := io.ReadAll(io.LimitReader(r.Body, maxFrameBytes))
		reply(marshal(affectedJSON{s.PushFrame(uid, raw)}))
	case "GET /_fake/state":
		reply(marshal(s.Stats()))
	case "GET /_fake/export":
		s.hookExport(w)
	case "POST /_fake/import":
		s.hookImport(w, r)
	default:
		writeError(w, errAPINotFound(r.Method, r.URL.Path))
	}
}
