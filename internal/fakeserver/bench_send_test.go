package fakeserver

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// BenchmarkSendMessage serves POST messages (a text to a user) through the
// server's HTTP handler, without a network: routing, auth, the handler, the
// reply's rendering and the push to the receiver (no socket here). The
// "memory" case is the default server; "durable" keeps the state in a store
// in b.TempDir() (fsync on), where each reply waits for its commit.
func BenchmarkSendMessage(b *testing.B) {
	b.Run("memory", func(b *testing.B) { benchSend(b, "") })
	b.Run("durable", func(b *testing.B) { benchSend(b, b.TempDir()) })
	b.Run("durable-parallel", func(b *testing.B) {
		b.SetParallelism(25) // 50 senders on 2 cores: group commit
		benchSend(b, b.TempDir())
	})
}

func benchSend(b *testing.B, dir string) {
	cfg := Config{}
	if dir != "" {
		setDataDir(&cfg, dir)
	}
	s, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tok, err := s.AuthToken("superhero1")
	if err != nil {
		b.Fatal(err)
	}
	var n atomic.Int64
	send := func() {
		i := n.Add(1)
		body := `{"receiver":"superhero2","receiverType":"user","category":"message","type":"text","data":{"text":"bench ` +
			strconv.FormatInt(i, 10) + `"}}`
		r := httptest.NewRequest("POST", "/v3.0/messages", strings.NewReader(body))
		r.Header.Set("appId", DefaultAppID)
		r.Header.Set("authToken", tok)
		r.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		s.serveHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("send: %d %s", w.Code, w.Body.String())
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	if strings.HasSuffix(b.Name(), "parallel") {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				send()
			}
		})
		return
	}
	for i := 0; i < b.N; i++ {
		send()
	}
}
