package main

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
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
	slots := newFanSlots(msgs, m)
	marker := []byte(`"fanout `)
	sockets := make([]*websocket.Conn, m)
	loginErr := forEach(ctx, m, 16, func(i int) error {
		ws, _, err := t.rawLogin(ctx, members[i])
		sockets[i] = ws
		return err
	})
	var readers sync.WaitGroup
	defer func() {
		for _, ws := range sockets {
			if ws != nil {
				_ = ws.Close()
			}
		}
		readers.Wait()
	}()
	if loginErr != nil {
		return 0, 0, loginErr
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
				if k, err := strconv.Atoi(string(rest[:max(j, 0)])); err == nil {
					slots.got(k)
				}
			}
		}()
	}
	lat, err := timeFanout(ctx, sender, guid, slots)
	if err != nil {
		return 0, 0, err
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
