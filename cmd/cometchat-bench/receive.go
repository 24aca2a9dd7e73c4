package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// frameGen makes "message" frames for one receiver, as the fake server
// renders them (one real message is sent and its rendering reused), each with
// a new id: the SDK drops ids it has already delivered.
type frameGen struct {
	head, pre, post []byte
	next            int
}

func newFrameGen(srv *fakeserver.Server, sender, receiver string, firstID int) (*frameGen, error) {
	m, err := srv.SendText(sender, "user", receiver, "The quick brown fox jumps over the lazy dog, message for the receive benchmark.")
	if err != nil {
		return nil, err
	}
	idField := []byte(`"id":"` + m.ID + `"`)
	i := bytes.Index(m.JSON, idField)
	if i < 0 {
		return nil, fmt.Errorf("unexpected message rendering %.80s", m.JSON)
	}
	// The envelope as the server writes it (pushEnvelope field order).
	head := []byte(`{"appId":"` + appID + `","receiver":"` + receiver + `","receiverType":"user","type":"message","sender":"` +
		sender + `","body":`)
	return &frameGen{head: head, pre: m.JSON[:i], post: m.JSON[i+len(idField):], next: firstID}, nil
}

// batch returns the next n frames.
func (g *frameGen) batch(n int) [][]byte {
	out := make([][]byte, n)
	for k := range out {
		b := make([]byte, 0, len(g.head)+len(g.pre)+len(g.post)+24)
		b = append(b, g.head...)
		b = append(b, g.pre...)
		b = append(b, `"id":"`...)
		b = strconv.AppendInt(b, int64(g.next), 10)
		b = append(b, '"')
		b = append(b, g.post...)
		out[k] = append(b, '}')
		g.next++
	}
	return out
}

// pump pushes frames to uid, keeping at most window frames unread (the fake
// server drops a socket with 4,096 queued frames), until the deadline.
// received reports the reader's progress; wake is signalled by the reader
// now and then. It returns how many frames it pushed.
func pump(srv *fakeserver.Server, uid string, gen *frameGen, received func() int64, wake <-chan struct{}, deadline time.Time) int {
	const window, batch = 2048, 256
	sent := 0
	for time.Now().Before(deadline) {
		if int64(sent)-received() > window-batch {
			select {
			case <-wake:
			case <-time.After(5 * time.Millisecond):
			}
			continue
		}
		srv.PushFrames(uid, gen.batch(batch))
		sent += batch
	}
	return sent
}

// rawReceiver is the baseline: a plain gorilla client that does
// ReadMessage + json.Unmarshal into a plain struct.
type rawFrame struct {
	AppID        string `json:"appId"`
	Receiver     string `json:"receiver"`
	ReceiverType string `json:"receiverType"`
	DeviceID     string `json:"deviceId"`
	Type         string `json:"type"`
	Sender       string `json:"sender"`
	Body         struct {
		ID             string `json:"id"`
		ConversationID string `json:"conversationId"`
		Sender         string `json:"sender"`
		Receiver       string `json:"receiver"`
		ReceiverType   string `json:"receiverType"`
		Category       string `json:"category"`
		Type           string `json:"type"`
		Data           struct {
			Text     string `json:"text"`
			Entities struct {
				Sender struct {
					Entity struct {
						UID    string `json:"uid"`
						Name   string `json:"name"`
						Status string `json:"status"`
					} `json:"entity"`
					EntityType string `json:"entityType"`
				} `json:"sender"`
				Receiver struct {
					Entity struct {
						UID    string `json:"uid"`
						Name   string `json:"name"`
						Status string `json:"status"`
					} `json:"entity"`
					EntityType string `json:"entityType"`
				} `json:"receiver"`
			} `json:"entities"`
		} `json:"data"`
		SentAt    int64 `json:"sentAt"`
		UpdatedAt int64 `json:"updatedAt"`
	} `json:"body"`
}

// rawLogin logs uid in over REST and opens an authenticated raw socket.
func (t *target) rawLogin(ctx context.Context, uid string) (*websocket.Conn, error) {
	call := func(method, path, token, key string, out any) error {
		req, err := http.NewRequestWithContext(ctx, method, t.base+"/"+path, strings.NewReader(`{"platform":"GO","deviceId":"raw"}`))
		if err != nil {
			return err
		}
		req.Header.Set("appId", appID)
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("apiKey", key)
		}
		if token != "" {
			req.Header.Set("authToken", token)
		}
		resp, err := t.hc.Do(req)
		if err != nil {
			return err
		}
		defer func() { _ = resp.Body.Close() }()
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || len(env.Data) == 0 {
			return fmt.Errorf("%s %s: HTTP %d", method, path, resp.StatusCode)
		}
		return json.Unmarshal(env.Data, out)
	}
	var tok struct {
		AuthToken string `json:"authToken"`
	}
	if err := call(http.MethodPost, "users/"+uid+"/auth_tokens", "", authKey, &tok); err != nil {
		return nil, err
	}
	var me struct {
		JWT string `json:"jwt"`
	}
	if err := call(http.MethodPut, "me", tok.AuthToken, "", &me); err != nil {
		return nil, err
	}
	d := websocket.Dialer{TLSClientConfig: t.tlsConf, HandshakeTimeout: 10 * time.Second}
	ws, _, err := d.DialContext(ctx, t.ws, nil)
	if err != nil {
		return nil, err
	}
	auth, _ := json.Marshal(map[string]any{"appId": appID, "deviceId": "raw-" + uid, "type": "auth", "sender": uid,
		"body": map[string]any{"auth": me.JWT, "deviceId": "raw-" + uid, "presenceSubscription": "NONE"}})
	_ = ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if err := ws.WriteMessage(websocket.TextMessage, auth); err != nil {
		_ = ws.Close()
		return nil, err
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, raw, err := ws.ReadMessage()
		if err != nil {
			_ = ws.Close()
			return nil, err
		}
		var f struct {
			Type string `json:"type"`
			Body struct {
				Code string `json:"code"`
			} `json:"body"`
		}
		if json.Unmarshal(raw, &f) == nil && f.Type == "auth" {
			if f.Body.Code != "200" {
				_ = ws.Close()
				return nil, fmt.Errorf("raw auth refused: %s", raw)
			}
			_ = ws.SetReadDeadline(time.Time{})
			return ws, nil
		}
	}
}

// counter counts received frames and wakes the pump every 64.
type counter struct {
	n    atomic.Int64
	wake chan struct{}
}

func newCounter() *counter { return &counter{wake: make(chan struct{}, 1)} }

func (c *counter) inc() {
	if c.n.Add(1)%64 == 0 {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// throughput pushes frames for dur and returns messages per second through
// to the reader (the last frames pushed are waited for, up to 10 s).
func throughput(srv *fakeserver.Server, uid string, gen *frameGen, c *counter, dur time.Duration) (float64, error) {
	c.n.Store(0)
	start := time.Now()
	sent := pump(srv, uid, gen, c.n.Load, c.wake, start.Add(dur))
	limit := time.Now().Add(10 * time.Second)
	for c.n.Load() < int64(sent) && time.Now().Before(limit) {
		time.Sleep(200 * time.Microsecond)
	}
	el := time.Since(start)
	if got := c.n.Load(); got < int64(sent) {
		return 0, fmt.Errorf("%s received %d of %d frames", uid, got, sent)
	}
	return float64(sent) / el.Seconds(), nil
}

func receive(ctx context.Context, r *report, p params) error {
	t, err := newTarget(p.plain)
	if err != nil {
		return err
	}
	defer t.close()
	for _, u := range []string{"rx-sender", "rx-sdk", "rx-raw"} {
		if err := t.srv.CreateUser(fakeserver.User{UID: u, Name: "User " + u}); err != nil {
			return err
		}
	}
	sdkCount, rawCount := newCounter(), newCounter()
	c, err := t.login(ctx, "rx-sdk", func(c *cometchat.Client) {
		c.AddMessageListener("bench", cometchat.MessageListener{
			OnTextMessageReceived: func(*cometchat.TextMessage) { sdkCount.inc() },
		})
	})
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	ws, err := t.rawLogin(ctx, "rx-raw")
	if err != nil {
		return err
	}
	rawDone := make(chan struct{})
	go func() {
		defer close(rawDone)
		for {
			_, raw, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var f rawFrame
			if json.Unmarshal(raw, &f) == nil && f.Type == "message" {
				rawCount.inc()
			}
		}
	}()
	defer func() { _ = ws.Close(); <-rawDone }()
	var sdkRates, rawRates []float64
	for round := range p.rounds {
		// Fresh ids each round: the SDK drops ids it has seen.
		base := 10_000_000 * (round + 1)
		sdkFrames, err := newFrameGen(t.srv, "rx-sender", "rx-sdk", base)
		if err != nil {
			return err
		}
		rawFrames, err := newFrameGen(t.srv, "rx-sender", "rx-raw", base)
		if err != nil {
			return err
		}
		// the SendText above pushed one real message to each: let it pass
		time.Sleep(50 * time.Millisecond)
		rr, err := throughput(t.srv, "rx-raw", rawFrames, rawCount, p.recvDur)
		if err != nil {
			return err
		}
		sr, err := throughput(t.srv, "rx-sdk", sdkFrames, sdkCount, p.recvDur)
		if err != nil {
			return err
		}
		rawRates, sdkRates = append(rawRates, rr), append(sdkRates, sr)
		_, _ = fmt.Fprintf(r.out, "   round %d: sdk %.0f msgs/s, raw %.0f msgs/s\n", round+1, sr, rr)
	}
	sdk, raw := median(sdkRates), median(rawRates)
	ratio := sdk / raw
	ok1, ok2 := ratio >= 0.8, sdk >= 150000
	r.add("receive", "SDK msgs/s to listener", f0(sdk), ">= 150000", &ok2)
	r.add("receive", "raw gorilla+Unmarshal msgs/s", f0(raw), "", nil)
	r.add("receive", "ratio SDK/raw", f2(ratio), ">= 0.80", &ok1)
	r.line("receive", "msgs_per_s", f0(sdk), "raw_msgs_per_s", f0(raw), "ratio", f2(ratio), "rounds", p.rounds,
		"round_s", p.recvDur.Seconds())
	return nil
}
