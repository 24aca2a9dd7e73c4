package fakeserver_test

import (
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRequestAndSocketLogs: at Info level, one line per request (method,
// path, status, duration, uid) and per socket event (open, auth, close with
// its code), and never a credential.
func TestRequestAndSocketLogs(t *testing.T) {
	var logs logBuffer
	h := newHarness(t, fakeserver.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	alice, c := h.connect("superhero1", "NONE")
	h.sendText(alice, "user", "superhero2", "logged")
	fails(t, h.do(req{method: "GET", path: "users/nobody", token: alice.token}), 404, "ERR_UID_NOT_FOUND")
	h.srv.CloseSockets("superhero1", 4321, "bye")
	if _, ok := c.waitClosed(t); !ok {
		t.Fatal("the socket was not closed")
	}
	if err := h.srv.Close(); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	for _, want := range []string{
		`msg=request method=POST path=/v3.0/messages status=200`, `uid=superhero1`,
		`msg=request method=GET path=/v3.0/users/nobody status=404`,
		`msg="ws open"`, `msg="ws auth"`, `msg="ws close"`, `code=4321`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the logs lack %s:\n%s", want, out)
		}
	}
	for _, secret := range []string{alice.token, alice.jwt, testAuthKey, testAPIKey} {
		if secret != "" && strings.Contains(out, secret) {
			t.Errorf("the logs hold a secret %q", secret)
		}
	}
	if !strings.Contains(out, " ms=") {
		t.Errorf("no duration in the request lines:\n%s", out)
	}
}
