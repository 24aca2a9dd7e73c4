package cometchat

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// dispatcher runs every listener callback of one client, in order, on one
// goroutine at a time. Frames from the socket wait when the queue is full
// (back-pressure); control events (state, login) are always accepted so that
// nothing can deadlock on them.
//
// The goroutine runs only while there is work: it starts when an event is
// queued and ends once the queue has stayed empty for dispatchLinger, so an
// idle client holds no goroutine for its listeners, while a busy one keeps
// the same goroutine (and its grown stack) from event to event. Order is
// kept: a new goroutine starts only after the previous one has ended.
type dispatcher struct {
	mu       sync.Mutex
	q        []queued
	max      int
	bytes    int64 // sizes of the queued frame events
	maxBytes int64
	running  bool          // a goroutine is draining the queue (or lingering)
	wake     chan struct{} // signalled when an event is queued for a running goroutine
	space    chan struct{} // signalled when an event leaves the queue
	stopped  atomic.Bool   // set by close: no callback starts after it
	stop     chan struct{}
	slow     bool
	onPanic  func(v any, stack []byte)
	onSlow   func(pending int)
	stopOnce sync.Once
	runners  sync.WaitGroup // the draining goroutine, for tests
}

// queued is one event with the size it holds (0 for control events).
type queued struct {
	f    func()
	size int64
}

func newDispatcher(max int, maxBytes int64, onPanic func(any, []byte), onSlow func(int)) *dispatcher {
	return &dispatcher{max: max, maxBytes: maxBytes, wake: make(chan struct{}, 1), space: make(chan struct{}, 1),
		stop: make(chan struct{}), onPanic: onPanic, onSlow: onSlow}
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// dispatchLinger is how long the dispatcher's goroutine waits for more work
// before it ends.
const dispatchLinger = 250 * time.Millisecond

// enqueueLocked appends e and wakes the draining goroutine, or starts one if
// none runs.
func (d *dispatcher) enqueueLocked(e queued) {
	d.q = append(d.q, e)
	d.bytes += e.size
	if d.running {
		signal(d.wake)
		return
	}
	d.running = true
	d.runners.Add(1)
	go d.run()
}

// push queues a control event; it never blocks. After close it drops f:
// nothing would run it.
func (d *dispatcher) push(f func()) {
	if d.stopped.Load() {
		return
	}
	d.mu.Lock()
	d.enqueueLocked(queued{f: f})
	d.mu.Unlock()
}

// pushWait queues a frame event that holds size bytes, waiting while the
// queue is full: max events, or maxBytes bytes (an event larger than
// maxBytes alone waits for an empty queue).
func (d *dispatcher) pushWait(ctx context.Context, size int, f func()) error {
	sz := int64(size)
	for {
		if d.stopped.Load() {
			return errClosed()
		}
		d.mu.Lock()
		if len(d.q) < d.max && (d.bytes+sz <= d.maxBytes || d.bytes == 0) {
			d.enqueueLocked(queued{f: f, size: sz})
			if d.slow && len(d.q) < d.max/2 && d.bytes < d.maxBytes/2 {
				d.slow = false
			}
			d.mu.Unlock()
			return nil
		}
		report := !d.slow
		d.slow = true
		n := len(d.q)
		d.mu.Unlock()
		if report && d.onSlow != nil {
			d.push(func() { d.onSlow(n) })
		}
		select {
		case <-d.space:
		case <-ctx.Done():
			return ctx.Err()
		case <-d.stop:
			return errClosed()
		}
	}
}

// run drains the queue; it ends once the queue stayed empty for
// dispatchLinger, or at close.
func (d *dispatcher) run() {
	defer d.runners.Done()
	var linger *time.Timer
	defer func() {
		if linger != nil {
			linger.Stop()
		}
	}()
	for {
		d.mu.Lock()
		if d.stopped.Load() {
			d.q, d.bytes = nil, 0
			d.running = false
			d.mu.Unlock()
			return
		}
		if len(d.q) == 0 {
			d.mu.Unlock()
			if linger == nil {
				linger = time.NewTimer(dispatchLinger)
			} else {
				linger.Reset(dispatchLinger)
			}
			select {
			case <-d.wake:
				linger.Stop()
				continue
			case <-d.stop:
				continue
			case <-linger.C:
			}
			d.mu.Lock()
			if len(d.q) == 0 || d.stopped.Load() {
				d.running = false
				d.mu.Unlock()
				return
			}
			d.mu.Unlock()
			continue
		}
		e := d.q[0]
		d.q[0] = queued{}
		d.q = d.q[1:]
		d.bytes -= e.size
		if len(d.q) == 0 {
			d.q = nil
		}
		d.mu.Unlock()
		signal(d.space)
		d.call(e.f)
	}
}

func (d *dispatcher) call(f func()) {
	defer func() {
		if v := recover(); v != nil && d.onPanic != nil {
			buf := make([]byte, 8<<10)
			d.onPanic(v, buf[:runtime.Stack(buf, false)])
		}
	}()
	f()
}

// guard runs one listener callback, recovering a panic so that the other
// listeners still receive the event; after close it runs nothing.
func (d *dispatcher) guard(f func()) {
	if !d.stopped.Load() {
		d.call(f)
	}
}

// close stops the dispatcher: once it returns, no callback starts (the one
// running, if any, finishes: it may be the caller). It never waits, so a
// callback may call it.
func (d *dispatcher) close() {
	d.stopped.Store(true)
	d.stopOnce.Do(func() { close(d.stop) })
}

// drained waits until the events queued so far have run (tests use it).
func (d *dispatcher) drained(ctx context.Context) error {
	ch := make(chan struct{})
	d.push(func() { close(ch) })
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-d.stop:
		return errClosed()
	}
}

func describePanic(v any) string { return fmt.Sprint(v) }
