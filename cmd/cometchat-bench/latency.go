package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// latency measures send → listener with the SDK, and the same with the floor
// (a raw HTTP POST of the message and a raw websocket read that decodes
// just the id), alternating one message of each on the same server, so that
// both see the same machine.
func latency(ctx context.Context, r *report, p params) error {
	t, err := newTarget(p.plain)
	if err != nil {
		return err
	}
	defer t.close()
	got := make(chan time.Time, 16)
	b, err := t.login(ctx, "lat-b", func(c *cometchat.Client) {
		c.AddMessageListener("bench", cometchat.MessageListener{
			OnTextMessageReceived: func(*cometchat.TextMessage) {
				select {
				case got <- time.Now():
				default:
				}
			},
		})
	})
	if err != nil {
		return err
	}
	defer func() { _ = b.Close() }()
	a, err := t.login(ctx, "lat-a", nil)
	if err != nil {
		return err
	}
	defer func() { _ = a.Close() }()

	for _, u := range []string{"lat-ra", "lat-rb"} {
		if err := t.srv.CreateUser(fakeserver.User{UID: u, Name: "User " + u}); err != nil {
			return err
		}
	}
	_, token, err := t.rawLogin(ctx, "lat-ra")
	if err != nil {
		return err
	}
	rb, _, err := t.rawLogin(ctx, "lat-rb")
	if err != nil {
		return err
	}
	rawGot := make(chan time.Time, 16)
	rawDone := make(chan struct{})
	go func() {
		defer close(rawDone)
		for {
			mt, frame, err := rb.ReadMessage()
			if err != nil {
				return
			}
			if _, ok := idOf(frame); ok && mt == websocket.TextMessage {
				select {
				case rawGot <- time.Now():
				default:
				}
			}
		}
	}()
	defer func() { _ = rb.Close(); <-rawDone }()

	one := func(i int, send func(context.Context) error, arrived <-chan time.Time) (time.Duration, error) {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		t0 := time.Now()
		if err := send(sctx); err != nil {
			return 0, err
		}
		select {
		case t1 := <-arrived:
			return t1.Sub(t0), nil
		case <-sctx.Done():
			return 0, fmt.Errorf("message %d never arrived", i)
		}
	}
	warm := min(100, p.latMsgs/10)
	var lat, floor []time.Duration
	deadline := time.Now().Add(5 * time.Minute)
	for i := 0; i < warm+p.latMsgs && time.Now().Before(deadline); i++ {
		text := "ping " + strconv.Itoa(i)
		d, err := one(i, func(ctx context.Context) error {
			_, err := a.SendMessage(ctx, cometchat.NewTextMessage("lat-b", cometchat.ReceiverTypeUser, text))
			return err
		}, got)
		if err != nil {
			return fmt.Errorf("SDK: %w", err)
		}
		f, err := one(i, func(ctx context.Context) error { return t.rawSend(ctx, token, "lat-rb", text) }, rawGot)
		if err != nil {
			return fmt.Errorf("floor: %w", err)
		}
		if i >= warm {
			lat, floor = append(lat, d), append(floor, f)
		}
	}
	p50, p99, p999 := pct(lat, 50), pct(lat, 99), pct(lat, 99.9)
	f50, f99 := pct(floor, 50), pct(floor, 99)
	ratio := float64(p50) / float64(max(f50, 1))
	ok1, ok2 := ratio <= 1.3, p99 <= 500*time.Microsecond
	r.add("latency", "p50 send(REST) -> listener", us(p50), "", nil)
	r.add("latency", "floor p50 (raw POST -> raw read)", us(f50), "", nil)
	r.add("latency", "ratio p50 SDK/floor", f2(ratio), "<= 1.30", &ok1)
	r.add("latency", "p99", us(p99), "<= 500µs", &ok2)
	r.add("latency", "floor p99", us(f99), "", nil)
	r.add("latency", "p99.9", us(p999), "", nil)
	r.line("latency", "p50_us", int(p50.Microseconds()), "p99_us", int(p99.Microseconds()), "p999_us", int(p999.Microseconds()),
		"floor_p50_us", int(f50.Microseconds()), "floor_p99_us", int(f99.Microseconds()), "ratio_p50", f2(ratio), "n", len(lat))
	return nil
}
