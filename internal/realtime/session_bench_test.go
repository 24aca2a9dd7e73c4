package realtime

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// benchSocket is a client socket on which a server writes n frames of
// about 1.5 KiB (the size of a message frame).
func benchSocket(b *testing.B, n int) *websocket.Conn {
	frame := []byte(`{"type":"message","body":{"text":"` + strings.Repeat("x", 1500) + `"}}`)
	up := websocket.Upgrader{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer ws.Close()
		for range n {
			if ws.WriteMessage(websocket.TextMessage, frame) != nil {
				return
			}
		}
		_, _, _ = ws.ReadMessage()
	}))
	b.Cleanup(srv.Close)
	d := websocket.Dialer{ReadBufferSize: 512}
	ws, _, err := d.Dial("ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = ws.Close() })
	return ws
}

// BenchmarkReadFrame is the read loop's reader; BenchmarkReadMessage is
// gorilla's ReadMessage on the same frames, for comparison.
func BenchmarkReadFrame(b *testing.B) {
	ws := benchSocket(b, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, _, err := readFrame(ws); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadMessage(b *testing.B) {
	ws := benchSocket(b, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, _, err := ws.ReadMessage(); err != nil {
			b.Fatal(err)
		}
	}
}
