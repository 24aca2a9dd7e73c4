package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"time"

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
	for _, u := range []string{"rx-sender", "rx-sdk", "rx-raw", "rx-read"} {
		if err := t.srv.CreateUser(fakeserver.User{UID: u, Name: "User " + u}); err != nil {
			return err
		}
	}
	sdkCount, rawCount, readCount := newCounter(), newCounter(), newCounter()
	c, err := t.login(ctx, "rx-sdk", func(c *cometchat.Client) {
		c.AddMessageListener("bench", cometchat.MessageListener{
			OnTextMessageReceived: func(*cometchat.TextMessage) { sdkCount.inc() },
		})
	})
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	ws, _, err := t.rawLogin(ctx, "rx-raw")
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
	// The read-only floor: a raw socket whose reader does not decode at all.
	rs, _, err := t.rawLogin(ctx, "rx-read")
	if err != nil {
		return err
	}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		for {
			if _, _, err := rs.ReadMessage(); err != nil {
				return
			}
			readCount.inc()
		}
	}()
	defer func() { _ = rs.Close(); <-readDone }()
	var sdkRates, rawRates, readRates []float64
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
		readFrames, err := newFrameGen(t.srv, "rx-sender", "rx-read", base)
		if err != nil {
			return err
		}
		// the SendText above pushed one real message to each: let it pass
		time.Sleep(50 * time.Millisecond)
		rr, err := throughput(t.srv, "rx-raw", rawFrames, rawCount, p.recvDur)
		if err != nil {
			return err
		}
		ro, err := throughput(t.srv, "rx-read", readFrames, readCount, p.recvDur)
		if err != nil {
			return err
		}
		sr, err := throughput(t.srv, "rx-sdk", sdkFrames, sdkCount, p.recvDur)
		if err != nil {
			return err
		}
		rawRates, sdkRates, readRates = append(rawRates, rr), append(sdkRates, sr), append(readRates, ro)
		_, _ = fmt.Fprintf(r.out, "   round %d: sdk %.0f msgs/s, raw %.0f msgs/s, read-only %.0f msgs/s\n", round+1, sr, rr, ro)
	}
	sdk, raw, readOnly := median(sdkRates), median(rawRates), median(readRates)
	ratio, roRatio := sdk/raw, sdk/readOnly
	ok3 := roRatio >= 0.5
	r.add("receive", "SDK msgs/s to listener", f0(sdk), "", nil)
	r.add("receive", "raw gorilla+Unmarshal msgs/s", f0(raw), "", nil)
	r.add("receive", "ratio SDK/raw", f2(ratio), "", nil)
	r.add("receive", "read-only floor msgs/s (no decode)", f0(readOnly), "", nil)
	r.add("receive", "ratio SDK/read-only floor", f2(roRatio), ">= 0.50", &ok3)
	r.line("receive", "msgs_per_s", f0(sdk), "raw_msgs_per_s", f0(raw), "ratio", f2(ratio), "read_only_msgs_per_s", f0(readOnly),
		"read_only_ratio", f2(roRatio), "rounds", p.rounds, "round_s", p.recvDur.Seconds())
	return nil
}
