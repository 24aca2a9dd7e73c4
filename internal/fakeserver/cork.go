package fakeserver

import (
	"crypto/tls"
	"net"
	"sync"

	"github.com/gorilla/websocket"
)

// corkConn is a connection whose writes can be held back and sent together:
// a socket's writer corks it, writes every queued frame (each one a TLS
// record), and uncorks, so a backlog of frames costs one write system call
// per corkLimit bytes instead of one per frame. Uncorked, it writes through.
// HTTP traffic never corks it.
type corkConn struct {
	net.Conn
	mu     sync.Mutex
	corked bool
	buf    []byte
}

// corkLimit is how much a corked connection holds before writing anyway.
const corkLimit = 64 << 10

func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.corked {
		return c.Conn.Write(p)
	}
	c.buf = append(c.buf, p...)
	if len(c.buf) >= corkLimit {
		if err := c.flushLocked(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

func (c *corkConn) flushLocked() error {
	if len(c.buf) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.buf)
	if cap(c.buf) > 4*corkLimit {
		c.buf = nil
	} else {
		c.buf = c.buf[:0]
	}
	return err
}

// cork holds writes back until uncork.
func (c *corkConn) cork() {
	c.mu.Lock()
	c.corked = true
	c.mu.Unlock()
}

// uncork writes what was held back and writes through again.
func (c *corkConn) uncork() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corked = false
	return c.flushLocked()
}

// corkListener wraps every accepted connection in a corkConn.
type corkListener struct{ net.Listener }

func (l corkListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &corkConn{Conn: c}, nil
}

// corkOf finds the corkConn under a websocket (below TLS when there is
// TLS); nil when there is none.
func corkOf(ws *websocket.Conn) *corkConn {
	nc := ws.UnderlyingConn()
	if t, ok := nc.(*tls.Conn); ok {
		nc = t.NetConn()
	}
	cc, _ := nc.(*corkConn)
	return cc
}
