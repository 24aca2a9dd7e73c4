package cometchattest

import (
	"fmt"
	"os"
	"strings"

	"github.com/gocometchat/cometchat"
)

// The environment variables StartOrEnv reads.
const (
	// EnvAppID names the variable holding the CometChat app's id.
	EnvAppID = "COMETCHAT_APP_ID"
	// EnvRegion names the variable holding the app's region ("us", "eu" ...).
	EnvRegion = "COMETCHAT_REGION"
	// EnvAuthKey names the variable holding the app's auth key (what the
	// SDK logs users in with).
	EnvAuthKey = "COMETCHAT_AUTH_KEY"
	// EnvRESTAPIKey names the variable holding the app's REST API key (what
	// a backend's package admin client uses).
	EnvRESTAPIKey = "COMETCHAT_REST_API_KEY"
	// EnvUIDs names the variable holding the users a program plays,
	// comma-separated (Backend.UIDs).
	EnvUIDs = "COMETCHAT_UIDS"
)

// Backend is a CometChat app a program talks to: a fake server started in
// the process, or CometChat itself. StartOrEnv returns one.
type Backend struct {
	// AppID is the app's id.
	AppID string
	// Region is the app's region.
	Region string
	// AuthKey is the app's auth key, for Client.Login (empty against
	// CometChat when COMETCHAT_AUTH_KEY is not set).
	AuthKey string
	// APIKey is the app's REST API key, for package admin (empty against
	// CometChat when COMETCHAT_REST_API_KEY is not set).
	APIKey string
	// Settings point a client at the app.
	Settings cometchat.AppSettings
	// Options are the options a client of the app needs (the fake server's
	// certificate); nil against CometChat.
	Options []cometchat.Option
	// Fake is the fake server, nil against CometChat. A program seeds it or
	// points package admin at it (Fake.RESTBaseURL, Fake.CertPool).
	Fake *Server
}

// StartOrEnv returns the backend a program should talk to. When
// COMETCHAT_APP_ID and COMETCHAT_REGION are set, it is that CometChat app,
// with the keys of COMETCHAT_AUTH_KEY and COMETCHAT_REST_API_KEY (one of
// them at least must be set; a call that needs the other fails with
// CometChat's error).
// When neither is set it starts a fake server in this process (Start with
// cfg, if given), with the seeded users superhero1 … superhero5; Close
// stops it. Setting only one of the two is an error, so that a typo does
// not silently run against the fake.
func StartOrEnv(cfg ...Config) (*Backend, error) {
	appID, region := os.Getenv(EnvAppID), os.Getenv(EnvRegion)
	authKey, apiKey := os.Getenv(EnvAuthKey), os.Getenv(EnvRESTAPIKey)
	switch {
	case appID != "" && region != "":
		if authKey == "" && apiKey == "" {
			return nil, fmt.Errorf("cometchattest: %s and %s are set but neither %s nor %s", EnvAppID, EnvRegion, EnvAuthKey, EnvRESTAPIKey)
		}
		return &Backend{AppID: appID, Region: region, AuthKey: authKey, APIKey: apiKey,
			Settings: cometchat.AppSettings{Region: cometchat.Region(region)}}, nil
	case appID != "" || region != "":
		return nil, fmt.Errorf("cometchattest: set both %s and %s to talk to CometChat, or neither to start the fake server", EnvAppID, EnvRegion)
	}
	srv, err := Start(cfg...)
	if err != nil {
		return nil, err
	}
	return &Backend{AppID: srv.AppID(), Region: srv.Region(), AuthKey: srv.AuthKey(), APIKey: srv.APIKey(),
		Settings: srv.AppSettings(), Options: srv.ClientOptions(), Fake: srv}, nil
}

// NewClient returns a client of the backend's app, not logged in; opts are
// applied after the backend's Options. Close it when done.
func (b *Backend) NewClient(opts ...cometchat.Option) (*cometchat.Client, error) {
	return cometchat.New(b.AppID, b.Settings, append(append([]cometchat.Option(nil), b.Options...), opts...)...)
}

// UIDs returns the users a program plays: the first len(defaults) UIDs of
// COMETCHAT_UIDS (comma-separated; an error when it holds fewer), or
// defaults when it is not set.
func (b *Backend) UIDs(defaults ...string) ([]string, error) {
	v := strings.TrimSpace(os.Getenv(EnvUIDs))
	if v == "" {
		return defaults, nil
	}
	var uids []string
	for _, u := range strings.Split(v, ",") {
		if u = strings.TrimSpace(u); u != "" {
			uids = append(uids, u)
		}
	}
	if len(uids) < len(defaults) {
		return nil, fmt.Errorf("cometchattest: %s needs %d UIDs, got %q", EnvUIDs, len(defaults), v)
	}
	return uids[:len(defaults)], nil
}

// String describes the backend, e.g. "the fake CometChat server at
// 127.0.0.1:8443" or "CometChat, app 12345abc, region us".
func (b *Backend) String() string {
	if b.Fake != nil {
		return "the fake CometChat server at " + b.Fake.Addr()
	}
	return "CometChat, app " + b.AppID + ", region " + b.Region
}

// Close stops the fake server, if there is one; it returns once it is
// stopped. Against CometChat it does nothing.
func (b *Backend) Close() error {
	if b.Fake == nil {
		return nil
	}
	return b.Fake.Close()
}
