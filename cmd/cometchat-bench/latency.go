package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/gocometchat/cometchat"
)

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
	warm := min(100, p.latMsgs/10)
	var lat []time.Duration
	deadline := time.Now().Add(5 * time.Minute)
	for i := 0; i < warm+p.latMsgs && time.Now().Before(deadline); i++ {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		t0 := time.Now()
		_, err := a.SendMessage(sctx, cometchat.NewTextMessage("lat-b", cometchat.ReceiverTypeUser, "ping "+strconv.Itoa(i)))
		if err != nil {
			cancel()
			return err
		}
		select {
		case t1 := <-got:
			if i >= warm {
				lat = append(lat, t1.Sub(t0))
			}
		case <-sctx.Done():
			cancel()
			return fmt.Errorf("message %d never reached the listener", i)
		}
		cancel()
	}
	p50, p99, p999 := pct(lat, 50), pct(lat, 99), pct(lat, 99.9)
	ok1, ok2 := p50 <= 200*time.Microsecond, p99 <= time.Millisecond
	r.add("latency", "p50 send(REST) -> listener", us(p50), "<= 200µs", &ok1)
	r.add("latency", "p99", us(p99), "<= 1000µs", &ok2)
	r.add("latency", "p99.9", us(p999), "", nil)
	r.line("latency", "p50_us", int(p50.Microseconds()), "p99_us", int(p99.Microseconds()), "p999_us", int(p999.Microseconds()), "n", len(lat))
	return nil
}
