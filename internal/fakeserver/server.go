package fakeserver

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Server is a running fake CometChat server. Its methods are safe for
// concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	tlsConf *tls.Config // nil when Plain
	certPEM []byte
	pool    *x509.CertPool
	jwtKey  []byte
	addr    string // "host:port" actually bound
	srv     *http.Server
	// routeTable is the REST routes, fixed at New.
	routeTable []route
	// adminTable is the documented REST API's routes (admin_http.go).
	adminTable []adminRoute

	// lifeMu serialises Close and Restart.
	lifeMu    sync.Mutex
	ln        net.Listener
	serveDone chan struct{}
	closed    bool

	// gate counts running handlers so that Close can wait for them.
	gateMu   sync.Mutex
	gateCond *sync.Cond
	inflight int
	stopping bool

	httpMu    sync.Mutex
	httpConns map[net.Conn]struct{}
	httpGone  chan struct{} // closed and replaced whenever an HTTP connection ends

	// wg tracks websocket goroutines.
	wg sync.WaitGroup

	// mu guards the app state, the socket registry and the fault hooks.
	mu    sync.Mutex
	st    *state
	conns map[string]map[*wsConn]struct{} // authenticated sockets by uid
	// presenceSubs holds the authenticated sockets that subscribed to
	// presence (any subscription but NONE): a presence change visits
	// them, not every socket, so that 10,000 clients reconnecting cost
	// 10,000 changes, not 10,000 × 10,000 visits under the lock.
	presenceSubs map[*wsConn]struct{}
	allConns     map[*wsConn]struct{}
	connSeq      uint64
	pending      int           // sockets not yet authenticated
	changed      chan struct{} // closed and replaced whenever sockets change
	hooks        hookState
	limits       rateState

	// store is the durable store; nil without Config.DataDir.
	store *store

	// insp is the inspector page's state (inspector.go).
	insp inspector
}

// New starts a server listening on cfg.Addr (HTTPS and WSS on one port, or
// HTTP and WS when cfg.Plain) and returns once it accepts connections.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	s := &Server{cfg: cfg, log: cfg.Logger, httpConns: map[net.Conn]struct{}{}, httpGone: make(chan struct{}),
		conns: map[string]map[*wsConn]struct{}{}, allConns: map[*wsConn]struct{}{}, changed: make(chan struct{})}
	s.gateCond = sync.NewCond(&s.gateMu)
	s.routeTable = s.routes()
	s.adminTable = s.adminRoutes()
	s.hooks.init()
	if err := s.initState(); err != nil {
		return nil, err
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		_ = s.closeStore()
		return nil, fmt.Errorf("fakeserver: listen: %w", err)
	}
	s.addr = ln.Addr().String()
	if !cfg.Plain {
		host, _, _ := net.SplitHostPort(cfg.Addr)
		cert, pemBytes, err := s.certificate(host)
		if err != nil {
			_ = ln.Close()
			_ = s.closeStore()
			return nil, fmt.Errorf("fakeserver: %w", err)
		}
		s.certPEM = pemBytes
		s.pool = x509.NewCertPool()
		s.pool.AppendCertsFromPEM(pemBytes)
		// HTTP/1.1 only: websocket upgrades need it and nothing gains from h2.
		s.tlsConf = &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"},
			MinVersion: tls.VersionTLS12}
	}
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout,
		IdleTimeout:       cfg.IdleTimeout,
		ReadTimeout:       cfg.RequestTimeout,
		WriteTimeout:      cfg.RequestTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          log.New(slogWriter{s.log}, "", 0),
		ConnState:         s.trackConn,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			return context.WithValue(ctx, connKey{}, c)
		},
	}
	s.serve(ln)
	return s, nil
}

type connKey struct{}

type slogWriter struct{ l *slog.Logger }

func (w slogWriter) Write(p []byte) (int, error) {
	w.l.Debug("http server", "msg", string(p))
	return len(p), nil
}

func (s *Server) newSeededState(idBase int64) *state {
	st := newState(idBase)
	if !s.cfg.NoSeed {
		st.seed(s.now())
	}
	return st
}

// serve starts serving ln; lifeMu held or not yet shared.
func (s *Server) serve(ln net.Listener) {
	ln = corkListener{ln}
	if s.tlsConf != nil {
		ln = tls.NewListener(ln, s.tlsConf)
	}
	s.ln = ln
	done := make(chan struct{})
	s.serveDone = done
	go func() {
		defer close(done)
		err := s.srv.Serve(ln)
		if err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
			s.log.Debug("serve ended", "err", err)
		}
	}()
}

func (s *Server) trackConn(c net.Conn, st http.ConnState) {
	s.httpMu.Lock()
	defer s.httpMu.Unlock()
	switch st {
	case http.StateNew:
		s.httpConns[c] = struct{}{}
	case http.StateHijacked, http.StateClosed:
		delete(s.httpConns, c)
		close(s.httpGone)
		s.httpGone = make(chan struct{})
	}
}

// waitHTTPConns waits, at most d, until every HTTP connection has ended (a
// connection closed after an unread body lingers up to 500 ms in net/http).
func (s *Server) waitHTTPConns(d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		s.httpMu.Lock()
		n, gone := len(s.httpConns), s.httpGone
		s.httpMu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-gone:
		case <-t.C:
			return
		}
	}
}

// enter registers a running handler; false once the server is closing.
func (s *Server) enter() bool {
	s.gateMu.Lock()
	defer s.gateMu.Unlock()
	if s.stopping {
		return false
	}
	s.inflight++
	return true
}

func (s *Server) leave() {
	s.gateMu.Lock()
	s.inflight--
	if s.inflight == 0 {
		s.gateCond.Broadcast()
	}
	s.gateMu.Unlock()
}

// Addr returns the "host:port" the server listens on.
func (s *Server) Addr() string { return s.addr }

// BaseURL returns the REST base URL, e.g. "https://127.0.0.1:PORT/v3.0"
// ("http://" when Plain).
func (s *Server) BaseURL() string {
	if s.cfg.Plain {
		return "http://" + s.addr + "/v3.0"
	}
	return "https://" + s.addr + "/v3.0"
}

// WebSocketURL returns the websocket URL, e.g. "wss://127.0.0.1:PORT"
// ("ws://" when Plain).
func (s *Server) WebSocketURL() string {
	if s.cfg.Plain {
		return "ws://" + s.addr
	}
	return "wss://" + s.addr
}

// CertPEM returns the PEM of the certificate clients must trust (nil when
// Plain).
func (s *Server) CertPEM() []byte {
	if s.certPEM == nil {
		return nil
	}
	return append([]byte(nil), s.certPEM...)
}

// CertPool returns a pool holding the server's certificate (nil when Plain).
func (s *Server) CertPool() *x509.CertPool {
	if s.pool == nil {
		return nil
	}
	return s.pool.Clone()
}

// Config returns the configuration with its defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// Close stops the server: it closes the listener, every HTTP connection and
// every websocket, and waits for the server's goroutines. It is idempotent.
func (s *Server) Close() error {
	s.lifeMu.Lock()
	if s.closed {
		s.lifeMu.Unlock()
		return nil
	}
	s.closed = true
	err := s.srv.Close()
	serveDone := s.serveDone
	// lifeMu is released before waiting for handlers: a /_fake/restart in
	// flight needs it to find out that the server is closed.
	s.lifeMu.Unlock()
	<-serveDone
	s.gateMu.Lock()
	s.stopping = true
	for s.inflight > 0 {
		s.gateCond.Wait()
	}
	s.gateMu.Unlock()
	s.dropAllSockets()
	s.wg.Wait()
	s.waitHTTPConns(5 * time.Second)
	if serr := s.closeStore(); err == nil {
		err = serr
	}
	return err
}

// CloseGoingAway is the close code Shutdown sends every websocket.
const CloseGoingAway = 1001

// Shutdown stops the server gracefully: what is pending is written to the
// store, every websocket gets a close frame 1001 "Server shutting down"
// after the frames queued for it, and Shutdown waits (until ctx ends) for
// the sockets to close before closing as Close does. Requests still running
// when it closes may end without a reply.
func (s *Server) Shutdown(ctx context.Context) error {
	_ = s.sync()
	s.mu.Lock()
	for c := range s.allConns {
		c.closeWith(CloseGoingAway, "Server shutting down")
	}
	s.mu.Unlock()
	for {
		s.mu.Lock()
		n, ch := len(s.allConns), s.changed
		s.mu.Unlock()
		if n == 0 {
			break
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return s.Close()
		}
	}
	return s.Close()
}

// Restart simulates a server restart on the same port: the listener, every
// HTTP connection and every websocket are closed, then the server listens
// again on the same address. Users, groups, messages and tokens are kept.
func (s *Server) Restart() error { return s.restart(nil) }

func (s *Server) restart(keep net.Conn) error {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.closed {
		return errors.New("fakeserver: restart of a closed server")
	}
	_ = s.ln.Close()
	<-s.serveDone
	s.httpMu.Lock()
	for c := range s.httpConns {
		if c != keep {
			_ = c.Close()
		}
	}
	s.httpMu.Unlock()
	s.dropAllSockets()
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ {
		ln, err = net.Listen("tcp", s.addr)
		if err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond) // the port may linger for a moment
	}
	if err != nil {
		return fmt.Errorf("fakeserver: restart: %w", err)
	}
	s.serve(ln)
	s.log.Debug("restarted", "addr", s.addr)
	return nil
}

// dropAllSockets closes every websocket abruptly and waits until each one
// has been cleaned up.
func (s *Server) dropAllSockets() {
	s.mu.Lock()
	conns := make([]*wsConn, 0, len(s.allConns))
	for c := range s.allConns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	for _, c := range conns {
		c.drop()
	}
	for _, c := range conns {
		<-c.finished
	}
}

func (s *Server) now() int64 { return s.cfg.Now().Unix() }

// publicHost returns host and port as the client reached the server.
func (s *Server) publicHost(r *http.Request) (hostport, host, port string) {
	hostport = s.cfg.PublicHost
	if hostport == "" && r != nil {
		hostport = r.Host
	}
	if hostport == "" {
		hostport = s.addr
	}
	h, p, err := net.SplitHostPort(hostport)
	if err != nil {
		// no port in the Host header: the listener's port
		_, lp, _ := net.SplitHostPort(s.addr)
		h, p = hostport, lp
		hostport = net.JoinHostPort(h, p)
	}
	if ip := net.ParseIP(h); ip != nil && ip.To4() == nil {
		h = "[" + h + "]"
	}
	if _, err := strconv.Atoi(p); err != nil {
		_, p, _ = net.SplitHostPort(s.addr)
	}
	return hostport, h, p
}
