package cometchat_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

var seededUIDs = []string{"superhero1", "superhero2", "superhero3", "superhero4", "superhero5"}

func userUIDs(us []*cometchat.User) []string {
	out := make([]string, 0, len(us))
	for _, u := range us {
		out = append(out, u.UID)
	}
	return out
}

func TestUsersListPagesWithAll(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	c := restClient(t, srv, "superhero1")
	ctx := ctxT(t)

	req, err := c.NewUsersRequestBuilder().SetLimit(2).SortBy(cometchat.UserSortByName).Build()
	require.NoError(t, err)
	all := collect(t, req.All(ctx))
	uids := userUIDs(all)
	require.Len(t, uids, 5)
	require.ElementsMatch(t, seededUIDs, uids, "no duplicates, nobody missing")
	// Sorted by name: Captain America, Cyclops, Iron Man, Spiderman, Wolverine.
	require.Equal(t, []string{"superhero2", "superhero5", "superhero1", "superhero3", "superhero4"}, uids)
	for _, u := range all {
		assert.NotEmpty(t, u.Name)
		assert.Contains(t, []cometchat.UserStatus{cometchat.UserStatusOnline, cometchat.UserStatusOffline}, u.Status)
	}

	// FetchNext: 2, 2, 1, then empty pages for ever.
	req, err = c.NewUsersRequestBuilder().SetLimit(2).Build()
	require.NoError(t, err)
	var sizes []int
	for range 5 {
		page, err := req.FetchNext(ctx)
		require.NoError(t, err)
		require.NotNil(t, page)
		sizes = append(sizes, len(page))
	}
	require.Equal(t, []int{2, 2, 1, 0, 0}, sizes)
	// All starts from the first page on its own cursor, even on an exhausted
	// request.
	require.Len(t, collect(t, req.All(ctx)), 5)
}

func TestUsersListFilters(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	c := loggedIn(t, srv, "superhero1")
	loggedIn(t, srv, "superhero2")
	ctx := ctxT(t)

	list := func(b *cometchat.UsersRequestBuilder) []string {
		t.Helper()
		req, err := b.SetLimit(100).Build()
		require.NoError(t, err)
		return userUIDs(collect(t, req.All(ctx)))
	}
	nb := c.NewUsersRequestBuilder

	require.Equal(t, []string{"superhero3"}, list(nb().SetSearchKeyword("  spider ")))
	require.ElementsMatch(t, seededUIDs, list(nb().SetSearchKeyword("superhero").SearchIn(cometchat.UserSearchFieldUID)))
	require.Empty(t, list(nb().SetSearchKeyword("superhero").SearchIn(cometchat.UserSearchFieldName)))
	require.ElementsMatch(t, []string{"superhero2", "superhero4"}, list(nb().SetUIDs("superhero2", "superhero4")))
	require.ElementsMatch(t, []string{"superhero1", "superhero2"}, list(nb().SetStatus(cometchat.UserStatusOnline)))
	require.ElementsMatch(t, []string{"superhero3", "superhero4", "superhero5"}, list(nb().SetStatus(cometchat.UserStatusOffline)))
	require.ElementsMatch(t, seededUIDs, list(nb().SetRole("default")))
	require.Empty(t, list(nb().SetRoles("nobody-has-this-role")))
	require.Equal(t, []string{"superhero4", "superhero3", "superhero1", "superhero5", "superhero2"},
		list(nb().SortBy(cometchat.UserSortByName).SortByOrder(cometchat.SortOrderDescending)))

	online := list(nb().SortBy(cometchat.UserSortByStatus))
	require.ElementsMatch(t, []string{"superhero1", "superhero2"}, online[:2], "online users first")

	// Users found in lists have their caller-relative fields.
	u, err := c.GetUser(ctx, "superhero2")
	require.NoError(t, err)
	require.Equal(t, "Captain America", u.Name)
	require.Equal(t, cometchat.UserStatusOnline, u.Status)
}

// TestUsersQueryOnTheWire checks the query keys and their order against a stub that records them.
func TestUsersQueryOnTheWire(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var queries []string
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		queries = append(queries, r.URL.Path+"?"+r.URL.RawQuery)
		mu.Unlock()
		_, _ = w.Write([]byte(`{"data":[],"meta":{"pagination":{"total":0,"count":0,"per_page":5,"current_page":1,"total_pages":1}}}`))
	})
	ctx := ctxT(t)
	req, err := c.NewUsersRequestBuilder().SetLimit(5).SetSearchKeyword(" bob ").SetStatus(cometchat.UserStatusOnline).
		HideBlockedUsers(true).SetRoles("a", "b").SetRole("c").SetTags("t1", "t2").FriendsOnly(true).WithTags(true).
		SetUIDs("u1", "u2").SortBy(cometchat.UserSortByName).SortByOrder(cometchat.SortOrderDescending).
		SearchIn(cometchat.UserSearchFieldName, cometchat.UserSearchFieldUID).Build()
	require.NoError(t, err)
	_, err = req.FetchNext(ctx)
	require.NoError(t, err)

	breq, err := c.NewBlockedUsersRequestBuilder().SetLimit(3).HasBlockedMe().SetSearchKeyword("x").Build()
	require.NoError(t, err)
	_, err = breq.FetchNext(ctx)
	require.NoError(t, err)

	greq, err := c.NewGroupsRequestBuilder().SetLimit(4).SetSearchKeyword("g").JoinedOnly(true).SetTags("a").WithTags(true).Build()
	require.NoError(t, err)
	_, err = greq.FetchNext(ctx)
	require.NoError(t, err)

	mreq, err := c.NewGroupMembersRequestBuilder("grp").SetLimit(30).SetSearchKeyword("m").
		SetScopes(cometchat.GroupMemberScopeAdmin, cometchat.GroupMemberScopeModerator).Build()
	require.NoError(t, err)
	_, err = mreq.FetchNext(ctx)
	require.NoError(t, err)

	bmreq, err := c.NewBannedMembersRequestBuilder("grp").SetLimit(30).Build()
	require.NoError(t, err)
	_, err = bmreq.FetchNext(ctx)
	require.NoError(t, err)

	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, []string{
		"/v3.0/users?per_page=5&searchKey=bob&status=available&hideBlockedUsers=1&roles=a%2Cb%2Cc&tags=t1%2Ct2&friendsOnly=1&withTags=1&uids=u1%2Cu2&sortBy=name&sortOrder=desc&searchIn=name%2Cuid&page=1",
		"/v3.0/blockedusers?per_page=3&direction=hasBlockedMe&searchKey=x&page=1",
		"/v3.0/groups?per_page=4&searchKey=g&hasJoined=1&tags=a&withTags=1&page=1",
		"/v3.0/groups/grp/members?per_page=30&searchKey=m&scopes=admin%2Cmoderator&page=1",
		"/v3.0/groups/grp/bannedusers?per_page=30&page=1",
	}, queries)
}

func TestUsersBuildValidation(t *testing.T) {
	t.Parallel()
	c := stubClient(t, failOnCall(t))
	ub := c.NewUsersRequestBuilder
	cases := []struct {
		name string
		b    *cometchat.UsersRequestBuilder
		code cometchat.Code
	}{
		{"no limit", ub(), cometchat.CodeSetLimitIsCompulsory},
		{"negative limit", ub().SetLimit(-1), cometchat.CodeSetLimitIsCompulsory},
		{"limit over 100", ub().SetLimit(101), cometchat.CodeSetLimitExceeded},
		{"bad status", ub().SetLimit(10).SetStatus("away"), cometchat.CodeInvalidStatusValue},
		{"bad uid", ub().SetLimit(10).SetUIDs("ok", "not ok"), cometchat.CodeInvalidUID},
		{"bad sort key", ub().SetLimit(10).SortBy("age"), cometchat.CodeInvalidSortBy},
		{"bad sort order", ub().SetLimit(10).SortByOrder("up"), cometchat.CodeInvalidSortByOrder},
		{"bad search field", ub().SetLimit(10).SearchIn("email"), cometchat.CodeInvalidSearchIn},
	}
	for _, tc := range cases {
		_, err := tc.b.Build()
		requireCode(t, err, tc.code)
	}
	_, err := c.NewUsersRequestBuilder().SetLimit(100).Build()
	require.NoError(t, err)

	_, err = c.NewBlockedUsersRequestBuilder().Build()
	requireCode(t, err, cometchat.CodeSetLimitIsCompulsory)
	_, err = c.NewBlockedUsersRequestBuilder().SetLimit(10).SetDirection("sideways").Build()
	requireCode(t, err, cometchat.CodeInvalidDirectionValue)
	for _, d := range []cometchat.BlockedDirection{cometchat.BlockedDirectionBoth, cometchat.BlockedDirectionBlockedByMe, cometchat.BlockedDirectionHasBlockedMe} {
		_, err = c.NewBlockedUsersRequestBuilder().SetLimit(10).SetDirection(d).Build()
		require.NoError(t, err)
	}

	ctx := ctxT(t)
	_, err = c.BlockUsers(ctx)
	requireCode(t, err, cometchat.CodeEmptyUsersList)
	_, err = c.UnblockUsers(ctx)
	requireCode(t, err, cometchat.CodeEmptyUsersList)
	_, err = c.BlockUsers(ctx, "superhero2", "bad uid")
	requireCode(t, err, cometchat.CodeInvalidUID)
	_, err = c.UnblockUsers(ctx, strings.Repeat("x", 101))
	requireCode(t, err, cometchat.CodeInvalidUID)
}

// TestUsersIteratorStopsOnRepeatedPage: a server that answers every page
// with the same rows makes All fail with ERR_CURSOR_NOT_ADVANCING instead of
// looping, for every page-numbered list.
func TestUsersIteratorStopsOnRepeatedPage(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	hits := map[string]int{}
	c := stubClient(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		page := map[string]any{
			"data": []map[string]any{
				{"uid": "a", "guid": "ga", "name": "A", "scope": "participant"},
				{"uid": "b", "guid": "gb", "name": "B", "scope": "participant"},
			},
			"meta": map[string]any{"pagination": map[string]any{"total": 100, "count": 2, "per_page": 2, "current_page": 1, "total_pages": 50}},
		}
		_ = json.NewEncoder(w).Encode(page)
	})
	ctx := ctxT(t)
	check := func(path string, seq func(func(string, error) bool)) {
		t.Helper()
		var got []string
		var errs []error
		for v, err := range seq {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			got = append(got, v)
		}
		require.Len(t, errs, 1, path)
		requireCode(t, errs[0], "ERR_CURSOR_NOT_ADVANCING")
		require.Equal(t, []string{"a", "b"}, got, path)
		mu.Lock()
		require.Equal(t, 2, hits[path], path)
		mu.Unlock()
	}
	ureq, err := c.NewUsersRequestBuilder().SetLimit(2).Build()
	require.NoError(t, err)
	check("/v3.0/users", mapSeq(ureq.All(ctx), func(u *cometchat.User) string { return u.UID }))
	breq, err := c.NewBlockedUsersRequestBuilder().SetLimit(2).Build()
	require.NoError(t, err)
	check("/v3.0/blockedusers", mapSeq(breq.All(ctx), func(u *cometchat.User) string { return u.UID }))
	greq, err := c.NewGroupsRequestBuilder().SetLimit(2).Build()
	require.NoError(t, err)
	check("/v3.0/groups", mapSeq(greq.All(ctx), func(g *cometchat.Group) string { return strings.TrimPrefix(g.GUID, "g") }))
	mreq, err := c.NewGroupMembersRequestBuilder("grp").SetLimit(2).Build()
	require.NoError(t, err)
	check("/v3.0/groups/grp/members", mapSeq(mreq.All(ctx), func(m *cometchat.GroupMember) string { return m.UID }))
	bmreq, err := c.NewBannedMembersRequestBuilder("grp").SetLimit(2).Build()
	require.NoError(t, err)
	check("/v3.0/groups/grp/bannedusers", mapSeq(bmreq.All(ctx), func(m *cometchat.GroupMember) string { return m.UID }))

	// All walked its own cursor: FetchNext still starts at the first page.
	page, err := ureq.FetchNext(ctx)
	require.NoError(t, err)
	require.Len(t, page, 2)
}

func mapSeq[T any](seq func(func(T, error) bool), f func(T) string) func(func(string, error) bool) {
	return func(yield func(string, error) bool) {
		for v, err := range seq {
			s := ""
			if err == nil {
				s = f(v)
			}
			if !yield(s, err) {
				return
			}
		}
	}
}

// Each range over All starts from the first page on its own cursor: ranging
// twice yields the same users, and FetchNext keeps its own place.
func TestAllStartsFreshEachRange(t *testing.T) {
	t.Parallel()
	srv := bareServer(t, "u1", "u2", "u3", "u4", "u5")
	c := restClient(t, srv, "u1")
	ctx := ctxT(t)
	req, err := c.NewUsersRequestBuilder().SetLimit(2).Build()
	require.NoError(t, err)
	first, err := req.FetchNext(ctx)
	require.NoError(t, err)
	require.Len(t, first, 2)
	uids := func() []string {
		var out []string
		for _, u := range collect(t, req.All(ctx)) {
			out = append(out, u.UID)
		}
		return out
	}
	all := uids()
	require.Len(t, all, 5, "from the first page, not after FetchNext's")
	require.Equal(t, all, uids(), "a second range yields the same")
	next, err := req.FetchNext(ctx)
	require.NoError(t, err)
	require.Len(t, next, 2)
	require.NotEqual(t, first[0].UID, next[0].UID, "FetchNext continues where it was")

	// The same for message history.
	for _, text := range []string{"a", "b", "c"} {
		_, err := c.SendMessage(ctx, cometchat.NewTextMessage("u2", cometchat.ReceiverTypeUser, text))
		require.NoError(t, err)
	}
	hist, err := c.NewMessagesRequestBuilder().SetUID("u2").SetLimit(1).Build()
	require.NoError(t, err)
	page, err := hist.FetchPrevious(ctx)
	require.NoError(t, err)
	require.Len(t, page, 1)
	count := func() int { return len(collect(t, hist.AllPrevious(ctx))) }
	require.Equal(t, 3, count())
	require.Equal(t, 3, count())
}
