package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// forEach calls do(i) for every i in [0, n) from workers goroutines and
// returns the first error; after an error, or once ctx ends, no new call
// starts.
func forEach(ctx context.Context, n, workers int, do func(i int) error) error {
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := do(i); err != nil {
					once.Do(func() { firstErr = err })
					next.Store(int64(n)) // start nothing more
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return firstErr
}

// fanSlots count, per fan-out message, the members that received it, and
// note when the last one did.
type fanSlots struct {
	want  int64
	slots []fanSlot
}

type fanSlot struct {
	n    atomic.Int64
	last atomic.Int64 // unix nanos of the last member's receipt
	done chan struct{}
}

func newFanSlots(msgs, members int) *fanSlots {
	f := &fanSlots{want: int64(members), slots: make([]fanSlot, msgs)}
	for i := range f.slots {
		f.slots[i].done = make(chan struct{})
	}
	return f
}

// got notes that one member received message k; other numbers are ignored.
func (f *fanSlots) got(k int) {
	if k < 0 || k >= len(f.slots) {
		return
	}
	s := &f.slots[k]
	now := time.Now().UnixNano()
	if s.n.Add(1) == f.want {
		s.last.Store(now)
		close(s.done)
	}
}
