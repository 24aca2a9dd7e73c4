package cometchat

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The dispatch queue is bounded in bytes as well as in events: a frame that
// would pass the byte bound waits (back-pressure) until earlier ones ran; a
// single frame larger than the bound passes alone.
func TestDispatchQueueIsBoundedInBytes(t *testing.T) {
	slow := make(chan int, 4)
	d := newDispatcher(100, 1000, nil, func(pending int) { slow <- pending })
	defer d.close()
	release := make(chan struct{})
	ran := make(chan string, 8)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	// The first event holds the dispatcher; it is no longer queued.
	require.NoError(t, d.pushWait(ctx, 10, func() { <-release; ran <- "first" }))
	require.NoError(t, d.pushWait(ctx, 600, func() { ran <- "600" }))
	short, cancelShort := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancelShort()
	err := d.pushWait(short, 600, func() { ran <- "never" })
	require.True(t, errors.Is(err, context.DeadlineExceeded), "600 more bytes do not fit in 1000: %v", err)

	close(release)
	require.NoError(t, d.pushWait(ctx, 600, func() { ran <- "600 again" }), "fits once the first 600 ran")
	require.NoError(t, d.pushWait(ctx, 5000, func() { ran <- "alone" }), "larger than the bound: waits for an empty queue")
	select {
	case n := <-slow:
		require.GreaterOrEqual(t, n, 1, "the slow consumer is reported, with what was pending")
	case <-ctx.Done():
		t.Fatal("no slow-consumer report")
	}
	for _, want := range []string{"first", "600", "600 again", "alone"} {
		select {
		case got := <-ran:
			require.Equal(t, want, got)
		case <-ctx.Done():
			t.Fatalf("%s did not run", want)
		}
	}
}

// Close from outside: once close returns, no callback starts; the one
// running finishes. Close from inside a callback returns at once (no
// goroutine waits for itself), and the dispatcher ends after that callback.
func TestDispatcherCloseStartsNoCallbackAfterIt(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	wait := func(ch <-chan struct{}, what string) {
		t.Helper()
		select {
		case <-ch:
		case <-ctx.Done():
			t.Fatalf("%s did not happen", what)
		}
	}
	ended := func(d *dispatcher) <-chan struct{} {
		ch := make(chan struct{})
		go func() { d.runners.Wait(); close(ch) }()
		return ch
	}

	d := newDispatcher(100, 1<<20, nil, nil)
	started, release := make(chan struct{}), make(chan struct{})
	var ran []string
	d.push(func() { close(started); <-release; ran = append(ran, "first") })
	d.push(func() { ran = append(ran, "second") })
	require.NoError(t, d.pushWait(ctx, 10, func() { ran = append(ran, "third") }))
	wait(started, "the first callback")
	d.close() // from outside, while "first" runs
	close(release)
	wait(ended(d), "the dispatcher's end")
	require.Equal(t, []string{"first"}, ran)
	require.ErrorIs(t, d.pushWait(ctx, 10, func() {}), CodeClosed, "nothing is queued after close")

	d = newDispatcher(100, 1<<20, nil, nil)
	var after []string
	d.push(func() {
		d.close() // from inside: returns at once
		after = append(after, "closer finished")
	})
	d.push(func() { after = append(after, "never") })
	wait(ended(d), "the dispatcher's end after a callback closed it")
	require.Equal(t, []string{"closer finished"}, after)
}

// An idle dispatcher holds no goroutine: it ends when the queue is empty and
// starts again, in order, with the next event.
func TestDispatcherHoldsNoGoroutineWhenIdle(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d := newDispatcher(100, 1<<20, nil, nil)
	defer d.close()
	var got []int
	for round := range 3 {
		for i := range 50 {
			n := round*50 + i
			require.NoError(t, d.pushWait(ctx, 1, func() { got = append(got, n) }))
		}
		require.NoError(t, d.drained(ctx))
		ended := make(chan struct{})
		go func() { d.runners.Wait(); close(ended) }()
		select {
		case <-ended:
		case <-ctx.Done():
			t.Fatal("the dispatcher goroutine did not end once idle")
		}
	}
	for i, n := range got {
		require.Equal(t, i, n, "in order across restarts")
	}
	require.Len(t, got, 150)
}
