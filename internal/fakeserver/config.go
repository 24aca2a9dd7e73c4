package fakeserver

import (
	"log/slog"
	"time"
)

// Config configures a Server. The zero value is usable: every empty field
// takes the default documented on it.
type Config struct {
	// Addr is the listen address; default "127.0.0.1:0" (a free port).
	Addr string
	// AppID is the only app the server hosts; default "fake-app".
	AppID string
	// AuthKey may create users and auth tokens; default "fake-auth-key".
	AuthKey string
	// APIKey is the REST API key, allowed every admin operation; default
	// "fake-api-key".
	APIKey string
	// Region is reported in the settings; default "us".
	Region string
	// Plain serves http/ws instead of https/wss.
	Plain bool
	// TLSCertFile and TLSKeyFile, set together, serve this certificate (PEM,
	// the chain in the certificate file), e.g. one made by mkcert that the
	// browsers already trust, instead of the server's own; CertPEM then
	// returns the certificate file's PEM.
	TLSCertFile, TLSKeyFile string
	// MaxUploadBytes bounds a media upload; default 100 MiB.
	MaxUploadBytes int64
	// MaxMediaBytes bounds the media store (every uploaded file, kept in
	// memory); an upload beyond it gets 413 ERR_FILE_SIZE_EXCEEDED. Default
	// 1 GiB, and at least MaxUploadBytes.
	MaxMediaBytes int64
	// Logger receives debug logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock; default time.Now.
	Now func() time.Time
	// PublicHost is the "host:port" written into the settings. Default: the
	// Host header of the request being answered, which is the address the
	// client dialled.
	PublicHost string
	// AnyAppID accepts every app id instead of only AppID.
	AnyAppID bool
	// AutoCreateUsers makes POST users/{uid}/auth_tokens create unknown users.
	AutoCreateUsers bool
	// RevokeTokenOnLogout makes DELETE /me revoke the auth token it was called
	// with, so that the next call gets AUTH_ERR_AUTH_TOKEN_NOT_FOUND.
	RevokeTokenOnLogout bool
	// NoSeed starts without the seeded superhero users and supergroup.
	NoSeed bool
	// PingInterval is the interval of websocket control pings sent by the
	// server; a socket that stays silent (no frame, no pong) for three
	// intervals is closed. Default 30 s; negative disables both.
	PingInterval time.Duration
	// RateLimits configures the rate-limit headers and their enforcement.
	RateLimits RateLimits
	// Extensions are the extensions the settings list as enabled (default
	// none), for IsExtensionEnabled and ExtensionDetails.
	Extensions []Extension
	// Features are the feature parameters of the settings (default none),
	// for IsFeatureEnabled.
	Features map[string]bool

	// ReadHeaderTimeout bounds the time to read a request's headers; a
	// client that sends half a header is disconnected. Default 10 s.
	ReadHeaderTimeout time.Duration
	// IdleTimeout closes a keep-alive HTTP connection idle that long.
	// Default 2 minutes.
	IdleTimeout time.Duration
	// RequestTimeout bounds reading a whole request (body included) and
	// writing its reply: http.Server's ReadTimeout and WriteTimeout. It does
	// not apply to websockets (their deadlines are the ping's). Default 5
	// minutes, room for a 100 MiB upload at 350 KiB/s.
	RequestTimeout time.Duration

	// AuthTimeout is how long a websocket may stay unauthenticated after
	// the upgrade; then it is closed with CloseAuthTimeout. Default 10 s;
	// negative disables it.
	AuthTimeout time.Duration
	// MaxSocketsPerUser bounds a user's authenticated sockets; an auth
	// beyond it is closed with CloseTooManySockets. Default 64; negative is
	// unlimited.
	MaxSocketsPerUser int
	// MaxPendingSockets bounds the sockets not yet authenticated, all users
	// together; an upgrade beyond it is answered HTTP 503
	// ERR_TOO_MANY_CONNECTIONS. Default 1024; negative is unlimited.
	MaxPendingSockets int
	// MaxSocketQueueBytes bounds the bytes queued for one socket; a socket
	// that falls further behind is closed with CloseTooSlow. Default 8 MiB;
	// it is raised to at least one frame (1 MiB).
	MaxSocketQueueBytes int

	// DataDir keeps the whole state in a durable store (the file StoreFile
	// in that directory, created when missing): a change is in the store
	// before the reply or the pushed frame that acknowledges it, and a
	// server started on the same directory goes on from there. Empty (the
	// default): the state lives in memory only. New fails with
	// ErrStoreInUse, ErrStoreCorrupt or ErrStoreVersion when the store
	// cannot be used, and never writes over a store it cannot read.
	DataDir string
	// Snapshot, when set, is a snapshot document (as Export writes it) the
	// server starts from instead of the seeded state; with DataDir it
	// replaces what the store held. New fails with ErrBadSnapshot when it is
	// refused.
	Snapshot []byte
}

// Extension is an extension listed as enabled in the app's settings.
type Extension struct {
	ID   string
	Name string
}

// RateLimits configures CometChat-style rate limits (decision 24). Every
// response carries X-Rate-Limit and X-Rate-Limit-Remaining for the current
// minute; only with Enforce does the server answer 429 once a limit is used up.
type RateLimits struct {
	// Enforce turns enforcement on (off by default).
	Enforce bool
	// Core is the per-minute limit of core operations (login, create/delete
	// user, create/join/leave group); default 10000.
	Core int
	// Standard is the per-minute limit of every other operation; default 20000.
	Standard int
	// MessagesPerUser is the per-minute limit of sent messages per user;
	// default 30. It is only checked when Enforce is set.
	MessagesPerUser int
}

// The defaults that withDefaults gives empty Config and RateLimits fields,
// exported for the flag defaults of cmd/cometchat-fake.
const (
	DefaultAppID                    = "fake-app"       // Config.AppID
	DefaultAuthKey                  = "fake-auth-key"  // Config.AuthKey
	DefaultAPIKey                   = "fake-api-key"   // Config.APIKey
	DefaultRegion                   = "us"             // Config.Region
	DefaultMaxUploadBytes           = 100 << 20        // Config.MaxUploadBytes
	DefaultMaxMediaBytes            = 1 << 30          // Config.MaxMediaBytes
	DefaultRateLimitCore            = 10000            // RateLimits.Core, per minute
	DefaultRateLimitStandard        = 20000            // RateLimits.Standard, per minute
	DefaultRateLimitMessagesPerUser = 30               // RateLimits.MessagesPerUser, per minute
	DefaultReadHeaderTimeout        = 10 * time.Second // Config.ReadHeaderTimeout
	DefaultIdleTimeout              = 2 * time.Minute  // Config.IdleTimeout
	DefaultRequestTimeout           = 5 * time.Minute  // Config.RequestTimeout
	DefaultAuthTimeout              = 10 * time.Second // Config.AuthTimeout
	DefaultMaxSocketsPerUser        = 64               // Config.MaxSocketsPerUser
	DefaultMaxPendingSockets        = 1024             // Config.MaxPendingSockets
	DefaultMaxSocketQueueBytes      = 8 << 20          // Config.MaxSocketQueueBytes
	// MaxHeaderBytes bounds a request's headers (request line included).
	MaxHeaderBytes = 1 << 20
)

const (
	defaultAddr = "127.0.0.1:0"
	defaultPing = 30 * time.Second
)

func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = defaultAddr
	}
	if c.AppID == "" {
		c.AppID = DefaultAppID
	}
	if c.AuthKey == "" {
		c.AuthKey = DefaultAuthKey
	}
	if c.APIKey == "" {
		c.APIKey = DefaultAPIKey
	}
	if c.Region == "" {
		c.Region = DefaultRegion
	}
	if c.MaxUploadBytes <= 0 {
		c.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if c.MaxMediaBytes <= 0 {
		c.MaxMediaBytes = DefaultMaxMediaBytes
	}
	c.MaxMediaBytes = max(c.MaxMediaBytes, c.MaxUploadBytes)
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler) // enabled at no level: no log is even built
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.PingInterval == 0 {
		c.PingInterval = defaultPing
	}
	if c.RateLimits.Core <= 0 {
		c.RateLimits.Core = DefaultRateLimitCore
	}
	if c.RateLimits.Standard <= 0 {
		c.RateLimits.Standard = DefaultRateLimitStandard
	}
	if c.ReadHeaderTimeout <= 0 {
		c.ReadHeaderTimeout = DefaultReadHeaderTimeout
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = DefaultRequestTimeout
	}
	if c.AuthTimeout == 0 {
		c.AuthTimeout = DefaultAuthTimeout
	}
	if c.MaxSocketsPerUser == 0 {
		c.MaxSocketsPerUser = DefaultMaxSocketsPerUser
	}
	if c.MaxPendingSockets == 0 {
		c.MaxPendingSockets = DefaultMaxPendingSockets
	}
	if c.MaxSocketQueueBytes <= 0 {
		c.MaxSocketQueueBytes = DefaultMaxSocketQueueBytes
	}
	if c.MaxSocketQueueBytes < maxFrameBytes {
		c.MaxSocketQueueBytes = maxFrameBytes
	}
	if c.RateLimits.MessagesPerUser <= 0 {
		c.RateLimits.MessagesPerUser = DefaultRateLimitMessagesPerUser
	}
	return c
}
