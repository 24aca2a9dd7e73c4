package cometchat

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/cenkalti/backoff/v4"

	"github.com/gocometchat/cometchat/internal/realtime"
)

// Option configures a Client beyond AppSettings. An invalid option makes New
// fail with CodeInvalidOption and an error naming it; nothing falls back to a
// default silently.
type Option func(*options) error

type options struct {
	httpClient  *http.Client
	tlsConfig   *tls.Config
	logger      *slog.Logger
	platform    string
	ping, pong  time.Duration // 0: the realtime defaults
	newBackOff  func() backoff.BackOff
	queueSize   int
	queueBytes  int64
	maxFrame    int64
	callTimeout time.Duration
	noAutoBusy  bool
	recoveryMax int // 0: no recovery
	source      source
}

type source struct{ resource, platform, language string }

// Defaults of the options.
const (
	// DefaultDispatchQueueSize is the default of WithDispatchQueueSize.
	DefaultDispatchQueueSize = 10000
	// DefaultDispatchQueueBytes is the default of WithDispatchQueueBytes.
	DefaultDispatchQueueBytes = 64 << 20
	// DefaultMaxFrameBytes is the default of WithMaxFrameBytes.
	DefaultMaxFrameBytes = realtime.DefaultMaxFrameBytes
	// DefaultMissedMessageRecovery is the default of WithMissedMessageRecovery.
	DefaultMissedMessageRecovery = 10000
)

func buildOptions(opts []Option) (options, error) {
	o := options{
		logger:      slog.New(slog.DiscardHandler),
		platform:    "GO",
		queueSize:   DefaultDispatchQueueSize,
		queueBytes:  DefaultDispatchQueueBytes,
		maxFrame:    DefaultMaxFrameBytes,
		callTimeout: DefaultCallTimeout,
		recoveryMax: DefaultMissedMessageRecovery,
	}
	for i, f := range opts {
		if f == nil {
			return o, errorf(CodeInvalidOption, "option %d is nil", i)
		}
		if err := f(&o); err != nil {
			return o, err
		}
	}
	return o, nil
}

func invalidOption(name, format string, args ...any) error {
	return errorf(CodeInvalidOption, "%s: %s", name, fmt.Sprintf(format, args...))
}

// WithSource labels this client's logins with the identity of a wrapper or UI
// kit built on the SDK (Cordova: setSource): the three values go into the
// login body's appInfo as resource, platform and language. The session's
// platform (WithPlatform) is a different thing and stays as it is.
func WithSource(resource, platform, language string) Option {
	return func(o *options) error {
		o.source = source{resource: resource, platform: platform, language: language}
		return nil
	}
}

// WithHTTPClient sets the HTTP client for REST calls. Its transport's TLS
// settings do not affect the websocket; use WithTLSConfig for both. The
// client uses a copy of hc whose redirect policy refuses redirects to another
// host or from https to http (the call fails with CodeRedirectRefused), so
// that credentials reach only the configured hosts; hc itself is not changed.
//
// A process that runs many clients (a load test, a gateway) should give them
// one shared client whose transport bounds its connections
// (http.Transport.MaxConnsPerHost): each client built without one has its
// own keep-alive connection, and after a server restart every client's
// recovery call would otherwise open a TLS connection at the same moment.
func WithHTTPClient(hc *http.Client) Option {
	return func(o *options) error {
		if hc == nil {
			return invalidOption("WithHTTPClient", "the client is nil")
		}
		o.httpClient = hc
		return nil
	}
}

// WithTLSConfig sets the TLS configuration of REST calls and the websocket,
// e.g. RootCAs that trust a test server's certificate. Verification stays on:
// a configuration with InsecureSkipVerify is refused. Several clients may
// share one configuration; do not modify it after New.
func WithTLSConfig(cfg *tls.Config) Option {
	return func(o *options) error {
		switch {
		case cfg == nil:
			return invalidOption("WithTLSConfig", "the configuration is nil")
		case cfg.InsecureSkipVerify:
			return invalidOption("WithTLSConfig", "InsecureSkipVerify is refused; trust the server's certificate with RootCAs")
		}
		o.tlsConfig = cfg
		return nil
	}
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) error {
		if l == nil {
			return invalidOption("WithLogger", "the logger is nil")
		}
		o.logger = l
		return nil
	}
}

// WithPlatform changes the platform string sent in login bodies and the auth
// frame (default "GO").
func WithPlatform(p string) Option {
	return func(o *options) error {
		if blank(p) {
			return invalidOption("WithPlatform", "the platform is blank")
		}
		o.platform = p
		return nil
	}
}

// WithKeepAlive sets the ping interval (default 15 s) and how long a pong may
// take (default 3 s).
func WithKeepAlive(interval, pongTimeout time.Duration) Option {
	return func(o *options) error {
		if interval <= 0 || pongTimeout <= 0 {
			return invalidOption("WithKeepAlive", "both durations must be positive, got interval %v and pongTimeout %v", interval, pongTimeout)
		}
		o.ping, o.pong = interval, pongTimeout
		return nil
	}
}

// WithReconnectBackOff sets the redial policy. The default is jittered
// exponential backoff from about 0.5 s to 30 s that never gives up.
func WithReconnectBackOff(f func() backoff.BackOff) Option {
	return func(o *options) error {
		if f == nil {
			return invalidOption("WithReconnectBackOff", "the function is nil")
		}
		o.newBackOff = f
		return nil
	}
}

// WithDispatchQueueSize bounds the events waiting for listeners (default
// 10,000). When full, reading from the socket waits and OnSlowConsumer fires.
func WithDispatchQueueSize(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return invalidOption("WithDispatchQueueSize", "the size must be at least 1, got %d", n)
		}
		o.queueSize = n
		return nil
	}
}

// WithDispatchQueueBytes bounds the bytes of the frames waiting for listeners
// (default 64 MiB), besides their number: the queue is full at either bound.
// A single frame larger than n still passes, alone.
func WithDispatchQueueBytes(n int64) Option {
	return func(o *options) error {
		if n < 1 {
			return invalidOption("WithDispatchQueueBytes", "the size must be at least 1, got %d", n)
		}
		o.queueBytes = n
		return nil
	}
}

// WithMaxFrameBytes bounds one frame received on the socket (default 8 MiB).
// A larger frame is never read into memory: the client closes that socket,
// logs a warning, reconnects and recovers the messages it missed over REST
// (whose responses are bounded at 64 MiB), so nothing around it is lost.
func WithMaxFrameBytes(n int64) Option {
	return func(o *options) error {
		if n < 1024 {
			return invalidOption("WithMaxFrameBytes", "the limit must be at least 1024 bytes, got %d", n)
		}
		o.maxFrame = n
		return nil
	}
}

// WithCallTimeout sets how long an outgoing call rings before it is marked
// unanswered (default 45 s).
func WithCallTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return invalidOption("WithCallTimeout", "the timeout must be positive, got %v", d)
		}
		o.callTimeout = d
		return nil
	}
}

// WithoutAutoBusy stops the client from answering incoming calls with busy
// while it has an active call.
func WithoutAutoBusy() Option {
	return func(o *options) error {
		o.noAutoBusy = true
		return nil
	}
}

// WithMissedMessageRecovery sets the largest gap (in messages) recovered after
// a reconnect (default 10,000); 0 disables recovery.
func WithMissedMessageRecovery(max int) Option {
	return func(o *options) error {
		if max < 0 {
			return invalidOption("WithMissedMessageRecovery", "the bound must be 0 (off) or positive, got %d", max)
		}
		o.recoveryMax = max
		return nil
	}
}
