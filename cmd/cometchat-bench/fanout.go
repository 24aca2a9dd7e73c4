package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// fanout measures, for a group of m online SDK members and a sender, the
// time from SendMessage until the m-th member's listener fires, over
// p.fanMsgs messages. The server runs in this process when the descriptors
// allow it (both sides of every connection), else in a child process.
func fanout(ctx context.Context, r *report, p params, m, fdLimit int) error {
	inproc := 2*m+256 < fdLimit
	var t *target
	var err error
	if inproc {
		t, err = newTarget(p.plain)
	} else {
		t, err = startChild(p.plain)
	}
	if err != nil {
		return err
	}
	defer t.close()
	guid := "fanout-" + strconv.Itoa(m)
	members := uids("fan", m)
	if inproc {
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
	}
	slots := newFanSlots(p.fanMsgs, m)
	onText := func(msg *cometchat.TextMessage) {
		if k, err := strconv.Atoi(strings.TrimPrefix(msg.Text, "fanout ")); err == nil {
			slots.got(k)
		}
	}
	sender, err := t.login(ctx, "fan-sender", nil)
	if err != nil {
		return err
	}
	defer func() { _ = sender.Close() }()
	if !inproc {
		// The members are created (an auth token creates its user), then
		// the sender makes the group and adds them through the SDK while
		// they are offline, so that the "added" actions reach nobody else.
		gctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
		err := t.createUsers(gctx, members)
		if err == nil {
			err = groupOf(gctx, sender, guid, members)
		}
		cancel()
		if err != nil {
			return err
		}
	}
	cs, err := t.loginMany(ctx, members, func(_ int, c *cometchat.Client) {
		c.AddMessageListener("bench", cometchat.MessageListener{OnTextMessageReceived: onText})
	})
	if err != nil {
		return err
	}
	defer func() { closeAll(cs) }() // the clients left open: the floor below closes them first
	lat, err := timeFanout(ctx, sender, guid, slots)
	if err != nil {
		return err
	}
	p50, p99 := pct(lat, 50), pct(lat, 99)
	// The floor: the same members, group, sender and server, but the
	// members are raw websockets that do not decode.
	closeAll(cs)
	cs = nil
	f50, f99, err := fanoutFloor(ctx, t, sender, guid, members, p.fanMsgs)
	if err != nil {
		return fmt.Errorf("floor: %w", err)
	}
	r.add(fmt.Sprintf("fanout M=%d", m), "floor p50 / p99 (raw members, no decode)", ms(f50)+" / "+ms(f99), "", nil)
	where := "server in process"
	if !inproc {
		where = "server in a child process"
	}
	name := fmt.Sprintf("fanout M=%d", m)
	r.add(name, "p50 send -> last member's listener ("+where+")", ms(p50), "", nil)
	switch m {
	case 1000:
		ok := p99 <= 30*time.Millisecond
		r.add(name, "p99", ms(p99), "<= 30ms", &ok)
	case 10000:
		ok := p99 <= 300*time.Millisecond
		r.add(name, "p99", ms(p99), "<= 300ms", &ok)
	default:
		r.add(name, "p99", ms(p99), "", nil)
	}
	kv := []any{"members", m, "p50_ms", f2(float64(p50.Microseconds()) / 1000), "p99_ms",
		f2(float64(p99.Microseconds()) / 1000), "n", len(lat), "server", map[bool]string{true: "inproc", false: "child"}[inproc]}
	kv = append(kv, "floor_p50_ms", f2(float64(f50.Microseconds())/1000), "floor_p99_ms", f2(float64(f99.Microseconds())/1000))
	r.line("fanout", kv...)
	return nil
}

// timeFanout sends the group one message per slot ("fanout K"), each once
// the one before reached every member, and returns for each the time from
// SendMessage until the last member received it.
func timeFanout(ctx context.Context, sender *cometchat.Client, guid string, slots *fanSlots) ([]time.Duration, error) {
	var lat []time.Duration
	for k := range slots.slots {
		s := &slots.slots[k]
		sctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		t0 := time.Now()
		if _, err := sender.SendMessage(sctx, cometchat.NewTextMessage(guid, cometchat.ReceiverTypeGroup, "fanout "+strconv.Itoa(k))); err != nil {
			cancel()
			return nil, err
		}
		select {
		case <-s.done:
			lat = append(lat, time.Duration(s.last.Load()-t0.UnixNano()))
		case <-sctx.Done():
			cancel()
			return nil, fmt.Errorf("message %d reached %d of %d members", k, s.n.Load(), slots.want)
		}
		cancel()
		time.Sleep(20 * time.Millisecond) // let the group settle between messages
	}
	return lat, nil
}
