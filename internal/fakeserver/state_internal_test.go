package fakeserver

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// visibleByScan is what a user-wide history may show uid, found the slow
// way: every message of the app, through canSee.
func visibleByScan(st *state, uid string) []int64 {
	var out []int64
	for _, m := range st.messages {
		if st.canSee(uid, m) {
			out = append(out, m.id)
		}
	}
	return out
}

func visibleByIndex(st *state, uid string) []int64 {
	var out []int64
	for _, m := range st.userMessages(uid) {
		if st.canSee(uid, m) {
			out = append(out, m.id)
		}
	}
	return out
}

// TestUserHistoryReadsOnlyTheUsersConversations: a user-wide history (the
// SDK's recovery after a reconnect) reads the user's own conversations
// instead of every message of the app, and finds exactly what a scan of
// every message finds: one-to-one both ways, to oneself, groups joined
// before and after messages, groups left, and after a snapshot is loaded.
func TestUserHistoryReadsOnlyTheUsersConversations(t *testing.T) {
	srv, err := New(Config{NoSeed: true, Plain: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.Close() })
	rng := rand.New(rand.NewPCG(1, 2))
	var uids []string
	for i := range 12 {
		uid := fmt.Sprintf("u%d", i)
		uids = append(uids, uid)
		require.NoError(t, srv.CreateUser(User{UID: uid, Name: uid}))
	}
	guids := []string{"g0", "g1", "g2"}
	for _, g := range guids {
		require.NoError(t, srv.CreateGroup(Group{GUID: g, Name: g, Type: GroupPublic, Owner: "u0"}))
	}
	for step := range 600 {
		a, b := uids[rng.IntN(len(uids))], uids[rng.IntN(len(uids))]
		g := guids[rng.IntN(len(guids))]
		switch rng.IntN(5) {
		case 0:
			_ = srv.AddMember(g, a, ScopeParticipant) // already a member: refused, fine
		case 1:
			srv.mu.Lock()
			if a != "u0" {
				delete(srv.st.groups[g].members, a) // left or kicked
			}
			srv.mu.Unlock()
		case 2:
			if _, err := srv.SendText(a, "group", g, fmt.Sprint("group ", step)); err != nil {
				continue // not a member
			}
		default:
			_, err := srv.SendText(a, "user", b, fmt.Sprint("direct ", step))
			require.NoError(t, err)
		}
	}
	check := func(s *Server) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, uid := range uids {
			require.Equal(t, visibleByScan(s.st, uid), visibleByIndex(s.st, uid), "history of %s", uid)
		}
		require.Empty(t, s.st.userMessages("nobody"))
	}
	check(srv)

	loaded, err := New(Config{NoSeed: true, Plain: true})
	require.NoError(t, err)
	t.Cleanup(func() { _ = loaded.Close() })
	require.NoError(t, loaded.Import(srv.Export()))
	check(loaded)
}
