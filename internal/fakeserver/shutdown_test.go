package fakeserver_test

import (
	"context"
	"testing"
	"time"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// TestShutdownClosesSocketsWithACode: Shutdown writes what is pending,
// closes every socket with 1001 after the frames queued for it, and closes
// the store, which a new server then opens with everything in it.
func TestShutdownClosesSocketsWithACode(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, fakeserver.Config{DataDir: dir})
	alice := h.login("superhero1")
	_, bob := h.connect("superhero2", "NONE")
	m := h.sendText(alice, "user", "superhero2", "before the stop")
	bob.waitFor("the message", isMessage("before the stop"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	ci, ok := bob.waitClosed(t)
	if !ok || ci.code != fakeserver.CloseGoingAway {
		t.Fatalf("closed %v with %+v, want code %d", ok, ci, fakeserver.CloseGoingAway)
	}
	again, err := fakeserver.New(fakeserver.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got, ok := again.Message(m.ID); !ok || got.Text != "before the stop" {
		t.Fatalf("after Shutdown the store lacks message %s", m.ID)
	}
}
