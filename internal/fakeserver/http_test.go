package fakeserver_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// extremeNumbers are query values that once reached the paging arithmetic
// unchecked: zero, negative, huge, the int64 bounds, beyond them, values
// whose product with a page size overflows, and things that are not numbers.
var extremeNumbers = []string{"0", "-1", "1", "2", "1000", "4611686018427387904", "9223372036854775807",
	"-9223372036854775808", "99999999999999999999", "-99999999999999999999", "abc", "1e3", "", " 7 ", "0x10"}

// TestListEndpointsSurviveExtremeNumbers sends every extreme value as page,
// per_page, limit, id and the timestamps to every list endpoint: each reply
// must be a well-formed JSON list (never a dropped connection), and a page
// past the end must be an empty list.
func TestListEndpointsSurviveExtremeNumbers(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	a, b := h.login("superhero1"), h.login("superhero2")
	parent := h.sendText(a, "user", "superhero2", "parent")
	ok(t, h.do(req{method: "POST", path: "messages/" + parent.ID + "/thread", token: b.token, body: `{"receiver":"superhero1",
		"receiverType":"user","category":"message","type":"text","data":{"text":"reply"}}`}), &msgOut{})
	h.sendText(a, "group", "supergroup", "to the group")
	ok(t, h.do(req{method: "POST", path: "groups/supergroup/bannedusers/superhero5", token: a.token}), &json.RawMessage{})
	ok(t, h.do(req{method: "POST", path: "blockedusers", token: a.token, body: `{"blockedUids":["superhero4"]}`}), &json.RawMessage{})

	lists := []string{"users", "groups", "groups/supergroup/members", "groups/supergroup/bannedusers", "blockedusers",
		"conversations", "messages", "users/superhero2/messages", "groups/supergroup/messages",
		"messages/" + parent.ID + "/thread"}
	params := []string{"page", "per_page", "limit", "id", "sentAt", "updatedAt"}
	for _, path := range lists {
		for _, p := range params {
			for _, v := range extremeNumbers {
				for _, extra := range []string{"", "&per_page=100", "&page=92233720368547758"} {
					query := p + "=" + url.QueryEscape(v) + extra
					r := h.do(req{method: "GET", path: path + "?" + query, token: a.token})
					var items []json.RawMessage
					if r.Status != 200 || r.Error != nil || json.Unmarshal(r.Data, &items) != nil || items == nil {
						t.Fatalf("GET %s?%s: %d %s", path, query, r.Status, r.Raw)
					}
				}
			}
		}
		// a page past the end is an empty list
		for _, pg := range []string{"2", "1000", "9223372036854775807", "99999999999999999999"} {
			r := h.do(req{method: "GET", path: path + "?per_page=100&page=" + pg, token: a.token})
			var items []json.RawMessage
			ok(t, r, &items)
			if isPaged(path) && len(items) != 0 {
				t.Fatalf("GET %s page %s: %d items, want none: %s", path, pg, len(items), r.Raw)
			}
		}
	}
}

// isPaged reports whether a list uses page numbers (message lists use a
// cursor and ignore page).
func isPaged(path string) bool {
	switch path {
	case "users", "groups", "groups/supergroup/members", "groups/supergroup/bannedusers", "blockedusers", "conversations":
		return true
	}
	return false
}

// TestCredentialsAreNeverEchoedOrLogged: error replies and the debug log
// never contain an auth key, REST API key, auth token or JWT, even a wrong
// one the client sent.
func TestCredentialsAreNeverEchoedOrLogged(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	h := newHarness(t, fakeserver.Config{Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RevokeTokenOnLogout: true})
	s, c := h.connect("superhero1", "NONE")
	secrets := []string{testAuthKey, testAPIKey, s.token, s.jwt, "wrong-secret-key", "wrong-secret-token"}
	for _, r := range []reply{
		h.do(req{method: "GET", path: "me", token: "wrong-secret-token"}),
		h.do(req{method: "POST", path: "users", apiKey: "wrong-secret-key", body: `{"uid":"x","name":"x"}`}),
		h.do(req{method: "GET", path: "me", apiKey: "wrong-secret-key"}),
		h.do(req{method: "DELETE", path: "users/superhero2", apiKey: testAuthKey}),
		h.do(req{method: "POST", path: "/_fake/faults", apiKey: "wrong-secret-key", appID: "-", body: `{}`}),
	} {
		if r.Error == nil {
			t.Fatalf("want an error: %s", r.Raw)
		}
		for _, sec := range secrets {
			if strings.Contains(string(r.Raw), sec) {
				t.Fatalf("reply echoes a credential: %s", r.Raw)
			}
		}
	}
	// a bad JWT on a socket, then a revoked one
	bad := h.dial()
	bad.authWith(session{uid: "superhero1", jwt: "wrong-secret-token.x.y", session: "s"}, "NONE", nil)
	bad.waitClosed(t)
	ok(t, h.do(req{method: "DELETE", path: "me", token: s.token}), &struct{}{})
	c.waitClosed(t)
	h.authRefused(t, s)
	for _, sec := range secrets {
		if strings.Contains(logs.String(), sec) {
			t.Fatalf("the log holds a credential (%.8s...):\n%s", sec, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "ws auth refused") {
		t.Fatalf("nothing logged? %s", logs.String())
	}
}

// lockedBuffer is a bytes.Buffer safe for the server's concurrent logging.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
