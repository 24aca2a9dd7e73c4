package cometchat

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gocometchat/cometchat/internal/rest"
	"github.com/gocometchat/cometchat/internal/wire"
)

// UserStatus is a user's presence as the SDK reports it.
type UserStatus string

// Presence values. CometChat's "available" is reported as online.
const (
	UserStatusOnline  UserStatus = "online"
	UserStatusOffline UserStatus = "offline"
)

// User is a CometChat user (Cordova: User).
type User struct {
	UID           string
	Name          string
	Avatar        string
	Link          string
	Role          string
	Metadata      map[string]any
	Status        UserStatus
	StatusMessage string
	LastActiveAt  int64 // Unix seconds
	Tags          []string
	HasBlockedMe  bool
	BlockedByMe   bool
	DeactivatedAt int64
	CreatedAt     int64
	UpdatedAt     int64
	// ConversationID is the caller's 1:1 conversation with this user, when
	// the server sends it.
	ConversationID string
	// BlockedByMeAt and BlockedAt (Unix seconds) are set on blocked-user
	// lists: when the caller blocked this user, and when this user blocked
	// the caller.
	BlockedByMeAt int64
	BlockedAt     int64
	// AuthToken is set on users returned by the admin API when CometChat
	// includes one. It is never printed by String or LogValue.
	AuthToken string
}

// NewUser returns a user value with a UID and a name (Cordova: new User(uid, name)).
func NewUser(uid, name string) *User { return &User{UID: uid, Name: name} }

func (*User) entity() {}

// String describes the user without secrets.
func (u *User) String() string {
	if u == nil {
		return "User(nil)"
	}
	return fmt.Sprintf("User{uid=%s name=%q status=%s}", u.UID, u.Name, u.Status)
}

// LogValue makes slog print the user without its auth token.
func (u *User) LogValue() slog.Value {
	if u == nil {
		return slog.StringValue("<nil>")
	}
	return slog.GroupValue(slog.String("uid", u.UID), slog.String("name", u.Name))
}

func (u *User) clone() *User {
	if u == nil {
		return nil
	}
	c := *u
	c.Tags = append([]string(nil), u.Tags...)
	return &c
}

func normalizeStatus(s string) UserStatus {
	if s == "" || s == "offline" {
		return UserStatusOffline
	}
	return UserStatusOnline
}

func userFromWire(w *wire.User) *User {
	if w == nil {
		return nil
	}
	return &User{
		UID: string(w.UID), Name: string(w.Name), Avatar: string(w.Avatar), Link: string(w.Link),
		Role: string(w.Role), Metadata: w.Metadata.Map(), Status: normalizeStatus(string(w.Status)),
		StatusMessage: string(w.StatusMessage), LastActiveAt: int64(w.LastActiveAt), Tags: []string(w.Tags),
		HasBlockedMe: bool(w.HasBlockedMe), BlockedByMe: bool(w.BlockedByMe), DeactivatedAt: int64(w.DeactivatedAt),
		CreatedAt: int64(w.CreatedAt), UpdatedAt: int64(w.UpdatedAt), AuthToken: string(w.AuthToken),
		ConversationID: string(w.ConversationID), BlockedByMeAt: int64(w.BlockedByMeAt), BlockedAt: int64(w.BlockedAt),
	}
}

func decodeUser(raw json.RawMessage) (*User, error) {
	w, err := wire.DecodeUser(raw)
	if err != nil {
		return nil, err
	}
	return userFromWire(w), nil
}

// userBody is a user as the SDK sends it (REST bodies and socket frames),
// with the JavaScript SDK's key order.
type userBody struct {
	HasBlockedMe  bool           `json:"hasBlockedMe"`
	BlockedByMe   bool           `json:"blockedByMe"`
	DeactivatedAt int64          `json:"deactivatedAt"`
	UID           string         `json:"uid"`
	Name          string         `json:"name,omitempty"`
	Avatar        string         `json:"avatar,omitempty"`
	LastActiveAt  int64          `json:"lastActiveAt,omitempty"`
	Link          string         `json:"link,omitempty"`
	Metadata      map[string]any `json:"metadata,omitempty"`
	Role          string         `json:"role,omitempty"`
	StatusMessage string         `json:"statusMessage,omitempty"`
	Status        string         `json:"status,omitempty"`
	Tags          []string       `json:"tags,omitempty"`
}

func bodyOfUser(u *User, withStatus bool) userBody {
	b := userBody{HasBlockedMe: u.HasBlockedMe, BlockedByMe: u.BlockedByMe, DeactivatedAt: u.DeactivatedAt,
		UID: u.UID, Name: u.Name, Avatar: u.Avatar, Link: u.Link, Metadata: u.Metadata, Role: u.Role,
		StatusMessage: u.StatusMessage, Tags: u.Tags}
	if withStatus {
		b.LastActiveAt = u.LastActiveAt
		b.Status = string(u.Status)
	}
	return b
}

// CreateUser creates a user with an auth key (Cordova: createUser). UID and
// name are required.
func (c *Client) CreateUser(ctx context.Context, u *User, authKey string) (*User, error) {
	if u == nil {
		return nil, errorf(CodeMissingParameters, "a user is required")
	}
	if err := checkUID(u.UID); err != nil {
		return nil, err
	}
	if blank(u.Name) {
		return nil, errorf(CodeMissingParameters, "the user's name is required")
	}
	if blank(authKey) {
		return nil, errorf(CodeMissingParameters, "an auth key is required")
	}
	resp, err := c.call(ctx, &rest.Request{Method: http.MethodPost, BaseURL: c.adminBase(), Path: "users",
		Body: bodyOfUser(u, false), APIKey: authKey})
	if err != nil {
		return nil, err
	}
	return decodeUserData(resp.Data)
}

// UpdateUser updates any user with an auth key (Cordova: updateUser). When it
// is the logged-in user, LoggedInUser reflects the change.
func (c *Client) UpdateUser(ctx context.Context, u *User, authKey string) (*User, error) {
	if u == nil {
		return nil, errorf(CodeMissingParameters, "a user is required")
	}
	if err := checkUID(u.UID); err != nil {
		return nil, err
	}
	if blank(authKey) {
		return nil, errorf(CodeMissingParameters, "an auth key is required")
	}
	resp, err := c.call(ctx, &rest.Request{Method: http.MethodPut, BaseURL: c.adminBase(), Path: "users/" + u.UID,
		Body: bodyOfUser(u, false), APIKey: authKey})
	if err != nil {
		return nil, err
	}
	out, err := decodeUserData(resp.Data)
	if err != nil {
		return nil, err
	}
	c.sess.updateUser(out, false)
	return out, nil
}

// UpdateCurrentUserDetails updates the logged-in user's own profile (PUT /me);
// the UID is forced to the caller's.
func (c *Client) UpdateCurrentUserDetails(ctx context.Context, u *User) (*User, error) {
	if u == nil {
		return nil, errorf(CodeMissingParameters, "a user is required")
	}
	me := c.LoggedInUser()
	if me == nil {
		return nil, errorf(CodeNotLoggedIn, "log in first")
	}
	body := bodyOfUser(u, false)
	body.UID = me.UID
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPut, Path: "me", Body: body})
	if err != nil {
		return nil, err
	}
	out, err := decodeUserData(resp.Data)
	if err != nil {
		return nil, err
	}
	c.sess.updateUser(out, true)
	out.AuthToken = ""
	return out, nil
}

// GetUser fetches one user (Cordova: getUser).
func (c *Client) GetUser(ctx context.Context, uid string) (*User, error) {
	if err := checkUID(uid); err != nil {
		return nil, err
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodGet, Path: "users/" + uid})
	if err != nil {
		return nil, err
	}
	return decodeUserData(resp.Data)
}

func decodeUserData(raw json.RawMessage) (*User, error) {
	u, err := decodeUser(raw)
	if err != nil || u == nil || u.UID == "" {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent a user that cannot be read", Err: err}
	}
	return u, nil
}
