package cometchat_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/gocometchat/cometchat"
)

func TestHistoryFetchPreviousAndNext(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	b := loggedIn(t, srv, "superhero2")
	var sent []int64
	for i := range 5 {
		from, to := a, "superhero2"
		if i%2 == 1 {
			from, to = b, "superhero1"
		}
		sent = append(sent, sendTexts(t, from, to, cometchat.ReceiverTypeUser, fmt.Sprint("m", i))[0].ID)
	}
	ctx := ctxT(t)
	const limit = 2
	req, err := a.NewMessagesRequestBuilder().SetUID("superhero2").SetLimit(limit).Build()
	require.NoError(t, err)
	var pages [][]int64
	for {
		page, err := req.FetchPrevious(ctx)
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		require.LessOrEqual(t, len(page), limit, "a page holds at most the limit")
		pages = append(pages, ids(page))
		require.LessOrEqual(t, len(pages), 5)
	}
	require.Equal(t, [][]int64{{sent[3], sent[4]}, {sent[1], sent[2]}, {sent[0]}}, pages)

	// Iterating backwards yields everything once; forward from the first id the rest.
	back, err := a.NewMessagesRequestBuilder().SetUID("superhero2").SetLimit(2).Build()
	require.NoError(t, err)
	var all []int64
	for m, err := range back.AllPrevious(ctx) {
		require.NoError(t, err)
		all = append(all, m.Base().ID)
	}
	require.ElementsMatch(t, sent, all)

	fwd, err := a.NewMessagesRequestBuilder().SetUID("superhero2").SetLimit(2).SetMessageID(sent[0]).Build()
	require.NoError(t, err)
	var next []int64
	for m, err := range fwd.All(ctx) {
		require.NoError(t, err)
		next = append(next, m.Base().ID)
	}
	require.Equal(t, sent[1:], next)

	_, err = a.NewMessagesRequestBuilder().SetUID("superhero2").Build()
	require.True(t, errors.Is(err, cometchat.CodeSetLimitIsCompulsory))
	_, err = a.NewMessagesRequestBuilder().SetLimit(101).Build()
	require.True(t, errors.Is(err, cometchat.CodeSetLimitExceeded))
	noAnchor, err := a.NewMessagesRequestBuilder().SetLimit(10).Build()
	require.NoError(t, err)
	_, err = noAnchor.FetchNext(ctx)
	require.True(t, errors.Is(err, cometchat.CodeNotEnoughParameters))
}

func TestHistoryFiltersAndCategories(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	a := loggedIn(t, srv, "superhero1")
	ctx := ctxT(t)
	sendTexts(t, a, "supergroup", cometchat.ReceiverTypeGroup, "alpha", "beta gamma")
	custom := cometchat.NewCustomMessage("supergroup", cometchat.ReceiverTypeGroup, "location", map[string]any{"lat": 1.5})
	custom.SubType = "pin"
	cm, err := a.SendCustomMessage(ctx, custom)
	require.NoError(t, err)
	require.Equal(t, cometchat.CategoryCustom, cm.Category)
	require.Equal(t, 1.5, cm.CustomData["lat"])

	req, err := a.NewMessagesRequestBuilder().SetGUID("supergroup").SetLimit(30).SetCategory(cometchat.CategoryCustom).Build()
	require.NoError(t, err)
	page, err := req.FetchPrevious(ctx)
	require.NoError(t, err)
	require.Len(t, page, 1)
	got, ok := page[0].(*cometchat.CustomMessage)
	require.True(t, ok, "%T", page[0])
	require.Equal(t, "pin", got.SubType)

	search, err := a.NewMessagesRequestBuilder().SetGUID("supergroup").SetLimit(30).SetSearchKeyword("gamma").Build()
	require.NoError(t, err)
	page, err = search.FetchPrevious(ctx)
	require.NoError(t, err)
	require.Len(t, page, 1)
	require.Equal(t, "beta gamma", page[0].(*cometchat.TextMessage).Text)
}
