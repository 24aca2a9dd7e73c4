package cometchat

import (
	"context"
	"iter"
	"strings"

	"github.com/gocometchat/cometchat/internal/rest"
)

// GroupsRequestBuilder describes a group list (Cordova: GroupsRequestBuilder).
// SetLimit is required. Empty values mean "no filter".
type GroupsRequestBuilder struct {
	c          *Client
	limit      int
	search     string
	joinedOnly bool
	tags       []string
	withTags   bool
}

// NewGroupsRequestBuilder starts a group list (Cordova: new GroupsRequestBuilder()).
func (c *Client) NewGroupsRequestBuilder() *GroupsRequestBuilder { return &GroupsRequestBuilder{c: c} }

// SetLimit sets the page size, 1 to 100 (required).
func (b *GroupsRequestBuilder) SetLimit(n int) *GroupsRequestBuilder { b.limit = n; return b }

// SetSearchKeyword filters groups by name or GUID (trimmed; a blank keyword
// means no search).
func (b *GroupsRequestBuilder) SetSearchKeyword(s string) *GroupsRequestBuilder {
	b.search = s
	return b
}

// JoinedOnly keeps only groups the caller is a member of.
func (b *GroupsRequestBuilder) JoinedOnly(only bool) *GroupsRequestBuilder {
	b.joinedOnly = only
	return b
}

// SetTags keeps groups with any of these tags.
func (b *GroupsRequestBuilder) SetTags(tags ...string) *GroupsRequestBuilder {
	b.tags = append([]string(nil), tags...)
	return b
}

// WithTags asks for each group's tags in the results.
func (b *GroupsRequestBuilder) WithTags(with bool) *GroupsRequestBuilder { b.withTags = with; return b }

// Build validates the query (no I/O) and freezes it. Errors:
// SET_LIMIT_IS_COMPULSORY, ERROR_SET_LIMIT_EXCEEDED.
func (b *GroupsRequestBuilder) Build() (*GroupsRequest, error) {
	per, err := limitKV(b.limit, MaxGroupsLimit)
	if err != nil {
		return nil, err
	}
	q := []rest.KV{per}
	q = append(q, searchKV(b.search)...)
	q = append(q, boolKV("hasJoined", b.joinedOnly)...)
	q = append(q, listKV("tags", nonBlank(b.tags))...)
	q = append(q, boolKV("withTags", b.withTags)...)
	return &GroupsRequest{p: newPager(b.c, "groups", q, decodeList(groupFromWire), groupKey)}, nil
}

// GroupsRequest is a frozen group list (Cordova: GroupsRequest). It is safe
// for concurrent use; fetches are serialised.
type GroupsRequest struct{ p *pager[*Group] }

// FetchNext returns the next page of groups; once the list is exhausted it
// returns an empty slice and no error.
func (r *GroupsRequest) FetchNext(ctx context.Context) ([]*Group, error) { return r.p.fetchNext(ctx) }

// All ranges over the groups, page by page, from the first page on its own
// cursor: each range starts again, and FetchNext is not moved. It yields at
// most one error, then stops; it stops rather than loops when the server
// repeats a page (ERR_CURSOR_NOT_ADVANCING).
func (r *GroupsRequest) All(ctx context.Context) iter.Seq2[*Group, error] {
	return r.p.all(ctx)
}

func groupKey(g *Group) string { return strings.ToLower(g.GUID) }
