// Command cometchat-bench is the SDK's load program (issue 7). It runs the
// SDK against the fake CometChat server of internal/fakeserver on loopback
// and prints a small table and one machine-readable line per measurement:
//
//	BENCH idle clients= goroutines_per_client= heap_kib_per_client= ...
//	BENCH receive msgs_per_s= raw_msgs_per_s= ratio= ...
//	BENCH latency p50_us= p99_us= p999_us= n= ...
//	BENCH fanout members= p50_ms= p99_ms= ...
//	BENCH storm clients= reconnect_s= lost= ...
//
// Usage:
//
//	go run ./cmd/cometchat-bench                       # every scenario, full sizes
//	go run ./cmd/cometchat-bench -scenario all -quick  # smaller sizes, < 60 s
//	go run ./cmd/cometchat-bench -scenario idle -n 10000
//
// The server runs in this process, except for idle, which measures the SDK
// alone: there the server runs in a child process (this binary re-executed),
// so that goroutines and heap are the SDK's only, and so that 10,000 clients
// fit the file-descriptor limit (in one process each client costs two
// descriptors). Idle also measures the in-process total (SDK + server) when
// the descriptors allow it. TLS is used unless -plain is given.
//
// Every wait is bounded and only loopback is used.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/gorilla/websocket"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// childEnv, when set, makes this binary serve the fake server for a parent
// run (see startChild). Its value is "plain" or "tls".
const childEnv = "COMETCHAT_BENCH_CHILD"

func main() {
	if mode := os.Getenv(childEnv); mode != "" {
		if err := serveChild(mode, os.Stdin, os.Stdout); err != nil {
			_, _ = fmt.Fprintln(os.Stderr, "cometchat-bench child:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			_, _ = fmt.Fprintln(os.Stderr, "cometchat-bench:", err)
		}
		os.Exit(1)
	}
}

// params are the sizes of one run.
type params struct {
	scenarios []string
	idleN     []int
	stormN    int
	members   int
	fanMsgs   int
	latMsgs   int
	recvDur   time.Duration
	rounds    int
	plain     bool
	inproc    bool // idle: also measure the in-process total
	// cpuProfile and memProfile are pprof output files ("" = none).
	cpuProfile, memProfile string
}

func parse(args []string, out io.Writer) (params, error) {
	fs := flag.NewFlagSet("cometchat-bench", flag.ContinueOnError)
	fs.SetOutput(out)
	scenario := fs.String("scenario", "all", "idle, receive, latency, fanout, storm, or all (comma-separated list allowed)")
	n := fs.Int("n", 0, "clients for idle and storm (default: idle 1000 and 10000, storm 1000; quick: 200)")
	dur := fs.Duration("duration", 0, "how long each receive round pushes (default 3s; quick 1s)")
	members := fs.Int("members", 0, "online group members for fanout (default 1000; quick 100)")
	msgs := fs.Int("msgs", 0, "messages for latency (default 5000; quick 500); fanout sends msgs/100 (at least 5)")
	quick := fs.Bool("quick", false, "smaller sizes: the whole run takes well under a minute")
	plain := fs.Bool("plain", false, "use ws:// and http:// instead of TLS")
	noInproc := fs.Bool("no-inproc-idle", false, "idle: skip the in-process (SDK + server) measurement")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	memProfile := fs.String("memprofile", "", "write a heap profile at the end of each idle measurement to this file")
	if err := fs.Parse(args); err != nil {
		return params{}, err
	}
	p := params{idleN: []int{1000, 10000}, stormN: 1000, members: 1000, latMsgs: 5000, recvDur: 3 * time.Second,
		rounds: 3, plain: *plain, inproc: !*noInproc, cpuProfile: *cpuProfile, memProfile: *memProfile}
	if *quick {
		p.idleN, p.stormN, p.members, p.latMsgs, p.recvDur, p.rounds = []int{200}, 200, 100, 500, time.Second, 1
	}
	if *n > 0 {
		p.idleN, p.stormN = []int{*n}, *n
	}
	if *dur > 0 {
		p.recvDur = *dur
	}
	if *members > 0 {
		p.members = *members
	}
	if *msgs > 0 {
		p.latMsgs = *msgs
	}
	p.fanMsgs = max(5, p.latMsgs/100)
	all := []string{"idle", "receive", "latency", "fanout", "storm"}
	for _, s := range strings.Split(*scenario, ",") {
		s = strings.TrimSpace(s)
		switch {
		case s == "all":
			p.scenarios = append(p.scenarios, all...)
		case slices.Contains(all, s):
			p.scenarios = append(p.scenarios, s)
		default:
			return params{}, fmt.Errorf("unknown scenario %q", s)
		}
	}
	return p, nil
}

// row is one line of the table.
type row struct {
	scenario, metric, value, target, met string
}

type report struct {
	out   io.Writer
	rows  []row
	bench []string
}

func (r *report) add(scenario, metric, value, target string, ok *bool) {
	met := ""
	if ok != nil {
		met = map[bool]string{true: "met", false: "NOT met"}[*ok]
	}
	r.rows = append(r.rows, row{scenario, metric, value, target, met})
}

func (r *report) line(scenario string, kv ...any) {
	var b strings.Builder
	b.WriteString("BENCH " + scenario)
	for i := 0; i+1 < len(kv); i += 2 {
		_, _ = fmt.Fprintf(&b, " %v=%v", kv[i], kv[i+1])
	}
	r.bench = append(r.bench, b.String())
	_, _ = fmt.Fprintln(r.out, b.String()) // also as it happens, for long runs
}

func (r *report) print() {
	_, _ = fmt.Fprintln(r.out)
	tw := tabwriter.NewWriter(r.out, 0, 0, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "SCENARIO\tMETRIC\tVALUE\tTARGET\t")
	for _, x := range r.rows {
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", x.scenario, x.metric, x.value, x.target, x.met)
	}
	_ = tw.Flush()
	_, _ = fmt.Fprintln(r.out)
	for _, l := range r.bench {
		_, _ = fmt.Fprintln(r.out, l)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	p, err := parse(args, out)
	if err != nil {
		return err
	}
	var lim syscall.Rlimit
	_ = syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim)
	_, _ = fmt.Fprintf(out, "cometchat-bench: %s %s/%s, %d CPUs, GOMAXPROCS %d, fd limit %d, %s\n", runtime.Version(),
		runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0), lim.Cur, map[bool]string{true: "plain ws/http", false: "TLS (wss/https)"}[p.plain])
	if p.cpuProfile != "" {
		f, err := os.Create(p.cpuProfile)
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	memProfile = p.memProfile
	r := &report{out: out}
	for _, s := range p.scenarios {
		start := time.Now()
		_, _ = fmt.Fprintf(out, "== %s\n", s)
		var err error
		switch s {
		case "idle":
			for _, n := range p.idleN {
				if err = idle(ctx, r, p, n, int(lim.Cur)); err != nil {
					break
				}
			}
		case "receive":
			err = receive(ctx, r, p)
		case "latency":
			err = latency(ctx, r, p)
		case "fanout":
			err = fanout(ctx, r, p)
		case "storm":
			err = storm(ctx, r, p)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
		_, _ = fmt.Fprintf(out, "   (%s took %.1fs)\n", s, time.Since(start).Seconds())
	}
	r.print()
	return nil
}

// ---------------------------------------------------------------- servers

const (
	appID   = "bench-app"
	authKey = "bench-auth-key"
)

// target is a running fake server, in this process or in a child.
type target struct {
	srv     *fakeserver.Server // nil for a child
	child   *exec.Cmd
	stdin   io.Closer
	base    string // REST base URL
	ws      string // websocket URL
	tlsConf *tls.Config
	hc      *http.Client // shared by every client of the run
}

func serverConfig(plain bool) fakeserver.Config {
	return fakeserver.Config{AppID: appID, AuthKey: authKey, Plain: plain, NoSeed: true, AutoCreateUsers: true}
}

func newTarget(plain bool) (*target, error) {
	srv, err := fakeserver.New(serverConfig(plain))
	if err != nil {
		return nil, err
	}
	t := &target{srv: srv, base: srv.BaseURL(), ws: srv.WebSocketURL()}
	t.setup(srv.CertPool())
	return t, nil
}

// setup builds the TLS config and the HTTP client every SDK client of the
// run shares (cometchat.WithHTTPClient): one transport, so that thousands of
// clients keep a handful of keep-alive connections, not one each.
func (t *target) setup(pool *x509.CertPool) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	if pool != nil {
		t.tlsConf = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		tr.TLSClientConfig = t.tlsConf.Clone()
	}
	t.hc = &http.Client{Transport: tr, Timeout: 60 * time.Second}
}

func (t *target) close() {
	t.hc.CloseIdleConnections()
	if t.srv != nil {
		_ = t.srv.Close()
	}
	if t.child != nil {
		_ = t.stdin.Close()
		done := make(chan struct{})
		go func() { _ = t.child.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = t.child.Process.Kill()
			<-done
		}
	}
}

// startChild runs the fake server in a child process (this binary with
// childEnv set) and waits for its READY line.
func startChild(plain bool) (*target, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), childEnv+"="+map[bool]string{true: "plain", false: "tls"}[plain])
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	t := &target{child: cmd, stdin: stdin}
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "READY ") {
				lines <- sc.Text()
			}
		}
		close(lines)
	}()
	var line string
	select {
	case line = <-lines:
	case <-time.After(30 * time.Second):
	}
	f := strings.Fields(line)
	if len(f) != 4 {
		t.close()
		return nil, fmt.Errorf("the child server did not start (%q)", line)
	}
	t.base, t.ws = f[1], f[2]
	var pool *x509.CertPool
	if f[3] != "-" {
		pem, err := base64.StdEncoding.DecodeString(f[3])
		if err != nil {
			t.close()
			return nil, err
		}
		pool = x509.NewCertPool()
		pool.AppendCertsFromPEM(pem)
	}
	t.setup(pool)
	return t, nil
}

// serveChild is the child side: serve until stdin closes.
func serveChild(mode string, in io.Reader, out io.Writer) error {
	srv, err := fakeserver.New(serverConfig(mode == "plain"))
	if err != nil {
		return err
	}
	defer func() { _ = srv.Close() }()
	ca := "-"
	if pem := srv.CertPEM(); len(pem) > 0 {
		ca = base64.StdEncoding.EncodeToString(pem)
	}
	_, _ = fmt.Fprintf(out, "READY %s %s %s\n", srv.BaseURL(), srv.WebSocketURL(), ca)
	_, _ = io.Copy(io.Discard, in)
	return nil
}

// ---------------------------------------------------------------- clients

func (t *target) newClient(opts ...cometchat.Option) (*cometchat.Client, error) {
	settings := cometchat.AppSettings{AdminHost: t.base, ClientHost: t.base, Region: "us"}
	o := []cometchat.Option{cometchat.WithHTTPClient(t.hc)}
	if t.tlsConf != nil {
		o = append(o, cometchat.WithTLSConfig(t.tlsConf))
	}
	return cometchat.New(appID, settings, append(o, opts...)...)
}

// login creates a client, logs uid in and waits for the socket.
func (t *target) login(ctx context.Context, uid string, setup func(*cometchat.Client)) (*cometchat.Client, error) {
	c, err := t.newClient()
	if err != nil {
		return nil, err
	}
	if setup != nil {
		setup(c)
	}
	if _, err := c.Login(ctx, uid, authKey); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("login %s: %w", uid, err)
	}
	if err := c.WaitConnected(ctx); err != nil {
		_ = c.Close()
		return nil, fmt.Errorf("connect %s: %w", uid, err)
	}
	return c, nil
}

// loginMany logs in uids with a few workers; setup runs before each login.
func (t *target) loginMany(ctx context.Context, uids []string, setup func(i int, c *cometchat.Client)) ([]*cometchat.Client, error) {
	out := make([]*cometchat.Client, len(uids))
	var next atomic.Int64
	var firstErr error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(uids) || ctx.Err() != nil {
					return
				}
				lctx, cancel := context.WithTimeout(ctx, 60*time.Second)
				c, err := t.login(lctx, uids[i], func(c *cometchat.Client) {
					if setup != nil {
						setup(i, c)
					}
				})
				cancel()
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
				out[i] = c
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		closeAll(out)
		return nil, firstErr
	}
	return out, nil
}

func closeAll(cs []*cometchat.Client) {
	var wg sync.WaitGroup
	ch := make(chan *cometchat.Client)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range ch {
				_ = c.Close()
			}
		}()
	}
	for _, c := range cs {
		if c != nil {
			ch <- c
		}
	}
	close(ch)
	wg.Wait()
}

func uids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + strconv.Itoa(i+1)
	}
	return out
}

// ---------------------------------------------------------------- idle

// memSnapshot returns goroutines, live heap and stack bytes after GC.
func memSnapshot() (int, uint64, uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
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
	okG, okH := sdk.goroutines <= 3, sdk.heapKiB <= 24
	name := fmt.Sprintf("idle N=%d", n)
	r.add(name, "goroutines/client (SDK only)", f2(sdk.goroutines), "<= 3", &okG)
	r.add(name, "heap KiB/client (SDK only)", f1(sdk.heapKiB), "<= 24", &okH)
	r.add(name, "stack KiB/client (SDK only)", f1(sdk.stackKiB), "", nil)
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

// ---------------------------------------------------------------- receive

// frameGen makes "message" frames for one receiver, as the fake server
// renders them (one real message is sent and its rendering reused), each with
// a new id: the SDK drops ids it has already delivered.
type frameGen struct {
	head, pre, post []byte
	next            int
}

func newFrameGen(srv *fakeserver.Server, sender, receiver string, firstID int) (*frameGen, error) {
	m, err := srv.SendText(sender, "user", receiver, "The quick brown fox jumps over the lazy dog, message for the receive benchmark.")
	if err != nil {
		return nil, err
	}
	idField := []byte(`"id":"` + m.ID + `"`)
	i := bytes.Index(m.JSON, idField)
	if i < 0 {
		return nil, fmt.Errorf("unexpected message rendering %.80s", m.JSON)
	}
	// The envelope as the server writes it (pushEnvelope field order).
	head := []byte(`{"appId":"` + appID + `","receiver":"` + receiver + `","receiverType":"user","type":"message","sender":"` +
		sender + `","body":`)
	return &frameGen{head: head, pre: m.JSON[:i], post: m.JSON[i+len(idField):], next: firstID}, nil
}

// batch returns the next n frames.
func (g *frameGen) batch(n int) [][]byte {
	out := make([][]byte, n)
	for k := range out {
		b := make([]byte, 0, len(g.head)+len(g.pre)+len(g.post)+24)
		b = append(b, g.head...)
		b = append(b, g.pre...)
		b = append(b, `"id":"`...)
		b = strconv.AppendInt(b, int64(g.next), 10)
		b = append(b, '"')
		b = append(b, g.post...)
		out[k] = append(b, '}')
		g.next++
	}
	return out
}

// pump pushes frames to uid, keeping at most window frames unread (the fake
// server drops a socket with 4,096 queued frames), until the deadline.
// received reports the reader's progress; wake is signalled by the reader
// now and then. It returns how many frames it pushed.
func pump(srv *fakeserver.Server, uid string, gen *frameGen, received func() int64, wake <-chan struct{}, deadline time.Time) int {
	const window, batch = 2048, 256
	sent := 0
	for time.Now().Before(deadline) {
		if int64(sent)-received() > window-batch {
			select {
			case <-wake:
			case <-time.After(5 * time.Millisecond):
			}
			continue
		}
		srv.PushFrames(uid, gen.batch(batch))
		sent += batch
	}
	return sent
}

// rawReceiver is the baseline: a plain gorilla client that does
// ReadMessage + json.Unmarshal into a plain struct.
type rawFrame struct {
	AppID        string `json:"appId"`
	Receiver     string `json:"receiver"`
	ReceiverType string `json:"receiverType"`
	DeviceID     string `json:"deviceId"`
	Type         string `json:"type"`
	Sender       string `json:"sender"`
	Body         struct {
		ID             string `json:"id"`
		ConversationID string `json:"conversationId"`
		Sender         string `json:"sender"`
		Receiver       string `json:"receiver"`
		ReceiverType   string `json:"receiverType"`
		Category       string `json:"category"`
		Type           string `json:"type"`
		Data           struct {
			Text     string `json:"text"`
			Entities struct {
				Sender struct {
					Entity struct {
						UID    string `json:"uid"`
						Name   string `json:"name"`
						Status string `json:"status"`
					} `json:"entity"`
					EntityType string `json:"entityType"`
				} `json:"sender"`
				Receiver struct {
					Entity struct {
						UID    string `json:"uid"`
						Name   string `json:"name"`
						Status string `json:"status"`
					} `json:"entity"`
					EntityType string `json:"entityType"`
				} `json:"receiver"`
			} `json:"entities"`
		} `json:"data"`
		SentAt    int64 `json:"sentAt"`
		UpdatedAt int64 `json:"updatedAt"`
	} `json:"body"`
}

// rawLogin logs uid in over REST and opens an authenticated raw socket.
func (t *target) rawLogin(ctx context.Context, uid string) (*websocket.Conn, error) {
	call := func(method, path, token, key string, out any) error {
		req, err := http.NewRequestWithContext(ctx, method, t.base+"/"+path, strings.NewReader(`{"platform":"GO","deviceId":"raw"}`))
		if err != nil {
			return err
		}
		req.Header.Set("appId", appID)
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("apiKey", key)
		}
		if token != "" {
			req.Header.Set("authToken", token)
		}
		resp, err := t.hc.Do(req)
		if err != nil {
			return err
		}
		defer func() { _ = resp.Body.Close() }()
		var env struct {
			Data json.RawMessage `json:"data"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || len(env.Data) == 0 {
			return fmt.Errorf("%s %s: HTTP %d", method, path, resp.StatusCode)
		}
		return json.Unmarshal(env.Data, out)
	}
	var tok struct {
		AuthToken string `json:"authToken"`
	}
	if err := call(http.MethodPost, "users/"+uid+"/auth_tokens", "", authKey, &tok); err != nil {
		return nil, err
	}
	var me struct {
		JWT string `json:"jwt"`
	}
	if err := call(http.MethodPut, "me", tok.AuthToken, "", &me); err != nil {
		return nil, err
	}
	d := websocket.Dialer{TLSClientConfig: t.tlsConf, HandshakeTimeout: 10 * time.Second}
	ws, _, err := d.DialContext(ctx, t.ws, nil)
	if err != nil {
		return nil, err
	}
	auth, _ := json.Marshal(map[string]any{"appId": appID, "deviceId": "raw-" + uid, "type": "auth", "sender": uid,
		"body": map[string]any{"auth": me.JWT, "deviceId": "raw-" + uid, "presenceSubscription": "NONE"}})
	_ = ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if err := ws.WriteMessage(websocket.TextMessage, auth); err != nil {
		_ = ws.Close()
		return nil, err
	}
	_ = ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		_, raw, err := ws.ReadMessage()
		if err != nil {
			_ = ws.Close()
			return nil, err
		}
		var f struct {
			Type string `json:"type"`
			Body struct {
				Code string `json:"code"`
			} `json:"body"`
		}
		if json.Unmarshal(raw, &f) == nil && f.Type == "auth" {
			if f.Body.Code != "200" {
				_ = ws.Close()
				return nil, fmt.Errorf("raw auth refused: %s", raw)
			}
			_ = ws.SetReadDeadline(time.Time{})
			return ws, nil
		}
	}
}

// counter counts received frames and wakes the pump every 64.
type counter struct {
	n    atomic.Int64
	wake chan struct{}
}

func newCounter() *counter { return &counter{wake: make(chan struct{}, 1)} }

func (c *counter) inc() {
	if c.n.Add(1)%64 == 0 {
		select {
		case c.wake <- struct{}{}:
		default:
		}
	}
}

// throughput pushes frames for dur and returns messages per second through
// to the reader (the last frames pushed are waited for, up to 10 s).
func throughput(srv *fakeserver.Server, uid string, gen *frameGen, c *counter, dur time.Duration) (float64, error) {
	c.n.Store(0)
	start := time.Now()
	sent := pump(srv, uid, gen, c.n.Load, c.wake, start.Add(dur))
	limit := time.Now().Add(10 * time.Second)
	for c.n.Load() < int64(sent) && time.Now().Before(limit) {
		time.Sleep(200 * time.Microsecond)
	}
	el := time.Since(start)
	if got := c.n.Load(); got < int64(sent) {
		return 0, fmt.Errorf("%s received %d of %d frames", uid, got, sent)
	}
	return float64(sent) / el.Seconds(), nil
}

func receive(ctx context.Context, r *report, p params) error {
	t, err := newTarget(p.plain)
	if err != nil {
		return err
	}
	defer t.close()
	for _, u := range []string{"rx-sender", "rx-sdk", "rx-raw"} {
		if err := t.srv.CreateUser(fakeserver.User{UID: u, Name: "User " + u}); err != nil {
			return err
		}
	}
	sdkCount, rawCount := newCounter(), newCounter()
	c, err := t.login(ctx, "rx-sdk", func(c *cometchat.Client) {
		c.AddMessageListener("bench", cometchat.MessageListener{
			OnTextMessageReceived: func(*cometchat.TextMessage) { sdkCount.inc() },
		})
	})
	if err != nil {
		return err
	}
	defer func() { _ = c.Close() }()
	ws, err := t.rawLogin(ctx, "rx-raw")
	if err != nil {
		return err
	}
	rawDone := make(chan struct{})
	go func() {
		defer close(rawDone)
		for {
			_, raw, err := ws.ReadMessage()
			if err != nil {
				return
			}
			var f rawFrame
			if json.Unmarshal(raw, &f) == nil && f.Type == "message" {
				rawCount.inc()
			}
		}
	}()
	defer func() { _ = ws.Close(); <-rawDone }()
	var sdkRates, rawRates []float64
	for round := range p.rounds {
		// Fresh ids each round: the SDK drops ids it has seen.
		base := 10_000_000 * (round + 1)
		sdkFrames, err := newFrameGen(t.srv, "rx-sender", "rx-sdk", base)
		if err != nil {
			return err
		}
		rawFrames, err := newFrameGen(t.srv, "rx-sender", "rx-raw", base)
		if err != nil {
			return err
		}
		// the SendText above pushed one real message to each: let it pass
		time.Sleep(50 * time.Millisecond)
		rr, err := throughput(t.srv, "rx-raw", rawFrames, rawCount, p.recvDur)
		if err != nil {
			return err
		}
		sr, err := throughput(t.srv, "rx-sdk", sdkFrames, sdkCount, p.recvDur)
		if err != nil {
			return err
		}
		rawRates, sdkRates = append(rawRates, rr), append(sdkRates, sr)
		_, _ = fmt.Fprintf(r.out, "   round %d: sdk %.0f msgs/s, raw %.0f msgs/s\n", round+1, sr, rr)
	}
	sdk, raw := median(sdkRates), median(rawRates)
	ratio := sdk / raw
	ok1, ok2 := ratio >= 0.8, sdk >= 150000
	r.add("receive", "SDK msgs/s to listener", f0(sdk), ">= 150000", &ok2)
	r.add("receive", "raw gorilla+Unmarshal msgs/s", f0(raw), "", nil)
	r.add("receive", "ratio SDK/raw", f2(ratio), ">= 0.80", &ok1)
	r.line("receive", "msgs_per_s", f0(sdk), "raw_msgs_per_s", f0(raw), "ratio", f2(ratio), "rounds", p.rounds,
		"round_s", p.recvDur.Seconds())
	return nil
}

// ---------------------------------------------------------------- latency

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

// ---------------------------------------------------------------- fanout

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

// ---------------------------------------------------------------- storm

func storm(ctx context.Context, r *report, p params) error {
	t, err := newTarget(p.plain)
	if err != nil {
		return err
	}
	defer t.close()
	n := p.stormN
	users := uids("storm", n)
	if err := t.srv.CreateUser(fakeserver.User{UID: "storm-sender", Name: "Sender"}); err != nil {
		return err
	}
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
	// Messages before, during and after the storm: each must arrive once.
	sent := make([][]string, n)
	send := func(tag string) error {
		for i, u := range users {
			text := tag + " " + u
			if _, err := t.srv.SendText("storm-sender", "user", u, text); err != nil {
				return err
			}
			sent[i] = append(sent[i], text)
		}
		return nil
	}
	if err := send("before"); err != nil {
		return err
	}
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	dropped := t.srv.DropSockets("")
	if err := send("during"); err != nil {
		return err
	}
	// Until every client is authenticated again, as the server sees it and
	// as the client sees it; halfway, more messages.
	var reconnect time.Duration
	sentMid := false
	limit := start.Add(60 * time.Second)
	for time.Now().Before(limit) {
		if !sentMid && time.Since(start) > 300*time.Millisecond {
			if err := send("reconnecting"); err != nil {
				return err
			}
			sentMid = true
		}
		if sentMid && t.srv.AuthenticatedSockets() >= n && allConnected(cs) {
			reconnect = time.Since(start)
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if reconnect == 0 {
		return fmt.Errorf("only %d of %d clients reconnected within 60 s", t.srv.AuthenticatedSockets(), n)
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

// ---------------------------------------------------------------- helpers

func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func f0(v float64) string       { return strconv.FormatFloat(v, 'f', 0, 64) }
func f1(v float64) string       { return strconv.FormatFloat(v, 'f', 1, 64) }
func f2(v float64) string       { return strconv.FormatFloat(v, 'f', 2, 64) }
func us(d time.Duration) string { return strconv.FormatInt(d.Microseconds(), 10) + "µs" }
func ms(d time.Duration) string { return f2(float64(d.Microseconds())/1000) + "ms" }
