package cometchat

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"

	"github.com/gocometchat/cometchat/internal/rest"
)

// BlockResult is the outcome of blocking or unblocking one user.
type BlockResult struct {
	// Success reports whether the user is now blocked (or unblocked).
	Success bool
	// Message is the server's text for a success.
	Message string
	// Err is the server's reason for a failure (e.g. ERR_UID_NOT_FOUND); nil
	// on success.
	Err *Error
}

type blockBody struct {
	BlockedUIDs []string `json:"blockedUids"`
}

// BlockUsers blocks the given users (Cordova: blockUsers). The map, keyed by
// UID as the server spells it (lower case), tells per user whether it
// worked; a failure for one user is not an error of the call. UIDs are checked
// before any I/O; none at all is EMPTY_USERS_LIST.
func (c *Client) BlockUsers(ctx context.Context, uids ...string) (map[string]BlockResult, error) {
	return c.changeBlocks(ctx, http.MethodPost, uids)
}

// UnblockUsers unblocks the given users (Cordova: unblockUsers); the result is
// as for BlockUsers.
func (c *Client) UnblockUsers(ctx context.Context, uids ...string) (map[string]BlockResult, error) {
	return c.changeBlocks(ctx, http.MethodDelete, uids)
}

func (c *Client) changeBlocks(ctx context.Context, method string, uids []string) (map[string]BlockResult, error) {
	if len(uids) == 0 {
		return nil, errorf(CodeEmptyUsersList, "the users list needs at least one UID")
	}
	for _, uid := range uids {
		if err := checkUID(uid); err != nil {
			return nil, err
		}
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: method, Path: "blockedusers",
		Body: blockBody{BlockedUIDs: append([]string(nil), uids...)}})
	if err != nil {
		return nil, err
	}
	var raw map[string]memberResult
	if err := json.Unmarshal(resp.Data, &raw); err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent block results that cannot be read", Err: err}
	}
	out := make(map[string]BlockResult, len(raw))
	for uid, r := range raw {
		br := BlockResult{Success: bool(r.Success), Message: string(r.Message)}
		if !br.Success {
			br.Err = &Error{Code: "", Message: r.text()}
			if r.Error != nil {
				br.Err.Code = Code(r.Error.Code)
				br.Err.Details = r.Error.Details
			}
			if br.Err.Code == "" {
				br.Err.Code = CodeFailedToFetch
			}
		}
		out[uid] = br
	}
	return out, nil
}

// BlockedDirection selects which blocks a blocked-user list shows.
type BlockedDirection string

// Directions of a blocked-user list.
const (
	// BlockedDirectionBlockedByMe lists users the caller has blocked.
	BlockedDirectionBlockedByMe BlockedDirection = "blockedByMe"
	// BlockedDirectionHasBlockedMe lists users who have blocked the caller.
	BlockedDirectionHasBlockedMe BlockedDirection = "hasBlockedMe"
	// BlockedDirectionBoth lists both.
	BlockedDirectionBoth BlockedDirection = "both"
)

// BlockedUsersRequestBuilder describes a blocked-user list (Cordova:
// BlockedUsersRequestBuilder). SetLimit is required; without a direction the
// server lists the users the caller has blocked.
type BlockedUsersRequestBuilder struct {
	c         *Client
	limit     int
	search    string
	direction BlockedDirection
}

// NewBlockedUsersRequestBuilder starts a blocked-user list (Cordova: new
// BlockedUsersRequestBuilder()).
func (c *Client) NewBlockedUsersRequestBuilder() *BlockedUsersRequestBuilder {
	return &BlockedUsersRequestBuilder{c: c}
}

// SetLimit sets the page size, 1 to 100 (required).
func (b *BlockedUsersRequestBuilder) SetLimit(n int) *BlockedUsersRequestBuilder {
	b.limit = n
	return b
}

// SetSearchKeyword filters by name or UID (trimmed; a blank keyword means no
// search).
func (b *BlockedUsersRequestBuilder) SetSearchKeyword(s string) *BlockedUsersRequestBuilder {
	b.search = s
	return b
}

// SetDirection chooses which blocks to list.
func (b *BlockedUsersRequestBuilder) SetDirection(d BlockedDirection) *BlockedUsersRequestBuilder {
	b.direction = d
	return b
}

// BlockedByMe is SetDirection(BlockedDirectionBlockedByMe).
func (b *BlockedUsersRequestBuilder) BlockedByMe() *BlockedUsersRequestBuilder {
	return b.SetDirection(BlockedDirectionBlockedByMe)
}

// HasBlockedMe is SetDirection(BlockedDirectionHasBlockedMe).
func (b *BlockedUsersRequestBuilder) HasBlockedMe() *BlockedUsersRequestBuilder {
	return b.SetDirection(BlockedDirectionHasBlockedMe)
}

// Build validates the query (no I/O) and freezes it. Errors:
// SET_LIMIT_IS_COMPULSORY, ERROR_SET_LIMIT_EXCEEDED, INVALID_DIRECTION_VALUE.
func (b *BlockedUsersRequestBuilder) Build() (*BlockedUsersRequest, error) {
	per, err := limitKV(b.limit, MaxUsersLimit)
	if err != nil {
		return nil, err
	}
	q := []rest.KV{per}
	switch b.direction {
	case "":
	case BlockedDirectionBlockedByMe, BlockedDirectionHasBlockedMe, BlockedDirectionBoth:
		q = append(q, rest.KV{Key: "direction", Value: string(b.direction)})
	default:
		return nil, errorf(CodeInvalidDirectionValue, "direction must be %q, %q or %q, not %q",
			BlockedDirectionBoth, BlockedDirectionBlockedByMe, BlockedDirectionHasBlockedMe, clip(string(b.direction)))
	}
	q = append(q, searchKV(b.search)...)
	return &BlockedUsersRequest{p: newPager(b.c, "blockedusers", q, decodeList(userFromWire), userKey)}, nil
}

// BlockedUsersRequest is a frozen blocked-user list (Cordova:
// BlockedUsersRequest). Users carry BlockedByMe / HasBlockedMe.
type BlockedUsersRequest struct{ p *pager[*User] }

// FetchNext returns the next page; once the list is exhausted it returns an
// empty slice and no error.
func (r *BlockedUsersRequest) FetchNext(ctx context.Context) ([]*User, error) {
	return r.p.fetchNext(ctx)
}

// All ranges over the blocked users, page by page, from the first page on
// its own cursor: each range starts again, and FetchNext is not moved. It
// yields at most one error, then stops.
func (r *BlockedUsersRequest) All(ctx context.Context) iter.Seq2[*User, error] {
	return r.p.all(ctx)
}
