package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// ackedMsg is a message whose send was acknowledged.
type ackedMsg struct {
	id       int64
	text     string
	sender   string
	toGroup  bool
	receiver string
}

// ackLog records every write the server acknowledged before the kill.
type ackLog struct {
	mu       sync.Mutex
	msgs     []ackedMsg
	users    []string          // created users
	tokens   map[string]string // token -> uid
	groups   []string          // created groups (owned by the user of the same index)
	owners   map[string]string // guid -> owner uid
	members  map[string]string // guid -> the member added to it
	received map[int64]int     // what the logged-in receiver's listener got, by id
}

func (a *ackLog) add(f func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f()
}

// TestSIGKILLLosesNothingAcknowledged runs cometchat-fake with -data in a
// child process, drives it with SDK clients and an admin writer, kills it
// with SIGKILL at a random moment under traffic, restarts it on the same
// directory and port, and checks that every acknowledged user, token,
// group, membership and message is there, that the logged-in receiver gets
// every message exactly once, and that new ids are larger.
func TestSIGKILLLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the binary")
	}
	bin := fakeBinary(t)
	data, caFile := t.TempDir(), filepath.Join(t.TempDir(), "ca.pem")
	port := freePort(t)
	args := []string{"-addr", "127.0.0.1:" + port, "-app-id", "kill-app", "-auth-key", "kill-auth", "-region", "eu",
		"-ca-out", caFile, "-data", data}
	p := startFake(t, bin, true, args...)
	base := "https://" + p.addr + "/v3.0"
	tlsConf := trustCA(t, caFile)
	rest := newRESTClient(t, base, "kill-app", tlsConf)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	acks := &ackLog{tokens: map[string]string{}, owners: map[string]string{}, members: map[string]string{},
		received: map[int64]int{}}
	newClient := func(uid string) *cometchat.Client {
		c, err := cometchat.New("kill-app", cometchat.AppSettings{AdminHost: base, ClientHost: base, Region: "eu"},
			cometchat.WithTLSConfig(tlsConf.Clone()),
			cometchat.WithReconnectBackOff(func() backoff.BackOff { return backoff.NewConstantBackOff(100 * time.Millisecond) }))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = c.Close() })
		if uid == "superhero2" {
			c.AddMessageListener("r", cometchat.MessageListener{OnTextMessageReceived: func(m *cometchat.TextMessage) {
				acks.add(func() { acks.received[m.ID]++ })
			}})
		}
		if _, err := c.Login(ctx, uid, "kill-auth"); err != nil {
			t.Fatalf("login %s: %v", uid, err)
		}
		return c
	}
	receiver := newClient("superhero2")
	senders := []*cometchat.Client{newClient("superhero1"), newClient("superhero3")}
	waitSockets(t, rest, 3)

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range senders {
		uid := []string{"superhero1", "superhero3"}[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			sendUntilError(ctx, c, uid, acks, stop)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		adminUntilError(ctx, rest, acks, stop)
	}()

	// traffic for a while (at least 20 acknowledged messages), then SIGKILL
	// at a random moment
	deadline := time.Now().Add(20 * time.Second)
	for {
		acks.mu.Lock()
		n := len(acks.msgs)
		acks.mu.Unlock()
		if n >= 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d messages acknowledged in 20 s\n%s", n, p.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(time.Duration(rand.IntN(400)) * time.Millisecond)
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.wait(t, 10*time.Second)
	close(stop)
	wg.Wait()
	acks.mu.Lock()
	msgs := append([]ackedMsg(nil), acks.msgs...)
	users, groups := append([]string(nil), acks.users...), append([]string(nil), acks.groups...)
	tokens, owners, members := copyMap(acks.tokens), copyMap(acks.owners), copyMap(acks.members)
	acks.mu.Unlock()
	var maxID int64
	for _, m := range msgs {
		maxID = max(maxID, m.id)
	}
	t.Logf("killed after %d acknowledged messages, %d users, %d tokens, %d groups, %d memberships",
		len(msgs), len(users), len(tokens), len(groups), len(members))

	// restart on the same directory and port
	p2 := startFake(t, bin, true, args...)
	if p2.addr != p.addr {
		t.Fatalf("restarted on %s, want %s", p2.addr, p.addr)
	}
	checkAcknowledged(ctx, t, rest, msgs, users, tokens, owners, members)

	// the receiver, still logged in, reconnects and recovers every message
	// it was sent, exactly once
	want := map[int64]bool{}
	for _, m := range msgs {
		want[m.id] = true // to superhero2 or to supergroup, of which it is a member
	}
	waitReceived(t, acks, want)

	// new ids are larger; the live stream works again
	sent, err := senders[0].SendMessage(ctx, cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, "after the restart"))
	if err != nil {
		t.Fatalf("send after the restart: %v", err)
	}
	if sent.ID <= maxID {
		t.Fatalf("the first id after the restart is %d, not above %d", sent.ID, maxID)
	}
	waitReceived(t, acks, map[int64]bool{sent.ID: true})
	acks.mu.Lock()
	for id, n := range acks.received {
		if n != 1 {
			t.Errorf("message %d reached the listener %d times", id, n)
		}
	}
	acks.mu.Unlock()
	_ = receiver
	if err := p2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := p2.wait(t, 15*time.Second); code != 0 {
		t.Fatalf("exit code %d after SIGTERM\n%s", code, p2.stderr.String())
	}
}

func copyMap(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// waitSockets waits until the server holds n authenticated sockets.
func waitSockets(t *testing.T, rest *restClient, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		st, raw, err := rest.call(context.Background(), "GET", "/_fake/state", nil, "apiKey", fakeserver.DefaultAPIKey)
		if err == nil && st == http.StatusOK {
			var s fakeserver.Stats
			if json.Unmarshal(raw, &s) == nil && s.Sockets >= n {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("fewer than %d sockets after 10 s", n)
}

// sendUntilError sends text messages from uid, to superhero2 and to
// supergroup in turn, until a send fails (the server was killed) or stop.
func sendUntilError(ctx context.Context, c *cometchat.Client, uid string, acks *ackLog, stop chan struct{}) {
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		text := fmt.Sprintf("%s #%d", uid, i)
		m := ackedMsg{text: text, sender: uid, receiver: "superhero2"}
		out := cometchat.NewTextMessage("superhero2", cometchat.ReceiverTypeUser, text)
		if i%2 == 1 {
			m.toGroup, m.receiver = true, "supergroup"
			out = cometchat.NewTextMessage("supergroup", cometchat.ReceiverTypeGroup, text)
		}
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		sent, err := c.SendMessage(sctx, out)
		cancel()
		if err != nil {
			return
		}
		m.id = sent.ID
		acks.add(func() { acks.msgs = append(acks.msgs, m) })
	}
}

// adminUntilError creates users, auth tokens, groups and memberships over
// REST until a call fails or stop, recording each acknowledged one.
func adminUntilError(ctx context.Context, rest *restClient, acks *ackLog, stop chan struct{}) {
	admin := []string{"apiKey", fakeserver.DefaultAPIKey}
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		default:
		}
		uid, guid := "k"+itoa(i), "g"+itoa(i)
		if st, _, err := rest.call(ctx, "POST", "/users", map[string]any{"uid": uid, "name": "K " + itoa(i)}, admin...); err != nil || st != http.StatusOK {
			return
		}
		acks.add(func() { acks.users = append(acks.users, uid) })
		st, raw, err := rest.call(ctx, "POST", "/users/"+uid+"/auth_tokens", map[string]any{}, admin...)
		if err != nil || st != http.StatusOK {
			return
		}
		var tok struct {
			AuthToken string `json:"authToken"`
		}
		_ = json.Unmarshal(raw, &tok)
		acks.add(func() { acks.tokens[tok.AuthToken] = uid })
		as := []string{"authToken", tok.AuthToken}
		if st, _, err := rest.call(ctx, "POST", "/groups", map[string]any{"guid": guid, "name": "G " + itoa(i), "type": "public"}, as...); err != nil || st != http.StatusOK {
			return
		}
		acks.add(func() { acks.groups = append(acks.groups, guid); acks.owners[guid] = uid })
		if st, _, err := rest.call(ctx, "PUT", "/groups/"+guid+"/members", map[string]any{"participants": []string{"superhero4"}}, as...); err != nil || st != http.StatusOK {
			return
		}
		acks.add(func() { acks.members[guid] = "superhero4" })
	}
}

// checkAcknowledged checks over REST that every acknowledged write is there.
func checkAcknowledged(ctx context.Context, t *testing.T, rest *restClient, msgs []ackedMsg, users []string,
	tokens, owners, members map[string]string) {
	t.Helper()
	admin := func(uid string) []string { return []string{"apiKey", fakeserver.DefaultAPIKey, "onBehalfOf", uid} }
	for _, uid := range users {
		if st, raw, err := rest.call(ctx, "GET", "/users/"+uid, nil, admin("superhero1")...); err != nil || st != http.StatusOK {
			t.Errorf("acknowledged user %s: %d %s %v", uid, st, raw, err)
		}
	}
	for tok, uid := range tokens {
		st, raw, err := rest.call(ctx, "GET", "/me", nil, "authToken", tok)
		var me struct {
			UID string `json:"uid"`
		}
		if err != nil || st != http.StatusOK || json.Unmarshal(raw, &me) != nil || me.UID != uid {
			t.Errorf("acknowledged token of %s: %d %s %v", uid, st, raw, err)
		}
	}
	for guid, owner := range owners {
		st, raw, err := rest.call(ctx, "GET", "/groups/"+guid+"/members", nil, admin(owner)...)
		if err != nil || st != http.StatusOK {
			t.Errorf("acknowledged group %s: %d %s %v", guid, st, raw, err)
			continue
		}
		if m := members[guid]; m != "" && !contains(string(raw), `"uid":"`+m+`"`) {
			t.Errorf("acknowledged member %s of %s is missing: %s", m, guid, raw)
		}
	}
	for _, m := range msgs {
		st, raw, err := rest.call(ctx, "GET", "/messages/"+fmt.Sprint(m.id), nil, admin(m.sender)...)
		var got struct {
			Data struct {
				Text string `json:"text"`
			} `json:"data"`
			Receiver string `json:"receiver"`
		}
		if err != nil || st != http.StatusOK || json.Unmarshal(raw, &got) != nil || got.Data.Text != m.text || got.Receiver != m.receiver {
			t.Errorf("acknowledged message %d (%q to %s): %d %s %v", m.id, m.text, m.receiver, st, raw, err)
		}
	}
}

// waitReceived waits (at most 20 s) until the receiver's listener got every
// id of want.
func waitReceived(t *testing.T, acks *ackLog, want map[int64]bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		acks.mu.Lock()
		var missing []int64
		for id := range want {
			if acks.received[id] == 0 {
				missing = append(missing, id)
			}
		}
		acks.mu.Unlock()
		if len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d acknowledged messages never reached the logged-in receiver, e.g. %v", len(missing), missing[:min(5, len(missing))])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var _ = tls.VersionTLS12
