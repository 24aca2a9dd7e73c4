package main

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gocometchat/cometchat"
)

// storm connects N clients, drops every socket at once, and checks that all
// come back and that every message sent before, during and after arrives
// exactly once. The server runs in a child process (as for idle), so that
// 10,000 clients fit the descriptor limit: each process holds one side of
// every connection.
func storm(ctx context.Context, r *report, p params) error {
	t, err := startChild(p.plain)
	if err != nil {
		return err
	}
	defer t.close()
	n := p.stormN
	users := uids("storm", n)
	// got[i] counts deliveries per message text of client i.
	type inbox struct {
		mu  sync.Mutex
		got map[string]int
	}
	boxes := make([]*inbox, n)
	for i := range boxes {
		boxes[i] = &inbox{got: map[string]int{}}
	}
	cs, err := t.loginMany(ctx, users, func(i int, c *cometchat.Client) {
		box := boxes[i]
		c.AddMessageListener("bench", cometchat.MessageListener{OnTextMessageReceived: func(m *cometchat.TextMessage) {
			box.mu.Lock()
			box.got[m.Text]++
			box.mu.Unlock()
		}})
	})
	if err != nil {
		return err
	}
	defer closeAll(cs)
	progress("storm: %d clients connected", n)
	// Messages before, during and after the storm: each must arrive once.
	sent := make([][]string, n)
	// send sends one message to every client, from a few workers (REST to a
	// child server); sent records what each must receive.
	send := func(tag string) error {
		err := forEach(ctx, n, 8, func(i int) error {
			text := tag + " " + users[i]
			if err := t.sendText(ctx, "storm-sender", "user", users[i], text); err != nil {
				return fmt.Errorf("sending %q messages: %w", tag, err)
			}
			sent[i] = append(sent[i], text)
			return nil
		})
		if err == nil {
			progress("storm: %d %q messages sent", n, tag)
		}
		return err
	}
	if err := send("before"); err != nil {
		return err
	}
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	dropped, err := t.dropAll(ctx)
	if err != nil {
		return err
	}
	progress("storm: %d sockets dropped", dropped)
	if err := send("during"); err != nil {
		return err
	}
	// Until every client is authenticated again, as the server sees it and
	// as the client sees it; halfway, more messages.
	var reconnect time.Duration
	sentMid := false
	limit := start.Add(3 * time.Minute)
	lastNote := start
	for time.Now().Before(limit) {
		if !sentMid && time.Since(start) > 300*time.Millisecond {
			if err := send("reconnecting"); err != nil {
				return err
			}
			sentMid = true
		}
		if sentMid && allConnected(cs) {
			if back, err := t.authenticated(ctx); err == nil && back >= n {
				reconnect = time.Since(start)
				progress("storm: all %d back after %.2fs", n, reconnect.Seconds())
				break
			}
		}
		if time.Since(lastNote) > 5*time.Second {
			back, _ := t.authenticated(ctx)
			progress("storm: %d of %d authenticated again", back, n)
			lastNote = time.Now()
		}
		time.Sleep(5 * time.Millisecond)
	}
	if reconnect == 0 {
		back, _ := t.authenticated(ctx)
		return fmt.Errorf("only %d of %d clients reconnected within 3 minutes", back, n)
	}
	if err := send("after"); err != nil {
		return err
	}
	// Wait for everything, then count.
	count := func() (lost, dup, extra int) {
		for i, b := range boxes {
			b.mu.Lock()
			for _, text := range sent[i] {
				switch k := b.got[text]; {
				case k == 0:
					lost++
				case k > 1:
					dup += k - 1
				}
			}
			extra += len(b.got) - len(sent[i])
			b.mu.Unlock()
		}
		return
	}
	var lost, dup, extra int
	wait := time.Now().Add(30 * time.Second)
	for {
		lost, _, _ = count()
		if lost == 0 || time.Now().After(wait) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // late duplicates, if any
	lost, dup, extra = count()
	total := 0
	for _, s := range sent {
		total += len(s)
	}
	okBack, okLoss := reconnect <= 10*time.Second, lost == 0 && dup == 0
	name := fmt.Sprintf("storm N=%d", n)
	r.add(name, "all reconnected after drop", fmt.Sprintf("%.2fs", reconnect.Seconds()), "<= 10s", &okBack)
	r.add(name, "messages lost / duplicated", fmt.Sprintf("%d / %d of %d", lost, dup, total), "0 / 0", &okLoss)
	r.line("storm", "clients", n, "reconnect_s", f2(reconnect.Seconds()), "lost", lost, "dup", dup, "sent", total,
		"dropped", dropped, "unexpected", extra)
	return nil
}

func allConnected(cs []*cometchat.Client) bool {
	for _, c := range cs {
		if c.ConnectionStatus() != cometchat.StatusConnected {
			return false
		}
	}
	return true
}
