package fakeserver

import (
	"errors"
	"io"
	"net/http"
	"strings"
)

// Export returns a snapshot of the whole state: a versioned JSON document
// (docs/emulator.md, "Snapshots") in a stable order, so that it can be
// committed as a fixture and diffed. Sockets, fault hooks and rate-limit
// counters are not state and are not in it, nor is the JWT signing key.
func (s *Server) Export() []byte {
	s.mu.Lock()
	sn := s.st.toSnapshot()
	s.mu.Unlock()
	_ = s.sync() // what it shows is in the store, if there is one
	return encodeJSON(sn, true)
}

// Import replaces the whole state with a snapshot (as Export writes it) and
// drops every socket, as Reset does. A snapshot that is refused (wrong
// format or version, a dangling reference, a duplicate id, ...) leaves the
// state untouched; the error wraps ErrBadSnapshot and names the first
// problem. New messages get the ids after the snapshot's last one.
func (s *Server) Import(doc []byte) error {
	sn, err := decodeSnapshot(doc)
	if err != nil {
		return err
	}
	st := sn.toState()
	s.dropAllSockets()
	s.mu.Lock()
	s.replaceStateLocked(st)
	s.mu.Unlock()
	return s.sync()
}

// hookExport serves GET /_fake/export.
func (s *Server) hookExport(w http.ResponseWriter) {
	doc := s.Export()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(doc)
}

// hookImport serves POST /_fake/import (the body is a snapshot).
func (s *Server) hookImport(w http.ResponseWriter, r *http.Request) {
	doc, err := io.ReadAll(io.LimitReader(r.Body, MaxSnapshotBytes+1))
	switch {
	case err != nil:
		writeError(w, badRequest("body", "The snapshot could not be read."))
		return
	case len(doc) > MaxSnapshotBytes:
		writeError(w, newErr(http.StatusRequestEntityTooLarge, "ERR_BAD_REQUEST", "The snapshot is too large."))
		return
	}
	if err := s.Import(doc); err != nil {
		if errors.Is(err, ErrBadSnapshot) {
			msg := strings.TrimPrefix(err.Error(), "fakeserver: ")
			e := newErr(http.StatusBadRequest, "ERR_BAD_REQUEST", "%s", msg)
			e.Details = map[string][]string{"snapshot": {msg}}
			writeError(w, e)
			return
		}
		writeError(w, newErr(http.StatusInternalServerError, "ERR_MISSION_FAILED", "The snapshot could not be stored."))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(marshal(s.Stats()))
}
