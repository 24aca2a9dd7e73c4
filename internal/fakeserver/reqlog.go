package fakeserver

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// Request and socket logs: at Info level, one line per HTTP request
// (method, path, status, duration, uid) and per socket event (open, auth,
// close with its code). Never a secret: no query string, header or body is
// logged, only the path. cmd/cometchat-fake shows them with -v.

// loggedWriter records the status of a reply (and the acting uid) for the
// request log.
type loggedWriter struct {
	http.ResponseWriter
	status int
	uid    string
}

func (w *loggedWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *loggedWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Hijack lets websocket upgrades through.
func (w *loggedWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("fakeserver: the connection cannot be hijacked")
	}
	w.status = http.StatusSwitchingProtocols
	return h.Hijack()
}

func (w *loggedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logsRequests reports whether request lines are logged at all: without
// them no writer is wrapped, so that the quiet path costs nothing.
func (s *Server) logsRequests() bool { return s.log.Enabled(context.Background(), slog.LevelInfo) }

// logRequest writes the request line of r.
func (s *Server) logRequest(r *http.Request, w *loggedWriter, start time.Time) {
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	s.log.Info("request", "method", r.Method, "path", redactPath(r.URL.Path), "status", status,
		"ms", float64(time.Since(start).Microseconds())/1000, "uid", w.uid)
}

// noteUID records the acting user of a request for its log line.
func noteUID(w http.ResponseWriter, uid string) {
	if lw, ok := w.(*loggedWriter); ok {
		lw.uid = uid
	}
}
