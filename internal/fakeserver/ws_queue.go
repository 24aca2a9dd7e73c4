package fakeserver

import "sync"

// outFrame is one item of a socket's send queue: a text frame, or a close.
type outFrame struct {
	data  []byte
	close *closeFrame
}

type closeFrame struct {
	code   int
	reason string
}

// frameOverhead is what a queued frame costs beyond its bytes (its slot and
// slice header), counted against the queue's byte bound.
const frameOverhead = 64

// pushResult says what became of a pushed frame.
type pushResult int

const (
	pushed     pushResult = iota
	pushFull              // over the byte bound: the socket is too slow
	pushClosed            // a close frame is queued: nothing more is sent
)

// outQueue is a socket's send queue, bounded in bytes (maxBytes, each frame
// counted with frameOverhead), in order. Unlike a buffered channel, it holds
// memory only for what is queued.
type outQueue struct {
	mu       sync.Mutex
	q        []outFrame
	head     int
	bytes    int           // queued bytes, overhead included
	peak     int           // the most bytes ever queued
	maxBytes int           // 0: unbounded
	closed   bool          // a close frame is queued
	ready    chan struct{} // signalled after each push
}

func frameCost(f outFrame) int { return len(f.data) + frameOverhead }

func (o *outQueue) signal() {
	select {
	case o.ready <- struct{}{}:
	default:
	}
}

// push appends a data frame unless it would overflow the byte bound or a
// close frame is already queued.
func (o *outQueue) push(f outFrame) pushResult {
	o.mu.Lock()
	switch {
	case o.closed:
		o.mu.Unlock()
		return pushClosed
	case o.maxBytes > 0 && o.bytes+frameCost(f) > o.maxBytes:
		o.mu.Unlock()
		return pushFull
	}
	o.appendLocked(f)
	o.mu.Unlock()
	o.signal()
	return pushed
}

// pushClose appends a close frame after the queued frames, beyond the byte
// bound, and accepts nothing after it; now drops the queued frames first
// (for a socket too slow to be owed them).
func (o *outQueue) pushClose(f outFrame, now bool) bool {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return false
	}
	if now {
		clear(o.q)
		o.q, o.head, o.bytes = nil, 0, 0
	}
	o.closed = true
	o.appendLocked(f)
	o.mu.Unlock()
	o.signal()
	return true
}

func (o *outQueue) appendLocked(f outFrame) {
	if len(o.q) == cap(o.q) && o.head > 0 {
		// Full backing array with consumed frames at the front: reuse it.
		n := copy(o.q, o.q[o.head:])
		clear(o.q[n:])
		o.q, o.head = o.q[:n], 0
	}
	o.q = append(o.q, f)
	o.bytes += frameCost(f)
	o.peak = max(o.peak, o.bytes)
}

// pop takes the oldest frame.
func (o *outQueue) pop() (outFrame, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.head == len(o.q) {
		return outFrame{}, false
	}
	f := o.q[o.head]
	o.q[o.head] = outFrame{}
	o.head++
	o.bytes -= frameCost(f)
	if o.head == len(o.q) {
		// Empty: start again at the front, and let a burst's large
		// backing array go.
		o.head = 0
		if cap(o.q) > 64 {
			o.q = nil
		} else {
			o.q = o.q[:0]
		}
	}
	return f, true
}
