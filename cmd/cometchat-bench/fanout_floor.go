package main

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gocometchat/cometchat"
)

// fanoutFloor is fanout's floor, measured right after it on the same
// server: the same group and sender, but its members are raw websockets that
// only read each frame and find the message's number in it, without
// decoding: what the server, TLS and the kernel cost, with no SDK. The SDK
// members must be gone; fanoutFloor waits until the server has seen them go.
func fanoutFloor(ctx context.Context, t *target, sender *cometchat.Client, guid string, members []string, msgs int) (p50, p99 time.Duration, err error) {
	m := len(members)
	if err := waitSockets(ctx, t, 1); err != nil {
		return 0, 0, err
	}
	type slot struct {
		n    atomic.Int64
		last atomic.Int64
		done chan struct{}
	}
	slots := make([]*slot, msgs)
	for i := range slots {
		slots[i] = &slot{done: make(chan struct{})}
	}
	want := int64(m)
	marker := []byte(`"fanout `)
	sockets := make([]*websocket.Conn, m)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= m {
					return
				}
				ws, _, err := t.rawLogin(ctx, members[i])
				if err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				sockets[i] = ws
			}
		}()
	}
	wg.Wait()
	var readers sync.WaitGroup
	defer func() {
		for _, ws := range sockets {
			if ws != nil {
				_ = ws.Close()
			}
		}
		readers.Wait()
	}()
	if firstErr != nil {
		return 0, 0, firstErr
	}
	for _, ws := range sockets {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				_, frame, err := ws.ReadMessage()
				if err != nil {
					return
				}
				i := bytes.Index(frame, marker)
				if i < 0 {
					continue
				}
				rest := frame[i+len(marker):]
				j := bytes.IndexByte(rest, '"')
				k, err := strconv.Atoi(string(rest[:max(j, 0)]))
				if err != nil || k < 0 || k >= len(slots) {
					continue
				}
				s := slots[k]
				now := time.Now().UnixNano()
				if s.n.Add(1) == want {
					s.last.Store(now)
					close(s.done)
				}
			}
		}()
	}
	var lat []time.Duration
	for k := range slots {
		sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		t0 := time.Now()
		if _, err := sender.SendMessage(sctx, cometchat.NewTextMessage(guid, cometchat.ReceiverTypeGroup, "fanout "+strconv.Itoa(k))); err != nil {
			cancel()
			return 0, 0, err
		}
		select {
		case <-slots[k].done:
			lat = append(lat, time.Duration(slots[k].last.Load()-t0.UnixNano()))
		case <-sctx.Done():
			cancel()
			return 0, 0, fmt.Errorf("floor message %d reached %d of %d members", k, slots[k].n.Load(), want)
		}
		cancel()
		time.Sleep(20 * time.Millisecond)
	}
	return pct(lat, 50), pct(lat, 99), nil
}

// waitSockets waits until the server counts n authenticated sockets.
func waitSockets(ctx context.Context, t *target, n int) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for {
		got, err := t.authenticated(ctx)
		if err != nil {
			return err
		}
		if got == n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("server counts %d sockets, want %d: %w", got, n, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
