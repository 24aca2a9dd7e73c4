package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Helpers that run the cometchat-fake binary in a child process.

var (
	buildOnce sync.Once
	buildDir  string
	buildBin  string
	buildErr  error
)

// fakeBinary builds cometchat-fake once per test run.
func fakeBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "cometchat-fake-bin")
		if buildErr != nil {
			return
		}
		buildBin = filepath.Join(buildDir, "cometchat-fake")
		out, err := exec.Command("go", "build", "-o", buildBin, ".").CombinedOutput()
		if err != nil {
			buildErr = &buildError{err: err, out: string(out)}
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return buildBin
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.out }

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// fakeProc is one running cometchat-fake.
type fakeProc struct {
	cmd    *exec.Cmd
	addr   string
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{} // closed when the process has exited
	err    error         // Wait's error, once done
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var readyLine = regexp.MustCompile(`listening on (\S+:\d+)`)

// startFake runs the binary with args and waits (at most 20 s) for its ready
// line; ready=false returns once it exits instead (for the error cases).
func startFake(t *testing.T, bin string, ready bool, args ...string) *fakeProc {
	t.Helper()
	p := &fakeProc{cmd: exec.Command(bin, args...), stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Stderr = p.stderr
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			_, _ = p.stdout.Write([]byte(sc.Text() + "\n"))
			if m := readyLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		_, _ = io.Copy(io.Discard, out)
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() { p.kill() })
	if !ready {
		p.wait(t, 20*time.Second)
		return p
	}
	select {
	case p.addr = <-addr:
	case <-p.done:
		t.Fatalf("cometchat-fake %v exited: %v\n%s", args, p.err, p.stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatalf("cometchat-fake %v printed no ready line\n%s", args, p.stderr.String())
	}
	return p
}

// kill ends the process with SIGKILL (if it still runs) and waits for it.
func (p *fakeProc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

// wait waits for the process to exit and returns its exit code.
func (p *fakeProc) wait(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		p.kill()
		t.Fatalf("cometchat-fake did not exit within %s\n%s", d, p.stderr.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

// restClient calls the REST API of a fake whose certificate is in caFile.
type restClient struct {
	t    *testing.T
	base string // https://host:port/v3.0
	app  string
	hc   *http.Client
}

func trustCA(t *testing.T, caFile string) *tls.Config {
	t.Helper()
	pemBytes, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("no certificate in the CA file")
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

func newRESTClient(t *testing.T, base, app string, tlsConf *tls.Config) *restClient {
	tr := &http.Transport{TLSClientConfig: tlsConf}
	t.Cleanup(tr.CloseIdleConnections)
	return &restClient{t: t, base: base, app: app, hc: &http.Client{Transport: tr, Timeout: 10 * time.Second}}
}

// call sends one request; headers are name, value pairs. It returns the
// status and the "data" member (or the whole body for an error).
func (c *restClient) call(ctx context.Context, method, path string, body any, headers ...string) (int, json.RawMessage, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	url := c.base + path
	if strings.HasPrefix(path, "/_fake/") {
		url = strings.TrimSuffix(c.base, "/v3.0") + path
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("appId", c.app)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	var env struct {
		Data json.RawMessage `json:"data"`
	}
	if resp.StatusCode == http.StatusOK && json.Unmarshal(raw, &env) == nil && env.Data != nil {
		return resp.StatusCode, env.Data, nil
	}
	return resp.StatusCode, raw, nil
}

func itoa(n int) string { return strconv.Itoa(n) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
