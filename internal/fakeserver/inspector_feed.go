package fakeserver

import (
	"bytes"
	"net/http"
	"time"
)

// The inspector's live feed, GET /_fake/ui/api/events: server-sent events
// driven by the state's own change marks, never by polling the state.
//
// While a page watches, the state carries an inspHub (state.obs): every
// mutation that marks a record for the durable store (touch, touchMsg) marks
// it for each subscriber too, under Server.mu, and a replaced state (Reset,
// Import) marks everything. A subscriber's marks are a set of record keys
// bounded by inspMaxDirty: beyond it they collapse into "everything", and
// the next event is a whole snapshot, what the page would get by reloading.
// So a slow page holds at most that set and the one event being written,
// whatever the traffic; a write that stalls for inspWriteTimeout ends the
// stream, and the page reconnects for a fresh snapshot.
//
// Each subscriber is served by its own HTTP handler: it takes its marks
// under Server.mu, renders the records they name (the records as they are
// then, not the mutations), waits until they are in the durable store when
// there is one (so that the page shows only what is committed), and writes
// one event. Socket changes come from Server.changed, which the socket
// registry already closes on every change.

const (
	inspMaxDirty     = 1000                   // marks held per subscriber before they collapse into a snapshot
	inspInterval     = 100 * time.Millisecond // at most ten events a second per page
	inspSlowInterval = time.Second            // after a collapse: the traffic is heavy
	inspWriteTimeout = 10 * time.Second       // a page that reads nothing for this long is dropped
	inspKeepAlive    = 20 * time.Second       // an SSE comment, so that a dead connection is noticed

	// What one event holds at most; the page shows "N of M".
	inspMaxUsers    = 1000
	inspMaxGroups   = 500
	inspMaxMessages = 300
	inspMaxConvs    = 300
	inspMaxSockets  = 500
	inspMaxMembers  = 200
	inspMaxReceipts = 50
	inspMaxText     = 1000 // runes of a message text
	inspMaxJSON     = 500  // bytes of metadata and data
)

// inspHub is the set of the feed's subscribers. Guarded by Server.mu.
type inspHub struct {
	subs map[*inspSub]struct{}
}

func (h *inspHub) mark(k recKey) {
	for sub := range h.subs {
		sub.mark(k)
	}
}

// markAll makes every subscriber's next event a snapshot.
func (h *inspHub) markAll() {
	for sub := range h.subs {
		sub.markAll(false)
	}
}

func (h *inspHub) markFaults() {
	for sub := range h.subs {
		sub.faults = true
		sub.wake()
	}
}

func (h *inspHub) markSockets() {
	for sub := range h.subs {
		sub.sockets = true
		sub.wake()
	}
}

// inspSub is one page's marks. Guarded by Server.mu, except kick.
type inspSub struct {
	kick chan struct{} // capacity 1: "there is something to send"
	// all: the next event is a snapshot; overflow: because the marks
	// outgrew inspMaxDirty.
	all, overflow bool
	n             int // keys in the sets below
	users         map[string]struct{}
	groups        map[string]struct{}
	convs         map[string]struct{}
	calls         map[string]struct{}
	msgs          map[int64]struct{}
	sockets       bool
	faults        bool
}

func newInspSub() *inspSub {
	sub := &inspSub{kick: make(chan struct{}, 1)}
	sub.markAll(false)
	return sub
}

func (sub *inspSub) wake() {
	select {
	case sub.kick <- struct{}{}:
	default:
	}
}

func (sub *inspSub) markAll(overflow bool) {
	sub.all, sub.overflow = true, sub.overflow || overflow
	sub.n = 0
	sub.users, sub.groups, sub.convs, sub.calls, sub.msgs = nil, nil, nil, nil, nil
	sub.wake()
}

func addKey[K comparable](m *map[K]struct{}, k K) int {
	if *m == nil {
		*m = map[K]struct{}{}
	}
	if _, ok := (*m)[k]; ok {
		return 0
	}
	(*m)[k] = struct{}{}
	return 1
}

func (sub *inspSub) mark(k recKey) {
	if sub.all {
		return
	}
	switch k.kind {
	case kUser:
		sub.n += addKey(&sub.users, k.a)
	case kGroup:
		sub.n += addKey(&sub.groups, k.a)
	case kConv:
		sub.n += addKey(&sub.convs, k.b)
	case kCall:
		sub.n += addKey(&sub.calls, k.a)
	case kMessage:
		sub.n += addKey(&sub.msgs, k.id)
	default: // tokens, sessions, blocks, friends, media, counters: not shown
		return
	}
	if sub.n > inspMaxDirty {
		sub.markAll(true)
		return
	}
	sub.wake()
}

// inspMarks is what a subscriber's next event covers.
type inspMarks struct {
	all, overflow   bool
	users, groups   map[string]struct{}
	convs, calls    map[string]struct{}
	msgs            map[int64]struct{}
	sockets, faults bool
}

func (m *inspMarks) empty() bool {
	return !m.all && !m.sockets && !m.faults && len(m.users)+len(m.groups)+len(m.convs)+len(m.calls)+len(m.msgs) == 0
}

// take returns the marks and clears them. Server.mu held.
func (sub *inspSub) take() inspMarks {
	m := inspMarks{all: sub.all, overflow: sub.overflow, users: sub.users, groups: sub.groups, convs: sub.convs,
		calls: sub.calls, msgs: sub.msgs, sockets: sub.sockets, faults: sub.faults}
	*sub = inspSub{kick: sub.kick}
	return m
}

// inspSubscribe adds a subscriber whose first event is a snapshot.
func (s *Server) inspSubscribe() *inspSub {
	sub := newInspSub()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.insp.hub == nil {
		s.insp.hub = &inspHub{subs: map[*inspSub]struct{}{}}
	}
	s.insp.hub.subs[sub] = struct{}{}
	s.st.obs = s.insp.hub
	return sub
}

// inspUnsubscribe removes sub; without subscribers the state marks nothing
// for the feed.
func (s *Server) inspUnsubscribe(sub *inspSub) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.insp.hub.subs, sub)
	if len(s.insp.hub.subs) == 0 {
		s.st.obs = nil
	}
}

// inspectFaultsLocked tells the feed that the fault list changed.
// Server.mu held.
func (s *Server) inspectFaultsLocked() {
	if s.st.obs != nil {
		s.st.obs.markFaults()
	}
}

// inspectSockets tells the feed that sockets changed in a way the socket
// registry does not signal (half open).
func (s *Server) inspectSockets() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.obs != nil {
		s.st.obs.markSockets()
	}
}

// inspEvents serves the feed to one page until it goes away.
func (s *Server) inspEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	// a stream outlives Config.RequestTimeout: its own write deadline below
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	write := func(b []byte) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(inspWriteTimeout))
		if _, err := w.Write(b); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !write([]byte(": cometchat-fake inspector feed\n\n")) {
		return
	}
	sub := s.inspSubscribe()
	defer s.inspUnsubscribe(sub)
	ctx := r.Context()
	keepAlive := time.NewTicker(inspKeepAlive)
	defer keepAlive.Stop()
	var last time.Time
	interval := time.Duration(0)
	var changed chan struct{} // Server.changed as of the last event: replaced since, the sockets changed
	for {
		if wait := time.Until(last.Add(interval)); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		s.mu.Lock()
		marks := sub.take()
		marks.sockets = marks.sockets || changed != s.changed
		changed = s.changed
		var ev *inspEvent
		if !marks.empty() {
			ev = s.inspRenderLocked(marks)
		}
		s.mu.Unlock()
		if ev != nil {
			// with a durable store: what the event shows is committed first
			if s.sync() != nil {
				return
			}
			var b bytes.Buffer
			b.WriteString("event: view\ndata: ")
			b.Write(marshal(ev))
			b.WriteString("\n\n")
			if !write(b.Bytes()) {
				return
			}
			last, interval = time.Now(), inspInterval
			if marks.overflow {
				interval = inspSlowInterval
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-sub.kick:
		case <-changed:
		case <-keepAlive.C:
			if !write([]byte(": keep-alive\n\n")) {
				return
			}
		}
	}
}
