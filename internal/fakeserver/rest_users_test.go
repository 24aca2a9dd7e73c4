package fakeserver_test

import (
	"testing"

	"github.com/gocometchat/cometchat/internal/fakeserver"
)

// authRefused sends an auth frame for s on a new socket and checks that the
// server answers "401" and closes with 4001.
func (h *harness) authRefused(t *testing.T, s session) {
	t.Helper()
	c := h.dial()
	c.authWith(s, "NONE", nil)
	f := c.waitFor("auth reply", func(f frame) bool { return f.Type == "auth" })
	if code := decode[struct {
		Code string `json:"code"`
	}](t, f.Body).Code; code != "401" {
		t.Fatalf("auth with a revoked token's JWT: %s", f.raw)
	}
	if ci, ok := c.waitClosed(t); !ok || ci.code != 4001 {
		t.Fatalf("close %+v %v", ci, ok)
	}
}

// TestLogoutRevokesTheJWT: with RevokeTokenOnLogout, logging out closes the
// sockets authenticated with a JWT of the revoked token and refuses that JWT
// afterwards; another login of the same user keeps its socket.
func TestLogoutRevokesTheJWT(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{RevokeTokenOnLogout: true})
	s, c := h.connect("superhero1", "NONE")
	other, oc := h.connect("superhero1", "NONE")
	var fresh struct {
		Token string `json:"token"`
	}
	ok(t, h.do(req{method: "POST", path: "me/jwt", token: s.token}), &fresh) // another JWT of the same token
	ok(t, h.do(req{method: "DELETE", path: "me", token: s.token, resource: s.session}), &struct{}{})
	if ci, ok := c.waitClosed(t); !ok || ci.code != 4001 {
		t.Fatalf("socket of the revoked token: close %+v %v", ci, ok)
	}
	h.authRefused(t, s)
	s.jwt = fresh.Token
	h.authRefused(t, s)
	// the other login is untouched
	oc.sendRaw([]byte(`{"action":"ping","ack":"true"}`))
	oc.waitFor("pong", func(f frame) bool { return f.Action == "pong" })
	ok(t, h.do(req{method: "GET", path: "me", token: other.token}), &userOut{})
}

// TestOnlineMembersHidesPrivateGroups: the online-member count of a private
// group is not visible to a non-member: it is answered as for a group that
// does not exist, as every read of it by a non-member is.
func TestOnlineMembersHidesPrivateGroups(t *testing.T) {
	t.Parallel()
	h := newHarness(t, fakeserver.Config{})
	if err := h.srv.CreateGroup(fakeserver.Group{GUID: "secret", Type: fakeserver.GroupPrivate, Owner: "superhero1"}); err != nil {
		t.Fatal(err)
	}
	if err := h.srv.AddMember("secret", "superhero2", ""); err != nil {
		t.Fatal(err)
	}
	owner, _ := h.connect("superhero1", "NONE")
	h.connect("superhero2", "NONE")
	outsider := h.login("superhero3")
	count := func(s session) map[string]int {
		t.Helper()
		var out struct {
			Groups map[string]int `json:"groups"`
		}
		ok(t, h.do(req{method: "POST", path: "/api/v3.0/online-members", body: `{"groups":["secret","supergroup","nosuchgroup"]}`,
			headers: map[string]string{"Authorization": s.jwt}}), &out)
		return out.Groups
	}
	if got := count(owner); got["secret"] != 2 || got["nosuchgroup"] != 0 {
		t.Fatalf("member's counts %v", got)
	}
	got := count(outsider)
	if got["secret"] != got["nosuchgroup"] || got["secret"] != 0 || got["supergroup"] != 2 {
		t.Fatalf("outsider's counts %v", got)
	}
	// a JWT whose token was revoked counts nothing
	h.srv.RevokeToken(outsider.token)
	r := h.do(req{method: "POST", path: "/api/v3.0/online-members", body: `{}`, headers: map[string]string{"Authorization": outsider.jwt}})
	if r.Error == nil || r.Status != 401 {
		t.Fatalf("revoked JWT: %s", r.Raw)
	}
}
