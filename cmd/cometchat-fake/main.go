// Command cometchat-fake runs the fake CometChat v3.0 server of
// internal/fakeserver, a local CometChat emulator: HTTPS REST and WSS on one
// port (HTTP and WS with -plain), seeded with the sample users superhero1..5
// and the group supergroup. The state lives in memory, or with -data DIR in
// a durable store in DIR. docs/emulator.md describes it for any client.
//
//	go run ./cmd/cometchat-fake -addr 127.0.0.1:0 -ca-out ca.pem
//	go run ./cmd/cometchat-fake -addr 127.0.0.1:8443 -ca-out ca.pem -data ./chat-data
//
// When it accepts connections it prints one line on stdout containing
// "listening on HOST:PORT" (after writing -ca-out), then a banner with the
// URLs, keys and files a client needs; it stops cleanly on SIGINT or SIGTERM
// (sockets closed with 1001, the store flushed). Test hooks are served under
// /_fake/ on the same port (loopback only, apiKey header with the auth key or
// the REST API key). The exit codes are listed at exitCode.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "cometchat-fake:", strings.TrimPrefix(err.Error(), "fakeserver: "))
		}
		os.Exit(exitCode(err))
	}
}

// Exit codes (docs/emulator.md lists them).
const (
	exitFailed     = 1 // a store write failed while serving, or -export-on-exit could not be written
	exitUsage      = 2 // bad flags or arguments, the address cannot be bound, a refused -import snapshot
	exitStoreInUse = 3 // -data DIR is in use by another cometchat-fake
	exitCorrupt    = 4 // the store in -data DIR cannot be read; it is left as it is
	exitNewer      = 5 // the store in -data DIR was written by a newer format version
)

// errRuntime marks a failure after the server started.
var errRuntime = errors.New("runtime failure")

func exitCode(err error) int {
	switch {
	case errors.Is(err, fakeserver.ErrStoreInUse):
		return exitStoreInUse
	case errors.Is(err, fakeserver.ErrStoreVersion):
		return exitNewer
	case errors.Is(err, fakeserver.ErrStoreCorrupt):
		return exitCorrupt
	case errors.Is(err, errRuntime):
		return exitFailed
	}
	return exitUsage
}

// byteSize is a flag value in bytes that accepts K/M/G suffixes (KiB based).
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	s = strings.TrimSpace(strings.ToUpper(s))
	mult := int64(1)
	for _, suf := range []struct {
		s string
		m int64
	}{{"GIB", 1 << 30}, {"MIB", 1 << 20}, {"KIB", 1 << 10}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10},
		{"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if strings.HasSuffix(s, suf.s) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, suf.s)), suf.m
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return fmt.Errorf("invalid size %q", s)
	}
	*b = byteSize(n * mult)
	return nil
}

// extensionFlags collects repeated -extension ID[=Name] flags.
type extensionFlags []fakeserver.Extension

func (e *extensionFlags) String() string {
	parts := make([]string, 0, len(*e))
	for _, x := range *e {
		parts = append(parts, x.ID+"="+x.Name)
	}
	return strings.Join(parts, ",")
}

func (e *extensionFlags) Set(s string) error {
	id, name, ok := strings.Cut(s, "=")
	id = strings.TrimSpace(id)
	if id == "" {
		return fmt.Errorf("invalid extension %q (want ID or ID=Name)", s)
	}
	if !ok {
		name = id
	}
	*e = append(*e, fakeserver.Extension{ID: id, Name: strings.TrimSpace(name)})
	return nil
}

// featureFlags collects repeated -feature NAME[=true|false] flags.
type featureFlags map[string]bool

func (f featureFlags) String() string {
	parts := make([]string, 0, len(f))
	for k, v := range f {
		parts = append(parts, k+"="+strconv.FormatBool(v))
	}
	return strings.Join(parts, ",")
}

func (f featureFlags) Set(s string) error {
	name, val, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	on := true
	if ok {
		b, err := strconv.ParseBool(strings.TrimSpace(val))
		if err != nil {
			return fmt.Errorf("invalid feature %q (want NAME or NAME=true|false)", s)
		}
		on = b
	}
	if name == "" {
		return fmt.Errorf("invalid feature %q (want NAME or NAME=true|false)", s)
	}
	f[name] = on
	return nil
}

// run starts the server described by args, prints the ready line on stdout
// and serves until ctx ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cometchat-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8443", "listen address (\":0\" or \"127.0.0.1:0\" picks a free port)")
	appID := fs.String("app-id", fakeserver.DefaultAppID, "the app id the server hosts")
	authKey := fs.String("auth-key", fakeserver.DefaultAuthKey, "auth key (create users, log in)")
	apiKey := fs.String("api-key", fakeserver.DefaultAPIKey, "REST API key (every admin operation)")
	region := fs.String("region", fakeserver.DefaultRegion, "region reported in the settings")
	caOut := fs.String("ca-out", "", "write the PEM certificate clients must trust to this file")
	plain := fs.Bool("plain", false, "serve http/ws instead of https/wss")
	tlsCert := fs.String("tls-cert", "", "serve this TLS certificate (PEM; e.g. from mkcert) instead of the emulator's own; needs -tls-key")
	tlsKey := fs.String("tls-key", "", "the key of -tls-cert (PEM)")
	maxUpload := byteSize(fakeserver.DefaultMaxUploadBytes)
	fs.Var(&maxUpload, "max-upload", "largest media upload (bytes; K, M, G suffixes allowed)")
	maxMedia := byteSize(fakeserver.DefaultMaxMediaBytes)
	fs.Var(&maxMedia, "max-media", "media store size, every upload kept in memory (bytes; K, M, G suffixes allowed)")
	publicHost := fs.String("public-host", "", "host:port written into the settings (default: the Host header)")
	anyApp := fs.Bool("any-app-id", false, "accept every app id")
	autoUsers := fs.Bool("auto-create-users", false, "create unknown users on login")
	revoke := fs.Bool("revoke-on-logout", false, "revoke the auth token on DELETE /me")
	enforce := fs.Bool("rate-limit", false, "enforce the rate limits (429 ERR_TOO_MANY_REQUESTS)")
	coreLimit := fs.Int("rate-limit-core", fakeserver.DefaultRateLimitCore, "core operations per minute (login, users, join/leave/create group)")
	stdLimit := fs.Int("rate-limit-standard", fakeserver.DefaultRateLimitStandard, "other operations per minute")
	msgLimit := fs.Int("rate-limit-messages", fakeserver.DefaultRateLimitMessagesPerUser, "sent messages per user per minute (only with -rate-limit)")
	noSeed := fs.Bool("no-seed", false, "start without the sample users and group")
	authTimeout := fs.Duration("auth-timeout", fakeserver.DefaultAuthTimeout, "close a websocket not authenticated this long after the upgrade (close 4002; negative: never)")
	maxSocketsPerUser := fs.Int("max-sockets-per-user", fakeserver.DefaultMaxSocketsPerUser, "authenticated websockets per user; an auth beyond is closed 4003 (negative: unlimited)")
	maxPending := fs.Int("max-pending-sockets", fakeserver.DefaultMaxPendingSockets, "unauthenticated websockets in all; an upgrade beyond gets HTTP 503 (negative: unlimited)")
	maxQueue := byteSize(fakeserver.DefaultMaxSocketQueueBytes)
	fs.Var(&maxQueue, "max-socket-queue", "bytes queued for one websocket; a socket further behind is closed 4004 (K, M, G suffixes allowed)")
	readHeaderTimeout := fs.Duration("read-header-timeout", fakeserver.DefaultReadHeaderTimeout, "time to send a request's headers")
	idleTimeout := fs.Duration("idle-timeout", fakeserver.DefaultIdleTimeout, "close keep-alive HTTP connections idle this long")
	requestTimeout := fs.Duration("request-timeout", fakeserver.DefaultRequestTimeout, "time to read a whole request and write its reply (not websockets)")
	verbose := fs.Bool("v", false, "log one line per request and socket event (and debug logs) on stderr; never a secret")
	dataDir := fs.String("data", "", "keep the whole state in a durable store in this directory (created if missing)")
	importFile := fs.String("import", "", "start from this snapshot file (JSON, as GET /_fake/export writes it); with -data it replaces the stored state")
	exportFile := fs.String("export-on-exit", "", "write a snapshot of the state to this file when stopping (SIGINT, SIGTERM)")
	var extensions extensionFlags
	fs.Var(&extensions, "extension", "an extension the settings list as enabled, ID or ID=Name (repeatable)")
	features := featureFlags{}
	fs.Var(features, "feature", "a feature parameter of the settings, NAME or NAME=true|false (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if (*tlsCert == "") != (*tlsKey == "") || *plain && *tlsCert != "" {
		return errors.New("-tls-cert and -tls-key go together, and not with -plain")
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	var snapshot []byte
	if *importFile != "" {
		b, err := os.ReadFile(*importFile)
		if err != nil {
			return fmt.Errorf("-import: %w", err)
		}
		snapshot = b
	}

	srv, err := fakeserver.New(fakeserver.Config{
		DataDir: *dataDir, Snapshot: snapshot,
		Addr: *addr, AppID: *appID, AuthKey: *authKey, APIKey: *apiKey, Region: *region, Plain: *plain,
		TLSCertFile: *tlsCert, TLSKeyFile: *tlsKey,
		MaxUploadBytes: int64(maxUpload), MaxMediaBytes: int64(maxMedia), Logger: logger, PublicHost: *publicHost, AnyAppID: *anyApp,
		AutoCreateUsers: *autoUsers, RevokeTokenOnLogout: *revoke, NoSeed: *noSeed,
		Extensions: extensions, Features: features,
		AuthTimeout: *authTimeout, MaxSocketsPerUser: *maxSocketsPerUser, MaxPendingSockets: *maxPending,
		MaxSocketQueueBytes: int(maxQueue), ReadHeaderTimeout: *readHeaderTimeout, IdleTimeout: *idleTimeout,
		RequestTimeout: *requestTimeout,
		RateLimits:     fakeserver.RateLimits{Enforce: *enforce, Core: *coreLimit, Standard: *stdLimit, MessagesPerUser: *msgLimit},
	})
	if err != nil {
		return err
	}
	defer func() { _ = srv.Close() }()
	if *caOut != "" && !*plain {
		if err := os.WriteFile(*caOut, srv.CertPEM(), 0o644); err != nil {
			return fmt.Errorf("write -ca-out: %w", err)
		}
	}
	scheme := "https/wss"
	if *plain {
		scheme = "http/ws"
	}
	if _, err := fmt.Fprintf(stdout, "cometchat-fake: listening on %s (%s, app %s)\n", srv.Addr(), scheme, srv.Config().AppID); err != nil {
		return fmt.Errorf("print the ready line: %w", err)
	}
	_, _ = io.WriteString(stdout, banner(srv, bannerInfo{caFile: *caOut, dataDir: *dataDir, importFile: *importFile, tlsCert: *tlsCert}))
	var failed error
	select {
	case <-ctx.Done():
	case <-srv.StoreFailed():
		failed = fmt.Errorf("%w: %v", errRuntime, srv.StoreErr())
	}
	logger.Info("stopping")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err = srv.Shutdown(sctx)
	if failed != nil {
		return failed
	}
	if *exportFile != "" {
		if werr := writeFileAtomic(*exportFile, srv.Export()); werr != nil {
			return fmt.Errorf("%w: -export-on-exit: %v", errRuntime, werr)
		}
	}
	if err != nil {
		return fmt.Errorf("%w: %v", errRuntime, err)
	}
	return nil
}

// writeFileAtomic writes data to path through a temporary file renamed into
// place, so that a reader never sees half a snapshot.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
