package fakeserver_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// TestMessageIDsNeverRecycle: message ids strictly increase for the life of
// an app id: across Reset, Restart and a new server process (another
// Server), and they start above 1000 × the unix milliseconds of the start,
// below 2^53 (exact as JavaScript numbers).
func TestMessageIDsNeverRecycle(t *testing.T) {
	t.Parallel()
	floor := time.Now().UnixMilli() * 1000
	h := newHarness(t, fakeserver.Config{})
	s := h.login("superhero1")
	id := func(m msgOut) int64 {
		t.Helper()
		n, err := strconv.ParseInt(m.ID, 10, 64)
		if err != nil || n > 1<<53 {
			t.Fatalf("id %q is not an integer exact in JavaScript", m.ID)
		}
		return n
	}
	first := id(h.sendText(s, "user", "superhero2", "first"))
	if first <= floor {
		t.Fatalf("the first id %d is not above the start's wall-clock base %d", first, floor)
	}
	last := id(h.sendText(s, "user", "superhero2", "second"))
	if last != first+1 {
		t.Fatalf("ids %d then %d", first, last)
	}
	if err := h.srv.Restart(); err != nil {
		t.Fatal(err)
	}
	h.restarted()
	if n := id(h.sendText(s, "user", "superhero2", "after restart")); n != last+1 {
		t.Fatalf("after Restart: %d, want %d", n, last+1)
	} else {
		last = n
	}
	h.srv.Reset()
	h.restarted()
	s = h.login("superhero1")
	if n := id(h.sendText(s, "user", "superhero2", "after reset")); n <= last {
		t.Fatalf("after Reset: %d, not above %d", n, last)
	} else {
		last = n
	}
	if got := h.srv.LastMessageID(); got != last {
		t.Fatalf("LastMessageID %d, want %d", got, last)
	}
	// a new process of the same app: a second server started now
	h2 := newHarness(t, fakeserver.Config{})
	if n := id(h2.sendText(h2.login("superhero1"), "user", "superhero2", "new process")); n <= last {
		t.Fatalf("a new server's first id %d is not above the old server's %d", n, last)
	}
}
