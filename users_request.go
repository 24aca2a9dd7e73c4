package cometchat

import (
	"context"
	"iter"
	"slices"
	"strings"

	"github.com/gocometchat/cometchat/internal/rest"
)

// UserSortBy is the sort key of a user list.
type UserSortBy string

// Sort keys of a user list (server default: status).
const (
	UserSortByName   UserSortBy = "name"
	UserSortByStatus UserSortBy = "status"
)

// SortOrder is the direction of a sort.
type SortOrder string

// Sort directions (server default: ascending).
const (
	SortOrderAscending  SortOrder = "asc"
	SortOrderDescending SortOrder = "desc"
)

// Fields a user search keyword can match, for UsersRequestBuilder.SearchIn
// (server default: both).
const (
	UserSearchFieldName = "name"
	UserSearchFieldUID  = "uid"
)

// UsersRequestBuilder describes a user list (Cordova: UsersRequestBuilder).
// SetLimit is required. Empty values mean "no filter".
type UsersRequestBuilder struct {
	c         *Client
	limit     int
	search    string
	searchIn  []string
	status    UserStatus
	hideBlock bool
	role      string
	roles     []string
	friends   bool
	tags      []string
	withTags  bool
	uids      []string
	sortBy    UserSortBy
	sortOrder SortOrder
}

// NewUsersRequestBuilder starts a user list (Cordova: new UsersRequestBuilder()).
func (c *Client) NewUsersRequestBuilder() *UsersRequestBuilder { return &UsersRequestBuilder{c: c} }

// SetLimit sets the page size, 1 to 100 (required).
func (b *UsersRequestBuilder) SetLimit(n int) *UsersRequestBuilder { b.limit = n; return b }

// SetSearchKeyword filters users whose name or UID contains s (trimmed; a
// blank keyword means no search).
func (b *UsersRequestBuilder) SetSearchKeyword(s string) *UsersRequestBuilder { b.search = s; return b }

// SearchIn restricts the keyword to some fields: UserSearchFieldName,
// UserSearchFieldUID.
func (b *UsersRequestBuilder) SearchIn(fields ...string) *UsersRequestBuilder {
	b.searchIn = append([]string(nil), fields...)
	return b
}

// SetStatus keeps only online or offline users (online is sent as "available").
func (b *UsersRequestBuilder) SetStatus(s UserStatus) *UsersRequestBuilder { b.status = s; return b }

// HideBlockedUsers omits users the caller has blocked or who blocked the caller.
func (b *UsersRequestBuilder) HideBlockedUsers(hide bool) *UsersRequestBuilder {
	b.hideBlock = hide
	return b
}

// SetRole keeps users with this role; it is merged with SetRoles.
func (b *UsersRequestBuilder) SetRole(role string) *UsersRequestBuilder { b.role = role; return b }

// SetRoles keeps users with any of these roles.
func (b *UsersRequestBuilder) SetRoles(roles ...string) *UsersRequestBuilder {
	b.roles = append([]string(nil), roles...)
	return b
}

// FriendsOnly keeps only the caller's friends.
func (b *UsersRequestBuilder) FriendsOnly(only bool) *UsersRequestBuilder { b.friends = only; return b }

// SetTags keeps users with any of these tags.
func (b *UsersRequestBuilder) SetTags(tags ...string) *UsersRequestBuilder {
	b.tags = append([]string(nil), tags...)
	return b
}

// WithTags asks for each user's tags in the results.
func (b *UsersRequestBuilder) WithTags(with bool) *UsersRequestBuilder { b.withTags = with; return b }

// SetUIDs fetches exactly these users.
func (b *UsersRequestBuilder) SetUIDs(uids ...string) *UsersRequestBuilder {
	b.uids = append([]string(nil), uids...)
	return b
}

// SortBy sets the sort key (UserSortByName or UserSortByStatus).
func (b *UsersRequestBuilder) SortBy(k UserSortBy) *UsersRequestBuilder { b.sortBy = k; return b }

// SortByOrder sets the sort direction.
func (b *UsersRequestBuilder) SortByOrder(o SortOrder) *UsersRequestBuilder {
	b.sortOrder = o
	return b
}

// Build validates the query (no I/O) and freezes it. Errors: SET_LIMIT_IS_COMPULSORY,
// ERROR_SET_LIMIT_EXCEEDED, INVALID_STATUS_VALUE, ERR_INVALID_UID,
// INVALID_SORT_BY, INVALID_SORT_BY_ORDER, INVALID_SEARCH_IN.
func (b *UsersRequestBuilder) Build() (*UsersRequest, error) {
	per, err := limitKV(b.limit, MaxUsersLimit)
	if err != nil {
		return nil, err
	}
	q := []rest.KV{per}
	q = append(q, searchKV(b.search)...)
	switch b.status {
	case "":
	case UserStatusOnline:
		q = append(q, rest.KV{Key: "status", Value: "available"})
	case UserStatusOffline:
		q = append(q, rest.KV{Key: "status", Value: "offline"})
	default:
		return nil, errorf(CodeInvalidStatusValue, "status must be %q or %q, not %q", UserStatusOnline, UserStatusOffline, clip(string(b.status)))
	}
	q = append(q, boolKV("hideBlockedUsers", b.hideBlock)...)
	roles := nonBlank(b.roles)
	if r := strings.TrimSpace(b.role); r != "" && !slices.Contains(roles, r) {
		roles = append(roles, r)
	}
	q = append(q, listKV("roles", roles)...)
	q = append(q, listKV("tags", nonBlank(b.tags))...)
	q = append(q, boolKV("friendsOnly", b.friends)...)
	q = append(q, boolKV("withTags", b.withTags)...)
	for _, uid := range b.uids {
		if err := checkUID(uid); err != nil {
			return nil, err
		}
	}
	q = append(q, listKV("uids", b.uids)...)
	if b.sortBy != "" {
		k := UserSortBy(strings.ToLower(strings.TrimSpace(string(b.sortBy))))
		if k != UserSortByName && k != UserSortByStatus {
			return nil, errorf(CodeInvalidSortBy, "sort key must be %q or %q, not %q", UserSortByName, UserSortByStatus, clip(string(b.sortBy)))
		}
		q = append(q, rest.KV{Key: "sortBy", Value: string(k)})
	}
	if b.sortOrder != "" {
		o := SortOrder(strings.ToLower(strings.TrimSpace(string(b.sortOrder))))
		if o != SortOrderAscending && o != SortOrderDescending {
			return nil, errorf(CodeInvalidSortByOrder, "sort order must be %q or %q, not %q", SortOrderAscending, SortOrderDescending, clip(string(b.sortOrder)))
		}
		q = append(q, rest.KV{Key: "sortOrder", Value: string(o)})
	}
	var in []string
	for _, f := range b.searchIn {
		f = strings.ToLower(strings.TrimSpace(f))
		if f != UserSearchFieldName && f != UserSearchFieldUID {
			return nil, errorf(CodeInvalidSearchIn, "search fields are %q and %q, not %q", UserSearchFieldName, UserSearchFieldUID, clip(f))
		}
		if !slices.Contains(in, f) {
			in = append(in, f)
		}
	}
	q = append(q, listKV("searchIn", in)...)
	return &UsersRequest{p: newPager(b.c, "users", q, decodeList(userFromWire), userKey)}, nil
}

// UsersRequest is a frozen user list (Cordova: UsersRequest). It is safe for
// concurrent use; fetches are serialised.
type UsersRequest struct{ p *pager[*User] }

// FetchNext returns the next page of users; once the list is exhausted it
// returns an empty slice and no error (build a new request to start over).
func (r *UsersRequest) FetchNext(ctx context.Context) ([]*User, error) { return r.p.fetchNext(ctx) }

// All ranges over the users, page by page, from the first page on its own
// cursor: each range starts again, and FetchNext is not moved. It yields at
// most one error, then stops; it stops rather than loops when the server
// repeats a page (ERR_CURSOR_NOT_ADVANCING).
func (r *UsersRequest) All(ctx context.Context) iter.Seq2[*User, error] {
	return r.p.all(ctx)
}

func userKey(u *User) string { return strings.ToLower(u.UID) }

func nonBlank(vs []string) []string {
	var out []string
	for _, v := range vs {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
