package cometchat

import (
	"context"
	"iter"
	"slices"
	"strings"

	"github.com/gocometchat/cometchat/internal/rest"
)

// GroupMembersRequestBuilder describes the member list of one group (Cordova:
// GroupMembersRequestBuilder). SetLimit is required.
type GroupMembersRequestBuilder struct {
	c      *Client
	guid   string
	limit  int
	search string
	scopes []GroupMemberScope
}

// NewGroupMembersRequestBuilder starts the member list of group guid (Cordova:
// new GroupMembersRequestBuilder(guid)). The GUID is checked by Build.
func (c *Client) NewGroupMembersRequestBuilder(guid string) *GroupMembersRequestBuilder {
	return &GroupMembersRequestBuilder{c: c, guid: guid}
}

// SetLimit sets the page size, 1 to 100 (required).
func (b *GroupMembersRequestBuilder) SetLimit(n int) *GroupMembersRequestBuilder {
	b.limit = n
	return b
}

// SetSearchKeyword filters members by name or UID (trimmed; a blank keyword
// means no search).
func (b *GroupMembersRequestBuilder) SetSearchKeyword(s string) *GroupMembersRequestBuilder {
	b.search = s
	return b
}

// SetScopes keeps members with any of these scopes.
func (b *GroupMembersRequestBuilder) SetScopes(scopes ...GroupMemberScope) *GroupMembersRequestBuilder {
	b.scopes = append([]GroupMemberScope(nil), scopes...)
	return b
}

// Build validates the query (no I/O) and freezes it. Errors: ERR_INVALID_GUID,
// SET_LIMIT_IS_COMPULSORY, ERROR_SET_LIMIT_EXCEEDED, INVALID_SCOPE_VALUE.
func (b *GroupMembersRequestBuilder) Build() (*GroupMembersRequest, error) {
	q, err := memberQuery(b.guid, b.limit, b.search, b.scopes)
	if err != nil {
		return nil, err
	}
	return &GroupMembersRequest{p: newPager(b.c, "groups/"+b.guid+"/members", q, decodeMembers(b.guid), memberKey)}, nil
}

// GroupMembersRequest is a frozen member list (Cordova: GroupMembersRequest).
// Every member it returns has GUID set to the request's group.
type GroupMembersRequest struct{ p *pager[*GroupMember] }

// FetchNext returns the next page of members; once the list is exhausted it
// returns an empty slice and no error.
func (r *GroupMembersRequest) FetchNext(ctx context.Context) ([]*GroupMember, error) {
	return r.p.fetchNext(ctx)
}

// All ranges over the members, page by page, from the first page on its own
// cursor: each range starts again, and FetchNext is not moved. It yields at
// most one error, then stops.
func (r *GroupMembersRequest) All(ctx context.Context) iter.Seq2[*GroupMember, error] {
	return r.p.all(ctx)
}

// BannedMembersRequestBuilder describes the banned users of one group
// (Cordova: BannedMembersRequestBuilder). SetLimit is required. Listing them
// needs moderator scope or more.
type BannedMembersRequestBuilder struct {
	c      *Client
	guid   string
	limit  int
	search string
	scopes []GroupMemberScope
}

// NewBannedMembersRequestBuilder starts the banned list of group guid
// (Cordova: new BannedMembersRequestBuilder(guid)). The GUID is checked by Build.
func (c *Client) NewBannedMembersRequestBuilder(guid string) *BannedMembersRequestBuilder {
	return &BannedMembersRequestBuilder{c: c, guid: guid}
}

// SetLimit sets the page size, 1 to 100 (required).
func (b *BannedMembersRequestBuilder) SetLimit(n int) *BannedMembersRequestBuilder {
	b.limit = n
	return b
}

// SetSearchKeyword filters banned users by name or UID (trimmed; a blank
// keyword means no search).
func (b *BannedMembersRequestBuilder) SetSearchKeyword(s string) *BannedMembersRequestBuilder {
	b.search = s
	return b
}

// SetScopes keeps banned users who had any of these scopes.
func (b *BannedMembersRequestBuilder) SetScopes(scopes ...GroupMemberScope) *BannedMembersRequestBuilder {
	b.scopes = append([]GroupMemberScope(nil), scopes...)
	return b
}

// Build validates the query (no I/O) and freezes it. Errors: ERR_INVALID_GUID,
// SET_LIMIT_IS_COMPULSORY, ERROR_SET_LIMIT_EXCEEDED, INVALID_SCOPE_VALUE.
func (b *BannedMembersRequestBuilder) Build() (*BannedMembersRequest, error) {
	q, err := memberQuery(b.guid, b.limit, b.search, b.scopes)
	if err != nil {
		return nil, err
	}
	return &BannedMembersRequest{p: newPager(b.c, "groups/"+b.guid+"/bannedusers", q, decodeMembers(b.guid), memberKey)}, nil
}

// BannedMembersRequest is a frozen banned-user list (Cordova:
// BannedMembersRequest). Every entry has GUID set to the request's group.
type BannedMembersRequest struct{ p *pager[*GroupMember] }

// FetchNext returns the next page of banned users; once the list is exhausted
// it returns an empty slice and no error.
func (r *BannedMembersRequest) FetchNext(ctx context.Context) ([]*GroupMember, error) {
	return r.p.fetchNext(ctx)
}

// All ranges over the banned users, page by page, from the first page on
// its own cursor: each range starts again, and FetchNext is not moved. It
// yields at most one error, then stops.
func (r *BannedMembersRequest) All(ctx context.Context) iter.Seq2[*GroupMember, error] {
	return r.p.all(ctx)
}

// memberQuery validates and encodes the query shared by member and banned
// lists: per_page, searchKey, scopes.
func memberQuery(guid string, limit int, search string, scopes []GroupMemberScope) ([]rest.KV, error) {
	if err := checkGUID(guid); err != nil {
		return nil, err
	}
	per, err := limitKV(limit, MaxGroupsLimit)
	if err != nil {
		return nil, err
	}
	q := []rest.KV{per}
	q = append(q, searchKV(search)...)
	var ss []string
	for _, s := range scopes {
		if err := checkScope(s); err != nil {
			return nil, err
		}
		if !slices.Contains(ss, string(s)) {
			ss = append(ss, string(s))
		}
	}
	return append(q, listKV("scopes", ss)...), nil
}

func memberKey(m *GroupMember) string { return strings.ToLower(m.UID) }
