package cometchattest

import (
	"log/slog"
	"time"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// Config configures a server. Its zero value is usable: every empty field
// takes the default written on it (app "fake-app", auth key
// "fake-auth-key", REST API key "fake-api-key", region "us", a free
// loopback port, TLS with a certificate generated at start, the seeded
// users and group). Server.Config returns it with the defaults filled in.
type Config struct {
	// Addr is the listen address; default "127.0.0.1:0" (a free port).
	Addr string
	// AppID is the only app the server hosts; default "fake-app".
	AppID string
	// AuthKey is the app's auth key: it logs users in and creates users
	// and auth tokens. Default "fake-auth-key".
	AuthKey string
	// APIKey is the app's REST API key, allowed every admin operation
	// (package admin). Default "fake-api-key".
	APIKey string
	// Region is the region the settings report; default "us".
	Region string
	// Plain serves http and ws instead of https and wss (no certificate:
	// CertPEM and CertPool return nil, ClientOptions returns nothing).
	Plain bool
	// TLSCertFile and TLSKeyFile, set together, serve this certificate (PEM
	// files, the chain in the certificate file), e.g. one made by mkcert
	// that browsers already trust, instead of one generated at start;
	// CertPEM then returns the certificate file's PEM.
	TLSCertFile, TLSKeyFile string
	// MaxUploadBytes bounds a media upload (the files of one message); a
	// bigger one gets 413 ERR_FILE_SIZE_EXCEEDED. Default 100 MiB.
	MaxUploadBytes int64
	// MaxMediaBytes bounds the media store (every uploaded file, kept in
	// memory); an upload beyond it gets 413 ERR_FILE_SIZE_EXCEEDED. Default
	// 1 GiB, and at least MaxUploadBytes.
	MaxMediaBytes int64
	// Logger receives the server's debug logs (requests, sockets, frames);
	// nil discards them.
	Logger *slog.Logger
	// Now is the server's clock: send times, token and JWT times, the
	// certificate's validity. Default time.Now. A test moves time forward
	// with a clock of its own, e.g. one that returns time.Now() plus an
	// offset it advances.
	Now func() time.Time
	// PublicHost is the "host:port" written into the settings the clients
	// read. Default: the Host header of the request being answered, which is
	// the address the client dialled.
	PublicHost string
	// AnyAppID accepts every app id instead of only AppID.
	AnyAppID bool
	// AutoCreateUsers makes the creation of an auth token (REST API,
	// POST users/{uid}/auth_tokens) create a user it does not know.
	AutoCreateUsers bool
	// RevokeTokenOnLogout makes a logout (DELETE /me, what Client.Logout
	// calls) revoke the auth token it was called with, so that its next
	// use gets AUTH_ERR_AUTH_TOKEN_NOT_FOUND. By default the token stays
	// valid, as CometChat's does.
	RevokeTokenOnLogout bool
	// NoSeed starts without the seeded users superhero1 … superhero5 and
	// group supergroup, so that lists and totals hold only what a test
	// creates.
	NoSeed bool
	// PingInterval is the interval of the websocket pings the server sends;
	// a socket that stays silent (no frame, no pong) for three intervals is
	// closed. Default 30 s; negative disables both.
	PingInterval time.Duration
	// RateLimits configures the rate-limit headers and their enforcement
	// (not enforced by default).
	RateLimits RateLimits
	// Extensions are the extensions the settings list as enabled (default
	// none), for Client.IsExtensionEnabled and Client.ExtensionDetails.
	Extensions []Extension
	// Features are the feature parameters of the settings (default none),
	// for Client.IsFeatureEnabled.
	Features map[string]bool

	// ReadHeaderTimeout bounds the time to read a request's headers; a
	// client that sends half a header is disconnected. Default 10 s.
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes a keep-alive HTTP connection idle that long.
	// Default 2 minutes.
	IdleTimeout time.Duration
	// RequestTimeout bounds reading a whole request (body included) and
	// writing its reply. It does not apply to websockets (their deadlines
	// are the ping's). Default 5 minutes.
	RequestTimeout time.Duration

	// AuthTimeout is how long a websocket may stay unauthenticated after
	// the upgrade; then it is closed with code 4002. Default 10 s; negative
	// disables it.
	AuthTimeout time.Duration
	// MaxSocketsPerUser bounds a user's authenticated sockets; an
	// authentication beyond it is closed with code 4003. Default 64;
	// negative is unlimited.
	MaxSocketsPerUser int
	// MaxPendingSockets bounds the sockets not yet authenticated, all users
	// together; an upgrade beyond it is answered HTTP 503
	// ERR_TOO_MANY_CONNECTIONS. Default 1024; negative is unlimited.
	MaxPendingSockets int
	// MaxSocketQueueBytes bounds the bytes queued for one socket; a socket
	// that falls further behind (a client that does not read) is closed
	// with code 4004. Default 8 MiB; it is raised to at least one frame
	// (1 MiB).
	MaxSocketQueueBytes int

	// DataDir keeps the whole state in a durable store (a file in that
	// directory, created when missing): a change is in the store before the
	// reply or the pushed frame that acknowledges it, and a server started
	// on the same directory goes on from there. Empty (the default): the
	// state lives in memory only. Start fails with ErrStoreInUse,
	// ErrStoreCorrupt or ErrStoreVersion when the store cannot be used.
	DataDir string
	// Snapshot, when set, is a snapshot (as Server.Export writes it) the
	// server starts from instead of the seeded state; with DataDir it
	// replaces what the store held. Start fails with ErrBadSnapshot when it
	// is refused.
	Snapshot []byte
}

// RateLimits configures CometChat's rate limits. Every response carries the
// X-Rate-Limit and X-Rate-Limit-Remaining headers of the current minute;
// only with Enforce does the server answer 429 ERR_TOO_MANY_REQUESTS once a
// limit is used up.
type RateLimits struct {
	// Enforce turns enforcement on (off by default).
	Enforce bool
	// Core is the per-minute limit of the core operations (login, create
	// and delete user, create, join and leave group); default 10000.
	Core int
	// Standard is the per-minute limit of every other operation; default
	// 20000.
	Standard int
	// MessagesPerUser is the per-minute limit of the messages one user
	// sends; default 30. It is only checked when Enforce is set.
	MessagesPerUser int
}

// Extension is an extension the app's settings list as enabled
// (Config.Extensions).
type Extension struct {
	// ID is the extension's id, e.g. "reactions" or "polls".
	ID string
	// Name is its display name, e.g. "Reactions".
	Name string
}

// Errors Start (and NewServer, which fails the test with them) returns for a
// Config.DataDir or Config.Snapshot it cannot use; test them with errors.Is.
var (
	// ErrStoreInUse: another server has the store of Config.DataDir open.
	ErrStoreInUse = fakeserver.ErrStoreInUse
	// ErrStoreCorrupt: the store of Config.DataDir cannot be read; it is
	// left as it is.
	ErrStoreCorrupt = fakeserver.ErrStoreCorrupt
	// ErrStoreVersion: the store of Config.DataDir was written by a newer
	// version of the server.
	ErrStoreVersion = fakeserver.ErrStoreVersion
	// ErrBadSnapshot: a snapshot (Config.Snapshot, Server.Import) is
	// refused: a wrong format or version, a dangling or duplicate reference.
	ErrBadSnapshot = fakeserver.ErrBadSnapshot
)

// internal converts c to the fake server's configuration.
func (c Config) internal() fakeserver.Config {
	var exts []fakeserver.Extension
	for _, e := range c.Extensions {
		exts = append(exts, fakeserver.Extension(e))
	}
	return fakeserver.Config{
		Addr: c.Addr, AppID: c.AppID, AuthKey: c.AuthKey, APIKey: c.APIKey, Region: c.Region, Plain: c.Plain,
		TLSCertFile: c.TLSCertFile, TLSKeyFile: c.TLSKeyFile, MaxUploadBytes: c.MaxUploadBytes,
		MaxMediaBytes: c.MaxMediaBytes, Logger: c.Logger, Now: c.Now, PublicHost: c.PublicHost,
		AnyAppID: c.AnyAppID, AutoCreateUsers: c.AutoCreateUsers, RevokeTokenOnLogout: c.RevokeTokenOnLogout,
		NoSeed: c.NoSeed, PingInterval: c.PingInterval, RateLimits: fakeserver.RateLimits(c.RateLimits),
		Extensions: exts, Features: c.Features, ReadHeaderTimeout: c.ReadHeaderTimeout,
		IdleTimeout: c.IdleTimeout, RequestTimeout: c.RequestTimeout, AuthTimeout: c.AuthTimeout,
		MaxSocketsPerUser: c.MaxSocketsPerUser, MaxPendingSockets: c.MaxPendingSockets,
		MaxSocketQueueBytes: c.MaxSocketQueueBytes, DataDir: c.DataDir, Snapshot: c.Snapshot,
	}
}

// configOf converts the fake server's configuration.
func configOf(c fakeserver.Config) Config {
	var exts []Extension
	for _, e := range c.Extensions {
		exts = append(exts, Extension(e))
	}
	return Config{
		Addr: c.Addr, AppID: c.AppID, AuthKey: c.AuthKey, APIKey: c.APIKey, Region: c.Region, Plain: c.Plain,
		TLSCertFile: c.TLSCertFile, TLSKeyFile: c.TLSKeyFile, MaxUploadBytes: c.MaxUploadBytes,
		MaxMediaBytes: c.MaxMediaBytes, Logger: c.Logger, Now: c.Now, PublicHost: c.PublicHost,
		AnyAppID: c.AnyAppID, AutoCreateUsers: c.AutoCreateUsers, RevokeTokenOnLogout: c.RevokeTokenOnLogout,
		NoSeed: c.NoSeed, PingInterval: c.PingInterval, RateLimits: RateLimits(c.RateLimits),
		Extensions: exts, Features: c.Features, ReadHeaderTimeout: c.ReadHeaderTimeout,
		IdleTimeout: c.IdleTimeout, RequestTimeout: c.RequestTimeout, AuthTimeout: c.AuthTimeout,
		MaxSocketsPerUser: c.MaxSocketsPerUser, MaxPendingSockets: c.MaxPendingSockets,
		MaxSocketQueueBytes: c.MaxSocketQueueBytes, DataDir: c.DataDir, Snapshot: c.Snapshot,
	}
}
