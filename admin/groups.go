package admin

import (
	"context"
	"encoding/json"
	"iter"
	"net/http"
	"strings"

	"github.com/gocometchat/cometchat"
	"github.com/gocometchat/cometchat/internal/rest"
)

// Groups, members and bans. Without OnBehalfOf the app acts as an admin of
// every group (member or not); with it, that member's rights apply.

// Members lists users by the scope they get in a group, and users to ban.
type Members struct {
	Admins       []string `json:"admins,omitempty"`
	Moderators   []string `json:"moderators,omitempty"`
	Participants []string `json:"participants,omitempty"`
	UsersToBan   []string `json:"usersToBan,omitempty"`
}

func (m *Members) check() error {
	for _, list := range [][]string{m.Admins, m.Moderators, m.Participants, m.UsersToBan} {
		for _, uid := range list {
			if err := checkUID(uid); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *Members) empty() bool {
	return len(m.Admins)+len(m.Moderators)+len(m.Participants)+len(m.UsersToBan) == 0
}

// GroupInput is a group to create.
type GroupInput struct {
	GUID        string          `json:"guid"`
	Name        string          `json:"name"`
	Type        string          `json:"type"` // GroupPublic, GroupPassword or GroupPrivate
	Password    string          `json:"password,omitempty"`
	Icon        string          `json:"icon,omitempty"`
	Description string          `json:"description,omitempty"`
	Metadata    json.RawMessage `json:"metadata,omitempty"`
	Tags        []string        `json:"tags,omitempty"`
	// Owner owns the group (and is its admin); the default is the user the
	// call is made on behalf of. A group the app creates without either has
	// no owner.
	Owner string `json:"owner,omitempty"`
	// Members are added (or banned) at once, as AddMembers does.
	Members *Members `json:"members,omitempty"`
}

func checkGroupType(t, password string) error {
	switch t {
	case GroupPublic, GroupPrivate:
	case GroupPassword:
		if password == "" {
			return &cometchat.Error{Code: cometchat.CodePasswordIsCompulsory, Message: "a password group needs a password"}
		}
	case "":
		return &cometchat.Error{Code: cometchat.CodeGroupTypeIsCompulsory, Message: "a group type is required"}
	default:
		return &cometchat.Error{Code: cometchat.CodeInvalidGroupType, Message: "the group type must be public, password or private"}
	}
	return nil
}

// CreateGroup creates a group.
func (c *Client) CreateGroup(ctx context.Context, in GroupInput, opts ...CallOption) (*Group, error) {
	o, err := applyCallOpts(opts)
	if err != nil {
		return nil, err
	}
	if err := checkGUID(in.GUID); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Name) == "" {
		return nil, &cometchat.Error{Code: cometchat.CodeGroupNameIsCompulsory, Message: "a group name is required"}
	}
	if err := checkGroupType(in.Type, in.Password); err != nil {
		return nil, err
	}
	if in.Owner != "" {
		if err := checkUID(in.Owner); err != nil {
			return nil, err
		}
	}
	if in.Members != nil {
		if err := in.Members.check(); err != nil {
			return nil, err
		}
	}
	if err := checkObject("Metadata", in.Metadata); err != nil {
		return nil, err
	}
	return call[Group](ctx, c, request{method: http.MethodPost, path: "/groups", body: in, ob: o.onBehalfOf})
}

// GetGroup reads a group (private ones too, unless on behalf of a
// non-member).
func (c *Client) GetGroup(ctx context.Context, guid string, opts ...CallOption) (*Group, error) {
	o, err := applyCallOpts(opts)
	if err != nil {
		return nil, err
	}
	if err := checkGUID(guid); err != nil {
		return nil, err
	}
	return call[Group](ctx, c, request{method: http.MethodGet, path: "/groups/" + guid, ob: o.onBehalfOf})
}

// GroupUpdate holds the fields to change: nil fields stay as they are.
type GroupUpdate struct {
	Name        *string         `json:"name,omitempty"`
	Type        *string         `json:"type,omitempty"`
	Password    *string         `json:"password,omitempty"`
	Icon        *string         `json:"icon,omitempty"`
	Description *string         `json:"description,omitempty"`
	Metadata    json.RawMessage `json:"metadata,omitempty"`
	Tags        []string        `json:"tags,omitempty"`
	// Owner transfers the ownership (only when the app acts: ignored with
	// OnBehalfOf, as documented).
	Owner string `json:"owner,omitempty"`
	// Unset clears fields: "icon", "description", "metadata".
	Unset []string `json:"unset,omitempty"`
}

// UpdateGroup changes a group.
func (c *Client) UpdateGroup(ctx context.Context, guid string, u GroupUpdate, opts ...CallOption) (*Group, error) {
	o, err := applyCallOpts(opts)
	if err != nil {
		return nil, err
	}
	if err := checkGUID(guid); err != nil {
		return nil, err
	}
	if u.Type != nil {
		pass := ""
		if u.Password != nil {
			pass = *u.Password
		}
		if *u.Type != GroupPassword || pass != "" {
			if err := checkGroupType(*u.Type, pass); err != nil {
				return nil, err
			}
		}
	}
	if u.Owner != "" {
		if err := checkUID(u.Owner); err != nil {
			return nil, err
		}
	}
	for _, f := range u.Unset {
		if f != "icon" && f != "description" && f != "metadata" {
			return nil, &cometchat.Error{Code: cometchat.CodeBadRequest, Message: "Unset may name icon, description and metadata"}
		}
	}
	return call[Group](ctx, c, request{method: http.MethodPut, path: "/groups/" + guid, body: u, ob: o.onBehalfOf})
}

// DeleteGroup deletes a group.
func (c *Client) DeleteGroup(ctx context.Context, guid string, opts ...CallOption) error {
	o, err := applyCallOpts(opts)
	if err != nil {
		return err
	}
	if err := checkGUID(guid); err != nil {
		return err
	}
	return exec(ctx, c, request{method: http.MethodDelete, path: "/groups/" + guid, ob: o.onBehalfOf})
}

// GroupsQuery filters a list of groups.
type GroupsQuery struct {
	SearchKey string   // part of the name or GUID
	Types     []string // any of these types
	Tags      []string // any of these tags
	// HasJoined lists only the groups the OnBehalfOf user joined.
	HasJoined bool
	SortBy    string // "name", "guid" or "createdAt"; default the newest change first
	SortOrder string // "asc" or "desc"
	PerPage   int    // page size, default 100 (at most 1000)
}

// Groups ranges over the groups (the app sees them all; a user, the ones it
// may see).
func (c *Client) Groups(ctx context.Context, q GroupsQuery, opts ...CallOption) iter.Seq2[*Group, error] {
	o, err := applyCallOpts(opts)
	if err != nil {
		return failed[Group](err)
	}
	var kv []rest.KV
	kv = addString(kv, "searchKey", q.SearchKey)
	kv = addList(kv, "types", q.Types)
	kv = addList(kv, "tags", q.Tags)
	kv = addFlag(kv, "hasJoined", q.HasJoined)
	kv = addString(kv, "sortBy", q.SortBy)
	kv = addString(kv, "sortOrder", q.SortOrder)
	return pages(ctx, c, request{method: http.MethodGet, path: "/groups", query: kv, ob: o.onBehalfOf}, perPage(q.PerPage),
		func(g *Group) string { return g.GUID })
}

// AddMembersResult holds the outcome per uid of each list of AddMembers.
type AddMembersResult struct {
	Admins, Moderators, Participants, UsersToBan map[string]Outcome
}

// Err returns the failures of the result joined, or nil.
func (r *AddMembersResult) Err() error {
	return Failed(r.Admins, r.Moderators, r.Participants, r.UsersToBan)
}

// AddMembers adds users to a group with the scope of their list, and bans
// UsersToBan. Each user has its outcome (the "added" action on success).
func (c *Client) AddMembers(ctx context.Context, guid string, m Members, opts ...CallOption) (*AddMembersResult, error) {
	o, err := applyCallOpts(opts)
	if err != nil {
		return nil, err
	}
	if err := checkGUID(guid); err != nil {
		return nil, err
	}
	if m.empty() {
		return nil, &cometchat.Error{Code: cometchat.CodeEmptyUsersList, Message: "no user to add or ban"}
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	out, err := call[struct {
		Admins       map[string]outcomeJSON `json:"admins"`
		Moderators   map[string]outcomeJSON `json:"moderators"`
		Participants map[string]outcomeJSON `json:"participants"`
		UsersToBan   map[string]outcomeJSON `json:"usersToBan"`
	}](ctx, c, request{method: http.MethodPost, path: "/groups/" + guid + "/members", body: m, ob: o.onBehalfOf})
	if err != nil {
		return nil, err
	}
	return &AddMembersResult{Admins: outcomes(out.Admins), Moderators: outcomes(out.Moderators),
		Participants: outcomes(out.Participants), UsersToBan: outcomes(out.UsersToBan)}, nil
}

// GroupMembers ranges over a group's members in the order they joined
// (each User has Scope and JoinedAt); scopes ("" for all) narrows it.
func (c *Client) GroupMembers(ctx context.Context, guid string, scopes ...string) iter.Seq2[*User, error] {
	if err := checkGUID(guid); err != nil {
		return failed[User](err)
	}
	return pages(ctx, c, request{method: http.MethodGet, path: "/groups/" + guid + "/members",
		query: addList(nil, "scopes", scopes)}, 100, func(u *User) string { return u.UID })
}

// MemberScope is a member's scope after ChangeScope.
type MemberScope struct {
	GUID     string `json:"guid"`
	UID      string `json:"uid"`
	Scope    string `json:"scope"`
	JoinedAt int64  `json:"joinedAt"`
}

func checkScope(scope string) error {
	switch scope {
	case ScopeAdmin, ScopeModerator, ScopeParticipant:
		return nil
	}
	return &cometchat.Error{Code: cometchat.CodeInvalidScope, Message: "the scope must be admin, moderator or participant"}
}

// ChangeScope makes uid an admin, moderator or participant of the group.
func (c *Client) ChangeScope(ctx context.Context, guid, uid, scope string, opts ...CallOption) (*MemberScope, error) {
	o, err := applyCallOpts(opts)
	if err != nil {
		return nil, err
	}
	if err := checkGUID(guid); err != nil {
		return nil, err
	}
	if err := checkUID(uid); err != nil {
		return nil, err
	}
	if err := checkScope(scope); err != nil {
		return nil, err
	}
	return call[MemberScope](ctx, c, request{method: http.MethodPut, path: "/groups/" + guid + "/members/" + uid,
		body: map[string]string{"scope": scope}, ob: o.onBehalfOf})
}

// KickMember removes uid from the group (it may join again).
func (c *Client) KickMember(ctx context.Context, guid, uid string, opts ...CallOption) error {
	return c.memberAction(ctx, http.MethodDelete, "/members/", guid, uid, opts)
}

// BanMember bans uid from the group (it cannot join until unbanned).
func (c *Client) BanMember(ctx context.Context, guid, uid string, opts ...CallOption) error {
	return c.memberAction(ctx, http.MethodPost, "/bannedusers/", guid, uid, opts)
}

// UnbanMember lifts uid's ban from the group.
func (c *Client) UnbanMember(ctx context.Context, guid, uid string, opts ...CallOption) error {
	return c.memberAction(ctx, http.MethodDelete, "/bannedusers/", guid, uid, opts)
}

func (c *Client) memberAction(ctx context.Context, method, sub, guid, uid string, opts []CallOption) error {
	o, err := applyCallOpts(opts)
	if err != nil {
		return err
	}
	if err := checkGUID(guid); err != nil {
		return err
	}
	if err := checkUID(uid); err != nil {
		return err
	}
	return exec(ctx, c, request{method: method, path: "/groups/" + guid + sub + uid, ob: o.onBehalfOf})
}

// BannedUsers ranges over the users banned from the group.
func (c *Client) BannedUsers(ctx context.Context, guid string) iter.Seq2[*User, error] {
	if err := checkGUID(guid); err != nil {
		return failed[User](err)
	}
	return pages(ctx, c, request{method: http.MethodGet, path: "/groups/" + guid + "/bannedusers"}, 100,
		func(u *User) string { return u.UID })
}
