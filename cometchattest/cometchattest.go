// Package cometchattest runs a fake CometChat server for your tests, in the
// spirit of net/http/httptest and miniredis: a real HTTPS + WSS server on a
// loopback port, started in one line and cleaned up by the test.
//
//	func TestMyBot(t *testing.T) {
//		srv := cometchattest.NewServer(t)
//		c := srv.NewClient(t)
//		if _, err := c.Login(ctx, "superhero1", srv.AuthKey()); err != nil { ... }
//		...
//		srv.DropSockets("superhero1") // a fault, to see your code recover
//	}
//
// The server is a small CometChat, not canned replies: it keeps users, groups,
// members, messages and calls in memory, enforces CometChat's group
// privileges, and answers with CometChat's error codes. It starts with the
// users superhero1 … superhero5 (Iron Man, Captain America, Spiderman,
// Wolverine, Cyclops) and the public group supergroup holding them.
//
// Config.Snapshot starts it from a snapshot (a fixture taken with Export),
// and Config.DataDir keeps its state in a durable store on disk.
//
// Its certificate is generated at start; clients made with NewClient (or
// configured with ClientOptions) trust that certificate only: TLS
// verification stays on.
package cometchattest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"time"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// TB is the part of testing.TB the server needs, so that it works with other
// test frameworks too.
type TB interface {
	Helper()
	Cleanup(func())
	Fatalf(format string, args ...any)
}

// Config configures a server; its zero value is usable (see the field docs
// for the defaults: app "fake-app", auth key "fake-auth-key", REST API key
// "fake-api-key", region "us", a free loopback port, TLS).
type Config = fakeserver.Config

// User is a user as the server stores it.
type User = fakeserver.User

// Group is a group as the server stores it.
type Group = fakeserver.Group

// Member is a group membership.
type Member = fakeserver.Member

// Message is a stored message (plain, action or call).
type Message = fakeserver.Message

// PushToken is a push-notification token registered by a session.
type PushToken = fakeserver.PushToken

// Extension is an extension the server's settings list as enabled (set in
// Config.Extensions).
type Extension = fakeserver.Extension

// Stats counts the server's state.
type Stats = fakeserver.Stats

// Call is a call session as the server keeps it.
type Call = fakeserver.Call

// Fault makes matching HTTP requests fail (status, Retry-After, count).
type Fault = fakeserver.Fault

// Server is a running fake CometChat server.
type Server struct {
	fs *fakeserver.Server
}

// NewServer starts a server for a test and closes it when the test ends.
// It fails the test if the server cannot start.
func NewServer(t TB, cfg ...Config) *Server {
	t.Helper()
	s, err := Start(cfg...)
	if err != nil {
		t.Fatalf("cometchattest: start the fake server: %v", err)
		return nil
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Start starts a server outside a test; Close stops it.
func Start(cfg ...Config) (*Server, error) {
	var c Config
	if len(cfg) > 0 {
		c = cfg[0]
	}
	fs, err := fakeserver.New(c)
	if err != nil {
		return nil, err
	}
	return &Server{fs: fs}, nil
}

// Close stops the server and closes every socket. It is idempotent.
func (s *Server) Close() error { return s.fs.Close() }

// Addr is the server's "127.0.0.1:port".
func (s *Server) Addr() string { return s.fs.Addr() }

// BaseURL is the REST base, e.g. "https://127.0.0.1:port/v3.0".
func (s *Server) BaseURL() string { return s.fs.BaseURL() }

// AppID is the app the server hosts.
func (s *Server) AppID() string { return s.fs.Config().AppID }

// AuthKey is the app's auth key (log in, create users).
func (s *Server) AuthKey() string { return s.fs.Config().AuthKey }

// APIKey is the app's REST API key (every admin operation).
func (s *Server) APIKey() string { return s.fs.Config().APIKey }

// Region is the region the server reports.
func (s *Server) Region() string { return s.fs.Config().Region }

// RESTBaseURL returns the base URL of CometChat's documented REST API on
// this server, e.g. "https://127.0.0.1:PORT/v3": what a backend's admin
// client (package admin) calls with the REST API key.
func (s *Server) RESTBaseURL() string { return s.fs.RESTBaseURL() }

// CertPEM is the PEM certificate clients must trust (nil in plain mode).
func (s *Server) CertPEM() []byte { return s.fs.CertPEM() }

// CertPool trusts the server's certificate.
func (s *Server) CertPool() *x509.CertPool { return s.fs.CertPool() }

// AppSettings points a client at this server.
func (s *Server) AppSettings() cometchat.AppSettings {
	return cometchat.AppSettings{AdminHost: s.BaseURL(), ClientHost: s.BaseURL(), Region: cometchat.Region(s.Region())}
}

// ClientOptions makes a client trust this server's certificate (and only it).
func (s *Server) ClientOptions() []cometchat.Option {
	if s.fs.CertPool() == nil {
		return nil
	}
	return []cometchat.Option{cometchat.WithTLSConfig(&tls.Config{RootCAs: s.fs.CertPool(), MinVersion: tls.VersionTLS12})}
}

// NewClient returns a client of this server's app, not logged in, closed
// when the test ends. Extra options are applied after the server's.
func (s *Server) NewClient(t TB, opts ...cometchat.Option) *cometchat.Client {
	t.Helper()
	c, err := cometchat.New(s.AppID(), s.AppSettings(), append(s.ClientOptions(), opts...)...)
	if err != nil {
		t.Fatalf("cometchattest: new client: %v", err)
		return nil
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// CreateUser adds a user.
func (s *Server) CreateUser(u User) error { return s.fs.CreateUser(u) }

// CreateGroup adds a group; its owner becomes its admin.
func (s *Server) CreateGroup(g Group) error { return s.fs.CreateGroup(g) }

// AddMember adds uid to a group with a scope ("admin", "moderator" or "participant").
func (s *Server) AddMember(guid, uid, scope string) error { return s.fs.AddMember(guid, uid, scope) }

// AddFriends makes friends of uid (for FRIENDS presence and friends-only lists).
func (s *Server) AddFriends(uid string, friends ...string) error {
	return s.fs.AddFriends(uid, friends...)
}

// Block makes blocker block blocked.
func (s *Server) Block(blocker, blocked string) error { return s.fs.Block(blocker, blocked) }

// AuthToken creates an auth token for uid, as your back end would with the
// REST API key.
func (s *Server) AuthToken(uid string) (string, error) { return s.fs.AuthToken(uid) }

// SendText stores and delivers a text message from sender, as if sent by
// another client.
func (s *Server) SendText(sender, receiverType, receiver, text string) (Message, error) {
	return s.fs.SendText(sender, receiverType, receiver, text)
}

// Users lists the users.
func (s *Server) Users() []User { return s.fs.Users() }

// User returns one user.
func (s *Server) User(uid string) (User, bool) { return s.fs.User(uid) }

// Groups lists the groups.
func (s *Server) Groups() []Group { return s.fs.Groups() }

// Members lists a group's members.
func (s *Server) Members(guid string) []Member { return s.fs.Members(guid) }

// Messages lists every stored message in id order.
func (s *Server) Messages() []Message { return s.fs.Messages() }

// Message returns one message by id.
func (s *Server) Message(id string) (Message, bool) { return s.fs.Message(id) }

// Calls lists every call session, oldest first.
func (s *Server) Calls() []Call { return s.fs.Calls() }

// Stats counts users, groups, messages, sockets and calls.
func (s *Server) Stats() Stats { return s.fs.Stats() }

// PushTokens returns the push tokens uid's sessions registered with
// Client.RegisterPushToken, sorted by token.
func (s *Server) PushTokens(uid string) []PushToken { return s.fs.PushTokens(uid) }

// Sockets counts uid's authenticated sockets ("" for all).
func (s *Server) Sockets(uid string) int { return s.fs.Sockets(uid) }

// WaitForSockets waits until uid has exactly n authenticated sockets (0: none
// left), or ctx ends.
func (s *Server) WaitForSockets(ctx context.Context, uid string, n int) error {
	return s.fs.WaitForSockets(ctx, uid, n)
}

// DropSockets cuts uid's sockets ("" for all) as a network failure would.
func (s *Server) DropSockets(uid string) int { return s.fs.DropSockets(uid) }

// HalfOpenSockets keeps uid's sockets open but stops answering pings and
// delivering frames, as a dead peer behind a NAT would.
func (s *Server) HalfOpenSockets(uid string) int { return s.fs.HalfOpenSockets(uid) }

// DelayFrames delays every frame to uid's sockets ("" for all) by d.
func (s *Server) DelayFrames(uid string, d time.Duration) { s.fs.DelayFrames(uid, d) }

// RefuseSockets refuses websocket connections for d (0 stops refusing).
func (s *Server) RefuseSockets(d time.Duration) { s.fs.RefuseSockets(d) }

// FailAuth makes uid's next n socket authentications fail.
func (s *Server) FailAuth(uid string, n int) { s.fs.FailAuth(uid, n) }

// PushFrame sends a raw text frame (malformed ones included) to uid's sockets.
func (s *Server) PushFrame(uid string, raw []byte) int { return s.fs.PushFrame(uid, raw) }

// AddFault makes matching HTTP requests fail; it returns the fault's id, or
// an error for a fault outside the bounds documented on Fault (a status
// that is not 0 or 400-599, a negative count, a delay above two minutes, ...).
func (s *Server) AddFault(f Fault) (string, error) { return s.fs.AddFault(f) }

// ClearFaults removes every fault.
func (s *Server) ClearFaults() { s.fs.ClearFaults() }

// RevokeToken forgets an auth token; its next use gets
// AUTH_ERR_AUTH_TOKEN_NOT_FOUND. It reports whether the token existed.
func (s *Server) RevokeToken(token string) bool { return s.fs.RevokeToken(token) }

// Restart drops every socket and serves again on the same port with the same
// state, as a server deploy would.
func (s *Server) Restart() error { return s.fs.Restart() }

// Export takes a snapshot of the whole state: a versioned JSON document in a
// stable order (docs/emulator.md, "Snapshots"), to commit as a fixture and
// diff. Start a server from one with Config.Snapshot:
//
//	srv := cometchattest.NewServer(t, cometchattest.Config{Snapshot: fixture})
func (s *Server) Export() []byte { return s.fs.Export() }

// Import replaces the whole state with a snapshot and drops every socket. A
// refused snapshot (wrong version, dangling or duplicate references) leaves
// the state untouched; the error names the first problem.
func (s *Server) Import(snapshot []byte) error { return s.fs.Import(snapshot) }
