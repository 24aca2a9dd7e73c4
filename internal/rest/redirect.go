package rest

import (
	"errors"
	"net/http"
	"strings"
)

// CodeRedirectRefused is the code of a call whose server redirected it to
// another host, or from https to http: credentials travel in headers, and Go's
// http.Client would forward them (it strips only Authorization and Cookie, and
// only across domains), so such a redirect is never followed.
const CodeRedirectRefused = "REDIRECT_REFUSED"

// errRedirectRefused is what CheckRedirect returns; once turns it into an
// APIError with CodeRedirectRefused.
var errRedirectRefused = errors.New("redirect to another host or from https to http refused")

// GuardRedirects returns a shallow copy of hc (hc itself is not changed) whose
// redirect policy refuses any redirect that leaves the original request's
// scheme and host (host:port, case-insensitive), except an upgrade from http
// to https on the same host. Redirects it allows then go through hc's own
// policy (Go's default: at most 10).
func GuardRedirects(hc *http.Client) *http.Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	guarded := *hc
	inner := hc.CheckRedirect
	guarded.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && !sameOrigin(via[0], req) {
			return errRedirectRefused
		}
		if inner != nil {
			return inner(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &guarded
}

// sameOrigin reports whether next may carry first's credentials: same host
// and port, and no downgrade from https.
func sameOrigin(first, next *http.Request) bool {
	if !strings.EqualFold(first.URL.Host, next.URL.Host) {
		return false
	}
	from, to := strings.ToLower(first.URL.Scheme), strings.ToLower(next.URL.Scheme)
	return from == to || (from == "http" && to == "https")
}
