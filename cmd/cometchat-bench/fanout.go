package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

func fanout(ctx context.Context, r *report, p params) error {
	t, err := newTarget(p.plain)
	if err != nil {
		return err
	}
	defer t.close()
	const guid = "fanout-group"
	members := uids("fan", p.members)
	if err := t.srv.CreateUser(fakeserver.User{UID: "fan-sender", Name: "Sender"}); err != nil {
		return err
	}
	if err := t.srv.CreateGroup(fakeserver.Group{GUID: guid, Name: "Fanout", Type: fakeserver.GroupPublic, Owner: "fan-sender"}); err != nil {
		return err
	}
	for _, u := range members {
		if err := t.srv.CreateUser(fakeserver.User{UID: u, Name: "Member " + u}); err != nil {
			return err
		}
		if err := t.srv.AddMember(guid, u, fakeserver.ScopeParticipant); err != nil {
			return err
		}
	}
	type slot struct {
		n    atomic.Int64
		last atomic.Int64 // unix nanos of the last listener call
		done chan struct{}
	}
	slots := make([]*slot, p.fanMsgs)
	for i := range slots {
		slots[i] = &slot{done: make(chan struct{})}
	}
	want := int64(len(members))
	onText := func(m *cometchat.TextMessage) {
		k, err := strconv.Atoi(strings.TrimPrefix(m.Text, "fanout "))
		if err != nil || k < 0 || k >= len(slots) {
			return
		}
		s := slots[k]
		now := time.Now().UnixNano()
		if s.n.Add(1) == want {
			s.last.Store(now)
			close(s.done)
		}
	}
	cs, err := t.loginMany(ctx, members, func(_ int, c *cometchat.Client) {
		c.AddMessageListener("bench", cometchat.MessageListener{OnTextMessageReceived: onText})
	})
	if err != nil {
		return err
	}
	defer closeAll(cs)
	sender, err := t.login(ctx, "fan-sender", nil)
	if err != nil {
		return err
	}
	defer func() { _ = sender.Close() }()
	var lat []time.Duration
	for k := range slots {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		t0 := time.Now()
		if _, err := sender.SendMessage(sctx, cometchat.NewTextMessage(guid, cometchat.ReceiverTypeGroup, "fanout "+strconv.Itoa(k))); err != nil {
			cancel()
			return err
		}
		select {
		case <-slots[k].done:
			lat = append(lat, time.Duration(slots[k].last.Load()-t0.UnixNano()))
		case <-sctx.Done():
			cancel()
			return fmt.Errorf("message %d reached %d of %d members", k, slots[k].n.Load(), want)
		}
		cancel()
		time.Sleep(20 * time.Millisecond) // let the group settle between messages
	}
	p50, p99 := pct(lat, 50), pct(lat, 99)
	name := fmt.Sprintf("fanout M=%d", len(members))
	r.add(name, "p50 send -> last member's listener", ms(p50), "", nil)
	if len(members) == 1000 { // the target is set for 1,000 members only
		ok := p99 <= 50*time.Millisecond
		r.add(name, "p99", ms(p99), "<= 50ms", &ok)
	} else {
		r.add(name, "p99", ms(p99), "", nil)
	}
	r.line("fanout", "members", len(members), "p50_ms", f2(float64(p50.Microseconds())/1000), "p99_ms",
		f2(float64(p99.Microseconds())/1000), "n", len(lat))
	return nil
}
