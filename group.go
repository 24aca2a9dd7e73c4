package cometchat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/gocometchat/cometchat/internal/rest"
	"github.com/gocometchat/cometchat/internal/wire"
)

// GroupType is a group's access type.
type GroupType string

// Group types and their wire values. The d.ts value "protected" is not one of
// them: the SDK rejects it with INVALID_GROUP_TYPE, as the Cordova SDK does.
const (
	GroupTypePublic   GroupType = "public"
	GroupTypePassword GroupType = "password"
	GroupTypePrivate  GroupType = "private"
)

// GroupMemberScope is a member's role in a group.
type GroupMemberScope string

// Member scopes. The owner of a group is an admin whom nobody else can kick,
// ban or demote.
const (
	GroupMemberScopeAdmin       GroupMemberScope = "admin"
	GroupMemberScopeModerator   GroupMemberScope = "moderator"
	GroupMemberScopeParticipant GroupMemberScope = "participant"
)

// Group is a CometChat group (Cordova: Group). HasJoined, Scope and JoinedAt
// are relative to the logged-in user.
type Group struct {
	GUID string
	Name string
	Type GroupType
	// Password is only sent (create, join); CometChat never returns it.
	Password     string
	Icon         string
	Description  string
	Owner        string
	Metadata     map[string]any
	CreatedAt    int64 // Unix seconds
	UpdatedAt    int64 // Unix seconds
	HasJoined    bool
	JoinedAt     int64 // Unix seconds
	MembersCount int
	Scope        GroupMemberScope
	Tags         []string
	// ConversationID is "group_<guid>", when the server sends it.
	ConversationID string
	// UpdatedBy is the UID of the last user who updated the group, when sent.
	UpdatedBy string
	// OnlineMembersCount is copied from newer payloads that carry it.
	OnlineMembersCount int
}

// NewGroup returns a group value (Cordova: new Group(guid, name, type, password)).
func NewGroup(guid, name string, typ GroupType, password string) *Group {
	return &Group{GUID: guid, Name: name, Type: typ, Password: password}
}

func (*Group) entity() {}

// String describes the group without its password.
func (g *Group) String() string {
	if g == nil {
		return "Group(nil)"
	}
	return fmt.Sprintf("Group{guid=%s name=%q type=%s}", g.GUID, g.Name, g.Type)
}

// GroupMember is a user with a scope in a group (Cordova: GroupMember).
type GroupMember struct {
	User
	Scope    GroupMemberScope
	JoinedAt int64 // Unix seconds
	// GUID is the group the membership belongs to; member lists set it.
	GUID string
}

// NewGroupMember returns a member value to add to a group.
func NewGroupMember(uid string, scope GroupMemberScope) *GroupMember {
	return &GroupMember{User: User{UID: uid}, Scope: scope}
}

func groupFromWire(w *wire.Group) *Group {
	if w == nil {
		return nil
	}
	return &Group{
		GUID: string(w.GUID), Name: string(w.Name), Type: GroupType(w.Type), Icon: string(w.Icon),
		Description: string(w.Description), Owner: string(w.Owner), Metadata: w.Metadata.Map(),
		CreatedAt: int64(w.CreatedAt), UpdatedAt: int64(w.UpdatedAt), HasJoined: bool(w.HasJoined),
		JoinedAt: int64(w.JoinedAt), MembersCount: int(w.MembersCount), Scope: GroupMemberScope(w.Scope),
		Tags: []string(w.Tags), ConversationID: string(w.ConversationID), UpdatedBy: string(w.UpdatedBy),
		OnlineMembersCount: int(w.OnlineMembersCount),
	}
}

func decodeGroup(raw json.RawMessage) (*Group, error) {
	var w wire.Group
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, err
	}
	return groupFromWire(&w), nil
}

func decodeGroupData(raw json.RawMessage) (*Group, error) {
	g, err := decodeGroup(raw)
	if err != nil || g == nil || g.GUID == "" {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent a group that cannot be read", Err: err}
	}
	return g, nil
}

func memberFromWire(w *wire.User, guid string) *GroupMember {
	m := &GroupMember{User: *userFromWire(w), Scope: GroupMemberScope(w.Scope), JoinedAt: int64(w.JoinedAt), GUID: guid}
	if m.GUID == "" {
		m.GUID = string(w.GUID)
	}
	return m
}

// decodeMembers decodes a member list and stamps every member with guid.
func decodeMembers(guid string) func(json.RawMessage) ([]*GroupMember, error) {
	return decodeList(func(w *wire.User) *GroupMember { return memberFromWire(w, guid) })
}

// groupBody is a group as the Cordova SDK serialises it for create, update
// and join, in the same key order. hasJoined and membersCount are always
// sent (the server ignores them on writes); password only for password groups.
type groupBody struct {
	HasJoined    bool           `json:"hasJoined"`
	MembersCount int            `json:"membersCount"`
	GUID         string         `json:"guid"`
	Name         string         `json:"name,omitempty"`
	Type         GroupType      `json:"type,omitempty"`
	Password     string         `json:"password,omitempty"`
	Icon         string         `json:"icon,omitempty"`
	Description  string         `json:"description,omitempty"`
	Tags         []string       `json:"tags,omitempty"`
	Metadata     map[string]any `json:"metadata,omitempty"`
	Members      *membersBody   `json:"members,omitempty"`
}

func bodyOfGroup(g *Group) *groupBody {
	b := &groupBody{GUID: g.GUID, Name: g.Name, Type: g.Type, Icon: g.Icon, Description: g.Description,
		Tags: g.Tags, Metadata: g.Metadata}
	if g.Type == GroupTypePassword {
		b.Password = g.Password
	}
	return b
}

// membersBody is the member lists of add-members and create-with-members.
type membersBody struct {
	Admins       []string `json:"admins,omitempty"`
	Participants []string `json:"participants,omitempty"`
	Moderators   []string `json:"moderators,omitempty"`
	UsersToBan   []string `json:"usersToBan,omitempty"`
}

func (b *membersBody) empty() bool {
	return len(b.Admins)+len(b.Participants)+len(b.Moderators)+len(b.UsersToBan) == 0
}

// buildMembers sorts members by scope, as the Cordova SDK does. Unlike it, a
// member with another scope (or none) is an error rather than silently
// dropped, and every UID is checked.
func buildMembers(members []*GroupMember, bannedUIDs []string) (*membersBody, error) {
	b := &membersBody{}
	for _, m := range members {
		if m == nil {
			return nil, errorf(CodeMissingParameters, "a nil group member was passed")
		}
		if err := checkUID(m.UID); err != nil {
			return nil, err
		}
		switch m.Scope {
		case GroupMemberScopeAdmin:
			b.Admins = append(b.Admins, m.UID)
		case GroupMemberScopeModerator:
			b.Moderators = append(b.Moderators, m.UID)
		case GroupMemberScopeParticipant:
			b.Participants = append(b.Participants, m.UID)
		default:
			return nil, errorf(CodeInvalidScope, "member %s: scope must be admin, moderator or participant, not %q", m.UID, clip(string(m.Scope)))
		}
	}
	for _, uid := range bannedUIDs {
		if err := checkUID(uid); err != nil {
			return nil, err
		}
		b.UsersToBan = append(b.UsersToBan, uid)
	}
	return b, nil
}

// checkGroupType validates a group type for create and join.
func checkGroupType(t GroupType, password string) error {
	switch t {
	case "":
		return errorf(CodeGroupTypeIsCompulsory, "the group type is required (public, password or private)")
	case GroupTypePublic, GroupTypePrivate:
		return nil
	case GroupTypePassword:
		if password == "" {
			return errorf(CodePasswordIsCompulsory, "a password group needs a password")
		}
		return nil
	}
	return errorf(CodeInvalidGroupType, "group type must be public, password or private, not %q", clip(string(t)))
}

func checkScope(s GroupMemberScope) error {
	switch s {
	case GroupMemberScopeAdmin, GroupMemberScopeModerator, GroupMemberScopeParticipant:
		return nil
	}
	return errorf(CodeInvalidScope, "scope must be admin, moderator or participant, not %q", clip(string(s)))
}

func checkNewGroup(g *Group) error {
	if g == nil {
		return errorf(CodeMissingParameters, "a group is required")
	}
	if err := checkGUID(g.GUID); err != nil {
		return err
	}
	if blank(g.Name) {
		return errorf(CodeGroupNameIsCompulsory, "the group's name is required")
	}
	if err := checkGroupType(g.Type, g.Password); err != nil {
		return err
	}
	if g.Tags != nil && len(g.Tags) == 0 {
		return errorf(CodeInvalidGroupTags, "tags, when set, must not be empty")
	}
	return nil
}

// CreateGroup creates a group (Cordova: createGroup). GUID, name and type are
// required, and a password group needs its password. The caller becomes the
// owner and an admin member; the returned group has HasJoined set.
func (c *Client) CreateGroup(ctx context.Context, g *Group) (*Group, error) {
	if err := checkNewGroup(g); err != nil {
		return nil, err
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPost, Path: "groups", Body: bodyOfGroup(g)})
	if err != nil {
		return nil, err
	}
	out, err := decodeGroupData(resp.Data)
	if err != nil {
		return nil, err
	}
	out.HasJoined = true
	return out, nil
}

// CreateGroupWithMembers creates a group and, in the same request, adds
// members by their scope and bans bannedUIDs (Cordova: createGroupWithMembers).
// The map gives, per UID, "success" or the server's error message. Every
// member needs a scope of admin, moderator or participant.
func (c *Client) CreateGroupWithMembers(ctx context.Context, g *Group, members []*GroupMember, bannedUIDs []string) (*Group, map[string]string, error) {
	if err := checkNewGroup(g); err != nil {
		return nil, nil, err
	}
	mb, err := buildMembers(members, bannedUIDs)
	if err != nil {
		return nil, nil, err
	}
	body := bodyOfGroup(g)
	if !mb.empty() {
		body.Members = mb
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPost, Path: "groups", Body: body})
	if err != nil {
		return nil, nil, err
	}
	out, err := decodeGroupData(resp.Data)
	if err != nil {
		return nil, nil, err
	}
	out.HasJoined = true
	var withMembers struct {
		Members *struct {
			Data json.RawMessage `json:"data"`
		} `json:"members"`
	}
	_ = json.Unmarshal(resp.Data, &withMembers)
	results := map[string]string{}
	if withMembers.Members != nil && len(bytes.TrimSpace(withMembers.Members.Data)) > 0 {
		results, err = decodeMemberResults(withMembers.Members.Data)
		if err != nil {
			return out, nil, err
		}
	}
	return out, results, nil
}

// memberResult is one per-UID outcome of add-members or block/unblock.
type memberResult struct {
	Success wire.Bool `json:"success"`
	Message wire.Str  `json:"message"`
	Error   *struct {
		Code    wire.Str        `json:"code"`
		Message wire.Str        `json:"message"`
		Details json.RawMessage `json:"details"`
	} `json:"error"`
}

func (r *memberResult) text() string {
	if r.Success {
		return "success"
	}
	if r.Error != nil && r.Error.Message != "" {
		return string(r.Error.Message)
	}
	if r.Error != nil && r.Error.Code != "" {
		return string(r.Error.Code)
	}
	if r.Message != "" {
		return string(r.Message)
	}
	return "failed"
}

// decodeMemberResults flattens {admins, moderators, participants, usersToBan}
// (each uid → result) into uid → "success" or the error message.
func decodeMemberResults(raw json.RawMessage) (map[string]string, error) {
	var lists map[string]map[string]memberResult
	if err := json.Unmarshal(raw, &lists); err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent member results that cannot be read", Err: err}
	}
	out := map[string]string{}
	for _, k := range []string{"admins", "moderators", "participants", "usersToBan"} {
		for uid, r := range lists[k] {
			out[uid] = r.text()
		}
	}
	return out, nil
}

// GetGroup fetches one group (Cordova: getGroup).
func (c *Client) GetGroup(ctx context.Context, guid string) (*Group, error) {
	if err := checkGUID(guid); err != nil {
		return nil, err
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodGet, Path: "groups/" + guid})
	if err != nil {
		return nil, err
	}
	return decodeGroupData(resp.Data)
}

// UpdateGroup updates a group's name, icon, description, metadata, tags or
// type (Cordova: updateGroup). Moderators, admins and the owner may do it.
func (c *Client) UpdateGroup(ctx context.Context, g *Group) (*Group, error) {
	if g == nil {
		return nil, errorf(CodeMissingParameters, "a group is required")
	}
	if err := checkGUID(g.GUID); err != nil {
		return nil, err
	}
	switch g.Type {
	case "", GroupTypePublic, GroupTypePassword, GroupTypePrivate:
	default:
		return nil, errorf(CodeInvalidGroupType, "group type must be public, password or private, not %q", clip(string(g.Type)))
	}
	if g.Tags != nil && len(g.Tags) == 0 {
		return nil, errorf(CodeInvalidGroupTags, "tags, when set, must not be empty")
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPut, Path: "groups/" + g.GUID, Body: bodyOfGroup(g)})
	if err != nil {
		return nil, err
	}
	return decodeGroupData(resp.Data)
}

// DeleteGroup deletes a group (Cordova: deleteGroup); admins and the owner
// may do it.
func (c *Client) DeleteGroup(ctx context.Context, guid string) error {
	if err := checkGUID(guid); err != nil {
		return err
	}
	_, err := c.clientCall(ctx, &rest.Request{Method: http.MethodDelete, Path: "groups/" + guid})
	return err
}

// JoinGroup joins a group (Cordova: joinGroup). An empty typ means public, the
// Cordova default; a password group needs its password. The server applies the
// group's real type: a private group cannot be joined (CodeGroupJoinNotAllowed;
// an admin adds members instead), a wrong password gives
// CodeWrongGroupPassword. The returned group has HasJoined set.
func (c *Client) JoinGroup(ctx context.Context, guid string, typ GroupType, password string) (*Group, error) {
	if err := checkGUID(guid); err != nil {
		return nil, err
	}
	if typ == "" {
		typ = GroupTypePublic
	}
	if err := checkGroupType(typ, password); err != nil {
		return nil, err
	}
	// Same body as the Cordova SDK, junk name included: the captures are
	// the reference for what a client sends, and the server ignores it.
	body := &groupBody{GUID: guid, Name: "name", Type: typ}
	if typ == GroupTypePassword {
		body.Password = password
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPost, Path: "groups/" + guid + "/members", Body: body})
	if err != nil {
		return nil, err
	}
	msg, err := decodeMessage(resp.Data)
	if err != nil {
		return nil, &Error{Code: CodeFailedToFetch, Message: "the server sent a join result that cannot be read", Err: err}
	}
	a, _ := msg.(*Action)
	var g *Group
	if a != nil {
		g, _ = a.ActionFor.(*Group)
	}
	if g == nil || g.GUID == "" {
		return nil, errorf(CodeFailedToFetch, "the server's join result carries no group")
	}
	g.HasJoined = true
	return g, nil
}

// LeaveGroup leaves a group (Cordova: leaveGroup). The owner must transfer
// ownership first.
func (c *Client) LeaveGroup(ctx context.Context, guid string) error {
	if err := checkGUID(guid); err != nil {
		return err
	}
	_, err := c.clientCall(ctx, &rest.Request{Method: http.MethodDelete, Path: "groups/" + guid + "/members"})
	return err
}

// AddMembersToGroup adds members by their scope and bans bannedUIDs in one
// request (Cordova: addMembersToGroup). The map gives, per UID, "success" or
// the server's error message; a failure for one UID is not an error of the
// call. Admins and the owner may add members.
func (c *Client) AddMembersToGroup(ctx context.Context, guid string, members []*GroupMember, bannedUIDs []string) (map[string]string, error) {
	if err := checkGUID(guid); err != nil {
		return nil, err
	}
	mb, err := buildMembers(members, bannedUIDs)
	if err != nil {
		return nil, err
	}
	if mb.empty() {
		return nil, errorf(CodeEmptyUsersList, "add at least one member or one UID to ban")
	}
	resp, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPut, Path: "groups/" + guid + "/members", Body: mb})
	if err != nil {
		return nil, err
	}
	return decodeMemberResults(resp.Data)
}

func (c *Client) memberAction(ctx context.Context, method, guid, path, uid string, body any) error {
	if err := checkGUID(guid); err != nil {
		return err
	}
	if err := checkUID(uid); err != nil {
		return err
	}
	_, err := c.clientCall(ctx, &rest.Request{Method: method, Path: "groups/" + guid + "/" + path + "/" + uid, Body: body})
	return err
}

// KickGroupMember removes a member from a group (Cordova: kickGroupMember);
// the user may join again.
func (c *Client) KickGroupMember(ctx context.Context, guid, uid string) error {
	return c.memberAction(ctx, http.MethodDelete, guid, "members", uid, nil)
}

// BanGroupMember removes a user from a group and bans them until unbanned
// (Cordova: banGroupMember).
func (c *Client) BanGroupMember(ctx context.Context, guid, uid string) error {
	return c.memberAction(ctx, http.MethodPost, guid, "bannedusers", uid, nil)
}

// UnbanGroupMember lifts a ban (Cordova: unbanGroupMember); the user is not
// added back.
func (c *Client) UnbanGroupMember(ctx context.Context, guid, uid string) error {
	return c.memberAction(ctx, http.MethodDelete, guid, "bannedusers", uid, nil)
}

// UpdateGroupMemberScope changes a member's scope to admin, moderator or
// participant (Cordova: updateGroupMemberScope).
func (c *Client) UpdateGroupMemberScope(ctx context.Context, guid, uid string, scope GroupMemberScope) error {
	if err := checkScope(scope); err != nil {
		return err
	}
	return c.memberAction(ctx, http.MethodPut, guid, "members", uid, map[string]string{"scope": string(scope)})
}

// TransferGroupOwnership makes member uid the owner of the group (Cordova:
// transferGroupOwnership); only the owner may do it, and stays an admin.
func (c *Client) TransferGroupOwnership(ctx context.Context, guid, uid string) error {
	if err := checkGUID(guid); err != nil {
		return err
	}
	if err := checkUID(uid); err != nil {
		return err
	}
	_, err := c.clientCall(ctx, &rest.Request{Method: http.MethodPatch, Path: "groups/" + guid + "/owner",
		Body: map[string]string{"owner": uid}})
	return err
}
