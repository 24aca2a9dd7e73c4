package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// durable measures sends against a server with a durable store
// (fakeserver.Config.DataDir, fsync on): 1 and 50 concurrent senders, each
// sending text messages over REST back to back for -duration; sends/s and
// the latency of SendMessage (the reply waits for the store). The same run
// in memory is reported for comparison.
func durable(ctx context.Context, r *report, p params) error {
	for _, mode := range []struct {
		name    string
		durable bool
		senders int
	}{{"durable", true, 1}, {"durable", true, 50}, {"memory", false, 50}} {
		if err := durableRound(ctx, r, p, mode.name, mode.durable, mode.senders); err != nil {
			return err
		}
	}
	return nil
}

func durableRound(ctx context.Context, r *report, p params, name string, onDisk bool, senders int) error {
	cfg := serverConfig(p.plain)
	if onDisk {
		dir, err := os.MkdirTemp("", "cometchat-bench-store")
		if err != nil {
			return err
		}
		defer func() { _ = os.RemoveAll(dir) }()
		cfg.DataDir = dir
	}
	srv, err := fakeserver.New(cfg)
	if err != nil {
		return err
	}
	t := &target{srv: srv, base: srv.BaseURL(), ws: srv.WebSocketURL()}
	t.setup(srv.CertPool())
	defer t.close()
	uids := make([]string, senders)
	for i := range uids {
		uids[i] = "dur-" + strconv.Itoa(i)
	}
	clients, err := t.loginMany(ctx, append(uids, "dur-rx"), nil)
	if err != nil {
		return err
	}
	defer func() {
		for _, c := range clients {
			_ = c.Close()
		}
	}()
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	start := time.Now()
	deadline := start.Add(p.recvDur)
	var wg sync.WaitGroup
	for i := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for n := 0; time.Now().Before(deadline); n++ {
				sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				t0 := time.Now()
				_, err := clients[i].SendMessage(sctx, cometchat.NewTextMessage("dur-rx", cometchat.ReceiverTypeUser,
					"durable "+strconv.Itoa(i)+"/"+strconv.Itoa(n)))
				cancel()
				if err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					return
				}
				mine = append(mine, time.Since(t0))
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if firstErr != nil {
		return firstErr
	}
	rate := float64(len(lat)) / elapsed.Seconds()
	p50, p99 := pct(lat, 50), pct(lat, 99)
	label := fmt.Sprintf("%s, %d sender", name, senders)
	if senders > 1 {
		label += "s"
	}
	if onDisk && senders >= 50 {
		okRate := rate >= 1000
		r.add("durable", label+": sends/s", f0(rate), ">= 1000/s", &okRate)
	} else {
		r.add("durable", label+": sends/s", f0(rate), "", nil)
	}
	r.add("durable", label+": p50 / p99", ms(p50)+" / "+ms(p99), "", nil)
	r.line("durable", "store", name, "senders", senders, "sends_per_s", int(rate), "p50_us", int(p50.Microseconds()),
		"p99_us", int(p99.Microseconds()), "n", len(lat))
	return nil
}
