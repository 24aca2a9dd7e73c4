package admin

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/rest"
)

// Users, auth tokens, friends and blocked users.

// UserInput is a user to create.
type UserInput struct {
	UID           string          `json:"uid"`
	Name          string          `json:"name"`
	Avatar        string          `json:"avatar,omitempty"`
	Link          string          `json:"link,omitempty"`
	Role          string          `json:"role,omitempty"`
	StatusMessage string          `json:"statusMessage,omitempty"`
	Metadata      json.RawMessage `json:"metadata,omitempty"`
	Tags          []string        `json:"tags,omitempty"`
	// WithAuthToken answers an auth token of the new user in User.AuthToken.
	WithAuthToken bool `json:"withAuthToken,omitempty"`
}

// CreateUser creates a user (CometChat stores the UID in lower case).
func (c *Client) CreateUser(ctx context.Context, in UserInput) (*User, error) {
	if err := checkUID(in.UID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Name) == "" {
		return nil, missing("a user needs a name")
	}
	if err := checkObject("Metadata", in.Metadata); err != nil {
		return nil, err
	}
	return call[User](ctx, c, request{method: http.MethodPost, path: "/users", body: in})
}

// GetUser reads a user (deactivated users too, unless on behalf of a user).
func (c *Client) GetUser(ctx context.Context, uid string, opts ...CallOption) (*User, error) {
	o, err := applyCallOpts(opts)
	if err != nil {
		return nil, err
	}
	if err := checkUID(uid); err != nil {
		return nil, err
	}
	return call[User](ctx, c, request{method: http.MethodGet, path: "/users/" + uid, ob: o.onBehalfOf})
}

// UserUpdate holds the fields to change: nil fields stay as they are.
type UserUpdate struct {
	Name          *string         `json:"name,omitempty"`
	Avatar        *string         `json:"avatar,omitempty"`
	Link          *string         `json:"link,omitempty"`
	Role          *string         `json:"role,omitempty"`
	StatusMessage *string         `json:"statusMessage,omitempty"`
	Metadata      json.RawMessage `json:"metadata,omitempty"`
	Tags          []string        `json:"tags,omitempty"`
	// Unset clears fields: "avatar", "link", "metadata".
	Unset []string `json:"unset,omitempty"`
}

// UpdateUser changes a user.
func (c *Client) UpdateUser(ctx context.Context, uid string, u UserUpdate) (*User, error) {
	if err := checkUID(uid); err != nil {
		return nil, err
	}
	if u.Name != nil && strings.TrimSpace(*u.Name) == "" {
		return nil, missing("a user needs a name")
	}
	if err := checkObject("Metadata", u.Metadata); err != nil {
		return nil, err
	}
	for _, f := range u.Unset {
		if f != "avatar" && f != "link" && f != "metadata" {
			return nil, &cometchat.Error{Code: cometchat.CodeBadRequest, Message: "Unset may name avatar, link and metadata, not " + strconv.Quote(f)}
		}
	}
	return call[User](ctx, c, request{method: http.MethodPut, path: "/users/" + uid, body: u})
}

// DeleteUser deactivates a user (its data stays; ReactivateUsers brings it
// back), or, with permanent, deletes it with its messages, memberships and
// conversations, after which its UID may be created again.
func (c *Client) DeleteUser(ctx context.Context, uid string, permanent bool) error {
	if err := checkUID(uid); err != nil {
		return err
	}
	return exec(ctx, c, request{method: http.MethodDelete, path: "/users/" + uid,
		body: map[string]bool{"permanent": permanent}})
}

// DeactivateUsers deactivates users and returns the UIDs deactivated.
func (c *Client) DeactivateUsers(ctx context.Context, uids ...string) ([]string, error) {
	if err := checkUIDs(uids); err != nil {
		return nil, err
	}
	out, err := call[struct {
		UIDs []string `json:"deactivatedUids"`
	}](ctx, c, request{method: http.MethodDelete, path: "/users", body: map[string][]string{"uidsToDeactivate": uids}})
	if err != nil {
		return nil, err
	}
	return out.UIDs, nil
}

// ReactivateUsers reactivates deactivated users and returns the UIDs that
// are active now.
func (c *Client) ReactivateUsers(ctx context.Context, uids ...string) ([]string, error) {
	if err := checkUIDs(uids); err != nil {
		return nil, err
	}
	out, err := call[struct {
		UIDs []string `json:"nonDeactivatedUids"`
	}](ctx, c, request{method: http.MethodPut, path: "/users", body: map[string][]string{"uidsToActivate": uids}})
	if err != nil {
		return nil, err
	}
	return out.UIDs, nil
}

// UsersQuery filters a list of users; the zero value lists the active ones.
type UsersQuery struct {
	// SearchKey matches the users whose UID or name starts with it
	// (SearchIn narrows it to "uid" or "name").
	SearchKey string
	SearchIn  []string
	Status    string   // "available" or "offline"
	Roles     []string // any of these roles
	Tags      []string // any of these tags
	// OnlyDeactivated lists the deactivated users; WithDeactivated adds them.
	OnlyDeactivated, WithDeactivated bool
	PerPage                          int // page size, default 100 (at most 1000)
}

func perPage(n int) int {
	if n <= 0 {
		return 100
	}
	return min(n, 1000)
}

func addList(q []rest.KV, key string, vals []string) []rest.KV {
	if len(vals) > 0 {
		q = append(q, rest.KV{Key: key, Value: strings.Join(vals, ",")})
	}
	return q
}

func addString(q []rest.KV, key, val string) []rest.KV {
	if val != "" {
		q = append(q, rest.KV{Key: key, Value: val})
	}
	return q
}

func addFlag(q []rest.KV, key string, on bool) []rest.KV {
	if on {
		q = append(q, rest.KV{Key: key, Value: "true"})
	}
	return q
}

// Users ranges over the app's users, newest change first.
func (c *Client) Users(ctx context.Context, q UsersQuery) iter.Seq2[*User, error] {
	var kv []rest.KV
	kv = addString(kv, "searchKey", q.SearchKey)
	kv = addList(kv, "searchIn", q.SearchIn)
	kv = addString(kv, "status", q.Status)
	kv = addList(kv, "roles", q.Roles)
	kv = addList(kv, "tags", q.Tags)
	kv = addFlag(kv, "onlyDeactivated", q.OnlyDeactivated)
	kv = addFlag(kv, "withDeactivated", q.WithDeactivated)
	return pages(ctx, c, request{method: http.MethodGet, path: "/users", query: kv}, perPage(q.PerPage),
		func(u *User) string { return u.UID })
}

// Auth tokens.

// CreateAuthToken returns an auth token of uid for its client or bot to log
// in with: the user's newest one, or a new one when it has none or force.
func (c *Client) CreateAuthToken(ctx context.Context, uid string, force bool) (*AuthToken, error) {
	if err := checkUID(uid); err != nil {
		return nil, err
	}
	return call[AuthToken](ctx, c, request{method: http.MethodPost, path: "/users/" + uid + "/auth_tokens",
		body: map[string]bool{"force": force}})
}

// AuthTokens ranges over uid's auth tokens, oldest first.
func (c *Client) AuthTokens(ctx context.Context, uid string) iter.Seq2[*AuthToken, error] {
	if err := checkUID(uid); err != nil {
		return failed[AuthToken](err)
	}
	return pages(ctx, c, request{method: http.MethodGet, path: "/users/" + uid + "/auth_tokens"}, 100,
		func(t *AuthToken) string { return t.AuthToken })
}

func tokenPath(uid, token string) (string, error) {
	if err := checkUID(uid); err != nil {
		return "", err
	}
	if strings.TrimSpace(token) == "" {
		return "", missing("the auth token is empty")
	}
	return "/users/" + uid + "/auth_tokens/" + url.PathEscape(token), nil
}

// GetAuthToken reads one of uid's auth tokens.
func (c *Client) GetAuthToken(ctx context.Context, uid, token string) (*AuthToken, error) {
	p, err := tokenPath(uid, token)
	if err != nil {
		return nil, err
	}
	return call[AuthToken](ctx, c, request{method: http.MethodGet, path: p})
}

// AuthTokenUpdate holds what CometChat keeps about a token.
type AuthTokenUpdate struct {
	Platform  string          `json:"platform,omitempty"`
	UserAgent string          `json:"userAgent,omitempty"`
	AppInfo   json.RawMessage `json:"appInfo,omitempty"`
}

// UpdateAuthToken records the platform, user agent and app info of a token.
func (c *Client) UpdateAuthToken(ctx context.Context, uid, token string, u AuthTokenUpdate) (*AuthToken, error) {
	p, err := tokenPath(uid, token)
	if err != nil {
		return nil, err
	}
	if err := checkObject("AppInfo", u.AppInfo); err != nil {
		return nil, err
	}
	return call[AuthToken](ctx, c, request{method: http.MethodPut, path: p, body: u})
}

// DeleteAuthToken revokes one auth token (its sessions end).
func (c *Client) DeleteAuthToken(ctx context.Context, uid, token string) error {
	p, err := tokenPath(uid, token)
	if err != nil {
		return err
	}
	return exec(ctx, c, request{method: http.MethodDelete, path: p})
}

// FlushAuthTokens revokes every auth token of uid.
func (c *Client) FlushAuthTokens(ctx context.Context, uid string) error {
	if err := checkUID(uid); err != nil {
		return err
	}
	return exec(ctx, c, request{method: http.MethodDelete, path: "/users/" + uid + "/auth_tokens"})
}

// Friends and blocked users.

// AddFriends makes uid and each friend friends (both ways) and returns the
// outcome per friend.
func (c *Client) AddFriends(ctx context.Context, uid string, friends ...string) (map[string]Outcome, error) {
	if err := checkUID(uid); err != nil {
		return nil, err
	}
	if err := checkUIDs(friends); err != nil {
		return nil, err
	}
	out, err := call[struct {
		Accepted map[string]outcomeJSON `json:"accepted"`
	}](ctx, c, request{method: http.MethodPost, path: "/users/" + uid + "/friends", body: map[string][]string{"accepted": friends}})
	if err != nil {
		return nil, err
	}
	return outcomes(out.Accepted), nil
}

// RemoveFriends ends the friendships of uid with friends.
func (c *Client) RemoveFriends(ctx context.Context, uid string, friends ...string) error {
	if err := checkUID(uid); err != nil {
		return err
	}
	if err := checkUIDs(friends); err != nil {
		return err
	}
	return exec(ctx, c, request{method: http.MethodDelete, path: "/users/" + uid + "/friends", body: map[string][]string{"friends": friends}})
}

// Friends ranges over uid's friends; searchKey ("" for all) matches UIDs and names.
func (c *Client) Friends(ctx context.Context, uid, searchKey string) iter.Seq2[*User, error] {
	if err := checkUID(uid); err != nil {
		return failed[User](err)
	}
	return pages(ctx, c, request{method: http.MethodGet, path: "/users/" + uid + "/friends",
		query: addString(nil, "searchKey", searchKey)}, 100, func(u *User) string { return u.UID })
}

// BlockUsers makes uid block each of uids and returns the outcome per uid.
func (c *Client) BlockUsers(ctx context.Context, uid string, uids ...string) (map[string]Outcome, error) {
	return c.blocks(ctx, http.MethodPost, uid, uids)
}

// UnblockUsers lifts uid's blocks of uids.
func (c *Client) UnblockUsers(ctx context.Context, uid string, uids ...string) (map[string]Outcome, error) {
	return c.blocks(ctx, http.MethodDelete, uid, uids)
}

func (c *Client) blocks(ctx context.Context, method, uid string, uids []string) (map[string]Outcome, error) {
	if err := checkUID(uid); err != nil {
		return nil, err
	}
	if err := checkUIDs(uids); err != nil {
		return nil, err
	}
	out, err := call[map[string]outcomeJSON](ctx, c, request{method: method, path: "/users/" + uid + "/blockedusers",
		body: map[string][]string{"blockedUids": uids}})
	if err != nil {
		return nil, err
	}
	return outcomes(*out), nil
}

// BlockedUsers ranges over the users uid blocked.
func (c *Client) BlockedUsers(ctx context.Context, uid string) iter.Seq2[*User, error] {
	if err := checkUID(uid); err != nil {
		return failed[User](err)
	}
	return pages(ctx, c, request{method: http.MethodGet, path: "/users/" + uid + "/blockedusers"}, 100,
		func(u *User) string { return u.UID })
}

// checkObject refuses raw JSON that is set but not an object.
func checkObject(field string, raw json.RawMessage) error {
	if len(raw) == 0 {
		return nil
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || m == nil {
		return &cometchat.Error{Code: cometchat.CodeBadRequest, Message: field + " must be a JSON object"}
	}
	return nil
}
