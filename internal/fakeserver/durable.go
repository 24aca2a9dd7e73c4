package fakeserver

import (
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"time"
)

// initState sets up the state at New: from Config.Snapshot, else from the
// store, else seeded; with a store, it starts the committer and waits until
// the store holds the state it starts with.
func (s *Server) initState() error {
	var loaded *snapshot
	if s.cfg.DataDir != "" {
		d, sn, key, err := openStore(s.cfg.DataDir)
		if err != nil {
			return err
		}
		s.store, s.jwtKey, loaded = d, key, sn
	} else {
		s.jwtKey = make([]byte, 32)
		if _, err := rand.Read(s.jwtKey); err != nil {
			return fmt.Errorf("fakeserver: jwt key: %w", err)
		}
	}
	var st *state
	rewrite := true
	switch {
	case s.cfg.Snapshot != nil:
		sn, err := decodeSnapshot(s.cfg.Snapshot)
		if err != nil {
			_ = s.closeStore()
			return err
		}
		st = sn.toState()
	case loaded != nil:
		st, rewrite = loaded.toState(), false
	default:
		st = s.newSeededState(newIDBase(0))
	}
	s.st = st
	if s.store == nil {
		return nil
	}
	j := newJournal()
	st.j = j
	s.store.start(s, j)
	if rewrite {
		s.mu.Lock()
		st.rewriteAll()
		s.mu.Unlock()
	}
	if err := s.sync(); err != nil {
		_ = s.closeStore()
		return err
	}
	if loaded != nil {
		s.log.Info("state loaded", "dir", s.cfg.DataDir, "users", len(st.users), "groups", len(st.groups),
			"messages", len(st.messages), "lastMessageId", st.lastID())
	}
	return nil
}

// replaceStateLocked puts st in place of the whole state (Reset, Import).
// Server.mu held.
func (s *Server) replaceStateLocked(st *state) {
	if old := s.st; old != nil && old.j != nil {
		st.j = old.j
		st.rewriteAll()
	}
	if old := s.st; old != nil && old.obs != nil {
		st.obs = old.obs
		st.obs.markAll() // the inspector's pages reload their whole view
	}
	s.st = st
}

// closeStore writes what is pending and closes the store.
func (s *Server) closeStore() error {
	if s.store == nil {
		return nil
	}
	return s.store.close()
}

// StoreFailed is closed when a write to the durable store failed (the
// server then acknowledges nothing more that changes the state; StoreErr
// says why). Without a store it is nil: a channel that never closes.
func (s *Server) StoreFailed() <-chan struct{} {
	if s.store == nil {
		return nil
	}
	return s.store.failed
}

// StoreErr returns the error of a failed store write, or nil.
func (s *Server) StoreErr() error {
	if s.store == nil {
		return nil
	}
	s.store.cs.mu.Lock()
	defer s.store.cs.mu.Unlock()
	return s.store.cs.err
}

// syncInto waits for the store (see sync) and reports its failure in *err
// unless *err is set already.
func (s *Server) syncInto(err *error) {
	if e := s.sync(); e != nil && *err == nil {
		*err = e
	}
}

// certificate returns the TLS certificate for host: with a store, the one
// kept in it while it still serves (so that a CA file clients trust stays
// good across restarts), else a new one, kept for the next start.
func (s *Server) certificate(host string) (tls.Certificate, []byte, error) {
	if s.cfg.TLSCertFile != "" || s.cfg.TLSKeyFile != "" {
		return loadCertificate(s.cfg.TLSCertFile, s.cfg.TLSKeyFile)
	}
	now := time.Now() // real time: clients check it
	if s.store != nil {
		certPEM, keyPEM := s.store.getMeta(metaTLSCert), s.store.getMeta(metaTLSKey)
		if cert, ok := reusableCertificate(certPEM, keyPEM, host, now); ok {
			return cert, certPEM, nil
		}
	}
	cert, certPEM, keyPEM, err := newCertificate(host, now)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	if s.store != nil {
		if err := s.store.putMeta(map[string][]byte{string(metaTLSCert): certPEM, string(metaTLSKey): keyPEM}); err != nil {
			return tls.Certificate{}, nil, err
		}
	}
	return cert, certPEM, nil
}
