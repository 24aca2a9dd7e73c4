package cometchat

import (
	"strings"
	"sync"
)

// resume is where the Client's message stream stands: the resume position
// (the highest message id delivered to listeners), whether it is anchored,
// and the ids and muids already seen, so that every message is delivered
// once across the live stream, recovery and the session's own sends. It has
// its own lock and does no I/O.
type resume struct {
	mu       sync.Mutex
	position int64
	anchored bool
	owner    string            // the user the position belongs to
	seen     boundedSet[int64] // message ids already delivered (or sent)
	own      boundedSet[string]
}

// Bounds of the dedupe memory.
const (
	// seenCapacity bounds the message ids remembered so that a message is
	// never delivered twice across the live and recovered streams.
	seenCapacity = 16384
	// ownMUIDCapacity bounds the client message ids this session remembers
	// having sent, so that recovery does not hand the session its own
	// messages.
	ownMUIDCapacity = 4096
)

func newResume() *resume {
	return &resume{seen: newBoundedSet[int64](seenCapacity), own: newBoundedSet[string](ownMUIDCapacity)}
}

// get returns the position and whether it is anchored.
func (r *resume) get() (int64, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.position, r.anchored
}

// set imports a position (SetLastDeliveredMessageID).
func (r *resume) set(id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.position = id
	r.anchored = id > 0
}

// anchor takes newest as the position unless a later one is known.
func (r *resume) anchor(newest int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.position = max(r.position, newest)
	r.anchored = true
}

// forUser starts afresh when uid is not the user the position belongs to.
func (r *resume) forUser(uid string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.owner != "" && !strings.EqualFold(r.owner, uid) {
		r.position, r.anchored, r.seen = 0, false, newBoundedSet[int64](seenCapacity)
	}
	r.owner = uid
}

// restartAt moves the position back to pos and forgets the seen ids: the
// server forgot the ids it gave out, and will give them again.
func (r *resume) restartAt(pos int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.position = pos
	r.seen = newBoundedSet[int64](seenCapacity)
}

// markSeen records id and reports whether it was new.
func (r *resume) markSeen(id int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.seen.add(id)
}

// delivered moves the position to id if it is later.
func (r *resume) delivered(id int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.position = max(r.position, id)
}

// noteOwn records a muid this session sent.
func (r *resume) noteOwn(muid string) {
	if muid == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.own.add(muid)
}

// isOwn reports whether this session sent muid.
func (r *resume) isOwn(muid string) bool {
	if muid == "" {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.own.contains(muid)
}

// boundedSet remembers the most recent keys, up to limit. It grows with use
// (an idle client holds none of it), then forgets the oldest key for each new
// one. A key already present takes no second slot. Make one with
// newBoundedSet: the zero value has no room.
type boundedSet[K comparable] struct {
	m     map[K]struct{}
	ring  []K
	next  int
	limit int
}

func newBoundedSet[K comparable](limit int) boundedSet[K] {
	return boundedSet[K]{limit: max(limit, 1)}
}

// add records k and reports whether it was new.
func (s *boundedSet[K]) add(k K) bool {
	if _, ok := s.m[k]; ok {
		return false
	}
	if s.m == nil {
		s.m = make(map[K]struct{})
	}
	if len(s.ring) < s.limit {
		s.ring = append(s.ring, k)
	} else {
		delete(s.m, s.ring[s.next])
		s.ring[s.next] = k
		s.next = (s.next + 1) % s.limit
	}
	s.m[k] = struct{}{}
	return true
}

// contains reports whether k is remembered.
func (s *boundedSet[K]) contains(k K) bool {
	_, ok := s.m[k]
	return ok
}
