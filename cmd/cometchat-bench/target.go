package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

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
	ctl     *http.Client // the program's own requests (hooks, tokens, sends as another process would make them)
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
	// A bound on connections, as a process holding thousands of clients
	// needs: without it, 10,000 clients recovering after a storm open
	// 10,000 more TLS connections at once, and both processes run out of
	// descriptors. Requests beyond it wait for a connection.
	tr.MaxConnsPerHost = 256
	if pool != nil {
		t.tlsConf = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
		tr.TLSClientConfig = t.tlsConf.Clone()
	}
	t.hc = &http.Client{Transport: tr, Timeout: 60 * time.Second}
	ctl := tr.Clone()
	ctl.MaxConnsPerHost = 0
	t.ctl = &http.Client{Transport: ctl, Timeout: 60 * time.Second}
}

func (t *target) close() {
	t.hc.CloseIdleConnections()
	t.ctl.CloseIdleConnections()
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
	if name := os.Getenv(childProfileEnv); name != "" {
		if f, err := os.Create(name); err == nil {
			defer func() { _ = f.Close() }()
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile() // before the file closes
			}
		}
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
	err := forEach(ctx, len(uids), 16, func(i int) error {
		lctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		defer cancel()
		c, err := t.login(lctx, uids[i], func(c *cometchat.Client) {
			if setup != nil {
				setup(i, c)
			}
		})
		out[i] = c
		return err
	})
	if err != nil {
		closeAll(out)
		return nil, err
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
