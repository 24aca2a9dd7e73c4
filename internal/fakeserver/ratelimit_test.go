package fakeserver_test

import (
	"strconv"
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// TestRateLimitOnlyCountsThisAppsAuthenticatedRequests: requests with a
// foreign app id, a bad key or token, or to no route spend nothing of the
// app's budget (they still carry its headers).
func TestRateLimitOnlyCountsThisAppsAuthenticatedRequests(t *testing.T) {
	t.Parallel()
	clk := newClock()
	h := newHarness(t, fakeserver.Config{Now: clk.Now, RateLimits: fakeserver.RateLimits{Enforce: true, Standard: 3, Core: 2}})
	s := h.login("superhero1") // spends the two core requests
	for i := 0; i < 20; i++ {
		fails(t, h.do(req{method: "GET", path: "users/superhero2", token: s.token, appID: "someone-else"}), 401, "AUTH_ERR_INVALID_APPID")
		fails(t, h.do(req{method: "GET", path: "users/superhero2", token: "not-a-token"}), 401, "AUTH_ERR_AUTH_TOKEN_NOT_FOUND")
		fails(t, h.do(req{method: "GET", path: "users/superhero2"}), 401, "AUTH_ERR_EMPTY_AUTH_TOKEN")
		fails(t, h.do(req{method: "GET", path: "no/such/route", token: s.token}), 404, "ERR_API_NOT_FOUND")
		r := h.do(req{method: "POST", path: "users/superhero2/auth_tokens", apiKey: "wrong-key"})
		fails(t, r, 401, "AUTH_ERR_APIKEY_NOT_FOUND")
		if r.Header.Get("X-Rate-Limit") != "2" || r.Header.Get("X-Rate-Limit-Remaining") != "0" {
			t.Fatalf("headers of a refused core request: %v", r.Header)
		}
	}
	for i := 0; i < 3; i++ {
		r := h.do(req{method: "GET", path: "users/superhero2", token: s.token})
		ok(t, r, &userOut{})
		if r.Header.Get("X-Rate-Limit") != "3" || r.Header.Get("X-Rate-Limit-Remaining") != strconv.Itoa(2-i) {
			t.Fatalf("request %d: headers %v", i, r.Header)
		}
	}
	fails(t, h.do(req{method: "GET", path: "users/superhero2", token: s.token}), 429, "ERR_TOO_MANY_REQUESTS")
}

// TestRateLimitHeadersReportTheBucketThatApplied: a message send reports the
// per-user message bucket when it is the tighter one, and its 429 reports
// that bucket, not the standard one.
func TestRateLimitHeadersReportTheBucketThatApplied(t *testing.T) {
	t.Parallel()
	clk := newClock()
	h := newHarness(t, fakeserver.Config{Now: clk.Now, RateLimits: fakeserver.RateLimits{Enforce: true, Standard: 100, MessagesPerUser: 2}})
	s := h.login("superhero1")
	send := func() reply {
		return h.do(req{method: "POST", path: "messages", token: s.token, body: `{"receiver":"superhero2","receiverType":"user",
			"category":"message","type":"text","data":{"text":"x"}}`})
	}
	for i := 0; i < 2; i++ {
		r := send()
		ok(t, r, &msgOut{})
		if r.Header.Get("X-Rate-Limit") != "2" || r.Header.Get("X-Rate-Limit-Remaining") != strconv.Itoa(1-i) {
			t.Fatalf("send %d: headers %v", i, r.Header)
		}
	}
	r := send()
	fails(t, r, 429, "ERR_TOO_MANY_REQUESTS")
	if r.Header.Get("X-Rate-Limit") != "2" || r.Header.Get("X-Rate-Limit-Remaining") != "0" || r.Header.Get("Retry-After") == "" {
		t.Fatalf("429 headers: %v", r.Header)
	}
	// other requests still report the standard bucket
	r = h.do(req{method: "GET", path: "users/superhero2", token: s.token})
	ok(t, r, &userOut{})
	if r.Header.Get("X-Rate-Limit") != "100" || r.Header.Get("X-Rate-Limit-Remaining") != "96" {
		t.Fatalf("standard headers: %v", r.Header)
	}
}
