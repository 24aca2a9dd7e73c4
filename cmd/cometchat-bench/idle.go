package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"
)

// memSnapshot returns goroutines, live heap and stack bytes in the steady
// state an idle process reaches: after collections until the stacks stop
// shrinking. Each collection at most halves a goroutine's stack that uses
// less than a quarter of it, so the stacks grown by the TLS handshakes come
// down over a few cycles; an idle process gets there within minutes, as
// the runtime forces a collection every two.
func memSnapshot() (int, uint64, uint64) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	for range 8 {
		before := ms.StackInuse
		runtime.GC()
		runtime.ReadMemStats(&ms)
		if ms.StackInuse >= before {
			break
		}
	}
	return runtime.NumGoroutine(), ms.HeapAlloc, ms.StackInuse
}

// serverGoroutines counts goroutines that belong to the in-process server.
func serverGoroutines() int {
	return countGoroutines("internal/fakeserver.", "net/http.(*conn).serve", "net/http.(*Server).Serve")
}

// sharedGoroutines counts the keep-alive connections of the HTTP transport
// all clients share (a fixed pool, not a per-client cost).
func sharedGoroutines() int {
	return countGoroutines("net/http.(*persistConn)")
}

// countGoroutines counts goroutines whose stack mentions any of marks.
func countGoroutines(marks ...string) int {
	var b bytes.Buffer
	_ = pprof.Lookup("goroutine").WriteTo(&b, 1)
	n := 0
	for _, block := range strings.Split(b.String(), "\n\n") {
		hit := false
		for _, m := range marks {
			hit = hit || strings.Contains(block, m)
		}
		if !hit {
			continue
		}
		head, _, _ := strings.Cut(block, " @")
		head = strings.TrimSpace(head[strings.LastIndexByte(head, '\n')+1:])
		if k, err := strconv.Atoi(head); err == nil {
			n += k
		}
	}
	return n
}

// memProfile, when set, receives a heap profile with the clients connected.
var memProfile string

type idleResult struct {
	goroutines, serverGoroutines float64
	shared                       int // goroutines of the shared HTTP transport's keep-alive pool
	heapKiB, stackKiB            float64
	connect                      time.Duration
}

func measureIdle(ctx context.Context, t *target, n int, prefix string) (idleResult, error) {
	var res idleResult
	g0, h0, s0 := memSnapshot()
	sg0, sh0 := serverGoroutines(), sharedGoroutines()
	start := time.Now()
	cs, err := t.loginMany(ctx, uids(prefix, n), nil)
	if err != nil {
		return res, err
	}
	res.connect = time.Since(start)
	time.Sleep(500 * time.Millisecond) // let handshakes' leftovers finish
	g1, h1, s1 := memSnapshot()
	sg1 := serverGoroutines()
	res.shared = sharedGoroutines() - sh0
	res.goroutines = float64(g1-g0-res.shared) / float64(n)
	res.serverGoroutines = float64(sg1-sg0) / float64(n)
	res.heapKiB = (float64(h1) - float64(h0)) / float64(n) / 1024
	res.stackKiB = (float64(s1) - float64(s0)) / float64(n) / 1024
	if memProfile != "" {
		if f, err := os.Create(memProfile); err == nil {
			_ = pprof.Lookup("heap").WriteTo(f, 0)
			_ = f.Close()
		}
	}
	runtime.KeepAlive(cs)
	closeAll(cs)
	return res, nil
}

func idle(ctx context.Context, r *report, p params, n, fdLimit int) error {
	// SDK alone: the server in a child process.
	ch, err := startChild(p.plain)
	if err != nil {
		return err
	}
	sdk, err := measureIdle(ctx, ch, n, "idle")
	ch.close()
	if err != nil {
		return err
	}
	kv := []any{"clients", n, "goroutines_per_client", f2(sdk.goroutines), "heap_kib_per_client", f1(sdk.heapKiB),
		"stack_kib_per_client", f1(sdk.stackKiB), "measured", "sdk-only", "shared_http_goroutines", sdk.shared,
		"connect_s", f1(sdk.connect.Seconds())}
	okG, okH := sdk.goroutines <= 2, sdk.heapKiB+sdk.stackKiB <= 24
	name := fmt.Sprintf("idle N=%d", n)
	r.add(name, "goroutines/client (SDK only)", f2(sdk.goroutines), "<= 2", &okG)
	r.add(name, "heap KiB/client (SDK only)", f1(sdk.heapKiB), "", nil)
	r.add(name, "stack KiB/client (SDK only)", f1(sdk.stackKiB), "", nil)
	r.add(name, "heap + stacks KiB/client (SDK only)", f1(sdk.heapKiB+sdk.stackKiB), "<= 24", &okH)
	r.add(name, "shared HTTP keep-alive goroutines (all clients)", strconv.Itoa(sdk.shared), "", nil)
	r.add(name, "login+connect all", fmt.Sprintf("%.1fs", sdk.connect.Seconds()), "", nil)
	// SDK + server in one process, when the descriptors allow it.
	if p.inproc && 2*n+256 < fdLimit {
		t, err := newTarget(p.plain)
		if err != nil {
			return err
		}
		tot, err := measureIdle(ctx, t, n, "idle")
		t.close()
		if err != nil {
			return err
		}
		tot.goroutines = (tot.goroutines*float64(n) + float64(tot.shared)) / float64(n) // everything, in-process
		kv = append(kv, "inproc_goroutines_per_client", f2(tot.goroutines), "inproc_heap_kib_per_client", f1(tot.heapKiB),
			"server_goroutines_per_client", f2(tot.serverGoroutines), "server_heap_kib_per_client", f1(tot.heapKiB-sdk.heapKiB))
		r.add(name, "goroutines/client (SDK+server, in-process)", f2(tot.goroutines), "", nil)
		r.add(name, "heap KiB/client (SDK+server, in-process)", f1(tot.heapKiB), "", nil)
		r.add(name, "server share: heap KiB/client (difference)", f1(tot.heapKiB-sdk.heapKiB), "", nil)
	} else if p.inproc {
		r.add(name, "SDK+server in-process", "skipped", fmt.Sprintf("needs %d fds, limit %d", 2*n+256, fdLimit), nil)
	}
	r.line("idle", kv...)
	return nil
}
