package fakeserver

import (
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"io/fs"
	"net"
	"net/http"
	"path"
	"strings"
	"sync"
)

// The inspector: a page served at /_fake/ui/ on the server's own port that
// shows the state live (inspector_feed.go), lets a developer chat as any
// user and press the fault hooks (docs/emulator.md, "The inspector").
//
// Who may use it, on top of the test hooks' "loopback only":
//
//   - the Host header must name the loopback (127.0.0.1, ::1, localhost) or
//     Config.PublicHost, so that a web page cannot reach it through DNS
//     rebinding;
//   - no CORS: the routes under /_fake/ui/ never send Access-Control-*
//     headers, so a page of another origin cannot read what they answer;
//   - every API request (/_fake/ui/api/...) is refused when it comes from
//     another origin: Sec-Fetch-Site other than same-origin or none, or an
//     Origin header other than the page's own;
//   - every API request but the bootstrap carries the inspector token (a
//     random per-process secret, header X-Inspector-Token) or the auth key or
//     REST API key (header apiKey). The page gets the token from the
//     bootstrap, which only a same-origin page can read;
//   - the page is plain HTML, CSS and JavaScript under a strict Content
//     Security Policy (scripts of its own origin only, no inline script, no
//     eval) and never turns data into HTML: every name, text and metadata is
//     set as text.

//go:embed ui
var inspectorFiles embed.FS

// InspectorTokenHeader is the header that carries the inspector token.
const InspectorTokenHeader = "X-Inspector-Token"

// inspector is the inspector page's state in a Server.
type inspector struct {
	tokenOnce sync.Once
	token     string
	// hub is the feed's subscribers; guarded by Server.mu.
	hub *inspHub
	// logins are the auth tokens minted for the page's "chat as" users, by
	// uid, reused while they are valid; guarded by Server.mu.
	logins map[string]string
}

// InspectorURL returns the URL of the inspector page, e.g.
// "https://127.0.0.1:PORT/_fake/ui/".
func (s *Server) InspectorURL() string {
	return strings.TrimSuffix(s.BaseURL(), "/v3.0") + "/_fake/ui/"
}

// InspectorToken returns the inspector's per-process token: the credential
// of the page's API requests, besides the auth key and the REST API key.
func (s *Server) InspectorToken() string {
	s.insp.tokenOnce.Do(func() {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		s.insp.token = hex.EncodeToString(b)
	})
	return s.insp.token
}

// inspectorHostOK reports whether the Host header names this machine's
// loopback or the configured public host (DNS rebinding defence).
func (s *Server) inspectorHostOK(r *http.Request) bool {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(strings.ToLower(host), "[]")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	if s.cfg.PublicHost != "" {
		ph := s.cfg.PublicHost
		if h, _, err := net.SplitHostPort(ph); err == nil {
			ph = h
		}
		return strings.EqualFold(strings.Trim(ph, "[]"), host)
	}
	return false
}

// inspectorOrigin is the page's own origin as this request reached it.
func (s *Server) inspectorOrigin(r *http.Request) string {
	if s.cfg.Plain {
		return "http://" + r.Host
	}
	return "https://" + r.Host
}

// inspectorCrossOrigin reports whether r comes from another origin (CSRF).
func (s *Server) inspectorCrossOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default: // same-site (another port of localhost, say) or cross-site
		return true
	}
	if o := r.Header.Get("Origin"); o != "" && !strings.EqualFold(o, s.inspectorOrigin(r)) {
		return true
	}
	return false
}

// inspectorAuthorized reports whether r carries the inspector token or a
// key of the app.
func (s *Server) inspectorAuthorized(r *http.Request) bool {
	if tok := r.Header.Get(InspectorTokenHeader); tok != "" {
		return subtle.ConstantTimeCompare([]byte(tok), []byte(s.InspectorToken())) == 1
	}
	key := strings.TrimSpace(r.Header.Get("apiKey"))
	return key != "" && (key == s.cfg.AuthKey || key == s.cfg.APIKey)
}

// setInspectorHeaders sets the headers of every inspector reply: no CORS,
// no framing, no sniffing, a strict Content Security Policy.
func (s *Server) setInspectorHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	ws := "wss://" + r.Host
	if s.cfg.Plain {
		ws = "ws://" + r.Host
	}
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
		"connect-src 'self' "+ws+"; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

func inspectorForbidden(w http.ResponseWriter, msg string) {
	writeError(w, newErr(http.StatusForbidden, "AUTH_ERR_NO_ACCESS", "%s", msg))
}

// serveInspector serves everything under /_fake/ui.
func (s *Server) serveInspector(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	if !isLoopback(r) {
		inspectorForbidden(w, "The inspector is served to loopback clients only.")
		return
	}
	if !s.inspectorHostOK(r) {
		inspectorForbidden(w, "The inspector answers requests for the loopback host only (Host header).")
		return
	}
	s.setInspectorHeaders(w, r) // the Host is one of ours: it may go into the policy
	rest := strings.TrimPrefix(r.URL.Path, "/_fake/ui")
	if api, ok := strings.CutPrefix(rest, "/api/"); ok {
		if s.inspectorCrossOrigin(r) {
			inspectorForbidden(w, "Cross-origin requests to the inspector are refused.")
			return
		}
		s.serveInspectorAPI(w, r, api)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, errAPINotFound(r.Method, r.URL.Path))
		return
	}
	if rest == "" {
		http.Redirect(w, r, "/_fake/ui/", http.StatusFound)
		return
	}
	name := strings.TrimPrefix(rest, "/")
	if name == "" {
		name = "index.html"
	}
	if strings.Contains(name, "/") || strings.HasPrefix(name, ".") {
		writeError(w, errAPINotFound(r.Method, r.URL.Path))
		return
	}
	b, err := fs.ReadFile(inspectorFiles, "ui/"+name)
	if err != nil {
		writeError(w, errAPINotFound(r.Method, r.URL.Path))
		return
	}
	ctype := map[string]string{".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png"}[path.Ext(name)]
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	w.Header().Set("Content-Type", ctype)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(b)
}
