package fakeserver

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestSlowSocketQueueStaysBounded: a client that authenticates and then
// stops reading never makes the server queue more than
// Config.MaxSocketQueueBytes for it; once behind, it is closed with
// CloseTooSlow (the close frame it finds when it reads again).
func TestSlowSocketQueueStaysBounded(t *testing.T) {
	t.Parallel()
	const bound = 1 << 20
	s, err := New(Config{MaxSocketQueueBytes: bound})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tok, err := s.AuthToken("superhero1")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	jwt := signJWT(s.jwtKey, jwtClaims{UID: "superhero1", AppID: s.cfg.AppID, Iat: now.Unix(), Exp: now.Add(time.Hour).Unix(), TID: tokenID(tok)})
	d := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: s.CertPool()}, HandshakeTimeout: 5 * time.Second,
		ReadBufferSize: 1024}
	ws, _, err := d.Dial(s.WebSocketURL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	auth, _ := json.Marshal(map[string]any{"appId": s.cfg.AppID, "type": "auth", "sender": "superhero1", "deviceId": "slow",
		"body": map[string]any{"auth": jwt, "deviceId": "slow", "presenceSubscription": "NONE"}})
	if err := ws.WriteMessage(websocket.TextMessage, auth); err != nil {
		t.Fatal(err)
	}
	_ = ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, reply, err := ws.ReadMessage(); err != nil || !bytes.Contains(reply, []byte(`"200"`)) {
		t.Fatalf("auth: %s %v", reply, err)
	}
	s.mu.Lock()
	var conn *wsConn
	for c := range s.conns["superhero1"] {
		conn = c
	}
	s.mu.Unlock()

	// the client reads nothing now; push 64 KiB frames until the server
	// gives up on it (the TCP buffers may take some megabytes first)
	frame := []byte(`{"type":"message","body":{"pad":"` + strings.Repeat("p", 64<<10) + `"}}`)
	pushed, closed := 0, false
	for i := 0; i < 1000 && !closed; i++ {
		closed = s.PushFrame("superhero1", frame) == 0
		if !closed {
			pushed++
		}
		conn.out.mu.Lock()
		peak := conn.out.peak
		conn.out.mu.Unlock()
		if peak > bound {
			t.Fatalf("queue peaked at %d bytes, over the bound %d", peak, bound)
		}
	}
	if !closed {
		t.Fatalf("a socket that reads nothing took %d frames (%d MiB) without being closed", pushed, pushed*len(frame)>>20)
	}
	// reading again, it finds the frames the network held, then the close
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, _, err := ws.ReadMessage()
		if err == nil {
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != CloseTooSlow || ce.Text != "Too slow" {
			t.Fatalf("want close %d, got %v", CloseTooSlow, err)
		}
		break
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.WaitForSockets(ctx, "superhero1", 0); err != nil {
		t.Fatal("the slow socket was not cleaned up")
	}
}

// BenchmarkPresenceAmongIdleSockets: a user coming online among 10,000
// connected users who did not subscribe to presence (the SDK's default, and
// a reconnect storm's case) costs what the subscribers cost, not a visit of
// every socket under the server's lock.
func BenchmarkPresenceAmongIdleSockets(b *testing.B) {
	s := offlineServer()
	for i := range 10000 {
		c := s.offlineConn(fmt.Sprintf("idle%d", i), "s")
		c.presence = "NONE"
		delete(s.presenceSubs, c)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b.ReportAllocs()
	for b.Loop() {
		s.broadcastPresenceLocked("superhero1", "online", "s")
	}
}
