// Package backend gives the examples a CometChat to talk to: the bundled fake
// server started in process, or CometChat itself when COMETCHAT_APP_ID,
// COMETCHAT_REGION and COMETCHAT_AUTH_KEY are set.
package backend

import (
	"fmt"
	"os"
	"strings"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/cometchattest"
)

// Backend is where the examples' clients connect.
type Backend struct {
	AppID    string
	AuthKey  string
	Settings cometchat.AppSettings
	Options  []cometchat.Option
	// Fake is the in-process server, nil against CometChat itself.
	Fake *cometchattest.Server
}

// Connect starts the fake server, or reads CometChat's credentials from the
// environment.
func Connect() (*Backend, error) {
	appID, region, authKey := os.Getenv("COMETCHAT_APP_ID"), os.Getenv("COMETCHAT_REGION"), os.Getenv("COMETCHAT_AUTH_KEY")
	if appID != "" && region != "" && authKey != "" {
		fmt.Fprintln(os.Stderr, "# talking to CometChat, app", appID, "region", region)
		return &Backend{AppID: appID, AuthKey: authKey, Settings: cometchat.AppSettings{Region: cometchat.Region(region)}}, nil
	}
	srv, err := cometchattest.Start()
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(os.Stderr, "# talking to the bundled fake server at", srv.Addr())
	return &Backend{AppID: srv.AppID(), AuthKey: srv.AuthKey(), Settings: srv.AppSettings(), Options: srv.ClientOptions(), Fake: srv}, nil
}

// NewClient returns a client of the backend's app.
func (b *Backend) NewClient(opts ...cometchat.Option) (*cometchat.Client, error) {
	return cometchat.New(b.AppID, b.Settings, append(append([]cometchat.Option(nil), b.Options...), opts...)...)
}

// UIDs returns the users to play: COMETCHAT_UIDS (comma-separated) or the
// defaults given.
func UIDs(defaults ...string) ([]string, error) {
	v := os.Getenv("COMETCHAT_UIDS")
	if v == "" {
		return defaults, nil
	}
	uids := strings.Split(v, ",")
	if len(uids) != len(defaults) {
		return nil, fmt.Errorf("COMETCHAT_UIDS needs %d UIDs, got %q", len(defaults), v)
	}
	return uids, nil
}

// Close stops the fake server, if any.
func (b *Backend) Close() {
	if b.Fake != nil {
		_ = b.Fake.Close()
	}
}
