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
// Wolverine, Cyclops) and the public group supergroup holding them
// (superhero1 its owner); Config.NoSeed starts it empty.
//
// Config.Snapshot starts it from a snapshot (a fixture taken with Export),
// and Config.DataDir keeps its state in a durable store on disk.
//
// Its certificate is generated at start; clients made with NewClient (or
// configured with ClientOptions) trust that certificate only: TLS
// verification stays on.
//
// # What the methods wait for
//
// Every method is safe for concurrent use, also while clients talk to the
// server.
//
//   - The methods that seed or change the state (CreateUser, CreateGroup,
//     AddMember, BanMember, AddFriends, Block, AuthToken, SendText,
//     RevokeToken, RevokeTokens, Reset, Import) return once the change is
//     made, and with Config.DataDir once it is in the store: a request
//     that follows sees it. The frames a change pushes (SendText's message,
//     the close frame of a revoked token's sockets) are queued for the
//     sockets open at that moment and written in the background: wait for
//     them where they arrive, in the client's listener.
//   - The methods that read the state (Users, Groups, Members, Messages,
//     Calls, Stats, PushTokens, Export ...) return a copy taken at that
//     moment.
//   - Sockets counts the sockets the server has registered. A socket that
//     ends (Client.Logout, Client.Close, DropSockets) is counted until the
//     server's reader has seen the end, a moment after the call returned;
//     WaitForSockets waits for a count. Restart, Reset and Import return
//     once the sockets they cut are forgotten. CloseSockets,
//     HalfOpenSockets, DelayFrames, PushFrame, RevokeToken and
//     RevokeTokens return at once, their effect follows on the sockets.
//
// # Running a program against the fake or CometChat
//
// StartOrEnv gives a program (an example, a demo, a smoke test) a backend:
// the fake server, or CometChat itself when COMETCHAT_APP_ID and
// COMETCHAT_REGION are set.
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
	// Helper marks the caller as a test helper.
	Helper()
	// Cleanup registers a function to run when the test ends.
	Cleanup(func())
	// Fatalf fails the test and stops it.
	Fatalf(format string, args ...any)
}

// Server is a running fake CometChat server. Its methods are safe for
// concurrent use.
type Server struct {
	fs *fakeserver.Server
}

// NewServer starts a server for a test, with cfg if given (at most one), and
// closes it when the test ends. It fails the test (t.Fatalf) if the server
// cannot start. It returns once the server accepts connections.
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

// Start starts a server outside a test, with cfg if given (at most one);
// Close stops it. It returns once the server accepts connections.
func Start(cfg ...Config) (*Server, error) {
	var c Config
	if len(cfg) > 0 {
		c = cfg[0]
	}
	fs, err := fakeserver.New(c.internal())
	if err != nil {
		return nil, err
	}
	return &Server{fs: fs}, nil
}

// Close stops the server. It returns once the listener, every HTTP
// connection and every socket are closed and the server's goroutines have
// ended. It is idempotent.
func (s *Server) Close() error { return s.fs.Close() }

// Config returns the server's configuration with every default filled in
// (the app id, keys and region in use, the limits ...).
func (s *Server) Config() Config { return configOf(s.fs.Config()) }

// Addr is the server's "127.0.0.1:port".
func (s *Server) Addr() string { return s.fs.Addr() }

// BaseURL is the base of the client API the SDK calls, e.g.
// "https://127.0.0.1:port/v3.0" ("http://" with Config.Plain).
func (s *Server) BaseURL() string { return s.fs.BaseURL() }

// AppID is the app the server hosts (Config.AppID).
func (s *Server) AppID() string { return s.fs.Config().AppID }

// AuthKey is the app's auth key (Config.AuthKey): log in, create users.
func (s *Server) AuthKey() string { return s.fs.Config().AuthKey }

// APIKey is the app's REST API key (Config.APIKey): every admin operation.
func (s *Server) APIKey() string { return s.fs.Config().APIKey }

// Region is the region the server reports (Config.Region).
func (s *Server) Region() string { return s.fs.Config().Region }

// RESTBaseURL returns the base URL of CometChat's documented REST API on
// this server, e.g. "https://127.0.0.1:PORT/v3": what a backend's admin
// client (package admin) calls with the REST API key.
func (s *Server) RESTBaseURL() string { return s.fs.RESTBaseURL() }

// CertPEM is the PEM certificate clients must trust (nil with
// Config.Plain).
func (s *Server) CertPEM() []byte { return s.fs.CertPEM() }

// CertPool is a new pool trusting the server's certificate (nil with
// Config.Plain).
func (s *Server) CertPool() *x509.CertPool { return s.fs.CertPool() }

// AppSettings points a client at this server.
func (s *Server) AppSettings() cometchat.AppSettings {
	return cometchat.AppSettings{AdminHost: s.BaseURL(), ClientHost: s.BaseURL(), Region: cometchat.Region(s.Region())}
}

// ClientOptions makes a client trust this server's certificate (and only
// it); nil with Config.Plain.
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

// CreateUser adds a user (its UID lower-cased; Online and the times are
// ignored) and returns once it exists. It fails with CometChat's error
// (ERR_UID_ALREADY_EXISTS, ERR_BAD_REQUEST for an invalid UID) and pushes
// nothing.
func (s *Server) CreateUser(u User) error { return s.fs.CreateUser(fakeserver.User(u)) }

// CreateGroup adds a group (public when Type is empty) and returns once it
// exists; its owner becomes its first member, with scope "admin". Unlike
// Client.CreateGroup it stores no action message and pushes nothing.
func (s *Server) CreateGroup(g Group) error { return s.fs.CreateGroup(fakeserver.Group(g)) }

// AddMember makes uid a member of a group with a scope ("admin",
// "moderator" or "participant"; participant when empty), or changes the
// scope of a member, and returns once it is one. It lifts a ban of uid.
// Unlike Client.AddMembersToGroup it stores no action message and pushes
// nothing.
func (s *Server) AddMember(guid, uid, scope string) error { return s.fs.AddMember(guid, uid, scope) }

// BanMember bans uid from a group and returns once it is banned: the
// membership is removed and uid cannot join again until unbanned (or
// AddMember). Unlike Client.BanGroupMember it stores no action message and
// pushes nothing. It fails with ERR_ALREADY_BANNED when uid is banned
// already.
func (s *Server) BanMember(guid, uid string) error { return s.fs.BanMember(guid, uid) }

// AddFriends makes uid and each of friends friends of each other (for the
// FRIENDS presence subscription and friends-only user lists) and returns
// once they are; it pushes nothing.
func (s *Server) AddFriends(uid string, friends ...string) error {
	return s.fs.AddFriends(uid, friends...)
}

// Block makes blocker block blocked (blocking again keeps the first
// block's time) and returns once the block holds; it pushes nothing.
func (s *Server) Block(blocker, blocked string) error { return s.fs.Block(blocker, blocked) }

// AuthToken creates an auth token for uid, as your back end would with the
// REST API key, and returns it ready for Client.LoginWithAuthToken.
func (s *Server) AuthToken(uid string) (string, error) { return s.fs.AuthToken(uid) }

// SendText stores a text message from sender to a user or group
// (receiverType "user" or "group") as if another client sent it, and
// returns it. It returns once the message is stored and queued for the
// sockets of its receivers and of the sender (every one: no socket sent
// it), not once they received it: wait for it in the client's
// MessageListener.
func (s *Server) SendText(sender, receiverType, receiver, text string) (Message, error) {
	m, err := s.fs.SendText(sender, receiverType, receiver, text)
	return Message(m), err
}

// Users lists the active users, sorted by UID: a copy of the state now.
func (s *Server) Users() []User { return usersOf(s.fs.Users()) }

// User returns one user, and whether it exists.
func (s *Server) User(uid string) (User, bool) {
	u, ok := s.fs.User(uid)
	return User(u), ok
}

// Groups lists the groups, sorted by GUID: a copy of the state now.
func (s *Server) Groups() []Group { return groupsOf(s.fs.Groups()) }

// Members lists a group's members in the order they joined (nil for an
// unknown group).
func (s *Server) Members(guid string) []Member { return membersOf(s.fs.Members(guid)) }

// Messages lists every stored message, in id order (the order they were
// sent): plain, custom, action and call messages of every conversation. It
// is a copy of the state now: a message a client is sending appears once
// its Client.SendMessage has returned.
func (s *Server) Messages() []Message { return messagesOf(s.fs.Messages()) }

// Message returns one message by id, and whether it exists.
func (s *Server) Message(id string) (Message, bool) {
	m, ok := s.fs.Message(id)
	return Message(m), ok
}

// LastMessageID returns the id of the newest message; with no message yet,
// the id the first one will follow. Ids strictly increase for the life of
// the server, across Reset and Restart.
func (s *Server) LastMessageID() int64 { return s.fs.LastMessageID() }

// Calls lists every call session, oldest first.
func (s *Server) Calls() []Call { return callsOf(s.fs.Calls()) }

// Stats counts users, groups, messages, sockets and calls.
func (s *Server) Stats() Stats { return Stats(s.fs.Stats()) }

// PushTokens returns the push tokens uid's sessions registered with
// Client.RegisterPushToken, sorted by token.
func (s *Server) PushTokens(uid string) []PushToken { return pushTokensOf(s.fs.PushTokens(uid)) }

// Sockets counts uid's authenticated sockets ("" for all users) as the
// server sees them now. A socket is counted from its authentication until
// the server has read its end: right after Client.Logout or Client.Close
// returned it may still be counted for a moment. Use WaitForSockets to
// wait for a count (WaitForSockets(ctx, uid, 0) after a logout).
func (s *Server) Sockets(uid string) int { return s.fs.Sockets(uid) }

// WaitForSockets waits until uid ("" for all users together) has exactly n
// authenticated sockets (0: none left), or ctx ends (then it returns ctx's
// error).
func (s *Server) WaitForSockets(ctx context.Context, uid string, n int) error {
	return s.fs.WaitForSockets(ctx, uid, n)
}

// DropSockets cuts uid's sockets ("" for every socket) without a close
// frame, as a network failure would, and returns how many it cut. It
// returns once their connections are closed; the server forgets each one
// (Sockets stops counting it, presence offline follows) a moment later,
// when its reader sees the end, and the clients notice the loss (and
// reconnect) on their side. To wait for the server to forget them, refuse
// reconnections first:
//
//	srv.RefuseSockets(time.Minute)
//	srv.DropSockets(uid)
//	err := srv.WaitForSockets(ctx, uid, 0)
//	srv.RefuseSockets(0) // the client reconnects
//
// Right after DropSockets, WaitForSockets(ctx, uid, 1) may return at once,
// the dropped socket still counted: to know that a client is back, watch
// its ConnectionListener (OnConnected).
func (s *Server) DropSockets(uid string) int { return s.fs.DropSockets(uid) }

// CloseSockets sends a close frame with code and reason to uid's sockets
// ("" for every socket), after the frames already queued for them, and
// returns how many it closes. It returns at once; the sockets close once
// the frames are written and the client answers (WaitForSockets waits for
// it). CometChat's codes: 4001 auth token revoked, 4002 no auth in time,
// 4003 too many sockets, 4004 too slow; 1001 server going away.
func (s *Server) CloseSockets(uid string, code int, reason string) int {
	return s.fs.CloseSockets(uid, code, reason)
}

// HalfOpenSockets keeps uid's sockets ("" for every socket) open but stops
// answering their pings and delivering frames to them, as a dead peer
// behind a NAT would, and returns how many it changed. It returns at once;
// the clients find out through their ping timeout.
func (s *Server) HalfOpenSockets(uid string) int { return s.fs.HalfOpenSockets(uid) }

// DelayFrames delays every frame written to uid's sockets ("" for every
// socket), pongs included, by d; d = 0 removes the delay. It applies to the
// next frame written.
func (s *Server) DelayFrames(uid string, d time.Duration) { s.fs.DelayFrames(uid, d) }

// RefuseSockets answers websocket connections with HTTP 503 for d from now
// (0 stops refusing). Open sockets are not touched: DropSockets them to
// make the clients try to reconnect.
func (s *Server) RefuseSockets(d time.Duration) { s.fs.RefuseSockets(d) }

// FailAuth makes uid's next n socket authentications fail (code "401",
// close 4001), even with a valid token. It returns at once; sockets already
// authenticated are not touched (DropSockets them to make the client
// authenticate again).
func (s *Server) FailAuth(uid string, n int) { s.fs.FailAuth(uid, n) }

// PushFrame queues raw as one text frame, unchecked (malformed frames
// included), for uid's authenticated sockets ("" for every socket), and
// returns how many sockets took it. It returns once the frame is queued,
// not written.
func (s *Server) PushFrame(uid string, raw []byte) int { return s.fs.PushFrame(uid, raw) }

// AddFault makes matching HTTP requests fail; it returns the fault's id, or
// an error for a fault outside the bounds documented on Fault (a status
// that is not 0 or 400-599, a negative count, a delay above two minutes,
// more than 1000 faults ...). The next matching request fails.
func (s *Server) AddFault(f Fault) (string, error) { return s.fs.AddFault(fakeserver.Fault(f)) }

// ClearFaults removes every fault; the next request is served normally.
func (s *Server) ClearFaults() { s.fs.ClearFaults() }

// RevokeToken forgets an auth token: its next use gets
// AUTH_ERR_AUTH_TOKEN_NOT_FOUND, and the sockets authenticated with it are
// sent a close frame 4001 "Auth token revoked" (they close in the
// background). It reports whether the token existed.
func (s *Server) RevokeToken(token string) bool { return s.fs.RevokeToken(token) }

// RevokeTokens revokes every auth token of uid, as RevokeToken does, and
// returns how many it revoked.
func (s *Server) RevokeTokens(uid string) int { return s.fs.RevokeTokens(uid) }

// Reset goes back to the seeded state (or the empty one, with
// Config.NoSeed): the users, groups, messages, calls and tokens created
// since are forgotten; faults are kept. It drops every socket and returns
// once they are forgotten. Message ids keep increasing: the next one is
// above every id given before.
func (s *Server) Reset() { s.fs.Reset() }

// Restart drops every socket and every HTTP connection and serves again on
// the same port with the same state, as a server deploy would. It returns
// once the server accepts connections again.
func (s *Server) Restart() error { return s.fs.Restart() }

// Export takes a snapshot of the whole state: a versioned JSON document in a
// stable order (docs/emulator.md, "Snapshots"), to commit as a fixture and
// diff. Sockets and faults are not state and are not in it. Start a server
// from one with Config.Snapshot:
//
//	srv := cometchattest.NewServer(t, cometchattest.Config{Snapshot: fixture})
func (s *Server) Export() []byte { return s.fs.Export() }

// Import replaces the whole state with a snapshot and drops every socket,
// returning once they are forgotten. A refused snapshot (wrong version,
// dangling or duplicate references) leaves the state untouched; the error
// wraps ErrBadSnapshot and names the first problem.
func (s *Server) Import(snapshot []byte) error { return s.fs.Import(snapshot) }
