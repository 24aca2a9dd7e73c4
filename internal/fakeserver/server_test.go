package fakeserver_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// waitEOF reads from conn until the server closes it; it fails t if the
// connection is still open after waitTimeout.
func waitEOF(t *testing.T, conn net.Conn, r io.Reader) {
	t.Helper()
	_ = conn.SetReadDeadline(time.Now().Add(waitTimeout))
	_, err := io.Copy(io.Discard, r)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server kept the connection open")
	}
}

// TestHalfAHeaderIsDisconnected: a client that sends half a request header
// and then nothing is disconnected after ReadHeaderTimeout.
func TestHalfAHeaderIsDisconnected(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{Plain: true, ReadHeaderTimeout: 200 * time.Millisecond})
	conn, err := net.DialTimeout("tcp", h.srv.Addr(), waitTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /v3.0/settings HTTP/1.1\r\nHost: x\r\nappId: "); err != nil {
		t.Fatal(err)
	}
	waitEOF(t, conn, conn)
}

// TestIdleKeepAliveIsClosed: a keep-alive connection left idle after a
// request is closed after IdleTimeout.
func TestIdleKeepAliveIsClosed(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{Plain: true, IdleTimeout: 200 * time.Millisecond})
	conn, err := net.DialTimeout("tcp", h.srv.Addr(), waitTimeout)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET /v3.0/settings HTTP/1.1\r\nHost: x\r\nappId: "+testApp+"\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	_ = conn.SetReadDeadline(time.Now().Add(waitTimeout))
	line, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "HTTP/1.1 200") {
		t.Fatalf("reply %q %v", line, err)
	}
	waitEOF(t, conn, br)
}
