package cometchat_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"
	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

var (
	soakFaults = flag.Int("soak.faults", 1000, "forced socket faults in TestSoak")
	soakTime   = flag.Duration("soak.time", 40*time.Second, "upper bound of TestSoak")
)

// TestSoak streams sequence-numbered messages from two senders to two users
// and a group while the server drops sockets, half-opens them and restarts,
// and its clock jumps a day ahead now and then (so that every JWT has expired
// at the next reconnect); every receiver must get every message exactly once,
// in order per conversation. go test -run TestSoak -soak.faults=10000 for the
// long run.
func TestSoak(t *testing.T) {
	clock := &testClock{}
	srv := startServer(t, cometchattest.Config{Now: clock.Now})
	quick := cometchat.WithReconnectBackOff(func() backoff.BackOff { return backoff.NewConstantBackOff(5 * time.Millisecond) })
	keepAlive := cometchat.WithKeepAlive(40*time.Millisecond, 80*time.Millisecond)
	senders := []*cometchat.Client{loggedIn(t, srv, "superhero1"), loggedIn(t, srv, "superhero2")}
	receiverUIDs := []string{"superhero3", "superhero4"}

	type key struct{ conv, sender string }
	var mu sync.Mutex
	seen := map[string]map[key]int{} // receiver -> (conversation, sender) -> last sequence
	var violations []string
	total := atomic.Int64{}
	fins := newEvents[string]()
	for _, uid := range receiverUIDs {
		seen[uid] = map[key]int{}
		r := loggedIn(t, srv, uid, quick, keepAlive)
		r.AddMessageListener("soak", cometchat.MessageListener{OnTextMessageReceived: func(m *cometchat.TextMessage) {
			parts := strings.Split(m.Text, "#")
			n, err := strconv.Atoi(parts[1])
			if len(parts) == 3 {
				defer fins.add(uid + " " + m.ConversationID + " " + m.Sender.UID)
			}
			mu.Lock()
			defer mu.Unlock()
			k := key{m.ConversationID, m.Sender.UID}
			if err != nil || n != seen[uid][k]+1 {
				violations = append(violations, fmt.Sprintf("%s got %q after #%d", uid, m.Text, seen[uid][k]))
			}
			seen[uid][k] = n
			total.Add(1)
		}})
	}

	ctx, cancel := context.WithTimeout(context.Background(), *soakTime)
	defer cancel()
	stop := make(chan struct{})
	var sent [2]int
	var resends atomic.Int64
	var wg sync.WaitGroup
	for i, s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			to := receiverUIDs[i]
			for n := 1; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				for _, target := range []struct {
					id  string
					typ cometchat.ReceiverType
				}{{to, cometchat.ReceiverTypeUser}, {"supergroup", cometchat.ReceiverTypeGroup}} {
					// A send that fails while the server restarts is sent
					// again as the same message: its muid makes the server
					// keep one copy, so receivers must still see it once.
					m := cometchat.NewTextMessage(target.id, target.typ, fmt.Sprintf("s%d#%d", i, n))
					for attempt := 1; ; attempt++ {
						_, err := s.SendMessage(ctx, m)
						if err == nil {
							break
						}
						if attempt == 5 || !errors.Is(err, cometchat.CodeFailedToFetch) || ctx.Err() != nil {
							t.Errorf("send: %v", err)
							return
						}
						resends.Add(1)
					}
				}
				sent[i] = n
			}
		}()
	}

	faults, days := 0, 0
	for faults < *soakFaults && ctx.Err() == nil {
		uid := receiverUIDs[faults%2]
		var hit int
		if faults%100 == 37 {
			clock.advance(24*time.Hour + time.Minute)
			days++
		}
		switch {
		case faults%50 == 49:
			require.NoError(t, srv.Restart())
			hit = 1
		case faults%10 == 9:
			hit = srv.HalfOpenSockets(uid)
		default:
			hit = srv.DropSockets(uid)
		}
		if hit > 0 {
			faults++
		}
		// Wait until both receivers are back, so that every fault hits a live socket.
		for _, u := range receiverUIDs {
			if err := srv.WaitForSockets(ctx, u, 1); err != nil {
				t.Fatalf("after %d faults %s did not come back: %v", faults, u, err)
			}
		}
	}
	close(stop)
	wg.Wait()
	require.GreaterOrEqual(t, faults, *soakFaults, "faults injected before the deadline")
	t.Logf("%d faults, %d clock jumps of a day, %d messages per sender and conversation, %d sends repeated by the application",
		faults, days, sent[0], resends.Load())

	// A last numbered message per conversation: in-order delivery means that
	// when it arrives, everything before it has arrived once.
	for i, s := range senders {
		for _, target := range []struct {
			id  string
			typ cometchat.ReceiverType
		}{{receiverUIDs[i], cometchat.ReceiverTypeUser}, {"supergroup", cometchat.ReceiverTypeGroup}} {
			_, err := s.SendMessage(ctxT(t), cometchat.NewTextMessage(target.id, target.typ, fmt.Sprintf("s%d#%d#fin", i, sent[i]+1)))
			require.NoError(t, err)
		}
	}
	for range 2 * 3 { // each receiver: its user conversation and the group from both senders
		fins.next(t)
	}
	mu.Lock()
	defer mu.Unlock()
	require.Empty(t, violations)
	for ri, uid := range receiverUIDs {
		sender := "superhero" + strconv.Itoa(ri+1)
		require.Equal(t, sent[ri]+1, seen[uid][key{userConv(uid, sender), sender}], "%s from %s", uid, sender)
		for si := range senders {
			require.Equal(t, sent[si]+1, seen[uid][key{"group_supergroup", "superhero" + strconv.Itoa(si+1)}])
		}
	}
	t.Logf("%d faults, %d messages sent, %d delivered", faults, 2*(sent[0]+sent[1]+2), total.Load())
}

func userConv(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return a + "_user_" + b
}
