package main

import (
	"fmt"
	"strings"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

type bannerInfo struct {
	caFile     string
	dataDir    string
	importFile string
	tlsCert    string
}

// banner says what a client needs, after the ready line: the URLs, the app
// id and keys, the certificate to trust, where the state lives and who is in
// it.
func banner(srv *fakeserver.Server, in bannerInfo) string {
	cfg := srv.Config()
	var b strings.Builder
	line := func(k, v string) { fmt.Fprintf(&b, "  %-14s %s\n", k+":", v) }
	line("REST base URL", srv.BaseURL())
	line("REST API", srv.RESTBaseURL()+"   (CometChat's REST API for backends; header apikey)")
	line("websocket URL", srv.WebSocketURL())
	line("app id", cfg.AppID)
	line("region", cfg.Region)
	line("auth key", cfg.AuthKey+"   (create users, log in)")
	line("REST API key", cfg.APIKey+"   (every admin call; header apiKey)")
	switch {
	case cfg.Plain:
		line("TLS", "none: plain http/ws (-plain)")
	case in.tlsCert != "":
		line("certificate", in.tlsCert+"   (yours, from -tls-cert)")
	case in.caFile != "":
		line("CA file", in.caFile+"   (trust it, e.g. NODE_EXTRA_CA_CERTS="+in.caFile+")")
	default:
		line("CA file", "none written: pass -ca-out FILE to get the certificate clients must trust")
	}
	if in.dataDir != "" {
		line("data dir", in.dataDir+"   (durable: the state survives restarts)")
	} else {
		line("data dir", "none: the state lives in memory and ends with the process (-data DIR keeps it)")
	}
	st := srv.Stats()
	users := srv.Users()
	names := make([]string, 0, 5)
	for i, u := range users {
		if i == 5 {
			names = append(names, "…")
			break
		}
		names = append(names, u.UID)
	}
	from := "seeded"
	switch {
	case in.importFile != "":
		from = "from " + in.importFile
	case in.dataDir != "" && st.Messages+st.Users > 0 && !isSeed(users, st):
		from = "from the store"
	}
	if len(users) == 0 {
		line("users", "none ("+from+"); create them with POST /v3.0/users")
	} else {
		line("users", fmt.Sprintf("%d %s: %s; %d groups, %d messages", st.Users, from, strings.Join(names, ", "), st.Groups, st.Messages))
	}
	line("test hooks", strings.TrimSuffix(srv.BaseURL(), "/v3.0")+"/_fake/   (loopback, header apiKey)")
	if cfg.Plain {
		line("inspector", srv.InspectorURL()+"   (open it in a browser on this machine)")
	} else {
		line("inspector", srv.InspectorURL()+"   (open it in a browser on this machine; trust the CA file, or use -plain)")
	}
	line("docs", "docs/emulator.md")
	return b.String()
}

// isSeed reports whether the state is still the seeded one.
func isSeed(users []fakeserver.User, st fakeserver.Stats) bool {
	if st.Messages > 0 || st.Groups != 1 || len(users) != 5 {
		return false
	}
	for i, u := range users {
		if u.UID != fmt.Sprintf("superhero%d", i+1) {
			return false
		}
	}
	return true
}
