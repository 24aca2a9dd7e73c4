package cometchat_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

func TestBlockUsersRoundTrip(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	c1 := restClient(t, srv, "superhero1")
	c2 := restClient(t, srv, "superhero2")
	ctx := ctxT(t)

	res, err := c1.BlockUsers(ctx, "superhero2", "ghost")
	require.NoError(t, err)
	require.Len(t, res, 2)
	require.True(t, res["superhero2"].Success)
	require.Nil(t, res["superhero2"].Err)
	require.False(t, res["ghost"].Success)
	require.NotNil(t, res["ghost"].Err)
	require.Equal(t, cometchat.CodeUIDNotFound, res["ghost"].Err.Code)

	blocked := func(c *cometchat.Client, b *cometchat.BlockedUsersRequestBuilder) []*cometchat.User {
		t.Helper()
		req, err := b.SetLimit(10).Build()
		require.NoError(t, err)
		return collect(t, req.All(ctx))
	}
	byMe := blocked(c1, c1.NewBlockedUsersRequestBuilder().BlockedByMe())
	require.Equal(t, []string{"superhero2"}, userUIDs(byMe))
	require.True(t, byMe[0].BlockedByMe)
	require.Empty(t, blocked(c1, c1.NewBlockedUsersRequestBuilder().HasBlockedMe()))

	hasMe := blocked(c2, c2.NewBlockedUsersRequestBuilder().HasBlockedMe())
	require.Equal(t, []string{"superhero1"}, userUIDs(hasMe))
	require.True(t, hasMe[0].HasBlockedMe)
	require.Equal(t, []string{"superhero1"}, userUIDs(blocked(c2, c2.NewBlockedUsersRequestBuilder().SetDirection(cometchat.BlockedDirectionBoth))))
	require.Empty(t, blocked(c2, c2.NewBlockedUsersRequestBuilder().SetSearchKeyword("spider").SetDirection(cometchat.BlockedDirectionBoth)))

	u, err := c1.GetUser(ctx, "superhero2")
	require.NoError(t, err)
	require.True(t, u.BlockedByMe)

	// Hidden from both sides' user lists.
	for c, other := range map[*cometchat.Client]string{c1: "superhero2", c2: "superhero1"} {
		req, err := c.NewUsersRequestBuilder().SetLimit(10).HideBlockedUsers(true).Build()
		require.NoError(t, err)
		uids := userUIDs(collect(t, req.All(ctx)))
		require.Len(t, uids, 4, "%v", uids)
		require.False(t, slices.Contains(uids, other), "%v", uids)
	}

	res, err = c1.UnblockUsers(ctx, "superhero2")
	require.NoError(t, err)
	require.True(t, res["superhero2"].Success)
	require.Empty(t, blocked(c1, c1.NewBlockedUsersRequestBuilder()))
	u, err = c1.GetUser(ctx, "superhero2")
	require.NoError(t, err)
	require.False(t, u.BlockedByMe)
}
