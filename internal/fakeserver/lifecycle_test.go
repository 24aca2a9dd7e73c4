package fakeserver_test

import (
	"crypto/tls"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// traffic keeps sending messages and opening sockets until stop is closed;
// errors are expected while the server restarts or closes.
func traffic(h *harness, s session, stop <-chan struct{}, wg *sync.WaitGroup) {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: h.srv.CertPool()}}
	client := &http.Client{Transport: tr, Timeout: 2 * time.Second}
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer tr.CloseIdleConnections()
		for {
			select {
			case <-stop:
				return
			default:
			}
			body := `{"receiver":"superhero2","receiverType":"user","category":"message","type":"text","data":{"text":"load"}}`
			r, _ := http.NewRequest("POST", h.srv.BaseURL()+"/messages", strings.NewReader(body))
			r.Header.Set("appId", testApp)
			r.Header.Set("authToken", s.token)
			if resp, err := client.Do(r); err == nil {
				resp.Body.Close()
			}
		}
	}()
	go func() {
		defer wg.Done()
		d := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: h.srv.CertPool()}, HandshakeTimeout: time.Second}
		for {
			select {
			case <-stop:
				return
			default:
			}
			conn, _, err := d.Dial(h.srv.WebSocketURL(), nil)
			if err != nil {
				continue
			}
			_ = conn.WriteJSON(outFrame{AppID: testApp, DeviceID: "load", Type: "auth", Sender: s.uid,
				Body: mustJSON(authBodyOut{Auth: s.jwt, DeviceID: "load", PresenceSubscription: "ALL_USERS"})})
			_ = conn.SetReadDeadline(time.Now().Add(time.Second))
			_, _, _ = conn.ReadMessage()
			conn.Close()
		}
	}()
}

func TestRestartAndCloseUnderLoad(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	s := h.login("superhero1")
	_, watcher := h.connect("superhero2", "ALL_USERS")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	traffic(h, s, stop, &wg)
	traffic(h, s, stop, &wg)
	for i := 0; i < 3; i++ {
		watcher.waitFor("traffic", func(f frame) bool { return f.Type == "message" || f.Type == "presence" })
		if err := h.srv.Restart(); err != nil {
			t.Fatal(err)
		}
		h.restarted()
		watcher.waitClosed(t)
		watcher = h.dial()
		watcher.auth(h.login("superhero2"), "ALL_USERS")
	}
	closed := make(chan error, 2)
	go func() { closed <- h.srv.Close() }()
	go func() { closed <- h.srv.Close() }()
	for i := 0; i < 2; i++ {
		select {
		case err := <-closed:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Close hangs under load")
		}
	}
	close(stop)
	wg.Wait()
	if err := h.srv.Restart(); err == nil {
		t.Fatal("restart after Close must fail")
	}
	if len(h.srv.Messages()) == 0 {
		t.Fatal("no traffic reached the server")
	}
}
