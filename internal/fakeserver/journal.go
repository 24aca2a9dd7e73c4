package fakeserver

import (
	"sync"
	"sync/atomic"
)

// The journal records, under Server.mu, what each mutation changed, so that
// the committer (store.go) can write it to the durable store. Without a
// store (Config.DataDir empty) the state has no journal and every hook below
// is a nil check.
//
// "Durable before acknowledged": a mutation marks the records it changed
// (recKey) in the open batch; the frames it pushes are held in the same
// batch. The committer takes the batch under Server.mu, encodes its records,
// writes them in one bbolt transaction (one fsync for every mutation of the
// batch: group commit), then queues the batch's frames and wakes the
// handlers waiting for it, which only then reply.

// recKind is the kind of a stored record: one bbolt bucket each.
type recKind uint8

const (
	kUser recKind = iota
	kToken
	kGroup
	kMessage
	kConv
	kBlock
	kFriend
	kCall
	kSession
	kMedia
	kCounters
	numKinds
)

// recKey names one record: a and b are its string ids (b for pairs), id a
// message id.
type recKey struct {
	kind recKind
	a, b string
	id   int64
}

// pendingOut is a socket action held until its batch is committed.
type pendingOut struct {
	c     *wsConn
	data  []byte
	close *closeFrame
	drop  bool
}

func (o pendingOut) deliver() {
	switch {
	case o.drop:
		o.c.drop()
	case o.close != nil:
		o.c.closeWith(o.close.code, o.close.reason)
	default:
		o.c.send(o.data)
	}
}

// journal is the open batch. Guarded by Server.mu, except want.
type journal struct {
	dirty map[recKey]struct{}
	full  bool // rewrite the whole state (Reset, Import)
	out   []pendingOut
	gen   uint64 // generation of the open batch, from 1
	busy  bool   // the open batch holds something
	// want is the newest generation that holds something: a handler that
	// changed (or read) the state waits until it is committed.
	want atomic.Uint64
	kick chan struct{} // wakes the committer
}

func newJournal() *journal {
	return &journal{dirty: map[recKey]struct{}{}, gen: 1, kick: make(chan struct{}, 1)}
}

func (j *journal) note() {
	if j.busy {
		return
	}
	j.busy = true
	j.want.Store(j.gen)
	select {
	case j.kick <- struct{}{}:
	default:
	}
}

func (j *journal) mark(k recKey) {
	j.dirty[k] = struct{}{}
	j.note()
}

// State hooks: each records that a record changed (Server.mu held).

func (st *state) touch(kind recKind, a, b string) {
	if st.j != nil {
		st.j.mark(recKey{kind: kind, a: a, b: b})
	}
	if st.obs != nil {
		st.obs.mark(recKey{kind: kind, a: a, b: b})
	}
}

func (st *state) touchMsg(m *msgRec) {
	if st.j != nil {
		st.j.mark(recKey{kind: kMessage, id: m.id})
	}
	if st.obs != nil {
		st.obs.mark(recKey{kind: kMessage, id: m.id})
	}
}

// rewriteAll records that the whole state was replaced.
func (st *state) rewriteAll() {
	if st.j != nil {
		st.j.full = true
		st.j.note()
	}
}

// Socket actions: held until the batch is committed when there is a store.

// sendLocked queues frame on c. Server.mu held.
func (s *Server) sendLocked(c *wsConn, frame []byte) bool {
	if j := s.st.j; j != nil {
		j.out = append(j.out, pendingOut{c: c, data: frame})
		j.note()
		return true
	}
	return c.send(frame)
}

// closeLocked queues a close frame on c. Server.mu held.
func (s *Server) closeLocked(c *wsConn, code int, reason string) {
	if j := s.st.j; j != nil {
		j.out = append(j.out, pendingOut{c: c, close: &closeFrame{code: code, reason: reason}})
		j.note()
		return
	}
	c.closeWith(code, reason)
}

// dropLocked cuts c's connection. Server.mu held.
func (s *Server) dropLocked(c *wsConn) {
	if j := s.st.j; j != nil {
		j.out = append(j.out, pendingOut{c: c, drop: true})
		j.note()
		return
	}
	c.drop()
}

// commitState is what waiters watch: the newest committed generation.
type commitState struct {
	mu        sync.Mutex
	cond      *sync.Cond
	committed uint64
	err       error // the store failed: nothing more is acknowledged
	closed    bool
}

// sync waits until everything the state showed so far is in the store; it
// returns at once without a store. A non-nil error means the store failed
// (or was closed) and the change may not be durable.
func (s *Server) sync() error {
	d := s.store
	if d == nil {
		return nil
	}
	target := d.j.want.Load()
	cs := &d.cs
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for cs.committed < target && cs.err == nil && !cs.closed {
		cs.cond.Wait()
	}
	if cs.err != nil {
		return cs.err
	}
	if cs.committed < target {
		return errStoreClosed
	}
	return nil
}
