package fakeserver

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestInspectorMarksStayBounded: a page that never reads holds at most
// inspMaxDirty marks, whatever the traffic; beyond, they collapse into "send
// a snapshot", which costs nothing more.
func TestInspectorMarksStayBounded(t *testing.T) {
	t.Parallel()
	s, err := New(Config{Plain: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sub := s.inspSubscribe()
	s.mu.Lock()
	sub.take() // the first snapshot, as if sent
	s.mu.Unlock()
	for i := 0; i < inspMaxDirty/2; i++ {
		if _, err := s.SendText("superhero1", "user", "superhero2", "hi"); err != nil {
			t.Fatal(err)
		}
	}
	s.mu.Lock()
	if sub.all || len(sub.msgs) != inspMaxDirty/2 {
		t.Fatalf("after %d messages: all %v, %d message marks", inspMaxDirty/2, sub.all, len(sub.msgs))
	}
	s.mu.Unlock()
	for i := 0; i < 5*inspMaxDirty; i++ {
		if _, err := s.SendText("superhero1", "group", "supergroup", "hi"); err != nil {
			t.Fatal(err)
		}
		s.mu.Lock()
		n := sub.n + len(sub.msgs) + len(sub.users)
		s.mu.Unlock()
		if n > 2*(inspMaxDirty+1) {
			t.Fatalf("%d marks held", n)
		}
	}
	s.mu.Lock()
	if !sub.all || !sub.overflow || sub.msgs != nil {
		t.Fatalf("the marks did not collapse: all %v, %d message marks", sub.all, len(sub.msgs))
	}
	m := sub.take()
	if !m.all || !m.overflow {
		t.Fatalf("take: %+v", m)
	}
	s.mu.Unlock()
	s.inspUnsubscribe(sub)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st.obs != nil {
		t.Fatal("the state still marks for the feed without a subscriber")
	}
}

// TestInspectorFeedWaitsForTheStore: with a durable store, the feed shows a
// change only once it is committed, as replies and pushed frames do.
func TestInspectorFeedWaitsForTheStore(t *testing.T) {
	t.Parallel()
	s, err := New(Config{Plain: true, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, _ := http.NewRequestWithContext(ctx, "GET", s.InspectorURL()+"api/events", nil)
	r.Header.Set(InspectorTokenHeader, s.InspectorToken())
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<16), 1<<24)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "data: ") {
				lines <- sc.Text()
			}
		}
	}()
	select {
	case l := <-lines:
		if !strings.Contains(l, `"snapshot":true`) {
			t.Fatalf("first event: %.200s", l)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no snapshot")
	}

	// hold the committer's acknowledgement: the change is in memory (and
	// written), not yet acknowledged as committed
	cs := &s.store.cs
	cs.mu.Lock()
	sent := make(chan error, 1)
	go func() {
		_, err := s.SendText("superhero1", "user", "superhero2", "durable first")
		sent <- err
	}()
	select {
	case l := <-lines:
		cs.mu.Unlock()
		t.Fatalf("the feed showed a change before its commit: %.200s", l)
	case <-sent:
		cs.mu.Unlock()
		t.Fatal("SendText returned before its commit")
	case <-time.After(500 * time.Millisecond):
	}
	s.mu.Lock()
	inMemory := len(s.st.messages)
	s.mu.Unlock()
	cs.mu.Unlock()
	if inMemory != 1 {
		t.Fatalf("%d messages in memory while the commit was held", inMemory)
	}
	select {
	case l := <-lines:
		if !strings.Contains(l, "durable first") {
			t.Fatalf("event: %.300s", l)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the committed change never reached the feed")
	}
	if err := <-sent; err != nil {
		t.Fatal(err)
	}
}

// TestInspectorLoopbackOnly: the page and its API answer loopback clients
// only, like the test hooks.
func TestInspectorLoopbackOnly(t *testing.T) {
	t.Parallel()
	s, err := New(Config{Plain: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, path := range []string{"/_fake/ui/", "/_fake/ui/app.js", "/_fake/ui/api/bootstrap", "/_fake/ui/api/events"} {
		r := httptest.NewRequest("GET", path, nil)
		r.RemoteAddr = "192.0.2.7:40000"
		r.Host = "127.0.0.1"
		r.Header.Set(InspectorTokenHeader, s.InspectorToken())
		w := httptest.NewRecorder()
		s.serveHTTP(w, r)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "loopback") {
			t.Fatalf("%s from 192.0.2.7: %d %s", path, w.Code, w.Body)
		}
	}
}
